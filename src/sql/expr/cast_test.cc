#include "sql/expr/cast.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "sql/expr/datetime.h"
#include "sql/functions/scalar_test_util.h"

namespace ark::sql {
namespace {

using namespace ark::sql::testing;  // NOLINT

// CAST of a scalar, as text: Value::ToString or "ERROR: ...".
std::string Cast(const Value& v, const DataType& to, bool try_cast = false) {
  Result<Value> r = CastValue(v, to, try_cast);
  if (!r.ok()) return "ERROR: " + r.status().message();
  return r->ToString();
}

const DataType kI32 = DataType::Int32();
const DataType kI64 = DataType::Int64();
const DataType kF32 = DataType::Float32();
const DataType kF64 = DataType::Float64();
const DataType kStr = DataType::String();
const DataType kBool = DataType::Bool();
const DataType kTs = DataType::Timestamp();
const DataType kDate = DataType::Date();
const DataType kIv = DataType::Interval();

TEST(CastTest, StringToNumbers) {
  EXPECT_EQ(Cast(Str("42"), kI32), "42");
  EXPECT_EQ(Cast(Str("  -17 "), kI64), "-17");
  EXPECT_EQ(Cast(Str("+5"), kI32), "5");
  EXPECT_EQ(Cast(Str("12x"), kI64), "ERROR: invalid input syntax for type int64: \"12x\"");
  EXPECT_EQ(Cast(Str(""), kI32), "ERROR: invalid input syntax for type int32: \"\"");
  EXPECT_EQ(Cast(Str("-"), kI32), "ERROR: invalid input syntax for type int32: \"-\"");
  EXPECT_EQ(Cast(Str("2147483647"), kI32), "2147483647");
  EXPECT_EQ(Cast(Str("-2147483648"), kI32), "-2147483648");
  EXPECT_EQ(Cast(Str("2147483648"), kI32),
            "ERROR: value \"2147483648\" is out of range for type int32");
  EXPECT_EQ(Cast(Str("-9223372036854775808"), kI64), "-9223372036854775808");
  EXPECT_EQ(Cast(Str("9223372036854775808"), kI64),
            "ERROR: value \"9223372036854775808\" is out of range for type int64");
  EXPECT_EQ(Cast(Str("1.5"), kF64), "1.5");
  EXPECT_EQ(Cast(Str(" -2.5e3 "), kF64), "-2500");
  EXPECT_EQ(Cast(Str("NaN"), kF64), "'NaN'::float64");
  EXPECT_EQ(Cast(Str("-Infinity"), kF64), "'-Infinity'::float64");
  EXPECT_EQ(Cast(Str("inf"), kF32), "'Infinity'::float32");
  EXPECT_EQ(Cast(Str("1e400"), kF64), "ERROR: value \"1e400\" is out of range for type float64");
  EXPECT_EQ(Cast(Str("1.2.3"), kF64), "ERROR: invalid input syntax for type float64: \"1.2.3\"");
  EXPECT_EQ(Cast(Str("0.1"), kF32), "0.1");
}

TEST(CastTest, NumericNarrowingAndRounding) {
  EXPECT_EQ(Cast(I64(2147483647), kI32), "2147483647");
  EXPECT_EQ(Cast(I64(2147483648), kI32), "ERROR: int32 out of range");
  // Ties to even, as PostgreSQL's float → integer casts (rint).
  EXPECT_EQ(Cast(F64(2.5), kI32), "2");
  EXPECT_EQ(Cast(F64(3.5), kI32), "4");
  EXPECT_EQ(Cast(F64(-2.5), kI32), "-2");
  EXPECT_EQ(Cast(F64(2.5000001), kI32), "3");
  EXPECT_EQ(Cast(F64(2.4999), kI64), "2");
  EXPECT_EQ(Cast(F64(-0.5), kI64), "0");
  EXPECT_EQ(Cast(F64(0.5), kI64), "0");
  EXPECT_EQ(Cast(Value::Float32(1.5f), kI32), "2");
  EXPECT_EQ(Cast(F64(2147483647.4), kI32), "2147483647");
  EXPECT_EQ(Cast(F64(2147483647.5), kI32), "ERROR: int32 out of range");
  EXPECT_EQ(Cast(F64(std::nan("")), kI64), "ERROR: int64 out of range");
  EXPECT_EQ(Cast(F64(9.3e18), kI64), "ERROR: int64 out of range");
  EXPECT_EQ(Cast(F64(1e39), kF32), "ERROR: float32 out of range");
  EXPECT_EQ(Cast(I32(7), kF64), "7");
  EXPECT_EQ(Cast(I64(-3), kF32), "-3");
  EXPECT_EQ(Cast(Value::Float32(0.5f), kF64), "0.5");
}

TEST(CastTest, Bool) {
  EXPECT_EQ(Cast(Str("true"), kBool), "true");
  EXPECT_EQ(Cast(Str(" YES "), kBool), "true");
  EXPECT_EQ(Cast(Str("f"), kBool), "false");
  EXPECT_EQ(Cast(Str("off"), kBool), "false");
  EXPECT_EQ(Cast(Str("0"), kBool), "false");
  EXPECT_EQ(Cast(Str("maybe"), kBool), "ERROR: invalid input syntax for type bool: \"maybe\"");
  EXPECT_EQ(Cast(B(true), kI32), "1");
  EXPECT_EQ(Cast(B(false), kI64), "0");
  EXPECT_EQ(Cast(I32(-3), kBool), "true");
  EXPECT_EQ(Cast(I64(0), kBool), "false");
  EXPECT_EQ(Cast(B(true), kStr), "'true'");
}

TEST(CastTest, ToString) {
  EXPECT_EQ(Cast(I32(-12), kStr), "'-12'");
  EXPECT_EQ(Cast(F64(0.1), kStr), "'0.1'");
  EXPECT_EQ(Cast(F64(1e20), kStr), "'1e+20'");
  EXPECT_EQ(Cast(Value::Timestamp(1714564800000000), kStr), "'2024-05-01 12:00:00'");
  EXPECT_EQ(Cast(Value::Date(19844), kStr), "'2024-05-01'");
  EXPECT_EQ(Cast(Value::Interval({0, 1, 7200000000000}), kStr), "'1 day 02:00:00'");
  EXPECT_EQ(Cast(Value::Binary("h\xc3\xa9"), kStr), "'hé'");
  EXPECT_EQ(Cast(Value::Binary("a\xff"), kStr),
            "ERROR: invalid byte sequence for encoding \"UTF8\": 0xff");
  EXPECT_EQ(Cast(Value::List(kI32, {I32(1), Null(kI32), I32(3)}), kStr), "'{1,NULL,3}'");
  EXPECT_EQ(Cast(Value::List(kStr, {Str("a b"), Str(""), Str("x"), Str("null")}), kStr),
            "'{\"a b\",\"\",x,\"null\"}'");
  const DataType st = DataType::Struct({Field("a", kI32), Field("b", kStr)});
  EXPECT_EQ(Cast(Value::Struct(st, {I32(1), Str("x y")}), kStr), "'(1,\"x y\")'");
  EXPECT_EQ(Cast(Value::Struct(st, {Null(kI32), Str("x")}), kStr), "'(,x)'");
}

TEST(CastTest, Timestamps) {
  EXPECT_EQ(Cast(Str("2024-05-01 12:00:00"), kTs), "TIMESTAMP '2024-05-01 12:00:00'");
  EXPECT_EQ(Cast(Str("2024-05-01T12:00:00.123456Z"), kTs),
            "TIMESTAMP '2024-05-01 12:00:00.123456'");
  EXPECT_EQ(Cast(Str("2024-05-01 14:00+02:00"), kTs), "TIMESTAMP '2024-05-01 12:00:00'");
  EXPECT_EQ(Cast(Str("2024-05-01 12:00:00 UTC"), kTs), "TIMESTAMP '2024-05-01 12:00:00'");
  EXPECT_EQ(Cast(Str("2024-5-1"), kTs), "TIMESTAMP '2024-05-01 00:00:00'");
  EXPECT_EQ(Cast(Str("epoch"), kTs), "TIMESTAMP '1970-01-01 00:00:00'");
  EXPECT_EQ(Cast(Str("1969-12-31 23:59:59.5"), kTs), "TIMESTAMP '1969-12-31 23:59:59.5'");
  EXPECT_EQ(Cast(Str("2024-02-29"), kTs), "TIMESTAMP '2024-02-29 00:00:00'");
  EXPECT_EQ(Cast(Str("2023-02-29"), kTs),
            "ERROR: date/time field value out of range: \"2023-02-29\"");
  EXPECT_EQ(Cast(Str("2024-01-01 25:00"), kTs),
            "ERROR: date/time field value out of range: \"2024-01-01 25:00\"");
  EXPECT_EQ(Cast(Str("2024-01-01x"), kTs),
            "ERROR: invalid input syntax for type timestamp: \"2024-01-01x\"");
  EXPECT_EQ(Cast(Str("0044-03-15 BC"), kTs), "TIMESTAMP '0044-03-15 00:00:00 BC'");
  EXPECT_EQ(Cast(Str("2024-05-01 12:30"), kDate), "DATE '2024-05-01'");
  EXPECT_EQ(Cast(Str("1900-02-29"), kDate),
            "ERROR: date/time field value out of range: \"1900-02-29\"");
  EXPECT_EQ(Cast(Str("2000-02-29"), kDate), "DATE '2000-02-29'");
  EXPECT_EQ(Cast(Str("x"), kDate), "ERROR: invalid input syntax for type date: \"x\"");
  EXPECT_EQ(Cast(Value::Timestamp(-1), kDate), "DATE '1969-12-31'");
  EXPECT_EQ(Cast(Value::Date(-1), kTs), "TIMESTAMP '1969-12-31 00:00:00'");
}

TEST(CastTest, Intervals) {
  auto iv = [](std::string_view text, std::string_view unit = {}) -> std::string {
    Result<IntervalValue> r = ParseIntervalText(text, unit);
    if (!r.ok()) return "ERROR: " + r.status().message();
    return FormatSqlInterval(*r);
  };
  EXPECT_EQ(iv("1 day 02:00:00"), "1 day 02:00:00");
  EXPECT_EQ(iv("5 seconds"), "00:00:05");
  EXPECT_EQ(iv("5"), "00:00:05");
  EXPECT_EQ(iv("5", "minute"), "00:05:00");
  EXPECT_EQ(iv("1.5 hours"), "01:30:00");
  EXPECT_EQ(iv("1.5 days"), "1 day 12:00:00");
  EXPECT_EQ(iv("1.5 months"), "1 mon 15 days");
  EXPECT_EQ(iv("2 years 3 mons"), "2 years 3 mons");
  EXPECT_EQ(iv("-1 days +02:00:00"), "-1 days +02:00:00");
  EXPECT_EQ(iv("3 days ago"), "-3 days");
  EXPECT_EQ(iv("1 week"), "7 days");
  EXPECT_EQ(iv("100 ms"), "00:00:00.1");
  EXPECT_EQ(iv("10min"), "00:10:00");
  EXPECT_EQ(iv("PT5S"), "00:00:05");
  EXPECT_EQ(iv("P1Y2M3DT4H5M6.5S"), "1 year 2 mons 3 days 04:05:06.5");
  EXPECT_EQ(iv("P2W"), "14 days");
  EXPECT_EQ(iv("1-2"), "1 year 2 mons");
  EXPECT_EQ(iv("1 02:00:00", "day to second"), "1 day 02:00:00");
  EXPECT_EQ(iv("1:30", "minute to second"), "00:01:30");
  EXPECT_EQ(iv("@ 1 hour"), "01:00:00");
  EXPECT_EQ(iv("1 fortnight"), "ERROR: invalid input syntax for type interval: \"1 fortnight\"");
  EXPECT_EQ(iv(""), "ERROR: invalid input syntax for type interval: \"\"");
  EXPECT_EQ(iv("P1X"), "ERROR: invalid input syntax for type interval: \"P1X\"");
  EXPECT_EQ(iv("5", "fortnight"), "ERROR: invalid interval qualifier \"fortnight\"");
  EXPECT_EQ(iv("3000000000 days"), "ERROR: interval out of range");
  EXPECT_EQ(Cast(Str("1 day"), kIv), "INTERVAL '1 day'");
  EXPECT_EQ(Cast(Str("soon"), kIv), "ERROR: invalid input syntax for type interval: \"soon\"");
}

TEST(CastTest, Lists) {
  const DataType li = DataType::List(kI32);
  EXPECT_EQ(Cast(Str("{1,2,3}"), li), "[1, 2, 3]");
  EXPECT_EQ(Cast(Str("[1, NULL, 3]"), li), "[1, NULL, 3]");
  EXPECT_EQ(Cast(Str("{}"), li), "[]");
  EXPECT_EQ(Cast(Str("{1,x}"), li), "ERROR: invalid input syntax for type int32: \"x\"");
  EXPECT_EQ(Cast(Str("1,2"), li),
            "ERROR: malformed array literal: \"1,2\" (expected \"{\" or \"[\")");
  EXPECT_EQ(Cast(Str("{\"a,b\",c}"), DataType::List(kStr)), "['a,b', 'c']");
  EXPECT_EQ(Cast(Str("{{1,2},{3}}"), DataType::List(li)), "[[1, 2], [3]]");
  EXPECT_EQ(Cast(Value::List(kI32, {I32(1), I32(2)}), DataType::List(kF64)), "[1, 2]");
  EXPECT_EQ(Cast(Value::List(kStr, {Str("1"), Str("y")}), li),
            "ERROR: invalid input syntax for type int32: \"y\"");
  EXPECT_EQ(Cast(Value::List(kStr, {Str("1"), Str("y")}), li, true), "[1, NULL]");
  EXPECT_EQ(Cast(Value::List(kI64, {I64(1), I64(1)}), kStr), "'{1,1}'");
  const DataType st = DataType::Struct({Field("a", kI32), Field("b", kStr)});
  EXPECT_EQ(Cast(Str("(1,\"x y\")"), st), "{'a': 1, 'b': 'x y'}");
  EXPECT_EQ(Cast(Str("(1,)"), st), "{'a': 1, 'b': NULL}");
  EXPECT_EQ(Cast(Str("(1)"), st),
            "ERROR: malformed record literal: \"(1)\" (expected 2 fields, found 1)");
}

TEST(CastTest, TryCastGivesNull) {
  EXPECT_EQ(Cast(Str("12x"), kI64, true), "NULL");
  EXPECT_EQ(Cast(I64(1), kI32, true), "1");
  EXPECT_EQ(Cast(I64(int64_t{1} << 40), kI32, true), "NULL");
  ColumnPtr c = Col(kStr, {Str("1"), Str("a"), Null(), Str("3")});
  auto r = CastDatum(Datum(c), kI32, true, 4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 4), "1, NULL, NULL, 3");
  auto e = CastDatum(Datum(c), kI32, false, 4);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(e.status().message(), "invalid input syntax for type int32: \"a\"");
}

TEST(CastTest, ColumnsKeepNullsAndSlices) {
  ColumnPtr c = Col(kI64, {I64(1), Null(), I64(3), I64(4)})->Slice(1, 3);
  auto r = CastDatum(Datum(c), kF64, false, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 3), "NULL, 3, 4");
  auto s = CastDatum(Datum(c), kStr, false, 3);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(ShowText(*s), "NULL|3|4");
  // A NULL (of type null) casts to anything.
  auto n = CastDatum(Datum(Column::MakeNull(DataType::Null(), 2)), kTs, false, 2);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->type(), kTs);
  EXPECT_EQ(n->column()->null_count(), 2);
  // Empty column.
  auto empty = CastDatum(Datum(Col(kStr, {})), kI32, false, 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->column()->length(), 0);
}

