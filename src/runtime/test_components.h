// Test fixtures of the runtime (included by the *_test.cc files only): an input replaying batches
// with counting acknowledgements, an output that collects what it is given (and can fail or block
// on demand), and processors that fail on marked batches, sleep, split rows and accumulate with a
// timer. They exercise the runtime's contracts; they are not stand-ins for external systems.
//
// Batches are one int64 column `id`. A Ledger shared by the fixtures records which ids the main
// output wrote, and every acknowledgement checks that the ids of its read were written first.
//
// Thread-safety: Ledger is thread-safe; each fixture is driven by the runtime's threads as the
// component interfaces prescribe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "core/batch.h"
#include "core/column_builder.h"
#include "core/raw_message.h"
#include "runtime/error_rows.h"
#include "runtime/input.h"
#include "runtime/output.h"
#include "runtime/processor.h"
#include "runtime/stream_buffer.h"

namespace ark::testing {

inline SchemaPtr IdSchema() {
  static const SchemaPtr schema = Schema::Make({Field("id", DataType::Int64())});
  return schema;
}

inline Batch IdBatch(const std::vector<int64_t>& ids) {
  Int64Builder b(DataType::Int64());
  for (int64_t id : ids) b.Append(id);
  return Batch(IdSchema(), {b.Finish()}, static_cast<int64_t>(ids.size()));
}

// ids first, first + 1, ..., first + n - 1
inline Batch IdRange(int64_t first, int64_t n) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < n; ++i) ids.push_back(first + i);
  return IdBatch(ids);
}

inline std::vector<int64_t> IdsOf(const Batch& b) {
  std::vector<int64_t> out;
  ColumnPtr c = b.ColumnByName("id");
  if (c == nullptr) return out;
  for (int64_t i = 0; i < b.num_rows(); ++i) out.push_back(c->data<int64_t>()[i]);
  return out;
}

inline std::string StringAt(const Batch& b, std::string_view column, int64_t row) {
  ColumnPtr c = b.ColumnByName(column);
  if (c == nullptr) return "<no column>";
  return std::string(c->GetView(row));
}

// What happened, seen from outside the runtime.
class Ledger {
 public:
  // Input side.
  int NewRead(std::vector<int64_t> ids, std::vector<int64_t> error_ids) {
    std::lock_guard lock(mu_);
    reads_.push_back(Read{std::move(ids), std::move(error_ids), 0});
    cv_.notify_all();
    return static_cast<int>(reads_.size()) - 1;
  }
  void Acked(int read) {
    std::lock_guard lock(mu_);
    Read& r = reads_[read];
    ++r.acks;
    ack_order_.push_back(read);
    for (int64_t id : r.ids) {
      // A data row may have been rejected on the way and written to error_output instead.
      if (!written_set_.count(id) && !error_written_set_.count(id)) ++acked_unwritten_;
    }
    for (int64_t id : r.error_ids) {
      if (!error_written_set_.count(id)) ++acked_unwritten_;
    }
    cv_.notify_all();
  }
  // Output side.
  void Wrote(const Batch& b, bool error_output) {
    std::lock_guard lock(mu_);
    for (int64_t id : IdsOf(b)) {
      (error_output ? error_written_ : written_).push_back(id);
      (error_output ? error_written_set_ : written_set_).insert(id);
    }
    cv_.notify_all();
  }

