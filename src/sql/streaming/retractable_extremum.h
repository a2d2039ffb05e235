// RetractableExtremum: min() and max() that stay correct when rows are retracted — what a
// changelog aggregation uses in place of the built-in min/max (which keep one value and cannot
// take one back) when its input is itself a changelog. The state is a count per distinct value
// (an ordered map): an update adds one, a retraction removes one, and the result is the first or
// last value left (NULL when none). NULL inputs are skipped, as by min/max.
//
//   ARK_ASSIGN_OR_RETURN(AggregateFunctionPtr f, MakeRetractableExtremum("max",
//   DataType::Int64()));
//
// Supported argument types: integers, floats, timestamps, dates, strings.
//
// Thread-safety: the function object is immutable; states belong to one operator.
#pragma once

#include <string_view>

#include "base/status.h"
#include "sql/functions/function.h"

namespace ark::sql {

// `name` is "min" or "max"; NotSupported for other argument types.
Result<AggregateFunctionPtr> MakeRetractableExtremum(std::string_view name, const DataType& type);

}  // namespace ark::sql
