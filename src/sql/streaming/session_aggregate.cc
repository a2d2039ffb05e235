#include "sql/streaming/session_aggregate.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "core/column_builder.h"
#include "sql/operators/distinct.h"
#include "sql/operators/key_columns.h"
#include "sql/streaming/state_encoding.h"

namespace ark::sql {

SessionAggregateOperator::SessionAggregateOperator(std::shared_ptr<const AggregateSpec> spec,
                                                   int start_key, int end_key, int64_t gap_us,
                                                   std::string explain)
    : spec_(std::move(spec)),
      start_key_(start_key),
      end_key_(end_key),
      gap_us_(gap_us),
      explain_(std::move(explain)) {
  std::vector<DataType> types;
  for (int k = 0; k < static_cast<int>(spec_->group_keys.size()); ++k) {
    if (k == start_key_ || k == end_key_) continue;
    other_keys_.push_back(k);
    types.push_back(spec_->group_keys[static_cast<size_t>(k)]->type);
  }
  if (start_key_ >= 0)
    start_column_ = spec_->group_keys[static_cast<size_t>(start_key_)]->column_index;
  if (end_key_ >= 0) end_column_ = spec_->group_keys[static_cast<size_t>(end_key_)]->column_index;
  if (!other_keys_.empty()) table_.emplace(std::move(types));
  size_t offset = 0;
  for (const AggregateCall& call : spec_->aggregates) {
    offsets_.push_back(offset);
    offset += (call.function->state_size() + 7) / 8 * 8;
  }
  row_size_ = std::max<size_t>(offset, 8);
}

SessionAggregateOperator::~SessionAggregateOperator() {
  for (uint32_t s = 0; s < slots_.size(); ++s) {
    if (!slots_[s].open) continue;
    for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
      spec_->aggregates[k].function->Destroy(SlotRow(s) + offsets_[k]);
    }
  }
}

uint32_t SessionAggregateOperator::NewSlot() {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
    forward_.push_back(slot);
    if (slot / kSlotsPerBlock >= blocks_.size()) {
      blocks_.push_back(
          std::make_unique<uint8_t[]>(static_cast<size_t>(kSlotsPerBlock) * row_size_));
    }
  }
  for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
    spec_->aggregates[k].function->Init(SlotRow(slot) + offsets_[k]);
  }
  slots_[slot].open = true;
  forward_[slot] = slot;
  ++open_;
  return slot;
}

void SessionAggregateOperator::FreeSlot(uint32_t slot) {
  for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
    spec_->aggregates[k].function->Destroy(SlotRow(slot) + offsets_[k]);
  }
  slots_[slot].open = false;
  ++slots_[slot].generation;
  // Reusable after the batch: rows of this batch may still resolve through it (forward_).
  freed_.push_back(slot);
  --open_;
}

uint32_t SessionAggregateOperator::Resolve(uint32_t slot) {
  while (forward_[slot] != slot) slot = forward_[slot];
  return slot;
}

