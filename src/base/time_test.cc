#include "base/time.h"

#include <gtest/gtest.h>

namespace ark {
namespace {

TEST(TimeTest, FormatsTimestamps) {
  EXPECT_EQ(FormatTimestampMicros(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestampMicros(1714564800123456), "2024-05-01T12:00:00.123456Z");
  EXPECT_EQ(FormatTimestampMicros(1714564800500000), "2024-05-01T12:00:00.5Z");
  EXPECT_EQ(FormatTimestampMicros(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(TimeTest, ParsesTimestamps) {
  EXPECT_EQ(*ParseTimestampMicros("2024-05-01T12:00:00Z"), 1714564800000000);
  EXPECT_EQ(*ParseTimestampMicros("2024-05-01 12:00:00.5"), 1714564800500000);
  EXPECT_EQ(*ParseTimestampMicros("2024-05-01T14:00:00+02:00"), 1714564800000000);
  EXPECT_EQ(*ParseTimestampMicros("2024-05-01"), 1714521600000000);
  EXPECT_EQ(ParseTimestampMicros("yesterday").status().message(),
            "invalid timestamp \"yesterday\": expected ISO 8601 like \"2024-05-01T12:00:00Z\"");
}

TEST(TimeTest, Dates) {
  EXPECT_EQ(*ParseDate("1970-01-02"), 1);
  EXPECT_EQ(FormatDate(19844), "2024-05-01");
  EXPECT_FALSE(ParseDate("2024-13-01").ok());
}

TEST(TimeTest, CivilRoundTrip) {
  for (int64_t d = -800000; d < 800000; d += 997) {
    int64_t y;
    unsigned m, day;
    CivilFromDays(d, &y, &m, &day);
    EXPECT_EQ(DaysFromCivil(y, m, day), d);
  }
}

}  // namespace
}  // namespace ark
