#include "sql/operators/hash_join.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "sql/operators/gather.h"
#include "sql/operators/join_util.h"
#include "sql/operators/nested_loop_join.h"
#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::BoolCol;
using testing::Col;
using testing::Int32Col;
using testing::Int64Col;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;
using Strings = std::vector<std::string>;

// Left: k, lv. Right: k, rv, ok.
Batch Left1() {
  return MakeBatch({{"k", Int64Col({1, 2, std::nullopt})}, {"lv", StrCol({"a", "b", "c"})}});
}
Batch Left2() { return MakeBatch({{"k", Int64Col({2, 5})}, {"lv", StrCol({"d", "e"})}}); }
Batch Right1() {
  return MakeBatch({{"k", Int64Col({2, 3, 2})},
                    {"rv", StrCol({"x", "y", "z"})},
                    {"ok", BoolCol({true, true, false})}});
}
Batch Right2() {
  return MakeBatch({{"k", Int64Col({std::nullopt, 1})},
                    {"rv", StrCol({"n", "w"})},
                    {"ok", BoolCol({true, false})}});
}

JoinSpec Spec(PhysicalJoinType type, const Batch& left, const Batch& right,
              std::vector<int> left_keys, std::vector<int> right_keys,
              std::vector<bool> null_equals_null = {}) {
  JoinSpec spec;
  spec.type = type;
  for (int k : left_keys) spec.left_keys.push_back(Col(k, left.schema()->field(k).type));
  for (int k : right_keys) spec.right_keys.push_back(Col(k, right.schema()->field(k).type));
  spec.null_equals_null = std::move(null_equals_null);
  spec.left_schema = left.schema();
  spec.right_schema = right.schema();
  spec.output_schema = (type == PhysicalJoinType::kSemi || type == PhysicalJoinType::kAnti)
                           ? left.schema()
                           : PairSchema(*left.schema(), *right.schema());
  return spec;
}

std::vector<BoundExprPtr> Args(BoundExprPtr a, BoundExprPtr b) {
  std::vector<BoundExprPtr> v;
  v.push_back(std::move(a));
  v.push_back(std::move(b));
  return v;
}

enum class Order { kBuildFirst, kProbeFirst, kInterleaved };

Result<std::vector<Batch>> RunJoin(JoinSpec spec, const std::vector<Batch>& left,
                                   const std::vector<Batch>& right, Order order) {
  HashJoinOperator op(std::move(spec));
  std::vector<Batch> out;
  auto push_all = [&](int port, const std::vector<Batch>& batches) -> Status {
    for (const auto& b : batches) ARK_RETURN_IF_ERROR(op.Push(port, b, &out));
    return op.Finish(port, &out);
  };
  switch (order) {
    case Order::kBuildFirst:
      ARK_RETURN_IF_ERROR(push_all(1, right));
      ARK_RETURN_IF_ERROR(push_all(0, left));
      break;
    case Order::kProbeFirst:
      ARK_RETURN_IF_ERROR(push_all(0, left));
      if (!out.empty()) return Status::Internal("output before the build side finished");
      ARK_RETURN_IF_ERROR(push_all(1, right));
      break;
    case Order::kInterleaved: {
      size_t n = std::max(left.size(), right.size());
      for (size_t i = 0; i < n; ++i) {
        if (i < left.size()) ARK_RETURN_IF_ERROR(op.Push(0, left[i], &out));
        if (i < right.size()) ARK_RETURN_IF_ERROR(op.Push(1, right[i], &out));
      }
      ARK_RETURN_IF_ERROR(op.Finish(1, &out));
      ARK_RETURN_IF_ERROR(op.Finish(0, &out));
      break;
    }
  }
  for (const auto& b : out) {
    if (b.num_rows() > kOutputBatchRows) return Status::Internal("oversized output batch");
    if (!b.schema()->Equals(*op.output_schema())) return Status::Internal("wrong output schema");
  }
  return out;
}

