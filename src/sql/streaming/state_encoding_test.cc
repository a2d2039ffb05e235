#include "sql/streaming/state_encoding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::Float64Col;
using testing::Int64Col;
using testing::StrCol;

std::vector<std::string> Values(const std::vector<ColumnPtr>& cols) {
  std::vector<std::string> rows;
  for (int64_t r = 0; r < cols[0]->length(); ++r) {
    std::string row;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (c) row += "|";
      row += cols[c]->ValueToString(r);
    }
    rows.push_back(row);
  }
  return rows;
}

// Encodes the rows of `cols` after a prefix, decodes them back, and returns them.
std::vector<std::string> RoundTrip(const std::vector<ColumnPtr>& cols, KeyLayout want) {
  std::vector<DataType> types;
  for (const ColumnPtr& c : cols) types.push_back(c->type());
  StateKeyCodec codec(types);
  EXPECT_EQ(KeyEncoder(types).layout(), want);
  const int64_t n = cols[0]->length();
  std::vector<std::string> keys(static_cast<size_t>(n), "p");
  EXPECT_TRUE(codec.Encode(cols, n, &keys).ok());
  std::vector<std::string_view> views;
  for (const std::string& k : keys) {
    EXPECT_EQ(k[0], 'p');
    views.push_back(std::string_view(k).substr(1));
  }
  Result<std::vector<ColumnPtr>> back = codec.Decode(views);
  EXPECT_TRUE(back.ok()) << back.status().ToString();
  return back.ok() ? Values(*back) : std::vector<std::string>();
}

TEST(StateKeyCodec, EveryLayoutRoundTripsWithNulls) {
  std::vector<ColumnPtr> fixed64 = {Int64Col({1, std::nullopt, -5})};
  EXPECT_EQ(RoundTrip(fixed64, KeyLayout::kFixed64), Values(fixed64));
  std::vector<ColumnPtr> fixed128 = {Int64Col({1, 2, std::nullopt}),
                                     Float64Col({0.5, std::nullopt, 3})};
  EXPECT_EQ(RoundTrip(fixed128, KeyLayout::kFixed128), Values(fixed128));
  std::vector<ColumnPtr> bytes = {StrCol({"a", std::nullopt, "", "zz"})};
  EXPECT_EQ(RoundTrip(bytes, KeyLayout::kBytes), Values(bytes));
  std::vector<ColumnPtr> variable = {StrCol({"a", std::nullopt, "b"}),
                                     Int64Col({1, 2, std::nullopt})};
  EXPECT_EQ(RoundTrip(variable, KeyLayout::kVariable), Values(variable));
}

TEST(StateKeyCodec, EqualKeysGiveEqualBytesAndBadBytesAreRefused) {
  StateKeyCodec codec({DataType::Int64()});
  std::vector<std::string> keys(3);
  std::vector<ColumnPtr> cols = {Int64Col({7, 8, 7})};
  ASSERT_TRUE(codec.Encode(cols, 3, &keys).ok());
  EXPECT_EQ(keys[0], keys[2]);
  EXPECT_NE(keys[0], keys[1]);
  std::vector<std::string_view> bad = {"abc"};
  EXPECT_EQ(codec.Decode(bad).status().ToString(),
            "InvalidArgument: a saved key of 3 bytes does not fit the key types");
}

TEST(StateEncoding, BatchesRoundTrip) {
  Batch b = testing::MakeBatch({{"a", Int64Col({1, std::nullopt})}, {"s", StrCol({"x", "y"})}});
  Result<std::string> bytes = EncodeBatches(std::span<const Batch>(&b, 1));
  ASSERT_TRUE(bytes.ok());
  Result<std::vector<Batch>> back = DecodeBatches(*bytes, "operator 1 (X)");
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ(testing::Rows({(*back)[0]}), testing::Rows({b}));
  EXPECT_EQ(DecodeBatches("nonsense", "operator 1 (X)").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(DecodeBatches("", "operator 1 (X)")->empty());
}

TEST(StateEncoding, OrderedInt64SortsLikeTheNumbers) {
  std::vector<int64_t> values = {INT64_MIN, -1000, -1, 0, 1, 1000, INT64_MAX};
  std::string prev;
  for (int64_t v : values) {
    std::string b;
    state::PutOrderedInt64(&b, v);
    ASSERT_EQ(b.size(), 8u);
    EXPECT_EQ(state::ReadOrderedInt64(b), v);
    if (!prev.empty()) {
      EXPECT_LT(prev, b) << v;
    }
    prev = b;
  }
}

}  // namespace
}  // namespace ark::sql
