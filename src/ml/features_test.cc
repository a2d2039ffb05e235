// Packing columns into the model's [rows, features] matrix, and tensors back into columns.
#include "ml/features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>

#include "core/column_builder.h"

namespace ark::ml {
namespace {

ColumnPtr Int64s(std::vector<std::optional<int64_t>> v) {
  Int64Builder b(DataType::Int64());
  for (auto x : v) x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}

ColumnPtr Float64s(std::vector<double> v) {
  Float64Builder b(DataType::Float64());
  for (double x : v) b.Append(x);
  return b.Finish();
}

ColumnPtr Bools(std::vector<bool> v) {
  BoolBuilder b;
  for (bool x : v) b.Append(x);
  return b.Finish();
}

// list<float32> rows; nullopt: a null row.
ColumnPtr Lists(std::vector<std::optional<std::vector<float>>> rows) {
  ListBuilder b(DataType::List(DataType::Float32()));
  for (const auto& r : rows) {
    if (!r) {
      b.AppendNull();
      continue;
    }
    b.Append();
    for (float x : *r) static_cast<Float32Builder&>(b.values()).Append(x);
  }
  return b.Finish();
}

TEST(PackFeatures, ScalarsAndListsInOrderWithConversion) {
  std::vector<FeatureInput> in = {
      {"column \"a\"", Int64s({1, 2, 3})},
      {"column \"v\"", Lists({{{0.5f, 1.5f}}, {{2.5f, 3.5f}}, {{4.5f, 5.5f}}})},
      {"column \"b\"", Bools({true, false, true})},
      {"column \"x\"", Float64s({0.25, -1, 1e10})}};
  auto m = PackFeatures(in, 3);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->rows, 3);
  EXPECT_EQ(m->cols, 5);
  EXPECT_EQ(m->values, (std::vector<float>{1, 0.5f, 1.5f, 1, 0.25f,  //
                                           2, 2.5f, 3.5f, 0, -1,     //
                                           3, 4.5f, 5.5f, 1, 1e10f}));
}

TEST(PackFeatures, SlicedColumnsStartAtTheirOffset) {
  ColumnPtr a = Int64s({10, 20, 30, 40})->Slice(1, 2);
  ColumnPtr v = Lists({{{1}}, {{2}}, {{3}}, {{4}}})->Slice(2, 2);
  std::vector<FeatureInput> in = {{"a", a}, {"v", v}};
  auto m = PackFeatures(in, 2);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->values, (std::vector<float>{20, 3, 30, 4}));
}

TEST(PackFeatures, NullIsAnErrorNamingColumnAndRow) {
  std::vector<FeatureInput> in = {{"column \"amount\"", Int64s({1, std::nullopt, 3})}};
  auto m = PackFeatures(in, 3);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "column \"amount\" is null at row 1; a model needs a value in every input (replace "
            "nulls first, e.g. with COALESCE in a sql processor, or filter those rows out)");

  std::vector<FeatureInput> lists = {{"column \"v\"", Lists({{{1, 2}}, std::nullopt})}};
  auto l = PackFeatures(lists, 2);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().message().substr(0, 27), "column \"v\" is null at row 1");
}

TEST(PackFeatures, ListRowsOfDifferentLengths) {
  std::vector<FeatureInput> in = {{"column \"v\"", Lists({{{1, 2, 3}}, {{1, 2, 3}}, {{1, 2}}})}};
  auto m = PackFeatures(in, 3);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "column \"v\" holds 2 values at row 2, expected 3 (the length of most rows); every "
            "row of a list input must hold the same number of features");
}

// Rows 0..5: good; amount null; v null; v of 2 values; v with a null element; good.
std::vector<FeatureInput> MixedInputs() {
  ListBuilder v(DataType::List(DataType::Float32()));
  auto& values = static_cast<Float32Builder&>(v.values());
  v.Append();
  values.Append(1);
  values.Append(2);
  values.Append(3);
  v.Append();  // row 1: fine, but amount is null
  values.Append(4);
  values.Append(5);
  values.Append(6);
  v.AppendNull();  // row 2
  v.Append();      // row 3: 2 values
  values.Append(7);
  values.Append(8);
  v.Append();  // row 4: a null element at index 1
  values.Append(9);
  values.AppendNull();
  values.Append(10);
  v.Append();
  values.Append(11);
  values.Append(12);
  values.Append(13);
  return {{"column \"amount\"", Int64s({100, std::nullopt, 102, 103, std::nullopt, 105})},
          {"column \"v\"", v.Finish()}};
}

