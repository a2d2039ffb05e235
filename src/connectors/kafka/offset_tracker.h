// OffsetTracker: which offsets a Kafka consumer may commit, given that batches are acknowledged
// by the outputs in any order (DESIGN §3 "Delivery": at-least-once, commit only what was written).
//
// Per assigned partition the tracker keeps the ranges of offsets handed out, in read order (one
// range per batch that held messages of the partition). A range is in flight until it is
// acknowledged (written by every output) or abandoned (dropped unwritten: the runtime stopped, or
// the batch was discarded). The committable position is the end of the longest acknowledged
// prefix (the offset after its last message — what Kafka stores as the group's position). A range
// acknowledged while an earlier one is still in flight waits for it, and an abandoned range stops
// the prefix for good: the committed position never passes a message that was not written.
// Offsets need not be contiguous (compaction, transaction markers): ranges are ordered by
// reading, not by arithmetic on offsets.
//
// Each assignment of a partition is its own Partition object. When the partition is revoked the
// object is forgotten; acknowledgements that arrive for it later are ignored (the partition's next
// owner resumes from the committed position, so those messages are delivered again — the
// at-least-once duplicates). A partition assigned again gets a fresh object, so old
// acknowledgements cannot move the new assignment's position.
//
//   OffsetTracker t;
//   auto p = t.Assign("events", PartitionId(0));
//   OffsetTracker::Ticket a = t.Add(p, Offset(0), Offset(99));     // batch 1
//   OffsetTracker::Ticket b = t.Add(p, Offset(100), Offset(199));  // batch 2
//   t.Ack({&b, 1});            // nothing committable: batch 1 is in flight
//   t.Ack({&a, 1});            // committable: events[0] at 200
//   for (auto& c : t.TakeCommittable()) commit(c);
//
// Thread-safety: every method is safe to call concurrently (one mutex).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/strong_type.h"

namespace ark {

class OffsetTracker {
 public:
  // One assignment of one partition.
  class Partition {
   public:
    Partition(std::string topic, PartitionId partition)
        : topic_(std::move(topic)), partition_(partition) {}
    const std::string& topic() const { return topic_; }
    PartitionId partition() const { return partition_; }

   private:
    friend class OffsetTracker;
    enum class State : uint8_t { kInFlight, kAcked, kAbandoned };
    struct Range {
      int64_t end;  // offset after the range's last message
      State state;
    };
    const std::string topic_;
    const PartitionId partition_;
    // The rest is guarded by the tracker's mutex.
    bool revoked_ = false;
    std::deque<Range> ranges_;  // in read order; the front is the oldest unreleased range
    uint64_t front_seq_ = 0;    // sequence number of ranges_.front()
    uint64_t next_seq_ = 0;
    int64_t in_flight_ = 0;   // ranges in state kInFlight
    int64_t acked_end_ = -1;  // end of the acknowledged prefix; -1: none yet
    int64_t taken_end_ = -1;  // last position handed out by TakeCommittable
  };
  using PartitionPtr = std::shared_ptr<Partition>;

  // A range handed out in a batch; settled with Ack or Abandon.
  struct Ticket {
    PartitionPtr partition;
    uint64_t seq = 0;
  };

  // A position to commit: the offset of the next message to read.
  struct Position {
    std::string topic;
    PartitionId partition;
    Offset offset;
  };

  // What a revocation leaves behind.
  struct Revocation {
    std::string topic;
    PartitionId partition;
    int64_t commit = -1;  // end of the acknowledged prefix, or -1 when nothing was acknowledged
    int64_t unacked = 0;  // ranges not acknowledged (their messages will be delivered again)
  };

  // Starts tracking a new assignment of `topic`[`partition`] (replacing an earlier one, which
  // then counts as revoked).
  PartitionPtr Assign(const std::string& topic, PartitionId partition);
  // The current assignment, or null.
  PartitionPtr Find(std::string_view topic, PartitionId partition) const;

  // Records that offsets [first, last] of `p` were handed out in one batch, after every range
  // added before. REQUIRES: first <= last.
  Ticket Add(const PartitionPtr& p, Offset first, Offset last);
  // Marks ranges written (from any thread); ignored for revoked assignments.
  void Ack(std::span<const Ticket> tickets);
  // Marks ranges dropped unwritten: no longer in flight, and never committed past.
  void Abandon(std::span<const Ticket> tickets);

  // Positions that advanced beyond what the previous call returned, for every current
  // assignment. Callers commit them in the order of the calls (under one lock of their own).
  std::vector<Position> TakeCommittable();
  // Every current assignment's acknowledged position (to commit again after a failed commit).
  std::vector<Position> AllCommittable() const;

  // Waits until no range of the given assignments is in flight, or until `deadline`; true when
  // none is.
  bool WaitSettled(std::span<const PartitionPtr> partitions,
                   std::chrono::steady_clock::time_point deadline);
  // The same over every current assignment.
  bool WaitAllSettled(std::chrono::steady_clock::time_point deadline);

  // Ends the assignment of `topic`[`partition`]: reports the position to commit and what was not
  // written, and forgets the partition (late acknowledgements are ignored).
  Revocation Revoke(std::string_view topic, PartitionId partition);

  // Current assignments.
  std::vector<PartitionPtr> Assigned() const;
  // Ranges in flight over all current assignments.
  int64_t InFlight() const;

 private:
  using Key = std::pair<std::string, int32_t>;
  // Settles one range. REQUIRES: mu_ held.
  void SettleLocked(const Ticket& t, bool acked);

  mutable std::mutex mu_;
  std::condition_variable settled_cv_;
  std::map<Key, PartitionPtr, std::less<>> partitions_;  // GUARDED_BY(mu_)
};

}  // namespace ark
