#include "connectors/mqtt/mqtt_connection.h"

#include <arpa/inet.h>
#include <errno.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>

#include <spdlog/spdlog.h>

#include "base/units.h"

namespace ark {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 64 * 1024;

// OpenSSL's queued errors, oldest first, as one line.
std::string SslErrors() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text;
}

bool IsIpAddress(const std::string& host) {
  in6_addr a6;
  in_addr a4;
  return inet_pton(AF_INET, host.c_str(), &a4) == 1 || inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

}  // namespace

// The client's TLS settings (CA, client certificate), loaded once.
class MqttTls {
 public:
  ~MqttTls() {
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  }
  static Result<std::unique_ptr<MqttTls>> Make(const MqttTlsOptions& o, std::string_view what) {
    auto tls = std::make_unique<MqttTls>();
    ERR_clear_error();
    tls->ctx_ = SSL_CTX_new(TLS_client_method());
    if (tls->ctx_ == nullptr) {
      return Status::Internal("{}: cannot create a TLS context: {}", what, SslErrors());
    }
    SSL_CTX* ctx = tls->ctx_;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    const int loaded = o.ca_file.empty()
                           ? SSL_CTX_set_default_verify_paths(ctx)
                           : SSL_CTX_load_verify_locations(ctx, o.ca_file.c_str(), nullptr);
    if (loaded != 1) {
      return Status::ConfigError("{}: TLS setup failed: cannot load the CA certificates {}: {}",
                                 what, o.ca_file.empty() ? "of the system" : o.ca_file,
                                 SslErrors());
    }
    if (!o.cert_file.empty()) {
      if (SSL_CTX_use_certificate_chain_file(ctx, o.cert_file.c_str()) != 1) {
        return Status::ConfigError("{}: TLS setup failed: cannot load tls.cert_file {}: {}", what,
                                   o.cert_file, SslErrors());
      }
      if (SSL_CTX_use_PrivateKey_file(ctx, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
          SSL_CTX_check_private_key(ctx) != 1) {
        return Status::ConfigError(
            "{}: TLS setup failed: cannot load tls.key_file {} (or it does not match "
            "tls.cert_file): {}",
            what, o.key_file, SslErrors());
      }
    }
    return tls;
  }
  SSL_CTX* ctx() const { return ctx_; }

 private:
  SSL_CTX* ctx_ = nullptr;
};

// One connection's socket, with TLS when configured. Non-blocking.
class MqttTransport {
 public:
  explicit MqttTransport(int fd) : fd_(fd) {}
  ~MqttTransport() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }
  SSL* ssl() const { return ssl_; }
  void set_ssl(SSL* ssl) { ssl_ = ssl; }
  // TLS holds decrypted bytes the socket no longer shows.
  bool Buffered() const { return ssl_ != nullptr && SSL_pending(ssl_) > 0; }
  // TLS needs the socket writable to go on reading (a renegotiation or key update).
  bool read_wants_write() const { return read_wants_write_; }

  // Bytes read (0: nothing there now); an error when the connection is closed or failed.
  Result<size_t> Read(char* buf, size_t n, std::string_view what, std::string_view address) {
    read_wants_write_ = false;
    if (ssl_ == nullptr) {
      ssize_t got = ::recv(fd_, buf, n, 0);
      if (got > 0) return static_cast<size_t>(got);
      if (got == 0) return Closed(what, address);
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return size_t{0};
      return Status::Unavailable("{}: reading from {}: {}", what, address, std::strerror(errno));
    }
    ERR_clear_error();
    int got = SSL_read(ssl_, buf, static_cast<int>(n));
    if (got > 0) return static_cast<size_t>(got);
    return SslFailure(got, what, address, "reading from");
  }

  // Bytes written (0: the socket takes nothing now).
  Result<size_t> Write(const char* p, size_t n, std::string_view what, std::string_view address) {
    if (ssl_ == nullptr) {
      ssize_t put = ::send(fd_, p, n, MSG_NOSIGNAL);
      if (put >= 0) return static_cast<size_t>(put);
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return size_t{0};
      return Status::Unavailable("{}: writing to {}: {}", what, address, std::strerror(errno));
    }
    ERR_clear_error();
    int put = SSL_write(ssl_, p, static_cast<int>(std::min<size_t>(n, INT32_MAX)));
    if (put > 0) return static_cast<size_t>(put);
    return SslFailure(put, what, address, "writing to");
  }

