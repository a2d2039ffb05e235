#include <gtest/gtest.h>

#include "sql/functions/scalar_test_util.h"

namespace ark::sql {
namespace {

using namespace ark::sql::testing;  // NOLINT

const char* kDoc =
    R"({"a": {"b": [1, 2, {"c": "x\"y"}]}, "n": null, "s": "text", "f": 1.5, "t": true})";

TEST(JsonTest, ArrowOperators) {
  FunctionTester t;
  // The sub-value as written (PostgreSQL's json keeps the input text).
  EXPECT_EQ(t.Text("->", {Str(kDoc), Str("a")}), "'{\"b\": [1, 2, {\"c\": \"x\\\"y\"}]}'");
  EXPECT_EQ(t.Text("->", {Str(" { \"t\" :  [1,  2 ] , \"u\": 1 } "), Str("t")}), "'[1,  2 ]'");
  EXPECT_EQ(t.Text("->>", {Str("{\"t\": {\"a\":  \"b\"}}"), Str("t")}), "'{\"a\":  \"b\"}'");
  // Duplicate keys: the last one counts; escaped keys match their value.
  EXPECT_EQ(t.Text("->", {Str("{\"a\": 1, \"a\": [2]}"), Str("a")}), "'[2]'");
  EXPECT_EQ(t.Text("->>", {Str("{\"\\u0061b\": \"x\\u00e9\"}"), Str("ab")}), "'xé'");
  EXPECT_EQ(t.Text("->", {Str("{\"s\": \"a,]}\\\"\", \"z\": 2}"), Str("z")}), "'2'");
  EXPECT_EQ(t.Text("->", {Str("[[1, [2]], {\"k\": [3]}]"), I32(1)}), "'{\"k\": [3]}'");
  EXPECT_EQ(t.Text("->", {Str(kDoc), Str("s")}), "'\"text\"'");
  EXPECT_EQ(t.Text("->>", {Str(kDoc), Str("s")}), "'text'");
  EXPECT_EQ(t.Text("->", {Str(kDoc), Str("n")}), "'null'");
  EXPECT_EQ(t.Text("->>", {Str(kDoc), Str("n")}), "NULL");
  EXPECT_EQ(t.Text("->>", {Str(kDoc), Str("f")}), "'1.5'");
  EXPECT_EQ(t.Text("->>", {Str(kDoc), Str("t")}), "'true'");
  EXPECT_EQ(t.Text("->", {Str(kDoc), Str("missing")}), "NULL");
  EXPECT_EQ(t.Text("->", {Str("[1, \"x\", [3]]"), I32(1)}), "'\"x\"'");
  EXPECT_EQ(t.Text("->>", {Str("[1, \"x\", [3]]"), I32(1)}), "'x'");
  EXPECT_EQ(t.Text("->>", {Str("[1, \"x\", [3]]"), I32(-1)}), "'[3]'");
  EXPECT_EQ(t.Text("->", {Str("[1]"), I32(5)}), "NULL");
  EXPECT_EQ(t.Text("->", {Str("[1]"), Str("a")}), "NULL");
  EXPECT_EQ(t.Text("->", {Str("{\"a\": 1}"), I32(0)}), "NULL");
  EXPECT_EQ(t.Text("->", {Null(DataType::String()), Str("a")}), "NULL");
  EXPECT_EQ(t.Text("->", {Str("{\"a\": "), Str("a")}),
            "ERROR: invalid input syntax for type json: \"{\"a\": \" (The JSON document has an "
            "improper structure: missing or superfluous commas, braces, missing keys, etc.)");
  // A column, nested access by chaining.
  ColumnPtr docs =
      Col(DataType::String(), {Str(R"({"user": {"name": "ann"}})"), Null(), Str(R"({"user": {}})"),
                               Str(R"({"user": {"name": "bob"}})")});
  auto user = t.Call("->", {Datum(docs), Datum(Str("user"))}, 4);
  ASSERT_TRUE(user.ok());
  auto name = t.Call("->>", {*user, Datum(Str("name"))}, 4);
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(ShowText(*name), "ann|NULL|NULL|bob");
}

TEST(JsonTest, ExtractPath) {
  FunctionTester t;
  EXPECT_EQ(t.Text("json_extract_path", {Str(kDoc), Str("a"), Str("b"), Str("2")}),
            "'{\"c\": \"x\\\"y\"}'");
  EXPECT_EQ(t.Text("json_extract_path_text", {Str(kDoc), Str("a"), Str("b"), Str("2"), Str("c")}),
            "'x\"y'");
  EXPECT_EQ(t.Text("json_extract_path_text", {Str(kDoc), Str("a"), Str("x")}), "NULL");
  EXPECT_EQ(t.Text("json_extract_path_text", {Str(kDoc), Str("a"), Str("b"), Str("z")}), "NULL");
  EXPECT_EQ(t.Text("json_extract", {Str(kDoc), Str("$.a.b[1]")}), "'2'");
  EXPECT_EQ(t.Text("json_extract", {Str(kDoc), Str("$.a.b[#-1].c")}), "'\"x\\\"y\"'");
  EXPECT_EQ(t.Text("json_extract_string", {Str(kDoc), Str("$[\"a\"][\"b\"][2].c")}), "'x\"y'");
  EXPECT_EQ(t.Text("json_extract_string", {Str(kDoc), Str("s")}), "'text'");
  EXPECT_EQ(t.Text("json_extract", {Str(kDoc), Str("$.a.")}),
            "ERROR: invalid JSON path \"$.a.\" at position 5");
}

TEST(JsonTest, ArrayLengthTypeofValid) {
  FunctionTester t;
  EXPECT_EQ(t.Text("json_array_length", {Str("[1, 2, [3]]")}), "3");
  EXPECT_EQ(t.Text("json_array_length", {Str("[]")}), "0");
  EXPECT_EQ(t.Text("json_array_length", {Str("{}")}),
            "ERROR: cannot get array length of a non-array");
  EXPECT_EQ(t.Text("json_array_length", {Str("5")}), "ERROR: cannot get array length of a scalar");
  EXPECT_EQ(t.Text("json_typeof", {Str("-123.4")}), "'number'");
  EXPECT_EQ(t.Text("json_typeof", {Str("{\"a\":1}")}), "'object'");
  EXPECT_EQ(t.Text("json_typeof", {Str("null")}), "'null'");
  EXPECT_EQ(t.Text("json_typeof", {Str("\"s\"")}), "'string'");
  EXPECT_EQ(t.Text("json_valid", {Str("{\"a\": 1}")}), "true");
  EXPECT_EQ(t.Text("json_valid", {Str("{a: 1}")}), "false");
}

}  // namespace
}  // namespace ark::sql
