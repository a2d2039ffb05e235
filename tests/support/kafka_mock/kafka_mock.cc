// kafka_mock: hosts librdkafka's mock Kafka cluster (rdkafka_mock.h) in its own process, so that
// tests and benchmarks can run the engine and independent clients (kafkajs) against a
// Kafka-protocol broker on 127.0.0.1 — there is no Kafka broker packaged for Debian.
//
//   kafka_mock [--brokers N] [TOPIC:PARTITIONS ...]
//
// Creates a cluster of N brokers (default 1; ids 1..N, listening on ephemeral loopback ports),
// creates each TOPIC with PARTITIONS partitions (replication factor min(N, 3)), prints the
// bootstrap address ("127.0.0.1:port,...") as its first line on standard output, then reads
// commands on standard input, one per line, and answers each with "ok" or "error: <why>" on
// standard output:
//
//   down <broker id>            disconnect the broker and refuse new connections (-1: all)
//   up <broker id>              accept connections again (-1: all)
//   rtt <broker id> <ms>        add a round-trip delay to the broker's responses
//   topic <name> <partitions>   create a topic
//   leader <topic> <partition> <broker id>   move a partition's leader
//
// It ends on end of input, SIGTERM or SIGINT, destroying the cluster. What the mock does and does
// not do (librdkafka 2.0): produce (idempotent and transactional — transactions are accepted but
// not enforced: aborted messages stay visible), fetch, consumer groups with offset commits; no
// CreateTopics/DescribeGroups; each partition keeps only its last ~5 MiB (older segments are
// dropped), so large tests use many partitions or consume while producing.
//
// Thread-safety: single-threaded apart from the cluster's own thread.
#include <librdkafka/rdkafka.h>
// rdkafka_mock.h requires rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace {

volatile sig_atomic_t g_stop = 0;

void OnSignal(int) { g_stop = 1; }

bool ParseInt(const std::string& text, long min, long max, long* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max) return false;
  *out = v;
  return true;
}

void Reply(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string ErrorText(rd_kafka_resp_err_t err) {
  return std::string("error: ") + rd_kafka_err2str(err);
}

// Runs one command line; returns the reply.
std::string RunCommand(rd_kafka_mock_cluster_t* cluster, int brokers, const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty()) return "error: empty command";
  const std::string& cmd = words[0];
  long broker = 0;
  if ((cmd == "down" || cmd == "up") && words.size() == 2) {
    if (!ParseInt(words[1], -1, brokers, &broker) || broker == 0) {
      return "error: broker id must be 1.." + std::to_string(brokers) + " or -1";
    }
    rd_kafka_resp_err_t err =
        cmd == "down" ? rd_kafka_mock_broker_set_down(cluster, static_cast<int32_t>(broker))
                      : rd_kafka_mock_broker_set_up(cluster, static_cast<int32_t>(broker));
    return err ? ErrorText(err) : "ok";
  }
  if (cmd == "rtt" && words.size() == 3) {
    long ms = 0;
    if (!ParseInt(words[1], -1, brokers, &broker) || broker == 0 ||
        !ParseInt(words[2], 0, 600000, &ms)) {
      return "error: usage: rtt <broker id> <milliseconds>";
    }
    rd_kafka_resp_err_t err =
        rd_kafka_mock_broker_set_rtt(cluster, static_cast<int32_t>(broker), static_cast<int>(ms));
    return err ? ErrorText(err) : "ok";
  }
  if (cmd == "topic" && words.size() == 3) {
    long partitions = 0;
    if (!ParseInt(words[2], 1, 100000, &partitions)) {
      return "error: usage: topic <name> <partitions>";
    }
    int replication = brokers < 3 ? brokers : 3;
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, words[1].c_str(),
                                                         static_cast<int>(partitions), replication);
    return err ? ErrorText(err) : "ok";
  }
  if (cmd == "leader" && words.size() == 4) {
    long partition = 0;
    if (!ParseInt(words[2], 0, 100000, &partition) || !ParseInt(words[3], 1, brokers, &broker)) {
      return "error: usage: leader <topic> <partition> <broker id>";
    }
    rd_kafka_resp_err_t err = rd_kafka_mock_partition_set_leader(
        cluster, words[1].c_str(), static_cast<int32_t>(partition), static_cast<int32_t>(broker));
    return err ? ErrorText(err) : "ok";
  }
  return "error: unknown command \"" + line +
         "\" (down|up <broker>, rtt <broker> <ms>, topic <name> <partitions>, "
         "leader <topic> <partition> <broker>)";
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    long v = 0;
    if (arg == "--brokers" && i + 1 < argc) {
      if (!ParseInt(argv[++i], 1, 64, &v)) {
        std::fprintf(stderr, "kafka_mock: --brokers takes 1..64, got \"%s\"\n", argv[i]);
        return 2;
      }
      brokers = static_cast<int>(v);
      continue;
    }
    size_t colon = arg.rfind(':');
    if (colon == std::string::npos || colon == 0 ||
        !ParseInt(arg.substr(colon + 1), 1, 100000, &v)) {
      std::fprintf(stderr,
                   "usage: kafka_mock [--brokers N] [TOPIC:PARTITIONS ...]; bad argument \"%s\"\n",
                   arg.c_str());
      return 2;
    }
    topics.emplace_back(arg.substr(0, colon), static_cast<int>(v));
  }

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the cluster; keep it quiet.
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    std::fprintf(stderr, "kafka_mock: rd_kafka_new: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (cluster == nullptr) {
    std::fprintf(stderr, "kafka_mock: cannot create the mock cluster\n");
    rd_kafka_destroy(rk);
    return 1;
  }
  int replication = brokers < 3 ? brokers : 3;
  for (const auto& [name, partitions] : topics) {
    rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, replication);
    if (err) {
      std::fprintf(stderr, "kafka_mock: creating topic %s: %s\n", name.c_str(),
                   rd_kafka_err2str(err));
      rd_kafka_mock_cluster_destroy(cluster);
      rd_kafka_destroy(rk);
      return 1;
    }
  }
  Reply(rd_kafka_mock_cluster_bootstraps(cluster));

  std::string pending;
  char buf[4096];
  while (!g_stop) {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    int rc = ::poll(&p, 1, 200);
    if (rc < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (rc == 0) continue;
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (n == 0) break;  // end of input
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      Reply(RunCommand(cluster, brokers, line));
    }
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
