// MqttPublisher (the output's connection), MqttClient (the input's) and the `mqtt` input against
// a real mosquitto, started per test by tests/support/mosquitto.py: the threads around one
// connection — the publisher's writer and maintenance thread; the client's reader driving its
// socket, the network thread taking over while nobody drives, acknowledgements written from yet
// another thread.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "config/yaml_loader.h"
#include "connectors/common/test_util.h"
#include "connectors/connectors.h"
#include "connectors/mqtt/mqtt_client.h"
#include "connectors/mqtt/mqtt_publisher.h"
#include "core/raw_message.h"
#include "runtime/registry.h"

namespace ark {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// tests/support/mosquitto.py run alone: a broker on a free port until SIGINT (on which the
// script stops the broker and removes its directory).
class Broker {
 public:
  Broker()
      : process_({(std::filesystem::path(ARK_SOURCE_DIR) / "tests/support/mosquitto.py").string()},
                 SIGINT) {
    FILE* out = process_.out();
    EXPECT_TRUE(out != nullptr && fscanf(out, "port %d", &port_) == 1)
        << "mosquitto.py did not start";
  }
  int port() const { return port_; }

 private:
  testing::ScriptProcess process_;
  int port_ = 0;
};

MqttConnectionOptions Options(int port, std::string client_id) {
  MqttConnectionOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.client_id = std::move(client_id);
  o.clean_session = false;
  o.receive_maximum = 100;
  return o;
}

// Collects what the client delivers (on whichever thread drives it).
class Sink : public MqttClient::Handler {
 public:
  void OnMessage(const mqtt::Publish& m, uint64_t connection, uint64_t seq) override {
    std::lock_guard lock(mu_);
    payloads_.emplace_back(m.payload);
    qos_.push_back(m.qos);
    EXPECT_EQ(seq, payloads_.size() - 1);
    connection_ = connection;
    arrived_.notify_all();
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return payloads_.size();
  }
  uint64_t connection() {
    std::lock_guard lock(mu_);
    return connection_;
  }
  // Waits up to `timeout` for `n` messages; returns how many there are.
  size_t WaitFor(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    arrived_.wait_for(lock, timeout, [&] { return payloads_.size() >= n; });
    return payloads_.size();
  }
  std::vector<std::string> payloads() {
    std::lock_guard lock(mu_);
    return payloads_;
  }
  std::vector<uint8_t> qos() {
    std::lock_guard lock(mu_);
    return qos_;
  }

