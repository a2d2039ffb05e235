#include "config/config_spec.h"

#include <gtest/gtest.h>

#include "config/yaml_loader.h"

namespace ark {
namespace {

using std::chrono::milliseconds;

EnvLookup NoEnv() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

ConfigValue Yaml(std::string_view text) {
  Result<ConfigValue> r = LoadYamlString(text, "c.yaml", NoEnv());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ConfigValue();
}

// The spec of the `generate` input from the header comment, plus `mode`.
ConfigSpec GenerateSpec() {
  ConfigSpec spec("Emits a fixed payload at an interval.");
  spec.String("context", "Payload of every message.").Required();
  spec.Duration("interval", "Time between reads.").Default("1s");
  spec.Int("count", "Messages to emit before ending the stream; unset = unlimited.").Min(1);
  spec.Int("batch_size", "Messages per read.").Default("1").Min(1).Max(10000);
  spec.Ignore("type");
  return spec;
}

// Parses the value of `input:` in `text` with `spec`.
Result<ComponentConfig> ParseInput(const ConfigSpec& spec, std::string_view text) {
  // The document goes away on return: a ComponentConfig owns what it refers to.
  ConfigValue root = Yaml(text);
  const ConfigValue* input = root.Get("input");
  EXPECT_NE(input, nullptr);
  return spec.Parse(*input, "input \"generate\"");
}

std::string ErrorOf(const ConfigSpec& spec, std::string_view text) {
  Result<ComponentConfig> r = ParseInput(spec, text);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kConfigError);
  return r.status().message();
}

TEST(ConfigSpecTest, ParsesValuesAndAppliesDefaults) {
  ConfigSpec spec = GenerateSpec();
  Result<ComponentConfig> r =
      ParseInput(spec, "input:\n  type: generate\n  context: hello\n  count: 5\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ComponentConfig& cfg = *r;
  EXPECT_EQ(cfg.GetString("context"), "hello");
  EXPECT_EQ(cfg.GetInt("count"), 5);
  EXPECT_EQ(cfg.GetInt("batch_size"), 1);
  EXPECT_EQ(cfg.GetDuration("interval"), milliseconds(1000));
  EXPECT_TRUE(cfg.IsSet("count"));
  EXPECT_FALSE(cfg.IsSet("batch_size"));
  EXPECT_TRUE(cfg.Has("batch_size"));
  EXPECT_EQ(cfg.node().path(), "input");
  EXPECT_EQ(cfg.NodeOf("count").pos().ToString(), "c.yaml:4:10");
  // A defaulted option points at the enclosing node.
  EXPECT_EQ(cfg.NodeOf("batch_size").path(), "input");
}

TEST(ConfigSpecTest, OptionalWithoutDefaultIsAbsent) {
  ConfigSpec spec = GenerateSpec();
  Result<ComponentConfig> r = ParseInput(spec, "input:\n  context: x\n  count:\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Written as null counts as not set.
  EXPECT_FALSE(r->Has("count"));
  EXPECT_FALSE(r->IsSet("count"));
  EXPECT_EQ(r->GetInt("count"), 0);
}

TEST(ConfigSpecTest, UnknownKeyWithSuggestion) {
  EXPECT_EQ(ErrorOf(GenerateSpec(), "input:\n  type: generate\n  context: x\n  cout: 10\n"),
            "c.yaml:4:3: input.cout: unknown option \"cout\" for input \"generate\" (did you mean "
            "\"count\"?); valid options: batch_size, context, count, interval");
}

TEST(ConfigSpecTest, UnknownKeyWithoutSuggestion) {
  EXPECT_EQ(ErrorOf(GenerateSpec(), "input:\n  context: x\n  zzzzzz: 10\n"),
            "c.yaml:3:3: input.zzzzzz: unknown option \"zzzzzz\" for input \"generate\"; valid "
            "options: batch_size, context, count, interval");
}

TEST(ConfigSpecTest, UnknownKeyForComponentWithoutOptions) {
  ConfigSpec spec("Reads standard input.");
  spec.Ignore("type");
  EXPECT_EQ(ErrorOf(spec, "input:\n  type: stdin\n  codec: json\n"),
            "c.yaml:3:3: input.codec: unknown option \"codec\" for input \"generate\", which "
            "takes no options");
}

TEST(ConfigSpecTest, WrongTypes) {
  ConfigSpec spec = GenerateSpec();
  spec.Bool("flag", "A flag.");
  spec.Float("ratio", "A ratio.");
  spec.ByteSize("max_bytes", "A size.");
  spec.StringList("topics", "Topics.");
  spec.StringMap("headers", "Headers.");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  count: ten\n"),
            "c.yaml:3:10: input.count: expected an integer, got \"ten\"");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  count: 1.5\n"),
            "c.yaml:3:10: input.count: expected an integer, got \"1.5\"");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  count: 1_000\n"),
            "c.yaml:3:10: input.count: expected an integer, got \"1_000\"");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  count: 99999999999999999999\n"),
            "c.yaml:3:10: input.count: expected an integer, got \"99999999999999999999\" (out of "
            "the 64-bit integer range)");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  count: [1]\n"),
            "c.yaml:3:10: input.count: expected an integer, got a list");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  flag: yes please\n"),
            "c.yaml:3:9: input.flag: expected true or false, got \"yes please\"");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  ratio: half\n"),
            "c.yaml:3:10: input.ratio: expected a number, got \"half\"");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: {a: 1}\n"),
            "c.yaml:2:12: input.context: expected a string, got a map");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  topics: {a: 1}\n"),
            "c.yaml:3:11: input.topics: expected a list of strings, got a map");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  topics: [a, [b]]\n"),
            "c.yaml:3:15: input.topics[1]: expected a string, got a list");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  headers: [a]\n"),
            "c.yaml:3:12: input.headers: expected a map of strings, got a list");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  headers: {a: [1]}\n"),
            "c.yaml:3:16: input.headers.a: expected a string, got a list");
}

