// A Python function run over whole batches, inside the process (DESIGN §6): the interpreter is
// Debian's CPython 3.11, embedded once per process and shared by every `python` processor.
//
//   PythonFunctionOptions o{.script = "def process(b):\n  return {'y': b['x'] * 2}\n",
//                           .function = "process"};
//   ARK_ASSIGN_OR_RETURN(std::unique_ptr<PythonFunction> f, PythonFunction::Load(o));
//   ARK_ASSIGN_OR_RETURN(std::vector<Batch> out, f->Call(batch));
//
// The function receives the batch as a dict of column name → one-dimensional numpy array:
// int32/int64/float32/float64 columns without nulls are read-only views of the column's buffer (no
// copy); bool columns are copied into numpy bool arrays; strings (binary) and columns with nulls
// are object arrays of str (bytes) / numbers with None for null. Other types (timestamps, dates,
// intervals, lists, structs) are refused with the column's name.
//
// It returns a mapping of column name → numpy array or list (one batch), a list of such mappings
// (several batches), or None (no output). Every column of a batch must have the same length.
// numpy bool/integer/float arrays become bool/int32/int64/float32/float64 columns (unsigned and
// narrower integers widen to int64, float16 to float32); object arrays and lists are typed by
// their values (str → string, bytes → binary, bool, int → int64, float or int+float → float64,
// None → null).
//
// Thread-safety: Call() may run from several threads; each call holds the GIL for its whole
// duration, so calls of every PythonFunction in the process run one at a time. Outside calls the
// GIL is released.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "core/types.h"

namespace ark::ml {

// The column types passed to Python (and what IsPythonType accepts), for error messages.
inline constexpr const char* kPythonTypes = "bool, int32, int64, float32, float64, string, binary";
// Whether columns of type `id` are passed to Python functions (processor and UDFs).
bool IsPythonType(TypeId id);

struct PythonFunctionOptions {
  std::string script;                    // inline code; or
  std::string module;                    // a module to import
  std::string function;                  // the function's name in the script or module
  std::vector<std::string> python_path;  // prepended to sys.path before importing
};

class PythonFunction {
 public:
  // Starts the interpreter if needed, runs `script` or imports `module` and finds `function`.
  // Syntax errors, import errors (with the Python traceback) and a missing or non-callable
  // function are ConfigErrors.
  static Result<std::unique_ptr<PythonFunction>> Load(const PythonFunctionOptions& options);

  ~PythonFunction();
  PythonFunction(const PythonFunction&) = delete;
  PythonFunction& operator=(const PythonFunction&) = delete;

  // Runs the function on `batch`. An exception raised by the function is an error whose message
  // is "<function> raised <Type>: ..." followed by the Python traceback; a result of the wrong
  // shape or type is an error saying which column and what was expected.
  Result<std::vector<Batch>> Call(const Batch& batch) const;

  // Runs the function with one positional argument per column (SQL UDFs, python_udf.h): each is
  // passed as Call passes a batch's column, and the result — a numpy array or a list — becomes a
  // column as Call converts a returned one. Errors begin with `what` (e.g. "udf \"f\""); an
  // exception is "<what> raised <Type>:\n<traceback>". The length is the caller's to check.
  Result<ColumnPtr> CallColumns(std::span<const ColumnPtr> args, const std::string& what) const;

  const std::string& name() const { return name_; }

 private:
  struct Impl;
  explicit PythonFunction(std::unique_ptr<Impl> impl, std::string name);

  std::unique_ptr<Impl> impl_;
  std::string name_;
};

}  // namespace ark::ml
