#include "core/arrow_ipc.h"

#include <cstring>
#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>
#include <gtest/gtest.h>

#include "core/arrow_test_data.h"
#include "core/column_builder.h"

namespace ark {
namespace {

using testing::MakeArrowTestBatch;

std::string WriteStream(const std::vector<Batch>& batches, SchemaPtr schema = nullptr) {
  std::string out;
  IpcStreamWriter writer(&out, std::move(schema));
  for (const Batch& b : batches) EXPECT_TRUE(writer.Write(b).ok());
  EXPECT_TRUE(writer.Finish().ok());
  EXPECT_EQ(writer.bytes_written(), static_cast<int64_t>(out.size()));
  return out;
}

std::string WriteFile(const std::vector<Batch>& batches, SchemaPtr schema = nullptr) {
  std::string out;
  IpcFileWriter writer(&out, std::move(schema));
  for (const Batch& b : batches) EXPECT_TRUE(writer.Write(b).ok());
  EXPECT_TRUE(writer.Finish().ok());
  EXPECT_EQ(writer.bytes_written(), static_cast<int64_t>(out.size()));
  return out;
}

uint32_t U32At(const std::string& s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}

void ExpectSameBatches(const std::vector<Batch>& got, const std::vector<Batch>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(got[i].Equals(want[i])) << "batch " << i << ":\n"
                                        << got[i].ToString() << "\nexpected\n"
                                        << want[i].ToString();
  }
}

// ---------------------------------------------------------------------------------------------
// Round trips

TEST(ArrowIpcTest, StreamRoundTripEveryType) {
  Batch batch = MakeArrowTestBatch(100);
  std::string bytes = WriteStream({batch});
  // Framing: continuation token, metadata padded so the body is 8-byte aligned, EOS marker.
  EXPECT_EQ(U32At(bytes, 0), 0xFFFFFFFFu);
  EXPECT_EQ((8 + U32At(bytes, 4)) % 8, 0u);
  EXPECT_EQ(bytes.size() % 8, 0u);
  EXPECT_EQ(bytes.substr(bytes.size() - 8), std::string("\xff\xff\xff\xff\0\0\0\0", 8));
  Result<std::vector<Batch>> back = ReadIpcStream(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameBatches(*back, {batch});
}

TEST(ArrowIpcTest, WritingIsDeterministic) {
  Batch batch = MakeArrowTestBatch(33, 4);
  EXPECT_EQ(WriteStream({batch}), WriteStream({batch}));
  EXPECT_EQ(WriteStream({batch.Slice(3, 20)}), WriteStream({MakeArrowTestBatch(20, 7)}));
}

TEST(ArrowIpcTest, ManyBatches) {
  std::vector<Batch> batches;
  for (uint32_t i = 0; i < 40; ++i) batches.push_back(MakeArrowTestBatch(i * 3 % 17, i));
  Result<std::vector<Batch>> back = ReadIpcStream(WriteStream(batches));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameBatches(*back, batches);

  Result<std::vector<Batch>> from_file = ReadIpcFile(WriteFile(batches));
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  ExpectSameBatches(*from_file, batches);
}

TEST(ArrowIpcTest, SlicesAreRebased) {
  Batch batch = MakeArrowTestBatch(200, 2);
  for (int64_t offset : {0, 1, 3, 7, 8, 9, 15, 63, 64, 65, 71}) {
    for (int64_t length : {0, 1, 7, 8, 9, 64, 65, 129}) {
      if (offset + length > batch.num_rows()) continue;
      Batch slice = batch.Slice(offset, length);
      Result<std::vector<Batch>> back = ReadIpcStream(WriteStream({slice}));
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      ASSERT_EQ(back->size(), 1u);
      EXPECT_TRUE((*back)[0].Equals(slice)) << "slice " << offset << "+" << length;
      // The rebased buffers start at row 0 of their own.
      EXPECT_EQ((*back)[0].column(2)->offset(), 0);
    }
  }
}

TEST(ArrowIpcTest, RebasedBitmapsHaveClearPaddingBits) {
  BoolBuilder b;
  for (int i = 0; i < 20; ++i) b.Append(true);
  Batch batch(Schema::Make({Field("b", DataType::Bool())}), {b.Finish()}, 20);
  // Rows 3..12 of an all-true column: the last byte must hold only bits 8 and 9.
  std::string bytes = WriteStream({batch.Slice(3, 10)});
  std::string expected = WriteStream({Batch(batch.schema(), {batch.column(0)->Slice(3, 10)}, 10)});
  EXPECT_EQ(bytes, expected);
  BoolBuilder b2;
  for (int i = 0; i < 10; ++i) b2.Append(true);
  EXPECT_EQ(bytes, WriteStream({Batch(batch.schema(), {b2.Finish()}, 10)}));
}

TEST(ArrowIpcTest, EmptyBatchesAndStreams) {
  Batch empty = MakeArrowTestBatch(0);
  Result<std::vector<Batch>> back = ReadIpcStream(WriteStream({empty, empty}));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameBatches(*back, {empty, empty});

  // A stream without batches still carries its schema.
  std::string bytes = WriteStream({}, testing::ArrowTestSchema());
  ASSERT_TRUE(IpcStreamReader::Open(Buffer::Copy(bytes)).ok());
  auto reader = std::move(IpcStreamReader::Open(Buffer::Copy(bytes))).value();
  EXPECT_TRUE(reader->schema()->Equals(*testing::ArrowTestSchema()));
  Result<std::optional<Batch>> next = reader->Next();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());

  // Without a schema at all the stream has zero fields.
  reader = std::move(IpcStreamReader::Open(Buffer::Copy(WriteStream({})))).value();
  EXPECT_EQ(reader->schema()->num_fields(), 0);

  // Zero columns, some rows.
  Batch no_columns(Schema::Make({}), {}, 5);
  back = ReadIpcStream(WriteStream({no_columns}));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].num_rows(), 5);

  Result<std::vector<Batch>> file = ReadIpcFile(WriteFile({}, testing::ArrowTestSchema()));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_TRUE(file->empty());
}

