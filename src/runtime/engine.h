// Engine: every stream of a configuration, built through the registry and run side by side, each
// on its own threads, plus the health/metrics admin server (DESIGN §3 "Lifecycle").
//
//   ARK_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Build(config, registry));
//   ARK_RETURN_IF_ERROR(engine->Start());
//   Status st = engine->Wait();        // finite inputs end by themselves; or a signal stops it
//   fmt::print("{}\n", engine->Summary().ToString());
//
// Build() creates and validates every component but connects to nothing — it is what
// `arkflow validate` runs. Start() starts the admin server (when health_check is enabled) and the
// streams, which connect on their own threads. Stop() drains gracefully; Kill() abandons what is
// in flight.
//
// Thread-safety: RequestStop/Stop/Kill and the accessors may be called from any thread (a signal
// watcher calls RequestStop while the main thread is in Wait).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "config/engine_config.h"
#include "runtime/admin_server.h"
#include "runtime/metrics.h"
#include "runtime/registry.h"
#include "runtime/stream.h"

namespace ark {

// The run's totals, for the CLI's one-line summary.
struct EngineSummary {
  int64_t rows_in = 0;     // rows read by the inputs
  int64_t rows_out = 0;    // rows written by the outputs
  int64_t error_rows = 0;  // rows rejected on the way (sent to error_output or logged)
  int64_t bytes_in = 0;    // batch bytes read
  int64_t bytes_out = 0;   // batch bytes written
  double elapsed_seconds = 0;
  double rows_per_second = 0;  // rows_in / elapsed_seconds

  // "1000 rows in (1.2 MiB), 990 rows out (1.1 MiB), 10 error rows, 0.52 s, 1923 rows/s"
  std::string ToString() const;
};

class Engine {
 public:
  // Builds every stream's components; the first error is returned with its config position.
  // `stream_options` supplies the queue sizes and retry policies (thread_num comes from each
  // stream's config).
  static Result<std::unique_ptr<Engine>> Build(const EngineConfig& config, const Registry& registry,
                                               StreamOptions stream_options = {});
  ~Engine();

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Starts the admin server (a bind failure is returned, naming the address) and every stream.
  Status Start();
  // Blocks until every stream ended (finite inputs drained, or a stop drained). Returns the first
  // stream failure, else OK.
  Status Wait();
  // Asks every stream to stop gracefully and returns at once.
  void RequestStop();
  // Graceful stop of every stream; waits for the drain. Idempotent.
  void Stop();
  // Forced stop: in-flight data is abandoned unacknowledged. Idempotent.
  void Kill();

  EngineSummary Summary() const;
  // Sum of the inputs' (done, total) progress, when at least one input knows its progress.
  std::optional<std::pair<int64_t, int64_t>> Progress() const;
  // True once every stream's input and output are connected and it has not ended.
  bool Ready() const;
  // {"ready":true,"streams":[{"id":"s","state":"running","input_connected":true,...}]}
  std::string ReadinessJson() const;

  MetricsRegistry& metrics() { return metrics_; }
  const std::vector<std::unique_ptr<Stream>>& streams() const { return streams_; }
  // The admin server's bound port (0 when it is not running).
  int admin_port() const;

 private:
  explicit Engine(EngineConfig config);
  Readiness CheckReadiness() const;

  EngineConfig config_;
  MetricsRegistry metrics_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::unique_ptr<AdminServer> admin_;

  mutable std::mutex mu_;
  bool started_ = false;                                           // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point start_time_;               // GUARDED_BY(mu_)
  std::optional<std::chrono::steady_clock::time_point> end_time_;  // GUARDED_BY(mu_)
};

}  // namespace ark
