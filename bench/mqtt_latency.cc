// mqtt_latency: publishes timestamped messages at a fixed rate and measures, on a subscriber,
// how long each took to arrive — directly through the broker (pub topic == sub topic) or through
// something in between (arkflow: mqtt input → mqtt output). Used by bench/mqtt_bench.py.
//
//   mqtt_latency PORT PUB_TOPIC SUB_TOPIC RATE COUNT QOS
//
// Prints one line: `received=N p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..`. The payload
// is "<seq> <send time in ns, steady clock>" padded to 100 bytes; both clients run in this process,
// so the clocks agree. The first 5 % of messages are warm-up and not counted.
#include <mosquitto.h>
#include <sys/prctl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct Receiver {
  std::mutex mu;
  std::vector<int64_t> latency_ns;
  std::atomic<int64_t> received{0};
  std::atomic<bool> subscribed{false};
  int64_t warmup = 0;
};

void OnMessage(mosquitto*, void* user, const mosquitto_message* m) {
  int64_t now = NowNs();
  auto* r = static_cast<Receiver*>(user);
  std::string text(static_cast<const char*>(m->payload), static_cast<size_t>(m->payloadlen));
  long long seq = 0, sent = 0;
  if (std::sscanf(text.c_str(), "%lld %lld", &seq, &sent) != 2) return;
  r->received.fetch_add(1);
  if (seq < r->warmup) return;
  std::lock_guard lock(r->mu);
  r->latency_ns.push_back(now - sent);
}

void OnSubscribe(mosquitto*, void* user, int, int, const int*) {
  static_cast<Receiver*>(user)->subscribed = true;
}

mosquitto* Client(const char* id, int port, void* user) {
  mosquitto* m = mosquitto_new(id, true, user);
  mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
  if (mosquitto_connect(m, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) {
    std::fprintf(stderr, "%s: cannot connect to port %d\n", id, port);
    std::exit(1);
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s PORT PUB_TOPIC SUB_TOPIC RATE COUNT QOS\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const char* pub_topic = argv[2];
  const char* sub_topic = argv[3];
  const double rate = std::atof(argv[4]);
  const int64_t count = std::atoll(argv[5]);
  const int qos = std::atoi(argv[6]);
  // Wake-ups within 1 µs of the due time instead of the default 50 µs timer slack.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  mosquitto_lib_init();
  Receiver r;
  r.warmup = count / 20;
  r.latency_ns.reserve(static_cast<size_t>(count));
  mosquitto* sub = Client("latency-sub", port, &r);
  mosquitto_message_callback_set(sub, OnMessage);
  mosquitto_subscribe_callback_set(sub, OnSubscribe);
  mosquitto_subscribe(sub, nullptr, sub_topic, qos);
  mosquitto_loop_start(sub);
  mosquitto* pub = Client("latency-pub", port, nullptr);
  mosquitto_max_inflight_messages_set(pub, 1000);
  mosquitto_loop_start(pub);
  while (!r.subscribed) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  const auto start = Clock::now();
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  char payload[100];
  for (int64_t i = 0; i < count; ++i) {
    auto due =
        start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
    // Sleeps to the due time, never spins: a spinning sender took a whole core of this 2-core
    // machine from the broker and the pass-through it measures. A late wake-up sends the
    // messages that fell due together; each carries the time it was actually sent.
    if (Clock::now() < due) std::this_thread::sleep_until(due);
    int n = std::snprintf(payload, sizeof payload, "%lld %lld ", static_cast<long long>(i),
                          static_cast<long long>(NowNs()));
    std::fill(payload + n, payload + sizeof payload, 'x');
    mosquitto_publish(pub, nullptr, pub_topic, sizeof payload, payload, qos, false);
  }
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (r.received < count && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  mosquitto_disconnect(pub);
  mosquitto_disconnect(sub);
  mosquitto_loop_stop(pub, false);
  mosquitto_loop_stop(sub, false);
  std::vector<int64_t> l;
  {
    std::lock_guard lock(r.mu);
    l = r.latency_ns;
  }
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) {
    if (l.empty()) return 0.0;
    size_t idx = std::min(l.size() - 1, static_cast<size_t>(p * static_cast<double>(l.size())));
    return static_cast<double>(l[idx]) / 1000.0;
  };
  std::printf("received=%lld p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f\n",
              static_cast<long long>(r.received.load()), pct(0.5), pct(0.9), pct(0.99), pct(0.999),
              l.empty() ? 0.0 : static_cast<double>(l.back()) / 1000.0);
  mosquitto_destroy(pub);
  mosquitto_destroy(sub);
  mosquitto_lib_cleanup();
  return r.received.load() == count ? 0 : 1;
}