TEST(ArrowIpcTest, ReaderIsZeroCopy) {
  Batch batch = MakeArrowTestBatch(64);
  BufferPtr bytes = Buffer::Copy(WriteStream({batch}));
  auto reader = std::move(IpcStreamReader::Open(bytes)).value();
  Result<std::optional<Batch>> b = reader->Next();
  ASSERT_TRUE(b.ok() && b->has_value());
  const auto* values = reinterpret_cast<const uint8_t*>((*b)->column(3)->data<int64_t>());
  EXPECT_GE(values, bytes->data());
  EXPECT_LT(values, bytes->data() + bytes->size());
  const auto* strings = reinterpret_cast<const uint8_t*>((*b)->column(6)->string_data());
  EXPECT_GE(strings, bytes->data());
  EXPECT_LT(strings, bytes->data() + bytes->size());
}

TEST(ArrowIpcTest, MisalignedInputIsCopiedNotMisread) {
  Batch batch = MakeArrowTestBatch(30);
  std::string bytes = WriteStream({batch});
  auto storage = Buffer::Copy("x" + bytes);
  BufferPtr odd = Buffer::Wrap(storage->data() + 1, bytes.size(), storage);
  auto reader = std::move(IpcStreamReader::Open(odd)).value();
  Result<std::vector<Batch>> back = reader->ReadAll();
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameBatches(*back, {batch});
  EXPECT_EQ(reinterpret_cast<uintptr_t>((*back)[0].column(3)->data<int64_t>()) % 8, 0u);
}

TEST(ArrowIpcTest, SinkReceivesTheSameBytes) {
  std::vector<Batch> batches = {MakeArrowTestBatch(10), MakeArrowTestBatch(5, 1)};
  for (bool file : {false, true}) {
    std::string via_sink;
    int calls = 0;
    IpcSink sink = [&](std::string_view bytes) {
      via_sink.append(bytes);
      ++calls;
      return Status::OK();
    };
    if (file) {
      IpcFileWriter w(sink);
      for (const Batch& b : batches) ASSERT_TRUE(w.Write(b).ok());
      ASSERT_TRUE(w.Finish().ok());
      EXPECT_EQ(via_sink, WriteFile(batches));
    } else {
      IpcStreamWriter w(sink);
      for (const Batch& b : batches) ASSERT_TRUE(w.Write(b).ok());
      ASSERT_TRUE(w.Finish().ok());
      EXPECT_EQ(via_sink, WriteStream(batches));
    }
    EXPECT_EQ(calls, 4);  // (magic +) schema, two batches, EOS (+ footer)
  }
}

TEST(ArrowIpcTest, SinkErrorsArePassedOn) {
  IpcStreamWriter w([](std::string_view) { return Status::IoError("disk full"); });
  EXPECT_EQ(w.Write(MakeArrowTestBatch(1)).ToString(), "IoError: disk full");
}