 private:
  static Status Closed(std::string_view what, std::string_view address) {
    return Status::Unavailable("{}: the connection to {} was closed", what, address);
  }
  Result<size_t> SslFailure(int rc, std::string_view what, std::string_view address,
                            std::string_view during) {
    switch (SSL_get_error(ssl_, rc)) {
      case SSL_ERROR_WANT_READ:
        return size_t{0};
      case SSL_ERROR_WANT_WRITE:
        read_wants_write_ = true;
        return size_t{0};
      case SSL_ERROR_ZERO_RETURN:
        return Closed(what, address);
      case SSL_ERROR_SYSCALL:
        if (errno == 0 || errno == EPIPE || errno == ECONNRESET) return Closed(what, address);
        return Status::Unavailable("{}: {} {}: {}", what, during, address, std::strerror(errno));
      default:
        return Status::Unavailable("{}: {} {}: TLS error: {}", what, during, address, SslErrors());
    }
  }

  int fd_;
  SSL* ssl_ = nullptr;
  bool read_wants_write_ = false;
};

namespace {

// Waits until `fd` is ready for `events` or the deadline passes (checking `stop` meanwhile).
// Returns false on timeout or stop.
bool WaitFd(int fd, short events, Clock::time_point deadline, std::stop_token stop) {
  while (!stop.stop_requested()) {
    int left = MillisUntil(deadline);
    if (left <= 0 && Clock::now() >= deadline) return false;
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, std::min(left, 100));
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return true;  // let the caller see the error
  }
  return false;
}

// TCP connection to the broker within the deadline.
Result<std::unique_ptr<MqttTransport>> ConnectTcp(const MqttConnectionOptions& o,
                                                  Clock::time_point deadline, std::stop_token stop,
                                                  std::string_view what) {
  const std::string address = o.Address();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(o.port);
  int rc = ::getaddrinfo(o.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    return Status::Unavailable("{}: cannot resolve host of {}: {}", what, address,
                               gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> list(found, &::freeaddrinfo);
  int last_error = ECONNREFUSED;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_error = errno;
      continue;
    }
    auto transport = std::make_unique<MqttTransport>(fd);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        last_error = errno;
        continue;
      }
      if (!WaitFd(fd, POLLOUT, deadline, stop)) {
        if (stop.stop_requested()) return Status::Cancelled("{}: stopped while connecting", what);
        return Status::Unavailable("{}: {} did not answer within {}", what, address,
                                   FormatDuration(o.connect_timeout));
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last_error = err;
        continue;
      }
    }
    int one = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return transport;
  }
  return Status::Unavailable("{}: connecting to {}: {}", what, address, std::strerror(last_error));
}

Status TlsHandshake(MqttTransport& t, SSL_CTX* ctx, const MqttConnectionOptions& o,
                    Clock::time_point deadline, std::stop_token stop, std::string_view what) {
  const std::string address = o.Address();
  ERR_clear_error();
  SSL* ssl = SSL_new(ctx);
  if (ssl == nullptr) return Status::Internal("{}: SSL_new failed: {}", what, SslErrors());
  t.set_ssl(ssl);
  SSL_set_fd(ssl, t.fd());
  const bool ip = IsIpAddress(o.host);
  if (!ip) SSL_set_tlsext_host_name(ssl, o.host.c_str());
  if (!o.tls.insecure) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (ip) {
      X509_VERIFY_PARAM_set1_ip_asc(param, o.host.c_str());
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(param, o.host.c_str(), 0);
    }
  }
  while (true) {
    ERR_clear_error();
    int rc = SSL_connect(ssl);
    if (rc == 1) return Status::OK();
    int err = SSL_get_error(ssl, rc);
    short events = 0;
    if (err == SSL_ERROR_WANT_READ) events = POLLIN;
    if (err == SSL_ERROR_WANT_WRITE) events = POLLOUT;
    if (events == 0) {
      std::string detail = SslErrors();
      if (err == SSL_ERROR_SSL) {
        const long verify = SSL_get_verify_result(ssl);
        if (verify != X509_V_OK) {
          detail += fmt::format(" ({})", X509_verify_cert_error_string(verify));
        }
        return Status::ConfigError(
            "{}: TLS with {} failed{}{} (check tls.ca_file and the broker's certificate)", what,
            address, detail.empty() ? "" : ": ", detail);
      }
      if (detail.empty()) detail = errno != 0 ? std::strerror(errno) : "connection closed";
      return Status::Unavailable("{}: TLS with {} failed: {}", what, address, detail);
    }
    if (!WaitFd(t.fd(), events, deadline, stop)) {
      if (stop.stop_requested()) return Status::Cancelled("{}: stopped while connecting", what);
      return Status::Unavailable("{}: {} did not complete the TLS handshake within {}", what,
                                 address, FormatDuration(o.connect_timeout));
    }
  }
}

}  // namespace

