#include "sql/expr/datetime.h"

#include <cctype>
#include <cmath>
#include <limits>
#include <string>

#include "base/time.h"

namespace ark::sql {

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

CivilTime ToCivil(int64_t ts) {
  const int64_t days = TimestampDays(ts);
  int64_t tod = ts - days * kMicrosPerDay;
  CivilTime t;
  unsigned m, d;
  CivilFromDays(days, &t.year, &m, &d);
  t.month = static_cast<int>(m);
  t.day = static_cast<int>(d);
  t.hour = static_cast<int>(tod / kMicrosPerHour);
  tod %= kMicrosPerHour;
  t.minute = static_cast<int>(tod / kMicrosPerMinute);
  tod %= kMicrosPerMinute;
  t.second = static_cast<int>(tod / kMicrosPerSecond);
  t.micros = static_cast<int>(tod % kMicrosPerSecond);
  return t;
}

namespace {

Status TimestampOutOfRange() { return Status::OutOfRange("timestamp out of range"); }
Status IntervalOutOfRange() { return Status::OutOfRange("interval out of range"); }

// days * kMicrosPerDay + tod, checked.
Result<int64_t> DaysToMicros(int64_t days, int64_t tod) {
  int64_t r;
  if (__builtin_mul_overflow(days, kMicrosPerDay, &r) || __builtin_add_overflow(r, tod, &r)) {
    return TimestampOutOfRange();
  }
  return r;
}

}  // namespace

Result<int64_t> FromCivil(const CivilTime& t) {
  if (t.year > 300000 || t.year < -300000) return TimestampOutOfRange();
  const int64_t days =
      DaysFromCivil(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day));
  return DaysToMicros(days, t.hour * kMicrosPerHour + t.minute * kMicrosPerMinute +
                                t.second * kMicrosPerSecond + t.micros);
}

int DayOfWeek(int64_t days) {
  // 1970-01-01 was a Thursday (4).
  int64_t r = (days + 4) % 7;
  return static_cast<int>(r < 0 ? r + 7 : r);
}

// ---------------------------------------------------------------------------------------------
// Timestamp and date input

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads between min and max digits.
bool ReadDigits(std::string_view s, size_t* pos, int min, int max, int64_t* out) {
  int64_t v = 0;
  int n = 0;
  while (*pos < s.size() && IsDigit(s[*pos]) && n < max) {
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
    ++n;
  }
  *out = v;
  return n >= min;
}

void SkipSpaces(std::string_view s, size_t* pos) {
  while (*pos < s.size() && std::isspace(static_cast<unsigned char>(s[*pos]))) ++*pos;
}

bool ConsumeWordCI(std::string_view s, size_t* pos, std::string_view word) {
  if (s.size() - *pos < word.size() || !IEquals(s.substr(*pos, word.size()), word)) return false;
  *pos += word.size();
  return true;
}

struct ParsedDateTime {
  CivilTime civil;
  int64_t extra_micros = 0;  // 24:00:00, leap second 60, fraction rounding carry
  int64_t zone_offset_secs = 0;
};

Status BadSyntax(std::string_view type, std::string_view text) {
  return Status::InvalidArgument("invalid input syntax for type {}: \"{}\"", type, text);
}

Status FieldOutOfRange(std::string_view text) {
  return Status::InvalidArgument("date/time field value out of range: \"{}\"", text);
}

