#include "connectors/mqtt/mqtt_client.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

namespace ark {

MqttClient::MqttClient(MqttConnectionOptions options, std::vector<std::string> topics, int qos,
                       Handler* handler, std::string what)
    : options_(std::move(options)),
      topics_(std::move(topics)),
      qos_(qos),
      handler_(handler),
      what_(std::move(what)),
      conn_(options_, what_) {}

MqttClient::~MqttClient() {
  Stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status MqttClient::Open() {
  if (wake_fd_ < 0) {
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) return Status::FromErrno(errno, "creating an eventfd");
  }
  ARK_RETURN_IF_ERROR(conn_.Init());
  std::stop_source never;
  Status st = ConnectOnce(never.get_token(), /*first=*/true);
  if (!st.ok()) CloseConnection(/*graceful=*/false);
  return st;
}

Status MqttClient::ConnectOnce(std::stop_token stop, bool first) {
  connected_ = false;
  {
    std::lock_guard lock(mu_);
    up_ = false;  // from here until up_ the other threads leave conn_ alone
    received_.clear();
    done_.clear();
    acked_until_ = next_seq_ = 0;
    ++attempt_;  // acknowledgements of earlier connections are void from now on
  }
  const auto deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
  ARK_RETURN_IF_ERROR(conn_.Connect(stop, deadline));

  const uint16_t sub_id = conn_.NextPacketId();
  mqtt::EncodeSubscribe(conn_.version(), sub_id, topics_, static_cast<uint8_t>(qos_), &conn_.out());
  std::string refused_error;
  ARK_RETURN_IF_ERROR(conn_.Exchange(stop, deadline, [&](const mqtt::Packet& p) -> Result<bool> {
    if (p.type != mqtt::PacketType::kSuback || p.packet_id != sub_id) {
      // A persistent session's queue follows the CONNACK: those messages are delivered too.
      ARK_RETURN_IF_ERROR(HandlePacket(p));
      return false;
    }
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
  {
    std::lock_guard dl(drive_mu_);
    lost_ = Status::OK();
  }
  std::lock_guard lock(mu_);
  up_ = true;
  connections_.fetch_add(1, std::memory_order_acq_rel);
  QueueAcks();  // messages of the handshake acknowledged meanwhile
  // Messages that came with the SUBACK; those that came during the handshake form a burst with
  // them.
  Status st = HandlePackets();
  handler_->OnReadDone();
  return st;
}

Status MqttClient::HandlePackets() {
  while (true) {
    ARK_ASSIGN_OR_RETURN(std::optional<mqtt::Packet> p, conn_.Next());
    if (!p) return Status::OK();
    ARK_RETURN_IF_ERROR(HandlePacket(*p));
  }
}

Status MqttClient::HandlePacket(const mqtt::Packet& p) {
  ARK_ASSIGN_OR_RETURN(bool handled, conn_.HandleCommon(p));
  if (handled) return Status::OK();
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
    default:
      // SUBACK of an earlier attempt's subscription, acknowledgements of publishes (the input
      // publishes nothing): nothing to do.
      return Status::OK();
  }
}

void MqttClient::Acknowledge(uint64_t connection, uint64_t first, uint64_t end) {
  if (first >= end) return;
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (connection != attempt_ || first < acked_until_) return;
    done_.emplace(first, end);
    if (!up_) return;  // still connecting: sent at the end of it
    QueueAcks();
    // A failure here is the network thread's to notice; what the socket did not take, it
    // writes once it waits for the socket to be writable.
    wake = !conn_.Flush().ok() || conn_.WantsWrite();
  }
  if (wake) Wake();
}

void MqttClient::QueueAcks() {
  // MQTT: acknowledgements go out in the order of the PUBLISHes.
  while (!done_.empty() && done_.begin()->first == acked_until_) {
    const uint64_t end = std::min<uint64_t>(done_.begin()->second, next_seq_);
    done_.erase(done_.begin());
    for (; acked_until_ < end; ++acked_until_) {
      const Received r = received_.front();
      received_.pop_front();
      mqtt::EncodeAck(r.qos == 1 ? mqtt::PacketType::kPuback : mqtt::PacketType::kPubrec,
                      r.packet_id, &conn_.out());
    }
  }
}

Status MqttClient::Step(int timeout_ms) {
  std::unique_lock lock(mu_);
  ARK_RETURN_IF_ERROR(conn_.Flush());
  const int sock = conn_.fd();
  const bool read = !handler_->ReadPaused();
  timeout_ms = conn_.KeepAliveWaitMs(timeout_ms);
  if (read && conn_.Buffered()) timeout_ms = 0;
  pollfd fds[2] = {
      {sock, static_cast<short>((read ? POLLIN : 0) | (conn_.WantsWrite() ? POLLOUT : 0)), 0},
      {wake_fd_, POLLIN, 0}};
  lock.unlock();
  TcpQuickAck(sock);
  if (::poll(fds, 2, timeout_ms) < 0 && errno != EINTR) {
    return Status::FromErrno(errno, fmt::format("{}: waiting on the socket", what_));
  }
  if (fds[1].revents & POLLIN) {
    uint64_t v;
    (void)!::read(wake_fd_, &v, sizeof v);
  }
  lock.lock();
  if (read && ((fds[0].revents & (POLLIN | POLLERR | POLLHUP)) != 0 || conn_.Buffered())) {
    Status st = Status::OK();
    for (int i = 0; i < 64; ++i) {
      auto got = conn_.Read();
      if (!got.ok()) {
        st = got.status();
        break;
      }
      st = HandlePackets();
      if (!st.ok() || !*got || conn_.Drained() || handler_->ReadPaused()) break;
    }
    handler_->OnReadDone();
    ARK_RETURN_IF_ERROR(st);
  }
  ARK_RETURN_IF_ERROR(conn_.KeepAlive());
  return conn_.Flush();
}

void MqttClient::Start() {
  if (thread_.joinable() || !connected_) return;
  thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

void MqttClient::Run(std::stop_token stop) {
  RunMqttConnection(
      stop, options_, what_, &connected_, [&] { return ConnectOnce(stop, /*first=*/false); },
      [&] { return NetworkStep(stop); },
      [&](bool lost) {
        {
          std::lock_guard lock(mu_);
          up_ = false;
          conn_.Close(/*graceful=*/false);
        }
        if (lost) {
          handler_->OnDisconnected();
        } else {
          handler_->OnReadDone();
        }
      });
  CloseConnection(/*graceful=*/true);
}

Status MqttClient::NetworkStep(std::stop_token stop) {
  {
    std::unique_lock dl(drive_mu_);
    while (true) {
      if (!lost_.ok()) {
        Status st = std::move(lost_);
        lost_ = Status::OK();
        return st;
      }
      if (stop.stop_requested()) return Status::OK();
      // EndDriving does not notify (the caller is usually back at once): look again every
      // kHandOver.
      if (!reader_driving_ && std::chrono::steady_clock::now() >= reader_released_ + kHandOver) {
        break;
      }
      drive_cv_.wait_for(dl, stop, kHandOver, [&] { return !lost_.ok(); });
    }
    net_driving_ = true;
  }
  Status st = Step(1000);
  if (!st.ok()) SetDown();
  bool notify;
  {
    std::lock_guard dl(drive_mu_);
    net_driving_ = false;
    notify = reader_driving_;  // a caller waits for its turn
  }
  if (notify) drive_cv_.notify_all();
  return st;
}

bool MqttClient::BeginDriving() {
  std::unique_lock dl(drive_mu_);
  if (stopped_ || !Up()) return false;
  reader_driving_ = true;
  if (net_driving_) {
    Wake();  // out of its wait on the socket
    drive_cv_.wait(dl, [&] { return !net_driving_; });
  }
  if (!Up()) {  // found lost by the network thread meanwhile
    reader_driving_ = false;
    reader_released_ = std::chrono::steady_clock::now();
    return false;
  }
  return true;
}

void MqttClient::EndDriving(const Status& step) {
  // The caller found the connection lost: the network thread reconnects.
  const bool lost = !step.ok() && SetDown();
  {
    std::lock_guard dl(drive_mu_);
    reader_driving_ = false;
    reader_released_ = std::chrono::steady_clock::now();
    if (lost) lost_ = step;
  }
  // Otherwise the network thread, waiting for kHandOver after the release, is left alone: the
  // caller is usually back before that.
  if (lost) drive_cv_.notify_all();
}

bool MqttClient::Up() {
  std::lock_guard lock(mu_);
  return up_;
}

bool MqttClient::SetDown() {
  std::lock_guard lock(mu_);
  return std::exchange(up_, false);
}

void MqttClient::CloseConnection(bool graceful) {
  std::lock_guard lock(mu_);
  conn_.Close(graceful && up_);
  up_ = false;
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
