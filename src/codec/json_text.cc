#include "codec/json_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include <simdjson.h>

#include "base/status.h"
#include "base/time.h"

namespace ark::json_text {
namespace {

constexpr uint64_t kHighs = 0x8080808080808080ULL;

// For each byte: 0 = copy as is; otherwise the character after the backslash ('u' = \u00XX).
struct EscapeTable {
  char code[256];
  constexpr EscapeTable() : code() {
    for (int c = 0; c < 0x20; ++c) code[c] = 'u';
    code['\b'] = 'b';
    code['\f'] = 'f';
    code['\n'] = 'n';
    code['\r'] = 'r';
    code['\t'] = 't';
    code['"'] = '"';
    code['\\'] = '\\';
  }
};
constexpr EscapeTable kEscape;
constexpr char kHex[] = "0123456789abcdef";

inline char* EscapeByte(char* p, unsigned char c) {
  char e = kEscape.code[c];
  if (e == 0) {
    *p++ = static_cast<char>(c);
  } else if (e != 'u') {
    *p++ = '\\';
    *p++ = e;
  } else {
    std::memcpy(p, "\\u00", 4);
    p[4] = kHex[c >> 4];
    p[5] = kHex[c & 15];
    p += 6;
  }
  return p;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid (overlong forms,
// surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  size_t n = s.size() - i;
  auto cont = [&](size_t k) { return k < n && (b(k) & 0xC0) == 0x80; };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// The slow path for strings holding invalid UTF-8: each invalid byte becomes U+FFFD.
char* WriteEscapedRepairing(char* p, std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      std::memcpy(p, "\xEF\xBF\xBD", 3);
      p += 3;
      ++i;
    } else if (len == 1) {
      p = EscapeByte(p, static_cast<unsigned char>(s[i]));
      ++i;
    } else {
      std::memcpy(p, s.data() + i, len);
      p += len;
      i += len;
    }
  }
  return p;
}

inline char* Write2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

inline char* WriteDateParts(char* p, int64_t y, unsigned m, unsigned d) {
  unsigned yy = static_cast<unsigned>(y);
  p = Write2(p, yy / 100);
  p = Write2(p, yy % 100);
  *p++ = '-';
  p = Write2(p, m);
  *p++ = '-';
  return Write2(p, d);
}

// Appends the digits of a fraction of `width` digits without its trailing zeros.
char* WriteFraction(char* p, uint64_t frac, int width) {
  char digits[9];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  int n = width;
  while (n > 0 && digits[n - 1] == '0') --n;
  std::memcpy(p, digits, static_cast<size_t>(n));
  return p + n;
}

}  // namespace

char* WriteEscaped(char* p, std::string_view s) {
  const char* in = s.data();
  const char* end = in + s.size();
  char* start = p;
  uint64_t high = 0;
  while (end - in >= 8) {
    uint64_t x;
    std::memcpy(&x, in, 8);
    high |= x;
    if (!HasJsonSpecialByte(x)) {
      std::memcpy(p, in, 8);
      p += 8;
      in += 8;
      continue;
    }
    for (int k = 0; k < 8; ++k) p = EscapeByte(p, static_cast<unsigned char>(*in++));
  }
  while (in < end) {
    high |= static_cast<unsigned char>(*in);
    p = EscapeByte(p, static_cast<unsigned char>(*in++));
  }
  if ((high & kHighs) != 0 && !IsValidUtf8(s)) return WriteEscapedRepairing(start, s);
  return p;
}

char* WriteString(char* p, std::string_view s) {
  *p++ = '"';
  p = WriteEscaped(p, s);
  *p++ = '"';
  return p;
}

char* WriteBase64(char* p, std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size(), i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = kAlphabet[(v >> 6) & 63];
    *p++ = kAlphabet[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = uint32_t{in[i]} << 16;
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = '=';
    *p++ = '=';
  } else if (n - i == 2) {
    uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = kAlphabet[(v >> 6) & 63];
    *p++ = '=';
  }
  return p;
}

char* WriteInt(char* p, int64_t v) { return std::to_chars(p, p + kMaxNumberSize, v).ptr; }

namespace {
// Appends ".0" when a shortest float form looks like an integer ("1", "-20").
char* EnsureFloatForm(char* start, char* end) {
  for (char* q = start; q < end; ++q) {
    if (*q == '.' || *q == 'e') return end;
  }
  end[0] = '.';
  end[1] = '0';
  return end + 2;
}
}  // namespace

char* WriteDouble(char* p, double v) {
  char* end = std::to_chars(p, p + kMaxNumberSize - 2, v).ptr;
  return EnsureFloatForm(p, end);
}

char* WriteFloat(char* p, float v) {
  char* end = std::to_chars(p, p + kMaxNumberSize - 2, v).ptr;
  return EnsureFloatForm(p, end);
}

char* WriteTimestamp(char* p, int64_t micros) {
  constexpr int64_t kMicrosPerDay = 86400000000LL;
  int64_t days = micros >= 0 ? micros / kMicrosPerDay : -((-(micros + 1)) / kMicrosPerDay) - 1;
  int64_t rem = micros - days * kMicrosPerDay;
  int64_t y;
  unsigned mo, d;
  CivilFromDays(days, &y, &mo, &d);
  if (y < 0 || y > 9999) {
    std::string s = FormatTimestampMicros(micros);
    std::memcpy(p, s.data(), s.size());
    return p + s.size();
  }
  p = WriteDateParts(p, y, mo, d);
  int64_t secs = rem / 1000000;
  uint64_t frac = static_cast<uint64_t>(rem % 1000000);
  *p++ = 'T';
  p = Write2(p, static_cast<unsigned>(secs / 3600));
  *p++ = ':';
  p = Write2(p, static_cast<unsigned>((secs / 60) % 60));
  *p++ = ':';
  p = Write2(p, static_cast<unsigned>(secs % 60));
  if (frac != 0) {
    *p++ = '.';
    p = WriteFraction(p, frac, 6);
  }
  *p++ = 'Z';
  return p;
}

char* WriteDate(char* p, int32_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 0 || y > 9999) {
    std::string s = FormatDate(days);
    std::memcpy(p, s.data(), s.size());
    return p + s.size();
  }
  return WriteDateParts(p, y, m, d);
}

