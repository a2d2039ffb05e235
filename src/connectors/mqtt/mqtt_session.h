// MqttSession: one libmosquitto client connection with its own network thread, used by the
// `mqtt` output. The connection options every MQTT component takes (ArkFlow's `host`, `port`,
// `client_id`, `username`, `password`, `keep_alive`, `clean_session`, plus `tls`) are declared
// and read here for the input too (which has its own client, mqtt_client.h). The session
// connects, reconnects with exponential backoff after a loss, and tells its Handler when a
// publish was acknowledged.
//
// It runs libmosquitto's loop itself (mosquitto_loop_read/write/misc around poll, rather than
// mosquitto_loop_start) to cork each burst of writes and to renew TCP_QUICKACK before every wait.
// The protocol is MQTT 3.1.1 unless the options say 5; with 5 and a persistent session
// (`clean_session: false`) the CONNECT asks for a session expiry interval of "never".
//
//   MqttSession session(options, &handler, "mqtt output");
//   ARK_RETURN_IF_ERROR(session.Open());   // first connection, synchronously: auth errors here
//   session.Start();                       // network thread: traffic, keep-alive, reconnects
//   ...
//   session.Stop();                        // idempotent; joins the thread
//
// Thread-safety: Open/Start/Stop from one owner thread. Wake() and mosq() calls that libmosquitto
// documents as thread-safe (mosquitto_publish, mosquitto_subscribe) may be used from any thread
// once Open succeeded. Handler callbacks run on the network thread (on the Open caller's thread
// during Open), never concurrently with each other.
#pragma once

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "config/config_spec.h"

namespace ark {

struct MqttTlsOptions {
  bool enabled = false;
  std::string ca_file;    // empty: the system's CA certificates
  std::string cert_file;  // client certificate (with key_file), optional
  std::string key_file;
  bool insecure = false;  // skip the broker host name check (certificate chain still verified)
};

struct MqttConnectionOptions {
  std::string host;
  int port = 1883;
  std::string client_id;
  std::optional<std::string> username;
  std::optional<std::string> password;
  int keep_alive_s = 60;
  bool clean_session = true;
  MqttTlsOptions tls;
  int max_inflight = 0;  // outgoing QoS 1/2 messages awaiting acknowledgement; 0: library default
  int protocol = MQTT_PROTOCOL_V311;  // MQTT_PROTOCOL_V311 or MQTT_PROTOCOL_V5
  int receive_maximum = 0;            // MQTT 5: incoming QoS 1/2 messages unacknowledged, at most
  std::chrono::nanoseconds connect_timeout = std::chrono::seconds(10);
  std::chrono::nanoseconds reconnect_min = std::chrono::milliseconds(100);
  std::chrono::nanoseconds reconnect_max = std::chrono::seconds(10);

  // "mqtt://host:port" or "mqtts://host:port", for messages.
  std::string Address() const;
};

// Declares the connection options on `spec` (the same names on the input and the output).
void AddMqttConnectionOptions(ConfigSpec& spec);
// Reads them back; checks what the spec cannot (client_id length, TLS files exist).
Result<MqttConnectionOptions> ReadMqttConnectionOptions(const ComponentConfig& cfg);

// Asks the kernel to acknowledge what arrives on `sock` at once instead of delaying the TCP ACK
// (up to 40 ms on Linux) in the hope of piggybacking it on data. Brokers write small packets with
// Nagle's algorithm on (mosquitto's set_tcp_nodelay defaults to false): the broker holds every
// further PUBACK or PUBLISH until the previous one is acknowledged. A client that answers at once
// (mosquitto_sub) piggybacks that ACK; ours often has nothing to send (the output waits for all
// PUBACKs of a batch, the input's acknowledgements wait for the outputs), so without this each
// such wait costs a delayed ACK. The flag is not sticky: set it again before every wait.
void TcpQuickAck(int sock);

// Maps a CONNACK refusal (an MQTT 3.1.1 return code, or an MQTT 5 reason code >= 128) to a
// Status: bad credentials and "not authorised" are ConfigError (retrying cannot help), "server
// unavailable" (and for MQTT 5 "server busy", "quota exceeded", "connection rate exceeded") is
// Unavailable.
Status ConnackStatus(int rc, std::string_view what, std::string_view address);

// The network thread of an MQTT connection (the output's MqttSession, the input's MqttClient):
// `step` while `*connected`; otherwise `connect` (which sets `*connected`) again and again, with
// exponential backoff from reconnect_min to reconnect_max in between. Logs each failed attempt
// with its delay, the recovery, and a lost connection once per loss; `on_down(lost)` runs after
// a failed attempt (false) or a loss (true). Returns when `stop` is requested.
void RunMqttConnection(std::stop_token stop, const MqttConnectionOptions& options,
                       std::string_view what, bool* connected,
                       const std::function<Status()>& connect, const std::function<Status()>& step,
                       const std::function<void(bool lost)>& on_down);

class MqttSession {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // A QoS 1/2 publish was acknowledged (PUBACK / PUBCOMP); QoS 0: handed to the socket.
    virtual void OnPublished(int mid) { (void)mid; }
  };

  // `what` names the component in messages and logs ("mqtt output (mqtt://h:1883)").
  MqttSession(MqttConnectionOptions options, Handler* handler, std::string what);
  ~MqttSession();
  MqttSession(const MqttSession&) = delete;
  MqttSession& operator=(const MqttSession&) = delete;

  // Connects and waits for the CONNACK. Unavailable when the broker cannot be reached (retried
  // by the runtime), ConfigError when it refuses the credentials.
  Status Open();
  // Starts the network thread (after a successful Open).
  void Start();
  // Stops the network thread and disconnects cleanly (DISCONNECT after the queued packets).
  // Idempotent.
  void Stop();

  // Makes the network thread look at its queues again (packets to write).
  void Wake();

  mosquitto* mosq() const { return mosq_; }
  const MqttConnectionOptions& options() const { return options_; }
  const std::string& what() const { return what_; }
  // Connections established so far (1 after Open); changes on the network thread.
  uint64_t connections() const { return connections_.load(std::memory_order_acquire); }

 private:
  static void OnConnectCb(mosquitto* m, void* self, int rc);
  static void OnDisconnectCb(mosquitto* m, void* self, int rc);
  static void OnPublishCb(mosquitto* m, void* self, int mid);
  static void OnLogCb(mosquitto* m, void* self, int level, const char* text);

  Status Create();
  // One connection attempt: TCP (+TLS) connect and CONNACK within the connect timeout.
  Status ConnectOnce(std::stop_token stop);
  // One poll round: reads, writes, keep-alive. An error means the connection is
  // gone. `timeout_ms` bounds the wait.
  Status Step(int timeout_ms);
  Status LoopStatus(int rc, std::string_view during) const;
  void Run(std::stop_token stop);
  void CloseConnection(bool graceful);

  MqttConnectionOptions options_;
  Handler* handler_;
  std::string what_;
  mosquitto* mosq_ = nullptr;
  int wake_fd_ = -1;
  bool configured_ = false;  // mosquitto_connect ran once (host and port stored)
  std::mutex log_mu_;
  std::string last_log_error_;  // libmosquitto's last error log line; GUARDED_BY(log_mu_)
  // Set by the callbacks during a connection attempt.
  bool connack_seen_ = false;
  int connack_rc_ = 0;
  bool connected_ = false;
  std::atomic<uint64_t> connections_{0};
  std::jthread thread_;
  bool stopped_ = false;
};

}  // namespace ark
