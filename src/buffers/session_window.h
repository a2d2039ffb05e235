// `session_window` buffer (ArkFlow's `session_window`: `gap`): a session collects batches while
// they keep coming; once `gap` passes without a new batch, the session closes and its batches are
// released as one (per schema) with the merged acknowledgements of its parts. The next batch opens
// a new session. End of stream releases the open session. (Processing time: arrival times.)
//
// Control messages: a watermark waits until the rows that arrived before it are released; a barrier
// or end of stream releases the open window first (held_batches.h ReleaseAllBuffer).
//
// ArkFlow's optional `join` needs the SQL engine and is rejected with a clear error until it
// exists.
//
// Thread-safety: the buffer thread only (StreamBuffer contract).
#pragma once

#include <chrono>

#include "buffers/held_batches.h"
#include "runtime/registry.h"
#include "runtime/stream_buffer.h"

namespace ark {

class SessionWindow final : public ReleaseAllBuffer {
 public:
  explicit SessionWindow(std::chrono::nanoseconds gap);

  Status Push(StreamMessage msg, Clock::time_point now, std::vector<StreamMessage>* out) override;
  std::optional<Clock::time_point> NextDeadline() const override;
  Status Poll(Clock::time_point now, std::vector<StreamMessage>* out) override;

 private:
  std::chrono::nanoseconds gap_;
  Clock::time_point last_;  // arrival of the session's latest batch
};

void RegisterSessionWindow(Registry& registry);

}  // namespace ark