// The rows of the join in every push order, which must agree.
Strings JoinRows(const JoinSpec& proto, const std::vector<Batch>& left,
                 const std::vector<Batch>& right) {
  Strings first;
  for (Order order : {Order::kBuildFirst, Order::kProbeFirst, Order::kInterleaved}) {
    JoinSpec spec;
    spec.type = proto.type;
    for (const auto& k : proto.left_keys) spec.left_keys.push_back(k->Clone());
    for (const auto& k : proto.right_keys) spec.right_keys.push_back(k->Clone());
    spec.null_equals_null = proto.null_equals_null;
    if (proto.residual) spec.residual = proto.residual->Clone();
    spec.anti_null_aware = proto.anti_null_aware;
    spec.left_schema = proto.left_schema;
    spec.right_schema = proto.right_schema;
    spec.output_schema = proto.output_schema;
    auto out = RunJoin(std::move(spec), left, right, order);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (!out.ok()) return {};
    Strings rows = Rows(*out);
    if (order == Order::kBuildFirst) {
      first = rows;
    } else {
      EXPECT_EQ(rows, first) << "push order " << static_cast<int>(order);
    }
  }
  return first;
}

Strings Join(PhysicalJoinType type, std::vector<bool> null_equals_null = {}) {
  return JoinRows(Spec(type, Left1(), Right1(), {0}, {0}, std::move(null_equals_null)),
                  {Left1(), Left2()}, {Right1(), Right2()});
}

TEST(HashJoinTest, Inner) {
  EXPECT_EQ(
      Join(PhysicalJoinType::kInner),
      (Strings{"1|a|1|w|false", "2|b|2|x|true", "2|b|2|z|false", "2|d|2|x|true", "2|d|2|z|false"}));
}

TEST(HashJoinTest, InnerNullEqualsNull) {
  EXPECT_EQ(Join(PhysicalJoinType::kInner, {true}),
            (Strings{"1|a|1|w|false", "2|b|2|x|true", "2|b|2|z|false", "NULL|c|NULL|n|true",
                     "2|d|2|x|true", "2|d|2|z|false"}));
}

TEST(HashJoinTest, Left) {
  EXPECT_EQ(Join(PhysicalJoinType::kLeft),
            (Strings{"1|a|1|w|false", "2|b|2|x|true", "2|b|2|z|false", "NULL|c|NULL|NULL|NULL",
                     "2|d|2|x|true", "2|d|2|z|false", "5|e|NULL|NULL|NULL"}));
}

TEST(HashJoinTest, Right) {
  EXPECT_EQ(Join(PhysicalJoinType::kRight),
            (Strings{"1|a|1|w|false", "2|b|2|x|true", "2|b|2|z|false", "2|d|2|x|true",
                     "2|d|2|z|false", "NULL|NULL|3|y|true", "NULL|NULL|NULL|n|true"}));
}

TEST(HashJoinTest, Full) {
  EXPECT_EQ(Join(PhysicalJoinType::kFull),
            (Strings{"1|a|1|w|false", "2|b|2|x|true", "2|b|2|z|false", "NULL|c|NULL|NULL|NULL",
                     "2|d|2|x|true", "2|d|2|z|false", "5|e|NULL|NULL|NULL", "NULL|NULL|3|y|true",
                     "NULL|NULL|NULL|n|true"}));
}

TEST(HashJoinTest, SemiAndAnti) {
  EXPECT_EQ(Join(PhysicalJoinType::kSemi), (Strings{"1|a", "2|b", "2|d"}));
  EXPECT_EQ(Join(PhysicalJoinType::kAnti), (Strings{"NULL|c", "5|e"}));
  EXPECT_EQ(Join(PhysicalJoinType::kSemi, {true}), (Strings{"1|a", "2|b", "NULL|c", "2|d"}));
  EXPECT_EQ(Join(PhysicalJoinType::kAnti, {true}), (Strings{"5|e"}));
}

