#include "buffers/memory_buffer.h"

#include <gtest/gtest.h>

#include "buffers/buffer_test_util.h"

namespace ark {
namespace {

using namespace ark::testing;  // NOLINT(build/namespaces)

TEST(MemoryBufferTest, ReleasesWhenCapacityRowsAreHeld) {
  AckCounter acks;
  MemoryBuffer buf(3, seconds(1));
  std::vector<StreamMessage> out;
  ASSERT_TRUE(buf.Push(Msg({"a"}, acks, 0), kT0, &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(buf.NextDeadline(), kT0 + seconds(1));
  ASSERT_TRUE(buf.Push(Msg({"b", "c"}, acks, 1), kT0 + milliseconds(10), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Values(out[0]), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(buf.NextDeadline(), std::nullopt);
  EXPECT_EQ(acks.count(0) + acks.count(1), 0);
  Written(out);
  EXPECT_EQ(acks.count(0), 1);
  EXPECT_EQ(acks.count(1), 1);
}

TEST(MemoryBufferTest, ReleasesAtTheTimeoutFromTheFirstHeldBatch) {
  AckCounter acks;
  MemoryBuffer buf(100, seconds(1));
  std::vector<StreamMessage> out;
  ASSERT_TRUE(buf.Push(Msg({"a"}, acks, 0), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(Msg({"b"}, acks, 1), kT0 + milliseconds(600), &out).ok());
  EXPECT_EQ(buf.NextDeadline(), kT0 + seconds(1));
  ASSERT_TRUE(buf.Poll(kT0 + milliseconds(999), &out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(buf.Poll(kT0 + seconds(1), &out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"a", "b"}}));
  // The next batch starts a new timeout.
  out.clear();
  ASSERT_TRUE(buf.Push(Msg({"c"}, acks, 2), kT0 + seconds(5), &out).ok());
  EXPECT_EQ(buf.NextDeadline(), kT0 + seconds(6));
  // A push after the deadline (Poll came late) releases everything, itself included.
  ASSERT_TRUE(buf.Push(Msg({"d"}, acks, 3), kT0 + seconds(7), &out).ok());
  EXPECT_EQ(AllValues(out), (std::vector<std::vector<std::string>>{{"c", "d"}}));
}

TEST(MemoryBufferTest, FlushReleasesAndSchemasStaySeparate) {
  AckCounter acks;
  MemoryBuffer buf(100, seconds(1));
  std::vector<StreamMessage> out;
  ASSERT_TRUE(buf.Push(Msg({"a"}, acks, 0), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(IntMsg({7}, acks, 1), kT0, &out).ok());
  ASSERT_TRUE(buf.Flush(&out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(Values(out[0]), (std::vector<std::string>{"a"}));
  EXPECT_EQ(out[1].batch.ToString(), IntMsg({7}, acks, 9).batch.ToString());
  EXPECT_EQ(buf.NextDeadline(), std::nullopt);
  out.clear();
  ASSERT_TRUE(buf.Flush(&out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(MemoryBufferTest, ControlMessageReleasesFirstAndPassesInOrder) {
  AckCounter acks;
  MemoryBuffer buf(100, seconds(1));
  std::vector<StreamMessage> out;
  ASSERT_TRUE(buf.Push(Msg({"a"}, acks, 0), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(StreamMessage::Barrier(Epoch(4)), kT0, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(Values(out[0]), (std::vector<std::string>{"a"}));
  EXPECT_EQ(out[1].kind, MessageKind::kBarrier);
  EXPECT_EQ(out[1].epoch, Epoch(4));
}

TEST(MemoryBufferTest, WatermarkWaitsForTheRowsBeforeIt) {
  AckCounter acks;
  MemoryBuffer buf(100, seconds(1));
  std::vector<StreamMessage> out;
  // Nothing held: a watermark passes at once.
  ASSERT_TRUE(buf.Push(StreamMessage::Watermark(10), kT0, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].watermark_us, 10);
  out.clear();
  ASSERT_TRUE(buf.Push(Msg({"a"}, acks, 0), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(StreamMessage::Watermark(20), kT0, &out).ok());
  ASSERT_TRUE(buf.Push(Msg({"b"}, acks, 1), kT0, &out).ok());
  EXPECT_TRUE(out.empty());  // held, not flushed by the watermark
  ASSERT_TRUE(buf.Poll(kT0 + seconds(1), &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(Values(out[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(out[1].kind, MessageKind::kWatermark);
  EXPECT_EQ(out[1].watermark_us, 20);
}

}  // namespace
}  // namespace ark
