// The list of built-in aggregate functions (one family per file).

#include "sql/functions/aggregate_internal.h"
#include "sql/functions/builtin_functions.h"

namespace ark::sql {

void RegisterAggregateFunctions(FunctionRegistry& registry) {
  agg::RegisterBasicAggregates(registry);
  agg::RegisterStatisticAggregates(registry);
  agg::RegisterCollectionAggregates(registry);
  agg::RegisterSketchAggregates(registry);
}

}  // namespace ark::sql
