#include "buffers/sliding_window.h"

#include <gtest/gtest.h>

#include "buffers/buffer_test_util.h"

namespace ark {
namespace {

using namespace ark::testing;  // NOLINT(build/namespaces)

TEST(SlidingWindowTest, OverlappingWindowsAndAcksOnceLeftForGood) {
  AckCounter acks;
  SlidingWindow buf(3, seconds(1), 1);
  std::vector<StreamMessage> out;
  ASSERT_TRUE(buf.Push(Msg({"a"}, acks, 0), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(Msg({"b"}, acks, 1), kT0 + milliseconds(100), &out).ok());
  EXPECT_EQ(buf.NextDeadline(), std::nullopt);  // not enough batches for a window
  ASSERT_TRUE(buf.Push(Msg({"c"}, acks, 2), kT0 + milliseconds(200), &out).ok());
  ASSERT_TRUE(buf.Push(Msg({"d"}, acks, 3), kT0 + milliseconds(300), &out).ok());
  EXPECT_EQ(buf.NextDeadline(), kT0 + seconds(1));
  EXPECT_TRUE(out.empty());

  ASSERT_TRUE(buf.Poll(kT0 + seconds(1), &out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"a", "b", "c"}}));
  EXPECT_EQ(buf.queued(), 3u);
  Written(out);
  out.clear();
  // "a" left the window and its window was written; "b" and "c" are still in the window.
  EXPECT_EQ(acks.count(0), 1);
  EXPECT_EQ(acks.count(1), 0);
  EXPECT_EQ(acks.count(2), 0);

  EXPECT_EQ(buf.NextDeadline(), kT0 + seconds(2));
  ASSERT_TRUE(buf.Poll(kT0 + seconds(2), &out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"b", "c", "d"}}));
  // "b" left, but the window holding it is not written yet.
  EXPECT_EQ(acks.count(1), 0);
  Written(out);
  out.clear();
  EXPECT_EQ(acks.count(1), 1);
  EXPECT_EQ(buf.NextDeadline(), std::nullopt);

  // End of stream: "c" and "d" were all released already; they are acknowledged, not re-sent.
  ASSERT_TRUE(buf.Flush(&out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(acks.count(2), 1);
  EXPECT_EQ(acks.count(3), 1);
  EXPECT_EQ(acks.count(0), 1);  // each exactly once
}

TEST(SlidingWindowTest, FlushReleasesFullWindowsThenTheUnreleasedRest) {
  AckCounter acks;
  SlidingWindow buf(2, seconds(1), 2);
  std::vector<StreamMessage> out;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(buf.Push(Msg({std::string(1, static_cast<char>('a' + i))}, acks, i),
                         kT0 + milliseconds(i), &out)
                    .ok());
  }
  ASSERT_TRUE(buf.Flush(&out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"a", "b"}, {"c", "d"}, {"e"}}));
  EXPECT_EQ(buf.queued(), 0u);
  Written(out);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(acks.count(i), 1) << i;
}

TEST(SlidingWindowTest, SlideBeyondTheWindowSkipsBatchesButAcksThem) {
  AckCounter acks;
  SlidingWindow buf(1, seconds(1), 2);
  std::vector<StreamMessage> out;
  ASSERT_TRUE(buf.Push(Msg({"a"}, acks, 0), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(Msg({"b"}, acks, 1), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(Msg({"c"}, acks, 2), kT0, &out).ok());
  ASSERT_TRUE(buf.Poll(kT0 + seconds(1), &out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"a"}}));
  EXPECT_EQ(acks.count(1), 1);  // slid over without release
  EXPECT_EQ(buf.queued(), 1u);
}

TEST(SlidingWindowTest, OneWindowPerTickAndMissedTicksDoNotBurst) {
  AckCounter acks;
  SlidingWindow buf(1, seconds(1), 1);
  std::vector<StreamMessage> out;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(buf.Push(Msg({std::to_string(i)}, acks, i), kT0, &out).ok());
  }
  // Polled 3.5 ticks late: one window, next tick on the grid after now.
  ASSERT_TRUE(buf.Poll(kT0 + milliseconds(3500), &out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"0"}}));
  EXPECT_EQ(buf.NextDeadline(), kT0 + seconds(4));
}

TEST(SlidingWindowTest, WatermarkWaitsUntilEarlierBatchesWereReleased) {
  AckCounter acks;
  SlidingWindow buf(2, seconds(1), 1);
  std::vector<StreamMessage> out;
  ASSERT_TRUE(buf.Push(Msg({"a"}, acks, 0), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(Msg({"b"}, acks, 1), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(StreamMessage::Watermark(7), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(Msg({"c"}, acks, 2), kT0, &out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(buf.Poll(kT0 + seconds(1), &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(Values(out[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(out[1].kind, MessageKind::kWatermark);
  out.clear();
  // A barrier releases the rest (as at end of stream) and passes after it.
  ASSERT_TRUE(buf.Push(StreamMessage::Barrier(Epoch(2)), kT0 + milliseconds(1500), &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(Values(out[0]), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(out[1].kind, MessageKind::kBarrier);
  EXPECT_EQ(buf.queued(), 0u);
}

}  // namespace
}  // namespace ark
