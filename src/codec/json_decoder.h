// JsonDecoder: NDJSON chunks and JSON message payloads → Batch (codec `json`, processor
// `json_to_arrow`). Parsing is simdjson's DOM parser (runtime-dispatched SIMD, full validation of
// each record, UTF-8 included, before any value is used).
//
// Records. DecodeChunk reads one JSON object per line ('\n' or "\r\n"); blank lines are skipped but
// counted. DecodeMessages reads one JSON document per payload of a binary/string column; a payload
// holding a top-level array of objects yields one row per element (source_index says which
// payload each row came from), an empty array yields no row.
//
// Schema inference (no declared schema), per DecodeChunk/DecodeMessages call, over that call's
// records:
//   - JSON integers → int64 (integers beyond the int64 range → float64);
//   - any non-integer number in a column → float64 (integers in it widened);
//   - true/false → bool; strings → string;
//   - objects → struct, fields unioned in first-seen order, a missing field is null;
//   - arrays → list, the element type inferred by these same rules over all elements;
//   - null fits any type; a column that holds only nulls (or only empty arrays' elements) is
//     string;
//   - conflicting kinds in one column (number and string, object and number, ...) → string
//     holding each non-string value's JSON text in canonical form (minified, numbers as
//     json_text.h writes them: 1.50 → "1.5"); string values stay as they are;
//   - top-level fields appear in first-seen order across the records.
// Speed: the schema is guessed from the first record, and a later record that does not fit the
// guess switches that call to the two-pass general inference. Records of a flat schema are matched
// against the expected keys and value kinds directly (a strict subset of JSON, validated as it is
// read); the rest go through simdjson. No per-row allocation or virtual call on either path.
//
// Declared schema (options.schema): only the listed top-level fields are decoded, in the listed
// order, with the listed types; other fields are ignored. A value of another kind makes the record
// an error (`field "price": expected float64, got string`; nested fields as `addr.zip`, list
// elements as `tags[1]`). Integers are accepted for float columns; timestamp accepts ISO 8601
// strings (base/time.h ParseTimestampMicros) or integers (µs since the epoch); date accepts
// "YYYY-MM-DD" or integers (days since the epoch); binary takes a string's bytes. Supported
// types: null, bool, int32, int64, float32, float64, string, binary, timestamp, date, list, struct.
//
// Duplicate keys in one object: the first occurrence wins.
//
// Errors. A record that is not valid JSON (including invalid UTF-8), is not an object, is longer
// than max_record_bytes, or does not fit the declared schema becomes a RecordError (line, byte
// offset, message, raw text cut to 1 KiB) and is left out of the batch; the other records go on.
// For DecodeMessages: message_index is the payload, line 1 and byte 0; a payload is decoded whole
// or not at all.
//
// Thread-safety: one thread at a time (the parser and scratch buffers are reused across calls).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "codec/codec.h"
#include "core/types.h"

namespace ark {

struct JsonDecoderOptions {
  // Declared top-level fields; nullopt = infer per call.
  std::optional<std::vector<Field>> schema;
  // Longest accepted record (line or payload), in bytes.
  size_t max_record_bytes = size_t{16} << 20;
  // When non-empty, only these top-level fields are decoded (the others are skipped, their values
  // still have to be valid JSON); with a declared schema, restricts it.
  std::vector<std::string> include_fields;
};

// Raw record text for error records: at most 1 KiB (cut on a UTF-8 boundary) followed by "…".
std::string TruncateRecordText(std::string_view raw);

class JsonDecoder final : public Decoder {
 public:
  // Checks the options (declared types must be supported) and builds the decoder.
  static Result<std::unique_ptr<JsonDecoder>> Make(JsonDecoderOptions options);
  ~JsonDecoder() override;

  Result<DecodeResult> DecodeChunk(std::string_view chunk, const ChunkPosition& pos) override;
  Result<DecodeResult> DecodeMessages(const Column& payloads) override;

 private:
  struct Impl;
  explicit JsonDecoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ark
