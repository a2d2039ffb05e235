#include "sql/operators/hash_aggregate.h"

#include <cstring>

#include "sql/operators/distinct.h"
#include "sql/operators/gather.h"
#include "sql/operators/key_columns.h"
#include "sql/operators/window.h"
#include "state/state_codec.h"

namespace ark::sql {
namespace {

ColumnPtr Int32Column(const int32_t* values, int64_t n) {
  auto buf = Buffer::Allocate(static_cast<size_t>(n) * sizeof(int32_t));
  if (n > 0) std::memcpy(buf->mutable_data(), values, static_cast<size_t>(n) * sizeof(int32_t));
  return Column::Make(DataType::Int32(), n, {nullptr, std::move(buf)}, {}, 0);
}

bool AllPlainColumns(const std::vector<BoundExprPtr>& exprs) {
  for (const auto& e : exprs) {
    if (e->kind != BoundExprKind::kColumn) return false;
  }
  return true;
}

}  // namespace

HashAggregateOperator::HashAggregateOperator(AggregateSpec spec, const KernelContext* ctx)
    : Operator(spec.output_schema), spec_(std::move(spec)), ctx_(ctx) {
  size_t offset = 0;
  for (const AggregateCall& call : spec_.aggregates) {
    offsets_.push_back(offset);
    offset += (call.function->state_size() + 7) & ~size_t{7};
  }
  row_size_ = std::max<size_t>(offset, 8);
  if (grouped()) {
    std::vector<DataType> types;
    for (const auto& k : spec_.group_keys) types.push_back(k->type);
    table_.emplace(std::move(types));
  }
  distinct_.resize(spec_.aggregates.size());
  ordered_.resize(spec_.aggregates.size());
  for (size_t k = 0; k < spec_.aggregates.size(); ++k) {
    const AggregateCall& call = spec_.aggregates[k];
    if (!call.distinct) continue;
    std::vector<DataType> types;
    if (grouped()) types.push_back(DataType::Int32());
    for (const auto& a : call.args) types.push_back(a->type);
    distinct_[k].emplace(std::move(types));
  }
  if (!grouped()) EnsureGroups(1);
}

HashAggregateOperator::~HashAggregateOperator() { DestroyStates(); }

void HashAggregateOperator::EnsureGroups(int64_t n) {
  while (static_cast<int64_t>(blocks_.size()) * kGroupsPerBlock < n) {
    blocks_.push_back(
        std::make_unique<uint8_t[]>(static_cast<size_t>(kGroupsPerBlock) * row_size_));
  }
  for (int64_t g = initialized_groups_; g < n; ++g) {
    uint8_t* row = GroupRow(g);
    for (size_t k = 0; k < spec_.aggregates.size(); ++k) {
      spec_.aggregates[k].function->Init(row + offsets_[k]);
    }
  }
  initialized_groups_ = std::max(initialized_groups_, n);
}

void HashAggregateOperator::DestroyStates() {
  for (int64_t g = 0; g < initialized_groups_; ++g) {
    uint8_t* row = GroupRow(g);
    for (size_t k = 0; k < spec_.aggregates.size(); ++k) {
      spec_.aggregates[k].function->Destroy(row + offsets_[k]);
    }
  }
  initialized_groups_ = 0;
}

Status HashAggregateOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  (void)out;
  if (port != 0) {
    return Status::Internal("HashAggregate has one input, got a batch on port {}", port);
  }
  const int64_t rows = batch.num_rows();
  if (rows == 0) return Status::OK();
  if (ctx_ != nullptr) eval_.context() = *ctx_;
  if (grouped()) {
    ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> keys,
                         EvaluateKeyColumns(eval_, spec_.group_keys, batch));
    ids_.resize(static_cast<size_t>(rows));
    ARK_RETURN_IF_ERROR(table_->FindOrInsert(keys, rows, ids_.data()));
    EnsureGroups(table_->size());
    rows_.resize(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) rows_[r] = GroupRow(ids_[r]);
  } else {
    ids_.assign(static_cast<size_t>(rows), 0);
  }
  for (size_t k = 0; k < spec_.aggregates.size(); ++k) {
    ARK_RETURN_IF_ERROR(UpdateCall(k, batch, ids_));
  }
  return Status::OK();
}

