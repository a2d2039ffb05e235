#include "codec/json_codec.h"

#include <gtest/gtest.h>

#include "config/yaml_loader.h"
#include "core/raw_message.h"

namespace ark {
namespace {

Result<ComponentConfig> Config(std::string_view yaml) {
  auto node = LoadYamlString(yaml, "codec.yaml");
  if (!node.ok()) return node.status();
  // The registry ignores `type`; do the same here.
  ConfigSpec spec = JsonCodecSpec();
  spec.Ignore("type");
  static std::vector<ConfigValue> keep;  // ComponentConfig refers to its node
  keep.push_back(*node);
  return spec.Parse(keep.back(), "codec \"json\"");
}

TEST(JsonCodecTest, SchemaOptionKeepsDocumentOrder) {
  auto node = LoadYamlString("{zeta: bigint, alpha: \"list<text>\", mid: \"struct<a: bool>\"}");
  ASSERT_TRUE(node.ok());
  auto fields = ParseSchemaOption(*node);
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  EXPECT_EQ(Schema(*fields).ToString(), "zeta: int64, alpha: list<string>, mid: struct<a: bool>");
}

TEST(JsonCodecTest, SchemaOptionErrorsPointAtTheEntry) {
  auto node = LoadYamlString("schema:\n  id: int64\n  price: flaot64\n", "c.yaml");
  ASSERT_TRUE(node.ok());
  auto fields = ParseSchemaOption(*node->Get("schema"));
  ASSERT_FALSE(fields.ok());
  EXPECT_EQ(fields.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(fields.status().message(),
            "c.yaml:3:10: schema.price: invalid type \"flaot64\": unknown type name \"flaot64\" at "
            "position 1 (did you mean \"float64\"?)");
  auto list = LoadYamlString("[a, b]");
  EXPECT_EQ(ParseSchemaOption(*list).status().code(), StatusCode::kConfigError);
}

TEST(JsonCodecTest, FactoriesBuildWorkingCodecs) {
  auto cfg = Config("type: json\nschema: {id: int64}\nmax_record_bytes: 1KiB\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  auto opts = JsonDecoderOptionsFromConfig(*cfg);
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->max_record_bytes, 1024u);
  auto dec = MakeJsonDecoder(*cfg);
  ASSERT_TRUE(dec.ok()) << dec.status().ToString();
  auto r = (*dec)->DecodeChunk("{\"id\":5,\"x\":1}\n", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->batch.ToString(), "id\n5\n");

  auto enc_cfg = Config("type: json\ninclude_meta: true\n");
  ASSERT_TRUE(enc_cfg.ok());
  auto enc = MakeJsonEncoder(*enc_cfg);
  ASSERT_TRUE(enc.ok());
  RawBatchBuilder b(RawBatchBuilder::kOffset);
  b.Add("v", {.offset = 3});
  std::string out;
  ASSERT_TRUE((*enc)->EncodeStream(b.Finish(), &out).ok());
  EXPECT_EQ(out, "{\"__value__\":\"v\",\"__meta_offset\":3}\n");
}

TEST(JsonCodecTest, UnsupportedDeclaredTypeIsAConfigError) {
  auto cfg = Config("type: json\nschema: {span: interval}\n");
  ASSERT_TRUE(cfg.ok());
  auto dec = MakeJsonDecoder(*cfg);
  ASSERT_FALSE(dec.ok());
  EXPECT_EQ(dec.status().message(),
            "codec.yaml:2:9: schema: json schema: field \"span\": type interval is not supported "
            "by the json codec");
}

TEST(JsonCodecTest, ZeroMaxRecordBytesIsRejected) {
  auto cfg = Config("type: json\nmax_record_bytes: 0\n");
  ASSERT_TRUE(cfg.ok());
  auto dec = MakeJsonDecoder(*cfg);
  ASSERT_FALSE(dec.ok());
  EXPECT_EQ(dec.status().message(), "codec.yaml:2:19: max_record_bytes: must be at least 1 byte");
}

}  // namespace
}  // namespace ark
