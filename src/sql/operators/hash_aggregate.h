// HashAggregateOperator: GROUP BY with aggregate functions (and aggregation without GROUP BY).
//
// Each input batch: the group keys are evaluated and mapped to dense group ids through a KeyTable
// (key_encoder.h: NULL keys form one group, -0.0 = 0.0, NaN = NaN); new groups get their
// aggregate states initialised in an arena (fixed-size rows of states, in blocks, addressed by
// group id); then each aggregate runs one vectorized Update over the batch. Per call:
//   - FILTER (WHERE p): p is evaluated first and only the rows where it is TRUE reach the
//     aggregate — its arguments are not even evaluated on the others (as in PostgreSQL, so
//     `sum(1 / x) FILTER (WHERE x <> 0)` never divides by zero);
//   - DISTINCT: each (group, argument tuple) reaches the aggregate once (a KeyTable per call);
//   - ORDER BY inside the call (string_agg(x, ',' ORDER BY y)): the call's rows are buffered and
//     fed in that order at Finish (stable: ties keep input order).
// Nothing is emitted before Finish. Finish emits one row per group — in order of first
// appearance — as batches of at most 64k rows: the key columns, then one column per aggregate.
// Without GROUP BY there is exactly one output row, even for empty input (count = 0, sum =
// NULL); with GROUP BY, empty input gives no rows.
//
//   HashAggregateOperator agg(std::move(spec));
//   for (const Batch& b : input) ARK_RETURN_IF_ERROR(agg.Push(0, b, &out));   // emits nothing
//   ARK_RETURN_IF_ERROR(agg.Finish(0, &out));                                 // the groups
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/expr/evaluator.h"
#include "sql/operators/key_encoder.h"
#include "sql/operators/operator.h"

namespace ark::sql {

class HashAggregateOperator final : public Operator {
 public:
  // `ctx` (may be null: defaults) supplies now() and parameters to the expressions; it must
  // outlive the operator and is read at every batch.
  explicit HashAggregateOperator(AggregateSpec spec, const KernelContext* ctx = nullptr);
  ~HashAggregateOperator() override;

  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  void Reset() override;
  std::string Explain() const override;
  // Hash tables, aggregate states (fixed part) and rows buffered for ORDER BY inside calls.
  size_t StateBytes() const override;

  // Saved state (streaming checkpoints: streaming/window_aggregate.cc keeps one of these per open
  // window). Everything Push accumulated, as columns: the group keys (a row per group, in group id
  // order), each group's states (every call's AggregateFunction::Serialize, length-prefixed, in
  // call order), and per call the (group id, arguments) its DISTINCT table has seen and the rows
  // buffered for its ORDER BY (group ids, arguments, sort keys).
  struct SavedState {
    std::vector<ColumnPtr> keys;
    std::vector<std::string> states;
    std::vector<std::vector<ColumnPtr>> distinct;  // per call; empty unless DISTINCT
    std::vector<std::vector<ColumnPtr>> ordered;   // per call; empty unless rows are buffered
  };
  Result<SavedState> SaveState() const;
  const AggregateSpec& spec() const { return spec_; }
  // Restores a SavedState of an operator with the same spec. REQUIRES: no input since the
  // operator was built (or Reset).
  Status LoadState(const SavedState& saved);

 private:
  // Rows of one call buffered until Finish (ORDER BY inside the call): per batch, the group id
  // of each row, the argument columns and the sort key columns.
  struct OrderedRows {
    std::vector<std::vector<int32_t>> groups;
    std::vector<std::vector<ColumnPtr>> args;
    std::vector<std::vector<ColumnPtr>> keys;
    size_t bytes = 0;
  };

  bool grouped() const { return !spec_.group_keys.empty(); }
  uint8_t* GroupRow(int64_t group) const {
    return blocks_[static_cast<size_t>(group >> kBlockShift)].get() +
           static_cast<size_t>(group & (kGroupsPerBlock - 1)) * row_size_;
  }
  // Makes room for and initialises the states of groups [initialized_groups_, n).
  void EnsureGroups(int64_t n);
  void DestroyStates();
  Status UpdateCall(size_t k, const Batch& batch, const std::vector<int32_t>& group_ids);
  Status FlushOrdered(size_t k);

  static constexpr int kBlockShift = 10;
  static constexpr int64_t kGroupsPerBlock = int64_t{1} << kBlockShift;

  AggregateSpec spec_;
  const KernelContext* ctx_;
  ExpressionEvaluator eval_;
  std::vector<size_t> offsets_;  // of each call's state within a group's row
  size_t row_size_ = 0;          // bytes of all states of one group (multiple of 8)
  std::optional<KeyTable> table_;
  std::vector<std::unique_ptr<uint8_t[]>> blocks_;
  int64_t initialized_groups_ = 0;
  std::vector<std::optional<KeyTable>> distinct_;  // per call, when DISTINCT
  std::vector<OrderedRows> ordered_;               // per call, when ORDER BY
  std::vector<int32_t> ids_;                       // scratch: group id of each row
  std::vector<uint8_t*> rows_;                     // scratch: group row (states) of each row
  std::vector<uint8_t*> states_;                   // scratch: state of each row for one call
};

}  // namespace ark::sql
