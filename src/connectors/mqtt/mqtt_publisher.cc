#include "connectors/mqtt/mqtt_publisher.h"

#include <errno.h>
#include <mosquitto.h>
#include <poll.h>

#include <algorithm>

#include <fmt/format.h>

namespace ark {

namespace {

using Clock = MqttPublisher::Clock;

// QoS 1/2 messages unacknowledged at most when `max_inflight` is unset.
constexpr int64_t kDefaultWindow = 1000;
// Bytes encoded before they are written (QoS 0 has no window).
constexpr size_t kMaxBuffered = 1 << 20;
// The maintenance thread looks at an idle connection at least this often.
constexpr int kIdleCheckMs = 1000;

}  // namespace

MqttPublisher::MqttPublisher(MqttConnectionOptions options, int qos, bool retain, std::string what)
    : options_(std::move(options)),
      qos_(static_cast<uint8_t>(qos)),
      retain_(retain),
      what_(std::move(what)),
      conn_(options_, what_),
      reconnect_(options_, what_),
      slots_(65536) {}

MqttPublisher::~MqttPublisher() { Stop(); }

Status MqttPublisher::Open() {
  std::lock_guard lock(mu_);
  ARK_RETURN_IF_ERROR(conn_.Init());
  Status st = conn_.Connect(stop_.get_token(), Clock::now() + options_.connect_timeout);
  if (!st.ok()) {
    conn_.Close(/*graceful=*/false);
    return st;
  }
  if (qos_ > conn_.broker_maximum_qos()) {
    conn_.Close(/*graceful=*/true);
    return Status::ConfigError("{}: the broker at {} takes at most QoS {}; set `qos` to it", what_,
                               conn_.address(), conn_.broker_maximum_qos());
  }
  connections_.fetch_add(1, std::memory_order_acq_rel);
  if (!thread_.joinable()) {
    thread_ = std::jthread([this](std::stop_token) { Run(stop_.get_token()); });
  }
  return Status::OK();
}

void MqttPublisher::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stop_.request_stop();
  if (thread_.joinable()) {
    idle_.notify_all();
    thread_.join();
  }
  std::lock_guard lock(mu_);
  conn_.Close(/*graceful=*/true);
}

void MqttPublisher::Begin(int64_t n, MessageFn message) {
  std::lock_guard lock(mu_);
  if (in_flight_ > 0) {
    for (Slot& slot : slots_) {
      if (slot.index >= 0) slot.index = kOrphan;
    }
  }
  message_ = std::move(message);
  n_ = n;
  next_ = acked_ = refused_ = 0;
  first_refused_ = -1;
  refusal_.clear();
}

int64_t MqttPublisher::Window() const {
  const int64_t mine = options_.max_inflight > 0 ? options_.max_inflight : kDefaultWindow;
  // One identifier stays free so FreePacketId always finds one.
  return std::min<int64_t>({mine, conn_.broker_receive_maximum(), 65534});
}

bool MqttPublisher::BatchDone() const { return next_ == n_ && acked_ == n_; }

uint16_t MqttPublisher::FreePacketId() {
  while (true) {
    const uint16_t id = next_id_++;
    if (next_id_ == 0) next_id_ = 1;
    if (slots_[id].index == kFree) return id;
  }
}

void MqttPublisher::Refuse(int64_t index, std::string reason) {
  ++refused_;
  if (first_refused_ < 0 || index < first_refused_) {
    first_refused_ = index;
    refusal_ = std::move(reason);
  }
}

void MqttPublisher::Send(int64_t index, const Message& m, uint16_t id, bool dup) {
  mqtt::Publish p{.topic = m.topic,
                  .payload = m.payload,
                  .qos = qos_,
                  .dup = dup,
                  .retain = retain_,
                  .packet_id = id};
  mqtt::EncodePublish(conn_.version(), p, &conn_.out());
  if (qos_ > 0) {
    Slot& slot = slots_[id];
    if (slot.index == kFree) ++in_flight_;
    slot.index = index;
    slot.sent = ++sent_;
    slot.released = false;
  }
}

