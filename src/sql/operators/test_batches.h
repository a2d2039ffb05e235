// Test helpers for the relational operators' tests: build small columns and batches from literal
// values (std::nullopt is NULL) and render operator output as one "a|b|NULL" string per row, so
// that tests compare exact rows.
//
// Thread-safety: plain functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "core/column_builder.h"
#include "sql/expr/bound_expr.h"
#include "sql/functions/function.h"
#include "sql/operators/operator.h"

namespace ark::sql::testing {

inline ColumnPtr Int64Col(const std::vector<std::optional<int64_t>>& v) {
  Int64Builder b(DataType::Int64());
  for (const auto& x : v) x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}
inline ColumnPtr Int32Col(const std::vector<std::optional<int32_t>>& v) {
  Int32Builder b(DataType::Int32());
  for (const auto& x : v) x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}
inline ColumnPtr Float64Col(const std::vector<std::optional<double>>& v) {
  Float64Builder b(DataType::Float64());
  for (const auto& x : v) x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}
inline ColumnPtr BoolCol(const std::vector<std::optional<bool>>& v) {
  BoolBuilder b;
  for (const auto& x : v) x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}
inline ColumnPtr StrCol(const std::vector<std::optional<std::string>>& v) {
  StringBuilder b;
  for (const auto& x : v) x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}

// A batch of the named columns (all nullable).
inline Batch MakeBatch(const std::vector<std::pair<std::string, ColumnPtr>>& cols) {
  std::vector<Field> fields;
  std::vector<ColumnPtr> columns;
  for (const auto& [name, c] : cols) {
    fields.emplace_back(name, c->type());
    columns.push_back(c);
  }
  return Batch(Schema::Make(std::move(fields)), std::move(columns),
               columns.empty() ? 0 : columns[0]->length());
}

inline BoundExprPtr Col(int index, DataType type) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kColumn;
  e->column_index = index;
  e->type = std::move(type);
  return e;
}

// A call of the built-in scalar function (or operator) `name`, bound for the argument types.
inline BoundExprPtr Call(const std::string& name, std::vector<BoundExprPtr> args) {
  const ScalarBinder* binder = FunctionRegistry::Builtins().FindScalar(name);
  ARK_CHECK(binder != nullptr, "no such function in a test expression");
  std::vector<DataType> types;
  for (const auto& a : args) types.push_back(a->type);
  std::vector<std::optional<Value>> constants(args.size());
  Result<BoundScalarFunction> fn = (*binder)(types, constants);
  ARK_CHECK(fn.ok(), fn.status().ToString());
  return BoundExpr::Call(std::make_shared<const BoundScalarFunction>(std::move(fn).value()),
                         std::move(args));
}

inline SortKey Key(int index, DataType type, bool descending = false,
                   std::optional<bool> nulls_first = std::nullopt) {
  SortKey k;
  k.expr = Col(index, std::move(type));
  k.descending = descending;
  k.nulls_first = nulls_first.value_or(descending);
  return k;
}

// Every row of `batches` as "v0|v1|...", NULL as "NULL".
inline std::vector<std::string> Rows(const std::vector<Batch>& batches) {
  std::vector<std::string> out;
  for (const auto& b : batches) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      std::string row;
      for (int c = 0; c < b.num_columns(); ++c) {
        if (c) row += "|";
        row += b.column(c)->ValueToString(r);
      }
      out.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace ark::sql::testing
