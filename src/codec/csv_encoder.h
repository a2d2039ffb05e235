// CsvEncoder: Batch → CSV text (codec `csv`).
//
// One record per row, fields separated by `delimiter`, lines ended by "\n". Values use the text
// forms of json_text.h (integers, shortest round-trip floats, true/false, ISO 8601 timestamps and
// dates, binary as text when valid UTF-8 else base64, lists and structs as JSON); null and
// NaN/±Inf are empty fields. A field is quoted (doubling the quotes inside) when it holds the
// delimiter, the quote, '\r' or '\n', and an empty string is written as "" so that it reads back
// as an empty string rather than null.
//
// EncodeStream writes the header line (the column names) before the first batch when `header` is
// set; every later batch must have the same column names, in order. EncodeMessages returns one
// record per row without header or newline. `__meta_*` columns are left out unless include_meta.
//
// Thread-safety: one thread at a time.
#pragma once

#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/json_text.h"

namespace ark {

struct CsvEncoderOptions {
  bool header = true;
  char delimiter = ',';
  char quote = '"';
  bool include_meta = false;
};

class CsvEncoder final : public Encoder {
 public:
  explicit CsvEncoder(CsvEncoderOptions options) : options_(options) {}

  Result<ColumnPtr> EncodeMessages(const Batch& batch) override;
  Status EncodeStream(const Batch& batch, std::string* out) override;

 private:
  // Writes the rows into buffer_, recording each row's end in `row_ends` when given.
  void WriteRows(const Batch& batch, const std::vector<int>& columns, char separator,
                 std::vector<size_t>* row_ends);
  void WriteField(std::string_view text, bool is_string);

  CsvEncoderOptions options_;
  bool header_written_ = false;
  std::vector<std::string> header_;
  json_text::TextBuffer buffer_;
  json_text::TextBuffer scratch_;
};

}  // namespace ark