  int reads() const {
    std::lock_guard lock(mu_);
    return static_cast<int>(reads_.size());
  }
  // Acks per read, in read order.
  std::vector<int> acks() const {
    std::lock_guard lock(mu_);
    std::vector<int> out;
    for (const Read& r : reads_) out.push_back(r.acks);
    return out;
  }
  // Read indices in the order their acknowledgements fired.
  std::vector<int> ack_order() const {
    std::lock_guard lock(mu_);
    return ack_order_;
  }
  int total_acks() const {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const Read& r : reads_) n += r.acks;
    return n;
  }
  // Acknowledgements that arrived before all of their read's rows were written.
  int acked_unwritten() const {
    std::lock_guard lock(mu_);
    return acked_unwritten_;
  }
  std::vector<int64_t> written() const {
    std::lock_guard lock(mu_);
    return written_;
  }
  std::vector<int64_t> error_written() const {
    std::lock_guard lock(mu_);
    return error_written_;
  }
  // Ids of every row read (data rows), in read order.
  std::vector<int64_t> read_ids() const {
    std::lock_guard lock(mu_);
    std::vector<int64_t> out;
    for (const Read& r : reads_) out.insert(out.end(), r.ids.begin(), r.ids.end());
    return out;
  }
  // Waits (up to 30 s, so a broken runtime fails instead of hanging) until `pred` holds. `pred`
  // may look at anything; it is re-checked on every ledger change and every 10 ms.
  bool WaitFor(const std::function<bool()>& pred) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::unique_lock lock(mu_);
    while (true) {
      lock.unlock();
      bool ok = pred();
      lock.lock();
      if (ok) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      cv_.wait_for(lock, std::chrono::milliseconds(10));
    }
  }
  void Notify() { cv_.notify_all(); }

 private:
  struct Read {
    std::vector<int64_t> ids;
    std::vector<int64_t> error_ids;
    int acks;
  };
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Read> reads_;
  std::vector<int64_t> written_;
  std::vector<int64_t> error_written_;
  std::set<int64_t> written_set_;
  std::set<int64_t> error_written_set_;
  std::vector<int> ack_order_;
  int acked_unwritten_ = 0;
};

// Replays `batches` (each optionally with decode errors), then ends (EndOfStream) or, when
// `endless`, keeps producing IdRange batches of `endless_rows` rows until stopped.
class VectorInput : public Input {
 public:
  struct Item {
    Batch batch;
    std::optional<Batch> errors;
  };
  VectorInput(std::shared_ptr<Ledger> ledger, std::vector<Item> items, bool endless = false,
              int64_t endless_rows = 10)
      : ledger_(std::move(ledger)),
        items_(std::move(items)),
        endless_(endless),
        endless_rows_(endless_rows) {}

  static std::vector<Item> Of(const std::vector<Batch>& batches) {
    std::vector<Item> items;
    for (const Batch& b : batches) items.push_back({b, std::nullopt});
    return items;
  }

  Status Connect() override {
    if (connect_failures_ > 0) {
      --connect_failures_;
      return Status::Unavailable("test input not up yet");
    }
    return Status::OK();
  }

  Result<InputBatch> Read(std::stop_token stop) override {
    if (stop.stop_requested()) return Status::Cancelled("stopped");
    InputBatch out;
    if (next_ < items_.size()) {
      out.batch = items_[next_].batch;
      out.errors = items_[next_].errors;
      ++next_;
    } else if (endless_) {
      out.batch = IdRange(next_id_, endless_rows_);
      next_id_ += endless_rows_;
    } else if (wait_at_end_) {
      std::mutex mu;
      std::condition_variable_any cv;
      std::unique_lock lock(mu);
      cv.wait(lock, stop, [] { return false; });
      return Status::Cancelled("stopped");
    } else {
      return Status::EndOfStream("no more test batches");
    }
    std::vector<int64_t> error_ids = out.errors ? IdsOf(*out.errors) : std::vector<int64_t>{};
    int read = ledger_->NewRead(IdsOf(out.batch), std::move(error_ids));
    out.ack = AckToken::Make([ledger = ledger_, read] { ledger->Acked(read); });
    return out;
  }

  // Instead of ending, block until stopped (an unbounded source that went quiet).
  VectorInput& WaitAtEnd() {
    wait_at_end_ = true;
    return *this;
  }
  VectorInput& FailConnect(int n) {
    connect_failures_ = n;
    return *this;
  }
  // ids of endless batches start here.
  VectorInput& EndlessFrom(int64_t id) {
    next_id_ = id;
    return *this;
  }

 private:
  std::shared_ptr<Ledger> ledger_;
  std::vector<Item> items_;
  bool endless_;
  int64_t endless_rows_;
  size_t next_ = 0;
  int64_t next_id_ = 1000000;
  bool wait_at_end_ = false;
  int connect_failures_ = 0;
};

