#include "sql/streaming/stream_join.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "core/value.h"
#include "sql/operators/key_columns.h"
#include "sql/streaming/state_encoding.h"

namespace ark::sql {

StreamJoinOperator::StreamJoinOperator(std::shared_ptr<const JoinSpec> spec, Expiry left,
                                       Expiry right, std::string explain, const int64_t* now_us)
    : spec_(std::move(spec)), explain_(std::move(explain)), now_us_(now_us) {
  for (size_t i = 0; i < spec_->left_keys.size(); ++i) {
    key_types_.push_back(spec_->left_keys[i]->type);
    null_equality_.push_back(spec_->null_equals_null[i] ? NullEquality::kNullsEqual
                                                        : NullEquality::kNullsNeverEqual);
    sides_[0].keys.push_back(spec_->left_keys[i]->Clone());
    sides_[1].keys.push_back(spec_->right_keys[i]->Clone());
  }
  sides_[0].expiry = left;
  sides_[1].expiry = right;
  sides_[0].preserved =
      spec_->type == PhysicalJoinType::kLeft || spec_->type == PhysicalJoinType::kFull;
  sides_[1].preserved =
      spec_->type == PhysicalJoinType::kRight || spec_->type == PhysicalJoinType::kFull;
  for (Side& s : sides_) s.table.emplace(key_types_, null_equality_);
}

StreamJoinOperator::~StreamJoinOperator() = default;

Result<Batch> StreamJoinOperator::Padded(int port, const Batch& rows) const {
  std::vector<ColumnPtr> nulls;
  for (const Field& f : (port == 0 ? spec_->right_schema : spec_->left_schema)->fields()) {
    nulls.push_back(Value::Null(f.type).ToColumn(rows.num_rows()));
  }
  std::vector<ColumnPtr> cols = port == 0 ? rows.columns() : std::move(nulls);
  const std::vector<ColumnPtr>& tail = port == 0 ? nulls : rows.columns();
  cols.insert(cols.end(), tail.begin(), tail.end());
  return Batch(spec_->output_schema, std::move(cols), rows.num_rows());
}

Status StreamJoinOperator::Insert(Side& side, const Batch& batch,
                                  const std::vector<ColumnPtr>& keys, int64_t arrival_us,
                                  std::vector<int32_t> matches) {
  const int64_t n = batch.num_rows();
  std::vector<int32_t> ids(static_cast<size_t>(n));
  ARK_RETURN_IF_ERROR(side.table->FindOrInsert(keys, n, ids.data()));
  if (static_cast<int64_t>(side.rows_by_key.size()) < side.table->size()) {
    side.rows_by_key.resize(static_cast<size_t>(side.table->size()));
  }
  const uint32_t chunk = static_cast<uint32_t>(side.chunks.size());
  int64_t end = INT64_MIN;
  if (side.expiry.column >= 0) {
    const Column& w = *batch.column(side.expiry.column);
    for (int64_t r = 0; r < n; ++r) {
      if (w.IsValid(r)) end = std::max(end, w.data<int64_t>()[r] + side.expiry.end_offset_us);
    }
  }
  int64_t kept = 0;
  for (int64_t r = 0; r < n; ++r) {
    int32_t id = ids[static_cast<size_t>(r)];
    if (id == KeyTable::kNoGroup) continue;  // a NULL key matches nothing, ever
    side.rows_by_key[static_cast<size_t>(id)].push_back({chunk, static_cast<uint32_t>(r)});
    ++kept;
  }
  side.chunks.push_back(batch);
  side.chunk_end.push_back(end);
  side.chunk_arrival.push_back(arrival_us);
  side.chunk_rows.push_back(kept);
  if (side.preserved) {
    matches.resize(static_cast<size_t>(n), 0);
    side.matches.push_back(std::move(matches));
  }
  side.rows += kept;
  side.bytes += batch.ByteSize();
  return Status::OK();
}

Status StreamJoinOperator::Push(int port, const Delta& delta, std::vector<Delta>* out,
                                std::vector<LateRows>* late) {
  (void)late;
  if (IsRetraction(delta.kind)) {
    return Status::Internal("{}: got a retraction, but its inputs are append-only", explain_);
  }
  const Batch& batch = delta.batch;
  const int64_t n = batch.num_rows();
  if (n == 0) return Status::OK();
  Side& mine = sides_[port];
  Side& other = sides_[1 - port];
  ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> keys, EvaluateKeyColumns(eval_, mine.keys, batch));