// The residual is the right side's `ok` column (index 4 of the combined row): a pair whose right
// row has ok = false is no match.
Strings JoinWithResidual(PhysicalJoinType type) {
  JoinSpec spec = Spec(type, Left1(), Right1(), {0}, {0});
  spec.residual = Col(4, DataType::Bool());
  return JoinRows(spec, {Left1(), Left2()}, {Right1(), Right2()});
}

TEST(HashJoinTest, ResidualDecidesMatches) {
  EXPECT_EQ(JoinWithResidual(PhysicalJoinType::kInner), (Strings{"2|b|2|x|true", "2|d|2|x|true"}));
  // LEFT: a failed residual makes the row unmatched, not dropped.
  EXPECT_EQ(JoinWithResidual(PhysicalJoinType::kLeft),
            (Strings{"2|b|2|x|true", "1|a|NULL|NULL|NULL", "NULL|c|NULL|NULL|NULL", "2|d|2|x|true",
                     "5|e|NULL|NULL|NULL"}));
  EXPECT_EQ(JoinWithResidual(PhysicalJoinType::kRight),
            (Strings{"2|b|2|x|true", "2|d|2|x|true", "NULL|NULL|3|y|true", "NULL|NULL|2|z|false",
                     "NULL|NULL|NULL|n|true", "NULL|NULL|1|w|false"}));
  EXPECT_EQ(JoinWithResidual(PhysicalJoinType::kFull),
            (Strings{"2|b|2|x|true", "1|a|NULL|NULL|NULL", "NULL|c|NULL|NULL|NULL", "2|d|2|x|true",
                     "5|e|NULL|NULL|NULL", "NULL|NULL|3|y|true", "NULL|NULL|2|z|false",
                     "NULL|NULL|NULL|n|true", "NULL|NULL|1|w|false"}));
  EXPECT_EQ(JoinWithResidual(PhysicalJoinType::kSemi), (Strings{"2|b", "2|d"}));
  EXPECT_EQ(JoinWithResidual(PhysicalJoinType::kAnti), (Strings{"1|a", "NULL|c", "5|e"}));
}

// Keys spread too wide for the direct (value - min) index go through the hash table; narrow
// int32 keys, negative ones included, through the index. Both give the same join.
TEST(HashJoinTest, WideAndNarrowIntegerKeys) {
  const int64_t big = 2000000000000;
  Batch l = MakeBatch(
      {{"k", Int64Col({1, big, std::nullopt, big, 5})}, {"lv", StrCol({"a", "b", "c", "d", "e"})}});
  Batch r = MakeBatch(
      {{"k", Int64Col({big, 3, big, std::nullopt, 1})}, {"rv", StrCol({"x", "y", "z", "n", "w"})}});
  const std::string b = std::to_string(big);
  EXPECT_EQ(JoinRows(Spec(PhysicalJoinType::kLeft, l, r, {0}, {0}), {l}, {r}),
            (Strings{"1|a|1|w", b + "|b|" + b + "|x", b + "|b|" + b + "|z", "NULL|c|NULL|NULL",
                     b + "|d|" + b + "|x", b + "|d|" + b + "|z", "5|e|NULL|NULL"}));
  Batch l32 = MakeBatch({{"k", Int32Col({-3, 7, std::nullopt, -3, 100})}});
  Batch r32 =
      MakeBatch({{"k", Int32Col({-3, std::nullopt, 7, 8, -3})}, {"i", Int64Col({0, 1, 2, 3, 4})}});
  EXPECT_EQ(JoinRows(Spec(PhysicalJoinType::kInner, l32, r32, {0}, {0}), {l32}, {r32}),
            (Strings{"-3|-3|0", "-3|-3|4", "7|7|2", "-3|-3|0", "-3|-3|4"}));
  EXPECT_EQ(JoinRows(Spec(PhysicalJoinType::kAnti, l32, r32, {0}, {0}), {l32}, {r32}),
            (Strings{"NULL", "100"}));
}

