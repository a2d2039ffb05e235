// `file` output: writes the stream to one file, published atomically.
//
// Bytes follow BatchFormatter (connectors/common/batch_writer.h): raw `__value__` lines without a
// codec (JSON per row when a batch has other columns than `__value__`/`__meta_*`), or the codec's
// format (json, csv, arrow). They go to `<path>.tmp`, which Close() renames to `<path>`, so a
// reader never sees a half-written file at `path`.
//
// Durability of Write (what the runtime's acknowledgement means): every batch is handed to the
// operating system with write(2) before Write returns, so acknowledged data survives the engine
// crashing (it sits in `<path>.tmp`), but not an OS crash or power loss. With `sync: true` each
// batch is also fdatasync'ed, and Close fsyncs the file and its directory around the rename, which
// survives power loss at the cost of one disk flush per batch.
//
// A `<path>.tmp` found at Connect is left over from an interrupted run and holds acknowledged data:
// it is moved aside to `<path>.partial-<unix microseconds>` (with a warning), never overwritten.
//
// Thread-safety: one writer thread (Output contract).
#pragma once

#include <memory>
#include <string>

#include "connectors/common/batch_writer.h"
#include "runtime/output.h"
#include "runtime/registry.h"

namespace ark {

class FileOutput final : public Output {
 public:
  FileOutput(std::string path, BatchFormatter formatter, bool sync);
  ~FileOutput() override;

  // Opens `<path>.tmp` (moving a leftover one aside).
  Status Connect() override;
  Status Write(const Batch& batch) override;
  // Writes the codec trailer, closes and renames `<path>.tmp` to `<path>`. Idempotent.
  Status Close() override;

  const std::string& temp_path() const { return temp_path_; }

 private:
  Status Sync(bool full);

  std::string path_;
  std::string temp_path_;
  BatchWriter writer_;
  bool sync_;
  bool direct_ = false;  // writing straight to a device or FIFO: no temp file, no rename
  int fd_ = -1;
};

void RegisterFileOutput(Registry& registry);

}  // namespace ark
