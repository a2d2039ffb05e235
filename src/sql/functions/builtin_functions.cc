#include "sql/functions/builtin_functions.h"

namespace ark::sql {

const FunctionRegistry& FunctionRegistry::Builtins() {
  static const FunctionRegistry* const kRegistry = [] {
    auto* registry = new FunctionRegistry();
    RegisterScalarFunctions(*registry);
    RegisterAggregateFunctions(*registry);
    RegisterWindowFunctions(*registry);
    return registry;
  }();
  return *kRegistry;
}

}  // namespace ark::sql
