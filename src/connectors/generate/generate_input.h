// `generate` input: emits a constant payload (ArkFlow's `generate`: `context`, `interval`, `count`,
// `batch_size`) — for tests, demos and benchmarks.
//
// Each read returns `batch_size` messages whose `__value__` is `context` (or, with a codec, the
// rows `context` decodes to, repeated). The batch is built once and shared by every read — batches
// are immutable — so a read costs the same whatever its size, and the last batch of a `count` is a
// zero-copy slice. The first read is immediate; later reads are spaced `interval` apart (a fixed
// rate: a read that comes late is served at once without bursts to catch up); "0s" means as fast as
// the pipeline takes them. Waiting honours the stop token. With `count`, the stream ends after
// exactly `count` messages (the last batch may be partial — ArkFlow instead stops before a batch
// that would overshoot).
//
// Thread-safety: one reader thread (Input contract).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "codec/codec.h"
#include "runtime/input.h"
#include "runtime/registry.h"

namespace ark {

struct GenerateOptions {
  std::string context;                   // the payload
  std::chrono::nanoseconds interval{0};  // between reads
  std::optional<int64_t> count;          // total messages; unset: unlimited
  int64_t batch_size = 1;                // messages per read
};

class GenerateInput final : public Input {
 public:
  using Clock = std::chrono::steady_clock;

  // `decoder` (optional) decodes `context` once; a payload it cannot decode fails Connect.
  explicit GenerateInput(GenerateOptions options, std::unique_ptr<Decoder> decoder = nullptr);

  // Builds the shared batch.
  Status Connect() override;
  Result<InputBatch> Read(std::stop_token stop) override;
  std::optional<std::pair<int64_t, int64_t>> Progress() const override;

 private:
  GenerateOptions options_;
  std::unique_ptr<Decoder> decoder_;
  bool built_ = false;
  Batch full_;                    // batch_size messages
  int64_t rows_per_message_ = 1;  // rows one decoded message yields
  int64_t emitted_ = 0;           // messages
  std::atomic<int64_t> emitted_bytes_{0};
  bool first_ = true;
  Clock::time_point next_due_;
  std::mutex mu_;
  std::condition_variable_any wake_;
};

void RegisterGenerateInput(Registry& registry);

}  // namespace ark
