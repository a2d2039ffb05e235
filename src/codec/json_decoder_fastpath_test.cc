// Differential test of JsonDecoder's record-template fast path: NDJSON lines (template first,
// simdjson when it declines) must decode exactly like the same records wrapped in one-element
// arrays (which the template never takes, so simdjson decodes every one of them).
#include <random>

#include <gtest/gtest.h>

#include "codec/json_decoder.h"
#include "core/raw_message.h"
#include "core/type_parser.h"

namespace ark {
namespace {

class RecordGenerator {
 public:
  // `lists`: include the "tags" field, whose list type keeps the template off.
  RecordGenerator(uint64_t seed, bool lists) : rng_(seed), lists_(lists) {}

  std::string Record() {
    static const char* kKeys[] = {"id", "price", "name", "ok", "ts", "tags", "note"};
    std::vector<int> order = {0, 1, 2, 3, 4, 5, 6};
    if (Chance(5)) std::swap(order[Pick(7)], order[Pick(7)]);
    std::string out = Space() + "{";
    bool first = true;
    for (int k : order) {
      if (k == 5 && !lists_) continue;
      if (Chance(4)) continue;  // missing field
      if (!first) out += Space() + "," + Space();
      first = false;
      out += "\"" + std::string(kKeys[k]) + "\"" + Space() + ":" + Space() + Value(k);
      if (Chance(2)) out += ",\"" + std::string(kKeys[k]) + "\":" + Value(k);  // duplicate
    }
    if (Chance(3)) out += ",\"extra\":" + Value(Pick(7));
    out += Space() + "}" + Space();
    if (Chance(2)) out = out.substr(0, Pick(static_cast<int>(out.size())));  // truncated
    return out;
  }

 private:
  bool Chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }

  std::string Space() {
    if (!Chance(5)) return "";
    static const char* kSpaces[] = {" ", "  ", "\t", " \t "};
    return kSpaces[Pick(4)];
  }

  std::string Int() {
    static const char* kEdge[] = {"0",
                                  "-0",
                                  "01",
                                  "-",
                                  "9223372036854775807",
                                  "-9223372036854775808",
                                  "9223372036854775808",
                                  "123456789012345678",
                                  "1234567890123456789",
                                  "+1",
                                  "1x"};
    if (Chance(8)) return kEdge[Pick(11)];
    return std::to_string(static_cast<int64_t>(rng_() % 2000000) - 1000000);
  }

  std::string Float() {
    static const char* kEdge[] = {"1.5", "-0.0",  "1e5",        "1E-3", "2.5e+10", "1.",  ".5",
                                  "1e",  "1e400", "-1.25e-300", "0.1",  "3.0",     "NaN", "1.0e"};
    if (Chance(15)) return kEdge[Pick(14)];
    return std::to_string(Pick(100000)) + "." + std::to_string(Pick(1000));
  }

  std::string String() {
    static const char* kEdge[] = {
        "\"plain\"",
        "\"\"",
        "\"esc\\n\\\"q\\\\\"",
        "\"\\u00e9\\ud83d\\ude00\"",
        "\"caf\xc3\xa9\"",
        "\"bad\xff utf8\"",
        "\"tab\there\"",
        "\"ctl\x01\"",
        "\"bad\\x escape\"",
        "\"unterminated",
        "\"long string with sixteen+ bytes, to use the wide scan path \xe2\x82\xac\"",
        "\"0123456789abcde\\\"\""};
    if (Chance(30)) return kEdge[Pick(12)];
    std::string s = "\"";
    int n = Pick(40);
    for (int i = 0; i < n; ++i) s += static_cast<char>('a' + Pick(26));
    return s + "\"";
  }

  std::string Value(int key) {
    if (Chance(6)) return "null";
    if (Chance(3)) {
      static const char* kOdd[] = {"true",      "false", "tru", "nul", "[1,2]",
                                   "{\"x\":1}", "\"s\"", "7",   "[]",  "{}"};
      return kOdd[Pick(10)];
    }
    switch (key) {
      case 0:
        return Int();
      case 1:
        return Chance(50) ? Float() : Int();
      case 2:
        return String();
      case 3:
        return Chance(50) ? "true" : "false";
      case 4:
        return Chance(50) ? "\"2024-05-01T12:00:0" + std::to_string(Pick(10)) + "Z\"" : Int();
      case 5:
        return "[" + String() + "," + String() + "]";
      default:
        return String();
    }
  }

