// Buffer: an immutable, reference-counted block of bytes — the unit of memory of every column.
//
// Buffers we allocate are 64-byte aligned and followed by at least kBufferPadding readable zero
// bytes, so SIMD readers (simdjson) may read past the end. Foreign memory (Arrow C Data imports,
// mapped files) is wrapped with an owner that keeps it alive; such buffers report padded() ==
// false.
//
// BufferBuilder grows a buffer while a column is being built and hands it over with Finish().
//
// Thread-safety: a finished Buffer is immutable and may be shared across threads. BufferBuilder is
// not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace ark {

inline constexpr size_t kBufferAlignment = 64;
inline constexpr size_t kBufferPadding = 64;

class Buffer;
using BufferPtr = std::shared_ptr<const Buffer>;

class Buffer {
 public:
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  // A new buffer of `size` bytes (contents uninitialised, padding zeroed).
  static std::shared_ptr<Buffer> Allocate(size_t size);
  // A new buffer of `size` zero bytes.
  static std::shared_ptr<Buffer> AllocateZeroed(size_t size);
  // A copy of `bytes` in a new padded buffer.
  static BufferPtr Copy(std::string_view bytes);
  // Wraps memory owned by `owner` without copying.
  static BufferPtr Wrap(const uint8_t* data, size_t size, std::shared_ptr<const void> owner);

  const uint8_t* data() const { return data_; }
  uint8_t* mutable_data() { return data_; }
  size_t size() const { return size_; }
  // True when kBufferPadding readable bytes follow data() + size().
  bool padded() const { return owned_; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  friend class BufferBuilder;
  Buffer() = default;

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  bool owned_ = false;
  std::shared_ptr<const void> owner_;
};

// Growable byte buffer with amortised doubling; Finish() transfers the bytes into a Buffer.
class BufferBuilder {
 public:
  BufferBuilder() = default;
  ~BufferBuilder();
  BufferBuilder(BufferBuilder&& other) noexcept;
  BufferBuilder& operator=(BufferBuilder&& other) noexcept;
  BufferBuilder(const BufferBuilder&) = delete;
  BufferBuilder& operator=(const BufferBuilder&) = delete;

  // Makes room for `additional` more bytes without changing size().
  void Reserve(size_t additional) {
    if (size_ + additional > capacity_) Grow(size_ + additional);
  }
  // Sets size() to `n`; new bytes are uninitialised.
  void Resize(size_t n) {
    if (n > capacity_) Grow(n);
    size_ = n;
  }
  // Sets size() to `n`; new bytes are zero.
  void ResizeZeroed(size_t n) {
    size_t old = size_;
    Resize(n);
    if (n > old) std::memset(data_ + old, 0, n - old);
  }
  void Append(const void* bytes, size_t n) {
    Reserve(n);
    if (n) std::memcpy(data_ + size_, bytes, n);
    size_ += n;
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  template <typename T>
  void AppendValue(const T& v) {
    Reserve(sizeof(T));
    std::memcpy(data_ + size_, &v, sizeof(T));
    size_ += sizeof(T);
  }
  // Appends without a capacity check. REQUIRES: Reserve() made room.
  template <typename T>
  void UnsafeAppendValue(const T& v) {
    std::memcpy(data_ + size_, &v, sizeof(T));
    size_ += sizeof(T);
  }
  void UnsafeAppend(const void* bytes, size_t n) {
    std::memcpy(data_ + size_, bytes, n);
    size_ += n;
  }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  void Clear() { size_ = 0; }

  // Hands the bytes over; the builder is empty afterwards.
  BufferPtr Finish();

 private:
  void Grow(size_t min_capacity);

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace ark
