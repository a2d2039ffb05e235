// Physical planner: an optimized logical plan (logical_plan.h) → a PhysicalPlan, the immutable
// recipe from which each execution builds its operators (operators/).
//
// A PhysicalPlan is a DAG of nodes. Each node says how to build its operator, which nodes feed
// its input ports, and its line for EXPLAIN. Sources are scans (fed with a table's batches by the
// executor) and VALUES (which produce on their own). Column ids of the logical plan become input
// positions here; ON conditions become hash-join keys (equalities between the two sides, IS NOT
// DISTINCT FROM with NULLs equal) plus a residual, or a nested-loop join when there is no key.
//
// Subqueries planned separately (LogicalPlan::subqueries) become init plans, run before the main
// plan; their values and the statement's parameters are substituted into the expressions as
// constants when the operators are built (so plans with them rebuild their operators per run).
//
// Thread-safety: a PhysicalPlan is immutable once built; Instantiate may be called from several
// threads at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/logical_plan.h"
#include "sql/operators/operator.h"

namespace ark::sql {

// Values substituted for kParameter nodes when operators are built.
struct ParameterValues {
  const std::vector<Value>* parameters = nullptr;  // $1 is [0]
  const std::vector<Value>* slots = nullptr;       // subquery slot k is [k]
};

// A copy of `expr` with statement parameters and subquery slots replaced by their values.
Result<BoundExprPtr> SubstituteParameters(const BoundExpr& expr, const ParameterValues& values);

struct PhysicalNode {
  // Builds the node's operator. `ctx` outlives the operator (statement time for now()).
  std::function<Result<OperatorPtr>(const ParameterValues& values, const KernelContext* ctx)> make;
  std::vector<int> inputs;   // the node feeding each input port
  SchemaPtr schema;          // output schema
  std::string explain;       // one line for EXPLAIN
  std::string table;         // scans: the table read (lower case); empty otherwise
  bool is_source = false;    // scans and VALUES
  bool build_first = false;  // joins, INTERSECT/EXCEPT: drive port 1 (the side read whole) first
  // The logical node it was planned from, for the streaming planner (sql/streaming), which keeps
  // the LogicalPlan alive; dangling once the LogicalPlan is gone (PreparedQuery does not keep it).
  const LogicalOp* logical = nullptr;
  // Aggregates: the specification `make` builds from (expressions over input positions), for
  // operators that aggregate differently (streaming).
  std::shared_ptr<const AggregateSpec> aggregate;
  // OVER (...) windows: the specification (expressions over input positions).
  std::shared_ptr<const WindowSpecPhysical> window;
  // Joins: the specification (keys and residual over each side's positions).
  std::shared_ptr<const JoinSpec> join;
};

class PhysicalPlan {
 public:
  std::vector<PhysicalNode> nodes;
  int root = -1;
  // Sources in the order the executor drives them: build sides of joins before probe sides.
  std::vector<int> source_order;

  struct InitPlan {
    SubqueryPlan::Kind kind = SubqueryPlan::Kind::kScalar;
    DataType type;
    std::unique_ptr<PhysicalPlan> plan;
  };
  // Run in order before the main plan; init plan k fills subquery slot k.
  std::vector<InitPlan> init_plans;
  // Some expression reads a parameter or a slot: operators are rebuilt for every execution.
  bool has_parameters = false;
  int num_parameters = 0;

  // One operator per line, children indented by two spaces; init plans follow.
  std::string Explain() const;
};

Result<std::unique_ptr<PhysicalPlan>> CreatePhysicalPlan(const LogicalPlan& plan);

}  // namespace ark::sql
