// `arkflow run` and `arkflow validate`: load the YAML (or compile the SQL job, cli/sql_job.h),
// validate it against the specs, build every component (validate stops here), then run the engine
// until its streams end or a signal stops it.
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/logging.h"
#include "base/units.h"
#include "cli/commands.h"
#include "cli/sql_job.h"
#include "config/engine_config.h"
#include "config/yaml_loader.h"
#include "ml/model_registry.h"
#include "ml/python/python_udf.h"
#include "runtime/engine.h"
#include "runtime/signals.h"

namespace ark::cli {
namespace {

struct Loaded {
  EngineConfig config;
  std::unique_ptr<Engine> engine;
};

Result<Loaded> LoadAndBuild(const Registry& registry, const std::string& path) {
  ConfigValue root;
  if (path.empty()) {
    ARK_ASSIGN_OR_RETURN(root, LoadYamlString(DemoConfig(), "<embedded demo>"));
  } else if (IsSqlJobPath(path)) {
    ARK_ASSIGN_OR_RETURN(root, LoadSqlJobFile(path, registry));
  } else {
    ARK_ASSIGN_OR_RETURN(root, LoadYamlFile(path));
  }
  Loaded out;
  ARK_ASSIGN_OR_RETURN(out.config, ParseEngineConfig(root));
  ARK_RETURN_IF_ERROR(InitLogging(out.config.logging));
  // Models are loaded once for the process, before the components that use them are built.
  ARK_ASSIGN_OR_RETURN(auto models, ml::ModelRegistry::Load(out.config.models));
  ml::InstallModelRegistry(std::move(models));
  // And the Python UDFs (`udfs:`) the sql and stream_sql processors may call.
  ARK_RETURN_IF_ERROR(ml::InstallPythonUdfs(out.config.udfs));
  ARK_ASSIGN_OR_RETURN(out.engine, Engine::Build(out.config, registry));
  return out;
}

// Prints "\r<bar> 42% 420.0 MiB / 1.0 GiB  180 MB/s" on standard error every quarter second while
// the engine runs; only used when standard error is a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(const Engine& engine) : engine_(engine) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~ProgressLine() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (printed_) fmt::print(stderr, "\r\033[K");
  }

 private:
  void Loop() {
    auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return done_; })) {
      auto progress = engine_.Progress();
      if (!progress || progress->second <= 0) continue;
      auto [done, total] = *progress;
      double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      constexpr int kWidth = 30;
      int filled = static_cast<int>(frac * kWidth);
      fmt::print(stderr, "\r[{}{}] {:3.0f}% {} / {}  {:.0f} MB/s\033[K", std::string(filled, '#'),
                 std::string(kWidth - filled, ' '), frac * 100,
                 FormatByteSize(static_cast<uint64_t>(done)),
                 FormatByteSize(static_cast<uint64_t>(total)), secs > 0 ? done / secs / 1e6 : 0.0);
      printed_ = true;
    }
  }

  const Engine& engine_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;  // GUARDED_BY(mu_)
  bool printed_ = false;
  std::thread thread_;
};

}  // namespace

int Validate(const Registry& registry, const std::string& config_path) {
  auto loaded = LoadAndBuild(registry, config_path);
  if (!loaded.ok()) {
    fmt::print(stderr, "error: {}\n", loaded.status().message());
    return kExitUsage;
  }
  std::vector<std::string> ids;
  for (const auto& s : loaded->config.streams) ids.push_back(s.id);
  fmt::print("{}: OK, {} stream{} ({})\n", config_path.empty() ? "<embedded demo>" : config_path,
             ids.size(), ids.size() == 1 ? "" : "s", fmt::join(ids, ", "));
  return kExitOk;
}

int Run(const Registry& registry, const RunOptions& options) {
  if (options.validate_only) return Validate(registry, options.config_path);
  auto loaded = LoadAndBuild(registry, options.config_path);
  if (!loaded.ok()) {
    fmt::print(stderr, "error: {}\n", loaded.status().message());
    return kExitUsage;
  }
  Engine& engine = *loaded->engine;
  auto signals = ShutdownSignals::Install([&engine](int sig) {
    const char* name = sigabbrev_np(sig);
    spdlog::warn("{}{} received: stopping inputs and draining (send it again to exit at once)",
                 name ? "SIG" : "signal ", name ? name : std::to_string(sig));
    engine.RequestStop();
  });
  if (!signals.ok()) {
    fmt::print(stderr, "error: {}\n", signals.status().message());
    return kExitFailed;
  }
  if (Status st = engine.Start(); !st.ok()) {
    fmt::print(stderr, "error: {}\n", st.message());
    engine.Kill();
    return kExitFailed;
  }
  Status result;
  {
    std::unique_ptr<ProgressLine> progress;
    if (options.progress && isatty(STDERR_FILENO))
      progress = std::make_unique<ProgressLine>(engine);
    result = engine.Wait();
  }
  (*signals)->Stop();
  if (options.summary) fmt::print(stderr, "arkflow: {}\n", engine.Summary().ToString());
  if (result.IsCancelled()) {
    // The output's reader went away (`arkflow run | head`): a normal way for a run to end; the
    // stream already logged why it stopped.
    return kExitOk;
  }
  if (!result.ok()) {
    fmt::print(stderr, "error: {}\n", result.message());
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace ark::cli
