// Golden tests over the tricky inputs in tests/data/codec: each input's decoded batches and error
// records must match its `.expected` file exactly. To review a change, run with
// ARK_UPDATE_GOLDEN=1 to rewrite the expected files and inspect the diff.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "codec/csv_decoder.h"
#include "codec/json_decoder.h"

namespace ark {
namespace {

std::string DataPath(std::string_view name) {
  return std::string(ARK_SOURCE_DIR) + "/tests/data/codec/" + std::string(name);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Describe(const DecodeResult& r) {
  std::string out = "schema: " + r.batch.schema()->ToString() + "\n" + r.batch.ToString();
  for (const auto& e : r.errors) {
    out += fmt::format("error: line {} byte {}: {}\n", e.line, e.byte_offset, e.message);
  }
  return out;
}

void ExpectGolden(std::string_view input, const std::string& actual) {
  std::string path = DataPath(std::string(input) + ".expected");
  if (std::getenv("ARK_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, ReadFile(path)) << "golden file " << path;
}

TEST(CodecGoldenTest, TrickyNdjson) {
  std::string text = ReadFile(DataPath("tricky.ndjson"));
  ASSERT_FALSE(text.empty());
  auto d = JsonDecoder::Make({});
  auto r = (*d)->DecodeChunk(text, {});
  ASSERT_TRUE(r.ok());
  ExpectGolden("tricky.ndjson", Describe(*r));
}

TEST(CodecGoldenTest, TrickyCsvInTwoChunks) {
  std::string text = ReadFile(DataPath("tricky.csv"));
  ASSERT_FALSE(text.empty());
  // The first chunk (through record 5) fixes the types; the second is checked against them.
  size_t cut = text.find("6,too");
  ASSERT_NE(cut, std::string::npos);
  ASSERT_EQ(CsvRecordBoundary(std::string_view(text).substr(0, cut)), cut);
  auto d = CsvDecoder::Make({});
  auto first = (*d)->DecodeChunk(std::string_view(text).substr(0, cut), {});
  ASSERT_TRUE(first.ok());
  auto second = (*d)->DecodeChunk(std::string_view(text).substr(cut),
                                  {.first_line = 9, .byte_offset = static_cast<int64_t>(cut)});
  ASSERT_TRUE(second.ok());
  ExpectGolden("tricky.csv",
               "-- chunk 1\n" + Describe(*first) + "-- chunk 2\n" + Describe(*second));
}

}  // namespace
}  // namespace ark
