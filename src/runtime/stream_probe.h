// StreamProbe: the metric handles of one stream, obtained once when the stream is built so the
// stages only bump atomics per batch (STYLE: metrics live in a *_probe beside the service).
//
// Series (labels `stream`, and `component` = "input", "buffer", "processor[i]", "output",
// "error_output"):
//   arkflow_messages_in_total     rows a component received (input: read from the source;
//                                 processor: passed to Process; output: handed to Write)
//   arkflow_messages_out_total    rows a component passed on (output: written successfully)
//   arkflow_bytes_in_total / arkflow_bytes_out_total      the same in batch bytes
//   arkflow_batches_in_total / arkflow_batches_out_total  the same in batches
//   arkflow_errors_total          failed calls (read, connect, Process, Write attempts)
//   arkflow_error_rows_total      rows the component rejected (sent to error_output or logged)
//   arkflow_output_retries_total  write attempts retried after a retryable failure (outputs)
//   arkflow_queue_depth{stream,queue}             batches waiting in each queue
//   arkflow_processing_latency_seconds{stream}    input read → output written, per batch
//   arkflow_stream_up{stream}     1 while both the input and output are connected
//
// Thread-safety: the handles are updated concurrently from the stream's threads (atomics).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/batch.h"
#include "runtime/metrics.h"

namespace ark {

// The flow counters of one component.
struct ComponentProbe {
  Counter* rows_in = nullptr;
  Counter* rows_out = nullptr;
  Counter* bytes_in = nullptr;
  Counter* bytes_out = nullptr;
  Counter* batches_in = nullptr;
  Counter* batches_out = nullptr;
  Counter* errors = nullptr;
  Counter* error_rows = nullptr;
  Counter* retries = nullptr;  // outputs only: attempts retried after a retryable failure

  void In(const Batch& b) const {
    rows_in->Increment(static_cast<uint64_t>(b.num_rows()));
    bytes_in->Increment(b.ByteSize());
    batches_in->Increment();
  }
  void Out(const Batch& b) const {
    rows_out->Increment(static_cast<uint64_t>(b.num_rows()));
    bytes_out->Increment(b.ByteSize());
    batches_out->Increment();
  }
};

class StreamProbe {
 public:
  // `processor_count` processors get components "processor[0]".."processor[n-1]"; the "buffer"
  // component exists only when `has_buffer`.
  StreamProbe(MetricsRegistry& registry, std::string_view stream_id, size_t processor_count,
              bool has_buffer);

  // A queue-depth gauge for the queue named `queue` ("input", "workers", "ordered", "output").
  Gauge* QueueDepth(std::string_view queue);

  ComponentProbe input;
  ComponentProbe buffer;  // handles are null without a buffer
  std::vector<ComponentProbe> processors;
  ComponentProbe output;
  ComponentProbe error_output;
  Histogram* latency = nullptr;
  Gauge* up = nullptr;

 private:
  ComponentProbe MakeComponent(std::string_view component);

  MetricsRegistry& registry_;
  std::string stream_id_;
};

}  // namespace ark
