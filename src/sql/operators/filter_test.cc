#include "sql/operators/filter.h"

#include <gtest/gtest.h>

#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::Call;
using testing::Col;
using testing::Int64Col;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;

Batch Input() {
  return MakeBatch(
      {{"id", Int64Col({1, 2, 3, std::nullopt})}, {"name", StrCol({"a", "b", std::nullopt, "d"})}});
}

// id > k
BoundExprPtr IdGreater(int64_t k) {
  std::vector<BoundExprPtr> args;
  args.push_back(Col(0, DataType::Int64()));
  args.push_back(BoundExpr::Constant(Value::Int64(k)));
  return Call(">", std::move(args));
}

TEST(FilterOperatorTest, KeepsRowsWherePredicateIsTrue) {
  Batch in = Input();
  FilterOperator filter(IdGreater(1), in.schema());
  std::vector<Batch> out;
  ASSERT_TRUE(filter.Push(0, in, &out).ok());
  ASSERT_TRUE(filter.Finish(0, &out).ok());
  // NULL > 1 is NULL: dropped like FALSE.
  EXPECT_EQ(Rows(out), (std::vector<std::string>{"2|b", "3|NULL"}));
  EXPECT_EQ(filter.Explain(), "Filter id > 1");
}

TEST(FilterOperatorTest, PassesAFullyMatchingBatchWithoutCopying) {
  Batch in = MakeBatch({{"id", Int64Col({5, 6})}});
  FilterOperator filter(IdGreater(1), in.schema());
  std::vector<Batch> out;
  ASSERT_TRUE(filter.Push(0, in, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].column(0).get(), in.column(0).get());
}

TEST(FilterOperatorTest, EmitsNothingWhenNoRowMatches) {
  Batch in = Input();
  FilterOperator filter(IdGreater(10), in.schema());
  std::vector<Batch> out;
  ASSERT_TRUE(filter.Push(0, in, &out).ok());
  ASSERT_TRUE(filter.Push(0, Batch::Empty(in.schema()), &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(FilterOperatorTest, ReportsEvaluationErrors) {
  Batch in = Input();
  std::vector<BoundExprPtr> div;
  div.push_back(Col(0, DataType::Int64()));
  div.push_back(BoundExpr::Constant(Value::Int64(0)));
  std::vector<BoundExprPtr> cmp;
  cmp.push_back(Call("/", std::move(div)));
  cmp.push_back(BoundExpr::Constant(Value::Int64(1)));
  FilterOperator filter(Call(">", std::move(cmp)), in.schema());
  std::vector<Batch> out;
  Status st = filter.Push(0, in, &out);
  EXPECT_EQ(st.message(), "division by zero");
}

}  // namespace
}  // namespace ark::sql
