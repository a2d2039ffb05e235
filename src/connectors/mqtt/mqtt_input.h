// `mqtt` input: subscribes to topics on an MQTT broker (ArkFlow's `mqtt` input: `host`, `port`,
// `client_id`, `username`, `password`, `topics`, `qos`, `clean_session`, `keep_alive`) and
// returns the messages in batches.
//
// Rows: `__value__` (the payload) and `__meta_source` (the topic the message was published to,
// useful with wildcard subscriptions); with a codec, the decoded rows with `__meta_source`.
//
// Batching: Read returns as soon as a message is there, with everything that arrived meanwhile
// (what one read of the socket delivered, at least), up to `batch_size` rows; with `linger`, it
// waits up to that long after the first message for the batch to fill. While two batches handed
// out are not yet acknowledged (written), Read lets the next one grow — until one of them is, the
// batch is full, or 5 ms passed — instead of queueing many small batches behind a busy output
// (the output writes one batch per broker round trip). Reading the socket goes on meanwhile.
//
// Delivery: QoS 1 and 2 messages are acknowledged to the broker (PUBACK / PUBCOMP) only after
// the outputs wrote them. libmosquitto 2.0 queues those acknowledgements itself as the messages
// arrive, so the input holds the connection's writes (MqttSession's gate) until every QoS 1/2
// message received on the connection has been written; then they all go out together
// ("released"). Many batches can be in the pipeline meanwhile: the broker may send up to
// `receive_maximum` unacknowledged messages (an MQTT 5 CONNECT property), and the input reads on
// while they are processed. For the gate to open under a continuous stream, the input pauses
// reading ("drains") once `receive_maximum / 2` messages wait for their release, or when the last
// release is older than half the keep-alive interval (PINGREQ waits behind the gate too): the
// batches in the pipeline are written, everything goes out, reading resumes — and meanwhile the
// broker can still send the other half of its window into the socket. With
// `clean_session: false` a restart of the broker or of the engine redelivers whatever was not
// acknowledged (at-least-once; duplicates are possible, loss is not). QoS 2 messages reach us
// only after their PUBREC: a QoS 2 message survives a broker restart but not an engine crash
// between PUBREC and PUBCOMP (the state lives in libmosquitto's memory) — QoS 1 is the safer
// choice for crash safety.
//
// Thread-safety: Connect/Read/Close on the reader thread (Input contract). The network thread
// (MqttSession) fills the pending batch; acknowledgement callbacks may run on any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "connectors/mqtt/mqtt_session.h"
#include "core/raw_message.h"
#include "runtime/input.h"
#include "runtime/registry.h"

namespace ark {

struct MqttInputOptions {
  MqttConnectionOptions connection;
  std::vector<std::string> topics;  // subscription filters; `+` and `#` wildcards allowed
  int qos = 1;
  int64_t batch_size = 1000;
  std::chrono::nanoseconds linger{0};
  // Unreleased QoS 1/2 messages at which reading pauses until they are written and released.
  int64_t drain_at = 5000;
  // Longest time between two releases while messages wait (then reading pauses likewise).
  std::chrono::nanoseconds release_interval = std::chrono::seconds(30);
};

class MqttInput final : public Input, private MqttSession::Handler {
 public:
  MqttInput(MqttInputOptions options, std::unique_ptr<Decoder> decoder, ComponentContext ctx);
  ~MqttInput() override;

  // Connects, subscribes (waits for the SUBACK) and starts the network thread. A refused
  // subscription or bad credentials are ConfigError; an unreachable broker is Unavailable.
  Status Connect() override;
  Result<InputBatch> Read(std::stop_token stop) override;
  Status Close() override;

 private:
  // State shared with acknowledgement callbacks, which may outlive the input.
  struct AckState {
    std::mutex mu;
    uint64_t generation = 0;  // connection number; acks of older connections are void
    int64_t received = 0;     // QoS 1/2 messages received on this connection
    int64_t written = 0;      // ... of which the outputs wrote
    int64_t released = 0;     // ... whose acknowledgements the session may have sent
    bool draining = false;    // reading paused until written == received
    std::chrono::steady_clock::time_point last_release;  // the gate was last open
    MqttSession* session = nullptr;  // to wake; null once the input closed. GUARDED_BY(mu)
    MqttInput* input = nullptr;      // to wake Read; null once the input closed. GUARDED_BY(mu)
    std::atomic<int64_t> batches_out{0};  // batches handed out and not yet acknowledged
  };

  // MqttSession::Handler (network thread).
  bool OnConnected(MqttSession& session) override;
  void OnMessage(const mosquitto_message& message) override;
  void OnSubscribed(int mid, const std::vector<int>& granted) override;
  void OnReadDone() override;
  void OnDisconnected() override;
  bool MayWrite() override;
  bool ReadPaused() override;
  Result<bool> Ready() override;

  // A batch handed out was acknowledged (any thread; called with AckState::mu held).
  void BatchAcked();
  // Builds the InputBatch of the rows taken from the pending builder.
  Result<InputBatch> MakeBatch(Batch raw, uint64_t generation, int64_t to_ack);

  MqttInputOptions options_;
  std::unique_ptr<Decoder> decoder_;
  ComponentContext ctx_;
  std::string what_;
  std::shared_ptr<AckState> acks_;
  std::unique_ptr<MqttSession> session_;

  // Pending messages, filled by the network thread.
  std::mutex mu_;
  std::condition_variable_any arrived_;
  RawBatchBuilder pending_{RawBatchBuilder::kSource};    // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point first_arrival_;  // of pending_'s first row
  uint64_t pending_generation_ = 0;                      // GUARDED_BY(mu_)
  int64_t pending_to_ack_ = 0;  // QoS 1/2 rows of pending_generation_ in pending_
  bool reading_ = false;        // the network thread is amid a read burst; GUARDED_BY(mu_)
  bool full_ = false;           // reading paused on a full pending batch; GUARDED_BY(mu_)

  // Subscription state of the first connection (network thread / Connect).
  int subscribe_mid_ = -1;
  bool subscribed_ = false;
  std::string subscribe_error_;

  std::deque<InputBatch> ready_;  // slices of an oversized take (reader thread)
  bool closed_ = false;
};

void RegisterMqttInput(Registry& registry);

}  // namespace ark
