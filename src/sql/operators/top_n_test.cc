#include "sql/operators/top_n.h"

#include <gtest/gtest.h>

#include <random>

#include "sql/operators/sort.h"
#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::Float64Col;
using testing::Int64Col;
using testing::Key;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;

std::vector<std::string> RunTopN(std::vector<SortKey> keys, int64_t limit, int64_t offset,
                                 const std::vector<Batch>& input) {
  TopNOperator op(std::move(keys), limit, offset, input.at(0).schema());
  std::vector<Batch> out;
  for (const auto& b : input) {
    Status s = op.Push(0, b, &out);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_TRUE(out.empty());
  Status s = op.Finish(0, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return Rows(out);
}

std::vector<std::string> RunSortLimit(std::vector<SortKey> keys, int64_t limit, int64_t offset,
                                      const std::vector<Batch>& input) {
  SortOperator op(std::move(keys), input.at(0).schema());
  std::vector<Batch> out;
  for (const auto& b : input) EXPECT_TRUE(op.Push(0, b, &out).ok());
  EXPECT_TRUE(op.Finish(0, &out).ok());
  std::vector<std::string> rows = Rows(out);
  std::vector<std::string> sliced;
  for (int64_t i = offset; i < static_cast<int64_t>(rows.size()) && i < offset + limit; ++i) {
    sliced.push_back(rows[i]);
  }
  return sliced;
}

TEST(TopNTest, LimitAndOffsetWithTiesKeepInputOrder) {
  Batch b1 = MakeBatch({{"k", Int64Col({5, 1, 3, 1})}, {"id", Int64Col({1, 2, 3, 4})}});
  Batch b2 = MakeBatch({{"k", Int64Col({1, std::nullopt, 0, 3})}, {"id", Int64Col({5, 6, 7, 8})}});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::Int64()));
  EXPECT_EQ(RunTopN(std::move(keys), 3, 1, {b1, b2}),
            (std::vector<std::string>{"1|2", "1|4", "1|5"}));
  std::vector<SortKey> desc;
  desc.push_back(Key(0, DataType::Int64(), true));
  EXPECT_EQ(RunTopN(std::move(desc), 3, 0, {b1, b2}),
            (std::vector<std::string>{"NULL|6", "5|1", "3|3"}));
}

TEST(TopNTest, LimitZeroAndOffsetBeyondInput) {
  Batch b = MakeBatch({{"k", Int64Col({2, 1})}});
  std::vector<SortKey> k1;
  k1.push_back(Key(0, DataType::Int64()));
  EXPECT_TRUE(RunTopN(std::move(k1), 0, 0, {b}).empty());
  std::vector<SortKey> k2;
  k2.push_back(Key(0, DataType::Int64()));
  EXPECT_TRUE(RunTopN(std::move(k2), 5, 2, {b}).empty());
  std::vector<SortKey> k3;
  k3.push_back(Key(0, DataType::Int64()));
  EXPECT_EQ(RunTopN(std::move(k3), 5, 1, {b}), (std::vector<std::string>{"2"}));
}

TEST(TopNTest, ExplainAndStateIsBounded) {
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::Int64(), true));
  Batch first = MakeBatch({{"price", Int64Col({0})}});
  TopNOperator op(std::move(keys), 10, 5, first.schema());
  EXPECT_EQ(op.Explain(), "TopN keys=[price DESC] limit=10 offset=5");
  std::vector<Batch> out;
  size_t max_bytes = 0;
  for (int b = 0; b < 200; ++b) {
    std::vector<std::optional<int64_t>> v;
    for (int i = 0; i < 1000; ++i) v.push_back(b * 1000 + i);  // ascending: every batch wins
    ASSERT_TRUE(op.Push(0, MakeBatch({{"price", Int64Col(v)}}), &out).ok());
    max_bytes = std::max(max_bytes, op.StateBytes());
  }
  // The best 15 of 200k rows, plus at most 2 * 15 + 1024 retained copies: far below the input.
  EXPECT_LT(max_bytes, 200000u);
  ASSERT_TRUE(op.Finish(0, &out).ok());
  std::vector<std::string> rows = Rows(out);
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows.front(), "199994");
  EXPECT_EQ(rows.back(), "199985");
}

