#include "runtime/event_time.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>

#include "base/time.h"
#include "base/units.h"
#include "core/column_builder.h"

namespace ark {

ConfigSpec EventTimeSpec() {
  ConfigSpec spec(
      "Event time: the column holding each row's time, how late rows may arrive, and when a "
      "silent partition stops holding the watermark back.");
  spec.String("column",
              "The event-time column: a timestamp, an RFC 3339 string, or an integer of "
              "milliseconds since the epoch.")
      .Required();
  spec.Duration("max_delay",
                "How far behind the largest event time seen the watermark stays; rows older than "
                "the watermark are late and go to error_output.")
      .Default("0s");
  spec.Duration("idle_timeout",
                "A partition (__meta_partition) without rows for this long no longer holds the "
                "watermark back; 0s: never.")
      .Default("0s");
  return spec;
}

EventTimeOptions EventTimeFromConfig(const ComponentConfig& cfg) {
  EventTimeOptions e;
  e.column = cfg.GetString("column");
  e.max_delay = cfg.GetDuration("max_delay");
  e.idle_timeout = cfg.GetDuration("idle_timeout");
  return e;
}

WatermarkTracker::WatermarkTracker(EventTimeOptions options, std::function<Clock::time_point()> now)
    : options_(std::move(options)),
      max_delay_us_(
          std::chrono::duration_cast<std::chrono::microseconds>(options_.max_delay).count()),
      now_(std::move(now)) {}

namespace {

// A partition id per row: the integer itself, or a hash of the string.
int64_t PartitionOf(const Column* col, int64_t row) {
  if (col == nullptr || col->IsNull(row)) return 0;
  switch (col->type().id()) {
    case TypeId::kInt32:
      return col->data<int32_t>()[row];
    case TypeId::kInt64:
      return col->data<int64_t>()[row];
    case TypeId::kString:
    case TypeId::kBinary:
      return static_cast<int64_t>(std::hash<std::string_view>{}(col->GetView(row)));
    default:
      return 0;
  }
}

}  // namespace

Result<WatermarkTracker::Observed> WatermarkTracker::Observe(const Batch& batch) {
  Observed out;
  const int64_t n = batch.num_rows();
  int index = batch.schema()->IndexOf(options_.column);
  if (index < 0) {
    std::vector<std::string> names;
    for (const Field& f : batch.schema()->fields()) names.push_back(f.name);
    std::string list;
    for (const std::string& s : names) list += (list.empty() ? "" : ", ") + s;
    return Status::InvalidArgument(
        "event_time.column: the batch has no column \"{}\" (columns: {})", options_.column, list);
  }
  const Column& col = *batch.column(index);
  const TypeId type = col.type().id();
  if (type != TypeId::kTimestamp && type != TypeId::kInt64 && type != TypeId::kInt32 &&
      type != TypeId::kString) {
    return Status::InvalidArgument(
        "event_time.column \"{}\" is {}; expected a timestamp, an RFC 3339 string or an integer "
        "of milliseconds since the epoch",
        options_.column, col.type().ToString());
  }
  int pindex = batch.schema()->IndexOf("__meta_partition");
  const Column* pcol = pindex >= 0 ? batch.column(pindex).get() : nullptr;

  // Event time of each row (INT64_MIN: none).
  times_.assign(static_cast<size_t>(n), INT64_MIN);
  std::vector<int64_t> timeless;
  for (int64_t r = 0; r < n; ++r) {
    if (col.IsNull(r)) {
      timeless.push_back(r);
      continue;
    }
    switch (type) {
      case TypeId::kTimestamp:
        times_[static_cast<size_t>(r)] = col.data<int64_t>()[r];
        break;
      case TypeId::kInt64:
        times_[static_cast<size_t>(r)] = col.data<int64_t>()[r] * 1000;
        break;
      case TypeId::kInt32:
        times_[static_cast<size_t>(r)] = int64_t{col.data<int32_t>()[r]} * 1000;
        break;
      default: {
        Result<int64_t> t = ParseTimestampMicros(col.GetView(r));
        if (t.ok()) {
          times_[static_cast<size_t>(r)] = *t;
        } else {
          timeless.push_back(r);
        }
      }
    }
  }
  // Late: older than the watermark as it was when the batch arrived.
  std::vector<int64_t> late, keep;
  const Clock::time_point now = now_();
  for (int64_t r = 0; r < n; ++r) {
    int64_t t = times_[static_cast<size_t>(r)];
    if (t == INT64_MIN) continue;
    if (watermark_ != kNoWatermark && t < watermark_) {
      late.push_back(r);
      continue;
    }
    keep.push_back(r);
    Partition& p = partitions_[PartitionOf(pcol, r)];
    p.max_us = std::max(p.max_us, t);
    p.last_seen = now;
  }
  if (!late.empty()) {
    late_rows_ += static_cast<int64_t>(late.size());
    out.late.emplace_back(TakeRows(batch, late),
                          fmt::format("late: event time ({}) is older than the watermark {} "
                                      "(max_delay {})",
                                      options_.column, FormatTimestampMicros(watermark_),
                                      FormatDuration(options_.max_delay)));
  }
  if (!timeless.empty()) {
    std::sort(timeless.begin(), timeless.end());
    out.late.emplace_back(TakeRows(batch, timeless),
                          fmt::format("no event time: column {} is NULL or not a timestamp "
                                      "(expected RFC 3339, e.g. 2024-05-01T12:00:00Z)",
                                      options_.column));
  }
  out.on_time = static_cast<int64_t>(keep.size()) == n ? batch : TakeRows(batch, keep);
  out.watermark = Recompute();
  return out;
}

std::optional<int64_t> WatermarkTracker::Recompute() {
  if (partitions_.empty()) return std::nullopt;
  const Clock::time_point now = now_();
  int64_t low = INT64_MAX;
  bool any = false;
  for (const auto& [id, p] : partitions_) {
    if (options_.idle_timeout.count() > 0 && now - p.last_seen >= options_.idle_timeout) continue;
    low = std::min(low, p.max_us);
    any = true;
  }
  if (!any) return std::nullopt;  // every partition idle: nothing to go by
  int64_t candidate = low - max_delay_us_;
  if (watermark_ != kNoWatermark && candidate <= watermark_) return std::nullopt;
  watermark_ = candidate;
  return candidate;
}

std::optional<int64_t> WatermarkTracker::OnTimer() { return Recompute(); }

std::optional<WatermarkTracker::Clock::time_point> WatermarkTracker::NextDeadline() const {
  if (options_.idle_timeout.count() <= 0 || partitions_.size() < 2) return std::nullopt;
  std::optional<Clock::time_point> next;
  const Clock::time_point now = now_();
  for (const auto& [id, p] : partitions_) {
    Clock::time_point idle_at =
        p.last_seen + std::chrono::duration_cast<Clock::duration>(options_.idle_timeout);
    if (idle_at <= now) continue;  // already idle
    if (!next || idle_at < *next) next = idle_at;
  }
  return next;
}

}  // namespace ark
