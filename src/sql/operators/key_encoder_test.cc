#include "sql/operators/key_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::BoolCol;
using testing::Float64Col;
using testing::Int32Col;
using testing::Int64Col;
using testing::StrCol;

std::vector<int32_t> Insert(KeyTable& t, std::vector<ColumnPtr> keys) {
  int64_t rows = keys.empty() ? 0 : keys[0]->length();
  std::vector<int32_t> ids(static_cast<size_t>(rows), -7);
  Status s = t.FindOrInsert(keys, rows, ids.data());
  EXPECT_TRUE(s.ok()) << s.ToString();
  return ids;
}

std::vector<int32_t> Lookup(KeyTable& t, std::vector<ColumnPtr> keys) {
  int64_t rows = keys[0]->length();
  std::vector<int32_t> ids(static_cast<size_t>(rows), -7);
  Status s = t.Find(keys, rows, ids.data());
  EXPECT_TRUE(s.ok()) << s.ToString();
  return ids;
}

std::vector<std::string> Values(const Column& c) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < c.length(); ++i) out.push_back(c.ValueToString(i));
  return out;
}

using Ids = std::vector<int32_t>;
using Strs = std::vector<std::string>;

TEST(KeyEncoderTest, LayoutFollowsKeyTypes) {
  EXPECT_EQ(KeyEncoder({DataType::Int64()}).layout(), KeyLayout::kFixed64);
  EXPECT_EQ(KeyEncoder({DataType::Int32(), DataType::Float32()}).layout(), KeyLayout::kFixed64);
  EXPECT_EQ(KeyEncoder({DataType::Int64(), DataType::Int64()}).layout(), KeyLayout::kFixed128);
  EXPECT_EQ(KeyEncoder({DataType::Interval()}).layout(), KeyLayout::kFixed128);
  EXPECT_EQ(KeyEncoder({DataType::String()}).layout(), KeyLayout::kBytes);
  EXPECT_EQ(KeyEncoder({DataType::Binary()}).layout(), KeyLayout::kBytes);
  EXPECT_EQ(KeyEncoder({DataType::String(), DataType::Int64()}).layout(), KeyLayout::kVariable);
  EXPECT_EQ(KeyEncoder({DataType::Int64(), DataType::Int64(), DataType::Bool()}).layout(),
            KeyLayout::kVariable);
  EXPECT_EQ(KeyEncoder({DataType::List(DataType::Int64())}).layout(), KeyLayout::kVariable);
}

TEST(KeyEncoderTest, EqualKeysHashEqualAcrossEncodersAndBatches) {
  KeyEncoder a({DataType::String(), DataType::Int64()});
  KeyEncoder b({DataType::String(), DataType::Int64()});
  std::vector<ColumnPtr> k1 = {StrCol({"x", "y", std::nullopt}), Int64Col({1, 2, 3})};
  std::vector<ColumnPtr> k2 = {StrCol({std::nullopt, "x"}), Int64Col({3, 1})};
  auto e1 = a.Encode(k1, 3);
  ASSERT_TRUE(e1.ok());
  std::vector<uint64_t> h1(e1->hashes, e1->hashes + 3);
  std::vector<std::string> b1;
  for (int i = 0; i < 3; ++i) b1.emplace_back(e1->bytes[i]);
  auto e2 = b.Encode(k2, 2);
  ASSERT_TRUE(e2.ok());
  EXPECT_EQ(e2->hashes[0], h1[2]);
  EXPECT_EQ(e2->hashes[1], h1[0]);
  EXPECT_NE(h1[0], h1[1]);
  EXPECT_EQ(std::string(e2->bytes[1]), b1[0]);
  // 0x01 'x' as a length-prefixed string, then 0x01 + int64 1.
  EXPECT_EQ(b1[0], std::string("\x01\x01\x00\x00\x00x\x01\x01\x00\x00\x00\x00\x00\x00\x00", 15));
  // A NULL string is one 0x00 byte.
  EXPECT_EQ(b1[2].substr(0, 1), std::string("\x00", 1));
}

