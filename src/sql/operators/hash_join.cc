#include "sql/operators/hash_join.h"

#include <algorithm>
#include <limits>

#include "sql/operators/gather.h"
#include "sql/operators/join_util.h"
#include "sql/operators/key_columns.h"

namespace ark::sql {
namespace {

std::vector<DataType> KeyTypes(const std::vector<BoundExprPtr>& keys) {
  std::vector<DataType> out;
  for (const auto& k : keys) out.push_back(k->type);
  return out;
}

std::vector<NullEquality> NullEqualities(const JoinSpec& spec) {
  std::vector<NullEquality> out;
  for (size_t k = 0; k < spec.right_keys.size(); ++k) {
    bool equal = k < spec.null_equals_null.size() && spec.null_equals_null[k];
    out.push_back(equal ? NullEquality::kNullsEqual : NullEquality::kNullsNeverEqual);
  }
  return out;
}

bool IsDirectIndexType(TypeId id) {
  return id == TypeId::kInt32 || id == TypeId::kInt64 || id == TypeId::kDate ||
         id == TypeId::kTimestamp;
}

// Calls f(row, value as int64) for every non-NULL value of an integer-like column.
template <typename F>
void ForEachIntegerValue(const Column& c, F f) {
  const int64_t n = c.length();
  const bool nulls = c.null_count() > 0;
  if (c.type().byte_width() == 4) {
    const int32_t* v = c.data<int32_t>();
    for (int64_t i = 0; i < n; ++i) {
      if (!nulls || c.IsValid(i)) f(i, static_cast<int64_t>(v[i]));
    }
  } else {
    const int64_t* v = c.data<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      if (!nulls || c.IsValid(i)) f(i, v[i]);
    }
  }
}

}  // namespace

HashJoinOperator::HashJoinOperator(JoinSpec spec, const KernelContext* ctx)
    : Operator(spec.output_schema),
      spec_(std::move(spec)),
      ctx_(ctx),
      table_(KeyTypes(spec_.right_keys), NullEqualities(spec_)) {
  spec_status_ = CheckSpec();
  if (spec_status_.ok()) {
    pair_schema_ = PairSchema(*spec_.left_schema, *spec_.right_schema);
    ComputeKeyAliases();
  }
}

void HashJoinOperator::ComputeKeyAliases() {
  key_aliases_.clear();
  // Every emitted pair of an INNER or RIGHT join matched (RIGHT's unmatched build rows are emitted
  // apart), so a build key column equals its probe key column row by row.
  if (spec_.type != PhysicalJoinType::kInner && spec_.type != PhysicalJoinType::kRight) return;
  std::vector<int> aliases(static_cast<size_t>(spec_.right_schema->num_fields()), -1);
  bool any = false;
  for (size_t k = 0; k < spec_.left_keys.size(); ++k) {
    const BoundExpr& l = *spec_.left_keys[k];
    const BoundExpr& r = *spec_.right_keys[k];
    if (l.kind != BoundExprKind::kColumn || r.kind != BoundExprKind::kColumn) continue;
    // Only types whose `=` is identity of the stored value (not floats: -0.0 = 0.0; not
    // intervals: '1 mon' = '30 days').
    const TypeId id = l.type.id();
    const bool exact = id == TypeId::kInt32 || id == TypeId::kInt64 || id == TypeId::kDate ||
                       id == TypeId::kTimestamp || id == TypeId::kString || id == TypeId::kBinary ||
                       id == TypeId::kBool;
    if (!exact || l.type != r.type) continue;
    if (l.column_index < 0 || l.column_index >= spec_.left_schema->num_fields() ||
        r.column_index < 0 || r.column_index >= spec_.right_schema->num_fields() ||
        spec_.left_schema->field(l.column_index).type != l.type ||
        spec_.right_schema->field(r.column_index).type != r.type) {
      continue;
    }
    aliases[static_cast<size_t>(r.column_index)] = l.column_index;
    any = true;
  }
  if (any) key_aliases_ = std::move(aliases);
}