TEST(HashJoinTest, ResidualExpression) {
  // ON l.k = r.k AND r.rv <> 'x'
  JoinSpec spec = Spec(PhysicalJoinType::kLeft, Left1(), Right1(), {0}, {0});
  spec.residual = testing::Call(
      "<>", Args(Col(3, DataType::String()), BoundExpr::Constant(Value::String("x"))));
  EXPECT_EQ(JoinRows(spec, {Left1(), Left2()}, {Right1(), Right2()}),
            (Strings{"1|a|1|w|false", "2|b|2|z|false", "NULL|c|NULL|NULL|NULL", "2|d|2|z|false",
                     "5|e|NULL|NULL|NULL"}));
}

TEST(HashJoinTest, ResidualErrorsPropagate) {
  // ON l.k = r.k AND l.k / (r.k - r.k) > 0: division by zero on the first candidate pair.
  JoinSpec spec = Spec(PhysicalJoinType::kInner, Left1(), Right1(), {0}, {0});
  BoundExprPtr zero =
      testing::Call("-", Args(Col(2, DataType::Int64()), Col(2, DataType::Int64())));
  BoundExprPtr ratio = testing::Call("/", Args(Col(0, DataType::Int64()), std::move(zero)));
  spec.residual = testing::Call(">", Args(std::move(ratio), BoundExpr::Constant(Value::Int64(0))));
  auto out = RunJoin(std::move(spec), {Left1()}, {Right1()}, Order::kBuildFirst);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out.status().message(), "division by zero");
}

TEST(HashJoinTest, MultiColumnStringKeys) {
  Batch l = MakeBatch({{"s", StrCol({"x", "x", "y", std::nullopt, ""})},
                       {"n", Int32Col({1, 2, 1, 1, 0})},
                       {"id", Int64Col({10, 11, 12, 13, 14})}});
  Batch r = MakeBatch({{"n", Int32Col({1, 1, 2, 1, 0})},
                       {"s", StrCol({"x", "y", "y", std::nullopt, ""})},
                       {"rid", Int64Col({20, 21, 22, 23, 24})}});
  EXPECT_EQ(JoinRows(Spec(PhysicalJoinType::kInner, l, r, {0, 1}, {1, 0}), {l}, {r}),
            (Strings{"x|1|10|1|x|20", "y|1|12|1|y|21", "|0|14|0||24"}));
  // NULL equals NULL on the string key only.
  EXPECT_EQ(JoinRows(Spec(PhysicalJoinType::kInner, l, r, {0, 1}, {1, 0}, {true, false}), {l}, {r}),
            (Strings{"x|1|10|1|x|20", "y|1|12|1|y|21", "NULL|1|13|1|NULL|23", "|0|14|0||24"}));
}

TEST(HashJoinTest, EmptySides) {
  Batch l = Left1();
  Batch r = Right1();
  Batch no_left = l.Slice(0, 0);
  Batch no_right = r.Slice(0, 0);
  auto spec = [&](PhysicalJoinType t) { return Spec(t, l, r, {0}, {0}); };
  EXPECT_EQ(JoinRows(spec(PhysicalJoinType::kInner), {l}, {no_right}), Strings{});
  EXPECT_EQ(JoinRows(spec(PhysicalJoinType::kLeft), {l}, {}),
            (Strings{"1|a|NULL|NULL|NULL", "2|b|NULL|NULL|NULL", "NULL|c|NULL|NULL|NULL"}));
  EXPECT_EQ(JoinRows(spec(PhysicalJoinType::kAnti), {l}, {no_right}),
            (Strings{"1|a", "2|b", "NULL|c"}));
  EXPECT_EQ(JoinRows(spec(PhysicalJoinType::kSemi), {l}, {}), Strings{});
  EXPECT_EQ(JoinRows(spec(PhysicalJoinType::kRight), {no_left}, {r}),
            (Strings{"NULL|NULL|2|x|true", "NULL|NULL|3|y|true", "NULL|NULL|2|z|false"}));
  EXPECT_EQ(JoinRows(spec(PhysicalJoinType::kFull), {}, {}), Strings{});
}