TEST(ArrowIpcTest, OneStreamHoldsOneSchema) {
  std::string out;
  IpcStreamWriter w(&out);
  ASSERT_TRUE(w.Write(MakeArrowTestBatch(2)).ok());
  Batch other(Schema::Make({Field("x", DataType::Int32())}),
              {Column::MakeNull(DataType::Int32(), 1)}, 1);
  EXPECT_EQ(w.Write(other).ToString(),
            "InvalidArgument: Arrow IPC writer: the batch has schema (x: int32) but the stream has "
            "schema (" +
                testing::ArrowTestSchema()->ToString() + "); one stream holds one schema");
  ASSERT_TRUE(w.Finish().ok());
  EXPECT_EQ(w.Finish().ToString(), "InvalidArgument: Arrow IPC writer: Finish called twice");
  EXPECT_EQ(w.Write(MakeArrowTestBatch(2)).ToString(),
            "InvalidArgument: Arrow IPC writer: Write after Finish");
}

TEST(ArrowIpcTest, FileRoundTripWithRandomAccess) {
  std::vector<Batch> batches;
  for (uint32_t i = 0; i < 5; ++i) batches.push_back(MakeArrowTestBatch(10 + i, i));
  std::string bytes = WriteFile(batches);
  EXPECT_EQ(bytes.substr(0, 8), std::string("ARROW1\0\0", 8));
  EXPECT_EQ(bytes.substr(bytes.size() - 6), "ARROW1");
  auto reader = std::move(IpcFileReader::Open(Buffer::Copy(bytes))).value();
  EXPECT_TRUE(reader->schema()->Equals(*testing::ArrowTestSchema()));
  ASSERT_EQ(reader->num_batches(), 5);
  for (int i : {4, 0, 2, 3, 1}) {
    Result<Batch> b = reader->ReadBatch(i);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_TRUE(b->Equals(batches[static_cast<size_t>(i)])) << i;
  }
  EXPECT_EQ(reader->ReadBatch(5).status().ToString(),
            "OutOfRange: Arrow IPC file: batch 5 does not exist (the file has 5)");
  // The stream part of a file is a valid stream.
  Result<std::vector<Batch>> stream = ReadIpcStream(bytes.substr(8));
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  ExpectSameBatches(*stream, batches);
}

// ---------------------------------------------------------------------------------------------
// Incremental decoding

TEST(ArrowIpcTest, DecoderAcceptsAnyChunking) {
  std::vector<Batch> batches;
  for (uint32_t i = 0; i < 6; ++i) batches.push_back(MakeArrowTestBatch(7 * i, i));
  const std::string bytes = WriteStream(batches);
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{8}, size_t{100}, size_t{4096}, bytes.size()}) {
    IpcStreamDecoder decoder;
    std::vector<Batch> got;
    for (size_t at = 0; at < bytes.size(); at += chunk) {
      ASSERT_TRUE(decoder.Consume(std::string_view(bytes).substr(at, chunk), &got).ok());
    }
    EXPECT_TRUE(decoder.Finish().ok());
    EXPECT_TRUE(decoder.at_end_of_stream());
    EXPECT_EQ(decoder.bytes_consumed(), static_cast<int64_t>(bytes.size()));
    EXPECT_EQ(decoder.pending_bytes(), 0u);
    ExpectSameBatches(got, batches);
  }
}

TEST(ArrowIpcTest, DecoderReportsBatchesAsSoonAsTheyAreComplete) {
  Batch a = MakeArrowTestBatch(3), b = MakeArrowTestBatch(4, 1);
  std::string one = WriteStream({a});
  const std::string both = WriteStream({a, b});
  // `one` minus its EOS marker is the schema and the first batch.
  const size_t first = one.size() - 8;
  IpcStreamDecoder decoder;
  std::vector<Batch> got;
  ASSERT_TRUE(decoder.Consume(std::string_view(both).substr(0, first + 5), &got).ok());
  EXPECT_EQ(got.size(), 1u);
  EXPECT_EQ(decoder.pending_bytes(), 5u);
  EXPECT_TRUE(decoder.schema()->Equals(*a.schema()));
  ASSERT_TRUE(decoder.Consume(std::string_view(both).substr(first + 5), &got).ok());
  ExpectSameBatches(got, {a, b});
}

