// Datum: an argument or result of a vectorized kernel — either a column holding one value per row,
// or a single scalar standing for every row (so `price * 2` never materializes a column of 2s).
//
// Thread-safety: value type over immutable data.
#pragma once

#include <cstdint>
#include <variant>

#include "core/column.h"
#include "core/value.h"

namespace ark::sql {

class Datum {
 public:
  Datum() = default;
  explicit Datum(ColumnPtr column) : v_(std::move(column)) {}
  explicit Datum(Value scalar) : v_(std::move(scalar)) {}

  bool is_scalar() const { return std::holds_alternative<Value>(v_); }
  bool is_column() const { return std::holds_alternative<ColumnPtr>(v_); }
  // REQUIRES: is_column()
  const ColumnPtr& column() const { return std::get<ColumnPtr>(v_); }
  // REQUIRES: is_scalar()
  const Value& scalar() const { return std::get<Value>(v_); }

  const DataType& type() const { return is_scalar() ? scalar().type() : column()->type(); }
  // The column, or the scalar repeated `rows` times.
  ColumnPtr ToColumn(int64_t rows) const {
    return is_scalar() ? scalar().ToColumn(rows) : column();
  }

 private:
  std::variant<ColumnPtr, Value> v_;
};

}  // namespace ark::sql
