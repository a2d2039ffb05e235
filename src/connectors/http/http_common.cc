#include "connectors/http/http_common.h"

#include <charconv>

namespace ark {

void AddHttpAuthOption(ConfigSpec& spec, std::string description) {
  ConfigSpec auth(
      "Authentication: `{type: basic, username, password}` or `{type: bearer, token}`.");
  auth.String("type", "`basic` or `bearer`.").Required().OneOf({"basic", "bearer"});
  auth.String("username", "User name (basic).");
  auth.String("password", "Password (basic).");
  auth.String("token", "Token (bearer).");
  spec.Object("auth", std::move(description), std::move(auth));
}

Result<HttpAuth> ReadHttpAuth(const ComponentConfig& cfg) {
  HttpAuth out;
  if (!cfg.IsSet("auth")) return out;
  ComponentConfig auth = cfg.GetObject("auth");
  std::string type = auth.GetString("type");
  auto require = [&](std::string_view field) -> Status {
    if (auth.IsSet(field)) return Status::OK();
    return auth.node().Error(fmt::format("auth of type {} needs `{}`", type, field));
  };
  if (type == "basic") {
    ARK_RETURN_IF_ERROR(require("username"));
    ARK_RETURN_IF_ERROR(require("password"));
    out.type = HttpAuthType::kBasic;
    out.header =
        "Basic " + Base64Encode(auth.GetString("username") + ":" + auth.GetString("password"));
  } else {
    ARK_RETURN_IF_ERROR(require("token"));
    out.type = HttpAuthType::kBearer;
    out.header = "Bearer " + auth.GetString("token");
  }
  return out;
}

bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  // Every byte of `expected` is compared, whatever `given` holds.
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

std::string Base64Encode(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(data[k])); };
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += rest == 2 ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

Result<HostPort> ParseHostPort(std::string_view address, std::string_view what) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("{} \"{}\" is not host:port (e.g. \"0.0.0.0:8080\")", what,
                                   address);
  }
  std::string_view host = address.substr(0, colon);
  std::string_view port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return Status::InvalidArgument("{} \"{}\": port \"{}\" is not a number from 0 to 65535", what,
                                   address, port_text);
  }
  HostPort hp;
  hp.host = host.empty() ? "0.0.0.0" : std::string(host);
  hp.port = static_cast<uint16_t>(port);
  return hp;
}

}  // namespace ark