TEST(ConfigSpecTest, NodeMustBeAMap) {
  ConfigSpec spec = GenerateSpec();
  EXPECT_EQ(ErrorOf(spec, "input: [1, 2]\n"),
            "c.yaml:1:8: input: expected a map of options for input \"generate\", got a list");
}

TEST(ConfigSpecTest, BadDurationAndSize) {
  ConfigSpec spec = GenerateSpec();
  spec.ByteSize("max_bytes", "A size.");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  interval: fast\n"),
            "c.yaml:3:13: input.interval: expected a duration like \"500ms\" or \"1m\", got "
            "\"fast\": expected a number followed by a unit (ns, us, ms, s, m, h, d)");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  interval: 5x\n"),
            "c.yaml:3:13: input.interval: expected a duration like \"500ms\" or \"1m\", got "
            "\"5x\": unknown unit \"x\" (use ns, us, ms, s, m, h or d)");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  interval: 1000\n"),
            "c.yaml:3:13: input.interval: expected a duration like \"500ms\" or \"1m\", got "
            "\"1000\": missing unit after 1000 (use ns, us, ms, s, m, h or d)");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  max_bytes: lots\n"),
            "c.yaml:3:14: input.max_bytes: expected a size like \"64MiB\" or \"1GB\", got "
            "\"lots\": expected a number with an optional unit (B, KB, MB, GB, KiB, MiB, GiB)");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  max_bytes: 5PB\n"),
            "c.yaml:3:14: input.max_bytes: expected a size like \"64MiB\" or \"1GB\", got "
            "\"5PB\": unknown unit \"PB\" (use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)");
}

TEST(ConfigSpecTest, Bounds) {
  ConfigSpec spec = GenerateSpec();
  spec.Float("ratio", "A ratio.").Min(0).Max(1);
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  count: 0\n"),
            "c.yaml:3:10: input.count: must be >= 1, got 0");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  batch_size: 10001\n"),
            "c.yaml:3:15: input.batch_size: must be <= 10000, got 10001");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  ratio: 1.5\n"),
            "c.yaml:3:10: input.ratio: must be <= 1, got 1.5");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: x\n  ratio: -0.5\n"),
            "c.yaml:3:10: input.ratio: must be >= 0, got -0.5");
}

