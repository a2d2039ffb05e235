// DistinctOperator: SELECT DISTINCT — every column is part of the key (NULLs equal, NaN equals NaN,
// -0.0 equals 0.0: key_encoder.h), the first occurrence of each row is kept, in input order, and is
// emitted with the batch it arrives in (nothing waits for the end of the input, so the operator
// streams). Memory: one copy of each distinct row's key (KeyTable).
//
//   DistinctOperator distinct(input_schema);
//   ARK_RETURN_IF_ERROR(distinct.Push(0, batch, &out));   // the rows of `batch` not seen before
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sql/operators/key_encoder.h"
#include "sql/operators/operator.h"

namespace ark::sql {

class DistinctOperator final : public Operator {
 public:
  // `schema` is the input schema, which is also the output schema.
  explicit DistinctOperator(SchemaPtr schema);

  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  void Reset() override;
  std::string Explain() const override;
  size_t StateBytes() const override;

 private:
  KeyTable table_;
  std::vector<int32_t> ids_;
};

// Appends to `rows` the rows whose id is new: `ids` come from KeyTable::FindOrInsert on a table
// that held `old_size` keys, so the first occurrence of each new key has the next unused id.
void AppendFirstOccurrences(const int32_t* ids, int64_t n, int64_t old_size,
                            std::vector<int64_t>* rows);

}  // namespace ark::sql
