// UnionAllOperator: UNION ALL of several inputs with the same column types — every batch of every
// input passes through as it arrives (UNION without ALL is this followed by DistinctOperator).
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <string>
#include <vector>

#include "sql/operators/operator.h"

namespace ark::sql {

class UnionAllOperator final : public Operator {
 public:
  // `schema`: the output schema; every input has its column types.
  UnionAllOperator(int num_inputs, SchemaPtr schema);

  int num_inputs() const override { return num_inputs_; }
  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  std::string Explain() const override;

 private:
  int num_inputs_;
};

}  // namespace ark::sql
