// Functions as data (DESIGN §4, DuckDB's model): every scalar, aggregate and window function is
// declared with a binder that resolves argument types to one concrete, vectorized implementation,
// and registered in a FunctionRegistry from one explicit list (functions/builtin_functions.cc).
//
// Scalar kernels run once per batch over whole columns (Datum: column or scalar), never per row
// through a virtual call. Aggregates keep fixed-size per-group states in memory the hash aggregate
// operator owns, updated a batch at a time.
//
// Operators are functions too: the binder turns `a + b` into a call of "+" (see the table in
// OperatorFunctionName), so overloads and coercions have one home.
//
// Thread-safety: bound functions are immutable and shared by every thread running a plan.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/column_builder.h"
#include "core/types.h"
#include "core/value.h"
#include "sql/ast.h"
#include "sql/expr/datum.h"

namespace ark::sql {

// Per-execution context handed to kernels.
struct KernelContext {
  int64_t statement_time_us = 0;  // now()/current_timestamp: fixed for one execution
  std::vector<Value> parameters;  // values of $1, $2, ... (prepared statements): $n is [n - 1]
};

// ---------------------------------------------------------------------------------------------
// Scalar functions

// Computes the function over `rows` rows. Arguments arrive already cast to the bound argument
// types. The result is a column of `rows` values or a scalar. Errors (overflow, division by zero,
// an invalid regular expression) say which function and what value.
using ScalarKernel =
    std::function<Result<Datum>(KernelContext& ctx, std::span<const Datum> args, int64_t rows)>;

struct BoundScalarFunction {
  std::string name;
  std::vector<DataType> arg_types;  // the binder casts each argument to this type
  DataType return_type;
  ScalarKernel kernel;
  bool deterministic = true;  // false for now(), random(): never constant-folded
};

// Picks the overload for the given argument types (after implicit coercion) or explains why none
// fits: "function lower(int64) does not exist; expected lower(string)". `constant_args[i]` holds
// argument i when it is a literal (e.g. a regular expression compiled once at bind time), else
// nullopt.
using ScalarBinder = std::function<Result<BoundScalarFunction>(
    std::span<const DataType> arg_types, std::span<const std::optional<Value>> constant_args)>;

// ---------------------------------------------------------------------------------------------
// Aggregate functions

// One bound aggregate (types resolved). Stateless itself: per-group state lives in memory owned by
// the operator, `state_size()` bytes aligned to 8, initialised by Init and released by Destroy.
class AggregateFunction {
 public:
  virtual ~AggregateFunction() = default;

  virtual const std::string& name() const = 0;
  virtual const DataType& return_type() const = 0;
  virtual size_t state_size() const = 0;
  virtual void Init(uint8_t* state) const = 0;
  // Releases what a state owns (strings, sets). Default: nothing.
  virtual void Destroy(uint8_t* state) const { (void)state; }

  // For r in [0, rows): adds row r of `args` to the state at states[r]. NULL handling is the
  // function's (most skip NULL inputs; count(*) gets no arguments). FILTER and DISTINCT are
  // applied by the operator before calling.
  virtual Status Update(uint8_t* const* states, std::span<const ColumnPtr> args,
                        int64_t rows) const = 0;
  // Adds every row to one state (aggregation without GROUP BY). Default: Update with a repeated
  // state pointer.
  virtual Status UpdateSingle(uint8_t* state, std::span<const ColumnPtr> args, int64_t rows) const;
  // Merges `source` into `target` (partial aggregation, parallel shards).
  virtual void Combine(uint8_t* target, const uint8_t* source) const = 0;
  // Appends the result of each state to `out` (a builder of return_type()).
  virtual Status Finalize(const uint8_t* const* states, int64_t count,
                          ColumnBuilder& out) const = 0;

  // Streaming [streaming issue]: removes rows previously added (retractable aggregates).
  virtual bool retractable() const { return false; }
  virtual Status Retract(uint8_t* const* states, std::span<const ColumnPtr> args,
                         int64_t rows) const;

