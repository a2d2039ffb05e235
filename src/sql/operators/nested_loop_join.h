// NestedLoopJoinOperator: CROSS joins and joins whose condition has no equality the hash join could
// use (JoinSpec with no keys; the whole ON condition in `residual`). Every join type is supported:
// INNER, LEFT, RIGHT, FULL, SEMI, ANTI and CROSS (INNER without a condition).
//
// Port 1 (the right side) is buffered whole; probe (left, port 0) batches that arrive earlier are
// buffered until it finished. Each probe batch is joined block-wise: blocks of (probe row, right
// row) pairs of at most kOutputBatchRows are gathered into one batch, the condition is evaluated
// on it once (vectorized), and the passing pairs are emitted. LEFT/FULL emit a probe batch's
// unmatched rows (NULL right side) after its matched pairs; RIGHT/FULL emit the unmatched right
// rows (NULL left side) once both inputs finished. SEMI/ANTI output the left columns of the probe
// rows with at least one / no passing pair. A NULL condition counts as false.
//
// Output order: probe order, and for one probe row the right rows in input order.
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sql/expr/evaluator.h"
#include "sql/operators/operator.h"

namespace ark::sql {

class NestedLoopJoinOperator final : public Operator {
 public:
  // `ctx` as for HashJoinOperator.
  explicit NestedLoopJoinOperator(JoinSpec spec, const KernelContext* ctx = nullptr);

  int num_inputs() const override { return 2; }
  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  void Reset() override;
  std::string Explain() const override;
  size_t StateBytes() const override;

 private:
  Status CheckSpec() const;
  Status FinishBuild(std::vector<Batch>* out);
  Status Probe(const Batch& batch, std::vector<Batch>* out);
  // Joins the pairs (probe_rows_[i], build_rows_[i]); appends passing pairs for the join types
  // that output them and records matches.
  Status JoinBlock(const Batch& probe, std::vector<Batch>* out);

  JoinSpec spec_;
  const KernelContext* ctx_;
  ExpressionEvaluator eval_;
  SchemaPtr pair_schema_;  // left columns then right columns (the condition's input)
  Status spec_status_;

  std::vector<Batch> build_batches_;
  Batch build_;  // all right rows, once the right side finished
  std::vector<uint8_t> build_matched_;
  bool build_done_ = false;

  std::vector<Batch> pending_probe_;
  size_t pending_bytes_ = 0;
  bool probe_done_ = false;
  bool finished_ = false;

  std::vector<int64_t> probe_rows_;
  std::vector<int64_t> build_rows_;
  std::vector<uint8_t> probe_matched_;
};

}  // namespace ark::sql