TEST(ArrowIpcTest, DecoderReadsConcatenatedStreamsAndFiles) {
  Batch a = MakeArrowTestBatch(5);
  Batch b(Schema::Make({Field("x", DataType::String())}), {MakeArrowTestBatch(4).column(6)}, 4);
  const std::string bytes = WriteStream({a}) + WriteStream({b});
  IpcStreamDecoder decoder;
  std::vector<Batch> got;
  ASSERT_TRUE(decoder.Consume(bytes, &got).ok());
  ExpectSameBatches(got, {a, b});
  EXPECT_TRUE(decoder.schema()->Equals(*b.schema()));

  // A file: its stream part is decoded, the footer skipped, whatever the chunking.
  const std::string file = WriteFile({a, a.Slice(1, 2)});
  for (size_t chunk : {size_t{1}, size_t{5}, file.size()}) {
    IpcStreamDecoder d;
    std::vector<Batch> from_file;
    for (size_t at = 0; at < file.size(); at += chunk) {
      ASSERT_TRUE(d.Consume(std::string_view(file).substr(at, chunk), &from_file).ok());
    }
    EXPECT_TRUE(d.Finish().ok());
    ExpectSameBatches(from_file, {a, a.Slice(1, 2)});
  }

  // Files and streams back to back (a file input reading several files with one decoder).
  const std::string file_b = WriteFile({b});
  const size_t schema_size = 8 + U32At(file_b, 8 + 4);
  const std::string file_b_without_schema = file_b.substr(0, 8) + file_b.substr(8 + schema_size);
  const std::string mixed = file + WriteStream({b}) + file_b_without_schema + file;
  for (size_t chunk : {size_t{1}, size_t{13}, mixed.size()}) {
    IpcStreamDecoder d;
    std::vector<Batch> all;
    for (size_t at = 0; at < mixed.size(); at += chunk) {
      ASSERT_TRUE(d.Consume(std::string_view(mixed).substr(at, chunk), &all).ok());
    }
    EXPECT_TRUE(d.Finish().ok()) << d.Finish().ToString();
    ExpectSameBatches(all, {a, a.Slice(1, 2), b, b, a, a.Slice(1, 2)});
  }

  // A file cut inside its footer.
  IpcStreamDecoder cut;
  std::vector<Batch> some;
  ASSERT_TRUE(cut.Consume(std::string_view(file).substr(0, file.size() - 3), &some).ok());
  EXPECT_EQ(some.size(), 2u);
  EXPECT_TRUE(cut.Finish().ToString().starts_with(
      "ParseError: Arrow IPC file: the input ended inside the footer at byte offset "))
      << cut.Finish().ToString();
}

TEST(ArrowIpcTest, DecoderOffsetsCountFromItsStartOffset) {
  const std::string bytes = WriteStream({MakeArrowTestBatch(2)});
  IpcStreamDecoder decoder(/*start_offset=*/1000);
  std::vector<Batch> got;
  Status st = decoder.Consume(bytes.substr(0, bytes.size() - 8) + "junkjunk", &got);
  const size_t at = 1000 + bytes.size() - 8;
  EXPECT_EQ(st.ToString(),
            fmt::format("ParseError: IPC message at byte offset {}: expected the continuation "
                        "token 0xFFFFFFFF, found 0x6B6E756A (not Arrow IPC stream data, or a "
                        "pre-1.0 stream without continuation tokens)",
                        at));
  EXPECT_EQ(decoder.error_offset(), static_cast<int64_t>(at));
  EXPECT_EQ(got.size(), 1u);
}

TEST(ArrowIpcTest, DecoderHoldsFileBatchesUntilTheFooterGivesTheSchema) {
  // apache-arrow JS writes files whose stream part has no schema message; only the footer has it.
  std::vector<Batch> batches = {MakeArrowTestBatch(6), MakeArrowTestBatch(3, 2)};
  const std::string file = WriteFile(batches);
  const size_t schema_size = 8 + U32At(file, 8 + 4);
  const std::string without_schema = file.substr(0, 8) + file.substr(8 + schema_size);
  for (size_t chunk : {size_t{1}, size_t{64}, without_schema.size()}) {
    IpcStreamDecoder decoder;
    std::vector<Batch> got;
    for (size_t at = 0; at < without_schema.size(); at += chunk) {
      ASSERT_TRUE(decoder.Consume(std::string_view(without_schema).substr(at, chunk), &got).ok());
      if (at + chunk < without_schema.size()) {
        EXPECT_TRUE(got.empty());
      }
    }
    EXPECT_TRUE(decoder.Finish().ok());
    ExpectSameBatches(got, batches);
    EXPECT_TRUE(decoder.schema()->Equals(*batches[0].schema()));
  }
  IpcStreamDecoder decoder;
  std::vector<Batch> got;
  ASSERT_TRUE(decoder.Consume(without_schema.substr(0, without_schema.size() - 30), &got).ok());
  EXPECT_EQ(
      decoder.Finish().ToString(),
      "ParseError: Arrow IPC file: the input ended before the footer that holds the schema of "
      "its 2 record batches");
}

