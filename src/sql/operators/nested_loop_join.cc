#include "sql/operators/nested_loop_join.h"

#include <algorithm>

#include "sql/operators/gather.h"
#include "sql/operators/join_util.h"

namespace ark::sql {

NestedLoopJoinOperator::NestedLoopJoinOperator(JoinSpec spec, const KernelContext* ctx)
    : Operator(spec.output_schema), spec_(std::move(spec)), ctx_(ctx) {
  spec_status_ = CheckSpec();
  if (spec_status_.ok()) pair_schema_ = PairSchema(*spec_.left_schema, *spec_.right_schema);
}

Status NestedLoopJoinOperator::CheckSpec() const {
  if (!spec_.left_schema || !spec_.right_schema || !spec_.output_schema) {
    return Status::Internal("NestedLoopJoin: the join spec lacks a schema");
  }
  if (!spec_.left_keys.empty() || !spec_.right_keys.empty()) {
    return Status::Internal(
        "NestedLoopJoin takes no equality keys (HashJoin runs equi-joins; a nested loop join "
        "gets its whole condition as the residual)");
  }
  if (spec_.type == PhysicalJoinType::kCross && spec_.residual != nullptr) {
    return Status::Internal("NestedLoopJoin: a CROSS join has no condition");
  }
  if (spec_.anti_null_aware) {
    return Status::Unimplemented(
        "NOT IN over a subquery needs an equality to run as a hash join; this one has none");
  }
  return Status::OK();
}

Status NestedLoopJoinOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  ARK_RETURN_IF_ERROR(spec_status_);
  if (ctx_ != nullptr) eval_.context() = *ctx_;
  if (port != 0 && port != 1) {
    return Status::Internal("NestedLoopJoin has ports 0 and 1, got a batch on port {}", port);
  }
  ARK_RETURN_IF_ERROR(CheckInputColumns(port == 0 ? "NestedLoopJoin left" : "NestedLoopJoin right",
                                        batch,
                                        port == 0 ? *spec_.left_schema : *spec_.right_schema));
  if (port == 1) {
    if (build_done_) {
      return Status::Internal("NestedLoopJoin: right batch after the right side finished");
    }
    if (batch.num_rows() > 0) build_batches_.push_back(batch);
    return Status::OK();
  }
  if (probe_done_) {
    return Status::Internal("NestedLoopJoin: left batch after the left side finished");
  }
  if (!build_done_) {
    if (batch.num_rows() > 0) {
      pending_bytes_ += batch.ByteSize();
      pending_probe_.push_back(batch);
    }
    return Status::OK();
  }
  return Probe(batch, out);
}

Status NestedLoopJoinOperator::Finish(int port, std::vector<Batch>* out) {
  ARK_RETURN_IF_ERROR(spec_status_);
  if (ctx_ != nullptr) eval_.context() = *ctx_;
  if (port == 1) {
    if (build_done_) return Status::Internal("NestedLoopJoin: the right side finished twice");
    ARK_RETURN_IF_ERROR(FinishBuild(out));
  } else if (port == 0) {
    if (probe_done_) return Status::Internal("NestedLoopJoin: the left side finished twice");
    probe_done_ = true;
  } else {
    return Status::Internal("NestedLoopJoin has ports 0 and 1, got Finish on port {}", port);
  }
  if (build_done_ && probe_done_ && !finished_) {
    finished_ = true;
    if (spec_.type == PhysicalJoinType::kRight || spec_.type == PhysicalJoinType::kFull) {
      std::vector<int64_t> rows;
      for (size_t r = 0; r < build_matched_.size(); ++r) {
        if (!build_matched_[r]) rows.push_back(static_cast<int64_t>(r));
      }
      ARK_RETURN_IF_ERROR(
          EmitBuildRowsWithNullLeft(build_, rows, *spec_.left_schema, output_schema_, out));
    }
  }
  return Status::OK();
}

Status NestedLoopJoinOperator::FinishBuild(std::vector<Batch>* out) {
  build_done_ = true;
  ARK_ASSIGN_OR_RETURN(build_, ConcatToSchema(build_batches_, spec_.right_schema));
  build_batches_.clear();
  if (spec_.type == PhysicalJoinType::kRight || spec_.type == PhysicalJoinType::kFull) {
    build_matched_.assign(static_cast<size_t>(build_.num_rows()), 0);
  }
  std::vector<Batch> pending = std::move(pending_probe_);
  pending_probe_.clear();
  pending_bytes_ = 0;
  for (const Batch& b : pending) ARK_RETURN_IF_ERROR(Probe(b, out));
  return Status::OK();
}

