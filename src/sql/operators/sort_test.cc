#include "sql/operators/sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::Float64Col;
using testing::Int32Col;
using testing::Int64Col;
using testing::Key;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;

std::vector<std::string> RunSort(std::vector<SortKey> keys, const std::vector<Batch>& input) {
  SortOperator op(std::move(keys), input.at(0).schema());
  std::vector<Batch> out;
  for (const auto& b : input) {
    Status s = op.Push(0, b, &out);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_TRUE(out.empty());
  Status s = op.Finish(0, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  for (const auto& b : out) EXPECT_LE(b.num_rows(), kOutputBatchRows);
  return Rows(out);
}

TEST(SortTest, AscendingNullsLastByDefault) {
  Batch b =
      MakeBatch({{"k", Int64Col({3, std::nullopt, -1, 2})}, {"v", StrCol({"a", "b", "c", "d"})}});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::Int64()));
  EXPECT_EQ(RunSort(std::move(keys), {b}),
            (std::vector<std::string>{"-1|c", "2|d", "3|a", "NULL|b"}));
}

TEST(SortTest, DescendingNullsFirstByDefault) {
  Batch b = MakeBatch({{"k", Int64Col({3, std::nullopt, -1, 2})}});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::Int64(), /*descending=*/true));
  EXPECT_EQ(RunSort(std::move(keys), {b}), (std::vector<std::string>{"NULL", "3", "2", "-1"}));
}

TEST(SortTest, ExplicitNullPlacement) {
  Batch b = MakeBatch({{"k", Int32Col({5, std::nullopt, 1, std::nullopt})}});
  std::vector<SortKey> k1;
  k1.push_back(Key(0, DataType::Int32(), false, /*nulls_first=*/true));
  EXPECT_EQ(RunSort(std::move(k1), {b}), (std::vector<std::string>{"NULL", "NULL", "1", "5"}));
  std::vector<SortKey> k2;
  k2.push_back(Key(0, DataType::Int32(), true, /*nulls_first=*/false));
  EXPECT_EQ(RunSort(std::move(k2), {b}), (std::vector<std::string>{"5", "1", "NULL", "NULL"}));
}

TEST(SortTest, StableAcrossBatchesAndMultipleKeys) {
  Batch b1 = MakeBatch(
      {{"g", StrCol({"b", "a", "b"})}, {"n", Int64Col({2, 1, 1})}, {"id", Int64Col({1, 2, 3})}});
  Batch b2 = MakeBatch({{"g", StrCol({"a", "b", std::nullopt})},
                        {"n", Int64Col({1, 2, 0})},
                        {"id", Int64Col({4, 5, 6})}});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::String()));
  keys.push_back(Key(1, DataType::Int64(), /*descending=*/true));
  EXPECT_EQ(RunSort(std::move(keys), {b1, b2}),
            (std::vector<std::string>{"a|1|2", "a|1|4", "b|2|1", "b|2|5", "b|1|3", "NULL|0|6"}));
}

TEST(SortTest, StringsCompareBytewiseWithEmbeddedZerosAndPrefixes) {
  Batch b = MakeBatch(
      {{"s", StrCol({"ab", "a", std::string("a\0b", 3), "", "b", std::string("a\0", 2)})}});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::String()));
  SortOperator op(std::move(keys), b.schema());
  std::vector<Batch> out;
  ASSERT_TRUE(op.Push(0, b, &out).ok());
  ASSERT_TRUE(op.Finish(0, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  std::vector<std::string> got;
  for (int64_t i = 0; i < out[0].num_rows(); ++i) got.emplace_back(out[0].column(0)->GetView(i));
  EXPECT_EQ(got, (std::vector<std::string>{"", "a", std::string("a\0", 2), std::string("a\0b", 3),
                                           "ab", "b"}));
  std::vector<SortKey> desc;
  desc.push_back(Key(0, DataType::String(), true));
  SortOperator op2(std::move(desc), b.schema());
  out.clear();
  ASSERT_TRUE(op2.Push(0, b, &out).ok());
  ASSERT_TRUE(op2.Finish(0, &out).ok());
  got.clear();
  for (int64_t i = 0; i < out[0].num_rows(); ++i) got.emplace_back(out[0].column(0)->GetView(i));
  EXPECT_EQ(got, (std::vector<std::string>{"b", "ab", std::string("a\0b", 3), std::string("a\0", 2),
                                           "a", ""}));
}

TEST(SortTest, FloatsNanAboveInfinityAndNegativeZeroEqualsZero) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  Batch b = MakeBatch({{"f", Float64Col({1.5, nan, -inf, 0.0, inf, -0.0, -2.0, std::nullopt})},
                       {"id", Int64Col({1, 2, 3, 4, 5, 6, 7, 8})}});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::Float64()));
  EXPECT_EQ(RunSort(std::move(keys), {b}),
            (std::vector<std::string>{"-inf|3", "-2|7", "0|4", "-0|6", "1.5|1", "inf|5", "nan|2",
                                      "NULL|8"}));
}

