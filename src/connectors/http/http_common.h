// What the `http` input, the `http` output and the `websocket` connectors share: the `auth`
// option (ArkFlow's tagged form: {type: basic, username, password} or {type: bearer, token}), the
// Authorization header it stands for, a constant-time comparison for checking it, base64 and
// host:port parsing.
//
//   ConfigSpec spec(...);
//   AddHttpAuthOption(spec, "Credentials every request must carry.");
//   ARK_ASSIGN_OR_RETURN(HttpAuth auth, ReadHttpAuth(cfg));
//   if (!auth.header.empty() && !ConstantTimeEquals(received, auth.header)) → 401
//
// Thread-safety: pure functions over immutable values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "config/config_spec.h"

namespace ark {

enum class HttpAuthType { kNone, kBasic, kBearer };

struct HttpAuth {
  HttpAuthType type = HttpAuthType::kNone;
  // The Authorization header value: "Basic <base64(user:password)>" or "Bearer <token>"; empty
  // for kNone.
  std::string header;
};

// Declares the optional `auth` object option.
void AddHttpAuthOption(ConfigSpec& spec, std::string description);
// Reads `auth` (kNone when unset); ConfigError naming the missing field otherwise.
Result<HttpAuth> ReadHttpAuth(const ComponentConfig& cfg);

// Compares in time that depends only on the length of `expected`, not on where they differ.
bool ConstantTimeEquals(std::string_view given, std::string_view expected);

// Standard base64 (RFC 4648, with padding).
std::string Base64Encode(std::string_view data);

struct HostPort {
  std::string host;  // without IPv6 brackets; "0.0.0.0" when empty
  uint16_t port = 0;
};
// "host:port", "[::1]:8080", ":8080"; InvalidArgument naming `what` and the text otherwise.
Result<HostPort> ParseHostPort(std::string_view address, std::string_view what);

}  // namespace ark
