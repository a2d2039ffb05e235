// `memory` buffer (ArkFlow's `memory`: `capacity`, `timeout`): holds incoming batches and releases
// them together, concatenated, once `capacity` messages (rows) are held or `timeout` has passed
// since the first held batch — whichever comes first — and at end of stream.
//
// `capacity` counts messages, i.e. rows, as ArkFlow's implementation does (its docs say "message
// batches"; its code sums batch lengths). ArkFlow's timeout is a periodic timer; here it is
// measured from the first held batch, which bounds the delay every row can see by `timeout`.
// Released batches carry the merged acknowledgements of their parts (held_batches.h).
//
// Control messages: a watermark waits until the rows that arrived before it are released; a barrier
// or end of stream releases what is held first and then passes (held_batches.h ReleaseAllBuffer).
//
// Thread-safety: the buffer thread only (StreamBuffer contract).
#pragma once

#include <chrono>
#include <cstdint>

#include "buffers/held_batches.h"
#include "runtime/registry.h"
#include "runtime/stream_buffer.h"

namespace ark {

class MemoryBuffer final : public ReleaseAllBuffer {
 public:
  MemoryBuffer(int64_t capacity, std::chrono::nanoseconds timeout);

  Status Push(StreamMessage msg, Clock::time_point now, std::vector<StreamMessage>* out) override;
  std::optional<Clock::time_point> NextDeadline() const override;
  Status Poll(Clock::time_point now, std::vector<StreamMessage>* out) override;

 private:
  int64_t capacity_;
  std::chrono::nanoseconds timeout_;
  Clock::time_point first_;  // arrival of the first held batch
};

void RegisterMemoryBuffer(Registry& registry);

}  // namespace ark