TEST(SortTest, IntervalsBySpanAndBools) {
  IntervalBuilder ib(DataType::Interval());
  ib.Append({1, 0, 0});   // 1 month
  ib.Append({0, 29, 0});  // 29 days
  ib.Append({0, 0, -1});  // -1 ns
  ib.Append({0, 31, 0});  // 31 days
  Batch b =
      MakeBatch({{"i", ib.Finish()}, {"b", testing::BoolCol({true, std::nullopt, false, true})}});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::Interval()));
  std::vector<std::string> rows = RunSort(std::move(keys), {b});
  EXPECT_EQ(rows,
            (std::vector<std::string>{"0 months 0 days -1 ns|false", "0 months 29 days 0 ns|NULL",
                                      "1 months 0 days 0 ns|true", "0 months 31 days 0 ns|true"}));
  std::vector<SortKey> bkeys;
  bkeys.push_back(Key(1, DataType::Bool(), true));
  EXPECT_EQ(
      RunSort(std::move(bkeys), {b}),
      (std::vector<std::string>{"0 months 29 days 0 ns|NULL", "1 months 0 days 0 ns|true",
                                "0 months 31 days 0 ns|true", "0 months 0 days -1 ns|false"}));
}

TEST(SortTest, ListKeysCompareElementWise) {
  ListBuilder lb(DataType::List(DataType::Int64()));
  auto& items = static_cast<Int64Builder&>(lb.values());
  auto add = [&](std::vector<std::optional<int64_t>> v) {
    lb.Append();
    for (auto x : v) x ? items.Append(*x) : items.AppendNull();
  };
  add({1, 2});
  add({1});
  add({1, std::nullopt});
  add({0, 5, 5});
  add({});
  lb.AppendNull();
  Batch b = MakeBatch({{"l", lb.Finish()}});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, b.column(0)->type()));
  EXPECT_EQ(RunSort(std::move(keys), {b}),
            (std::vector<std::string>{"[]", "[0, 5, 5]", "[1]", "[1, 2]", "[1, NULL]", "NULL"}));
}

TEST(SortTest, ManyBatchesMatchStdStableSort) {
  std::mt19937_64 rng(42);
  std::vector<Batch> input;
  std::vector<std::pair<std::optional<int64_t>, int64_t>> expected;  // (key, id)
  int64_t id = 0;
  for (int b = 0; b < 7; ++b) {
    std::vector<std::optional<int64_t>> k, ids;
    int64_t n = 20000 + b * 1000;
    for (int64_t i = 0; i < n; ++i) {
      std::optional<int64_t> v;
      if (rng() % 10 != 0) v = static_cast<int64_t>(rng() % 2000) - 1000;
      k.push_back(v);
      ids.push_back(id);
      expected.push_back({v, id});
      ++id;
    }
    input.push_back(MakeBatch({{"k", Int64Col(k)}, {"id", Int64Col(ids)}}));
  }
  // DESC NULLS LAST.
  std::stable_sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
    if (!a.first || !b.first) return a.first.has_value() && !b.first.has_value();
    return *a.first > *b.first;
  });
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::Int64(), true, false));
  SortOperator op(std::move(keys), input[0].schema());
  std::vector<Batch> out;
  for (const auto& b : input) ASSERT_TRUE(op.Push(0, b, &out).ok());
  ASSERT_TRUE(op.Finish(0, &out).ok());
  ASSERT_EQ(out.size(), 3u);  // 161000 rows in batches of 65536
  EXPECT_EQ(out[0].num_rows(), 65536);
  EXPECT_EQ(out[2].num_rows(), 161000 - 2 * 65536);
  std::vector<std::string> want;
  for (const auto& [k, i] : expected) {
    want.push_back((k ? std::to_string(*k) : "NULL") + "|" + std::to_string(i));
  }
  EXPECT_EQ(Rows(out), want);
  // The operator is reusable after Finish.
  out.clear();
  ASSERT_TRUE(op.Push(0, input[0].Slice(0, 2), &out).ok());
  ASSERT_TRUE(op.Finish(0, &out).ok());
  EXPECT_EQ(Rows(out).size(), 2u);
}

TEST(SortTest, ComputedKeys) {
  // ORDER BY k % 3, k DESC
  Batch b = MakeBatch({{"k", Int64Col({1, 2, 3, 4, 5, 6})}});
  std::vector<BoundExprPtr> args;
  args.push_back(testing::Col(0, DataType::Int64()));
  args.push_back(BoundExpr::Constant(Value::Int64(3)));
  std::vector<SortKey> keys(2);
  keys[0].expr = testing::Call("%", std::move(args));
  keys[1] = Key(0, DataType::Int64(), true);
  EXPECT_EQ(RunSort(std::move(keys), {b}),
            (std::vector<std::string>{"6", "3", "4", "1", "5", "2"}));
}

