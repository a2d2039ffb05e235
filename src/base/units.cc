#include "base/units.h"

#include <cctype>
#include <charconv>
#include <cmath>

namespace ark {
namespace {

// Reads a non-negative decimal number (digits with an optional fraction) from the front of `s`.
bool ReadNumber(std::string_view& s, double* out) {
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0) return false;
  std::string digits(s.substr(0, i));
  char* end = nullptr;
  *out = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size()) return false;
  s.remove_prefix(i);
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::chrono::nanoseconds> ParseDuration(std::string_view text, bool bare_unit_ms) {
  std::string_view s = Trim(text);
  if (s.empty()) {
    return Status::InvalidArgument("empty duration; expected e.g. \"500ms\", \"1s\", \"2m\"");
  }
  double total_ns = 0;
  bool any = false;
  while (!s.empty()) {
    double number = 0;
    if (!ReadNumber(s, &number)) {
      return Status::InvalidArgument(
          "invalid duration \"{}\": expected a number followed by a unit (ns, us, ms, s, m, h, d)",
          text);
    }
    size_t u = 0;
    while (u < s.size() && !std::isdigit(static_cast<unsigned char>(s[u])) && s[u] != '.') ++u;
    std::string_view unit = Trim(s.substr(0, u));
    s.remove_prefix(u);
    double scale = 0;
    if (unit.empty()) {
      if (!bare_unit_ms || any || !s.empty()) {
        return Status::InvalidArgument(
            "invalid duration \"{}\": missing unit after {} (use ns, us, ms, s, m, h or d)", text,
            number);
      }
      scale = 1e6;
    } else if (unit == "ns") {
      scale = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s") {
      scale = 1e3;
    } else if (unit == "ms") {
      scale = 1e6;
    } else if (unit == "s" || unit == "sec" || unit == "secs") {
      scale = 1e9;
    } else if (unit == "m" || unit == "min" || unit == "mins") {
      scale = 60e9;
    } else if (unit == "h") {
      scale = 3600e9;
    } else if (unit == "d") {
      scale = 86400e9;
    } else {
      return Status::InvalidArgument(
          "invalid duration \"{}\": unknown unit \"{}\" (use ns, us, ms, s, m, h or d)", text,
          unit);
    }
    total_ns += number * scale;
    any = true;
  }
  if (total_ns > 9.2e18) {
    return Status::OutOfRange("duration \"{}\" is too large", text);
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(total_ns)));
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string out;
  if (ns < 0) {
    out = "-";
    ns = -ns;
  }
  if (ns % 1000000 != 0 && ns < 1000000000) {
    if (ns % 1000 == 0) return out + fmt::format("{}us", ns / 1000);
    return out + fmt::format("{}ns", ns);
  }
  if (ns < 1000000000) return out + fmt::format("{}ms", ns / 1000000);
  int64_t ms = ns / 1000000;
  int64_t h = ms / 3600000;
  ms %= 3600000;
  int64_t m = ms / 60000;
  ms %= 60000;
  if (h) out += fmt::format("{}h", h);
  if (m) out += fmt::format("{}m", m);
  if (ms) {
    if (ms % 1000 == 0) {
      out += fmt::format("{}s", ms / 1000);
    } else {
      out += fmt::format("{}ms", ms + 0);
    }
  }
  return out;
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  std::string_view s = Trim(text);
  double number = 0;
  std::string_view rest = s;
  if (!ReadNumber(rest, &number)) {
    return Status::InvalidArgument(
        "invalid size \"{}\": expected a number with an optional unit (B, KB, MB, GB, KiB, MiB, "
        "GiB)",
        text);
  }
  std::string unit(Trim(rest));
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double scale = 0;
  if (unit.empty() || unit == "B") {
    scale = 1;
  } else if (unit == "KB") {
    scale = 1e3;
  } else if (unit == "MB") {
    scale = 1e6;
  } else if (unit == "GB") {
    scale = 1e9;
  } else if (unit == "TB") {
    scale = 1e12;
  } else if (unit == "KIB" || unit == "K") {
    scale = 1024.0;
  } else if (unit == "MIB" || unit == "M") {
    scale = 1024.0 * 1024;
  } else if (unit == "GIB" || unit == "G") {
    scale = 1024.0 * 1024 * 1024;
  } else if (unit == "TIB" || unit == "T") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else {
    return Status::InvalidArgument(
        "invalid size \"{}\": unknown unit \"{}\" (use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)",
        text, Trim(rest));
  }
  double bytes = number * scale;
  if (bytes > 1.8e19) return Status::OutOfRange("size \"{}\" is too large", text);
  return static_cast<uint64_t>(std::llround(bytes));
}

std::string FormatByteSize(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  if (u == 0) return fmt::format("{} B", bytes);
  return fmt::format("{:.1f} {}", v, kUnits[u]);
}

}  // namespace ark
