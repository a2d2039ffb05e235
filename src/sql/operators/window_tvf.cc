#include "sql/operators/window_tvf.h"

#include <utility>

#include "core/column_builder.h"
#include "sql/operators/gather.h"

namespace ark::sql {

int64_t WindowGridStart(int64_t t, int64_t step, int64_t offset) {
  // Floor division of (t - offset) by step, correct for negative times.
  __int128 rel = static_cast<__int128>(t) - offset;
  __int128 q = rel / step;
  if (rel % step != 0 && rel < 0) --q;
  return static_cast<int64_t>(q * step + offset);
}

WindowTvfOperator::WindowTvfOperator(WindowTvfSpec spec, SchemaPtr output_schema,
                                     std::string explain)
    : Operator(std::move(output_schema)), spec_(spec), explain_(std::move(explain)) {}

Status WindowTvfOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  (void)port;
  if (batch.num_rows() == 0) return Status::OK();
  return Expand(batch, out);
}

Status WindowTvfOperator::Finish(int port, std::vector<Batch>* out) {
  (void)port;
  (void)out;
  return Status::OK();
}

namespace {

ColumnPtr TimestampColumn(const std::vector<int64_t>& values, const Column* nulls_from,
                          const std::vector<int64_t>& rows) {
  Int64Builder b(DataType::Timestamp());
  b.Reserve(static_cast<int64_t>(values.size()));
  for (size_t i = 0; i < values.size(); ++i) {
    if (nulls_from != nullptr && nulls_from->IsNull(rows[i])) {
      b.AppendNull();
    } else {
      b.Append(values[i]);
    }
  }
  return b.Finish();
}

}  // namespace

Status WindowTvfOperator::Expand(const Batch& batch, std::vector<Batch>* out) {
  const Column& time = *batch.column(spec_.time_column);
  const int64_t* ts = time.data<int64_t>();
  const int64_t n = batch.num_rows();
  const bool nulls = time.has_nulls();
  rows_.clear();
  starts_.clear();
  ends_.clear();
  if (spec_.kind == WindowTvfKind::kTumble || spec_.kind == WindowTvfKind::kSession) {
    // One window per row: the input columns are kept as they are. SESSION: the row's own
    // [t, t + gap), merged later.
    const bool session = spec_.kind == WindowTvfKind::kSession;
    starts_.resize(static_cast<size_t>(n));
    ends_.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      int64_t s = session ? ts[i] : WindowGridStart(ts[i], spec_.size_us, spec_.offset_us);
      starts_[static_cast<size_t>(i)] = s;
      ends_[static_cast<size_t>(i)] = s + spec_.size_us;
    }
    std::vector<int64_t> identity;
    if (nulls) {
      identity.resize(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) identity[static_cast<size_t>(i)] = i;
    }
    std::vector<ColumnPtr> cols = batch.columns();
    cols.push_back(TimestampColumn(starts_, nulls ? &time : nullptr, identity));
    cols.push_back(TimestampColumn(ends_, nulls ? &time : nullptr, identity));
    out->emplace_back(output_schema_, std::move(cols), n);
    return Status::OK();
  }
  for (int64_t i = 0; i < n; ++i) {
    if (nulls && time.IsNull(i)) {
      rows_.push_back(i);
      starts_.push_back(0);
      ends_.push_back(0);
      continue;
    }
    int64_t t = ts[i];
    if (spec_.kind == WindowTvfKind::kHop) {
      // Windows [s, s + size) with s = k*slide + offset and s <= t < s + size, oldest first.
      int64_t last = WindowGridStart(t, spec_.slide_us, spec_.offset_us);
      int64_t first = last;
      while (first - spec_.slide_us > t - spec_.size_us) first -= spec_.slide_us;
      for (int64_t s = first; s <= last; s += spec_.slide_us) {
        rows_.push_back(i);
        starts_.push_back(s);
        ends_.push_back(s + spec_.size_us);
      }
    } else {
      // CUMULATE: windows [base, base + k*step) for every k with base + k*step > t.
      int64_t base = WindowGridStart(t, spec_.size_us, spec_.offset_us);
      int64_t k = (t - base) / spec_.slide_us + 1;
      for (int64_t end = base + k * spec_.slide_us; end <= base + spec_.size_us;
           end += spec_.slide_us) {
        rows_.push_back(i);
        starts_.push_back(base);
        ends_.push_back(end);
      }
    }
  }
  // Output batches of at most kOutputBatchRows rows.
  const int64_t total = static_cast<int64_t>(rows_.size());
  for (int64_t from = 0; from < total; from += kOutputBatchRows) {
    int64_t count = std::min(kOutputBatchRows, total - from);
    std::span<const int64_t> idx(rows_.data() + from, static_cast<size_t>(count));
    std::vector<ColumnPtr> cols;
    cols.reserve(static_cast<size_t>(batch.num_columns()) + 2);
    for (int c = 0; c < batch.num_columns(); ++c) {
      ARK_ASSIGN_OR_RETURN(ColumnPtr col, GatherColumn(*batch.column(c), idx));
      cols.push_back(std::move(col));
    }
    std::vector<int64_t> part_rows(idx.begin(), idx.end());
    std::vector<int64_t> s(starts_.begin() + from, starts_.begin() + from + count);
    std::vector<int64_t> e(ends_.begin() + from, ends_.begin() + from + count);
    cols.push_back(TimestampColumn(s, nulls ? &time : nullptr, part_rows));
    cols.push_back(TimestampColumn(e, nulls ? &time : nullptr, part_rows));
    out->emplace_back(output_schema_, std::move(cols), count);
  }
  return Status::OK();
}

}  // namespace ark::sql
