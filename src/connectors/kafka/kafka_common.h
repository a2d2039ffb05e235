// What the Kafka input and output share: building a librdkafka configuration from the component's
// options (with errors that name the offending property), routing librdkafka's log lines to the
// engine's log, and the `properties` pass-through.
//
// Thread-safety: pure functions; the callbacks installed by NewKafkaConf are thread-safe.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "config/config_spec.h"

namespace ark {

// librdkafka settings in the order they are applied (later ones win).
using KafkaSettings = std::vector<std::pair<std::string, std::string>>;

// A new configuration holding `settings`, with librdkafka's logs routed to spdlog (prefixed by
// `what`, e.g. "kafka input"). InvalidArgument naming the property when librdkafka refuses one.
// The caller owns the result (rd_kafka_conf_destroy, or pass it to rd_kafka_new).
Result<rd_kafka_conf_t*> NewKafkaConf(const KafkaSettings& settings, std::string_view what);

// Appends the `properties` map (librdkafka names and values, as given) to `settings`, refusing the
// keys in `reserved` (the component manages them itself) with an error naming the key and why.
Status AddKafkaProperties(const ComponentConfig& cfg,
                          const std::map<std::string, std::string>& reserved, KafkaSettings* out);

// "a:1,b:2" from the `brokers` list (each item may itself be a comma-separated list); an empty
// list or item is an error at the option's position.
Result<std::string> KafkaBootstrap(const ComponentConfig& cfg);

// "Broker: Unknown topic or partition (UNKNOWN_TOPIC_OR_PART)".
std::string KafkaErrorText(rd_kafka_resp_err_t err);

}  // namespace ark