TEST(ArrowIpcTest, DecoderReportsTruncation) {
  const std::string bytes = WriteStream({MakeArrowTestBatch(9)});
  // Stop 3 bytes into the record batch message (after the schema message).
  auto reader = std::move(IpcStreamReader::Open(Buffer::Copy(bytes))).value();
  const size_t schema_size = 8 + U32At(bytes, 4);
  IpcStreamDecoder decoder;
  std::vector<Batch> got;
  ASSERT_TRUE(decoder.Consume(std::string_view(bytes).substr(0, schema_size + 3), &got).ok());
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(decoder.Finish().ToString(),
            fmt::format("ParseError: IPC message at byte offset {}: truncated: the stream ends "
                        "after 3 of the at least 8 bytes of the message",
                        schema_size));
  // Once the metadata is in, the message size is known.
  const size_t batch_meta = 8 + U32At(bytes, schema_size + 4);
  IpcStreamDecoder d2;
  ASSERT_TRUE(
      d2.Consume(std::string_view(bytes).substr(0, schema_size + batch_meta + 1), &got).ok());
  EXPECT_TRUE(d2.Finish().message().starts_with(
      fmt::format("IPC message at byte offset {}: truncated: the stream ends after {} of the ",
                  schema_size, batch_meta + 1)))
      << d2.Finish().message();
}

// ---------------------------------------------------------------------------------------------
// Malformed input

// Builds IPC messages by hand with the raw flatbuffers table API (vtable slot i is at byte
// 4 + 2 * i), to produce what our writer never would.
class MessageCrafter {
 public:
  // An empty table, for type tables without fields (Utf8, LargeUtf8, ...).
  flatbuffers::Offset<void> EmptyTable() {
    return flatbuffers::Offset<void>(b_.EndTable(b_.StartTable()));
  }
  flatbuffers::Offset<void> IntType(int bit_width, bool is_signed) {
    auto t = b_.StartTable();
    b_.AddElement<int32_t>(4, bit_width, 0);
    b_.AddElement<uint8_t>(6, is_signed, 0);
    return flatbuffers::Offset<void>(b_.EndTable(t));
  }
  // Field: name(0) nullable(1) type_type(2) type(3) dictionary(4) children(5).
  flatbuffers::Offset<void> Field(const std::string& name, uint8_t type_type,
                                  flatbuffers::Offset<void> type, bool dictionary = false,
                                  std::vector<flatbuffers::Offset<void>> children = {}) {
    auto n = b_.CreateString(name);
    auto child_vector = b_.CreateVector(children);
    flatbuffers::Offset<void> dict;
    if (dictionary) {
      auto index = IntType(32, true);
      auto t = b_.StartTable();
      b_.AddElement<int64_t>(4, 0, -1);  // id
      b_.AddOffset(6, index);
      dict = flatbuffers::Offset<void>(b_.EndTable(t));
    }
    auto t = b_.StartTable();
    b_.AddOffset(4, n);
    b_.AddElement<uint8_t>(6, 1, 0);
    b_.AddElement<uint8_t>(8, type_type, 0);
    b_.AddOffset(10, type);
    if (dictionary) b_.AddOffset(12, dict);
    b_.AddOffset(14, child_vector);
    return flatbuffers::Offset<void>(b_.EndTable(t));
  }
  // Schema: endianness(0) fields(1).
  flatbuffers::Offset<void> Schema(std::vector<flatbuffers::Offset<void>> fields,
                                   int16_t endianness = 0) {
    auto v = b_.CreateVector(fields);
    auto t = b_.StartTable();
    b_.AddElement<int16_t>(4, endianness, 0);
    b_.AddOffset(6, v);
    return flatbuffers::Offset<void>(b_.EndTable(t));
  }
  // RecordBatch: length(0) nodes(1) buffers(2) compression(3). Nodes and buffers are pairs of
  // int64 structs.
  flatbuffers::Offset<void> RecordBatch(int64_t length,
                                        std::vector<std::pair<int64_t, int64_t>> nodes,
                                        std::vector<std::pair<int64_t, int64_t>> buffers,
                                        bool compressed = false) {
    auto nv = StructPairs(nodes);
    auto bv = StructPairs(buffers);
    flatbuffers::Offset<void> compression;
    if (compressed) compression = EmptyTable();  // codec defaults to LZ4_FRAME
    auto t = b_.StartTable();
    b_.AddElement<int64_t>(4, length, 0);
    b_.AddOffset(6, nv);
    b_.AddOffset(8, bv);
    if (compressed) b_.AddOffset(10, compression);
    return flatbuffers::Offset<void>(b_.EndTable(t));
  }
  // DictionaryBatch: id(0) data(1).
  flatbuffers::Offset<void> DictionaryBatch(flatbuffers::Offset<void> data) {
    auto t = b_.StartTable();
    b_.AddElement<int64_t>(4, 0, -1);
    b_.AddOffset(6, data);
    return flatbuffers::Offset<void>(b_.EndTable(t));
  }
  // Message: version(0) header_type(1) header(2) bodyLength(3); returns the framed bytes.
  std::string Message(uint8_t header_type, flatbuffers::Offset<void> header,
                      const std::string& body = "", int16_t version = 4 /* V5 */) {
    auto t = b_.StartTable();
    b_.AddElement<int16_t>(4, version, 0);
    b_.AddElement<uint8_t>(6, header_type, 0);
    b_.AddOffset(8, header);
    b_.AddElement<int64_t>(10, static_cast<int64_t>(body.size()), 0);
    b_.Finish(flatbuffers::Offset<void>(b_.EndTable(t)));
    std::string meta(reinterpret_cast<const char*>(b_.GetBufferPointer()), b_.GetSize());
    meta.resize((meta.size() + 7) / 8 * 8, '\0');
    std::string out("\xff\xff\xff\xff", 4);
    const auto len = static_cast<uint32_t>(meta.size());
    out.append(reinterpret_cast<const char*>(&len), 4);
    b_.Clear();
    return out + meta + body;
  }

