#include "codec/csv_decoder.h"

#include <gtest/gtest.h>

#include "core/raw_message.h"
#include "core/type_parser.h"

namespace ark {
namespace {

std::unique_ptr<CsvDecoder> MakeDecoder(CsvDecoderOptions options = {}) {
  auto d = CsvDecoder::Make(std::move(options));
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return std::move(d).value();
}

DecodeResult DecodeWith(CsvDecoder* d, std::string_view text, ChunkPosition pos = {}) {
  auto r = d->DecodeChunk(text, pos);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

DecodeResult Decode(std::string_view text, CsvDecoderOptions options = {}) {
  return DecodeWith(MakeDecoder(std::move(options)).get(), text);
}

std::string ErrorsToString(const std::vector<RecordError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += fmt::format("[{}] line {} byte {}: {} | {}\n", e.message_index, e.line, e.byte_offset,
                       e.message, e.raw);
  }
  return out;
}

std::vector<Field> Declared(std::initializer_list<std::pair<const char*, const char*>> fields) {
  std::vector<Field> out;
  for (const auto& [name, type] : fields) out.emplace_back(name, *ParseDataType(type));
  return out;
}

TEST(CsvDecoderTest, HeaderAndInferredTypes) {
  DecodeResult r = Decode(
      "id,price,ok,name,empty\n"
      "1,2.5,true,a,\n"
      "2,3,FALSE,b b,\n");
  ASSERT_TRUE(r.errors.empty()) << ErrorsToString(r.errors);
  EXPECT_EQ(r.batch.schema()->ToString(),
            "id: int64, price: float64, ok: bool, name: string, empty: string");
  EXPECT_EQ(r.batch.ToString(),
            "id | price | ok | name | empty\n"
            "1 | 2.5 | true | a | NULL\n"
            "2 | 3 | false | b b | NULL\n");
}

TEST(CsvDecoderTest, MixedKindsAreStrings) {
  DecodeResult r = Decode("a,b,c,d,e\n1,true,nan,007,.5\nx,1,inf,-5,2e3\n");
  EXPECT_EQ(r.batch.schema()->ToString(), "a: string, b: string, c: string, d: int64, e: float64");
  EXPECT_EQ(r.batch.ToString(),
            "a | b | c | d | e\n1 | true | nan | 7 | 0.5\nx | 1 | inf | -5 | 2000\n");
}

TEST(CsvDecoderTest, QuotedFieldsRfc4180) {
  DecodeResult r = Decode(
      "name,note\r\n"
      "\"Smith, J\",\"said \"\"hi\"\"\"\r\n"
      "\"multi\nline\",\"\"\r\n"
      "plain,\"x\"\n");
  ASSERT_TRUE(r.errors.empty()) << ErrorsToString(r.errors);
  EXPECT_EQ(r.batch.num_rows(), 3);
  EXPECT_EQ(r.batch.column(0)->GetView(0), "Smith, J");
  EXPECT_EQ(r.batch.column(1)->GetView(0), "said \"hi\"");
  EXPECT_EQ(r.batch.column(0)->GetView(1), "multi\nline");
  EXPECT_FALSE(r.batch.column(1)->IsNull(1));
  EXPECT_EQ(r.batch.column(1)->GetView(1), "");
  EXPECT_EQ(r.batch.column(1)->GetView(2), "x");
}

TEST(CsvDecoderTest, QuoteInsideUnquotedFieldIsLiteral) {
  DecodeResult r = Decode("h\n5'10\"\n");
  ASSERT_TRUE(r.errors.empty()) << ErrorsToString(r.errors);
  EXPECT_EQ(r.batch.column(0)->GetView(0), "5'10\"");
}

TEST(CsvDecoderTest, WrongFieldCountIsARecordError) {
  DecodeResult r = Decode("a,b\n1,2\n3\n4,5,6\n7,8\n");
  EXPECT_EQ(r.batch.ToString(), "a | b\n1 | 2\n7 | 8\n");
  EXPECT_EQ(ErrorsToString(r.errors),
            "[-1] line 3 byte 8: expected 2 fields, got 1 | 3\n"
            "[-1] line 4 byte 10: expected 2 fields, got 3 | 4,5,6\n");
}

TEST(CsvDecoderTest, SyntaxErrors) {
  DecodeResult r = Decode("a,b\n\"x\"y,1\n2,3\n\"open,4\n5,6\n");
  EXPECT_EQ(r.batch.ToString(), "a | b\n2 | 3\n");
  EXPECT_EQ(ErrorsToString(r.errors),
            "[-1] line 2 byte 4: unexpected character 'y' after the closing quote of field 1 | "
            "\"x\"y,1\n"
            "[-1] line 4 byte 15: unterminated quoted field | \"open,4\n5,6\n");
}

TEST(CsvDecoderTest, HeaderlessColumnsAreNumbered) {
  CsvDecoderOptions o;
  o.header = false;
  o.delimiter = ';';
  DecodeResult r = Decode("1;a\n2;b\n", o);
  EXPECT_EQ(r.batch.schema()->ToString(), "c0: int64, c1: string");
  EXPECT_EQ(r.batch.ToString(), "c0 | c1\n1 | a\n2 | b\n");
}

TEST(CsvDecoderTest, HeaderAndTypesAreKeptAcrossChunks) {
  auto d = MakeDecoder();
  DecodeResult first = DecodeWith(d.get(), "id,price\n1,2.5\n");
  EXPECT_EQ(first.batch.schema()->ToString(), "id: int64, price: float64");
  DecodeResult second =
      DecodeWith(d.get(), "2,3\n3,abc\n4,\n", {.first_line = 3, .byte_offset = 15});
  EXPECT_EQ(second.batch.schema()->ToString(), "id: int64, price: float64");
  EXPECT_EQ(second.batch.ToString(), "id | price\n2 | 3\n4 | NULL\n");
  EXPECT_EQ(ErrorsToString(second.errors),
            "[-1] line 4 byte 19: column \"price\": expected float64, got \"abc\" | 3,abc\n");
}

TEST(CsvDecoderTest, LongBadValuesAreCutInMessages) {
  auto d = MakeDecoder();
  DecodeWith(d.get(), "n\n1\n");
  std::string value = std::string(63, 'x') + "\xc3\xa9" + std::string(10, 'y');
  DecodeResult r = DecodeWith(d.get(), value + "\n", {.first_line = 3, .byte_offset = 4});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message,
            "column \"n\": expected int64, got \"" + std::string(63, 'x') + "\xE2\x80\xA6\"");
}

TEST(CsvDecoderTest, HeaderOnlyChunkThenData) {
  auto d = MakeDecoder();
  DecodeResult first = DecodeWith(d.get(), "a,b\n");
  EXPECT_EQ(first.batch.num_rows(), 0);
  EXPECT_EQ(d->schema(), nullptr);
  DecodeResult second = DecodeWith(d.get(), "1,x\n", {.first_line = 2, .byte_offset = 4});
  EXPECT_EQ(second.batch.ToString(), "a | b\n1 | x\n");
}

TEST(CsvDecoderTest, DeclaredSchemaByHeaderName) {
  CsvDecoderOptions o;
  o.schema = Declared({{"price", "double"}, {"id", "int"}, {"ts", "timestamp"}, {"d", "date"}});
  DecodeResult r = Decode(
      "id,name,price,ts,d\n"
      "1,a,2,2024-05-01T00:00:00Z,2024-05-01\n"
      "2,b,x,5,1\n"
      "99999999999,c,1,,\n",
      o);
  EXPECT_EQ(r.batch.schema()->ToString(), "price: float64, id: int32, ts: timestamp, d: date");
  EXPECT_EQ(r.batch.ToString(),
            "price | id | ts | d\n"
            "2 | 1 | 2024-05-01T00:00:00Z | 2024-05-01\n");
  EXPECT_EQ(ErrorsToString(r.errors),
            "[-1] line 3 byte 57: column \"price\": expected float64, got \"x\" | 2,b,x,5,1\n"
            "[-1] line 4 byte 67: column \"id\": expected int32, got \"99999999999\" | "
            "99999999999,c,1,,\n");
}

TEST(CsvDecoderTest, DeclaredColumnMissingFromHeaderFailsTheCall) {
  CsvDecoderOptions o;
  o.schema = Declared({{"prise", "float64"}});
  auto d = MakeDecoder(o);
  auto r = d->DecodeChunk("id,price\n1,2\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "csv: declared column \"prise\" is not in the header (id, price) (did you mean "
            "\"price\"?)");
}

TEST(CsvDecoderTest, DeclaredSchemaWithoutHeaderIsPositional) {
  CsvDecoderOptions o;
  o.header = false;
  o.schema = Declared({{"id", "int64"}, {"ok", "bool"}});
  DecodeResult r = Decode("1,true\n2,no\n", o);
  EXPECT_EQ(r.batch.ToString(), "id | ok\n1 | true\n");
  EXPECT_EQ(ErrorsToString(r.errors),
            "[-1] line 2 byte 7: column \"ok\": expected bool, got \"no\" | 2,no\n");
}

TEST(CsvDecoderTest, UnsupportedDeclaredTypesAndBadOptions) {
  CsvDecoderOptions o;
  o.schema = Declared({{"v", "list<int64>"}});
  auto d = CsvDecoder::Make(o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(),
            "csv schema: column \"v\": type list<int64> is not supported by the csv codec");
  CsvDecoderOptions same;
  same.delimiter = '"';
  EXPECT_EQ(CsvDecoder::Make(same).status().message(),
            "csv: delimiter and quote must differ (both are '\"')");
}

TEST(CsvDecoderTest, InvalidUtf8InAStringColumn) {
  DecodeResult r = Decode("a,b\n1,ok\n2,\xff\n3,\xc3\xa9\n");
  EXPECT_EQ(r.batch.ToString(), "a | b\n1 | ok\n3 | \xc3\xa9\n");
  EXPECT_EQ(ErrorsToString(r.errors), "[-1] line 3 byte 9: column \"b\": invalid UTF-8 | 2,\xff\n");
}

TEST(CsvDecoderTest, OverlongRecord) {
  CsvDecoderOptions o;
  o.max_record_bytes = 5;
  DecodeResult r = Decode("a\n1\n123456\n2\n", o);
  EXPECT_EQ(r.batch.ToString(), "a\n1\n2\n");
  EXPECT_EQ(ErrorsToString(r.errors),
            "[-1] line 3 byte 4: record of 6 bytes exceeds max_record_bytes 5 | 123456\n");
}

TEST(CsvDecoderTest, EmptyLinesSkippedAndTrailingDelimiter) {
  DecodeResult r = Decode("a,b\n\n1,\r\n\r\n2,x");
  ASSERT_TRUE(r.errors.empty()) << ErrorsToString(r.errors);
  EXPECT_EQ(r.batch.ToString(), "a | b\n1 | NULL\n2 | x\n");
}

TEST(CsvDecoderTest, DecodeMessages) {
  std::vector<std::string> payloads = {"id,name", "1,a", "2,b\n3,c", "4", "5,e"};
  Batch raw = MakeRawBatch(std::span<const std::string>(payloads));
  auto d = MakeDecoder();
  auto r = d->DecodeMessages(*raw.column(0));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->batch.ToString(), "id | name\n1 | a\n2 | b\n3 | c\n5 | e\n");
  EXPECT_EQ(r->source_index, (std::vector<int64_t>{1, 2, 2, 4}));
  EXPECT_EQ(ErrorsToString(r->errors), "[3] line 1 byte 0: expected 2 fields, got 1 | 4\n");
}

