// StreamBuffer: ArkFlow's `buffer` stage between the input and the processors — `memory`
// (accumulate up to `capacity` batches or `timeout`), and the processing-time windows
// `tumbling_window`, `sliding_window`, `session_window`. It runs on its own thread: the runtime
// pushes every input batch in, calls Poll() at NextDeadline(), and Flush() at end of stream.
// Emitted batches carry the merged acknowledgements of the input batches they contain.
//
// Thread-safety: called from the buffer thread only.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "base/status.h"
#include "runtime/message.h"

namespace ark {

class StreamBuffer {
 public:
  using Clock = std::chrono::steady_clock;

  virtual ~StreamBuffer() = default;

  // Takes one data message; appends to `out` whatever is ready now.
  virtual Status Push(StreamMessage msg, Clock::time_point now,
                      std::vector<StreamMessage>* out) = 0;
  // When Poll() should next run (nullopt: nothing pending).
  virtual std::optional<Clock::time_point> NextDeadline() const = 0;
  // Emits what is due at `now`.
  virtual Status Poll(Clock::time_point now, std::vector<StreamMessage>* out) = 0;
  // End of stream: emits everything still held.
  virtual Status Flush(std::vector<StreamMessage>* out) = 0;
};

}  // namespace ark