TEST(KeyEncoderTest, FixedKeysPackWithNullMask) {
  KeyEncoder enc({DataType::Int32(), DataType::Int32()});
  std::vector<ColumnPtr> keys = {Int32Col({1, 1, std::nullopt}), Int32Col({2, std::nullopt, 0})};
  auto e = enc.Encode(keys, 3);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->fixed64[0], (uint64_t{2} << 32) | 1u);
  EXPECT_EQ(e->fixed64[1], 1u);  // the NULL second key packs as zero ...
  ASSERT_NE(e->null_masks, nullptr);
  EXPECT_EQ(e->null_masks[0], 0);
  EXPECT_EQ(e->null_masks[1], 2);  // ... and its bit is set
  EXPECT_EQ(e->null_masks[2], 1);
  EXPECT_EQ(e->unmatchable, nullptr);
  ASSERT_NE(e->hashes, nullptr);
  EXPECT_NE(e->hashes[1], e->hashes[2]);
  // Without hashes the packed words are the same and `hashes` is null.
  auto bare = enc.Encode(keys, 3, /*with_hashes=*/false);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->hashes, nullptr);
  EXPECT_EQ(bare->fixed64[0], (uint64_t{2} << 32) | 1u);
}

TEST(KeyEncoderTest, WrongColumnTypeIsAnInternalError) {
  KeyEncoder enc({DataType::Int64()});
  std::vector<ColumnPtr> keys = {StrCol({"a"})};
  auto e = enc.Encode(keys, 1);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInternal);
  EXPECT_EQ(e.status().message(), "key column 0 has type string, expected int64");
}

TEST(KeyTableTest, SingleInt64KeyGroupsNullsTogether) {
  KeyTable t({DataType::Int64()});
  EXPECT_EQ(Insert(t, {Int64Col({5, 7, 5, std::nullopt, 7, std::nullopt})}),
            (Ids{0, 1, 0, 2, 1, 2}));
  // A second batch without NULLs takes the no-copy path and sees the same ids.
  EXPECT_EQ(Insert(t, {Int64Col({7, 9, 5})}), (Ids{1, 3, 0}));
  EXPECT_EQ(t.size(), 4);
  auto cols = t.KeyColumns(0, 4);
  ASSERT_EQ(cols.size(), 1u);
  EXPECT_EQ(Values(*cols[0]), (Strs{"5", "7", "NULL", "9"}));
  EXPECT_EQ(Values(*t.KeyColumns(1, 2)[0]), (Strs{"7", "NULL"}));
  EXPECT_EQ(Lookup(t, {Int64Col({9, 10, std::nullopt})}), (Ids{3, -1, 2}));
}

TEST(KeyTableTest, NullsNeverEqualRowsGetNoGroup) {
  KeyTable t({DataType::Int64(), DataType::String()},
             {NullEquality::kNullsNeverEqual, NullEquality::kNullsEqual});
  EXPECT_EQ(Insert(t, {Int64Col({1, std::nullopt, 1, 1}), StrCol({"a", "a", std::nullopt, "a"})}),
            (Ids{0, -1, 1, 0}));
  EXPECT_EQ(t.size(), 2);
  EXPECT_EQ(Lookup(t, {Int64Col({std::nullopt, 1}), StrCol({std::nullopt, std::nullopt})}),
            (Ids{-1, 1}));
  KeyTable single({DataType::String()}, {NullEquality::kNullsNeverEqual});
  EXPECT_EQ(Insert(single, {StrCol({std::nullopt, "", std::nullopt})}), (Ids{-1, 0, -1}));
}

TEST(KeyTableTest, FloatKeysFollowSqlEquality) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  KeyTable t({DataType::Float64()});
  EXPECT_EQ(Insert(t, {Float64Col({0.0, -0.0, nan, -nan, 1.5, std::nullopt})}),
            (Ids{0, 0, 1, 1, 2, 3}));
  EXPECT_EQ(Values(*t.KeyColumns(0, 4)[0]), (Strs{"0", "nan", "1.5", "NULL"}));
}

TEST(KeyTableTest, TwoFixedKeysDistinguishNullFromZero) {
  KeyTable t({DataType::Int64(), DataType::Int64()});
  EXPECT_EQ(t.layout(), KeyLayout::kFixed128);
  EXPECT_EQ(Insert(t, {Int64Col({1, 1, 1, std::nullopt, 1, 0}),
                       Int64Col({0, std::nullopt, 0, 0, std::nullopt, 0})}),
            (Ids{0, 1, 0, 2, 1, 3}));
  auto cols = t.KeyColumns(0, 4);
  EXPECT_EQ(Values(*cols[0]), (Strs{"1", "1", "NULL", "0"}));
  EXPECT_EQ(Values(*cols[1]), (Strs{"0", "NULL", "0", "0"}));
}