Result<ParsedDateTime> ParseDateTime(std::string_view text, std::string_view type) {
  std::string_view s = Trim(text);
  ParsedDateTime p;
  if (IEquals(s, "epoch")) return p;
  size_t pos = 0;
  int64_t year, month, day;
  if (!ReadDigits(s, &pos, 1, 9, &year) || pos >= s.size() || s[pos++] != '-' ||
      !ReadDigits(s, &pos, 1, 2, &month) || pos >= s.size() || s[pos++] != '-' ||
      !ReadDigits(s, &pos, 1, 2, &day)) {
    return BadSyntax(type, text);
  }
  int64_t hour = 0, minute = 0, second = 0, micros = 0;
  bool round_up = false;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    size_t save = pos;
    if (s[pos] == 'T' || s[pos] == 't') {
      ++pos;
    } else {
      SkipSpaces(s, &pos);
    }
    if (pos < s.size() && IsDigit(s[pos])) {
      if (!ReadDigits(s, &pos, 1, 2, &hour) || pos >= s.size() || s[pos++] != ':' ||
          !ReadDigits(s, &pos, 2, 2, &minute)) {
        return BadSyntax(type, text);
      }
      if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (!ReadDigits(s, &pos, 2, 2, &second)) return BadSyntax(type, text);
        if (pos < s.size() && s[pos] == '.') {
          ++pos;
          int digits = 0;
          while (pos < s.size() && IsDigit(s[pos])) {
            if (digits < 6) {
              micros = micros * 10 + (s[pos] - '0');
            } else if (digits == 6) {
              round_up = s[pos] >= '5';
            }
            ++digits;
            ++pos;
          }
          if (digits == 0) return BadSyntax(type, text);
          for (int d = digits; d < 6; ++d) micros *= 10;
        }
      }
    } else {
      pos = save;
    }
  }
  SkipSpaces(s, &pos);
  if (pos < s.size()) {
    const char c = s[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      ++pos;
      int64_t oh = 0, om = 0;
      if (!ReadDigits(s, &pos, 1, 2, &oh)) return BadSyntax(type, text);
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && IsDigit(s[pos]) && !ReadDigits(s, &pos, 2, 2, &om)) {
        return BadSyntax(type, text);
      }
      if (oh > 15 || om > 59) return FieldOutOfRange(text);
      p.zone_offset_secs = (oh * 3600 + om * 60) * (c == '+' ? 1 : -1);
    } else if (!ConsumeWordCI(s, &pos, "UTC")) {
      ConsumeWordCI(s, &pos, "GMT");
    }
  }
  SkipSpaces(s, &pos);
  bool bc = false;
  if (ConsumeWordCI(s, &pos, "BC")) {
    bc = true;
  } else {
    ConsumeWordCI(s, &pos, "AD");
  }
  if (pos != s.size()) return BadSyntax(type, text);
  if (bc) {
    if (year == 0) return FieldOutOfRange(text);
    year = 1 - year;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<int>(month)) ||
      hour > 24 || minute > 59 || second > 60 ||
      (hour == 24 && (minute != 0 || second != 0 || micros != 0))) {
    return FieldOutOfRange(text);
  }
  if (hour == 24) {
    p.extra_micros += kMicrosPerDay;
    hour = 0;
  }
  if (second == 60) {
    p.extra_micros += kMicrosPerMinute;
    second = 0;
  }
  if (round_up) p.extra_micros += 1;
  p.civil.year = year;
  p.civil.month = static_cast<int>(month);
  p.civil.day = static_cast<int>(day);
  p.civil.hour = static_cast<int>(hour);
  p.civil.minute = static_cast<int>(minute);
  p.civil.second = static_cast<int>(second);
  p.civil.micros = static_cast<int>(micros);
  return p;
}

}  // namespace

Result<int64_t> ParseTimestampText(std::string_view text) {
  ARK_ASSIGN_OR_RETURN(ParsedDateTime p, ParseDateTime(text, "timestamp"));
  ARK_ASSIGN_OR_RETURN(int64_t ts, FromCivil(p.civil));
  int64_t adjust = p.extra_micros - p.zone_offset_secs * kMicrosPerSecond;
  if (__builtin_add_overflow(ts, adjust, &ts)) return TimestampOutOfRange();
  return ts;
}