void MqttPublisher::Fill() {
  const int64_t window = Window();
  const mqtt::Version version = conn_.version();
  const uint32_t broker_max = conn_.broker_maximum_packet_size();
  while (next_ < n_ && (qos_ == 0 ? conn_.out().size() < kMaxBuffered : in_flight_ < window)) {
    const int64_t i = next_++;
    const Message m = message_(i);
    const size_t remaining = mqtt::PublishRemainingLength(
        version, mqtt::Publish{.topic = m.topic, .payload = m.payload, .qos = qos_});
    if (remaining > mqtt::kMaxRemainingLength ||
        (broker_max > 0 && mqtt::PacketSize(remaining) > broker_max)) {
      ++acked_;
      Refuse(i, remaining > mqtt::kMaxRemainingLength
                    ? fmt::format("a payload of {} bytes is too large for MQTT", m.payload.size())
                    : fmt::format("a payload of {} bytes is too large for the broker (its "
                                  "Maximum Packet Size is {} bytes)",
                                  m.payload.size(), broker_max));
      continue;
    }
    Send(i, m, qos_ > 0 ? FreePacketId() : 0, /*dup=*/false);
  }
}

void MqttPublisher::Complete(uint16_t id, uint8_t reason) {
  Slot& slot = slots_[id];
  const int64_t index = slot.index;
  slot = Slot{};
  --in_flight_;
  if (index < 0) return;  // a batch given up
  ++acked_;
  if (reason >= 0x80) {
    Refuse(index, fmt::format("the broker refused it: {} (reason code {})",
                              mosquitto_reason_string(reason), reason));
  }
}

Status MqttPublisher::HandlePacket(const mqtt::Packet& p) {
  ARK_ASSIGN_OR_RETURN(bool handled, conn_.HandleCommon(p));
  if (handled) return Status::OK();
  Slot& slot = slots_[p.packet_id];
  switch (p.type) {
    case mqtt::PacketType::kPuback:
      if (slot.index != kFree && qos_ == 1) Complete(p.packet_id, p.reason_code);
      return Status::OK();
    case mqtt::PacketType::kPubrec:
      if (slot.index != kFree && !slot.released && p.reason_code >= 0x80) {
        Complete(p.packet_id, p.reason_code);  // refused: the exchange ends here
        return Status::OK();
      }
      slot.released = slot.index != kFree;
      // Also for an identifier not in flight (a repeated PUBREC): the broker waits for it.
      mqtt::EncodeAck(mqtt::PacketType::kPubrel, p.packet_id, &conn_.out());
      return Status::OK();
    case mqtt::PacketType::kPubcomp:
      if (slot.index != kFree) Complete(p.packet_id, p.reason_code);
      return Status::OK();
    case mqtt::PacketType::kPublish:
      // Nothing is subscribed, but a persistent session of this client id may hold messages.
      if (p.publish.qos == 1) mqtt::EncodeAck(mqtt::PacketType::kPuback, p.packet_id, &conn_.out());
      if (p.publish.qos == 2) mqtt::EncodeAck(mqtt::PacketType::kPubrec, p.packet_id, &conn_.out());
      return Status::OK();
    default:
      return Status::OK();
  }
}

Status MqttPublisher::Service(int timeout_ms) {
  ARK_RETURN_IF_ERROR(conn_.Flush());
  const int sock = conn_.fd();
  timeout_ms = conn_.KeepAliveWaitMs(timeout_ms);
  if (conn_.Buffered()) timeout_ms = 0;
  pollfd p{sock, static_cast<short>(POLLIN | (conn_.WantsWrite() ? POLLOUT : 0)), 0};
  if (timeout_ms > 0) TcpQuickAck(sock);
  if (::poll(&p, 1, timeout_ms) < 0 && errno != EINTR) {
    return Status::FromErrno(errno, fmt::format("{}: waiting on the socket", what_));
  }
  if ((p.revents & (POLLIN | POLLERR | POLLHUP)) != 0 || conn_.Buffered()) {
    // Reading stops once the batch is done: one system call per burst of acknowledgements.
    for (int i = 0; i < 64; ++i) {
      ARK_ASSIGN_OR_RETURN(bool got, conn_.Read());
      while (true) {
        ARK_ASSIGN_OR_RETURN(std::optional<mqtt::Packet> packet, conn_.Next());
        if (!packet) break;
        ARK_RETURN_IF_ERROR(HandlePacket(*packet));
      }
      if (!got || conn_.Drained() || BatchDone()) break;
    }
  }
  ARK_RETURN_IF_ERROR(conn_.KeepAlive());
  return conn_.Flush();
}

