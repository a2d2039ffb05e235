#include "sql/streaming/changelog_aggregate.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_map.h"

#include "core/column_builder.h"
#include "sql/operators/gather.h"
#include "sql/operators/key_columns.h"
#include "sql/streaming/state_encoding.h"

namespace ark::sql {

ChangelogAggregateOperator::ChangelogAggregateOperator(std::shared_ptr<const AggregateSpec> spec,
                                                       std::string explain, const int64_t* now_us)
    : spec_(std::move(spec)), explain_(std::move(explain)), now_us_(now_us) {
  if (grouped()) {
    std::vector<DataType> types;
    for (const auto& k : spec_->group_keys) types.push_back(k->type);
    table_.emplace(std::move(types));
  }
  for (const AggregateCall& call : spec_->aggregates) {
    offsets_.push_back(row_size_);
    row_size_ += (call.function->state_size() + 7) / 8 * 8;
  }
  row_size_ = std::max<size_t>(row_size_, 8);
}

ChangelogAggregateOperator::~ChangelogAggregateOperator() {
  for (int64_t g = 0; g < initialized_; ++g) {
    for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
      spec_->aggregates[k].function->Destroy(GroupRow(g) + offsets_[k]);
    }
  }
}

void ChangelogAggregateOperator::EnsureGroups(int64_t n) {
  while (static_cast<int64_t>(blocks_.size()) * kGroupsPerBlock < n) {
    blocks_.push_back(
        std::make_unique<uint8_t[]>(static_cast<size_t>(kGroupsPerBlock) * row_size_));
  }
  for (int64_t g = initialized_; g < n; ++g) {
    for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
      spec_->aggregates[k].function->Init(GroupRow(g) + offsets_[k]);
    }
  }
  initialized_ = std::max(initialized_, n);
  if (static_cast<int64_t>(counts_.size()) < n) counts_.resize(static_cast<size_t>(n), 0);
  if (static_cast<int64_t>(touched_us_.size()) < n) touched_us_.resize(static_cast<size_t>(n), 0);
}

Result<Batch> ChangelogAggregateOperator::Results(const std::vector<int32_t>& groups,
                                                  const std::vector<ColumnPtr>& keys,
                                                  const std::vector<int64_t>& key_rows) const {
  const int64_t n = static_cast<int64_t>(groups.size());
  std::vector<ColumnPtr> cols;
  for (const ColumnPtr& k : keys) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, GatherColumn(*k, key_rows));
    cols.push_back(std::move(c));
  }
  std::vector<const uint8_t*> states(static_cast<size_t>(n));
  for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
    const AggregateFunction& f = *spec_->aggregates[k].function;
    for (int64_t i = 0; i < n; ++i) {
      states[static_cast<size_t>(i)] = GroupRow(groups[static_cast<size_t>(i)]) + offsets_[k];
    }
    std::unique_ptr<ColumnBuilder> b = MakeBuilder(f.return_type());
    b->Reserve(n);
    ARK_RETURN_IF_ERROR(f.Finalize(states.data(), n, *b));
    cols.push_back(b->Finish());
  }
  return Batch(spec_->output_schema, std::move(cols), n);
}