Result<int32_t> ParseDateText(std::string_view text) {
  ARK_ASSIGN_OR_RETURN(ParsedDateTime p, ParseDateTime(text, "date"));
  const int64_t days = DaysFromCivil(p.civil.year, static_cast<unsigned>(p.civil.month),
                                     static_cast<unsigned>(p.civil.day));
  if (days > std::numeric_limits<int32_t>::max() || days < std::numeric_limits<int32_t>::min()) {
    return Status::OutOfRange("date out of range: \"{}\"", text);
  }
  return static_cast<int32_t>(days);
}

// ---------------------------------------------------------------------------------------------
// Interval input

namespace {

enum class IntervalUnit {
  kNone,
  kMicro,
  kMilli,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kYear,
  kDecade,
  kCentury,
  kMillennium
};

IntervalUnit UnitFromWord(std::string_view w) {
  std::string s;
  for (char c : w) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  struct Entry {
    std::string_view name;
    IntervalUnit unit;
  };
  static constexpr Entry kUnits[] = {
      {"microsecond", IntervalUnit::kMicro},
      {"microseconds", IntervalUnit::kMicro},
      {"us", IntervalUnit::kMicro},
      {"usec", IntervalUnit::kMicro},
      {"usecs", IntervalUnit::kMicro},
      {"millisecond", IntervalUnit::kMilli},
      {"milliseconds", IntervalUnit::kMilli},
      {"ms", IntervalUnit::kMilli},
      {"msec", IntervalUnit::kMilli},
      {"msecs", IntervalUnit::kMilli},
      {"second", IntervalUnit::kSecond},
      {"seconds", IntervalUnit::kSecond},
      {"s", IntervalUnit::kSecond},
      {"sec", IntervalUnit::kSecond},
      {"secs", IntervalUnit::kSecond},
      {"minute", IntervalUnit::kMinute},
      {"minutes", IntervalUnit::kMinute},
      {"m", IntervalUnit::kMinute},
      {"min", IntervalUnit::kMinute},
      {"mins", IntervalUnit::kMinute},
      {"hour", IntervalUnit::kHour},
      {"hours", IntervalUnit::kHour},
      {"h", IntervalUnit::kHour},
      {"hr", IntervalUnit::kHour},
      {"hrs", IntervalUnit::kHour},
      {"day", IntervalUnit::kDay},
      {"days", IntervalUnit::kDay},
      {"d", IntervalUnit::kDay},
      {"week", IntervalUnit::kWeek},
      {"weeks", IntervalUnit::kWeek},
      {"w", IntervalUnit::kWeek},
      {"month", IntervalUnit::kMonth},
      {"months", IntervalUnit::kMonth},
      {"mon", IntervalUnit::kMonth},
      {"mons", IntervalUnit::kMonth},
      {"year", IntervalUnit::kYear},
      {"years", IntervalUnit::kYear},
      {"y", IntervalUnit::kYear},
      {"yr", IntervalUnit::kYear},
      {"yrs", IntervalUnit::kYear},
      {"decade", IntervalUnit::kDecade},
      {"decades", IntervalUnit::kDecade},
      {"century", IntervalUnit::kCentury},
      {"centuries", IntervalUnit::kCentury},
      {"millennium", IntervalUnit::kMillennium},
      {"millennia", IntervalUnit::kMillennium},
      {"millenniums", IntervalUnit::kMillennium},
  };
  for (const Entry& e : kUnits) {
    if (e.name == s) return e.unit;
  }
  return IntervalUnit::kNone;
}

// Accumulates an interval with 128-bit intermediate fields, checked at the end.
struct IntervalAcc {
  __int128 months = 0;
  __int128 days = 0;
  __int128 nanos = 0;

