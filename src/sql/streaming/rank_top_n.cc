#include "sql/streaming/rank_top_n.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "core/column_builder.h"
#include "sql/operators/key_columns.h"
#include "sql/streaming/state_encoding.h"

namespace ark::sql {

RankTopNOperator::RankTopNOperator(std::vector<BoundExprPtr> partition_by,
                                   std::vector<SortKey> order_by, int64_t limit,
                                   SchemaPtr input_schema, SchemaPtr output_schema,
                                   std::string explain, const int64_t* now_us)
    : partition_by_(std::move(partition_by)),
      order_by_(std::move(order_by)),
      limit_(limit),
      input_schema_(std::move(input_schema)),
      output_schema_(std::move(output_schema)),
      explain_(std::move(explain)),
      now_us_(now_us) {
  std::vector<DataType> types;
  for (const auto& p : partition_by_) types.push_back(p->type);
  if (!types.empty()) table_.emplace(std::move(types));
}

namespace {

// Order of two non-null values of one type: -1, 0, 1.
int CompareNonNull(const Value& a, const Value& b) {
  switch (a.type().id()) {
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double x = a.float_value(), y = b.float_value();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case TypeId::kString:
    case TypeId::kBinary:
      return a.string_value().compare(b.string_value()) < 0   ? -1
             : a.string_value().compare(b.string_value()) > 0 ? 1
                                                              : 0;
    case TypeId::kBool:
      return static_cast<int>(a.bool_value()) - static_cast<int>(b.bool_value());
    default: {
      int64_t x = a.int_value(), y = b.int_value();
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

}  // namespace

int RankTopNOperator::Compare(const std::vector<Value>& a, const std::vector<Value>& b) const {
  for (size_t k = 0; k < order_by_.size(); ++k) {
    const SortKey& key = order_by_[k];
    bool an = a[k].is_null(), bn = b[k].is_null();
    int c;
    if (an || bn) {
      if (an && bn) continue;
      c = an ? (key.nulls_first ? -1 : 1) : (key.nulls_first ? 1 : -1);
      return c;
    }
    c = CompareNonNull(a[k], b[k]);
    if (key.descending) c = -c;
    if (c != 0) return c;
  }
  return 0;
}

Result<Batch> RankTopNOperator::Rows(
    const std::vector<std::pair<ChunkRow, int64_t>>& ranked) const {
  std::vector<ChunkRow> at;
  at.reserve(ranked.size());
  Int64Builder rn(DataType::Int64());
  for (const auto& [where, rank] : ranked) {
    at.push_back(where);
    rn.Append(rank);
  }
  ARK_ASSIGN_OR_RETURN(Batch rows, GatherUsedChunks(chunks_, at, input_schema_));
  std::vector<ColumnPtr> cols = rows.columns();
  cols.push_back(rn.Finish());
  return Batch(output_schema_, std::move(cols), static_cast<int64_t>(ranked.size()));
}

Status RankTopNOperator::Push(int port, const Delta& delta, std::vector<Delta>* out,
                              std::vector<LateRows>* late) {
  (void)port;
  (void)late;
  if (IsRetraction(delta.kind)) {
    return Status::Internal("{}: got a retraction, but its input is append-only", explain_);
  }
  const Batch& batch = delta.batch;
  const int64_t n = batch.num_rows();
  if (n == 0) return Status::OK();
  std::vector<int32_t> ids(static_cast<size_t>(n), 0);
  if (table_) {
    ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> keys,
                         EvaluateKeyColumns(eval_, partition_by_, batch));
    ARK_RETURN_IF_ERROR(table_->FindOrInsert(keys, n, ids.data()));
    top_.resize(static_cast<size_t>(table_->size()));
  } else if (top_.empty()) {
    top_.resize(1);
  }
  if (now_us_ != nullptr) {
    touched_us_.resize(top_.size(), 0);
    for (int32_t id : ids) touched_us_[static_cast<size_t>(id)] = *now_us_;
  }
  std::vector<ColumnPtr> sort_cols;
  for (const SortKey& k : order_by_) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, EvaluateKeyColumn(eval_, *k.expr, batch));
    sort_cols.push_back(std::move(c));
  }
  // The rows that enter a top-N are gathered into one new chunk; entries pointing at this
  // batch's rows are renumbered to it at the end.
  const uint32_t chunk = static_cast<uint32_t>(chunks_.size());
  absl::flat_hash_map<int32_t, std::vector<Entry>> before;  // the touched keys' old lists
  std::vector<int32_t> touched;                             // in order of first change
  std::vector<int64_t> entered;
  for (int64_t r = 0; r < n; ++r) {
    std::vector<Value> sort;
    sort.reserve(sort_cols.size());
    for (const ColumnPtr& c : sort_cols) sort.push_back(Value::FromColumn(*c, r));
    std::vector<Entry>& list = top_[static_cast<size_t>(ids[static_cast<size_t>(r)])];
    size_t pos = list.size();
    while (pos > 0 && Compare(sort, list[pos - 1].sort) < 0) --pos;  // ties: after earlier rows
    if (static_cast<int64_t>(pos) >= limit_) continue;
    if (before.try_emplace(ids[static_cast<size_t>(r)], list).second) {
      touched.push_back(ids[static_cast<size_t>(r)]);
    }
    list.insert(list.begin() + static_cast<long>(pos),
                Entry{std::move(sort), ChunkRow{chunk, static_cast<uint32_t>(r)}});
    entered.push_back(r);
    if (static_cast<int64_t>(list.size()) > limit_) list.pop_back();
  }
  if (entered.empty()) return Status::OK();
  // Keep the entering rows (batch row r → position in the new chunk).
  ARK_ASSIGN_OR_RETURN(Batch kept, GatherBatch(batch, entered, input_schema_));
  absl::flat_hash_map<uint32_t, uint32_t> renumber;
  for (size_t i = 0; i < entered.size(); ++i) {
    renumber[static_cast<uint32_t>(entered[i])] = static_cast<uint32_t>(i);
  }
  chunks_.push_back(std::move(kept));
  chunk_live_.push_back(0);
  std::vector<std::pair<ChunkRow, int64_t>> deleted, inserted;
  auto same = [](const Entry& x, const Entry& y) {
    return x.at.chunk == y.at.chunk && x.at.row == y.at.row;
  };
  for (int32_t id : touched) {
    const std::vector<Entry>& old = before.at(id);
    std::vector<Entry>& now = top_[static_cast<size_t>(id)];
    for (size_t i = 0; i < old.size(); ++i) {
      if (i >= now.size() || !same(old[i], now[i])) {
        deleted.push_back({old[i].at, static_cast<int64_t>(i) + 1});
      }
    }
    for (Entry& e : now) {
      if (e.at.chunk == chunk) e.at.row = renumber.at(e.at.row);
    }
    for (size_t i = 0; i < now.size(); ++i) {
      bool was = i < old.size() && old[i].at.chunk != chunk && same(old[i], now[i]);
      if (!was) inserted.push_back({now[i].at, static_cast<int64_t>(i) + 1});
    }
  }
  if (!deleted.empty()) {
    ARK_ASSIGN_OR_RETURN(Batch b, Rows(deleted));
    out->push_back({std::move(b), RowKind::kDelete});
  }
  if (!inserted.empty()) {
    ARK_ASSIGN_OR_RETURN(Batch b, Rows(inserted));
    out->push_back({std::move(b), RowKind::kInsert});
  }
  // Chunk reference counts, after the rows were read: a chunk no entry points at is freed.
  for (int32_t id : touched) {
    const std::vector<Entry>& old = before.at(id);
    const std::vector<Entry>& now = top_[static_cast<size_t>(id)];
    for (const Entry& e : now) ++chunk_live_[e.at.chunk];
    for (const Entry& e : old) {
      if (--chunk_live_[e.at.chunk] == 0) chunks_[e.at.chunk] = Batch();
    }
    kept_ += static_cast<int64_t>(now.size()) - static_cast<int64_t>(old.size());
  }
  if (chunk_live_[chunk] == 0) chunks_[chunk] = Batch();
  return Status::OK();
}

Result<Batch> RankTopNOperator::KeptRows(const std::vector<ChunkRow>& at) const {
  return GatherUsedChunks(chunks_, at, input_schema_);
}

Result<std::vector<std::vector<Value>>> RankTopNOperator::SortValues(const Batch& rows) {
  std::vector<ColumnPtr> sort_cols;
  for (const SortKey& k : order_by_) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, EvaluateKeyColumn(eval_, *k.expr, rows));
    sort_cols.push_back(std::move(c));
  }
  std::vector<std::vector<Value>> values(static_cast<size_t>(rows.num_rows()));
  for (int64_t r = 0; r < rows.num_rows(); ++r) {
    for (const ColumnPtr& c : sort_cols) {
      values[static_cast<size_t>(r)].push_back(Value::FromColumn(*c, r));
    }
  }
  return values;
}

