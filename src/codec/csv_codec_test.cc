#include "codec/csv_codec.h"

#include <gtest/gtest.h>

#include "config/yaml_loader.h"

namespace ark {
namespace {

Result<ComponentConfig> Config(std::string_view yaml) {
  auto node = LoadYamlString(yaml, "codec.yaml");
  if (!node.ok()) return node.status();
  ConfigSpec spec = CsvCodecSpec();
  spec.Ignore("type");
  static std::vector<ConfigValue> keep;  // ComponentConfig refers to its node
  keep.push_back(*node);
  return spec.Parse(keep.back(), "codec \"csv\"");
}

TEST(CsvCodecTest, OptionsFromConfig) {
  auto cfg = Config(
      "type: csv\nheader: false\ndelimiter: \"\\t\"\nquote: \"'\"\n"
      "schema: {id: bigint, name: text}\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  auto o = CsvDecoderOptionsFromConfig(*cfg);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_FALSE(o->header);
  EXPECT_EQ(o->delimiter, '\t');
  EXPECT_EQ(o->quote, '\'');
  ASSERT_TRUE(o->schema.has_value());
  EXPECT_EQ(Schema(*o->schema).ToString(), "id: int64, name: string");
  auto dec = MakeCsvDecoder(*cfg);
  ASSERT_TRUE(dec.ok());
  auto r = (*dec)->DecodeChunk("1\t'a\tb'\n", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->batch.ToString(), "id | name\n1 | a\tb\n");
}

TEST(CsvCodecTest, BadSingleCharacterOptions) {
  auto cfg = Config("type: csv\ndelimiter: \"::\"\n");
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(MakeCsvDecoder(*cfg).status().message(),
            "codec.yaml:2:12: delimiter: expected a single character, got \"::\" (2 bytes)");
  EXPECT_EQ(MakeCsvEncoder(*cfg).status().message(),
            "codec.yaml:2:12: delimiter: expected a single character, got \"::\" (2 bytes)");
  auto same = Config("type: csv\nquote: \",\"\n");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(MakeCsvDecoder(*same).status().message(),
            "codec.yaml:2:8: quote: the quote must differ from the delimiter (both are ',')");
}

TEST(CsvCodecTest, EncoderFromConfig) {
  auto cfg = Config("type: csv\nheader: false\ndelimiter: \"|\"\n");
  ASSERT_TRUE(cfg.ok());
  auto enc = MakeCsvEncoder(*cfg);
  ASSERT_TRUE(enc.ok());
  auto dec = MakeCsvDecoder(*cfg);
  auto r = (*dec)->DecodeChunk("1|x\n", {});
  ASSERT_TRUE(r.ok());
  std::string out;
  ASSERT_TRUE((*enc)->EncodeStream(r->batch, &out).ok());
  EXPECT_EQ(out, "1|x\n");
}

}  // namespace
}  // namespace ark