TEST(ConfigSpecTest, ListLengthBounds) {
  ConfigSpec spec;
  spec.StringList("brokers", "Brokers.").Min(1).Max(2);
  auto parse = [&](std::string_view text) {
    return spec.Parse(Yaml(text), "output \"kafka\"").status().message();
  };
  EXPECT_EQ(parse("brokers: []\n"), "c.yaml:1:10: brokers: must have at least 1 item, got 0");
  EXPECT_EQ(parse("brokers: [a, b, c]\n"),
            "c.yaml:1:10: brokers: must have at most 2 items, got 3");
}

TEST(ConfigSpecTest, EnumWithSuggestion) {
  ConfigSpec spec;
  spec.String("mode", "How to read.").OneOf({"stream", "file"}).Default("stream");
  Result<ComponentConfig> bad = spec.Parse(Yaml("mode: stram\n"), "input \"x\"");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "c.yaml:1:7: mode: must be one of stream, file; got \"stram\" (did you mean "
            "\"stream\"?)");
  Result<ComponentConfig> far = spec.Parse(Yaml("mode: socket\n"), "input \"x\"");
  EXPECT_EQ(far.status().message(),
            "c.yaml:1:7: mode: must be one of stream, file; got \"socket\"");
  Result<ComponentConfig> ok = spec.Parse(Yaml("mode: file\n"), "input \"x\"");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->GetString("mode"), "file");
}

TEST(ConfigSpecTest, MissingRequiredIsLocatedAtTheMap) {
  ConfigSpec spec = GenerateSpec();
  EXPECT_EQ(ErrorOf(spec, "input:\n  type: generate\n  count: 3\n"),
            "c.yaml:2:3: input: missing required option \"context\" for input \"generate\"");
  // A component with no options at all (`input:` alone) is a null node: located at its key.
  EXPECT_EQ(ErrorOf(spec, "input:\n"),
            "c.yaml:1:1: input: missing required option \"context\" for input \"generate\"");
  EXPECT_EQ(ErrorOf(spec, "input:\n  context: ~\n"),
            "c.yaml:2:3: input.context: required option \"context\" for input \"generate\" has "
            "no value");
}

TEST(ConfigSpecTest, NullNodeMeansNoOptions) {
  ConfigSpec spec;
  spec.Int("n", "N.").Default("7");
  Result<ComponentConfig> r = spec.Parse(ConfigValue::Null(SourcePos{"c.yaml", 1, 1}, "x"), "x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->GetInt("n"), 7);
}

TEST(ConfigSpecTest, BooleansAcceptYamlSpellings) {
  ConfigSpec spec;
  spec.Bool("a", "").Default("false");
  for (std::string_view t : {"true", "True", "YES", "yes", "on", "ON"}) {
    Result<ComponentConfig> r = spec.Parse(Yaml(fmt::format("a: {}\n", t)), "x");
    ASSERT_TRUE(r.ok()) << t;
    EXPECT_TRUE(r->GetBool("a")) << t;
  }
  for (std::string_view t : {"false", "FALSE", "no", "Off"}) {
    Result<ComponentConfig> r = spec.Parse(Yaml(fmt::format("a: {}\n", t)), "x");
    ASSERT_TRUE(r.ok()) << t;
    EXPECT_FALSE(r->GetBool("a")) << t;
  }
  Result<ComponentConfig> d = spec.Parse(Yaml("{}\n"), "x");
  EXPECT_FALSE(d->GetBool("a"));
}

TEST(ConfigSpecTest, NumbersDurationsSizes) {
  ConfigSpec spec;
  spec.Int("i", "");
  spec.Float("f", "");
  spec.Duration("d", "");
  spec.ByteSize("b", "");
  Result<ComponentConfig> r = spec.Parse(Yaml("i: -42\nf: 2.5e3\nd: 1m30s\nb: 64MiB\n"), "x");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->GetInt("i"), -42);
  EXPECT_DOUBLE_EQ(r->GetFloat("f"), 2500);
  EXPECT_EQ(r->GetDuration("d"), std::chrono::seconds(90));
  EXPECT_EQ(r->GetByteSize("b"), 64u << 20);
  // Quoted scalars are read the same way (useful with "${VAR}").
  Result<ComponentConfig> q = spec.Parse(Yaml("i: \"+7\"\n"), "x");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->GetInt("i"), 7);
}

