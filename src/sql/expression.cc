#include "sql/expression.h"

#include "base/time.h"
#include "sql/binder.h"
#include "sql/expr/bound_expr.h"
#include "sql/expr/cast.h"
#include "sql/expr/evaluator.h"
#include "sql/parser.h"

namespace ark::sql {

const DataType& CompiledExpression::type() const { return expr_->type; }

bool CompiledExpression::is_constant() const { return expr_->IsConstant(); }

Result<ColumnPtr> CompiledExpression::Evaluate(const Batch& batch) const {
  if (batch.schema() != schema_ && !batch.schema()->Equals(*schema_)) {
    return Status::InvalidArgument(
        "expression \"{}\" was compiled for columns ({}) but the batch has ({})", text_,
        schema_->ToString(), batch.schema()->ToString());
  }
  KernelContext ctx;
  ctx.statement_time_us = NowMicros();
  ExpressionEvaluator evaluator(std::move(ctx));
  return evaluator.EvaluateColumn(*expr_, batch);
}

Result<CompiledExpression> CompileExpression(std::string_view text, const Schema& schema,
                                             std::optional<DataType> result_type) {
  ARK_ASSIGN_OR_RETURN(ExprPtr ast, ParseExpression(text));
  ARK_ASSIGN_OR_RETURN(BoundExprPtr bound,
                       BindScalarExpression(*ast, schema, FunctionRegistry::Builtins(), text));
  if (result_type && bound->type != *result_type) {
    if (!CanCast(bound->type, *result_type)) {
      return Status::InvalidArgument("expression \"{}\" is of type {}, which cannot be cast to {}",
                                     text, bound->type.ToString(), result_type->ToString());
    }
    bound = BoundExpr::Cast(std::move(bound), *result_type);
  }
  CompiledExpression out;
  out.text_ = std::string(text);
  out.schema_ = std::make_shared<const Schema>(schema);
  out.expr_ = std::shared_ptr<const BoundExpr>(std::move(bound));
  return out;
}

}  // namespace ark::sql
