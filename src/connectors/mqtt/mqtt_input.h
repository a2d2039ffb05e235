// `mqtt` input: subscribes to topics on an MQTT broker (ArkFlow's `mqtt` input: `host`, `port`,
// `client_id`, `username`, `password`, `topics`, `qos`, `clean_session`, `keep_alive`) and
// returns the messages in batches.
//
// Rows: `__value__` (the payload) and `__meta_source` (the topic the message was published to,
// useful with wildcard subscriptions); with a codec, the decoded rows with `__meta_source`.
//
// Batching: Read returns as soon as a message is there, with everything that arrived meanwhile
// (what one read of the socket delivered, at least), up to `batch_size` rows; with `linger`, it
// waits up to that long after the first message for the batch to fill.
//
// Delivery: QoS 1 and 2 messages are acknowledged to the broker (PUBACK / PUBCOMP) only after
// the outputs wrote them. libmosquitto 2.0 queues those acknowledgements itself as the messages
// arrive, so the input holds the connection's writes (MqttSession's gate) until every QoS 1/2
// message received on the connection has been written; then they all go out together. So that
// the gate opens once per batch (not only when the pipeline happens to be empty), the input stops
// reading the socket while a batch it handed out is not yet written: the broker's messages wait
// in the socket, the batch's acknowledgement makes `written == received`, the PUBACKs of the
// batch go out and reading resumes. With
// `clean_session: false` a restart of the broker or of the engine redelivers whatever was not
// acknowledged (at-least-once; duplicates are possible, loss is not). QoS 2 messages reach us
// only after their PUBREC: a QoS 2 message survives a broker restart but not an engine crash
// between PUBREC and PUBCOMP (the state lives in libmosquitto's memory) — QoS 1 is the safer
// choice for crash safety.
//
// Thread-safety: Connect/Read/Close on the reader thread (Input contract). The network thread
// (MqttSession) fills the pending batch; acknowledgement callbacks may run on any thread.
#pragma once

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
    uint64_t generation = 0;         // connection number; acks of older connections are void
    int64_t received = 0;            // QoS 1/2 messages received on this connection
    int64_t taken = 0;               // ... of which Read handed to the pipeline
    bool hold_reads = false;         // reading stops while written < taken (until kMaxReadHold)
    int64_t written = 0;             // ... of which the outputs wrote
    MqttSession* session = nullptr;  // to wake; null once the input closed. GUARDED_BY(mu)
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

  // Subscription state of the first connection (network thread / Connect).
  int subscribe_mid_ = -1;
  bool subscribed_ = false;
  std::string subscribe_error_;

  std::deque<InputBatch> ready_;  // slices of an oversized take (reader thread)
  bool closed_ = false;
};

void RegisterMqttInput(Registry& registry);

}  // namespace ark
