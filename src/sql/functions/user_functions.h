// User-defined scalar functions: the functions a configuration declares (`udfs:`, Python UDFs in
// src/ml/python/python_udf.h), callable from SQL by name like the built-ins.
//
//   udfs:
//     - name: fahrenheit
//       script: "def fahrenheit(c):\n    return c * 9 / 5 + 32\n"
//       return_type: double
//   ... SELECT fahrenheit(celsius) AS f FROM flow
//
// The SQL engine does not know Python: it calls user functions through the small interface below,
// which src/ml/python implements and src/cli installs at start-up, before queries are prepared.
// Every FunctionRegistry looks an unknown scalar name up among the installed user functions, so
// the `sql` and `stream_sql` processors (and their name checks) see them without knowing of them.
//
// A user function runs once per batch over whole columns. Constant arguments arrive as columns of
// the batch's length. It is never constant-folded (bound as non-deterministic: it may have side
// effects, and it should not run while a query is prepared).
//
// Thread-safety: installed at start-up, then read concurrently. UserFunction implementations are
// thread-safe. Installed functions are never freed (bound queries keep pointers to their binders).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/column.h"
#include "core/types.h"
#include "sql/functions/function.h"

namespace ark::sql {

class UserFunction {
 public:
  virtual ~UserFunction() = default;
  // The SQL name, lower case.
  virtual const std::string& name() const = 0;
  // The result type for arguments of these types, or why they do not fit.
  virtual Result<DataType> Bind(std::span<const DataType> arg_types) const = 0;
  // The function over `rows` (> 0) rows of the argument columns (each `rows` long): a column of
  // `rows` values of the bound type.
  virtual Result<ColumnPtr> Call(std::span<const ColumnPtr> args, int64_t rows) const = 0;
};

// Why `name` cannot name a user function, or OK: it must be a lower-case identifier and not the
// name of a built-in scalar, aggregate or window function or a special form (coalesce, nullif,
// greatest, least).
Status CheckUserFunctionName(std::string_view name);

// Makes `functions` callable by every query prepared afterwards, replacing the set installed
// before (an empty list removes them). Refuses a name CheckUserFunctionName refuses or one used
// twice. Call it at start-up, before queries are prepared.
Status InstallUserFunctions(std::vector<std::shared_ptr<const UserFunction>> functions);

// The binder of the installed user function `name` (lower case), or null. The pointer stays
// valid for the life of the process.
const ScalarBinder* FindUserFunction(std::string_view name);

// The names of the installed user functions, sorted.
std::vector<std::string> UserFunctionNames();

}  // namespace ark::sql
