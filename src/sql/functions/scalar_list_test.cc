#include <gtest/gtest.h>

#include "sql/functions/scalar_test_util.h"

namespace ark::sql {
namespace {

using namespace ark::sql::testing;  // NOLINT

const DataType kI32 = DataType::Int32();
const DataType kStr = DataType::String();

Value L(std::vector<Value> items, DataType t = DataType::Int32()) {
  return Value::List(std::move(t), std::move(items));
}

TEST(ListFunctionsTest, ElementAndSlice) {
  FunctionTester t;
  const Value l = L({I32(10), I32(20), Null(kI32)});
  EXPECT_EQ(t.Text("list_element", {l, I32(2)}), "20");
  EXPECT_EQ(t.Text("list_element", {l, I32(3)}), "NULL");
  EXPECT_EQ(t.Text("list_element", {l, I32(0)}), "NULL");
  EXPECT_EQ(t.Text("list_element", {l, I32(4)}), "NULL");
  EXPECT_EQ(t.Text("array_extract", {l, I32(-1)}), "NULL");
  EXPECT_EQ(t.Text("list_element", {l, Null()}), "NULL");
  EXPECT_EQ(t.Text("list_slice", {l, I32(2), I32(3)}), "[20, NULL]");
  EXPECT_EQ(t.Text("list_slice", {l, I32(0), I32(1)}), "[10]");
  EXPECT_EQ(t.Text("list_slice", {l, I32(3), I32(2)}), "[]");
  EXPECT_EQ(t.Text("list_slice", {l, Null(), I32(2)}), "[10, 20]");
  EXPECT_EQ(t.Text("list_slice", {l, I32(2), Null()}), "[20, NULL]");
  auto bad = t.Bind("list_element", {DataType::List(kI32), kStr});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "array subscript must have type integer, not string");
  // Columns of lists, strings as elements, sliced input.
  ColumnPtr c = Col(DataType::List(kStr),
                    {L({Str("a"), Str("b")}, kStr), Null(), L({}, kStr), L({Str("x")}, kStr)});
  auto r = t.Call("list_element", {Datum(c->Slice(1, 3)), Datum(I32(1))}, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 3), "NULL, NULL, 'x'");
  ColumnPtr idx = Col(kI32, {I32(2), I32(1), I32(1), I32(1)});
  auto r2 = t.Call("list_element", {Datum(c), Datum(idx)}, 4);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(Show(*r2, 4), "'b', NULL, NULL, 'x'");
  auto sl = t.Call("list_slice", {Datum(c), Datum(I32(2)), Datum(I32(5))}, 4);
  ASSERT_TRUE(sl.ok());
  EXPECT_EQ(Show(*sl, 4), "['b'], NULL, [], []");
}

TEST(ListFunctionsTest, LengthsAndContains) {
  FunctionTester t;
  EXPECT_EQ(t.Text("array_length", {L({I32(1), I32(2), I32(3)})}), "3");
  EXPECT_EQ(t.Text("array_length", {L({I32(1)}), I32(1)}), "1");
  EXPECT_EQ(t.Text("array_length", {L({}), I32(1)}), "NULL");
  EXPECT_EQ(t.Text("array_length", {L({I32(1)}), I32(2)}), "NULL");
  EXPECT_EQ(t.Text("cardinality", {L({})}), "0");
  EXPECT_EQ(t.Text("len", {L({I32(4)})}), "1");
  EXPECT_EQ(t.Text("list_contains", {L({I32(1), I32(2)}), I32(2)}), "true");
  EXPECT_EQ(t.Text("list_contains", {L({I32(1), Null(kI32)}), I32(3)}), "false");
  EXPECT_EQ(t.Text("list_contains", {L({I32(1), I32(2)}), I64(2)}), "true");
  EXPECT_EQ(t.Text("array_contains", {L({Str("a")}, kStr), Str("a")}), "true");
  EXPECT_EQ(t.Text("array_position", {L({Str("a"), Str("b")}, kStr), Str("b")}), "2");
  EXPECT_EQ(t.Text("array_position", {L({Str("a")}, kStr), Str("z")}), "NULL");
  auto bad = t.Bind("list_contains", {DataType::List(kI32), kStr});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "function list_contains: element type string does not match list type list<int32>");
}

TEST(ListFunctionsTest, ConstructAndConcatenate) {
  FunctionTester t;
  EXPECT_EQ(t.Text("list_value", {I32(1), I64(2), Null()}), "[1, 2, NULL]");
  EXPECT_EQ(t.Eval("list_value", {I32(1), I64(2)})->type(), DataType::List(DataType::Int64()));
  EXPECT_EQ(t.Text("list_value", {I32(1), Str("x")}),
            "ERROR: invalid input syntax for type int32: \"x\"");
  EXPECT_EQ(t.Text("list_concat", {L({I32(1)}), L({I32(2), I32(3)})}), "[1, 2, 3]");
  EXPECT_EQ(t.Text("list_concat", {L({I32(1)}), Null(DataType::List(kI32))}), "[1]");
  EXPECT_EQ(t.Text("||", {L({I32(1)}), L({I32(2)})}), "[1, 2]");
  EXPECT_EQ(t.Text("||", {L({I32(1)}), I32(2)}), "[1, 2]");
  EXPECT_EQ(t.Text("||", {I32(0), L({I32(1)})}), "[0, 1]");
  EXPECT_EQ(t.Text("array_append", {L({I32(1)}), Null()}), "[1, NULL]");
  EXPECT_EQ(t.Text("array_prepend", {I32(0), L({I32(1)})}), "[0, 1]");
  ColumnPtr x = Col(kI32, {I32(1), Null(), I32(3)});
  auto r = t.Call("list_value", {Datum(x), Datum(I32(9))}, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 3), "[1, 9], [NULL, 9], [3, 9]");
}

TEST(ListFunctionsTest, StructExtract) {
  FunctionTester t;
  const DataType st = DataType::Struct({Field("City", kStr), Field("zip", kI32)});
  const Value v = Value::Struct(st, {Str("Oslo"), I32(150)});
  auto call = [&](const Value& s, const std::string& field) -> std::string {
    auto r = t.Call("struct_extract", {Datum(s), Datum(Str(field))}, 1);
    if (!r.ok()) return "ERROR: " + r.status().message();
    return Show(*r, 1);
  };
  EXPECT_EQ(call(v, "zip"), "scalar 150");
  EXPECT_EQ(call(v, "city"), "scalar 'Oslo'");
  EXPECT_EQ(call(v, "zp"), "ERROR: struct has no field \"zp\" (did you mean \"zip\"?)");
  EXPECT_EQ(call(Value::Null(st), "zip"), "scalar NULL");
  ColumnPtr c = Col(st, {v, Null(), Value::Struct(st, {Null(), I32(7)})});
  auto r = t.Call("struct_extract", {Datum(c), Datum(Str("zip"))}, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 3), "150, NULL, 7");
  auto sliced = t.Call("struct_extract", {Datum(c->Slice(1, 2)), Datum(Str("city"))}, 2);
  ASSERT_TRUE(sliced.ok());
  EXPECT_EQ(Show(*sliced, 2), "NULL, NULL");
  auto no_const = t.Bind("struct_extract", {st, kStr});
  ASSERT_FALSE(no_const.ok());
  EXPECT_EQ(no_const.status().message(),
            "struct_extract: the field name must be a constant string");
}

}  // namespace
}  // namespace ark::sql
