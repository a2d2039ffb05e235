#include "sql/operators/gather.h"

#include <gtest/gtest.h>

#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::BoolCol;
using testing::Float64Col;
using testing::Int32Col;
using testing::Int64Col;
using testing::StrCol;

std::vector<std::string> Values(const Column& c) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < c.length(); ++i) out.push_back(c.ValueToString(i));
  return out;
}

TEST(GatherTest, FixedWidthWithNegativeIndicesGivesNulls) {
  ColumnPtr c = Int64Col({10, 20, std::nullopt, 40});
  std::vector<int64_t> idx = {3, -1, 0, 2, 3};
  auto g = GatherColumn(*c, idx);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(Values(**g), (std::vector<std::string>{"40", "NULL", "10", "NULL", "40"}));
  EXPECT_EQ((*g)->null_count(), 2);
}

TEST(GatherTest, NoNullsHasNoValidityBuffer) {
  ColumnPtr c = Int32Col({1, 2, 3});
  std::vector<int64_t> idx = {2, 2, 1};
  auto g = GatherColumn(*c, idx);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)->validity(), nullptr);
  EXPECT_EQ(Values(**g), (std::vector<std::string>{"3", "3", "2"}));
}

TEST(GatherTest, SlicedSourceHonoursOffset) {
  ColumnPtr c = StrCol({"a", std::nullopt, "ccc", "dd", ""})->Slice(1, 4);
  std::vector<int64_t> idx = {3, 2, 1, 0, -1};
  auto g = GatherColumn(*c, idx);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(Values(**g), (std::vector<std::string>{"", "dd", "ccc", "NULL", "NULL"}));
  EXPECT_EQ((*g)->null_count(), 2);
  ColumnPtr b = BoolCol({true, false, std::nullopt, true})->Slice(1, 3);
  std::vector<int64_t> bidx = {2, 0, 1, -1};
  auto gb = GatherColumn(*b, bidx);
  ASSERT_TRUE(gb.ok());
  EXPECT_EQ(Values(**gb), (std::vector<std::string>{"true", "false", "NULL", "NULL"}));
}

TEST(GatherTest, ListsGoThroughBuilders) {
  ListBuilder lb(DataType::List(DataType::Int64()));
  auto& items = static_cast<Int64Builder&>(lb.values());
  lb.Append();
  items.Append(1);
  items.Append(2);
  lb.AppendNull();
  lb.Append();
  ColumnPtr c = lb.Finish();
  std::vector<int64_t> idx = {2, 0, -1, 1};
  auto g = GatherColumn(*c, idx);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(Values(**g), (std::vector<std::string>{"[]", "[1, 2]", "NULL", "NULL"}));
}

TEST(GatherTest, ChunksInAnyOrder) {
  std::vector<ColumnPtr> chunks = {Float64Col({1.5, std::nullopt}), Float64Col({3.25})};
  std::vector<ChunkRow> rows = {{1, 0}, {0, 1}, {0, 0}, {1, 0}};
  auto g = GatherChunks(chunks, rows);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(Values(**g), (std::vector<std::string>{"3.25", "NULL", "1.5", "3.25"}));
  std::vector<ColumnPtr> s = {StrCol({"x", "yy"}), StrCol({std::nullopt, "zzz"})};
  auto gs = GatherChunks(s, rows);
  ASSERT_TRUE(gs.ok());
  EXPECT_EQ(Values(**gs), (std::vector<std::string>{"NULL", "yy", "x", "NULL"}));
}

TEST(GatherTest, BatchKeepsSchema) {
  Batch b = testing::MakeBatch({{"a", Int64Col({1, 2})}, {"s", StrCol({"p", "q"})}});
  std::vector<int64_t> idx = {1, 1, 0};
  auto g = GatherBatch(b, idx);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->schema(), b.schema());
  EXPECT_EQ(testing::Rows({*g}), (std::vector<std::string>{"2|q", "2|q", "1|p"}));
}

TEST(GatherTest, UsedChunksSkipFreedOnes) {
  Batch a = testing::MakeBatch({{"a", Int64Col({1, 2})}});
  Batch c = testing::MakeBatch({{"a", Int64Col({5})}});
  // Chunk 1 was freed: an empty batch without columns, which only rows it no longer has named.
  std::vector<Batch> chunks = {a, Batch(), c};
  std::vector<ChunkRow> rows = {{2, 0}, {0, 1}, {2, 0}};
  auto g = GatherUsedChunks(chunks, rows, a.schema());
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(testing::Rows({*g}), (std::vector<std::string>{"5", "2", "5"}));
  auto none = GatherUsedChunks(chunks, {}, a.schema());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->num_rows(), 0);
  EXPECT_EQ(none->num_columns(), 1);
}

}  // namespace
}  // namespace ark::sql
