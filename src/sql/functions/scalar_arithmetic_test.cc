#include <limits>

#include <gtest/gtest.h>

#include "sql/functions/scalar_test_util.h"

namespace ark::sql {
namespace {

using namespace ark::sql::testing;  // NOLINT

constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();

TEST(ArithmeticTest, ScalarsAndTypes) {
  FunctionTester t;
  EXPECT_EQ(t.Text("+", {I32(2), I32(3)}), "5");
  EXPECT_EQ(t.Eval("+", {I32(2), I64(3)})->type(), DataType::Int64());
  EXPECT_EQ(t.Eval("+", {I32(2), F64(0.5)})->type(), DataType::Float64());
  EXPECT_EQ(t.Eval("+", {I64(2), Value::Float32(0.5f)})->type(), DataType::Float32());
  EXPECT_EQ(t.Text("-", {I64(2), I64(5)}), "-3");
  EXPECT_EQ(t.Text("*", {F64(1.5), F64(4)}), "6");
  EXPECT_EQ(t.Text("/", {I32(7), I32(2)}), "3");
  EXPECT_EQ(t.Text("/", {I32(-7), I32(2)}), "-3");
  EXPECT_EQ(t.Text("/", {F64(7), F64(2)}), "3.5");
  EXPECT_EQ(t.Text("%", {I32(-7), I32(3)}), "-1");
  EXPECT_EQ(t.Text("%", {I64(7), I64(-3)}), "1");
  EXPECT_EQ(t.Text("%", {F64(5.5), F64(2)}), "1.5");
  EXPECT_EQ(t.Text("^", {I32(2), I32(10)}), "1024");
  EXPECT_EQ(t.Text("negate", {I64(5)}), "-5");
  EXPECT_EQ(t.Text("negate", {F64(0.25)}), "-0.25");
  // A string literal takes the other side's type.
  EXPECT_EQ(t.Text("+", {Str("40"), I32(2)}), "42");
  EXPECT_EQ(t.Text("+", {Str("4x"), I32(2)}), "ERROR: invalid input syntax for type int32: \"4x\"");
}

TEST(ArithmeticTest, NullPropagates) {
  FunctionTester t;
  EXPECT_EQ(t.Text("+", {I32(1), Null()}), "NULL");
  EXPECT_EQ(t.Text("/", {Null(DataType::Int64()), I64(0)}), "NULL");
  ColumnPtr a = Col(DataType::Int64(), {I64(1), Null(), I64(3)});
  auto r = t.Call("*", {Datum(a), Datum(Null(DataType::Int64()))}, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 3), "scalar NULL");
}

TEST(ArithmeticTest, ColumnScalarCombinations) {
  FunctionTester t;
  ColumnPtr a = Col(DataType::Int64(), {I64(1), Null(), I64(3), I64(-4)});
  ColumnPtr b = Col(DataType::Int64(), {I64(10), I64(20), Null(), I64(40)});
  auto cc = t.Call("+", {Datum(a), Datum(b)}, 4);
  ASSERT_TRUE(cc.ok()) << cc.status().ToString();
  EXPECT_EQ(Show(*cc, 4), "11, NULL, NULL, 36");
  EXPECT_EQ((*cc).column()->null_count(), 2);
  auto cs = t.Call("-", {Datum(a), Datum(I64(1))}, 4);
  ASSERT_TRUE(cs.ok());
  EXPECT_EQ(Show(*cs, 4), "0, NULL, 2, -5");
  auto sc = t.Call("-", {Datum(I64(1)), Datum(a)}, 4);
  ASSERT_TRUE(sc.ok());
  EXPECT_EQ(Show(*sc, 4), "0, NULL, -2, 5");
  // int32 column with an int64 scalar: the column is widened.
  ColumnPtr c32 = Col(DataType::Int32(), {I32(5), I32(6)});
  auto mixed = t.Call("*", {Datum(c32), Datum(I64(3))}, 2);
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->type(), DataType::Int64());
  EXPECT_EQ(Show(*mixed, 2), "15, 18");
}