TEST(KeyTableTest, BoolAndInt32Keys) {
  KeyTable t({DataType::Bool(), DataType::Int32()});
  EXPECT_EQ(
      Insert(t, {BoolCol({true, false, true, std::nullopt, false}), Int32Col({-1, -1, -1, -1, 2})}),
      (Ids{0, 1, 0, 2, 3}));
  auto cols = t.KeyColumns(0, 4);
  EXPECT_EQ(Values(*cols[0]), (Strs{"true", "false", "NULL", "false"}));
  EXPECT_EQ(Values(*cols[1]), (Strs{"-1", "-1", "-1", "2"}));
}

TEST(KeyTableTest, StringKeyByBytesNullIsNotEmpty) {
  KeyTable t({DataType::String()});
  EXPECT_EQ(Insert(t, {StrCol({"b", "a", "b", std::nullopt, "", std::nullopt, "a"})}),
            (Ids{0, 1, 0, 2, 3, 2, 1}));
  EXPECT_EQ(Values(*t.KeyColumns(0, 4)[0]), (Strs{"b", "a", "NULL", ""}));
  EXPECT_EQ(Lookup(t, {StrCol({"", "c", std::nullopt, "b"})}), (Ids{3, -1, 2, 0}));
}

TEST(KeyTableTest, SlicedColumnsUseTheirOffset) {
  KeyTable t({DataType::String(), DataType::Int32()});
  ColumnPtr s = StrCol({"x", "y", "z", "y", std::nullopt})->Slice(1, 4);
  ColumnPtr i = Int32Col({0, 1, 2, 1, 3})->Slice(1, 4);
  EXPECT_EQ(Insert(t, {s, i}), (Ids{0, 1, 0, 2}));
  auto cols = t.KeyColumns(0, 3);
  EXPECT_EQ(Values(*cols[0]), (Strs{"y", "z", "NULL"}));
  EXPECT_EQ(Values(*cols[1]), (Strs{"1", "2", "3"}));
}

TEST(KeyTableTest, StringPairKeysAreNotAmbiguous) {
  // ("ab", "c") and ("a", "bc") concatenate alike; the length prefixes keep them apart.
  KeyTable t({DataType::String(), DataType::String()});
  EXPECT_EQ(Insert(t, {StrCol({"ab", "a", "ab", std::nullopt, ""}),
                       StrCol({"c", "bc", "c", "", std::nullopt})}),
            (Ids{0, 1, 0, 2, 3}));
  auto cols = t.KeyColumns(0, 4);
  EXPECT_EQ(Values(*cols[0]), (Strs{"ab", "a", "NULL", ""}));
  EXPECT_EQ(Values(*cols[1]), (Strs{"c", "bc", "", "NULL"}));
}

TEST(KeyTableTest, ListAndStructKeysRoundTrip) {
  DataType list_t = DataType::List(DataType::Int64());
  ListBuilder lb(list_t);
  auto& items = static_cast<Int64Builder&>(lb.values());
  lb.Append();  // [1, 2]
  items.Append(1);
  items.Append(2);
  lb.Append();  // [1, NULL]
  items.Append(1);
  items.AppendNull();
  lb.AppendNull();
  lb.Append();  // [1, 2]
  items.Append(1);
  items.Append(2);
  lb.Append();  // []
  ColumnPtr lists = lb.Finish();

  DataType struct_t =
      DataType::Struct({Field("a", DataType::String()), Field("b", DataType::Float64())});
  StructBuilder sb(struct_t);
  auto add = [&](std::optional<std::string> a, double b) {
    a ? static_cast<StringBuilder&>(sb.field(0)).Append(*a) : sb.field(0).AppendNull();
    static_cast<Float64Builder&>(sb.field(1)).Append(b);
    sb.Append();
  };
  add("p", 1);
  add("p", 1);
  sb.AppendNull();
  add("p", 1);
  add(std::nullopt, 2);
  ColumnPtr structs = sb.Finish();

  KeyTable t({list_t, struct_t});
  EXPECT_EQ(Insert(t, {lists, structs}), (Ids{0, 1, 2, 0, 3}));
  auto cols = t.KeyColumns(0, 4);
  EXPECT_EQ(Values(*cols[0]), (Strs{"[1, 2]", "[1, NULL]", "NULL", "[]"}));
  EXPECT_EQ(Values(*cols[1]), (Strs{"{a: p, b: 1}", "{a: p, b: 1}", "NULL", "{a: NULL, b: 2}"}));
}