  // Adds `whole + frac` (same sign) units.
  void Add(IntervalUnit unit, int64_t whole, double frac) {
    auto add_months = [&](int64_t per) {
      months += static_cast<__int128>(whole) * per;
      const double fm = frac * static_cast<double>(per);
      const double wm = std::trunc(fm);
      months += static_cast<__int128>(wm);
      const double fd = (fm - wm) * 30;
      const double wd = std::trunc(fd);
      days += static_cast<__int128>(wd);
      nanos += RoundMicros((fd - wd) * static_cast<double>(kNanosPerDay));
    };
    auto add_days = [&](int64_t per) {
      days += static_cast<__int128>(whole) * per;
      const double fd = frac * static_cast<double>(per);
      const double wd = std::trunc(fd);
      days += static_cast<__int128>(wd);
      nanos += RoundMicros((fd - wd) * static_cast<double>(kNanosPerDay));
    };
    auto add_nanos = [&](int64_t per) {
      nanos += static_cast<__int128>(whole) * per;
      nanos += RoundMicros(frac * static_cast<double>(per));
    };
    switch (unit) {
      case IntervalUnit::kMicro:
        add_nanos(kNanosPerMicro);
        break;
      case IntervalUnit::kMilli:
        add_nanos(1000 * kNanosPerMicro);
        break;
      case IntervalUnit::kSecond:
        add_nanos(kMicrosPerSecond * kNanosPerMicro);
        break;
      case IntervalUnit::kMinute:
        add_nanos(kMicrosPerMinute * kNanosPerMicro);
        break;
      case IntervalUnit::kHour:
        add_nanos(kMicrosPerHour * kNanosPerMicro);
        break;
      case IntervalUnit::kDay:
        add_days(1);
        break;
      case IntervalUnit::kWeek:
        add_days(7);
        break;
      case IntervalUnit::kMonth:
        add_months(1);
        break;
      case IntervalUnit::kYear:
        add_months(12);
        break;
      case IntervalUnit::kDecade:
        add_months(120);
        break;
      case IntervalUnit::kCentury:
        add_months(1200);
        break;
      case IntervalUnit::kMillennium:
        add_months(12000);
        break;
      case IntervalUnit::kNone:
        break;
    }
  }

  static __int128 RoundMicros(double nanos) {
    return static_cast<__int128>(std::llround(nanos / kNanosPerMicro)) * kNanosPerMicro;
  }

  Result<IntervalValue> Finish(bool negate) const {
    __int128 m = negate ? -months : months, d = negate ? -days : days, n = negate ? -nanos : nanos;
    if (m > std::numeric_limits<int32_t>::max() || m < std::numeric_limits<int32_t>::min() ||
        d > std::numeric_limits<int32_t>::max() || d < std::numeric_limits<int32_t>::min() ||
        n > std::numeric_limits<int64_t>::max() || n < std::numeric_limits<int64_t>::min()) {
      return IntervalOutOfRange();
    }
    return IntervalValue{static_cast<int32_t>(m), static_cast<int32_t>(d), static_cast<int64_t>(n)};
  }
};

// A signed decimal number: integer part and fraction (same sign).
bool ReadNumber(std::string_view s, size_t* pos, int64_t* whole, double* frac) {
  size_t p = *pos;
  bool neg = false;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    neg = s[p] == '-';
    ++p;
  }
  int64_t w = 0;
  int int_digits = 0;
  while (p < s.size() && IsDigit(s[p])) {
    if (__builtin_mul_overflow(w, 10, &w) || __builtin_add_overflow(w, s[p] - '0', &w)) {
      return false;
    }
    ++p;
    ++int_digits;
  }
  double f = 0;
  int frac_digits = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    double scale = 0.1;
    while (p < s.size() && IsDigit(s[p])) {
      f += (s[p] - '0') * scale;
      scale /= 10;
      ++p;
      ++frac_digits;
    }
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  *whole = neg ? -w : w;
  *frac = neg ? -f : f;
  *pos = p;
  return true;
}