Status HashJoinOperator::CheckSpec() const {
  if (spec_.type == PhysicalJoinType::kCross) {
    return Status::Internal("HashJoin cannot run a CROSS join (NestedLoopJoin does)");
  }
  if (!spec_.left_schema || !spec_.right_schema || !spec_.output_schema) {
    return Status::Internal("HashJoin: the join spec lacks a schema");
  }
  if (spec_.left_keys.empty() || spec_.left_keys.size() != spec_.right_keys.size()) {
    return Status::Internal(
        "HashJoin needs as many left keys as right keys, at least one (got {} "
        "and {})",
        spec_.left_keys.size(), spec_.right_keys.size());
  }
  for (size_t k = 0; k < spec_.left_keys.size(); ++k) {
    if (spec_.left_keys[k]->type != spec_.right_keys[k]->type) {
      return Status::Internal("HashJoin key {} has type {} on the left and {} on the right", k,
                              spec_.left_keys[k]->type.ToString(),
                              spec_.right_keys[k]->type.ToString());
    }
  }
  if (!spec_.null_equals_null.empty() && spec_.null_equals_null.size() != spec_.left_keys.size()) {
    return Status::Internal("HashJoin: null_equals_null has {} entries for {} keys",
                            spec_.null_equals_null.size(), spec_.left_keys.size());
  }
  if (spec_.anti_null_aware) {
    if (spec_.type != PhysicalJoinType::kAnti) {
      return Status::Internal("HashJoin: anti_null_aware is set on a {} join",
                              JoinTypeName(spec_.type));
    }
    if (spec_.left_keys.size() != 1 || spec_.residual != nullptr) {
      return Status::Unimplemented(
          "NOT IN over a subquery is supported with one compared column and no correlated "
          "condition (got {} columns{})",
          spec_.left_keys.size(), spec_.residual ? " and a correlated condition" : "");
    }
  }
  return Status::OK();
}

Status HashJoinOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  ARK_RETURN_IF_ERROR(spec_status_);
  if (ctx_ != nullptr) eval_.context() = *ctx_;
  if (port != 0 && port != 1) {
    return Status::Internal("HashJoin has ports 0 and 1, got a batch on port {}", port);
  }
  ARK_RETURN_IF_ERROR(CheckInputColumns(port == 0 ? "HashJoin probe" : "HashJoin build", batch,
                                        port == 0 ? *spec_.left_schema : *spec_.right_schema));
  if (port == 1) return PushBuild(batch);
  if (probe_done_) return Status::Internal("HashJoin: probe batch after the probe side finished");
  if (!build_done_) {
    if (batch.num_rows() > 0) {
      pending_bytes_ += batch.ByteSize();
      pending_probe_.push_back(batch);
    }
    return Status::OK();
  }
  return Probe(batch, out);
}

Status HashJoinOperator::PushBuild(const Batch& batch) {
  if (build_done_) return Status::Internal("HashJoin: build batch after the build side finished");
  const int64_t n = batch.num_rows();
  if (n == 0) return Status::OK();
  ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> keys,
                       EvaluateKeyColumns(eval_, spec_.right_keys, batch));
  size_t base = build_ids_.size();
  build_ids_.resize(base + static_cast<size_t>(n));
  ARK_RETURN_IF_ERROR(table_.FindOrInsert(keys, n, build_ids_.data() + base));
  for (const auto& k : keys) build_has_null_key_ |= k->null_count() > 0;
  build_batches_.push_back(batch);
  return Status::OK();
}

Status HashJoinOperator::Finish(int port, std::vector<Batch>* out) {
  ARK_RETURN_IF_ERROR(spec_status_);
  if (ctx_ != nullptr) eval_.context() = *ctx_;
  if (port == 1) {
    if (build_done_) return Status::Internal("HashJoin: the build side finished twice");
    ARK_RETURN_IF_ERROR(FinishBuild(out));
  } else if (port == 0) {
    if (probe_done_) return Status::Internal("HashJoin: the probe side finished twice");
    probe_done_ = true;
  } else {
    return Status::Internal("HashJoin has ports 0 and 1, got Finish on port {}", port);
  }
  if (build_done_ && probe_done_ && !finished_) {
    finished_ = true;
    if (spec_.type == PhysicalJoinType::kRight || spec_.type == PhysicalJoinType::kFull) {
      ARK_RETURN_IF_ERROR(EmitUnmatchedBuild(out));
    }
  }
  return Status::OK();
}

