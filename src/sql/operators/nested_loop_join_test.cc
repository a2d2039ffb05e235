#include "sql/operators/nested_loop_join.h"

#include <gtest/gtest.h>

#include "sql/operators/gather.h"
#include "sql/operators/join_util.h"
#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::BoolCol;
using testing::Col;
using testing::Int64Col;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;
using Strings = std::vector<std::string>;

Batch Left() { return MakeBatch({{"a", Int64Col({1, 2, 3})}}); }
// `ok` (index 3 of the combined row) is the join condition: only right rows with ok = true match.
Batch Right() {
  return MakeBatch({{"b", StrCol({"x", "y", "z"})},
                    {"c", Int64Col({10, 20, 30})},
                    {"ok", BoolCol({true, std::nullopt, false})}});
}

// `condition` >= 0: the join condition is that boolean column of the combined row.
JoinSpec Spec(PhysicalJoinType type, const Batch& left, const Batch& right, int condition = -1) {
  JoinSpec spec;
  spec.type = type;
  if (condition >= 0) spec.residual = Col(condition, DataType::Bool());
  spec.left_schema = left.schema();
  spec.right_schema = right.schema();
  spec.output_schema = (type == PhysicalJoinType::kSemi || type == PhysicalJoinType::kAnti)
                           ? left.schema()
                           : PairSchema(*left.schema(), *right.schema());
  return spec;
}

Strings RunNlj(JoinSpec spec, const std::vector<Batch>& left, const std::vector<Batch>& right,
               bool probe_first = false) {
  NestedLoopJoinOperator op(std::move(spec));
  std::vector<Batch> out;
  auto push_all = [&](int port, const std::vector<Batch>& batches) {
    for (const auto& b : batches) EXPECT_TRUE(op.Push(port, b, &out).ok());
    EXPECT_TRUE(op.Finish(port, &out).ok());
  };
  if (probe_first) {
    push_all(0, left);
    EXPECT_TRUE(out.empty());
    push_all(1, right);
  } else {
    push_all(1, right);
    push_all(0, left);
  }
  for (const auto& b : out) EXPECT_LE(b.num_rows(), kOutputBatchRows);
  return Rows(out);
}

TEST(NestedLoopJoinTest, CrossJoinInProbeOrder) {
  Strings want = {"1|x|10|true",  "1|y|20|NULL", "1|z|30|false", "2|x|10|true", "2|y|20|NULL",
                  "2|z|30|false", "3|x|10|true", "3|y|20|NULL",  "3|z|30|false"};
  EXPECT_EQ(RunNlj(Spec(PhysicalJoinType::kCross, Left(), Right()), {Left()}, {Right()}), want);
  EXPECT_EQ(RunNlj(Spec(PhysicalJoinType::kCross, Left(), Right()), {Left()}, {Right()}, true),
            want);
  EXPECT_EQ(RunNlj(Spec(PhysicalJoinType::kInner, Left(), Right()), {Left()},
                   {Right().Slice(0, 1), Right().Slice(1, 2)}),
            want);
}

TEST(NestedLoopJoinTest, ConditionOnEveryJoinType) {
  auto run = [](PhysicalJoinType t) {
    return RunNlj(Spec(t, Left(), Right(), 3), {Left()}, {Right()});
  };
  EXPECT_EQ(run(PhysicalJoinType::kInner), (Strings{"1|x|10|true", "2|x|10|true", "3|x|10|true"}));
  EXPECT_EQ(run(PhysicalJoinType::kLeft), (Strings{"1|x|10|true", "2|x|10|true", "3|x|10|true"}));
  EXPECT_EQ(run(PhysicalJoinType::kRight), (Strings{"1|x|10|true", "2|x|10|true", "3|x|10|true",
                                                    "NULL|y|20|NULL", "NULL|z|30|false"}));
  EXPECT_EQ(run(PhysicalJoinType::kFull), (Strings{"1|x|10|true", "2|x|10|true", "3|x|10|true",
                                                   "NULL|y|20|NULL", "NULL|z|30|false"}));
  EXPECT_EQ(run(PhysicalJoinType::kSemi), (Strings{"1", "2", "3"}));
  EXPECT_EQ(run(PhysicalJoinType::kAnti), Strings{});
}

TEST(NestedLoopJoinTest, LeftConditionLeavesRowsUnmatched) {
  // The condition is the left column `m`: left rows with m = false match nothing.
  Batch l = MakeBatch({{"a", Int64Col({1, 2})}, {"m", BoolCol({false, true})}});
  Batch r = MakeBatch({{"b", StrCol({"x", "y"})}});
  auto run = [&](PhysicalJoinType t) { return RunNlj(Spec(t, l, r, 1), {l}, {r}); };
  EXPECT_EQ(run(PhysicalJoinType::kLeft), (Strings{"2|true|x", "2|true|y", "1|false|NULL"}));
  EXPECT_EQ(run(PhysicalJoinType::kFull), (Strings{"2|true|x", "2|true|y", "1|false|NULL"}));
  EXPECT_EQ(run(PhysicalJoinType::kAnti), (Strings{"1|false"}));
  EXPECT_EQ(run(PhysicalJoinType::kSemi), (Strings{"2|true"}));
}

