// TopNOperator: ORDER BY ... LIMIT n [OFFSET m] without sorting the whole input. A bounded max-heap
// keeps the best limit + offset rows seen so far (the worst of them on top); each batch's sort keys
// are encoded once (SortKeyEncoder, sort.h) and most rows are rejected by comparing one 8-byte key
// prefix with the heap's top. Once the heap is full and the first sort key is an integer-like
// column (int32/int64/date/timestamp), a row whose first key sorts strictly after the heap's worst
// row is dropped before any encoding: only the few candidates are gathered and encoded. Rows that
// enter the heap are copied out of their batch at the end of that batch, and the copies are
// compacted whenever they reach twice the heap size, so memory is O(limit + offset) whatever the
// input size.
//
// The result equals a stable sort followed by OFFSET/LIMIT: among rows with equal keys the earlier
// input row wins. Emitted at Finish, in order, in batches of at most kOutputBatchRows rows.
//
//   TopNOperator top(std::move(keys), /*limit=*/10, /*offset=*/0, input_schema);
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sql/expr/evaluator.h"
#include "sql/operators/operator.h"
#include "sql/operators/sort.h"

namespace ark::sql {

class TopNOperator final : public Operator {
 public:
  // `schema` is the input schema, which is also the output schema. Negative limit or offset count
  // as 0 (the binder rejects them). `ctx` as for SortOperator.
  TopNOperator(std::vector<SortKey> keys, int64_t limit, int64_t offset, SchemaPtr schema,
               const KernelContext* ctx = nullptr);

  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  void Reset() override;
  std::string Explain() const override;
  size_t StateBytes() const override;

 private:
  static constexpr uint32_t kPendingChunk = UINT32_MAX;  // a row of the batch being pushed

  struct Entry {
    uint64_t prefix;  // SortKeyPrefix of the key
    uint64_t seq;     // input position: the tie breaker that makes the result stable
    uint32_t chunk;   // index into chunks_, or kPendingChunk
    uint32_t row;     // pending: position among the batch's candidates (cand_rows_)
    int64_t first;    // the first sort key's value, when prefilter_ (valid unless first_null)
    bool first_null;
  };

  const EncodedKeys& KeysOf(const Entry& e) const {
    return e.chunk == kPendingChunk ? batch_keys_ : chunk_keys_[e.chunk];
  }
  // (key, seq) order: true when `a` sorts before `b`.
  bool Less(const Entry& a, const Entry& b) const;
  // Copies the heap rows of the pushed batch out of it.
  Status Retain(const Batch& batch);
  // Into cand_rows_: the rows of `first` (the first sort key of a batch of n rows) that may still
  // enter the full heap. False when no such filter applies (every row is a candidate).
  bool Prefilter(const Column& first, int64_t n);
  // Replaces every retained chunk by one holding exactly the heap rows.
  Status Compact();

  std::vector<SortKey> keys_;
  int64_t limit_;
  int64_t offset_;
  int64_t capacity_;  // limit + offset (saturating)
  SortKeyEncoder encoder_;
  const KernelContext* ctx_;
  ExpressionEvaluator eval_;

  bool prefilter_ = false;          // the first sort key is integer-like
  std::vector<Entry> heap_;         // max-heap under Less: the worst kept row on top
  EncodedKeys batch_keys_;          // keys of the batch's candidate rows, by candidate position
  std::vector<int64_t> cand_rows_;  // batch row of each candidate (when filtered)
  bool filtered_ = false;           // cand_rows_ applies to the batch being pushed
  std::vector<Batch> chunks_;
  std::vector<EncodedKeys> chunk_keys_;
  int64_t retained_rows_ = 0;
  uint64_t seq_ = 0;
};

}  // namespace ark::sql
