#include "config/yaml_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

namespace ark {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

ConfigValue Load(std::string_view text, const EnvLookup& env = FakeEnv({})) {
  Result<ConfigValue> r = LoadYamlString(text, "c.yaml", env);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ConfigValue();
}

Status LoadError(std::string_view text, const EnvLookup& env = FakeEnv({})) {
  Result<ConfigValue> r = LoadYamlString(text, "c.yaml", env);
  EXPECT_FALSE(r.ok());
  return r.status();
}

constexpr std::string_view kPipeline = R"(streams:
  - input:
      type: generate
      context: '{"a": 1}'
    pipeline:
      thread_num: 4
      processors:
        - type: json_to_arrow
        - type: sql
          query: "SELECT * FROM flow"
    output:
      type: stdout
)";

TEST(YamlLoaderTest, NodesKnowTheirPositionsAndPaths) {
  ConfigValue root = Load(kPipeline);
  ASSERT_TRUE(root.is_map());
  const ConfigValue& stream = root.Get("streams")->items()[0];
  EXPECT_EQ(stream.path(), "streams[0]");
  EXPECT_EQ(stream.pos().ToString(), "c.yaml:2:5");
  const ConfigValue& query = *stream.Get("pipeline")->Get("processors")->items()[1].Get("query");
  EXPECT_EQ(query.path(), "streams[0].pipeline.processors[1].query");
  EXPECT_EQ(query.pos().ToString(), "c.yaml:10:18");
  EXPECT_EQ(query.text(), "SELECT * FROM flow");
  const ConfigValue& input = *stream.Get("input");
  EXPECT_EQ(input.pos().ToString(), "c.yaml:3:7");  // a block map starts at its first key
  EXPECT_EQ(input.entries()[1].first, "context");
  EXPECT_EQ(input.key_pos(1).ToString(), "c.yaml:4:7");
  EXPECT_EQ(input.Get("context")->pos().ToString(), "c.yaml:4:16");
  EXPECT_EQ(root.key_pos(0).ToString(), "c.yaml:1:1");
}

TEST(YamlLoaderTest, ScalarsRememberQuoting) {
  ConfigValue root =
      Load("a: plain\nb: \"double\"\nc: 'single'\nd: |\n  block\ne: !!str 12\nf: 12\n");
  EXPECT_FALSE(root.Get("a")->quoted());
  EXPECT_TRUE(root.Get("b")->quoted());
  EXPECT_TRUE(root.Get("c")->quoted());
  EXPECT_TRUE(root.Get("d")->quoted());
  EXPECT_EQ(root.Get("d")->text(), "block\n");
  EXPECT_TRUE(root.Get("e")->quoted());
  EXPECT_EQ(root.Get("e")->text(), "12");
  EXPECT_FALSE(root.Get("f")->quoted());
}

TEST(YamlLoaderTest, NullsAreNullsOnlyWhenPlain) {
  ConfigValue root = Load("a:\nb: ~\nc: null\nd: NULL\ne: 'null'\nf: \"\"\ng: [~, x]\n");
  EXPECT_TRUE(root.Get("a")->is_null());
  // An omitted value is located at its key.
  EXPECT_EQ(root.Get("a")->pos().ToString(), "c.yaml:1:1");
  EXPECT_EQ(root.Get("a")->path(), "a");
  EXPECT_TRUE(root.Get("b")->is_null());
  EXPECT_TRUE(root.Get("c")->is_null());
  EXPECT_TRUE(root.Get("d")->is_null());
  ASSERT_TRUE(root.Get("e")->is_scalar());
  EXPECT_EQ(root.Get("e")->text(), "null");
  ASSERT_TRUE(root.Get("f")->is_scalar());
  EXPECT_EQ(root.Get("f")->text(), "");
  EXPECT_TRUE(root.Get("g")->items()[0].is_null());
  EXPECT_EQ(root.Get("g")->items()[0].path(), "g[0]");
}

TEST(YamlLoaderTest, EmptyDocumentIsNull) {
  for (std::string_view text : {"", "# only a comment\n", "\n\n"}) {
    Result<ConfigValue> r = LoadYamlString(text, "c.yaml");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->is_null());
    EXPECT_EQ(r->pos().file, "c.yaml");
  }
}