TEST(HashJoinTest, NullAwareAnti) {
  Batch l = MakeBatch({{"k", Int64Col({1, std::nullopt, 3})}});
  Batch r_plain = MakeBatch({{"k", Int64Col({1, 2})}});
  Batch r_null = MakeBatch({{"k", Int64Col({2, std::nullopt})}});
  auto spec = [&](const Batch& r) {
    JoinSpec s = Spec(PhysicalJoinType::kAnti, l, r, {0}, {0});
    s.anti_null_aware = true;
    return s;
  };
  // 1 NOT IN (1, 2) false; NULL NOT IN (1, 2) NULL; 3 NOT IN (1, 2) true.
  EXPECT_EQ(JoinRows(spec(r_plain), {l}, {r_plain}), (Strings{"3"}));
  // x NOT IN (2, NULL) is never true.
  EXPECT_EQ(JoinRows(spec(r_null), {l}, {r_null}), Strings{});
  // x NOT IN (empty) is always true, NULL included.
  EXPECT_EQ(JoinRows(spec(r_plain), {l}, {}), (Strings{"1", "NULL", "3"}));
  // Without the flag: NOT EXISTS.
  EXPECT_EQ(JoinRows(Spec(PhysicalJoinType::kAnti, l, r_null, {0}, {0}), {l}, {r_null}),
            (Strings{"1", "NULL", "3"}));
}

TEST(HashJoinTest, InvalidSpecsAreErrors) {
  Batch l = Left1();
  Batch r = Right1();
  JoinSpec two_keys = Spec(PhysicalJoinType::kAnti, l, r, {0, 1}, {0, 1});
  two_keys.anti_null_aware = true;
  HashJoinOperator a(std::move(two_keys));
  std::vector<Batch> out;
  Status s = a.Push(1, r, &out);
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented);
  EXPECT_EQ(s.message(),
            "NOT IN over a subquery is supported with one compared column and no correlated "
            "condition (got 2 columns)");
  JoinSpec mismatched = Spec(PhysicalJoinType::kInner, l, r, {0}, {1});
  HashJoinOperator b(std::move(mismatched));
  s = b.Push(0, l, &out);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(s.message(), "HashJoin key 0 has type int64 on the left and string on the right");
  HashJoinOperator c(Spec(PhysicalJoinType::kInner, l, r, {0}, {0}));
  s = c.Push(2, l, &out);
  EXPECT_EQ(s.message(), "HashJoin has ports 0 and 1, got a batch on port 2");
}

TEST(HashJoinTest, LargeFanOutIsSplitIntoBoundedBatches) {
  // 70000 probe rows, each matching the same 2 build rows: 140000 output rows.
  std::vector<std::optional<int64_t>> keys(70000, 7), ids;
  for (int64_t i = 0; i < 70000; ++i) ids.push_back(i);
  Batch l = MakeBatch({{"k", Int64Col(keys)}, {"id", Int64Col(ids)}});
  Batch r = MakeBatch({{"k", Int64Col({7, 8, 7})}, {"rid", Int64Col({0, 1, 2})}});
  auto out = RunJoin(Spec(PhysicalJoinType::kInner, l, r, {0}, {0}), {l}, {r}, Order::kBuildFirst);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[0].num_rows(), 65536);
  EXPECT_EQ((*out)[1].num_rows(), 65536);
  EXPECT_EQ((*out)[2].num_rows(), 140000 - 2 * 65536);
  Strings rows = Rows(*out);
  EXPECT_EQ(rows[0], "7|0|7|0");
  EXPECT_EQ(rows[1], "7|0|7|2");
  EXPECT_EQ(rows[139999], "7|69999|7|2");
}

