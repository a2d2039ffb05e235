#include "connectors/mqtt/mqtt_options.h"

#include <filesystem>

#include <fmt/format.h>

namespace ark {

std::string MqttConnectionOptions::Address() const {
  return fmt::format("{}://{}:{}", tls.enabled ? "mqtts" : "mqtt", host, port);
}

void AddMqttConnectionOptions(ConfigSpec& spec) {
  spec.String("host", "Broker host name or IP address.").Required();
  spec.Int("port", "Broker port (1883 for plain MQTT, 8883 is usual with TLS).")
      .Required()
      .Min(1)
      .Max(65535);
  spec.String("client_id",
              "Client identifier; unique per broker. With `clean_session: false` the broker keeps "
              "the session (subscriptions, unacknowledged messages) under this id.")
      .Required();
  spec.String("username", "User name for authentication.");
  spec.String("password", "Password for authentication (with `username`).");
  spec.Int("keep_alive", "Keep-alive interval in seconds (PINGREQ when idle).")
      .Default("60")
      .Min(5)
      .Max(65535);
  spec.Bool("clean_session",
            "Start with a clean session. false: the broker keeps the subscriptions and queues "
            "QoS 1/2 messages while the client is away, and redelivers what was not acknowledged.")
      .Default("true");
  spec.String("protocol", "MQTT protocol version: \"5\" or \"3.1.1\" (for brokers without MQTT 5).")
      .Default("5")
      .OneOf({"5", "3.1.1"});
  ConfigSpec tls("TLS to the broker.");
  tls.Bool("enabled", "Use TLS (implied by any other `tls` option).").Default("false");
  tls.String("ca_file",
             "PEM file of the CA certificate(s) that signed the broker's certificate; unset: the "
             "system's CA certificates.");
  tls.String("cert_file", "PEM client certificate, for brokers that require one (with key_file).");
  tls.String("key_file", "PEM private key of cert_file.");
  tls.Bool("insecure",
           "Do not check that the broker's certificate names `host` (the chain is still "
           "verified). For tests only.")
      .Default("false");
  spec.Object("tls", "TLS options; unset: plain TCP.", std::move(tls));
  spec.Duration("connect_timeout", "How long a connection attempt waits for the broker's answer.")
      .Default("10s");
  spec.Duration("reconnect_min", "First delay before reconnecting after a lost connection.")
      .Default("100ms");
  spec.Duration("reconnect_max",
                "Longest delay between reconnection attempts (the delay doubles up to it).")
      .Default("10s");
}

Result<MqttConnectionOptions> ReadMqttConnectionOptions(const ComponentConfig& cfg) {
  MqttConnectionOptions o;
  o.host = cfg.GetString("host");
  if (o.host.empty()) return cfg.NodeOf("host").Error("must not be empty");
  o.port = static_cast<int>(cfg.GetInt("port"));
  o.client_id = cfg.GetString("client_id");
  if (o.client_id.empty()) return cfg.NodeOf("client_id").Error("must not be empty");
  if (o.client_id.size() > 65535) {
    return cfg.NodeOf("client_id").Error("is longer than the 65535 bytes MQTT allows");
  }
  if (cfg.IsSet("username")) o.username = cfg.GetString("username");
  if (cfg.IsSet("password")) {
    if (!o.username) {
      return cfg.NodeOf("password")
          .Error(
              "is set without `username` (MQTT 3.1.1 sends a "
              "password only with a user name)");
    }
    o.password = cfg.GetString("password");
  }
  o.keep_alive_s = static_cast<int>(cfg.GetInt("keep_alive"));
  o.protocol = cfg.GetString("protocol") == "5" ? mqtt::Version::k5 : mqtt::Version::k311;
  o.clean_session = cfg.GetBool("clean_session");
  o.connect_timeout = cfg.GetDuration("connect_timeout");
  o.reconnect_min = cfg.GetDuration("reconnect_min");
  o.reconnect_max = cfg.GetDuration("reconnect_max");
  if (o.connect_timeout <= std::chrono::nanoseconds::zero()) {
    return cfg.NodeOf("connect_timeout").Error("must be positive");
  }
  if (o.reconnect_min <= std::chrono::nanoseconds::zero() || o.reconnect_max < o.reconnect_min) {
    return cfg.NodeOf("reconnect_max")
        .Error("reconnect_min must be positive and reconnect_max at least reconnect_min");
  }
  if (cfg.IsSet("tls")) {
    ComponentConfig tls = cfg.GetObject("tls");
    o.tls.enabled = tls.GetBool("enabled") || tls.IsSet("ca_file") || tls.IsSet("cert_file") ||
                    tls.IsSet("key_file") || tls.IsSet("insecure");
    if (tls.IsSet("enabled") && !tls.GetBool("enabled")) o.tls.enabled = false;
    o.tls.insecure = tls.GetBool("insecure");
    for (auto [name, field] :
         {std::pair{"ca_file", &o.tls.ca_file}, std::pair{"cert_file", &o.tls.cert_file},
          std::pair{"key_file", &o.tls.key_file}}) {
      if (!tls.IsSet(name)) continue;
      *field = tls.GetString(name);
      std::error_code ec;
      if (!std::filesystem::is_regular_file(*field, ec)) {
        return tls.NodeOf(name).Error(fmt::format("file {} does not exist", *field));
      }
    }
    if (o.tls.cert_file.empty() != o.tls.key_file.empty()) {
      return cfg.NodeOf("tls").Error("cert_file and key_file go together");
    }
  }
  return o;
}

}  // namespace ark
