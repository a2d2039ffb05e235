// `mqtt` input: subscribes to topics on an MQTT broker (ArkFlow's `mqtt` input: `host`, `port`,
// `client_id`, `username`, `password`, `topics`, `qos`, `clean_session`, `keep_alive`) and
// returns the messages in batches.
//
// Rows: `__value__` (the payload) and `__meta_source` (the topic the message was published to,
// useful with wildcard subscriptions); with a codec, the decoded rows with `__meta_source`.
//
// Batching: Read returns as soon as a message is there, with everything that arrived meanwhile
// (what one read of the socket delivered, at least), up to `batch_size` rows; with `linger`, it
// waits up to that long after the first message for the batch to fill. While a batch handed out
// is not yet acknowledged (written), Read lets the next one grow — until it is, the batch is
// full, or 5 ms passed — instead of queueing many small batches behind a busy output (the output
// writes one batch per broker round trip): under a steady stream the batch size follows the
// pipeline's round trip. Reading the socket goes on meanwhile.
//
// Delivery: QoS 1 and 2 messages are acknowledged to the broker (PUBACK / PUBREC) only after
// the outputs wrote them, each as soon as its batch (and every batch before it: MQTT wants the
// acknowledgements in order) was written. The input has its own MQTT client (MqttClient) for
// this; reading goes on all the while, and the broker sends at most `receive_maximum`
// unacknowledged messages (an MQTT 5 CONNECT property), which bounds the messages in the
// pipeline. With `clean_session: false` a restart of the broker or of the engine redelivers
// whatever was not acknowledged (at-least-once; duplicates are possible, loss is not). QoS 2:
// the PUBREC, too, waits for the outputs, so the broker keeps the message until it is written;
// a message redelivered after a reconnect may arrive twice.
//
// Threads: while Read waits, the reader thread drives the client itself (waits on the socket,
// reads, fills the pending batch: MqttClient::BeginDriving) — no wake-up by another thread per
// message; when Read has not been called for a moment (a busy pipeline) the client's network
// thread reads ahead into the pending batch. An acknowledgement writes its PUBACKs on the
// acknowledging thread.
//
// Thread-safety: Connect/Read/Close on the reader thread (Input contract). The client's
// callbacks fill the pending batch (reader or network thread); acknowledgement callbacks may run
// on any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "connectors/mqtt/mqtt_client.h"
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

class MqttInput final : public Input, private MqttClient::Handler {
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
    MqttClient* client = nullptr;  // to acknowledge; null once the input closed. GUARDED_BY(mu)
    MqttInput* input = nullptr;    // to wake Read; null once the input closed. GUARDED_BY(mu)
    std::atomic<int64_t> batches_out{0};  // batches handed out and not yet acknowledged
  };
  // The QoS 1/2 messages of one batch: sequence numbers [first, end) of connection `connection`.
  struct AckRange {
    uint64_t connection = 0;
    uint64_t first = 0;
    uint64_t end = 0;
  };

  // MqttClient::Handler (network thread, or the reader thread while Read drives the client).
  void OnMessage(const mqtt::Publish& message, uint64_t connection, uint64_t seq) override;
  void OnReadDone() override;
  void OnDisconnected() override;
  bool ReadPaused() override;

  using Clock = std::chrono::steady_clock;

  // A batch handed out was acknowledged (any thread; called with AckState::mu held). True when
  // Read waits for that.
  bool BatchAcked();
  // Waits until `ready` holds, `deadline` passes or `stop` is requested; `lock` holds mu_ and is
  // released meanwhile. While connected the reader drives the client itself
  // (MqttClient::BeginDriving): the callbacks run on this thread. Otherwise the network thread
  // delivers and notifies arrived_.
  template <typename Ready>
  void Await(std::unique_lock<std::mutex>& lock, std::stop_token stop, Ready ready,
             Clock::time_point deadline);
  // Builds the InputBatch of the rows taken from the pending builder.
  Result<InputBatch> MakeBatch(Batch raw, AckRange to_ack);

  MqttInputOptions options_;
  std::unique_ptr<Decoder> decoder_;
  ComponentContext ctx_;
  std::string what_;
  std::shared_ptr<AckState> acks_;
  std::unique_ptr<MqttClient> client_;

  // Pending messages, filled by the client's callbacks (network thread, or Read driving).
  std::mutex mu_;
  std::condition_variable_any arrived_;
  RawBatchBuilder pending_{RawBatchBuilder::kSource};    // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point first_arrival_;  // of pending_'s first row
  AckRange pending_acks_;      // QoS 1/2 rows in pending_ (of its last connection); GUARDED_BY(mu_)
  bool reading_ = false;       // the network thread is amid a read burst; GUARDED_BY(mu_)
  bool full_ = false;          // reading paused on a full pending batch; GUARDED_BY(mu_)
  bool waiting_busy_ = false;  // Read waits for the pipeline to take a batch; GUARDED_BY(mu_)

  std::deque<InputBatch> ready_;  // slices of an oversized take (reader thread)
  bool closed_ = false;
};

void RegisterMqttInput(Registry& registry);

}  // namespace ark
