// Stream: one `streams[]` entry running — input → [buffer] → processors → output (+ error_output)
// on its own threads, with the ordering, delivery and shutdown rules of DESIGN §3.
//
// Threads and queues (every queue bounded in batches and bytes; no busy waiting):
//
//   reader ──▶ [input queue ──▶ buffer thread] ──▶ work queue ──▶ workers ×thread_num ──┐
//                                                                                       ▼
//   writer ◀── output queue ◀── ordered stage (stateful processors, timers) ◀── reorder buffer
//
// - The reader connects the input (retrying while Unavailable), then calls Read() until end of
//   stream or a stop request. Decode errors (InputBatch.errors) travel to error_output with the
//   batch's acknowledgement. Read errors are logged, counted and retried with backoff.
// - Every message gets a sequence number when it enters the processor stage. Workers run the
//   leading run of stateless processors in parallel; the reorder buffer hands results to the
//   ordered stage in sequence order, so input order holds whatever thread_num is. Without
//   stateless processors there are no workers and messages go straight to the reorder buffer.
// - The ordered stage runs the remaining processors (from the first stateful one) one batch at a
//   time, calls OnTimer() at their NextDeadline() even when no batch arrives, and passes control
//   messages (end of stream: flush) through OnControl() before forwarding them.
// - The writer writes each data batch (retrying retryable failures with exponential backoff until
//   a forced stop), then acknowledges it. Rejected rows (decode errors, processor failures,
//   non-retryable write failures) are written to error_output with `__error__` and
//   `__error_component` columns. Without an error_output they are logged (warn, with the reason
//   and the row count), counted in arkflow_error_rows_total, and acknowledged.
//
// Acknowledgements: the input is acked only after every piece of what it read was written. A
// processor emitting several batches (or data plus errors) forks the AckSet; a batch a stateful
// processor absorbs without emitting hands its acks to the next batch that processor emits (a
// stateful processor that emits releases every ack it holds); a batch filtered out entirely is
// acked once it is in order, after everything before it was written. Acks therefore complete in
// input order. If error_output also rejects rows for good, they are logged as errors and acked.
//
// Lifecycle: Start() launches the threads. Finite inputs end the stream by themselves (Wait()
// returns). Stop() is graceful: the input stops reading, everything already read is processed,
// written, flushed and acked, then the threads are joined. Kill() abandons in-flight data without
// acking it and joins as soon as no component call is in progress.
//
// Thread-safety: Start/Stop/Kill/Wait and the accessors may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/bounded_queue.h"
#include "base/status.h"
#include "runtime/backoff.h"
#include "runtime/event_time.h"
#include "runtime/input.h"
#include "runtime/message.h"
#include "runtime/metrics.h"
#include "runtime/output.h"
#include "runtime/processor.h"
#include "runtime/reorder_buffer.h"
#include "runtime/stream_buffer.h"
#include "runtime/stream_probe.h"

namespace ark {

// The built components of one stream. The *_type strings are the config `type` names, used in
// error rows and logs ("processor[1] json_to_arrow"); they may be empty.
struct StreamComponents {
  std::unique_ptr<Input> input;
  std::string input_type;
  std::unique_ptr<StreamBuffer> buffer;  // optional
  std::vector<std::unique_ptr<Processor>> processors;
  std::vector<std::string> processor_types;  // empty, or one per processor
  std::unique_ptr<Output> output;
  std::string output_type;
  std::unique_ptr<Output> error_output;  // optional
  std::string error_output_type;
  // The input's `event_time`: the reader tracks the watermark (event_time.h), sends it in band
  // after the batch that advanced it, and sends late rows to error_output.
  std::optional<EventTimeOptions> event_time;
};

struct StreamOptions {
  int thread_num = 1;                         // workers for the stateless processors
  size_t queue_max_batches = 32;              // per queue
  size_t queue_max_bytes = size_t{64} << 20;  // per queue
  // Retryable write failures of output and error_output; retried until a forced stop.
  RetryPolicy output_retry{std::chrono::milliseconds(50), std::chrono::seconds(10)};
  // Input Connect() while Unavailable, and failed Read() calls.
  RetryPolicy input_retry{std::chrono::milliseconds(100), std::chrono::seconds(10)};
};

enum class StreamState {
  kCreated,     // built, not started
  kConnecting,  // started; input or output not connected yet
  kRunning,     // input and output connected
  kDraining,    // stop requested or input ended; draining what was read
  kFinished,    // every thread ended normally
  kFailed,      // ended because a component failed for good (see Wait())
};

std::string_view StreamStateName(StreamState s);  // "created", "running", ...

class Stream {
 public:
  // `metrics` may be null: the stream then keeps a registry of its own.
  // REQUIRES: components.input and components.output are set.
  Stream(std::string id, StreamComponents components, StreamOptions options,
         MetricsRegistry* metrics);
  // Kills the stream if it is still running.
  ~Stream();

  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // Launches the threads. Connecting happens on them. Fails only when called twice.
  Status Start();
  // Asks for a graceful stop and returns at once.
  void RequestStop();
  // Graceful stop; waits until everything read was drained and the threads ended. Idempotent.
  void Stop();
  // Forced stop: in-flight data is dropped unacknowledged. Waits for the threads. Idempotent.
  void Kill();
  // Blocks until the stream ended. Returns why it failed (a component failed for good), else OK.
  Status Wait();

  const std::string& id() const { return id_; }
  StreamState state() const;
  bool input_connected() const { return input_connected_.load(); }
  bool output_connected() const { return output_connected_.load(); }
  // The input's (done, total) progress, when it knows it. Calls Input::Progress() on the caller's
  // thread, concurrently with Read().
  std::optional<std::pair<int64_t, int64_t>> Progress() const;
  const StreamProbe& probe() const { return *probe_; }
  MetricsRegistry& metrics() { return *metrics_; }

