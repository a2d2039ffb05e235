// The logical plan: what the binder produces from the AST and the optimizer rewrites, before the
// planner turns it into physical operators (planner.h).
//
// A plan is a tree of LogicalOp nodes. Every column a node produces has a ColumnId that is unique
// within the query, so expressions keep their meaning when the optimizer moves them between
// nodes: in a logical plan BoundExpr::column_index holds a ColumnId, not a position. The planner
// rewrites ids into input positions when it builds operators.
//
//   Scan flow [channel, price]        columns: one per kept table column (new ids)
//   Filter (price > 100)              columns: its child's
//   Aggregate keys=[channel] aggs=[count(*)]   columns: keys, then aggregates (new ids)
//   Project [channel, count(*) AS cnt]         columns: one per expression (new ids)
//
// Scalar and EXISTS subqueries that do not depend on the outer row are planned separately
// (LogicalPlan::subqueries) and referenced from expressions as kParameter nodes with a negative
// index (SubquerySlotExpr); the executor runs them first and substitutes their values. Statement
// parameters ($1, $2, ...) are kParameter nodes with their positive index.
//
// Thread-safety: built and rewritten by one thread; immutable afterwards.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/types.h"
#include "sql/ast.h"
#include "sql/expr/bound_expr.h"
#include "sql/operators/operator.h"

namespace ark::sql {

// Identifies one column of one node of a logical plan, unique within the query.
using ColumnId = int;

struct LogicalColumn {
  ColumnId id = -1;
  std::string name;
  DataType type;
};

enum class LogicalOpKind {
  kScan,          // a catalog table: `table`, `scan_columns`
  kValues,        // constant rows: `rows` (expressions without columns) or `constant_rows`
  kFilter,        // `predicate` over the child
  kProject,       // `exprs`, one per output column
  kAggregate,     // `group_keys`, `aggregates`
  kWindow,        // child's columns, then one per `windows` call
  kJoin,          // `join_type`, `predicate` (ON condition; null = TRUE)
  kSort,          // `sort_keys`
  kLimit,         // `limit` (nullopt = none), `offset`
  kTopN,          // `sort_keys`, `limit`, `offset`
  kDistinct,      // every column of the child
  kUnionAll,      // children's columns map positionally onto this node's columns
  kSetOperation,  // INTERSECT/EXCEPT [ALL] of two children: `set_op`, `set_all`
  kWindowTvf,     // TUMBLE/HOP/CUMULATE over the child: its columns, then window_start, window_end
};

// A window table function (Flink/RisingWave): assigns each row of its input to the windows that
// contain its time column's value, one output row per (row, window), with two new timestamp
// columns window_start and window_end (exclusive). Windows are aligned to the epoch plus `offset`.
//   TUMBLE   size:        [k*size + offset, (k+1)*size + offset)
//   HOP      slide, size: every window of length size starting at k*slide + offset
//   CUMULATE step, size:  windows of length step, 2*step, ... size starting at k*size + offset
//   SESSION  gap (size_us): [t, t + gap) per row — a proto-session that the streaming session
//            aggregation merges with the overlapping ones of the same key; on its own (one
//            batch) it is refused, since sessions only exist once merged.
enum class WindowTvfKind { kTumble, kHop, kCumulate, kSession };
struct WindowTvfSpec {
  WindowTvfKind kind = WindowTvfKind::kTumble;
  int time_column = -1;  // logical plan: a ColumnId of the child; physical: its input position
  int64_t size_us = 0;
  int64_t slide_us = 0;  // HOP: slide; CUMULATE: step; TUMBLE: equals size_us
  int64_t offset_us = 0;
};
std::string_view WindowTvfKindName(WindowTvfKind kind);
// "TUMBLE(date_time, size=10s)": `names` is indexed by spec.time_column.
std::string WindowTvfToString(const WindowTvfSpec& spec, const std::vector<std::string>& names);

struct LogicalOp;
using LogicalOpPtr = std::unique_ptr<LogicalOp>;

struct LogicalOp {
  explicit LogicalOp(LogicalOpKind k) : kind(k) {}

  LogicalOpKind kind;
  std::vector<LogicalOpPtr> children;
  // The output columns, in the order the physical operator produces them.
  std::vector<LogicalColumn> columns;

  // kScan: the table, its schema, and which of its columns are read (in output order).
  std::string table;
  SchemaPtr table_schema;
  std::vector<int> scan_columns;

  // kValues
  std::vector<std::vector<BoundExprPtr>> rows;
  std::optional<Batch> constant_rows;  // precomputed rows (generate_series)

  // kFilter: the predicate; kJoin: the ON condition.
  BoundExprPtr predicate;
  // kFilter: when set, the node is an assertion: a row where the predicate is not TRUE fails the
  // query with this message instead of being dropped. Rows pass unchanged.
  std::string assert_message;
  // kProject
  std::vector<BoundExprPtr> exprs;
  // kAggregate
  std::vector<BoundExprPtr> group_keys;
  std::vector<AggregateCall> aggregates;
  // kWindow
  std::vector<WindowCall> windows;
  // kJoin
  JoinType join_type = JoinType::kInner;
  // kAnti only: NOT IN semantics (JoinSpec::anti_null_aware); the predicate is one equality.
  bool null_aware = false;
  // kSort, kTopN
  std::vector<SortKey> sort_keys;
  // kLimit, kTopN
  std::optional<int64_t> limit;
  int64_t offset = 0;
  // kSetOperation (kIntersect or kExcept)
  SetOpKind set_op = SetOpKind::kIntersect;
  bool set_all = false;
  // kWindowTvf
  WindowTvfSpec window_tvf;

