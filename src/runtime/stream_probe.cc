#include "runtime/stream_probe.h"

#include <fmt/format.h>

namespace ark {

StreamProbe::StreamProbe(MetricsRegistry& registry, std::string_view stream_id,
                         size_t processor_count, bool has_buffer)
    : registry_(registry), stream_id_(stream_id) {
  input = MakeComponent("input");
  if (has_buffer) buffer = MakeComponent("buffer");
  for (size_t i = 0; i < processor_count; ++i) {
    processors.push_back(MakeComponent(fmt::format("processor[{}]", i)));
  }
  output = MakeComponent("output");
  error_output = MakeComponent("error_output");
  for (ComponentProbe* p : {&output, &error_output}) {
    MetricLabels labels = {{"stream", stream_id_},
                           {"component", p == &output ? "output" : "error_output"}};
    p->retries = registry_.GetCounter("arkflow_output_retries_total",
                                      "Output calls retried after a retryable failure.", labels);
  }
  latency = registry_.GetHistogram("arkflow_processing_latency_seconds",
                                   "Seconds from reading a batch to writing it to the output.",
                                   {{"stream", stream_id_}});
  up = registry_.GetGauge("arkflow_stream_up",
                          "1 while the stream's input and output are connected, else 0.",
                          {{"stream", stream_id_}});
}

ComponentProbe StreamProbe::MakeComponent(std::string_view component) {
  MetricLabels labels = {{"stream", stream_id_}, {"component", std::string(component)}};
  ComponentProbe p;
  p.rows_in = registry_.GetCounter("arkflow_messages_in_total",
                                   "Rows (messages) received by the component.", labels);
  p.rows_out = registry_.GetCounter("arkflow_messages_out_total",
                                    "Rows (messages) passed on by the component; for outputs, "
                                    "rows written.",
                                    labels);
  p.bytes_in = registry_.GetCounter("arkflow_bytes_in_total",
                                    "Batch bytes received by the component.", labels);
  p.bytes_out = registry_.GetCounter("arkflow_bytes_out_total",
                                     "Batch bytes passed on (written) by the component.", labels);
  p.batches_in = registry_.GetCounter("arkflow_batches_in_total",
                                      "Batches received by the component.", labels);
  p.batches_out = registry_.GetCounter("arkflow_batches_out_total",
                                       "Batches passed on (written) by the component.", labels);
  p.errors = registry_.GetCounter("arkflow_errors_total",
                                  "Failed calls of the component (connect, read, process, write).",
                                  labels);
  p.error_rows = registry_.GetCounter(
      "arkflow_error_rows_total", "Rows the component rejected, routed to error_output.", labels);
  return p;
}

Gauge* StreamProbe::QueueDepth(std::string_view queue) {
  return registry_.GetGauge("arkflow_queue_depth", "Batches waiting in a stream's queue.",
                            {{"stream", stream_id_}, {"queue", std::string(queue)}});
}

}  // namespace ark
