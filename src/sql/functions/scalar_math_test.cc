#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "sql/functions/scalar_test_util.h"

namespace ark::sql {
namespace {

using namespace ark::sql::testing;  // NOLINT

TEST(MathFunctionsTest, AbsSignRounding) {
  FunctionTester t;
  EXPECT_EQ(t.Text("abs", {F64(-17.4)}), "17.4");
  EXPECT_EQ(t.Text("abs", {I32(-5)}), "5");
  EXPECT_EQ(t.Eval("abs", {I32(-5)})->type(), DataType::Int32());
  EXPECT_EQ(t.Text("abs", {I64(std::numeric_limits<int64_t>::min())}),
            "ERROR: int64 out of range: abs(-9223372036854775808)");
  EXPECT_EQ(t.Text("sign", {F64(-8.4)}), "-1");
  EXPECT_EQ(t.Text("sign", {I32(0)}), "0");
  EXPECT_EQ(t.Text("ceil", {F64(-42.8)}), "-42");
  EXPECT_EQ(t.Text("ceiling", {F64(42.2)}), "43");
  EXPECT_EQ(t.Text("floor", {F64(-42.8)}), "-43");
  EXPECT_EQ(t.Text("floor", {I64(7)}), "7");
  EXPECT_EQ(t.Eval("floor", {I64(7)})->type(), DataType::Int64());
  EXPECT_EQ(t.Text("round", {F64(42.4382), I32(2)}), "42.44");
  EXPECT_EQ(t.Text("round", {F64(2.5)}), "3");
  EXPECT_EQ(t.Text("round", {F64(-2.5)}), "-3");
  EXPECT_EQ(t.Text("round", {F64(0.5)}), "1");
  EXPECT_EQ(t.Text("round", {F64(2.675), I32(2)}), "2.68");
  EXPECT_EQ(t.Text("round", {F64(1.005), I32(2)}), "1.01");
  EXPECT_EQ(t.Text("round", {F64(-1.005), I32(2)}), "-1.01");
  EXPECT_EQ(t.Text("round", {F64(1234.5678), I32(-2)}), "1200");
  EXPECT_EQ(t.Text("round", {F64(1250), I32(-2)}), "1300");
  EXPECT_EQ(t.Text("trunc", {F64(42.4382), I32(2)}), "42.43");
  EXPECT_EQ(t.Text("trunc", {F64(-42.8)}), "-42");
}

TEST(MathFunctionsTest, PowersAndLogs) {
  FunctionTester t;
  EXPECT_EQ(t.Text("sqrt", {F64(16)}), "4");
  EXPECT_EQ(t.Text("sqrt", {I32(2)}), "1.4142135623730951");
  EXPECT_EQ(t.Text("sqrt", {F64(-1)}), "ERROR: cannot take square root of a negative number");
  EXPECT_EQ(t.Text("cbrt", {F64(64)}), "4");
  EXPECT_EQ(t.Text("exp", {F64(0)}), "1");
  EXPECT_EQ(t.Text("exp", {F64(1000)}), "ERROR: value out of range: overflow");
  EXPECT_EQ(t.Text("ln", {F64(1)}), "0");
  EXPECT_EQ(t.Text("ln", {F64(0)}), "ERROR: cannot take logarithm of zero");
  EXPECT_EQ(t.Text("ln", {F64(-1)}), "ERROR: cannot take logarithm of a negative number");
  EXPECT_EQ(t.Text("log", {F64(1000)}), "3");
  EXPECT_EQ(t.Text("log10", {I32(100)}), "2");
  EXPECT_EQ(t.Text("log", {F64(2), F64(64)}), "6");
  EXPECT_EQ(t.Text("log2", {F64(8)}), "3");
  EXPECT_EQ(t.Text("power", {F64(9), F64(3)}), "729");
  EXPECT_EQ(t.Text("pow", {I32(2), I32(-1)}), "0.5");
  EXPECT_EQ(t.Text("power", {F64(-8), F64(1.0 / 3)}),
            "ERROR: a negative number raised to a non-integer power yields a complex result");
  EXPECT_EQ(t.Text("mod", {I32(9), I32(4)}), "1");
  EXPECT_EQ(t.Text("mod", {I32(9), I32(0)}), "ERROR: division by zero");
  EXPECT_EQ(t.Text("mod", {F64(-7.5), F64(2)}), "-1.5");
}

TEST(MathFunctionsTest, Trigonometry) {
  FunctionTester t;
  EXPECT_EQ(t.Text("pi", {}), "3.141592653589793");
  EXPECT_EQ(t.Text("degrees", {F64(M_PI)}), "180");
  EXPECT_EQ(t.Text("radians", {F64(180)}), "3.141592653589793");
  EXPECT_EQ(t.Text("sin", {F64(0)}), "0");
  EXPECT_EQ(t.Text("cos", {F64(0)}), "1");
  EXPECT_EQ(t.Text("atan", {F64(1)}), "0.7853981633974483");
  EXPECT_EQ(t.Text("atan2", {F64(1), F64(0)}), "1.5707963267948966");
  EXPECT_EQ(t.Text("asin", {F64(2)}), "ERROR: input is out of range");
  EXPECT_EQ(t.Text("acos", {F64(1)}), "0");
}

TEST(MathFunctionsTest, RandomIsNotDeterministic) {
  FunctionTester t;
  auto f = t.Bind("random", {});
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->deterministic);
  auto r = t.Call("random", {}, 1000);
  ASSERT_TRUE(r.ok());
  const Column& c = *r->column();
  ASSERT_EQ(c.length(), 1000);
  double min = 1, max = 0;
  for (int64_t i = 0; i < 1000; ++i) {
    min = std::min(min, c.data<double>()[i]);
    max = std::max(max, c.data<double>()[i]);
  }
  EXPECT_GE(min, 0.0);
  EXPECT_LT(max, 1.0);
  EXPECT_LT(min, max);
}

TEST(MathFunctionsTest, GreatestLeast) {
  FunctionTester t;
  EXPECT_EQ(t.Text("greatest", {I32(1), Null(), I32(3)}), "3");
  EXPECT_EQ(t.Text("least", {I32(1), Null(), I32(3)}), "1");
  EXPECT_EQ(t.Text("greatest", {I32(1), F64(2.5)}), "2.5");
  EXPECT_EQ(t.Text("greatest", {Str("apple"), Str("banana")}), "'banana'");
  EXPECT_EQ(t.Text("least", {Null(), Null()}), "NULL");
  EXPECT_EQ(t.Text("greatest", {I32(1), Str("x")}),
            "ERROR: invalid input syntax for type int32: \"x\"");
  ColumnPtr a = Col(DataType::Int64(), {I64(1), Null(), I64(5)});
  ColumnPtr b = Col(DataType::Int64(), {I64(3), I64(2), Null()});
  auto r = t.Call("greatest", {Datum(a), Datum(b), Datum(I64(0))}, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 3), "3, 2, 5");
}

TEST(MathFunctionsTest, ColumnsWithNulls) {
  FunctionTester t;
  ColumnPtr a = Col(DataType::Float64(), {F64(4), Null(), F64(-9), F64(0.25)});
  auto r = t.Call("abs", {Datum(a)}, 4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 4), "4, NULL, 9, 0.25");
  // An error only for valid rows: sqrt of the NULL row is not computed.
  ColumnPtr b = Col(DataType::Float64(), {F64(4), Null()});
  auto s = t.Call("sqrt", {Datum(b)}, 2);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Show(*s, 2), "2, NULL");
}

}  // namespace
}  // namespace ark::sql
