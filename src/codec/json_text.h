// Text forms of column values, shared by the JSON and CSV encoders (and by the JSON decoder when it
// keeps a value's JSON text): a growable output buffer and writers for each value kind.
//
// The forms (docs/codecs/json.md, "Value formatting"):
//   int32/int64        exact decimal
//   float32/float64    shortest text that reads back to the same value (std::to_chars), always
//                      with a '.' or an exponent so that it reads back as a float ("1.0", "1e+21")
//   bool               true / false
//   string             JSON string: '"', '\\' and control characters escaped (\n \r \t \b \f, other
//                      controls as \u00XX), non-ASCII passed through as UTF-8; invalid UTF-8
//                      sequences are replaced by U+FFFD
//   binary             as a string when the bytes are valid UTF-8, otherwise standard base64
//   timestamp          "2024-05-01T12:00:00.123456Z" (UTC; the fraction omitted when zero and
//                      trailing zeros trimmed, as FormatTimestampMicros)
//   date               "2024-05-01"
//   interval           ISO 8601 duration "P14M3DT3723.5S" (months, days, seconds), "PT0S" for zero
//   list / struct      JSON array / object
//
// The Write* primitives write into a caller-reserved area and return the new end; reserve at
// least the Max*Size() of the value first. Thread-safety: pure functions; a TextBuffer is used by
// one thread at a time.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

#include "core/buffer.h"
#include "core/column.h"
#include "core/types.h"

namespace ark::json_text {

// A growable byte buffer written through raw pointers:
//   char* p = buf.Reserve(n);  ...write at most n bytes...  buf.Commit(p_end);
// Finish() hands the bytes over as a padded Buffer without copying.
class TextBuffer {
 public:
  // Room for `n` more bytes; returns where to write them.
  char* Reserve(size_t n) {
    bytes_.Reserve(n);
    return reinterpret_cast<char*>(bytes_.data()) + bytes_.size();
  }
  // Marks everything up to `end` (a pointer into the reserved area) as written.
  void Commit(char* end) {
    bytes_.Resize(static_cast<size_t>(end - reinterpret_cast<char*>(bytes_.data())));
  }
  void Append(std::string_view s) { bytes_.Append(s); }
  void Push(char c) { bytes_.AppendValue(c); }
  size_t size() const { return bytes_.size(); }
  const char* data() const { return reinterpret_cast<const char*>(bytes_.data()); }
  std::string_view view() const { return {data(), size()}; }
  void Clear() { bytes_.Clear(); }
  // Drops everything after the first `n` bytes. REQUIRES: n <= size().
  void Truncate(size_t n) { bytes_.Resize(n); }
  // The bytes as a Buffer; the TextBuffer is empty afterwards.
  BufferPtr Finish() { return bytes_.Finish(); }

 private:
  BufferBuilder bytes_;
};

inline constexpr size_t kMaxNumberSize = 32;     // any int64 or shortest double, plus ".0"
inline constexpr size_t kMaxTimestampSize = 48;  // "-292277-01-09T04:00:54.775808Z" and room
inline constexpr size_t kMaxIntervalSize = 80;

// True when some byte of the 8 bytes in `x` is a control character (< 0x20), '"' or '\\' — the
// bytes that JSON strings must escape (exact for "any byte"; see Bit Twiddling Hacks' hasless).
inline bool HasJsonSpecialByte(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  uint64_t lt = (x - kOnes * 0x20) & ~x & kHighs;
  uint64_t q = x ^ (kOnes * '"');
  uint64_t b = x ^ (kOnes * '\\');
  return ((lt | ((q - kOnes) & ~q) | ((b - kOnes) & ~b)) & kHighs) != 0;
}

// Quotes plus the worst-case escaping of `n` bytes (every byte as \u00XX or U+FFFD).
inline size_t MaxStringSize(size_t n) { return 6 * n + 2; }
inline size_t Base64Size(size_t n) { return (n + 2) / 3 * 4; }

// `s` as a JSON string literal, quotes included.
char* WriteString(char* p, std::string_view s);
// `s` escaped as in a JSON string, without the quotes.
char* WriteEscaped(char* p, std::string_view s);
// Standard base64 (RFC 4648, with '=' padding), no quotes.
char* WriteBase64(char* p, std::string_view bytes);
char* WriteInt(char* p, int64_t v);
// REQUIRES: std::isfinite(v). Shortest round-trip form with a '.' or exponent.
char* WriteDouble(char* p, double v);
char* WriteFloat(char* p, float v);
// ISO 8601 UTC, without quotes.
char* WriteTimestamp(char* p, int64_t micros);
char* WriteDate(char* p, int32_t days);
char* WriteInterval(char* p, const IntervalValue& v);

// True when `bytes` is valid UTF-8.
bool IsValidUtf8(std::string_view bytes);

// Appends value `row` of `column` as JSON (null → null, NaN/±Inf → null).
void AppendJsonValue(TextBuffer* out, const Column& column, int64_t row);

// Appends value `row` of a non-nested column as unquoted text (string bytes as they are, binary as
// UTF-8 text or base64); null and non-finite floats append nothing. For list/struct: their JSON.
// Used by the CSV encoder, which adds its own quoting.
void AppendPlainValue(TextBuffer* out, const Column& column, int64_t row);

// A binary column whose value i is out[ends[i-1], ends[i]) (from 0). Takes out's bytes without
// copying. OutOfRange beyond the 2 GiB int32 offset limit.
Result<ColumnPtr> TakeRowsAsBinaryColumn(TextBuffer* out, const std::vector<size_t>& ends);

}  // namespace ark::json_text