 private:
  // A vector of 16-byte structs of two int64 (FieldNode, Buffer).
  struct alignas(8) Int64Pair {
    int64_t first;
    int64_t second;
  };
  flatbuffers::Offset<void> StructPairs(const std::vector<std::pair<int64_t, int64_t>>& pairs) {
    std::vector<Int64Pair> flat;
    for (auto [a, b] : pairs) flat.push_back({a, b});
    return flatbuffers::Offset<void>(b_.CreateVectorOfStructs(flat.data(), flat.size()).o);
  }

  flatbuffers::FlatBufferBuilder b_;
};

// Type union discriminants and message header discriminants from Schema.fbs / Message.fbs.
constexpr uint8_t kTypeInt = 2, kTypeUtf8 = 5, kTypeStruct = 13, kTypeMap = 17, kTypeLargeUtf8 = 20;
constexpr uint8_t kHeaderSchema = 1, kHeaderDictionaryBatch = 2, kHeaderRecordBatch = 3;

std::string Int32Schema(MessageCrafter& m) {
  auto type = m.IntType(32, true);
  auto field = m.Field("v", kTypeInt, type);
  return m.Message(kHeaderSchema, m.Schema({field}));
}

std::string ReadStatus(const std::string& bytes) {
  return ReadIpcStream(bytes).status().ToString();
}

TEST(ArrowIpcTest, CraftedMessagesAreReadLikeOurs) {
  MessageCrafter m;
  std::string bytes = Int32Schema(m);
  std::string body(16, '\0');
  const int32_t values[2] = {7, -3};
  std::memcpy(body.data() + 8, values, 8);
  bytes += m.Message(kHeaderRecordBatch, m.RecordBatch(2, {{2, 0}}, {{0, 0}, {8, 8}}), body);
  Result<std::vector<Batch>> back = ReadIpcStream(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].ToString(), "v\n7\n-3\n");
}

TEST(ArrowIpcTest, GarbageIsRejectedWithItsOffset) {
  EXPECT_EQ(ReadStatus("hello world, this is not arrow"),
            "ParseError: IPC message at byte offset 0: expected the continuation token 0xFFFFFFFF, "
            "found 0x6C6C6568 (not Arrow IPC stream data, or a pre-1.0 stream without "
            "continuation tokens)");
  EXPECT_EQ(ReadStatus(std::string("\xff\xff\xff\xff\x10\0\0\0", 8) + std::string(16, '\xab')),
            "ParseError: IPC message at byte offset 0: the 16 metadata bytes are not a valid "
            "Message flatbuffer");
  EXPECT_EQ(ReadStatus(std::string("\xff\xff\xff\xff\xf0\xff\xff\xff", 8)),
            "ParseError: IPC message at byte offset 0: metadata length -16 is out of range");
  EXPECT_EQ(ReadStatus(""),
            "ParseError: IPC message at byte offset 0: the stream ends before its schema");

  // Garbage after a good first batch is reported at its own offset.
  std::string good = WriteStream({MakeArrowTestBatch(3)});
  good.resize(good.size() - 8);  // drop the EOS marker
  const std::string bytes = good + "garbage!";
  EXPECT_EQ(
      ReadStatus(bytes),
      fmt::format("ParseError: IPC message at byte offset {}: expected the continuation token "
                  "0xFFFFFFFF, found 0x62726167 (not Arrow IPC stream data, or a pre-1.0 "
                  "stream without continuation tokens)",
                  good.size()));
  IpcStreamDecoder decoder;
  std::vector<Batch> got;
  Status st = decoder.Consume(bytes, &got);
  EXPECT_EQ(st.ToString(), ReadStatus(bytes));
  EXPECT_EQ(got.size(), 1u);                     // the good batch came out before the error
  EXPECT_EQ(decoder.Consume("more", &got), st);  // broken from now on
}

