// `stdout` output: writes every batch to standard output (ArkFlow's `stdout`, `append_newline`),
// optionally through a codec. The bytes follow BatchFormatter (connectors/common/batch_writer.h):
// `__value__` per row without a codec, one JSON object per row when a batch has other columns than
// `__value__`/`__meta_*`, the codec's framing with one. Each Write hands all its bytes to the OS
// with write(2) before it returns — that is what "durably written" means for standard output.
//
// Thread-safety: one writer thread (Output contract).
#pragma once

#include <unistd.h>

#include <memory>

#include "connectors/common/batch_writer.h"
#include "runtime/output.h"
#include "runtime/registry.h"

namespace ark {

class StdoutOutput final : public Output {
 public:
  // Writes the rows as they come, `__op` included.
  bool accepts_changelog() const override { return true; }
  // `fd` is standard output in production; tests pass a pipe or a file.
  explicit StdoutOutput(BatchFormatter formatter, int fd = STDOUT_FILENO);

  Status Write(const Batch& batch) override;
  // Writes the codec's trailer (the Arrow IPC end-of-stream marker), once.
  Status Close() override;

 private:
  BatchWriter writer_;
  int fd_;
  bool closed_ = false;
};

void RegisterStdoutOutput(Registry& registry);

}  // namespace ark