TEST(PackValidRows, PacksTheGoodRowsAndNamesTheOthers) {
  std::vector<FeatureInput> in = MixedInputs();
  std::vector<RejectedRow> rejected;
  auto m = PackValidRows(in, 6, 0, &rejected);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->rows, 2);
  EXPECT_EQ(m->cols, 4);
  EXPECT_EQ(m->source_rows, (std::vector<int64_t>{0, 5}));
  EXPECT_EQ(m->values, (std::vector<float>{100, 1, 2, 3, 105, 11, 12, 13}));
  ASSERT_EQ(rejected.size(), 4u);
  // The first problem of each row, in input order: row 4 has a null amount and a null element.
  EXPECT_EQ(rejected[0].row, 1);
  EXPECT_EQ(rejected[0].problem, RejectedRow::Problem::kNull);
  EXPECT_EQ(rejected[0].reason, "column \"amount\" is null at row 1");
  EXPECT_EQ(rejected[1].row, 2);
  EXPECT_EQ(rejected[1].reason, "column \"v\" is null at row 2");
  EXPECT_EQ(rejected[2].row, 3);
  EXPECT_EQ(rejected[2].problem, RejectedRow::Problem::kWidth);
  EXPECT_EQ(rejected[2].reason,
            "column \"v\" holds 2 values at row 3, expected 3 (the length of most rows)");
  EXPECT_EQ(rejected[3].row, 4);
  EXPECT_EQ(rejected[3].reason, "column \"amount\" is null at row 4");

  // Without amount, row 4 shows its null element.
  std::vector<RejectedRow> only_v;
  auto lists = PackValidRows(std::span(in).subspan(1), 6, 0, &only_v);
  ASSERT_TRUE(lists.ok()) << lists.status().message();
  EXPECT_EQ(lists->source_rows, (std::vector<int64_t>{0, 1, 5}));
  ASSERT_EQ(only_v.size(), 3u);
  EXPECT_EQ(only_v[2].reason, "column \"v\" has a null element at row 4 (index 1)");
}

TEST(PackValidRows, TheModelsFeaturesSetTheListWidth) {
  // Most rows hold 2 values, but the model takes 4 features: 1 from amount, 3 from v.
  std::vector<FeatureInput> in = {{"column \"amount\"", Int64s({1, 2, 3})},
                                  {"column \"v\"", Lists({{{1, 2}}, {{3, 4, 5}}, {{6, 7}}})}};
  std::vector<RejectedRow> rejected;
  auto m = PackValidRows(in, 3, 4, &rejected);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->source_rows, (std::vector<int64_t>{1}));
  EXPECT_EQ(m->values, (std::vector<float>{2, 3, 4, 5}));
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_EQ(rejected[0].reason,
            "column \"v\" holds 2 values at row 0, expected 3 (the model takes 4 features per "
            "row, 1 of them from the other inputs)");
  EXPECT_EQ(rejected[1].row, 2);

  auto none = PackValidRows(in, 3, 1, &rejected);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(),
            "column \"v\" has no room: the model takes 1 features per row and the other inputs "
            "give 1");
}

TEST(PackValidRows, EveryRowRejected) {
  std::vector<FeatureInput> in = {{"column \"v\"", Lists({std::nullopt, std::nullopt})}};
  std::vector<RejectedRow> rejected;
  auto m = PackValidRows(in, 2, 8, &rejected);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->rows, 0);
  EXPECT_EQ(m->cols, 8);
  EXPECT_TRUE(m->values.empty());
  EXPECT_EQ(rejected.size(), 2u);
}

TEST(ScatterTensorColumn, RejectedRowsAreNull) {
  std::vector<FeatureInput> in = MixedInputs();
  std::vector<RejectedRow> rejected;
  auto m = PackValidRows(in, 6, 0, &rejected);
  ASSERT_TRUE(m.ok()) << m.status().message();
  ColumnPtr one = ScatterTensorColumn(Tensor{2, 1, {0.5f, 0.75f}}, *m, 6);
  ASSERT_EQ(one->type(), DataType::Float32());
  EXPECT_EQ(one->null_count(), 4);
  std::vector<std::string> got;
  for (int64_t r = 0; r < 6; ++r) got.push_back(one->ValueToString(r));
  EXPECT_EQ(got, (std::vector<std::string>{"0.5", "NULL", "NULL", "NULL", "NULL", "0.75"}));
  ColumnPtr wide = ScatterTensorColumn(Tensor{2, 2, {1, 2, 3, 4}}, *m, 6);
  ASSERT_EQ(wide->type(), DataType::List(DataType::Float32()));
  EXPECT_EQ(wide->ValueToString(0), "[1, 2]");
  EXPECT_EQ(wide->ValueToString(3), "NULL");
  EXPECT_EQ(wide->ValueToString(5), "[3, 4]");
  std::string error;
  EXPECT_TRUE(wide->Validate(&error)) << error;
  EXPECT_TRUE(one->Validate(&error)) << error;

  // Nothing rejected: the plain columns.
  std::vector<FeatureInput> good = {{"a", Int64s({1, 2})}};
  auto all = PackValidRows(good, 2, 0, &rejected);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(ScatterTensorColumn(Tensor{2, 1, {1, 2}}, *all, 2)->null_count(), 0);
}

TEST(PackFeatures, UnsupportedType) {
  StringBuilder s;
  s.Append("x");
  std::vector<FeatureInput> in = {{"column \"name\"", s.Finish()}};
  auto m = PackFeatures(in, 1);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kTypeError);
  EXPECT_EQ(m.status().message(),
            "column \"name\" is string; a model input must be a number (bool, int32, int64, "
            "float32, float64) or a list of numbers");
}

TEST(TensorColumns, OneValuePerRowAndLists) {
  Tensor t{2, 3, {1, 2, 3, 4, 5, 6}};
  ColumnPtr second = TensorColumn(t, 1);
  ASSERT_EQ(second->type(), DataType::Float32());
  EXPECT_EQ(second->data<float>()[0], 2);
  EXPECT_EQ(second->data<float>()[1], 5);
  ColumnPtr lists = TensorListColumn(t);
  ASSERT_EQ(lists->type(), DataType::List(DataType::Float32()));
  EXPECT_EQ(lists->ValueToString(0), "[1, 2, 3]");
  EXPECT_EQ(lists->ValueToString(1), "[4, 5, 6]");
  std::string error;
  EXPECT_TRUE(lists->Validate(&error)) << error;
}

}  // namespace
}  // namespace ark::ml
