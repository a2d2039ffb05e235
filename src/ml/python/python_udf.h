// Vectorized Python UDFs for SQL (DESIGN §6): the `udfs:` of the configuration, callable from the
// `sql` and `stream_sql` processors by name (sql/functions/user_functions.h).
//
//   udfs:
//     - name: fahrenheit
//       script: |
//         def fahrenheit(c):
//             return c * 9 / 5 + 32
//       return_type: double
//   ... SELECT sensor, fahrenheit(celsius) AS f FROM flow
//
// The function is called once per batch, one positional argument per SQL argument, each a
// one-dimensional numpy array of the batch's length, passed as the python processor passes
// columns (python_function.h): int32/int64/float32/float64 without nulls are read-only views of
// the column (no copy); bool without nulls a numpy bool array; strings (binary) and columns with
// nulls are object arrays of str (bytes) / numbers with None for NULL. A constant argument arrives
// as an array of the batch's length. Other argument types (timestamps, dates, lists, ...) are
// refused when the query is bound; an untyped NULL literal too (CAST it).
//
// It returns a numpy array or a list with one value per row; None is NULL (NaN stays NaN). The
// values are converted to `return_type` (bool, int32, int64, float32, float64, string, binary):
// numbers of any numeric type as CAST converts them; bools, strings and bytes only to their own
// type; a result of only None values is NULLs of `return_type`. Anything else — a scalar, a wrong
// length, a value of another kind — fails the batch with an error naming the UDF. So does an
// exception, with its Python traceback: in the sql processor the batch goes to error_output.
//
// Thread-safety: UDFs are immutable; each call holds the GIL only for its duration, so the calls
// of every Python function in the process run one at a time.
#pragma once

#include <memory>
#include <vector>

#include "base/status.h"
#include "config/engine_config.h"
#include "sql/functions/user_functions.h"

namespace ark::ml {

// Loads every entry: starts the interpreter if needed, runs `script` or imports `module` and
// finds `function`; parses `return_type`. Errors are ConfigErrors at the entry's position naming
// the UDF (with the Python traceback of a syntax or import error).
Result<std::vector<std::shared_ptr<const sql::UserFunction>>> LoadPythonUdfs(
    const std::vector<UdfConfig>& udfs);

// LoadPythonUdfs, then installs them for every query prepared afterwards (replacing those
// installed before); a name of a built-in function is refused at the entry's position.
Status InstallPythonUdfs(const std::vector<UdfConfig>& udfs);

}  // namespace ark::ml
