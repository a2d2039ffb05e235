// Helpers for the buffer tests: batches, acknowledgement counters and explicit time points.
//
// Thread-safety: test code, one thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/column_builder.h"
#include "core/raw_message.h"
#include "runtime/message.h"
#include "runtime/stream_buffer.h"

namespace ark::testing {

using Clock = StreamBuffer::Clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

inline const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1000);

// Counts how often each named input batch was acknowledged.
class AckCounter {
 public:
  AckToken Token(int id) {
    if (static_cast<size_t>(id) >= counts_->size()) counts_->resize(static_cast<size_t>(id) + 1);
    auto counts = counts_;
    return AckToken::Make([counts, id] { ++(*counts)[static_cast<size_t>(id)]; });
  }
  int count(int id) const {
    return static_cast<size_t>(id) < counts_->size() ? (*counts_)[static_cast<size_t>(id)] : 0;
  }

 private:
  std::shared_ptr<std::vector<int>> counts_ = std::make_shared<std::vector<int>>();
};

// A raw data message holding `values`, acknowledged through `acks` under `id`.
inline StreamMessage Msg(std::vector<std::string> values, AckCounter& acks, int id) {
  return StreamMessage::Data(MakeRawBatch(std::span(values)), AckSet(acks.Token(id)));
}

// A data message with one int64 column `n`.
inline StreamMessage IntMsg(std::vector<int64_t> values, AckCounter& acks, int id) {
  Int64Builder b(DataType::Int64());
  for (int64_t v : values) b.Append(v);
  Batch batch(Schema::Make({Field("n", DataType::Int64())}), {b.Finish()},
              static_cast<int64_t>(values.size()));
  return StreamMessage::Data(std::move(batch), AckSet(acks.Token(id)));
}

// The `__value__` strings of a released message.
inline std::vector<std::string> Values(const StreamMessage& m) {
  std::vector<std::string> out;
  ColumnPtr c = m.batch.ColumnByName(kValueColumn);
  if (c == nullptr) return out;
  for (int64_t i = 0; i < c->length(); ++i) out.emplace_back(c->GetView(i));
  return out;
}

// Values of every released message, one vector per message.
inline std::vector<std::vector<std::string>> AllValues(const std::vector<StreamMessage>& out) {
  std::vector<std::vector<std::string>> v;
  for (const auto& m : out) v.push_back(Values(m));
  return v;
}

// Acknowledges every released message (as outputs do once written).
inline void Written(std::vector<StreamMessage>& out) {
  for (auto& m : out) m.acks.Done();
}

}  // namespace ark::testing
