#include "connectors/mqtt/mqtt_session.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "base/units.h"
#include "runtime/backoff.h"

namespace ark {

namespace {

void InitLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

int ToMillis(std::chrono::nanoseconds d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 60'000));
}

// TCP_CORK on `sock`: while set, the kernel sends only full segments; clearing it sends the rest.
void Cork(int sock, bool on) {
  int v = on ? 1 : 0;
  (void)::setsockopt(sock, IPPROTO_TCP, TCP_CORK, &v, sizeof v);
}

// Is `level` an error worth quoting in a message?
bool IsErrorLog(int level) { return (level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING)) != 0; }

}  // namespace

void TcpQuickAck(int sock) {
  int one = 1;
  (void)::setsockopt(sock, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

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

Status ConnackStatus(int rc, std::string_view what, std::string_view address) {
  if (rc >= 128) {
    // MQTT 5 reason code.
    std::string text =
        fmt::format("{}: the broker at {} refused the connection: {} (CONNACK reason code {})",
                    what, address, mosquitto_reason_string(rc), rc);
    switch (rc) {
      case MQTT_RC_SERVER_UNAVAILABLE:
      case MQTT_RC_SERVER_BUSY:
      case MQTT_RC_QUOTA_EXCEEDED:
      case MQTT_RC_CONNECTION_RATE_EXCEEDED:
        return Status::Unavailable("{}", text);
      case MQTT_RC_BAD_USERNAME_OR_PASSWORD:
      case MQTT_RC_NOT_AUTHORIZED:
      case MQTT_RC_BANNED:
      case MQTT_RC_BAD_AUTHENTICATION_METHOD:
        return Status::ConfigError("{}; check `username` and `password`", text);
      case MQTT_RC_CLIENTID_NOT_VALID:
        return Status::ConfigError("{}; check `client_id`", text);
      case MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION:
        return Status::ConfigError("{}; set `protocol: \"3.1.1\"` for a broker without MQTT 5",
                                   text);
      default:
        return Status::ConfigError("{}", text);
    }
  }
  std::string text =
      fmt::format("{}: the broker at {} refused the connection: {} (CONNACK code {})", what,
                  address, mosquitto_connack_string(rc), rc);
  switch (rc) {
    case 1:  // unacceptable protocol version (a 3.1.1-only broker answering an MQTT 5 CONNECT)
      return Status::ConfigError("{}; set `protocol: \"3.1.1\"` for a broker without MQTT 5", text);
    case 3:  // server unavailable
      return Status::Unavailable("{}", text);
    case 4:
    case 5:
      return Status::ConfigError("{}; check `username` and `password`", text);
    case 2:
      return Status::ConfigError("{}; check `client_id`", text);
    default:
      return Status::ConfigError("{}", text);
  }
}

MqttSession::MqttSession(MqttConnectionOptions options, Handler* handler, std::string what)
    : options_(std::move(options)), handler_(handler), what_(std::move(what)) {}

MqttSession::~MqttSession() {
  Stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status MqttSession::Create() {
  if (mosq_ != nullptr) return Status::OK();
  InitLibrary();
  if (wake_fd_ < 0) {
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) return Status::FromErrno(errno, "creating an eventfd");
  }
  mosquitto* m = mosquitto_new(options_.client_id.c_str(), options_.clean_session, this);
  if (m == nullptr) {
    return Status::Internal("{}: cannot create the MQTT client: {}", what_, std::strerror(errno));
  }
  mosq_ = m;
  // The library must not write from the calling thread: every write goes through Step's gate.
  mosquitto_threaded_set(m, true);
  mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, options_.protocol);
  mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
  if (options_.max_inflight > 0) {
    mosquitto_max_inflight_messages_set(m, static_cast<unsigned>(options_.max_inflight));
  }
  if (options_.username) {
    int rc = mosquitto_username_pw_set(m, options_.username->c_str(),
                                       options_.password ? options_.password->c_str() : nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      return Status::ConfigError("{}: invalid username: {}", what_, mosquitto_strerror(rc));
    }
  }
  if (options_.tls.enabled) {
    const MqttTlsOptions& t = options_.tls;
    if (t.ca_file.empty()) mosquitto_int_option(m, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
    if (!t.ca_file.empty() || !t.cert_file.empty()) {
      int rc = mosquitto_tls_set(m, t.ca_file.empty() ? nullptr : t.ca_file.c_str(), nullptr,
                                 t.cert_file.empty() ? nullptr : t.cert_file.c_str(),
                                 t.key_file.empty() ? nullptr : t.key_file.c_str(), nullptr);
      if (rc != MOSQ_ERR_SUCCESS) {
        return Status::ConfigError("{}: TLS setup failed: {}", what_, mosquitto_strerror(rc));
      }
    }
    if (t.insecure) mosquitto_tls_insecure_set(m, true);
  }
  mosquitto_connect_callback_set(m, &MqttSession::OnConnectCb);
  mosquitto_disconnect_callback_set(m, &MqttSession::OnDisconnectCb);
  mosquitto_publish_callback_set(m, &MqttSession::OnPublishCb);
  return Status::OK();
}

void MqttSession::OnConnectCb(mosquitto*, void* self, int rc) {
  auto* s = static_cast<MqttSession*>(self);
  s->connack_seen_ = true;
  s->connack_rc_ = rc;
}

void MqttSession::OnDisconnectCb(mosquitto*, void* self, int) {
  static_cast<MqttSession*>(self)->connected_ = false;
}

void MqttSession::OnPublishCb(mosquitto*, void* self, int mid) {
  static_cast<MqttSession*>(self)->handler_->OnPublished(mid);
}

void MqttSession::OnLogCb(mosquitto*, void* self, int level, const char* text) {
  if (!IsErrorLog(level) || text == nullptr) return;
  auto* s = static_cast<MqttSession*>(self);
  std::lock_guard lock(s->log_mu_);
  s->last_log_error_ = text;
}

Status MqttSession::LoopStatus(int rc, std::string_view during) const {
  const std::string address = options_.Address();
  // A refusing CONNACK: MOSQ_ERR_CONN_REFUSED for a 3.1.1 return code, MOSQ_ERR_PROTOCOL for an
  // MQTT 5 reason code.
  if ((rc == MOSQ_ERR_CONN_REFUSED || rc == MOSQ_ERR_PROTOCOL) && connack_seen_ &&
      connack_rc_ != 0) {
    return ConnackStatus(connack_rc_, what_, address);
  }
  if (rc == MOSQ_ERR_ERRNO) {
    return Status::Unavailable("{}: {} {}: {}", what_, during, address, std::strerror(errno));
  }
  if (rc == MOSQ_ERR_TLS) {
    std::string detail;
    {
      std::lock_guard lock(const_cast<std::mutex&>(log_mu_));
      detail = last_log_error_;
    }
    return Status::ConfigError(
        "{}: TLS with {} failed{}{} (check tls.ca_file and the broker's "
        "certificate)",
        what_, address, detail.empty() ? "" : ": ", detail);
  }
  if (rc == MOSQ_ERR_EAI) {
    return Status::Unavailable("{}: cannot resolve host of {}", what_, address);
  }
  return Status::Unavailable("{}: {} {}: {}", what_, during, address, mosquitto_strerror(rc));
}

Status MqttSession::Open() {
  ARK_RETURN_IF_ERROR(Create());
  std::stop_source never;
  return ConnectOnce(never.get_token());
}

Status MqttSession::ConnectOnce(std::stop_token stop) {
  connack_seen_ = false;
  connack_rc_ = -1;
  connected_ = false;
  mosquitto_log_callback_set(mosq_, &MqttSession::OnLogCb);
  {
    std::lock_guard lock(log_mu_);
    last_log_error_.clear();
  }
  int rc;
  if (!configured_) {
    // MQTT 5 ends a session when the connection closes unless the CONNECT asks otherwise;
    // libmosquitto keeps these properties for its reconnects.
    mosquitto_property* props = nullptr;
    if (options_.protocol == MQTT_PROTOCOL_V5 && !options_.clean_session) {
      mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL, UINT32_MAX);
    }
    rc = mosquitto_connect_bind_v5(mosq_, options_.host.c_str(), options_.port,
                                   options_.keep_alive_s, nullptr, props);
    mosquitto_property_free_all(&props);
    if (rc != MOSQ_ERR_INVAL) configured_ = true;
  } else {
    rc = mosquitto_reconnect(mosq_);
  }
  if (rc != MOSQ_ERR_SUCCESS) return LoopStatus(rc, "connecting to");
  const auto deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
  while (true) {
    if (connack_seen_ && connack_rc_ == 0) break;
    if (stop.stop_requested()) return Status::Cancelled("{}: stopped while connecting", what_);
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds::zero()) {
      CloseConnection(/*graceful=*/false);
      return Status::Unavailable("{}: {} did not answer within {}", what_, options_.Address(),
                                 FormatDuration(options_.connect_timeout));
    }
    Status st = Step(std::min(ToMillis(left) + 1, 100));
    if (!st.ok()) return st;
  }
  connected_ = true;
  // With a log callback libmosquitto formats a line for every packet; only the connection's
  // errors (TLS above all) are worth quoting, so it is off while connected.
  mosquitto_log_callback_set(mosq_, nullptr);
  connections_.fetch_add(1, std::memory_order_acq_rel);
  return Status::OK();
}

