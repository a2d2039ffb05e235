// Input: a source of batches (DESIGN §3). One reader thread per input calls Read() in a loop.
//
// Read() blocks until it has a batch, the input is exhausted (EndOfStream status) or `stop` is
// requested (Cancelled status, or whatever it has). Each batch carries an AckToken the runtime
// completes once every output wrote it. A finite input (file, memory, generate with count) returns
// EndOfStream when drained; the stream then drains and ends.
//
// Records that cannot be decoded are returned in `errors` (an error batch for error_output, see
// codec.h MakeErrorBatch), never dropped and never failing the read.
//
// Thread-safety: Connect/Read/Close are called from the reader thread only.
#pragma once

#include <optional>
#include <stop_token>

#include "base/status.h"
#include "core/batch.h"
#include "runtime/ack.h"

namespace ark {

struct InputBatch {
  Batch batch;                  // may be empty when only errors were read
  AckToken ack;                 // acknowledges batch and errors together
  std::optional<Batch> errors;  // undecodable records, for error_output
};

class Input {
 public:
  virtual ~Input() = default;

  // Opens connections/files. Retryable failures (Unavailable) are retried with backoff.
  virtual Status Connect() { return Status::OK(); }

  // The next batch; EndOfStream when a finite input is drained; Cancelled when stopped.
  virtual Result<InputBatch> Read(std::stop_token stop) = 0;

  // Releases resources. Called once, from the reader thread, after the last Read.
  virtual Status Close() { return Status::OK(); }

  // Progress for the terminal progress line: (done, total) in bytes, when known.
  virtual std::optional<std::pair<int64_t, int64_t>> Progress() const { return std::nullopt; }
};

}  // namespace ark