Status SessionAggregateOperator::Push(int port, const Delta& delta, std::vector<Delta>* out,
                                      std::vector<LateRows>* late) {
  (void)port;
  (void)out;
  if (IsRetraction(delta.kind)) {
    return Status::Internal("{}: got a retraction, but its input is append-only", explain_);
  }
  const Batch& batch = delta.batch;
  const int64_t n = batch.num_rows();
  if (n == 0) return Status::OK();
  const Column& bound = *batch.column(start_column_ >= 0 ? start_column_ : end_column_);
  const int64_t* b = bound.data<int64_t>();
  const int64_t to_start = start_column_ >= 0 ? 0 : -gap_us_;  // proto start from the bound

  std::vector<int32_t> ids(static_cast<size_t>(n), 0);
  if (table_) {
    std::vector<ColumnPtr> keys;
    for (int k : other_keys_) {
      ARK_ASSIGN_OR_RETURN(
          ColumnPtr c, EvaluateKeyColumn(eval_, *spec_->group_keys[static_cast<size_t>(k)], batch));
      keys.push_back(std::move(c));
    }
    const int64_t before = table_->size();
    ARK_RETURN_IF_ERROR(table_->FindOrInsert(keys, n, ids.data()));
    if (table_->size() > before) {
      // Keep one copy of each new key's values.
      std::vector<int64_t> first;
      AppendFirstOccurrences(ids.data(), n, before, &first);
      std::vector<ColumnPtr> cols;
      for (const ColumnPtr& k : keys) {
        ARK_ASSIGN_OR_RETURN(ColumnPtr c, GatherColumn(*k, first));
        cols.push_back(std::move(c));
      }
      std::vector<Field> fields;
      for (size_t i = 0; i < cols.size(); ++i) fields.emplace_back("k", cols[i]->type());
      uint32_t chunk = static_cast<uint32_t>(key_chunks_.size());
      key_chunks_.emplace_back(Schema::Make(std::move(fields)), std::move(cols),
                               static_cast<int64_t>(first.size()));
      for (size_t i = 0; i < first.size(); ++i)
        key_rows_.push_back({chunk, static_cast<uint32_t>(i)});
      sessions_by_key_.resize(static_cast<size_t>(table_->size()));
    }
  } else if (sessions_by_key_.empty()) {
    sessions_by_key_.resize(1);
  }

  // Pass 1: each row to its session, merging the sessions it bridges.
  std::vector<uint32_t> row_slot(static_cast<size_t>(n), UINT32_MAX);
  std::vector<int64_t> late_rows;
  std::vector<uint32_t> touched;
  for (int64_t r = 0; r < n; ++r) {
    if (bound.IsNull(r)) {
      late_rows.push_back(r);
      continue;
    }
    const int64_t s = b[r] + to_start;
    const int64_t e = s + gap_us_;
    if (e <= watermark_us_) {
      late_rows.push_back(r);
      continue;
    }
    std::vector<uint32_t>& list =
        sessions_by_key_[static_cast<size_t>(ids[static_cast<size_t>(r)])];
    uint32_t target = UINT32_MAX;
    for (size_t i = 0; i < list.size();) {
      Session& sess = slots_[list[i]];
      if (s <= sess.end && e >= sess.start) {
        if (target == UINT32_MAX) {
          target = list[i];
          sess.start = std::min(sess.start, s);
          sess.end = std::max(sess.end, e);
          ++i;
          continue;
        }
        // A second session touched: fold it into the target.
        Session& t = slots_[target];
        t.start = std::min(t.start, sess.start);
        t.end = std::max(t.end, sess.end);
        for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
          spec_->aggregates[k].function->Combine(SlotRow(target) + offsets_[k],
                                                 SlotRow(list[i]) + offsets_[k]);
        }
        uint32_t gone = list[i];
        FreeSlot(gone);
        forward_[gone] = target;
        list.erase(list.begin() + static_cast<long>(i));
        continue;
      }
      ++i;
    }
    if (target == UINT32_MAX) {
      target = NewSlot();
      slots_[target].key = ids[static_cast<size_t>(r)];
      slots_[target].start = s;
      slots_[target].end = e;
      list.push_back(target);
    }
    ++slots_[target].generation;
    touched.push_back(target);
    row_slot[static_cast<size_t>(r)] = target;
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (uint32_t slot : touched) {
    if (slots_[slot].open) due_.push({slots_[slot].end, slot, slots_[slot].generation});
  }
  if (!late_rows.empty()) {
    ARK_ASSIGN_OR_RETURN(Batch rows, GatherBatch(batch, late_rows));
    late->push_back({std::move(rows),
                     "late: the row's session window closed (its end is not "
                     "after the watermark), or its time is NULL"});
  }

  // Pass 2: the aggregates, a call at a time over the rows (FILTER applied).
  std::vector<int64_t> rows;
  for (int64_t r = 0; r < n; ++r) {
    if (row_slot[static_cast<size_t>(r)] != UINT32_MAX) rows.push_back(r);
  }
  for (size_t k = 0; !rows.empty() && k < spec_->aggregates.size(); ++k) {
    const AggregateCall& call = spec_->aggregates[k];
    std::vector<int64_t> selected = rows;
    if (call.filter != nullptr) {
      ARK_ASSIGN_OR_RETURN(std::vector<int64_t> pass, eval_.SelectRows(*call.filter, batch));
      std::vector<int64_t> both;
      std::set_intersection(rows.begin(), rows.end(), pass.begin(), pass.end(),
                            std::back_inserter(both));
      selected = std::move(both);
    }
    if (selected.empty()) continue;
    ARK_ASSIGN_OR_RETURN(Batch sub, GatherBatch(batch, selected));
    ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> args, EvaluateKeyColumns(eval_, call.args, sub));
    std::vector<uint8_t*> states(selected.size());
    for (size_t i = 0; i < selected.size(); ++i) {
      states[i] = SlotRow(Resolve(row_slot[static_cast<size_t>(selected[i])])) + offsets_[k];
    }
    ARK_RETURN_IF_ERROR(
        call.function->Update(states.data(), args, static_cast<int64_t>(selected.size())));
  }
  free_.insert(free_.end(), freed_.begin(), freed_.end());
  freed_.clear();
  return Status::OK();
}

