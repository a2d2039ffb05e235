#include "codec/json_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/column_builder.h"
#include "core/raw_message.h"
#include "core/type_parser.h"

namespace ark {
namespace {

std::unique_ptr<JsonDecoder> MakeDecoder(JsonDecoderOptions options = {}) {
  auto d = JsonDecoder::Make(std::move(options));
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return std::move(d).value();
}

std::vector<Field> Schema(std::initializer_list<std::pair<const char*, const char*>> fields) {
  std::vector<Field> out;
  for (const auto& [name, type] : fields) {
    auto t = ParseDataType(type);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    out.emplace_back(name, *t);
  }
  return out;
}

DecodeResult Decode(std::string_view text, JsonDecoderOptions options = {},
                    ChunkPosition pos = {}) {
  auto d = MakeDecoder(std::move(options));
  auto r = d->DecodeChunk(text, pos);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

std::string ErrorsToString(const std::vector<RecordError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += fmt::format("[{}] line {} byte {}: {} | {}\n", e.message_index, e.line, e.byte_offset,
                       e.message, e.raw);
  }
  return out;
}

TEST(JsonDecoderTest, InfersFlatSchemaFastPath) {
  DecodeResult r = Decode(
      "{\"auction\":1000,\"price\":45,\"channel\":\"Google\",\"ok\":true}\n"
      "{\"auction\":1001,\"price\":46,\"channel\":\"Apple\",\"ok\":false}\n");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_TRUE(r.source_index.empty());
  EXPECT_EQ(r.batch.schema()->ToString(),
            "auction: int64, price: int64, channel: string, ok: bool");
  EXPECT_EQ(r.batch.ToString(),
            "auction | price | channel | ok\n"
            "1000 | 45 | Google | true\n"
            "1001 | 46 | Apple | false\n");
}

TEST(JsonDecoderTest, WidensIntegersToFloatAnywhereInTheColumn) {
  DecodeResult r = Decode("{\"p\":1}\n{\"p\":2.5}\n{\"p\":3}\n");
  EXPECT_EQ(r.batch.schema()->ToString(), "p: float64");
  EXPECT_EQ(r.batch.ToString(), "p\n1\n2.5\n3\n");
}

TEST(JsonDecoderTest, IntegersBeyondInt64BecomeFloat) {
  DecodeResult r = Decode("{\"n\":1}\n{\"n\":18446744073709551615}\n");
  ASSERT_TRUE(r.errors.empty()) << ErrorsToString(r.errors);
  EXPECT_EQ(r.batch.schema()->ToString(), "n: float64");
  EXPECT_EQ(r.batch.column(0)->data<double>()[1], 18446744073709551615.0);
}

TEST(JsonDecoderTest, IntegersBeyondUint64AreRejectedByTheParser) {
  DecodeResult r = Decode("{\"n\":123456789012345678901234567890}\n");
  EXPECT_EQ(r.batch.num_rows(), 0);
  EXPECT_EQ(ErrorsToString(r.errors),
            "[-1] line 1 byte 0: invalid JSON: Problem while parsing a number | "
            "{\"n\":123456789012345678901234567890}\n");
}

TEST(JsonDecoderTest, UnionsFieldsInFirstSeenOrderMissingAreNull) {
  DecodeResult r = Decode("{\"a\":1,\"b\":\"x\"}\n{\"c\":true,\"a\":2}\n{\"b\":\"y\"}\n");
  EXPECT_EQ(r.batch.schema()->ToString(), "a: int64, b: string, c: bool");
  EXPECT_EQ(r.batch.ToString(),
            "a | b | c\n"
            "1 | x | NULL\n"
            "2 | NULL | true\n"
            "NULL | y | NULL\n");
}

TEST(JsonDecoderTest, NullFitsAnyTypeAndAllNullColumnIsString) {
  DecodeResult r = Decode("{\"a\":null,\"b\":null}\n{\"a\":5,\"b\":null}\n");
  EXPECT_EQ(r.batch.schema()->ToString(), "a: int64, b: string");
  EXPECT_EQ(r.batch.ToString(), "a | b\nNULL | NULL\n5 | NULL\n");
}

TEST(JsonDecoderTest, ConflictingKindsBecomeJsonText) {
  DecodeResult r = Decode(
      "{\"v\":\"text\"}\n{\"v\":1.50}\n{\"v\":{\"x\":[1,\"a\\\"b\"]}}\n{\"v\":true}\n"
      "{\"v\":null}\n{\"v\":-7}\n");
  ASSERT_TRUE(r.errors.empty()) << ErrorsToString(r.errors);
  EXPECT_EQ(r.batch.schema()->ToString(), "v: string");
  EXPECT_EQ(r.batch.ToString(), "v\ntext\n1.5\n{\"x\":[1,\"a\\\"b\"]}\ntrue\nNULL\n-7\n");
}

TEST(JsonDecoderTest, NestedStructsAndLists) {
  DecodeResult r = Decode(
      "{\"id\":1,\"addr\":{\"city\":\"Oslo\",\"zip\":150},\"tags\":[\"a\",\"b\"]}\n"
      "{\"id\":2,\"addr\":{\"zip\":7,\"geo\":{\"lat\":1.5}},\"tags\":[]}\n"
      "{\"id\":3,\"addr\":null,\"tags\":null}\n");
  ASSERT_TRUE(r.errors.empty()) << ErrorsToString(r.errors);
  EXPECT_EQ(r.batch.schema()->ToString(),
            "id: int64, addr: struct<city: string, zip: int64, geo: struct<lat: float64>>, "
            "tags: list<string>");
  EXPECT_EQ(r.batch.ToString(),
            "id | addr | tags\n"
            "1 | {city: Oslo, zip: 150, geo: NULL} | [a, b]\n"
            "2 | {city: NULL, zip: 7, geo: {lat: 1.5}} | []\n"
            "3 | NULL | NULL\n");
}

TEST(JsonDecoderTest, ListElementTypeIsWidenedAcrossElements) {
  DecodeResult r = Decode("{\"v\":[1,2]}\n{\"v\":[3.5]}\n{\"v\":[[1]]}\n");
  // An array inside a float list is a conflict: the element type becomes JSON text.
  EXPECT_EQ(r.batch.schema()->ToString(), "v: list<string>");
  EXPECT_EQ(r.batch.ToString(), "v\n[1, 2]\n[3.5]\n[[1]]\n");
}

TEST(JsonDecoderTest, EmptyListsOnlyGiveStringElements) {
  DecodeResult r = Decode("{\"v\":[]}\n{\"v\":[null]}\n");
  EXPECT_EQ(r.batch.schema()->ToString(), "v: list<string>");
  EXPECT_EQ(r.batch.ToString(), "v\n[]\n[NULL]\n");
}

TEST(JsonDecoderTest, StructAndNumberConflict) {
  DecodeResult r = Decode("{\"v\":{\"a\":1}}\n{\"v\":2}\n");
  EXPECT_EQ(r.batch.schema()->ToString(), "v: string");
  EXPECT_EQ(r.batch.ToString(), "v\n{\"a\":1}\n2\n");
}

TEST(JsonDecoderTest, DuplicateKeysFirstWins) {
  DecodeResult r = Decode("{\"a\":1,\"a\":2,\"b\":3}\n");
  EXPECT_EQ(r.batch.ToString(), "a | b\n1 | 3\n");
}

TEST(JsonDecoderTest, FieldOrderMayDifferBetweenRecords) {
  DecodeResult r = Decode("{\"a\":1,\"b\":2}\n{\"b\":3,\"a\":4}\n");
  EXPECT_EQ(r.batch.ToString(), "a | b\n1 | 2\n4 | 3\n");
}

TEST(JsonDecoderTest, MalformedLineIsAnErrorAndTheRestGoesOn) {
  ChunkPosition pos{.first_line = 10, .byte_offset = 1000};
  DecodeResult r = Decode("{\"a\":1}\n{\"a\":2,\n\n{\"a\":3}", {}, pos);
  EXPECT_EQ(r.batch.ToString(), "a\n1\n3\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message_index, -1);
  EXPECT_EQ(r.errors[0].line, 11);
  EXPECT_EQ(r.errors[0].byte_offset, 1008);
  EXPECT_EQ(r.errors[0].raw, "{\"a\":2,");
  EXPECT_THAT(r.errors[0].message, testing::StartsWith("invalid JSON: "));
}

TEST(JsonDecoderTest, ErrorMessagesAreSimdjsonsExplanations) {
  DecodeResult r = Decode("{\"a\":1} x\n{\"a\":tru}\n[1,2]\n\"str\"\n{\"a\":1}\r\n");
  EXPECT_EQ(r.batch.ToString(), "a\n1\n");
  EXPECT_EQ(ErrorsToString(r.errors),
            "[-1] line 1 byte 0: invalid JSON: The JSON document has an improper structure: "
            "missing or superfluous commas, braces, missing keys, etc. | {\"a\":1} x\n"
            "[-1] line 2 byte 10: invalid JSON: Problem while parsing an atom starting with the "
            "letter 't' | {\"a\":tru}\n"
            "[-1] line 3 byte 20: expected a JSON object, got array | [1,2]\n"
            "[-1] line 4 byte 26: expected a JSON object, got string | \"str\"\n");
}

TEST(JsonDecoderTest, InvalidUtf8IsARecordError) {
  DecodeResult r = Decode("{\"a\":\"ok\"}\n{\"a\":\"\xff\xfe\"}\n{\"a\":\"\xc3\xa9\"}\n");
  EXPECT_EQ(r.batch.ToString(), "a\nok\n\xc3\xa9\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].message, "invalid JSON: The input is not valid UTF-8");
}

TEST(JsonDecoderTest, OverlongRecordIsAnError) {
  JsonDecoderOptions o;
  o.max_record_bytes = 10;
  DecodeResult r = Decode("{\"a\":1}\n{\"a\":123456}\n{\"a\":2}\n", o);
  EXPECT_EQ(r.batch.ToString(), "a\n1\n2\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].byte_offset, 8);
  EXPECT_EQ(r.errors[0].message, "record of 12 bytes exceeds max_record_bytes 10");
}

TEST(JsonDecoderTest, RawTextIsTruncatedTo1KiB) {
  std::string big = "{\"a\":\"" + std::string(2000, 'x') + "\"";  // no closing brace
  DecodeResult r = Decode(big);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].raw, big.substr(0, 1024) + "\xE2\x80\xA6");
  EXPECT_EQ(TruncateRecordText(std::string(1023, 'a') + "\xc3\xa9" + "zz"),
            std::string(1023, 'a') + "\xE2\x80\xA6");
}

TEST(JsonDecoderTest, BlankLinesAreSkippedButCounted) {
  DecodeResult r = Decode("\n  \n{\"a\":1}\r\n\t\n{\"a\":}\n");
  EXPECT_EQ(r.batch.ToString(), "a\n1\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 5);
  EXPECT_EQ(r.errors[0].byte_offset, 15);
}

TEST(JsonDecoderTest, EmptyChunkGivesEmptyBatch) {
  DecodeResult r = Decode("");
  EXPECT_EQ(r.batch.num_rows(), 0);
  EXPECT_EQ(r.batch.num_columns(), 0);
  DecodeResult bad = Decode("nope\n");
  EXPECT_EQ(bad.batch.num_rows(), 0);
  EXPECT_EQ(bad.errors.size(), 1u);
}

TEST(JsonDecoderTest, SchemaIsInferredPerCall) {
  auto d = MakeDecoder();
  auto a = d->DecodeChunk("{\"x\":1}\n", {});
  ASSERT_TRUE(a.ok());
  auto b = d->DecodeChunk("{\"x\":\"s\"}\n", {.first_line = 2, .byte_offset = 8});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->batch.schema()->ToString(), "x: int64");
  EXPECT_EQ(b->batch.schema()->ToString(), "x: string");
}

TEST(JsonDecoderTest, IncludeFieldsRestrictsInferredColumns) {
  JsonDecoderOptions o;
  o.include_fields = {"b", "zzz"};
  DecodeResult r = Decode("{\"a\":1,\"b\":2}\n{\"b\":3,\"c\":{\"d\":1}}\n", o);
  EXPECT_EQ(r.batch.ToString(), "b\n2\n3\n");
}

TEST(JsonDecoderTest, DeclaredSchema) {
  JsonDecoderOptions o;
  o.schema = Schema({{"id", "int64"},
                     {"price", "float64"},
                     {"tags", "list<string>"},
                     {"addr", "struct<city: string, zip: int32>"},
                     {"ts", "timestamp"},
                     {"day", "date"},
                     {"small", "real"}});
  DecodeResult r = Decode(
      "{\"id\":1,\"price\":2,\"tags\":[\"a\"],\"addr\":{\"zip\":7,\"x\":1},"
      "\"ts\":\"2024-05-01T12:00:00.5Z\",\"day\":\"2024-05-01\",\"small\":0.5,\"extra\":[1]}\n"
      "{\"ts\":1000000,\"day\":1}\n",
      o);
  ASSERT_TRUE(r.errors.empty()) << ErrorsToString(r.errors);
  EXPECT_EQ(r.batch.schema()->ToString(),
            "id: int64, price: float64, tags: list<string>, addr: struct<city: string, zip: "
            "int32>, ts: timestamp, day: date, small: float32");
  EXPECT_EQ(r.batch.ToString(),
            "id | price | tags | addr | ts | day | small\n"
            "1 | 2 | [a] | {city: NULL, zip: 7} | 2024-05-01T12:00:00.5Z | 2024-05-01 | 0.5\n"
            "NULL | NULL | NULL | NULL | 1970-01-01T00:00:01Z | 1970-01-02 | NULL\n");
}

TEST(JsonDecoderTest, DeclaredSchemaTypeErrorsDropTheRecord) {
  JsonDecoderOptions o;
  o.schema = Schema({{"id", "int64"},
                     {"price", "float64"},
                     {"addr", "struct<city: string, zip: int32>"},
                     {"tags", "list<string>"}});
  DecodeResult r = Decode(
      "{\"id\":1,\"price\":\"cheap\"}\n"
      "{\"id\":2,\"price\":1.5,\"addr\":{\"city\":\"Oslo\",\"zip\":\"0150\"}}\n"
      "{\"id\":3,\"tags\":[\"a\",5]}\n"
      "{\"id\":4,\"addr\":{\"zip\":3000000000}}\n"
      "{\"id\":5.5}\n"
      "{\"id\":6,\"addr\":{\"city\":\"Bergen\"},\"tags\":[\"x\"]}\n",
      o);
  EXPECT_EQ(ErrorsToString(r.errors),
            "[-1] line 1 byte 0: field \"price\": expected float64, got string | "
            "{\"id\":1,\"price\":\"cheap\"}\n"
            "[-1] line 2 byte 25: field \"addr.zip\": expected int32, got string | "
            "{\"id\":2,\"price\":1.5,\"addr\":{\"city\":\"Oslo\",\"zip\":\"0150\"}}\n"
            "[-1] line 3 byte 82: field \"tags[1]\": expected string, got int64 | "
            "{\"id\":3,\"tags\":[\"a\",5]}\n"
            "[-1] line 4 byte 106: field \"addr.zip\": value 3000000000 is out of range for "
            "int32 | {\"id\":4,\"addr\":{\"zip\":3000000000}}\n"
            "[-1] line 5 byte 141: field \"id\": expected int64, got float64 | {\"id\":5.5}\n");
  EXPECT_EQ(r.batch.ToString(),
            "id | price | addr | tags\n"
            "6 | NULL | {city: Bergen, zip: NULL} | [x]\n");
}

TEST(JsonDecoderTest, DeclaredTimestampErrors) {
  JsonDecoderOptions o;
  o.schema = Schema({{"ts", "timestamptz"}});
  DecodeResult r = Decode("{\"ts\":\"yesterday\"}\n{\"ts\":true}\n", o);
  EXPECT_EQ(ErrorsToString(r.errors),
            "[-1] line 1 byte 0: field \"ts\": invalid timestamp \"yesterday\": expected ISO "
            "8601 like \"2024-05-01T12:00:00Z\" | {\"ts\":\"yesterday\"}\n"
            "[-1] line 2 byte 19: field \"ts\": expected timestamp, got bool | {\"ts\":true}\n");
  EXPECT_EQ(r.batch.num_rows(), 0);
}

TEST(JsonDecoderTest, DeclaredSchemaRejectsUnsupportedTypes) {
  JsonDecoderOptions o;
  o.schema = Schema({{"a", "interval"}});
  auto d = JsonDecoder::Make(o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(),
            "json schema: field \"a\": type interval is not supported by the json codec");
}

TEST(JsonDecoderTest, DecodeMessagesOneDocumentPerPayload) {
  std::vector<std::string> payloads = {"{\"a\":1}", "[{\"a\":2},{\"a\":3}]", "oops", "[]",
                                       "{\"a\":4}"};
  Batch raw = MakeRawBatch(std::span<const std::string>(payloads));
  auto d = MakeDecoder();
  auto r = d->DecodeMessages(*raw.column(0));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->batch.ToString(), "a\n1\n2\n3\n4\n");
  EXPECT_EQ(r->source_index, (std::vector<int64_t>{0, 1, 1, 4}));
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].message_index, 2);
  EXPECT_EQ(r->errors[0].line, 1);
  EXPECT_EQ(r->errors[0].byte_offset, 0);
  EXPECT_EQ(r->errors[0].raw, "oops");
}

