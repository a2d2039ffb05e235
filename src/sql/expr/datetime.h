// Date, timestamp and interval arithmetic, parsing and calendar helpers shared by casts
// (expr/cast.cc) and the date/time functions and operators (functions/scalar_*.cc).
//
// Timestamps are int64 microseconds since 1970-01-01 UTC, dates int32 days since then, intervals
// Arrow MONTH_DAY_NANO (months, days and nanoseconds kept apart, like PostgreSQL's interval, whose
// comparisons count a month as 30 days and a day as 24 hours).
//
// Parsing follows PostgreSQL's input syntax (a subset):
//   timestamp  '2024-05-01 12:00:00.5', '2024-05-01T12:00:00Z', '2024-05-01 12:00+02:00',
//              '2024-5-1', 'epoch'; a missing zone means UTC
//   date       '2024-05-01' (a time part is allowed and ignored)
//   interval   '1 day 02:00:00', '5 seconds', '1.5 hours', '2 years 3 mons', '-1 days +02:00:00',
//              '3 days ago', ISO 8601 'PT5S' / 'P1Y2M3DT4H5M6.5S', '1-2' (years-months), a bare
//              number in the unit of the qualifier (INTERVAL '5' MINUTE) or seconds
// Errors read like PostgreSQL's: invalid input syntax for type timestamp: "2024-13-01x".
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "core/types.h"

namespace ark::sql {

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
inline constexpr int64_t kNanosPerMicro = 1000;
inline constexpr int64_t kNanosPerDay = kMicrosPerDay * kNanosPerMicro;

// A timestamp broken into calendar fields (UTC).
struct CivilTime {
  int64_t year = 1970;
  int month = 1;   // 1..12
  int day = 1;     // 1..31
  int hour = 0;    // 0..23
  int minute = 0;  // 0..59
  int second = 0;  // 0..59
  int micros = 0;  // 0..999999
};

bool IsLeapYear(int64_t year);
int DaysInMonth(int64_t year, int month);

// Floor division of a timestamp into days and the microsecond of the day (>= 0).
inline int64_t TimestampDays(int64_t ts) {
  return ts >= 0 ? ts / kMicrosPerDay : -((-(ts + 1)) / kMicrosPerDay) - 1;
}
CivilTime ToCivil(int64_t ts);
// REQUIRES: fields in range. Overflow of the int64 range → "timestamp out of range".
Result<int64_t> FromCivil(const CivilTime& t);
// 0 = Sunday .. 6 = Saturday.
int DayOfWeek(int64_t days);

Result<int64_t> ParseTimestampText(std::string_view text);
Result<int32_t> ParseDateText(std::string_view text);
// `unit`: the interval qualifier written after the literal ("second", "day to second", ...) or
// empty.
Result<IntervalValue> ParseIntervalText(std::string_view text, std::string_view unit = {});

// Calendar arithmetic; errors "timestamp out of range", "date out of range",
// "interval out of range".
Result<int64_t> AddInterval(int64_t ts, const IntervalValue& iv);
Result<IntervalValue> NegateInterval(const IntervalValue& iv);
Result<IntervalValue> AddIntervals(const IntervalValue& a, const IntervalValue& b);
// PostgreSQL's interval * float: fractional months spill into days (30 per month), fractional
// days into time.
Result<IntervalValue> MultiplyInterval(const IntervalValue& iv, double factor);
// a - b as "days + time" (PostgreSQL justifies 24-hour chunks into days).
Result<IntervalValue> TimestampDifference(int64_t a, int64_t b);
// Nanoseconds of the interval with 30-day months (ordering and equality of intervals).
inline __int128 IntervalSpan(const IntervalValue& v) {
  return (static_cast<__int128>(v.months) * 30 + v.days) * kNanosPerDay + v.nanos;
}
// Whole microseconds of an interval (months as 30 days), saturating on overflow.
int64_t IntervalMicros(const IntervalValue& v);

}  // namespace ark::sql
