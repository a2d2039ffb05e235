#include "base/strings.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace ark {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
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

}  // namespace ark