TEST(JsonDecoderTest, DecodeMessagesIdentityHasNoSourceIndex) {
  std::vector<std::string> payloads = {"{\"a\":1}", "{\"a\":\"x\"}"};
  Batch raw = MakeRawBatch(std::span<const std::string>(payloads));
  auto r = MakeDecoder()->DecodeMessages(*raw.column(0));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->source_index.empty());
  EXPECT_EQ(r->batch.ToString(), "a\n1\nx\n");
}

TEST(JsonDecoderTest, DecodeMessagesBadArraysNullAndEmptyPayloads) {
  BinaryBuilder b;
  b.Append("[{\"a\":1},2]");
  b.AppendNull();
  b.Append("  ");
  b.Append("5");
  b.Append("{\"a\":9}");
  ColumnPtr payloads = b.Finish();
  auto r = MakeDecoder()->DecodeMessages(*payloads);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->batch.ToString(), "a\n9\n");
  EXPECT_EQ(r->source_index, (std::vector<int64_t>{4}));
  EXPECT_EQ(ErrorsToString(r->errors),
            "[0] line 1 byte 0: top-level array element 1: expected a JSON object, got int64 | "
            "[{\"a\":1},2]\n"
            "[1] line 1 byte 0: null payload | \n"
            "[2] line 1 byte 0: empty payload |   \n"
            "[3] line 1 byte 0: expected a JSON object or an array of objects, got int64 | 5\n");
}

