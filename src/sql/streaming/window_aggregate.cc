#include "sql/streaming/window_aggregate.h"

#include <utility>

#include "base/time.h"
#include "sql/operators/gather.h"

namespace ark::sql {

WindowAggregateOperator::WindowAggregateOperator(MakeAggregate make, int window_column,
                                                 int64_t end_offset_us, std::string explain)
    : make_(std::move(make)),
      window_column_(window_column),
      end_offset_us_(end_offset_us),
      explain_(std::move(explain)) {}

Status WindowAggregateOperator::PushTo(int64_t end, const Batch& rows) {
  auto it = windows_.find(end);
  if (it == windows_.end()) {
    ARK_ASSIGN_OR_RETURN(OperatorPtr op, make_());
    it = windows_.emplace(end, std::move(op)).first;
  }
  std::vector<Batch> none;
  return it->second->Push(0, rows, &none);
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

Status WindowAggregateOperator::Emit(std::map<int64_t, OperatorPtr>::iterator it,
                                     std::vector<Delta>* out) {
  std::vector<Batch> batches;
  ARK_RETURN_IF_ERROR(it->second->Finish(0, &batches));
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
  for (const auto& [end, op] : windows_) s.bytes += static_cast<int64_t>(op->StateBytes());
  return s;
}

}  // namespace ark::sql
