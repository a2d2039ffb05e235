// Codecs turn bytes into batches (Decoder) and batches into bytes (Encoder) at the edges of a
// stream: `codec: {type: json|csv|arrow}` on inputs and outputs, and the json_to_arrow /
// arrow_to_json processors (DESIGN §2, §3).
//
// Decoders are stateful per input instance (a CSV header, an inferred schema kept stable across
// batches), so every input builds its own. A malformed record never fails the whole batch: it is
// reported as a RecordError (with line, byte offset, parser message and raw text) and the input
// routes it to error_output while the good records go on.
//
// Thread-safety: a Decoder/Encoder is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "core/column.h"

namespace ark {

// One record that could not be decoded.
struct RecordError {
  int64_t message_index = -1;  // DecodeMessages: index of the payload; DecodeChunk: -1
  int64_t line = 0;            // 1-based line in the stream (DecodeChunk) or in the payload
  int64_t byte_offset = 0;     // offset of the record's first byte in the stream or payload
  std::string message;         // the parser's explanation
  std::string raw;             // the record's text (truncated to a bounded length)
};

struct DecodeResult {
  Batch batch;                      // the good records, in input order
  std::vector<RecordError> errors;  // the bad ones
  // For DecodeMessages: for each row of `batch`, the index of the payload it came from (so the
  // caller can carry metadata columns over). Empty when rows and payloads correspond 1:1.
  std::vector<int64_t> source_index;
};

// Where a chunk sits in its stream, for error positions.
struct ChunkPosition {
  int64_t first_line = 1;   // line number of the chunk's first byte
  int64_t byte_offset = 0;  // stream offset of the chunk's first byte
};

// Builds a batch holding RecordErrors for error_output: `__value__` (binary raw text) and
// `__error__` (string: "line L, byte B: message"), plus `__error_component` naming `component`.
Batch MakeErrorBatch(std::span<const RecordError> errors, std::string_view component);

class Decoder {
 public:
  virtual ~Decoder() = default;

  // Decodes a chunk of a framed byte stream (NDJSON lines, CSV rows, Arrow IPC messages).
  // REQUIRES: the chunk ends on a record boundary (complete line / message), except that the
  // final chunk of a stream may lack its trailing newline.
  virtual Result<DecodeResult> DecodeChunk(std::string_view chunk, const ChunkPosition& pos) = 0;

  // Decodes one record (or, for formats that hold several, one group of records) per payload in a
  // binary or string column — one Kafka/MQTT/HTTP message each.
  virtual Result<DecodeResult> DecodeMessages(const Column& payloads) = 0;
};

class Encoder {
 public:
  virtual ~Encoder() = default;

  // One payload per row (Kafka, MQTT, HTTP messages). Formats that cannot split a batch into rows
  // (Arrow IPC) return a single payload holding the whole batch.
  virtual Result<ColumnPtr> EncodeMessages(const Batch& batch) = 0;

  // Appends the batch to `out` in the codec's stream framing: NDJSON lines, CSV rows (header
  // first), Arrow IPC messages (schema first). For files and stdout.
  virtual Status EncodeStream(const Batch& batch, std::string* out) = 0;

  // Appends whatever ends the stream (Arrow IPC end-of-stream marker or file footer).
  virtual Status FinishStream(std::string* out) {
    (void)out;
    return Status::OK();
  }
};

}  // namespace ark
