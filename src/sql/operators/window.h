// WindowOperator: window functions — `f(...) OVER (PARTITION BY ... ORDER BY ... frame)`.
//
// The operator buffers its whole input (one execution: in per-batch mode, one batch), then for
// each distinct window (PARTITION BY + ORDER BY) sorts the rows by partition then order keys,
// finds the partitions and the peer groups (rows equal on every ORDER BY key), and computes each
// call over the sorted rows:
//   - ranking: row_number, rank, dense_rank, percent_rank, cume_dist, ntile (peers share a rank);
//   - navigation: lag/lead (offset, default; IGNORE NULLS skips NULL values when counting),
//     first_value/last_value/nth_value over the frame (IGNORE NULLS: the first/last/n-th
//     non-NULL value of the frame);
//   - aggregates (any AggregateFunction) over the frame: ROWS, RANGE (offsets over one numeric,
//     date or timestamp ORDER BY key) or GROUPS, bounded or unbounded. The default frame, RANGE
//     UNBOUNDED PRECEDING .. CURRENT ROW, includes the current row's peers, and is the whole
//     partition without ORDER BY. Frames that start at the partition start are computed as
//     running aggregates in O(n) (one state per row, combined left to right); other frames query
//     a segment tree over the per-row states in O(log n) Combines per row.
// Output: the input columns, then one column per call, in the sorted order of the first call's
// window (partition keys, then order keys; ties in input order). Like PostgreSQL without an outer
// ORDER BY, that order is an implementation detail a query must not rely on. Batches of at most
// 64k rows.
//
//   WindowOperator window(std::move(spec));
//   for (const Batch& b : input) ARK_RETURN_IF_ERROR(window.Push(0, b, &out));  // buffers
//   ARK_RETURN_IF_ERROR(window.Finish(0, &out));                               // emits all
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sql/expr/evaluator.h"
#include "sql/operators/operator.h"

namespace ark::sql {

// The stable order of rows [0, rows) under `keys` (ASC/DESC, NULLS FIRST/LAST; `columns[k]` holds
// key k evaluated, its type is the key's): result[i] is the row at sorted position i. Shared by
// the window operator and ORDER BY inside aggregate calls.
std::vector<int64_t> SortedRowOrder(std::span<const ColumnPtr> columns,
                                    std::span<const SortKey> keys, int64_t rows);

class WindowOperator final : public Operator {
 public:
  // `ctx` (may be null: defaults) supplies now() and parameters to the expressions; it must
  // outlive the operator and is read at every batch.
  explicit WindowOperator(WindowSpecPhysical spec, const KernelContext* ctx = nullptr);

  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  void Reset() override;
  std::string Explain() const override;
  // The buffered input.
  size_t StateBytes() const override { return bytes_; }

 private:
  WindowSpecPhysical spec_;
  const KernelContext* ctx_;
  ExpressionEvaluator eval_;
  std::vector<Batch> batches_;
  size_t bytes_ = 0;
};

}  // namespace ark::sql
