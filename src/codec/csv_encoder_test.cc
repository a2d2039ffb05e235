#include "codec/csv_encoder.h"

#include <cmath>

#include <gtest/gtest.h>

#include "codec/csv_decoder.h"
#include "core/column_builder.h"

namespace ark {
namespace {

Batch SampleBatch() {
  Int64Builder id(DataType::Int64());
  StringBuilder name;
  Float64Builder price(DataType::Float64());
  BoolBuilder ok;
  Int64Builder ts(DataType::Timestamp());
  ListBuilder tags(DataType::List(DataType::String()));
  StringBuilder meta;
  auto& tag_values = static_cast<StringBuilder&>(tags.values());
  id.Append(1);
  name.Append("Smith, \"J\"");
  price.Append(2.5);
  ok.Append(true);
  ts.Append(1714564800000000);
  tags.Append();
  tag_values.Append("a");
  tag_values.Append("b");
  meta.Append("m");
  id.AppendNull();
  name.Append("");
  price.Append(std::nan(""));
  ok.AppendNull();
  ts.AppendNull();
  tags.AppendNull();
  meta.Append("m");
  id.Append(-3);
  name.AppendNull();
  price.Append(1e21);
  ok.Append(false);
  ts.Append(1);
  tags.Append();
  meta.Append("m");
  std::vector<Field> fields = {Field("id", DataType::Int64()),
                               Field("name", DataType::String()),
                               Field("price", DataType::Float64()),
                               Field("ok", DataType::Bool()),
                               Field("ts", DataType::Timestamp()),
                               Field("tags", DataType::List(DataType::String())),
                               Field("__meta_offset", DataType::String())};
  return Batch(Schema::Make(fields),
               {id.Finish(), name.Finish(), price.Finish(), ok.Finish(), ts.Finish(), tags.Finish(),
                meta.Finish()},
               3);
}

TEST(CsvEncoderTest, HeaderOnceQuotingAndValueForms) {
  CsvEncoder enc({});
  std::string out;
  ASSERT_TRUE(enc.EncodeStream(SampleBatch(), &out).ok());
  ASSERT_TRUE(enc.EncodeStream(SampleBatch().Slice(2, 1), &out).ok());
  EXPECT_EQ(out,
            "id,name,price,ok,ts,tags\n"
            "1,\"Smith, \"\"J\"\"\",2.5,true,2024-05-01T12:00:00Z,\"[\"\"a\"\",\"\"b\"\"]\"\n"
            ",\"\",,,,\n"
            "-3,,1e+21,false,1970-01-01T00:00:00.000001Z,[]\n"
            "-3,,1e+21,false,1970-01-01T00:00:00.000001Z,[]\n");
}

TEST(CsvEncoderTest, ChangingColumnsMidStreamIsAnError) {
  CsvEncoder enc({});
  std::string out;
  ASSERT_TRUE(enc.EncodeStream(SampleBatch(), &out).ok());
  std::vector<int> first_two = {0, 1};
  Status st = enc.EncodeStream(SampleBatch().Project(first_two), &out);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "csv encoder: the batch has columns (id, name) but the stream started with (id, "
            "name, price, ok, ts, tags); CSV cannot change its columns mid-stream");
}

TEST(CsvEncoderTest, NoHeaderOtherDelimiterAndMeta) {
  CsvEncoder enc({.header = false, .delimiter = ';', .include_meta = true});
  std::string out;
  ASSERT_TRUE(enc.EncodeStream(SampleBatch().Slice(0, 1), &out).ok());
  EXPECT_EQ(out,
            "1;\"Smith, \"\"J\"\"\";2.5;true;2024-05-01T12:00:00Z;\"[\"\"a\"\",\"\"b\"\"]\";m\n");
}

TEST(CsvEncoderTest, NumbersAreQuotedWhenTheDelimiterCouldAppearInThem) {
  CsvEncoder enc({.header = false, .delimiter = '.'});
  std::string out;
  std::vector<int> cols = {0, 2};
  ASSERT_TRUE(enc.EncodeStream(SampleBatch().Slice(0, 1).Project(cols), &out).ok());
  EXPECT_EQ(out, "1.\"2.5\"\n");
}

TEST(CsvEncoderTest, EncodeMessages) {
  CsvEncoder enc({});
  auto col = enc.EncodeMessages(SampleBatch());
  ASSERT_TRUE(col.ok());
  ASSERT_EQ((*col)->length(), 3);
  EXPECT_EQ((*col)->GetView(1), ",\"\",,,,");
}

TEST(CsvEncoderTest, RoundTripThroughTheDecoder) {
  CsvEncoder enc({});
  std::string out;
  std::vector<int> cols = {0, 1, 2, 3};
  Batch batch = SampleBatch().Project(cols);
  ASSERT_TRUE(enc.EncodeStream(batch, &out).ok());
  auto dec = CsvDecoder::Make({});
  ASSERT_TRUE(dec.ok());
  auto r = (*dec)->DecodeChunk(out, {});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->errors.empty());
  // NaN was written as an empty field and reads back as null.
  EXPECT_EQ(r->batch.ToString(),
            "id | name | price | ok\n"
            "1 | Smith, \"J\" | 2.5 | true\n"
            "NULL |  | NULL | NULL\n"
            "-3 | NULL | 1e+21 | false\n");
}

}  // namespace
}  // namespace ark
