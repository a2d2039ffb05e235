// The `arrow` codec: Apache Arrow IPC bytes ⇄ batches (DESIGN §2), over core/arrow_ipc.h.
//
//   codec: {type: arrow, format: stream}   # or format: file
//
// Decoding reads both formats whatever `format` says (a file starts with the magic "ARROW1"):
//   DecodeChunk    a byte stream cut anywhere (file input, stdin): complete messages become rows,
//                  a partial message waits for the next chunk; several streams or files may follow
//                  one another.
//   DecodeMessages one whole IPC stream or file per payload (a Kafka/MQTT/HTTP message holding a
//                  batch); the columns reference the payload bytes without copying.
// Bytes that are not valid IPC become a RecordError naming the byte offset; the decoder then starts
// over at the next chunk (expecting a new stream).
//
// Encoding writes `format`:
//   EncodeStream   stream: the schema message once, then one record batch message per call;
//                  file: the magic, the schema, then record batches. A batch whose schema differs
//                  from the previous ones ends the stream and starts a new one (stream format), or
//                  is an error (file format: one file holds one schema).
//   FinishStream   the end-of-stream marker (stream) or the footer (file); nothing when nothing was
//                  written. The next EncodeStream starts a new stream or file.
//   EncodeMessages one binary payload holding the whole batch as a complete stream (or file).
//
// Thread-safety: a decoder/encoder is used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "codec/codec.h"
#include "config/config_spec.h"
#include "core/arrow_ipc.h"

namespace ark {

enum class ArrowIpcFormat { kStream, kFile };

struct ArrowCodecOptions {
  ArrowIpcFormat format = ArrowIpcFormat::kStream;
};

// Needs no options: it reads both formats.
class ArrowDecoder final : public Decoder {
 public:
  Result<DecodeResult> DecodeChunk(std::string_view chunk, const ChunkPosition& pos) override;
  Result<DecodeResult> DecodeMessages(const Column& payloads) override;

 private:
  std::unique_ptr<IpcStreamDecoder> stream_;  // made at the first chunk (and after an error)
};

class ArrowEncoder final : public Encoder {
 public:
  explicit ArrowEncoder(ArrowCodecOptions options = {}) : options_(options) {}
  ~ArrowEncoder() override;

  Result<ColumnPtr> EncodeMessages(const Batch& batch) override;
  Status EncodeStream(const Batch& batch, std::string* out) override;
  Status FinishStream(std::string* out) override;

 private:
  ArrowCodecOptions options_;
  SchemaPtr schema_;  // of the stream being written; null between streams
  std::unique_ptr<IpcStreamWriter> stream_writer_;
  std::unique_ptr<IpcFileWriter> file_writer_;
};

// The codec's options: `format` (stream | file).
const ConfigSpec& ArrowCodecSpec();
ArrowCodecOptions ArrowCodecOptionsFrom(const ComponentConfig& cfg);
Result<std::unique_ptr<Decoder>> MakeArrowDecoder(const ComponentConfig& cfg);
Result<std::unique_ptr<Encoder>> MakeArrowEncoder(const ComponentConfig& cfg);

}  // namespace ark
