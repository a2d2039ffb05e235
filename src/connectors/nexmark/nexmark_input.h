// `nexmark` input: generates the events of the Nexmark benchmark (nexmark_model.h) straight into
// columnar batches — a `bid`, `auction` or `person` table, or all three kinds in one stream.
//
// The stream is the model's event sequence 0, 1, 2, … (event_count of them, or without end). With
// `table: bid` only the bids among them are emitted (so the three tables of one seed and
// event_count are the same events as `table: all`), each as a flat row. With `table: all` every
// event is one row: `event_type` (0 person, 1 auction, 2 bid, as Flink's nexmark view),
// `date_time`, and struct columns `person`, `auction`, `bid`, of which only the one of the event's
// kind is not null. With split_count > 1 the input emits only the events n with
// n % split_count == split_index, so several inputs with the same seed split one stream.
//
// By default batches are made as fast as the pipeline takes them (event time still advances by
// the configured rate); with `real_time` each batch waits until its last event's time, counted
// from the start of the run, has come on the wall clock.
//
//   NexmarkInput in({.table = NexmarkTable::kBid, .event_count = 1000});
//   auto batch = in.Read(stop);   // up to batch_size bids
//
// Thread-safety: one reader thread (Input contract).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "connectors/nexmark/nexmark_model.h"
#include "runtime/input.h"
#include "runtime/registry.h"

namespace ark {

enum class NexmarkTable { kBid, kAuction, kPerson, kAll };

struct NexmarkOptions {
  NexmarkTable table = NexmarkTable::kBid;
  int64_t event_count = 0;  // events of the model stream (all kinds); 0 = unbounded
  int64_t events_per_second = 10000;
  int64_t base_time_us = 1704067200000000;  // 2024-01-01T00:00:00Z
  uint64_t seed = 0;
  int64_t batch_size = 4096;  // rows per batch
  bool real_time = false;
  int64_t split_count = 1;
  int64_t split_index = 0;
};

// The schema of a table's batches.
SchemaPtr NexmarkSchema(NexmarkTable table);

class NexmarkInput final : public Input {
 public:
  using Clock = std::chrono::steady_clock;

  explicit NexmarkInput(NexmarkOptions options);

  // Validates the options (InvalidArgument with what is wrong).
  Status Connect() override;
  Result<InputBatch> Read(std::stop_token stop) override;

  // The next batch, without waiting for the wall clock; EndOfStream when event_count is reached.
  Result<Batch> NextBatch();

  // The event number the next emitted event will have at least.
  int64_t next_event() const { return next_; }

 private:
  Batch Finish(int64_t rows);

  NexmarkOptions options_;
  nexmark::Model model_;
  SchemaPtr schema_;
  int64_t next_;              // next candidate event number (of this split)
  int64_t last_emitted_ = 0;  // event number of the last row of the last batch
  // Flat tables: one builder per column. `all`: event_type, date_time and the three structs.
  std::vector<std::unique_ptr<ColumnBuilder>> builders_;
  nexmark::PersonColumns person_{};
  nexmark::AuctionColumns auction_{};
  nexmark::BidColumns bid_{};
  bool started_ = false;
  Clock::time_point start_;
  std::mutex mu_;
  std::condition_variable_any wake_;
};

void RegisterNexmarkInput(Registry& registry);

}  // namespace ark
