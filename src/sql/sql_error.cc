#include "sql/sql_error.h"

#include <algorithm>
#include <string>

namespace ark::sql {

namespace {

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string FormatSqlError(std::string_view sql, const SourceLocation& loc,
                           std::string_view message) {
  if (loc.line <= 0 || loc.column <= 0) return std::string(message);
  std::string out = fmt::format("{}:{}: {}", loc.line, loc.column, message);

  // Find line `loc.line` (1-based); lines end with '\n', a '\r' before it is not shown.
  size_t start = 0;
  for (int line = 1; line < loc.line; ++line) {
    size_t nl = sql.find('\n', start);
    if (nl == std::string_view::npos) return out;  // the location is not in this text
    start = nl + 1;
  }
  size_t end = sql.find('\n', start);
  if (end == std::string_view::npos) end = sql.size();
  std::string_view text = sql.substr(start, end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);

  // The caret sits under byte column-1 of the line (one past the end at most); the prefix keeps
  // tabs and counts a multi-byte character as one column so the caret lines up in a terminal.
  size_t caret_at = std::min(static_cast<size_t>(loc.column - 1), text.size());
  std::string prefix;
  for (size_t i = 0; i < caret_at; ++i) {
    char c = text[i];
    if (IsUtf8Continuation(c)) continue;
    prefix.push_back(c == '\t' ? '\t' : ' ');
  }
  size_t caret_end = std::min(caret_at + static_cast<size_t>(std::max(loc.length, 0)), text.size());
  size_t carets = 0;
  for (size_t i = caret_at; i < caret_end; ++i) {
    if (!IsUtf8Continuation(text[i])) ++carets;
  }
  carets = std::max<size_t>(carets, 1);

  out += "\n  ";
  out.append(text);
  out += "\n  ";
  out += prefix;
  out.append(carets, '^');
  return out;
}

Status SqlError(StatusCode code, std::string_view sql, const SourceLocation& loc,
                std::string_view message) {
  return Status(code, FormatSqlError(sql, loc, message));
}

}  // namespace ark::sql
