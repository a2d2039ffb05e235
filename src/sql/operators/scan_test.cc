#include "sql/operators/scan.h"

#include <gtest/gtest.h>

#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::Int64Col;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;

SchemaPtr TableSchema() {
  return Schema::Make({Field("id", DataType::Int64()), Field("name", DataType::String()),
                       Field("price", DataType::Int64())});
}

TEST(ScanOperatorTest, KeepsTheReadColumnsInOrder) {
  SchemaPtr out_schema =
      Schema::Make({Field("p", DataType::Int64()), Field("id", DataType::Int64())});
  ScanOperator scan("flow", TableSchema(), {2, 0}, out_schema);
  Batch in = MakeBatch(
      {{"id", Int64Col({1, 2})}, {"name", StrCol({"a", "b"})}, {"price", Int64Col({10, 20})}});
  std::vector<Batch> out;
  ASSERT_TRUE(scan.Push(0, in, &out).ok());
  ASSERT_TRUE(scan.Finish(0, &out).ok());
  EXPECT_EQ(Rows(out), (std::vector<std::string>{"10|1", "20|2"}));
  EXPECT_EQ(out[0].schema(), out_schema);
  EXPECT_EQ(scan.Explain(), "Scan flow [price, id]");
}

TEST(ScanOperatorTest, FindsColumnsByNameInOtherLayouts) {
  ScanOperator scan("flow", TableSchema(), {2}, Schema::Make({Field("price", DataType::Int64())}));
  std::vector<Batch> out;
  ASSERT_TRUE(scan.Push(0, MakeBatch({{"price", Int64Col({5})}}), &out).ok());
  ASSERT_TRUE(scan.Push(0, MakeBatch({{"x", StrCol({"q"})}, {"price", Int64Col({6})}}), &out).ok());
  EXPECT_EQ(Rows(out), (std::vector<std::string>{"5", "6"}));
}

TEST(ScanOperatorTest, ExplainsMissingAndMistypedColumns) {
  ScanOperator scan("flow", TableSchema(), {2}, Schema::Make({Field("price", DataType::Int64())}));
  std::vector<Batch> out;
  Status missing = scan.Push(0, MakeBatch({{"prices", Int64Col({5})}}), &out);
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.message(),
            "table \"flow\": the input batch has no column \"price\" (did you mean \"prices\"?)");
  Status mistyped = scan.Push(0, MakeBatch({{"price", StrCol({"5"})}}), &out);
  EXPECT_EQ(mistyped.code(), StatusCode::kTypeError);
  EXPECT_EQ(mistyped.message(),
            "table \"flow\": column \"price\" is string in the input batch, but the query was "
            "prepared for int64");
}

}  // namespace
}  // namespace ark::sql
