// Time helpers: the engine's timestamps are microseconds since the Unix epoch, UTC (DESIGN §2).
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ark {

// Microseconds since 1970-01-01T00:00:00Z, from the system (wall) clock.
int64_t NowMicros();

// Steady-clock microseconds, for measuring elapsed time.
int64_t MonotonicMicros();

// "2024-05-01T12:00:00.123456Z" (fraction omitted when zero).
std::string FormatTimestampMicros(int64_t micros);

// "2024-05-01" from days since the epoch.
std::string FormatDate(int32_t days);

// Parses RFC 3339 / ISO 8601 ("2024-05-01T12:00:00Z", "2024-05-01 12:00:00.5+02:00",
// "2024-05-01") into microseconds since the epoch, UTC. A missing zone means UTC.
Result<int64_t> ParseTimestampMicros(std::string_view text);

// Parses "2024-05-01" into days since the epoch.
Result<int32_t> ParseDate(std::string_view text);

// Days since the epoch for a proleptic Gregorian civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

}  // namespace ark