Status HashJoinOperator::FinishBuild(std::vector<Batch>* out) {
  build_done_ = true;
  ARK_ASSIGN_OR_RETURN(build_, ConcatToSchema(build_batches_, spec_.right_schema));
  build_batches_.clear();
  build_batches_.shrink_to_fit();

  // CSR: the build rows of key id g are group_rows_[group_start_[g], group_start_[g + 1]), in
  // build order.
  const int64_t groups = table_.size();
  group_start_.assign(static_cast<size_t>(groups) + 1, 0);
  for (int32_t id : build_ids_) {
    if (id >= 0) ++group_start_[static_cast<size_t>(id) + 1];
  }
  for (int64_t g = 0; g < groups; ++g) group_start_[g + 1] += group_start_[g];
  group_rows_.resize(static_cast<size_t>(group_start_[groups]));
  {
    std::vector<int64_t> fill(group_start_.begin(), group_start_.end() - 1);
    for (size_t r = 0; r < build_ids_.size(); ++r) {
      int32_t id = build_ids_[r];
      if (id >= 0) group_rows_[fill[id]++] = static_cast<int64_t>(r);
    }
  }
  ARK_RETURN_IF_ERROR(BuildDirectIndex());
  build_ids_.clear();
  build_ids_.shrink_to_fit();
  unique_build_keys_ = static_cast<int64_t>(group_rows_.size()) == groups;
  direct_rows_.clear();
  if (direct_ && unique_build_keys_ && build_.num_rows() <= std::numeric_limits<int32_t>::max()) {
    direct_rows_.resize(direct_ids_.size());
    for (size_t i = 0; i < direct_ids_.size(); ++i) {
      const int32_t id = direct_ids_[i];
      direct_rows_[i] = id < 0 ? -1 : static_cast<int32_t>(group_rows_[static_cast<size_t>(id)]);
    }
  }
  if (spec_.type == PhysicalJoinType::kRight || spec_.type == PhysicalJoinType::kFull) {
    build_matched_.assign(static_cast<size_t>(build_.num_rows()), 0);
  }

  std::vector<Batch> pending = std::move(pending_probe_);
  pending_probe_.clear();
  pending_bytes_ = 0;
  for (const Batch& b : pending) ARK_RETURN_IF_ERROR(Probe(b, out));
  return Status::OK();
}

Status HashJoinOperator::BuildDirectIndex() {
  direct_ids_.clear();
  direct_ = false;
  if (spec_.right_keys.size() != 1 || build_.num_rows() == 0 ||
      !IsDirectIndexType(spec_.right_keys[0]->type.id()) ||
      (!spec_.null_equals_null.empty() && spec_.null_equals_null[0])) {
    return Status::OK();
  }
  ARK_ASSIGN_OR_RETURN(ColumnPtr key, EvaluateKeyColumn(eval_, *spec_.right_keys[0], build_));
  if (key->null_count() == key->length()) return Status::OK();
  int64_t lo = std::numeric_limits<int64_t>::max();
  int64_t hi = std::numeric_limits<int64_t>::min();
  ForEachIntegerValue(*key, [&](int64_t, int64_t v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  });
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  const uint64_t limit =
      std::min<uint64_t>(uint64_t{1} << 26, std::max<uint64_t>(4096, 4 * build_ids_.size()));
  if (span >= limit) return Status::OK();
  direct_ids_.assign(span + 1, KeyTable::kNoGroup);
  ForEachIntegerValue(*key, [&](int64_t row, int64_t v) {
    direct_ids_[static_cast<uint64_t>(v) - static_cast<uint64_t>(lo)] = build_ids_[row];
  });
  direct_min_ = lo;
  direct_ = true;
  return Status::OK();
}

void HashJoinOperator::FindDirect(const Column& key, int32_t* ids) const {
  const int64_t n = key.length();
  const uint64_t lo = static_cast<uint64_t>(direct_min_);
  const uint64_t size = direct_ids_.size();
  const int32_t* direct = direct_ids_.data();
  const bool nulls = key.null_count() > 0;
  auto lookup = [&](const auto* v) {
    for (int64_t i = 0; i < n; ++i) {
      uint64_t u = static_cast<uint64_t>(static_cast<int64_t>(v[i])) - lo;
      ids[i] = u < size ? direct[u] : KeyTable::kNoGroup;
    }
  };
  if (key.type().byte_width() == 4) {
    lookup(key.data<int32_t>());
  } else {
    lookup(key.data<int64_t>());
  }
  if (nulls) {
    for (int64_t i = 0; i < n; ++i) {
      if (key.IsNull(i)) ids[i] = KeyTable::kNoGroup;
    }
  }
}

