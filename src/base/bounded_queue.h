// BoundedQueue<T>: a blocking multi-producer multi-consumer FIFO bounded both in items and in
// bytes.
//
// Producers block in Push() while the queue is full (backpressure: a slow consumer slows the
// producer, memory stays flat). One item is always admitted into an empty queue even if it alone
// exceeds the byte bound, so an oversized batch cannot deadlock the pipeline. Close() wakes every
// waiter: later pushes fail, pops drain what is left and then report kClosed.
//
//   BoundedQueue<Item> q(/*max_items=*/16, /*max_bytes=*/64 << 20);
//   q.Push(std::move(item), item_bytes);            // producer
//   Item out; if (q.Pop(&out) == QueuePop::kItem)   // consumer
//
// Thread-safety: every method is safe to call concurrently.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <utility>

namespace ark {

enum class QueuePop { kItem, kTimeout, kClosed };

template <typename T>
class BoundedQueue {
 public:
  BoundedQueue(size_t max_items, size_t max_bytes)
      : max_items_(max_items == 0 ? 1 : max_items), max_bytes_(max_bytes == 0 ? 1 : max_bytes) {}

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Blocks until there is room. Returns false (and drops nothing: `item` is left untouched) when
  // the queue was closed.
  bool Push(T&& item, size_t bytes) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || HasRoom(bytes); });
    if (closed_) return false;
    PushLocked(std::move(item), bytes);
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  // Pushes even when the queue is full: for control messages (end-of-stream, barriers) that must
  // never be blocked behind data. Returns false when closed.
  bool ForcePush(T&& item, size_t bytes = 0) {
    std::unique_lock lock(mu_);
    if (closed_) return false;
    PushLocked(std::move(item), bytes);
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  // Blocks until an item is available or the queue is closed and drained.
  QueuePop Pop(T* out) {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    return PopLocked(lock, out);
  }

  // Like Pop(), giving up at `deadline`.
  template <typename Clock, typename Duration>
  QueuePop PopUntil(T* out, std::chrono::time_point<Clock, Duration> deadline) {
    std::unique_lock lock(mu_);
    if (!not_empty_.wait_until(lock, deadline, [&] { return closed_ || !items_.empty(); })) {
      return QueuePop::kTimeout;
    }
    return PopLocked(lock, out);
  }

  template <typename Rep, typename Period>
  QueuePop PopFor(T* out, std::chrono::duration<Rep, Period> timeout) {
    return PopUntil(out, std::chrono::steady_clock::now() + timeout);
  }

  // After Close(), Push fails and Pop returns the remaining items, then kClosed. Idempotent.
  void Close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  bool closed() const {
    std::lock_guard lock(mu_);
    return closed_;
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return items_.size();
  }
  size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }
  size_t max_items() const { return max_items_; }
  size_t max_bytes() const { return max_bytes_; }

 private:
  struct Entry {
    T item;
    size_t bytes;
  };

  // REQUIRES: mu_ held
  bool HasRoom(size_t bytes) const {
    if (items_.empty()) return true;
    return items_.size() < max_items_ && bytes_ + bytes <= max_bytes_;
  }
  // REQUIRES: mu_ held
  void PushLocked(T&& item, size_t bytes) {
    items_.push_back(Entry{std::move(item), bytes});
    bytes_ += bytes;
  }
  // REQUIRES: mu_ held by `lock`
  QueuePop PopLocked(std::unique_lock<std::mutex>& lock, T* out) {
    if (items_.empty()) return QueuePop::kClosed;
    Entry e = std::move(items_.front());
    items_.pop_front();
    bytes_ -= e.bytes;
    *out = std::move(e.item);
    lock.unlock();
    not_full_.notify_one();
    return QueuePop::kItem;
  }

  const size_t max_items_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<Entry> items_;  // GUARDED_BY(mu_)
  size_t bytes_ = 0;         // GUARDED_BY(mu_)
  bool closed_ = false;      // GUARDED_BY(mu_)
};

}  // namespace ark
