// `tumbling_window` buffer (ArkFlow's `tumbling_window`: `interval`): processing-time windows of
// fixed length that do not overlap. Every batch belongs to the window in which it arrived; when the
// window ends, everything it holds is released as one batch (per schema) carrying the merged
// acknowledgements of its parts. Windows are aligned to the arrival of the first batch (ArkFlow
// ticks from start-up); an empty window releases nothing. End of stream releases the open window.
//
// Control messages: a watermark waits until the rows that arrived before it are released; a barrier
// or end of stream releases the open window first (held_batches.h ReleaseAllBuffer).
//
// ArkFlow's optional `join` (a SQL join across inputs at release time) needs the SQL engine and is
// rejected with a clear error until it exists.
//
// Thread-safety: the buffer thread only (StreamBuffer contract).
#pragma once

#include <chrono>
#include <optional>

#include "buffers/held_batches.h"
#include "runtime/registry.h"
#include "runtime/stream_buffer.h"

namespace ark {

class TumblingWindow final : public ReleaseAllBuffer {
 public:
  // REQUIRES: interval > 0.
  explicit TumblingWindow(std::chrono::nanoseconds interval);

  Status Push(StreamMessage msg, Clock::time_point now, std::vector<StreamMessage>* out) override;
  std::optional<Clock::time_point> NextDeadline() const override;
  Status Poll(Clock::time_point now, std::vector<StreamMessage>* out) override;

 private:
  std::chrono::nanoseconds interval_;
  std::optional<Clock::time_point> origin_;  // start of the first window
  Clock::time_point window_end_;             // end of the window being filled
};

void RegisterTumblingWindow(Registry& registry);

}  // namespace ark
