#include "runtime/backoff.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace ark {

std::chrono::nanoseconds Backoff::Next() {
  if (next_ <= std::chrono::nanoseconds::zero()) {
    next_ = policy_.initial;
  } else {
    auto scaled = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double, std::nano>(static_cast<double>(next_.count()) *
                                                 policy_.multiplier));
    next_ = std::min(scaled, policy_.max);
  }
  next_ = std::min(next_, policy_.max);
  ++attempts_;
  return next_;
}

bool SleepUnlessStopped(std::stop_token stop, std::chrono::nanoseconds d) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  // The predicate is the stop request itself: wait_for wakes on it through a stop_callback.
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace ark
