#include "sql/operators/key_columns.h"

namespace ark::sql {

Result<ColumnPtr> EvaluateKeyColumn(ExpressionEvaluator& eval, const BoundExpr& expr,
                                    const Batch& batch) {
  if (expr.kind == BoundExprKind::kColumn && expr.column_index >= 0 &&
      expr.column_index < batch.num_columns() &&
      batch.column(expr.column_index)->type() == expr.type) {
    return batch.column(expr.column_index);
  }
  return eval.EvaluateColumn(expr, batch);
}

Result<std::vector<ColumnPtr>> EvaluateKeyColumns(ExpressionEvaluator& eval,
                                                  std::span<const BoundExprPtr> exprs,
                                                  const Batch& batch) {
  std::vector<ColumnPtr> out;
  out.reserve(exprs.size());
  for (const auto& e : exprs) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, EvaluateKeyColumn(eval, *e, batch));
    out.push_back(std::move(c));
  }
  return out;
}

std::string ExprListToString(std::span<const BoundExprPtr> exprs, const Schema& schema) {
  std::vector<std::string> names = schema.names();
  std::string out;
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i) out += ", ";
    out += exprs[i]->ToString(&names);
  }
  return out;
}

}  // namespace ark::sql
