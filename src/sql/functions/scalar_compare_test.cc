#include "sql/functions/scalar_compare.h"

#include <cmath>

#include <gtest/gtest.h>

#include "sql/functions/scalar_test_util.h"

namespace ark::sql {
namespace {

using namespace ark::sql::testing;  // NOLINT

TEST(CompareTest, AllOperatorsOnNumbers) {
  FunctionTester t;
  ColumnPtr a = Col(DataType::Int64(), {I64(1), I64(2), I64(3), Null()});
  for (const auto& [op, expected] :
       std::vector<std::pair<std::string, std::string>>{{"=", "false, true, false, NULL"},
                                                        {"<>", "true, false, true, NULL"},
                                                        {"<", "true, false, false, NULL"},
                                                        {"<=", "true, true, false, NULL"},
                                                        {">", "false, false, true, NULL"},
                                                        {">=", "false, true, true, NULL"}}) {
    auto r = t.Call(op, {Datum(a), Datum(I64(2))}, 4);
    ASSERT_TRUE(r.ok()) << op;
    EXPECT_EQ(Show(*r, 4), expected) << op;
    // Swapped operands.
    auto s = t.Call(op, {Datum(I64(2)), Datum(a)}, 4);
    ASSERT_TRUE(s.ok());
  }
  auto swapped = t.Call("<", {Datum(I64(2)), Datum(a)}, 4);
  EXPECT_EQ(Show(*swapped, 4), "false, false, true, NULL");
  EXPECT_EQ(t.Text("=", {I32(1), F64(1.0)}), "true");
  EXPECT_EQ(t.Text("<", {I32(1), Null()}), "NULL");
}

TEST(CompareTest, ManyRowsAcrossBitmapBytes) {
  FunctionTester t;
  std::vector<Value> av, bv;
  for (int i = 0; i < 77; ++i) {
    av.push_back(i % 7 == 0 ? Null() : I32(i));
    bv.push_back(I32(76 - i));
  }
  ColumnPtr a = Col(DataType::Int32(), av);
  ColumnPtr b = Col(DataType::Int32(), bv);
  auto r = t.Call(">", {Datum(a->Slice(3, 70)), Datum(b->Slice(3, 70))}, 70);
  ASSERT_TRUE(r.ok());
  const Column& c = *r->column();
  for (int64_t i = 0; i < 70; ++i) {
    const int v = static_cast<int>(i) + 3;
    if (v % 7 == 0) {
      EXPECT_TRUE(c.IsNull(i)) << i;
    } else {
      EXPECT_EQ(c.GetBool(i), v > 76 - v) << i;
    }
  }
}

TEST(CompareTest, FloatsFollowPostgres) {
  FunctionTester t;
  const double nan = std::nan("");
  EXPECT_EQ(t.Text("=", {F64(nan), F64(nan)}), "true");
  EXPECT_EQ(t.Text(">", {F64(nan), F64(1e308)}), "true");
  EXPECT_EQ(t.Text("<", {F64(nan), F64(1)}), "false");
  EXPECT_EQ(t.Text("<=", {F64(1), F64(nan)}), "true");
  EXPECT_EQ(t.Text("=", {F64(0.0), F64(-0.0)}), "true");
}

TEST(CompareTest, StringsBoolsTemporal) {
  FunctionTester t;
  EXPECT_EQ(t.Text("<", {Str("a"), Str("b")}), "true");
  EXPECT_EQ(t.Text("<", {Str("B"), Str("a")}), "true");  // byte order
  EXPECT_EQ(t.Text("<", {Str("ab"), Str("abc")}), "true");
  EXPECT_EQ(t.Text("=", {Str("é"), Str("é")}), "true");
  EXPECT_EQ(t.Text("<", {B(false), B(true)}), "true");
  EXPECT_EQ(t.Text(">", {Value::Date(1), Value::Date(0)}), "true");
  // A string literal against a timestamp is read as a timestamp.
  EXPECT_EQ(t.Text(">", {Value::Timestamp(1714564800000000), Str("2024-05-01")}), "true");
  EXPECT_EQ(t.Text("=", {Value::Date(19844), Value::Timestamp(1714521600000000)}), "true");
  // Intervals compare as spans: 1 day = 24 hours, 1 month = 30 days.
  EXPECT_EQ(t.Text("=", {Value::Interval({0, 1, 0}), Value::Interval({0, 0, 86400000000000})}),
            "true");
  EXPECT_EQ(t.Text("<", {Value::Interval({0, 29, 0}), Value::Interval({1, 0, 0})}), "true");
  EXPECT_EQ(t.Text("=", {Str("x"), I64(1)}), "ERROR: invalid input syntax for type int64: \"x\"");
  auto r = t.Bind("=", {DataType::String(), DataType::Int64()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "operator does not exist: string = int64");
}

TEST(CompareTest, ListsAndStructs) {
  FunctionTester t;
  const DataType i = DataType::Int32();
  auto list = [&](std::vector<Value> v) { return Value::List(i, std::move(v)); };
  EXPECT_EQ(t.Text("<", {list({I32(1), I32(2)}), list({I32(1), I32(3)})}), "true");
  EXPECT_EQ(t.Text("<", {list({I32(1)}), list({I32(1), I32(0)})}), "true");
  EXPECT_EQ(t.Text("=", {list({I32(1), Null(i)}), list({I32(1), Null(i)})}), "true");
  EXPECT_EQ(t.Text("<", {list({I32(1), I32(9)}), list({I32(1), Null(i)})}), "true");
  const DataType st = DataType::Struct({Field("a", i), Field("b", DataType::String())});
  EXPECT_EQ(
      t.Text(">", {Value::Struct(st, {I32(1), Str("b")}), Value::Struct(st, {I32(1), Str("a")})}),
      "true");
  ColumnPtr c = Col(DataType::List(i), {list({I32(1)}), Null(), list({})});
  auto r = t.Call("=", {Datum(c), Datum(list({}))}, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 3), "false, NULL, true");
}

TEST(CompareTest, CompareValuesOrdersNullsLast) {
  ColumnPtr c = Col(DataType::Int64(), {I64(1), Null(), I64(2)});
  EXPECT_LT(CompareValues(*c, 0, *c, 2), 0);
  EXPECT_GT(CompareValues(*c, 1, *c, 2), 0);
  EXPECT_EQ(CompareValues(*c, 1, *c, 1), 0);
}

}  // namespace
}  // namespace ark::sql
