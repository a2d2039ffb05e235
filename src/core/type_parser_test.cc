#include "core/type_parser.h"

#include <gtest/gtest.h>

namespace ark {
namespace {

std::string Parsed(std::string_view text) {
  auto t = ParseDataType(text);
  return t.ok() ? t->ToString() : "error: " + t.status().message();
}

TEST(ParseDataTypeTest, OurNamesRoundTrip) {
  for (const char* name :
       {"null", "bool", "int32", "int64", "float32", "float64", "string", "binary", "timestamp",
        "date", "interval", "list<float32>", "struct<a: int64, b: list<string>>",
        "list<struct<x: date>>", "struct<>"}) {
    EXPECT_EQ(Parsed(name), name);
  }
}

TEST(ParseDataTypeTest, PostgresAndCommonAliases) {
  EXPECT_EQ(Parsed("BIGINT"), "int64");
  EXPECT_EQ(Parsed("int8"), "int64");
  EXPECT_EQ(Parsed("long"), "int64");
  EXPECT_EQ(Parsed("integer"), "int32");
  EXPECT_EQ(Parsed("int"), "int32");
  EXPECT_EQ(Parsed("int4"), "int32");
  EXPECT_EQ(Parsed("smallint"), "int32");
  EXPECT_EQ(Parsed("double precision"), "float64");
  EXPECT_EQ(Parsed("double"), "float64");
  EXPECT_EQ(Parsed("float"), "float64");
  EXPECT_EQ(Parsed("float8"), "float64");
  EXPECT_EQ(Parsed("real"), "float32");
  EXPECT_EQ(Parsed("float4"), "float32");
  EXPECT_EQ(Parsed("text"), "string");
  EXPECT_EQ(Parsed("varchar"), "string");
  EXPECT_EQ(Parsed("varchar(255)"), "string");
  EXPECT_EQ(Parsed("character varying(10)"), "string");
  EXPECT_EQ(Parsed("char(3)"), "string");
  EXPECT_EQ(Parsed("boolean"), "bool");
  EXPECT_EQ(Parsed("bytea"), "binary");
  EXPECT_EQ(Parsed("timestamptz"), "timestamp");
  EXPECT_EQ(Parsed("timestamp(3) with time zone"), "timestamp");
  EXPECT_EQ(Parsed("timestamp without time zone"), "timestamp");
  EXPECT_EQ(Parsed("int[]"), "list<int32>");
  EXPECT_EQ(Parsed("text[][]"), "list<list<string>>");
  EXPECT_EQ(Parsed("array<real>"), "list<float32>");
  EXPECT_EQ(Parsed("  Struct < city  string , \"zip code\": INT > "),
            "struct<city: string, zip code: int32>");
}

TEST(ParseDataTypeTest, ErrorsSayWhere) {
  EXPECT_EQ(Parsed("list<strin>"),
            "error: invalid type \"list<strin>\": unknown type name \"strin\" at position 6 (did "
            "you mean \"string\"?)");
  EXPECT_EQ(Parsed("struct<a int64"),
            "error: invalid type \"struct<a int64\": expected \",\" or \">\" at position 15 (end "
            "of text)");
  EXPECT_EQ(Parsed("list<int64"),
            "error: invalid type \"list<int64\": expected \">\" at position 11 (end of text)");
  EXPECT_EQ(Parsed("int64 x"), "error: invalid type \"int64 x\": unexpected \"x\" at position 7");
  EXPECT_EQ(Parsed(""),
            "error: invalid type \"\": expected a type name at position 1 (end of text)");
  EXPECT_EQ(Parsed("struct<a: int64, a: string>"),
            "error: invalid type \"struct<a: int64, a: string>\": duplicate field name \"a\" at "
            "position 18");
  EXPECT_EQ(Parsed("decimal(10,2)"),
            "error: invalid type \"decimal(10,2)\": type \"decimal\" is not supported (use float64 "
            "or int64) at position 1");
  EXPECT_EQ(Parsed("timestamp with zone"),
            "error: invalid type \"timestamp with zone\": expected \"time zone\" at position 16");
  EXPECT_EQ(Parsed("varchar(x)"),
            "error: invalid type \"varchar(x)\": expected a number at position 9");
  EXPECT_EQ(ParseDataType("nope").status().code(), StatusCode::kParseError);
}

}  // namespace
}  // namespace ark