Status HashJoinOperator::ProbeDirectUnique(const Batch& batch, const Column& key,
                                           std::vector<Batch>* out) {
  const int64_t n = batch.num_rows();
  ResetPairs();
  int64_t* pr = probe_rows_.data();
  int64_t* br = build_rows_.data();
  const uint64_t lo = static_cast<uint64_t>(direct_min_);
  const uint64_t size = direct_rows_.size();
  const int32_t* direct = direct_rows_.data();
  auto lookup = [&](const auto* v) {
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t u = static_cast<uint64_t>(static_cast<int64_t>(v[i])) - lo;
      br[i] = u < size ? direct[u] : -1;
    }
  };
  if (key.type().byte_width() == 4) {
    lookup(key.data<int32_t>());
  } else {
    lookup(key.data<int64_t>());
  }
  if (key.null_count() > 0) {
    for (int64_t i = 0; i < n; ++i) {
      if (key.IsNull(i)) br[i] = -1;
    }
  }
  if (spec_.type == PhysicalJoinType::kLeft) {
    // Every probe row once, unmatched ones with -1.
    for (int64_t i = 0; i < n; ++i) pr[i] = i;
    pairs_ = n;
  } else {
    // INNER: the matched rows, compacted without branches.
    int64_t m = 0;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t b = br[i];
      pr[m] = i;
      br[m] = b;
      m += b >= 0 ? 1 : 0;
    }
    pairs_ = m;
  }
  if (pairs_ > 0) return EmitPairs(batch, out);
  return Status::OK();
}

Status HashJoinOperator::Probe(const Batch& batch, std::vector<Batch>* out) {
  const int64_t n = batch.num_rows();
  if (n == 0) return Status::OK();
  ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> keys,
                       EvaluateKeyColumns(eval_, spec_.left_keys, batch));
  if (!direct_rows_.empty() && spec_.residual == nullptr && n <= kOutputBatchRows &&
      (spec_.type == PhysicalJoinType::kInner || spec_.type == PhysicalJoinType::kLeft)) {
    return ProbeDirectUnique(batch, *keys[0], out);
  }
  ids_.resize(static_cast<size_t>(n));
  if (table_.size() == 0) {
    std::fill(ids_.begin(), ids_.end(), KeyTable::kNoGroup);
  } else if (direct_) {
    FindDirect(*keys[0], ids_.data());
  } else {
    ARK_RETURN_IF_ERROR(table_.Find(keys, n, ids_.data()));
  }
  const PhysicalJoinType type = spec_.type;
  if (type == PhysicalJoinType::kSemi || type == PhysicalJoinType::kAnti) {
    if (spec_.anti_null_aware) {
      // NOT IN: an empty right side lets every row through; a NULL on the right lets none.
      std::vector<int64_t> rows;
      if (build_.num_rows() == 0) {
        rows.resize(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) rows[i] = i;
      } else if (!build_has_null_key_) {
        const Column& key = *keys[0];
        for (int64_t i = 0; i < n; ++i) {
          if (ids_[i] < 0 && key.IsValid(i)) rows.push_back(i);
        }
      }
      return EmitProbeRows(batch, rows, out);
    }
    return ProbeSemiAnti(batch, ids_.data(), out);
  }

  const bool keep_unmatched_probe =
      type == PhysicalJoinType::kLeft || type == PhysicalJoinType::kFull;
  const bool residual = spec_.residual != nullptr;
  // Without a residual, LEFT/FULL emit an unmatched probe row in place as a pair (row, -1).
  const bool inline_unmatched = keep_unmatched_probe && !residual;
  if (residual && keep_unmatched_probe) probe_matched_.assign(static_cast<size_t>(n), 0);
  ResetPairs();
  int64_t* pr = probe_rows_.data();
  int64_t* br = build_rows_.data();
  const int32_t* ids = ids_.data();
  const int64_t* rows = group_rows_.data();
  if (unique_build_keys_) {
    // Every key occurs once on the build side: one lookup, no chain to walk.
    for (int64_t i = 0; i < n; ++i) {
      const int32_t id = ids[i];
      if (id >= 0) {
        pr[pairs_] = i;
        br[pairs_] = rows[id];
        ++pairs_;
      } else if (inline_unmatched) {
        pr[pairs_] = i;
        br[pairs_] = -1;
        ++pairs_;
      }
      if (pairs_ == kOutputBatchRows) ARK_RETURN_IF_ERROR(EmitPairs(batch, out));
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      const int32_t id = ids[i];
      if (id < 0) {
        if (inline_unmatched) {
          pr[pairs_] = i;
          br[pairs_] = -1;
          if (++pairs_ == kOutputBatchRows) ARK_RETURN_IF_ERROR(EmitPairs(batch, out));
        }
        continue;
      }
      int64_t start = group_start_[id];
      const int64_t end = group_start_[id + 1];
      while (start < end) {
        const int64_t take = std::min(end - start, kOutputBatchRows - pairs_);
        for (int64_t k = 0; k < take; ++k) {
          pr[pairs_ + k] = i;
          br[pairs_ + k] = rows[start + k];
        }
        pairs_ += take;
        start += take;
        if (pairs_ == kOutputBatchRows) ARK_RETURN_IF_ERROR(EmitPairs(batch, out));
      }
    }
  }
  if (pairs_ > 0) ARK_RETURN_IF_ERROR(EmitPairs(batch, out));
  if (residual && keep_unmatched_probe) {
    // The probe rows no candidate pair passed, with NULLs on the right.
    for (int64_t i = 0; i < n; ++i) {
      if (probe_matched_[i]) continue;
      pr[pairs_] = i;
      br[pairs_] = -1;
      if (++pairs_ == kOutputBatchRows) ARK_RETURN_IF_ERROR(EmitGatheredPairs(batch, out));
    }
    if (pairs_ > 0) ARK_RETURN_IF_ERROR(EmitGatheredPairs(batch, out));
  }
  return Status::OK();
}

