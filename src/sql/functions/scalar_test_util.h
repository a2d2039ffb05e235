// Test helpers for scalar functions and expressions: build columns from Values, call a registered
// function the way the binder and evaluator do (bind with argument types and constants, cast the
// arguments, run the kernel), and show results as text.
//
// Thread-safety: test-only, single thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/column_builder.h"
#include "core/value.h"
#include "sql/expr/cast.h"
#include "sql/functions/builtin_functions.h"
#include "sql/functions/scalar_kernel.h"

namespace ark::sql::testing {

inline ColumnPtr Col(const DataType& type, const std::vector<Value>& values) {
  std::unique_ptr<ColumnBuilder> b = MakeBuilder(type);
  for (const Value& v : values) {
    if (v.is_null()) {
      b->AppendNull();
    } else {
      v.AppendTo(*b);
    }
  }
  return b->Finish();
}

inline Value I32(int32_t v) { return Value::Int32(v); }
inline Value I64(int64_t v) { return Value::Int64(v); }
inline Value F64(double v) { return Value::Float64(v); }
inline Value Str(std::string v) { return Value::String(std::move(v)); }
inline Value B(bool v) { return Value::Bool(v); }
inline Value Null(DataType t = DataType::Null()) { return Value::Null(std::move(t)); }

// "v1, v2, NULL" — Value::ToString of each row.
inline std::string Show(const Datum& d, int64_t rows) {
  if (d.is_scalar()) return "scalar " + d.scalar().ToString();
  std::string out;
  const Column& c = *d.column();
  EXPECT_EQ(c.length(), rows);
  for (int64_t i = 0; i < c.length(); ++i) {
    if (i) out += ", ";
    out += Value::FromColumn(c, i).ToString();
  }
  return out;
}

// Strings without the quotes Value::ToString adds, for text-heavy tests.
inline std::string ShowText(const Datum& d) {
  if (d.is_scalar()) return d.scalar().is_null() ? "NULL" : d.scalar().string_value();
  std::string out;
  const Column& c = *d.column();
  for (int64_t i = 0; i < c.length(); ++i) {
    if (i) out += "|";
    out += c.IsNull(i) ? "NULL" : std::string(c.GetView(i));
  }
  return out;
}

class FunctionTester {
 public:
  FunctionTester() { RegisterScalarFunctions(registry_); }

  const FunctionRegistry& registry() const { return registry_; }
  KernelContext& context() { return ctx_; }

  Result<BoundScalarFunction> Bind(const std::string& name, const std::vector<DataType>& types,
                                   const std::vector<std::optional<Value>>& constants = {}) {
    const ScalarBinder* binder = registry_.FindScalar(name);
    if (binder == nullptr) return Status::NotFound("no function {}", name);
    std::vector<std::optional<Value>> c = constants;
    c.resize(types.size());
    return (*binder)(types, c);
  }

  // Binds with the types of `args` (scalars count as constants), casts, runs.
  Result<Datum> Call(const std::string& name, std::vector<Datum> args, int64_t rows) {
    std::vector<DataType> types;
    std::vector<std::optional<Value>> constants;
    for (const Datum& d : args) {
      types.push_back(d.type());
      constants.push_back(d.is_scalar() ? std::optional<Value>(d.scalar()) : std::nullopt);
    }
    ARK_ASSIGN_OR_RETURN(BoundScalarFunction f, Bind(name, types, constants));
    for (size_t i = 0; i < args.size(); ++i) {
      ARK_ASSIGN_OR_RETURN(args[i], CastDatum(args[i], f.arg_types[i], false, rows));
    }
    ARK_ASSIGN_OR_RETURN(Datum out, f.kernel(ctx_, args, rows));
    if (out.type() != f.return_type && out.type().id() != TypeId::kNull) {
      return Status::Internal("{} returned {} but declared {}", name, out.type().ToString(),
                              f.return_type.ToString());
    }
    return out;
  }

  // All-scalar call: the result Value.
  Result<Value> Eval(const std::string& name, std::vector<Value> args) {
    std::vector<Datum> d;
    for (Value& v : args) d.emplace_back(std::move(v));
    ARK_ASSIGN_OR_RETURN(Datum out, Call(name, std::move(d), 1));
    if (!out.is_scalar()) return Status::Internal("{} of scalars returned a column", name);
    return out.scalar();
  }

  // Eval, as text: Value::ToString, or "ERROR: <message>".
  std::string Text(const std::string& name, std::vector<Value> args) {
    Result<Value> r = Eval(name, std::move(args));
    if (!r.ok()) return "ERROR: " + r.status().message();
    return r->ToString();
  }

 private:
  FunctionRegistry registry_;
  KernelContext ctx_;
};

}  // namespace ark::sql::testing
