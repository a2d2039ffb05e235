#include "connectors/mqtt/mqtt_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>

#include <spdlog/spdlog.h>

#include "base/units.h"
#include "runtime/backoff.h"

namespace ark {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 64 * 1024;

int MillisUntil(Clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(ms + 1, 0, 60'000));
}

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

MqttClient::MqttClient(MqttConnectionOptions options, std::vector<std::string> topics, int qos,
                       Handler* handler, std::string what)
    : options_(std::move(options)),
      topics_(std::move(topics)),
      qos_(qos),
      handler_(handler),
      what_(std::move(what)),
      read_buf_(kReadChunk) {}

MqttClient::~MqttClient() {
  Stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status MqttClient::Open() {
  if (wake_fd_ < 0) {
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) return Status::FromErrno(errno, "creating an eventfd");
  }
  if (options_.tls.enabled && tls_ == nullptr) {
    ARK_ASSIGN_OR_RETURN(tls_, MqttTls::Make(options_.tls, what_));
  }
  std::stop_source never;
  Status st = ConnectOnce(never.get_token(), /*first=*/true);
  if (!st.ok()) CloseConnection(/*graceful=*/false);
  return st;
}

Status MqttClient::Lost(std::string_view what) const {
  return Status::Unavailable("{}: {} {}", what_, what, options_.Address());
}

Status MqttClient::ConnectOnce(std::stop_token stop, bool first) {
  transport_.reset();
  connected_ = false;
  in_.clear();
  in_pos_ = 0;
  out_.clear();
  out_pos_ = 0;
  received_.clear();
  done_.clear();
  acked_until_ = next_seq_ = 0;
  ping_outstanding_ = false;
  keep_alive_s_ = static_cast<uint16_t>(options_.keep_alive_s);
  {
    std::lock_guard lock(ack_mu_);
    acks_.clear();
    ++attempt_;  // acknowledgements of earlier connections are void from now on
  }
  const auto deadline = Clock::now() + options_.connect_timeout;
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
  ARK_RETURN_IF_ERROR(Handshake(stop, deadline, [&](const mqtt::Packet& p) -> Result<bool> {
    if (p.type != mqtt::PacketType::kConnack) return false;
    if (p.reason_code != 0) return ConnackStatus(p.reason_code, what_, options_.Address());
    if (p.properties.server_keep_alive) keep_alive_s_ = *p.properties.server_keep_alive;
    return true;
  }));

  const uint16_t sub_id = next_packet_id_++;
  if (next_packet_id_ == 0) next_packet_id_ = 1;
  mqtt::EncodeSubscribe(version(), sub_id, topics_, static_cast<uint8_t>(qos_), &out_);
  std::string refused_error;
  ARK_RETURN_IF_ERROR(Handshake(stop, deadline, [&](const mqtt::Packet& p) -> Result<bool> {
    if (p.type != mqtt::PacketType::kSuback || p.packet_id != sub_id) return false;
    std::vector<std::string> refused;
    for (size_t i = 0; i < topics_.size(); ++i) {
      if (i >= p.reason_codes.size() || p.reason_codes[i] >= 0x80) refused.push_back(topics_[i]);
    }
    if (!refused.empty()) {
      refused_error = fmt::format(
          "{}: the broker refused the subscription to {} (not allowed for this user, or an "
          "invalid filter)",
          what_, fmt::join(refused, ", "));
    }
    return true;
  }));
  if (!refused_error.empty()) {
    if (first) return Status::ConfigError("{}", refused_error);
    spdlog::error("{}", refused_error);
  }
  connected_ = true;
  connections_.fetch_add(1, std::memory_order_acq_rel);
  // Messages that came with the SUBACK; those that came during the handshake (a persistent
  // session's queue follows the CONNACK) form a burst with them.
  Status st = HandlePackets(nullptr, nullptr);
  handler_->OnReadDone();
  return st;
}

Status MqttClient::Handshake(std::stop_token stop, Clock::time_point deadline,
                             const HandshakeFn& on_packet) {
  bool done = false;
  while (true) {
    ARK_RETURN_IF_ERROR(Flush());
    ARK_RETURN_IF_ERROR(HandlePackets(&on_packet, &done));
    if (done) return Status::OK();
    if (stop.stop_requested()) return Status::Cancelled("{}: stopped while connecting", what_);
    if (Clock::now() >= deadline) {
      return Status::Unavailable("{}: {} did not answer within {}", what_, options_.Address(),
                                 FormatDuration(options_.connect_timeout));
    }
    const bool want_out = out_pos_ < out_.size();
    pollfd p{transport_->fd(), static_cast<short>(POLLIN | (want_out ? POLLOUT : 0)), 0};
    if (!transport_->Buffered()) {
      if (::poll(&p, 1, std::min(MillisUntil(deadline), 100)) < 0 && errno != EINTR) {
        return Status::FromErrno(errno, fmt::format("{}: waiting on the socket", what_));
      }
      if ((p.revents & (POLLIN | POLLERR | POLLHUP)) == 0) continue;
    }
    while (true) {
      auto got = ReadSocket();
      if (!got.ok()) {
        // A broker that refuses the connection sends CONNACK and closes: the refusal is the news.
        ARK_RETURN_IF_ERROR(HandlePackets(&on_packet, &done));
        return got.status();
      }
      if (!*got) break;
    }
  }
}

Result<bool> MqttClient::ReadSocket() {
  ARK_ASSIGN_OR_RETURN(
      size_t n, transport_->Read(read_buf_.data(), read_buf_.size(), what_, options_.Address()));
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

Status MqttClient::HandlePackets(const HandshakeFn* handshake, bool* done) {
  while (in_pos_ < in_.size()) {
    size_t size = 0;
    auto decoded = mqtt::DecodePacket(std::string_view(in_).substr(in_pos_), version(), &size);
    if (!decoded.ok()) {
      return Status::Unavailable("{}: from {}: {}", what_, options_.Address(),
                                 decoded.status().message());
    }
    if (!decoded->has_value()) break;
    const mqtt::Packet& p = **decoded;
    in_pos_ += size;
    if (handshake != nullptr && done != nullptr && !*done) {
      ARK_ASSIGN_OR_RETURN(bool finished, (*handshake)(p));
      if (finished) {
        *done = true;
        continue;
      }
    }
    ARK_RETURN_IF_ERROR(HandlePacket(p));
    // The handshake ends at its packet: what follows is for the next phase.
    if (done != nullptr && *done) break;
  }
  return Status::OK();
}

Status MqttClient::HandlePacket(const mqtt::Packet& p) {
  switch (p.type) {
    case mqtt::PacketType::kPublish: {
      const mqtt::Publish& m = p.publish;
      if (m.topic.empty()) {
        // A topic alias without a topic: we never allowed aliases (Topic Alias Maximum 0).
        return Status::Unavailable(
            "{}: {} sent a PUBLISH without a topic name (a topic alias, which this client "
            "does not allow)",
            what_, options_.Address());
      }
      uint64_t seq = kNoAck;
      if (m.qos > 0) {
        seq = next_seq_++;
        received_.push_back({m.packet_id, m.qos});
      }
      handler_->OnMessage(m, attempt_, seq);
      return Status::OK();
    }
    case mqtt::PacketType::kPubrel:
      mqtt::EncodeAck(mqtt::PacketType::kPubcomp, p.packet_id, &out_);
      return Status::OK();
    case mqtt::PacketType::kPingresp:
      ping_outstanding_ = false;
      return Status::OK();
    case mqtt::PacketType::kDisconnect: {
      std::string reason;
      if (p.properties.reason_string) reason = fmt::format(": {}", *p.properties.reason_string);
      return Status::Unavailable("{}: {} closed the connection: {} (reason code {}){}", what_,
                                 options_.Address(), mosquitto_reason_string(p.reason_code),
                                 p.reason_code, reason);
    }
    case mqtt::PacketType::kConnack:
      return Status::Unavailable("{}: {} sent a second CONNACK", what_, options_.Address());
    case mqtt::PacketType::kAuth:
      return Status::Unavailable(
          "{}: {} sent AUTH (enhanced authentication), which this client does not support", what_,
          options_.Address());
    default:
      // SUBACK of an earlier attempt's subscription, acknowledgements of publishes (the input
      // publishes nothing): nothing to do.
      return Status::OK();
  }
}

void MqttClient::Acknowledge(uint64_t connection, uint64_t first, uint64_t end) {
  if (first >= end) return;
  {
    std::lock_guard lock(ack_mu_);
    if (connection != attempt_) return;
    acks_.push_back({connection, first, end});
  }
  Wake();
}

void MqttClient::QueueAcks() {
  std::vector<AckRange> ranges;
  {
    std::lock_guard lock(ack_mu_);
    ranges.swap(acks_);
  }
  if (!connected_) return;
  for (const AckRange& r : ranges) {
    if (r.connection == attempt_ && r.first >= acked_until_) done_.emplace(r.first, r.end);
  }
  // MQTT: acknowledgements go out in the order of the PUBLISHes.
  while (!done_.empty() && done_.begin()->first == acked_until_) {
    const uint64_t end = std::min<uint64_t>(done_.begin()->second, next_seq_);
    done_.erase(done_.begin());
    for (; acked_until_ < end; ++acked_until_) {
      const Received r = received_.front();
      received_.pop_front();
      mqtt::EncodeAck(r.qos == 1 ? mqtt::PacketType::kPuback : mqtt::PacketType::kPubrec,
                      r.packet_id, &out_);
    }
  }
}

Status MqttClient::Flush() {
  while (out_pos_ < out_.size()) {
    ARK_ASSIGN_OR_RETURN(size_t n, transport_->Write(out_.data() + out_pos_, out_.size() - out_pos_,
                                                     what_, options_.Address()));
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

Status MqttClient::Step(int timeout_ms) {
  QueueAcks();
  ARK_RETURN_IF_ERROR(Flush());
  const int sock = transport_->fd();
  const bool read = !handler_->ReadPaused();
  const bool write = out_pos_ < out_.size() || transport_->read_wants_write();
  // Keep-alive: a PINGREQ when nothing was sent for keep_alive seconds; the connection counts
  // as lost when the broker sends nothing for 1.5 times the interval after it.
  const auto keep_alive = std::chrono::seconds(keep_alive_s_);
  if (keep_alive_s_ > 0) {
    const auto next =
        ping_outstanding_ ? ping_sent_ + keep_alive * 3 / 2 : last_write_ + keep_alive;
    timeout_ms = std::min(timeout_ms, MillisUntil(next));
  }
  if (read && transport_->Buffered()) timeout_ms = 0;
  pollfd fds[2] = {{sock, static_cast<short>((read ? POLLIN : 0) | (write ? POLLOUT : 0)), 0},
                   {wake_fd_, POLLIN, 0}};
  TcpQuickAck(sock);
  if (::poll(fds, 2, timeout_ms) < 0 && errno != EINTR) {
    return Status::FromErrno(errno, fmt::format("{}: waiting on the socket", what_));
  }
  if (fds[1].revents & POLLIN) {
    uint64_t v;
    (void)!::read(wake_fd_, &v, sizeof v);
  }
  if (read && ((fds[0].revents & (POLLIN | POLLERR | POLLHUP)) != 0 || transport_->Buffered())) {
    Status st = Status::OK();
    for (int i = 0; i < 64; ++i) {
      auto got = ReadSocket();
      if (!got.ok()) {
        st = got.status();
        break;
      }
      st = HandlePackets(nullptr, nullptr);
      if (!st.ok() || !*got || handler_->ReadPaused()) break;
    }
    handler_->OnReadDone();
    ARK_RETURN_IF_ERROR(st);
  }
  QueueAcks();
  const auto now = Clock::now();
  if (keep_alive_s_ > 0) {
    if (ping_outstanding_ && now - ping_sent_ >= keep_alive * 3 / 2) {
      return Lost("no PINGRESP within 1.5 keep-alive intervals from");
    }
    if (!ping_outstanding_ && now - last_write_ >= keep_alive) {
      mqtt::EncodePingreq(&out_);
      ping_outstanding_ = true;
      ping_sent_ = now;
    }
  }
  return Flush();
}

void MqttClient::Start() {
  if (thread_.joinable() || !connected_) return;
  thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

void MqttClient::Run(std::stop_token stop) {
  RunMqttConnection(
      stop, options_, what_, &connected_, [&] { return ConnectOnce(stop, /*first=*/false); },
      [&] { return Step(1000); },
      [&](bool lost) {
        transport_.reset();
        if (lost) {
          handler_->OnDisconnected();
        } else {
          handler_->OnReadDone();
        }
      });
  CloseConnection(/*graceful=*/true);
}

void MqttClient::CloseConnection(bool graceful) {
  if (transport_ == nullptr) return;
  if (graceful && connected_) {
    QueueAcks();
    mqtt::EncodeDisconnect(&out_);
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    while (Clock::now() < deadline) {
      if (!Flush().ok() || out_pos_ == out_.size()) break;
      pollfd p{transport_->fd(), POLLOUT, 0};
      if (::poll(&p, 1, 100) < 0 && errno != EINTR) break;
    }
    if (transport_->ssl() != nullptr) (void)SSL_shutdown(transport_->ssl());
  }
  transport_.reset();
  connected_ = false;
}

void MqttClient::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (thread_.joinable()) {
    thread_.request_stop();
    Wake();
    thread_.join();
  } else {
    CloseConnection(/*graceful=*/true);
  }
}

void MqttClient::Wake() {
  if (wake_fd_ < 0) return;
  uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

}  // namespace ark
