#include "core/batch.h"

#include <gtest/gtest.h>

#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {
namespace {

Batch MakeBatch(int64_t first, int64_t n) {
  Int64Builder ids(DataType::Int64());
  StringBuilder names;
  for (int64_t i = first; i < first + n; ++i) {
    ids.Append(i);
    if (i % 2) {
      names.Append("n" + std::to_string(i));
    } else {
      names.AppendNull();
    }
  }
  auto schema = Schema::Make({Field("id", DataType::Int64()), Field("name", DataType::String())});
  return Batch(schema, {ids.Finish(), names.Finish()}, n);
}

TEST(BatchTest, MakeValidatesShape) {
  Int64Builder b(DataType::Int64());
  b.Append(1);
  auto schema = Schema::Make({Field("id", DataType::String())});
  auto r = Batch::Make(schema, {b.Finish()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "column \"id\" has type int64 but the schema says string");
}

TEST(BatchTest, SliceProjectToString) {
  Batch b = MakeBatch(0, 4);
  EXPECT_EQ(b.Slice(1, 2).ToString(), "id | name\n1 | n1\n2 | NULL\n");
  std::vector<std::string> cols = {"name"};
  EXPECT_EQ(b.Project(cols)->ToString(), "name\nNULL\nn1\nNULL\nn3\n");
  std::vector<std::string> bad = {"nam"};
  EXPECT_EQ(b.Project(bad).status().message(),
            "column \"nam\" does not exist (did you mean \"name\"?)");
}

TEST(BatchTest, ConcatKeepsOrderAndNulls) {
  std::vector<Batch> parts = {MakeBatch(0, 3), MakeBatch(3, 2).Slice(1, 1), MakeBatch(10, 2)};
  auto r = ConcatBatches(parts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ToString(),
            "id | name\n0 | NULL\n1 | n1\n2 | NULL\n4 | NULL\n10 | NULL\n11 | n11\n");
  EXPECT_TRUE(r->Equals(*ConcatBatches(parts)));
}

TEST(BatchTest, ConcatRejectsDifferentSchemas) {
  std::vector<Batch> parts = {MakeBatch(0, 1), MakeRawBatch(std::vector<std::string>{"x"})};
  EXPECT_EQ(ConcatBatches(parts).status().code(), StatusCode::kTypeError);
}

TEST(BatchTest, TakeRows) {
  Batch b = MakeBatch(0, 5);
  std::vector<int64_t> idx = {4, 0, 3};
  EXPECT_EQ(TakeRows(b, idx).ToString(), "id | name\n4 | NULL\n0 | NULL\n3 | n3\n");
}

TEST(BatchTest, SetColumnReplacesOrAppends) {
  Batch b = MakeBatch(0, 2);
  BoolBuilder flags;
  flags.Append(true);
  flags.Append(false);
  auto r = b.SetColumn(Field("ok", DataType::Bool()), flags.Finish());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ToString(), "id | name | ok\n0 | NULL | true\n1 | n1 | false\n");
  auto dropped = r->DropColumns([](const std::string& n) { return n == "name"; });
  EXPECT_EQ(dropped.ToString(), "id | ok\n0 | true\n1 | false\n");
}

TEST(RawMessageTest, BuildsValueAndMetaColumns) {
  RawBatchBuilder rb(RawBatchBuilder::kSource | RawBatchBuilder::kOffset | RawBatchBuilder::kKey);
  rb.Add("{\"a\":1}", {.source = "f.ndjson", .offset = 0, .key = "k"});
  rb.Add("{\"a\":2}", {.source = "f.ndjson", .offset = 8});
  Batch b = rb.Finish();
  EXPECT_EQ(b.schema()->ToString(),
            "__value__: binary, __meta_source: string, __meta_offset: int64, __meta_key: binary");
  EXPECT_EQ(b.ToString(),
            "__value__ | __meta_source | __meta_offset | __meta_key\n"
            "{\"a\":1} | f.ndjson | 0 | k\n"
            "{\"a\":2} | f.ndjson | 8 | NULL\n");
  EXPECT_TRUE(IsMetaColumn("__meta_key"));
  EXPECT_FALSE(IsMetaColumn("__value__"));
}

}  // namespace
}  // namespace ark
