// Value: one scalar value of any engine type, with SQL NULL. Used for constants in plans, literal
// folding, group keys in tests and messages — never in per-row hot loops (use columns there).
//
//   Value v = Value::Int64(42);
//   ColumnPtr c = v.ToColumn(1000);        // 1000 copies
//   Value w = Value::FromColumn(*c, 7);    // 42
//
// Thread-safety: value type.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/column.h"
#include "core/column_builder.h"
#include "core/types.h"

namespace ark {

class Value {
 public:
  // NULL of type null.
  Value() = default;
  static Value Null(DataType type = DataType::Null());
  static Value Bool(bool v);
  static Value Int32(int32_t v);
  static Value Int64(int64_t v);
  static Value Float32(float v);
  static Value Float64(double v);
  static Value String(std::string v);
  static Value Binary(std::string v);
  static Value Timestamp(int64_t micros);
  static Value Date(int32_t days);
  static Value Interval(IntervalValue v);
  static Value List(DataType element, std::vector<Value> items);
  static Value Struct(DataType type, std::vector<Value> fields);

  // Value i of `column` (NULL when null).
  static Value FromColumn(const Column& column, int64_t i);

  const DataType& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }

  // REQUIRES: not null and the matching type.
  bool bool_value() const { return std::get<bool>(v_); }
  // int32, int64, date, timestamp widened to int64.
  int64_t int_value() const;
  // float32 and float64 widened to double.
  double float_value() const;
  // string and binary.
  const std::string& string_value() const { return std::get<std::string>(v_); }
  const IntervalValue& interval_value() const { return std::get<IntervalValue>(v_); }
  // list items or struct fields.
  const std::vector<Value>& children() const { return std::get<std::vector<Value>>(v_); }

  // A column holding this value `rows` times.
  ColumnPtr ToColumn(int64_t rows) const;
  // Appends to a builder of type().
  void AppendTo(ColumnBuilder& builder) const;

  // SQL literal-ish text for messages and EXPLAIN: 42, 'abc', NULL, TIMESTAMP '2024-...'.
  std::string ToString() const;

  // Same type and equal value; NULL equals NULL here (structural equality, not SQL `=`).
  friend bool operator==(const Value& a, const Value& b);

 private:
  DataType type_;
  std::variant<std::monostate, bool, int64_t, double, std::string, IntervalValue,
               std::vector<Value>>
      v_;
};

// SQL text forms of values (PostgreSQL output syntax), shared by Value::ToString and
// CAST(... AS string):
//   FormatSqlFloat64(0.1) → "0.1", 1e20 → "1e+20", inf → "Infinity", NaN → "NaN" (shortest
//   round-trip digits; exponent form below 1e-4 or from 1e15 on, like PostgreSQL)
//   FormatSqlFloat32: the same with float precision (exponent form from 1e6 on)
//   FormatSqlTimestamp(µs) → "2024-05-01 12:00:00.5" (UTC, trailing zeros of the fraction
//   trimmed, " BC" for years before 1)
//   FormatSqlDate(days) → "2024-05-01"
//   FormatSqlInterval({14, 3, 4h}) → "1 year 2 mons 3 days 04:00:00"; "-1 days +02:00:00";
//   "00:00:00"
std::string FormatSqlFloat64(double v);
std::string FormatSqlFloat32(float v);
std::string FormatSqlTimestamp(int64_t micros);
std::string FormatSqlDate(int32_t days);
std::string FormatSqlInterval(const IntervalValue& v);

}  // namespace ark
