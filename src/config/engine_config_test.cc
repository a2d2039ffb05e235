#include "config/engine_config.h"

#include <gtest/gtest.h>

#include "config/yaml_loader.h"

namespace ark {
namespace {

Result<EngineConfig> Parse(std::string_view text) {
  EnvLookup no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  Result<ConfigValue> root = LoadYamlString(text, "arkflow.yaml", no_env);
  if (!root.ok()) return root.status();
  return ParseEngineConfig(*root);
}

std::string ErrorOf(std::string_view text) {
  Result<EngineConfig> r = Parse(text);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kConfigError);
  return r.status().message();
}

constexpr std::string_view kFull = R"(logging:
  level: debug
  format: json
  file_path: /tmp/ark.log
health_check:
  enabled: false
  address: 0.0.0.0:9000
  health_path: /h
  readiness_path: /r
  liveness_path: /l
metrics:
  enabled: false
  path: /m
streams:
  - id: orders
    input:
      type: generate
      context: '{"a": 1}'
    buffer:
      type: memory
      capacity: 10
    pipeline:
      thread_num: 4
      processors:
        - type: json_to_arrow
        - type: sql
          query: SELECT * FROM flow
    output:
      type: stdout
    error_output:
      type: drop
  - input: {type: generate, context: x}
    output: {type: drop}
)";

TEST(EngineConfigTest, ParsesEverySection) {
  Result<EngineConfig> r = Parse(kFull);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const EngineConfig& c = *r;
  EXPECT_EQ(c.file, "arkflow.yaml");
  EXPECT_EQ(c.logging.level, "debug");
  EXPECT_EQ(c.logging.format, "json");
  EXPECT_EQ(c.logging.file_path, "/tmp/ark.log");
  EXPECT_FALSE(c.health_check.enabled);
  EXPECT_EQ(c.health_check.address, "0.0.0.0:9000");
  EXPECT_EQ(c.health_check.health_path, "/h");
  EXPECT_EQ(c.health_check.readiness_path, "/r");
  EXPECT_EQ(c.health_check.liveness_path, "/l");
  EXPECT_FALSE(c.metrics.enabled);
  EXPECT_EQ(c.metrics.path, "/m");

  ASSERT_EQ(c.streams.size(), 2u);
  const StreamConfig& s = c.streams[0];
  EXPECT_EQ(s.id, "orders");
  EXPECT_EQ(s.index, 0);
  EXPECT_EQ(s.input.path(), "streams[0].input");
  EXPECT_EQ(s.input.Get("type")->text(), "generate");
  ASSERT_TRUE(s.buffer.has_value());
  EXPECT_EQ(s.buffer->ToString(), "{type: memory, capacity: 10}");
  EXPECT_EQ(s.thread_num, 4);
  ASSERT_EQ(s.processors.size(), 2u);
  EXPECT_EQ(s.processors[1].Get("query")->path(), "streams[0].pipeline.processors[1].query");
  EXPECT_EQ(s.processors[1].Get("query")->pos().ToString(), "arkflow.yaml:27:18");
  EXPECT_EQ(s.output.Get("type")->text(), "stdout");
  ASSERT_TRUE(s.error_output.has_value());
  EXPECT_EQ(s.error_output->Get("type")->text(), "drop");
  EXPECT_EQ(s.node.path(), "streams[0]");

  const StreamConfig& t = c.streams[1];
  EXPECT_EQ(t.id, "stream-1");
  EXPECT_EQ(t.index, 1);
  EXPECT_FALSE(t.buffer.has_value());
  EXPECT_FALSE(t.error_output.has_value());
  EXPECT_EQ(t.thread_num, 1);
  EXPECT_TRUE(t.processors.empty());
}

