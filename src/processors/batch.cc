#include "processors/batch.h"

namespace ark {

BatchProcessor::BatchProcessor(int64_t count, std::chrono::milliseconds timeout,
                               std::function<Clock::time_point()> now)
    : count_(count), timeout_(timeout), now_(std::move(now)) {}

Status BatchProcessor::Release(ProcessOutput* out) {
  if (held_.empty()) return Status::OK();
  auto merged = ConcatBatches(held_);
  if (merged.ok()) {
    out->batches.push_back(std::move(merged).value());
  } else {
    // Too big to merge (a column beyond 2 GiB): pass the batches on unmerged.
    for (auto& b : held_) out->batches.push_back(std::move(b));
  }
  held_.clear();
  return Status::OK();
}

Status BatchProcessor::Process(Batch batch, ProcessOutput* out) {
  if (!held_.empty()) {
    const SchemaPtr& a = held_.front().schema();
    const SchemaPtr& b = batch.schema();
    bool same = a == b || (a != nullptr && b != nullptr && a->Equals(*b));
    if (!same) ARK_RETURN_IF_ERROR(Release(out));
  }
  if (held_.empty()) first_ = now_();
  held_.push_back(std::move(batch));
  if (static_cast<int64_t>(held_.size()) >= count_) return Release(out);
  return Status::OK();
}

std::optional<Processor::Clock::time_point> BatchProcessor::NextDeadline() const {
  if (held_.empty()) return std::nullopt;
  return first_ + timeout_;
}

Status BatchProcessor::OnTimer(Clock::time_point now, ProcessOutput* out) {
  if (!held_.empty() && now >= first_ + timeout_) return Release(out);
  return Status::OK();
}

Status BatchProcessor::OnControl(const StreamMessage& control, ProcessOutput* out) {
  // The runtime passes the control message on after this returns, so nothing may stay held behind
  // it: a barrier must not overtake held rows (their input positions are in the checkpoint), nor a
  // watermark (the rows would be late downstream).
  if (control.is_data()) return Status::OK();
  return Release(out);
}

void RegisterBatchProcessor(Registry& registry) {
  ConfigSpec spec(
      "Merges consecutive batches: holds them and releases them as one batch when `count` "
      "batches are held or `timeout_ms` has passed since the first one (even if no new batch "
      "arrives), and before any control message (end of stream, checkpoint barrier, watermark). "
      "Batches of different schemas are not merged.");
  spec.Int("count",
           "Input batches (not rows, as in ArkFlow) to merge into one; with single-message "
           "inputs that is the number of messages.")
      .Required()
      .Min(1);
  spec.Int("timeout_ms", "Longest time in milliseconds a batch is held before release.")
      .Required()
      .Min(1);
  registry.AddProcessor(
      {.name = "batch",
       .summary = "Merges consecutive batches by count or timeout.",
       .spec = std::move(spec),
       .example = "processors:\n  - type: batch\n    count: 100\n    timeout_ms: 500\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext&) -> Result<std::unique_ptr<Processor>> {
        return std::make_unique<BatchProcessor>(
            cfg.GetInt("count"), std::chrono::milliseconds(cfg.GetInt("timeout_ms")));
      });
}

}  // namespace ark
