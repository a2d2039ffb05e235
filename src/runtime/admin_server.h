// AdminServer: the `health_check` HTTP endpoint (Boost.Beast over Asio, on its own thread).
//
//   GET <health_path>   (/health)     200 while the process runs
//   GET <liveness_path> (/liveness)   200 while the process runs
//   GET <readiness_path> (/readiness), and /ready
//                                     200 when the readiness callback says ready, else 503; the
//                                     body is the callback's JSON (per-stream state)
//   GET <metrics_path>  (/metrics)    Prometheus text (text/plain; version=0.0.4), when a metrics
//                                     callback is given
//   anything else                     404
//
//   AdminServer server({.address = "127.0.0.1:0"}, readiness_fn, metrics_fn);
//   ARK_RETURN_IF_ERROR(server.Start());   // binds; port 0 picks a free port
//   int port = server.port();
//   server.Stop();
//
// This header stays free of Boost (pimpl): admin_server.cc is the only translation unit that
// includes Beast, which is slow to compile.
//
// Thread-safety: Start/Stop/port may be called from any thread; the callbacks run on the
// server's thread and must be thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"

namespace ark {

struct AdminServerOptions {
  std::string address = "127.0.0.1:8080";  // host:port; port 0 = any free port
  std::string health_path = "/health";
  std::string readiness_path = "/readiness";
  std::string liveness_path = "/liveness";
  std::string metrics_path = "/metrics";
};

struct Readiness {
  bool ready = false;
  std::string json;  // response body
};

class AdminServer {
 public:
  using ReadinessFn = std::function<Readiness()>;
  using MetricsFn = std::function<std::string()>;

  // `metrics` may be empty: the metrics path then answers 404.
  AdminServer(AdminServerOptions options, ReadinessFn readiness, MetricsFn metrics);
  ~AdminServer();  // Stop()

  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds and starts serving. IoError naming the address when it cannot listen; InvalidArgument
  // for an address that is not host:port.
  Status Start();
  // Closes the listener and every connection and joins the thread. Idempotent.
  void Stop();
  // The bound port after Start() (useful with port 0), else 0.
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ark
