#include "base/strings.h"

#include <gtest/gtest.h>

namespace ark {
namespace {

TEST(StringsTest, EditDistance) {
  EXPECT_EQ(EditDistance("count", "cout"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("levle", "level"), 1u);
}

TEST(StringsTest, DidYouMean) {
  std::vector<std::string> options = {"context", "interval", "count", "batch_size"};
  EXPECT_EQ(DidYouMean("cout", options), " (did you mean \"count\"?)");
  EXPECT_EQ(DidYouMean("intervall", options), " (did you mean \"interval\"?)");
  EXPECT_EQ(DidYouMean("Batch_Size", options), " (did you mean \"batch_size\"?)");
  EXPECT_EQ(DidYouMean("zzz", options), "");
  EXPECT_EQ(DidYouMean("inetrval", options), " (did you mean \"interval\"?)");
}

}  // namespace
}  // namespace ark

namespace ark {
namespace {

TEST(AsciiLowerTest, LowersAsciiLettersOnly) {
  EXPECT_EQ(AsciiLower("Flow_Ä1.CSV"), "flow_Ä1.csv");
  EXPECT_EQ(AsciiLower(""), "");
}

}  // namespace
}  // namespace ark
