// LimitOperator: LIMIT / OFFSET across batches — skips the first `offset` rows of its input, then
// passes at most `limit` rows (zero-copy slices), and drops everything after.
//
//   LimitOperator limit(10, 5, schema);   // rows 6..15
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sql/operators/operator.h"

namespace ark::sql {

class LimitOperator final : public Operator {
 public:
  // `limit`: nullopt for no limit (OFFSET only). `schema`: input = output schema.
  LimitOperator(std::optional<int64_t> limit, int64_t offset, SchemaPtr schema);

  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  void Reset() override;
  std::string Explain() const override;

  // True once `limit` rows went out: the rest of the input can be skipped.
  bool done() const { return limit_ && emitted_ >= *limit_; }

 private:
  std::optional<int64_t> limit_;
  int64_t offset_;
  int64_t skipped_ = 0;
  int64_t emitted_ = 0;
};

}  // namespace ark::sql
