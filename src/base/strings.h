// Small string helpers used for user-facing messages: edit distance and "did you mean".
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ark {

// Edit distance where insertions, deletions, substitutions and swaps of adjacent characters each
// cost 1 (optimal string alignment).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a plausible typo (distance at most
// max(1, len/3)), case-insensitively; nullopt otherwise.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        std::span<const std::string> candidates);

// " (did you mean \"x\"?)" or "" — ready to append to an error message.
std::string DidYouMean(std::string_view word, std::span<const std::string> candidates);

// "a, b, c"
std::string JoinStrings(std::span<const std::string> parts, std::string_view sep);

// `s` with ASCII letters lower-cased (SQL identifiers, file extensions); other bytes unchanged.
std::string AsciiLower(std::string_view s);

}  // namespace ark