TEST(NestedLoopJoinTest, NonEquiCondition) {
  // ON l.a * 10 > r.c
  auto spec = [](PhysicalJoinType t) {
    JoinSpec s = Spec(t, Left(), Right());
    std::vector<BoundExprPtr> times;
    times.push_back(Col(0, DataType::Int64()));
    times.push_back(BoundExpr::Constant(Value::Int64(10)));
    std::vector<BoundExprPtr> gt;
    gt.push_back(testing::Call("*", std::move(times)));
    gt.push_back(Col(2, DataType::Int64()));
    s.residual = testing::Call(">", std::move(gt));
    return s;
  };
  EXPECT_EQ(RunNlj(spec(PhysicalJoinType::kInner), {Left()}, {Right()}),
            (Strings{"2|x|10|true", "3|x|10|true", "3|y|20|NULL"}));
  EXPECT_EQ(RunNlj(spec(PhysicalJoinType::kLeft), {Left()}, {Right()}),
            (Strings{"2|x|10|true", "3|x|10|true", "3|y|20|NULL", "1|NULL|NULL|NULL"}));
  EXPECT_EQ(RunNlj(spec(PhysicalJoinType::kFull), {Left()}, {Right()}),
            (Strings{"2|x|10|true", "3|x|10|true", "3|y|20|NULL", "1|NULL|NULL|NULL",
                     "NULL|z|30|false"}));
  EXPECT_EQ(RunNlj(spec(PhysicalJoinType::kAnti), {Left()}, {Right()}), (Strings{"1"}));
}

TEST(NestedLoopJoinTest, EmptySides) {
  Batch l = Left();
  Batch r = Right();
  EXPECT_EQ(RunNlj(Spec(PhysicalJoinType::kCross, l, r), {l}, {}), Strings{});
  EXPECT_EQ(RunNlj(Spec(PhysicalJoinType::kLeft, l, r, 3), {l}, {r.Slice(0, 0)}),
            (Strings{"1|NULL|NULL|NULL", "2|NULL|NULL|NULL", "3|NULL|NULL|NULL"}));
  EXPECT_EQ(RunNlj(Spec(PhysicalJoinType::kAnti, l, r, 3), {l}, {}), (Strings{"1", "2", "3"}));
  EXPECT_EQ(RunNlj(Spec(PhysicalJoinType::kRight, l, r, 3), {}, {r}),
            (Strings{"NULL|x|10|true", "NULL|y|20|NULL", "NULL|z|30|false"}));
}

TEST(NestedLoopJoinTest, LargeCrossProductInBoundedBatches) {
  std::vector<std::optional<int64_t>> a, b;
  for (int64_t i = 0; i < 300; ++i) a.push_back(i);
  for (int64_t i = 0; i < 500; ++i) b.push_back(i);
  Batch l = MakeBatch({{"a", Int64Col(a)}});
  Batch r = MakeBatch({{"b", Int64Col(b)}});
  Strings rows = RunNlj(Spec(PhysicalJoinType::kCross, l, r), {l}, {r});
  ASSERT_EQ(rows.size(), 150000u);
  EXPECT_EQ(rows[0], "0|0");
  EXPECT_EQ(rows[501], "1|1");
  EXPECT_EQ(rows[149999], "299|499");
}

TEST(NestedLoopJoinTest, InvalidSpecsAndExplain) {
  JoinSpec with_keys = Spec(PhysicalJoinType::kInner, Left(), Right());
  with_keys.left_keys.push_back(Col(0, DataType::Int64()));
  with_keys.right_keys.push_back(Col(1, DataType::Int64()));
  NestedLoopJoinOperator bad(std::move(with_keys));
  std::vector<Batch> out;
  Status s = bad.Push(0, Left(), &out);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(s.message(),
            "NestedLoopJoin takes no equality keys (HashJoin runs equi-joins; a nested loop join "
            "gets its whole condition as the residual)");
  NestedLoopJoinOperator op(Spec(PhysicalJoinType::kFull, Left(), Right(), 3));
  EXPECT_EQ(op.Explain(), "NestedLoopJoin FULL condition=ok");
  EXPECT_EQ(NestedLoopJoinOperator(Spec(PhysicalJoinType::kCross, Left(), Right())).Explain(),
            "NestedLoopJoin CROSS");
}

}  // namespace
}  // namespace ark::sql