  std::vector<Delta> joined_out;
  std::vector<int32_t> my_matches(mine.preserved ? static_cast<size_t>(n) : 0, 0);
  std::vector<ChunkRow> first_matched;  // kept rows of `other` that get their first match now
  // Probe the other side.
  if (other.table->size() > 0) {
    std::vector<int32_t> ids(static_cast<size_t>(n));
    ARK_RETURN_IF_ERROR(other.table->Find(keys, n, ids.data()));
    std::vector<int64_t> my_rows;
    std::vector<ChunkRow> other_rows;
    for (int64_t r = 0; r < n; ++r) {
      int32_t id = ids[static_cast<size_t>(r)];
      if (id == KeyTable::kNoGroup) continue;
      for (const ChunkRow& cr : other.rows_by_key[static_cast<size_t>(id)]) {
        if (other.chunks[cr.chunk].num_rows() == 0) continue;  // dropped
        my_rows.push_back(r);
        other_rows.push_back(cr);
      }
    }
    for (size_t from = 0; from < my_rows.size(); from += kOutputBatchRows) {
      size_t count = std::min(my_rows.size() - from, static_cast<size_t>(kOutputBatchRows));
      std::span<const int64_t> mine_idx(my_rows.data() + from, count);
      std::span<const ChunkRow> other_idx(other_rows.data() + from, count);
      ARK_ASSIGN_OR_RETURN(Batch a, GatherBatch(batch, mine_idx));
      ARK_ASSIGN_OR_RETURN(Batch b,
                           GatherUsedChunks(other.chunks, other_idx,
                                            port == 0 ? spec_->right_schema : spec_->left_schema));
      const Batch& left = port == 0 ? a : b;
      const Batch& right = port == 0 ? b : a;
      std::vector<ColumnPtr> cols = left.columns();
      cols.insert(cols.end(), right.columns().begin(), right.columns().end());
      Batch joined(spec_->output_schema, std::move(cols), static_cast<int64_t>(count));
      std::vector<int64_t> keep;
      if (spec_->residual) {
        ARK_ASSIGN_OR_RETURN(keep, eval_.SelectRows(*spec_->residual, joined));
        if (keep.empty()) continue;
        if (static_cast<int64_t>(keep.size()) != joined.num_rows()) {
          ARK_ASSIGN_OR_RETURN(joined, GatherBatch(joined, keep));
        }
      } else {
        keep.resize(count);
        for (size_t i = 0; i < count; ++i) keep[i] = static_cast<int64_t>(i);
      }
      for (int64_t k : keep) {
        size_t pair = from + static_cast<size_t>(k);
        if (mine.preserved) ++my_matches[static_cast<size_t>(my_rows[pair])];
        if (other.preserved) {
          const ChunkRow& o = other_rows[pair];
          if (other.matches[o.chunk][o.row]++ == 0) first_matched.push_back(o);
        }
      }
      joined_out.push_back({std::move(joined), RowKind::kInsert});
    }
  }
  if (!first_matched.empty()) {
    // Their NULL-padded rows were emitted: retract them before the joined rows.
    ARK_ASSIGN_OR_RETURN(Batch rows,
                         GatherUsedChunks(other.chunks, first_matched,
                                          port == 0 ? spec_->right_schema : spec_->left_schema));
    ARK_ASSIGN_OR_RETURN(Batch padded, Padded(1 - port, rows));
    out->push_back({std::move(padded), RowKind::kDelete});
  }
  for (Delta& d : joined_out) out->push_back(std::move(d));
  if (mine.preserved) {
    std::vector<int64_t> alone;
    for (int64_t r = 0; r < n; ++r) {
      if (my_matches[static_cast<size_t>(r)] == 0) alone.push_back(r);
    }
    if (!alone.empty()) {
      ARK_ASSIGN_OR_RETURN(Batch rows, GatherBatch(batch, alone));
      ARK_ASSIGN_OR_RETURN(Batch padded, Padded(port, rows));
      out->push_back({std::move(padded), RowKind::kInsert});
    }
  }
  return Insert(mine, batch, keys, now_us_ != nullptr ? *now_us_ : 0, std::move(my_matches));
}

Status StreamJoinOperator::Rebuild(Side& side) {
  std::vector<Batch> chunks = std::move(side.chunks);
  std::vector<int64_t> arrivals = std::move(side.chunk_arrival);
  std::vector<std::vector<int32_t>> matches = std::move(side.matches);
  side.matches.clear();
  side.chunks.clear();
  side.chunk_end.clear();
  side.chunk_arrival.clear();
  side.chunk_rows.clear();
  side.rows_by_key.clear();
  side.table.emplace(key_types_, null_equality_);
  side.rows = 0;
  side.bytes = 0;
  side.dead = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i].num_rows() == 0) continue;
    ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> keys,
                         EvaluateKeyColumns(eval_, side.keys, chunks[i]));
    ARK_RETURN_IF_ERROR(
        Insert(side, chunks[i], keys, arrivals[i],
               i < matches.size() ? std::move(matches[i]) : std::vector<int32_t>()));
  }
  return Status::OK();
}

void StreamJoinOperator::Drop(Side& side, size_t i) {
  side.rows -= side.chunk_rows[i];
  side.bytes -= side.chunks[i].ByteSize();
  side.dead += side.chunk_rows[i];
  side.chunks[i] = Batch();
}