Status RankTopNOperator::ExpireState(int64_t before_us) {
  if (touched_us_.empty()) return Status::OK();
  std::vector<int64_t> keep;
  int64_t expired = 0;
  for (size_t id = 0; id < top_.size(); ++id) {
    if (top_[id].empty()) continue;
    const int64_t touched = id < touched_us_.size() ? touched_us_[id] : 0;
    if (touched >= before_us) {
      keep.push_back(static_cast<int64_t>(id));
      continue;
    }
    for (const Entry& e : top_[id]) {
      if (--chunk_live_[e.at.chunk] == 0) chunks_[e.at.chunk] = Batch();
    }
    kept_ -= static_cast<int64_t>(top_[id].size());
    top_[id].clear();
    ++expired;
  }
  if (!table_ || (expired == 0 && static_cast<int64_t>(keep.size()) * 2 > table_->size())) {
    return Status::OK();
  }
  // Compact: a new key table with the kept keys only, in their old order.
  ARK_ASSIGN_OR_RETURN(KeyTable table, table_->Subset(keep));
  const int64_t n = static_cast<int64_t>(keep.size());
  std::vector<std::vector<Entry>> top(static_cast<size_t>(n));
  std::vector<int64_t> touched(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const size_t old = static_cast<size_t>(keep[static_cast<size_t>(i)]);
    top[static_cast<size_t>(i)] = std::move(top_[old]);
    touched[static_cast<size_t>(i)] = touched_us_[old];
  }
  table_.emplace(std::move(table));
  top_ = std::move(top);
  touched_us_ = std::move(touched);
  return Status::OK();
}

