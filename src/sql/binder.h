// Binder: AST (ast.h) → logical plan (logical_plan.h).
//
// Resolves tables (catalog and CTEs), columns (qualified, unqualified, struct fields, USING
// merges), `*`, functions and operators (FunctionRegistry), types and implicit coercions (explicit
// Cast nodes, cast.h), aggregates and GROUP BY rules, window functions, set operations,
// subqueries, VALUES, ORDER BY/LIMIT, following PostgreSQL's rules and messages. Every error
// points into the SQL text (line:column and a caret, sql_error.h):
//
//   1:8: column "prise" does not exist; did you mean "price"?
//     SELECT prise FROM flow
//            ^^^^^
//
// Subqueries: uncorrelated scalar and EXISTS subqueries become slots of LogicalPlan::subqueries
// (run first, values substituted); IN (subquery) as a WHERE conjunct becomes a semi join, elsewhere
// (and NOT IN, with its NULL semantics) a left join against the distinct values plus two EXISTS
// slots; correlated subqueries whose correlation is a conjunct of their WHERE are decorrelated
// (EXISTS/IN → semi/anti join; a scalar aggregate with equality correlations → a left join against
// the aggregate grouped by the correlated columns). Other correlated forms are refused with an
// error naming them.
//
// Literals: integers are int32 when they fit, else int64 (PostgreSQL); decimal literals are
// float64 (the engine has no DECIMAL type); string literals are strings that coerce implicitly to
// the type on the other side of an operator.
//
// Thread-safety: pure functions over immutable inputs.
#pragma once

#include <string_view>

#include "base/status.h"
#include "core/schema.h"
#include "sql/ast.h"
#include "sql/logical_plan.h"
#include "sql/query.h"

namespace ark::sql {

// Binds one query. `sql` is the statement text the AST was parsed from (for error positions).
Result<LogicalPlan> BindQuery(const SelectStatement& stmt, const Catalog& catalog,
                              std::string_view sql);

// Binds a standalone expression over the columns of `schema` (for config options that take an SQL
// expression). Columns are referenced by position; aggregates, window functions and subqueries
// are refused.
Result<BoundExprPtr> BindScalarExpression(const Expr& expr, const Schema& schema,
                                          const FunctionRegistry& functions, std::string_view sql);

}  // namespace ark::sql