Status ChangelogAggregateOperator::Push(int port, const Delta& delta, std::vector<Delta>* out,
                                        std::vector<LateRows>* late) {
  (void)port;
  (void)late;
  const Batch& batch = delta.batch;
  const int64_t rows = batch.num_rows();
  if (rows == 0) return Status::OK();
  const bool retract = IsRetraction(delta.kind);
  std::vector<int32_t> ids(static_cast<size_t>(rows), 0);
  const int64_t before = grouped() ? table_->size() : (initialized_ > 0 ? 1 : 0);
  std::vector<ColumnPtr> keys;
  if (grouped()) {
    ARK_ASSIGN_OR_RETURN(keys, EvaluateKeyColumns(eval_, spec_->group_keys, batch));
    ARK_RETURN_IF_ERROR(table_->FindOrInsert(keys, rows, ids.data()));
    EnsureGroups(table_->size());
  } else {
    EnsureGroups(1);
  }
  // The groups this batch touches, in order of first appearance.
  // (first_row: a row of the batch with the group's key, to take the key columns from.)
  std::vector<int32_t> touched;
  absl::flat_hash_map<int32_t, int64_t> first_row;
  for (int64_t r = 0; r < rows; ++r) {
    if (first_row.emplace(ids[static_cast<size_t>(r)], r).second) {
      touched.push_back(ids[static_cast<size_t>(r)]);
    }
  }
  auto key_rows = [&](const std::vector<int32_t>& groups) {
    std::vector<int64_t> r;
    r.reserve(groups.size());
    for (int32_t g : groups) r.push_back(first_row.at(g));
    return r;
  };
  // Previous results of the groups that had rows.
  std::vector<int32_t> had_rows;
  for (int32_t g : touched) {
    if (g < before && counts_[static_cast<size_t>(g)] > 0) had_rows.push_back(g);
  }
  ARK_ASSIGN_OR_RETURN(Batch old_results, Results(had_rows, keys, key_rows(had_rows)));

  // Update (or retract) every call's states.
  std::vector<uint8_t*> states(static_cast<size_t>(rows));
  for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
    const AggregateCall& call = spec_->aggregates[k];
    const Batch* input = &batch;
    Batch filtered;
    std::vector<int32_t> sub_ids;
    const int32_t* gids = ids.data();
    int64_t n = rows;
    if (call.filter != nullptr) {
      ARK_ASSIGN_OR_RETURN(std::vector<int64_t> selected, eval_.SelectRows(*call.filter, batch));
      if (selected.empty()) continue;
      if (static_cast<int64_t>(selected.size()) != rows) {
        ARK_ASSIGN_OR_RETURN(filtered, GatherBatch(batch, selected));
        input = &filtered;
        n = static_cast<int64_t>(selected.size());
        sub_ids.resize(selected.size());
        for (size_t i = 0; i < selected.size(); ++i) sub_ids[i] = ids[selected[i]];
        gids = sub_ids.data();
      }
    }
    ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> args, EvaluateKeyColumns(eval_, call.args, *input));
    for (int64_t i = 0; i < n; ++i)
      states[static_cast<size_t>(i)] = GroupRow(gids[i]) + offsets_[k];
    if (retract) {
      ARK_RETURN_IF_ERROR(call.function->Retract(states.data(), args, n));
    } else {
      ARK_RETURN_IF_ERROR(call.function->Update(states.data(), args, n));
    }
  }
  for (int32_t g : ids) counts_[static_cast<size_t>(g)] += retract ? -1 : 1;
  if (now_us_ != nullptr) {
    for (int32_t g : touched) touched_us_[static_cast<size_t>(g)] = *now_us_;
  }

  // New results: updates for groups that had rows and still have, inserts for new ones, deletes
  // for groups left without rows (their states start over).
  std::vector<int32_t> updated, inserted;
  std::vector<int64_t> updated_old, deleted_old;
  for (size_t i = 0, j = 0; i < touched.size(); ++i) {
    int32_t g = touched[i];
    bool had = j < had_rows.size() && had_rows[j] == g;
    int64_t old_row = had ? static_cast<int64_t>(j++) : -1;
    int64_t count = counts_[static_cast<size_t>(g)];
    if (count < 0) {
      return Status::InvalidArgument(
          "{}: a retraction for a group that has no rows (the input retracts a row it never "
          "inserted)",
          explain_);
    }
    if (count > 0) {
      (had ? updated : inserted).push_back(g);
      if (had) updated_old.push_back(old_row);
    } else if (had) {
      deleted_old.push_back(old_row);
    }
    if (count == 0) {
      for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
        spec_->aggregates[k].function->Destroy(GroupRow(g) + offsets_[k]);
        spec_->aggregates[k].function->Init(GroupRow(g) + offsets_[k]);
      }
    }
  }
  live_groups_ += static_cast<int64_t>(inserted.size()) - static_cast<int64_t>(deleted_old.size());
  if (!deleted_old.empty()) {
    ARK_ASSIGN_OR_RETURN(Batch b, GatherBatch(old_results, deleted_old));
    out->push_back({std::move(b), RowKind::kDelete});
  }
  if (!updated.empty()) {
    ARK_ASSIGN_OR_RETURN(Batch b, GatherBatch(old_results, updated_old));
    out->push_back({std::move(b), RowKind::kUpdateBefore});
    ARK_ASSIGN_OR_RETURN(Batch after, Results(updated, keys, key_rows(updated)));
    out->push_back({std::move(after), RowKind::kUpdateAfter});
  }
  if (!inserted.empty()) {
    ARK_ASSIGN_OR_RETURN(Batch b, Results(inserted, keys, key_rows(inserted)));
    out->push_back({std::move(b), RowKind::kInsert});
  }
  return Status::OK();
}

