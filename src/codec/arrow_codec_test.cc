#include "codec/arrow_codec.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config_value.h"
#include "core/arrow_test_data.h"
#include "core/column_builder.h"

namespace ark {
namespace {

using testing::MakeArrowTestBatch;

std::string StreamOf(const std::vector<Batch>& batches) {
  std::string out;
  IpcStreamWriter w(&out);
  for (const Batch& b : batches) EXPECT_TRUE(w.Write(b).ok());
  EXPECT_TRUE(w.Finish().ok());
  return out;
}

Batch Concat(const std::vector<Batch>& batches) {
  return std::move(ConcatBatches(batches)).value();
}

Batch OtherBatch(int64_t rows) {
  Int32Builder b(DataType::Int32());
  for (int64_t i = 0; i < rows; ++i) b.Append(static_cast<int32_t>(i));
  return Batch(Schema::Make({Field("other", DataType::Int32())}), {b.Finish()}, rows);
}

ColumnPtr Payloads(const std::vector<std::optional<std::string>>& payloads) {
  BinaryBuilder b;
  for (const auto& p : payloads) p ? b.Append(*p) : b.AppendNull();
  return b.Finish();
}

TEST(ArrowCodecTest, EncodeStreamWritesOneIpcStream) {
  const Batch a = MakeArrowTestBatch(20), b = MakeArrowTestBatch(7, 3);
  ArrowEncoder encoder;
  std::string out;
  ASSERT_TRUE(encoder.EncodeStream(a, &out).ok());
  ASSERT_TRUE(encoder.EncodeStream(b, &out).ok());
  ASSERT_TRUE(encoder.FinishStream(&out).ok());
  EXPECT_EQ(out, StreamOf({a, b}));

  // A new string per call: the pieces concatenate to the same stream.
  ArrowEncoder pieces;
  std::string p1, p2, p3;
  ASSERT_TRUE(pieces.EncodeStream(a, &p1).ok());
  ASSERT_TRUE(pieces.EncodeStream(b, &p2).ok());
  ASSERT_TRUE(pieces.FinishStream(&p3).ok());
  EXPECT_EQ(p1 + p2 + p3, out);
  EXPECT_EQ(p3, std::string("\xff\xff\xff\xff\0\0\0\0", 8));

  ArrowDecoder decoder;
  Result<DecodeResult> r = decoder.DecodeChunk(out, ChunkPosition{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->errors.empty());
  EXPECT_TRUE(r->batch.Equals(Concat({a, b})));
}

TEST(ArrowCodecTest, FileFormatHasAFooterWithTheRightOffsets) {
  const Batch a = MakeArrowTestBatch(5), b = MakeArrowTestBatch(9, 1);
  ArrowEncoder encoder(ArrowCodecOptions{.format = ArrowIpcFormat::kFile});
  std::string p1, p2, p3;
  ASSERT_TRUE(encoder.EncodeStream(a, &p1).ok());
  ASSERT_TRUE(encoder.EncodeStream(b, &p2).ok());
  ASSERT_TRUE(encoder.FinishStream(&p3).ok());
  const std::string file = p1 + p2 + p3;
  EXPECT_TRUE(file.starts_with("ARROW1"));
  EXPECT_TRUE(file.ends_with("ARROW1"));
  auto reader = std::move(IpcFileReader::Open(Buffer::Copy(file))).value();
  ASSERT_EQ(reader->num_batches(), 2);
  EXPECT_TRUE(reader->ReadBatch(1)->Equals(b));
  EXPECT_TRUE(reader->ReadBatch(0)->Equals(a));

  ArrowDecoder decoder;
  Result<DecodeResult> r = decoder.DecodeChunk(file, ChunkPosition{});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->errors.empty());
  EXPECT_TRUE(r->batch.Equals(Concat({a, b})));
}

TEST(ArrowCodecTest, FinishStreamWithoutBatchesWritesNothingAndNextStreamStartsFresh) {
  ArrowEncoder encoder;
  std::string out;
  ASSERT_TRUE(encoder.FinishStream(&out).ok());
  EXPECT_TRUE(out.empty());
  const Batch a = MakeArrowTestBatch(3);
  ASSERT_TRUE(encoder.EncodeStream(a, &out).ok());
  ASSERT_TRUE(encoder.FinishStream(&out).ok());
  ASSERT_TRUE(encoder.EncodeStream(a, &out).ok());
  ASSERT_TRUE(encoder.FinishStream(&out).ok());
  EXPECT_EQ(out, StreamOf({a}) + StreamOf({a}));
}

TEST(ArrowCodecTest, ChunksMayEndAnywhere) {
  const Batch a = MakeArrowTestBatch(30), b = MakeArrowTestBatch(11, 2);
  const std::string bytes = StreamOf({a, b});
  ArrowDecoder decoder;
  std::vector<Batch> got;
  for (size_t at = 0; at < bytes.size(); at += 5) {
    Result<DecodeResult> r = decoder.DecodeChunk(std::string_view(bytes).substr(at, 5),
                                                 ChunkPosition{1, static_cast<int64_t>(at)});
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->errors.empty()) << r->errors[0].message;
    if (r->batch.num_rows() > 0) got.push_back(r->batch);
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0].Equals(a));
  EXPECT_TRUE(got[1].Equals(b));
}

