#include "connectors/kafka/offset_tracker.h"

#include <gtest/gtest.h>

#include <thread>

namespace ark {
namespace {

using Ticket = OffsetTracker::Ticket;

std::vector<std::string> Show(const std::vector<OffsetTracker::Position>& positions) {
  std::vector<std::string> out;
  for (const auto& p : positions) {
    out.push_back(p.topic + "[" + std::to_string(p.partition.value()) + "]@" +
                  std::to_string(p.offset.value()));
  }
  return out;
}

TEST(OffsetTrackerTest, CommitsOnlyTheAcknowledgedPrefix) {
  OffsetTracker t;
  auto p = t.Assign("events", PartitionId(0));
  Ticket a = t.Add(p, Offset(0), Offset(99));
  Ticket b = t.Add(p, Offset(100), Offset(199));
  Ticket c = t.Add(p, Offset(205), Offset(210));  // a gap (compaction): ordered by reading
  EXPECT_EQ(t.InFlight(), 3);
  t.Ack({&b, 1});
  EXPECT_TRUE(t.TakeCommittable().empty());
  t.Ack({&a, 1});
  EXPECT_EQ(Show(t.TakeCommittable()), std::vector<std::string>{"events[0]@200"});
  EXPECT_TRUE(t.TakeCommittable().empty());  // taken already
  t.Ack({&c, 1});
  EXPECT_EQ(Show(t.TakeCommittable()), std::vector<std::string>{"events[0]@211"});
  EXPECT_EQ(Show(t.AllCommittable()), std::vector<std::string>{"events[0]@211"});
  EXPECT_EQ(t.InFlight(), 0);
}

TEST(OffsetTrackerTest, AnAbandonedRangeStopsThePrefixForGood) {
  OffsetTracker t;
  auto p = t.Assign("events", PartitionId(1));
  Ticket a = t.Add(p, Offset(0), Offset(9));
  Ticket b = t.Add(p, Offset(10), Offset(19));
  Ticket c = t.Add(p, Offset(20), Offset(29));
  t.Ack({&a, 1});
  t.Abandon({&b, 1});
  t.Ack({&c, 1});
  EXPECT_EQ(Show(t.TakeCommittable()), std::vector<std::string>{"events[1]@10"});
  EXPECT_EQ(t.InFlight(), 0);
  OffsetTracker::Revocation r = t.Revoke("events", PartitionId(1));
  EXPECT_EQ(r.commit, 10);
  EXPECT_EQ(r.unacked, 1);  // b; c was written but sits behind b
}

TEST(OffsetTrackerTest, PartitionsAreIndependent) {
  OffsetTracker t;
  auto p0 = t.Assign("a", PartitionId(0));
  auto p1 = t.Assign("a", PartitionId(1));
  Ticket x = t.Add(p0, Offset(0), Offset(4));
  Ticket y = t.Add(p1, Offset(7), Offset(8));
  t.Ack({&y, 1});
  EXPECT_EQ(Show(t.TakeCommittable()), std::vector<std::string>{"a[1]@9"});
  t.Ack({&x, 1});
  EXPECT_EQ(Show(t.TakeCommittable()), std::vector<std::string>{"a[0]@5"});
}

TEST(OffsetTrackerTest, LateAcknowledgementsOfARevokedAssignmentAreIgnored) {
  OffsetTracker t;
  auto old_p = t.Assign("a", PartitionId(0));
  Ticket a = t.Add(old_p, Offset(0), Offset(9));
  OffsetTracker::Revocation r = t.Revoke("a", PartitionId(0));
  EXPECT_EQ(r.commit, -1);
  EXPECT_EQ(r.unacked, 1);
  EXPECT_EQ(t.Find("a", PartitionId(0)), nullptr);
  auto new_p = t.Assign("a", PartitionId(0));  // assigned again: resumes at the commit (0)
  Ticket b = t.Add(new_p, Offset(0), Offset(4));
  t.Ack({&a, 1});  // the old assignment's batch is written late
  EXPECT_TRUE(t.TakeCommittable().empty());
  t.Ack({&b, 1});
  EXPECT_EQ(Show(t.TakeCommittable()), std::vector<std::string>{"a[0]@5"});
}

TEST(OffsetTrackerTest, WaitSettledReturnsWhenTheLastRangeIsSettled) {
  OffsetTracker t;
  auto p = t.Assign("a", PartitionId(0));
  Ticket a = t.Add(p, Offset(0), Offset(9));
  Ticket b = t.Add(p, Offset(10), Offset(19));
  auto soon = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
  EXPECT_FALSE(t.WaitSettled({&p, 1}, soon));
  std::thread acker([&] {
    t.Ack({&a, 1});
    t.Abandon({&b, 1});
  });
  EXPECT_TRUE(t.WaitSettled({&p, 1}, std::chrono::steady_clock::now() + std::chrono::minutes(5)));
  acker.join();
  EXPECT_TRUE(t.WaitAllSettled(std::chrono::steady_clock::now()));
  EXPECT_EQ(Show(t.TakeCommittable()), std::vector<std::string>{"a[0]@10"});
}

}  // namespace
}  // namespace ark