TEST(ConfigSpecTest, EnvSubstitutionHappensBeforeTyping) {
  ConfigSpec spec;
  spec.Int("count", "").Min(1);
  EnvLookup env = [](const std::string& n) -> std::optional<std::string> {
    if (n == "N") return "12";
    return std::nullopt;
  };
  Result<ConfigValue> doc = LoadYamlString("count: ${N:-10}\n", "c.yaml", env);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(spec.Parse(*doc, "x")->GetInt("count"), 12);
  Result<ConfigValue> dflt = LoadYamlString("count: ${M:-10}\n", "c.yaml", env);
  EXPECT_EQ(spec.Parse(*dflt, "x")->GetInt("count"), 10);
  Result<ConfigValue> zero = LoadYamlString("count: ${M:-0}\n", "c.yaml", env);
  EXPECT_EQ(spec.Parse(*zero, "x").status().message(), "c.yaml:1:8: count: must be >= 1, got 0");
}

TEST(ConfigSpecTest, Aliases) {
  ConfigSpec spec;
  spec.StringList("brokers", "Kafka brokers.").Alias("bootstrap_servers").Required();
  Result<ComponentConfig> r =
      spec.Parse(Yaml("bootstrap_servers: [a:1, b:2]\n"), "input \"kafka\"");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->GetStringList("brokers"), (std::vector<std::string>{"a:1", "b:2"}));
  EXPECT_TRUE(r->IsSet("brokers"));
  EXPECT_EQ(spec.Find("bootstrap_servers"), spec.Find("brokers"));

  Result<ComponentConfig> twice =
      spec.Parse(Yaml("brokers: [a]\nbootstrap_servers: [b]\n"), "input \"kafka\"");
  EXPECT_EQ(twice.status().message(),
            "c.yaml:2:1: bootstrap_servers: option \"brokers\" is given twice (also as "
            "\"brokers\" at c.yaml:1:1)");
  // Aliases are suggested too.
  Result<ComponentConfig> typo = spec.Parse(Yaml("bootstrap_server: [b]\n"), "input \"kafka\"");
  EXPECT_EQ(typo.status().message(),
            "c.yaml:1:1: bootstrap_server: unknown option \"bootstrap_server\" for input "
            "\"kafka\" (did you mean \"bootstrap_servers\"?); valid options: brokers");
}

TEST(ConfigSpecTest, StringListAcceptsAScalar) {
  ConfigSpec spec;
  spec.StringList("topics", "");
  Result<ComponentConfig> r = spec.Parse(Yaml("topics: events\n"), "x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->GetStringList("topics"), (std::vector<std::string>{"events"}));
}

TEST(ConfigSpecTest, StringMapAndListDefaults) {
  ConfigSpec spec;
  spec.StringMap("headers", "").Default("{Accept: text/plain}");
  spec.StringList("topics", "").Default("[a, b]");
  Result<ComponentConfig> r = spec.Parse(Yaml("headers: {X-Id: 7, Y: \"z\"}\n"), "x");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->GetStringMap("headers"),
            (std::map<std::string, std::string>{{"X-Id", "7"}, {"Y", "z"}}));
  EXPECT_EQ(r->GetStringList("topics"), (std::vector<std::string>{"a", "b"}));
  Result<ComponentConfig> d = spec.Parse(Yaml("{}\n"), "x");
  EXPECT_EQ(d->GetStringMap("headers"),
            (std::map<std::string, std::string>{{"Accept", "text/plain"}}));
}

ConfigSpec TlsSpec() {
  ConfigSpec tls("TLS settings.");
  tls.Bool("enabled", "Use TLS.").Default("false");
  tls.String("ca_file", "CA certificate file.");
  tls.Duration("handshake_timeout", "Handshake timeout.").Default("10s");
  return tls;
}

