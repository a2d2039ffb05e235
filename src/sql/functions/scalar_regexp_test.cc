#include <gtest/gtest.h>

#include "sql/functions/scalar_test_util.h"

namespace ark::sql {
namespace {

using namespace ark::sql::testing;  // NOLINT

TEST(RegexpTest, Like) {
  FunctionTester t;
  EXPECT_EQ(t.Text("like", {Str("abc"), Str("abc")}), "true");
  EXPECT_EQ(t.Text("like", {Str("abc"), Str("a%")}), "true");
  EXPECT_EQ(t.Text("like", {Str("abc"), Str("%c")}), "true");
  EXPECT_EQ(t.Text("like", {Str("abc"), Str("%b%")}), "true");
  EXPECT_EQ(t.Text("like", {Str("abc"), Str("_b_")}), "true");
  EXPECT_EQ(t.Text("like", {Str("abc"), Str("c")}), "false");
  EXPECT_EQ(t.Text("like", {Str("abc"), Str("%")}), "true");
  EXPECT_EQ(t.Text("like", {Str("a%c"), Str("a\\%c")}), "true");
  EXPECT_EQ(t.Text("like", {Str("abc"), Str("a\\%c")}), "false");
  EXPECT_EQ(t.Text("like", {Str("a_c"), Str("a#_c"), Str("#")}), "true");
  EXPECT_EQ(t.Text("like", {Str("abc"), Str("a#_c"), Str("#")}), "false");
  EXPECT_EQ(t.Text("like", {Str("a\\c"), Str("a\\c"), Str("")}), "true");
  EXPECT_EQ(t.Text("like", {Str("日本語"), Str("_本_")}), "true");
  EXPECT_EQ(t.Text("like", {Str("a.c"), Str("a.c")}), "true");
  EXPECT_EQ(t.Text("like", {Str("abc"), Str("a.c")}), "false");
  EXPECT_EQ(t.Text("like", {Str("line1\nline2"), Str("line1%")}), "true");
  EXPECT_EQ(t.Text("like", {Str("x"), Str("x\\")}),
            "ERROR: LIKE pattern must not end with escape character");
  EXPECT_EQ(t.Text("ilike", {Str("ABC"), Str("a%")}), "true");
  EXPECT_EQ(t.Text("ilike", {Str("ÉCOLE"), Str("éc%")}), "true");
  EXPECT_EQ(t.Text("like", {Null(), Str("a%")}), "NULL");
  // Columns: constant and per-row patterns.
  ColumnPtr s = Col(DataType::String(), {Str("apple"), Null(), Str("banana"), Str("grape")});
  auto r = t.Call("like", {Datum(s), Datum(Str("%ap%"))}, 4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 4), "true, NULL, false, true");
  ColumnPtr p = Col(DataType::String(), {Str("a%"), Str("x"), Str("%na"), Str("g_ape")});
  auto rp = t.Call("like", {Datum(s), Datum(p)}, 4);
  ASSERT_TRUE(rp.ok());
  EXPECT_EQ(Show(*rp, 4), "true, NULL, true, true");
  ColumnPtr no_nulls = Col(DataType::String(), {Str("abc"), Str("xbc"), Str("ab")});
  auto fast = t.Call("like", {Datum(no_nulls), Datum(Str("ab%"))}, 3);
  ASSERT_TRUE(fast.ok());
  EXPECT_EQ(Show(*fast, 3), "true, false, true");
}

TEST(RegexpTest, SimilarTo) {
  FunctionTester t;
  EXPECT_EQ(t.Text("similar_to", {Str("abc"), Str("abc")}), "true");
  EXPECT_EQ(t.Text("similar_to", {Str("abc"), Str("a")}), "false");
  EXPECT_EQ(t.Text("similar_to", {Str("abc"), Str("%(b|d)%")}), "true");
  EXPECT_EQ(t.Text("similar_to", {Str("abc"), Str("(b|c)%")}), "false");
  EXPECT_EQ(t.Text("similar_to", {Str("a.c"), Str("a.c")}), "true");
  EXPECT_EQ(t.Text("similar_to", {Str("abc"), Str("a.c")}), "false");
  EXPECT_EQ(t.Text("similar_to", {Str("aaa"), Str("a+")}), "true");
  EXPECT_EQ(t.Text("similar_to", {Str("a1"), Str("[a-z][0-9]")}), "true");
}

TEST(RegexpTest, RegexpLike) {
  FunctionTester t;
  EXPECT_EQ(t.Text("regexp_like", {Str("Hello World"), Str("W.r")}), "true");
  EXPECT_EQ(t.Text("regexp_like", {Str("Hello"), Str("^h")}), "false");
  EXPECT_EQ(t.Text("regexp_like", {Str("Hello"), Str("^h"), Str("i")}), "true");
  EXPECT_EQ(t.Text("regexp_ilike", {Str("Hello"), Str("^h")}), "true");
  EXPECT_EQ(t.Text("regexp_like", {Str("a\nb"), Str("a.b")}), "true");
  EXPECT_EQ(t.Text("regexp_like", {Str("a\nb"), Str("a.b"), Str("n")}), "false");
  EXPECT_EQ(t.Text("regexp_like", {Str("x"), Str("(")}),
            "ERROR: invalid regular expression \"(\": missing ): (");
  EXPECT_EQ(t.Text("regexp_like", {Str("x"), Str("x"), Str("q")}),
            "ERROR: regexp_like: invalid regular expression option: \"q\"");
  // The invalid constant pattern is reported when binding, before any row.
  auto bound =
      t.Bind("regexp_like", {DataType::String(), DataType::String()}, {std::nullopt, Str("a[")});
  ASSERT_FALSE(bound.ok());
  EXPECT_EQ(bound.status().message(), "invalid regular expression \"a[\": missing ]: [");
  // A per-row pattern column.
  ColumnPtr s = Col(DataType::String(), {Str("abc"), Str("xyz")});
  ColumnPtr p = Col(DataType::String(), {Str("b"), Str("^y")});
  auto r = t.Call("regexp_like", {Datum(s), Datum(p)}, 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 2), "true, false");
}