// Collects written batches into the ledger. Can fail the first N writes with Unavailable, reject
// batches containing a given id for good, or block every write until released.
class CollectingOutput : public Output {
 public:
  struct Control {
    std::atomic<int> fail_retryable{0};     // next N writes fail with Unavailable
    std::atomic<bool> fail_forever{false};  // every write fails with Unavailable
    std::optional<int64_t> reject_id;       // batches with this id fail with InvalidArgument
    std::optional<int64_t> gone_at_id;      // from the batch with this id on: Cancelled (gone)
    std::atomic<int> attempts{0};
    std::atomic<int> flushes{0};
    std::atomic<int> closes{0};
    // Gate: while closed, Write() blocks (after counting the attempt).
    std::mutex mu;
    std::condition_variable cv;
    bool gate_open = true;
    std::atomic<int> blocked{0};  // writes waiting at the gate
    void CloseGate() {
      std::lock_guard lock(mu);
      gate_open = false;
    }
    void OpenGate() {
      {
        std::lock_guard lock(mu);
        gate_open = true;
      }
      cv.notify_all();
    }
  };

  CollectingOutput(std::shared_ptr<Ledger> ledger, std::shared_ptr<Control> control,
                   bool error_output = false)
      : ledger_(std::move(ledger)), control_(std::move(control)), error_output_(error_output) {}

  Status Write(const Batch& batch) override {
    control_->attempts.fetch_add(1);
    {
      std::unique_lock lock(control_->mu);
      if (!control_->gate_open) {
        control_->blocked.fetch_add(1);
        ledger_->Notify();
        control_->cv.wait(lock, [&] { return control_->gate_open; });
        control_->blocked.fetch_sub(1);
      }
    }
    if (control_->fail_forever.load()) return Status::Unavailable("sink is down");
    if (control_->fail_retryable.load() > 0) {
      control_->fail_retryable.fetch_sub(1);
      return Status::Unavailable("sink is busy");
    }
    if (control_->gone_at_id) {
      for (int64_t id : IdsOf(batch)) {
        if (id >= *control_->gone_at_id) return Status::Cancelled("the reader closed it");
      }
    }
    if (control_->reject_id) {
      for (int64_t id : IdsOf(batch)) {
        if (id == *control_->reject_id) return Status::InvalidArgument("cannot encode id {}", id);
      }
    }
    {
      std::lock_guard lock(mu_);
      batches_.push_back(batch);
    }
    ledger_->Wrote(batch, error_output_);
    return Status::OK();
  }
  Status Flush() override {
    control_->flushes.fetch_add(1);
    return Status::OK();
  }
  Status Close() override {
    control_->closes.fetch_add(1);
    return Status::OK();
  }

  std::vector<Batch> batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }

 private:
  std::shared_ptr<Ledger> ledger_;
  std::shared_ptr<Control> control_;
  bool error_output_;
  mutable std::mutex mu_;
  std::vector<Batch> batches_;
};

// Fails (InvalidArgument "negative id N") on batches holding a negative id; passes others.
class FailNegativeProcessor : public Processor {
 public:
  Status Process(Batch batch, ProcessOutput* out) override {
    for (int64_t id : IdsOf(batch)) {
      if (id < 0) return Status::InvalidArgument("negative id {}", id);
    }
    out->batches.push_back(std::move(batch));
    return Status::OK();
  }
};

// Sleeps (id of the first row % 4) × 3 ms, so parallel workers finish out of order.
class SleepingProcessor : public Processor {
 public:
  Status Process(Batch batch, ProcessOutput* out) override {
    std::vector<int64_t> ids = IdsOf(batch);
    int64_t first = ids.empty() ? 0 : ids[0];
    std::this_thread::sleep_for(std::chrono::milliseconds((first % 4) * 3));
    out->batches.push_back(std::move(batch));
    return Status::OK();
  }
};

