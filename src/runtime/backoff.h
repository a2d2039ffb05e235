// Backoff: exponential retry delays for connecting and for retryable read/write failures, and an
// interruptible sleep so a stop request ends a wait at once (no polling).
//
//   Backoff backoff({.initial = 50ms, .max = 10s});
//   while (!(st = output.Write(b)).ok() && st.IsRetryable()) {
//     if (!SleepUnlessStopped(kill_token, backoff.Next())) return;  // forced stop
//   }
//
// Thread-safety: a Backoff is used by one thread; SleepUnlessStopped is thread-safe.
#pragma once

#include <chrono>
#include <stop_token>

namespace ark {

struct RetryPolicy {
  std::chrono::nanoseconds initial = std::chrono::milliseconds(50);
  std::chrono::nanoseconds max = std::chrono::seconds(10);
  double multiplier = 2.0;
};

class Backoff {
 public:
  explicit Backoff(RetryPolicy policy) : policy_(policy) {}

  // The delay before the next attempt: initial, then multiplied up to max.
  std::chrono::nanoseconds Next();
  // After a success: the next failure waits `initial` again.
  void Reset() {
    next_ = std::chrono::nanoseconds::zero();
    attempts_ = 0;
  }
  // Delays handed out since the last Reset().
  int attempts() const { return attempts_; }

 private:
  RetryPolicy policy_;
  std::chrono::nanoseconds next_{0};
  int attempts_ = 0;
};

// Sleeps for `d`, or less when `stop` is requested. Returns false when stopped.
bool SleepUnlessStopped(std::stop_token stop, std::chrono::nanoseconds d);

}  // namespace ark
