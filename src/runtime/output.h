// Output: a sink of batches (DESIGN §3). Each output has its own writer thread.
//
// Write() returns OK only once the batch is as durable as this output can make it (written and
// flushed to the OS for files, delivery reports received for Kafka, ...), because the runtime then
// acknowledges the inputs. A retryable failure (Unavailable, ResourceExhausted) is retried by the
// runtime with exponential backoff, forever until shutdown — nothing unwritten is acknowledged. A
// non-retryable failure (the batch cannot be encoded, say) sends the batch to error_output with the
// reason. Cancelled means the destination is gone for good (standard output closed by its reader):
// the stream stops, and what is in flight is dropped unacknowledged.
//
// Thread-safety: Connect/Write/Flush/Close are called from the writer thread only.
#pragma once

#include "base/status.h"
#include "core/batch.h"

namespace ark {

class Output {
 public:
  virtual ~Output() = default;

  virtual Status Connect() { return Status::OK(); }
  virtual Status Write(const Batch& batch) = 0;
  // Called at end of stream and before shutdown.
  virtual Status Flush() { return Status::OK(); }
  virtual Status Close() { return Status::OK(); }

  // True when the output can take a changelog — rows with an `__op` column ("+I", "-U", "+U",
  // "-D") that update or retract earlier rows — and write it faithfully (the rows with their
  // `__op`, or applied as upserts). Append-only message outputs say false, and a continuous query
  // whose result retracts refuses to run into them (DESIGN §2).
  virtual bool accepts_changelog() const { return false; }
};

}  // namespace ark