// Keys of at most 8 encoded bytes (here int32 with a NULL flag: 5) take the radix sort path.
TEST(SortTest, ShortFixedKeysMatchStdStableSort) {
  std::mt19937_64 rng(7);
  std::vector<std::optional<int32_t>> k;
  std::vector<std::optional<int64_t>> ids;
  std::vector<std::pair<std::optional<int32_t>, int64_t>> expected;
  for (int64_t i = 0; i < 50000; ++i) {
    std::optional<int32_t> v;
    if (rng() % 7 != 0) v = static_cast<int32_t>(rng() % 100000) - 50000;
    k.push_back(v);
    ids.push_back(i);
    expected.push_back({v, i});
  }
  // ASC NULLS FIRST.
  std::stable_sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
    if (!a.first || !b.first) return !a.first.has_value() && b.first.has_value();
    return *a.first < *b.first;
  });
  Batch b = MakeBatch({{"k", Int32Col(k)}, {"id", Int64Col(ids)}});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::Int32(), false, true));
  std::vector<std::string> want;
  for (const auto& [v, i] : expected) {
    want.push_back((v ? std::to_string(*v) : "NULL") + "|" + std::to_string(i));
  }
  EXPECT_EQ(RunSort(std::move(keys), {b.Slice(0, 20000), b.Slice(20000, 30000)}), want);
}

TEST(SortTest, KeysReadTheKernelContext) {
  // ORDER BY k * $1, with $1 = -1 for the first execution and 1 for the second.
  Batch b = MakeBatch({{"k", Int64Col({2, 3, 1})}});
  auto param = std::make_unique<BoundExpr>();
  param->kind = BoundExprKind::kParameter;
  param->parameter_index = 1;
  param->type = DataType::Int64();
  std::vector<BoundExprPtr> args;
  args.push_back(testing::Col(0, DataType::Int64()));
  args.push_back(std::move(param));
  std::vector<SortKey> keys(1);
  keys[0].expr = testing::Call("*", std::move(args));
  KernelContext ctx;
  ctx.parameters = {Value::Int64(-1)};
  SortOperator op(std::move(keys), b.schema(), &ctx);
  std::vector<Batch> out;
  ASSERT_TRUE(op.Push(0, b, &out).ok());
  ASSERT_TRUE(op.Finish(0, &out).ok());
  EXPECT_EQ(Rows(out), (std::vector<std::string>{"3", "2", "1"}));
  ctx.parameters = {Value::Int64(1)};
  out.clear();
  ASSERT_TRUE(op.Push(0, b, &out).ok());
  ASSERT_TRUE(op.Finish(0, &out).ok());
  EXPECT_EQ(Rows(out), (std::vector<std::string>{"1", "2", "3"}));
  // A batch that does not fit the schema is an internal error, not a crash.
  Status s = op.Push(0, MakeBatch({{"k", StrCol({"x"})}}), &out);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(s.message(), "Sort: input column 0 is string, expected int64");
}

TEST(SortTest, EmptyInputEmitsNothing) {
  Batch b = MakeBatch({{"k", Int64Col({})}});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::Int64()));
  SortOperator op(std::move(keys), b.schema());
  std::vector<Batch> out;
  ASSERT_TRUE(op.Push(0, b, &out).ok());
  ASSERT_TRUE(op.Finish(0, &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(SortTest, ExplainShowsKeys) {
  Batch b = MakeBatch({{"price", Int64Col({1})}, {"name", StrCol({"x"})}});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::Int64(), true));
  keys.push_back(Key(1, DataType::String(), false, true));
  SortOperator op(std::move(keys), b.schema());
  EXPECT_EQ(op.Explain(), "Sort keys=[price DESC, name NULLS FIRST]");
}

TEST(SortKeyEncoderTest, FixedWidthAndPrefixes) {
  SortKeyEncoder enc(
      {{DataType::Int32(), false, false, true}, {DataType::Bool(), true, true, false}});
  EXPECT_EQ(enc.fixed_width(), 6);
  SortKeyEncoder var(
      {{DataType::Int32(), false, false, true}, {DataType::String(), false, false, true}});
  EXPECT_EQ(var.fixed_width(), 0);
  EncodedKeys keys;
  std::vector<ColumnPtr> cols = {Int32Col({-1, 1}), StrCol({"x", std::nullopt})};
  var.Encode(cols, 2, &keys);
  ASSERT_EQ(keys.rows(), 2);
  // valid flag 0, int32 -1 with the sign bit flipped, valid flag 0, "x", terminator
  EXPECT_EQ(std::vector<uint8_t>(keys.key(0), keys.key(0) + keys.size(0)),
            (std::vector<uint8_t>{0, 0x7f, 0xff, 0xff, 0xff, 0, 'x', 0, 0}));
  EXPECT_EQ(std::vector<uint8_t>(keys.key(1), keys.key(1) + keys.size(1)),
            (std::vector<uint8_t>{0, 0x80, 0, 0, 1, 1}));
  EXPECT_EQ(SortKeyPrefix(keys.key(1), keys.size(1)), 0x0080000001010000ull);
}

}  // namespace
}  // namespace ark::sql
