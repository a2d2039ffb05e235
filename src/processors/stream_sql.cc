#include "processors/stream_sql.h"

#include <map>
#include <span>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/time.h"
#include "base/units.h"
#include "runtime/error_rows.h"
#include "sql/expr/cast.h"
#include "sql/operators/gather.h"
#include "sql/operators/key_encoder.h"
#include "sql/parser.h"

namespace ark {

namespace {

// `rows` with an `__error__` column holding `reason`; the runtime names the component.
Batch ErrorRows(const Batch& rows, std::string_view reason) {
  Batch with = AttachError(rows, reason, "");
  std::vector<int> keep;
  for (int i = 0; i < with.num_columns(); ++i) {
    if (with.schema()->field(i).name != "__error_component") keep.push_back(i);
  }
  return with.Project(std::span<const int>(keep));
}

}  // namespace

StreamSqlProcessor::StreamSqlProcessor(StreamSqlOptions options) : options_(std::move(options)) {
  if (options_.event_time) tracker_.emplace(*options_.event_time);
}
StreamSqlProcessor::~StreamSqlProcessor() = default;

Result<std::unique_ptr<StreamSqlProcessor>> StreamSqlProcessor::Make(StreamSqlOptions options) {
  ARK_ASSIGN_OR_RETURN(sql::StatementPtr stmt, sql::ParseStatement(options.query));
  if (stmt->kind != sql::StatementKind::kSelect) {
    return Status::InvalidArgument("stream_sql runs one SELECT statement");
  }
  return std::unique_ptr<StreamSqlProcessor>(new StreamSqlProcessor(std::move(options)));
}

namespace {

Status ChangelogRefused(std::string_view source, std::string_view output) {
  return Status::InvalidArgument(
      "stream_sql: the query's result is a changelog — {} updates rows it emitted before — but "
      "output `{}` only appends. Outputs that accept a changelog (rows with an __op column): "
      "stdout, file, drop. For append-only results, aggregate over windows "
      "(TUMBLE/HOP/CUMULATE) with an event_time",
      source, output);
}

}  // namespace

Status StreamSqlProcessor::CheckDownstream(const Downstream& downstream) const {
  if (downstream.accepts_changelog) return Status::OK();
  ARK_ASSIGN_OR_RETURN(std::optional<std::string> where,
                       sql::FindUnwindowedAggregation(options_.query, options_.emit));
  if (where) return ChangelogRefused(*where, downstream.output_type);
  return Status::OK();
}

void StreamSqlProcessor::Attach(const Downstream& downstream, MetricsRegistry& metrics,
                                const MetricLabels& labels) {
  downstream_ = downstream;
  metrics_ = &metrics;
  labels_ = labels;
  late_rows_ = metrics.GetCounter("arkflow_late_rows_total",
                                  "Rows older than the watermark, sent to error_output.", labels);
  watermark_gauge_ = metrics.GetGauge(
      "arkflow_watermark_seconds", "The event-time watermark (seconds since the epoch).", labels);
}

Status StreamSqlProcessor::Plan(const Batch& batch) {
  sql::Catalog catalog;
  ARK_RETURN_IF_ERROR(catalog.AddTable(options_.table_name, batch.schema()));
  std::vector<std::string> lookup_names;
  snapshots_.clear();
  for (const auto& l : options_.lookups) {
    snapshots_.push_back(l->Current());
    ARK_RETURN_IF_ERROR(catalog.AddTable(l->table_name(), snapshots_.back()->schema));
    lookup_names.push_back(l->table_name());
  }
  // The column watermarks are about: the processor's own event_time, or the input's.
  const std::string event_column =
      options_.event_time ? options_.event_time->column : downstream_.input_event_time_column;
  std::vector<std::unique_ptr<sql::StreamingQuery>> shards;
  for (int i = 0; i < options_.parallelism; ++i) {
    ARK_ASSIGN_OR_RETURN(std::unique_ptr<sql::StreamingQuery> q,
                         sql::StreamingQuery::Make(options_.query, catalog, options_.table_name,
                                                   lookup_names, options_.emit, event_column));
    shards.push_back(std::move(q));
  }
  const sql::StreamingQuery& q = *shards[0];
  if (q.retracting() && !downstream_.output_type.empty() && !downstream_.accepts_changelog) {
    return ChangelogRefused(q.retraction_source(), downstream_.output_type);
  }
  if (options_.parallelism > 1 && q.has_state() && q.shard_columns().empty()) {
    return Status::InvalidArgument(
        "stream_sql: parallelism {} needs a key that every stateful operator of the query "
        "groups or joins by (a column of {} carried unchanged), so that equal keys meet in one "
        "shard; this query has none (a global or window-only aggregation, or joins on different "
        "columns). Use parallelism: 1",
        options_.parallelism, options_.table_name);
  }
  if (q.needs_watermarks() && !tracker_) {
    spdlog::info(
        "stream_sql: the query aggregates over windows and no event_time is set: windows close "
        "on watermarks from upstream, or at the end of the input");
  }
  spdlog::debug("stream_sql plan:\n{}", q.Explain());
  next_expiry_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(options_.state_ttl);
  input_schema_ = batch.schema();
  shard_columns_ = q.shard_columns();
  shards_ = std::move(shards);
  if (metrics_ != nullptr) {
    state_gauges_.clear();
    int i = 0;
    for (const sql::OperatorState& s : shards_[0]->State()) {
      MetricLabels l = labels_;
      l.emplace_back("operator", fmt::format("{}#{}", s.name.substr(0, s.name.find(' ')), i++));
      state_gauges_.emplace_back(
          metrics_->GetGauge("arkflow_state_keys",
                             "Keys (groups, open windows) held by a stateful operator.", l),
          metrics_->GetGauge("arkflow_state_bytes", "Bytes of state held by a stateful operator.",
                             l));
    }
  }
  return Status::OK();
}

Status StreamSqlProcessor::RefreshLookups(ProcessOutput* out, bool force) {
  if (options_.lookups.empty()) return Status::OK();
  bool changed = force;
  for (size_t i = 0; i < options_.lookups.size(); ++i) {
    std::shared_ptr<const LookupSnapshot> now = options_.lookups[i]->Current();
    if (now != snapshots_[i]) {
      if (now->schema->fields() != snapshots_[i]->schema->fields()) {
        spdlog::error(
            "stream_sql: lookup table {} was reloaded with other columns; the query keeps the "
            "version it was planned with",
            options_.lookups[i]->table_name());
        continue;
      }
      snapshots_[i] = std::move(now);
      changed = true;
    }
  }
  if (!changed) return Status::OK();
  std::map<std::string, std::vector<Batch>, std::less<>> tables;
  for (size_t i = 0; i < options_.lookups.size(); ++i) {
    tables[options_.lookups[i]->table_name()] = snapshots_[i]->batches;
  }
  std::vector<sql::StreamResult> results(shards_.size());
  Status st =
      ForEachShard([&](size_t i) { return shards_[i]->SetLookupTables(tables, &results[i]); });
  for (sql::StreamResult& r : results) Collect(r, out);
  return st;
}

Status StreamSqlProcessor::ForEachShard(const std::function<Status(size_t)>& fn) {
  if (shards_.size() == 1) return fn(0);
  std::vector<Status> results(shards_.size());
  {
    std::vector<std::jthread> threads;
    for (size_t i = 1; i < shards_.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = fn(i); });
    }
    results[0] = fn(0);
  }
  for (Status& st : results) ARK_RETURN_IF_ERROR(st);
  return Status::OK();
}

