#include "buffers/session_window.h"

#include <gtest/gtest.h>

#include "buffers/buffer_test_util.h"

namespace ark {
namespace {

using namespace ark::testing;  // NOLINT(build/namespaces)

TEST(SessionWindowTest, GapClosesTheSession) {
  AckCounter acks;
  SessionWindow buf(seconds(5));
  std::vector<StreamMessage> out;
  ASSERT_TRUE(buf.Push(Msg({"a"}, acks, 0), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(Msg({"b"}, acks, 1), kT0 + seconds(3), &out).ok());
  EXPECT_EQ(buf.NextDeadline(), kT0 + seconds(8));
  ASSERT_TRUE(buf.Poll(kT0 + seconds(8) - milliseconds(1), &out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(buf.Poll(kT0 + seconds(8), &out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"a", "b"}}));
  EXPECT_EQ(buf.NextDeadline(), std::nullopt);
  Written(out);
  EXPECT_EQ(acks.count(0), 1);
  EXPECT_EQ(acks.count(1), 1);
}

TEST(SessionWindowTest, LatePushClosesThePreviousSessionFirst) {
  AckCounter acks;
  SessionWindow buf(seconds(5));
  std::vector<StreamMessage> out;
  ASSERT_TRUE(buf.Push(Msg({"a"}, acks, 0), kT0 + seconds(20), &out).ok());
  ASSERT_TRUE(buf.Push(Msg({"b"}, acks, 1), kT0 + seconds(30), &out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"a"}}));
  EXPECT_EQ(buf.NextDeadline(), kT0 + seconds(35));
  out.clear();
  ASSERT_TRUE(buf.Flush(&out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"b"}}));
}

}  // namespace
}  // namespace ark
