#include "sql/streaming/stream_distinct.h"

#include <utility>

#include "sql/operators/distinct.h"
#include "sql/operators/join_util.h"
#include "sql/streaming/state_encoding.h"

namespace ark::sql {
namespace {

std::vector<DataType> ColumnTypes(const Schema& schema) {
  std::vector<DataType> types;
  for (int i = 0; i < schema.num_fields(); ++i) types.push_back(schema.field(i).type);
  return types;
}

}  // namespace

StreamDistinctOperator::StreamDistinctOperator(SchemaPtr schema, std::string explain,
                                               const int64_t* now_us)
    : schema_(std::move(schema)),
      explain_(std::move(explain)),
      now_us_(now_us),
      table_(ColumnTypes(*schema_)) {}

Status StreamDistinctOperator::Push(int port, const Delta& delta, std::vector<Delta>* out,
                                    std::vector<LateRows>* late) {
  (void)port;
  (void)late;
  if (IsRetraction(delta.kind)) {
    return Status::Internal("{}: got a retraction, but its input is append-only", explain_);
  }
  const Batch& batch = delta.batch;
  const int64_t n = batch.num_rows();
  if (n == 0) return Status::OK();
  const int64_t before = table_.size();
  ids_.resize(static_cast<size_t>(n));
  ARK_RETURN_IF_ERROR(table_.FindOrInsert(batch.columns(), n, ids_.data()));
  if (now_us_ != nullptr) {
    seen_us_.resize(static_cast<size_t>(table_.size()), 0);
    for (int64_t r = 0; r < n; ++r)
      seen_us_[static_cast<size_t>(ids_[static_cast<size_t>(r)])] = *now_us_;
  }
  if (table_.size() == before) return Status::OK();
  std::vector<int64_t> rows;
  AppendFirstOccurrences(ids_.data(), n, before, &rows);
  std::vector<Batch> batches;
  ARK_RETURN_IF_ERROR(EmitSelectedRows(batch, rows, schema_, &batches));
  for (Batch& b : batches) out->push_back({std::move(b), RowKind::kInsert});
  return Status::OK();
}

Status StreamDistinctOperator::ExpireState(int64_t before_us) {
  if (seen_us_.empty()) return Status::OK();
  std::vector<int64_t> keep;
  for (int64_t id = 0; id < table_.size(); ++id) {
    const size_t i = static_cast<size_t>(id);
    if (i < seen_us_.size() && seen_us_[i] >= before_us) keep.push_back(id);
  }
  if (static_cast<int64_t>(keep.size()) == table_.size()) return Status::OK();
  ARK_ASSIGN_OR_RETURN(KeyTable table, table_.Subset(keep));
  const int64_t n = static_cast<int64_t>(keep.size());
  std::vector<int64_t> seen(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    seen[static_cast<size_t>(i)] = seen_us_[static_cast<size_t>(keep[static_cast<size_t>(i)])];
  }
  table_ = std::move(table);
  seen_us_ = std::move(seen);
  return Status::OK();
}

OperatorState StreamDistinctOperator::State() const {
  return {explain_, table_.size(),
          static_cast<int64_t>(table_.MemoryBytes() + seen_us_.capacity() * sizeof(int64_t))};
}

Status StreamDistinctOperator::SaveState(state::StateTable& table) const {
  const int64_t n = table_.size();
  if (n == 0) return Status::OK();
  std::vector<std::string> keys(static_cast<size_t>(n), "r");
  StateKeyCodec codec(table_.key_types());
  ARK_RETURN_IF_ERROR(codec.Encode(table_.KeyColumns(0, n), n, &keys));
  std::string value;
  for (int64_t id = 0; id < n; ++id) {
    const size_t i = static_cast<size_t>(id);
    value.clear();
    state::PutPod(&value, i < seen_us_.size() ? seen_us_[i] : int64_t{0});
    table.Put(keys[i], value);
  }
  return Status::OK();
}

Status StreamDistinctOperator::LoadState(const state::StateTable& table) {
  if (table_.size() > 0) {
    return Status::Internal("{}: state is loaded into a fresh operator only", explain_);
  }
  const std::string context = StateContext(table);
  std::vector<std::string_view> keys;
  std::vector<int64_t> seen;
  ARK_RETURN_IF_ERROR(table.Scan("r", [&](std::string_view key, std::string_view value) {
    keys.push_back(key.substr(1));
    state::StateReader in(value, context);
    int64_t t = 0;
    ARK_RETURN_IF_ERROR(in.Pod(&t));
    seen.push_back(t);
    return in.End();
  }));
  if (keys.empty()) return Status::OK();
  StateKeyCodec codec(table_.key_types());
  ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> cols, codec.Decode(keys));
  const int64_t n = static_cast<int64_t>(keys.size());
  ids_.resize(static_cast<size_t>(n));
  ARK_RETURN_IF_ERROR(table_.FindOrInsert(cols, n, ids_.data()));
  if (table_.size() != n) return Status::InvalidArgument("{}: saved rows repeat", context);
  seen_us_.assign(static_cast<size_t>(n), 0);
  for (int64_t i = 0; i < n; ++i) {
    seen_us_[static_cast<size_t>(ids_[static_cast<size_t>(i)])] = seen[static_cast<size_t>(i)];
  }
  return Status::OK();
}

}  // namespace ark::sql