TEST(CastTest, CannotCast) {
  EXPECT_FALSE(CanCast(kBool, kTs));
  EXPECT_FALSE(CanCast(kI32, kIv));
  EXPECT_TRUE(CanCast(kTs, kStr));
  EXPECT_TRUE(CanCast(kStr, DataType::List(kI32)));
  EXPECT_EQ(Cast(B(true), kTs), "ERROR: cannot cast type bool to timestamp");
}

TEST(CastTest, CoercionRules) {
  EXPECT_EQ(*CommonSuperType(kI32, kI64), kI64);
  EXPECT_EQ(*CommonSuperType(kI64, kF32), kF32);
  EXPECT_EQ(*CommonSuperType(kF32, kF64), kF64);
  EXPECT_EQ(*CommonSuperType(DataType::Null(), kStr), kStr);
  EXPECT_EQ(*CommonSuperType(kDate, kTs), kTs);
  EXPECT_EQ(*CommonSuperType(kStr, kTs, true, false), kTs);
  EXPECT_EQ(*CommonSuperType(kI64, kStr, false, true), kI64);
  EXPECT_FALSE(CommonSuperType(kStr, kI64).has_value());
  EXPECT_FALSE(CommonSuperType(kBool, kI32).has_value());
  EXPECT_EQ(*CommonSuperType(DataType::List(kI32), DataType::List(kF64)), DataType::List(kF64));
  EXPECT_TRUE(CanImplicitlyCast(kI32, kF64));
  EXPECT_FALSE(CanImplicitlyCast(kI64, kI32));
  EXPECT_FALSE(CanImplicitlyCast(kStr, kI32));
  EXPECT_TRUE(CanImplicitlyCast(DataType::Null(), kIv));
}

