#include "connectors/kafka/offset_tracker.h"

#include "base/status.h"

namespace ark {

OffsetTracker::PartitionPtr OffsetTracker::Assign(const std::string& topic, PartitionId partition) {
  auto p = std::make_shared<Partition>(topic, partition);
  std::lock_guard lock(mu_);
  PartitionPtr& slot = partitions_[Key(topic, partition.value())];
  if (slot != nullptr) slot->revoked_ = true;
  slot = p;
  settled_cv_.notify_all();
  return p;
}

OffsetTracker::PartitionPtr OffsetTracker::Find(std::string_view topic,
                                                PartitionId partition) const {
  std::lock_guard lock(mu_);
  auto it = partitions_.find(Key(std::string(topic), partition.value()));
  return it == partitions_.end() ? nullptr : it->second;
}

OffsetTracker::Ticket OffsetTracker::Add(const PartitionPtr& p, Offset first, Offset last) {
  ARK_CHECK(first <= last, "offset range is reversed");
  std::lock_guard lock(mu_);
  Ticket t{p, p->next_seq_++};
  p->ranges_.push_back({last.value() + 1, Partition::State::kInFlight});
  ++p->in_flight_;
  return t;
}

void OffsetTracker::SettleLocked(const Ticket& t, bool acked) {
  Partition& p = *t.partition;
  if (t.seq < p.front_seq_) return;  // released already (settled twice: ignore)
  Partition::Range& r = p.ranges_[t.seq - p.front_seq_];
  if (r.state != Partition::State::kInFlight) return;
  r.state = acked ? Partition::State::kAcked : Partition::State::kAbandoned;
  --p.in_flight_;
  // Release the acknowledged prefix; an abandoned range stays at the front for good.
  while (!p.ranges_.empty() && p.ranges_.front().state == Partition::State::kAcked) {
    p.acked_end_ = p.ranges_.front().end;
    p.ranges_.pop_front();
    ++p.front_seq_;
  }
}

void OffsetTracker::Ack(std::span<const Ticket> tickets) {
  std::lock_guard lock(mu_);
  for (const Ticket& t : tickets) SettleLocked(t, true);
  settled_cv_.notify_all();
}

void OffsetTracker::Abandon(std::span<const Ticket> tickets) {
  std::lock_guard lock(mu_);
  for (const Ticket& t : tickets) SettleLocked(t, false);
  settled_cv_.notify_all();
}

std::vector<OffsetTracker::Position> OffsetTracker::TakeCommittable() {
  std::vector<Position> out;
  std::lock_guard lock(mu_);
  for (auto& [key, p] : partitions_) {
    if (p->acked_end_ > p->taken_end_) {
      p->taken_end_ = p->acked_end_;
      out.push_back({p->topic(), p->partition(), Offset(p->acked_end_)});
    }
  }
  return out;
}

std::vector<OffsetTracker::Position> OffsetTracker::AllCommittable() const {
  std::vector<Position> out;
  std::lock_guard lock(mu_);
  for (const auto& [key, p] : partitions_) {
    if (p->acked_end_ >= 0) out.push_back({p->topic(), p->partition(), Offset(p->acked_end_)});
  }
  return out;
}

bool OffsetTracker::WaitSettled(std::span<const PartitionPtr> partitions,
                                std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return settled_cv_.wait_until(lock, deadline, [&] {
    for (const PartitionPtr& p : partitions) {
      if (p != nullptr && p->in_flight_ > 0) return false;
    }
    return true;
  });
}

bool OffsetTracker::WaitAllSettled(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return settled_cv_.wait_until(lock, deadline, [&] {
    for (const auto& [key, p] : partitions_) {
      if (p->in_flight_ > 0) return false;
    }
    return true;
  });
}

OffsetTracker::Revocation OffsetTracker::Revoke(std::string_view topic, PartitionId partition) {
  Revocation r;
  r.topic = std::string(topic);
  r.partition = partition;
  std::lock_guard lock(mu_);
  auto it = partitions_.find(Key(std::string(topic), partition.value()));
  if (it == partitions_.end()) return r;
  Partition& p = *it->second;
  p.revoked_ = true;
  r.commit = p.acked_end_;
  for (const Partition::Range& range : p.ranges_) {
    if (range.state != Partition::State::kAcked) ++r.unacked;
  }
  partitions_.erase(it);
  settled_cv_.notify_all();
  return r;
}

std::vector<OffsetTracker::PartitionPtr> OffsetTracker::Assigned() const {
  std::vector<PartitionPtr> out;
  std::lock_guard lock(mu_);
  for (const auto& [key, p] : partitions_) out.push_back(p);
  return out;
}

int64_t OffsetTracker::InFlight() const {
  std::lock_guard lock(mu_);
  int64_t n = 0;
  for (const auto& [key, p] : partitions_) n += p->in_flight_;
  return n;
}

}  // namespace ark
