// Arrow IPC streaming and file formats (https://arrow.apache.org/docs/format/Columnar.html,
// "Serialization and Interprocess Communication"), read and written from the specification with
// flatbuffers headers generated from src/core/format/*.fbs.
//
// Stream: a schema message, record batch messages, then the end-of-stream marker. Every message is
// the continuation token 0xFFFFFFFF, an int32 metadata length, a flatbuffer Message padded so the
// body starts 8-byte aligned, then the body (the Arrow buffers, each padded to 8 bytes).
// File: "ARROW1" + 2 zero bytes, the stream, a Footer flatbuffer listing where every record batch
// is, the footer length (int32) and "ARROW1" again. All integers are little-endian.
//
//   std::string bytes;
//   IpcStreamWriter writer(&bytes);
//   ARK_RETURN_IF_ERROR(writer.Write(batch));
//   ARK_RETURN_IF_ERROR(writer.Finish());
//
//   ARK_ASSIGN_OR_RETURN(std::vector<Batch> batches, ReadIpcStream(bytes));
//
//   IpcStreamDecoder decoder;                        // incremental: feed any chunking
//   ARK_RETURN_IF_ERROR(decoder.Consume(chunk, &batches));
//
// Writing copies each buffer once into the output; a sliced column is rebased on the way (offsets
// shifted, bitmaps realigned) since IPC has no array offset. Reading from a BufferPtr is zero-copy:
// columns reference the input buffer (a buffer that is not 8-byte aligned in memory is copied).
// Types are those of arrow_c_data.h: our native types are written; reading also accepts small
// integers, uint32, other timestamp units, date64 and the other interval units, converting them.
// Not supported, with an error that says so: dictionary-encoded fields and dictionary batches,
// compressed bodies (LZ4/ZSTD), big-endian data, tensors, and the other Arrow types.
//
// Errors on reading say where: "IPC message at byte offset N: ...".
//
// Thread-safety: writers, readers and decoders are used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "core/buffer.h"
#include "core/schema.h"

namespace ark {

// Receives encoded bytes (one whole message, or a file's magic/footer) in order.
using IpcSink = std::function<Status(std::string_view bytes)>;

inline constexpr uint32_t kIpcContinuation = 0xFFFFFFFFu;
inline constexpr std::string_view kArrowFileMagic = "ARROW1";

namespace arrow_detail {
class MessageWriter;
class StreamState;
struct Frame;
}  // namespace arrow_detail

// Writes the IPC stream format. The schema message goes out before the first batch (or with
// Finish() for a stream without batches); every batch must have that schema.
class IpcStreamWriter {
 public:
  // Appends to `*out`, which must outlive the writer.
  explicit IpcStreamWriter(std::string* out, SchemaPtr schema = nullptr);
  explicit IpcStreamWriter(IpcSink sink, SchemaPtr schema = nullptr);
  ~IpcStreamWriter();
  IpcStreamWriter(const IpcStreamWriter&) = delete;
  IpcStreamWriter& operator=(const IpcStreamWriter&) = delete;

  // Writes a record batch message (after the schema message, the first time).
  Status Write(const Batch& batch);
  // Writes the end-of-stream marker. Nothing may be written afterwards.
  Status Finish();
  // Appends later bytes to `*out` instead (for callers handed a new string per call).
  // REQUIRES: the writer was made with a string, not a sink.
  void set_output(std::string* out);

  int64_t bytes_written() const;
  int64_t num_batches() const;

 private:
  std::unique_ptr<arrow_detail::MessageWriter> writer_;
};

// Writes the IPC file format. Batches are written as they come; Finish() writes the footer.
class IpcFileWriter {
 public:
  explicit IpcFileWriter(std::string* out, SchemaPtr schema = nullptr);
  explicit IpcFileWriter(IpcSink sink, SchemaPtr schema = nullptr);
  ~IpcFileWriter();
  IpcFileWriter(const IpcFileWriter&) = delete;
  IpcFileWriter& operator=(const IpcFileWriter&) = delete;

  Status Write(const Batch& batch);
  // Writes the end-of-stream marker, the footer and the trailing magic.
  Status Finish();
  // As IpcStreamWriter::set_output. Block offsets in the footer count every byte written.
  void set_output(std::string* out);

  int64_t bytes_written() const;
  int64_t num_batches() const;

 private:
  std::unique_ptr<arrow_detail::MessageWriter> writer_;
};

// Reads an IPC stream held in memory, one batch at a time.
class IpcStreamReader {
 public:
  // Reads the schema message. Columns of the batches reference `bytes` (zero-copy).
  static Result<std::unique_ptr<IpcStreamReader>> Open(BufferPtr bytes);
  ~IpcStreamReader();

  const SchemaPtr& schema() const;
  // The next batch; nullopt after the end-of-stream marker or at the end of the bytes.
  Result<std::optional<Batch>> Next();
  // Every remaining batch.
  Result<std::vector<Batch>> ReadAll();

