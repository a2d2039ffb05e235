// Optimizer: rewrites a bound logical plan (logical_plan.h) into an equivalent cheaper one.
//
// Rules, applied in this order by Optimize() to the main plan and to every subquery plan:
//  1. FoldConstants — subtrees that read no column and call only deterministic functions are
//     evaluated once (`1 + 2` → 3, `lower('A')` → 'a'); AND/OR with constant operands are
//     simplified; a filter that is always TRUE disappears, one that is always FALSE or NULL
//     becomes an empty VALUES. A subtree whose evaluation fails (1 / 0) is left as it is, so the
//     error surfaces when the query runs, as PostgreSQL reports it.
//  2. PushDownFilters — filters are split into conjuncts and moved as close to the scans as they
//     can go: through projections (columns replaced by their expressions), sorts and DISTINCT,
//     below an aggregate when they only read group keys, below a window when they only read
//     partition keys, into UNION ALL / INTERSECT / EXCEPT inputs, and into joins: for inner joins
//     to the side whose columns they read (or into the join condition when they read both), for
//     outer joins only to the preserved side (and ON conditions to the other side), for semi and
//     anti joins to the left (and ON conditions on the right to the right).
//  3. PruneColumns — every node keeps only the columns someone above reads: scans read only the
//     needed table columns, projections and aggregates drop unread expressions.
//  4. SimplifyPlan — LIMIT over ORDER BY becomes one top-N node; a projection over a projection
//     becomes one (unless an expression would be computed twice); identity projections
//     disappear.
//
// Thread-safety: pure functions over a plan owned by the caller.
#pragma once

#include "base/status.h"
#include "sql/logical_plan.h"

namespace ark::sql {

Status Optimize(LogicalPlan* plan);

// The rules, one by one (each applies to `plan->root` and every subquery plan).
void FoldConstants(LogicalPlan* plan);
void PushDownFilters(LogicalPlan* plan);
void PruneColumns(LogicalPlan* plan);
void SimplifyPlan(LogicalPlan* plan);

// Folds one expression in place (rule 1).
void FoldExpression(BoundExprPtr& expr);

}  // namespace ark::sql