TEST(RegexpTest, MatchReplaceExtractCount) {
  FunctionTester t;
  EXPECT_EQ(t.Text("regexp_match", {Str("foobarbequebaz"), Str("(bar)(beque)")}),
            "['bar', 'beque']");
  EXPECT_EQ(t.Text("regexp_match", {Str("foobarbequebaz"), Str("bar")}), "['bar']");
  EXPECT_EQ(t.Text("regexp_match", {Str("foo"), Str("x(y)")}), "NULL");
  EXPECT_EQ(t.Text("regexp_match", {Str("ab"), Str("(a)(x)?")}), "['a', NULL]");
  EXPECT_EQ(t.Text("regexp_match", {Str("ab"), Str("a"), Str("g")}),
            "ERROR: regexp_match() does not support the \"global\" option");
  EXPECT_EQ(t.Text("regexp_replace", {Str("Thomas"), Str(".[mN]a."), Str("M")}), "'ThM'");
  EXPECT_EQ(t.Text("regexp_replace", {Str("foobarbaz"), Str("b(..)"), Str("X\\1Y"), Str("g")}),
            "'fooXarYXazY'");
  EXPECT_EQ(t.Text("regexp_replace", {Str("foobarbaz"), Str("b(..)"), Str("X\\1Y")}),
            "'fooXarYbaz'");
  EXPECT_EQ(t.Text("regexp_replace", {Str("abc"), Str("b"), Str("[\\&]")}), "'a[b]c'");
  EXPECT_EQ(t.Text("regexp_replace", {Str("ABC"), Str("b"), Str("x"), Str("gi")}), "'AxC'");
  EXPECT_EQ(t.Text("regexp_extract", {Str("abc123"), Str("[a-z]+(\\d+)"), I32(1)}), "'123'");
  EXPECT_EQ(t.Text("regexp_extract", {Str("abc123"), Str("\\d+")}), "'123'");
  EXPECT_EQ(t.Text("regexp_extract", {Str("abc"), Str("\\d+")}), "''");
  EXPECT_EQ(t.Text("regexp_extract", {Str("abc"), Str("(b)"), I32(2)}),
            "ERROR: regexp_extract: group 2 does not exist (the pattern has 1 groups)");
  EXPECT_EQ(t.Text("regexp_count", {Str("ABCABCAXYaxy"), Str("A.")}), "3");
  EXPECT_EQ(t.Text("regexp_count", {Str("ABCABCAXYaxy"), Str("A."), Str("i")}), "4");
  EXPECT_EQ(t.Text("regexp_count", {Str("abc"), Str("x*")}), "4");
}

}  // namespace
}  // namespace ark::sql
