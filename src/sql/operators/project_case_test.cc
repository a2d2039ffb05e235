// CASE in projections, through ProjectOperator: the evaluator's fixed-width path (every branch
// evaluated over all rows, values written straight into the result by bitmap) checked against a
// row-by-row reference — NULL conditions, NULL values, missing ELSE, casts of branch values,
// batch sizes that are not a multiple of 8 and sliced (offset) inputs.
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sql/operators/project.h"
#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::BoolCol;
using testing::Call;
using testing::Col;
using testing::Int64Col;
using testing::MakeBatch;
using testing::Rows;
using Strings = std::vector<std::string>;

// CASE WHEN children[0] THEN children[1] ... [ELSE last] END of `type`.
BoundExprPtr Case(DataType type, std::vector<BoundExprPtr> children, bool has_else) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kCase;
  e->type = std::move(type);
  e->has_else = has_else;
  e->children = std::move(children);
  return e;
}

Result<std::vector<Batch>> Project(BoundExprPtr expr, const Batch& in) {
  SchemaPtr schema = Schema::Make({Field("c", expr->type)});
  std::vector<BoundExprPtr> exprs;
  exprs.push_back(std::move(expr));
  ProjectOperator project(std::move(exprs), schema, in.schema());
  std::vector<Batch> out;
  ARK_RETURN_IF_ERROR(project.Push(0, in, &out));
  ARK_RETURN_IF_ERROR(project.Finish(0, &out));
  return out;
}

using OptBool = std::optional<bool>;
using OptInt = std::optional<int64_t>;

// CASE WHEN c1 THEN v1 WHEN c2 THEN 7 [ELSE v2] END, row by row.
Strings Reference(const std::vector<OptBool>& c1, const std::vector<OptBool>& c2,
                  const std::vector<OptInt>& v1, const std::vector<OptInt>& v2, bool has_else) {
  Strings out;
  for (size_t r = 0; r < c1.size(); ++r) {
    OptInt v;
    if (c1[r].value_or(false)) {
      v = v1[r];
    } else if (c2[r].value_or(false)) {
      v = 7;
    } else if (has_else) {
      v = v2[r];
    }
    out.push_back(v ? std::to_string(*v) : "NULL");
  }
  return out;
}

std::vector<BoundExprPtr> TwoBranches(bool has_else) {
  std::vector<BoundExprPtr> children;
  children.push_back(Col(0, DataType::Bool()));
  children.push_back(Col(2, DataType::Int64()));
  children.push_back(Col(1, DataType::Bool()));
  children.push_back(BoundExpr::Constant(Value::Int32(7)));  // cast to int64 by the evaluator
  if (has_else) children.push_back(Col(3, DataType::Int64()));
  return children;
}

TEST(ProjectCaseTest, FixedWidthCaseMatchesRowByRowReference) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 24; ++round) {
    const int64_t n = 1 + static_cast<int64_t>(rng() % 150);
    std::vector<OptBool> c1, c2;
    std::vector<OptInt> v1, v2;
    for (int64_t i = 0; i < n; ++i) {
      c1.push_back(rng() % 5 == 0 ? std::nullopt : OptBool(rng() % 3 == 0));
      c2.push_back(rng() % 5 == 0 ? std::nullopt : OptBool(rng() % 2 == 0));
      v1.push_back(rng() % 6 == 0 ? std::nullopt : OptInt(static_cast<int64_t>(rng() % 1000)));
      v2.push_back(rng() % 6 == 0 ? std::nullopt : OptInt(-static_cast<int64_t>(rng() % 1000)));
    }
    Batch whole = MakeBatch(
        {{"c1", BoolCol(c1)}, {"c2", BoolCol(c2)}, {"v1", Int64Col(v1)}, {"v2", Int64Col(v2)}});
    // A slice that starts mid-byte of the bitmaps.
    const int64_t off = n > 5 ? 3 : 0;
    Batch in = whole.Slice(off, n - off);
    auto sub = [&](const auto& v) { return std::vector(v.begin() + off, v.end()); };
    for (bool has_else : {false, true}) {
      auto out = Project(Case(DataType::Int64(), TwoBranches(has_else), has_else), in);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_EQ(Rows(*out), Reference(sub(c1), sub(c2), sub(v1), sub(v2), has_else))
          << "round " << round << " else " << has_else;
    }
  }
}

TEST(ProjectCaseTest, ConstantBranchesOverAComparison) {
  // CASE WHEN x > 2 THEN 1 ELSE 0 END, x with a NULL (the condition is NULL: ELSE).
  Batch in = MakeBatch({{"x", Int64Col({1, 5, std::nullopt, 3, 2, 9, 0, 4, 8, 1})}});
  std::vector<BoundExprPtr> args;
  args.push_back(Col(0, DataType::Int64()));
  args.push_back(BoundExpr::Constant(Value::Int64(2)));
  std::vector<BoundExprPtr> children;
  children.push_back(Call(">", std::move(args)));
  children.push_back(BoundExpr::Constant(Value::Int32(1)));
  children.push_back(BoundExpr::Constant(Value::Int32(0)));
  auto out = Project(Case(DataType::Int32(), std::move(children), true), in);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Rows(*out), (Strings{"0", "1", "0", "1", "0", "1", "0", "1", "1", "0"}));
  EXPECT_EQ((*out)[0].column(0)->null_count(), 0);
  EXPECT_EQ((*out)[0].column(0)->validity(), nullptr);
}

TEST(ProjectCaseTest, FloatResultWithNullElse) {
  Batch in = MakeBatch({{"c", BoolCol({true, false, std::nullopt, true})},
                        {"f", testing::Float64Col({1.5, 2.5, 3.5, std::nullopt})}});
  std::vector<BoundExprPtr> children;
  children.push_back(Col(0, DataType::Bool()));
  children.push_back(Col(1, DataType::Float64()));
  children.push_back(BoundExpr::Constant(Value::Null(DataType::Float64())));
  auto out = Project(Case(DataType::Float64(), std::move(children), true), in);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Rows(*out), (Strings{"1.5", "NULL", "NULL", "NULL"}));
  EXPECT_EQ((*out)[0].column(0)->null_count(), 3);
}

TEST(ProjectCaseTest, EveryRowInTheFirstBranchReturnsItsValue) {
  Batch in = MakeBatch({{"c", BoolCol({true, true, true})}, {"v", Int64Col({4, 5, 6})}});
  std::vector<BoundExprPtr> children;
  children.push_back(Col(0, DataType::Bool()));
  children.push_back(Col(1, DataType::Int64()));
  children.push_back(BoundExpr::Constant(Value::Int64(0)));
  auto out = Project(Case(DataType::Int64(), std::move(children), true), in);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Rows(*out), (Strings{"4", "5", "6"}));
  EXPECT_EQ((*out)[0].column(0).get(), in.column(1).get());
}

TEST(ProjectCaseTest, NoBranchTakenWithoutElseIsNull) {
  Batch in = MakeBatch({{"c", BoolCol({false, std::nullopt, false})}});
  std::vector<BoundExprPtr> children;
  children.push_back(Col(0, DataType::Bool()));
  children.push_back(BoundExpr::Constant(Value::Int64(1)));
  auto out = Project(Case(DataType::Int64(), std::move(children), false), in);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Rows(*out), (Strings{"NULL", "NULL", "NULL"}));
}

}  // namespace
}  // namespace ark::sql
