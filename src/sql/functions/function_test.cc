#include "sql/functions/function.h"

#include <set>

#include <gtest/gtest.h>

#include "sql/functions/builtin_functions.h"
#include "sql/functions/scalar_kernel.h"

namespace ark::sql {
namespace {

ScalarBinder ConstantBinder(int64_t v) {
  return [v](std::span<const DataType>,
             std::span<const std::optional<Value>>) -> Result<BoundScalarFunction> {
    return MakeBound("f", {}, DataType::Int64(),
                     [v](KernelContext&, std::span<const Datum>, int64_t) -> Result<Datum> {
                       return Datum(Value::Int64(v));
                     });
  };
}

TEST(FunctionRegistryTest, FindAliasesNamesDocs) {
  FunctionRegistry r;
  r.AddScalar("ceil", ConstantBinder(1), {"math", "ceil(x)", "Rounds up.", "ceil(1.5) → 2"});
  r.AddAlias("ceiling", "ceil");
  EXPECT_NE(r.FindScalar("ceil"), nullptr);
  EXPECT_EQ(r.FindScalar("ceiling"), r.FindScalar("ceil"));
  EXPECT_EQ(r.FindScalar("floor"), nullptr);
  EXPECT_EQ(r.FindAggregate("ceil"), nullptr);
  EXPECT_EQ(r.FindWindow("ceil"), nullptr);
  ASSERT_NE(r.Doc("ceiling"), nullptr);
  EXPECT_EQ(r.Doc("ceiling")->description, "Rounds up.");
  EXPECT_EQ(r.Doc("nope"), nullptr);
  EXPECT_EQ(r.Names(), (std::vector<std::string>{"ceil", "ceiling"}));
  KernelContext ctx;
  auto bound = (*r.FindScalar("ceiling"))({}, {});
  ASSERT_TRUE(bound.ok());
  auto out = bound->kernel(ctx, {}, 1);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->scalar(), Value::Int64(1));
}

TEST(FunctionRegistryTest, OperatorNames) {
  EXPECT_EQ(OperatorFunctionName(BinaryOp::kAdd), "+");
  EXPECT_EQ(OperatorFunctionName(BinaryOp::kPower), "^");
  EXPECT_EQ(OperatorFunctionName(BinaryOp::kNotEqual), "<>");
  EXPECT_EQ(OperatorFunctionName(BinaryOp::kConcat), "||");
  EXPECT_EQ(OperatorFunctionName(BinaryOp::kJsonGetText), "->>");
  EXPECT_EQ(OperatorFunctionName(BinaryOp::kNotLike), "like");
  EXPECT_EQ(OperatorFunctionName(BinaryOp::kILike), "ilike");
  EXPECT_EQ(OperatorFunctionName(BinaryOp::kSimilarTo), "similar_to");
  EXPECT_EQ(OperatorFunctionName(BinaryOp::kRegexMatch), "regexp_like");
  EXPECT_EQ(OperatorFunctionName(BinaryOp::kRegexNotIMatch), "regexp_ilike");
  EXPECT_EQ(OperatorFunctionName(BinaryOp::kAnd), "");
}

// Every operator the binder maps to a function is registered, and every scalar function is
// documented (the SQL reference is generated from these docs).
TEST(FunctionRegistryTest, ScalarFunctionsAreRegisteredAndDocumented) {
  FunctionRegistry r;
  RegisterScalarFunctions(r);
  for (BinaryOp op :
       {BinaryOp::kAdd,    BinaryOp::kSubtract,  BinaryOp::kMultiply,    BinaryOp::kDivide,
        BinaryOp::kModulo, BinaryOp::kPower,     BinaryOp::kEqual,       BinaryOp::kNotEqual,
        BinaryOp::kLess,   BinaryOp::kLessEqual, BinaryOp::kGreater,     BinaryOp::kGreaterEqual,
        BinaryOp::kConcat, BinaryOp::kJsonGet,   BinaryOp::kJsonGetText, BinaryOp::kLike,
        BinaryOp::kILike,  BinaryOp::kSimilarTo, BinaryOp::kRegexMatch,  BinaryOp::kRegexIMatch}) {
    EXPECT_NE(r.FindScalar(OperatorFunctionName(op)), nullptr) << static_cast<int>(op);
  }
  EXPECT_NE(r.FindScalar("negate"), nullptr);
  const std::set<std::string> categories = {"operator", "comparison",      "math", "string",
                                            "regexp",   "datetime",        "json", "list",
                                            "struct",   "machine learning"};
  const std::vector<std::string> names = r.Names();
  EXPECT_GT(names.size(), 120u);
  for (const std::string& name : names) {
    const FunctionDoc* doc = r.Doc(name);
    ASSERT_NE(doc, nullptr) << name;
    EXPECT_TRUE(categories.contains(doc->category)) << name << ": " << doc->category;
    EXPECT_FALSE(doc->signature.empty()) << name;
    EXPECT_FALSE(doc->description.empty()) << name;
    EXPECT_FALSE(doc->example.empty()) << name;
  }
  for (const char* name :
       {"abs", "lower", "substr", "regexp_match", "date_trunc", "json_extract_path_text",
        "list_element", "struct_extract", "md5", "to_char", "extract", "current_timestamp"}) {
    EXPECT_NE(r.FindScalar(name), nullptr) << name;
  }
}

// A minimal aggregate (a sum) to check the default UpdateSingle and Retract.
class SumForTest : public AggregateFunction {
 public:
  const std::string& name() const override { return name_; }
  const DataType& return_type() const override { return type_; }
  size_t state_size() const override { return sizeof(int64_t); }
  void Init(uint8_t* state) const override { *reinterpret_cast<int64_t*>(state) = 0; }
  Status Update(uint8_t* const* states, std::span<const ColumnPtr> args,
                int64_t rows) const override {
    for (int64_t i = 0; i < rows; ++i) {
      if (args[0]->IsValid(i))
        *reinterpret_cast<int64_t*>(states[i]) += args[0]->data<int64_t>()[i];
    }
    return Status::OK();
  }
  void Combine(uint8_t* target, const uint8_t* source) const override {
    *reinterpret_cast<int64_t*>(target) += *reinterpret_cast<const int64_t*>(source);
  }
  Status Finalize(const uint8_t* const* states, int64_t count, ColumnBuilder& out) const override {
    for (int64_t i = 0; i < count; ++i) {
      static_cast<Int64Builder&>(out).Append(*reinterpret_cast<const int64_t*>(states[i]));
    }
    return Status::OK();
  }

 private:
  std::string name_ = "sum_for_test";
  DataType type_ = DataType::Int64();
};

TEST(AggregateFunctionTest, DefaultUpdateSingleAndRetract) {
  SumForTest sum;
  alignas(8) uint8_t state[8];
  sum.Init(state);
  Int64Builder b(DataType::Int64());
  b.Append(5);
  b.AppendNull();
  b.Append(7);
  ColumnPtr c = b.Finish();
  std::vector<ColumnPtr> args = {c};
  ASSERT_TRUE(sum.UpdateSingle(state, args, 3).ok());
  EXPECT_EQ(*reinterpret_cast<int64_t*>(state), 12);
  EXPECT_FALSE(sum.retractable());
  uint8_t* states[] = {state};
  Status s = sum.Retract(states, args, 1);
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented);
  EXPECT_EQ(s.message(), "aggregate function sum_for_test cannot retract rows");
}

}  // namespace
}  // namespace ark::sql
