// MqttSession: one libmosquitto client connection with its own network thread, shared by the
// `mqtt` input and output. It owns the connection options every MQTT component takes (ArkFlow's
// `host`, `port`, `client_id`, `username`, `password`, `keep_alive`, `clean_session`, plus `tls`),
// connects, reconnects with exponential backoff after a loss, and tells its Handler what happens.
//
// Why it runs its own loop (mosquitto_loop_read/write/misc around poll) rather than
// mosquitto_loop_start: libmosquitto 2.0 has no manual acknowledgements (mosquitto_manual_ack
// arrived in 2.1). It queues the PUBACK of a QoS 1 message (the PUBCOMP of QoS 2) before it
// hands the message to the application. The session writes queued packets only while
// Handler::MayWrite() says so; the input allows writing only when every QoS 1/2 message received
// on the current connection has been written by the outputs, so a PUBACK never leaves before the
// data is safe. PINGREQ and SUBSCRIBE wait behind the same gate (they share libmosquitto's queue).
// The protocol is MQTT 3.1.1 or 5; with 5 the CONNECT carries `receive_maximum` (how many QoS 1/2
// messages the broker may send before they are acknowledged) and, for a persistent session
// (`clean_session: false`), a session expiry interval of "never".
//
//   MqttSession session(options, &handler, "mqtt input");
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
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
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

// Maps a CONNACK refusal (an MQTT 3.1.1 return code, or an MQTT 5 reason code >= 128) to a
// Status: bad credentials and "not authorised" are ConfigError (retrying cannot help), "server
// unavailable" (and for MQTT 5 "server busy", "quota exceeded", "connection rate exceeded") is
// Unavailable.
Status ConnackStatus(int rc, std::string_view what, std::string_view address);

class MqttSession {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // The broker accepted the connection (first or after a reconnect). Subscribe here. Returns
    // true to have what was queued written at once, before any message of this connection can
    // close the write gate (only for clients that publish nothing: the output returns false).
    virtual bool OnConnected(MqttSession& session) {
      (void)session;
      return false;
    }
    // A message arrived. `message` is valid during the call only.
    virtual void OnMessage(const mosquitto_message& message) { (void)message; }
    // The broker acknowledged the subscription request `mid`; `granted` holds one QoS per topic
    // (0x80 = refused).
    virtual void OnSubscribed(int mid, const std::vector<int>& granted) {
      (void)mid;
      (void)granted;
    }
    // A QoS 1/2 publish was acknowledged (PUBACK / PUBCOMP); QoS 0: handed to the socket.
    virtual void OnPublished(int mid) { (void)mid; }
    // The session read what the socket held (or stopped on ReadPaused): the messages delivered
    // since the last call form one burst. Also called when reading failed.
    virtual void OnReadDone() {}
    // The connection was lost; the session reconnects on its own.
    virtual void OnDisconnected() {}
    // May queued packets (acknowledgements among them) be written now?
    virtual bool MayWrite() { return true; }
    // Should the session stop reading (its consumer is full, or the acknowledgements must go out
    // first)? Asked before each wait on the socket; Wake() makes the session ask again.
    virtual bool ReadPaused() { return false; }
    // Open() returns once this holds (after CONNACK), e.g. "every subscription was granted";
    // an error status here fails Open.
    virtual Result<bool> Ready() { return true; }
  };

  // `what` names the component in messages and logs ("mqtt input").
  MqttSession(MqttConnectionOptions options, Handler* handler, std::string what);
  ~MqttSession();
  MqttSession(const MqttSession&) = delete;
  MqttSession& operator=(const MqttSession&) = delete;

  // Connects and waits for the CONNACK and Handler::Ready(). Unavailable when the broker cannot
  // be reached (retried by the runtime), ConfigError when it refuses the credentials.
  Status Open();
  // Starts the network thread (after a successful Open).
  void Start();
  // Stops the network thread and disconnects: cleanly (DISCONNECT after the queued packets) when
  // the handler allows writing, else by closing the socket so the broker redelivers what was not
  // acknowledged. Idempotent.
  void Stop();

  // Makes the network thread look at its queues again (packets to write, reading resumed).
  void Wake();

  mosquitto* mosq() const { return mosq_; }
  const MqttConnectionOptions& options() const { return options_; }
  const std::string& what() const { return what_; }
  // Connections established so far (1 after Open); changes on the network thread.
  uint64_t connections() const { return connections_.load(std::memory_order_acquire); }

 private:
  static void OnConnectCb(mosquitto* m, void* self, int rc);
  static void OnDisconnectCb(mosquitto* m, void* self, int rc);
  static void OnMessageCb(mosquitto* m, void* self, const mosquitto_message* msg);
  static void OnSubscribeCb(mosquitto* m, void* self, int mid, int count, const int* granted);
  static void OnPublishCb(mosquitto* m, void* self, int mid);
  static void OnLogCb(mosquitto* m, void* self, int level, const char* text);

  Status Create();
  // One connection attempt: TCP (+TLS) connect, CONNACK and, when `wait_ready`,
  // Handler::Ready(), within the connect timeout.
  Status ConnectOnce(std::stop_token stop, bool wait_ready);
  // One poll round: reads, writes (when allowed), keep-alive. An error means the connection is
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
