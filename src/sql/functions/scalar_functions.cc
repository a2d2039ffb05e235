#include "sql/functions/builtin_functions.h"
#include "sql/functions/predict.h"
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
  RegisterPredictFunction(registry);
}

}  // namespace ark::sql
