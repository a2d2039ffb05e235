// FilterOperator: WHERE / HAVING / QUALIFY — keeps the rows where a boolean predicate is TRUE
// (not FALSE, not NULL). In assertion mode it checks instead that every row passes (used for the
// one-row-per-outer-row rule of correlated scalar subqueries). The predicate is evaluated once per
// batch (ExpressionEvaluator:: SelectRows); a batch whose rows all pass goes through untouched (no
// copy), one where none pass produces nothing, otherwise the passing rows are gathered.
//
//   FilterOperator filter(std::move(predicate), input_schema, &ctx);
//   ARK_RETURN_IF_ERROR(filter.Push(0, batch, &out));
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <string>
#include <vector>

#include "sql/operators/operator.h"

namespace ark::sql {

class FilterOperator final : public Operator {
 public:
  // `schema`: the input schema, also the output schema. `ctx` (may be null: defaults) must
  // outlive the operator; it is read at every Push (statement time).
  FilterOperator(BoundExprPtr predicate, SchemaPtr schema, const KernelContext* ctx = nullptr);
  // An assertion instead of a filter: a row where `predicate` is not TRUE fails with
  // InvalidArgument(`error_message`); otherwise batches pass unchanged.
  FilterOperator(BoundExprPtr predicate, SchemaPtr schema, std::string error_message,
                 const KernelContext* ctx = nullptr);

  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  std::string Explain() const override;

 private:
  BoundExprPtr predicate_;
  std::string error_message_;
  const KernelContext* ctx_;
};

}  // namespace ark::sql
