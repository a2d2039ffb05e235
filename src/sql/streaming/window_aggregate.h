// WindowAggregateOperator: GROUP BY over window table function columns (TUMBLE/HOP/CUMULATE) with
// emit on window close: each window's groups are aggregated as rows arrive (one HashAggregate per
// open window, so FILTER, DISTINCT and ORDER BY inside calls work as in batch queries) and
// emitted once, append-only, when the watermark passes the window's end; the window's state is
// then dropped. At end of input every open window is emitted, oldest first.
//
// The same operator runs window functions partitioned by a window (OVER (PARTITION BY window_end
// ...), window top-N): `make` then builds the batch window operator, which sees each window's
// rows whole when it closes.
//
// Rows are routed by the window's end, read from the grouping key `window_column` (window_end, or
// window_start plus `end_offset_us` for TUMBLE/HOP where start + size = end). A row whose window
// already closed (its end <= the watermark) is late: it is reported with the reason, not counted.
//
//   WindowAggregateOperator agg(make_hash_aggregate, /*window_column=*/1, /*end_offset_us=*/0,
//                               "WindowAggregate ...");
//   agg.Push(0, {batch}, &out, &late);     // nothing out yet
//   agg.OnWatermark(wm, &out);             // the windows with end <= wm, in end order
//
// State (SaveState/LoadState): the watermark, and per open window (prefix "w" + its end as an
// ordered int64, state/state_codec.h): with a HashAggregate, one entry per group — "g" + the
// group key (state_encoding.h) → its group id (output order) and aggregate states — and one per
// DISTINCT or ORDER BY call ("d"/"o" + call) holding those rows; with window functions
// (`buffer_rows`), the window's rows ("r" + sequence), which are kept for that purpose.
//
// Thread-safety: one thread (stream_operator.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sql/operators/operator.h"
#include "sql/streaming/stream_operator.h"

namespace ark::sql {

class WindowAggregateOperator final : public StreamOperator {
 public:
  using MakeAggregate = std::function<Result<OperatorPtr>()>;
  // `make` builds a HashAggregateOperator, or (`buffer_rows`) any operator that needs each
  // window's rows whole (window functions): then the rows are kept for SaveState too.
  WindowAggregateOperator(MakeAggregate make, int window_column, int64_t end_offset_us,
                          std::string explain, bool buffer_rows = false);

  Status Push(int port, const Delta& delta, std::vector<Delta>* out,
              std::vector<LateRows>* late) override;
  Status OnWatermark(int64_t watermark_us, std::vector<Delta>* out) override;
  Status Finish(std::vector<Delta>* out) override;
  std::string Explain() const override { return explain_; }
  bool stateful() const override { return true; }
  // keys: open windows; bytes: their hash tables and aggregate states.
  OperatorState State() const override;
  Status SaveState(state::StateTable& table) const override;
  Status LoadState(const state::StateTable& table) override;

  int64_t open_windows() const { return static_cast<int64_t>(windows_.size()); }

 private:
  struct Window {
    OperatorPtr op;
    std::vector<Batch> rows;  // buffer_rows: every row pushed to op
  };
  Status Emit(std::map<int64_t, Window>::iterator it, std::vector<Delta>* out);
  Status PushTo(int64_t end, const Batch& rows);
  Status SaveWindow(int64_t end, const Window& w, state::StateTable& table) const;

  const MakeAggregate make_;
  const int window_column_;
  const int64_t end_offset_us_;
  const std::string explain_;
  const bool buffer_rows_;
  int64_t watermark_us_ = INT64_MIN;
  std::map<int64_t, Window> windows_;  // by window end
};

}  // namespace ark::sql
