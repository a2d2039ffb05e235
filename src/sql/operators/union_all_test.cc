#include "sql/operators/union_all.h"

#include <gtest/gtest.h>

#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::Int64Col;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;

TEST(UnionAllOperatorTest, PassesEveryInputThroughWithTheOutputSchema) {
  SchemaPtr schema = Schema::Make({Field("v", DataType::Int64())});
  UnionAllOperator u(3, schema);
  EXPECT_EQ(u.num_inputs(), 3);
  std::vector<Batch> out;
  ASSERT_TRUE(u.Push(2, MakeBatch({{"a", Int64Col({1, 2})}}), &out).ok());
  ASSERT_TRUE(u.Push(0, MakeBatch({{"b", Int64Col({3})}}), &out).ok());
  ASSERT_TRUE(u.Finish(2, &out).ok());
  ASSERT_TRUE(u.Push(1, MakeBatch({{"c", Int64Col({std::nullopt})}}), &out).ok());
  for (int p = 0; p < 2; ++p) ASSERT_TRUE(u.Finish(p, &out).ok());
  EXPECT_EQ(Rows(out), (std::vector<std::string>{"1", "2", "3", "NULL"}));
  for (const Batch& b : out) EXPECT_EQ(b.schema(), schema);
}

TEST(UnionAllOperatorTest, RejectsAnInputOfAnotherType) {
  UnionAllOperator u(2, Schema::Make({Field("v", DataType::Int64())}));
  std::vector<Batch> out;
  Status st = u.Push(1, MakeBatch({{"s", StrCol({"x"})}}), &out);
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_EQ(st.message(), "UNION ALL input 1 column 0 has type string, expected int64");
}

}  // namespace
}  // namespace ark::sql
