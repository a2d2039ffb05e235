// Streaming operators: the stateful half of continuous queries (DESIGN §4, streaming mode).
//
// A continuous query runs as a DAG of StreamOperators fed with Deltas — batches of changes, each
// batch homogeneous in its RowKind (Flink's RowKind: insert, update-before, update-after, delete).
// An append-only stream only ever carries inserts. Stateless steps (scan, filter, project, window
// table functions, UNION ALL) wrap the batch operators of operators/ and keep the kind of what
// they transform; stateful steps keep state across batches and emit on watermarks (windowed
// aggregation) or on every change (aggregation without windows, as a changelog).
//
// Order: an operator emits, for one key, a retraction (update-before) before the row that
// replaces it (update-after); consumers apply deltas in the order they arrive.
//
// State: every stateful operator can save what it holds into a StateTable and restore it
// (SaveState/LoadState below); state_encoding.h has the shared key and row layouts, and each
// operator's header its own.
//
// Thread-safety: a streaming query and its operators are driven by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "state/state_table.h"

namespace ark::sql {

enum class RowKind : uint8_t { kInsert, kUpdateBefore, kUpdateAfter, kDelete };

// "+I", "-U", "+U", "-D" (the values of the __op column, as Flink prints them).
std::string_view RowKindName(RowKind kind);
inline bool IsRetraction(RowKind kind) {
  return kind == RowKind::kUpdateBefore || kind == RowKind::kDelete;
}

struct Delta {
  Batch batch;
  RowKind kind = RowKind::kInsert;
};

// Rows a stateful operator could not place because their window had already been emitted.
struct LateRows {
  Batch rows;
  std::string reason;
};

// State held by one stateful operator, for metrics.
struct OperatorState {
  std::string name;  // "WindowAggregate keys=[...]" (the operator's EXPLAIN line)
  int64_t keys = 0;  // groups, windows × groups, rows kept
  int64_t bytes = 0;
};

class StreamOperator {
 public:
  virtual ~StreamOperator() = default;
  virtual int num_inputs() const { return 1; }
  // Consumes one delta arriving on `port`; appends what is ready to `out`. Late rows go to `late`.
  virtual Status Push(int port, const Delta& delta, std::vector<Delta>* out,
                      std::vector<LateRows>* late) = 0;
  // Event time has reached `watermark_us`: no row older will come. Emits what that completes.
  virtual Status OnWatermark(int64_t watermark_us, std::vector<Delta>* out) {
    (void)watermark_us;
    (void)out;
    return Status::OK();
  }
  // The input ended: emit everything still held (open windows).
  virtual Status Finish(std::vector<Delta>* out) {
    (void)out;
    return Status::OK();
  }
  // State TTL: forgets what has not been touched since `before_us` (processing time, the
  // caller's clock) — groups not updated, join rows that arrived earlier. Nothing is emitted:
  // like Flink's state TTL, a forgotten group starts over if its key comes back.
  virtual Status ExpireState(int64_t before_us) {
    (void)before_us;
    return Status::OK();
  }
  // Checkpoints (DESIGN §5): SaveState writes everything the operator holds across batches into
  // `table` (empty: the caller clears it); LoadState restores that into a freshly built operator
  // of the same plan (same EXPLAIN line — StreamingQuery checks), before any batch, so that it
  // goes on exactly as the saved one would have. Both run only when called: the per-batch path
  // is unchanged. Operators without state have nothing to save; a stateful operator that cannot
  // save says so (Unimplemented) rather than saving part of itself.
  virtual Status SaveState(state::StateTable& table) const {
    (void)table;
    if (!stateful()) return Status::OK();
    return Status::Unimplemented("{}: saving its state is not supported", Explain());
  }
  virtual Status LoadState(const state::StateTable& table) {
    if (!stateful() || table.keys() == 0) return Status::OK();
    return Status::Unimplemented("{}: restoring its state is not supported", Explain());
  }
  virtual std::string Explain() const = 0;
  virtual bool stateful() const { return false; }
  virtual OperatorState State() const { return {Explain(), 0, 0}; }
};

}  // namespace ark::sql
