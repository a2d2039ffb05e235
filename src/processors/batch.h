// `batch` processor (ArkFlow's `batch`: `count`, `timeout_ms`): merges consecutive input batches
// into bigger ones.
//
// It holds incoming batches and releases them concatenated (ConcatBatches) when `count` batches are
// held — ArkFlow counts message batches, not rows, and so does this — or when `timeout_ms` has
// passed since the first held batch (a timer: it fires even when no new batch arrives; ArkFlow only
// checks on arrival, measuring from its previous flush). Every control message — end of stream,
// checkpoint barrier, watermark — releases what is held first, because the runtime passes it on
// right after and it must not overtake held rows (so with frequent watermarks batches stay small).
// A batch whose schema differs from the held ones first releases them, then starts a new group:
// batches of different schemas are never merged.
//
// Stateful (runs on the ordered stage); the runtime carries the input batches' acknowledgements to
// the merged batch.
//
// Thread-safety: one thread (stateful Processor contract).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "runtime/processor.h"
#include "runtime/registry.h"

namespace ark {

class BatchProcessor final : public Processor {
 public:
  // `now` reads the clock (tests inject a fake one).
  BatchProcessor(int64_t count, std::chrono::milliseconds timeout,
                 std::function<Clock::time_point()> now = &Clock::now);

  Status Process(Batch batch, ProcessOutput* out) override;
  bool stateful() const override { return true; }
  std::optional<Clock::time_point> NextDeadline() const override;
  Status OnTimer(Clock::time_point now, ProcessOutput* out) override;
  Status OnControl(const StreamMessage& control, ProcessOutput* out) override;

  size_t held() const { return held_.size(); }

 private:
  Status Release(ProcessOutput* out);

  int64_t count_;
  std::chrono::milliseconds timeout_;
  std::function<Clock::time_point()> now_;
  std::vector<Batch> held_;
  Clock::time_point first_;  // arrival of the first held batch
};

void RegisterBatchProcessor(Registry& registry);

}  // namespace ark
