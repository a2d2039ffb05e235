#include <gtest/gtest.h>

#include "sql/functions/builtin_functions.h"

namespace ark::sql {
namespace {

Result<BoundWindowFunction> Bind(std::string_view name, std::vector<DataType> types) {
  static const FunctionRegistry* reg = [] {
    auto* r = new FunctionRegistry();
    RegisterWindowFunctions(*r);
    return r;
  }();
  const WindowBinder* b = reg->FindWindow(name);
  if (b == nullptr) return Status::NotFound("no window function {}", name);
  std::vector<std::optional<Value>> consts(types.size());
  return (*b)(types, consts);
}

TEST(WindowFunctionsTest, RankingReturnTypes) {
  for (const char* name : {"row_number", "rank", "dense_rank"}) {
    auto f = Bind(name, {});
    ASSERT_TRUE(f.ok()) << name;
    EXPECT_EQ(f->return_type, DataType::Int64());
    EXPECT_TRUE(f->arg_types.empty());
  }
  EXPECT_EQ(Bind("percent_rank", {})->kind, WindowFunctionKind::kPercentRank);
  EXPECT_EQ(Bind("cume_dist", {})->return_type, DataType::Float64());
  auto ntile = Bind("ntile", {DataType::Int32()});
  ASSERT_TRUE(ntile.ok());
  EXPECT_EQ(ntile->arg_types, (std::vector<DataType>{DataType::Int64()}));
}

TEST(WindowFunctionsTest, LagLeadCoerceValueAndDefault) {
  auto lag = Bind("lag", {DataType::Int32(), DataType::Int32(), DataType::Int64()});
  ASSERT_TRUE(lag.ok()) << lag.status().ToString();
  EXPECT_EQ(lag->kind, WindowFunctionKind::kLag);
  EXPECT_EQ(lag->return_type, DataType::Int64());
  EXPECT_EQ(lag->arg_types,
            (std::vector<DataType>{DataType::Int64(), DataType::Int64(), DataType::Int64()}));
  auto lead = Bind("lead", {DataType::String()});
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->return_type, DataType::String());
  EXPECT_EQ(lead->arg_types, (std::vector<DataType>{DataType::String()}));
}

TEST(WindowFunctionsTest, FirstLastNthValue) {
  EXPECT_EQ(Bind("first_value", {DataType::Timestamp()})->return_type, DataType::Timestamp());
  EXPECT_EQ(Bind("last_value", {DataType::Bool()})->kind, WindowFunctionKind::kLastValue);
  auto nth = Bind("nth_value", {DataType::Float64(), DataType::Int32()});
  ASSERT_TRUE(nth.ok());
  EXPECT_EQ(nth->arg_types, (std::vector<DataType>{DataType::Float64(), DataType::Int64()}));
}

TEST(WindowFunctionsTest, WrongArgumentsSayWhatExists) {
  auto r = Bind("row_number", {DataType::Int64()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTypeError);
  EXPECT_EQ(r.status().message(),
            "function row_number(int64) does not exist; expected row_number()");
  r = Bind("ntile", {DataType::String()});
  EXPECT_EQ(r.status().message(),
            "function ntile(string) does not exist; expected ntile(buckets int64)");
  r = Bind("lag", {DataType::Int64(), DataType::String()});
  EXPECT_EQ(r.status().message(),
            "function lag(int64, string) does not exist; expected one of lag(value any), "
            "lag(value any, offset int64), lag(value any, offset int64, default same type as "
            "value)");
  r = Bind("nth_value", {DataType::Int64()});
  EXPECT_EQ(r.status().message(),
            "function nth_value(int64) does not exist; expected nth_value(value any, n int64)");
}

}  // namespace
}  // namespace ark::sql