// Randomized: TopN equals a stable Sort followed by OFFSET/LIMIT, for several key shapes.
TEST(TopNTest, RandomizedMatchesSortThenLimit) {
  std::mt19937_64 rng(20240601);
  for (int round = 0; round < 40; ++round) {
    int batches = 1 + static_cast<int>(rng() % 6);
    std::vector<Batch> input;
    int64_t id = 0;
    for (int b = 0; b < batches; ++b) {
      int64_t n = static_cast<int64_t>(rng() % 3000);
      std::vector<std::optional<int64_t>> k, ids;
      std::vector<std::optional<double>> f;
      std::vector<std::optional<std::string>> s;
      for (int64_t i = 0; i < n; ++i) {
        k.push_back(rng() % 8 == 0 ? std::nullopt
                                   : std::optional<int64_t>(static_cast<int64_t>(rng() % 50)));
        f.push_back(rng() % 8 == 0 ? std::nullopt
                                   : std::optional<double>(static_cast<double>(rng() % 100) / 4));
        s.push_back(rng() % 8 == 0
                        ? std::nullopt
                        : std::optional<std::string>(std::string(rng() % 4, 'a' + rng() % 3)));
        ids.push_back(id++);
      }
      input.push_back(MakeBatch(
          {{"k", Int64Col(k)}, {"f", Float64Col(f)}, {"s", StrCol(s)}, {"id", Int64Col(ids)}}));
    }
    int64_t limit = static_cast<int64_t>(rng() % 40);
    int64_t offset = static_cast<int64_t>(rng() % 5);
    auto make_keys = [&](int shape) {
      std::vector<SortKey> keys;
      switch (shape) {
        case 0:
          keys.push_back(Key(0, DataType::Int64(), (round / 3) % 2 == 1));
          break;
        case 1:
          keys.push_back(Key(2, DataType::String(), true, false));
          keys.push_back(Key(1, DataType::Float64()));
          break;
        default:
          keys.push_back(Key(1, DataType::Float64(), false, true));
          keys.push_back(Key(0, DataType::Int64(), true));
          keys.push_back(Key(2, DataType::String()));
          break;
      }
      return keys;
    };
    int shape = round % 3;
    EXPECT_EQ(RunTopN(make_keys(shape), limit, offset, input),
              RunSortLimit(make_keys(shape), limit, offset, input))
        << "round " << round << " limit " << limit << " offset " << offset;
  }
}

// Integer-like first keys (int64, int32) let a full heap drop rows before encoding them: every
// combination of direction and NULL placement, ties on the first key decided by a second key or
// by input order, many batches so that the heap fills early, some batches with NULL first keys.
TEST(TopNTest, IntegerFirstKeyPrefilterMatchesSortThenLimit) {
  std::mt19937_64 rng(77);
  for (int round = 0; round < 32; ++round) {
    const bool desc = round % 2 == 1;
    const bool nulls_first = (round / 2) % 2 == 1;
    const bool int32_key = (round / 4) % 2 == 1;
    const bool second_key = (round / 8) % 2 == 1;
    std::vector<Batch> input;
    int64_t id = 0;
    for (int b = 0; b < 8; ++b) {
      const int64_t n = 1 + static_cast<int64_t>(rng() % 500);
      const bool with_nulls = rng() % 3 == 0;
      std::vector<std::optional<int64_t>> k, k2, ids;
      std::vector<std::optional<int32_t>> k32;
      for (int64_t i = 0; i < n; ++i) {
        std::optional<int64_t> v;
        if (!with_nulls || rng() % 6 != 0) v = static_cast<int64_t>(rng() % 40) - 20;
        k.push_back(v);
        k32.push_back(v ? std::optional<int32_t>(static_cast<int32_t>(*v)) : std::nullopt);
        k2.push_back(static_cast<int64_t>(rng() % 5));
        ids.push_back(id++);
      }
      input.push_back(MakeBatch({{"k", int32_key ? testing::Int32Col(k32) : Int64Col(k)},
                                 {"k2", Int64Col(k2)},
                                 {"id", Int64Col(ids)}}));
    }
    const int64_t limit = 1 + static_cast<int64_t>(rng() % 12);
    const int64_t offset = static_cast<int64_t>(rng() % 3);
    auto make_keys = [&] {
      std::vector<SortKey> keys;
      keys.push_back(Key(0, int32_key ? DataType::Int32() : DataType::Int64(), desc, nulls_first));
      if (second_key) keys.push_back(Key(1, DataType::Int64(), true));
      return keys;
    };
    EXPECT_EQ(RunTopN(make_keys(), limit, offset, input),
              RunSortLimit(make_keys(), limit, offset, input))
        << "round " << round << " limit " << limit << " offset " << offset;
  }
}

}  // namespace
}  // namespace ark::sql
