#include "buffers/held_batches.h"

#include <gtest/gtest.h>

#include "buffers/buffer_test_util.h"

namespace ark {
namespace {

using namespace ark::testing;  // NOLINT(build/namespaces)

TEST(HeldBatchesTest, ConcatenatesAndMergesAcks) {
  AckCounter acks;
  HeldBatches held;
  held.Add(Msg({"a", "b"}, acks, 0));
  held.Add(Msg({"c"}, acks, 1));
  EXPECT_EQ(held.rows(), 3);
  EXPECT_EQ(held.size(), 2u);
  std::vector<StreamMessage> out;
  held.Release(&out);
  EXPECT_TRUE(held.empty());
  EXPECT_EQ(held.rows(), 0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Values(out[0]), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(out[0].acks.size(), 2u);
  EXPECT_EQ(acks.count(0) + acks.count(1), 0);
  Written(out);
  EXPECT_EQ(acks.count(0), 1);
  EXPECT_EQ(acks.count(1), 1);
}

TEST(HeldBatchesTest, SchemaChangeStartsANewBatch) {
  AckCounter acks;
  HeldBatches held;
  held.Add(Msg({"a"}, acks, 0));
  held.Add(Msg({"b"}, acks, 1));
  held.Add(IntMsg({1, 2}, acks, 2));
  held.Add(Msg({"c"}, acks, 3));
  std::vector<StreamMessage> out;
  held.Release(&out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(Values(out[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(out[1].batch.ToString(), IntMsg({1, 2}, acks, 9).batch.ToString());
  EXPECT_EQ(Values(out[2]), (std::vector<std::string>{"c"}));
  EXPECT_EQ(out[0].acks.size(), 2u);
  EXPECT_EQ(out[1].acks.size(), 1u);
  EXPECT_EQ(out[2].acks.size(), 1u);
  out[1].acks.Done();
  EXPECT_EQ(acks.count(2), 1);
  EXPECT_EQ(acks.count(0), 0);
}

TEST(HeldBatchesTest, RowlessBatchesOnlyAddTheirAcks) {
  AckCounter acks;
  HeldBatches held;
  held.Add(StreamMessage::Data(Batch(), AckSet(acks.Token(0))));
  held.Add(Msg({"a"}, acks, 1));
  held.Add(StreamMessage::Data(Batch(), AckSet(acks.Token(2))));
  held.Add(Msg({"b"}, acks, 3));
  std::vector<StreamMessage> out;
  held.Release(&out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Values(out[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(out[0].acks.size(), 4u);
  Written(out);
  for (int id = 0; id < 4; ++id) EXPECT_EQ(acks.count(id), 1) << id;
}

TEST(HeldBatchesTest, OnlyRowlessBatchesReleaseOneEmptyBatchWithTheAcks) {
  AckCounter acks;
  HeldBatches held;
  held.Add(StreamMessage::Data(Batch(), AckSet(acks.Token(0))));
  held.Add(StreamMessage::Data(Batch(), AckSet(acks.Token(1))));
  std::vector<StreamMessage> out;
  held.Release(&out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].batch.num_rows(), 0);
  Written(out);
  EXPECT_EQ(acks.count(0), 1);
  EXPECT_EQ(acks.count(1), 1);
}

TEST(HeldBatchesTest, ForkKeepsTheHeldAcks) {
  AckCounter acks;
  std::vector<HeldBatch> held;
  auto m = Msg({"a"}, acks, 0);
  held.push_back(HeldBatch{m.batch, std::move(m.acks), 0, false});
  std::vector<StreamMessage> out;
  ReleaseBatches(held, AckRelease::kFork, &out);
  ASSERT_EQ(out.size(), 1u);
  Written(out);
  EXPECT_EQ(acks.count(0), 0);  // the held batch still holds its ack
  held[0].acks.Done();
  EXPECT_EQ(acks.count(0), 1);
}

TEST(HeldBatchesTest, EarliestCreationTimeIsKept) {
  AckCounter acks;
  HeldBatches held;
  auto a = Msg({"a"}, acks, 0);
  a.created_us = 500;
  auto b = Msg({"b"}, acks, 1);
  b.created_us = 300;
  held.Add(std::move(a));
  held.Add(std::move(b));
  std::vector<StreamMessage> out;
  held.Release(&out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].created_us, 300);
}

}  // namespace
}  // namespace ark
