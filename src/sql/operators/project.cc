#include "sql/operators/project.h"

#include "base/strings.h"
#include "sql/expr/evaluator.h"

namespace ark::sql {

ProjectOperator::ProjectOperator(std::vector<BoundExprPtr> exprs, SchemaPtr output_schema,
                                 SchemaPtr input_schema, const KernelContext* ctx)
    : Operator(std::move(output_schema)),
      exprs_(std::move(exprs)),
      input_schema_(std::move(input_schema)),
      ctx_(ctx) {}

Status ProjectOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  (void)port;
  if (batch.num_rows() == 0) return Status::OK();
  ExpressionEvaluator eval(ctx_ ? *ctx_ : KernelContext{});
  std::vector<ColumnPtr> columns;
  columns.reserve(exprs_.size());
  for (size_t i = 0; i < exprs_.size(); ++i) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, eval.EvaluateColumn(*exprs_[i], batch));
    const Field& f = output_schema_->field(static_cast<int>(i));
    if (c->type() != f.type || c->length() != batch.num_rows()) {
      return Status::Internal("projection of {} produced {} values of type {}, expected {} of {}",
                              f.name, c->length(), c->type().ToString(), batch.num_rows(),
                              f.type.ToString());
    }
    columns.push_back(std::move(c));
  }
  out->push_back(Batch(output_schema_, std::move(columns), batch.num_rows()));
  return Status::OK();
}

Status ProjectOperator::Finish(int port, std::vector<Batch>* out) {
  (void)port;
  (void)out;
  return Status::OK();
}

std::string ProjectOperator::Explain() const {
  std::vector<std::string> names =
      input_schema_ ? input_schema_->names() : std::vector<std::string>{};
  std::vector<std::string> parts;
  for (size_t i = 0; i < exprs_.size(); ++i) {
    std::string e = exprs_[i]->ToString(input_schema_ ? &names : nullptr);
    const std::string& name = output_schema_->field(static_cast<int>(i)).name;
    parts.push_back(e == name ? e : e + " AS " + name);
  }
  return "Project [" + JoinStrings(parts, ", ") + "]";
}

}  // namespace ark::sql