TEST(YamlLoaderTest, EnvironmentSubstitution) {
  EnvLookup env = FakeEnv({{"HOST", "kafka1"}, {"N", "25"}, {"EMPTY", ""}});
  ConfigValue root = Load(
      "brokers: kafka-${HOST:-localhost}:9092\n"
      "fallback: kafka-${NOT_SET:-localhost}:9092\n"
      "count: ${N:-10}\n"
      "dflt: ${MISSING:-10}\n"
      "empty_uses_default: ${EMPTY:-x}\n"
      "empty_plain: a${EMPTY}b\n"
      "escaped: \"$${HOST} costs $5\"\n"
      "nested: ${MISSING:-${HOST}-x}\n"
      "two: ${HOST}/${N}\n",
      env);
  EXPECT_EQ(root.Get("brokers")->text(), "kafka-kafka1:9092");
  EXPECT_EQ(root.Get("fallback")->text(), "kafka-localhost:9092");
  EXPECT_EQ(root.Get("count")->text(), "25");
  EXPECT_FALSE(root.Get("count")->quoted());
  EXPECT_EQ(root.Get("dflt")->text(), "10");
  EXPECT_EQ(root.Get("empty_uses_default")->text(), "x");
  EXPECT_EQ(root.Get("empty_plain")->text(), "ab");
  EXPECT_EQ(root.Get("escaped")->text(), "${HOST} costs $5");
  EXPECT_EQ(root.Get("nested")->text(), "kafka1-x");
  EXPECT_EQ(root.Get("two")->text(), "kafka1/25");
}

TEST(YamlLoaderTest, KeysAreNotSubstituted) {
  ConfigValue root = Load("${HOST}: 1\n", FakeEnv({{"HOST", "h"}}));
  EXPECT_EQ(root.entries()[0].first, "${HOST}");
}

TEST(YamlLoaderTest, UnsetVariableIsAnErrorWithPositionAndPath) {
  Status s = LoadError("streams:\n  - input:\n      brokers: [\"${HOST}:9092\"]\n");
  EXPECT_EQ(s.code(), StatusCode::kConfigError);
  EXPECT_EQ(s.message(),
            "c.yaml:3:17: streams[0].input.brokers[0]: environment variable HOST is not set (use "
            "${HOST:-default} to give a default)");
}

TEST(YamlLoaderTest, MalformedReferences) {
  EXPECT_EQ(LoadError("a: x${HOST\n").message(),
            "c.yaml:1:4: a: unterminated \"${\" in \"x${HOST\" (write \"$${\" for a literal "
            "\"${\")");
  EXPECT_EQ(LoadError("a: ${1HOST}\n").message(),
            "c.yaml:1:4: a: invalid environment variable reference \"${1HOST}\" (expected "
            "${NAME} or ${NAME:-default}, where NAME is letters, digits and '_')");
  EXPECT_EQ(LoadError("a: ${HOST-x}\n").message(),
            "c.yaml:1:4: a: invalid environment variable reference \"${HOST-x}\" (expected "
            "${NAME} or ${NAME:-default}, where NAME is letters, digits and '_')");
}

TEST(YamlLoaderTest, SubstituteEnvDirectly) {
  SourcePos pos{"x.yaml", 2, 3};
  EnvLookup env = FakeEnv({{"A", "1"}});
  EXPECT_EQ(*SubstituteEnv("${A}-${B:-2}-$${C}", pos, env), "1-2-${C}");
  EXPECT_EQ(*SubstituteEnv("no refs, $ alone, ${A:-}", pos, env), "no refs, $ alone, 1");
  Result<std::string> r = SubstituteEnv("${B}", pos, env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "x.yaml:2:3: environment variable B is not set (use ${B:-default} to give a default)");
}

