// HeldBatches: the data a buffer holds between arrival and release, and how it leaves.
//
// Released batches are concatenated (ConcatBatches) into one batch per run of consecutive batches
// with the same schema — batches of different schemas cannot be concatenated, so a change of schema
// starts a new output batch instead of failing. Each output batch carries the merged AckSets of the
// input batches in it (or forks of them, for sliding windows that release a batch more than once).
// A batch without rows contributes only its acknowledgements. Should a concatenation fail (a column
// beyond 2 GiB), the run's batches are released one by one, each with its own acks.
//
// Thread-safety: used by one buffer thread.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <utility>
#include <vector>

#include "core/batch.h"
#include "runtime/ack.h"
#include "runtime/message.h"
#include "runtime/stream_buffer.h"

namespace ark {

// One input batch held by a buffer.
struct HeldBatch {
  Batch batch;
  AckSet acks;
  int64_t created_us = 0;  // when the input produced it (latency accounting)
  bool released = false;   // sliding windows: was part of an emitted window
};

enum class AckRelease {
  kMove,  // the output batches take the acks (the held batches leave the buffer)
  kFork,  // the output batches get forks; the held batches keep theirs (sliding windows)
};

// Appends the concatenation of `held` to `out` as data messages (see above).
void ReleaseBatches(std::span<HeldBatch> held, AckRelease mode, std::vector<StreamMessage>* out);

// A FIFO of held batches with row accounting; Release() empties it.
class HeldBatches {
 public:
  void Add(StreamMessage msg);
  bool empty() const { return held_.empty(); }
  int64_t rows() const { return rows_; }
  size_t size() const { return held_.size(); }
  // Releases everything held, in order.
  void Release(std::vector<StreamMessage>* out);

  // Data messages added / released since the start, in arrival order.
  uint64_t added() const { return added_; }
  uint64_t released() const { return released_; }

 private:
  std::vector<HeldBatch> held_;
  int64_t rows_ = 0;
  uint64_t added_ = 0;
  uint64_t released_ = 0;
};

// Watermarks held back until every data message that arrived before them has been released, so
// that a buffer never lets a watermark overtake older rows (which would make them late downstream)
// while it still accumulates — releasing on every watermark would defeat the buffer.
class WatermarkHold {
 public:
  // A watermark that arrived after `added` data messages.
  void Add(StreamMessage watermark, uint64_t added) {
    held_.push_back({added, std::move(watermark)});
  }
  // Forwards, in order, the watermarks whose preceding data messages are all released.
  void Release(uint64_t released, std::vector<StreamMessage>* out) {
    while (!held_.empty() && held_.front().first <= released) {
      out->push_back(std::move(held_.front().second));
      held_.pop_front();
    }
  }

 private:
  std::deque<std::pair<uint64_t, StreamMessage>> held_;
};

// The shared part of the buffers that release everything they hold at once (memory, tumbling and
// session windows): the held batches, the held watermarks, and control messages — a watermark
// waits for the rows before it (WatermarkHold); any other control message (barrier, end of stream)
// releases everything held, then passes, so nothing overtakes anything.
class ReleaseAllBuffer : public StreamBuffer {
 public:
  Status Flush(std::vector<StreamMessage>* out) override {
    ReleaseAll(out);
    return Status::OK();
  }

 protected:
  // Releases the held batches and the watermarks that were waiting for them.
  void ReleaseAll(std::vector<StreamMessage>* out) {
    held_.Release(out);
    watermarks_.Release(held_.released(), out);
  }
  // REQUIRES: !msg.is_data().
  void PushControl(StreamMessage msg, std::vector<StreamMessage>* out) {
    if (msg.kind == MessageKind::kWatermark) {
      watermarks_.Add(std::move(msg), held_.added());
      watermarks_.Release(held_.released(), out);
      return;
    }
    ReleaseAll(out);
    out->push_back(std::move(msg));
  }

  HeldBatches held_;
  WatermarkHold watermarks_;
};

}  // namespace ark
