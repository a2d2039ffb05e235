#include "config/json_schema.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "config/engine_config.h"

namespace ark {
namespace {

ConfigSpec GenerateSpec() {
  ConfigSpec spec("Emits a fixed payload at an interval.");
  spec.String("context", "Payload of every message.").Required();
  spec.Duration("interval", "Time between reads.").Default("1s");
  spec.Int("count", "Messages to emit.").Min(1);
  spec.Int("batch_size", "Messages per read.").Default("1").Min(1).Max(10000);
  spec.Ignore("type");
  return spec;
}

ConfigSpec FileInputSpec() {
  ConfigSpec tls("TLS settings.");
  tls.Bool("enabled", "Use TLS.").Default("false");
  ConfigSpec spec("Reads a file.");
  spec.String("path", "File to read.").Required();
  spec.String("mode", "Read mode.").OneOf({"lines", "whole"}).Default("lines");
  spec.ByteSize("max_line", "Longest line.").Default("1MiB");
  spec.StringList("globs", "Patterns.").Alias("patterns");
  spec.StringMap("labels", "Labels.");
  spec.Float("sample", "Fraction kept.").Min(0).Max(1);
  spec.Object("tls", "TLS.", std::move(tls));
  spec.Component("codec", "Decoder.", "codec");
  spec.Ignore("type");
  return spec;
}

ConfigSpec SqlSpec() {
  ConfigSpec spec("Runs SQL over every batch.");
  spec.String("query", "The query.").Required();
  spec.String("table_name", "Name of the batch in the query.").Default("flow");
  spec.Ignore("type");
  return spec;
}

ConfigSpec JsonCodecSpec() {
  ConfigSpec spec("JSON lines.");
  spec.Ignore("type");
  return spec;
}

ConfigSpec EmptySpec() {
  ConfigSpec spec("No options.");
  spec.Ignore("type");
  return spec;
}

simdjson::dom::element ParseJson(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element doc;
  auto error = parser.parse(text).get(doc);
  EXPECT_EQ(error, simdjson::SUCCESS) << simdjson::error_message(error) << "\n" << text;
  return doc;
}

std::string Str(simdjson::dom::element e) { return std::string(std::string_view(e)); }

TEST(JsonSchemaTest, SmallSpecExactOutput) {
  ConfigSpec spec("A tiny spec.");
  spec.Int("n", "How many.").Default("3").Min(1);
  spec.String("mode", "Mode.").OneOf({"a", "b"}).Required();
  EXPECT_EQ(SpecToJsonSchema(spec), R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "A tiny spec.",
  "type": "object",
  "properties": {
    "n": {
      "description": "How many.",
      "anyOf": [
        {
          "type": "integer",
          "minimum": 1
        },
        {
          "type": "string",
          "pattern": "\\$\\{"
        }
      ],
      "default": 3
    },
    "mode": {
      "description": "Mode.",
      "anyOf": [
        {
          "enum": ["a", "b"]
        },
        {
          "type": "string",
          "pattern": "\\$\\{"
        }
      ]
    }
  },
  "required": ["mode"],
  "additionalProperties": false
}
)");
}

TEST(JsonSchemaTest, SpecSchemaIsValidJsonWithTypesAndDefaults) {
  std::string text = SpecToJsonSchema(FileInputSpec());
  simdjson::dom::parser parser;
  simdjson::dom::element doc = ParseJson(parser, text);
  EXPECT_EQ(Str(doc["$schema"]), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(Str(doc["type"]), "object");
  EXPECT_FALSE(bool(doc["additionalProperties"]));
  simdjson::dom::element props = doc["properties"];
  EXPECT_EQ(Str(props["path"]["description"]), "File to read.");
  EXPECT_EQ(Str(props["mode"]["default"]), "lines");
  EXPECT_EQ(Str(props["mode"]["anyOf"].at(0)["enum"].at(1)), "whole");
  EXPECT_EQ(Str(props["max_line"]["default"]), "1MiB");
  EXPECT_EQ(Str(props["max_line"]["anyOf"].at(0)["type"]), "integer");
  EXPECT_EQ(Str(props["globs"]["anyOf"].at(1)["type"]), "array");
  EXPECT_EQ(Str(props["patterns"]["description"]), "Alias of \"globs\": Patterns.");
  EXPECT_EQ(Str(props["labels"]["type"]), "object");
  EXPECT_DOUBLE_EQ(double(props["sample"]["anyOf"].at(0)["maximum"]), 1.0);
  EXPECT_EQ(Str(props["tls"]["description"]), "TLS.");
  EXPECT_FALSE(bool(props["tls"]["properties"]["enabled"]["default"]));
  EXPECT_EQ(Str(props["codec"]["properties"]["type"]["type"]), "string");
  EXPECT_EQ(Str(props["codec"]["required"].at(0)), "type");
  // Ignored keys are allowed.
  EXPECT_TRUE(props["type"].is_object());
  EXPECT_EQ(Str(doc["required"].at(0)), "path");
}

std::map<std::string, std::vector<std::pair<std::string, const ConfigSpec*>>> Components(
    const ConfigSpec& generate, const ConfigSpec& file, const ConfigSpec& sql,
    const ConfigSpec& json, const ConfigSpec& empty) {
  std::map<std::string, std::vector<std::pair<std::string, const ConfigSpec*>>> kinds;
  kinds["input"] = {{"generate", &generate}, {"file", &file}};
  kinds["processor"] = {{"sql", &sql}, {"json_to_arrow", &empty}};
  kinds["output"] = {{"stdout", &empty}, {"drop", &empty}};
  kinds["codec"] = {{"json", &json}};
  return kinds;
}

TEST(JsonSchemaTest, WholeConfigSchemaReferencesComponentKinds) {
  ConfigSpec generate = GenerateSpec(), file = FileInputSpec(), sql = SqlSpec(),
             json = JsonCodecSpec(), empty = EmptySpec();
  std::string text =
      BuildConfigJsonSchema(EngineConfigSpec(), Components(generate, file, sql, json, empty));
  simdjson::dom::parser parser;
  simdjson::dom::element doc = ParseJson(parser, text);
  EXPECT_EQ(Str(doc["title"]), "ArkFlow configuration");
  simdjson::dom::element stream = doc["properties"]["streams"]["items"];
  EXPECT_EQ(Str(stream["properties"]["input"]["$ref"]), "#/$defs/input");
  EXPECT_EQ(Str(stream["properties"]["input"]["description"]), "Where the messages come from.");
  EXPECT_EQ(Str(stream["properties"]["error_output"]["$ref"]), "#/$defs/output");
  EXPECT_EQ(Str(stream["properties"]["pipeline"]["properties"]["processors"]["items"]["$ref"]),
            "#/$defs/processor");
  // No buffer components were listed: generic.
  EXPECT_EQ(Str(stream["properties"]["buffer"]["required"].at(0)), "type");
  EXPECT_EQ(uint64_t(doc["properties"]["streams"]["minItems"]), 1u);

  simdjson::dom::element input = doc["$defs"]["input"]["oneOf"];
  EXPECT_EQ(Str(input.at(0)["title"]), "input \"generate\"");
  EXPECT_EQ(Str(input.at(0)["properties"]["type"]["const"]), "generate");
  EXPECT_EQ(Str(input.at(0)["required"].at(0)), "type");
  EXPECT_EQ(Str(input.at(0)["required"].at(1)), "context");
  EXPECT_EQ(Str(input.at(1)["properties"]["type"]["const"]), "file");
  // Component options inside components resolve too.
  EXPECT_EQ(Str(input.at(1)["properties"]["codec"]["$ref"]), "#/$defs/codec");
  EXPECT_EQ(Str(doc["$defs"]["output"]["oneOf"].at(1)["required"].at(0)), "type");
}

// Validates documents against the schema with an independent implementation (python3-jsonschema,
// Draft 2020-12) and returns one line per document: "ok" or the first error's message.
std::string ValidateWithPython(const std::string& schema, const std::vector<std::string>& docs) {
  std::string dir = ::testing::TempDir();
  std::string schema_path = dir + "/ark_schema_test.json";
  std::ofstream(schema_path) << schema;
  std::string script_path = dir + "/ark_schema_test.py";
  std::ofstream(script_path) << R"(import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
for path in sys.argv[2:]:
    doc = json.load(open(path))
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    print("ok" if not errors else "invalid at /" + "/".join(str(p) for p in errors[0].absolute_path))
)";
  std::string cmd = "/usr/bin/python3 " + script_path + " " + schema_path;
  for (size_t i = 0; i < docs.size(); ++i) {
    std::string path = dir + "/ark_schema_doc" + std::to_string(i) + ".json";
    std::ofstream(path) << docs[i];
    cmd += " " + path;
  }
  cmd += " 2>&1";
  std::string out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int rc = ::pclose(pipe);
  if (rc != 0) out += "exit status " + std::to_string(rc);
  return out;
}

TEST(JsonSchemaTest, IndependentValidatorAcceptsAndRejectsLikeTheLoader) {
  ConfigSpec generate = GenerateSpec(), file = FileInputSpec(), sql = SqlSpec(),
             json = JsonCodecSpec(), empty = EmptySpec();
  std::string schema =
      BuildConfigJsonSchema(EngineConfigSpec(), Components(generate, file, sql, json, empty));
  std::vector<std::string> docs = {
      // 0: valid, with env references, durations, sizes, aliases and nested objects.
      R"({"logging": {"level": "debug"}, "health_check": {"enabled": "${HC:-true}"},
          "streams": [
            {"input": {"type": "generate", "context": "x", "interval": "1m30s", "count": 10},
             "pipeline": {"thread_num": 2, "processors": [{"type": "sql", "query": "SELECT 1"},
                                                           {"type": "json_to_arrow"}]},
             "output": {"type": "stdout"}},
            {"id": "f", "input": {"type": "file", "path": "/x", "max_line": "64KiB",
                                  "patterns": ["*.json"], "tls": {"enabled": true},
                                  "codec": {"type": "json"}, "sample": 0.5},
             "pipeline": null, "output": {"type": "drop"}, "error_output": {"type": "stdout"}}
          ]})",
      // 1: unknown option in a component.
      R"({"streams": [{"input": {"type": "generate", "context": "x", "cout": 1},
                       "output": {"type": "drop"}}]})",
      // 2: bad duration.
      R"({"streams": [{"input": {"type": "generate", "context": "x", "interval": "fast"},
                       "output": {"type": "drop"}}]})",
      // 3: missing required component.
      R"({"streams": [{"input": {"type": "generate", "context": "x"}}]})",
      // 4: unknown component type.
      R"({"streams": [{"input": {"type": "nope"}, "output": {"type": "drop"}}]})",
      // 5: out of bounds.
      R"({"streams": [{"input": {"type": "generate", "context": "x"},
                       "pipeline": {"thread_num": 0}, "output": {"type": "drop"}}]})",
      // 6: empty streams.
      R"({"streams": []})",
      // 7: bad enum.
      R"({"logging": {"level": "verbose"}, "streams": [{"input": {"type": "generate",
          "context": "x"}, "output": {"type": "drop"}}]})",
  };
  EXPECT_EQ(ValidateWithPython(schema, docs),
            "ok\n"
            "invalid at /streams/0/input\n"
            "invalid at /streams/0/input\n"
            "invalid at /streams/0\n"
            "invalid at /streams/0/input\n"
            "invalid at /streams/0/pipeline/thread_num\n"
            "invalid at /streams\n"
            "invalid at /logging/level\n");
}

TEST(JsonSchemaTest, DurationAndSizePatternsMatchTheParsers) {
  ConfigSpec spec;
  spec.Duration("d", "");
  spec.ByteSize("b", "");
  std::string schema = SpecToJsonSchema(spec);
  std::vector<std::string> docs = {
      R"({"d": "500ms", "b": "64MiB"})",
      R"({"d": "1h30m", "b": 4096})",
      R"({"d": "1.5s", "b": "1.5 GB"})",
      R"({"d": "${D}", "b": "${B:-1k}"})",
      R"({"d": "500"})",
      R"({"d": "5 parsecs"})",
      R"({"b": "5PB"})",
      R"({"b": -1})",
  };
  EXPECT_EQ(ValidateWithPython(schema, docs),
            "ok\nok\nok\nok\ninvalid at /d\ninvalid at /d\ninvalid at /b\ninvalid at /b\n");
}

}  // namespace
}  // namespace ark
