#include "connectors/http/json_body.h"

#include <gtest/gtest.h>

namespace ark {
namespace {

std::vector<std::string> SplitOk(std::string_view body) {
  JsonBodySplitter splitter;
  JsonRecords records;
  Status st = splitter.Split(body, &records);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return {records.records.begin(), records.records.end()};
}

std::string SplitError(std::string_view body) {
  JsonBodySplitter splitter;
  JsonRecords records;
  Status st = splitter.Split(body, &records);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(records.records.empty());
  return st.message();
}

TEST(JsonBodySplitter, OneObject) {
  EXPECT_EQ(SplitOk(R"({"a": 1})"), std::vector<std::string>{R"({"a": 1})"});
}

TEST(JsonBodySplitter, MultiLineObjectIsOneRecord) {
  EXPECT_EQ(SplitOk("{\n  \"a\": 1,\n  \"b\": [1, 2]\n}\n"),
            std::vector<std::string>{R"({"a":1,"b":[1,2]})"});
}

TEST(JsonBodySplitter, ArrayOfObjectsIsMinifiedPerElement) {
  EXPECT_EQ(SplitOk(R"([{"a": 1}, {"b": "x y"}, {}])"),
            (std::vector<std::string>{R"({"a":1})", R"({"b":"x y"})", "{}"}));
  EXPECT_TRUE(SplitOk("[]").empty());
}

TEST(JsonBodySplitter, Ndjson) {
  EXPECT_EQ(SplitOk("{\"a\":1}\n{\"a\":2}\r\n\n{\"a\":3}"),
            (std::vector<std::string>{R"({"a":1})", R"({"a":2})", R"({"a":3})"}));
}

TEST(JsonBodySplitter, BlankBodyHasNoRecord) {
  EXPECT_TRUE(SplitOk("").empty());
  EXPECT_TRUE(SplitOk(" \n\r\n").empty());
}

TEST(JsonBodySplitter, ErrorsNameLineAndByte) {
  EXPECT_EQ(SplitError("{\"a\":1}\n{\"a\":}\n{\"a\":3}\n"),
            "line 2, byte 8: The JSON document has an improper structure: missing "
            "or superfluous commas, braces, missing keys, etc.");
  EXPECT_EQ(SplitError("{\"a\":1}\n42\n"),
            "line 2, byte 8: expected a JSON object or an array of objects, got number");
  EXPECT_EQ(SplitError("[{\"a\":1}, 3]"),
            "line 1, byte 0: array element 1: expected a JSON object, got number");
  EXPECT_EQ(SplitError("{\"a\":1}\n{\"a\":2"),
            "line 2, byte 8: incomplete JSON document at the end of the body");
  EXPECT_EQ(SplitError("{\"a\":\"\xff\"}"), "line 1, byte 0: The input is not valid UTF-8");
  EXPECT_EQ(SplitError("not json"),
            "line 1, byte 0: Problem while parsing an atom starting with the letter 'n'");
}

}  // namespace
}  // namespace ark
