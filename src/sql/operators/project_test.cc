#include "sql/operators/project.h"

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

TEST(ProjectOperatorTest, EvaluatesEachExpressionOverTheBatch) {
  Batch in = MakeBatch({{"id", Int64Col({1, 2, std::nullopt})}, {"name", StrCol({"a", "b", "c"})}});
  std::vector<BoundExprPtr> exprs;
  exprs.push_back(Col(1, DataType::String()));
  std::vector<BoundExprPtr> args;
  args.push_back(Col(0, DataType::Int64()));
  args.push_back(BoundExpr::Constant(Value::Int64(10)));
  exprs.push_back(Call("*", std::move(args)));
  exprs.push_back(BoundExpr::Constant(Value::String("k")));
  SchemaPtr out_schema =
      Schema::Make({Field("name", DataType::String()), Field("x", DataType::Int64()),
                    Field("k", DataType::String())});
  ProjectOperator project(std::move(exprs), out_schema, in.schema());
  std::vector<Batch> out;
  ASSERT_TRUE(project.Push(0, in, &out).ok());
  ASSERT_TRUE(project.Finish(0, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].schema(), out_schema);
  EXPECT_EQ(Rows(out), (std::vector<std::string>{"a|10|k", "b|20|k", "c|NULL|k"}));
  // A column reference passes the input column through.
  EXPECT_EQ(out[0].column(0).get(), in.column(1).get());
  EXPECT_EQ(project.Explain(), "Project [name, id * 10 AS x, 'k' AS k]");
}

TEST(ProjectOperatorTest, RejectsAnExpressionOfTheWrongType) {
  Batch in = MakeBatch({{"id", Int64Col({1})}});
  std::vector<BoundExprPtr> exprs;
  exprs.push_back(Col(0, DataType::Int64()));
  ProjectOperator project(std::move(exprs), Schema::Make({Field("s", DataType::String())}),
                          in.schema());
  std::vector<Batch> out;
  Status st = project.Push(0, in, &out);
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_EQ(st.message(), "projection of s produced 1 values of type int64, expected 1 of string");
}

}  // namespace
}  // namespace ark::sql
