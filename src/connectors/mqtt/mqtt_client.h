// MqttClient: the `mqtt` input's connection to the broker — a small MQTT 5 / 3.1.1 subscriber
// on an MqttConnection (mqtt_connection.h) with its own network thread. It connects, subscribes,
// reads PUBLISH packets, keeps the connection alive, reconnects with exponential backoff and
// subscribes again after a loss.
//
// Why not libmosquitto: libmosquitto 2.0 queues the
// PUBACK of a QoS 1 message before it hands the message over and writes queued packets in order,
// so holding one acknowledgement back until the outputs wrote the message holds every write.
// Here the acknowledgement of each message is sent when the application says so
// (Acknowledge): the PUBACK (QoS 1) or PUBREC (QoS 2) goes out once the message and every
// message received before it on the connection were acknowledged (MQTT requires them in the
// order of the PUBLISHes), while reading, keep-alive and everything else go on. The broker stops
// sending only when `receive_maximum` messages are unacknowledged (MQTT 5; brokers apply their
// own in-flight limit to 3.1.1 clients).
//
// QoS 1/2 messages are numbered per connection in arrival order (0, 1, ...); the number and the
// connection number (connections(), 1 for the first) come with each message and identify it in
// Acknowledge. Acknowledgements of a connection that was lost are dropped: the broker redelivers
// those messages on the next connection (with `clean_session: false`).
//
//   MqttClient client(options, topics, qos, &handler, "mqtt input (mqtt://h:1883)");
//   ARK_RETURN_IF_ERROR(client.Open());  // connect + subscribe, synchronously
//   client.Start();                      // network thread
//   ...                                  // handler.OnMessage(...) on the network thread
//   client.Acknowledge(connection, first, end);  // from any thread
//   client.Stop();                       // sends what is acknowledged, DISCONNECT; idempotent
//
// Thread-safety: Open/Start/Stop from one owner thread; Acknowledge and Wake from any thread.
// Handler callbacks run on the network thread (on the Open caller's thread during Open), never
// concurrently with each other.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "connectors/mqtt/mqtt_codec.h"
#include "connectors/mqtt/mqtt_connection.h"

namespace ark {

class MqttClient {
 public:
  // Sequence number of a QoS 0 message (nothing to acknowledge).
  static constexpr uint64_t kNoAck = UINT64_MAX;

  class Handler {
   public:
    virtual ~Handler() = default;
    // A message arrived on connection `connection`; `seq` numbers it among the connection's
    // QoS 1/2 messages (kNoAck for QoS 0). The views are valid during the call only.
    virtual void OnMessage(const mqtt::Publish& message, uint64_t connection, uint64_t seq) = 0;
    // What one read of the socket delivered has been passed to OnMessage: those messages form
    // one burst. Also called when reading failed.
    virtual void OnReadDone() {}
    // The connection was lost; the client reconnects on its own.
    virtual void OnDisconnected() {}
    // Should the client stop reading (its consumer is full)? Asked before each wait on the
    // socket; Wake() makes the client ask again.
    virtual bool ReadPaused() { return false; }
  };

  // `what` names the component in messages and logs ("mqtt input (mqtt://h:1883)").
  MqttClient(MqttConnectionOptions options, std::vector<std::string> topics, int qos,
             Handler* handler, std::string what);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Connects, subscribes and waits for the SUBACK. Unavailable when the broker cannot be reached
  // (retried by the runtime); ConfigError when it refuses the credentials or a subscription, or
  // the TLS handshake fails.
  Status Open();
  // Starts the network thread (after a successful Open).
  void Start();
  // Stops the network thread: writes the acknowledgements that are due, sends DISCONNECT and
  // closes the connection. Messages not acknowledged stay with the broker (redelivered to a
  // persistent session). Idempotent.
  void Stop();

  // The QoS 1/2 messages [first, end) of connection `connection` were written by the outputs.
  // The caller writes the acknowledgements that became due itself.
  void Acknowledge(uint64_t connection, uint64_t first, uint64_t end);

