// MqttPublisher: the `mqtt` output's connection — publishes a batch of messages with QoS 0, 1
// or 2 on an MqttConnection (the engine's own codec) and returns once the broker acknowledged
// all of them.
//
// The writer thread drives the connection itself while it publishes: it encodes a window of
// PUBLISH packets straight into the socket's buffer, writes them with one system call, waits on
// the socket for the acknowledgements and answers PUBRECs with PUBRELs — no hand-off to another
// thread on the way out or back (libmosquitto, which this replaces, woke its network thread for
// every publish and again for every acknowledgement). Between batches a maintenance thread keeps
// the connection alive (PINGREQ), notices a lost connection and reconnects with backoff.
//
// Delivery: QoS 1/2 messages stay in flight (by packet identifier) until acknowledged. After a
// reconnect they are sent again in their original order: with the broker's session still there
// (`clean_session: false`, CONNACK session present) as duplicates (DUP flag), and a QoS 2
// message the broker already took (PUBREC) by its PUBREL; without it as new PUBLISHes
// (at-least-once). At most `max_inflight` messages (and at most the broker's MQTT 5 Receive
// Maximum) are unacknowledged at a time.
//
//   MqttPublisher publisher(options, /*qos=*/1, /*retain=*/false, "mqtt output (mqtt://h:1883)");
//   ARK_RETURN_IF_ERROR(publisher.Open());  // first connection; starts the maintenance thread
//   publisher.Begin(n, [&](int64_t i) { return MqttPublisher::Message{topic, payload(i)}; });
//   Status st = publisher.Publish(deadline);  // Unavailable at the deadline: call again
//   publisher.Stop();                         // DISCONNECT; idempotent
//
// Thread-safety: Open, Begin, Publish and Stop from one owner thread (the output's writer); the
// maintenance thread shares the connection under mu_.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "connectors/mqtt/mqtt_connection.h"

namespace ark {

class MqttPublisher {
 public:
  using Clock = std::chrono::steady_clock;

  struct Message {
    std::string_view topic;
    std::string_view payload;
  };
  // Message `i` of the current batch; the views must stay valid until the next Begin (messages
  // are sent again after a reconnect).
  using MessageFn = std::function<Message(int64_t i)>;

  // `qos` 0..2. options.max_inflight bounds the QoS 1/2 messages unacknowledged (0: 1000).
  MqttPublisher(MqttConnectionOptions options, int qos, bool retain, std::string what);
  ~MqttPublisher();
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  // Connects (Unavailable when the broker cannot be reached, ConfigError when it refuses the
  // credentials or TLS fails) and starts the maintenance thread.
  Status Open();
  // Stops the maintenance thread and disconnects (DISCONNECT). Idempotent.
  void Stop();

  // Makes messages [0, n) the current batch. Messages of an unfinished earlier batch are given
  // up (their late acknowledgements are ignored; their packet identifiers stay reserved until
  // then).
  void Begin(int64_t n, MessageFn message);
  // Publishes the current batch: OK once the broker acknowledged every message (QoS 0: once all
  // were written to the socket). Unavailable when `deadline` passes first (disconnected, or the
  // broker slow to acknowledge); calling again goes on where it stopped, publishing nothing
  // twice. InvalidArgument, after all the others were acknowledged, when messages could not be
  // published: too large for MQTT or for the broker's Maximum Packet Size, or refused by the
  // broker (an MQTT 5 reason code >= 128) — naming the first such message and the reason.
  Status Publish(Clock::time_point deadline);

  // Connections established so far (1 after Open).
  uint64_t connections() const { return connections_.load(std::memory_order_acquire); }

 private:
  static constexpr int64_t kFree = -1;    // packet identifier not in use
  static constexpr int64_t kOrphan = -2;  // in flight for a batch given up
  struct Slot {
    int64_t index = kFree;  // message of the batch, or kFree / kOrphan
    uint64_t sent = 0;      // sending order (for resending in order)
    bool released = false;  // QoS 2: PUBREC received, PUBREL sent
  };

  // REQUIRES: mu_ held (for all below).
  // Connects and sends what was in flight again. Errors are the attempt's.
  Status Reconnect();
  // The connection failed: logs it, closes it; the next attempt is due at once.
  void OnLost(const Status& why);
  // Encodes messages of the batch into the connection's output while the window allows.
  void Fill();
  // Encodes message `index` (`m`) with packet identifier `id` (QoS 1/2: the slot is taken).
  void Send(int64_t index, const Message& m, uint16_t id, bool dup);
  // Waits up to `timeout_ms` for the socket, reads and handles what came, keeps alive, writes.
  Status Service(int timeout_ms);
  Status HandlePacket(const mqtt::Packet& p);
  // Message in `slot` was acknowledged (PUBACK / PUBCOMP) or refused (reason >= 0x80).
  void Complete(uint16_t id, uint8_t reason);
  void Refuse(int64_t index, std::string reason);
  uint16_t FreePacketId();
  int64_t Window() const;
  bool BatchDone() const;
  void Run(std::stop_token stop);

  const MqttConnectionOptions options_;
  const uint8_t qos_;
  const bool retain_;
  const std::string what_;

  std::mutex mu_;
  std::condition_variable_any idle_;  // the maintenance thread's timed wait
  MqttConnection conn_;               // GUARDED_BY(mu_)
  MqttReconnect reconnect_;           // GUARDED_BY(mu_)
  Clock::time_point next_attempt_;    // GUARDED_BY(mu_): the next connection attempt, when down
  std::stop_source stop_;

  // The current batch (GUARDED_BY(mu_)).
  MessageFn message_;
  int64_t n_ = 0;
  int64_t next_ = 0;   // first message not yet sent
  int64_t acked_ = 0;  // messages acknowledged (or refused)
  int64_t first_refused_ = -1;
  std::string refusal_;  // why first_refused_ was not published
  int64_t refused_ = 0;

  // In-flight QoS 1/2 messages by packet identifier (GUARDED_BY(mu_)).
  std::vector<Slot> slots_;
  int64_t in_flight_ = 0;
  uint64_t sent_ = 0;  // PUBLISHes sent, for Slot::sent
  uint16_t next_id_ = 1;

  std::atomic<uint64_t> connections_{0};
  std::jthread thread_;
  bool stopped_ = false;
};

}  // namespace ark
