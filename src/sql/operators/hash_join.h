// HashJoinOperator: equi-joins (JoinSpec, operator.h) of type INNER, LEFT, RIGHT, FULL, SEMI and
// ANTI. Port 1 is the build (right) side, port 0 the probe (left) side.
//
// Build: every build batch is kept and its keys are inserted into a KeyTable (key_encoder.h), which
// gives each distinct key a dense id; when the build side finishes, its batches become one
// contiguous arena of rows and the rows of each key id one contiguous run (CSR layout), so a probe
// hit is a range of build row indices. Probe: each probe batch's keys are looked up
// (KeyTable::Find) a batch at a time, matches are expanded into (probe row, build row) index pairs,
// at most kOutputBatchRows per output batch, and both sides are gathered column by column
// (gather.h). Probe batches that arrive before the build side finished are buffered and joined when
// it does.
//
// Semantics:
//  - Output: left columns then right columns; SEMI and ANTI output the left columns only.
//  - Keys: NULL never matches (SQL `=`) unless `null_equals_null[k]` (IS NOT DISTINCT FROM).
//  - `residual` (the non-equi part of ON) is evaluated on each candidate pair (left columns then
//    right columns). A pair that fails it is no match: for LEFT/FULL a probe row whose every
//    candidate fails is emitted once with NULLs on the right, for RIGHT/FULL likewise for build
//    rows; SEMI emits a probe row with at least one passing pair, ANTI one with none (NOT EXISTS).
//  - RIGHT and FULL emit their unmatched build rows (NULL left side) after the last probe batch,
//    i.e. once both inputs have finished.
//  - `anti_null_aware` (ANTI only, exactly one key, no residual): NOT IN. When the build side is
//    empty every probe row is emitted; otherwise a build NULL key suppresses every probe row, and a
//    probe row with a NULL key is never emitted. Other combinations fail with Unimplemented.
//  - Output order: probe order, and for one probe row its matches in build order. With a residual,
//    LEFT/FULL emit a probe batch's matched pairs before its unmatched rows.
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sql/expr/evaluator.h"
#include "sql/operators/key_encoder.h"
#include "sql/operators/operator.h"

namespace ark::sql {

class HashJoinOperator final : public Operator {
 public:
  // `ctx` (may be null: defaults) is read at every Push/Finish, so it may change between
  // executions (statement time, parameters); it must outlive the operator.
  explicit HashJoinOperator(JoinSpec spec, const KernelContext* ctx = nullptr);

  int num_inputs() const override { return 2; }
  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  void Reset() override;
  std::string Explain() const override;
  size_t StateBytes() const override;

 private:
  Status CheckSpec() const;
  Status PushBuild(const Batch& batch);
  Status FinishBuild(std::vector<Batch>* out);
  // One integer key (no NULL equality) whose build values lie in a small range: key ids by
  // indexing an array with (value - min) instead of hashing, like DuckDB's perfect hash join.
  Status BuildDirectIndex();
  void FindDirect(const Column& key, int32_t* ids) const;
  // INNER/LEFT without a residual, one direct-indexed key, unique build keys: the pairs of one
  // probe batch straight from the key values (no key ids, no CSR walk). REQUIRES: n <=
  // kOutputBatchRows.
  Status ProbeDirectUnique(const Batch& batch, const Column& key, std::vector<Batch>* out);
  // Which build columns may be taken from the probe side (GatherJoinPairs' build_from_probe).
  void ComputeKeyAliases();
  Status Probe(const Batch& batch, std::vector<Batch>* out);
  Status ProbeSemiAnti(const Batch& batch, const int32_t* ids, std::vector<Batch>* out);
  // Joins the pairs (probe_rows_[i], build_rows_[i]) for i < pairs_ (applying the residual);
  // appends the output rows and empties the pairs.
  Status EmitPairs(const Batch& probe, std::vector<Batch>* out);
  // Appends the current pairs as output rows as they are and empties them.
  Status EmitGatheredPairs(const Batch& probe, std::vector<Batch>* out);
  // The combined (left, right) batch of the current pairs.
  Result<Batch> GatherPairs(const Batch& probe, const SchemaPtr& schema);
  void ResetPairs();
  Status EmitUnmatchedBuild(std::vector<Batch>* out);
  Status EmitProbeRows(const Batch& probe, const std::vector<int64_t>& rows,
                       std::vector<Batch>* out);

  JoinSpec spec_;
  const KernelContext* ctx_;
  ExpressionEvaluator eval_;
  SchemaPtr pair_schema_;  // left columns then right columns (the residual's input)
  Status spec_status_;

  // Build side.
  KeyTable table_;
  std::vector<Batch> build_batches_;
  std::vector<int32_t> build_ids_;  // key id of every build row (kNoGroup: NULL key)
  bool build_has_null_key_ = false;
  Batch build_;                         // all build rows, once the build side finished
  std::vector<int64_t> group_start_;    // rows of key id g: group_rows_[group_start_[g] ..
  std::vector<int64_t> group_rows_;     //   group_start_[g + 1])
  std::vector<uint8_t> build_matched_;  // RIGHT/FULL
  bool unique_build_keys_ = false;      // every key id has exactly one build row
  bool direct_ = false;                 // BuildDirectIndex applies
  int64_t direct_min_ = 0;
  std::vector<int32_t> direct_ids_;  // key id of value direct_min_ + i
  // With unique build keys: the build row of value direct_min_ + i (-1: none).
  std::vector<int32_t> direct_rows_;
  // Per build column: the probe column holding the same values in every matched pair (a plain
  // column equi-join key of an exactly comparable type, INNER/RIGHT joins), else -1.
  std::vector<int> key_aliases_;
  bool build_done_ = false;

  // Probe side.
  std::vector<Batch> pending_probe_;  // arrived before the build side finished
  bool probe_done_ = false;
  bool finished_ = false;

  // Scratch, reused for every probe batch: key ids, and the (probe row, build row) pairs being
  // collected for the next output batch (kOutputBatchRows entries, pairs_ used).
  std::vector<int32_t> ids_;
  std::vector<int64_t> probe_rows_;
  std::vector<int64_t> build_rows_;
  int64_t pairs_ = 0;
  std::vector<uint8_t> probe_matched_;  // per probe row, when a residual decides matches
  size_t pending_bytes_ = 0;
};

}  // namespace ark::sql