  const LogicalOp& child(int i) const { return *children[i]; }
  // Position of column `id` among `columns`, or -1.
  int IndexOf(ColumnId id) const;
};

// A subquery planned on its own and run before the main plan.
struct SubqueryPlan {
  enum class Kind {
    kScalar,  // one column, at most one row (NULL when none)
    kExists,  // TRUE when the plan yields any row
  };
  Kind kind = Kind::kScalar;
  LogicalOpPtr plan;
  DataType type;  // kScalar: the column's type; kExists: bool
};

struct ColumnInfo {
  std::string name;       // "price"
  std::string qualified;  // "flow.price" (for messages); equals name when there is no table
  DataType type;
};

struct LogicalPlan {
  LogicalOpPtr root;
  // Indexed by ColumnId.
  std::vector<ColumnInfo> column_info;
  // Slot k is referenced by SubquerySlotExpr(k); inner subqueries come before outer ones.
  std::vector<SubqueryPlan> subqueries;
  int num_parameters = 0;
  // Tables read (lower case), in first-use order.
  std::vector<std::string> input_tables;

  ColumnId NewColumn(std::string name, DataType type, std::string qualified = "");
  // Names of every column id (for BoundExpr::ToString).
  std::vector<std::string> ColumnNames() const;
  // The plan text: the main plan, then each subquery ("Subquery $1 (scalar):").
  std::string ToString() const;
};

// `expr` for EXPLAIN: columns by `names` (indexed by column_index), subquery slots as
// "$subquery1", ...
std::string ExprToString(const BoundExpr& expr, const std::vector<std::string>& names);

// One line per node, indented two spaces per level, children in port order.
std::string LogicalOpToString(const LogicalOp& op, const std::vector<std::string>& names);
// The first line of LogicalOpToString (the node alone).
std::string LogicalOpLine(const LogicalOp& op, const std::vector<std::string>& names);

// ---------------------------------------------------------------------------------------------
// Expression helpers shared by the binder, optimizer and planner.

// kParameter nodes with a negative index stand for the value of subquery slot -(index + 1).
BoundExprPtr SubquerySlotExpr(int slot, DataType type);
// The slot of a subquery placeholder, or -1 for anything else.
int SubquerySlotOf(const BoundExpr& expr);

// Structural equality (same kinds, types, columns, constants, functions, children).
bool ExprEquals(const BoundExpr& a, const BoundExpr& b);
// Calls `fn` for every kColumn node.
void ForEachColumnRef(const BoundExpr& expr, const std::function<void(int)>& fn);
// True when `expr` reads only columns for which `allowed` returns true.
bool ReadsOnly(const BoundExpr& expr, const std::function<bool(int)>& allowed);
// True when every function in `expr` is deterministic (no now(), random()).
bool IsDeterministic(const BoundExpr& expr);
// True when `expr` contains a kParameter node (statement parameter or subquery slot).
bool HasParameters(const BoundExpr& expr);
// Replaces, in place, every kColumn node for which `fn` returns a replacement.
void ReplaceColumnRefs(BoundExprPtr& expr, const std::function<BoundExprPtr(const BoundExpr&)>& fn);
// Splits nested ANDs into their conjuncts (moved out of `expr`).
void SplitConjuncts(BoundExprPtr expr, std::vector<BoundExprPtr>* out);
// AND of `conjuncts` (null when empty, the single one when one).
BoundExprPtr MakeConjunction(std::vector<BoundExprPtr> conjuncts);
// Builders for the special forms of bound_expr.h.
BoundExprPtr MakeNot(BoundExprPtr operand);
BoundExprPtr MakeAnd(BoundExprPtr a, BoundExprPtr b);
BoundExprPtr MakeOr(BoundExprPtr a, BoundExprPtr b);
BoundExprPtr MakeIsNull(BoundExprPtr operand, bool negated);
// Value of a constant boolean expression: true/false, or nullopt when not a constant bool (or
// NULL).
std::optional<bool> ConstantBool(const BoundExpr& expr);
bool IsNullConstant(const BoundExpr& expr);
// True for a call of the `=` operator with two arguments.
bool IsEqualityCall(const BoundExpr& expr);
// Evaluates an expression that reads no column (over one row of no columns).
Result<Value> EvaluateConstant(const BoundExpr& expr, KernelContext ctx = {});

// Node builders: the columns follow from the children.
LogicalOpPtr MakeFilterOp(LogicalOpPtr child, BoundExprPtr predicate);
// `condition` may be null (cross join, or a join whose condition was pushed elsewhere).
LogicalOpPtr MakeJoinOp(JoinType type, LogicalOpPtr left, LogicalOpPtr right,
                        BoundExprPtr condition);
// A projection that keeps the child's columns `ids` (same ids, no computation).
LogicalOpPtr MakeKeepOp(LogicalOpPtr child, const std::vector<ColumnId>& ids);

}  // namespace ark::sql
