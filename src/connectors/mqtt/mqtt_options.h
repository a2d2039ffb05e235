// The connection options every MQTT component takes — ArkFlow's `host`, `port`, `client_id`,
// `username`, `password`, `keep_alive`, `clean_session`, plus `tls`, the protocol version and the
// reconnect timing — declared on a component's spec and read back, checked. The connection
// itself is mqtt_connection.h.
//
// Thread-safety: plain data and free functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/status.h"
#include "config/config_spec.h"
#include "connectors/mqtt/mqtt_codec.h"

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
  int max_inflight = 0;  // outgoing QoS 1/2 messages awaiting acknowledgement; 0: the default
  mqtt::Version protocol = mqtt::Version::k5;
  int receive_maximum = 0;  // MQTT 5: incoming QoS 1/2 messages unacknowledged, at most
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

}  // namespace ark