Status HashJoinOperator::ProbeSemiAnti(const Batch& batch, const int32_t* ids,
                                       std::vector<Batch>* out) {
  const int64_t n = batch.num_rows();
  const bool semi = spec_.type == PhysicalJoinType::kSemi;
  std::vector<int64_t> rows;
  if (spec_.residual == nullptr) {
    for (int64_t i = 0; i < n; ++i) {
      if ((ids[i] >= 0) == semi) rows.push_back(i);
    }
    return EmitProbeRows(batch, rows, out);
  }
  // With a residual, a probe row matches when one of its candidate pairs passes it.
  probe_matched_.assign(static_cast<size_t>(n), 0);
  ResetPairs();
  auto evaluate = [&]() -> Status {
    ARK_ASSIGN_OR_RETURN(Batch pairs, GatherPairs(batch, pair_schema_));
    ARK_ASSIGN_OR_RETURN(std::vector<int64_t> sel, eval_.SelectRows(*spec_.residual, pairs));
    for (int64_t s : sel) probe_matched_[probe_rows_[s]] = 1;
    pairs_ = 0;
    return Status::OK();
  };
  for (int64_t i = 0; i < n; ++i) {
    const int32_t id = ids[i];
    if (id < 0) continue;
    for (int64_t k = group_start_[id]; k < group_start_[id + 1]; ++k) {
      probe_rows_[pairs_] = i;
      build_rows_[pairs_] = group_rows_[k];
      if (++pairs_ == kOutputBatchRows) ARK_RETURN_IF_ERROR(evaluate());
    }
  }
  if (pairs_ > 0) ARK_RETURN_IF_ERROR(evaluate());
  for (int64_t i = 0; i < n; ++i) {
    if ((probe_matched_[i] != 0) == semi) rows.push_back(i);
  }
  return EmitProbeRows(batch, rows, out);
}

void HashJoinOperator::ResetPairs() {
  probe_rows_.resize(static_cast<size_t>(kOutputBatchRows));
  build_rows_.resize(static_cast<size_t>(kOutputBatchRows));
  pairs_ = 0;
}

Result<Batch> HashJoinOperator::GatherPairs(const Batch& probe, const SchemaPtr& schema) {
  const size_t m = static_cast<size_t>(pairs_);
  return GatherJoinPairs(probe, std::span<const int64_t>(probe_rows_.data(), m), build_,
                         std::span<const int64_t>(build_rows_.data(), m), schema, key_aliases_);
}

