// Acknowledgement tokens: how an input learns that what it read was durably written (DESIGN §3
// "Delivery"). An input creates one AckToken per read with the callback that commits (Kafka offset
// commit, MQTT PUBACK, HTTP 200, nothing for a file). The runtime forks it when a batch fans out
// (a processor emitting two batches, rows split between output and error_output) and merges
// tokens when batches are combined (batch processor, buffers), so the callback runs exactly once,
// after every piece was written. A batch dropped at shutdown is never acknowledged.
//
//   AckToken t = AckToken::Make([&] { consumer.Commit(offset); });
//   AckToken part = t.Fork();   // now two holders
//   t.Done(); part.Done();      // the commit runs here
//
// Thread-safety: Done() and Fork() may be called from any thread. Each holder calls Done() at
// most once.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace ark {

class AckToken {
 public:
  // A token that acknowledges nothing (inputs without acknowledgement).
  AckToken() = default;
  static AckToken Make(std::function<void()> on_ack);

  // Another holder of the same acknowledgement; the callback waits for it too.
  AckToken Fork() const;
  // This holder is done. The callback runs when the last holder is done.
  void Done();

  bool valid() const { return state_ != nullptr; }

 private:
  struct State {
    std::atomic<int> pending{1};
    std::function<void()> on_ack;
  };
  explicit AckToken(std::shared_ptr<State> s) : state_(std::move(s)) {}
  std::shared_ptr<State> state_;
};

// The acknowledgements carried by one in-flight batch (several when batches were merged).
class AckSet {
 public:
  AckSet() = default;
  explicit AckSet(AckToken t) { Add(std::move(t)); }

  void Add(AckToken t) {
    if (t.valid()) tokens_.push_back(std::move(t));
  }
  void Merge(AckSet&& other) {
    for (auto& t : other.tokens_) tokens_.push_back(std::move(t));
    other.tokens_.clear();
  }
  // A set holding a fork of every token.
  AckSet Fork() const {
    AckSet out;
    for (const auto& t : tokens_) out.tokens_.push_back(t.Fork());
    return out;
  }
  // Done on every token; the set is empty afterwards.
  void Done() {
    for (auto& t : tokens_) t.Done();
    tokens_.clear();
  }
  // Drops the tokens without acknowledging (shutdown before the data was written).
  void Abandon() { tokens_.clear(); }
  bool empty() const { return tokens_.empty(); }
  size_t size() const { return tokens_.size(); }

 private:
  std::vector<AckToken> tokens_;
};

}  // namespace ark