TEST(JsonDecoderTest, DecodeMessagesDeclaredArrayPayloadFailsWhole) {
  JsonDecoderOptions o;
  o.schema = Schema({{"a", "int64"}});
  std::vector<std::string> payloads = {"[{\"a\":1},{\"a\":\"x\"}]", "{\"a\":2}"};
  Batch raw = MakeRawBatch(std::span<const std::string>(payloads));
  auto r = MakeDecoder(o)->DecodeMessages(*raw.column(0));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->batch.ToString(), "a\n2\n");
  EXPECT_EQ(r->source_index, (std::vector<int64_t>{1}));
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].message, "field \"a\": expected int64, got string");
}

TEST(JsonDecoderTest, DecodeMessagesFromUnpaddedBufferCopies) {
  // A column over foreign memory (padded() == false) must not be read past its end.
  std::string storage = "{\"k\":\"v\"}";
  auto owner = std::make_shared<std::string>(storage);
  BufferPtr data =
      Buffer::Wrap(reinterpret_cast<const uint8_t*>(owner->data()), owner->size(), owner);
  BufferBuilder offsets;
  offsets.AppendValue<int32_t>(0);
  offsets.AppendValue<int32_t>(static_cast<int32_t>(owner->size()));
  ColumnPtr col = Column::Make(DataType::Binary(), 1, {nullptr, offsets.Finish(), data});
  auto r = MakeDecoder()->DecodeMessages(*col);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->batch.ToString(), "k\nv\n");
}