Status NestedLoopJoinOperator::Probe(const Batch& batch, std::vector<Batch>* out) {
  const int64_t n = batch.num_rows();
  if (n == 0) return Status::OK();
  const int64_t b = build_.num_rows();
  const PhysicalJoinType type = spec_.type;
  const bool semi_anti = type == PhysicalJoinType::kSemi || type == PhysicalJoinType::kAnti;
  const bool keep_unmatched_probe =
      type == PhysicalJoinType::kLeft || type == PhysicalJoinType::kFull;
  probe_matched_.assign(static_cast<size_t>(n), 0);

  if (b > 0) {
    probe_rows_.clear();
    build_rows_.clear();
    for (int64_t i = 0; i < n; ++i) {
      // SEMI/ANTI: one passing pair decides a probe row; its other pairs are not needed. (Rows of
      // the current block are only decided after the block is evaluated.)
      if (semi_anti && probe_matched_[i]) continue;
      for (int64_t j = 0; j < b;) {
        int64_t room = kOutputBatchRows - static_cast<int64_t>(probe_rows_.size());
        int64_t take = std::min(b - j, room);
        probe_rows_.insert(probe_rows_.end(), static_cast<size_t>(take), i);
        for (int64_t k = j; k < j + take; ++k) build_rows_.push_back(k);
        j += take;
        if (static_cast<int64_t>(probe_rows_.size()) == kOutputBatchRows) {
          ARK_RETURN_IF_ERROR(JoinBlock(batch, out));
          if (semi_anti && probe_matched_[i]) break;
        }
      }
    }
    if (!probe_rows_.empty()) ARK_RETURN_IF_ERROR(JoinBlock(batch, out));
  }

  if (semi_anti || keep_unmatched_probe) {
    const bool want_matched = type == PhysicalJoinType::kSemi;
    std::vector<int64_t> rows;
    for (int64_t i = 0; i < n; ++i) {
      if ((probe_matched_[i] != 0) == want_matched) rows.push_back(i);
    }
    if (semi_anti) return EmitSelectedRows(batch, rows, output_schema_, out);
    std::vector<int64_t> none(rows.size(), -1);
    for (size_t start = 0; start < rows.size(); start += kOutputBatchRows) {
      size_t m = std::min<size_t>(kOutputBatchRows, rows.size() - start);
      ARK_ASSIGN_OR_RETURN(Batch part,
                           GatherJoinPairs(batch, std::span(rows).subspan(start, m), build_,
                                           std::span(none).subspan(start, m), output_schema_));
      out->push_back(std::move(part));
    }
  }
  return Status::OK();
}

Status NestedLoopJoinOperator::JoinBlock(const Batch& probe, std::vector<Batch>* out) {
  const PhysicalJoinType type = spec_.type;
  const bool semi_anti = type == PhysicalJoinType::kSemi || type == PhysicalJoinType::kAnti;
  const bool mark_build = type == PhysicalJoinType::kRight || type == PhysicalJoinType::kFull;
  ARK_ASSIGN_OR_RETURN(Batch pairs,
                       GatherJoinPairs(probe, probe_rows_, build_, build_rows_, pair_schema_));
  if (spec_.residual == nullptr) {
    for (int64_t p : probe_rows_) probe_matched_[p] = 1;
    if (mark_build) {
      for (int64_t r : build_rows_) build_matched_[r] = 1;
    }
    if (!semi_anti) out->push_back(Batch(output_schema_, pairs.columns(), pairs.num_rows()));
  } else {
    ARK_ASSIGN_OR_RETURN(std::vector<int64_t> sel, eval_.SelectRows(*spec_.residual, pairs));
    for (int64_t s : sel) {
      probe_matched_[probe_rows_[s]] = 1;
      if (mark_build) build_matched_[build_rows_[s]] = 1;
    }
    if (!semi_anti) {
      Batch as_output(output_schema_, pairs.columns(), pairs.num_rows());
      ARK_RETURN_IF_ERROR(EmitSelectedRows(as_output, sel, output_schema_, out));
    }
  }
  probe_rows_.clear();
  build_rows_.clear();
  return Status::OK();
}

void NestedLoopJoinOperator::Reset() {
  build_batches_.clear();
  build_ = Batch();
  build_matched_.clear();
  build_done_ = false;
  pending_probe_.clear();
  pending_bytes_ = 0;
  probe_done_ = false;
  finished_ = false;
}

std::string NestedLoopJoinOperator::Explain() const {
  std::string s = std::string("NestedLoopJoin ") + JoinTypeName(spec_.type);
  if (!spec_status_.ok()) return s + " (invalid: " + spec_status_.message() + ")";
  if (spec_.residual) {
    std::vector<std::string> names = pair_schema_->names();
    s += " condition=" + spec_.residual->ToString(&names);
  }
  return s;
}

size_t NestedLoopJoinOperator::StateBytes() const {
  size_t bytes = build_.ByteSize() + pending_bytes_ + build_matched_.capacity();
  for (const auto& b : build_batches_) bytes += b.ByteSize();
  return bytes;
}

}  // namespace ark::sql
