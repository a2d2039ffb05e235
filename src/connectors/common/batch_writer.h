// Writing batches as bytes, for the `stdout` and `file` outputs.
//
// BatchFormatter decides the bytes:
//   - with a codec: the codec's stream framing (NDJSON lines, CSV with its header first, the Arrow
//     IPC stream), and the codec's FinishStream bytes at the end; `append_newline` does not apply;
//   - without a codec: the `__value__` column (binary or string) of every row, each followed by
//     '\n' when append_newline (a null value writes nothing but the newline);
//   - without a codec, when the batch has other columns than `__value__` and `__meta_*` (decoded
//     rows, or error rows with their `__error__` reason): every row as one JSON object (the json
//     codec's per-row encoding), each followed by '\n' when append_newline — a friendly default so
//     that a pipeline printing structured rows needs no codec, and error_output shows the reason.
//
// BatchWriter hands the bytes to a file descriptor with write(2) so that a Write that returns OK
// has given every byte to the operating system, and a failed Write can be retried without losing
// or repeating bytes: the unwritten remainder is kept and written first by the next call, and when
// that call carries the same batch (the runtime retrying it) it completes the batch instead of
// encoding it again. A full disk (ENOSPC, EDQUOT) is ResourceExhausted (retried by the runtime);
// other failures are IoError.
//
// Thread-safety: used by one writer thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "codec/codec.h"
#include "core/batch.h"
#include "runtime/registry.h"

namespace ark {

// The `__value__` column of a raw-message batch (only `__value__` and `__meta_*` columns), or null.
ColumnPtr RawValueColumn(const Batch& batch);

class BatchFormatter {
 public:
  // `encoder`: the configured codec's encoder, or null for raw output. `ctx.registry` builds the
  // json encoder of the no-`__value__` fallback when first needed.
  BatchFormatter(std::unique_ptr<Encoder> encoder, bool append_newline, ComponentContext ctx);

  // Appends the bytes of `batch` to `out`.
  Status Append(const Batch& batch, std::string* out);
  // Appends whatever ends the stream (the codec's trailer).
  Status Finish(std::string* out);

 private:
  Status AppendPayloads(const Column& payloads, std::string* out) const;

  std::unique_ptr<Encoder> encoder_;
  bool append_newline_;
  ComponentContext ctx_;
  std::unique_ptr<Encoder> json_encoder_;  // fallback for batches without `__value__`
};

class BatchWriter {
 public:
  // `what` names the destination in error messages ("standard output", "file out.ndjson.tmp").
  BatchWriter(BatchFormatter formatter, std::string what);

  // Formats `batch` and writes all its bytes to `fd` (after any remainder of a failed call).
  Status Write(int fd, const Batch& batch);
  // Writes the formatter's trailer (and any remainder).
  Status Finish(int fd);

  int64_t bytes_written() const { return bytes_written_; }

 private:
  // Writes pending_[pending_pos_, end); on failure the rest stays pending.
  Status WritePending(int fd);

  BatchFormatter formatter_;
  std::string what_;
  std::string pending_;  // bytes of the current batch
  size_t pending_pos_ = 0;
  // The batch whose bytes failed to be written completely (compared by column identity).
  std::vector<ColumnPtr> failed_columns_;
  int64_t failed_rows_ = -1;
  int64_t bytes_written_ = 0;
  bool finished_ = false;  // the trailer was produced
};

// Writes all of `data` to `fd` (retrying EINTR and short writes, waiting on EAGAIN). `*written`
// receives the bytes written before a failure. ENOSPC/EDQUOT → ResourceExhausted, else IoError.
Status WriteFully(int fd, std::string_view data, size_t* written, std::string_view what);

}  // namespace ark