  // State serialization (streaming operators save their state into state/ tables): Serialize
  // appends the bytes of `state` to `out`; Deserialize fills `state` (Init'ed by the caller) from
  // exactly such bytes, so that Finalize, Update, Combine and Retract go on as with the original.
  // The bytes are for this build's same bound function (the plan fingerprint guards that). The
  // default copies the state_size() bytes: right for plain fixed-size states only — a function
  // whose states own heap memory overrides both. Deserialize errors name the function.
  virtual void Serialize(const uint8_t* state, std::string* out) const;
  virtual Status Deserialize(std::string_view bytes, uint8_t* state) const;
};
using AggregateFunctionPtr = std::shared_ptr<const AggregateFunction>;

using AggregateBinder = std::function<Result<AggregateFunctionPtr>(
    std::span<const DataType> arg_types, std::span<const std::optional<Value>> constant_args)>;

// ---------------------------------------------------------------------------------------------
// Window functions (ranking and navigation; aggregates OVER (...) reuse AggregateFunction)

enum class WindowFunctionKind {
  kRowNumber,
  kRank,
  kDenseRank,
  kPercentRank,
  kCumeDist,
  kNtile,
  kLag,
  kLead,
  kFirstValue,
  kLastValue,
  kNthValue,
};

struct BoundWindowFunction {
  std::string name;
  WindowFunctionKind kind;
  std::vector<DataType> arg_types;
  DataType return_type;
};

using WindowBinder = std::function<Result<BoundWindowFunction>(
    std::span<const DataType> arg_types, std::span<const std::optional<Value>> constant_args)>;

// ---------------------------------------------------------------------------------------------
// Registry

struct FunctionDoc {
  std::string category;     // "math", "string", "regexp", "datetime", "json", "aggregate", ...
  std::string signature;    // "substr(s string, start int64 [, length int64]) → string"
  std::string description;  // one or two sentences
  std::string example;      // "substr('hello', 2, 3) → 'ell'"
};

class FunctionRegistry {
 public:
  // Every built-in function (built once, immutable, thread-safe).
  static const FunctionRegistry& Builtins();

  void AddScalar(std::string name, ScalarBinder binder, FunctionDoc doc);
  void AddAggregate(std::string name, AggregateBinder binder, FunctionDoc doc);
  void AddWindow(std::string name, WindowBinder binder, FunctionDoc doc);
  // Another name for an existing function of any kind ("ceiling" → "ceil").
  void AddAlias(std::string alias, std::string target);

  // Null when there is no such function of that kind. Names are lower case. FindScalar and
  // Names() also see the user functions installed for the process (user_functions.h).
  const ScalarBinder* FindScalar(std::string_view name) const;
  const AggregateBinder* FindAggregate(std::string_view name) const;
  const WindowBinder* FindWindow(std::string_view name) const;

  // Every name of every kind, for "did you mean" and the SQL reference.
  std::vector<std::string> Names() const;
  const FunctionDoc* Doc(std::string_view name) const;

 private:
  std::string Resolve(std::string_view name) const;
  std::map<std::string, ScalarBinder, std::less<>> scalars_;
  std::map<std::string, AggregateBinder, std::less<>> aggregates_;
  std::map<std::string, WindowBinder, std::less<>> windows_;
  std::map<std::string, std::string, std::less<>> aliases_;
  std::map<std::string, FunctionDoc, std::less<>> docs_;
};

// The function implementing an operator: "+", "-", "*", "/", "%", "^", "=", "<>", "<", "<=", ">",
// ">=", "||", "->", "->>", "like", "ilike", "similar_to", "regexp_like" (~), "regexp_ilike" (~*),
// and "negate" for unary minus. AND, OR, NOT, IS [NOT] NULL, IS DISTINCT FROM, IN, BETWEEN, CASE,
// CAST, COALESCE and NULLIF are expression kinds of their own (bound_expr.h), not functions.
std::string_view OperatorFunctionName(BinaryOp op);

// Other syntax the binder maps onto scalar functions (functions/scalar_*.cc):
//   a[i] → list_element(a, i) (alias list_extract), a[i:j] → list_slice(a, i, j) (a NULL bound
//   is open), a.b on a struct → struct_extract(a, 'b'), ARRAY[x, y] / [x, y] → list_value(x, y),
//   EXTRACT(f FROM x) → date_part('f', x), POSITION(a IN b) → position(a, b),
//   TRIM([BOTH|LEADING|TRAILING] c FROM s) → btrim/ltrim/rtrim(s, c), x LIKE p ESCAPE e →
//   like(x, p, e), CURRENT_TIMESTAMP / CURRENT_DATE → now() / current_date(), GREATEST/LEAST →
//   greatest/least (variadic, NULLs skipped).

}  // namespace ark::sql