TEST(JsonDecoderTest, DecodeMessagesRejectsNonBinaryColumns) {
  Int64Builder b(DataType::Int64());
  b.Append(1);
  auto r = MakeDecoder()->DecodeMessages(*b.Finish());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTypeError);
  EXPECT_EQ(r.status().message(),
            "json decoder: the payload column must be binary or string, not int64");
}

TEST(JsonDecoderTest, StringsAreUnescaped) {
  DecodeResult r = Decode(R"({"s":"a\"b\\c\nd\u00e9\ud83d\ude00"})");
  ASSERT_TRUE(r.errors.empty()) << ErrorsToString(r.errors);
  EXPECT_EQ(r.batch.column(0)->GetView(0), "a\"b\\c\nd\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(JsonDecoderTest, FallbackAfterManyMatchingRecordsKeepsEverything) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += fmt::format("{{\"a\":{},\"b\":\"s{}\"}}\n", i, i);
  text += "{\"a\":0.5,\"c\":[1]}\n";
  for (int i = 0; i < 3; ++i) text += "{bad\n";
  DecodeResult r = Decode(text);
  EXPECT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.batch.schema()->ToString(), "a: float64, b: string, c: list<int64>");
  EXPECT_EQ(r.batch.num_rows(), 101);
  EXPECT_EQ(r.batch.column(0)->data<double>()[99], 99.0);
  EXPECT_EQ(r.batch.column(0)->data<double>()[100], 0.5);
  EXPECT_EQ(r.batch.column(1)->GetView(42), "s42");
  EXPECT_TRUE(r.batch.column(1)->IsNull(100));
  EXPECT_EQ(r.errors[0].line, 102);
}

}  // namespace
}  // namespace ark
