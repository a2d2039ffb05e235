// Event time and watermarks (DESIGN §3): `event_time: {column, max_delay, idle_timeout}`.
//
// A WatermarkTracker watches the event-time column of the batches of one stream. Per partition
// (the `__meta_partition` column when the batch has one — Kafka partitions, MQTT topics — else
// one partition) it keeps the largest event time seen; the partition's watermark is that minus
// `max_delay`, and the stream's watermark is the minimum over the partitions that are not idle —
// a partition with no rows for `idle_timeout` (wall clock) stops holding the others back until it
// has rows again. The watermark never goes backwards.
//
// Rows older than the watermark at the time they arrive are late: Observe() splits them out, with
// the reason, so the caller can send them to error_output (they are never silently dropped). A
// row whose event time is NULL or unparseable is split out the same way.
//
// The event-time column may be a timestamp, an RFC 3339 string ("2024-05-01T12:00:00Z"), or an
// integer count of milliseconds since the epoch.
//
//   WatermarkTracker wm(options);
//   ARK_ASSIGN_OR_RETURN(WatermarkTracker::Observed o, wm.Observe(batch));
//   // o.on_time → the query; o.late → error_output; o.watermark → advance the query
//
// Thread-safety: one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/status.h"
#include "config/config_spec.h"
#include "core/batch.h"

namespace ark {

struct EventTimeOptions {
  std::string column;
  std::chrono::nanoseconds max_delay{0};
  // 0: partitions never count as idle.
  std::chrono::nanoseconds idle_timeout{0};
};

// The `event_time` option's spec (on every input, and on the stream_sql processor) and its
// parsed value.
ConfigSpec EventTimeSpec();
EventTimeOptions EventTimeFromConfig(const ComponentConfig& cfg);

class WatermarkTracker {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int64_t kNoWatermark = INT64_MIN;

  explicit WatermarkTracker(EventTimeOptions options,
                            std::function<Clock::time_point()> now = Clock::now);

  struct Observed {
    Batch on_time;  // the rows that are not late (the batch itself if none is)
    std::vector<std::pair<Batch, std::string>> late;  // late or timeless rows, with the reason
    std::optional<int64_t> watermark;                 // set when the watermark advanced
  };
  // Splits `batch` and updates the watermark. InvalidArgument when the batch has no column named
  // `column` or it has a type that cannot hold event time.
  Result<Observed> Observe(const Batch& batch);

  // Re-evaluates idleness: the new watermark when partitions turning idle let it advance.
  std::optional<int64_t> OnTimer();
  // When OnTimer should next run (a partition turns idle), or nullopt.
  std::optional<Clock::time_point> NextDeadline() const;

  int64_t watermark() const { return watermark_; }
  int64_t late_rows() const { return late_rows_; }
  int64_t partitions() const { return static_cast<int64_t>(partitions_.size()); }

 private:
  struct Partition {
    int64_t max_us = INT64_MIN;
    Clock::time_point last_seen;
  };
  // Recomputes the combined watermark; returns it when it advanced.
  std::optional<int64_t> Recompute();

  const EventTimeOptions options_;
  const int64_t max_delay_us_;
  const std::function<Clock::time_point()> now_;
  absl::flat_hash_map<int64_t, Partition> partitions_;
  int64_t watermark_ = kNoWatermark;
  int64_t late_rows_ = 0;
  std::vector<int64_t> times_;  // scratch: event time per row
};

}  // namespace ark