Status HashAggregateOperator::UpdateCall(size_t k, const Batch& batch,
                                         const std::vector<int32_t>& group_ids) {
  const AggregateCall& call = spec_.aggregates[k];
  int64_t n = batch.num_rows();

  // FILTER: only the rows where it holds; the arguments are evaluated on those rows only.
  std::vector<int64_t> selected;
  bool filtered = false;
  if (call.filter != nullptr) {
    ARK_ASSIGN_OR_RETURN(selected, eval_.SelectRows(*call.filter, batch));
    if (selected.empty()) return Status::OK();
    filtered = static_cast<int64_t>(selected.size()) != n;
  }
  std::vector<ColumnPtr> args;
  std::vector<ColumnPtr> order_keys;
  std::vector<int32_t> sub_ids;
  const int32_t* gids = group_ids.data();
  if (!filtered) {
    ARK_ASSIGN_OR_RETURN(args, EvaluateKeyColumns(eval_, call.args, batch));
    for (const SortKey& key : call.order_by) {
      ARK_ASSIGN_OR_RETURN(ColumnPtr c, EvaluateKeyColumn(eval_, *key.expr, batch));
      order_keys.push_back(std::move(c));
    }
  } else {
    n = static_cast<int64_t>(selected.size());
    bool plain = AllPlainColumns(call.args);
    for (const SortKey& key : call.order_by) plain &= key.expr->kind == BoundExprKind::kColumn;
    if (plain) {
      // Column references cannot fail: take just the columns, not the whole batch.
      ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> all, EvaluateKeyColumns(eval_, call.args, batch));
      for (const ColumnPtr& c : all) {
        ARK_ASSIGN_OR_RETURN(ColumnPtr g, GatherColumn(*c, selected));
        args.push_back(std::move(g));
      }
      for (const SortKey& key : call.order_by) {
        ARK_ASSIGN_OR_RETURN(ColumnPtr c, EvaluateKeyColumn(eval_, *key.expr, batch));
        ARK_ASSIGN_OR_RETURN(ColumnPtr g, GatherColumn(*c, selected));
        order_keys.push_back(std::move(g));
      }
    } else {
      ARK_ASSIGN_OR_RETURN(Batch sub, GatherBatch(batch, selected));
      ARK_ASSIGN_OR_RETURN(args, EvaluateKeyColumns(eval_, call.args, sub));
      for (const SortKey& key : call.order_by) {
        ARK_ASSIGN_OR_RETURN(ColumnPtr c, EvaluateKeyColumn(eval_, *key.expr, sub));
        order_keys.push_back(std::move(c));
      }
    }
    sub_ids.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) sub_ids[i] = group_ids[selected[i]];
    gids = sub_ids.data();
  }

  // DISTINCT: the first row of each (group, arguments) pair, in this batch and all before.
  if (call.distinct) {
    KeyTable& seen = *distinct_[k];
    std::vector<ColumnPtr> keys;
    if (grouped()) keys.push_back(Int32Column(gids, n));
    keys.insert(keys.end(), args.begin(), args.end());
    const int64_t old_size = seen.size();
    std::vector<int32_t> pair_ids(static_cast<size_t>(n));
    ARK_RETURN_IF_ERROR(seen.FindOrInsert(keys, n, pair_ids.data()));
    std::vector<int64_t> keep;
    AppendFirstOccurrences(pair_ids.data(), n, old_size, &keep);
    if (keep.empty()) return Status::OK();
    if (static_cast<int64_t>(keep.size()) != n) {
      for (ColumnPtr& c : args) {
        ARK_ASSIGN_OR_RETURN(c, GatherColumn(*c, keep));
      }
      for (ColumnPtr& c : order_keys) {
        ARK_ASSIGN_OR_RETURN(c, GatherColumn(*c, keep));
      }
      std::vector<int32_t> kept(keep.size());
      for (size_t i = 0; i < keep.size(); ++i) kept[i] = gids[keep[i]];
      sub_ids = std::move(kept);
      gids = sub_ids.data();
      n = static_cast<int64_t>(keep.size());
    }
  }

  // ORDER BY inside the call: buffered, fed in order at Finish.
  if (!call.order_by.empty()) {
    OrderedRows& o = ordered_[k];
    o.groups.emplace_back(gids, gids + n);
    for (const auto& c : args) o.bytes += c->ByteSize();
    for (const auto& c : order_keys) o.bytes += c->ByteSize();
    o.bytes += static_cast<size_t>(n) * sizeof(int32_t);
    o.args.push_back(std::move(args));
    o.keys.push_back(std::move(order_keys));
    return Status::OK();
  }

  if (!grouped()) return call.function->UpdateSingle(GroupRow(0) + offsets_[k], args, n);
  const size_t offset = offsets_[k];
  if (gids == group_ids.data()) {
    // Every row of the batch: the group rows are already known.
    if (offset == 0) return call.function->Update(rows_.data(), args, n);
    states_.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) states_[i] = rows_[i] + offset;
  } else {
    states_.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) states_[i] = GroupRow(gids[i]) + offset;
  }
  return call.function->Update(states_.data(), args, n);
}

