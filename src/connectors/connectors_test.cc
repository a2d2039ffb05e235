// Building the connectors from YAML through the registry: option names, defaults and the errors for
// ArkFlow options that are not supported yet.
#include "connectors/connectors.h"

#include <gtest/gtest.h>

#include "config/yaml_loader.h"
#include "connectors/common/test_util.h"
#include "core/raw_message.h"

namespace ark {
namespace {

using testing::Strings;
using testing::TempDir;
using testing::WriteFile;

class ConnectorsTest : public ::testing::Test {
 protected:
  ConnectorsTest() {
    RegisterConnectors(registry_);
    ctx_.stream_id = "stream-0";
    ctx_.label = "input";
    ctx_.registry = &registry_;
  }

  ConfigValue Yaml(std::string_view text) {
    auto v = LoadYamlString(text, "test.yaml");
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ConfigValue();
  }

  Registry registry_;
  ComponentContext ctx_;
};

std::vector<std::string> Names(const Registry& r, ComponentKind kind) {
  std::vector<std::string> out;
  for (const ComponentInfo* info : r.List(kind)) out.push_back(info->name);
  return out;
}

TEST_F(ConnectorsTest, RegistersEveryComponentWithDocumentedOptions) {
  EXPECT_EQ(Names(registry_, ComponentKind::kInput),
            (std::vector<std::string>{"file", "generate", "http", "kafka", "memory", "mqtt",
                                      "nexmark", "stdin", "websocket"}));
  EXPECT_EQ(
      Names(registry_, ComponentKind::kOutput),
      (std::vector<std::string>{"drop", "file", "http", "kafka", "mqtt", "stdout", "websocket"}));
  for (auto kind : {ComponentKind::kInput, ComponentKind::kOutput}) {
    for (const ComponentInfo* info : registry_.List(kind)) {
      SCOPED_TRACE(info->name);
      EXPECT_FALSE(info->summary.empty());
      EXPECT_FALSE(info->spec.description().empty());
      EXPECT_FALSE(info->example.empty());
      for (const OptionSpec& o : info->spec.options()) {
        EXPECT_FALSE(o.description.empty()) << o.name;
      }
      // The example parses and validates against the spec.
      auto doc = LoadYamlString(info->example, "example.yaml");
      ASSERT_TRUE(doc.ok()) << doc.status().ToString();
      ASSERT_TRUE(doc->is_map());
      const ConfigValue& section = doc->entries()[0].second;
      const ConfigValue& node = section.is_list() ? section.items()[0] : section;
      auto parsed = info->spec.Parse(node, info->name);
      EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    }
  }
}

TEST_F(ConnectorsTest, GenerateFromYaml) {
  auto in = registry_.MakeInput(
      Yaml("type: generate\ncontext: hi\ninterval: 0s\ncount: 5\nbatch_size: 2\n"), ctx_);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  ASSERT_TRUE((*in)->Connect().ok());
  std::stop_source stop;
  std::vector<int64_t> sizes;
  while (true) {
    auto r = (*in)->Read(stop.get_token());
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kEndOfStream);
      break;
    }
    sizes.push_back(r->batch.num_rows());
  }
  EXPECT_EQ(sizes, (std::vector<int64_t>{2, 2, 1}));
}

TEST_F(ConnectorsTest, GenerateRequiresContextAndInterval) {
  auto in = registry_.MakeInput(Yaml("type: generate\ncontext: hi\n"), ctx_);
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(in.status().message(),
            "test.yaml:1:1: missing required option \"interval\" for input \"generate\"");
}

TEST_F(ConnectorsTest, MemoryFromYaml) {
  auto in = registry_.MakeInput(Yaml("type: memory\nmessages: [a, b, c]\nbatch_size: 2\n"), ctx_);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  std::stop_source stop;
  EXPECT_EQ(Strings((*in)->Read(stop.get_token())->batch, kValueColumn),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Strings((*in)->Read(stop.get_token())->batch, kValueColumn),
            (std::vector<std::string>{"c"}));
  EXPECT_EQ((*in)->Read(stop.get_token()).status().code(), StatusCode::kEndOfStream);
}

TEST_F(ConnectorsTest, FileInputRawFromYaml) {
  TempDir dir;
  WriteFile(dir / "x.txt", "1\n2\n3\n");
  auto in =
      registry_.MakeInput(Yaml("type: file\npath: " + (dir / "*.txt") + "\nbatch_size: 2\n"), ctx_);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  ASSERT_TRUE((*in)->Connect().ok());
  std::stop_source stop;
  EXPECT_EQ(Strings((*in)->Read(stop.get_token())->batch, kValueColumn),
            (std::vector<std::string>{"1", "2"}));
}

TEST_F(ConnectorsTest, FileInputUnsupportedArkFlowOptionsAreClearErrors) {
  auto query =
      registry_.MakeInput(Yaml("type: file\npath: a.csv\nquery:\n  query: SELECT 1\n"), ctx_);
  ASSERT_FALSE(query.ok());
  EXPECT_EQ(query.status().ToString(),
            "ConfigError: test.yaml:4:3: query: `query` is not supported yet: it needs the SQL "
            "engine; add a `sql` processor instead when it is available");
  auto parquet = registry_.MakeInput(
      Yaml("type: file\ninput_type:\n  type: parquet\n  path: a.parquet\n"), ctx_);
  ASSERT_FALSE(parquet.ok());
  EXPECT_EQ(parquet.status().ToString(),
            "ConfigError: test.yaml:3:9: input_type.type: parquet files are not supported yet; "
            "use json, csv or arrow");
  auto both = registry_.MakeInput(
      Yaml("type: file\npath: a\ninput_type:\n  type: json\n  path: b\n"), ctx_);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().ToString(),
            "ConfigError: test.yaml:4:3: input_type: give either `input_type` (ArkFlow's form) or "
            "`path` and `codec`, not both");
  auto none = registry_.MakeInput(Yaml("type: file\nbatch_size: 3\n"), ctx_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().ToString(),
            "ConfigError: test.yaml:1:1: missing required key `path` (or ArkFlow's `input_type`)");
}

TEST_F(ConnectorsTest, FileOutputFromYaml) {
  TempDir dir;
  auto out = registry_.MakeOutput(Yaml("type: file\npath: " + (dir / "o.txt") + "\n"), ctx_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_TRUE((*out)->Connect().ok());
  std::vector<std::string> a = {"x", "y"};
  ASSERT_TRUE((*out)->Write(MakeRawBatch(std::span(a))).ok());
  ASSERT_TRUE((*out)->Close().ok());
  EXPECT_EQ(testing::ReadFile(dir / "o.txt"), "x\ny\n");
  auto drop = registry_.MakeOutput(Yaml("type: drop\n"), ctx_);
  ASSERT_TRUE(drop.ok());
  EXPECT_TRUE((*drop)->Write(MakeRawBatch(std::span(a))).ok());
}

}  // namespace
}  // namespace ark