TEST(ArrowIpcTest, TruncatedStreamsAreRejected) {
  const std::string bytes = WriteStream({MakeArrowTestBatch(9)});
  const size_t schema_size = 8 + U32At(bytes, 4);
  const std::string cut = bytes.substr(0, bytes.size() - 20);
  const std::string st = ReadStatus(cut);
  EXPECT_TRUE(st.starts_with(fmt::format(
      "ParseError: IPC message at byte offset {}: truncated: the stream ends after {} of the {} "
      "bytes of the message",
      schema_size, cut.size() - schema_size, bytes.size() - 8 - schema_size)))
      << st;
}

TEST(ArrowIpcTest, UnsupportedTypesNameTheField) {
  MessageCrafter m;
  auto large = m.EmptyTable();
  std::string bytes = m.Message(kHeaderSchema, m.Schema({m.Field("big", kTypeLargeUtf8, large)}));
  EXPECT_EQ(ReadStatus(bytes),
            "Unimplemented: IPC message at byte offset 0: field \"big\" has Arrow type LargeUtf8, "
            "which is not supported");

  // A map has children, but is reported as unsupported, not as malformed.
  auto entry_type = m.EmptyTable();
  auto entries = m.Field("entries", kTypeStruct, entry_type);
  auto map_type = m.EmptyTable();
  bytes = m.Message(kHeaderSchema, m.Schema({m.Field("m", kTypeMap, map_type, false, {entries})}));
  EXPECT_EQ(ReadStatus(bytes),
            "Unimplemented: IPC message at byte offset 0: field \"m\" has Arrow type Map, which is "
            "not supported");

  auto unknown = m.EmptyTable();
  bytes = m.Message(kHeaderSchema, m.Schema({m.Field("future", 99, unknown)}));
  EXPECT_EQ(ReadStatus(bytes),
            "Unimplemented: IPC message at byte offset 0: field \"future\" has an Arrow type "
            "unknown to this reader (type id 99)");

  auto u64 = m.IntType(64, false);
  bytes = m.Message(kHeaderSchema, m.Schema({m.Field("id", kTypeInt, u64)}));
  EXPECT_EQ(
      ReadStatus(bytes),
      "Unimplemented: IPC message at byte offset 0: field \"id\" has Arrow type Uint64, which "
      "is not supported");

  auto utf8 = m.EmptyTable();
  bytes =
      m.Message(kHeaderSchema, m.Schema({m.Field("colour", kTypeUtf8, utf8, /*dictionary=*/true)}));
  EXPECT_EQ(ReadStatus(bytes),
            "Unimplemented: IPC message at byte offset 0: field \"colour\" is dictionary-encoded; "
            "dictionary-encoded fields are not supported");

  auto i32 = m.IntType(32, true);
  bytes = m.Message(kHeaderSchema, m.Schema({m.Field("v", kTypeInt, i32)}, /*endianness=*/1));
  EXPECT_EQ(ReadStatus(bytes),
            "Unimplemented: IPC message at byte offset 0: big-endian Arrow data is not supported");

  i32 = m.IntType(32, true);
  bytes = m.Message(kHeaderSchema, m.Schema({m.Field("v", kTypeInt, i32)}), "", /*V3=*/2);
  EXPECT_EQ(ReadStatus(bytes),
            "Unimplemented: IPC message at byte offset 0: metadata version V3 is not supported (V4 "
            "and V5 are)");
}

TEST(ArrowIpcTest, DictionaryBatchesAndCompressionAreRejected) {
  MessageCrafter m;
  const std::string schema = Int32Schema(m);
  std::string bytes =
      schema + m.Message(kHeaderDictionaryBatch, m.DictionaryBatch(m.RecordBatch(0, {}, {})));
  EXPECT_EQ(ReadStatus(bytes),
            fmt::format("Unimplemented: IPC message at byte offset {}: dictionary batches are not "
                        "supported",
                        schema.size()));

  bytes = schema + m.Message(kHeaderRecordBatch,
                             m.RecordBatch(1, {{1, 0}}, {{0, 0}, {0, 8}}, /*compressed=*/true),
                             std::string(8, '\0'));
  EXPECT_EQ(ReadStatus(bytes),
            fmt::format("Unimplemented: IPC message at byte offset {}: compressed record batch "
                        "bodies (LZ4_FRAME) are not supported; write the stream without "
                        "compression",
                        schema.size()));
}

