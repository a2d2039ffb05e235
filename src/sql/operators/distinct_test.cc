#include "sql/operators/distinct.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::Float64Col;
using testing::Int64Col;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;
using Strings = std::vector<std::string>;

TEST(DistinctTest, FirstOccurrenceInInputOrderEmittedPerBatch) {
  Batch b1 =
      MakeBatch({{"a", Int64Col({1, 2, 1, std::nullopt})}, {"s", StrCol({"x", "x", "x", "y"})}});
  Batch b2 = MakeBatch(
      {{"a", Int64Col({std::nullopt, 2, 2, 3})}, {"s", StrCol({"y", "y", "x", std::nullopt})}});
  DistinctOperator op(b1.schema());
  std::vector<Batch> out;
  ASSERT_TRUE(op.Push(0, b1, &out).ok());
  EXPECT_EQ(Rows(out), (Strings{"1|x", "2|x", "NULL|y"}));
  out.clear();
  ASSERT_TRUE(op.Push(0, b2, &out).ok());
  EXPECT_EQ(Rows(out), (Strings{"2|y", "3|NULL"}));
  out.clear();
  ASSERT_TRUE(op.Finish(0, &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(op.Explain(), "Distinct keys=[a, s]");
}

TEST(DistinctTest, AllNewRowsPassThroughWithoutCopy) {
  Batch b = MakeBatch({{"a", Int64Col({3, 1, 2})}});
  DistinctOperator op(b.schema());
  std::vector<Batch> out;
  ASSERT_TRUE(op.Push(0, b, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].column(0), b.column(0));
  out.clear();
  ASSERT_TRUE(op.Push(0, b, &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(DistinctTest, FloatsNanAndNegativeZero) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  Batch b = MakeBatch({{"f", Float64Col({0.0, -0.0, nan, -nan, 1.5, std::nullopt, std::nullopt})}});
  DistinctOperator op(b.schema());
  std::vector<Batch> out;
  ASSERT_TRUE(op.Push(0, b, &out).ok());
  EXPECT_EQ(Rows(out), (Strings{"0", "nan", "1.5", "NULL"}));
}

TEST(DistinctTest, ResetForgetsKeys) {
  Batch b = MakeBatch({{"a", Int64Col({1, 1})}});
  DistinctOperator op(b.schema());
  std::vector<Batch> out;
  ASSERT_TRUE(op.Push(0, b, &out).ok());
  op.Reset();
  ASSERT_TRUE(op.Push(0, b, &out).ok());
  EXPECT_EQ(Rows(out), (Strings{"1", "1"}));
}

}  // namespace
}  // namespace ark::sql