Result<std::vector<Batch>> StreamSqlProcessor::Split(const Batch& rows) const {
  const size_t n = shards_.size();
  std::vector<ColumnPtr> keys;
  std::vector<DataType> types;
  for (int c : shard_columns_) {
    keys.push_back(rows.column(c));
    types.push_back(rows.column(c)->type());
  }
  sql::KeyEncoder encoder(std::move(types));
  ARK_ASSIGN_OR_RETURN(sql::NormalizedKeys encoded, encoder.Encode(keys, rows.num_rows()));
  std::vector<std::vector<int64_t>> picks(n);
  for (int64_t r = 0; r < rows.num_rows(); ++r) {
    // The high bits: the low ones also pick hash table buckets inside the shard.
    picks[(encoded.hashes[r] >> 40) % n].push_back(r);
  }
  std::vector<Batch> parts(n);
  for (size_t i = 0; i < n; ++i) {
    if (picks[i].empty()) continue;
    ARK_ASSIGN_OR_RETURN(parts[i], sql::GatherBatch(rows, picks[i]));
  }
  return parts;
}

Result<Batch> StreamSqlProcessor::Conform(const Batch& batch) const {
  if (batch.schema()->fields() == input_schema_->fields()) return batch;
  std::vector<ColumnPtr> cols;
  const int64_t rows = batch.num_rows();
  for (const Field& f : input_schema_->fields()) {
    int i = batch.schema()->IndexOf(f.name);
    if (i < 0) {
      cols.push_back(Value::Null(f.type).ToColumn(rows));
      continue;
    }
    const ColumnPtr& c = batch.column(i);
    if (c->type() == f.type) {
      cols.push_back(c);
      continue;
    }
    Result<sql::Datum> cast = sql::CastDatum(sql::Datum(c), f.type, false, rows);
    if (!cast.ok()) {
      return Status::InvalidArgument(
          "column {} is {} in this batch but {} in the first one, which the query was planned "
          "for: {}",
          f.name, c->type().ToString(), f.type.ToString(), cast.status().message());
    }
    cols.push_back(cast->ToColumn(rows));
  }
  return Batch(input_schema_, std::move(cols), rows);
}

