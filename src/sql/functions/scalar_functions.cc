#include "sql/functions/builtin_functions.h"
#include "sql/functions/scalar_kernel.h"

namespace ark::sql {

void RegisterScalarFunctions(FunctionRegistry& registry) {
  RegisterArithmeticFunctions(registry);
  RegisterComparisonFunctions(registry);
  RegisterMathFunctions(registry);
  RegisterStringFunctions(registry);
  RegisterRegexpFunctions(registry);
  RegisterDatetimeFunctions(registry);
  RegisterJsonFunctions(registry);
  RegisterListFunctions(registry);
}

}  // namespace ark::sql