TEST(ConfigSpecTest, NestedObjects) {
  ConfigSpec spec;
  spec.Object("tls", "TLS.", TlsSpec());
  Result<ComponentConfig> r = spec.Parse(Yaml("tls:\n  enabled: true\n  ca_file: ca.pem\n"), "x");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ComponentConfig tls = r->GetObject("tls");
  EXPECT_TRUE(tls.GetBool("enabled"));
  EXPECT_EQ(tls.GetString("ca_file"), "ca.pem");
  EXPECT_EQ(tls.GetDuration("handshake_timeout"), std::chrono::seconds(10));
  EXPECT_EQ(tls.NodeOf("ca_file").path(), "tls.ca_file");

  // Unset: the defaults.
  Result<ComponentConfig> d = spec.Parse(Yaml("{}\n"), "x");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->IsSet("tls"));
  EXPECT_FALSE(d->GetObject("tls").GetBool("enabled"));
  EXPECT_EQ(d->GetObject("tls").GetDuration("handshake_timeout"), std::chrono::seconds(10));
}

TEST(ConfigSpecTest, UnsetObjectWithRequiredOptionsStaysUnset) {
  ConfigSpec file_spec;
  file_spec.String("type", "Format.").Required();
  file_spec.String("path", "Path.").Required();
  ConfigSpec spec;
  spec.Object("input_type", "ArkFlow's form.", file_spec);
  spec.String("path", "A path.");
  Result<ComponentConfig> r = spec.Parse(Yaml("path: a.ndjson\n"), "input \"file\"");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->Has("input_type"));
  // Written but incomplete is still an error.
  EXPECT_EQ(spec.Parse(Yaml("input_type:\n  type: json\n"), "input \"file\"").status().message(),
            "c.yaml:2:3: input_type: missing required option \"path\" for input_type");
}

TEST(ConfigSpecTest, NestedObjectErrorsHaveNestedPaths) {
  ConfigSpec spec;
  spec.Object("tls", "TLS.", TlsSpec());
  auto error = [&](std::string_view text) {
    return spec.Parse(Yaml(text), "output \"http\"").status().message();
  };
  EXPECT_EQ(error("tls:\n  enabeld: true\n"),
            "c.yaml:2:3: tls.enabeld: unknown option \"enabeld\" for tls (did you mean "
            "\"enabled\"?); valid options: ca_file, enabled, handshake_timeout");
  EXPECT_EQ(error("tls:\n  handshake_timeout: soon\n"),
            "c.yaml:2:22: tls.handshake_timeout: expected a duration like \"500ms\" or \"1m\", got "
            "\"soon\": expected a number followed by a unit (ns, us, ms, s, m, h, d)");
  EXPECT_EQ(error("tls: true\n"), "c.yaml:1:6: tls: expected a map, got a scalar");
}

TEST(ConfigSpecTest, ObjectLists) {
  ConfigSpec column;
  column.String("name", "Column name.").Required();
  column.String("type", "Column type.").Default("utf8").OneOf({"utf8", "int64"});
  ConfigSpec spec;
  spec.ObjectList("columns", "Columns.", std::move(column)).Min(1);
  Result<ComponentConfig> r =
      spec.Parse(Yaml("columns:\n  - name: a\n  - {name: b, type: int64}\n"), "x");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<ComponentConfig> cols = r->GetObjectList("columns");
  ASSERT_EQ(cols.size(), 2u);
  EXPECT_EQ(cols[0].GetString("name"), "a");
  EXPECT_EQ(cols[0].GetString("type"), "utf8");
  EXPECT_EQ(cols[1].GetString("type"), "int64");

  EXPECT_EQ(spec.Parse(Yaml("columns:\n  - name: a\n  - type: int64\n"), "x").status().message(),
            "c.yaml:3:5: columns[1]: missing required option \"name\" for columns[1]");
  EXPECT_EQ(spec.Parse(Yaml("columns:\n  - name: a\n    type: Int64\n"), "x").status().message(),
            "c.yaml:3:11: columns[0].type: must be one of utf8, int64; got \"Int64\" (did you "
            "mean \"int64\"?)");
  EXPECT_EQ(spec.Parse(Yaml("columns: [a]\n"), "x").status().message(),
            "c.yaml:1:11: columns[0]: expected a map, got a scalar");
  EXPECT_EQ(spec.Parse(Yaml("columns: {a: 1}\n"), "x").status().message(),
            "c.yaml:1:10: columns: expected a list of maps, got a map");
  EXPECT_EQ(spec.Parse(Yaml("columns: []\n"), "x").status().message(),
            "c.yaml:1:10: columns: must have at least 1 item, got 0");
}

