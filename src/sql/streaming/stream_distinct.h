// StreamDistinctOperator: SELECT DISTINCT over an append-only stream. The first occurrence of
// each row (every column is the key: key_encoder.h's equality) is emitted with the batch it comes
// in; later copies are dropped. The result is append-only.
//
// State: a KeyTable of the rows seen and, per row, when it was last seen. With a state TTL, rows
// not seen for that long are forgotten (nothing is emitted; the row passes again when it comes
// back, like Flink's state TTL) and the key table is compacted.
//
// Saved state (SaveState/LoadState): "r" + the row as a normalized key (state_encoding.h) → when
// it was last seen.
//
//   StreamDistinctOperator distinct(schema, "Distinct", &now_us);
//   distinct.Push(0, {batch}, &out, &late);   // the rows of batch not seen before
//
// Thread-safety: one thread (stream_operator.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sql/operators/key_encoder.h"
#include "sql/streaming/stream_operator.h"

namespace ark::sql {

class StreamDistinctOperator final : public StreamOperator {
 public:
  // `now_us` (may be null: no TTL) is the processing time of the current batch, read at Push.
  StreamDistinctOperator(SchemaPtr schema, std::string explain, const int64_t* now_us = nullptr);

  Status Push(int port, const Delta& delta, std::vector<Delta>* out,
              std::vector<LateRows>* late) override;
  // Forgets the rows not seen since `before_us`.
  Status ExpireState(int64_t before_us) override;
  std::string Explain() const override { return explain_; }
  bool stateful() const override { return true; }
  // keys: distinct rows kept; bytes: the key table.
  OperatorState State() const override;
  Status SaveState(state::StateTable& table) const override;
  Status LoadState(const state::StateTable& table) override;

 private:
  const SchemaPtr schema_;
  const std::string explain_;
  const int64_t* now_us_;
  KeyTable table_;
  std::vector<int32_t> ids_;
  std::vector<int64_t> seen_us_;  // by key id
};

}  // namespace ark::sql