Status HashAggregateOperator::FlushOrdered(size_t k) {
  const AggregateCall& call = spec_.aggregates[k];
  OrderedRows& o = ordered_[k];
  if (o.groups.empty()) return Status::OK();
  std::vector<int32_t> gids;
  for (const auto& g : o.groups) gids.insert(gids.end(), g.begin(), g.end());
  const int64_t n = static_cast<int64_t>(gids.size());
  auto concat = [](const std::vector<std::vector<ColumnPtr>>& chunks, size_t i) {
    std::vector<ColumnPtr> parts;
    for (const auto& chunk : chunks) parts.push_back(chunk[i]);
    return ConcatColumns(parts);
  };
  std::vector<ColumnPtr> keys;
  for (size_t i = 0; i < call.order_by.size(); ++i) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, concat(o.keys, i));
    keys.push_back(std::move(c));
  }
  const std::vector<int64_t> order = SortedRowOrder(keys, call.order_by, n);
  std::vector<ColumnPtr> args;
  for (size_t i = 0; i < call.args.size(); ++i) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, concat(o.args, i));
    ARK_ASSIGN_OR_RETURN(ColumnPtr sorted, GatherColumn(*c, order));
    args.push_back(std::move(sorted));
  }
  o = OrderedRows();
  if (!grouped()) return call.function->UpdateSingle(GroupRow(0) + offsets_[k], args, n);
  states_.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) states_[i] = GroupRow(gids[order[i]]) + offsets_[k];
  return call.function->Update(states_.data(), args, n);
}

Status HashAggregateOperator::Finish(int port, std::vector<Batch>* out) {
  if (port != 0) {
    return Status::Internal("HashAggregate has one input, got Finish on port {}", port);
  }
  for (size_t k = 0; k < spec_.aggregates.size(); ++k) ARK_RETURN_IF_ERROR(FlushOrdered(k));
  const int64_t groups = grouped() ? table_->size() : 1;
  std::vector<const uint8_t*> ptrs;
  for (int64_t start = 0; start < groups; start += kOutputBatchRows) {
    const int64_t count = std::min<int64_t>(kOutputBatchRows, groups - start);
    std::vector<ColumnPtr> columns;
    if (grouped()) columns = table_->KeyColumns(start, count);
    for (size_t k = 0; k < spec_.aggregates.size(); ++k) {
      const AggregateFunction& f = *spec_.aggregates[k].function;
      ptrs.resize(static_cast<size_t>(count));
      for (int64_t g = 0; g < count; ++g) ptrs[g] = GroupRow(start + g) + offsets_[k];
      std::unique_ptr<ColumnBuilder> builder = MakeBuilder(f.return_type());
      ARK_RETURN_IF_ERROR(f.Finalize(ptrs.data(), count, *builder));
      columns.push_back(builder->Finish());
    }
    ARK_ASSIGN_OR_RETURN(Batch b, Batch::Make(output_schema_, std::move(columns)));
    out->push_back(std::move(b));
  }
  Reset();
  return Status::OK();
}

void HashAggregateOperator::Reset() {
  DestroyStates();
  blocks_.clear();
  if (table_) table_->Clear();
  for (auto& d : distinct_) {
    if (d) d->Clear();
  }
  for (auto& o : ordered_) o = OrderedRows();
  ids_.clear();
  rows_.clear();
  states_.clear();
  if (!grouped()) EnsureGroups(1);
}

Result<HashAggregateOperator::SavedState> HashAggregateOperator::SaveState() const {
  SavedState saved;
  const int64_t groups = grouped() ? table_->size() : 1;
  if (grouped()) saved.keys = table_->KeyColumns(0, groups);
  saved.states.resize(static_cast<size_t>(groups));
  std::string bytes;
  for (int64_t g = 0; g < groups; ++g) {
    std::string& value = saved.states[static_cast<size_t>(g)];
    for (size_t k = 0; k < spec_.aggregates.size(); ++k) {
      bytes.clear();
      spec_.aggregates[k].function->Serialize(GroupRow(g) + offsets_[k], &bytes);
      state::PutBytes(&value, bytes);
    }
  }
  saved.distinct.resize(spec_.aggregates.size());
  saved.ordered.resize(spec_.aggregates.size());
  for (size_t k = 0; k < spec_.aggregates.size(); ++k) {
    if (distinct_[k] && distinct_[k]->size() > 0) {
      saved.distinct[k] = distinct_[k]->KeyColumns(0, distinct_[k]->size());
    }
    const OrderedRows& o = ordered_[k];
    if (o.groups.empty()) continue;
    std::vector<int32_t> gids;
    for (const auto& g : o.groups) gids.insert(gids.end(), g.begin(), g.end());
    saved.ordered[k].push_back(Int32Column(gids.data(), static_cast<int64_t>(gids.size())));
    for (const auto* chunks : {&o.args, &o.keys}) {
      const size_t width = chunks->front().size();
      for (size_t i = 0; i < width; ++i) {
        std::vector<ColumnPtr> parts;
        for (const auto& chunk : *chunks) parts.push_back(chunk[i]);
        ARK_ASSIGN_OR_RETURN(ColumnPtr c, ConcatColumns(parts));
        saved.ordered[k].push_back(std::move(c));
      }
    }
  }
  return saved;
}

