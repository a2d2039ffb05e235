#include "sql/operators/set_operation.h"

#include <algorithm>

#include "sql/operators/distinct.h"
#include "sql/operators/join_util.h"

namespace ark::sql {
namespace {

std::vector<DataType> ColumnTypes(const Schema& schema) {
  std::vector<DataType> out;
  for (const auto& f : schema.fields()) out.push_back(f.type);
  return out;
}

}  // namespace

SetOperationOperator::SetOperationOperator(SetOperationKind kind, bool all, SchemaPtr schema)
    : Operator(schema),
      kind_(kind),
      all_(all),
      right_(ColumnTypes(*schema)),
      left_seen_(ColumnTypes(*schema)) {}

Status SetOperationOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  if (port != 0 && port != 1) {
    return Status::Internal("{} has ports 0 and 1, got a batch on port {}", Explain(), port);
  }
  if (batch.num_rows() == 0) return Status::OK();
  ARK_RETURN_IF_ERROR(
      CheckInputColumns(port == 0 ? "set operation left input" : "set operation right input", batch,
                        *output_schema_));
  if (port == 1) {
    if (right_done_) return Status::Internal("{}: right batch after its end", Explain());
    const int64_t n = batch.num_rows();
    ids_.resize(static_cast<size_t>(n));
    ARK_RETURN_IF_ERROR(right_.FindOrInsert(batch.columns(), n, ids_.data()));
    counts_.resize(static_cast<size_t>(right_.size()), 0);
    for (int64_t i = 0; i < n; ++i) ++counts_[ids_[i]];
    return Status::OK();
  }
  if (left_done_) return Status::Internal("{}: left batch after its end", Explain());
  if (!right_done_) {
    pending_bytes_ += batch.ByteSize();
    pending_left_.push_back(batch);
    return Status::OK();
  }
  return PushLeft(batch, out);
}

Status SetOperationOperator::PushLeft(const Batch& batch, std::vector<Batch>* out) {
  const int64_t n = batch.num_rows();
  ids_.resize(static_cast<size_t>(n));
  if (right_.size() == 0) {
    std::fill(ids_.begin(), ids_.end(), KeyTable::kNoGroup);
  } else {
    ARK_RETURN_IF_ERROR(right_.Find(batch.columns(), n, ids_.data()));
  }
  std::vector<int64_t> rows;
  if (kind_ == SetOperationKind::kIntersect) {
    for (int64_t i = 0; i < n; ++i) {
      const int32_t id = ids_[i];
      if (id < 0) continue;
      if (all_) {
        if (counts_[id] > 0) {
          --counts_[id];
          rows.push_back(i);
        }
      } else if (!emitted_[id]) {
        emitted_[id] = 1;
        rows.push_back(i);
      }
    }
  } else if (all_) {
    for (int64_t i = 0; i < n; ++i) {
      const int32_t id = ids_[i];
      if (id >= 0 && counts_[id] > 0) {
        --counts_[id];  // cancelled by one right occurrence
      } else {
        rows.push_back(i);
      }
    }
  } else {
    // The first occurrence of each left row, when the row is absent on the right.
    const int64_t old_size = left_seen_.size();
    left_ids_.resize(static_cast<size_t>(n));
    ARK_RETURN_IF_ERROR(left_seen_.FindOrInsert(batch.columns(), n, left_ids_.data()));
    std::vector<int64_t> first;
    AppendFirstOccurrences(left_ids_.data(), n, old_size, &first);
    for (int64_t i : first) {
      if (ids_[i] < 0) rows.push_back(i);
    }
  }
  return EmitSelectedRows(batch, rows, output_schema_, out);
}

Status SetOperationOperator::Finish(int port, std::vector<Batch>* out) {
  if (port == 1) {
    if (right_done_) return Status::Internal("{}: the right input finished twice", Explain());
    right_done_ = true;
    emitted_.assign(static_cast<size_t>(right_.size()), 0);
    std::vector<Batch> pending = std::move(pending_left_);
    pending_left_.clear();
    pending_bytes_ = 0;
    for (const Batch& b : pending) ARK_RETURN_IF_ERROR(PushLeft(b, out));
    return Status::OK();
  }
  if (port == 0) {
    if (left_done_) return Status::Internal("{}: the left input finished twice", Explain());
    left_done_ = true;
    return Status::OK();
  }
  return Status::Internal("{} has ports 0 and 1, got Finish on port {}", Explain(), port);
}

void SetOperationOperator::Reset() {
  right_.Clear();
  left_seen_.Clear();
  counts_.clear();
  emitted_.clear();
  pending_left_.clear();
  pending_bytes_ = 0;
  right_done_ = false;
  left_done_ = false;
}

std::string SetOperationOperator::Explain() const {
  std::string s = kind_ == SetOperationKind::kIntersect ? "Intersect" : "Except";
  return all_ ? s + " ALL" : s;
}

size_t SetOperationOperator::StateBytes() const {
  return right_.MemoryBytes() + left_seen_.MemoryBytes() + counts_.capacity() * sizeof(int64_t) +
         emitted_.capacity() + pending_bytes_;
}

}  // namespace ark::sql