Status MqttSession::Step(int timeout_ms) {
  const int sock = mosquitto_socket(mosq_);
  if (sock < 0) return Status::Unavailable("{}: not connected to {}", what_, options_.Address());
  const bool write = mosquitto_want_write(mosq_);
  pollfd fds[2] = {{sock, static_cast<short>(POLLIN | (write ? POLLOUT : 0)), 0},
                   {wake_fd_, POLLIN, 0}};
  TcpQuickAck(sock);
  if (::poll(fds, 2, timeout_ms) < 0 && errno != EINTR) {
    return Status::FromErrno(errno, fmt::format("{}: waiting on the socket", what_));
  }
  if (fds[1].revents & POLLIN) {
    uint64_t v;
    (void)!::read(wake_fd_, &v, sizeof v);
  }
  // Data decrypted ahead inside OpenSSL does not show up in poll: with TLS, always try reading.
  const bool readable =
      (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) != 0 || options_.tls.enabled;
  if (readable) {
    for (int i = 0; i < 256; ++i) {
      errno = 0;
      int rc = mosquitto_loop_read(mosq_, 1);
      if (rc != MOSQ_ERR_SUCCESS) return LoopStatus(rc, "reading from");
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    }
  }
  if (mosquitto_want_write(mosq_)) {
    // libmosquitto sends every packet on its own (with TCP_NODELAY, each in its own segment):
    // corked, a burst of PUBACKs or of a batch's PUBLISHes leaves in full segments instead.
    Cork(sock, true);
    int rc = mosquitto_loop_write(mosq_, 1);
    if (mosquitto_socket(mosq_) == sock) Cork(sock, false);
    if (rc != MOSQ_ERR_SUCCESS) return LoopStatus(rc, "writing to");
  }
  int rc = mosquitto_loop_misc(mosq_);
  if (rc != MOSQ_ERR_SUCCESS) return LoopStatus(rc, "keeping alive the connection to");
  if (mosquitto_socket(mosq_) < 0) {
    return Status::Unavailable("{}: the connection to {} was closed", what_, options_.Address());
  }
  return Status::OK();
}

