// SetOperationOperator: INTERSECT [ALL] and EXCEPT [ALL] of two inputs with the same column types
// (port 0 the left input, port 1 the right). Rows compare as whole rows with NULLs equal (set
// semantics; key_encoder.h). The right input is read whole into a KeyTable with a count per
// distinct row; left batches stream through once it finished (earlier ones are buffered):
//
//   INTERSECT      each distinct left row that occurs on the right, once
//   INTERSECT ALL  a row occurring m times on the left and n on the right, min(m, n) times
//   EXCEPT         each distinct left row that does not occur on the right, once
//   EXCEPT ALL     max(m - n, 0) times
//
// Output: the left schema; rows in left input order (for ALL, the first qualifying occurrences).
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sql/operators/key_encoder.h"
#include "sql/operators/operator.h"

namespace ark::sql {

enum class SetOperationKind { kIntersect, kExcept };

class SetOperationOperator final : public Operator {
 public:
  // `schema`: the output (= left input) schema; the right input has the same column types.
  SetOperationOperator(SetOperationKind kind, bool all, SchemaPtr schema);

  int num_inputs() const override { return 2; }
  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  void Reset() override;
  std::string Explain() const override;
  size_t StateBytes() const override;

 private:
  Status PushLeft(const Batch& batch, std::vector<Batch>* out);

  SetOperationKind kind_;
  bool all_;
  KeyTable right_;                // distinct right rows
  std::vector<int64_t> counts_;   // per right row id: occurrences not yet used (ALL)
  std::vector<uint8_t> emitted_;  // INTERSECT: id already emitted
  KeyTable left_seen_;            // EXCEPT: distinct left rows seen
  std::vector<Batch> pending_left_;
  size_t pending_bytes_ = 0;
  bool right_done_ = false;
  bool left_done_ = false;
  std::vector<int32_t> ids_;
  std::vector<int32_t> left_ids_;
};

}  // namespace ark::sql