Status RankTopNOperator::SaveState(state::StateTable& table) const {
  std::vector<int64_t> ids;
  std::vector<ChunkRow> at;
  for (size_t id = 0; id < top_.size(); ++id) {
    if (top_[id].empty()) continue;
    ids.push_back(static_cast<int64_t>(id));
    for (const Entry& e : top_[id]) at.push_back(e.at);
  }
  if (ids.empty()) return Status::OK();
  ARK_ASSIGN_OR_RETURN(Batch rows, KeptRows(at));
  ARK_ASSIGN_OR_RETURN(std::string bytes, EncodeBatches(std::span<const Batch>(&rows, 1)));
  table.Put("rows", bytes);
  std::vector<std::string> keys(ids.size(), "k");
  if (table_) {
    std::vector<ColumnPtr> cols;
    for (const ColumnPtr& all : table_->KeyColumns(0, table_->size())) {
      ARK_ASSIGN_OR_RETURN(ColumnPtr c, GatherColumn(*all, ids));
      cols.push_back(std::move(c));
    }
    StateKeyCodec codec(table_->key_types());
    ARK_RETURN_IF_ERROR(codec.Encode(cols, static_cast<int64_t>(ids.size()), &keys));
  }
  int64_t start = 0;
  std::string value;
  for (size_t i = 0; i < ids.size(); ++i) {
    const size_t id = static_cast<size_t>(ids[i]);
    const int64_t count = static_cast<int64_t>(top_[id].size());
    value.clear();
    state::PutPod(&value, id < touched_us_.size() ? touched_us_[id] : int64_t{0});
    state::PutPod(&value, start);
    state::PutPod(&value, count);
    table.Put(keys[i], value);
    start += count;
  }
  return Status::OK();
}

