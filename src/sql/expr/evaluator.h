// Vectorized evaluation of bound expressions over a batch: column at a time, with kernels called
// once per batch; constants stay scalars (Datum) until something needs a column. AND/OR evaluate
// their right side only on the rows the left side has not decided (a selection of row indices),
// CASE and COALESCE only on the rows that reach each branch — so `CASE WHEN x <> 0 THEN 1 / x END`
// never divides by zero.
//
//   ExpressionEvaluator eval(ctx);
//   ARK_ASSIGN_OR_RETURN(ColumnPtr total, eval.EvaluateColumn(*expr, batch));
//   ARK_ASSIGN_OR_RETURN(std::vector<int64_t> rows, eval.SelectRows(*predicate, batch));
//
// Thread-safety: an evaluator is used by one thread at a time (one per worker); expressions are
// shared.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "sql/expr/bound_expr.h"
#include "sql/expr/datum.h"

namespace ark::sql {

class ExpressionEvaluator {
 public:
  explicit ExpressionEvaluator(KernelContext ctx = {}) : ctx_(ctx) {}

  // The value of `expr` for every row of `input` (a column or a scalar).
  Result<Datum> Evaluate(const BoundExpr& expr, const Batch& input);
  // Same, always as a column of input.num_rows() values.
  Result<ColumnPtr> EvaluateColumn(const BoundExpr& expr, const Batch& input);
  // Indices of the rows where the boolean `predicate` is TRUE (not FALSE, not NULL), ascending.
  Result<std::vector<int64_t>> SelectRows(const BoundExpr& predicate, const Batch& input);

  KernelContext& context() { return ctx_; }

 private:
  KernelContext ctx_;
};

}  // namespace ark::sql
