#include "buffers/held_batches.h"

#include <algorithm>

namespace ark {

namespace {

bool SameSchema(const Batch& a, const Batch& b) {
  if (a.schema() == b.schema()) return true;
  return a.schema() != nullptr && b.schema() != nullptr && a.schema()->Equals(*b.schema());
}

AckSet TakeAcks(HeldBatch& h, AckRelease mode) {
  if (mode == AckRelease::kFork) return h.acks.Fork();
  AckSet acks;
  acks.Merge(std::move(h.acks));
  return acks;
}

// Releases the held batches at `members` (all with rows, one schema) as one message; `extra` are
// the acks of row-less batches among or before them.
void ReleaseRun(std::span<HeldBatch> held, std::span<const size_t> members, AckRelease mode,
                AckSet extra, std::vector<StreamMessage>* out) {
  std::vector<Batch> parts;
  parts.reserve(members.size());
  int64_t created = 0;
  for (size_t i : members) {
    parts.push_back(held[i].batch);
    if (held[i].created_us != 0 && (created == 0 || held[i].created_us < created)) {
      created = held[i].created_us;
    }
  }
  auto merged = ConcatBatches(parts);
  if (merged.ok()) {
    AckSet acks = std::move(extra);
    for (size_t i : members) acks.Merge(TakeAcks(held[i], mode));
    StreamMessage m = StreamMessage::Data(std::move(merged).value(), std::move(acks));
    m.created_us = created;
    out->push_back(std::move(m));
    return;
  }
  for (size_t k = 0; k < members.size(); ++k) {
    HeldBatch& h = held[members[k]];
    AckSet acks = TakeAcks(h, mode);
    if (k == 0) acks.Merge(std::move(extra));
    StreamMessage m = StreamMessage::Data(h.batch, std::move(acks));
    m.created_us = h.created_us;
    out->push_back(std::move(m));
  }
}

}  // namespace

void ReleaseBatches(std::span<HeldBatch> held, AckRelease mode, std::vector<StreamMessage>* out) {
  AckSet extra;  // acks of row-less batches not yet given to a run
  std::vector<size_t> members;
  size_t i = 0;
  while (i < held.size()) {
    if (held[i].batch.num_rows() == 0) {
      extra.Merge(TakeAcks(held[i], mode));
      ++i;
      continue;
    }
    // A run: this batch and the following ones of the same schema; row-less batches in between or
    // after it only add their acks.
    members.assign(1, i);
    size_t j = i + 1;
    for (; j < held.size(); ++j) {
      if (held[j].batch.num_rows() == 0) {
        extra.Merge(TakeAcks(held[j], mode));
      } else if (SameSchema(held[i].batch, held[j].batch)) {
        members.push_back(j);
      } else {
        break;
      }
    }
    ReleaseRun(held, members, mode, std::move(extra), out);
    extra = AckSet();
    i = j;
  }
  if (!extra.empty()) {
    // Only row-less batches were held: one empty batch carries their acknowledgements.
    out->push_back(StreamMessage::Data(held.front().batch, std::move(extra)));
  }
}

void HeldBatches::Add(StreamMessage msg) {
  rows_ += msg.batch.num_rows();
  ++added_;
  held_.push_back(HeldBatch{std::move(msg.batch), std::move(msg.acks), msg.created_us, false});
}

void HeldBatches::Release(std::vector<StreamMessage>* out) {
  if (held_.empty()) return;
  ReleaseBatches(held_, AckRelease::kMove, out);
  released_ += held_.size();
  held_.clear();
  rows_ = 0;
}

}  // namespace ark
