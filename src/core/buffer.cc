#include "core/buffer.h"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace ark {
namespace {

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

uint8_t* AlignedAlloc(size_t capacity) {
  size_t bytes = RoundUp(capacity + kBufferPadding, kBufferAlignment);
  void* p = std::aligned_alloc(kBufferAlignment, bytes);
  if (p == nullptr) throw std::bad_alloc();
  return static_cast<uint8_t*>(p);
}

}  // namespace

Buffer::~Buffer() {
  if (owned_) std::free(data_);
}

std::shared_ptr<Buffer> Buffer::Allocate(size_t size) {
  std::shared_ptr<Buffer> b(new Buffer());
  b->data_ = AlignedAlloc(size);
  std::memset(b->data_ + size, 0, kBufferPadding);
  b->size_ = size;
  b->owned_ = true;
  return b;
}

std::shared_ptr<Buffer> Buffer::AllocateZeroed(size_t size) {
  auto b = Allocate(size);
  std::memset(b->data_, 0, size);
  return b;
}

BufferPtr Buffer::Copy(std::string_view bytes) {
  auto b = Allocate(bytes.size());
  if (!bytes.empty()) std::memcpy(b->data_, bytes.data(), bytes.size());
  return b;
}

BufferPtr Buffer::Wrap(const uint8_t* data, size_t size, std::shared_ptr<const void> owner) {
  std::shared_ptr<Buffer> b(new Buffer());
  b->data_ = const_cast<uint8_t*>(data);
  b->size_ = size;
  b->owned_ = false;
  b->owner_ = std::move(owner);
  return b;
}

BufferBuilder::~BufferBuilder() { std::free(data_); }

BufferBuilder::BufferBuilder(BufferBuilder&& other) noexcept
    : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
  other.data_ = nullptr;
  other.size_ = other.capacity_ = 0;
}

BufferBuilder& BufferBuilder::operator=(BufferBuilder&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = other.data_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.data_ = nullptr;
    other.size_ = other.capacity_ = 0;
  }
  return *this;
}

void BufferBuilder::Grow(size_t min_capacity) {
  size_t cap = std::max<size_t>({min_capacity, capacity_ * 2, 64});
  uint8_t* p = AlignedAlloc(cap);
  if (size_) std::memcpy(p, data_, size_);
  std::free(data_);
  data_ = p;
  capacity_ = cap;
}

BufferPtr BufferBuilder::Finish() {
  if (data_ == nullptr) Grow(0);
  std::shared_ptr<Buffer> b(new Buffer());
  b->data_ = data_;
  b->size_ = size_;
  b->owned_ = true;
  // Zero the padding so readers past the end see deterministic bytes.
  std::memset(data_ + size_, 0, std::min(kBufferPadding, capacity_ + kBufferPadding - size_));
  data_ = nullptr;
  size_ = capacity_ = 0;
  return b;
}

}  // namespace ark