TEST(ArrowCodecTest, SchemaChangesStartANewStreamOrFailForFiles) {
  const Batch a = MakeArrowTestBatch(4), other = OtherBatch(3);
  ArrowEncoder encoder;
  std::string out;
  ASSERT_TRUE(encoder.EncodeStream(a, &out).ok());
  ASSERT_TRUE(encoder.EncodeStream(other, &out).ok());
  ASSERT_TRUE(encoder.FinishStream(&out).ok());
  EXPECT_EQ(out, StreamOf({a}) + StreamOf({other}));

  // Decoded in one chunk, the second schema cannot share the result.
  ArrowDecoder decoder;
  Result<DecodeResult> r = decoder.DecodeChunk(out, ChunkPosition{1, 100});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->batch.Equals(a));
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].message,
            "a record batch with schema (other: int32) follows batches with schema (" +
                a.schema()->ToString() +
                "); one decoded batch holds one schema, so its 3 rows are dropped");
  EXPECT_EQ(r->errors[0].byte_offset, 100);
  // Decoded stream by stream, both come out.
  ArrowDecoder d2;
  const size_t first = StreamOf({a}).size();
  r = d2.DecodeChunk(std::string_view(out).substr(0, first), ChunkPosition{});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->batch.Equals(a));
  r = d2.DecodeChunk(std::string_view(out).substr(first),
                     ChunkPosition{1, static_cast<int64_t>(first)});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->errors.empty());
  EXPECT_TRUE(r->batch.Equals(other));

  ArrowEncoder file_encoder(ArrowCodecOptions{.format = ArrowIpcFormat::kFile});
  std::string file;
  ASSERT_TRUE(file_encoder.EncodeStream(a, &file).ok());
  EXPECT_EQ(file_encoder.EncodeStream(other, &file).ToString(),
            "InvalidArgument: arrow codec (format: file): the batch has schema (other: int32) but "
            "the file has schema (" +
                a.schema()->ToString() +
                "); a file holds one schema (format: stream starts a new stream instead)");
}

TEST(ArrowCodecTest, GarbageBecomesARecordErrorAndTheNextStreamDecodes) {
  ArrowDecoder decoder;
  const std::string good = StreamOf({MakeArrowTestBatch(2)});
  const std::string bytes = good.substr(0, good.size() - 8) + "not arrow at all";
  Result<DecodeResult> r = decoder.DecodeChunk(bytes, ChunkPosition{1, 1000});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->batch.Equals(MakeArrowTestBatch(2)));  // what came before the garbage
  ASSERT_EQ(r->errors.size(), 1u);
  const int64_t at = 1000 + static_cast<int64_t>(good.size()) - 8;
  EXPECT_EQ(r->errors[0].byte_offset, at);
  EXPECT_EQ(r->errors[0].message_index, -1);
  EXPECT_EQ(r->errors[0].message,
            fmt::format("IPC message at byte offset {}: expected the continuation token "
                        "0xFFFFFFFF, found 0x20746F6E (not Arrow IPC stream data, or a pre-1.0 "
                        "stream without continuation tokens)",
                        at));
  EXPECT_EQ(r->errors[0].raw, "not arrow at all");

  r = decoder.DecodeChunk(good, ChunkPosition{1, 1000 + static_cast<int64_t>(bytes.size())});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->errors.empty());
  EXPECT_TRUE(r->batch.Equals(MakeArrowTestBatch(2)));
}

TEST(ArrowCodecTest, EncodeMessagesAndDecodeMessagesRoundTrip) {
  const Batch a = MakeArrowTestBatch(12), b = MakeArrowTestBatch(5, 9);
  for (ArrowIpcFormat format : {ArrowIpcFormat::kStream, ArrowIpcFormat::kFile}) {
    ArrowEncoder encoder(ArrowCodecOptions{.format = format});
    Result<ColumnPtr> pa = encoder.EncodeMessages(a);
    Result<ColumnPtr> pb = encoder.EncodeMessages(b);
    ASSERT_TRUE(pa.ok() && pb.ok());
    ASSERT_EQ((*pa)->length(), 1);
    EXPECT_EQ((*pa)->GetView(0).starts_with("ARROW1"), format == ArrowIpcFormat::kFile);
    ColumnPtr payloads = Payloads({std::string((*pa)->GetView(0)), std::string((*pb)->GetView(0))});
    ArrowDecoder decoder;
    Result<DecodeResult> r = decoder.DecodeMessages(*payloads);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->errors.empty());
    EXPECT_TRUE(r->batch.Equals(Concat({a, b})));
    std::vector<int64_t> expected(12, 0);
    expected.insert(expected.end(), 5, 1);
    EXPECT_EQ(r->source_index, expected);
  }
  ArrowEncoder encoder;
  Result<ColumnPtr> none = encoder.EncodeMessages(MakeArrowTestBatch(0));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)->length(), 0);
}

