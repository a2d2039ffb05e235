#include "base/bounded_queue.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

namespace ark {
namespace {

TEST(BoundedQueueTest, FifoOrder) {
  BoundedQueue<int> q(4, 1000);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.Push(int(i), 1));
  int v;
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(q.Pop(&v), QueuePop::kItem);
    EXPECT_EQ(v, i);
  }
}

TEST(BoundedQueueTest, BlocksWhenFullUntilPopped) {
  BoundedQueue<int> q(2, 1000);
  ASSERT_TRUE(q.Push(1, 1));
  ASSERT_TRUE(q.Push(2, 1));
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    q.Push(3, 1);
    pushed = true;
  });
  // The producer cannot finish until a slot frees up.
  int v;
  EXPECT_EQ(q.PopFor(&v, std::chrono::milliseconds(0)), QueuePop::kItem);
  producer.join();
  EXPECT_TRUE(pushed);
  EXPECT_EQ(q.size(), 2u);
}

TEST(BoundedQueueTest, ByteBoundAdmitsOneOversizedItem) {
  BoundedQueue<int> q(10, 100);
  ASSERT_TRUE(q.Push(1, 500));  // empty queue admits an oversized item
  EXPECT_EQ(q.bytes(), 500u);
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    q.Push(2, 10);
    pushed = true;
  });
  int v;
  ASSERT_EQ(q.Pop(&v), QueuePop::kItem);
  producer.join();
  EXPECT_TRUE(pushed);
  EXPECT_EQ(q.bytes(), 10u);
}

TEST(BoundedQueueTest, CloseDrainsThenReportsClosed) {
  BoundedQueue<int> q(4, 1000);
  ASSERT_TRUE(q.Push(7, 1));
  q.Close();
  EXPECT_FALSE(q.Push(8, 1));
  int v;
  EXPECT_EQ(q.Pop(&v), QueuePop::kItem);
  EXPECT_EQ(v, 7);
  EXPECT_EQ(q.Pop(&v), QueuePop::kClosed);
}

TEST(BoundedQueueTest, CloseWakesBlockedProducer) {
  BoundedQueue<int> q(1, 1000);
  ASSERT_TRUE(q.Push(1, 1));
  std::atomic<int> result{-1};
  std::thread producer([&] { result = q.Push(2, 1) ? 1 : 0; });
  q.Close();
  producer.join();
  EXPECT_EQ(result, 0);
}

TEST(BoundedQueueTest, PopTimesOut) {
  BoundedQueue<int> q(1, 1);
  int v;
  EXPECT_EQ(q.PopFor(&v, std::chrono::milliseconds(1)), QueuePop::kTimeout);
}

TEST(BoundedQueueTest, ForcePushIgnoresBounds) {
  BoundedQueue<int> q(1, 1);
  ASSERT_TRUE(q.Push(1, 1));
  ASSERT_TRUE(q.ForcePush(2));
  EXPECT_EQ(q.size(), 2u);
}

}  // namespace
}  // namespace ark
