// CsvDecoder: CSV text → Batch (codec `csv`).
//
// Syntax (RFC 4180): records end with "\n" or "\r\n"; fields are separated by `delimiter`; a field
// that starts with `quote` is quoted: it may hold delimiters, newlines and doubled quotes ("" for
// one "), and must be followed by a delimiter or the end of the record. A quote inside an unquoted
// field is an ordinary character. Empty lines are skipped (still counted for line numbers). No
// trimming: " 12" is the string " 12".
//
// Statefulness: the decoder belongs to one stream. With `header` (default) the first record of the
// stream names the columns; without it they are c0, c1, ... (or the declared schema's names, in
// file order). The column types are declared (`schema`) or inferred from the first chunk (or
// message batch) that holds data, and then kept for the rest of the stream:
//   int64    every value is an integer (std::from_chars, optional '-')
//   float64  every value is a number and some are not integers ("1.5", "2e3"; "nan" and "inf" are
//            not numbers here)
//   bool     every value is true or false (any case)
//   string   anything else, or a column without values
// An unquoted empty field is null; a quoted empty field ("") is the empty string (which makes an
// inferred column a string column).
//
// Errors, each a RecordError that drops only its record: a wrong field count ("expected 3 fields,
// got 4"), an unterminated quoted field, a character after a closing quote, a record longer than
// max_record_bytes, invalid UTF-8 in a string column, and a value that does not fit its column
// (`column "price": expected float64, got "abc"`). A declared column missing from the header fails
// the call (a configuration mistake, not a bad record).
//
// Chunks: DecodeChunk needs whole records, and a quoted field may hold newlines, so splitting a
// file at newlines is not enough — split with CsvRecordBoundary(). DecodeMessages treats each
// payload as a run of whole records (one or more; the header, when enabled, is the stream's first
// record).
//
// Thread-safety: one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/codec.h"
#include "core/schema.h"

namespace ark {

struct CsvDecoderOptions {
  bool header = true;
  char delimiter = ',';
  char quote = '"';
  // Declared columns; types list the ones supported: bool, int32, int64, float32, float64,
  // string, binary, timestamp (ISO 8601 or integer µs), date ("YYYY-MM-DD" or integer days).
  // With a header, columns are matched by name (undeclared ones are dropped) and come out in the
  // declared order; without one, the declared fields are the file's columns in order.
  std::optional<std::vector<Field>> schema;
  size_t max_record_bytes = size_t{16} << 20;
};

// The length of the longest prefix of `data` that ends on a record boundary (just after a
// newline that is not inside a quoted field); 0 when there is none. REQUIRES: `data` starts on a
// record boundary.
size_t CsvRecordBoundary(std::string_view data, char delimiter = ',', char quote = '"');

class CsvDecoder final : public Decoder {
 public:
  static Result<std::unique_ptr<CsvDecoder>> Make(CsvDecoderOptions options);
  ~CsvDecoder() override;

  Result<DecodeResult> DecodeChunk(std::string_view chunk, const ChunkPosition& pos) override;
  Result<DecodeResult> DecodeMessages(const Column& payloads) override;

  // The output schema once fixed (after the first data), else null.
  SchemaPtr schema() const;

 private:
  struct Impl;
  explicit CsvDecoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ark
