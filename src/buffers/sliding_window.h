// `sliding_window` buffer (ArkFlow's `sliding_window`: `window_size`, `interval`, `slide_size`):
// overlapping windows counted in input batches.
//
// Batches queue up in arrival order. Every `interval` (ticks aligned to the first batch's arrival),
// if at least `window_size` batches are queued, the first `window_size` are released as one batch
// (per schema) and the window slides: the first `slide_size` batches leave the queue. With
// slide_size < window_size a batch is released in several consecutive windows; with slide_size >
// window_size the batches between windows leave without being released (and are acknowledged).
// The sizes count the batches as the input produced them (ArkFlow's queue entries; with
// `batch_size: 1` inputs that is one message each). At most one window is released per tick.
// At end of stream, windows keep being released while `window_size` batches remain, then the
// remaining batches that were never released go out as a last, shorter window.
//
// Acknowledgement: each released window carries forks of its batches' acks; a batch is
// acknowledged once it has left the queue for good and every window containing it was written.
//
// Control messages: a watermark waits until every batch that arrived before it was released (or
// slid over); a barrier or end of stream releases everything (as at end of stream) and then passes.
//
// Thread-safety: the buffer thread only (StreamBuffer contract).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

#include "buffers/held_batches.h"
#include "runtime/registry.h"
#include "runtime/stream_buffer.h"

namespace ark {

class SlidingWindow final : public StreamBuffer {
 public:
  // REQUIRES: window_size >= 1, slide_size >= 1, interval > 0.
  SlidingWindow(int64_t window_size, std::chrono::nanoseconds interval, int64_t slide_size);

  Status Push(StreamMessage msg, Clock::time_point now, std::vector<StreamMessage>* out) override;
  std::optional<Clock::time_point> NextDeadline() const override;
  Status Poll(Clock::time_point now, std::vector<StreamMessage>* out) override;
  Status Flush(std::vector<StreamMessage>* out) override;

  size_t queued() const { return queue_.size(); }

 private:
  // Releases the first window_size batches and slides.
  void ReleaseWindow(std::vector<StreamMessage>* out);

  int64_t window_size_;
  std::chrono::nanoseconds interval_;
  int64_t slide_size_;
  std::optional<Clock::time_point> next_tick_;
  std::deque<HeldBatch> queue_;
  uint64_t added_ = 0;      // batches pushed so far
  uint64_t front_seq_ = 0;  // arrival number of queue_.front()
  uint64_t done_ = 0;       // batches (in arrival order) released at least once or slid over
  WatermarkHold watermarks_;
};

void RegisterSlidingWindow(Registry& registry);

}  // namespace ark