 private:
  // What travels after the input: a message plus where it goes.
  enum class Route : uint8_t {
    kData,     // data through the processors to the output; or a control message
    kError,    // error rows for error_output
    kAckOnly,  // nothing to write: acknowledge when reached in order
  };
  struct Envelope {
    Route route = Route::kData;
    StreamMessage msg;
  };
  // The results of one sequence number, as they enter the ordered stage.
  struct Slot {
    std::vector<Envelope> items;
  };

  // Thread bodies.
  void ReaderLoop();
  void ReadUntilEnd(std::stop_token stop);
  void BufferLoop();
  void WorkerLoop();
  void OrderedLoop();
  void WriterLoop();

  // Reader: to the buffer thread when there is a buffer, else Dispatch(). False when killed.
  bool Forward(Envelope env);
  // Reader/buffer thread: numbers `env` and hands it to the workers or the reorder buffer.
  // False when the stream was killed.
  bool Dispatch(Envelope env);

  // Runs processors [from, to) on a data message; appends what comes out (data, error rows and
  // acknowledgements with nothing to write) to `out`, in order.
  void RunRange(size_t from, size_t to, StreamMessage msg, std::vector<Envelope>* out);
  // Runs processor `i` on `msg`. Results go to `out` carrying the acks (msg's, plus the held ones
  // of a stateful processor). When nothing results, a stateless processor's acks come back
  // through `leftover`; a stateful one holds them.
  void ApplyProcessor(size_t i, StreamMessage msg, std::vector<Envelope>* out, AckSet* leftover);
  // Turns processor `i`'s output into envelopes that share `acks` (forked when several). Returns
  // false, leaving `acks` alone, when there is no output.
  bool Distribute(size_t i, ProcessOutput& po, AckSet& acks, int64_t created_us,
                  std::vector<Envelope>* out);

  // Ordered stage.
  // Runs data envelopes through processors [from, end) and sends everything to the writer.
  void SendThrough(size_t from, std::vector<Envelope> envs);
  // Passes on the output of OnTimer/OnControl of stateful processor `i` with its held acks.
  void EmitHeld(size_t i, ProcessOutput po);
  void RunTimers(Processor::Clock::time_point now);
  void HandleControl(const StreamMessage& control);
  std::optional<Processor::Clock::time_point> NextTimerDeadline() const;
  // → writer. False when killed.
  bool Send(Envelope env);

  // Writer.
  // Calls `call` until it succeeds, retrying retryable failures with backoff. Returns the first
  // non-retryable failure, or Cancelled when killed.
  template <typename Call>
  Status RetryCall(Call&& call, const ComponentProbe& probe, std::string_view what);
  // Returns false when the output is gone for good (Write returned Cancelled): the stream stops.
  bool WriteData(Envelope env);
  // Writes error rows to error_output (or logs them), then acks them.
  void WriteErrors(Envelope env);
  void FinishOutputs();
  // After a fatal output failure: drops everything until end of stream, unacknowledged.
  void DrainUnwritten();

  void Fail(Status status);
  void CloseQueues();
  void JoinAll();
  void UpdateUp();
  void ThreadExited();
  std::string ProcessorLabel(size_t i) const;
  std::string OutputLabel(bool error_output) const;

  const std::string id_;
  StreamComponents c_;
  const StreamOptions options_;
  std::unique_ptr<MetricsRegistry> own_metrics_;
  MetricsRegistry* metrics_;
  std::unique_ptr<StreamProbe> probe_;
  std::optional<WatermarkTracker> tracker_;  // the input's event_time, reader thread only
  Counter* late_rows_ = nullptr;

  // Processors [0, stateless_count_) run on the workers, the rest on the ordered stage.
  size_t stateless_count_ = 0;
  bool use_workers_ = false;
  // No processors: the reader (or buffer) sends straight to the writer, without the ordered
  // stage's thread in between (a bridge such as MQTT → MQTT then costs one thread hop less per
  // batch).
  bool direct_ = false;

  std::unique_ptr<BoundedQueue<Envelope>> input_queue_;  // reader → buffer thread (with a buffer)
  std::unique_ptr<BoundedQueue<Envelope>> work_queue_;   // → workers (with stateless processors)
  std::unique_ptr<ReorderBuffer<Slot>> reorder_;         // → ordered stage
  std::unique_ptr<BoundedQueue<Envelope>> output_queue_;  // ordered stage → writer
  Gauge* input_depth_ = nullptr;
  Gauge* work_depth_ = nullptr;
  Gauge* reorder_depth_ = nullptr;
  Gauge* output_depth_ = nullptr;

  uint64_t next_seq_ = 0;  // reader or buffer thread only

  // Ordered stage only: acks absorbed by stateful processor i and not yet passed on, and the
  // earliest creation time among them.
  std::vector<AckSet> held_acks_;
  std::vector<int64_t> held_created_us_;

  std::stop_source stop_source_;  // graceful: the input stops reading
  std::stop_source kill_source_;  // forced: everything stops, nothing more is acked
  std::atomic<bool> killed_{false};
  std::atomic<bool> started_{false};
  std::atomic<bool> input_connected_{false};
  std::atomic<bool> output_connected_{false};
  std::atomic<bool> input_ended_{false};

  mutable std::mutex mu_;
  std::condition_variable done_cv_;
  int running_threads_ = 0;  // GUARDED_BY(mu_)
  bool done_ = false;        // GUARDED_BY(mu_): every thread ended
  Status failure_;           // GUARDED_BY(mu_)

  std::mutex join_mu_;  // serializes JoinAll
  std::vector<std::thread> threads_;
};

}  // namespace ark