TEST(EngineConfigTest, DefaultsApplied) {
  Result<EngineConfig> r =
      Parse("streams:\n  - input: {type: generate}\n    output: {type: drop}\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->logging.level, "info");
  EXPECT_EQ(r->logging.format, "plain");
  EXPECT_EQ(r->logging.file_path, "");
  EXPECT_TRUE(r->health_check.enabled);
  EXPECT_EQ(r->health_check.address, "127.0.0.1:8080");
  EXPECT_EQ(r->health_check.health_path, "/health");
  EXPECT_EQ(r->health_check.readiness_path, "/readiness");
  EXPECT_EQ(r->health_check.liveness_path, "/liveness");
  EXPECT_TRUE(r->metrics.enabled);
  EXPECT_EQ(r->metrics.path, "/metrics");
  ASSERT_EQ(r->streams.size(), 1u);
  EXPECT_EQ(r->streams[0].id, "stream-0");
  EXPECT_EQ(r->streams[0].thread_num, 1);
  // `pipeline:` present but empty: no processors either.
  Result<EngineConfig> e =
      Parse("streams:\n  - input: {type: generate}\n    pipeline:\n    output: {type: drop}\n");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_TRUE(e->streams[0].processors.empty());
}

TEST(EngineConfigTest, DuplicateStreamId) {
  EXPECT_EQ(ErrorOf("streams:\n"
                    "  - id: a\n"
                    "    input: {type: generate}\n"
                    "    output: {type: drop}\n"
                    "  - id: a\n"
                    "    input: {type: generate}\n"
                    "    output: {type: drop}\n"),
            "arkflow.yaml:5:9: streams[1].id: duplicate stream id \"a\" (streams[0] at "
            "arkflow.yaml:2:9 has it too)");
  // A generated id can collide with an explicit one.
  EXPECT_EQ(ErrorOf("streams:\n"
                    "  - id: stream-1\n"
                    "    input: {type: generate}\n"
                    "    output: {type: drop}\n"
                    "  - input: {type: generate}\n"
                    "    output: {type: drop}\n"),
            "arkflow.yaml:5:5: streams[1]: duplicate stream id \"stream-1\" (streams[0] at "
            "arkflow.yaml:2:9 has it too; give this stream an explicit id)");
  EXPECT_EQ(ErrorOf("streams:\n  - id: ''\n    input: {type: generate}\n    output: {type: "
                    "drop}\n"),
            "arkflow.yaml:2:9: streams[0].id: a stream id must not be empty");
}

TEST(EngineConfigTest, RedisTemporaryIsNotAvailableYet) {
  EXPECT_EQ(ErrorOf("streams:\n"
                    "  - input: {type: generate}\n"
                    "    temporary:\n"
                    "      - name: users\n"
                    "        type: redis\n"
                    "    output: {type: drop}\n"),
            "arkflow.yaml:4:7: streams[0].temporary: `temporary` (ArkFlow's Redis lookup tables) "
            "is not available yet; lookup tables can be read from CSV, NDJSON or Arrow files with "
            "the sql processor's `temporary_list` (name, path)");
}

TEST(EngineConfigTest, StreamsRequiredAndNonEmpty) {
  EXPECT_EQ(ErrorOf("logging: {level: info}\n"),
            "arkflow.yaml:1:1: missing required option \"streams\" for the configuration");
  EXPECT_EQ(ErrorOf(""), "arkflow.yaml: missing required option \"streams\" for the configuration");
  EXPECT_EQ(ErrorOf("streams: []\n"),
            "arkflow.yaml:1:10: streams: must have at least 1 item, got 0");
  EXPECT_EQ(ErrorOf("- a\n- b\n"),
            "arkflow.yaml:1:1: expected a map of options for the configuration, got a list");
}

TEST(EngineConfigTest, MissingInputOrOutput) {
  EXPECT_EQ(ErrorOf("streams:\n  - output: {type: drop}\n"),
            "arkflow.yaml:2:5: streams[0]: missing required option \"input\" for streams[0]");
  EXPECT_EQ(ErrorOf("streams:\n  - input: {type: generate}\n"),
            "arkflow.yaml:2:5: streams[0]: missing required option \"output\" for streams[0]");
  EXPECT_EQ(ErrorOf("streams:\n  - input: generate\n    output: {type: drop}\n"),
            "arkflow.yaml:2:12: streams[0].input: expected an input component (a map with "
            "\"type\"), got a scalar");
}

TEST(EngineConfigTest, UnknownKeysAtEveryLevel) {
  EXPECT_EQ(ErrorOf("stream: []\n"),
            "arkflow.yaml:1:1: stream: unknown option \"stream\" for the configuration (did you "
            "mean \"streams\"?); valid options: health_check, logging, metrics, models, streams, "
            "udfs");
  EXPECT_EQ(ErrorOf("logging: {levl: debug}\nstreams: []\n"),
            "arkflow.yaml:1:11: logging.levl: unknown option \"levl\" for logging (did you mean "
            "\"level\"?); valid options: file_path, format, level");
  EXPECT_EQ(ErrorOf("streams:\n  - inpt: {type: generate}\n    output: {type: drop}\n"),
            "arkflow.yaml:2:5: streams[0].inpt: unknown option \"inpt\" for streams[0] (did you "
            "mean \"input\"?); valid options: buffer, error_output, id, input, output, pipeline");
  EXPECT_EQ(ErrorOf("streams:\n"
                    "  - input: {type: generate}\n"
                    "    pipeline:\n"
                    "      thread_nums: 2\n"
                    "    output: {type: drop}\n"),
            "arkflow.yaml:4:7: streams[0].pipeline.thread_nums: unknown option \"thread_nums\" for "
            "pipeline (did you mean \"thread_num\"?); valid options: processors, thread_num");
}

TEST(EngineConfigTest, ValueErrors) {
  EXPECT_EQ(ErrorOf("logging: {level: verbose}\nstreams: []\n"),
            "arkflow.yaml:1:18: logging.level: must be one of trace, debug, info, warn, error, "
            "off; got \"verbose\"");
  EXPECT_EQ(ErrorOf("logging: {level: WARN}\nstreams: []\n"),
            "arkflow.yaml:1:18: logging.level: must be one of trace, debug, info, warn, error, "
            "off; got \"WARN\" (did you mean \"warn\"?)");
  EXPECT_EQ(ErrorOf("health_check: {enabled: maybe}\nstreams: []\n"),
            "arkflow.yaml:1:25: health_check.enabled: expected true or false, got \"maybe\"");
  EXPECT_EQ(ErrorOf("streams:\n"
                    "  - input: {type: generate}\n"
                    "    pipeline: {thread_num: 0}\n"
                    "    output: {type: drop}\n"),
            "arkflow.yaml:3:28: streams[0].pipeline.thread_num: must be >= 1, got 0");
  EXPECT_EQ(ErrorOf("streams:\n"
                    "  - input: {type: generate}\n"
                    "    pipeline: {processors: {type: sql}}\n"
                    "    output: {type: drop}\n"),
            "arkflow.yaml:3:28: streams[0].pipeline.processors: expected a list of processor "
            "components, got a map");
}

TEST(EngineConfigTest, SpecDescribesTheTopLevel) {
  const ConfigSpec& spec = EngineConfigSpec();
  ASSERT_NE(spec.Find("streams"), nullptr);
  EXPECT_EQ(spec.Find("streams")->type, OptionType::kObjectList);
  const ConfigSpec& stream = *spec.Find("streams")->object_spec;
  EXPECT_EQ(stream.Find("input")->type, OptionType::kComponent);
  EXPECT_EQ(stream.Find("input")->component_kind, "input");
  EXPECT_EQ(stream.Find("error_output")->component_kind, "output");
  EXPECT_EQ(stream.Find("pipeline")->object_spec->Find("processors")->component_kind, "processor");
  EXPECT_EQ(&EngineConfigSpec(), &spec);
}

}  // namespace
}  // namespace ark
