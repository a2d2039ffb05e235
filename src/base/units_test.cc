#include "base/units.h"

#include <gtest/gtest.h>

namespace ark {
namespace {

using std::chrono::nanoseconds;

TEST(UnitsTest, ParsesDurations) {
  EXPECT_EQ(*ParseDuration("500ms"), nanoseconds(500'000'000));
  EXPECT_EQ(*ParseDuration("1m"), nanoseconds(60'000'000'000));
  EXPECT_EQ(*ParseDuration("1m30s"), nanoseconds(90'000'000'000));
  EXPECT_EQ(*ParseDuration("1.5s"), nanoseconds(1'500'000'000));
  EXPECT_EQ(*ParseDuration("2h"), nanoseconds(7'200'000'000'000));
  EXPECT_EQ(*ParseDuration("10us"), nanoseconds(10'000));
  EXPECT_EQ(*ParseDuration("0s"), nanoseconds(0));
  EXPECT_EQ(*ParseDuration("250", /*bare_unit_ms=*/true), nanoseconds(250'000'000));
}

TEST(UnitsTest, RejectsBadDurations) {
  EXPECT_EQ(ParseDuration("fast").status().message(),
            "invalid duration \"fast\": expected a number followed by a unit (ns, us, ms, s, m, h, "
            "d)");
  EXPECT_EQ(ParseDuration("10").status().message(),
            "invalid duration \"10\": missing unit after 10 (use ns, us, ms, s, m, h or d)");
  EXPECT_EQ(ParseDuration("3 weeks").status().message(),
            "invalid duration \"3 weeks\": unknown unit \"weeks\" (use ns, us, ms, s, m, h or d)");
  EXPECT_FALSE(ParseDuration("").ok());
}

TEST(UnitsTest, FormatsDurations) {
  EXPECT_EQ(FormatDuration(nanoseconds(500'000'000)), "500ms");
  EXPECT_EQ(FormatDuration(nanoseconds(90'000'000'000)), "1m30s");
  EXPECT_EQ(FormatDuration(nanoseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(nanoseconds(1500)), "1500ns");
}

TEST(UnitsTest, ParsesSizes) {
  EXPECT_EQ(*ParseByteSize("64MiB"), 64ull << 20);
  EXPECT_EQ(*ParseByteSize("1GB"), 1'000'000'000ull);
  EXPECT_EQ(*ParseByteSize("4096"), 4096ull);
  EXPECT_EQ(*ParseByteSize("1.5 KiB"), 1536ull);
  EXPECT_EQ(*ParseByteSize("2k"), 2048ull);
  EXPECT_EQ(
      ParseByteSize("12 parsecs").status().message(),
      "invalid size \"12 parsecs\": unknown unit \"parsecs\" (use B, KB, MB, GB, TB, KiB, MiB, "
      "GiB, TiB)");
}

TEST(UnitsTest, FormatsSizes) {
  EXPECT_EQ(FormatByteSize(512), "512 B");
  EXPECT_EQ(FormatByteSize(64ull << 20), "64.0 MiB");
}

}  // namespace
}  // namespace ark
