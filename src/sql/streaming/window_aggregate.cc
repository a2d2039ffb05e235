#include "sql/streaming/window_aggregate.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "base/time.h"
#include "sql/operators/gather.h"
#include "sql/operators/hash_aggregate.h"
#include "sql/streaming/state_encoding.h"

namespace ark::sql {

WindowAggregateOperator::WindowAggregateOperator(MakeAggregate make, int window_column,
                                                 int64_t end_offset_us, std::string explain,
                                                 bool buffer_rows)
    : make_(std::move(make)),
      window_column_(window_column),
      end_offset_us_(end_offset_us),
      explain_(std::move(explain)),
      buffer_rows_(buffer_rows) {}

Status WindowAggregateOperator::PushTo(int64_t end, const Batch& rows) {
  auto it = windows_.find(end);
  if (it == windows_.end()) {
    ARK_ASSIGN_OR_RETURN(OperatorPtr op, make_());
    it = windows_.emplace(end, Window{std::move(op), {}}).first;
  }
  if (buffer_rows_) it->second.rows.push_back(rows);
  std::vector<Batch> none;
  return it->second.op->Push(0, rows, &none);
}

Status WindowAggregateOperator::Push(int port, const Delta& delta, std::vector<Delta>* out,
                                     std::vector<LateRows>* late) {
  (void)port;
  (void)out;
  if (IsRetraction(delta.kind)) {
    return Status::Internal("{}: got a retraction, but its input is append-only", explain_);
  }
  const Batch& batch = delta.batch;
  const int64_t n = batch.num_rows();
  if (n == 0) return Status::OK();
  const Column& col = *batch.column(window_column_);
  const int64_t* w = col.data<int64_t>();
  // Group the rows by window end; most batches fall in one or two windows.
  std::map<int64_t, std::vector<int64_t>> rows_by_end;
  std::vector<int64_t> late_rows;
  std::vector<int64_t> no_window;
  int64_t first_end = 0;
  bool single = true;
  for (int64_t i = 0; i < n; ++i) {
    if (col.IsNull(i)) {
      no_window.push_back(i);
      single = false;
      continue;
    }
    int64_t end = w[i] + end_offset_us_;
    if (end <= watermark_us_) {
      late_rows.push_back(i);
      single = false;
      continue;
    }
    if (i == 0) first_end = end;
    if (single && end == first_end) continue;
    if (single) {
      // Every row so far was in the first window.
      std::vector<int64_t>& first = rows_by_end[first_end];
      for (int64_t j = 0; j < i; ++j) first.push_back(j);
      single = false;
    }
    rows_by_end[end].push_back(i);
  }
  if (single) return PushTo(first_end, batch);
  if (!late_rows.empty()) {
    ARK_ASSIGN_OR_RETURN(Batch rows, GatherBatch(batch, late_rows));
    late->push_back({std::move(rows), fmt::format("late: the row's window closed (its end is "
                                                  "not after the watermark {})",
                                                  FormatTimestampMicros(watermark_us_))});
  }
  if (!no_window.empty()) {
    ARK_ASSIGN_OR_RETURN(Batch rows, GatherBatch(batch, no_window));
    late->push_back(
        {std::move(rows), "the row has no window: its time column is NULL (window_end is NULL)"});
  }
  for (auto& [end, rows] : rows_by_end) {
    ARK_ASSIGN_OR_RETURN(Batch part, GatherBatch(batch, rows));
    ARK_RETURN_IF_ERROR(PushTo(end, part));
  }
  return Status::OK();
}

Status WindowAggregateOperator::Emit(std::map<int64_t, Window>::iterator it,
                                     std::vector<Delta>* out) {
  std::vector<Batch> batches;
  ARK_RETURN_IF_ERROR(it->second.op->Finish(0, &batches));
  for (Batch& b : batches) {
    if (b.num_rows() > 0) out->push_back({std::move(b), RowKind::kInsert});
  }
  return Status::OK();
}

Status WindowAggregateOperator::OnWatermark(int64_t watermark_us, std::vector<Delta>* out) {
  if (watermark_us <= watermark_us_) return Status::OK();
  watermark_us_ = watermark_us;
  while (!windows_.empty() && windows_.begin()->first <= watermark_us) {
    ARK_RETURN_IF_ERROR(Emit(windows_.begin(), out));
    windows_.erase(windows_.begin());
  }
  return Status::OK();
}

Status WindowAggregateOperator::Finish(std::vector<Delta>* out) {
  for (auto it = windows_.begin(); it != windows_.end(); ++it) {
    ARK_RETURN_IF_ERROR(Emit(it, out));
  }
  windows_.clear();
  return Status::OK();
}

OperatorState WindowAggregateOperator::State() const {
  OperatorState s{explain_, static_cast<int64_t>(windows_.size()), 0};
  for (const auto& [end, w] : windows_) s.bytes += static_cast<int64_t>(w.op->StateBytes());
  return s;
}

namespace {

std::string WindowPrefix(int64_t end) {
  std::string p = "w";
  state::PutOrderedInt64(&p, end);
  return p;
}

std::string CallKey(const std::string& prefix, char kind, size_t call) {
  std::string key = prefix;
  key.push_back(kind);
  state::PutOrderedInt64(&key, static_cast<int64_t>(call));
  return key;
}

}  // namespace

Status WindowAggregateOperator::SaveWindow(int64_t end, const Window& w,
                                           state::StateTable& table) const {
  const std::string prefix = WindowPrefix(end);
  if (buffer_rows_) {
    for (size_t i = 0; i < w.rows.size(); ++i) {
      std::string key = prefix + "r";
      state::PutOrderedInt64(&key, static_cast<int64_t>(i));
      ARK_ASSIGN_OR_RETURN(std::string rows, EncodeBatches(std::span<const Batch>(&w.rows[i], 1)));
      table.Put(key, rows);
    }
    return Status::OK();
  }
  const auto* agg = dynamic_cast<const HashAggregateOperator*>(w.op.get());
  if (agg == nullptr) {
    return Status::Internal("{}: a window's operator is not a HashAggregate", explain_);
  }
  ARK_ASSIGN_OR_RETURN(HashAggregateOperator::SavedState saved, agg->SaveState());
  const int64_t groups = static_cast<int64_t>(saved.states.size());
  std::vector<std::string> keys(saved.states.size(), prefix + "g");
  std::vector<DataType> types;
  for (const ColumnPtr& k : saved.keys) types.push_back(k->type());
  StateKeyCodec codec(types);
  ARK_RETURN_IF_ERROR(codec.Encode(saved.keys, groups, &keys));
  std::string value;
  for (int64_t g = 0; g < groups; ++g) {
    value.clear();
    state::PutPod(&value, g);
    value += saved.states[static_cast<size_t>(g)];
    table.Put(keys[static_cast<size_t>(g)], value);
  }
  auto put_rows = [&](char kind, size_t k, const std::vector<ColumnPtr>& cols) -> Status {
    if (cols.empty()) return Status::OK();
    std::vector<Field> fields;
    for (const ColumnPtr& c : cols) fields.emplace_back("c", c->type(), true);
    Batch b(Schema::Make(std::move(fields)), cols, cols[0]->length());
    ARK_ASSIGN_OR_RETURN(std::string bytes, EncodeBatches(std::span<const Batch>(&b, 1)));
    table.Put(CallKey(prefix, kind, k), bytes);
    return Status::OK();
  };
  for (size_t k = 0; k < saved.distinct.size(); ++k) {
    ARK_RETURN_IF_ERROR(put_rows('d', k, saved.distinct[k]));
    ARK_RETURN_IF_ERROR(put_rows('o', k, saved.ordered[k]));
  }
  return Status::OK();
}

Status WindowAggregateOperator::SaveState(state::StateTable& table) const {
  std::string wm;
  state::PutPod(&wm, watermark_us_);
  table.Put("m", wm);
  for (const auto& [end, w] : windows_) ARK_RETURN_IF_ERROR(SaveWindow(end, w, table));
  return Status::OK();
}

Status WindowAggregateOperator::LoadState(const state::StateTable& table) {
  if (!windows_.empty()) {
    return Status::Internal("{}: state is loaded into a fresh operator only", explain_);
  }
  const std::string context = StateContext(table);
  if (std::optional<std::string_view> wm = table.Get("m")) {
    state::StateReader in(*wm, context);
    ARK_RETURN_IF_ERROR(in.Pod(&watermark_us_));
    ARK_RETURN_IF_ERROR(in.End());
  }
  // The window ends, from the keys.
  std::vector<int64_t> ends;
  ARK_RETURN_IF_ERROR(table.Scan("w", [&](std::string_view key, std::string_view) {
    if (key.size() < 10) return Status::InvalidArgument("{}: a short window key", context);
    int64_t end = state::ReadOrderedInt64(key.substr(1));
    if (ends.empty() || ends.back() != end) ends.push_back(end);
    return Status::OK();
  }));
  for (int64_t end : ends) {
    const std::string prefix = WindowPrefix(end);
    ARK_ASSIGN_OR_RETURN(OperatorPtr op, make_());
    Window& w = windows_.emplace(end, Window{std::move(op), {}}).first->second;
    if (buffer_rows_) {
      ARK_RETURN_IF_ERROR(table.Scan(prefix + "r", [&](std::string_view, std::string_view value) {
        ARK_ASSIGN_OR_RETURN(std::vector<Batch> rows, DecodeBatches(value, context));
        for (Batch& b : rows) w.rows.push_back(std::move(b));
        return Status::OK();
      }));
      std::vector<Batch> none;
      for (const Batch& b : w.rows) ARK_RETURN_IF_ERROR(w.op->Push(0, b, &none));
      continue;
    }
    auto* agg = dynamic_cast<HashAggregateOperator*>(w.op.get());
    if (agg == nullptr) {
      return Status::Internal("{}: a window's operator is not a HashAggregate", explain_);
    }
    HashAggregateOperator::SavedState saved;
    std::vector<std::pair<int64_t, std::string_view>> groups;  // (group id, states)
    std::vector<std::string_view> keys;
    ARK_RETURN_IF_ERROR(table.Scan(prefix + "g", [&](std::string_view key, std::string_view value) {
      state::StateReader in(value, context);
      int64_t id = 0;
      ARK_RETURN_IF_ERROR(in.Pod(&id));
      groups.emplace_back(id, value.substr(sizeof(int64_t)));
      keys.push_back(key.substr(prefix.size() + 1));
      return Status::OK();
    }));
    // Group ids in their original order (the order of the window's output rows).
    std::vector<size_t> order(groups.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return groups[a].first < groups[b].first; });
    std::vector<std::string_view> sorted_keys;
    for (size_t i : order) {
      sorted_keys.push_back(keys[i]);
      saved.states.emplace_back(groups[i].second);
    }
    std::vector<DataType> types;
    for (const auto& k : agg->spec().group_keys) types.push_back(k->type);
    const size_t calls = agg->spec().aggregates.size();
    StateKeyCodec codec(types);
    ARK_ASSIGN_OR_RETURN(saved.keys, codec.Decode(sorted_keys));
    saved.distinct.resize(calls);
    saved.ordered.resize(calls);
    for (char kind : {'d', 'o'}) {
      for (size_t k = 0; k < saved.distinct.size(); ++k) {
        std::optional<std::string_view> v = table.Get(CallKey(prefix, kind, k));
        if (!v) continue;
        ARK_ASSIGN_OR_RETURN(std::vector<Batch> rows, DecodeBatches(*v, context));
        if (rows.size() != 1) {
          return Status::InvalidArgument("{}: saved rows of call {} are not one batch", context,
                                         k + 1);
        }
        (kind == 'd' ? saved.distinct : saved.ordered)[k] = rows[0].columns();
      }
    }
    ARK_RETURN_IF_ERROR(agg->LoadState(saved));
  }
  return Status::OK();
}

}  // namespace ark::sql