Status SessionAggregateOperator::EmitUntil(int64_t limit, std::vector<Delta>* out) {
  std::vector<uint32_t> done;
  while (!due_.empty() && due_.top().end <= limit) {
    Due d = due_.top();
    due_.pop();
    const Session& s = slots_[d.slot];
    if (!s.open || s.generation != d.generation || s.end != d.end) continue;  // superseded
    done.push_back(d.slot);
  }
  if (done.empty()) return Status::OK();
  const int64_t n = static_cast<int64_t>(done.size());
  std::vector<ChunkRow> key_refs;
  Int64Builder starts(DataType::Timestamp()), ends(DataType::Timestamp());
  for (uint32_t slot : done) {
    starts.Append(slots_[slot].start);
    ends.Append(slots_[slot].end);
    if (table_) key_refs.push_back(key_rows_[static_cast<size_t>(slots_[slot].key)]);
  }
  ColumnPtr start_col = starts.Finish(), end_col = ends.Finish();
  std::vector<ColumnPtr> cols(spec_->group_keys.size());
  for (size_t j = 0; j < other_keys_.size(); ++j) {
    std::vector<ColumnPtr> chunk_cols;
    for (const Batch& c : key_chunks_) chunk_cols.push_back(c.column(static_cast<int>(j)));
    ARK_ASSIGN_OR_RETURN(cols[static_cast<size_t>(other_keys_[j])],
                         GatherChunks(chunk_cols, key_refs));
  }
  if (start_key_ >= 0) cols[static_cast<size_t>(start_key_)] = start_col;
  if (end_key_ >= 0) cols[static_cast<size_t>(end_key_)] = end_col;
  std::vector<const uint8_t*> states(done.size());
  for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
    const AggregateFunction& f = *spec_->aggregates[k].function;
    for (size_t i = 0; i < done.size(); ++i) states[i] = SlotRow(done[i]) + offsets_[k];
    std::unique_ptr<ColumnBuilder> b = MakeBuilder(f.return_type());
    b->Reserve(n);
    ARK_RETURN_IF_ERROR(f.Finalize(states.data(), n, *b));
    cols.push_back(b->Finish());
  }
  out->push_back({Batch(spec_->output_schema, std::move(cols), n), RowKind::kInsert});
  for (uint32_t slot : done) {
    std::vector<uint32_t>& list = sessions_by_key_[static_cast<size_t>(slots_[slot].key)];
    list.erase(std::find(list.begin(), list.end(), slot));
    FreeSlot(slot);
  }
  free_.insert(free_.end(), freed_.begin(), freed_.end());
  freed_.clear();
  return Status::OK();
}

