// Processor: one step of `pipeline.processors` (DESIGN §3).
//
// Stateless processors (the default) run on `thread_num` workers in parallel; the runtime restores
// input order after them. A processor that keeps data between batches declares stateful() and runs
// on the single ordered stage, which also calls OnTimer() at NextDeadline() (so a `batch`
// processor flushes on timeout even when no new batch arrives) and OnControl() for in-band control
// messages (end of stream: flush what is held).
//
// Process() appends its results to `out`. Rows it cannot process go to `out->errors` (an error
// batch with an `__error__` column); returning a non-OK status fails the whole input batch, which
// the runtime sends to error_output with the status text. Neither stops the stream.
//
// Thread-safety: a stateless processor's Process() is called concurrently from several workers and
// must be thread-safe (keep per-call state on the stack); a stateful one is called from one thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "runtime/message.h"
#include "runtime/metrics.h"

namespace ark {

struct ProcessOutput {
  std::vector<Batch> batches;
  std::vector<Batch> errors;
};

class Processor {
 public:
  using Clock = std::chrono::steady_clock;

  virtual ~Processor() = default;

  virtual Status Process(Batch batch, ProcessOutput* out) = 0;

  virtual bool stateful() const { return false; }

  // Stateful processors: when OnTimer should next run (nullopt: no timer pending).
  virtual std::optional<Clock::time_point> NextDeadline() const { return std::nullopt; }
  virtual Status OnTimer(Clock::time_point now, ProcessOutput* out) {
    (void)now;
    (void)out;
    return Status::OK();
  }
  // Stateful processors: a control message reached this processor (end of stream: flush).
  virtual Status OnControl(const StreamMessage& control, ProcessOutput* out) {
    (void)control;
    (void)out;
    return Status::OK();
  }

  virtual Status Close() { return Status::OK(); }

  // Called once by the stream before it starts: where results go (the output's config type and
  // whether it accepts a changelog, output.h), and the registry under which a processor may
  // publish metrics of its own, with the stream's `labels` (stream, component).
  // Where a processor sits: what its stream writes to, and the event-time column the stream's
  // input tracks watermarks on (empty: none).
  struct Downstream {
    std::string output_type;
    bool accepts_changelog = false;
    std::string input_event_time_column;
  };
  // Called when the stream is built (also by `arkflow validate`): a processor whose results the
  // output cannot take says so here, and the config is refused.
  virtual Status CheckDownstream(const Downstream& downstream) const {
    (void)downstream;
    return Status::OK();
  }
  virtual void Attach(const Downstream& downstream, MetricsRegistry& metrics,
                      const MetricLabels& labels) {
    (void)downstream;
    (void)metrics;
    (void)labels;
  }
};

}  // namespace ark