Status RankTopNOperator::LoadState(const state::StateTable& table) {
  if (!top_.empty()) {
    return Status::Internal("{}: state is loaded into a fresh operator only", explain_);
  }
  const std::string context = StateContext(table);
  std::optional<std::string_view> bytes = table.Get("rows");
  if (!bytes) return Status::OK();
  ARK_ASSIGN_OR_RETURN(std::vector<Batch> decoded, DecodeBatches(*bytes, context));
  if (decoded.size() != 1 || decoded[0].num_columns() != input_schema_->num_fields()) {
    return Status::InvalidArgument("{}: the saved rows do not fit the input", context);
  }
  Batch rows(input_schema_, decoded[0].columns(), decoded[0].num_rows());
  const int64_t n = rows.num_rows();
  std::vector<int32_t> ids(static_cast<size_t>(n), 0);
  if (table_) {
    ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> keys,
                         EvaluateKeyColumns(eval_, partition_by_, rows));
    ARK_RETURN_IF_ERROR(table_->FindOrInsert(keys, n, ids.data()));
  }
  top_.resize(table_ ? static_cast<size_t>(table_->size()) : 1);
  touched_us_.assign(top_.size(), 0);
  ARK_ASSIGN_OR_RETURN(std::vector<std::vector<Value>> sort, SortValues(rows));
  for (int64_t r = 0; r < n; ++r) {
    top_[static_cast<size_t>(ids[static_cast<size_t>(r)])].push_back(
        Entry{std::move(sort[static_cast<size_t>(r)]), ChunkRow{0, static_cast<uint32_t>(r)}});
  }
  // The per-key entries: each key's rows are where it says, and its TTL time.
  int64_t entries = 0;
  ARK_RETURN_IF_ERROR(table.Scan("k", [&](std::string_view, std::string_view value) {
    state::StateReader in(value, context);
    int64_t touched = 0, start = 0, count = 0;
    ARK_RETURN_IF_ERROR(in.Pod(&touched));
    ARK_RETURN_IF_ERROR(in.Pod(&start));
    ARK_RETURN_IF_ERROR(in.Pod(&count));
    ARK_RETURN_IF_ERROR(in.End());
    if (start < 0 || count <= 0 || count > limit_ || start + count > n) {
      return Status::InvalidArgument("{}: a saved key's rows [{}, +{}) are outside the {} rows",
                                     context, start, count, n);
    }
    const size_t id = static_cast<size_t>(ids[static_cast<size_t>(start)]);
    if (static_cast<int64_t>(top_[id].size()) != count) {
      return Status::InvalidArgument("{}: a saved key has {} rows, its entry says {}", context,
                                     top_[id].size(), count);
    }
    touched_us_[id] = touched;
    entries += count;
    return Status::OK();
  }));
  if (entries != n) {
    return Status::InvalidArgument("{}: {} saved rows, but the keys account for {}", context, n,
                                   entries);
  }
  chunks_.push_back(std::move(rows));
  chunk_live_.push_back(n);
  kept_ = n;
  return Status::OK();
}

OperatorState RankTopNOperator::State() const {
  OperatorState s{explain_, kept_, 0};
  for (const Batch& c : chunks_) s.bytes += static_cast<int64_t>(c.ByteSize());
  if (table_) s.bytes += static_cast<int64_t>(table_->MemoryBytes());
  return s;
}

}  // namespace ark::sql