 private:
  IpcStreamReader(BufferPtr bytes, std::unique_ptr<arrow_detail::StreamState> state);
  // The next message; nullopt at the end of the stream.
  Result<std::optional<arrow_detail::Frame>> NextFrame();

  BufferPtr bytes_;
  size_t pos_ = 0;
  bool done_ = false;
  std::unique_ptr<arrow_detail::StreamState> state_;
};

// Every batch of an IPC stream (the bytes are copied once into an aligned buffer).
Result<std::vector<Batch>> ReadIpcStream(std::string_view bytes);

// Decodes an IPC stream fed in chunks of any size: complete messages are decoded as soon as their
// last byte arrives, a partial message is kept for the next call (its body copied once).
// After an end-of-stream marker a new stream (schema first) may follow. Bytes that start with the
// file magic "ARROW1" are read as a file: its stream part is decoded and its footer skipped (after
// the footer another stream or file may follow), except when the stream part has no schema message
// (apache-arrow JS writes files so): then the record batches are held until the footer, which
// carries the schema, has arrived.
class IpcStreamDecoder {
 public:
  // `start_offset`: the stream offset of the first byte fed, for error messages.
  explicit IpcStreamDecoder(int64_t start_offset = 0);
  ~IpcStreamDecoder();
  IpcStreamDecoder(const IpcStreamDecoder&) = delete;
  IpcStreamDecoder& operator=(const IpcStreamDecoder&) = delete;

  // Decodes what `bytes` completes and appends the record batches to `*batches`. After an error
  // the decoder is broken: every later call returns the same error.
  Status Consume(std::string_view bytes, std::vector<Batch>* batches);
  // OK when no partial message is pending (the input ended on a message boundary).
  Status Finish() const;

  // The schema of the current stream; null before its schema message.
  const SchemaPtr& schema() const;
  // True right after an end-of-stream marker (or a file's footer).
  bool at_end_of_stream() const;
  // Stream offset after the bytes consumed so far (a pending partial message included).
  int64_t bytes_consumed() const { return consumed_; }
  // After an error: the stream offset of the message (or footer) that failed.
  int64_t error_offset() const { return error_offset_; }
  size_t pending_bytes() const { return pending_.size(); }

 private:
  enum class Phase { kStreamStart, kMessages, kFileTrailer };
  // Decodes the messages at the front of `data`; returns how many bytes were used.
  Result<size_t> DecodeAvailable(std::string_view data, int64_t data_offset,
                                 std::vector<Batch>* batches);

  // A record batch message of a file whose schema is only in the footer.
  struct HeldMessage {
    int64_t offset = 0;
    std::string metadata;
    BufferPtr body;
  };
  // The length of the file footer (and footer length and magic) at the front of `trailer_`, or 0
  // while incomplete. Positions before `from` were looked at already.
  size_t FooterEnd(size_t from) const;
  // Reads the schema of the footer that ends at `end` of `trailer_` and decodes the held messages.
  Status DecodeHeld(size_t end, std::vector<Batch>* batches);

  std::unique_ptr<arrow_detail::StreamState> state_;
  std::vector<HeldMessage> held_;
  std::string trailer_;  // bytes of a file footer
  std::string pending_;  // bytes of an incomplete message
  int64_t consumed_ = 0;
  int64_t needed_ = 0;  // size of the pending message when known
  int64_t error_offset_ = 0;
  int64_t message_offset_ = 0;  // offset of the message being decoded
  Phase phase_ = Phase::kStreamStart;
  bool in_file_ = false;
  bool at_eos_ = false;
  Status error_;
};

// Reads the IPC file format held in memory, with random access to its batches.
class IpcFileReader {
 public:
  // Checks both magics and reads the footer. Batches reference `file` (zero-copy).
  static Result<std::unique_ptr<IpcFileReader>> Open(BufferPtr file);
  ~IpcFileReader();

  const SchemaPtr& schema() const;
  int num_batches() const { return static_cast<int>(blocks_.size()); }
  // Batch `i`. REQUIRES: 0 <= i < num_batches().
  Result<Batch> ReadBatch(int i) const;
  Result<std::vector<Batch>> ReadAll() const;

 private:
  struct Block {
    int64_t offset = 0;
    int32_t metadata_length = 0;
    int64_t body_length = 0;
  };
  IpcFileReader(BufferPtr file, std::unique_ptr<arrow_detail::StreamState> state,
                std::vector<Block> blocks, int64_t footer_start);

  BufferPtr file_;
  std::unique_ptr<arrow_detail::StreamState> state_;
  std::vector<Block> blocks_;
  int64_t footer_start_ = 0;
};

// Every batch of an IPC file (the bytes are copied once into an aligned buffer).
Result<std::vector<Batch>> ReadIpcFile(std::string_view bytes);

}  // namespace ark
