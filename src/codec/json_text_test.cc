#include "codec/json_text.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "base/time.h"
#include "core/column_builder.h"

namespace ark::json_text {
namespace {

std::string Str(std::string_view s) {
  std::string out(MaxStringSize(s.size()), '\0');
  out.resize(static_cast<size_t>(WriteString(out.data(), s) - out.data()));
  return out;
}

std::string Dbl(double v) {
  char buf[kMaxNumberSize];
  return std::string(buf, WriteDouble(buf, v));
}

std::string Flt(float v) {
  char buf[kMaxNumberSize];
  return std::string(buf, WriteFloat(buf, v));
}

std::string Ts(int64_t us) {
  char buf[kMaxTimestampSize];
  return std::string(buf, WriteTimestamp(buf, us));
}

std::string B64(std::string_view s) {
  std::string out(Base64Size(s.size()), '\0');
  WriteBase64(out.data(), s);
  return out;
}

std::string Interval(IntervalValue v) {
  char buf[kMaxIntervalSize];
  return std::string(buf, WriteInterval(buf, v));
}

TEST(JsonTextTest, StringEscaping) {
  EXPECT_EQ(Str(""), "\"\"");
  EXPECT_EQ(Str("plain ascii text, longer than eight"), "\"plain ascii text, longer than eight\"");
  EXPECT_EQ(Str("q\"b\\n\nr\rt\tb\bf\f"), R"("q\"b\\n\nr\rt\tb\bf\f")");
  EXPECT_EQ(Str(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\x7f\"");
  EXPECT_EQ(Str(std::string("nul\0byte", 8)), "\"nul\\u0000byte\"");
  EXPECT_EQ(Str("caf\xc3\xa9 \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  // Invalid UTF-8 bytes become U+FFFD; the escapes around them still apply.
  EXPECT_EQ(Str("a\xff\"b\xc3"), "\"a\xEF\xBF\xBD\\\"b\xEF\xBF\xBD\"");
  EXPECT_EQ(Str("\xed\xa0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // a surrogate
  EXPECT_EQ(Str("0123456\"89abcdef\n"), "\"0123456\\\"89abcdef\\n\"");
}

TEST(JsonTextTest, Numbers) {
  char buf[kMaxNumberSize];
  EXPECT_EQ(std::string(buf, WriteInt(buf, std::numeric_limits<int64_t>::min())),
            "-9223372036854775808");
  EXPECT_EQ(Dbl(1.0), "1.0");
  EXPECT_EQ(Dbl(-20.0), "-20.0");
  EXPECT_EQ(Dbl(0.1), "0.1");
  EXPECT_EQ(Dbl(1e21), "1e+21");
  EXPECT_EQ(Dbl(1.5e-7), "1.5e-07");
  EXPECT_EQ(Dbl(123456789.125), "123456789.125");
  EXPECT_EQ(Dbl(-0.0), "-0.0");
  EXPECT_EQ(Dbl(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(Flt(0.1f), "0.1");
  EXPECT_EQ(Flt(3.0f), "3.0");
}

TEST(JsonTextTest, TimestampsMatchFormatTimestampMicros) {
  for (int64_t us : {int64_t{0}, int64_t{1714564800123456}, int64_t{1714564800120000},
                     int64_t{1714564800000000}, int64_t{-1}, int64_t{-86400000000},
                     int64_t{253402300799999999}, int64_t{253402300800000000},
                     std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(Ts(us), FormatTimestampMicros(us)) << us;
  }
  EXPECT_EQ(Ts(1714564800123456), "2024-05-01T12:00:00.123456Z");
  EXPECT_EQ(Ts(-1), "1969-12-31T23:59:59.999999Z");
  char buf[kMaxTimestampSize];
  EXPECT_EQ(std::string(buf, WriteDate(buf, 19844)), "2024-05-01");
  EXPECT_EQ(std::string(buf, WriteDate(buf, -1)), "1969-12-31");
}

TEST(JsonTextTest, Base64) {
  EXPECT_EQ(B64(""), "");
  EXPECT_EQ(B64("f"), "Zg==");
  EXPECT_EQ(B64("fo"), "Zm8=");
  EXPECT_EQ(B64("foo"), "Zm9v");
  EXPECT_EQ(B64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(B64(std::string("\xff\x00\xfe", 3)), "/wD+");
}

TEST(JsonTextTest, Intervals) {
  EXPECT_EQ(Interval({}), "PT0S");
  EXPECT_EQ(Interval({14, 3, 3723500000000}), "P14M3DT3723.5S");
  EXPECT_EQ(Interval({0, 2, 0}), "P2D");
  EXPECT_EQ(Interval({-1, 0, -1500}), "P-1MT-0.0000015S");
}

TEST(JsonTextTest, AppendJsonValueNested) {
  DataType t = DataType::Struct({Field("a", DataType::List(DataType::Float64())),
                                 Field("b", DataType::Binary()), Field("c", DataType::Null())});
  StructBuilder sb(t);
  auto& list = static_cast<ListBuilder&>(sb.field(0));
  auto& values = static_cast<Float64Builder&>(list.values());
  auto& bin = static_cast<BinaryBuilder&>(sb.field(1));
  sb.Append();
  list.Append();
  values.Append(1.5);
  values.Append(std::nan(""));
  values.AppendNull();
  bin.Append(std::string("\x00\xff", 2));
  sb.field(2).AppendNull();
  sb.AppendNull();
  sb.Append();
  list.AppendNull();
  bin.Append("text");
  sb.field(2).AppendNull();
  ColumnPtr col = sb.Finish();
  TextBuffer out;
  for (int64_t i = 0; i < col->length(); ++i) {
    AppendJsonValue(&out, *col, i);
    out.Push('\n');
  }
  EXPECT_EQ(out.view(),
            "{\"a\":[1.5,null,null],\"b\":\"AP8=\",\"c\":null}\n"
            "null\n"
            "{\"a\":null,\"b\":\"text\",\"c\":null}\n");
  // A slice keeps struct children aligned.
  out.Clear();
  AppendJsonValue(&out, *col->Slice(2, 1), 0);
  EXPECT_EQ(out.view(), "{\"a\":null,\"b\":\"text\",\"c\":null}");
}

TEST(JsonTextTest, TextBufferGrows) {
  TextBuffer b;
  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    b.Append("0123456789");
    expected += "0123456789";
  }
  EXPECT_EQ(b.view(), expected);
  b.Truncate(5);
  EXPECT_EQ(b.view(), "01234");
}

}  // namespace
}  // namespace ark::json_text
