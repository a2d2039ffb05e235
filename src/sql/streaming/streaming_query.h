// StreamingQuery: one continuous SQL query over an unbounded input (DESIGN §4, streaming mode) —
// what the `stream_sql` processor runs.
//
//   Catalog catalog;
//   ARK_RETURN_IF_ERROR(catalog.AddTable("flow", input_schema));
//   ARK_ASSIGN_OR_RETURN(auto q, StreamingQuery::Make(
//       "SELECT window_start, auction, count(*) AS bids "
//       "FROM TUMBLE(flow, date_time, INTERVAL '10' SECOND) GROUP BY 1, 2", catalog, "flow"));
//   StreamResult r;
//   ARK_RETURN_IF_ERROR(q->Push(batch, &r));               // windows fill up; nothing out yet
//   ARK_RETURN_IF_ERROR(q->AdvanceWatermark(wm_us, &r));   // closed windows come out in r.batches
//   ARK_RETURN_IF_ERROR(q->Finish(&r));                    // end of input: the open windows
//
// The query is bound and optimized like a batch query (same binder, optimizer and expressions),
// then planned onto streaming operators (stream_operator.h): scans, filters, projections, window
// table functions and UNION ALL run on each batch as it comes; GROUP BY over window_start/
// window_end of a window table function keeps one aggregation per open window and emits it,
// append-only, when the watermark passes the window's end; GROUP BY without a window (and global
// aggregates) keeps every group and emits a changelog; SELECT DISTINCT keeps the rows seen.
// A query whose result carries retractions has an `__op` column last ("+I", "-U", "+U", "-D").
// Anything else (ORDER BY, LIMIT, joins, OVER windows, subqueries) is refused when the query is
// planned, naming the operator.
//
// Thread-safety: one thread drives a query.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "sql/query.h"
#include "sql/streaming/stream_operator.h"
#include "state/state_backend.h"

namespace ark::sql {

struct StreamResult {
  std::vector<Batch> batches;  // output_schema()
  std::vector<LateRows> late;  // rows a window operator could not place, with the reason
};

// When an aggregation over windows emits: once, when the watermark passes the window's end
// (append-only; the default), or with every batch that changes a group (a changelog, like an
// aggregation without a window: RisingWave's default, Flink's early fire).
enum class EmitMode { kOnWindowClose, kOnUpdate };

// Before any schema is known: where `sql` aggregates without grouping by a window bound
// (window_start/window_end of a window table function) — "the GROUP BY at 3:1" — which makes its
// result a changelog; nullopt when every aggregation is windowed (or there is none). A syntactic
// check (the planner's is exact): it lets a config be refused at start-up. ParseError when `sql`
// does not parse.
// With EmitMode::kOnUpdate every aggregation counts, windowed or not.
Result<std::optional<std::string>> FindUnwindowedAggregation(
    std::string_view sql, EmitMode emit = EmitMode::kOnWindowClose);

class StreamingQuery {
 public:
  // Plans `sql` (one SELECT) reading the stream `table_name` (a table of `catalog`). Errors carry
  // line:column and a caret for what the binder finds, and name the operator for what streaming
  // cannot run.
  // `lookup_tables` (tables of `catalog` too) may be joined to the stream, on the right side of
  // an inner or left join (a lookup join); SetLookupTables supplies their rows.
  // `event_time_column`: the column of the stream the watermarks are about (no row older than
  // the watermark arrives); an interval join on it drops rows that can no longer match.
  static Result<std::unique_ptr<StreamingQuery>> Make(
      std::string_view sql, const Catalog& catalog, std::string_view table_name,
      const std::vector<std::string>& lookup_tables = {}, EmitMode emit = EmitMode::kOnWindowClose,
      std::string_view event_time_column = {});
  ~StreamingQuery();

  // The current rows of the lookup tables (all of them, whenever one changes): stream rows that
  // come after join with these.
  Status SetLookupTables(const std::map<std::string, std::vector<Batch>, std::less<>>& tables,
                         StreamResult* out);

  // One batch of the input stream (table_name's schema).
  Status Push(const Batch& batch, StreamResult* out);
  // Event time reached `watermark_us` (no later row is older): emits what that completes.
  Status AdvanceWatermark(int64_t watermark_us, StreamResult* out);
  // The input ended: emits what every operator still holds (open windows), oldest first.
  Status Finish(StreamResult* out);

  // State TTL: the processing time (any clock in microseconds) stamped on state touched by the
  // next batches, and the forgetting of what was touched before `before_us` (stream_operator.h).
  void SetProcessingTime(int64_t now_us);
  Status ExpireState(int64_t before_us);

  // Sharding (`parallelism`): the input columns (positions in table_name's schema) whose values
  // decide the key of every stateful operator — rows that agree on them always meet in the same
  // state, so a stream split by a hash of them runs as independent queries. Empty when there is
  // no such column (a global aggregate, a join on different columns) or no state.
  const std::vector<int>& shard_columns() const;
  bool has_state() const;

  // The result schema; with a last column `__op` (string) when retracting().
  const SchemaPtr& output_schema() const;
  // True when the result is a changelog (updates and deletes), not append-only.
  bool retracting() const;
  // The operator that makes the result retracting ("HashAggregate keys=[...] ..."), or empty.
  const std::string& retraction_source() const;
  // True when some operator waits for watermarks (windowed aggregation).
  bool needs_watermarks() const;
  // The streaming plan, one operator per line, inputs indented below.
  std::string Explain() const;
  // The state of every stateful operator.
  std::vector<OperatorState> State() const;

  // Checkpoints (DESIGN §5; what a barrier and a recovery call): SaveState writes every stateful
  // operator's state into its table of `backend` — operator id: its index in the plan,
  // description: its EXPLAIN line (the plan fingerprint), `shard` — replacing what the table
  // held, and the query's position (the latest watermark) into table "query". LoadState restores
  // that into a query made from the same SQL and catalog, before its first batch; it refuses a
  // saved table whose operator is not in the running plan or has another description, naming
  // the operator and both descriptions. Lookup tables are not saved: SetLookupTables supplies
  // them again after a restart.
  Status SaveState(state::StateBackend& backend, int shard) const;
  Status LoadState(const state::StateBackend& backend, int shard);
  // The latest watermark given to AdvanceWatermark (or restored by LoadState); INT64_MIN before.
  int64_t watermark_us() const;

 private:
  StreamingQuery();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ark::sql