Status HashAggregateOperator::LoadState(const SavedState& saved) {
  const int64_t groups = static_cast<int64_t>(saved.states.size());
  const size_t calls = spec_.aggregates.size();
  if (saved.distinct.size() != calls || saved.ordered.size() != calls ||
      (grouped() && saved.keys.size() != spec_.group_keys.size()) || (!grouped() && groups != 1)) {
    return Status::InvalidArgument("{}: the saved state does not fit the operator", Explain());
  }
  if (grouped() && groups > 0) {
    ids_.resize(static_cast<size_t>(groups));
    ARK_RETURN_IF_ERROR(table_->FindOrInsert(saved.keys, groups, ids_.data()));
    if (table_->size() != groups) {
      return Status::InvalidArgument("{}: saved group keys repeat", Explain());
    }
    EnsureGroups(groups);
  }
  const std::string context = Explain();
  for (int64_t g = 0; g < groups; ++g) {
    state::StateReader in(saved.states[static_cast<size_t>(g)], context);
    for (size_t k = 0; k < calls; ++k) {
      std::string_view bytes;
      ARK_RETURN_IF_ERROR(in.Bytes(&bytes));
      uint8_t* s = GroupRow(g) + offsets_[k];
      spec_.aggregates[k].function->Destroy(s);
      spec_.aggregates[k].function->Init(s);
      ARK_RETURN_IF_ERROR(spec_.aggregates[k].function->Deserialize(bytes, s));
    }
    ARK_RETURN_IF_ERROR(in.End());
  }
  for (size_t k = 0; k < calls; ++k) {
    const std::vector<ColumnPtr>& d = saved.distinct[k];
    if (!d.empty()) {
      if (!distinct_[k] || d.size() != distinct_[k]->key_types().size()) {
        return Status::InvalidArgument("{}: the saved DISTINCT rows do not fit call {}", context,
                                       k + 1);
      }
      std::vector<int32_t> ids(static_cast<size_t>(d[0]->length()));
      ARK_RETURN_IF_ERROR(distinct_[k]->FindOrInsert(d, d[0]->length(), ids.data()));
    }
    const std::vector<ColumnPtr>& o = saved.ordered[k];
    if (o.empty()) continue;
    const AggregateCall& call = spec_.aggregates[k];
    if (o.size() != 1 + call.args.size() + call.order_by.size()) {
      return Status::InvalidArgument("{}: the saved ORDER BY rows do not fit call {}", context,
                                     k + 1);
    }
    OrderedRows& rows = ordered_[k];
    const int32_t* gids = o[0]->data<int32_t>();
    rows.groups.emplace_back(gids, gids + o[0]->length());
    rows.args.emplace_back(o.begin() + 1, o.begin() + 1 + static_cast<long>(call.args.size()));
    rows.keys.emplace_back(o.begin() + 1 + static_cast<long>(call.args.size()), o.end());
    for (const ColumnPtr& c : o) rows.bytes += c->ByteSize();
  }
  return Status::OK();
}

std::string HashAggregateOperator::Explain() const {
  std::string s = "HashAggregate";
  if (grouped()) {
    s += " keys=[";
    for (size_t i = 0; i < spec_.group_keys.size(); ++i) {
      if (i) s += ", ";
      s += output_schema_->field(static_cast<int>(i)).name;
    }
    s += "]";
  }
  s += " aggs=[";
  for (size_t k = 0; k < spec_.aggregates.size(); ++k) {
    if (k) s += ", ";
    s += spec_.aggregates[k].display;
  }
  return s + "]";
}

size_t HashAggregateOperator::StateBytes() const {
  size_t bytes = blocks_.size() * static_cast<size_t>(kGroupsPerBlock) * row_size_;
  if (table_) bytes += table_->MemoryBytes();
  for (const auto& d : distinct_) {
    if (d) bytes += d->MemoryBytes();
  }
  for (const auto& o : ordered_) bytes += o.bytes;
  return bytes;
}

}  // namespace ark::sql