void MqttPublisher::OnLost(const Status& why) {
  reconnect_.Lost(why);
  conn_.Close(/*graceful=*/false);
  next_attempt_ = Clock::now();
  if (qos_ == 0) next_ = acked_;  // QoS 0: what was not surely written goes again
}

Status MqttPublisher::Reconnect() {
  Status st = conn_.Connect(stop_.get_token(), Clock::now() + options_.connect_timeout);
  if (!st.ok()) {
    conn_.Close(/*graceful=*/false);
    if (!st.IsCancelled()) next_attempt_ = Clock::now() + reconnect_.Failed(st);
    return st;
  }
  connections_.fetch_add(1, std::memory_order_acq_rel);
  reconnect_.Connected();
  // What was in flight goes again, in the order it was first sent.
  std::vector<uint16_t> ids;
  for (size_t id = 1; id < slots_.size(); ++id) {
    if (slots_[id].index != kFree) ids.push_back(static_cast<uint16_t>(id));
  }
  std::sort(ids.begin(), ids.end(),
            [&](uint16_t a, uint16_t b) { return slots_[a].sent < slots_[b].sent; });
  const bool session = conn_.session_present();
  for (uint16_t id : ids) {
    Slot& slot = slots_[id];
    if (session && slot.released) {
      mqtt::EncodeAck(mqtt::PacketType::kPubrel, id, &conn_.out());
    } else if (slot.index >= 0) {
      // Without the session the broker forgot the message (even a QoS 2 one it had taken): new.
      Send(slot.index, message_(slot.index), id, /*dup=*/session);
    } else {
      slot = Slot{};  // a batch given up: nothing to send it from
      --in_flight_;
    }
  }
  return conn_.Flush();
}

Status MqttPublisher::Publish(Clock::time_point deadline) {
  std::lock_guard lock(mu_);
  while (true) {
    if (!conn_.open()) {
      const auto now = Clock::now();
      if (now >= deadline) {
        return Status::Unavailable(
            "{}: not connected to {} ({} of {} messages acknowledged); will retry", what_,
            conn_.address(), acked_, n_);
      }
      if (now < next_attempt_) {
        std::this_thread::sleep_for(std::min(next_attempt_, deadline) - now);
        continue;
      }
      Status st = Reconnect();
      if (!st.ok()) {
        if (st.IsCancelled()) return st;
        continue;
      }
    }
    Fill();
    Status st = conn_.Flush();
    if (st.ok() && qos_ == 0 && !conn_.WantsWrite()) acked_ = next_;
    if (st.ok() && BatchDone()) {
      if (refused_ == 0) return Status::OK();
      return Status::InvalidArgument("{}: {} of {} messages not published; row {}: {}", what_,
                                     refused_, n_, first_refused_, refusal_);
    }
    if (st.ok()) {
      const int wait = MillisUntil(deadline);
      if (wait == 0 && Clock::now() >= deadline) {
        return Status::Unavailable(
            "{}: {} of {} messages not acknowledged by the broker in time; will retry (without "
            "publishing them again)",
            what_, n_ - acked_, n_);
      }
      st = Service(wait);
    }
    if (!st.ok()) OnLost(st);
  }
}

void MqttPublisher::Run(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    const int wait = conn_.open() ? conn_.KeepAliveWaitMs(kIdleCheckMs)
                                  : std::min(kIdleCheckMs, MillisUntil(next_attempt_));
    idle_.wait_for(lock, stop, std::chrono::milliseconds(std::max(wait, 1)), [] { return false; });
    if (stop.stop_requested()) break;
    // The writer is not publishing (it holds mu_ while it does): keep the connection alive,
    // take late acknowledgements, notice a loss and reconnect.
    if (conn_.open()) {
      Status st = Service(0);
      if (!st.ok()) OnLost(st);
    } else if (Clock::now() >= next_attempt_) {
      (void)Reconnect();
    }
  }
}

}  // namespace ark
