#include "config/config_value.h"

#include <gtest/gtest.h>

namespace ark {
namespace {

SourcePos At(int line, int column) { return SourcePos{"c.yaml", line, column}; }

TEST(SourcePosTest, ToStringLeavesOutUnknownParts) {
  EXPECT_EQ(At(12, 7).ToString(), "c.yaml:12:7");
  EXPECT_EQ(At(12, 0).ToString(), "c.yaml:12");
  EXPECT_EQ(At(0, 0).ToString(), "c.yaml");
  EXPECT_EQ(SourcePos{}.ToString(), "");
}

TEST(ConfigValueTest, PathsOfMapEntriesAndListItems) {
  EXPECT_EQ(ConfigValue::ChildPath("", "streams"), "streams");
  EXPECT_EQ(ConfigValue::ChildPath("streams[0]", "input"), "streams[0].input");
  EXPECT_EQ(ConfigValue::ChildPath("headers", "Content-Type"), "headers.Content-Type");
  EXPECT_EQ(ConfigValue::ChildPath("headers", "a.b"), "headers[\"a.b\"]");
  EXPECT_EQ(ConfigValue::ChildPath("m", "with space"), "m[\"with space\"]");
  EXPECT_EQ(ConfigValue::ChildPath("m", ""), "m[\"\"]");
  EXPECT_EQ(ConfigValue::ItemPath("streams", 3), "streams[3]");
}

TEST(ConfigValueTest, ErrorCarriesPositionPathAndCode) {
  ConfigValue v = ConfigValue::Scalar("ten", false, At(3, 12), "streams[0].input.count");
  Status s = v.Error("expected an integer, got \"ten\"");
  EXPECT_EQ(s.code(), StatusCode::kConfigError);
  EXPECT_EQ(s.message(), "c.yaml:3:12: streams[0].input.count: expected an integer, got \"ten\"");

  ConfigValue root = ConfigValue::Null(At(0, 0), "");
  EXPECT_EQ(root.Error("empty").message(), "c.yaml: empty");
  EXPECT_EQ(ConfigValue::ErrorAt(SourcePos{}, "a.b", "bad").message(), "a.b: bad");
}

TEST(ConfigValueTest, MapLookupAndKeyPositions) {
  ConfigValue m = ConfigValue::Map({{"a", ConfigValue::Scalar("1", false, At(1, 4), "x.a")},
                                    {"b", ConfigValue::Scalar("2", true, At(2, 4), "x.b")}},
                                   {At(1, 1), At(2, 1)}, At(1, 1), "x");
  ASSERT_NE(m.Get("b"), nullptr);
  EXPECT_EQ(m.Get("b")->text(), "2");
  EXPECT_TRUE(m.Get("b")->quoted());
  EXPECT_EQ(m.Get("c"), nullptr);
  EXPECT_EQ(m.key_pos(1).ToString(), "c.yaml:2:1");
  EXPECT_EQ(m.KeyError(1, "unknown option").message(), "c.yaml:2:1: x.b: unknown option");

  // Without key positions, a key is located at its value.
  ConfigValue n =
      ConfigValue::Map({{"a", ConfigValue::Scalar("1", false, At(5, 9), "a")}}, At(5, 1), "");
  EXPECT_EQ(n.key_pos(0).ToString(), "c.yaml:5:9");
  EXPECT_EQ(n.KeyError(0, "oops").message(), "c.yaml:5:9: a: oops");

  // Get on a non-map is null, not a crash.
  EXPECT_EQ(ConfigValue::Scalar("x", false, At(1, 1), "").Get("a"), nullptr);
}

TEST(ConfigValueTest, ToStringRendersFlowYaml) {
  ConfigValue v = ConfigValue::Map(
      {{"type", ConfigValue::Scalar("generate", false, {}, "")},
       {"context", ConfigValue::Scalar("{\"a\": 1}", true, {}, "")},
       {"list",
        ConfigValue::List({ConfigValue::Scalar("x", false, {}, ""), ConfigValue::Null({}, ""),
                           ConfigValue::Scalar("a, b", false, {}, "")},
                          {}, "")},
       {"empty", ConfigValue::Scalar("", false, {}, "")},
       {"two words", ConfigValue::Scalar("line\nbreak", false, {}, "")}},
      {}, "");
  EXPECT_EQ(v.ToString(),
            "{type: generate, context: \"{\\\"a\\\": 1}\", list: [x, null, \"a, b\"], empty: \"\", "
            "two words: \"line\\nbreak\"}");
}

TEST(ConfigValueTest, WithPathReRootsTheWholeSubtree) {
  ConfigValue v = ConfigValue::Map(
      {{"q", ConfigValue::List({ConfigValue::Scalar("1", false, At(2, 5), "base.q[0]")}, At(2, 3),
                               "base.q")}},
      {At(2, 1)}, At(2, 1), "base");
  ConfigValue moved = v.WithPath("streams[1].input");
  EXPECT_EQ(moved.path(), "streams[1].input");
  EXPECT_EQ(moved.Get("q")->path(), "streams[1].input.q");
  EXPECT_EQ(moved.Get("q")->items()[0].path(), "streams[1].input.q[0]");
  // Positions stay where the text is.
  EXPECT_EQ(moved.Get("q")->items()[0].pos().ToString(), "c.yaml:2:5");
  EXPECT_EQ(moved.key_pos(0).ToString(), "c.yaml:2:1");
}

TEST(ConfigValueTest, KindDescription) {
  EXPECT_EQ(ConfigValue::Null({}, "").KindDescription(), "null");
  EXPECT_EQ(ConfigValue::Scalar("x", false, {}, "").KindDescription(), "a scalar");
  EXPECT_EQ(ConfigValue::List({}, {}, "").KindDescription(), "a list");
  EXPECT_EQ(ConfigValue::Map({}, {}, "").KindDescription(), "a map");
}

}  // namespace
}  // namespace ark
