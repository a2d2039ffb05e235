#include "codec/json_encoder.h"

#include <cmath>

#include <gtest/gtest.h>

#include "codec/json_decoder.h"
#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {
namespace {

// A batch with one column of each flat type, two rows, plus a meta column.
Batch TypesBatch() {
  Int32Builder i32(DataType::Int32());
  Int64Builder i64(DataType::Int64());
  Float32Builder f32(DataType::Float32());
  Float64Builder f64(DataType::Float64());
  BoolBuilder b;
  StringBuilder s;
  BinaryBuilder bin;
  Int64Builder ts(DataType::Timestamp());
  Int32Builder date(DataType::Date());
  StringBuilder meta;
  i32.Append(-7);
  i64.Append(9007199254740993);
  f32.Append(0.25f);
  f64.Append(2.0);
  b.Append(true);
  s.Append("tab\there \"q\"");
  bin.Append(std::string("\x01\xff", 2));
  ts.Append(1714564800123456);
  date.Append(19844);
  meta.Append("file.json");
  i32.AppendNull();
  i64.AppendNull();
  f32.Append(std::numeric_limits<float>::infinity());
  f64.Append(std::nan(""));
  b.AppendNull();
  s.Append("");
  bin.Append("utf8 ok");
  ts.Append(0);
  date.AppendNull();
  meta.Append("file.json");
  std::vector<Field> fields = {
      Field("i32", DataType::Int32()),   Field("i64", DataType::Int64()),
      Field("f32", DataType::Float32()), Field("f64", DataType::Float64()),
      Field("b", DataType::Bool()),      Field("s", DataType::String()),
      Field("bin", DataType::Binary()),  Field("ts", DataType::Timestamp()),
      Field("date", DataType::Date()),   Field("__meta_source", DataType::String())};
  return Batch(Schema::Make(fields),
               {i32.Finish(), i64.Finish(), f32.Finish(), f64.Finish(), b.Finish(), s.Finish(),
                bin.Finish(), ts.Finish(), date.Finish(), meta.Finish()},
               2);
}

TEST(JsonEncoderTest, EncodeStreamWritesNdjsonWithoutMeta) {
  JsonEncoder enc({});
  std::string out = "prefix\n";
  ASSERT_TRUE(enc.EncodeStream(TypesBatch(), &out).ok());
  EXPECT_EQ(
      out,
      "prefix\n"
      "{\"i32\":-7,\"i64\":9007199254740993,\"f32\":0.25,\"f64\":2.0,\"b\":true,"
      "\"s\":\"tab\\there \\\"q\\\"\",\"bin\":\"Af8=\",\"ts\":\"2024-05-01T12:00:00.123456Z\","
      "\"date\":\"2024-05-01\"}\n"
      "{\"i32\":null,\"i64\":null,\"f32\":null,\"f64\":null,\"b\":null,\"s\":\"\","
      "\"bin\":\"utf8 ok\",\"ts\":\"1970-01-01T00:00:00Z\",\"date\":null}\n");
}

TEST(JsonEncoderTest, IncludeMetaAndFields) {
  JsonEncoder with_meta({.include_meta = true});
  std::string out;
  ASSERT_TRUE(with_meta.EncodeStream(TypesBatch().Slice(1, 1), &out).ok());
  EXPECT_NE(out.find(",\"__meta_source\":\"file.json\"}"), std::string::npos) << out;

  JsonEncoder only({.fields = {"s", "__meta_source", "missing"}});
  out.clear();
  ASSERT_TRUE(only.EncodeStream(TypesBatch(), &out).ok());
  EXPECT_EQ(out,
            "{\"s\":\"tab\\there \\\"q\\\"\",\"__meta_source\":\"file.json\"}\n"
            "{\"s\":\"\",\"__meta_source\":\"file.json\"}\n");
}

TEST(JsonEncoderTest, EncodeMessagesOneObjectPerRow) {
  JsonEncoder enc({.fields = {"i32", "b"}});
  auto col = enc.EncodeMessages(TypesBatch());
  ASSERT_TRUE(col.ok());
  ASSERT_EQ((*col)->length(), 2);
  EXPECT_EQ((*col)->type(), DataType::Binary());
  EXPECT_EQ((*col)->GetView(0), "{\"i32\":-7,\"b\":true}");
  EXPECT_EQ((*col)->GetView(1), "{\"i32\":null,\"b\":null}");
}

TEST(JsonEncoderTest, EmptyBatchAndNoColumns) {
  JsonEncoder enc({});
  std::string out;
  ASSERT_TRUE(enc.EncodeStream(TypesBatch().Slice(0, 0), &out).ok());
  EXPECT_EQ(out, "");
  Batch no_cols(Schema::Make({}), {}, 2);
  ASSERT_TRUE(enc.EncodeStream(no_cols, &out).ok());
  EXPECT_EQ(out, "{}\n{}\n");
}

TEST(JsonEncoderTest, NestedValuesRoundTripThroughTheDecoder) {
  const std::string text =
      "{\"id\":1,\"addr\":{\"city\":\"Oslo\",\"zip\":150},\"tags\":[\"a\",\"b\\n\"],"
      "\"m\":[[1.5],[]]}\n"
      "{\"id\":2,\"addr\":null,\"tags\":[],\"m\":null}\n";
  auto dec = JsonDecoder::Make({});
  ASSERT_TRUE(dec.ok());
  auto r = (*dec)->DecodeChunk(text, {});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->errors.empty());
  JsonEncoder enc({});
  std::string out;
  ASSERT_TRUE(enc.EncodeStream(r->batch, &out).ok());
  EXPECT_EQ(out, text);
  // And back again gives the same batch.
  auto again = (*dec)->DecodeChunk(out, {});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->batch.Equals(r->batch));
}

TEST(JsonEncoderTest, FloatsReadBackAsFloats) {
  auto dec = JsonDecoder::Make({});
  auto r = (*dec)->DecodeChunk("{\"x\":1.0}\n{\"x\":2}\n", {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->batch.schema()->ToString(), "x: float64");
  JsonEncoder enc({});
  std::string out;
  ASSERT_TRUE(enc.EncodeStream(r->batch, &out).ok());
  EXPECT_EQ(out, "{\"x\":1.0}\n{\"x\":2.0}\n");
}

TEST(JsonEncoderTest, ColumnNamesAreEscaped) {
  Int64Builder v(DataType::Int64());
  v.Append(1);
  Batch batch(Schema::Make({Field("we\"ird\nname", DataType::Int64())}), {v.Finish()}, 1);
  JsonEncoder enc({});
  std::string out;
  ASSERT_TRUE(enc.EncodeStream(batch, &out).ok());
  EXPECT_EQ(out, "{\"we\\\"ird\\nname\":1}\n");
}

}  // namespace
}  // namespace ark