  // Lets the caller (the input's reader thread) do the network thread's work while it waits for
  // messages — rounds of waiting on the socket, reading, handling, writing — instead of being
  // woken by the network thread for every burst: one thread hop less per message. The network
  // thread steps back while a caller drives and for kHandOver after, and takes over when nobody
  // drives (keep-alive, reading ahead while the pipeline is busy, reconnecting).
  //   if (client.BeginDriving()) {
  //     Status st = client.DriveStep(timeout_ms);  // handler callbacks on this thread
  //     client.EndDriving(st);
  //   }
  // BeginDriving is false (nothing to do) while disconnected: the network thread delivers.
  // An error of DriveStep is a lost connection; EndDriving hands it to the network thread, which
  // reconnects. REQUIRES: one driving thread at a time; Stop not concurrent with driving.
  static constexpr auto kHandOver = std::chrono::milliseconds(100);
  bool BeginDriving();
  Status DriveStep(int timeout_ms) { return Step(timeout_ms); }
  void EndDriving(const Status& step);
  // Makes the network thread look at its state again (reading resumed, acknowledgements due).
  void Wake();

  // Connections established so far (1 after Open).
  uint64_t connections() const { return connections_.load(std::memory_order_acquire); }

 private:
  struct Received {
    uint16_t packet_id;
    uint8_t qos;
  };

  // One connection attempt within the connect timeout: TCP (+TLS), CONNECT/CONNACK,
  // SUBSCRIBE/SUBACK. `first`: refusals are errors (else logged).
  Status ConnectOnce(std::stop_token stop, bool first);
  // One round of the connected loop: waits for the socket (up to `timeout_ms`), reads, handles
  // the packets, queues due acknowledgements, writes, keeps alive.
  Status Step(int timeout_ms);
  // Handles the complete packets read. REQUIRES: mu_ held (also for HandlePacket).
  Status HandlePackets();
  Status HandlePacket(const mqtt::Packet& p);
  // Moves acknowledgements that became due into the connection's output. REQUIRES: mu_ held.
  void QueueAcks();
  void Run(std::stop_token stop);
  void CloseConnection(bool graceful);

  const MqttConnectionOptions options_;
  const std::vector<std::string> topics_;
  const int qos_;
  Handler* const handler_;
  const std::string what_;
  int wake_fd_ = -1;
  bool connected_ = false;  // network thread

  // The connection and the acknowledgement state, shared by the network thread and the threads
  // that acknowledge: those write their PUBACKs themselves (no wake-up of the network thread per
  // batch). The network thread holds mu_ except while it waits on the socket.
  std::mutex mu_;
  MqttConnection conn_;  // GUARDED_BY(mu_)
  // Connected, and not yet found lost: acknowledgements are written, a caller may drive.
  // GUARDED_BY(mu_)
  bool up_ = false;
  // Received QoS 1/2 messages of the current connection not yet acknowledged to the broker, in
  // arrival order: received_[0] has sequence number acked_until_. GUARDED_BY(mu_)
  std::deque<Received> received_;
  uint64_t acked_until_ = 0;
  uint64_t next_seq_ = 0;
  std::map<uint64_t, uint64_t> done_;  // acknowledged ranges beyond acked_until_: first → end
  // Number of the current connection attempt; messages carry it, acknowledgements of other
  // attempts are dropped. GUARDED_BY(mu_)
  uint64_t attempt_ = 0;

  // Who drives the connection: the network thread, or a caller between BeginDriving and
  // EndDriving (see there).
  std::mutex drive_mu_;
  std::condition_variable_any drive_cv_;
  bool net_driving_ = false;     // the network thread is in a Step; GUARDED_BY(drive_mu_)
  bool reader_driving_ = false;  // a caller drives, or waits to; GUARDED_BY(drive_mu_)
  std::chrono::steady_clock::time_point reader_released_;  // GUARDED_BY(drive_mu_)
  Status lost_;  // the caller found the connection lost; GUARDED_BY(drive_mu_)
  // The network thread's turn: waits while a caller drives; the caller's loss, or Step's.
  Status NetworkStep(std::stop_token stop);
  // up_ under mu_; SetDown clears it and says whether it was set. Lock order: drive_mu_, then
  // mu_.
  bool Up();
  bool SetDown();

  std::atomic<uint64_t> connections_{0};
  std::jthread thread_;
  bool stopped_ = false;
};

}  // namespace ark