int MillisUntil(std::chrono::steady_clock::time_point t) {
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t - std::chrono::steady_clock::now())
          .count();
  return static_cast<int>(std::clamp<int64_t>(ms + 1, 0, 60'000));
}

void TcpQuickAck(int sock) {
  int one = 1;
  (void)::setsockopt(sock, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
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

MqttReconnect::MqttReconnect(const MqttConnectionOptions& options, std::string_view what)
    : address_(options.Address()),
      what_(what),
      backoff_(RetryPolicy{options.reconnect_min, options.reconnect_max, 2.0}) {}

void MqttReconnect::Lost(const Status& why) {
  if (lost_logged_) return;
  spdlog::warn("{}: lost the connection: {}; reconnecting", what_, why.message());
  lost_logged_ = true;
}

std::chrono::nanoseconds MqttReconnect::Failed(const Status& why) {
  auto delay = backoff_.Next();
  spdlog::warn("{}: reconnecting: {}; retrying in {}", what_, why.message(), FormatDuration(delay));
  return delay;
}

void MqttReconnect::Connected() {
  if (backoff_.attempts() > 0 || lost_logged_) {
    spdlog::info("{}: reconnected to {}", what_, address_);
  }
  backoff_.Reset();
  lost_logged_ = false;
}

void RunMqttConnection(std::stop_token stop, const MqttConnectionOptions& options,
                       std::string_view what, bool* connected,
                       const std::function<Status()>& connect, const std::function<Status()>& step,
                       const std::function<void(bool lost)>& on_down) {
  MqttReconnect reconnect(options, what);
  while (!stop.stop_requested()) {
    if (!*connected) {
      Status st = connect();
      if (stop.stop_requested()) break;
      if (!st.ok()) {
        on_down(/*lost=*/false);
        if (!SleepUnlessStopped(stop, reconnect.Failed(st))) break;
        continue;
      }
      reconnect.Connected();
      continue;
    }
    Status st = step();
    if (!st.ok()) {
      *connected = false;
      on_down(/*lost=*/true);
      reconnect.Lost(st);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// MqttConnection

MqttConnection::MqttConnection(const MqttConnectionOptions& options, std::string what)
    : options_(options),
      what_(std::move(what)),
      address_(options.Address()),
      read_buf_(kReadChunk) {}

MqttConnection::~MqttConnection() = default;

Status MqttConnection::Init() {
  if (options_.tls.enabled && tls_ == nullptr) {
    ARK_ASSIGN_OR_RETURN(tls_, MqttTls::Make(options_.tls, what_));
  }
  return Status::OK();
}

int MqttConnection::fd() const { return transport_ != nullptr ? transport_->fd() : -1; }

bool MqttConnection::Buffered() const { return transport_ != nullptr && transport_->Buffered(); }

bool MqttConnection::WantsWrite() const {
  return out_pos_ < out_.size() || (transport_ != nullptr && transport_->read_wants_write());
}

Status MqttConnection::Lost(std::string_view text) const {
  return Status::Unavailable("{}: {} {}", what_, text, address_);
}

uint16_t MqttConnection::NextPacketId() {
  const uint16_t id = next_packet_id_++;
  if (next_packet_id_ == 0) next_packet_id_ = 1;
  return id;
}

Status MqttConnection::Connect(std::stop_token stop, Clock::time_point deadline) {
  transport_.reset();
  in_.clear();
  in_pos_ = 0;
  out_.clear();
  out_pos_ = 0;
  ping_outstanding_ = false;
  session_present_ = false;
  broker_receive_maximum_ = 65535;
  broker_maximum_packet_size_ = 0;
  broker_maximum_qos_ = 2;
  keep_alive_s_ = static_cast<uint16_t>(options_.keep_alive_s);
  ARK_RETURN_IF_ERROR(Init());
  ARK_ASSIGN_OR_RETURN(transport_, ConnectTcp(options_, deadline, stop, what_));
  if (tls_ != nullptr) {
    ARK_RETURN_IF_ERROR(TlsHandshake(*transport_, tls_->ctx(), options_, deadline, stop, what_));
  }
  mqtt::ConnectOptions c;
  c.version = version();
  c.client_id = options_.client_id;
  if (options_.username) c.username = *options_.username;
  if (options_.password) c.password = *options_.password;
  c.keep_alive_s = static_cast<uint16_t>(options_.keep_alive_s);
  c.clean_start = options_.clean_session;
  if (c.version == mqtt::Version::k5) {
    // MQTT 5 ends a session when the connection closes unless the CONNECT asks otherwise.
    if (!options_.clean_session) c.session_expiry_interval = UINT32_MAX;
    if (options_.receive_maximum > 0) {
      c.receive_maximum = static_cast<uint16_t>(options_.receive_maximum);
    }
  }
  mqtt::EncodeConnect(c, &out_);
  return Exchange(stop, deadline, [&](const mqtt::Packet& p) -> Result<bool> {
    if (p.type != mqtt::PacketType::kConnack) {
      return Status::Unavailable("{}: {} sent {} before CONNACK", what_, address_,
                                 mqtt::PacketTypeName(static_cast<uint8_t>(p.type)));
    }
    if (p.reason_code != 0) return ConnackStatus(p.reason_code, what_, address_);
    session_present_ = p.session_present;
    const mqtt::Properties& props = p.properties;
    if (props.server_keep_alive) keep_alive_s_ = *props.server_keep_alive;
    if (props.receive_maximum) broker_receive_maximum_ = *props.receive_maximum;
    if (props.maximum_packet_size) broker_maximum_packet_size_ = *props.maximum_packet_size;
    if (props.maximum_qos) broker_maximum_qos_ = *props.maximum_qos;
    return true;
  });
}

Status MqttConnection::Exchange(std::stop_token stop, Clock::time_point deadline,
                                const PacketFn& on_packet) {
  // Packets already read (after the previous exchange's last one) come first.
  auto handle = [&]() -> Result<bool> {
    while (true) {
      ARK_ASSIGN_OR_RETURN(std::optional<mqtt::Packet> p, Next());
      if (!p) return false;
      ARK_ASSIGN_OR_RETURN(bool done, on_packet(*p));
      if (done) return true;
    }
  };
  while (true) {
    ARK_RETURN_IF_ERROR(Flush());
    ARK_ASSIGN_OR_RETURN(bool done, handle());
    if (done) return Status::OK();
    if (stop.stop_requested()) return Status::Cancelled("{}: stopped while connecting", what_);
    if (Clock::now() >= deadline) {
      return Status::Unavailable("{}: {} did not answer within {}", what_, address_,
                                 FormatDuration(options_.connect_timeout));
    }
    pollfd p{transport_->fd(), static_cast<short>(POLLIN | (WantsWrite() ? POLLOUT : 0)), 0};
    if (!transport_->Buffered()) {
      if (::poll(&p, 1, std::min(MillisUntil(deadline), 100)) < 0 && errno != EINTR) {
        return Status::FromErrno(errno, fmt::format("{}: waiting on the socket", what_));
      }
      if ((p.revents & (POLLIN | POLLERR | POLLHUP)) == 0) continue;
    }
    while (true) {
      auto got = Read();
      if (!got.ok()) {
        // A broker that refuses the connection sends CONNACK and closes: the refusal is the news.
        ARK_ASSIGN_OR_RETURN(bool finished, handle());
        if (finished) return Status::OK();
        return got.status();
      }
      if (!*got || drained_) break;
    }
  }
}

Status MqttConnection::Flush() {
  if (transport_ == nullptr) return Lost("not connected to");
  while (out_pos_ < out_.size()) {
    ARK_ASSIGN_OR_RETURN(size_t n, transport_->Write(out_.data() + out_pos_, out_.size() - out_pos_,
                                                     what_, address_));
    if (n == 0) break;
    out_pos_ += n;
    last_write_ = Clock::now();
  }
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  }
  return Status::OK();
}

Status MqttConnection::FlushAll(Clock::time_point deadline) {
  while (true) {
    ARK_RETURN_IF_ERROR(Flush());
    if (out_pos_ == out_.size()) return Status::OK();
    if (Clock::now() >= deadline) {
      return Status::Unavailable("{}: {} did not take the data in time", what_, address_);
    }
    pollfd p{transport_->fd(), POLLOUT, 0};
    if (::poll(&p, 1, std::min(MillisUntil(deadline), 100)) < 0 && errno != EINTR) {
      return Status::FromErrno(errno, fmt::format("{}: waiting on the socket", what_));
    }
  }
}

Result<bool> MqttConnection::Read() {
  if (transport_ == nullptr) return Lost("not connected to");
  ARK_ASSIGN_OR_RETURN(size_t n,
                       transport_->Read(read_buf_.data(), read_buf_.size(), what_, address_));
  drained_ = n < read_buf_.size() && !transport_->Buffered();
  if (n == 0) return false;
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  } else if (in_pos_ >= kReadChunk) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  in_.append(read_buf_.data(), n);
  return true;
}

Result<std::optional<mqtt::Packet>> MqttConnection::Next() {
  if (in_pos_ == in_.size()) return std::optional<mqtt::Packet>();
  size_t size = 0;
  auto decoded = mqtt::DecodePacket(std::string_view(in_).substr(in_pos_), version(), &size);
  if (!decoded.ok()) {
    return Status::Unavailable("{}: from {}: {}", what_, address_, decoded.status().message());
  }
  if (decoded->has_value()) in_pos_ += size;
  return std::move(decoded).value();
}

int MqttConnection::KeepAliveWaitMs(int timeout_ms) const {
  if (keep_alive_s_ == 0) return timeout_ms;
  const auto keep_alive = std::chrono::seconds(keep_alive_s_);
  const auto next = ping_outstanding_ ? ping_sent_ + keep_alive * 3 / 2 : last_write_ + keep_alive;
  return std::min(timeout_ms, MillisUntil(next));
}

Status MqttConnection::KeepAlive() {
  if (keep_alive_s_ == 0) return Status::OK();
  // A PINGREQ when nothing was sent for keep_alive seconds; the connection counts as lost when
  // the broker does not answer within 1.5 times the interval.
  const auto keep_alive = std::chrono::seconds(keep_alive_s_);
  const auto now = Clock::now();
  if (ping_outstanding_ && now - ping_sent_ >= keep_alive * 3 / 2) {
    return Lost("no PINGRESP within 1.5 keep-alive intervals from");
  }
  if (!ping_outstanding_ && now - last_write_ >= keep_alive) {
    mqtt::EncodePingreq(&out_);
    ping_outstanding_ = true;
    ping_sent_ = now;
  }
  return Status::OK();
}

Result<bool> MqttConnection::HandleCommon(const mqtt::Packet& p) {
  switch (p.type) {
    case mqtt::PacketType::kPingresp:
      ping_outstanding_ = false;
      return true;
    case mqtt::PacketType::kPubrel:
      // The end of a QoS 2 exchange the broker started: nothing is held back for it.
      mqtt::EncodeAck(mqtt::PacketType::kPubcomp, p.packet_id, &out_);
      return true;
    case mqtt::PacketType::kDisconnect: {
      std::string reason;
      if (p.properties.reason_string) reason = fmt::format(": {}", *p.properties.reason_string);
      return Status::Unavailable("{}: {} closed the connection: {} (reason code {}){}", what_,
                                 address_, mosquitto_reason_string(p.reason_code), p.reason_code,
                                 reason);
    }
    case mqtt::PacketType::kConnack:
      return Status::Unavailable("{}: {} sent a second CONNACK", what_, address_);
    case mqtt::PacketType::kAuth:
      return Status::Unavailable(
          "{}: {} sent AUTH (enhanced authentication), which this client does not support", what_,
          address_);
    default:
      return false;
  }
}

void MqttConnection::Close(bool graceful) {
  if (transport_ == nullptr) return;
  if (graceful) {
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    mqtt::EncodeDisconnect(&out_);
    if (FlushAll(deadline).ok()) {
      if (transport_->ssl() != nullptr) (void)SSL_shutdown(transport_->ssl());
      // Wait for the broker to close its side (it does after DISCONNECT), discarding what it
      // still sent: closing a socket with unread bytes sends a reset instead of a FIN, and a
      // reset makes the broker drop what it has not read yet — our last acknowledgements (a
      // persistent session would deliver those messages again).
      const int fd = transport_->fd();
      (void)::shutdown(fd, SHUT_WR);
      char buf[4096];
      while (Clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, std::min(MillisUntil(deadline), 100)) < 0 && errno != EINTR) break;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) break;
      }
    }
  }
  transport_.reset();
  in_.clear();
  in_pos_ = 0;
  out_.clear();
  out_pos_ = 0;
}

}  // namespace ark