Status ChangelogAggregateOperator::ExpireState(int64_t before_us) {
  std::vector<int64_t> keep;
  int64_t expired = 0;
  for (int64_t g = 0; g < initialized_; ++g) {
    size_t i = static_cast<size_t>(g);
    if (counts_[i] > 0 && touched_us_[i] >= before_us) {
      keep.push_back(g);
    } else if (counts_[i] > 0) {
      ++expired;
    }
  }
  if (expired == 0 && static_cast<int64_t>(keep.size()) * 2 > initialized_) return Status::OK();
  live_groups_ -= expired;
  if (!grouped()) {
    // One group: start it over.
    for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
      spec_->aggregates[k].function->Destroy(GroupRow(0) + offsets_[k]);
      spec_->aggregates[k].function->Init(GroupRow(0) + offsets_[k]);
    }
    if (!keep.empty()) return Status::OK();
    counts_[0] = 0;
    return Status::OK();
  }
  // Compact: a new key table and state rows holding the kept groups only, in their old order.
  ARK_ASSIGN_OR_RETURN(KeyTable table, table_->Subset(keep));
  const int64_t n = static_cast<int64_t>(keep.size());
  std::vector<std::unique_ptr<uint8_t[]>> blocks;
  while (static_cast<int64_t>(blocks.size()) * kGroupsPerBlock < n) {
    blocks.push_back(std::make_unique<uint8_t[]>(static_cast<size_t>(kGroupsPerBlock) * row_size_));
  }
  std::vector<int64_t> counts(static_cast<size_t>(n)), touched(static_cast<size_t>(n));
  std::vector<bool> moved(static_cast<size_t>(initialized_), false);
  for (int64_t i = 0; i < n; ++i) {
    int64_t g = keep[static_cast<size_t>(i)];
    uint8_t* to = blocks[static_cast<size_t>(i / kGroupsPerBlock)].get() +
                  static_cast<size_t>(i % kGroupsPerBlock) * row_size_;
    std::memcpy(to, GroupRow(g), row_size_);  // the states move: no Destroy for these
    moved[static_cast<size_t>(g)] = true;
    counts[static_cast<size_t>(i)] = counts_[static_cast<size_t>(g)];
    touched[static_cast<size_t>(i)] = touched_us_[static_cast<size_t>(g)];
  }
  for (int64_t g = 0; g < initialized_; ++g) {
    if (moved[static_cast<size_t>(g)]) continue;
    for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
      spec_->aggregates[k].function->Destroy(GroupRow(g) + offsets_[k]);
    }
  }
  table_.emplace(std::move(table));
  blocks_ = std::move(blocks);
  counts_ = std::move(counts);
  touched_us_ = std::move(touched);
  initialized_ = n;
  return Status::OK();
}