// "HH:MM[:SS[.ffffff]]" (or "MM:SS[.ffffff]" when `minutes_first`), with an optional sign.
bool ReadTimeOfDay(std::string_view s, size_t* pos, bool minutes_first, __int128* nanos) {
  size_t p = *pos;
  bool neg = false;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    neg = s[p] == '-';
    ++p;
  }
  int64_t a, b, c = 0;
  if (!ReadDigits(s, &p, 1, 18, &a) || p >= s.size() || s[p] != ':') return false;
  ++p;
  if (!ReadDigits(s, &p, 1, 2, &b)) return false;
  bool has_seconds = false;
  if (p < s.size() && s[p] == ':') {
    ++p;
    if (!ReadDigits(s, &p, 1, 2, &c)) return false;
    has_seconds = true;
  }
  __int128 micros_frac = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    int digits = 0;
    int64_t f = 0;
    bool round_up = false;
    while (p < s.size() && IsDigit(s[p])) {
      if (digits < 6) {
        f = f * 10 + (s[p] - '0');
      } else if (digits == 6) {
        round_up = s[p] >= '5';
      }
      ++digits;
      ++p;
    }
    for (int d = digits; d < 6; ++d) f *= 10;
    micros_frac = f + (round_up ? 1 : 0);
  }
  if (b > 59 || c > 59) return false;
  __int128 total;
  if (minutes_first && !has_seconds) {
    total = (static_cast<__int128>(a) * 60 + b) * kMicrosPerSecond;
  } else {
    total = ((static_cast<__int128>(a) * 60 + b) * 60 + c) * kMicrosPerSecond;
  }
  total = (total + micros_frac) * kNanosPerMicro;
  *nanos = neg ? -total : total;
  *pos = p;
  return true;
}

Result<IntervalValue> ParseIso8601Interval(std::string_view s, std::string_view text) {
  size_t pos = 0;
  bool negate = false;
  if (s[pos] == '-') {
    negate = true;
    ++pos;
  }
  if (pos >= s.size() || (s[pos] != 'P' && s[pos] != 'p')) return BadSyntax("interval", text);
  ++pos;
  IntervalAcc acc;
  bool time_part = false;
  bool any = false;
  while (pos < s.size()) {
    if (s[pos] == 'T' || s[pos] == 't') {
      if (time_part) return BadSyntax("interval", text);
      time_part = true;
      ++pos;
      continue;
    }
    int64_t whole;
    double frac;
    if (!ReadNumber(s, &pos, &whole, &frac) || pos >= s.size()) {
      return BadSyntax("interval", text);
    }
    const char designator = static_cast<char>(std::toupper(static_cast<unsigned char>(s[pos++])));
    IntervalUnit unit = IntervalUnit::kNone;
    if (!time_part) {
      if (designator == 'Y') unit = IntervalUnit::kYear;
      if (designator == 'M') unit = IntervalUnit::kMonth;
      if (designator == 'W') unit = IntervalUnit::kWeek;
      if (designator == 'D') unit = IntervalUnit::kDay;
    } else {
      if (designator == 'H') unit = IntervalUnit::kHour;
      if (designator == 'M') unit = IntervalUnit::kMinute;
      if (designator == 'S') unit = IntervalUnit::kSecond;
    }
    if (unit == IntervalUnit::kNone) return BadSyntax("interval", text);
    acc.Add(unit, whole, frac);
    any = true;
  }
  if (!any) return BadSyntax("interval", text);
  return acc.Finish(negate);
}

}  // namespace