TEST(HashJoinTest, OneToOneProbeKeepsProbeColumnsUncopied) {
  Batch l = MakeBatch({{"k", Int64Col({3, 1, 2})}, {"v", StrCol({"c", "a", "b"})}});
  Batch r = MakeBatch({{"k", Int64Col({1, 2, 3})}, {"w", StrCol({"A", "B", "C"})}});
  auto out = RunJoin(Spec(PhysicalJoinType::kInner, l, r, {0}, {0}), {l}, {r}, Order::kBuildFirst);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].column(1)->buffer(2), l.column(1)->buffer(2));  // a slice of the probe
  EXPECT_EQ(Rows(*out), (Strings{"3|c|3|C", "1|a|1|A", "2|b|2|B"}));
}

// Randomized: every join type of the hash join equals a nested loop join whose condition is the
// key equality (l.k = r.k AND l.s = r.s, and r.flag as an extra residual), as multisets of rows.
TEST(HashJoinTest, RandomizedMatchesNestedLoopJoin) {
  std::mt19937_64 rng(1234);
  auto make_side = [&](int64_t rows, int batches, bool with_flag) {
    std::vector<Batch> out;
    for (int b = 0; b < batches; ++b) {
      std::vector<std::optional<int64_t>> k;
      std::vector<std::optional<std::string>> s;
      std::vector<std::optional<bool>> flag;
      for (int64_t i = 0; i < rows; ++i) {
        k.push_back(rng() % 6 == 0 ? std::nullopt
                                   : std::optional<int64_t>(static_cast<int64_t>(rng() % 12)));
        s.push_back(rng() % 9 == 0 ? std::nullopt
                                   : std::optional<std::string>(std::string(1, 'a' + rng() % 3)));
        flag.push_back(rng() % 5 == 0 ? std::nullopt : std::optional<bool>(rng() % 2 == 0));
      }
      if (with_flag) {
        out.push_back(MakeBatch({{"k", Int64Col(k)}, {"s", StrCol(s)}, {"flag", BoolCol(flag)}}));
      } else {
        out.push_back(MakeBatch({{"k", Int64Col(k)}, {"s", StrCol(s)}}));
      }
    }
    return out;
  };
  for (int round = 0; round < 12; ++round) {
    std::vector<Batch> left = make_side(static_cast<int64_t>(rng() % 60), 2, false);
    std::vector<Batch> right = make_side(static_cast<int64_t>(rng() % 60), 2, true);
    const bool residual = round % 2 == 1;
    for (PhysicalJoinType type :
         {PhysicalJoinType::kInner, PhysicalJoinType::kLeft, PhysicalJoinType::kRight,
          PhysicalJoinType::kFull, PhysicalJoinType::kSemi, PhysicalJoinType::kAnti}) {
      JoinSpec hash = Spec(type, left[0], right[0], {0, 1}, {0, 1});
      if (residual) hash.residual = Col(4, DataType::Bool());
      JoinSpec nested = Spec(type, left[0], right[0], {}, {});
      std::vector<BoundExprPtr> conjuncts;
      conjuncts.push_back(
          testing::Call("=", Args(Col(0, DataType::Int64()), Col(2, DataType::Int64()))));
      conjuncts.push_back(
          testing::Call("=", Args(Col(1, DataType::String()), Col(3, DataType::String()))));
      if (residual) conjuncts.push_back(Col(4, DataType::Bool()));
      auto condition = std::make_unique<BoundExpr>();
      condition->kind = BoundExprKind::kAnd;
      condition->type = DataType::Bool();
      condition->children = std::move(conjuncts);
      nested.residual = std::move(condition);

      Strings got = JoinRows(hash, left, right);
      NestedLoopJoinOperator nlj(std::move(nested));
      std::vector<Batch> out;
      for (const auto& b : right) ASSERT_TRUE(nlj.Push(1, b, &out).ok());
      ASSERT_TRUE(nlj.Finish(1, &out).ok());
      for (const auto& b : left) ASSERT_TRUE(nlj.Push(0, b, &out).ok());
      ASSERT_TRUE(nlj.Finish(0, &out).ok());
      Strings want = Rows(out);
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
      EXPECT_EQ(got, want) << "round " << round << " type " << JoinTypeName(type);
    }
  }
}