  std::mt19937_64 rng_;
  bool lists_;
};

struct Outcome {
  Batch batch;
  std::vector<int64_t> error_lines;
};

Outcome AsLines(const std::vector<std::string>& records, const JsonDecoderOptions& options) {
  std::string text;
  for (const auto& r : records) text += r + "\n";
  auto d = JsonDecoder::Make(options);
  auto r = (*d)->DecodeChunk(text, {});
  EXPECT_TRUE(r.ok());
  Outcome out{r->batch, {}};
  for (const auto& e : r->errors) out.error_lines.push_back(e.line);
  return out;
}

Outcome AsArrays(const std::vector<std::string>& records, const JsonDecoderOptions& options) {
  std::vector<std::string> payloads;
  for (const auto& r : records) payloads.push_back("[" + r + "]");
  Batch raw = MakeRawBatch(std::span<const std::string>(payloads));
  auto d = JsonDecoder::Make(options);
  auto r = (*d)->DecodeMessages(*raw.column(0));
  EXPECT_TRUE(r.ok());
  Outcome out{r->batch, {}};
  for (const auto& e : r->errors) out.error_lines.push_back(e.message_index + 1);
  return out;
}

void ExpectSameOutcome(const std::vector<std::string>& records, const JsonDecoderOptions& options) {
  Outcome lines = AsLines(records, options);
  Outcome arrays = AsArrays(records, options);
  EXPECT_EQ(lines.error_lines, arrays.error_lines);
  ASSERT_EQ(lines.batch.schema()->ToString(), arrays.batch.schema()->ToString());
  ASSERT_EQ(lines.batch.num_rows(), arrays.batch.num_rows());
  for (int c = 0; c < lines.batch.num_columns(); ++c) {
    for (int64_t row = 0; row < lines.batch.num_rows(); ++row) {
      ASSERT_EQ(lines.batch.column(c)->ValueToString(row),
                arrays.batch.column(c)->ValueToString(row))
          << "column " << lines.batch.schema()->field(c).name << " row " << row;
    }
  }
  EXPECT_TRUE(lines.batch.Equals(arrays.batch));
}

TEST(JsonDecoderFastPathTest, InferredMatchesSimdjsonOnRandomRecords) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    RecordGenerator gen(seed, /*lists=*/seed % 2 == 0);
    std::vector<std::string> records;
    // A regular prefix so that the fast path is taken before the odd records show up.
    for (int i = 0; i < 50; ++i) {
      records.push_back(
          fmt::format("{{\"id\":{},\"price\":{}.5,\"name\":\"n{}\",\"ok\":true}}", i, i, i));
    }
    for (int i = 0; i < 400; ++i) records.push_back(gen.Record());
    SCOPED_TRACE(seed);
    ExpectSameOutcome(records, {});
  }
}

TEST(JsonDecoderFastPathTest, UniformRecordsStayOnTheFastPath) {
  // Records that all fit the first one's shape, with the value edge cases that the template
  // must get exactly right.
  std::vector<std::string> records;
  const char* ints[] = {"0", "-0", "123456789012345678", "-123456789012345678", "7"};
  const char* floats[] = {"1.5", "-0.0", "1e5", "1E-3", "2.5e+10", "0.1", "3", "-1.25e-300"};
  const char* strings[] = {
      "\"\"", "\"caf\xc3\xa9\"", "\"0123456789abcdefghij\"",
      "\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\""};
  for (int i = 0; i < 200; ++i) {
    records.push_back(fmt::format("{{\"i\":{},\"f\":{},\"s\":{},\"b\":{}}}", ints[i % 5],
                                  floats[i % 8], strings[i % 4], i % 3 ? "true" : "null"));
  }
  ExpectSameOutcome(records, {});
}

TEST(JsonDecoderFastPathTest, DeclaredMatchesSimdjsonOnRandomRecords) {
  JsonDecoderOptions options;
  options.schema = std::vector<Field>{
      Field("id", *ParseDataType("int32")),     Field("price", *ParseDataType("float32")),
      Field("name", *ParseDataType("text")),    Field("ok", *ParseDataType("bool")),
      Field("ts", *ParseDataType("timestamp")), Field("note", *ParseDataType("bytea"))};
  for (uint64_t seed = 100; seed <= 120; ++seed) {
    RecordGenerator gen(seed, /*lists=*/false);
    std::vector<std::string> records;
    for (int i = 0; i < 500; ++i) records.push_back(gen.Record());
    SCOPED_TRACE(seed);
    ExpectSameOutcome(records, options);
  }
}

}  // namespace
}  // namespace ark