TEST(CsvRecordBoundaryTest, FindsTheLastCompleteRecord) {
  EXPECT_EQ(CsvRecordBoundary(""), 0u);
  EXPECT_EQ(CsvRecordBoundary("a,b"), 0u);
  EXPECT_EQ(CsvRecordBoundary("a,b\nc,d"), 4u);
  EXPECT_EQ(CsvRecordBoundary("a,b\nc,d\n"), 8u);
  // The newline inside quotes is not a boundary.
  EXPECT_EQ(CsvRecordBoundary("a,\"x\ny\"\nb,\"open\n"), 8u);
  // Doubled quotes stay inside the field.
  EXPECT_EQ(CsvRecordBoundary("\"a\"\"\n\"\n"), 7u);
  // A quote in the middle of an unquoted field is literal.
  EXPECT_EQ(CsvRecordBoundary("5'10\",x\nnext"), 8u);
  EXPECT_EQ(CsvRecordBoundary("a;\"b\nc\"\n", ';'), 8u);
  EXPECT_EQ(CsvRecordBoundary("a,'b\nc'\n", ',', '\''), 8u);
}

TEST(CsvRecordBoundaryTest, SplittingAtBoundariesDecodesLikeOneChunk) {
  const std::string text = "k,v\n1,\"a\nb\"\n2,\"c,d\"\n3,e\n";
  auto whole = Decode(text);
  auto d = MakeDecoder();
  std::vector<Batch> parts;
  // Feed 9 bytes at a time, carrying over what does not end on a record boundary.
  std::string pending;
  for (size_t i = 0; i < text.size(); i += 9) {
    pending += text.substr(i, 9);
    size_t cut = CsvRecordBoundary(pending);
    auto r = d->DecodeChunk(std::string_view(pending).substr(0, cut), {});
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->errors.empty()) << ErrorsToString(r->errors);
    if (r->batch.num_rows() > 0) parts.push_back(r->batch);
    pending.erase(0, cut);
  }
  EXPECT_TRUE(pending.empty());
  auto joined = ConcatBatches(parts);
  ASSERT_TRUE(joined.ok());
  EXPECT_TRUE(joined->Equals(whole.batch)) << joined->ToString() << whole.batch.ToString();
}

}  // namespace
}  // namespace ark
