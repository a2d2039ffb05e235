// StreamJoinOperator: an inner or outer (left, right, full) equi-join of two append-only
// streams (symmetric hash join). Each side keeps the rows it has seen in a hash table on its join
// keys; a new batch on one side probes the other side's table (then the residual ON condition is
// applied to the pairs) and is added to its own. Every match is found exactly once — by whichever
// of the two rows arrived later. An inner join's result is append-only. An outer join emits a row
// of a preserved side (the left of LEFT, the right of RIGHT, both of FULL) without a match at once,
// padded with NULLs (+I), and retracts that row (-D) when its first match arrives: its result is a
// changelog.
//
// Window joins: when both sides' keys include the same window bound (window_end, or
// window_start of a TUMBLE/HOP), a side's rows of a window can no longer match anything once the
// watermark has passed that window's end and the other side's rows for it have arrived (they
// arrive at that same watermark: windows are emitted when it passes their end). Rows are kept in
// the batches they came in, and a batch whose latest window ended at or before the previous
// watermark is dropped. Joins without a window bound keep every row until the state TTL drops the
// batches that arrived before it (ExpireState).
//
//   StreamJoinOperator join(spec, /*left_expiry=*/2, /*right_expiry=*/1, explain);
//   join.Push(0, {auctions}, &out, &late);   // no match yet: the rows are kept
//   join.Push(1, {bids}, &out, &late);       // bids matching kept auctions come out
//
// Thread-safety: one thread (stream_operator.h).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/expr/evaluator.h"
#include "sql/operators/gather.h"
#include "sql/operators/key_encoder.h"
#include "sql/operators/operator.h"
#include "sql/streaming/stream_operator.h"

namespace ark::sql {

class StreamJoinOperator final : public StreamOperator {
 public:
  // `expiry` per side: the input position of the window bound that expires its rows (-1: rows
  // never expire) and the offset to add to it to get the window end.
  struct Expiry {
    int column = -1;
    int64_t end_offset_us = 0;
  };
  // `now_us` (may be null: no TTL) is the processing time of the current batch, read at Push.
  StreamJoinOperator(std::shared_ptr<const JoinSpec> spec, Expiry left, Expiry right,
                     std::string explain, const int64_t* now_us = nullptr);
  ~StreamJoinOperator() override;

  int num_inputs() const override { return 2; }
  Status Push(int port, const Delta& delta, std::vector<Delta>* out,
              std::vector<LateRows>* late) override;
  Status OnWatermark(int64_t watermark_us, std::vector<Delta>* out) override;
  // Drops the rows that arrived before `before_us`.
  Status ExpireState(int64_t before_us) override;
  std::string Explain() const override { return explain_; }
  bool stateful() const override { return true; }
  // keys: rows kept on both sides; bytes: the kept batches and the hash tables.
  OperatorState State() const override;
  // Saved state: "m" → the previous watermark; per side and kept batch, "c" + side ('0'/'1') +
  // its sequence (ordered int64) → arrival time, per-row match counts (preserved sides), and the
  // rows (Arrow IPC). Loading inserts the batches again in order, rebuilding the hash tables.
  Status SaveState(state::StateTable& table) const override;
  Status LoadState(const state::StateTable& table) override;

 private:
  struct Side {
    std::vector<BoundExprPtr> keys;
    Expiry expiry;
    std::optional<KeyTable> table;
    std::vector<std::vector<ChunkRow>> rows_by_key;  // by key id: the rows with that key
    std::vector<Batch> chunks;                       // chunk index → batch (empty once dropped)
    std::vector<int64_t> chunk_end;                  // latest window end of each chunk
    std::vector<int64_t> chunk_arrival;              // processing time it arrived
    std::vector<int64_t> chunk_rows;                 // rows of each chunk in rows_by_key
    // The side whose every row is in the result (the left of a LEFT join, the right of a
    // RIGHT join, both of a FULL join): per chunk and row, how many rows of the other side it
    // joined (0: its NULL-padded row is out, and is retracted when the first match comes).
    bool preserved = false;
    std::vector<std::vector<int32_t>> matches;
    int64_t rows = 0;  // rows of live chunks
    size_t bytes = 0;  // bytes of live chunks
    int64_t dead = 0;  // entries of rows_by_key that point into dropped chunks
  };
  Status Insert(Side& side, const Batch& batch, const std::vector<ColumnPtr>& keys,
                int64_t arrival_us, std::vector<int32_t> matches = {});
  // Rows of side `port` with NULLs for every column of the other side.
  Result<Batch> Padded(int port, const Batch& rows) const;
  // Forgets chunk `i`; its entries stay in rows_by_key (probes skip them) until dropped rows
  // outnumber live ones and CompactIfSparse rebuilds the side, so that dropping a window's rows
  // costs no more than they did to insert.
  void Drop(Side& side, size_t i);
  Status CompactIfSparse(Side& side);
  Status Rebuild(Side& side);

  const std::shared_ptr<const JoinSpec> spec_;
  const std::string explain_;
  std::vector<DataType> key_types_;
  std::vector<NullEquality> null_equality_;
  Side sides_[2];
  ExpressionEvaluator eval_;
  int64_t previous_watermark_us_ = INT64_MIN;
  const int64_t* now_us_;
};

}  // namespace ark::sql
