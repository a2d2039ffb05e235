// Parsing and printing of human-written quantities: durations ("500ms", "1m30s", "2h") and byte
// sizes ("64MiB", "1GB", "4096").
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ark {

// Accepts a sequence of <number><unit> with units ns, us (or µs), ms, s, m, h, d; a bare number is
// read as milliseconds when `bare_unit_ms` is true (ArkFlow's *_ms options), otherwise rejected.
// Fractions are allowed ("1.5s").
Result<std::chrono::nanoseconds> ParseDuration(std::string_view text, bool bare_unit_ms = false);

// "1.5s", "250ms", "2m", "1h30m".
std::string FormatDuration(std::chrono::nanoseconds d);

// Accepts <number>[unit] with units B, KB, MB, GB, TB (powers of 1000), KiB, MiB, GiB, TiB (powers
// of 1024), K/M/G (powers of 1024, as in many tools); a bare number is bytes.
Result<uint64_t> ParseByteSize(std::string_view text);

// "64.0 MiB", "512 B".
std::string FormatByteSize(uint64_t bytes);

}  // namespace ark
