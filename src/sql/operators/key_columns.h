// Helpers shared by the operators that evaluate lists of key expressions (join keys, sort keys):
// a key that is a plain column reference is taken from the batch as is (no evaluator call, no
// copy); anything else goes through the ExpressionEvaluator.
//
// Thread-safety: pure functions; the evaluator belongs to the calling operator.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "sql/expr/bound_expr.h"
#include "sql/expr/evaluator.h"

namespace ark::sql {

// The value of `expr` for every row of `batch`, as a column of batch.num_rows() values.
Result<ColumnPtr> EvaluateKeyColumn(ExpressionEvaluator& eval, const BoundExpr& expr,
                                    const Batch& batch);
// EvaluateKeyColumn for each expression, in order.
Result<std::vector<ColumnPtr>> EvaluateKeyColumns(ExpressionEvaluator& eval,
                                                  std::span<const BoundExprPtr> exprs,
                                                  const Batch& batch);

// "a, b + 1" with column names from `schema` (for EXPLAIN).
std::string ExprListToString(std::span<const BoundExprPtr> exprs, const Schema& schema);

}  // namespace ark::sql