void StreamSqlProcessor::Collect(sql::StreamResult& result, ProcessOutput* out) {
  for (Batch& b : result.batches) {
    if (b.num_rows() > 0) out->batches.push_back(std::move(b));
  }
  for (sql::LateRows& l : result.late) {
    if (late_rows_ != nullptr) late_rows_->Increment(static_cast<uint64_t>(l.rows.num_rows()));
    out->errors.push_back(ErrorRows(l.rows, l.reason));
  }
  result.batches.clear();
  result.late.clear();
  UpdateMetrics();
}

void StreamSqlProcessor::UpdateMetrics() {
  if (shards_.empty() || state_gauges_.empty()) return;
  std::vector<sql::OperatorState> total = shards_[0]->State();
  for (size_t s = 1; s < shards_.size(); ++s) {
    std::vector<sql::OperatorState> states = shards_[s]->State();
    for (size_t i = 0; i < states.size() && i < total.size(); ++i) {
      total[i].keys += states[i].keys;
      total[i].bytes += states[i].bytes;
    }
  }
  for (size_t i = 0; i < total.size() && i < state_gauges_.size(); ++i) {
    state_gauges_[i].first->Set(total[i].keys);
    state_gauges_[i].second->Set(total[i].bytes);
  }
}

Status StreamSqlProcessor::Advance(int64_t watermark_us, ProcessOutput* out) {
  if (watermark_us <= watermark_us_) return Status::OK();
  watermark_us_ = watermark_us;
  if (watermark_gauge_ != nullptr) watermark_gauge_->Set(watermark_us / 1'000'000);
  if (shards_.empty()) return Status::OK();
  std::vector<sql::StreamResult> results(shards_.size());
  Status st = ForEachShard(
      [&](size_t i) { return shards_[i]->AdvanceWatermark(watermark_us, &results[i]); });
  for (sql::StreamResult& r : results) Collect(r, out);
  return st;
}

Status StreamSqlProcessor::Process(Batch batch, ProcessOutput* out) {
  if (batch.num_rows() == 0) return Status::OK();
  std::optional<int64_t> advanced;
  if (tracker_) {
    ARK_ASSIGN_OR_RETURN(WatermarkTracker::Observed o, tracker_->Observe(batch));
    for (auto& [rows, reason] : o.late) {
      if (late_rows_ != nullptr) late_rows_->Increment(static_cast<uint64_t>(rows.num_rows()));
      out->errors.push_back(ErrorRows(rows, reason));
    }
    batch = std::move(o.on_time);
    advanced = o.watermark;
  }
  if (batch.num_rows() > 0) {
    if (shards_.empty()) {
      ARK_RETURN_IF_ERROR(Plan(batch));
      ARK_RETURN_IF_ERROR(RefreshLookups(out, true));
    } else {
      ARK_RETURN_IF_ERROR(RefreshLookups(out, false));
    }
    ARK_ASSIGN_OR_RETURN(Batch rows, Conform(batch));
    std::vector<Batch> parts;
    if (shards_.size() == 1) {
      parts.push_back(std::move(rows));
    } else {
      ARK_ASSIGN_OR_RETURN(parts, Split(rows));
    }
    std::vector<sql::StreamResult> results(shards_.size());
    const int64_t now_us = MonotonicMicros();
    Status st = ForEachShard([&](size_t i) {
      if (parts[i].num_rows() == 0) return Status::OK();
      shards_[i]->SetProcessingTime(now_us);
      return shards_[i]->Push(parts[i], &results[i]);
    });
    for (sql::StreamResult& r : results) Collect(r, out);
    ARK_RETURN_IF_ERROR(st);
  }
  if (advanced) ARK_RETURN_IF_ERROR(Advance(*advanced, out));
  return Status::OK();
}

std::optional<Processor::Clock::time_point> StreamSqlProcessor::NextDeadline() const {
  std::optional<Clock::time_point> next;
  if (tracker_) next = tracker_->NextDeadline();
  if (options_.state_ttl.count() > 0 && !shards_.empty() && (!next || next_expiry_ < *next)) {
    next = next_expiry_;
  }
  return next;
}

Status StreamSqlProcessor::OnTimer(Clock::time_point now, ProcessOutput* out) {
  if (options_.state_ttl.count() > 0 && !shards_.empty() && now >= next_expiry_) {
    // Checked every half TTL: state lives between one TTL and one and a half.
    auto half = std::max<Clock::duration>(
        std::chrono::duration_cast<Clock::duration>(options_.state_ttl / 2),
        std::chrono::milliseconds(100));
    next_expiry_ = now + half;
    int64_t ttl_us =
        std::chrono::duration_cast<std::chrono::microseconds>(options_.state_ttl).count();
    const int64_t before = MonotonicMicros() - ttl_us;
    ARK_RETURN_IF_ERROR(ForEachShard([&](size_t i) { return shards_[i]->ExpireState(before); }));
    UpdateMetrics();
  }
  if (!tracker_) return Status::OK();
  std::optional<int64_t> w = tracker_->OnTimer();
  if (w) return Advance(*w, out);
  return Status::OK();
}