TypeName TN(std::string name, int array_depth = 0, std::vector<int64_t> modifiers = {}) {
  TypeName t;
  t.name = std::move(name);
  t.array_depth = array_depth;
  t.modifiers = std::move(modifiers);
  return t;
}

TEST(CastTest, ResolveTypeName) {
  auto resolve = [](const TypeName& t) -> std::string {
    Result<DataType> r = ResolveTypeName(t);
    if (!r.ok()) return "ERROR: " + r.status().message();
    return r->ToString();
  };
  EXPECT_EQ(resolve(TN("int2")), "int32");
  EXPECT_EQ(resolve(TN("smallint")), "int32");
  EXPECT_EQ(resolve(TN("integer")), "int32");
  EXPECT_EQ(resolve(TN("bigint")), "int64");
  EXPECT_EQ(resolve(TN("int8")), "int64");
  EXPECT_EQ(resolve(TN("real")), "float32");
  EXPECT_EQ(resolve(TN("double precision")), "float64");
  EXPECT_EQ(resolve(TN("numeric", 0, {10, 2})), "float64");
  EXPECT_EQ(resolve(TN("float", 0, {10})), "float32");
  EXPECT_EQ(resolve(TN("float")), "float64");
  EXPECT_EQ(resolve(TN("varchar", 0, {10})), "string");
  EXPECT_EQ(resolve(TN("character varying")), "string");
  EXPECT_EQ(resolve(TN("jsonb")), "string");
  EXPECT_EQ(resolve(TN("bytea")), "binary");
  EXPECT_EQ(resolve(TN("boolean")), "bool");
  EXPECT_EQ(resolve(TN("timestamp with time zone")), "timestamp");
  EXPECT_EQ(resolve(TN("timestamp without time zone")), "timestamp");
  EXPECT_EQ(resolve(TN("date")), "date");
  EXPECT_EQ(resolve(TN("interval")), "interval");
  EXPECT_EQ(resolve(TN("int", 1)), "list<int32>");
  EXPECT_EQ(resolve(TN("text", 2)), "list<list<string>>");
  EXPECT_EQ(resolve(TN("strin")), "ERROR: type \"strin\" does not exist; did you mean \"string\"?");
  TypeName st = TN("struct");
  st.fields.emplace_back("a", TN("int"));
  st.fields.emplace_back("b", TN("text"));
  EXPECT_EQ(resolve(st), "struct<a: int32, b: string>");
}

}  // namespace
}  // namespace ark::sql
