#include "core/value.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace ark {
namespace {

TEST(ValueTest, ScalarsRoundTripThroughColumns) {
  const std::vector<Value> values = {
      Value::Bool(true),
      Value::Int32(-7),
      Value::Int64(int64_t{1} << 40),
      Value::Float32(0.5f),
      Value::Float64(-2.25),
      Value::String("héllo"),
      Value::Binary(std::string("\x00\xff", 2)),
      Value::Timestamp(1714564800123456),
      Value::Date(19844),
      Value::Interval({14, 3, 4000000000}),
      Value::List(DataType::Int64(),
                  {Value::Int64(1), Value::Null(DataType::Int64()), Value::Int64(3)}),
      Value::Struct(
          DataType::Struct({Field("a", DataType::Int32()), Field("b", DataType::String())}),
          {Value::Int32(1), Value::String("x")}),
  };
  for (const Value& v : values) {
    ColumnPtr c = v.ToColumn(3);
    ASSERT_EQ(c->length(), 3) << v.ToString();
    EXPECT_EQ(c->type(), v.type()) << v.ToString();
    EXPECT_EQ(c->null_count(), 0) << v.ToString();
    for (int64_t i = 0; i < 3; ++i) EXPECT_EQ(Value::FromColumn(*c, i), v) << v.ToString();
    // Through a builder as well.
    auto builder = MakeBuilder(v.type());
    v.AppendTo(*builder);
    Value::Null(v.type()).AppendTo(*builder);
    ColumnPtr b = builder->Finish();
    ASSERT_EQ(b->length(), 2);
    EXPECT_EQ(Value::FromColumn(*b, 0), v) << v.ToString();
    EXPECT_TRUE(Value::FromColumn(*b, 1).is_null());
    EXPECT_EQ(Value::FromColumn(*b, 1).type(), v.type());
  }
}

TEST(ValueTest, NullColumns) {
  ColumnPtr c = Value::Null(DataType::String()).ToColumn(4);
  EXPECT_EQ(c->type(), DataType::String());
  EXPECT_EQ(c->null_count(), 4);
  EXPECT_TRUE(Value::FromColumn(*c, 2).is_null());
  EXPECT_EQ(Value().type(), DataType::Null());
  EXPECT_TRUE(Value().is_null());
  EXPECT_EQ(Value().ToColumn(2)->type_id(), TypeId::kNull);
}

TEST(ValueTest, Accessors) {
  EXPECT_EQ(Value::Int32(5).int_value(), 5);
  EXPECT_EQ(Value::Date(-1).int_value(), -1);
  EXPECT_EQ(Value::Timestamp(-5).int_value(), -5);
  EXPECT_EQ(Value::Float32(1.5f).float_value(), 1.5);
  EXPECT_EQ(Value::String("a").string_value(), "a");
  EXPECT_EQ(Value::Interval({1, 2, 3}).interval_value(), (IntervalValue{1, 2, 3}));
  EXPECT_EQ(Value::List(DataType::Int32(), {Value::Int32(1)}).children().size(), 1u);
}

TEST(ValueTest, Equality) {
  EXPECT_EQ(Value::Int64(1), Value::Int64(1));
  EXPECT_FALSE(Value::Int64(1) == Value::Int32(1));
  EXPECT_EQ(Value::Null(DataType::Int64()), Value::Null(DataType::Int64()));
  EXPECT_FALSE(Value::Null(DataType::Int64()) == Value::Int64(0));
  EXPECT_EQ(Value::Float64(std::nan("")), Value::Float64(std::nan("")));
  EXPECT_FALSE(Value::String("a") == Value::Binary("a"));
}

TEST(ValueTest, ToStringIsSqlLiteralLike) {
  EXPECT_EQ(Value().ToString(), "NULL");
  EXPECT_EQ(Value::Bool(false).ToString(), "false");
  EXPECT_EQ(Value::Int64(-42).ToString(), "-42");
  EXPECT_EQ(Value::Float64(2.0).ToString(), "2");
  EXPECT_EQ(Value::Float64(0.1).ToString(), "0.1");
  EXPECT_EQ(Value::Float32(0.1f).ToString(), "0.1");
  EXPECT_EQ(Value::Float64(std::numeric_limits<double>::infinity()).ToString(),
            "'Infinity'::float64");
  EXPECT_EQ(Value::String("it's").ToString(), "'it''s'");
  EXPECT_EQ(Value::Binary("hi").ToString(), "X'6869'");
  EXPECT_EQ(Value::Timestamp(1714564800500000).ToString(), "TIMESTAMP '2024-05-01 12:00:00.5'");
  EXPECT_EQ(Value::Date(0).ToString(), "DATE '1970-01-01'");
  EXPECT_EQ(Value::Interval({0, 1, 7200000000000}).ToString(), "INTERVAL '1 day 02:00:00'");
  EXPECT_EQ(Value::List(DataType::String(), {Value::String("a"), Value::Null(DataType::String())})
                .ToString(),
            "['a', NULL]");
  EXPECT_EQ(Value::Struct(DataType::Struct({Field("a", DataType::Int32())}), {Value::Int32(1)})
                .ToString(),
            "{'a': 1}");
}

TEST(ValueTest, FormatSqlFloat) {
  EXPECT_EQ(FormatSqlFloat64(0), "0");
  EXPECT_EQ(FormatSqlFloat64(-0.0), "-0");
  EXPECT_EQ(FormatSqlFloat64(100), "100");
  EXPECT_EQ(FormatSqlFloat64(1.5), "1.5");
  EXPECT_EQ(FormatSqlFloat64(-123.456), "-123.456");
  EXPECT_EQ(FormatSqlFloat64(0.0001), "0.0001");
  EXPECT_EQ(FormatSqlFloat64(0.00001), "1e-05");
  EXPECT_EQ(FormatSqlFloat64(123456789012345.0), "123456789012345");
  EXPECT_EQ(FormatSqlFloat64(1e15), "1e+15");
  EXPECT_EQ(FormatSqlFloat64(1.5e300), "1.5e+300");
  EXPECT_EQ(FormatSqlFloat64(std::nan("")), "NaN");
  EXPECT_EQ(FormatSqlFloat64(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(FormatSqlFloat32(123456.0f), "123456");
  EXPECT_EQ(FormatSqlFloat32(1e6f), "1e+06");
  EXPECT_EQ(FormatSqlFloat32(3.14159f), "3.14159");
}

TEST(ValueTest, FormatSqlTimestampAndDate) {
  EXPECT_EQ(FormatSqlTimestamp(0), "1970-01-01 00:00:00");
  EXPECT_EQ(FormatSqlTimestamp(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(FormatSqlTimestamp(951782400000000), "2000-02-29 00:00:00");
  EXPECT_EQ(FormatSqlTimestamp(1714564800120000), "2024-05-01 12:00:00.12");
  EXPECT_EQ(FormatSqlDate(-719163), "0001-12-31 BC");  // year 0 is 1 BC
  EXPECT_EQ(FormatSqlDate(-719528), "0001-01-01 BC");
  EXPECT_EQ(FormatSqlDate(-719162), "0001-01-01");
  EXPECT_EQ(FormatSqlDate(11016), "2000-02-29");
}

TEST(ValueTest, FormatSqlInterval) {
  EXPECT_EQ(FormatSqlInterval({0, 0, 0}), "00:00:00");
  EXPECT_EQ(FormatSqlInterval({0, 1, 7200000000000}), "1 day 02:00:00");
  EXPECT_EQ(FormatSqlInterval({14, 3, 0}), "1 year 2 mons 3 days");
  EXPECT_EQ(FormatSqlInterval({1, 0, 0}), "1 mon");
  EXPECT_EQ(FormatSqlInterval({0, -1, 7200000000000}), "-1 days +02:00:00");
  EXPECT_EQ(FormatSqlInterval({0, 0, -5500000000}), "-00:00:05.5");
  EXPECT_EQ(FormatSqlInterval({0, 0, 36LL * 3600 * 1000000000}), "36:00:00");
  EXPECT_EQ(FormatSqlInterval({-13, 0, 0}), "-1 years -1 mons");
  EXPECT_EQ(FormatSqlInterval({0, 0, 1500}), "00:00:00.0000015");
}

}  // namespace
}  // namespace ark