Result<IntervalValue> ParseIntervalText(std::string_view text, std::string_view qualifier) {
  std::string_view s = Trim(text);
  if (s.empty()) return BadSyntax("interval", text);
  if (s[0] == 'P' || s[0] == 'p' || (s.size() > 1 && s[0] == '-' && (s[1] == 'P' || s[1] == 'p'))) {
    return ParseIso8601Interval(s, text);
  }
  // The qualifier: "second", "day to second", ... The last field is the unit of a bare number.
  std::string q;
  for (char c : Trim(qualifier))
    q += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  IntervalUnit bare_unit = IntervalUnit::kSecond;
  bool minutes_first = false;
  if (!q.empty()) {
    const size_t last_space = q.rfind(' ');
    const std::string last = last_space == std::string::npos ? q : q.substr(last_space + 1);
    bare_unit = UnitFromWord(last);
    if (bare_unit == IntervalUnit::kNone) {
      return Status::InvalidArgument("invalid interval qualifier \"{}\"", qualifier);
    }
    minutes_first = q == "minute to second";
  }
  // SQL standard year-month literal: '1-2' (1 year 2 months).
  {
    size_t pos = 0;
    bool neg = false;
    if (s[0] == '-' || s[0] == '+') {
      neg = s[0] == '-';
      ++pos;
    }
    int64_t y, m;
    if (ReadDigits(s, &pos, 1, 9, &y) && pos < s.size() && s[pos] == '-') {
      ++pos;
      if (ReadDigits(s, &pos, 1, 2, &m) && pos == s.size() && m < 12) {
        IntervalAcc acc;
        acc.months = static_cast<__int128>(y) * 12 + m;
        return acc.Finish(neg);
      }
    }
  }
  IntervalAcc acc;
  size_t pos = 0;
  bool any = false;
  bool ago = false;
  while (true) {
    SkipSpaces(s, &pos);
    if (pos >= s.size()) break;
    if (s[pos] == '@') {
      ++pos;
      continue;
    }
    if (ago) return BadSyntax("interval", text);  // "ago" must come last
    // A time of day: [+-]H:MM[:SS[.f]].
    {
      size_t p = pos;
      __int128 nanos;
      if (ReadTimeOfDay(s, &p, minutes_first, &nanos) &&
          (p == s.size() || std::isspace(static_cast<unsigned char>(s[p])))) {
        acc.nanos += nanos;
        pos = p;
        any = true;
        continue;
      }
    }
    if (std::isalpha(static_cast<unsigned char>(s[pos]))) {
      size_t start = pos;
      while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) ++pos;
      if (IEquals(s.substr(start, pos - start), "ago") && any) {
        ago = true;
        continue;
      }
      return BadSyntax("interval", text);
    }
    int64_t whole;
    double frac;
    if (!ReadNumber(s, &pos, &whole, &frac)) return BadSyntax("interval", text);
    SkipSpaces(s, &pos);
    size_t start = pos;
    while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) ++pos;
    IntervalUnit unit = bare_unit;
    if (pos == start) {
      // '1 02:00:00': a bare number before a time of day counts days (PostgreSQL).
      size_t p = pos;
      __int128 ignored;
      if (ReadTimeOfDay(s, &p, minutes_first, &ignored)) unit = IntervalUnit::kDay;
    }
    if (pos > start) {
      std::string_view word = s.substr(start, pos - start);
      if (IEquals(word, "ago")) {
        pos = start;  // handled by the next round
      } else {
        unit = UnitFromWord(word);
        if (unit == IntervalUnit::kNone) return BadSyntax("interval", text);
      }
    }
    acc.Add(unit, whole, frac);
    any = true;
  }
  if (!any) return BadSyntax("interval", text);
  return acc.Finish(ago);
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

Result<int64_t> AddInterval(int64_t ts, const IntervalValue& iv) {
  int64_t result = ts;
  if (iv.months != 0) {
    const int64_t days = TimestampDays(ts);
    const int64_t tod = ts - days * kMicrosPerDay;
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    const int64_t total = y * 12 + (m - 1) + iv.months;
    const int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
    const int nm = static_cast<int>(total - ny * 12) + 1;
    const int nd = std::min(static_cast<int>(d), DaysInMonth(ny, nm));
    if (ny > 300000 || ny < -300000) return TimestampOutOfRange();
    ARK_ASSIGN_OR_RETURN(
        result,
        DaysToMicros(DaysFromCivil(ny, static_cast<unsigned>(nm), static_cast<unsigned>(nd)), tod));
  }
  int64_t day_micros;
  if (__builtin_mul_overflow(static_cast<int64_t>(iv.days), kMicrosPerDay, &day_micros) ||
      __builtin_add_overflow(result, day_micros, &result) ||
      __builtin_add_overflow(result, iv.nanos / kNanosPerMicro, &result)) {
    return TimestampOutOfRange();
  }
  return result;
}

