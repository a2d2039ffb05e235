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
            "column \"v\" holds 2 values at row 2 but 3 at row 0; every row of a list input must "
            "hold the same number of features");
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
