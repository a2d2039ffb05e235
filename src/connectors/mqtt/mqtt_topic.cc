#include "connectors/mqtt/mqtt_topic.h"

#include <mosquitto.h>

#include <string>

namespace ark {

namespace {

// The first problem in `text`, or empty: what libmosquitto would refuse, said precisely.
std::string Problem(std::string_view text, bool filter) {
  if (text.empty()) return "is empty";
  if (text.size() > 65535) return "is longer than 65535 bytes";
  if (text.find('\0') != std::string_view::npos) return "contains a NUL character";
  size_t level_start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '/') continue;
    std::string_view level = text.substr(level_start, i - level_start);
    for (size_t j = 0; j < level.size(); ++j) {
      char c = level[j];
      if (c != '+' && c != '#') continue;
      if (!filter) {
        return "contains the wildcard '" + std::string(1, c) +
               "' (wildcards are for subscriptions; publish to a concrete topic)";
      }
      if (level.size() != 1) {
        return "has a wildcard '" + std::string(1, c) + "' that does not fill a whole level (in '" +
               std::string(level) + "')";
      }
      if (c == '#' && i != text.size()) return "has '#' before the last level";
    }
    level_start = i + 1;
  }
  std::string copy(text);
  if (mosquitto_validate_utf8(copy.data(), static_cast<int>(copy.size())) != MOSQ_ERR_SUCCESS) {
    return "is not valid UTF-8";
  }
  return "";
}

}  // namespace

Status CheckSubscriptionFilter(std::string_view filter) {
  std::string p = Problem(filter, /*filter=*/true);
  if (p.empty()) return Status::OK();
  return Status::InvalidArgument("topic filter '{}' {}", filter, p);
}

Status CheckPublishTopic(std::string_view topic) {
  std::string p = Problem(topic, /*filter=*/false);
  if (p.empty()) return Status::OK();
  return Status::InvalidArgument("topic '{}' {}", topic, p);
}

}  // namespace ark
