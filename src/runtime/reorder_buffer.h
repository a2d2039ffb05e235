// ReorderBuffer<T>: the queue in front of the ordered stage. Items arrive tagged with a sequence
// number, possibly out of order (parallel workers finish in any order), and leave strictly in
// sequence order, so the ordered stage sees the stream in input order (DESIGN §3).
//
// It is bounded like BoundedQueue (items and bytes): an insert waits while the buffer is full,
// except the insert of the very next sequence number, which is always admitted — the consumer is
// waiting for exactly that item, so refusing it would deadlock. Workers pop their input from a
// FIFO in sequence order, so whenever a worker waits here the next item is already held by a
// worker that will not wait.
//
//   ReorderBuffer<Slot> rb(/*max_items=*/32, /*max_bytes=*/64 << 20);
//   rb.Insert(seq, std::move(slot), bytes);   // any worker, any order
//   Slot s; rb.Pop(&s);                       // the ordered stage: seq 0, 1, 2, ...
//
// Thread-safety: every method is safe to call concurrently.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>

#include "base/bounded_queue.h"

namespace ark {

template <typename T>
class ReorderBuffer {
 public:
  ReorderBuffer(size_t max_items, size_t max_bytes)
      : max_items_(max_items == 0 ? 1 : max_items), max_bytes_(max_bytes == 0 ? 1 : max_bytes) {}

  ReorderBuffer(const ReorderBuffer&) = delete;
  ReorderBuffer& operator=(const ReorderBuffer&) = delete;

  // Blocks while full (unless `seq` is the next to leave). Returns false when closed.
  // REQUIRES: each seq inserted once; seqs are consecutive from 0.
  bool Insert(uint64_t seq, T&& item, size_t bytes) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] {
      return closed_ || seq == next_ ||
             (items_.size() < max_items_ && bytes_ + bytes <= max_bytes_);
    });
    if (closed_) return false;
    items_.emplace(seq, Entry{std::move(item), bytes});
    bytes_ += bytes;
    bool ready = seq == next_;
    lock.unlock();
    if (ready) ready_.notify_one();
    return true;
  }

  // Blocks until the next item in sequence is there, or the buffer is closed (kClosed).
  QueuePop Pop(T* out) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return closed_ || HasNext(); });
    return PopLocked(lock, out);
  }

  // Like Pop(), giving up at `deadline` (kTimeout).
  template <typename Clock, typename Duration>
  QueuePop PopUntil(T* out, std::chrono::time_point<Clock, Duration> deadline) {
    std::unique_lock lock(mu_);
    if (!ready_.wait_until(lock, deadline, [&] { return closed_ || HasNext(); })) {
      return QueuePop::kTimeout;
    }
    return PopLocked(lock, out);
  }

  // Wakes every waiter; inserts fail; pops return what is in sequence, then kClosed. Idempotent.
  void Close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    ready_.notify_all();
    not_full_.notify_all();
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return items_.size();
  }

 private:
  struct Entry {
    T item;
    size_t bytes;
  };

  // REQUIRES: mu_ held
  bool HasNext() const { return !items_.empty() && items_.begin()->first == next_; }

  // REQUIRES: mu_ held by `lock`
  QueuePop PopLocked(std::unique_lock<std::mutex>& lock, T* out) {
    if (!HasNext()) return QueuePop::kClosed;
    auto it = items_.begin();
    *out = std::move(it->second.item);
    bytes_ -= it->second.bytes;
    items_.erase(it);
    ++next_;
    lock.unlock();
    // Every waiting inserter re-checks: one of them may hold the new next_.
    not_full_.notify_all();
    return QueuePop::kItem;
  }

  const size_t max_items_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::condition_variable not_full_;
  std::map<uint64_t, Entry> items_;  // GUARDED_BY(mu_)
  size_t bytes_ = 0;                 // GUARDED_BY(mu_)
  uint64_t next_ = 0;                // GUARDED_BY(mu_)
  bool closed_ = false;              // GUARDED_BY(mu_)
};

}  // namespace ark
