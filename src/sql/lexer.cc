#include "sql/lexer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <utility>

#include "sql/sql_error.h"

namespace ark::sql {

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "end";
    case TokenKind::kIdentifier:
      return "identifier";
    case TokenKind::kQuotedIdentifier:
      return "quoted identifier";
    case TokenKind::kKeyword:
      return "keyword";
    case TokenKind::kInteger:
      return "integer";
    case TokenKind::kFloat:
      return "float";
    case TokenKind::kString:
      return "string";
    case TokenKind::kParameter:
      return "parameter";
    case TokenKind::kOperator:
      return "operator";
  }
  return "?";
}

namespace {

struct KeywordEntry {
  std::string_view word;
  KeywordClass cls;
};

constexpr KeywordClass R = KeywordClass::kReserved;
constexpr KeywordClass T = KeywordClass::kTypeFunc;
constexpr KeywordClass U = KeywordClass::kUnreserved;

// Sorted by word (checked at compile time below).
constexpr std::array kKeywords = {
    KeywordEntry{"all", R},
    KeywordEntry{"analyse", U},
    KeywordEntry{"analyze", U},
    KeywordEntry{"and", R},
    KeywordEntry{"anti", U},
    KeywordEntry{"any", R},
    KeywordEntry{"array", R},
    KeywordEntry{"as", R},
    KeywordEntry{"asc", R},
    KeywordEntry{"between", U},
    KeywordEntry{"both", R},
    KeywordEntry{"by", U},
    KeywordEntry{"case", R},
    KeywordEntry{"cast", R},
    KeywordEntry{"check", R},
    KeywordEntry{"collate", R},
    KeywordEntry{"constraint", R},
    KeywordEntry{"create", R},
    KeywordEntry{"cross", T},
    KeywordEntry{"current", U},
    KeywordEntry{"current_date", R},
    KeywordEntry{"current_time", R},
    KeywordEntry{"current_timestamp", R},
    KeywordEntry{"default", R},
    KeywordEntry{"desc", R},
    KeywordEntry{"descriptor", U},
    KeywordEntry{"distinct", R},
    KeywordEntry{"do", R},
    KeywordEntry{"else", R},
    KeywordEntry{"end", R},
    KeywordEntry{"escape", U},
    KeywordEntry{"except", R},
    KeywordEntry{"exclude", U},
    KeywordEntry{"exists", U},
    KeywordEntry{"explain", U},
    KeywordEntry{"extract", U},
    KeywordEntry{"false", R},
    KeywordEntry{"fetch", R},
    KeywordEntry{"filter", U},
    KeywordEntry{"first", U},
    KeywordEntry{"following", U},
    KeywordEntry{"for", R},
    KeywordEntry{"foreign", R},
    KeywordEntry{"from", R},
    KeywordEntry{"full", T},
    KeywordEntry{"grant", R},
    KeywordEntry{"group", R},
    KeywordEntry{"groups", U},
    KeywordEntry{"having", R},
    KeywordEntry{"ignore", U},
    KeywordEntry{"ilike", T},
    KeywordEntry{"in", R},
    KeywordEntry{"inner", T},
    KeywordEntry{"intersect", R},
    KeywordEntry{"interval", U},
    KeywordEntry{"into", R},
    KeywordEntry{"is", T},
    KeywordEntry{"isnull", T},
    KeywordEntry{"join", T},
    KeywordEntry{"last", U},
    KeywordEntry{"lateral", R},
    KeywordEntry{"leading", R},
    KeywordEntry{"left", T},
    KeywordEntry{"like", T},
    KeywordEntry{"limit", R},
    KeywordEntry{"localtime", R},
    KeywordEntry{"localtimestamp", R},
    KeywordEntry{"materialized", U},
    KeywordEntry{"natural", T},
    KeywordEntry{"next", U},
    KeywordEntry{"not", R},
    KeywordEntry{"notnull", T},
    KeywordEntry{"null", R},
    KeywordEntry{"nulls", U},
    KeywordEntry{"of", U},
    KeywordEntry{"offset", R},
    KeywordEntry{"on", R},
    KeywordEntry{"only", R},
    KeywordEntry{"or", R},
    KeywordEntry{"order", R},
    KeywordEntry{"outer", T},
    KeywordEntry{"over", U},
    KeywordEntry{"partition", U},
    KeywordEntry{"position", U},
    KeywordEntry{"preceding", U},
    KeywordEntry{"primary", R},
    KeywordEntry{"qualify", U},
    KeywordEntry{"range", U},
    KeywordEntry{"recursive", U},
    KeywordEntry{"references", R},
    KeywordEntry{"respect", U},
    KeywordEntry{"returning", R},
    KeywordEntry{"right", T},
    KeywordEntry{"row", U},
    KeywordEntry{"rows", U},
    KeywordEntry{"select", R},
    KeywordEntry{"semi", U},
    KeywordEntry{"similar", T},
    KeywordEntry{"some", R},
    KeywordEntry{"substring", U},
    KeywordEntry{"symmetric", R},
    KeywordEntry{"system_time", U},
    KeywordEntry{"table", R},
    KeywordEntry{"then", R},
    KeywordEntry{"ties", U},
    KeywordEntry{"to", R},
    KeywordEntry{"trailing", R},
    KeywordEntry{"trim", U},
    KeywordEntry{"true", R},
    KeywordEntry{"try_cast", U},
    KeywordEntry{"unbounded", U},
    KeywordEntry{"union", R},
    KeywordEntry{"unique", R},
    KeywordEntry{"unknown", U},
    KeywordEntry{"using", R},
    KeywordEntry{"values", U},
    KeywordEntry{"verbose", U},
    KeywordEntry{"when", R},
    KeywordEntry{"where", R},
    KeywordEntry{"window", U},
    KeywordEntry{"with", R},
    KeywordEntry{"within", U},
    KeywordEntry{"without", U},
};

static_assert(std::is_sorted(kKeywords.begin(), kKeywords.end(),
                             [](const KeywordEntry& a, const KeywordEntry& b) {
                               return a.word < b.word;
                             }),
              "kKeywords must be sorted for the binary search in LookupKeyword");

bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(unsigned char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// Letters, '_' and every byte of a multi-byte UTF-8 character start a word.
bool IsWordStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsWordChar(unsigned char c) { return IsWordStart(c) || IsDigit(c) || c == '$'; }
int HexValue(unsigned char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// The length of the valid UTF-8 sequence at s[i], or 0 when it is not valid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  Result<std::vector<Token>> Run() {
    ARK_RETURN_IF_ERROR(CheckUtf8());
    std::vector<Token> tokens;
    while (true) {
      ARK_RETURN_IF_ERROR(SkipSpaceAndComments());
      if (pos_ >= sql_.size()) break;
      Token token;
      ARK_RETURN_IF_ERROR(Next(token));
      last_end_ = pos_;
      last_end_line_ = line_;
      last_end_line_start_ = line_start_;
      tokens.push_back(std::move(token));
    }
    Token end;
    end.kind = TokenKind::kEnd;
    end.loc = LocationAt(last_end_, last_end_line_, last_end_line_start_, 0);
    tokens.push_back(std::move(end));
    return tokens;
  }

 private:
  unsigned char At(size_t i) const {
    return i < sql_.size() ? static_cast<unsigned char>(sql_[i]) : 0;
  }

  SourceLocation LocationAt(size_t offset, int line, size_t line_start, size_t length) const {
    SourceLocation loc;
    loc.line = line;
    loc.column = static_cast<int>(offset - line_start) + 1;
    loc.offset = static_cast<int32_t>(offset);
    loc.length = static_cast<int32_t>(length);
    return loc;
  }

  // Advances over sql_[pos_], keeping the line count.
  void Advance() {
    if (sql_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  Status ErrorAt(size_t offset, int line, size_t line_start, size_t length,
                 std::string_view message) const {
    return SqlError(StatusCode::kParseError, sql_, LocationAt(offset, line, line_start, length),
                    message);
  }
  // An error at the token that starts at start_ (recorded by Next()).
  Status TokenError(std::string_view message, size_t length = 1) const {
    return ErrorAt(start_, start_line_, start_line_start_, length, message);
  }

  Status CheckUtf8() const {
    int line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < sql_.size();) {
      unsigned char c = At(i);
      if (c < 0x80) {
        if (c == '\n') {
          ++line;
          line_start = i + 1;
        }
        ++i;
        continue;
      }
      size_t n = Utf8SequenceLength(sql_, i);
      if (n == 0) {
        return ErrorAt(i, line, line_start, 1, "invalid UTF-8 byte sequence");
      }
      i += n;
    }
    return Status::OK();
  }

  Status SkipSpaceAndComments() {
    while (pos_ < sql_.size()) {
      unsigned char c = At(pos_);
      if (IsSpace(c)) {
        Advance();
      } else if (c == '-' && At(pos_ + 1) == '-') {
        while (pos_ < sql_.size() && sql_[pos_] != '\n') ++pos_;
      } else if (c == '/' && At(pos_ + 1) == '*') {
        size_t start = pos_;
        int start_line = line_;
        size_t start_line_start = line_start_;
        int depth = 0;
        while (true) {
          if (pos_ >= sql_.size()) {
            return ErrorAt(start, start_line, start_line_start, 2, "unterminated /* comment");
          }
          if (At(pos_) == '/' && At(pos_ + 1) == '*') {
            ++depth;
            pos_ += 2;
          } else if (At(pos_) == '*' && At(pos_ + 1) == '/') {
            pos_ += 2;
            if (--depth == 0) break;
          } else {
            Advance();
          }
        }
      } else {
        break;
      }
    }
    return Status::OK();
  }

  Status Next(Token& token) {
    start_ = pos_;
    start_line_ = line_;
    start_line_start_ = line_start_;
    unsigned char c = At(pos_);
    unsigned char c1 = At(pos_ + 1);
    if ((c == 'e' || c == 'E') && c1 == '\'') {
      ++pos_;
      ARK_RETURN_IF_ERROR(LexQuotedString(token, /*escapes=*/true));
    } else if (IsWordStart(c)) {
      LexWord(token);
    } else if (IsDigit(c) || (c == '.' && IsDigit(c1))) {
      ARK_RETURN_IF_ERROR(LexNumber(token));
    } else if (c == '\'') {
      ARK_RETURN_IF_ERROR(LexQuotedString(token, /*escapes=*/false));
    } else if (c == '"') {
      ARK_RETURN_IF_ERROR(LexQuotedIdentifier(token));
    } else if (c == '$') {
      ARK_RETURN_IF_ERROR(LexDollar(token));
    } else {
      ARK_RETURN_IF_ERROR(LexOperator(token));
    }
    token.raw = sql_.substr(start_, pos_ - start_);
    token.loc = LocationAt(start_, start_line_, start_line_start_, pos_ - start_);
    return Status::OK();
  }

  void LexWord(Token& token) {
    while (pos_ < sql_.size() && IsWordChar(At(pos_))) ++pos_;
    std::string word(sql_.substr(start_, pos_ - start_));
    for (char& ch : word) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    token.kind =
        LookupKeyword(word) == KeywordClass::kNone ? TokenKind::kIdentifier : TokenKind::kKeyword;
    token.text = std::move(word);
  }

  Status LexNumber(Token& token) {
    if (At(pos_) == '0' && (At(pos_ + 1) == 'x' || At(pos_ + 1) == 'X') &&
        IsHexDigit(At(pos_ + 2))) {
      pos_ += 2;
      uint64_t value = 0;
      bool overflow = false;
      while (IsHexDigit(At(pos_))) {
        if (value > (uint64_t{INT64_MAX} >> 4)) overflow = true;
        value = (value << 4) | static_cast<uint64_t>(HexValue(At(pos_)));
        ++pos_;
      }
      if (IsWordChar(At(pos_))) return TrailingJunk();
      if (overflow || value > uint64_t{INT64_MAX}) {
        return TokenError("hexadecimal integer literal out of range", pos_ - start_);
      }
      token.kind = TokenKind::kInteger;
      token.text = std::to_string(value);
      return Status::OK();
    }
    bool is_float = false;
    while (IsDigit(At(pos_))) ++pos_;
    if (At(pos_) == '.' && At(pos_ + 1) != '.') {
      is_float = true;
      ++pos_;
      while (IsDigit(At(pos_))) ++pos_;
    }
    if (At(pos_) == 'e' || At(pos_) == 'E') {
      size_t exp = pos_ + 1;
      if (At(exp) == '+' || At(exp) == '-') ++exp;
      if (IsDigit(At(exp))) {
        is_float = true;
        pos_ = exp;
        while (IsDigit(At(pos_))) ++pos_;
      }
    }
    if (IsWordChar(At(pos_))) return TrailingJunk();
    token.kind = is_float ? TokenKind::kFloat : TokenKind::kInteger;
    token.text = std::string(sql_.substr(start_, pos_ - start_));
    return Status::OK();
  }

  Status TrailingJunk() {
    while (IsWordChar(At(pos_))) ++pos_;
    return TokenError("trailing junk after numeric literal", pos_ - start_);
  }

  // pos_ is at the opening quote. With `escapes`, backslash sequences are decoded (E'...').
  Status LexQuotedString(Token& token, bool escapes) {
    token.kind = TokenKind::kString;
    std::string& out = token.text;
    while (true) {
      ARK_RETURN_IF_ERROR(LexOneQuotedPart(out, escapes));
      // 'foo'
      // 'bar'  — continues the string when only whitespace with a newline separates them.
      size_t p = pos_;
      bool newline = false;
      while (p < sql_.size() && IsSpace(At(p))) {
        if (At(p) == '\n') newline = true;
        ++p;
      }
      if (!newline || At(p) != '\'') break;
      while (pos_ < p) Advance();
    }
    return Status::OK();
  }

  Status LexOneQuotedPart(std::string& out, bool escapes) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= sql_.size()) {
        return TokenError("unterminated string literal");
      }
      unsigned char c = At(pos_);
      if (c == '\'') {
        if (At(pos_ + 1) == '\'') {
          out.push_back('\'');
          pos_ += 2;
          continue;
        }
        ++pos_;
        return Status::OK();
      }
      if (c == '\\' && escapes) {
        ARK_RETURN_IF_ERROR(LexEscape(out));
        continue;
      }
      out.push_back(static_cast<char>(c));
      Advance();
    }
  }

  // pos_ is at a backslash inside E'...'.
  Status LexEscape(std::string& out) {
    size_t esc_start = pos_;
    int esc_line = line_;
    size_t esc_line_start = line_start_;
    ++pos_;
    if (pos_ >= sql_.size()) return TokenError("unterminated string literal");
    unsigned char c = At(pos_);
    auto escape_error = [&](std::string_view message) {
      return ErrorAt(esc_start, esc_line, esc_line_start, pos_ - esc_start, message);
    };
    switch (c) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'x': {
        int value = 0;
        int digits = 0;
        while (digits < 2 && IsHexDigit(At(pos_ + 1))) {
          value = value * 16 + HexValue(At(pos_ + 1));
          ++pos_;
          ++digits;
        }
        if (digits == 0) {
          ++pos_;
          return escape_error("invalid escape \\x: expected a hexadecimal digit");
        }
        ARK_RETURN_IF_ERROR(AppendEscapedByte(out, value, esc_start, esc_line, esc_line_start));
        break;
      }
      case 'u':
      case 'U': {
        int want = c == 'u' ? 4 : 8;
        uint32_t cp = 0;
        for (int i = 0; i < want; ++i) {
          if (!IsHexDigit(At(pos_ + 1))) {
            pos_ += 1;
            return escape_error(c == 'u' ? "invalid Unicode escape: expected \\u and 4 hex digits"
                                         : "invalid Unicode escape: expected \\U and 8 hex digits");
          }
          cp = cp * 16 + static_cast<uint32_t>(HexValue(At(pos_ + 1)));
          ++pos_;
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          ++pos_;
          return escape_error("invalid Unicode escape value");
        }
        AppendUtf8(out, cp);
        break;
      }
      default:
        if (c >= '0' && c <= '7') {
          int value = c - '0';
          int digits = 1;
          while (digits < 3 && At(pos_ + 1) >= '0' && At(pos_ + 1) <= '7') {
            value = value * 8 + (At(pos_ + 1) - '0');
            ++pos_;
            ++digits;
          }
          ARK_RETURN_IF_ERROR(
              AppendEscapedByte(out, value & 0xFF, esc_start, esc_line, esc_line_start));
        } else {
          // \\, \', \" and any other character stand for themselves (PostgreSQL).
          size_t n = Utf8SequenceLength(sql_, pos_);
          for (size_t i = 0; i < n; ++i) {
            out.push_back(sql_[pos_]);
            Advance();
          }
          return Status::OK();
        }
    }
    ++pos_;
    return Status::OK();
  }

  // A \x or octal escape: bytes ≥ 0x80 would make invalid UTF-8 on their own, so they are
  // rejected; NUL is rejected like PostgreSQL does.
  Status AppendEscapedByte(std::string& out, int value, size_t esc_start, int esc_line,
                           size_t esc_line_start) {
    if (value == 0 || value >= 0x80) {
      return ErrorAt(esc_start, esc_line, esc_line_start, pos_ + 1 - esc_start,
                     value == 0 ? "invalid escape: NUL is not allowed in a string"
                                : "invalid escape: byte value above 0x7F is not valid UTF-8 "
                                  "(use \\u)");
    }
    out.push_back(static_cast<char>(value));
    return Status::OK();
  }

  Status LexQuotedIdentifier(Token& token) {
    token.kind = TokenKind::kQuotedIdentifier;
    ++pos_;
    while (true) {
      if (pos_ >= sql_.size()) return TokenError("unterminated quoted identifier");
      unsigned char c = At(pos_);
      if (c == '"') {
        if (At(pos_ + 1) == '"') {
          token.text.push_back('"');
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      token.text.push_back(static_cast<char>(c));
      Advance();
    }
    if (token.text.empty()) return TokenError("zero-length quoted identifier", 2);
    return Status::OK();
  }

  // $1 parameters, $$...$$ and $tag$...$tag$ strings.
  Status LexDollar(Token& token) {
    if (IsDigit(At(pos_ + 1))) {
      ++pos_;
      while (IsDigit(At(pos_))) ++pos_;
      if (IsWordChar(At(pos_))) return TrailingJunk();
      std::string_view digits = sql_.substr(start_ + 1, pos_ - start_ - 1);
      int value = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec != std::errc() || value == 0) {
        return TokenError("invalid parameter number (expected $1 to $2147483647)", pos_ - start_);
      }
      (void)ptr;
      token.kind = TokenKind::kParameter;
      token.text = std::string(digits);
      return Status::OK();
    }
    // The tag: $$ or $name$ (name: a letter or '_' first, then letters, digits, '_').
    size_t p = pos_ + 1;
    if (IsWordStart(At(p)) && At(p) < 0x80) {
      while (p < sql_.size() && At(p) != '$' && IsWordChar(At(p)) && At(p) < 0x80) ++p;
    }
    if (At(p) != '$') {
      return TokenError("unexpected character '$'");
    }
    std::string_view tag = sql_.substr(pos_, p + 1 - pos_);
    size_t body = p + 1;
    size_t close = sql_.find(tag, body);
    if (close == std::string_view::npos) {
      return TokenError("unterminated dollar-quoted string", tag.size());
    }
    token.kind = TokenKind::kString;
    token.text = std::string(sql_.substr(body, close - body));
    while (pos_ < close + tag.size()) Advance();
    return Status::OK();
  }

  Status LexOperator(Token& token) {
    static constexpr std::string_view kOperators[] = {
        "->>", "!~*", "<>", "!=", "<=", ">=", "||", "::", "->", "!~", "~*", "+", "-", "*", "/",
        "%",   "^",   "=",  "<",  ">",  "~",  "[",  "]",  "(",  ")",  ",",  ".", ";", ":"};
    std::string_view rest = sql_.substr(pos_);
    for (std::string_view op : kOperators) {
      if (rest.substr(0, op.size()) == op) {
        token.kind = TokenKind::kOperator;
        token.text = std::string(op);
        pos_ += op.size();
        return Status::OK();
      }
    }
    unsigned char c = At(pos_);
    std::string message;
    if (c >= 0x20 && c < 0x7F) {
      message = fmt::format("unexpected character '{}'", static_cast<char>(c));
    } else {
      message = fmt::format("unexpected character U+{:04X}", static_cast<unsigned>(c));
    }
    return TokenError(message);
  }

  std::string_view sql_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  // Start of the token being lexed.
  size_t start_ = 0;
  int start_line_ = 1;
  size_t start_line_start_ = 0;
  // End of the last token (the location of kEnd).
  size_t last_end_ = 0;
  int last_end_line_ = 1;
  size_t last_end_line_start_ = 0;
};

}  // namespace

KeywordClass LookupKeyword(std::string_view lower_word) {
  auto it = std::lower_bound(kKeywords.begin(), kKeywords.end(), lower_word,
                             [](const KeywordEntry& e, std::string_view w) { return e.word < w; });
  if (it == kKeywords.end() || it->word != lower_word) return KeywordClass::kNone;
  return it->cls;
}

Result<std::vector<Token>> Tokenize(std::string_view sql) { return Lexer(sql).Run(); }

}  // namespace ark::sql
