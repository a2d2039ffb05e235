// ChangelogAggregateOperator: GROUP BY (or a global aggregate) over an unbounded stream without
// windows. Every batch updates the groups it touches and emits what changed as a changelog: for a
// group seen before, its previous result as update-before (-U) and its new one as update-after
// (+U); for a new group, an insert (+I); for a group whose last row was retracted, a delete (-D).
// The aggregates must be retractable (count, sum, avg, ...) when the input carries retractions;
// min/max and the other non-retractable ones are accepted over append-only input only (the
// streaming planner checks).
//
// State: one KeyTable of the group keys (keys are kept after a delete, so a group that returns
// reuses its id), the aggregate states of every group in fixed-size rows, and a row count per
// group. With a state TTL, groups not updated for that long are forgotten (no row is emitted; a
// key that comes back starts a new group) and the key table is compacted. DISTINCT, FILTER and
// ORDER BY inside calls: FILTER is supported; DISTINCT and ORDER BY are refused by the planner.
//
// Thread-safety: one thread (stream_operator.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/expr/evaluator.h"
#include "sql/operators/key_encoder.h"
#include "sql/operators/operator.h"
#include "sql/streaming/stream_operator.h"

namespace ark::sql {

class ChangelogAggregateOperator final : public StreamOperator {
 public:
  // `now_us` (may be null: no TTL) is the processing time of the current batch, read at Push.
  ChangelogAggregateOperator(std::shared_ptr<const AggregateSpec> spec, std::string explain,
                             const int64_t* now_us = nullptr);
  ~ChangelogAggregateOperator() override;

  Status Push(int port, const Delta& delta, std::vector<Delta>* out,
              std::vector<LateRows>* late) override;
  // Forgets the groups not updated since `before_us` and compacts the key table.
  Status ExpireState(int64_t before_us) override;
  std::string Explain() const override { return explain_; }
  bool stateful() const override { return true; }
  // keys: groups with at least one row; bytes: key table and states.
  OperatorState State() const override;
  // One entry per group with rows: "g" + the group key (state_encoding.h; just "g" without
  // GROUP BY) → row count, last update time (TTL), then each call's state (Serialize).
  Status SaveState(state::StateTable& table) const override;
  Status LoadState(const state::StateTable& table) override;

 private:
  static constexpr int64_t kGroupsPerBlock = 4096;
  uint8_t* GroupRow(int64_t g) const {
    return blocks_[static_cast<size_t>(g / kGroupsPerBlock)].get() +
           static_cast<size_t>(g % kGroupsPerBlock) * row_size_;
  }
  void EnsureGroups(int64_t n);
  bool grouped() const { return !spec_->group_keys.empty(); }
  // The current results of `groups` (keys, then aggregates) as one batch; the key of groups[i]
  // is row key_rows[i] of `keys`.
  Result<Batch> Results(const std::vector<int32_t>& groups, const std::vector<ColumnPtr>& keys,
                        const std::vector<int64_t>& key_rows) const;

  const std::shared_ptr<const AggregateSpec> spec_;
  const std::string explain_;
  ExpressionEvaluator eval_;
  std::optional<KeyTable> table_;
  std::vector<size_t> offsets_;
  size_t row_size_ = 0;
  std::vector<std::unique_ptr<uint8_t[]>> blocks_;
  int64_t initialized_ = 0;
  std::vector<int64_t> counts_;      // rows per group (inserts minus retractions)
  std::vector<int64_t> touched_us_;  // per group: when a batch last updated it
  const int64_t* now_us_;
  int64_t live_groups_ = 0;
};

}  // namespace ark::sql