Status SessionAggregateOperator::OnWatermark(int64_t watermark_us, std::vector<Delta>* out) {
  if (watermark_us <= watermark_us_) return Status::OK();
  watermark_us_ = watermark_us;
  return EmitUntil(watermark_us, out);
}

Status SessionAggregateOperator::Finish(std::vector<Delta>* out) {
  return EmitUntil(INT64_MAX, out);
}

Status SessionAggregateOperator::SaveState(state::StateTable& table) const {
  std::string meta;
  state::PutPod(&meta, watermark_us_);
  state::PutPod(&meta, static_cast<uint32_t>(slots_.size()));
  state::PutVector(&meta, free_);
  table.Put("m", meta);
  // The keys with open sessions.
  std::vector<int64_t> key_ids;
  for (size_t k = 0; k < sessions_by_key_.size(); ++k) {
    if (!sessions_by_key_[k].empty()) key_ids.push_back(static_cast<int64_t>(k));
  }
  std::vector<std::string> keys(key_ids.size(), "s");
  if (table_ && !key_ids.empty()) {
    std::vector<ColumnPtr> cols;
    for (const ColumnPtr& all : table_->KeyColumns(0, table_->size())) {
      ARK_ASSIGN_OR_RETURN(ColumnPtr c, GatherColumn(*all, key_ids));
      cols.push_back(std::move(c));
    }
    StateKeyCodec codec(table_->key_types());
    ARK_RETURN_IF_ERROR(codec.Encode(cols, static_cast<int64_t>(key_ids.size()), &keys));
  }
  std::string key, value, bytes;
  for (size_t i = 0; i < key_ids.size(); ++i) {
    const std::vector<uint32_t>& list = sessions_by_key_[static_cast<size_t>(key_ids[i])];
    for (size_t pos = 0; pos < list.size(); ++pos) {
      key = keys[i];
      for (int b = 3; b >= 0; --b) key.push_back(static_cast<char>((pos >> (8 * b)) & 0xFF));
      const uint32_t slot = list[pos];
      const Session& sess = slots_[slot];
      value.clear();
      state::PutPod(&value, slot);
      state::PutPod(&value, sess.start);
      state::PutPod(&value, sess.end);
      for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
        bytes.clear();
        spec_->aggregates[k].function->Serialize(SlotRow(slot) + offsets_[k], &bytes);
        state::PutBytes(&value, bytes);
      }
      table.Put(key, value);
    }
  }
  return Status::OK();
}