TEST(ConfigSpecTest, ComponentsAndAnyAreKeptRaw) {
  ConfigSpec spec;
  spec.Component("codec", "How to decode.", "codec");
  spec.ComponentList("processors", "Processors.", "processor");
  spec.Any("value", "Anything.");
  Result<ComponentConfig> r =
      spec.Parse(Yaml("codec: {type: json, whatever: 1}\nprocessors:\n  - type: sql\n  - type: "
                      "json_to_arrow\nvalue: [1, {a: b}]\n"),
                 "x");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_NE(r->GetRaw("codec"), nullptr);
  EXPECT_EQ(r->GetRaw("codec")->ToString(), "{type: json, whatever: 1}");
  std::vector<const ConfigValue*> procs = r->GetRawList("processors");
  ASSERT_EQ(procs.size(), 2u);
  EXPECT_EQ(procs[1]->path(), "processors[1]");
  EXPECT_EQ(procs[1]->Get("type")->text(), "json_to_arrow");
  EXPECT_EQ(r->GetRaw("value")->ToString(), "[1, {a: b}]");

  Result<ComponentConfig> unset = spec.Parse(Yaml("{}\n"), "x");
  EXPECT_EQ(unset->GetRaw("codec"), nullptr);
  EXPECT_TRUE(unset->GetRawList("processors").empty());

  EXPECT_EQ(spec.Parse(Yaml("codec: json\n"), "x").status().message(),
            "c.yaml:1:8: codec: expected a codec component (a map with \"type\"), got a scalar");
  EXPECT_EQ(spec.Parse(Yaml("processors: {type: sql}\n"), "x").status().message(),
            "c.yaml:1:13: processors: expected a list of processor components, got a map");
}

TEST(ConfigSpecTest, IgnoredKeysAreAccepted) {
  ConfigSpec spec = GenerateSpec();
  Result<ComponentConfig> r = ParseInput(spec, "input:\n  type: generate\n  context: x\n");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST(ConfigSpecTest, InvalidDefaultIsAnInternalError) {
  ConfigSpec spec;
  spec.Int("n", "").Default("lots");
  Result<ComponentConfig> r = spec.Parse(Yaml("{}\n"), "input \"x\"");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_EQ(r.status().message(),
            "the default of option \"n\" for input \"x\" is invalid: c.yaml:1:1: n: expected an "
            "integer, got \"lots\"");
}

TEST(ConfigSpecTest, OptionTypeNames) {
  EXPECT_EQ(OptionTypeName(OptionType::kInt), "integer");
  EXPECT_EQ(OptionTypeName(OptionType::kByteSize), "byte size");
  EXPECT_EQ(OptionTypeName(OptionType::kComponentList), "list of components");
}

TEST(ConfigSpecDeathTest, GettersCheckTheSpec) {
  ConfigSpec spec = GenerateSpec();
  Result<ComponentConfig> r = ParseInput(spec, "input:\n  context: x\n");
  ASSERT_TRUE(r.ok());
  const ComponentConfig cfg = *r;
  EXPECT_DEATH(cfg.GetInt("nope"), "option \"nope\" is not declared in the spec");
  EXPECT_DEATH(cfg.GetString("count"),
               "option \"count\" is declared as integer, not read as string");
  EXPECT_DEATH(spec.Int("count", "again"), "option \"count\" is declared twice");
}

}  // namespace
}  // namespace ark
