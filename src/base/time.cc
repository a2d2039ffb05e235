#include "base/time.h"

#include <cctype>

#include <fmt/format.h>

namespace ark {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t MonotonicMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

std::string FormatDate(int32_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::string FormatTimestampMicros(int64_t micros) {
  int64_t days =
      micros >= 0 ? micros / 86400000000LL : -((-micros + 86400000000LL - 1) / 86400000000LL);
  int64_t rem = micros - days * 86400000000LL;
  int64_t y;
  unsigned mo, d;
  CivilFromDays(days, &y, &mo, &d);
  int64_t secs = rem / 1000000;
  int64_t frac = rem % 1000000;
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, mo, d, secs / 3600,
                                (secs / 60) % 60, secs % 60);
  if (frac != 0) {
    std::string f = fmt::format("{:06}", frac);
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  out += "Z";
  return out;
}

namespace {

bool ReadInt(std::string_view s, size_t* pos, int digits, int64_t* out) {
  int64_t v = 0;
  for (int i = 0; i < digits; ++i) {
    if (*pos >= s.size() || !std::isdigit(static_cast<unsigned char>(s[*pos]))) return false;
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
  }
  *out = v;
  return true;
}

Status BadTimestamp(std::string_view text) {
  return Status::ParseError(
      "invalid timestamp \"{}\": expected ISO 8601 like \"2024-05-01T12:00:00Z\"", text);
}

}  // namespace

Result<int32_t> ParseDate(std::string_view text) {
  size_t pos = 0;
  int64_t y, m, d;
  if (!ReadInt(text, &pos, 4, &y) || pos >= text.size() || text[pos++] != '-' ||
      !ReadInt(text, &pos, 2, &m) || pos >= text.size() || text[pos++] != '-' ||
      !ReadInt(text, &pos, 2, &d) || pos != text.size() || m < 1 || m > 12 || d < 1 || d > 31) {
    return Status::ParseError("invalid date \"{}\": expected YYYY-MM-DD", text);
  }
  return static_cast<int32_t>(DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
}

Result<int64_t> ParseTimestampMicros(std::string_view text) {
  size_t pos = 0;
  int64_t y, mo, d, h = 0, mi = 0, s = 0, frac = 0;
  if (!ReadInt(text, &pos, 4, &y) || pos >= text.size() || text[pos++] != '-' ||
      !ReadInt(text, &pos, 2, &mo) || pos >= text.size() || text[pos++] != '-' ||
      !ReadInt(text, &pos, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return BadTimestamp(text);
  }
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    if (!ReadInt(text, &pos, 2, &h) || pos >= text.size() || text[pos++] != ':' ||
        !ReadInt(text, &pos, 2, &mi)) {
      return BadTimestamp(text);
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!ReadInt(text, &pos, 2, &s)) return BadTimestamp(text);
    }
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        if (digits < 6) {
          frac = frac * 10 + (text[pos] - '0');
          ++digits;
        }
        ++pos;
      }
      if (digits == 0) return BadTimestamp(text);
      for (; digits < 6; ++digits) frac *= 10;
    }
    if (h > 23 || mi > 59 || s > 60) return BadTimestamp(text);
  }
  int64_t offset_secs = 0;
  if (pos < text.size()) {
    char c = text[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      ++pos;
      int64_t oh = 0, om = 0;
      if (!ReadInt(text, &pos, 2, &oh)) return BadTimestamp(text);
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (pos < text.size() && !ReadInt(text, &pos, 2, &om)) return BadTimestamp(text);
      offset_secs = (oh * 3600 + om * 60) * (c == '+' ? 1 : -1);
    }
  }
  if (pos != text.size()) return BadTimestamp(text);
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - offset_secs;
  return secs * 1000000 + frac;
}

}  // namespace ark
