#include "sql/operators/values.h"

#include <gtest/gtest.h>

#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::Call;
using testing::Int64Col;
using testing::MakeBatch;
using testing::Rows;

TEST(ValuesOperatorTest, EmitsItsRowsWhenFinished) {
  SchemaPtr schema = Schema::Make({Field("a", DataType::Int64()), Field("b", DataType::String())});
  std::vector<std::vector<BoundExprPtr>> rows(2);
  rows[0].push_back(BoundExpr::Constant(Value::Int64(1)));
  rows[0].push_back(BoundExpr::Constant(Value::String("x")));
  std::vector<BoundExprPtr> sum;
  sum.push_back(BoundExpr::Constant(Value::Int64(2)));
  sum.push_back(BoundExpr::Constant(Value::Int64(3)));
  rows[1].push_back(Call("+", std::move(sum)));
  rows[1].push_back(BoundExpr::Constant(Value::Null(DataType::String())));
  ValuesOperator values(std::move(rows), schema);
  EXPECT_EQ(values.num_inputs(), 0);
  std::vector<Batch> out;
  ASSERT_TRUE(values.Finish(0, &out).ok());
  EXPECT_EQ(Rows(out), (std::vector<std::string>{"1|x", "5|NULL"}));
  // Again after a reset (per-batch reuse).
  values.Reset();
  out.clear();
  ASSERT_TRUE(values.Finish(0, &out).ok());
  EXPECT_EQ(Rows(out).size(), 2u);
  EXPECT_EQ(values.Explain(), "Values rows=2 [a, b]");
}

TEST(ValuesOperatorTest, OneRowOfNoColumns) {
  std::vector<std::vector<BoundExprPtr>> rows(1);
  ValuesOperator values(std::move(rows), Schema::Make({}));
  std::vector<Batch> out;
  ASSERT_TRUE(values.Finish(0, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].num_rows(), 1);
  EXPECT_EQ(out[0].num_columns(), 0);
}

TEST(ValuesOperatorTest, PrecomputedRowsComeInBoundedBatches) {
  Int64Builder b(DataType::Int64());
  for (int64_t i = 0; i < kValuesBatchRows + 10; ++i) b.Append(i);
  ColumnPtr col = b.Finish();
  ValuesOperator values(MakeBatch({{"g", col}}));
  std::vector<Batch> out;
  ASSERT_TRUE(values.Finish(0, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].num_rows(), kValuesBatchRows);
  EXPECT_EQ(out[1].num_rows(), 10);
  EXPECT_EQ(out[1].column(0)->data<int64_t>()[9], kValuesBatchRows + 9);
}

TEST(ValuesOperatorTest, RefusesInput) {
  ValuesOperator values(MakeBatch({{"g", Int64Col({1})}}));
  std::vector<Batch> out;
  EXPECT_EQ(values.Push(0, MakeBatch({{"g", Int64Col({1})}}), &out).code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace ark::sql
