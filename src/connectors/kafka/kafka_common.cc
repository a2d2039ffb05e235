#include "connectors/kafka/kafka_common.h"

#include <spdlog/spdlog.h>

namespace ark {
namespace {

// librdkafka's syslog levels → spdlog.
void LogCallback(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  const char* name = rk != nullptr ? rd_kafka_name(rk) : "kafka";
  if (level <= 3) {
    spdlog::error("librdkafka {}: {}: {}", name, fac, buf);
  } else if (level == 4) {
    spdlog::warn("librdkafka {}: {}: {}", name, fac, buf);
  } else if (level <= 6) {
    spdlog::info("librdkafka {}: {}: {}", name, fac, buf);
  } else {
    spdlog::debug("librdkafka {}: {}: {}", name, fac, buf);
  }
}

}  // namespace

std::string KafkaErrorText(rd_kafka_resp_err_t err) {
  return fmt::format("{} ({})", rd_kafka_err2str(err), rd_kafka_err2name(err));
}

Result<rd_kafka_conf_t*> NewKafkaConf(const KafkaSettings& settings, std::string_view what) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument("{}: librdkafka property \"{}\" = \"{}\": {}", what, key,
                                     value, errstr);
    }
  }
  rd_kafka_conf_set_log_cb(conf, LogCallback);
  return conf;
}

Status AddKafkaProperties(const ComponentConfig& cfg,
                          const std::map<std::string, std::string>& reserved, KafkaSettings* out) {
  if (!cfg.Has("properties")) return Status::OK();
  for (const auto& [key, value] : cfg.GetStringMap("properties")) {
    auto it = reserved.find(key);
    if (it != reserved.end()) {
      return cfg.NodeOf("properties")
          .Error(fmt::format("property \"{}\" cannot be set here: {}", key, it->second));
    }
    out->emplace_back(key, value);
  }
  return Status::OK();
}

Result<std::string> KafkaBootstrap(const ComponentConfig& cfg) {
  std::string out;
  for (const std::string& item : cfg.GetStringList("brokers")) {
    size_t start = 0;
    while (start <= item.size()) {
      size_t comma = item.find(',', start);
      if (comma == std::string::npos) comma = item.size();
      std::string_view part(item.data() + start, comma - start);
      start = comma + 1;
      while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
      while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
      if (part.empty()) {
        return cfg.NodeOf("brokers").Error("a broker address must not be empty");
      }
      if (!out.empty()) out += ',';
      out += part;
    }
  }
  if (out.empty()) return cfg.NodeOf("brokers").Error("`brokers` needs at least one address");
  return out;
}

}  // namespace ark