Status HashJoinOperator::EmitGatheredPairs(const Batch& probe, std::vector<Batch>* out) {
  ARK_ASSIGN_OR_RETURN(Batch b, GatherPairs(probe, output_schema_));
  out->push_back(std::move(b));
  pairs_ = 0;
  return Status::OK();
}

Status HashJoinOperator::EmitPairs(const Batch& probe, std::vector<Batch>* out) {
  const bool mark_build =
      spec_.type == PhysicalJoinType::kRight || spec_.type == PhysicalJoinType::kFull;
  if (spec_.residual == nullptr) {
    if (mark_build) {
      for (int64_t k = 0; k < pairs_; ++k) {
        if (build_rows_[k] >= 0) build_matched_[build_rows_[k]] = 1;
      }
    }
    return EmitGatheredPairs(probe, out);
  }
  ARK_ASSIGN_OR_RETURN(Batch pairs, GatherPairs(probe, output_schema_));
  ARK_ASSIGN_OR_RETURN(std::vector<int64_t> sel, eval_.SelectRows(*spec_.residual, pairs));
  const bool mark_probe =
      spec_.type == PhysicalJoinType::kLeft || spec_.type == PhysicalJoinType::kFull;
  for (int64_t s : sel) {
    if (mark_probe) probe_matched_[probe_rows_[s]] = 1;
    if (mark_build) build_matched_[build_rows_[s]] = 1;
  }
  pairs_ = 0;
  return EmitSelectedRows(pairs, sel, output_schema_, out);
}

Status HashJoinOperator::EmitProbeRows(const Batch& probe, const std::vector<int64_t>& rows,
                                       std::vector<Batch>* out) {
  return EmitSelectedRows(probe, rows, output_schema_, out);
}

Status HashJoinOperator::EmitUnmatchedBuild(std::vector<Batch>* out) {
  std::vector<int64_t> rows;
  for (size_t r = 0; r < build_matched_.size(); ++r) {
    if (!build_matched_[r]) rows.push_back(static_cast<int64_t>(r));
  }
  return EmitBuildRowsWithNullLeft(build_, rows, *spec_.left_schema, output_schema_, out);
}

void HashJoinOperator::Reset() {
  table_.Clear();
  build_batches_.clear();
  build_ids_.clear();
  build_has_null_key_ = false;
  build_ = Batch();
  group_start_.clear();
  group_rows_.clear();
  build_matched_.clear();
  unique_build_keys_ = false;
  direct_ids_.clear();
  direct_rows_.clear();
  direct_ = false;
  build_done_ = false;
  pending_probe_.clear();
  pending_bytes_ = 0;
  probe_done_ = false;
  finished_ = false;
}

std::string HashJoinOperator::Explain() const {
  std::string s = std::string("HashJoin ") + JoinTypeName(spec_.type);
  if (!spec_status_.ok()) return s + " (invalid: " + spec_status_.message() + ")";
  std::vector<std::string> left = spec_.left_schema->names();
  std::vector<std::string> right = spec_.right_schema->names();
  s += " keys=[";
  for (size_t k = 0; k < spec_.left_keys.size(); ++k) {
    if (k) s += ", ";
    bool null_eq = k < spec_.null_equals_null.size() && spec_.null_equals_null[k];
    s += spec_.left_keys[k]->ToString(&left) + (null_eq ? " IS NOT DISTINCT FROM " : " = ") +
         spec_.right_keys[k]->ToString(&right);
  }
  s += "]";
  if (spec_.residual) {
    std::vector<std::string> names = pair_schema_->names();
    s += " residual=" + spec_.residual->ToString(&names);
  }
  if (spec_.anti_null_aware) s += " null_aware";
  return s;
}

size_t HashJoinOperator::StateBytes() const {
  size_t bytes = table_.MemoryBytes() + build_.ByteSize() + pending_bytes_ +
                 build_ids_.capacity() * sizeof(int32_t) +
                 (group_start_.capacity() + group_rows_.capacity()) * sizeof(int64_t) +
                 build_matched_.capacity() +
                 (direct_ids_.capacity() + direct_rows_.capacity()) * sizeof(int32_t);
  for (const auto& b : build_batches_) bytes += b.ByteSize();
  return bytes;
}

}  // namespace ark::sql