char* WriteInterval(char* p, const IntervalValue& v) {
  char* start = p;
  *p++ = 'P';
  if (v.months != 0) {
    p = std::to_chars(p, p + 12, v.months).ptr;
    *p++ = 'M';
  }
  if (v.days != 0) {
    p = std::to_chars(p, p + 12, v.days).ptr;
    *p++ = 'D';
  }
  if (v.nanos != 0 || p == start + 1) {
    *p++ = 'T';
    uint64_t abs =
        v.nanos < 0 ? 0 - static_cast<uint64_t>(v.nanos) : static_cast<uint64_t>(v.nanos);
    if (v.nanos < 0) *p++ = '-';
    p = std::to_chars(p, p + 21, abs / 1000000000ULL).ptr;
    uint64_t frac = abs % 1000000000ULL;
    if (frac != 0) {
      *p++ = '.';
      p = WriteFraction(p, frac, 9);
    }
    *p++ = 'S';
  }
  return p;
}

bool IsValidUtf8(std::string_view bytes) {
  return simdjson::validate_utf8(bytes.data(), bytes.size());
}

void AppendJsonValue(TextBuffer* out, const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    out->Append("null");
    return;
  }
  switch (column.type_id()) {
    case TypeId::kNull:
      out->Append("null");
      return;
    case TypeId::kBool:
      out->Append(column.GetBool(row) ? "true" : "false");
      return;
    case TypeId::kInt32: {
      char* p = out->Reserve(kMaxNumberSize);
      out->Commit(WriteInt(p, column.data<int32_t>()[row]));
      return;
    }
    case TypeId::kInt64: {
      char* p = out->Reserve(kMaxNumberSize);
      out->Commit(WriteInt(p, column.data<int64_t>()[row]));
      return;
    }
    case TypeId::kFloat32: {
      float v = column.data<float>()[row];
      if (!std::isfinite(v)) {
        out->Append("null");
        return;
      }
      char* p = out->Reserve(kMaxNumberSize);
      out->Commit(WriteFloat(p, v));
      return;
    }
    case TypeId::kFloat64: {
      double v = column.data<double>()[row];
      if (!std::isfinite(v)) {
        out->Append("null");
        return;
      }
      char* p = out->Reserve(kMaxNumberSize);
      out->Commit(WriteDouble(p, v));
      return;
    }
    case TypeId::kString: {
      std::string_view s = column.GetView(row);
      char* p = out->Reserve(MaxStringSize(s.size()));
      out->Commit(WriteString(p, s));
      return;
    }
    case TypeId::kBinary: {
      std::string_view s = column.GetView(row);
      if (IsValidUtf8(s)) {
        char* p = out->Reserve(MaxStringSize(s.size()));
        out->Commit(WriteString(p, s));
      } else {
        char* p = out->Reserve(Base64Size(s.size()) + 2);
        *p++ = '"';
        p = WriteBase64(p, s);
        *p++ = '"';
        out->Commit(p);
      }
      return;
    }
    case TypeId::kTimestamp: {
      char* p = out->Reserve(kMaxTimestampSize + 2);
      *p++ = '"';
      p = WriteTimestamp(p, column.data<int64_t>()[row]);
      *p++ = '"';
      out->Commit(p);
      return;
    }
    case TypeId::kDate: {
      char* p = out->Reserve(kMaxTimestampSize + 2);
      *p++ = '"';
      p = WriteDate(p, column.data<int32_t>()[row]);
      *p++ = '"';
      out->Commit(p);
      return;
    }
    case TypeId::kInterval: {
      char* p = out->Reserve(kMaxIntervalSize + 2);
      *p++ = '"';
      p = WriteInterval(p, column.data<IntervalValue>()[row]);
      *p++ = '"';
      out->Commit(p);
      return;
    }
    case TypeId::kList: {
      const Column& values = *column.list_values();
      int64_t start = column.list_start(row), n = column.list_length(row);
      out->Push('[');
      for (int64_t k = 0; k < n; ++k) {
        if (k) out->Push(',');
        AppendJsonValue(out, values, start + k);
      }
      out->Push(']');
      return;
    }
    case TypeId::kStruct: {
      const auto& fields = column.type().fields();
      out->Push('{');
      for (size_t f = 0; f < fields.size(); ++f) {
        if (f) out->Push(',');
        const std::string& name = fields[f].name;
        char* p = out->Reserve(MaxStringSize(name.size()) + 1);
        p = WriteString(p, name);
        *p++ = ':';
        out->Commit(p);
        AppendJsonValue(out, *column.children()[f], column.offset() + row);
      }
      out->Push('}');
      return;
    }
  }
  ARK_CHECK(false, "unknown type id");
}