TEST(ArrowCodecTest, DecodeMessagesIsZeroCopy) {
  const Batch a = MakeArrowTestBatch(16);
  ColumnPtr payloads = Payloads({StreamOf({a})});
  ArrowDecoder decoder;
  Result<DecodeResult> r = decoder.DecodeMessages(*payloads);
  ASSERT_TRUE(r.ok());
  const uint8_t* data = payloads->buffer(2)->data();
  const auto* values = reinterpret_cast<const uint8_t*>(r->batch.column(3)->data<int64_t>());
  EXPECT_GE(values, data);
  EXPECT_LT(values, data + payloads->buffer(2)->size());
}

TEST(ArrowCodecTest, BadPayloadsBecomeRecordErrors) {
  const Batch a = MakeArrowTestBatch(3), b = MakeArrowTestBatch(2, 1);
  ColumnPtr payloads = Payloads({StreamOf({a}), std::nullopt, std::string("garbage!"),
                                 StreamOf({OtherBatch(2)}), "", StreamOf({b})});
  ArrowDecoder decoder;
  Result<DecodeResult> r = decoder.DecodeMessages(*payloads);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->batch.Equals(Concat({a, b})));
  EXPECT_EQ(r->source_index, (std::vector<int64_t>{0, 0, 0, 5, 5}));
  ASSERT_EQ(r->errors.size(), 4u);
  EXPECT_EQ(r->errors[0].message_index, 1);
  EXPECT_EQ(r->errors[0].message, "the payload is null");
  EXPECT_EQ(r->errors[1].message_index, 2);
  EXPECT_EQ(r->errors[1].message,
            "IPC message at byte offset 0: expected the continuation token 0xFFFFFFFF, found "
            "0x62726167 (not Arrow IPC stream data, or a pre-1.0 stream without continuation "
            "tokens)");
  EXPECT_EQ(r->errors[1].raw, "garbage!");
  EXPECT_EQ(r->errors[2].message_index, 3);
  EXPECT_EQ(r->errors[2].message,
            "the payload's schema (other: int32) differs from the schema of the messages before it "
            "(" +
                a.schema()->ToString() + "); one decoded batch holds one schema");
  EXPECT_EQ(r->errors[3].message_index, 4);
  EXPECT_EQ(r->errors[3].message,
            "IPC message at byte offset 0: the stream ends before its schema");

  Int32Builder ints(DataType::Int32());
  ints.Append(1);
  EXPECT_EQ(decoder.DecodeMessages(*ints.Finish()).status().ToString(),
            "TypeError: arrow codec: payloads must be binary or string, not int32");
}

TEST(ArrowCodecTest, ConfigSpecSelectsTheFormat) {
  auto config = [](std::string format) {
    std::vector<std::pair<std::string, ConfigValue>> entries;
    entries.emplace_back("format", ConfigValue::Scalar(format, false, SourcePos{"test.yaml", 3, 11},
                                                       "codec.format"));
    return ConfigValue::Map(std::move(entries), SourcePos{"test.yaml", 3, 3}, "codec");
  };
  Result<ComponentConfig> file_cfg = ArrowCodecSpec().Parse(config("file"), "codec \"arrow\"");
  ASSERT_TRUE(file_cfg.ok()) << file_cfg.status().ToString();
  Result<std::unique_ptr<Encoder>> encoder = MakeArrowEncoder(*file_cfg);
  ASSERT_TRUE(encoder.ok());
  std::string out;
  ASSERT_TRUE((*encoder)->EncodeStream(MakeArrowTestBatch(2), &out).ok());
  EXPECT_TRUE(out.starts_with("ARROW1"));
  Result<std::unique_ptr<Decoder>> decoder = MakeArrowDecoder(*file_cfg);
  ASSERT_TRUE(decoder.ok());

  Result<ComponentConfig> defaults =
      ArrowCodecSpec().Parse(ConfigValue::Null(SourcePos{"test.yaml", 3, 3}, "codec"), "codec");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(ArrowCodecOptionsFrom(*defaults).format, ArrowIpcFormat::kStream);

  Result<ComponentConfig> bad = ArrowCodecSpec().Parse(config("parquet"), "codec \"arrow\"");
  EXPECT_EQ(bad.status().code(), StatusCode::kConfigError);
  EXPECT_NE(bad.status().message().find("test.yaml:3:11"), std::string::npos)
      << bad.status().message();
  EXPECT_NE(bad.status().message().find("parquet"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace ark