TEST(ArithmeticTest, SlicedInputs) {
  FunctionTester t;
  ColumnPtr a = Col(DataType::Int32(), {I32(1), I32(2), Null(), I32(4), I32(5), I32(6), I32(7),
                                        I32(8), I32(9), Null(), I32(11)});
  ColumnPtr s = a->Slice(3, 7);  // 4 5 6 7 8 9 NULL
  auto r = t.Call("+", {Datum(s), Datum(s)}, 7);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 7), "8, 10, 12, 14, 16, 18, NULL");
}

TEST(ArithmeticTest, EmptyBatch) {
  FunctionTester t;
  ColumnPtr a = Col(DataType::Int64(), {});
  auto r = t.Call("/", {Datum(a), Datum(I64(0))}, 0);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->column()->length(), 0);
}

TEST(ArithmeticTest, IntegerOverflowIsAnError) {
  FunctionTester t;
  EXPECT_EQ(t.Text("+", {I64(kMax64), I64(1)}),
            "ERROR: int64 out of range: 9223372036854775807 + 1");
  EXPECT_EQ(t.Text("-", {I64(kMin64), I64(1)}),
            "ERROR: int64 out of range: -9223372036854775808 - 1");
  EXPECT_EQ(t.Text("*", {I32(65536), I32(65536)}), "ERROR: int32 out of range: 65536 * 65536");
  EXPECT_EQ(t.Text("/", {I64(kMin64), I64(-1)}),
            "ERROR: int64 out of range: -9223372036854775808 / -1");
  EXPECT_EQ(t.Text("negate", {I32(std::numeric_limits<int32_t>::min())}),
            "ERROR: int32 out of range: -(-2147483648)");
  EXPECT_EQ(t.Text("%", {I64(kMin64), I64(-1)}), "0");
  // Overflow in a NULL slot is not an error; in a valid row it is.
  ColumnPtr a = Col(DataType::Int64(), {I64(1), Null(), I64(kMax64)});
  auto r = t.Call("+", {Datum(a), Datum(I64(1))}, 3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(r.status().message(), "int64 out of range: 9223372036854775807 + 1");
  auto ok = t.Call("+", {Datum(a->Slice(0, 2)), Datum(I64(1))}, 2);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(Show(*ok, 2), "2, NULL");
}

TEST(ArithmeticTest, DivisionByZero) {
  FunctionTester t;
  EXPECT_EQ(t.Text("/", {I32(1), I32(0)}), "ERROR: division by zero");
  EXPECT_EQ(t.Text("/", {F64(1), F64(0)}), "ERROR: division by zero");
  EXPECT_EQ(t.Text("%", {I64(1), I64(0)}), "ERROR: division by zero");
  // A zero divisor in a NULL row is fine.
  ColumnPtr a = Col(DataType::Int32(), {I32(10), I32(20)});
  ColumnPtr b = Col(DataType::Int32(), {I32(5), Null()});
  auto r = t.Call("/", {Datum(a), Datum(b)}, 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 2), "2, NULL");
  auto e = t.Call("/", {Datum(a), Datum(Col(DataType::Int32(), {I32(0), I32(1)}))}, 2);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "division by zero");
  EXPECT_EQ(t.Text("^", {F64(0), F64(-1)}), "ERROR: zero raised to a negative power is undefined");
}

TEST(ArithmeticTest, NoOverload) {
  FunctionTester t;
  auto r = t.Bind("+", {DataType::String(), DataType::Int64()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTypeError);
  EXPECT_EQ(r.status().message().substr(0, 44), "operator does not exist: string + int64; exp");
  auto n = t.Bind("negate", {DataType::String()});
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message().substr(0, 33), "operator does not exist: - string");
}

