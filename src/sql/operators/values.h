// ValuesOperator: a source of constant rows — VALUES lists, SELECT without FROM (one row of no
// columns) and generate_series. It has no inputs: the executor calls Finish(0) once per execution
// and the operator emits its rows then (in batches of at most kValuesBatchRows rows).
//
//   ValuesOperator values(std::move(rows), schema, &ctx);
//   ARK_RETURN_IF_ERROR(values.Finish(0, &out));
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sql/operators/operator.h"

namespace ark::sql {

inline constexpr int64_t kValuesBatchRows = 64 * 1024;

class ValuesOperator final : public Operator {
 public:
  // Rows of expressions that read no column, one per field of `schema`, each of the field's type
  // (evaluated at Finish, so now() is the execution's). `ctx` (may be null) must outlive this.
  ValuesOperator(std::vector<std::vector<BoundExprPtr>> rows, SchemaPtr schema,
                 const KernelContext* ctx = nullptr);
  // Precomputed rows.
  explicit ValuesOperator(Batch rows);

  int num_inputs() const override { return 0; }
  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  std::string Explain() const override;

 private:
  Result<Batch> Evaluate() const;

  std::vector<std::vector<BoundExprPtr>> rows_;
  std::optional<Batch> constant_;
  const KernelContext* ctx_ = nullptr;
};

}  // namespace ark::sql