void AppendPlainValue(TextBuffer* out, const Column& column, int64_t row) {
  if (column.IsNull(row)) return;
  switch (column.type_id()) {
    case TypeId::kString:
      out->Append(column.GetView(row));
      return;
    case TypeId::kBinary: {
      std::string_view s = column.GetView(row);
      if (IsValidUtf8(s)) {
        out->Append(s);
      } else {
        char* p = out->Reserve(Base64Size(s.size()));
        out->Commit(WriteBase64(p, s));
      }
      return;
    }
    case TypeId::kFloat32:
      if (!std::isfinite(column.data<float>()[row])) return;
      break;
    case TypeId::kFloat64:
      if (!std::isfinite(column.data<double>()[row])) return;
      break;
    case TypeId::kTimestamp: {
      char* p = out->Reserve(kMaxTimestampSize);
      out->Commit(WriteTimestamp(p, column.data<int64_t>()[row]));
      return;
    }
    case TypeId::kDate: {
      char* p = out->Reserve(kMaxTimestampSize);
      out->Commit(WriteDate(p, column.data<int32_t>()[row]));
      return;
    }
    case TypeId::kInterval: {
      char* p = out->Reserve(kMaxIntervalSize);
      out->Commit(WriteInterval(p, column.data<IntervalValue>()[row]));
      return;
    }
    default:
      break;
  }
  AppendJsonValue(out, column, row);
}

Result<ColumnPtr> TakeRowsAsBinaryColumn(TextBuffer* out, const std::vector<size_t>& ends) {
  if (out->size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::OutOfRange("{} bytes of messages exceed the 2 GiB limit of one column",
                              out->size());
  }
  BufferBuilder offsets;
  offsets.Reserve((ends.size() + 1) * sizeof(int32_t));
  offsets.UnsafeAppendValue<int32_t>(0);
  for (size_t end : ends) offsets.UnsafeAppendValue(static_cast<int32_t>(end));
  auto n = static_cast<int64_t>(ends.size());
  return Column::Make(DataType::Binary(), n, {nullptr, offsets.Finish(), out->Finish()}, {}, 0);
}

}  // namespace ark::json_text
