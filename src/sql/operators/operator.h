// Physical operators: the executable plan (DESIGN §4). Push-based and batch-at-a-time, so the same
// operators serve per-batch queries (the `sql` processor) and continuous streaming queries
// ([streaming] issue): an operator never assumes it sees its whole input at once.
//
// An operator has one or more input ports (joins: 0 = left/probe, 1 = right/build). The executor
// pushes each input batch into a port and calls Finish(port) when that input ends; the operator
// appends its output batches to `out` as soon as it can (filter, project: immediately; aggregate,
// sort: at Finish; hash join: once the build side finished — probe batches that arrive earlier are
// buffered). Output batches have exactly output_schema().
//
// Thread-safety: an operator instance is used by one thread at a time. Plans are instantiated per
// worker from a shared, immutable PhysicalPlan (query.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "sql/expr/bound_expr.h"
#include "sql/functions/function.h"

namespace ark::sql {

class Operator {
 public:
  explicit Operator(SchemaPtr output_schema) : output_schema_(std::move(output_schema)) {}
  virtual ~Operator() = default;

  virtual int num_inputs() const { return 1; }
  // Consumes one batch arriving on `port`; appends what is ready to `out`.
  virtual Status Push(int port, const Batch& batch, std::vector<Batch>* out) = 0;
  // The input on `port` has ended; appends the rest. After Finish on every port the operator is
  // done (per-batch mode creates fresh operator state with Reset()).
  virtual Status Finish(int port, std::vector<Batch>* out) = 0;
  // Forgets all state, ready for a new execution (per-batch mode reuses operators).
  virtual void Reset() {}

  // One line for EXPLAIN: "HashAggregate keys=[channel] aggs=[count(*), sum(price)]".
  virtual std::string Explain() const = 0;
  // Bytes of state held (hash tables, buffered rows), for metrics.
  virtual size_t StateBytes() const { return 0; }

  const SchemaPtr& output_schema() const { return output_schema_; }

 protected:
  SchemaPtr output_schema_;
};

using OperatorPtr = std::unique_ptr<Operator>;

// ---------------------------------------------------------------------------------------------
// The specifications the physical planner fills in to build each operator (one file each under
// operators/, named after the operator). They are plain data so that plans can be explained,
// cloned per worker, and later serialised for checkpoints.

struct SortKey {
  BoundExprPtr expr;
  bool descending = false;
  bool nulls_first = false;  // PostgreSQL default: NULLS LAST for ASC, NULLS FIRST for DESC
};

struct AggregateCall {
  AggregateFunctionPtr function;
  std::vector<BoundExprPtr> args;  // evaluated over the input; empty for count(*)
  BoundExprPtr filter;             // FILTER (WHERE ...); null when none
  bool distinct = false;           // count(DISTINCT x): each distinct arg tuple once per group
  std::vector<SortKey> order_by;   // string_agg(x, ',' ORDER BY y): rows fed in this order
  std::string display;             // "sum(price)" for EXPLAIN
};

// Output: the group keys, then one column per aggregate call, in order.
struct AggregateSpec {
  std::vector<BoundExprPtr> group_keys;
  std::vector<AggregateCall> aggregates;
  SchemaPtr output_schema;
};

enum class PhysicalJoinType { kInner, kLeft, kRight, kFull, kSemi, kAnti, kCross };

// Output: left columns then right columns (semi/anti: left columns only). Keys are evaluated on
// their own side; `residual` on the combined row (left columns then right columns). NULL keys
// never match (SQL `=`), except where `null_equals_null` (IS NOT DISTINCT FROM keys, INTERSECT).
struct JoinSpec {
  PhysicalJoinType type = PhysicalJoinType::kInner;
  std::vector<BoundExprPtr> left_keys;
  std::vector<BoundExprPtr> right_keys;
  std::vector<bool> null_equals_null;
  BoundExprPtr residual;  // extra ON condition (non-equi parts); null when none
  // kAnti only: NOT IN semantics instead of NOT EXISTS (set by the binder for `x NOT IN (SELECT
  // y ...)`): a non-empty right side holding a NULL key yields no row at all, and a left row with a
  // NULL key yields no row unless the right side is empty. One key only (hash_join.h).
  bool anti_null_aware = false;
  SchemaPtr left_schema;
  SchemaPtr right_schema;
  SchemaPtr output_schema;
};

enum class WindowFrameUnit { kRows, kRange, kGroups };
struct WindowFrameBound {
  enum class Kind { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };
  Kind kind = Kind::kUnboundedPreceding;
  Value offset;  // kPreceding/kFollowing
};
struct WindowCall {
  // Exactly one of: a ranking/navigation function, or an aggregate over the frame.
  std::optional<BoundWindowFunction> window_function;
  AggregateFunctionPtr aggregate;
  std::vector<BoundExprPtr> args;
  bool ignore_nulls = false;
  std::vector<BoundExprPtr> partition_by;
  std::vector<SortKey> order_by;
  WindowFrameUnit frame_unit = WindowFrameUnit::kRange;
  WindowFrameBound frame_start;  // default: RANGE UNBOUNDED PRECEDING ..
  WindowFrameBound frame_end;    // .. CURRENT ROW (whole partition without ORDER BY)
  std::string display;
};

// Output: the input columns, then one column per window call.
struct WindowSpecPhysical {
  std::vector<WindowCall> calls;
  SchemaPtr output_schema;
};

}  // namespace ark::sql
