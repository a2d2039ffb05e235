// MqttConnection: one connection to an MQTT broker on the engine's own codec (mqtt_codec.h) — the
// socket (TLS through OpenSSL when configured), the bytes read and not yet decoded, the bytes to
// write, the CONNECT/CONNACK exchange and keep-alive. It has no thread: its owner drives it
// (MqttClient, the `mqtt` input's subscriber, and MqttPublisher, the `mqtt` output's publisher),
// polling fd() and calling Read/Next/Flush. Also here: what both owners share around a connection
// (TCP_QUICKACK, CONNACK refusals, the reconnect loop and its log lines).
//
//   MqttConnection conn(options, "mqtt output (mqtt://h:1883)");
//   ARK_RETURN_IF_ERROR(conn.Init());                 // TLS context, once
//   ARK_RETURN_IF_ERROR(conn.Connect(stop, deadline));  // TCP (+TLS), CONNECT, CONNACK
//   mqtt::EncodePublish(conn.version(), publish, &conn.out());
//   ARK_RETURN_IF_ERROR(conn.Flush());
//   ... poll conn.fd() ...
//   ARK_ASSIGN_OR_RETURN(bool got, conn.Read());
//   while (true) {
//     ARK_ASSIGN_OR_RETURN(std::optional<mqtt::Packet> p, conn.Next());
//     if (!p) break;
//     ...
//   }
//   conn.Close(/*graceful=*/true);                   // DISCONNECT, then close
//
// The protocol is MQTT 5 unless the options say 3.1.1; with 5 and a persistent session
// (`clean_session: false`) the CONNECT asks for a session expiry interval of "never".
//
// Thread-safety: none; one thread at a time (its owner serialises).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "connectors/mqtt/mqtt_codec.h"
#include "connectors/mqtt/mqtt_options.h"
#include "runtime/backoff.h"

namespace ark {

class MqttTls;
class MqttTransport;

// Milliseconds until `t` for poll(2): rounded up, 0 when past, at most a minute.
int MillisUntil(std::chrono::steady_clock::time_point t);

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

// The reconnect policy and its log lines, for a connection driven by one thread at a time:
// exponential backoff from reconnect_min to reconnect_max between failed attempts; a lost
// connection is logged once per loss, each failed attempt with its delay, and the recovery.
class MqttReconnect {
 public:
  MqttReconnect(const MqttConnectionOptions& options, std::string_view what);
  // The connection was lost (logged once until the next success).
  void Lost(const Status& why);
  // An attempt failed: logs it and returns the delay before the next one.
  std::chrono::nanoseconds Failed(const Status& why);
  // An attempt succeeded.
  void Connected();

 private:
  std::string address_;
  std::string what_;
  Backoff backoff_;
  bool lost_logged_ = false;
};

// The network thread of a connection that is driven by one thread (the input's MqttClient):
// `step` while `*connected`; otherwise `connect` (which sets `*connected`) again and again, with
// MqttReconnect's backoff in between. `on_down(lost)` runs after a failed attempt (false) or a
// loss (true). Returns when `stop` is requested.
void RunMqttConnection(std::stop_token stop, const MqttConnectionOptions& options,
                       std::string_view what, bool* connected,
                       const std::function<Status()>& connect, const std::function<Status()>& step,
                       const std::function<void(bool lost)>& on_down);

class MqttConnection {
 public:
  using Clock = std::chrono::steady_clock;

  // `what` names the component in messages ("mqtt input (mqtt://h:1883)").
  MqttConnection(const MqttConnectionOptions& options, std::string what);
  ~MqttConnection();
  MqttConnection(const MqttConnection&) = delete;
  MqttConnection& operator=(const MqttConnection&) = delete;

  // Loads the TLS settings (once; a ConfigError names the file that cannot be used).
  Status Init();

  // Closes any earlier connection, then TCP (+TLS) and CONNECT, and waits for the CONNACK until
  // `deadline`. Unavailable when the broker cannot be reached or does not answer in time,
  // ConfigError when it refuses (credentials, client id) or the TLS handshake fails; Cancelled
  // when `stop` is requested. What the broker sent after the CONNACK stays for Next().
  Status Connect(std::stop_token stop, Clock::time_point deadline);

