#include "runtime/reorder_buffer.h"

#include <gtest/gtest.h>

#include <thread>

namespace ark {
namespace {

TEST(ReorderBufferTest, ReleasesItemsInSequenceOrder) {
  ReorderBuffer<int> rb(8, 1 << 20);
  for (uint64_t seq : {2, 0, 3, 1}) ASSERT_TRUE(rb.Insert(seq, static_cast<int>(seq) * 10, 1));
  for (int want : {0, 10, 20, 30}) {
    int got = -1;
    ASSERT_EQ(rb.Pop(&got), QueuePop::kItem);
    EXPECT_EQ(got, want);
  }
  int got = -1;
  EXPECT_EQ(rb.PopUntil(&got, std::chrono::steady_clock::now()), QueuePop::kTimeout);
}

TEST(ReorderBufferTest, WaitsForTheMissingSequenceNumber) {
  ReorderBuffer<int> rb(8, 1 << 20);
  ASSERT_TRUE(rb.Insert(1, 10, 1));
  int got = -1;
  EXPECT_EQ(rb.PopUntil(&got, std::chrono::steady_clock::now()), QueuePop::kTimeout);
  ASSERT_TRUE(rb.Insert(0, 0, 1));
  ASSERT_EQ(rb.Pop(&got), QueuePop::kItem);
  EXPECT_EQ(got, 0);
}

TEST(ReorderBufferTest, FullBufferAdmitsOnlyTheNextSequenceNumber) {
  ReorderBuffer<int> rb(1, 1 << 20);
  ASSERT_TRUE(rb.Insert(2, 20, 1));                          // room for one
  std::thread t([&] { EXPECT_TRUE(rb.Insert(1, 10, 1)); });  // full and not next: waits
  ASSERT_TRUE(rb.Insert(0, 0, 1));                           // full but next: admitted, no deadlock
  int got = -1;
  ASSERT_EQ(rb.Pop(&got), QueuePop::kItem);
  EXPECT_EQ(got, 0);
  ASSERT_EQ(rb.Pop(&got), QueuePop::kItem);  // seq 1 became next and was admitted
  EXPECT_EQ(got, 10);
  ASSERT_EQ(rb.Pop(&got), QueuePop::kItem);
  EXPECT_EQ(got, 20);
  t.join();
}

TEST(ReorderBufferTest, CloseWakesWaitersAndFailsInserts) {
  ReorderBuffer<int> rb(1, 1 << 20);
  ASSERT_TRUE(rb.Insert(1, 10, 1));
  std::thread t([&] { EXPECT_FALSE(rb.Insert(2, 20, 1)); });
  int got = -1;
  std::thread popper([&] { EXPECT_EQ(rb.Pop(&got), QueuePop::kClosed); });
  rb.Close();
  t.join();
  popper.join();
  EXPECT_FALSE(rb.Insert(0, 0, 1));
}

}  // namespace
}  // namespace ark
