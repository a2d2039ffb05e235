// Building the buffers from YAML through the registry: options, examples and the `join` error.
#include "buffers/buffers.h"

#include <gtest/gtest.h>

#include "config/yaml_loader.h"

namespace ark {
namespace {

class BuffersTest : public ::testing::Test {
 protected:
  BuffersTest() {
    RegisterBuffers(registry_);
    ctx_.registry = &registry_;
    ctx_.label = "buffer";
  }
  ConfigValue Yaml(std::string_view text) {
    auto v = LoadYamlString(text, "test.yaml");
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ConfigValue();
  }
  Registry registry_;
  ComponentContext ctx_;
};

TEST_F(BuffersTest, RegistersAllFourWithDocumentedOptions) {
  std::vector<std::string> names;
  for (const ComponentInfo* info : registry_.List(ComponentKind::kBuffer)) {
    names.push_back(info->name);
    SCOPED_TRACE(info->name);
    EXPECT_FALSE(info->summary.empty());
    EXPECT_FALSE(info->spec.description().empty());
    for (const OptionSpec& o : info->spec.options()) EXPECT_FALSE(o.description.empty()) << o.name;
    auto doc = LoadYamlString(info->example, "example.yaml");
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    auto built = registry_.MakeBuffer(*doc->Get("buffer"), ctx_);
    EXPECT_TRUE(built.ok()) << built.status().ToString();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"memory", "session_window", "sliding_window",
                                             "tumbling_window"}));
}

TEST_F(BuffersTest, WindowJoinIsRejectedUntilSqlExists) {
  for (std::string type : {"tumbling_window", "session_window"}) {
    SCOPED_TRACE(type);
    std::string key = type == "tumbling_window" ? "interval" : "gap";
    auto buf = registry_.MakeBuffer(Yaml("type: " + type + "\n" + key +
                                         ": 5s\njoin:\n  query: SELECT 1\n  codec:\n    type: "
                                         "json\n"),
                                    ctx_);
    ASSERT_FALSE(buf.ok());
    EXPECT_EQ(buf.status().ToString(),
              "ConfigError: test.yaml:4:3: join: `join` is not supported yet: it needs the SQL "
              "engine");
  }
}

TEST_F(BuffersTest, RequiredOptionsAndBounds) {
  auto memory = registry_.MakeBuffer(Yaml("type: memory\ncapacity: 0\ntimeout: 1s\n"), ctx_);
  ASSERT_FALSE(memory.ok());
  EXPECT_EQ(memory.status().code(), StatusCode::kConfigError);
  auto sliding = registry_.MakeBuffer(
      Yaml("type: sliding_window\nwindow_size: 3\ninterval: 0s\nslide_size: 1\n"), ctx_);
  ASSERT_FALSE(sliding.ok());
  EXPECT_EQ(sliding.status().ToString(),
            "ConfigError: test.yaml:3:11: interval: `interval` must be longer than 0");
  auto tumbling = registry_.MakeBuffer(Yaml("type: tumbling_window\n"), ctx_);
  ASSERT_FALSE(tumbling.ok());
  EXPECT_EQ(tumbling.status().code(), StatusCode::kConfigError);
}

}  // namespace
}  // namespace ark
