// kafka_peer: the librdkafka side of the Kafka pass-through benchmark (bench/kafka_bench.py).
//
//   kafka_peer produce BROKERS TOPIC COUNT
//       Loads COUNT 100-byte JSON messages ({"n":<i>,"pad":"xx..."}) into TOPIC (keyless, spread
//       over the partitions).
//   kafka_peer passthrough BROKERS IN OUT GROUP COUNT
//       The peer: librdkafka's own consume-and-produce loop — a consumer in GROUP polls IN and
//       produces every message to OUT (RD_KAFKA_MSG_F_COPY, the same producer settings as the
//       engine's kafka output: idempotent, acks=all), until COUNT messages were delivered.
//   kafka_peer count BROKERS TOPIC COUNT
//       Reads TOPIC from the beginning until COUNT messages arrived (fails after a minute without
//       any); prints the seconds between the
//       first and the COUNT-th arrival and the rate. The same measurement is used for the peer and
//       for the engine.
//
// Thread-safety: single-threaded (plus librdkafka's threads).
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "kafka_peer: %s\n", what.c_str());
  std::exit(1);
}

rd_kafka_conf_t* Conf(const char* brokers) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, err, sizeof(err)) != 0) Die(err);
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
  return conf;
}

void Set(rd_kafka_conf_t* conf, const char* key, const char* value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value, err, sizeof(err)) != 0) Die(err);
}

rd_kafka_t* Producer(const char* brokers, int64_t* delivered) {
  rd_kafka_conf_t* conf = Conf(brokers);
  Set(conf, "enable.idempotence", "true");
  Set(conf, "acks", "all");
  rd_kafka_conf_set_opaque(conf, delivered);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err) Die(std::string("delivery failed: ") + rd_kafka_err2str(m->err));
    ++*static_cast<int64_t*>(opaque);
  });
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) Die(err);
  return rk;
}

rd_kafka_t* Consumer(const char* brokers, const char* topic, const char* group) {
  rd_kafka_conf_t* conf = Conf(brokers);
  Set(conf, "group.id", group);
  Set(conf, "auto.offset.reset", "earliest");
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) Die(err);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
  if (rd_kafka_subscribe(rk, topics) != 0) Die("subscribe failed");
  rd_kafka_topic_partition_list_destroy(topics);
  return rk;
}

void Produce(rd_kafka_t* rk, rd_kafka_topic_t* rkt, const void* value, size_t len, const void* key,
             size_t key_len) {
  while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, const_cast<void*>(value),
                          len, key, key_len, nullptr) != 0) {
    if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      Die(std::string("produce: ") + rd_kafka_err2str(rd_kafka_last_error()));
    }
    rd_kafka_poll(rk, 10);
  }
}

int RunProduce(const char* brokers, const char* topic, int64_t count) {
  int64_t delivered = 0;
  rd_kafka_t* rk = Producer(brokers, &delivered);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic, nullptr);
  char buf[128];
  for (int64_t i = 0; i < count; ++i) {
    int head = std::snprintf(buf, sizeof(buf), "{\"n\":%lld,\"pad\":\"", static_cast<long long>(i));
    std::memset(buf + head, 'x', 100 - head - 2);
    std::memcpy(buf + 98, "\"}", 2);
    Produce(rk, rkt, buf, 100, nullptr, 0);
    rd_kafka_poll(rk, 0);
  }
  while (delivered < count) rd_kafka_flush(rk, 1000);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  std::printf("produced %lld\n", static_cast<long long>(count));
  return 0;
}

int RunPassthrough(const char* brokers, const char* in, const char* out, const char* group,
                   int64_t count) {
  int64_t delivered = 0;
  rd_kafka_t* producer = Producer(brokers, &delivered);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(producer, out, nullptr);
  rd_kafka_t* consumer = Consumer(brokers, in, group);
  int64_t copied = 0;
  while (copied < count) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
    if (m == nullptr) continue;
    if (m->err == 0) {
      Produce(producer, rkt, m->payload, m->len, m->key, m->key_len);
      ++copied;
    }
    rd_kafka_message_destroy(m);
    rd_kafka_poll(producer, 0);
  }
  while (delivered < count) rd_kafka_flush(producer, 1000);
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(producer);
  std::printf("copied %lld\n", static_cast<long long>(copied));
  return 0;
}

int RunCount(const char* brokers, const char* topic, int64_t count) {
  std::string group = "bench-count-" + std::to_string(::getpid());
  rd_kafka_t* consumer = Consumer(brokers, topic, group.c_str());
  int64_t seen = 0;
  Clock::time_point first{};
  Clock::time_point last = Clock::now();
  while (seen < count) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
    if (m == nullptr) {
      // Give up after a minute without messages instead of hanging the benchmark.
      if (Clock::now() - last > std::chrono::seconds(60)) {
        std::fprintf(stderr, "kafka_peer count: only %lld of %lld messages arrived\n",
                     static_cast<long long>(seen), static_cast<long long>(count));
        return 1;
      }
      continue;
    }
    if (m->err == 0) {
      if (seen++ == 0) first = Clock::now();
      last = Clock::now();
    }
    rd_kafka_message_destroy(m);
  }
  double seconds = std::chrono::duration<double>(last - first).count();
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  std::printf("{\"messages\": %lld, \"seconds\": %.3f, \"rate\": %.0f}\n",
              static_cast<long long>(count), seconds, count / seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "produce" && argc == 5) return RunProduce(argv[2], argv[3], std::atoll(argv[4]));
  if (mode == "passthrough" && argc == 7) {
    return RunPassthrough(argv[2], argv[3], argv[4], argv[5], std::atoll(argv[6]));
  }
  if (mode == "count" && argc == 5) return RunCount(argv[2], argv[3], std::atoll(argv[4]));
  std::fprintf(stderr,
               "usage: kafka_peer produce BROKERS TOPIC COUNT\n"
               "       kafka_peer passthrough BROKERS IN OUT GROUP COUNT\n"
               "       kafka_peer count BROKERS TOPIC COUNT\n");
  return 2;
}
