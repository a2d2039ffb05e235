// ProjectOperator: the select list — one output column per expression, each evaluated once per
// batch over whole columns (a plain column reference passes the input column through, no copy).
//
//   ProjectOperator project(std::move(exprs), output_schema, input_schema, &ctx);
//   ARK_RETURN_IF_ERROR(project.Push(0, batch, &out));
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <string>
#include <vector>

#include "sql/operators/operator.h"

namespace ark::sql {

class ProjectOperator final : public Operator {
 public:
  // `exprs` are over `input_schema`; `output_schema` has one field per expression, of its type.
  // `ctx` (may be null: defaults) must outlive the operator.
  ProjectOperator(std::vector<BoundExprPtr> exprs, SchemaPtr output_schema, SchemaPtr input_schema,
                  const KernelContext* ctx = nullptr);

  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  std::string Explain() const override;

 private:
  std::vector<BoundExprPtr> exprs_;
  SchemaPtr input_schema_;
  const KernelContext* ctx_;
};

}  // namespace ark::sql
