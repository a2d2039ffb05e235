// RankTopNOperator: `ROW_NUMBER() OVER (PARTITION BY k ORDER BY s) AS rn ... WHERE rn <= N` over
// an append-only stream without windows — top-N per key and deduplication (N = 1), as a
// changelog. Per key it keeps the N best rows seen; a new row that ranks among them is inserted
// and the one pushed past N forgotten (the input never retracts, so it can never come back). For
// the keys a batch touched it emits the rows whose rank changed: the old (row, rn) as a delete,
// then the new (row, rn) as an insert. Ties keep arrival order (the earlier row ranks first).
//
// State: a KeyTable of the partition keys, per key up to N entries (sort key values and where the
// row is kept), and the kept rows, gathered into small chunks as they enter.
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
  RankTopNOperator(std::vector<BoundExprPtr> partition_by, std::vector<SortKey> order_by,
                   int64_t limit, SchemaPtr input_schema, SchemaPtr output_schema,
                   std::string explain);

  Status Push(int port, const Delta& delta, std::vector<Delta>* out,
              std::vector<LateRows>* late) override;
  std::string Explain() const override { return explain_; }
  bool stateful() const override { return true; }
  // keys: rows kept; bytes: the kept rows' chunks and the key table.
  OperatorState State() const override;

 private:
  struct Entry {
    std::vector<Value> sort;
    ChunkRow at;
  };
  // < 0 when a ranks before b.
  int Compare(const std::vector<Value>& a, const std::vector<Value>& b) const;
  Result<Batch> Rows(const std::vector<std::pair<ChunkRow, int64_t>>& ranked) const;

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
  int64_t kept_ = 0;
};

}  // namespace ark::sql
