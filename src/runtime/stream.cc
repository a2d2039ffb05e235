#include "runtime/stream.h"

#include <pthread.h>

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/time.h"
#include "base/units.h"
#include "runtime/error_rows.h"

namespace ark {
namespace {

using Clock = Processor::Clock;

void NameThread(const char* name) { pthread_setname_np(pthread_self(), name); }

// The earlier of two creation times, where 0 means unknown.
int64_t EarlierCreated(int64_t a, int64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

}  // namespace

std::string_view StreamStateName(StreamState s) {
  switch (s) {
    case StreamState::kCreated:
      return "created";
    case StreamState::kConnecting:
      return "connecting";
    case StreamState::kRunning:
      return "running";
    case StreamState::kDraining:
      return "draining";
    case StreamState::kFinished:
      return "finished";
    case StreamState::kFailed:
      return "failed";
  }
  return "unknown";
}

Stream::Stream(std::string id, StreamComponents components, StreamOptions options,
               MetricsRegistry* metrics)
    : id_(std::move(id)), c_(std::move(components)), options_(options) {
  ARK_CHECK(c_.input != nullptr && c_.output != nullptr, "a stream needs an input and an output");
  if (metrics == nullptr) {
    own_metrics_ = std::make_unique<MetricsRegistry>();
    metrics = own_metrics_.get();
  }
  metrics_ = metrics;
  size_t n = c_.processors.size();
  probe_ = std::make_unique<StreamProbe>(*metrics_, id_, n, c_.buffer != nullptr);
  while (stateless_count_ < n && !c_.processors[stateless_count_]->stateful()) ++stateless_count_;
  if (c_.event_time) {
    tracker_.emplace(*c_.event_time);
    late_rows_ = metrics_->GetCounter("arkflow_late_rows_total",
                                      "Rows older than the watermark, sent to error_output.",
                                      {{"stream", id_}, {"component", "input"}});
  }
  Processor::Downstream downstream{c_.output_type, c_.output->accepts_changelog(),
                                   c_.event_time ? c_.event_time->column : ""};
  for (size_t i = 0; i < n; ++i) {
    c_.processors[i]->Attach(downstream, *metrics_,
                             {{"stream", id_}, {"component", fmt::format("processor[{}]", i)}});
  }
  use_workers_ = stateless_count_ > 0;
  direct_ = n == 0;
  held_acks_.resize(n);
  held_created_us_.assign(n, 0);

  size_t items = options_.queue_max_batches;
  size_t bytes = options_.queue_max_bytes;
  if (c_.buffer) {
    input_queue_ = std::make_unique<BoundedQueue<Envelope>>(items, bytes);
    input_depth_ = probe_->QueueDepth("input");
  }
  if (use_workers_) {
    work_queue_ = std::make_unique<BoundedQueue<Envelope>>(items, bytes);
    work_depth_ = probe_->QueueDepth("workers");
  }
  reorder_ = std::make_unique<ReorderBuffer<Slot>>(items, bytes);
  reorder_depth_ = probe_->QueueDepth("ordered");
  output_queue_ = std::make_unique<BoundedQueue<Envelope>>(items, bytes);
  output_depth_ = probe_->QueueDepth("output");
}

Stream::~Stream() {
  if (started_.load()) Kill();
}

Status Stream::Start() {
  if (started_.exchange(true)) return Status::Internal("stream {} was started twice", id_);
  int workers = use_workers_ ? std::max(1, options_.thread_num) : 0;
  {
    std::lock_guard lock(mu_);
    running_threads_ = (direct_ ? 2 : 3) + workers + (c_.buffer ? 1 : 0);
  }
  auto launch = [this](void (Stream::*body)(), const char* name) {
    threads_.emplace_back([this, body, name] {
      NameThread(name);
      (this->*body)();
      ThreadExited();
    });
  };
  launch(&Stream::WriterLoop, "ark-writer");
  if (!direct_) launch(&Stream::OrderedLoop, "ark-ordered");
  for (int i = 0; i < workers; ++i) launch(&Stream::WorkerLoop, "ark-worker");
  if (c_.buffer) launch(&Stream::BufferLoop, "ark-buffer");
  launch(&Stream::ReaderLoop, "ark-reader");
  return Status::OK();
}

void Stream::ThreadExited() {
  {
    std::lock_guard lock(mu_);
    if (--running_threads_ > 0) return;
  }
  // The last thread out: no stage runs a processor any more.
  for (size_t i = 0; i < c_.processors.size(); ++i) {
    Status st = c_.processors[i]->Close();
    if (!st.ok()) spdlog::warn("stream {}: closing {}: {}", id_, ProcessorLabel(i), st.ToString());
  }
  std::lock_guard lock(mu_);
  done_ = true;
  done_cv_.notify_all();
}

void Stream::RequestStop() { stop_source_.request_stop(); }

void Stream::Stop() {
  RequestStop();
  JoinAll();
}

void Stream::Kill() {
  killed_.store(true);
  kill_source_.request_stop();
  stop_source_.request_stop();
  CloseQueues();
  JoinAll();
}

Status Stream::Wait() {
  if (!started_.load()) return Status::Internal("stream {} was not started", id_);
  {
    std::unique_lock lock(mu_);
    done_cv_.wait(lock, [&] { return done_; });
  }
  JoinAll();
  std::lock_guard lock(mu_);
  return failure_;
}

void Stream::JoinAll() {
  std::lock_guard lock(join_mu_);
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void Stream::CloseQueues() {
  if (input_queue_) input_queue_->Close();
  if (work_queue_) work_queue_->Close();
  reorder_->Close();
  output_queue_->Close();
}

void Stream::Fail(Status status) {
  std::lock_guard lock(mu_);
  if (failure_.ok()) failure_ = std::move(status);
}

StreamState Stream::state() const {
  if (!started_.load()) return StreamState::kCreated;
  {
    std::lock_guard lock(mu_);
    if (!failure_.ok()) return StreamState::kFailed;
    if (done_) return StreamState::kFinished;
  }
  if (stop_source_.stop_requested() || input_ended_.load()) return StreamState::kDraining;
  if (input_connected_.load() && output_connected_.load()) return StreamState::kRunning;
  return StreamState::kConnecting;
}

std::optional<std::pair<int64_t, int64_t>> Stream::Progress() const { return c_.input->Progress(); }

void Stream::UpdateUp() {
  probe_->up->Set(input_connected_.load() && output_connected_.load() ? 1 : 0);
}

std::string Stream::ProcessorLabel(size_t i) const {
  if (i < c_.processor_types.size() && !c_.processor_types[i].empty()) {
    return fmt::format("processor[{}] {}", i, c_.processor_types[i]);
  }
  return fmt::format("processor[{}]", i);
}

std::string Stream::OutputLabel(bool error_output) const {
  const std::string& type = error_output ? c_.error_output_type : c_.output_type;
  std::string_view label = error_output ? "error_output" : "output";
  return type.empty() ? std::string(label) : fmt::format("{} {}", label, type);
}

// ---------------------------------------------------------------------------------------------
// Reader

void Stream::ReaderLoop() {
  std::stop_token stop = stop_source_.get_token();
  Backoff backoff(options_.input_retry);
  std::string label = c_.input_type.empty() ? "input" : fmt::format("input {}", c_.input_type);
  bool connected = false;
  while (!stop.stop_requested()) {
    Status st = c_.input->Connect();
    if (st.ok()) {
      connected = true;
      break;
    }
    probe_->input.errors->Increment();
    if (!st.IsRetryable()) {
      spdlog::error("stream {}: {} failed to connect: {}", id_, label, st.ToString());
      Fail(st.WithContext(fmt::format("stream {}: {}", id_, label)));
      break;
    }
    std::chrono::nanoseconds delay = backoff.Next();
    spdlog::warn("stream {}: {} is not available ({}); retrying in {}", id_, label, st.ToString(),
                 FormatDuration(delay));
    if (!SleepUnlessStopped(stop, delay)) break;
  }
  if (connected) {
    input_connected_.store(true);
    UpdateUp();
    ReadUntilEnd(stop);
    input_connected_.store(false);
    UpdateUp();
    Status st = c_.input->Close();
    if (!st.ok()) spdlog::warn("stream {}: closing the {}: {}", id_, label, st.ToString());
  }
  input_ended_.store(true);
  // End of stream travels behind everything read, so the stages downstream drain, flush and end.
  Forward(Envelope{Route::kData, StreamMessage::EndOfStream()});
  // The consumer drains what is queued, then sees the close.
  if (input_queue_) {
    input_queue_->Close();
  } else if (work_queue_) {
    work_queue_->Close();
  }
}

void Stream::ReadUntilEnd(std::stop_token stop) {
  Backoff backoff(options_.input_retry);
  const ComponentProbe& probe = probe_->input;
  while (!stop.stop_requested()) {
    Result<InputBatch> read = c_.input->Read(stop);
    if (!read.ok()) {
      Status st = read.status();
      if (st.IsEndOfStream() || st.IsCancelled()) return;
      // A read error must not end the stream silently: count it, say it, and try again.
      probe.errors->Increment();
      std::chrono::nanoseconds delay = backoff.Next();
      if (st.IsRetryable()) {
        spdlog::warn("stream {}: reading the input: {}; retrying in {}", id_, st.ToString(),
                     FormatDuration(delay));
      } else {
        spdlog::error("stream {}: reading the input failed: {}; retrying in {}", id_, st.ToString(),
                      FormatDuration(delay));
      }
      if (!SleepUnlessStopped(stop, delay)) return;
      continue;
    }
    backoff.Reset();
    InputBatch in = std::move(read).value();
    AckSet acks(std::move(in.ack));
    bool has_data = in.batch.num_rows() > 0;
    bool has_errors = in.errors.has_value() && in.errors->num_rows() > 0;
    if (!has_data && !has_errors) {
      acks.Done();  // nothing to write: the read is complete
      continue;
    }
    int64_t now_us = MonotonicMicros();
    std::optional<int64_t> watermark;
    if (has_data && tracker_) {
      // Event time: late rows (and rows without one) go to error_output; the rest go on, and
      // the watermark follows them in band.
      Result<WatermarkTracker::Observed> seen = tracker_->Observe(in.batch);
      std::vector<Batch> rejected;
      if (!seen.ok()) {
        rejected.push_back(AttachError(in.batch, seen.status().message(), "input"));
        in.batch = Batch();
      } else {
        for (auto& [rows, reason] : seen->late) {
          rejected.push_back(AttachError(rows, reason, "input"));
        }
        in.batch = std::move(seen->on_time);
        watermark = seen->watermark;
      }
      has_data = in.batch.num_rows() > 0;
      for (Batch& b : rejected) {
        probe.error_rows->Increment(static_cast<uint64_t>(b.num_rows()));
        late_rows_->Increment(static_cast<uint64_t>(b.num_rows()));
        StreamMessage m = StreamMessage::Data(std::move(b), acks.Fork());
        m.created_us = now_us;
        if (!Forward(Envelope{Route::kError, std::move(m)})) return;
      }
      if (!has_data && !has_errors) {
        acks.Done();
        continue;
      }
    }
    if (has_errors) {
      probe.error_rows->Increment(static_cast<uint64_t>(in.errors->num_rows()));
      StreamMessage m =
          StreamMessage::Data(std::move(*in.errors), has_data ? acks.Fork() : std::move(acks));
      m.created_us = now_us;
      if (!Forward(Envelope{Route::kError, std::move(m)})) return;
    }
    if (has_data) {
      probe.In(in.batch);
      probe.Out(in.batch);
      StreamMessage m = StreamMessage::Data(std::move(in.batch), std::move(acks));
      m.created_us = now_us;
      if (!Forward(Envelope{Route::kData, std::move(m)})) return;
    }
    if (watermark && !Forward(Envelope{Route::kData, StreamMessage::Watermark(*watermark)})) {
      return;
    }
  }
}

bool Stream::Forward(Envelope env) {
  if (!input_queue_) return Dispatch(std::move(env));
  if (killed_.load()) return false;
  size_t bytes = env.msg.bytes();
  if (!input_queue_->Push(std::move(env), bytes)) return false;
  input_depth_->Add(1);
  return true;
}

bool Stream::Dispatch(Envelope env) {
  if (killed_.load()) return false;
  env.msg.seq = next_seq_++;
  if (direct_) {
    // Behind the end of stream nothing follows: the writer drains the queue, then sees it close.
    const bool end = env.msg.kind == MessageKind::kEndOfStream;
    const bool sent = Send(std::move(env));
    if (end) output_queue_->Close();
    return sent;
  }
  size_t bytes = env.msg.bytes();
  if (use_workers_) {
    if (!work_queue_->Push(std::move(env), bytes)) return false;
    work_depth_->Add(1);
    return true;
  }
  uint64_t seq = env.msg.seq;
  Slot slot;
  slot.items.push_back(std::move(env));
  if (!reorder_->Insert(seq, std::move(slot), bytes)) return false;
  reorder_depth_->Add(1);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Buffer

void Stream::BufferLoop() {
  StreamBuffer& buffer = *c_.buffer;
  std::vector<StreamMessage> ready;
  auto check = [&](const Status& st, std::string_view what) {
    if (st.ok()) return;
    probe_->buffer.errors->Increment();
    spdlog::error("stream {}: buffer {} failed: {}", id_, what, st.ToString());
  };
  // Sends on what the buffer released; returns false when killed.
  auto pass_on = [&]() {
    bool alive = true;
    for (StreamMessage& m : ready) {
      if (m.created_us == 0) m.created_us = MonotonicMicros();
      probe_->buffer.Out(m.batch);
      if (alive && !Dispatch(Envelope{Route::kData, std::move(m)})) alive = false;
    }
    ready.clear();
    return alive;
  };
  while (true) {
    std::optional<Clock::time_point> deadline = buffer.NextDeadline();
    if (deadline && *deadline <= Clock::now()) {
      check(buffer.Poll(Clock::now(), &ready), "poll");
      if (!pass_on()) return;
      continue;
    }
    Envelope env;
    QueuePop pop = deadline ? input_queue_->PopUntil(&env, *deadline) : input_queue_->Pop(&env);
    if (killed_.load() || pop == QueuePop::kClosed) return;
    if (pop == QueuePop::kTimeout) continue;
    input_depth_->Add(-1);
    if (env.route != Route::kData) {
      // Error rows do not wait in the buffer.
      if (!Dispatch(std::move(env))) return;
    } else if (env.msg.kind == MessageKind::kEndOfStream) {
      check(buffer.Flush(&ready), "flush");
      if (!pass_on() || !Dispatch(std::move(env))) return;
      break;
    } else if (!env.msg.is_data()) {
      if (!Dispatch(std::move(env))) return;
    } else {
      probe_->buffer.In(env.msg.batch);
      check(buffer.Push(std::move(env.msg), Clock::now(), &ready), "push");
      if (!pass_on()) return;
    }
  }
  if (work_queue_) work_queue_->Close();
}

// ---------------------------------------------------------------------------------------------
// Processors

void Stream::WorkerLoop() {
  while (true) {
    Envelope env;
    if (work_queue_->Pop(&env) != QueuePop::kItem || killed_.load()) return;
    work_depth_->Add(-1);
    uint64_t seq = env.msg.seq;
    Slot slot;
    if (env.route == Route::kData && env.msg.is_data()) {
      RunRange(0, stateless_count_, std::move(env.msg), &slot.items);
    } else {
      slot.items.push_back(std::move(env));
    }
    size_t bytes = 0;
    for (const Envelope& e : slot.items) bytes += e.msg.bytes();
    if (!reorder_->Insert(seq, std::move(slot), bytes)) return;
    reorder_depth_->Add(1);
  }
}

void Stream::RunRange(size_t from, size_t to, StreamMessage msg, std::vector<Envelope>* out) {
  std::vector<Envelope> current;
  current.push_back(Envelope{Route::kData, std::move(msg)});
  for (size_t i = from; i < to; ++i) {
    std::vector<Envelope> next;
    for (Envelope& e : current) {
      if (e.route != Route::kData) {
        next.push_back(std::move(e));
        continue;
      }
      AckSet leftover;
      ApplyProcessor(i, std::move(e.msg), &next, &leftover);
      if (!leftover.empty()) {
        next.push_back(
            Envelope{Route::kAckOnly, StreamMessage::Data(Batch(), std::move(leftover))});
      }
    }
    current.swap(next);
  }
  for (Envelope& e : current) out->push_back(std::move(e));
}

void Stream::ApplyProcessor(size_t i, StreamMessage msg, std::vector<Envelope>* out,
                            AckSet* leftover) {
  Processor& processor = *c_.processors[i];
  const ComponentProbe& probe = probe_->processors[i];
  probe.In(msg.batch);
  Batch original = msg.batch;  // shares the columns; sent to error_output if Process fails
  ProcessOutput po;
  Status st = processor.Process(std::move(msg.batch), &po);
  if (!st.ok()) {
    // The whole input batch is rejected; partial results would duplicate its rows.
    probe.errors->Increment();
    probe.error_rows->Increment(static_cast<uint64_t>(original.num_rows()));
    spdlog::debug("stream {}: {} failed on a batch of {} rows: {}", id_, ProcessorLabel(i),
                  original.num_rows(), st.ToString());
    StreamMessage m = StreamMessage::Data(AttachError(original, st.message(), ProcessorLabel(i)),
                                          std::move(msg.acks));
    m.created_us = msg.created_us;
    out->push_back(Envelope{Route::kError, std::move(m)});
    return;
  }
  AckSet acks = std::move(msg.acks);
  int64_t created = msg.created_us;
  if (processor.stateful()) {
    // Ordered stage only: what it absorbed earlier leaves with what it emits now.
    acks.Merge(std::move(held_acks_[i]));
    created = EarlierCreated(created, held_created_us_[i]);
    held_created_us_[i] = 0;
    if (!Distribute(i, po, acks, created, out)) {
      held_acks_[i] = std::move(acks);
      held_created_us_[i] = created;
    }
    return;
  }
  if (!Distribute(i, po, acks, created, out)) *leftover = std::move(acks);
}

bool Stream::Distribute(size_t i, ProcessOutput& po, AckSet& acks, int64_t created_us,
                        std::vector<Envelope>* out) {
  size_t pieces = po.batches.size() + po.errors.size();
  if (pieces == 0) return false;
  const ComponentProbe& probe = probe_->processors[i];
  size_t k = 0;
  // Every piece but the last holds a fork; the last takes the set itself.
  auto take = [&]() -> AckSet { return ++k == pieces ? std::move(acks) : acks.Fork(); };
  for (Batch& b : po.batches) {
    probe.Out(b);
    StreamMessage m = StreamMessage::Data(std::move(b), take());
    m.created_us = created_us;
    out->push_back(Envelope{Route::kData, std::move(m)});
  }
  for (Batch& e : po.errors) {
    probe.error_rows->Increment(static_cast<uint64_t>(e.num_rows()));
    StreamMessage m = StreamMessage::Data(EnsureErrorComponent(e, ProcessorLabel(i)), take());
    m.created_us = created_us;
    out->push_back(Envelope{Route::kError, std::move(m)});
  }
  return true;
}

void Stream::OrderedLoop() {
  bool end = false;
  while (!end) {
    RunTimers(Clock::now());
    std::optional<Clock::time_point> deadline = NextTimerDeadline();
    Slot slot;
    QueuePop pop = deadline ? reorder_->PopUntil(&slot, *deadline) : reorder_->Pop(&slot);
    if (killed_.load() || pop == QueuePop::kClosed) break;
    if (pop == QueuePop::kTimeout) continue;
    reorder_depth_->Add(-1);
    std::vector<Envelope> data;
    for (Envelope& env : slot.items) {
      if (env.msg.is_data()) {
        data.push_back(std::move(env));
        continue;
      }
      SendThrough(stateless_count_, std::move(data));
      data.clear();
      HandleControl(env.msg);
      if (env.msg.kind == MessageKind::kEndOfStream) end = true;
      if (!Send(std::move(env))) break;
    }
    SendThrough(stateless_count_, std::move(data));
  }
  output_queue_->Close();
}

void Stream::SendThrough(size_t from, std::vector<Envelope> envs) {
  size_t n = c_.processors.size();
  for (Envelope& env : envs) {
    if (env.route != Route::kData || from == n) {
      Send(std::move(env));
      continue;
    }
    std::vector<Envelope> results;
    RunRange(from, n, std::move(env.msg), &results);
    for (Envelope& r : results) Send(std::move(r));
  }
}

void Stream::EmitHeld(size_t i, ProcessOutput po) {
  AckSet acks = std::move(held_acks_[i]);
  held_acks_[i] = AckSet();
  int64_t created = held_created_us_[i] != 0 ? held_created_us_[i] : MonotonicMicros();
  std::vector<Envelope> results;
  if (!Distribute(i, po, acks, created, &results)) {
    held_acks_[i] = std::move(acks);  // nothing came out: keep holding
    return;
  }
  held_created_us_[i] = 0;
  SendThrough(i + 1, std::move(results));
}

std::optional<Clock::time_point> Stream::NextTimerDeadline() const {
  std::optional<Clock::time_point> earliest;
  for (size_t i = stateless_count_; i < c_.processors.size(); ++i) {
    const Processor& p = *c_.processors[i];
    if (!p.stateful()) continue;
    std::optional<Clock::time_point> d = p.NextDeadline();
    if (d && (!earliest || *d < *earliest)) earliest = d;
  }
  return earliest;
}

void Stream::RunTimers(Clock::time_point now) {
  for (size_t i = stateless_count_; i < c_.processors.size(); ++i) {
    Processor& p = *c_.processors[i];
    if (!p.stateful()) continue;
    std::optional<Clock::time_point> d = p.NextDeadline();
    if (!d || *d > now) continue;
    ProcessOutput po;
    Status st = p.OnTimer(now, &po);
    if (!st.ok()) {
      probe_->processors[i].errors->Increment();
      spdlog::error("stream {}: {} timer failed: {}", id_, ProcessorLabel(i), st.ToString());
    }
    EmitHeld(i, std::move(po));
    std::optional<Clock::time_point> again = p.NextDeadline();
    if (again && *again <= now) {
      // A processor whose deadline does not move would make this loop spin.
      spdlog::error("stream {}: {} did not advance its timer deadline after OnTimer", id_,
                    ProcessorLabel(i));
    }
  }
}

void Stream::HandleControl(const StreamMessage& control) {
  size_t n = c_.processors.size();
  for (size_t i = stateless_count_; i < n; ++i) {
    Processor& p = *c_.processors[i];
    if (!p.stateful()) continue;
    ProcessOutput po;
    Status st = p.OnControl(control, &po);
    if (!st.ok()) {
      probe_->processors[i].errors->Increment();
      spdlog::error("stream {}: {} failed on {}: {}", id_, ProcessorLabel(i),
                    MessageKindName(control.kind), st.ToString());
    }
    EmitHeld(i, std::move(po));
  }
  if (control.kind != MessageKind::kEndOfStream) return;
  // Everything was flushed: what a processor still holds acks has been fully consumed.
  for (size_t i = stateless_count_; i < n; ++i) {
    if (held_acks_[i].empty()) continue;
    Send(Envelope{Route::kAckOnly, StreamMessage::Data(Batch(), std::move(held_acks_[i]))});
    held_acks_[i] = AckSet();
    held_created_us_[i] = 0;
  }
}

bool Stream::Send(Envelope env) {
  if (killed_.load()) return false;
  size_t bytes = env.msg.bytes();
  if (!output_queue_->Push(std::move(env), bytes)) return false;
  output_depth_->Add(1);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Writer

template <typename Call>
Status Stream::RetryCall(Call&& call, const ComponentProbe& probe, std::string_view what) {
  Backoff backoff(options_.output_retry);
  std::stop_token kill = kill_source_.get_token();
  while (true) {
    Status st = call();
    if (st.ok()) return st;
    probe.errors->Increment();
    if (!st.IsRetryable()) return st;
    std::chrono::nanoseconds delay = backoff.Next();
    probe.retries->Increment();
    spdlog::warn("stream {}: {} failed (attempt {}): {}; retrying in {}", id_, what,
                 backoff.attempts(), st.ToString(), FormatDuration(delay));
    if (!SleepUnlessStopped(kill, delay)) {
      return Status::Cancelled("stream {} was killed while retrying {}", id_, what);
    }
  }
}

void Stream::WriterLoop() {
  Output& output = *c_.output;
  Status st;
  bool output_open = false;
  for (bool error_output : {false, true}) {
    Output* target = error_output ? c_.error_output.get() : &output;
    if (target == nullptr) continue;
    std::string what = fmt::format("connecting the {}", OutputLabel(error_output));
    st = RetryCall([&] { return target->Connect(); },
                   error_output ? probe_->error_output : probe_->output, what);
    if (!st.ok()) {
      if (!st.IsCancelled()) {
        spdlog::error("stream {}: {}: {}", id_, what, st.ToString());
        Fail(st.WithContext(fmt::format("stream {}: {}", id_, what)));
      }
      break;
    }
    if (!error_output) output_open = true;
  }
  if (!st.ok()) {
    // Nothing can be written: stop reading and drop what is in flight, unacknowledged.
    RequestStop();
    DrainUnwritten();
    if (output_open) (void)output.Close();
    return;
  }
  output_connected_.store(true);
  UpdateUp();
  while (true) {
    Envelope env;
    if (output_queue_->Pop(&env) != QueuePop::kItem || killed_.load()) break;
    output_depth_->Add(-1);
    if (!env.msg.is_data()) {
      if (env.msg.kind != MessageKind::kEndOfStream) continue;
      FinishOutputs();
      break;
    }
    switch (env.route) {
      case Route::kData:
        if (!WriteData(std::move(env))) {
          RequestStop();
          DrainUnwritten();
          (void)output.Close();
          if (c_.error_output) (void)c_.error_output->Close();
          output_connected_.store(false);
          UpdateUp();
          return;
        }
        break;
      case Route::kError:
        WriteErrors(std::move(env));
        break;
      case Route::kAckOnly:
        env.msg.acks.Done();
        break;
    }
  }
  if (killed_.load()) {
    (void)output.Close();
    if (c_.error_output) (void)c_.error_output->Close();
  }
  output_connected_.store(false);
  UpdateUp();
}

bool Stream::WriteData(Envelope env) {
  const Batch& batch = env.msg.batch;
  if (batch.num_rows() == 0) {
    env.msg.acks.Done();
    return true;
  }
  const ComponentProbe& probe = probe_->output;
  probe.In(batch);
  Status st = RetryCall([&] { return c_.output->Write(batch); }, probe,
                        fmt::format("writing to the {}", OutputLabel(false)));
  if (st.ok()) {
    probe.Out(batch);
    if (env.msg.created_us != 0) {
      probe_->latency->Observe(static_cast<double>(MonotonicMicros() - env.msg.created_us) / 1e6);
    }
    env.msg.acks.Done();
    return true;
  }
  if (st.IsCancelled()) {
    if (killed_.load()) return true;  // killed: dropped unacknowledged
    // The destination is gone for good (standard output closed by its reader): stop reading and
    // drop what is in flight unacknowledged, so an at-least-once input delivers it again.
    spdlog::warn("stream {}: {} is gone ({}); stopping the stream", id_, OutputLabel(false),
                 st.message());
    env.msg.acks.Abandon();
    Fail(st.WithContext(fmt::format("stream {}", id_)));
    return false;
  }
  probe.error_rows->Increment(static_cast<uint64_t>(batch.num_rows()));
  StreamMessage m = StreamMessage::Data(AttachError(batch, st.message(), OutputLabel(false)),
                                        std::move(env.msg.acks));
  m.created_us = env.msg.created_us;
  WriteErrors(Envelope{Route::kError, std::move(m)});
  return true;
}

void Stream::WriteErrors(Envelope env) {
  const Batch& batch = env.msg.batch;
  if (batch.num_rows() == 0) {
    env.msg.acks.Done();
    return;
  }
  if (!c_.error_output) {
    spdlog::warn("stream {}: {} error rows dropped (no error_output configured): {}", id_,
                 batch.num_rows(), DescribeErrorRows(batch));
    env.msg.acks.Done();
    return;
  }
  const ComponentProbe& probe = probe_->error_output;
  probe.In(batch);
  Status st = RetryCall([&] { return c_.error_output->Write(batch); }, probe,
                        fmt::format("writing to the {}", OutputLabel(true)));
  if (st.IsCancelled()) return;
  if (st.ok()) {
    probe.Out(batch);
  } else {
    // Nowhere left to put them; holding the ack would stall the input for good.
    probe.error_rows->Increment(static_cast<uint64_t>(batch.num_rows()));
    spdlog::error("stream {}: {} rejected {} error rows, which are dropped: {} (first row: {})",
                  id_, OutputLabel(true), batch.num_rows(), st.ToString(),
                  DescribeErrorRows(batch));
  }
  env.msg.acks.Done();
}

void Stream::FinishOutputs() {
  struct Target {
    Output* output;
    const ComponentProbe* probe;
    bool error_output;
  };
  std::vector<Target> targets = {{c_.output.get(), &probe_->output, false}};
  if (c_.error_output) targets.push_back({c_.error_output.get(), &probe_->error_output, true});
  for (const Target& t : targets) {
    std::string label = OutputLabel(t.error_output);
    Status st = RetryCall([&] { return t.output->Flush(); }, *t.probe,
                          fmt::format("flushing the {}", label));
    if (!st.ok() && !st.IsCancelled()) {
      spdlog::error("stream {}: flushing the {}: {}", id_, label, st.ToString());
      Fail(st.WithContext(fmt::format("stream {}: flushing the {}", id_, label)));
    }
    st = t.output->Close();
    if (!st.ok()) {
      t.probe->errors->Increment();
      spdlog::error("stream {}: closing the {}: {}", id_, label, st.ToString());
      Fail(st.WithContext(fmt::format("stream {}: closing the {}", id_, label)));
    }
  }
}

void Stream::DrainUnwritten() {
  while (true) {
    Envelope env;
    if (output_queue_->Pop(&env) != QueuePop::kItem) return;
    output_depth_->Add(-1);
    env.msg.acks.Abandon();
    if (env.msg.kind == MessageKind::kEndOfStream) return;
  }
}

}  // namespace ark
