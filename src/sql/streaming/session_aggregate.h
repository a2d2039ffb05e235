// SessionAggregateOperator: GROUP BY over SESSION windows (SESSION(t, ts, gap) with
// window_start/window_end among the grouping keys), emitted when the watermark passes a
// session's end. Sessions are formed per value of the other grouping keys (as Flink's
// `GROUP BY key, SESSION(ts, gap)`): each row brings the proto-session [ts, ts + gap) made by
// the window table function; it merges with every session of its key it touches (start <= end of
// the other and end >= its start, Flink's rule), their aggregate states combined
// (AggregateFunction::Combine), and the merged session spans them all. A session ends at its last
// row's time plus the gap; it is emitted, append-only, once the watermark reaches that end. A row
// whose own end is not after the watermark is late.
//
// State: a KeyTable of the other keys (with one stored copy of each key's values), per key its
// open sessions, per session one row of aggregate states, and a heap of session ends. DISTINCT
// and ORDER BY inside calls are refused by the planner.
//
// Saved state (SaveState/LoadState): "m" → the watermark and the slot numbering (how many, which
// are free: they decide the order of sessions that end together); per open session, "s" + the
// other keys (state_encoding.h) + its position among its key's sessions (4 bytes, big-endian)
// → its slot, start, end and aggregate states.
//
// Thread-safety: one thread (stream_operator.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "sql/expr/evaluator.h"
#include "sql/operators/gather.h"
#include "sql/operators/key_encoder.h"
#include "sql/operators/operator.h"
#include "sql/streaming/stream_operator.h"

namespace ark::sql {

class SessionAggregateOperator final : public StreamOperator {
 public:
  // `start_key`/`end_key`: indices into spec->group_keys of window_start and window_end (-1 when
  // not grouped by); at least one is set, and each is a plain input column.
  SessionAggregateOperator(std::shared_ptr<const AggregateSpec> spec, int start_key, int end_key,
                           int64_t gap_us, std::string explain);
  ~SessionAggregateOperator() override;

  Status Push(int port, const Delta& delta, std::vector<Delta>* out,
              std::vector<LateRows>* late) override;
  Status OnWatermark(int64_t watermark_us, std::vector<Delta>* out) override;
  Status Finish(std::vector<Delta>* out) override;
  std::string Explain() const override { return explain_; }
  bool stateful() const override { return true; }
  // keys: open sessions; bytes: key table, stored keys and aggregate states.
  OperatorState State() const override;
  Status SaveState(state::StateTable& table) const override;
  Status LoadState(const state::StateTable& table) override;

 private:
  struct Session {
    int32_t key = -1;
    int64_t start = 0;
    int64_t end = 0;
    uint32_t generation = 0;
    bool open = false;
  };
  struct Due {
    int64_t end;
    uint32_t slot;
    uint32_t generation;
    bool operator>(const Due& o) const { return end != o.end ? end > o.end : slot > o.slot; }
  };
  static constexpr int64_t kSlotsPerBlock = 1024;
  uint8_t* SlotRow(uint32_t slot) const {
    return blocks_[slot / kSlotsPerBlock].get() + (slot % kSlotsPerBlock) * row_size_;
  }
  uint32_t NewSlot();
  void FreeSlot(uint32_t slot);
  uint32_t Resolve(uint32_t slot);
  // Emits (in end order) the sessions that end at or before `limit`.
  Status EmitUntil(int64_t limit, std::vector<Delta>* out);

  const std::shared_ptr<const AggregateSpec> spec_;
  const int start_key_;
  const int end_key_;
  const int64_t gap_us_;
  const std::string explain_;
  std::vector<int> other_keys_;  // indices into group_keys of the non-window keys
  int start_column_ = -1;        // input positions of the proto-session bounds
  int end_column_ = -1;
  ExpressionEvaluator eval_;
  std::optional<KeyTable> table_;
  std::vector<Batch> key_chunks_;   // the first row of each key, batch by batch
  std::vector<ChunkRow> key_rows_;  // key id → where its values are
  std::vector<std::vector<uint32_t>> sessions_by_key_;
  std::vector<size_t> offsets_;
  size_t row_size_ = 8;
  std::vector<std::unique_ptr<uint8_t[]>> blocks_;
  std::vector<Session> slots_;
  std::vector<uint32_t> free_;
  std::vector<uint32_t> freed_;    // freed during the current call, reusable after it
  std::vector<uint32_t> forward_;  // merged slot → the slot it went into (this batch)
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
  int64_t open_ = 0;
  int64_t watermark_us_ = INT64_MIN;
};

}  // namespace ark::sql
