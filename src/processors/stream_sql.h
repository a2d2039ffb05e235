// `stream_sql` processor: one continuous SQL query over the stream, with state kept across
// batches (DESIGN §4, streaming mode; sql/streaming/streaming_query.h does the work).
//
//   - type: stream_sql
//     query: |
//       SELECT window_start, auction, count(*) AS bids
//       FROM TUMBLE(flow, date_time, INTERVAL '10' SECOND)
//       GROUP BY window_start, window_end, auction
//     event_time: {column: date_time, max_delay: 5s, idle_timeout: 1m}
//
// Event time: with `event_time`, the processor tracks the watermark itself (runtime/event_time.h:
// per `__meta_partition`, minimum over partitions that are not idle, minus max_delay) and sends
// rows older than the watermark — late — to error_output with the reason. Without it, it follows
// the watermarks travelling in band from upstream, and at the end of the input every open window
// is emitted.
//
// Results: windowed aggregations are append-only, emitted when the watermark passes a window's
// end. Queries whose results change (GROUP BY without a window) produce a changelog with an
// `__op` column, which only outputs that accept a changelog may receive: the query is refused
// when it is planned otherwise, naming the operator and the outputs that would accept it.
//
// Planning happens at the first batch (its schema is the table's); later batches are conformed
// to that schema by column name (missing columns are NULL, other types are cast; a failed cast
// sends the batch to error_output). Syntax errors are config errors at start-up.
//
// Metrics (labels stream, component, operator): arkflow_state_keys, arkflow_state_bytes per
// stateful operator; arkflow_late_rows_total and arkflow_watermark_seconds per processor.
//
// Thread-safety: stateful: called from the stream's ordered stage only.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "processors/sql.h"
#include "runtime/event_time.h"
#include "runtime/processor.h"
#include "runtime/registry.h"
#include "sql/streaming/streaming_query.h"

namespace ark {

struct StreamSqlOptions {
  std::string query;
  std::string table_name = "flow";
  std::optional<EventTimeOptions> event_time;
  // Forget groups and join rows not touched for this long (processing time); 0: never.
  std::chrono::nanoseconds state_ttl{0};
  // Key-hash shards of the stateful operators, each on its own thread (1: no sharding).
  int parallelism = 1;
  // When windowed aggregations emit (`emit: on_window_close | on_update`).
  sql::EmitMode emit = sql::EmitMode::kOnWindowClose;
  // Lookup tables joined to the stream (temporary_list, as the sql processor's).
  std::vector<std::unique_ptr<FileLookupTable>> lookups;
};

class StreamSqlProcessor final : public Processor {
 public:
  // Checks the query's syntax (line:column and caret on error).
  static Result<std::unique_ptr<StreamSqlProcessor>> Make(StreamSqlOptions options);
  ~StreamSqlProcessor() override;

  Status Process(Batch batch, ProcessOutput* out) override;
  bool stateful() const override { return true; }
  std::optional<Clock::time_point> NextDeadline() const override;
  Status OnTimer(Clock::time_point now, ProcessOutput* out) override;
  Status OnControl(const StreamMessage& control, ProcessOutput* out) override;
  // Refuses an output that cannot take a changelog when the query aggregates without windows.
  Status CheckDownstream(const Downstream& downstream) const override;
  void Attach(const Downstream& downstream, MetricsRegistry& metrics,
              const MetricLabels& labels) override;

  // The planned query (shard 0; null before the first batch), for tests.
  const sql::StreamingQuery* query() const { return shards_.empty() ? nullptr : shards_[0].get(); }
  int64_t watermark_us() const { return watermark_us_; }

 private:
  explicit StreamSqlProcessor(StreamSqlOptions options);
  Status Plan(const Batch& batch);
  Result<Batch> Conform(const Batch& batch) const;
  Status Advance(int64_t watermark_us, ProcessOutput* out);
  void Collect(sql::StreamResult& result, ProcessOutput* out);
  void UpdateMetrics();

  const StreamSqlOptions options_;
  std::optional<WatermarkTracker> tracker_;
  // One query per shard (`parallelism`); shard_columns_ split the rows between them.
  std::vector<std::unique_ptr<sql::StreamingQuery>> shards_;
  std::vector<int> shard_columns_;
  // The lookup snapshots the shards hold (reloaded files are passed on when they change).
  std::vector<std::shared_ptr<const LookupSnapshot>> snapshots_;
  Status RefreshLookups(ProcessOutput* out, bool force);
  // Runs fn(shard) for every shard, on threads when there are several; the first error wins.
  Status ForEachShard(const std::function<Status(size_t)>& fn);
  Result<std::vector<Batch>> Split(const Batch& rows) const;
  SchemaPtr input_schema_;
  int64_t watermark_us_ = WatermarkTracker::kNoWatermark;
  Clock::time_point next_expiry_;

  Downstream downstream_;
  MetricsRegistry* metrics_ = nullptr;
  MetricLabels labels_;
  Counter* late_rows_ = nullptr;
  Gauge* watermark_gauge_ = nullptr;
  std::vector<std::pair<Gauge*, Gauge*>> state_gauges_;  // keys, bytes per stateful operator
};

void RegisterStreamSqlProcessor(Registry& registry);

}  // namespace ark