TEST(KeyTableTest, TemporalAndIntervalKeys) {
  Int64Builder ts(DataType::Timestamp());
  ts.Append(1000);
  ts.Append(2000);
  ts.Append(1000);
  // Intervals compare by their span: 1 month = 30 days (PostgreSQL's `=`) ≠ 31 days.
  IntervalBuilder iv(DataType::Interval());
  iv.Append(IntervalValue{1, 0, 0});
  iv.Append(IntervalValue{0, 31, 0});
  iv.Append(IntervalValue{0, 30, 0});
  iv.Append(IntervalValue{0, 0, -86400'000'000'000});
  KeyTable t({DataType::Timestamp()});
  EXPECT_EQ(Insert(t, {ts.Finish()}), (Ids{0, 1, 0}));
  EXPECT_EQ(t.KeyColumns(0, 2)[0]->type(), DataType::Timestamp());
  KeyTable ti({DataType::Interval()});
  ColumnPtr ivs = iv.Finish();
  EXPECT_EQ(Insert(ti, {ivs}), (Ids{0, 1, 0, 2}));
  ColumnPtr back = ti.KeyColumns(0, 3)[0];
  EXPECT_EQ(back->data<IntervalValue>()[0], (IntervalValue{0, 30, 0}));
  EXPECT_EQ(back->data<IntervalValue>()[1], (IntervalValue{0, 31, 0}));
  EXPECT_EQ(back->data<IntervalValue>()[2], (IntervalValue{0, -1, 0}));
  // The same in the variable layout (with a string key).
  KeyTable tv({DataType::Interval(), DataType::String()});
  EXPECT_EQ(Insert(tv, {ivs, StrCol({"x", "x", "x", "x"})}), (Ids{0, 1, 0, 2}));
  EXPECT_EQ(tv.KeyColumns(0, 1)[0]->data<IntervalValue>()[0], (IntervalValue{0, 30, 0}));
}

TEST(KeyTableTest, ZeroKeysIsOneGroup) {
  KeyTable t({});
  std::vector<int32_t> ids(3, -7);
  ASSERT_TRUE(t.FindOrInsert({}, 3, ids.data()).ok());
  EXPECT_EQ(ids, (Ids{0, 0, 0}));
  EXPECT_EQ(t.size(), 1);
  EXPECT_TRUE(t.KeyColumns(0, 1).empty());
}

TEST(KeyTableTest, ManyGroupsAcrossBatches) {
  // 225k distinct keys arriving in batches of 50k, each batch half new and half seen.
  for (DataType type : {DataType::Int64(), DataType::String()}) {
    KeyTable t({type});
    for (int b = 0; b < 8; ++b) {
      int64_t base = b * 25000;
      Int64Builder ib(DataType::Int64());
      StringBuilder sb;
      for (int64_t i = 0; i < 50000; ++i) {
        ib.Append(base + i);
        sb.Append("k" + std::to_string(base + i));
      }
      ColumnPtr col = type == DataType::Int64() ? ib.Finish() : sb.Finish();
      std::vector<int32_t> ids(50000);
      ASSERT_TRUE(t.FindOrInsert({&col, 1}, 50000, ids.data()).ok());
      // Key k always gets id k: ids are dense in order of first appearance.
      for (int64_t i = 0; i < 50000; ++i) ASSERT_EQ(ids[i], base + i) << type.ToString();
    }
    EXPECT_EQ(t.size(), 225000);
    auto cols = t.KeyColumns(224998, 2);
    EXPECT_EQ(Values(*cols[0]), type == DataType::Int64() ? (Strs{"224998", "224999"})
                                                          : (Strs{"k224998", "k224999"}));
    EXPECT_GT(t.MemoryBytes(), 225000u * 8);
    t.Clear();
    EXPECT_EQ(t.size(), 0);
    EXPECT_EQ(Insert(t, {type == DataType::Int64() ? Int64Col({42}) : StrCol({"k42"})}), (Ids{0}));
  }
}

}  // namespace
}  // namespace ark::sql