Status ChangelogAggregateOperator::SaveState(state::StateTable& table) const {
  std::vector<int64_t> live;
  for (int64_t g = 0; g < initialized_; ++g) {
    if (counts_[static_cast<size_t>(g)] > 0) live.push_back(g);
  }
  std::vector<std::string> keys(live.size(), "g");
  if (grouped() && !live.empty()) {
    std::vector<ColumnPtr> cols;
    for (const ColumnPtr& all : table_->KeyColumns(0, table_->size())) {
      ARK_ASSIGN_OR_RETURN(ColumnPtr c, GatherColumn(*all, live));
      cols.push_back(std::move(c));
    }
    StateKeyCodec codec(table_->key_types());
    ARK_RETURN_IF_ERROR(codec.Encode(cols, static_cast<int64_t>(live.size()), &keys));
  }
  std::string value;
  for (size_t i = 0; i < live.size(); ++i) {
    const size_t g = static_cast<size_t>(live[i]);
    value.clear();
    state::PutPod(&value, counts_[g]);
    state::PutPod(&value, touched_us_[g]);
    std::string bytes;
    for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
      bytes.clear();
      spec_->aggregates[k].function->Serialize(GroupRow(live[i]) + offsets_[k], &bytes);
      state::PutBytes(&value, bytes);
    }
    table.Put(keys[i], value);
  }
  return Status::OK();
}

Status ChangelogAggregateOperator::LoadState(const state::StateTable& table) {
  if (initialized_ > 0) {
    return Status::Internal("{}: state is loaded into a fresh operator only", explain_);
  }
  const std::string context = StateContext(table);
  std::vector<std::string_view> keys, values;
  ARK_RETURN_IF_ERROR(table.Scan("g", [&](std::string_view key, std::string_view value) {
    keys.push_back(key.substr(1));
    values.push_back(value);
    return Status::OK();
  }));
  if (keys.empty()) return Status::OK();
  const int64_t n = static_cast<int64_t>(keys.size());
  std::vector<int32_t> ids(static_cast<size_t>(n), 0);
  if (grouped()) {
    StateKeyCodec codec(table_->key_types());
    ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> cols, codec.Decode(keys));
    ARK_RETURN_IF_ERROR(table_->FindOrInsert(cols, n, ids.data()));
    if (table_->size() != n) {
      return Status::InvalidArgument("{}: saved group keys repeat", context);
    }
    EnsureGroups(n);
  } else {
    if (n != 1) return Status::InvalidArgument("{}: {} saved groups, expected 1", context, n);
    EnsureGroups(1);
  }
  for (int64_t i = 0; i < n; ++i) {
    const size_t g = static_cast<size_t>(ids[static_cast<size_t>(i)]);
    state::StateReader in(values[static_cast<size_t>(i)], context);
    ARK_RETURN_IF_ERROR(in.Pod(&counts_[g]));
    ARK_RETURN_IF_ERROR(in.Pod(&touched_us_[g]));
    for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
      std::string_view bytes;
      ARK_RETURN_IF_ERROR(in.Bytes(&bytes));
      ARK_RETURN_IF_ERROR(spec_->aggregates[k].function->Deserialize(
          bytes, GroupRow(static_cast<int64_t>(g)) + offsets_[k]));
    }
    ARK_RETURN_IF_ERROR(in.End());
    if (counts_[g] <= 0) {
      return Status::InvalidArgument("{}: a saved group has {} rows", context, counts_[g]);
    }
  }
  live_groups_ = n;
  return Status::OK();
}

OperatorState ChangelogAggregateOperator::State() const {
  OperatorState s{explain_, live_groups_, 0};
  s.bytes = static_cast<int64_t>(blocks_.size() * static_cast<size_t>(kGroupsPerBlock) * row_size_ +
                                 counts_.capacity() * sizeof(int64_t));
  if (table_) s.bytes += static_cast<int64_t>(table_->MemoryBytes());
  return s;
}

}  // namespace ark::sql
