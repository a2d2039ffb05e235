#include <gtest/gtest.h>

#include "sql/functions/scalar_test_util.h"

namespace ark::sql {
namespace {

using namespace ark::sql::testing;  // NOLINT

TEST(StringFunctionsTest, Case) {
  FunctionTester t;
  EXPECT_EQ(t.Text("lower", {Str("TOM Ünïcödé ΣΑΣ")}), "'tom ünïcödé σασ'");
  EXPECT_EQ(t.Text("upper", {Str("straße ñ")}), "'STRAßE Ñ'");  // ß has no one-letter capital
  EXPECT_EQ(t.Text("upper", {Str("abc é")}), "'ABC É'");
  EXPECT_EQ(t.Text("initcap", {Str("hi THOMAS o'neil 2nd")}), "'Hi Thomas O''Neil 2nd'");
  EXPECT_EQ(t.Text("lower", {Null()}), "NULL");
}

TEST(StringFunctionsTest, Lengths) {
  FunctionTester t;
  EXPECT_EQ(t.Text("length", {Str("jose")}), "4");
  EXPECT_EQ(t.Text("length", {Str("josé")}), "4");
  EXPECT_EQ(t.Text("char_length", {Str("日本語")}), "3");
  EXPECT_EQ(t.Text("character_length", {Str("")}), "0");
  EXPECT_EQ(t.Text("octet_length", {Str("josé")}), "5");
  EXPECT_EQ(t.Text("length", {Value::Binary("ab\xff")}), "3");
}

TEST(StringFunctionsTest, Substring) {
  FunctionTester t;
  EXPECT_EQ(t.Text("substr", {Str("alphabet"), I32(3), I32(2)}), "'ph'");
  EXPECT_EQ(t.Text("substr", {Str("alphabet"), I32(3)}), "'phabet'");
  EXPECT_EQ(t.Text("substring", {Str("hello"), I32(0), I32(2)}), "'h'");
  EXPECT_EQ(t.Text("substr", {Str("hello"), I32(-3), I32(5)}), "'h'");
  EXPECT_EQ(t.Text("substr", {Str("hello"), I32(-3), I32(3)}), "''");
  EXPECT_EQ(t.Text("substr", {Str("hello"), I32(10)}), "''");
  EXPECT_EQ(t.Text("substr", {Str("héllo wörld"), I32(2), I32(4)}), "'éllo'");
  EXPECT_EQ(t.Text("substr", {Str("hello"), I32(2), I32(-1)}),
            "ERROR: negative substring length not allowed");
  EXPECT_EQ(t.Text("substr", {Str("hello"), Null(), I32(1)}), "NULL");
}

TEST(StringFunctionsTest, Position) {
  FunctionTester t;
  EXPECT_EQ(t.Text("strpos", {Str("high"), Str("ig")}), "2");
  EXPECT_EQ(t.Text("strpos", {Str("high"), Str("x")}), "0");
  EXPECT_EQ(t.Text("strpos", {Str("äöü"), Str("ü")}), "3");
  // position(s, substring): POSITION('om' IN 'Thomas') after the parser's rewrite.
  EXPECT_EQ(t.Text("position", {Str("Thomas"), Str("om")}), "3");
  EXPECT_EQ(t.Text("position", {Str("om"), Str("Thomas")}), "0");
  EXPECT_EQ(t.Text("strpos", {Str("abc"), Str("")}), "1");
}

TEST(StringFunctionsTest, Trim) {
  FunctionTester t;
  EXPECT_EQ(t.Text("btrim", {Str("  x y  ")}), "'x y'");
  EXPECT_EQ(t.Text("trim", {Str("xyxtrimyyx"), Str("xyz")}), "'trim'");
  EXPECT_EQ(t.Text("ltrim", {Str("zzzytest"), Str("xyz")}), "'test'");
  EXPECT_EQ(t.Text("rtrim", {Str("testxxzx"), Str("xyz")}), "'test'");
  EXPECT_EQ(t.Text("btrim", {Str("ééaéé"), Str("é")}), "'a'");
  EXPECT_EQ(t.Text("btrim", {Str("xx"), Str("x")}), "''");
}

TEST(StringFunctionsTest, ReplaceSplitAffixes) {
  FunctionTester t;
  EXPECT_EQ(t.Text("replace", {Str("abcdefabcdef"), Str("cd"), Str("XX")}), "'abXXefabXXef'");
  EXPECT_EQ(t.Text("replace", {Str("abc"), Str(""), Str("X")}), "'abc'");
  EXPECT_EQ(t.Text("split_part", {Str("abc~@~def~@~ghi"), Str("~@~"), I32(2)}), "'def'");
  EXPECT_EQ(t.Text("split_part", {Str("abc,def,ghi"), Str(","), I32(-1)}), "'ghi'");
  EXPECT_EQ(t.Text("split_part", {Str("abc,def"), Str(","), I32(5)}), "''");
  EXPECT_EQ(t.Text("split_part", {Str("abc"), Str(","), I32(0)}),
            "ERROR: field position must not be zero");
  EXPECT_EQ(t.Text("starts_with", {Str("alphabet"), Str("alph")}), "true");
  EXPECT_EQ(t.Text("ends_with", {Str("alphabet"), Str("alph")}), "false");
  EXPECT_EQ(t.Text("contains", {Str("alphabet"), Str("hab")}), "true");
}

TEST(StringFunctionsTest, Concat) {
  FunctionTester t;
  EXPECT_EQ(t.Text("concat", {Str("abcde"), I32(2), Null(), I32(22)}), "'abcde222'");
  EXPECT_EQ(t.Text("concat", {Null(), Null()}), "''");
  EXPECT_EQ(t.Text("concat_ws", {Str(","), Str("abcde"), I32(2), Null(), I32(22)}), "'abcde,2,22'");
  EXPECT_EQ(t.Text("concat_ws", {Null(DataType::String()), Str("a")}), "NULL");
  EXPECT_EQ(t.Text("||", {Str("Post"), Str("greSQL")}), "'PostgreSQL'");
  EXPECT_EQ(t.Text("||", {Str("Value: "), I32(42)}), "'Value: 42'");
  EXPECT_EQ(t.Text("||", {Str("a"), Null()}), "NULL");
  EXPECT_EQ(t.Text("||", {Value::Binary("a"), Value::Binary("\x01")}), "X'6101'");
  EXPECT_EQ(t.Text("||", {I32(1), I32(2)}), "ERROR: operator does not exist: int32 || int32");
  // Columns with NULLs.
  ColumnPtr a = Col(DataType::String(), {Str("x"), Null(), Str("z")});
  auto r = t.Call("concat", {Datum(a), Datum(Str("-")), Datum(a)}, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ShowText(*r), "x-x|-|z-z");
  auto op = t.Call("||", {Datum(a), Datum(Str("!"))}, 3);
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(ShowText(*op), "x!|NULL|z!");
}

TEST(StringFunctionsTest, Padding) {
  FunctionTester t;
  EXPECT_EQ(t.Text("lpad", {Str("hi"), I32(5), Str("xy")}), "'xyxhi'");
  EXPECT_EQ(t.Text("rpad", {Str("hi"), I32(5), Str("xy")}), "'hixyx'");
  EXPECT_EQ(t.Text("lpad", {Str("hi"), I32(5)}), "'   hi'");
  EXPECT_EQ(t.Text("lpad", {Str("hello"), I32(2)}), "'he'");
  EXPECT_EQ(t.Text("rpad", {Str("hé"), I32(4), Str("ü")}), "'héüü'");
  EXPECT_EQ(t.Text("lpad", {Str("hi"), I32(-1)}), "''");
  EXPECT_EQ(t.Text("lpad", {Str("hi"), I32(5), Str("")}), "'hi'");
  EXPECT_EQ(t.Text("repeat", {Str("Pg"), I32(4)}), "'PgPgPgPg'");
  EXPECT_EQ(t.Text("repeat", {Str("Pg"), I32(-1)}), "''");
  EXPECT_EQ(t.Text("repeat", {Str("Pg"), I32(1000000000)}), "ERROR: requested length too large");
}

TEST(StringFunctionsTest, ReverseLeftRight) {
  FunctionTester t;
  EXPECT_EQ(t.Text("reverse", {Str("abcdé")}), "'édcba'");
  EXPECT_EQ(t.Text("left", {Str("abcde"), I32(2)}), "'ab'");
  EXPECT_EQ(t.Text("left", {Str("abcde"), I32(-2)}), "'abc'");
  EXPECT_EQ(t.Text("right", {Str("abcde"), I32(2)}), "'de'");
  EXPECT_EQ(t.Text("right", {Str("abcde"), I32(-2)}), "'cde'");
  EXPECT_EQ(t.Text("right", {Str("äbc"), I32(10)}), "'äbc'");
}

TEST(StringFunctionsTest, CodesAndHashes) {
  FunctionTester t;
  EXPECT_EQ(t.Text("md5", {Str("abc")}), "'900150983cd24fb0d6963f7d28e17f72'");
  EXPECT_EQ(t.Text("md5", {Str("")}), "'d41d8cd98f00b204e9800998ecf8427e'");
  EXPECT_EQ(t.Text("md5", {Str("The quick brown fox jumps over the lazy dog")}),
            "'9e107d9d372bb6826bd81d3542a419d6'");
  EXPECT_EQ(t.Text("ascii", {Str("x")}), "120");
  EXPECT_EQ(t.Text("ascii", {Str("é")}), "233");
  EXPECT_EQ(t.Text("ascii", {Str("")}), "0");
  EXPECT_EQ(t.Text("chr", {I32(65)}), "'A'");
  EXPECT_EQ(t.Text("chr", {I32(8364)}), "'€'");
  EXPECT_EQ(t.Text("chr", {I32(0)}), "ERROR: null character not permitted");
  EXPECT_EQ(t.Text("translate", {Str("12345"), Str("143"), Str("ax")}), "'a2x5'");
}

TEST(StringFunctionsTest, StringToArray) {
  FunctionTester t;
  EXPECT_EQ(t.Text("string_to_array", {Str("xx~yy~zz"), Str("~")}), "['xx', 'yy', 'zz']");
  EXPECT_EQ(t.Text("string_to_array", {Str("xx~yy~zz"), Str("~"), Str("yy")}),
            "['xx', NULL, 'zz']");
  EXPECT_EQ(t.Text("string_to_array", {Str("abc"), Null(DataType::String())}), "['a', 'b', 'c']");
  EXPECT_EQ(t.Text("string_to_array", {Str("abc"), Str("")}), "['abc']");
  EXPECT_EQ(t.Text("string_to_array", {Str(""), Str(",")}), "[]");
  EXPECT_EQ(t.Text("string_to_array", {Null(DataType::String()), Str(",")}), "NULL");
}

TEST(StringFunctionsTest, ColumnsAndEmptyBatches) {
  FunctionTester t;
  ColumnPtr s = Col(DataType::String(), {Str("Ab"), Null(), Str("ÉCOLE"), Str("")});
  auto r = t.Call("lower", {Datum(s)}, 4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ShowText(*r), "ab|NULL|école|");
  auto len = t.Call("length", {Datum(s)}, 4);
  ASSERT_TRUE(len.ok());
  EXPECT_EQ(Show(*len, 4), "2, NULL, 5, 0");
  ColumnPtr n = Col(DataType::Int32(), {I32(1), I32(1), Null(), I32(3)});
  auto sub = t.Call("substr", {Datum(s), Datum(n), Datum(I32(2))}, 4);
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(ShowText(*sub), "Ab|NULL|NULL|");
  auto empty = t.Call("upper", {Datum(Col(DataType::String(), {}))}, 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->column()->length(), 0);
}

TEST(StringFunctionsTest, WrongArgumentTypes) {
  FunctionTester t;
  auto r = t.Bind("lower", {DataType::Int64()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "function lower(int64) does not exist; expected lower(string)");
  auto s = t.Bind("substr", {DataType::String()});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "function substr(string) does not exist; expected one of substr(string, int64), "
            "substr(string, int64, int64)");
}

}  // namespace
}  // namespace ark::sql
