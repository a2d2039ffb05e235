// MQTT topic names and filters: validation with messages a user can act on (MQTT 3.1.1 §4.7).
//
//   ARK_RETURN_IF_ERROR(CheckSubscriptionFilter("sensors/+/temp"));  // OK
//   CheckPublishTopic("sensors/#");  // InvalidArgument: wildcards are for subscriptions
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "base/status.h"

namespace ark {

// A filter to subscribe to: non-empty UTF-8, `+` filling a whole level, `#` only as the last
// level.
Status CheckSubscriptionFilter(std::string_view filter);

// A topic to publish to: non-empty UTF-8 without wildcards, at most 65535 bytes.
Status CheckPublishTopic(std::string_view topic);

}  // namespace ark
