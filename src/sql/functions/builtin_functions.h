// The explicit list of built-in functions (DESIGN §3/§4: registration is a list, not static
// initialisers). FunctionRegistry::Builtins() calls these once.
#pragma once

#include "sql/functions/function.h"

namespace ark::sql {

// Operators and scalar functions: arithmetic, comparison, math, string, regexp, date/time, JSON,
// list and struct access (functions/scalar_*.cc).
void RegisterScalarFunctions(FunctionRegistry& registry);
// count, sum, avg, min, max, stddev/variance, bool_and/or, string_agg, array_agg,
// approx_percentile, approx_count_distinct, first_value/last_value as aggregates
// (functions/aggregate_*.cc).
void RegisterAggregateFunctions(FunctionRegistry& registry);
// row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead, first_value,
// last_value, nth_value (functions/window_functions.cc).
void RegisterWindowFunctions(FunctionRegistry& registry);

}  // namespace ark::sql
