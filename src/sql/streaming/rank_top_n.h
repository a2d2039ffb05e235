// RankTopNOperator: `ROW_NUMBER() OVER (PARTITION BY k ORDER BY s) AS rn ... WHERE rn <= N` over
// an append-only stream without windows — top-N per key and deduplication (N = 1), as a
// changelog. Per key it keeps the N best rows seen; a new row that ranks among them is inserted
// and the one pushed past N forgotten (the input never retracts, so it can never come back). For
// the keys a batch touched it emits the rows whose rank changed: the old (row, rn) as a delete,
// then the new (row, rn) as an insert. Ties keep arrival order (the earlier row ranks first).
//
// State: a KeyTable of the partition keys, per key up to N entries (sort key values and where the
// row is kept), and the kept rows, gathered into small chunks as they enter. With a state TTL,
// keys that got no row for that long are forgotten (nothing is emitted; a key that comes back
// starts a new top-N), and the key table is compacted.
//
// Saved state (SaveState/LoadState): "k" + the partition key (state_encoding.h; just "k" without
// PARTITION BY) → when the key last got a row, and where its kept rows start and how many there
// are in "rows", which holds every kept row, key after key, best first (an Arrow IPC stream).
//
// Thread-safety: one thread (stream_operator.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.h"
#include "sql/expr/evaluator.h"
#include "sql/operators/gather.h"
#include "sql/operators/key_encoder.h"
#include "sql/operators/operator.h"
#include "sql/streaming/stream_operator.h"

namespace ark::sql {

class RankTopNOperator final : public StreamOperator {
 public:
  // `partition_by` and `order_by` over the input; the output is the input's columns then rn
  // (`output_schema`), for the rows ranked 1..limit.
  // `now_us` (may be null: no TTL) is the processing time of the current batch, read at Push.
  RankTopNOperator(std::vector<BoundExprPtr> partition_by, std::vector<SortKey> order_by,
                   int64_t limit, SchemaPtr input_schema, SchemaPtr output_schema,
                   std::string explain, const int64_t* now_us = nullptr);

  Status Push(int port, const Delta& delta, std::vector<Delta>* out,
              std::vector<LateRows>* late) override;
  std::string Explain() const override { return explain_; }
  bool stateful() const override { return true; }
  // keys: rows kept; bytes: the kept rows' chunks and the key table.
  OperatorState State() const override;
  // Forgets the keys that got no row since `before_us`.
  Status ExpireState(int64_t before_us) override;
  Status SaveState(state::StateTable& table) const override;
  Status LoadState(const state::StateTable& table) override;

 private:
  struct Entry {
    std::vector<Value> sort;
    ChunkRow at;
  };
  // < 0 when a ranks before b.
  int Compare(const std::vector<Value>& a, const std::vector<Value>& b) const;
  Result<Batch> Rows(const std::vector<std::pair<ChunkRow, int64_t>>& ranked) const;
  // The input columns of the kept rows at `at`.
  Result<Batch> KeptRows(const std::vector<ChunkRow>& at) const;
  // The sort key values of each row of `rows`.
  Result<std::vector<std::vector<Value>>> SortValues(const Batch& rows);

  const std::vector<BoundExprPtr> partition_by_;
  const std::vector<SortKey> order_by_;
  const int64_t limit_;
  const SchemaPtr input_schema_;
  const SchemaPtr output_schema_;
  const std::string explain_;
  ExpressionEvaluator eval_;
  std::optional<KeyTable> table_;
  std::vector<std::vector<Entry>> top_;  // by key id, best first
  std::vector<Batch> chunks_;
  std::vector<int64_t> chunk_live_;  // entries referring to each chunk
  std::vector<int64_t> touched_us_;  // by key id: when it last got a row (TTL)
  const int64_t* now_us_;
  int64_t kept_ = 0;
};

}  // namespace ark::sql