Status SessionAggregateOperator::LoadState(const state::StateTable& table) {
  if (!slots_.empty()) {
    return Status::Internal("{}: state is loaded into a fresh operator only", explain_);
  }
  const std::string context = StateContext(table);
  std::optional<std::string_view> meta = table.Get("m");
  if (!meta) return Status::OK();
  uint32_t slots = 0;
  {
    state::StateReader in(*meta, context);
    ARK_RETURN_IF_ERROR(in.Pod(&watermark_us_));
    ARK_RETURN_IF_ERROR(in.Pod(&slots));
    ARK_RETURN_IF_ERROR(in.Vector(&free_));
    ARK_RETURN_IF_ERROR(in.End());
  }
  slots_.resize(slots);
  forward_.resize(slots);
  for (uint32_t i = 0; i < slots; ++i) forward_[i] = i;
  while (blocks_.size() * static_cast<size_t>(kSlotsPerBlock) < slots) {
    blocks_.push_back(std::make_unique<uint8_t[]>(static_cast<size_t>(kSlotsPerBlock) * row_size_));
  }
  for (uint32_t f : free_) {
    if (f >= slots) return Status::InvalidArgument("{}: a free slot {} of {}", context, f, slots);
  }
  // Sessions, and the keys they belong to in order of first appearance.
  struct Saved {
    size_t key;
    uint32_t pos;
    std::string_view value;
  };
  std::vector<Saved> saved;
  std::map<std::string_view, size_t> key_index;
  std::vector<std::string_view> key_bytes;
  ARK_RETURN_IF_ERROR(table.Scan("s", [&](std::string_view key, std::string_view value) {
    if (key.size() < 5) return Status::InvalidArgument("{}: a short session key", context);
    std::string_view k = key.substr(1, key.size() - 5);
    uint32_t pos = 0;
    for (size_t b = key.size() - 4; b < key.size(); ++b) {
      pos = (pos << 8) | static_cast<uint8_t>(key[b]);
    }
    auto [it, fresh] = key_index.try_emplace(k, key_bytes.size());
    if (fresh) key_bytes.push_back(k);
    saved.push_back({it->second, pos, value});
    return Status::OK();
  }));
  std::vector<int32_t> ids(key_bytes.size(), 0);
  if (table_ && !key_bytes.empty()) {
    StateKeyCodec codec(table_->key_types());
    ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> cols, codec.Decode(key_bytes));
    const int64_t n = static_cast<int64_t>(key_bytes.size());
    ARK_RETURN_IF_ERROR(table_->FindOrInsert(cols, n, ids.data()));
    std::vector<Field> fields;
    for (const ColumnPtr& c : cols) fields.emplace_back("k", c->type());
    key_chunks_.emplace_back(Schema::Make(std::move(fields)), std::move(cols), n);
    for (int64_t i = 0; i < n; ++i) key_rows_.push_back({0, static_cast<uint32_t>(i)});
    sessions_by_key_.resize(static_cast<size_t>(table_->size()));
  } else if (!table_) {
    if (key_bytes.size() > 1) {
      return Status::InvalidArgument("{}: saved sessions of several keys, but there is none",
                                     context);
    }
    sessions_by_key_.resize(1);
  }
  std::sort(saved.begin(), saved.end(),
            [](const Saved& a, const Saved& b) { return a.pos < b.pos; });
  for (const Saved& sv : saved) {
    state::StateReader in(sv.value, context);
    uint32_t slot = 0;
    int64_t start = 0, end = 0;
    ARK_RETURN_IF_ERROR(in.Pod(&slot));
    ARK_RETURN_IF_ERROR(in.Pod(&start));
    ARK_RETURN_IF_ERROR(in.Pod(&end));
    if (slot >= slots || slots_[slot].open) {
      return Status::InvalidArgument("{}: saved session slot {} is out of range or repeated",
                                     context, slot);
    }
    const int32_t key = ids[sv.key];
    Session& sess = slots_[slot];
    sess = Session{key, start, end, 0, true};
    for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
      spec_->aggregates[k].function->Init(SlotRow(slot) + offsets_[k]);
    }
    for (size_t k = 0; k < spec_->aggregates.size(); ++k) {
      std::string_view bytes;
      ARK_RETURN_IF_ERROR(in.Bytes(&bytes));
      ARK_RETURN_IF_ERROR(
          spec_->aggregates[k].function->Deserialize(bytes, SlotRow(slot) + offsets_[k]));
    }
    ARK_RETURN_IF_ERROR(in.End());
    sessions_by_key_[static_cast<size_t>(key)].push_back(slot);
    due_.push({end, slot, 0});
    ++open_;
  }
  return Status::OK();
}

OperatorState SessionAggregateOperator::State() const {
  OperatorState s{explain_, open_, 0};
  s.bytes = static_cast<int64_t>(blocks_.size() * static_cast<size_t>(kSlotsPerBlock) * row_size_ +
                                 slots_.size() * sizeof(Session));
  if (table_) s.bytes += static_cast<int64_t>(table_->MemoryBytes());
  for (const Batch& c : key_chunks_) s.bytes += static_cast<int64_t>(c.ByteSize());
  return s;
}

}  // namespace ark::sql
