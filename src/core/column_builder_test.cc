#include "core/column_builder.h"

#include <gtest/gtest.h>

#include "core/batch.h"

namespace ark {
namespace {

std::vector<std::string> Values(const Column& c) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < c.length(); ++i) out.push_back(c.ValueToString(i));
  return out;
}

using Strings = std::vector<std::string>;

TEST(ColumnBuilderTest, Int64WithNulls) {
  Int64Builder b(DataType::Int64());
  b.Append(1);
  b.AppendNull();
  b.Append(3);
  ColumnPtr c = b.Finish();
  EXPECT_EQ(c->length(), 3);
  EXPECT_EQ(c->null_count(), 1);
  EXPECT_EQ(Values(*c), (Strings{"1", "NULL", "3"}));
  EXPECT_EQ(c->data<int64_t>()[2], 3);
  EXPECT_EQ(b.length(), 0);  // reusable
}

TEST(ColumnBuilderTest, NoValidityBufferWithoutNulls) {
  Float64Builder b(DataType::Float64());
  for (int i = 0; i < 100; ++i) b.Append(i * 0.5);
  ColumnPtr c = b.Finish();
  EXPECT_EQ(c->validity(), nullptr);
  EXPECT_EQ(c->null_count(), 0);
  EXPECT_EQ(c->data<double>()[99], 49.5);
}

TEST(ColumnBuilderTest, NullAfterManyValidValuesKeepsEarlierBits) {
  Int32Builder b(DataType::Int32());
  for (int i = 0; i < 13; ++i) b.Append(i);
  b.AppendNull();
  b.Append(14);
  ColumnPtr c = b.Finish();
  for (int i = 0; i < 13; ++i) EXPECT_TRUE(c->IsValid(i)) << i;
  EXPECT_TRUE(c->IsNull(13));
  EXPECT_TRUE(c->IsValid(14));
  EXPECT_EQ(c->null_count(), 1);
}

TEST(ColumnBuilderTest, BoolAndStrings) {
  BoolBuilder bb;
  bb.Append(true);
  bb.Append(false);
  bb.AppendNull();
  EXPECT_EQ(Values(*bb.Finish()), (Strings{"true", "false", "NULL"}));

  StringBuilder sb;
  sb.Append("héllo");
  sb.AppendNull();
  sb.Append("");
  ColumnPtr s = sb.Finish();
  EXPECT_EQ(s->type(), DataType::String());
  EXPECT_EQ(s->GetView(0), "héllo");
  EXPECT_TRUE(s->IsNull(1));
  EXPECT_EQ(s->GetView(2), "");
}

TEST(ColumnBuilderTest, ListOfFloat) {
  ListBuilder lb(DataType::List(DataType::Float32()));
  auto& values = static_cast<Float32Builder&>(lb.values());
  lb.Append();
  values.Append(0.5f);
  values.Append(1.5f);
  lb.AppendNull();
  lb.Append();
  ColumnPtr c = lb.Finish();
  EXPECT_EQ(Values(*c), (Strings{"[0.5, 1.5]", "NULL", "[]"}));
  EXPECT_EQ(c->list_length(0), 2);
  EXPECT_EQ(c->list_length(2), 0);
}

TEST(ColumnBuilderTest, StructWithNullRow) {
  DataType t = DataType::Struct({Field("a", DataType::Int64()), Field("b", DataType::String())});
  StructBuilder sb(t);
  sb.Append();
  static_cast<Int64Builder&>(sb.field(0)).Append(1);
  static_cast<StringBuilder&>(sb.field(1)).Append("x");
  sb.AppendNull();
  ColumnPtr c = sb.Finish();
  EXPECT_EQ(Values(*c), (Strings{"{a: 1, b: x}", "NULL"}));
}

TEST(ColumnBuilderTest, AppendRangeCopiesValuesAndNulls) {
  StringBuilder src;
  for (std::string v : {"a", "bb", "", "dddd"}) src.Append(v);
  src.AppendNull();
  ColumnPtr s = src.Finish();
  StringBuilder dst;
  dst.Append("first");
  dst.AppendRange(*s, 1, 4);
  EXPECT_EQ(Values(*dst.Finish()), (Strings{"first", "bb", "", "dddd", "NULL"}));
}

TEST(ColumnTest, SliceIsZeroCopyAndOffsetsCorrectly) {
  Int64Builder b(DataType::Int64());
  for (int i = 0; i < 10; ++i) {
    if (i % 3 == 0) {
      b.AppendNull();
    } else {
      b.Append(i);
    }
  }
  ColumnPtr c = b.Finish();
  ColumnPtr s = c->Slice(2, 5);
  EXPECT_EQ(s->buffer(1), c->buffer(1));
  EXPECT_EQ(Values(*s), (Strings{"2", "NULL", "4", "5", "NULL"}));
  EXPECT_EQ(s->null_count(), 2);
}

TEST(ColumnTest, SlicedStructFieldsAlign) {
  DataType t = DataType::Struct({Field("a", DataType::Int64())});
  StructBuilder sb(t);
  for (int i = 0; i < 5; ++i) {
    sb.Append();
    static_cast<Int64Builder&>(sb.field(0)).Append(i * 10);
  }
  ColumnPtr c = sb.Finish()->Slice(3, 2);
  EXPECT_EQ(Values(*c), (Strings{"{a: 30}", "{a: 40}"}));
  EXPECT_EQ(Values(*c->struct_field(0)), (Strings{"30", "40"}));
}

TEST(ColumnTest, MakeNullForEveryType) {
  for (DataType t :
       {DataType::Int32(), DataType::String(), DataType::Bool(), DataType::List(DataType::Int64()),
        DataType::Struct({Field("x", DataType::Float64())})}) {
    ColumnPtr c = Column::MakeNull(t, 3);
    EXPECT_EQ(c->null_count(), 3) << t.ToString();
    std::string err;
    EXPECT_TRUE(c->Validate(&err)) << err;
  }
}

TEST(ColumnTest, ValidateRejectsBadOffsets) {
  StringBuilder sb;
  sb.Append("abc");
  ColumnPtr good = sb.Finish();
  auto offsets = Buffer::Allocate(8);
  reinterpret_cast<int32_t*>(offsets->mutable_data())[0] = 0;
  reinterpret_cast<int32_t*>(offsets->mutable_data())[1] = 99;
  Column bad(DataType::String(), 1, {nullptr, offsets, good->buffer(2)});
  std::string err;
  EXPECT_FALSE(bad.Validate(&err));
  EXPECT_EQ(err, "string column of length 1: offsets point past the end of the data");
}

TEST(TypesTest, ToStringAndEquality) {
  DataType t = DataType::Struct(
      {Field("v", DataType::List(DataType::Float32())), Field("ts", DataType::Timestamp())});
  EXPECT_EQ(t.ToString(), "struct<v: list<float32>, ts: timestamp>");
  EXPECT_EQ(t, DataType::Struct({Field("v", DataType::List(DataType::Float32())),
                                 Field("ts", DataType::Timestamp())}));
  EXPECT_NE(t, DataType::Struct({Field("v", DataType::List(DataType::Float64()))}));
}

}  // namespace
}  // namespace ark
