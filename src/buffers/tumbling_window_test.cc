#include "buffers/tumbling_window.h"

#include <gtest/gtest.h>

#include "buffers/buffer_test_util.h"

namespace ark {
namespace {

using namespace ark::testing;  // NOLINT(build/namespaces)

TEST(TumblingWindowTest, ReleasesEachWindowAtItsEnd) {
  AckCounter acks;
  TumblingWindow buf(seconds(10));
  std::vector<StreamMessage> out;
  EXPECT_EQ(buf.NextDeadline(), std::nullopt);
  ASSERT_TRUE(buf.Push(Msg({"a"}, acks, 0), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(Msg({"b"}, acks, 1), kT0 + seconds(3), &out).ok());
  EXPECT_EQ(buf.NextDeadline(), kT0 + seconds(10));
  ASSERT_TRUE(buf.Poll(kT0 + seconds(10) - milliseconds(1), &out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(buf.Poll(kT0 + seconds(10), &out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"a", "b"}}));
  EXPECT_EQ(buf.NextDeadline(), std::nullopt);
  Written(out);
  EXPECT_EQ(acks.count(0), 1);
  EXPECT_EQ(acks.count(1), 1);

  // Windows stay on the grid of the first batch: [20s, 30s) after an empty [10s, 20s).
  out.clear();
  ASSERT_TRUE(buf.Push(Msg({"c"}, acks, 2), kT0 + seconds(25), &out).ok());
  EXPECT_EQ(buf.NextDeadline(), kT0 + seconds(30));
  // A batch at exactly 30s belongs to the next window; the push releases the closed one first.
  ASSERT_TRUE(buf.Push(Msg({"d"}, acks, 3), kT0 + seconds(30), &out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"c"}}));
  EXPECT_EQ(buf.NextDeadline(), kT0 + seconds(40));
  out.clear();
  ASSERT_TRUE(buf.Flush(&out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"d"}}));
}

}  // namespace
}  // namespace ark