Status StreamSqlProcessor::OnControl(const StreamMessage& control, ProcessOutput* out) {
  switch (control.kind) {
    case MessageKind::kWatermark:
      // With its own event_time the processor goes by its tracker, not by upstream's.
      if (!tracker_) return Advance(control.watermark_us, out);
      return Status::OK();
    case MessageKind::kEndOfStream: {
      if (shards_.empty()) return Status::OK();
      std::vector<sql::StreamResult> results(shards_.size());
      Status st = ForEachShard([&](size_t i) { return shards_[i]->Finish(&results[i]); });
      for (sql::StreamResult& r : results) Collect(r, out);
      return st;
    }
    default:
      return Status::OK();
  }
}

void RegisterStreamSqlProcessor(Registry& registry) {
  ConfigSpec spec(
      "Runs one continuous SQL query over the stream, with state kept across batches: window "
      "table functions (TUMBLE, HOP, CUMULATE) with aggregation emitted when the watermark "
      "passes a window's end, and GROUP BY without windows as a changelog (__op).");
  spec.String("query", "The continuous query (one SELECT).").Required();
  spec.String("table_name", "The stream's name inside the query.").Default("flow");
  spec.ObjectList("temporary_list",
                  "Lookup tables the query may join to the stream (FROM stream JOIN table ON ...), "
                  "as the sql processor's; a reloaded file applies to the rows that come after.",
                  TemporarySpec());
  spec.Int("parallelism",
           "Runs the query's stateful operators in this many key-hash shards, each on its own "
           "thread; the query must group or join by a common column of the stream.")
      .Default("1");
  spec.String("emit",
              "When aggregations over windows emit: on_window_close, once per window when the "
              "watermark passes its end (append-only); on_update, with every batch that changes "
              "a group (a changelog with __op: -U/+U replace a window's earlier result).")
      .Default("on_window_close")
      .OneOf({"on_window_close", "on_update"});
  spec.Duration("state_ttl",
                "Forget groups of aggregations without windows, rows of joins, rows seen by "
                "DISTINCT and top-N keys not touched for this long (processing time); 0s: keep "
                "them.")
      .Default("0s");
  spec.Object("event_time", "Where event time comes from and how the watermark follows it.",
              EventTimeSpec());
  registry.AddProcessor(
      {.name = "stream_sql",
       .summary = "Runs a continuous SQL query with windows and state.",
       .spec = std::move(spec),
       .example = "processors:\n"
                  "  - type: json_to_arrow\n"
                  "  - type: stream_sql\n"
                  "    query: |\n"
                  "      SELECT window_start, channel, count(*) AS bids\n"
                  "      FROM TUMBLE(flow, ts, INTERVAL '10' SECOND)\n"
                  "      GROUP BY window_start, window_end, channel\n"
                  "    event_time: {column: ts, max_delay: 5s}\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Processor>> {
        StreamSqlOptions options;
        for (const ComponentConfig& item : cfg.GetObjectList("temporary_list")) {
          ARK_ASSIGN_OR_RETURN(std::unique_ptr<FileLookupTable> t, MakeLookup(item, ctx));
          options.lookups.push_back(std::move(t));
        }
        options.query = cfg.GetString("query");
        options.table_name = cfg.GetString("table_name");
        if (options.table_name.empty()) {
          return cfg.NodeOf("table_name").Error("table_name must not be empty");
        }
        options.state_ttl = cfg.GetDuration("state_ttl");
        if (cfg.GetString("emit") == "on_update") options.emit = sql::EmitMode::kOnUpdate;
        options.parallelism = static_cast<int>(cfg.GetInt("parallelism"));
        if (options.parallelism < 1 || options.parallelism > 64) {
          return cfg.NodeOf("parallelism").Error("parallelism must be between 1 and 64");
        }
        if (options.state_ttl.count() < 0) {
          return cfg.NodeOf("state_ttl").Error("state_ttl must not be negative");
        }
        if (cfg.Has("event_time")) {
          options.event_time = EventTimeFromConfig(cfg.GetObject("event_time"));
        }
        Result<std::unique_ptr<StreamSqlProcessor>> p =
            StreamSqlProcessor::Make(std::move(options));
        if (!p.ok()) return cfg.NodeOf("query").Error(p.status().message());
        return std::unique_ptr<Processor>(std::move(p).value());
      });
}

}  // namespace ark
