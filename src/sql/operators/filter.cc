#include "sql/operators/filter.h"

#include "sql/expr/evaluator.h"

namespace ark::sql {

FilterOperator::FilterOperator(BoundExprPtr predicate, SchemaPtr schema, const KernelContext* ctx)
    : Operator(std::move(schema)), predicate_(std::move(predicate)), ctx_(ctx) {}

FilterOperator::FilterOperator(BoundExprPtr predicate, SchemaPtr schema, std::string error_message,
                               const KernelContext* ctx)
    : Operator(std::move(schema)),
      predicate_(std::move(predicate)),
      error_message_(std::move(error_message)),
      ctx_(ctx) {}

Status FilterOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  (void)port;
  if (batch.num_rows() == 0) return Status::OK();
  ExpressionEvaluator eval(ctx_ ? *ctx_ : KernelContext{});
  ARK_ASSIGN_OR_RETURN(std::vector<int64_t> rows, eval.SelectRows(*predicate_, batch));
  if (!error_message_.empty() && static_cast<int64_t>(rows.size()) != batch.num_rows()) {
    return Status::InvalidArgument("{}", error_message_);
  }
  if (rows.empty()) return Status::OK();
  if (static_cast<int64_t>(rows.size()) == batch.num_rows()) {
    out->push_back(Batch(output_schema_, batch.columns(), batch.num_rows()));
    return Status::OK();
  }
  Batch taken = TakeRows(batch, rows);
  out->push_back(Batch(output_schema_, taken.columns(), taken.num_rows()));
  return Status::OK();
}

Status FilterOperator::Finish(int port, std::vector<Batch>* out) {
  (void)port;
  (void)out;
  return Status::OK();
}

std::string FilterOperator::Explain() const {
  std::vector<std::string> names = output_schema_->names();
  return (error_message_.empty() ? "Filter " : "Assert ") + predicate_->ToString(&names);
}

}  // namespace ark::sql