void MqttSession::Start() {
  if (thread_.joinable() || mosq_ == nullptr) return;
  thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

void RunMqttConnection(std::stop_token stop, const MqttConnectionOptions& options,
                       std::string_view what, bool* connected,
                       const std::function<Status()>& connect, const std::function<Status()>& step,
                       const std::function<void(bool lost)>& on_down) {
  Backoff backoff(RetryPolicy{options.reconnect_min, options.reconnect_max, 2.0});
  bool lost_logged = false;
  while (!stop.stop_requested()) {
    if (!*connected) {
      Status st = connect();
      if (stop.stop_requested()) break;
      if (!st.ok()) {
        on_down(/*lost=*/false);
        auto delay = backoff.Next();
        spdlog::warn("{}: reconnecting: {}; retrying in {}", what, st.message(),
                     FormatDuration(delay));
        if (!SleepUnlessStopped(stop, delay)) break;
        continue;
      }
      backoff.Reset();
      lost_logged = false;
      spdlog::info("{}: reconnected to {}", what, options.Address());
      continue;
    }
    Status st = step();
    if (!st.ok()) {
      *connected = false;
      on_down(/*lost=*/true);
      if (!lost_logged) {
        spdlog::warn("{}: lost the connection: {}; reconnecting", what, st.message());
        lost_logged = true;
      }
    }
  }
}

void MqttSession::Run(std::stop_token stop) {
  RunMqttConnection(
      stop, options_, what_, &connected_, [&] { return ConnectOnce(stop); },
      [&] { return Step(1000); }, [](bool) {});
  CloseConnection(/*graceful=*/true);
}

void MqttSession::CloseConnection(bool graceful) {
  if (mosq_ == nullptr || mosquitto_socket(mosq_) < 0) return;
  if (graceful && connected_) {
    // DISCONNECT goes out after everything queued; the library closes the socket after it.
    if (mosquitto_disconnect(mosq_) == MOSQ_ERR_SUCCESS) {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      while (mosquitto_socket(mosq_) >= 0 && mosquitto_want_write(mosq_) &&
             std::chrono::steady_clock::now() < deadline) {
        pollfd p{mosquitto_socket(mosq_), POLLOUT, 0};
        if (::poll(&p, 1, 100) < 0 && errno != EINTR) break;
        if (mosquitto_loop_write(mosq_, 1) != MOSQ_ERR_SUCCESS) break;
      }
    }
  }
  connected_ = false;
}

void MqttSession::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (thread_.joinable()) {
    thread_.request_stop();
    Wake();
    thread_.join();
  } else {
    CloseConnection(/*graceful=*/true);
  }
  if (mosq_ != nullptr) {
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
  }
}

void MqttSession::Wake() {
  if (wake_fd_ < 0) return;
  uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

}  // namespace ark