Status StreamJoinOperator::CompactIfSparse(Side& side) {
  return side.dead > side.rows ? Rebuild(side) : Status::OK();
}

Status StreamJoinOperator::OnWatermark(int64_t watermark_us, std::vector<Delta>* out) {
  (void)out;
  // Rows of windows that ended by the previous watermark have met every partner: the other
  // side's rows of those windows were emitted at that watermark at the latest.
  const int64_t horizon = previous_watermark_us_;
  previous_watermark_us_ = std::max(previous_watermark_us_, watermark_us);
  for (Side& side : sides_) {
    if (side.expiry.column < 0) continue;
    for (size_t i = 0; i < side.chunks.size(); ++i) {
      if (side.chunks[i].num_rows() > 0 && side.chunk_end[i] != INT64_MIN &&
          side.chunk_end[i] <= horizon) {
        Drop(side, i);
      }
    }
    ARK_RETURN_IF_ERROR(CompactIfSparse(side));
  }
  return Status::OK();
}

Status StreamJoinOperator::ExpireState(int64_t before_us) {
  for (Side& side : sides_) {
    for (size_t i = 0; i < side.chunks.size(); ++i) {
      if (side.chunks[i].num_rows() > 0 && side.chunk_arrival[i] < before_us) Drop(side, i);
    }
    ARK_RETURN_IF_ERROR(CompactIfSparse(side));
  }
  return Status::OK();
}

Status StreamJoinOperator::SaveState(state::StateTable& table) const {
  std::string meta;
  state::PutPod(&meta, previous_watermark_us_);
  table.Put("m", meta);
  for (int port = 0; port < 2; ++port) {
    const Side& side = sides_[port];
    int64_t seq = 0;
    for (size_t i = 0; i < side.chunks.size(); ++i) {
      if (side.chunks[i].num_rows() == 0) continue;
      std::string key = "c";
      key.push_back(static_cast<char>('0' + port));
      state::PutOrderedInt64(&key, seq++);
      std::string value;
      state::PutPod(&value, side.chunk_arrival[i]);
      state::PutVector(&value, side.preserved ? side.matches[i] : std::vector<int32_t>());
      ARK_ASSIGN_OR_RETURN(std::string rows,
                           EncodeBatches(std::span<const Batch>(&side.chunks[i], 1)));
      state::PutBytes(&value, rows);
      table.Put(key, value);
    }
  }
  return Status::OK();
}

Status StreamJoinOperator::LoadState(const state::StateTable& table) {
  if (!sides_[0].chunks.empty() || !sides_[1].chunks.empty()) {
    return Status::Internal("{}: state is loaded into a fresh operator only", explain_);
  }
  const std::string context = StateContext(table);
  if (std::optional<std::string_view> meta = table.Get("m")) {
    state::StateReader in(*meta, context);
    ARK_RETURN_IF_ERROR(in.Pod(&previous_watermark_us_));
    ARK_RETURN_IF_ERROR(in.End());
  }
  for (int port = 0; port < 2; ++port) {
    Side& side = sides_[port];
    const SchemaPtr& schema = port == 0 ? spec_->left_schema : spec_->right_schema;
    std::string prefix = "c";
    prefix.push_back(static_cast<char>('0' + port));
    ARK_RETURN_IF_ERROR(table.Scan(prefix, [&](std::string_view, std::string_view value) {
      state::StateReader in(value, context);
      int64_t arrival = 0;
      std::vector<int32_t> matches;
      std::string_view bytes;
      ARK_RETURN_IF_ERROR(in.Pod(&arrival));
      ARK_RETURN_IF_ERROR(in.Vector(&matches));
      ARK_RETURN_IF_ERROR(in.Bytes(&bytes));
      ARK_RETURN_IF_ERROR(in.End());
      ARK_ASSIGN_OR_RETURN(std::vector<Batch> decoded, DecodeBatches(bytes, context));
      if (decoded.size() != 1 || decoded[0].num_columns() != schema->num_fields() ||
          (side.preserved && static_cast<int64_t>(matches.size()) != decoded[0].num_rows())) {
        return Status::InvalidArgument("{}: saved rows do not fit side {}", context, port);
      }
      Batch rows(schema, decoded[0].columns(), decoded[0].num_rows());
      ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> keys, EvaluateKeyColumns(eval_, side.keys, rows));
      return Insert(side, rows, keys, arrival, std::move(matches));
    }));
  }
  return Status::OK();
}

OperatorState StreamJoinOperator::State() const {
  OperatorState s{explain_, 0, 0};
  for (const Side& side : sides_) {
    s.keys += side.rows;
    s.bytes += static_cast<int64_t>(side.bytes + side.table->MemoryBytes());
  }
  return s;
}

}  // namespace ark::sql