// Even ids continue as data, odd ids become error rows (one batch each); a batch with no even
// (or no odd) ids yields no batch of that kind.
class SplitOddProcessor : public Processor {
 public:
  static ColumnPtr OddReason(size_t n) {
    StringBuilder b;
    for (size_t i = 0; i < n; ++i) b.Append("odd id");
    return b.Finish();
  }
  Status Process(Batch batch, ProcessOutput* out) override {
    std::vector<int64_t> even, odd;
    for (int64_t id : IdsOf(batch)) (id % 2 == 0 ? even : odd).push_back(id);
    if (!even.empty()) out->batches.push_back(IdBatch(even));
    if (!odd.empty()) {
      // Only the reason: the runtime names the component.
      Batch rows = IdBatch(odd);
      Result<Batch> with_reason = rows.SetColumn(
          Field(std::string(kErrorColumn), DataType::String()), OddReason(odd.size()));
      out->errors.push_back(with_reason.ok() ? std::move(with_reason).value() : rows);
    }
    return Status::OK();
  }
};

// Drops batches whose first id is divisible by `n`.
class DropEveryProcessor : public Processor {
 public:
  explicit DropEveryProcessor(int64_t n) : n_(n) {}
  Status Process(Batch batch, ProcessOutput* out) override {
    std::vector<int64_t> ids = IdsOf(batch);
    if (!ids.empty() && ids[0] % n_ == 0) return Status::OK();
    out->batches.push_back(std::move(batch));
    return Status::OK();
  }

 private:
  int64_t n_;
};

// Stateful: holds batches and emits their concatenation when it holds `count`, when `timeout`
// passed since the first held batch (OnTimer), and at end of stream.
class AccumulateProcessor : public Processor {
 public:
  AccumulateProcessor(size_t count, std::chrono::milliseconds timeout)
      : count_(count), timeout_(timeout) {}

  bool stateful() const override { return true; }

  Status Process(Batch batch, ProcessOutput* out) override {
    if (held_.empty()) first_ = Clock::now();
    held_.push_back(std::move(batch));
    if (held_.size() >= count_) return Emit(out);
    return Status::OK();
  }
  std::optional<Clock::time_point> NextDeadline() const override {
    if (held_.empty()) return std::nullopt;
    return first_ + timeout_;
  }
  Status OnTimer(Clock::time_point, ProcessOutput* out) override {
    ++timer_flushes;
    return Emit(out);
  }
  Status OnControl(const StreamMessage& control, ProcessOutput* out) override {
    if (control.kind == MessageKind::kEndOfStream) {
      ++eos_flushes;
      return Emit(out);
    }
    return Status::OK();
  }

  Status Close() override {
    ++closes;
    return Status::OK();
  }

  std::atomic<int> timer_flushes{0};
  std::atomic<int> eos_flushes{0};
  std::atomic<int> closes{0};

 private:
  Status Emit(ProcessOutput* out) {
    if (held_.empty()) return Status::OK();
    Result<Batch> all = ConcatBatches(held_);
    held_.clear();
    if (!all.ok()) return all.status();
    out->batches.push_back(std::move(all).value());
    return Status::OK();
  }

  size_t count_;
  std::chrono::milliseconds timeout_;
  std::vector<Batch> held_;
  Clock::time_point first_;
};

// A buffer that merges every `count` batches into one (acks merged), emitting the rest at end of
// stream.
class MergeBuffer : public StreamBuffer {
 public:
  explicit MergeBuffer(size_t count) : count_(count) {}

  Status Push(StreamMessage msg, Clock::time_point, std::vector<StreamMessage>* out) override {
    held_.push_back(std::move(msg));
    if (held_.size() >= count_) return Emit(out);
    return Status::OK();
  }
  std::optional<Clock::time_point> NextDeadline() const override { return std::nullopt; }
  Status Poll(Clock::time_point, std::vector<StreamMessage>*) override { return Status::OK(); }
  Status Flush(std::vector<StreamMessage>* out) override { return Emit(out); }

 private:
  Status Emit(std::vector<StreamMessage>* out) {
    if (held_.empty()) return Status::OK();
    std::vector<Batch> batches;
    AckSet acks;
    for (StreamMessage& m : held_) {
      batches.push_back(m.batch);
      acks.Merge(std::move(m.acks));
    }
    held_.clear();
    Result<Batch> all = ConcatBatches(batches);
    if (!all.ok()) return all.status();
    out->push_back(StreamMessage::Data(std::move(all).value(), std::move(acks)));
    return Status::OK();
  }

  size_t count_;
  std::vector<StreamMessage> held_;
};

}  // namespace ark::testing
