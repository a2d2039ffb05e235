#include "processors/arrow_to_json.h"

#include <gtest/gtest.h>

#include "config/yaml_loader.h"
#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {
namespace {

Batch Sample() {
  Int64Builder id(DataType::Int64());
  StringBuilder name;
  StringBuilder source;
  Int64Builder offset(DataType::Int64());
  id.Append(1);
  name.Append("a\"b");
  source.Append("f.json");
  offset.Append(10);
  id.Append(2);
  name.AppendNull();
  source.Append("f.json");
  offset.Append(11);
  return Batch(Schema::Make({Field("id", DataType::Int64()), Field("name", DataType::String()),
                             Field("__meta_source", DataType::String()),
                             Field("__meta_offset", DataType::Int64())}),
               {id.Finish(), name.Finish(), source.Finish(), offset.Finish()}, 2);
}

TEST(ArrowToJsonTest, EncodesRowsAndKeepsMeta) {
  ArrowToJsonProcessor p({});
  ProcessOutput out;
  ASSERT_TRUE(p.Process(Sample(), &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  const Batch& b = out.batches[0];
  EXPECT_EQ(b.schema()->ToString(),
            "__value__: binary, __meta_source: string, __meta_offset: int64");
  EXPECT_EQ(b.column(0)->GetView(0), "{\"id\":1,\"name\":\"a\\\"b\"}");
  EXPECT_EQ(b.column(0)->GetView(1), "{\"id\":2,\"name\":null}");
  EXPECT_EQ(b.column(2)->data<int64_t>()[1], 11);
  EXPECT_TRUE(out.errors.empty());
}

TEST(ArrowToJsonTest, FieldsToIncludeMayListMeta) {
  ArrowToJsonProcessor p({.value_field = "json", .fields_to_include = {"__meta_offset", "id"}});
  ProcessOutput out;
  ASSERT_TRUE(p.Process(Sample(), &out).ok());
  const Batch& b = out.batches[0];
  EXPECT_EQ(b.schema()->field(0).name, "json");
  EXPECT_EQ(b.column(0)->GetView(0), "{\"id\":1,\"__meta_offset\":10}");
}

TEST(ArrowToJsonTest, RawBatchRoundTripsItsValue) {
  std::vector<std::string> payloads = {"bytes"};
  ArrowToJsonProcessor p({});
  ProcessOutput out;
  ASSERT_TRUE(p.Process(MakeRawBatch(std::span<const std::string>(payloads)), &out).ok());
  EXPECT_EQ(out.batches[0].column(0)->GetView(0), "{\"__value__\":\"bytes\"}");
}

TEST(ArrowToJsonTest, RegisteredWithSpec) {
  Registry registry;
  RegisterArrowToJsonProcessor(registry);
  auto node = LoadYamlString("type: arrow_to_json\nfields_to_include: name\n");
  ASSERT_TRUE(node.ok());
  auto p = registry.MakeProcessor(*node, {});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ProcessOutput out;
  ASSERT_TRUE((*p)->Process(Sample(), &out).ok());
  EXPECT_EQ(out.batches[0].column(0)->GetView(1), "{\"name\":null}");
}

}  // namespace
}  // namespace ark
