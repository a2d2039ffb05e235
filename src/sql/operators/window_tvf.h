// WindowTvfOperator: the window table functions TUMBLE, HOP and CUMULATE (logical_plan.h
// WindowTvfSpec). Each input row comes out once per window that contains its time value, with the
// window's bounds appended as two timestamp columns, window_start and window_end (exclusive);
// rows keep their input order, and a row's windows come in increasing window_start (CUMULATE: in
// increasing window_end). A row whose time is NULL belongs to no window: it comes out once with
// NULL bounds. Stateless, so the same operator serves per-batch queries and streaming ones.
//
//   WindowTvfSpec spec{WindowTvfKind::kHop, /*time_column=*/2, /*size_us=*/10'000'000,
//                      /*slide_us=*/2'000'000};
//   WindowTvfOperator hop(spec, output_schema);   // input columns + window_start, window_end
//   ARK_RETURN_IF_ERROR(hop.Push(0, batch, &out)); // 5 rows out per input row
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sql/logical_plan.h"
#include "sql/operators/operator.h"

namespace ark::sql {

// The start of the tumbling (or hopping, with `step` = slide) window grid cell holding `t`:
// the largest k*step + offset <= t. REQUIRES: step > 0.
int64_t WindowGridStart(int64_t t, int64_t step, int64_t offset);

class WindowTvfOperator final : public Operator {
 public:
  // `spec.time_column` is an input position. REQUIRES: size_us > 0, slide_us > 0 (and for HOP and
  // CUMULATE, the binder's checks: slide <= size; CUMULATE: size a multiple of the step).
  WindowTvfOperator(WindowTvfSpec spec, SchemaPtr output_schema, std::string explain);

  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  std::string Explain() const override { return explain_; }

 private:
  Status Expand(const Batch& batch, std::vector<Batch>* out);

  const WindowTvfSpec spec_;
  const std::string explain_;
  // Reused per batch: the input row of each output row and its window.
  std::vector<int64_t> rows_;
  std::vector<int64_t> starts_;
  std::vector<int64_t> ends_;
};

}  // namespace ark::sql
