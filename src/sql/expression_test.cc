#include "sql/expression.h"

#include <gtest/gtest.h>

#include "core/column_builder.h"

namespace ark::sql {
namespace {

Batch MakeBatch() {
  Int64Builder ids(DataType::Int64());
  StringBuilder regions;
  ids.Append(7);
  regions.Append("eu");
  ids.Append(8);
  regions.AppendNull();
  auto schema = Schema::Make({Field("id", DataType::Int64()), Field("region", DataType::String())});
  return Batch(schema, {ids.Finish(), regions.Finish()}, 2);
}

TEST(CompileExpressionTest, EvaluatesPerRow) {
  Batch batch = MakeBatch();
  Result<CompiledExpression> e = CompileExpression(
      "'events-' || coalesce(region, 'none') || '-' || CAST(id AS string)", *batch.schema());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->type(), DataType::String());
  EXPECT_FALSE(e->is_constant());
  Result<ColumnPtr> col = e->Evaluate(batch);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  ASSERT_EQ((*col)->length(), 2);
  EXPECT_EQ((*col)->GetView(0), "events-eu-7");
  EXPECT_EQ((*col)->GetView(1), "events-none-8");
}

TEST(CompileExpressionTest, CastsToTheRequestedType) {
  Batch batch = MakeBatch();
  Result<CompiledExpression> e = CompileExpression("id * 2", *batch.schema(), DataType::String());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->type(), DataType::String());
  Result<ColumnPtr> col = e->Evaluate(batch);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  EXPECT_EQ((*col)->GetView(0), "14");
  EXPECT_EQ((*col)->GetView(1), "16");
}

TEST(CompileExpressionTest, ConstantExpression) {
  Batch batch = MakeBatch();
  Result<CompiledExpression> e = CompileExpression("concat('1', 'x')", *batch.schema());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_TRUE(e->is_constant());
  Result<ColumnPtr> col = e->Evaluate(batch);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  ASSERT_EQ((*col)->length(), 2);
  EXPECT_EQ((*col)->GetView(1), "1x");
}

TEST(CompileExpressionTest, UnknownColumnPointsIntoTheText) {
  Batch batch = MakeBatch();
  Result<CompiledExpression> e = CompileExpression("upper(regoin)", *batch.schema());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(),
            "1:7: column \"regoin\" does not exist; did you mean \"region\"?\n"
            "  upper(regoin)\n"
            "        ^^^^^^");
}

TEST(CompileExpressionTest, RefusesAggregates) {
  Batch batch = MakeBatch();
  Result<CompiledExpression> e = CompileExpression("count(*)", *batch.schema());
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("count"), std::string::npos) << e.status().message();
}

TEST(CompileExpressionTest, RefusesABatchOfAnotherShape) {
  Batch batch = MakeBatch();
  Result<CompiledExpression> e = CompileExpression("id", *batch.schema());
  ASSERT_TRUE(e.ok());
  Batch other = batch.Project(std::vector<int>{1});
  Result<ColumnPtr> col = e->Evaluate(other);
  ASSERT_FALSE(col.ok());
  EXPECT_EQ(col.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ark::sql