TEST(ArrowIpcTest, InconsistentRecordBatchesAreRejected) {
  MessageCrafter m;
  const std::string schema = Int32Schema(m);
  const std::string at = fmt::format("IPC message at byte offset {}: ", schema.size());
  struct Case {
    int64_t length;
    std::vector<std::pair<int64_t, int64_t>> nodes, buffers;
    std::string expected;
  };
  const Case cases[] = {
      {2,
       {{2, 0}},
       {{0, 0}, {8, 100}},
       "ParseError: " + at +
           "field \"v\": buffer 1 (offset 8, length 100) lies outside the "
           "16-byte body"},
      {2,
       {{2, 0}},
       {{0, 0}, {8, 4}},
       "ParseError: " + at + "field \"v\": int32 column of length 2: values buffer too short"},
      {2,
       {{2, 3}},
       {{0, 1}, {8, 8}},
       "ParseError: " + at + "field \"v\": field node has length 2 and null count 3"},
      {2,
       {{2, 1}},
       {{0, 0}, {8, 8}},
       "ParseError: " + at + "field \"v\": null count is 1 but the validity bitmap is empty"},
      {2,
       {},
       {{0, 0}, {8, 8}},
       "ParseError: " + at + "field \"v\": the record batch has only 0 field nodes"},
      {2,
       {{2, 0}},
       {{0, 0}},
       "ParseError: " + at + "field \"v\": the record batch has only 1 buffers"},
      {3,
       {{2, 0}},
       {{0, 0}, {8, 8}},
       "ParseError: " + at + "field \"v\" has 2 rows but the record batch has 3"},
      {2,
       {{2, 0}, {2, 0}},
       {{0, 0}, {8, 8}},
       "ParseError: " + at +
           "the record batch has 2 field nodes and 2 buffers, the schema needs 1 and 2"},
  };
  for (const Case& k : cases) {
    std::string bytes =
        schema + m.Message(kHeaderRecordBatch, m.RecordBatch(k.length, k.nodes, k.buffers),
                           std::string(16, '\0'));
    EXPECT_EQ(ReadStatus(bytes), k.expected);
  }
}

TEST(ArrowIpcTest, MessageOrderIsChecked) {
  MessageCrafter m;
  const std::string schema = Int32Schema(m);
  const std::string batch =
      m.Message(kHeaderRecordBatch, m.RecordBatch(0, {{0, 0}}, {{0, 0}, {0, 0}}));
  EXPECT_EQ(ReadStatus(batch),
            "ParseError: IPC message at byte offset 0: expected the schema message, found a "
            "RecordBatch message");
  IpcStreamDecoder decoder;
  std::vector<Batch> got;
  EXPECT_EQ(decoder.Consume(batch, &got).ToString(),
            "ParseError: IPC message at byte offset 0: a record batch before the schema message");
  EXPECT_EQ(ReadStatus(schema + Int32Schema(m)),
            fmt::format("ParseError: IPC message at byte offset {}: a second schema message in one "
                        "stream",
                        schema.size()));
}

TEST(ArrowIpcTest, MalformedFilesAreRejected) {
  const std::string file = WriteFile({MakeArrowTestBatch(4)});
  EXPECT_EQ(ReadIpcFile("ARROW1").status().ToString(),
            "ParseError: Arrow IPC file: 6 bytes is too short for a file (at least 18 are needed)");
  EXPECT_EQ(ReadIpcFile("X" + file.substr(1)).status().ToString(),
            "ParseError: Arrow IPC file: does not start with the magic \"ARROW1\"");
  EXPECT_EQ(ReadIpcFile(file.substr(0, file.size() - 1)).status().ToString(),
            "ParseError: Arrow IPC file: does not end with the magic \"ARROW1\" (truncated file?)");
  std::string bad_length = file;
  const uint32_t huge = 1u << 30;
  std::memcpy(bad_length.data() + file.size() - 10, &huge, 4);
  EXPECT_EQ(ReadIpcFile(bad_length).status().ToString(),
            fmt::format("ParseError: Arrow IPC file: footer length 1073741824 is out of range for "
                        "a {}-byte file",
                        file.size()));
  EXPECT_EQ(ReadStatus(file),
            "ParseError: IPC message at byte offset 0: found the Arrow file magic \"ARROW1\" where "
            "a stream message should start; read files with the file reader");
  // A stream is not a file.
  EXPECT_EQ(ReadIpcFile(WriteStream({MakeArrowTestBatch(4)})).status().ToString(),
            "ParseError: Arrow IPC file: does not start with the magic \"ARROW1\"");
}

}  // namespace
}  // namespace ark