 private:
  std::mutex mu_;
  std::condition_variable arrived_;
  std::vector<std::string> payloads_;
  std::vector<uint8_t> qos_;
  uint64_t connection_ = 0;
};

std::vector<std::string> Numbered(int first, int n) {
  std::vector<std::string> v;
  for (int i = first; i < first + n; ++i) v.push_back(fmt::format("m{:05d}", i));
  return v;
}

// Publishes `batches` of `per_batch` numbered messages to `topic`, one Publish per batch.
void PublishAll(MqttPublisher& publisher, const std::string& topic, int batches, int per_batch) {
  for (int b = 0; b < batches; ++b) {
    std::vector<std::string> messages = Numbered(b * per_batch, per_batch);
    publisher.Begin(per_batch, [&](int64_t i) {
      return MqttPublisher::Message{.topic = topic, .payload = messages[i]};
    });
    EXPECT_TRUE(publisher.Publish(Clock::now() + std::chrono::seconds(20)).ok());
  }
}

// The reader drives the client until `n` messages arrived (stepping back for 150 ms — longer
// than the hand-over — at each `pause_at`), while another thread acknowledges what arrived in
// ranges of up to 7; returns once all `n` are acknowledged.
void DriveAndAcknowledge(MqttClient& client, Sink& sink, size_t n,
                         const std::vector<size_t>& pause_at) {
  std::atomic<bool> done{false};
  std::thread acker([&] {
    uint64_t acked = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (acked < n && Clock::now() < deadline) {
      const uint64_t have = sink.count();
      if (have > acked) {
        const uint64_t end = std::min<uint64_t>(have, acked + 7);
        client.Acknowledge(sink.connection(), acked, end);
        acked = end;
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    }
    EXPECT_EQ(acked, n);
    done = true;
  });
  size_t next_pause = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (sink.count() < n && Clock::now() < deadline) {
    if (next_pause < pause_at.size() && sink.count() >= pause_at[next_pause]) {
      ++next_pause;
      std::this_thread::sleep_for(milliseconds(150));  // the network thread reads meanwhile
      continue;
    }
    if (client.BeginDriving()) {
      Status st = client.DriveStep(50);
      EXPECT_TRUE(st.ok()) << st.ToString();
      client.EndDriving(st);
    } else {
      std::this_thread::sleep_for(milliseconds(1));
    }
  }
  acker.join();
  EXPECT_TRUE(done);
}

// A client of the persistent session `client_id` on `topic`, connected and running; null (with a
// test failure) when it cannot connect.
std::unique_ptr<MqttClient> StartClient(int port, const std::string& client_id, std::string topic,
                                        int qos, Sink* sink) {
  auto client = std::make_unique<MqttClient>(Options(port, client_id),
                                             std::vector<std::string>{std::move(topic)}, qos, sink,
                                             "test input " + client_id);
  Status st = client->Open();
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return nullptr;
  client->Start();
  return client;
}

// Every message was acknowledged: a new connection of the persistent session `client_id` gets
// nothing delivered again.
void ExpectNothingRedelivered(int port, const std::string& client_id, std::string topic, int qos) {
  Sink again;
  auto second = StartClient(port, client_id, std::move(topic), qos, &again);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(again.WaitFor(1, milliseconds(500)), 0u);
  second->Stop();
}

// `batches` × `per_batch` messages with `qos` from a publisher (window `max_inflight`) on its
// own thread to a client driven by the reader, stepping back at `pauses`, and acknowledged from a
// third thread: all arrive once, in order, on one connection each; nothing is delivered again.
void RoundTrip(int qos, int max_inflight, int batches, int per_batch, std::vector<size_t> pauses) {
  Broker broker;
  ASSERT_GT(broker.port(), 0);
  const std::string topic = fmt::format("rt/{}", qos);
  Sink sink;
  auto client = StartClient(broker.port(), "rt-sub", topic, qos, &sink);
  ASSERT_NE(client, nullptr);
  MqttConnectionOptions o = Options(broker.port(), "rt-pub");
  o.max_inflight = max_inflight;
  MqttPublisher publisher(o, qos, false, "test output");
  ASSERT_TRUE(publisher.Open().ok());
  const size_t n = static_cast<size_t>(batches) * per_batch;
  std::thread writer([&] { PublishAll(publisher, topic, batches, per_batch); });
  DriveAndAcknowledge(*client, sink, n, pauses);
  writer.join();
  EXPECT_EQ(sink.payloads(), Numbered(0, static_cast<int>(n)));
  EXPECT_EQ(sink.qos(), std::vector<uint8_t>(n, static_cast<uint8_t>(qos)));
  EXPECT_EQ(client->connections(), 1u);
  EXPECT_EQ(publisher.connections(), 1u);
  client->Stop();
  publisher.Stop();
  ExpectNothingRedelivered(broker.port(), "rt-sub", topic, qos);
}

TEST(MqttClientTest, ReaderDrivesAnotherThreadAcknowledgesQos1) {
  RoundTrip(/*qos=*/1, /*max_inflight=*/0, /*batches=*/3, /*per_batch=*/1000, {1000, 2000});
}

TEST(MqttClientTest, Qos2BothWaysWithASmallWindow) {
  RoundTrip(/*qos=*/2, /*max_inflight=*/5, /*batches=*/4, /*per_batch=*/100, {150});
}

// Unacknowledged messages stay with the broker: a client that stops without acknowledging the
// second half gets exactly that half again on its next connection.
TEST(MqttClientTest, UnacknowledgedAreDeliveredAgain) {
  Broker broker;
  ASSERT_GT(broker.port(), 0);
  Sink sink;
  auto client = StartClient(broker.port(), "re-sub", "re", 1, &sink);
  ASSERT_NE(client, nullptr);
  MqttPublisher publisher(Options(broker.port(), "re-pub"), 1, false, "test output");
  ASSERT_TRUE(publisher.Open().ok());
  PublishAll(publisher, "re", 1, 80);
  ASSERT_EQ(sink.WaitFor(80, std::chrono::seconds(10)), 80u);
  client->Acknowledge(sink.connection(), 0, 40);
  client->Stop();

  Sink again;
  auto second = StartClient(broker.port(), "re-sub", "re", 1, &again);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(again.WaitFor(40, std::chrono::seconds(10)), 40u);
  EXPECT_EQ(again.WaitFor(41, milliseconds(300)), 40u);
  EXPECT_EQ(again.payloads(), Numbered(40, 40));
  second->Stop();
  publisher.Stop();
}

// The `mqtt` input as the runtime uses it: Read on one thread (driving the socket while it
// waits), each batch acknowledged a little later on another (as a writer would); now and then
// the acknowledgement, or the next Read, comes later than the hand-over (the network thread reads
// ahead meanwhile).
TEST(MqttInputTest, ReadsInOrderAcknowledgesEverything) {
  Broker broker;
  ASSERT_GT(broker.port(), 0);
  Registry registry;
  RegisterConnectors(registry);
  ComponentContext ctx;
  ctx.stream_id = "stream-0";
  ctx.label = "input";
  ctx.registry = &registry;
  const std::string yaml = fmt::format(
      "type: mqtt\nhost: 127.0.0.1\nport: {}\nclient_id: in-sub\ntopics: [in]\nqos: 1\n"
      "clean_session: false\nreceive_maximum: 50\nbatch_size: 64\n",
      broker.port());
  auto node = LoadYamlString(yaml, "test.yaml");
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  auto input = registry.MakeInput(*node, ctx);
  ASSERT_TRUE(input.ok()) << input.status().ToString();
  ASSERT_TRUE((*input)->Connect().ok());

  MqttPublisher publisher(Options(broker.port(), "in-pub"), 1, false, "test output");
  ASSERT_TRUE(publisher.Open().ok());
  constexpr int kTotal = 2000;
  std::thread writer([&] { PublishAll(publisher, "in", 4, kTotal / 4); });

  std::mutex mu;
  std::condition_variable cv;
  std::vector<AckToken> to_ack;
  bool reading = true;
  std::thread acker([&] {
    int n = 0;
    while (true) {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return !to_ack.empty() || !reading; });
      if (to_ack.empty()) return;
      AckToken token = std::move(to_ack.front());
      to_ack.erase(to_ack.begin());
      lock.unlock();
      // Every tenth batch waits past the hand-over, the others a moment.
      std::this_thread::sleep_for(++n % 10 == 0 ? milliseconds(120) : milliseconds(1));
      token.Done();
    }
  });
  std::vector<std::string> got;
  int reads = 0;
  std::stop_source stop;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (got.size() < kTotal && Clock::now() < deadline) {
    auto read = (*input)->Read(stop.get_token());
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ColumnPtr values = read->batch.ColumnByName(std::string(kValueColumn));
    ASSERT_NE(values, nullptr);
    for (int64_t i = 0; i < values->length(); ++i) got.emplace_back(values->GetView(i));
    {
      std::lock_guard lock(mu);
      to_ack.push_back(std::move(read->ack));
      cv.notify_one();
    }
    // Now and then the reader is away longer than the hand-over: the network thread reads.
    if (++reads % 15 == 0) std::this_thread::sleep_for(milliseconds(150));
  }
  {
    std::lock_guard lock(mu);
    reading = false;
    cv.notify_one();
  }
  acker.join();
  writer.join();
  EXPECT_EQ(got, Numbered(0, kTotal));
  EXPECT_TRUE((*input)->Close().ok());
  publisher.Stop();

  // All acknowledged before Close.
  ExpectNothingRedelivered(broker.port(), "in-sub", "in", 1);
}

}  // namespace
}  // namespace ark
