#include "sql/operators/union_all.h"

namespace ark::sql {

UnionAllOperator::UnionAllOperator(int num_inputs, SchemaPtr schema)
    : Operator(std::move(schema)), num_inputs_(num_inputs) {}

Status UnionAllOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  if (batch.num_rows() == 0) return Status::OK();
  if (batch.num_columns() != output_schema_->num_fields()) {
    return Status::Internal("UNION ALL input {} has {} columns, expected {}", port,
                            batch.num_columns(), output_schema_->num_fields());
  }
  for (int i = 0; i < batch.num_columns(); ++i) {
    if (batch.column(i)->type() != output_schema_->field(i).type) {
      return Status::Internal("UNION ALL input {} column {} has type {}, expected {}", port, i,
                              batch.column(i)->type().ToString(),
                              output_schema_->field(i).type.ToString());
    }
  }
  out->push_back(Batch(output_schema_, batch.columns(), batch.num_rows()));
  return Status::OK();
}

Status UnionAllOperator::Finish(int port, std::vector<Batch>* out) {
  (void)port;
  (void)out;
  return Status::OK();
}

std::string UnionAllOperator::Explain() const { return "UnionAll"; }

}  // namespace ark::sql
