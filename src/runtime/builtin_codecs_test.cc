#include "runtime/builtin_codecs.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "config/yaml_loader.h"

namespace ark {
namespace {

TEST(BuiltinCodecsTest, RegistersJsonCsvAndArrow) {
  Registry registry;
  RegisterCodecs(registry);
  std::vector<std::string> names;
  for (const ComponentInfo* info : registry.List(ComponentKind::kCodec)) {
    names.push_back(info->name);
    EXPECT_FALSE(info->summary.empty()) << info->name;
    EXPECT_FALSE(info->example.empty()) << info->name;
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"arrow", "csv", "json"}));
}

TEST(BuiltinCodecsTest, MakesDecodersAndEncodersFromConfig) {
  Registry registry;
  RegisterCodecs(registry);
  auto node = LoadYamlString("type: csv\nschema: {n: int64}\n");
  ASSERT_TRUE(node.ok());
  auto dec = registry.MakeDecoder(*node, {});
  ASSERT_TRUE(dec.ok()) << dec.status().ToString();
  auto r = (*dec)->DecodeChunk("n,m\n7,x\n", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->batch.ToString(), "n\n7\n");

  auto json = LoadYamlString("type: json\n");
  auto enc = registry.MakeEncoder(*json, {});
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  std::string out;
  ASSERT_TRUE((*enc)->EncodeStream(r->batch, &out).ok());
  EXPECT_EQ(out, "{\"n\":7}\n");

  auto typo = LoadYamlString("type: json\nmax_record_byte: 1\n");
  auto bad = registry.MakeDecoder(*typo, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kConfigError);
}

}  // namespace
}  // namespace ark
