#include "base/strings.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace ark {

size_t EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance: a swap of two adjacent characters costs 1, as typos do.
  const size_t n = a.size(), m = b.size();
  std::vector<size_t> d((n + 1) * (m + 1));
  auto at = [&](size_t i, size_t j) -> size_t& { return d[i * (m + 1) + j]; };
  for (size_t i = 0; i <= n; ++i) at(i, 0) = i;
  for (size_t j = 0; j <= m; ++j) at(0, j) = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(n, m);
}

std::optional<std::string> ClosestMatch(std::string_view word,
                                        std::span<const std::string> candidates) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  std::string w = lower(word);
  size_t best = SIZE_MAX;
  const std::string* best_candidate = nullptr;
  for (const auto& c : candidates) {
    size_t d = EditDistance(w, lower(c));
    if (d < best) {
      best = d;
      best_candidate = &c;
    }
  }
  size_t limit = std::max<size_t>(1, word.size() / 3);
  if (best_candidate == nullptr || best > limit) return std::nullopt;
  return *best_candidate;
}

std::string DidYouMean(std::string_view word, std::span<const std::string> candidates) {
  auto m = ClosestMatch(word, candidates);
  if (!m) return "";
  return fmt::format(" (did you mean \"{}\"?)", *m);
}

std::string JoinStrings(std::span<const std::string> parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace ark
