// ShutdownSignals: SIGINT/SIGTERM handling for `arkflow run` (DESIGN §3 "Lifecycle"). The first
// signal asks for a graceful stop (the callback typically calls Engine::RequestStop(); the main
// thread's Engine::Wait() then returns after the drain and the process exits 0). A second signal
// exits at once with status 130, even when the drain is stuck.
//
// The signal handler only does async-signal-safe work: it counts, calls _exit() on the second
// signal, and otherwise writes the signal number into a pipe (the self-pipe trick); a watcher
// thread reads the pipe and runs the callback. Installing also sets SIGPIPE to be ignored for the
// rest of the process, so writing to a closed stdout (`arkflow run ... | head`) fails with EPIPE
// instead of killing the process.
//
//   ARK_ASSIGN_OR_RETURN(auto signals, ShutdownSignals::Install([&](int sig) {
//     spdlog::info("{} received, draining", strsignal(sig));
//     engine->RequestStop();
//   }));
//   Status st = engine->Wait();
//
// Thread-safety: one instance at a time per process (Install fails otherwise). The callback runs on
// the watcher thread. Stop() may be called from any thread but not from the callback.
#pragma once

#include <functional>
#include <memory>
#include <thread>

#include "base/status.h"

namespace ark {

class ShutdownSignals {
 public:
  using Callback = std::function<void(int signal)>;

  // Installs the SIGINT and SIGTERM handlers, ignores SIGPIPE and starts the watcher thread.
  static Result<std::unique_ptr<ShutdownSignals>> Install(Callback on_first_signal);
  // Stop().
  ~ShutdownSignals();

  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  // Restores the previous SIGINT/SIGTERM handlers and joins the watcher thread. SIGPIPE stays
  // ignored. Idempotent.
  void Stop();

  // Signals received since Install.
  static int received();

 private:
  ShutdownSignals(int read_fd, Callback callback);
  void Watch();

  int read_fd_;
  Callback callback_;
  std::thread watcher_;
  bool stopped_ = false;
};

}  // namespace ark
