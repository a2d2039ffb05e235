#include "sql/operators/limit.h"

#include <gtest/gtest.h>

#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::Int64Col;
using testing::MakeBatch;
using testing::Rows;

std::vector<std::string> RunLimit(std::optional<int64_t> limit, int64_t offset) {
  LimitOperator op(limit, offset, MakeBatch({{"x", Int64Col({0})}}).schema());
  std::vector<Batch> out;
  for (const auto& values :
       std::vector<std::vector<std::optional<int64_t>>>{{1, 2, 3}, {4}, {5, 6, 7, 8}}) {
    EXPECT_TRUE(op.Push(0, MakeBatch({{"x", Int64Col(values)}}), &out).ok());
  }
  EXPECT_TRUE(op.Finish(0, &out).ok());
  return Rows(out);
}

TEST(LimitOperatorTest, LimitAndOffsetAcrossBatches) {
  using V = std::vector<std::string>;
  EXPECT_EQ(RunLimit(3, 0), (V{"1", "2", "3"}));
  EXPECT_EQ(RunLimit(3, 2), (V{"3", "4", "5"}));
  EXPECT_EQ(RunLimit(2, 4), (V{"5", "6"}));
  EXPECT_EQ(RunLimit(std::nullopt, 6), (V{"7", "8"}));
  EXPECT_EQ(RunLimit(0, 0), V{});
  EXPECT_EQ(RunLimit(100, 7), (V{"8"}));
  EXPECT_EQ(RunLimit(5, 10), V{});
}

TEST(LimitOperatorTest, ResetStartsOver) {
  Batch b = MakeBatch({{"x", Int64Col({1, 2, 3})}});
  LimitOperator op(2, 1, b.schema());
  std::vector<Batch> out;
  ASSERT_TRUE(op.Push(0, b, &out).ok());
  EXPECT_TRUE(op.done());
  op.Reset();
  EXPECT_FALSE(op.done());
  ASSERT_TRUE(op.Push(0, b, &out).ok());
  EXPECT_EQ(Rows(out), (std::vector<std::string>{"2", "3", "2", "3"}));
  EXPECT_EQ(op.Explain(), "Limit 2 OFFSET 1");
}

}  // namespace
}  // namespace ark::sql
