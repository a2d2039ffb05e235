// `file` output: writes the stream to files, each published atomically under its final name.
//
// Bytes follow BatchFormatter (connectors/common/batch_writer.h): raw `__value__` lines without a
// codec (JSON per row when a batch has other columns than `__value__`/`__meta_*`), or the codec's
// format (json, csv, arrow). A file is written as `<name>.tmp` and renamed to `<name>` when it is
// complete, so a reader never sees a half-written file under its final name.
//
// One file (the default): `path` is opened at Connect and renamed at Close (end of stream or
// shutdown); an empty stream gives an empty file.
//
// Many files: `path` may be a template (PathTemplate: {n}, {n:W}, {time:FMT}, {date}, {stream}),
// and a file is rolled (completed, renamed, and the next one started) once it holds `max_size`
// bytes (checked after each batch: a file exceeds it by less than one batch; a batch is never
// split), once it has been open `roll_interval` (a timer thread rolls it even when no batch
// arrives), or when the rendered time part of the name changes. Rolling needs {n} in the path. A
// file is opened at its first batch (no empty files), every file gets a fresh encoder (a CSV header
// and a complete Arrow IPC stream each), directories of a template with a placeholder in its
// directory part are created as needed, and {n} skips names that already exist.
//
// Durability of Write (what the runtime's acknowledgement means): every batch is handed to the
// operating system with write(2) before Write returns, so acknowledged data survives the engine
// crashing (it sits in `<name>.tmp`), but not an OS crash or power loss. With `sync: true` each
// batch is also fdatasync'ed, and completing a file fsyncs it and its directory around the rename,
// which survives power loss at the cost of one disk flush per batch. A failed Write (disk full) is
// completed by the runtime's retry before any roll, so no batch is split across two files.
//
// A `<name>.tmp` found when opening a file is left over from an interrupted run and holds
// acknowledged data: it is moved aside to `<name>.partial-<unix microseconds>` (with a warning),
// never overwritten.
//
// Thread-safety: Connect/Write/Flush/Close from the writer thread (Output contract); with
// `roll_interval` a timer thread also completes files, under a mutex.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "connectors/common/batch_writer.h"
#include "connectors/file/path_template.h"
#include "runtime/output.h"
#include "runtime/registry.h"

namespace ark {

struct FileOutputOptions {
  std::string path;              // a file name or a PathTemplate
  bool sync = false;             // fdatasync every batch, fsync file and directory on completion
  int64_t max_size = 0;          // roll at this many bytes; 0: never by size
  int64_t roll_interval_us = 0;  // roll files open this long; 0: never by time
  std::string stream;            // {stream}
};

class FileOutput final : public Output {
 public:
  // Writes the rows as they come, `__op` included.
  bool accepts_changelog() const override { return true; }
  // Builds the formatter of each new file (a fresh encoder per file).
  using FormatterFactory = std::function<Result<BatchFormatter>()>;

  // Fails on a bad template, or on rolling without {n}.
  static Result<std::unique_ptr<FileOutput>> Make(FileOutputOptions options,
                                                  FormatterFactory make_formatter);
  // One file at `path` (no template, no rolling).
  FileOutput(std::string path, BatchFormatter formatter, bool sync);
  ~FileOutput() override;

  // One file: opens `<path>.tmp` (moving a leftover one aside). Templates/rolling: starts the
  // roll timer; files are opened by Write.
  Status Connect() override;
  Status Write(const Batch& batch) override;
  // Completes the open file (codec trailer, close, rename). Idempotent.
  Status Close() override;

  // The temp name of the open file ("" when none is open).
  std::string temp_path() const;
  // Final names of the files completed so far, in order.
  std::vector<std::string> completed() const;

 private:
  FileOutput(FileOutputOptions options, PathTemplate path, FormatterFactory make_formatter);

  bool templated() const { return path_.has_placeholders() || rolling(); }
  bool rolling() const { return options_.max_size > 0 || options_.roll_interval_us > 0; }
  // Opens the next file (name, directories, leftover temp file). Caller holds mu_.
  Status OpenFile(int64_t now_us);
  // Completes the open file: trailer, sync, close, rename. Caller holds mu_.
  Status CompleteFile();
  Status Sync(bool full);
  void TimerLoop(std::stop_token stop);

  FileOutputOptions options_;
  PathTemplate path_;
  FormatterFactory make_formatter_;

  mutable std::mutex mu_;
  std::condition_variable_any timer_cv_;
  std::string final_path_;  // of the open file
  std::string temp_path_;
  std::optional<BatchWriter> writer_;
  int fd_ = -1;
  bool direct_ = false;         // writing straight to a device or FIFO: no temp file, no rename
  int64_t opened_mono_us_ = 0;  // monotonic clock when the open file was opened (roll_interval)
  int64_t open_seq_ = 0;        // {n} of the open file
  int64_t next_seq_ = 0;
  bool last_write_failed_ = false;  // the retry must complete that batch in the same file
  bool roll_pending_ = false;       // completing the open file failed; retried before writing
  std::vector<std::string> completed_;
  std::jthread timer_;
};

void RegisterFileOutput(Registry& registry);

}  // namespace ark