TEST(ArithmeticTest, DateTimeArithmetic) {
  FunctionTester t;
  const Value ts = Value::Timestamp(1706700000000000);  // 2024-01-31 11:20:00
  const Value month = Value::Interval({1, 0, 0});
  EXPECT_EQ(t.Text("+", {ts, month}), "TIMESTAMP '2024-02-29 11:20:00'");  // leap year clamp
  EXPECT_EQ(t.Text("+", {Value::Timestamp(1675164000000000), month}),
            "TIMESTAMP '2023-02-28 11:20:00'");
  EXPECT_EQ(t.Text("-", {ts, Value::Interval({0, 1, 3600000000000})}),
            "TIMESTAMP '2024-01-30 10:20:00'");
  EXPECT_EQ(t.Text("+", {month, ts}), "TIMESTAMP '2024-02-29 11:20:00'");
  EXPECT_EQ(t.Text("+", {ts, Str("1 day")}), "TIMESTAMP '2024-02-01 11:20:00'");
  EXPECT_EQ(t.Text("-", {Value::Timestamp(1706700000000000 + 93600000000),
                         Value::Timestamp(1706700000000000)}),
            "INTERVAL '1 day 02:00:00'");
  EXPECT_EQ(t.Text("-", {Value::Timestamp(0), Value::Timestamp(5400000000)}),
            "INTERVAL '-01:30:00'");
  EXPECT_EQ(t.Text("-", {Value::Date(19783), Value::Date(19754)}), "29");
  EXPECT_EQ(t.Text("+", {Value::Date(19783), I32(1)}), "DATE '2024-03-02'");
  EXPECT_EQ(t.Text("-", {Value::Date(0), I32(1)}), "DATE '1969-12-31'");
  EXPECT_EQ(t.Text("+", {Value::Date(0), Value::Interval({0, 0, 3600000000000})}),
            "TIMESTAMP '1970-01-01 01:00:00'");
  EXPECT_EQ(t.Text("+", {Value::Interval({1, 2, 3}), Value::Interval({1, 1, 1})}),
            "INTERVAL '2 mons 3 days 00:00:00.000000004'");
  EXPECT_EQ(t.Text("*", {Value::Interval({0, 0, 3600000000000}), F64(1.5)}), "INTERVAL '01:30:00'");
  EXPECT_EQ(t.Text("*", {Value::Interval({1, 0, 0}), F64(1.5)}), "INTERVAL '1 mon 15 days'");
  EXPECT_EQ(t.Text("/", {Value::Interval({0, 1, 0}), F64(4)}), "INTERVAL '06:00:00'");
  EXPECT_EQ(t.Text("/", {Value::Interval({0, 1, 0}), F64(0)}), "ERROR: division by zero");
  EXPECT_EQ(t.Text("negate", {Value::Interval({1, -2, 3000})}),
            "INTERVAL '-1 mons +2 days -00:00:00.000003'");
  EXPECT_EQ(t.Text("+", {Value::Timestamp(kMax64 - 10), Value::Interval({0, 0, 1000000})}),
            "ERROR: timestamp out of range");
  // Negative timestamps (before 1970).
  EXPECT_EQ(t.Text("+", {Value::Timestamp(-1), Value::Interval({0, 0, 1000})}),
            "TIMESTAMP '1970-01-01 00:00:00'");
}

TEST(ArithmeticTest, TimestampPlusConstantIntervalColumn) {
  FunctionTester t;
  ColumnPtr ts = Col(DataType::Timestamp(), {Value::Timestamp(0), Null(), Value::Timestamp(-1)});
  auto r = t.Call("+", {Datum(ts), Datum(Value::Interval({0, 1, 1000}))}, 3);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Show(*r, 3),
            "TIMESTAMP '1970-01-02 00:00:00.000001', NULL, TIMESTAMP '1970-01-02 00:00:00'");
  auto m = t.Call("-", {Datum(ts), Datum(Value::Interval({12, 0, 0}))}, 3);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Show(*m, 3),
            "TIMESTAMP '1969-01-01 00:00:00', NULL, TIMESTAMP '1968-12-31 23:59:59.999999'");
}

}  // namespace
}  // namespace ark::sql