  // The CONNACK of the current connection: did the broker still hold our session?
  bool session_present() const { return session_present_; }
  // MQTT 5: how many QoS 1/2 publishes the broker takes unacknowledged (65535 when it did not
  // say, or with 3.1.1); its largest packet (0: no limit).
  uint32_t broker_receive_maximum() const { return broker_receive_maximum_; }
  uint32_t broker_maximum_packet_size() const { return broker_maximum_packet_size_; }
  // The broker's largest QoS (MQTT 5; 2 when it did not say).
  uint8_t broker_maximum_qos() const { return broker_maximum_qos_; }

  // Sends what is in out() and handles what arrives with `on_packet` until it returns true, the
  // deadline passes (Unavailable) or `stop` is requested (Cancelled). For request/response
  // exchanges while connecting (SUBSCRIBE/SUBACK). Packets after the one that ended it stay.
  using PacketFn = std::function<Result<bool>(const mqtt::Packet&)>;
  Status Exchange(std::stop_token stop, Clock::time_point deadline, const PacketFn& on_packet);

  bool open() const { return transport_ != nullptr; }
  int fd() const;
  // TLS holds decrypted bytes the socket no longer shows: read without waiting.
  bool Buffered() const;
  // Bytes wait in out(), or TLS needs the socket writable to go on reading.
  bool WantsWrite() const;

  // Packets to send are appended here (mqtt::Encode*); Flush writes them.
  std::string& out() { return out_; }
  // Writes out() as far as the socket takes it now.
  Status Flush();
  // Writes out() completely, waiting up to `deadline` for the socket.
  Status FlushAll(Clock::time_point deadline);

  // One read of the socket into the input buffer; false when nothing was there. An error means
  // the connection is gone.
  Result<bool> Read();
  // The last Read took less than it could and TLS holds nothing more: another read now would
  // most likely find nothing (a system call saved per wake-up).
  bool Drained() const { return drained_; }
  // The next complete packet read, or nullopt. Its views point into the input buffer: valid
  // until the next Read.
  Result<std::optional<mqtt::Packet>> Next();

  // Keep-alive: the wait (at most `timeout_ms`) until KeepAlive has something to do.
  int KeepAliveWaitMs(int timeout_ms) const;
  // Queues a PINGREQ when nothing was sent for the keep-alive interval; Unavailable when the
  // PINGRESP is 1.5 intervals late.
  Status KeepAlive();
  // Handles what every owner handles alike: PINGRESP and PUBREL (answered with PUBCOMP) — true —
  // and DISCONNECT, a second CONNACK and AUTH (errors). False for the packets the owner handles.
  Result<bool> HandleCommon(const mqtt::Packet& p);

  // Packet identifiers: 1..65535, then 1 again.
  uint16_t NextPacketId();

  // Graceful: sends DISCONNECT and waits (up to 2 s in all) for the broker to close its side.
  // Then closes. Idempotent.
  void Close(bool graceful);

  mqtt::Version version() const { return options_.protocol; }
  const std::string& address() const { return address_; }

 private:
  // Unavailable "<what>: <text> <address>".
  Status Lost(std::string_view text) const;

  const MqttConnectionOptions options_;
  const std::string what_;
  const std::string address_;
  std::unique_ptr<MqttTls> tls_;              // with `tls`: the loaded certificates
  std::unique_ptr<MqttTransport> transport_;  // null while disconnected
  std::vector<char> read_buf_;                // one read of the socket
  std::string in_;                            // bytes read, not yet decoded
  size_t in_pos_ = 0;                         // first undecoded byte of in_
  bool drained_ = false;                      // see Drained()
  std::string out_;                           // bytes to write
  size_t out_pos_ = 0;
  bool session_present_ = false;
  uint32_t broker_receive_maximum_ = 65535;
  uint32_t broker_maximum_packet_size_ = 0;
  uint8_t broker_maximum_qos_ = 2;
  uint16_t keep_alive_s_ = 60;  // the broker's Server Keep Alive, or ours
  Clock::time_point last_write_;
  Clock::time_point ping_sent_;
  bool ping_outstanding_ = false;
  uint16_t next_packet_id_ = 1;
};

}  // namespace ark