// One integer key with unique build values in a small range: the direct-index probe that maps a
// key value straight to its build row (INNER, LEFT); the other join types take the general path.
// Checked against a nested loop join on random data, with NULL keys on both sides, probe values
// outside the build range, and sliced probe batches.
TEST(HashJoinTest, UniqueDirectKeysMatchNestedLoopJoin) {
  std::mt19937_64 rng(99);
  for (int round = 0; round < 16; ++round) {
    const bool int32_keys = round % 2 == 1;
    std::vector<int64_t> values(40);
    for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int64_t>(i) - 5;
    std::shuffle(values.begin(), values.end(), rng);
    values.resize(rng() % 30);  // unique build keys
    std::vector<std::optional<int64_t>> rk(values.begin(), values.end());
    std::vector<std::optional<int64_t>> rv;
    if (round % 3 == 0) rk.push_back(std::nullopt);
    for (size_t i = 0; i < rk.size(); ++i) rv.push_back(static_cast<int64_t>(i) * 10);
    std::vector<std::optional<int64_t>> lk, lv;
    const int64_t probe_rows = static_cast<int64_t>(rng() % 80) + 4;
    for (int64_t i = 0; i < probe_rows; ++i) {
      lk.push_back(rng() % 7 == 0 ? std::nullopt
                                  : std::optional<int64_t>(static_cast<int64_t>(rng() % 60) - 10));
      lv.push_back(i);
    }
    auto key_col = [&](const std::vector<std::optional<int64_t>>& v) {
      if (!int32_keys) return Int64Col(v);
      std::vector<std::optional<int32_t>> w;
      for (const auto& x : v)
        w.push_back(x ? std::optional<int32_t>(static_cast<int32_t>(*x)) : std::nullopt);
      return Int32Col(w);
    };
    Batch right = MakeBatch({{"k", key_col(rk)}, {"rv", Int64Col(rv)}});
    Batch whole = MakeBatch({{"k", key_col(lk)}, {"lv", Int64Col(lv)}});
    // Two probe batches that are slices (non-zero offsets) of one batch.
    const int64_t cut = probe_rows / 2;
    std::vector<Batch> left = {whole.Slice(1, cut - 1), whole.Slice(cut, probe_rows - cut)};
    const DataType kt = int32_keys ? DataType::Int32() : DataType::Int64();
    for (PhysicalJoinType type :
         {PhysicalJoinType::kInner, PhysicalJoinType::kLeft, PhysicalJoinType::kRight,
          PhysicalJoinType::kFull, PhysicalJoinType::kSemi, PhysicalJoinType::kAnti}) {
      JoinSpec hash = Spec(type, whole, right, {0}, {0});
      JoinSpec nested = Spec(type, whole, right, {}, {});
      nested.residual = testing::Call("=", Args(Col(0, kt), Col(2, kt)));
      Strings got = JoinRows(hash, left, {right});
      NestedLoopJoinOperator nlj(std::move(nested));
      std::vector<Batch> out;
      ASSERT_TRUE(nlj.Push(1, right, &out).ok());
      ASSERT_TRUE(nlj.Finish(1, &out).ok());
      for (const auto& b : left) ASSERT_TRUE(nlj.Push(0, b, &out).ok());
      ASSERT_TRUE(nlj.Finish(0, &out).ok());
      Strings want = Rows(out);
      if (type == PhysicalJoinType::kInner || type == PhysicalJoinType::kSemi ||
          type == PhysicalJoinType::kAnti) {
        // Both keep probe order: compare as sequences (the nested loop join emits a LEFT join's
        // unmatched rows after the matched ones).
        EXPECT_EQ(got, want) << "round " << round << " type " << JoinTypeName(type);
      } else {
        std::sort(got.begin(), got.end());
        std::sort(want.begin(), want.end());
        EXPECT_EQ(got, want) << "round " << round << " type " << JoinTypeName(type);
      }
    }
  }
}