Result<IntervalValue> NegateInterval(const IntervalValue& iv) {
  if (iv.months == std::numeric_limits<int32_t>::min() ||
      iv.days == std::numeric_limits<int32_t>::min() ||
      iv.nanos == std::numeric_limits<int64_t>::min()) {
    return IntervalOutOfRange();
  }
  return IntervalValue{-iv.months, -iv.days, -iv.nanos};
}

Result<IntervalValue> AddIntervals(const IntervalValue& a, const IntervalValue& b) {
  IntervalValue r;
  if (__builtin_add_overflow(a.months, b.months, &r.months) ||
      __builtin_add_overflow(a.days, b.days, &r.days) ||
      __builtin_add_overflow(a.nanos, b.nanos, &r.nanos)) {
    return IntervalOutOfRange();
  }
  return r;
}

Result<IntervalValue> MultiplyInterval(const IntervalValue& iv, double factor) {
  if (std::isnan(factor) || std::isinf(factor)) return IntervalOutOfRange();
  const double months = iv.months * factor;
  const double days = iv.days * factor;
  if (std::fabs(months) >= 2147483648.0 || std::fabs(days) >= 2147483648.0) {
    return IntervalOutOfRange();
  }
  IntervalValue r;
  r.months = static_cast<int32_t>(months);
  r.days = static_cast<int32_t>(days);
  // Fractions cascade down: months → days (30 per month), days → nanoseconds.
  double month_rem_days = (months - r.months) * 30;
  month_rem_days = std::round(month_rem_days * 1e6) / 1e6;
  double rem_secs = (days - r.days + month_rem_days - std::trunc(month_rem_days)) * 86400;
  rem_secs = std::round(rem_secs * 1e6) / 1e6;
  int64_t extra_days = static_cast<int64_t>(month_rem_days);
  if (std::fabs(rem_secs) >= 86400) {
    const int64_t carry = static_cast<int64_t>(rem_secs / 86400);
    extra_days += carry;
    rem_secs -= static_cast<double>(carry) * 86400;
  }
  const int64_t new_days = static_cast<int64_t>(r.days) + extra_days;
  const double nanos = std::round(static_cast<double>(iv.nanos) * factor + rem_secs * 1e9);
  if (new_days > std::numeric_limits<int32_t>::max() ||
      new_days < std::numeric_limits<int32_t>::min() || std::fabs(nanos) >= 9.2e18) {
    return IntervalOutOfRange();
  }
  r.days = static_cast<int32_t>(new_days);
  r.nanos = static_cast<int64_t>(nanos);
  return r;
}

Result<IntervalValue> TimestampDifference(int64_t a, int64_t b) {
  int64_t diff;
  if (__builtin_sub_overflow(a, b, &diff)) return IntervalOutOfRange();
  const int64_t days = diff / kMicrosPerDay;
  const int64_t rem = diff % kMicrosPerDay;
  if (days > std::numeric_limits<int32_t>::max() || days < std::numeric_limits<int32_t>::min()) {
    return IntervalOutOfRange();
  }
  return IntervalValue{0, static_cast<int32_t>(days), rem * kNanosPerMicro};
}

int64_t IntervalMicros(const IntervalValue& v) {
  const __int128 micros = IntervalSpan(v) / kNanosPerMicro;
  if (micros > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (micros < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(micros);
}

}  // namespace ark::sql
