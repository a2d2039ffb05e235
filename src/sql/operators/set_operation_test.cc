#include "sql/operators/set_operation.h"

#include <gtest/gtest.h>

#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::Int64Col;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;
using Strings = std::vector<std::string>;

// Left: (1,a) x3, (2,b) x2, (NULL,c) x2, (3,NULL) x1. Right: (1,a) x2, (2,b) x1, (NULL,c) x1,
// (4,d) x1, (3,NULL) x1 — in two batches each.
std::vector<Batch> LeftInput() {
  return {
      MakeBatch({{"n", Int64Col({1, 2, std::nullopt, 1})}, {"s", StrCol({"a", "b", "c", "a"})}}),
      MakeBatch({{"n", Int64Col({std::nullopt, 2, 1, 3})},
                 {"s", StrCol({"c", "b", "a", std::nullopt})}})};
}
std::vector<Batch> RightInput() {
  return {MakeBatch({{"x", Int64Col({4, 1, std::nullopt})}, {"y", StrCol({"d", "a", "c"})}}),
          MakeBatch({{"x", Int64Col({1, 2, 3})}, {"y", StrCol({"a", "b", std::nullopt})}})};
}

Strings RunSetOp(SetOperationKind kind, bool all, const std::vector<Batch>& left,
                 const std::vector<Batch>& right, bool left_first = false) {
  SetOperationOperator op(kind, all, LeftInput()[0].schema());
  std::vector<Batch> out;
  auto push_all = [&](int port, const std::vector<Batch>& batches) {
    for (const auto& b : batches) {
      Status s = op.Push(port, b, &out);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    EXPECT_TRUE(op.Finish(port, &out).ok());
  };
  if (left_first) {
    push_all(0, left);
    EXPECT_TRUE(out.empty());
    push_all(1, right);
  } else {
    push_all(1, right);
    push_all(0, left);
  }
  for (const auto& b : out) EXPECT_TRUE(b.schema()->Equals(*op.output_schema()));
  return Rows(out);
}

TEST(SetOperationTest, Intersect) {
  Strings want = {"1|a", "2|b", "NULL|c", "3|NULL"};
  EXPECT_EQ(RunSetOp(SetOperationKind::kIntersect, false, LeftInput(), RightInput()), want);
  EXPECT_EQ(RunSetOp(SetOperationKind::kIntersect, false, LeftInput(), RightInput(), true), want);
}

TEST(SetOperationTest, IntersectAll) {
  EXPECT_EQ(RunSetOp(SetOperationKind::kIntersect, true, LeftInput(), RightInput()),
            (Strings{"1|a", "2|b", "NULL|c", "1|a", "3|NULL"}));
}

TEST(SetOperationTest, Except) {
  // Every distinct left row occurs on the right.
  EXPECT_EQ(RunSetOp(SetOperationKind::kExcept, false, LeftInput(), RightInput()), Strings{});
  // Swapped: (4,d) is only on the "left".
  SetOperationOperator op(SetOperationKind::kExcept, false, RightInput()[0].schema());
  std::vector<Batch> out;
  for (const auto& b : LeftInput()) ASSERT_TRUE(op.Push(1, b, &out).ok());
  ASSERT_TRUE(op.Finish(1, &out).ok());
  for (const auto& b : RightInput()) ASSERT_TRUE(op.Push(0, b, &out).ok());
  ASSERT_TRUE(op.Finish(0, &out).ok());
  EXPECT_EQ(Rows(out), (Strings{"4|d"}));
}

TEST(SetOperationTest, ExceptAll) {
  // (1,a): 3 - 2 = 1, (2,b): 2 - 1 = 1, (NULL,c): 2 - 1 = 1, (3,NULL): 1 - 1 = 0. The copies kept
  // are the last ones: the first n occurrences are cancelled.
  EXPECT_EQ(RunSetOp(SetOperationKind::kExcept, true, LeftInput(), RightInput()),
            (Strings{"NULL|c", "2|b", "1|a"}));
}

TEST(SetOperationTest, DistinctExceptDeduplicatesLeftAndEmptyRight) {
  EXPECT_EQ(RunSetOp(SetOperationKind::kExcept, false, LeftInput(), {}),
            (Strings{"1|a", "2|b", "NULL|c", "3|NULL"}));
  EXPECT_EQ(RunSetOp(SetOperationKind::kExcept, true, LeftInput(), {}),
            (Strings{"1|a", "2|b", "NULL|c", "1|a", "NULL|c", "2|b", "1|a", "3|NULL"}));
  EXPECT_EQ(RunSetOp(SetOperationKind::kIntersect, true, LeftInput(), {}), Strings{});
  EXPECT_EQ(RunSetOp(SetOperationKind::kIntersect, false, {}, RightInput()), Strings{});
}

TEST(SetOperationTest, ExplainAndBadPort) {
  SetOperationOperator op(SetOperationKind::kIntersect, true, LeftInput()[0].schema());
  EXPECT_EQ(op.Explain(), "Intersect ALL");
  EXPECT_EQ(
      SetOperationOperator(SetOperationKind::kExcept, false, LeftInput()[0].schema()).Explain(),
      "Except");
  std::vector<Batch> out;
  Status s = op.Push(3, LeftInput()[0], &out);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(s.message(), "Intersect ALL has ports 0 and 1, got a batch on port 3");
}

}  // namespace
}  // namespace ark::sql
