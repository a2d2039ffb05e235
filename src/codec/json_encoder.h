// JsonEncoder: Batch → JSON objects, one per row (codec `json`, processor `arrow_to_json`).
//
// Each row becomes {"column": value, ...} with the batch's columns in order; null values are
// written as null. Value forms are those of json_text.h (docs/codecs/json.md): exact integers,
// shortest round-trip floats (NaN/±Inf → null), ISO 8601 timestamps and dates, binary as a string
// when valid UTF-8 else base64, lists as arrays, structs as objects.
//
// Columns named `__meta_*` are left out unless options.include_meta is set or they are listed in
// options.fields. When options.fields is non-empty, only those columns are written (names not in
// the batch are ignored, since inferred batches may lack a field now and then).
//
// EncodeStream appends NDJSON lines ("...}\n"); EncodeMessages returns a binary column with one
// object per row and no newline.
//
// Thread-safety: one thread at a time (a scratch buffer is reused).
#pragma once

#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/json_text.h"

namespace ark {

struct JsonEncoderOptions {
  bool include_meta = false;
  std::vector<std::string> fields;  // empty = all columns (meta columns per include_meta)
};

// The indices of the columns an encoder writes (rules above; shared with the CSV encoder).
std::vector<int> EncodedColumns(const Schema& schema, bool include_meta,
                                const std::vector<std::string>& fields);

class JsonEncoder final : public Encoder {
 public:
  explicit JsonEncoder(JsonEncoderOptions options) : options_(std::move(options)) {}

  Result<ColumnPtr> EncodeMessages(const Batch& batch) override;
  Status EncodeStream(const Batch& batch, std::string* out) override;

  // Writes every row of `batch` into `out`, each followed by `separator` when it is not '\0'.
  // When `row_ends` is given, the end offset in `out` of each row (before the separator) is
  // appended to it.
  void WriteRows(const Batch& batch, json_text::TextBuffer* out, char separator,
                 std::vector<size_t>* row_ends) const;

 private:
  JsonEncoderOptions options_;
  json_text::TextBuffer buffer_;    // EncodeStream's scratch
  size_t last_messages_bytes_ = 0;  // EncodeMessages reserves this much up front
};

}  // namespace ark
