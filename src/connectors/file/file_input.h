// `file` input: reads local files once (then ends the stream), or follows them like `tail -F`.
//
// `path` is a file or a glob(3) pattern (data/*.ndjson); matching files are read in name order,
// directories are skipped, and a pattern matching no file fails Connect with a message naming it
// (with `follow`, the input waits for a match instead).
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
// Compression: a file is gzip when `compression: gzip`, or with `auto` (the default) when its name
// ends in `.gz`. It is stream-decompressed (GzipReader; never whole in memory); offsets and lines
// are those of the decompressed data. Corrupt or truncated gzip data ends that file with one error
// record ("... corrupt at compressed byte N: ...") to error_output, and reading goes on with the
// next file; what was decoded before the damage is delivered.
//
// Follow (`follow: true`, like `tail -F`): files matched at start are read in name order; the last
// one is followed — at its end the input polls every `poll_interval` for appended bytes, and an
// unterminated last line waits for its newline. Rotation: when the path names a new file (renamed
// away and recreated), the old file is read to its end (a last line without newline counts) and the
// new one is read from its start. Truncation: when the file becomes shorter than what was read, it
// is read again from offset 0 (logged as a warning; a partial line buffered is dropped). A new file
// matching the pattern whose name sorts after the followed one (and that is not a file already
// read, renamed: same inode) ends the followed file and is read next. Gzip files are read to their
// end, never followed. Read blocks while idle and returns Cancelled when stopped.
//
// Position (checkpoints): Position() is {file, byte offset of the next unread record} just after
// the last batch Read returned — every record before it was returned; ResumeFrom(position) (or the
// `start_offset` option for the first file) starts there: files sorting before the position's file
// are skipped, and its file starts at the offset. A batch cut from a larger decoded chunk reports
// the chunk's start until its last slice (resuming may repeat rows, never lose them); arrow files
// report offset 0 (an IPC stream cannot resume mid-way); a CSV file with a header resumed mid-way
// reads its header line first. Line numbers in error records count from the start offset.
//
// A batch holds at most `batch_size` rows (and at most 64 MiB of raw payload) and never spans two
// files. Progress() reports bytes read of the total size of the matched files (compressed sizes for
// gzip), none when following.
//
// Thread-safety: Connect/Read/Close/ResumeFrom from the reader thread; Progress() and Position()
// from any thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "codec/codec.h"
#include "config/config_value.h"
#include "connectors/common/line_reader.h"
#include "connectors/file/gzip_reader.h"
#include "runtime/input.h"
#include "runtime/registry.h"

namespace ark {

// Where the input stands in its files: the byte offset of the next unread record of `path`.
struct FilePosition {
  std::string path;    // empty before the first file (ResumeFrom: the first matched file)
  int64_t offset = 0;  // offset in the file's (decompressed) bytes
  bool operator==(const FilePosition&) const = default;
};

enum class FileCompression {
  kAuto,  // gzip when the name ends in ".gz"
  kNone,
  kGzip,
};

struct FileInputOptions {
  std::string path;                  // a file or a glob(3) pattern
  std::optional<ConfigValue> codec;  // codec node ({type: json, ...}); unset: raw lines
  int64_t batch_size = 8192;         // rows per batch
  size_t max_line_bytes = size_t{16} << 20;
  size_t read_bytes = size_t{4} << 20;  // bytes per read(2)
  FileCompression compression = FileCompression::kAuto;
  bool follow = false;                // tail the last file instead of ending
  int64_t poll_interval_us = 200000;  // how often a followed file is checked at its end
  std::optional<FilePosition> start;  // where to start (ResumeFrom)
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

  // {file, offset of the next unread record} after the last batch Read returned.
  FilePosition Position() const;
  // Starts reading at `position` (a Position() of an earlier run); call before the first Read.
  void ResumeFrom(FilePosition position) { options_.start = std::move(position); }

  // The matched files, in reading order (after Connect; grows while following).
  const std::vector<std::string>& files() const { return files_; }

 private:
  enum class Mode {
    kRawLines,  // no codec: one message per line
    kDecoded,   // a codec over whole lines (json) or whole records (csv)
    kBytes,     // a codec over the bytes as read (arrow)
  };
  // A batch ready to return, with the position just after it.
  struct Pending {
    InputBatch in;
    FilePosition end;
  };

  // The regular files matching the pattern, in name order.
  Result<std::vector<std::string>> Expand() const;
  Status OpenNext();
  // Feeds the CSV header line of the current file to the decoder (resuming mid-file).
  Status ReadCsvHeader();
  void CloseFile();
  // Reads more bytes of the current file into reader_ (decompressing, skipping to the start
  // offset). At the end of a followed file it sets idle_ instead of marking the reader at eof.
  Status Fill();
  Result<size_t> ReadSome(char* out, size_t capacity);
  // At the end of the followed file: truncation, rotation, newer files; else waits.
  Status OnIdle(std::stop_token stop);
  // Adds files matching the pattern that sort after the last opened one; true when any.
  Result<bool> FindNewFiles();
  void Wait(std::stop_token stop) const;
  // Each appends what it read to pending_ (possibly nothing) and may close the current file.
  Status ReadRawLines();
  Status ReadDecoded();
  Status ReadBytes();
  Status Decoded(Result<DecodeResult> result, int64_t chunk_start, int64_t chunk_end);
  void Push(InputBatch in, int64_t end_offset);
  // `__meta_source` for `rows` rows of the current file.
  ColumnPtr SourceColumn(int64_t rows);
  std::optional<Batch> ErrorBatch(std::vector<RecordError> errors) const;
  // Offset in the file of the reader's next unreturned byte.
  int64_t ReaderOffset() const { return base_ + reader_.offset(); }

  FileInputOptions options_;
  ComponentContext ctx_;
  std::string error_component_;
  Mode mode_ = Mode::kRawLines;
  bool csv_header_ = false;  // the codec is csv with a header line
  bool connected_ = false;
  std::vector<std::string> files_;
  std::atomic<int64_t> total_bytes_{0};
  std::atomic<int64_t> read_bytes_{0};

  size_t next_file_ = 0;
  int fd_ = -1;
  std::string current_;  // path of the open file
  dev_t dev_ = 0;        // identity of the open file (rotation)
  ino_t ino_ = 0;
  std::set<std::pair<dev_t, ino_t>> seen_;  // files opened (following: renamed ones are not new)
  std::string last_name_;                   // the greatest name opened
  LineReader reader_;
  std::unique_ptr<GzipReader> gzip_;      // the open file is gzip
  std::unique_ptr<char[]> scratch_;       // decompressed / followed bytes before reader_.Append
  int64_t base_ = 0;                      // file offset of the reader's stream offset 0
  int64_t skip_ = 0;                      // decompressed bytes still to skip (gzip start offset)
  int64_t appended_lines_ = 0;            // newlines decompressed so far (gzip error positions)
  bool idle_ = false;                     // the followed file has no more bytes for now
  bool finishing_ = false;                // read the open file to its end, then close it
  std::vector<RecordError> fill_errors_;  // a gzip error of the open file
  std::unique_ptr<Decoder> decoder_;
  SchemaPtr raw_schema_;
  ColumnPtr source_;  // `__meta_source` of the current file, sliced per batch
  std::deque<Pending> pending_;
  mutable std::mutex position_mu_;
  FilePosition position_;  // guarded by position_mu_
};

void RegisterFileInput(Registry& registry);

}  // namespace ark