// INNER: the build side's key column is the probe side's key column (equal in every matched pair),
// not a gather; LEFT keeps gathering it (NULL for unmatched rows).
TEST(HashJoinTest, InnerJoinReusesProbeKeyColumnForBuildKey) {
  Batch l =
      MakeBatch({{"k", StrCol({"b", "x", "a", std::nullopt})}, {"v", Int64Col({1, 2, 3, 4})}});
  Batch r = MakeBatch({{"w", Int64Col({10, 20})}, {"k", StrCol({"a", "b"})}});
  auto inner =
      RunJoin(Spec(PhysicalJoinType::kInner, l, r, {0}, {1}), {l}, {r}, Order::kBuildFirst);
  ASSERT_TRUE(inner.ok()) << inner.status().ToString();
  ASSERT_EQ(inner->size(), 1u);
  EXPECT_EQ(Rows(*inner), (Strings{"b|1|20|b", "a|3|10|a"}));
  EXPECT_EQ((*inner)[0].column(3).get(), (*inner)[0].column(0).get());
  auto left = RunJoin(Spec(PhysicalJoinType::kLeft, l, r, {0}, {1}), {l}, {r}, Order::kBuildFirst);
  ASSERT_TRUE(left.ok()) << left.status().ToString();
  EXPECT_EQ(Rows(*left), (Strings{"b|1|20|b", "x|2|NULL|NULL", "a|3|10|a", "NULL|4|NULL|NULL"}));
}

// Float keys: -0.0 = 0.0 joins, and each side shows its own value (no key column reuse).
TEST(HashJoinTest, FloatKeysKeepEachSidesValue) {
  Batch l = MakeBatch({{"k", testing::Float64Col({-0.0, 1.5})}});
  Batch r = MakeBatch({{"k", testing::Float64Col({0.0, 1.5})}});
  auto out = RunJoin(Spec(PhysicalJoinType::kInner, l, r, {0}, {0}), {l}, {r}, Order::kBuildFirst);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 1u);
  const Batch& b = (*out)[0];
  ASSERT_EQ(b.num_rows(), 2);
  EXPECT_TRUE(std::signbit(b.column(0)->data<double>()[0]));
  EXPECT_FALSE(std::signbit(b.column(1)->data<double>()[0]));
  EXPECT_EQ(b.column(1)->data<double>()[1], 1.5);
}

TEST(HashJoinTest, ExplainAndReset) {
  Batch l = Left1();
  Batch r = Right1();
  JoinSpec spec = Spec(PhysicalJoinType::kLeft, l, r, {0}, {0}, {true});
  spec.residual = Col(4, DataType::Bool());
  HashJoinOperator op(std::move(spec));
  EXPECT_EQ(op.Explain(), "HashJoin LEFT keys=[k IS NOT DISTINCT FROM k] residual=ok");
  std::vector<Batch> out;
  ASSERT_TRUE(op.Push(1, r, &out).ok());
  ASSERT_TRUE(op.Finish(1, &out).ok());
  EXPECT_GT(op.StateBytes(), 0u);
  op.Reset();
  ASSERT_TRUE(op.Push(1, Right2(), &out).ok());
  ASSERT_TRUE(op.Finish(1, &out).ok());
  ASSERT_TRUE(op.Push(0, l, &out).ok());
  ASSERT_TRUE(op.Finish(0, &out).ok());
  EXPECT_EQ(Rows(out), (Strings{"NULL|c|NULL|n|true", "1|a|NULL|NULL|NULL", "2|b|NULL|NULL|NULL"}));
}

}  // namespace
}  // namespace ark::sql