TEST(YamlLoaderTest, DefaultEnvironmentIsTheProcessEnvironment) {
  ::setenv("ARK_CONFIG_TEST_VAR", "from-process", 1);
  ::unsetenv("ARK_CONFIG_TEST_UNSET");
  Result<ConfigValue> r =
      LoadYamlString("a: ${ARK_CONFIG_TEST_VAR}\nb: ${ARK_CONFIG_TEST_UNSET:-d}\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Get("a")->text(), "from-process");
  EXPECT_EQ(r->Get("b")->text(), "d");
  EXPECT_EQ(r->pos().file, "<string>");
}

TEST(YamlLoaderTest, DuplicateKeyNamesBothPositions) {
  Status s = LoadError("input:\n  type: generate\n  count: 1\n  interval: 1s\n  count: 2\n");
  EXPECT_EQ(s.code(), StatusCode::kConfigError);
  EXPECT_EQ(s.message(), "c.yaml:5:3: input.count: duplicate key \"count\" (first at c.yaml:3:3)");
}

TEST(YamlLoaderTest, SyntaxErrorsCarryFileLineColumn) {
  Status s = LoadError("streams:\n  - input: {type: generate\n");
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_EQ(s.message(), "c.yaml:3:1: end of map flow not found");

  EXPECT_EQ(LoadError("a: b: c\n").message(), "c.yaml:1:5: illegal map value");
  EXPECT_EQ(LoadError("a: 1\n\tb: 2\n").message(),
            "c.yaml:2:1: illegal tab when looking for indentation");
  EXPECT_EQ(LoadError("a: *nope\n").message(), "c.yaml:1:4: the referenced anchor is not defined");
}

TEST(YamlLoaderTest, AnchorsAndAliasesArePlacedAtTheirUse) {
  ConfigValue root = Load(
      "defaults: &kafka\n"
      "  brokers: [a:9092]\n"
      "  topic: t\n"
      "streams:\n"
      "  - input: *kafka\n"
      "  - input:\n"
      "      <<: *kafka\n"
      "      topic: other\n");
  const ConfigValue& first = *root.Get("streams")->items()[0].Get("input");
  EXPECT_EQ(first.path(), "streams[0].input");
  EXPECT_EQ(first.Get("brokers")->items()[0].path(), "streams[0].input.brokers[0]");
  EXPECT_EQ(first.Get("brokers")->items()[0].text(), "a:9092");
  // The position is where the text is: inside the anchored node.
  EXPECT_EQ(first.Get("topic")->pos().ToString(), "c.yaml:3:10");

  const ConfigValue& second = *root.Get("streams")->items()[1].Get("input");
  ASSERT_EQ(second.entries().size(), 2u);
  EXPECT_EQ(second.entries()[0].first, "brokers");
  EXPECT_EQ(second.Get("brokers")->path(), "streams[1].input.brokers");
  EXPECT_EQ(second.Get("topic")->text(), "other");
  EXPECT_EQ(second.Get("topic")->pos().ToString(), "c.yaml:8:14");
  EXPECT_EQ(second.ToString(), "{brokers: [\"a:9092\"], topic: other}");
}

TEST(YamlLoaderTest, MergeOfSeveralMapsEarlierWins) {
  ConfigValue root = Load(
      "a: &a {x: 1, y: 1}\n"
      "b: &b {y: 2, z: 2}\n"
      "c:\n"
      "  <<: [*a, *b]\n"
      "  w: 0\n");
  EXPECT_EQ(root.Get("c")->ToString(), "{x: 1, y: 1, z: 2, w: 0}");
  EXPECT_EQ(LoadError("a: {<<: 3}\n").message(),
            "c.yaml:1:9: a: merge key \"<<\" expects a map or a list of maps");
  // A quoted "<<" is an ordinary key.
  EXPECT_EQ(Load("a: {\"<<\": 3}\n").Get("a")->entries()[0].first, "<<");
}

TEST(YamlLoaderTest, RecursiveAliasIsAnError) {
  EXPECT_EQ(LoadError("a: &x [1, *x]\n").message(),
            "c.yaml:1:11: a: alias *x refers to a node that contains it (recursive aliases are "
            "not supported)");
}

TEST(YamlLoaderTest, ComplexKeysAreRejected) {
  EXPECT_EQ(LoadError("? [a, b]\n: 1\n").message(),
            "c.yaml:1:3: a map key must be a string, not a list or a map");
}

TEST(YamlLoaderTest, OnlyOneDocument) {
  EXPECT_EQ(LoadError("a: 1\n---\nb: 2\n").message(),
            "c.yaml:2:1: expected a single YAML document, found a second one after \"---\"");
  EXPECT_EQ(LoadError("  a: 1\n b: 2\n").message(),
            "c.yaml:2:2: unexpected content after the end of the document (is it indented less "
            "than the keys above it?)");
}

TEST(YamlLoaderTest, LoadFileUsesThePathInPositions) {
  std::string path = ::testing::TempDir() + "/ark_config_loader_test.yaml";
  {
    std::ofstream out(path);
    out << "input:\n  count: ${N}\n";
  }
  Result<ConfigValue> ok = LoadYamlFile(path, FakeEnv({{"N", "3"}}));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->Get("input")->Get("count")->pos().ToString(), path + ":2:10");
  Result<ConfigValue> bad = LoadYamlFile(path, FakeEnv({}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            path +
                ":2:10: input.count: environment variable N is not set (use ${N:-default} to "
                "give a default)");
  std::remove(path.c_str());

  Result<ConfigValue> missing = LoadYamlFile(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_EQ(missing.status().message(),
            "cannot read config file \"" + path + "\": No such file or directory");
}

}  // namespace
}  // namespace ark
