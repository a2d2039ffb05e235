// `file` input: reads local files once, then ends the stream.
//
// `path` is a file or a glob(3) pattern (data/*.ndjson); matching files are read in name order,
// directories are skipped, and a pattern matching no file fails Connect with a message naming it.
// ArkFlow's form `input_type: {type: json|csv|arrow, path: ...}` maps onto path + codec.
//
// Without a codec every line is a raw message: `__value__` (the line without '\n' and without a
// trailing '\r' — CRLF files read like LF files), `__meta_source` (the file path) and
// `__meta_offset` (byte offset of the line in its file); an unterminated last line counts; empty
// lines are empty messages. This path reads 4 MiB per read(2), finds lines with memchr and copies
// them straight into the batch's column (no per-line allocation); `__meta_source` is one column per
// file, sliced.
//
// With a codec the bytes are decoded in chunks of about 4 MiB: cut after the last complete line
// (json), after the last complete record (csv, whose quoted fields may hold newlines: cut with
// CsvRecordBoundary), or anywhere (arrow IPC stream or file: the decoder keeps partial messages),
// with the line number and byte offset of each chunk — both restart per file, and each file gets a
// fresh decoder, so a CSV header is read per file. Memory stays bounded whatever the file size.
// Records the codec rejects go to error_output (InputBatch.errors, with `__meta_source`), as does a
// line longer than `max_line_bytes`, which is skipped — reading goes on.
//
// A batch holds at most `batch_size` rows (and at most 64 MiB of raw payload) and never spans two
// files. Progress() reports bytes read of the total size of the matched files.
//
// Thread-safety: Connect/Read/Close from the reader thread; Progress() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "config/config_value.h"
#include "connectors/common/line_reader.h"
#include "runtime/input.h"
#include "runtime/registry.h"

namespace ark {

struct FileInputOptions {
  std::string path;                  // a file or a glob(3) pattern
  std::optional<ConfigValue> codec;  // codec node ({type: json, ...}); unset: raw lines
  int64_t batch_size = 8192;         // rows per batch
  size_t max_line_bytes = size_t{16} << 20;
  size_t read_bytes = size_t{4} << 20;  // bytes per read(2)
};

class FileInput final : public Input {
 public:
  // `ctx.registry` builds the codec's decoders (one per file).
  FileInput(FileInputOptions options, ComponentContext ctx);
  ~FileInput() override;

  // Expands the pattern and sizes the files.
  Status Connect() override;
  Result<InputBatch> Read(std::stop_token stop) override;
  Status Close() override;
  std::optional<std::pair<int64_t, int64_t>> Progress() const override;

  // The matched files, in reading order (after Connect).
  const std::vector<std::string>& files() const { return files_; }

 private:
  enum class Mode {
    kRawLines,  // no codec: one message per line
    kDecoded,   // a codec over whole lines (json) or whole records (csv)
    kBytes,     // a codec over the bytes as read (arrow)
  };

  Status OpenNext();
  void CloseFile();
  // Each appends what it read to pending_ (possibly nothing) and may close the current file.
  Status ReadRawLines();
  Status ReadDecoded();
  Status ReadBytes();
  Status Decoded(Result<DecodeResult> result);
  // `__meta_source` for `rows` rows of the current file.
  ColumnPtr SourceColumn(int64_t rows);
  std::optional<Batch> ErrorBatch(std::vector<RecordError> errors) const;

  FileInputOptions options_;
  ComponentContext ctx_;
  std::string error_component_;
  Mode mode_ = Mode::kRawLines;
  bool connected_ = false;
  std::vector<std::string> files_;
  std::atomic<int64_t> total_bytes_{0};
  std::atomic<int64_t> read_bytes_{0};

  size_t next_file_ = 0;
  int fd_ = -1;
  std::string current_;  // path of the open file
  LineReader reader_;
  std::unique_ptr<Decoder> decoder_;
  SchemaPtr raw_schema_;
  ColumnPtr source_;  // `__meta_source` of the current file, sliced per batch
  std::deque<InputBatch> pending_;
};

void RegisterFileInput(Registry& registry);

}  // namespace ark
