// What the `http` input, the `http` output and the `websocket` connectors share: the `auth`
// option (ArkFlow's tagged form: {type: basic, username, password} or {type: bearer, token}), the
// Authorization header it stands for, a constant-time comparison for checking it, base64 and
// host:port parsing; and CurlMultiDriver, the libcurl-multi loop of the `http` output and the
// `http_model` processor (requests bounded by a ConcurrencyLimit, retries with backoff).
//
//   ConfigSpec spec(...);
//   AddHttpAuthOption(spec, "Credentials every request must carry.");
//   ARK_ASSIGN_OR_RETURN(HttpAuth auth, ReadHttpAuth(cfg));
//   if (!auth.header.empty() && !ConstantTimeEquals(received, auth.header)) → 401
//
// Thread-safety: pure functions over immutable values; ConcurrencyLimit is thread-safe; one
// CurlMultiDriver is used by one thread at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config_spec.h"

namespace ark {

enum class HttpAuthType { kNone, kBasic, kBearer };

struct HttpAuth {
  HttpAuthType type = HttpAuthType::kNone;
  // The Authorization header value: "Basic <base64(user:password)>" or "Bearer <token>"; empty
  // for kNone.
  std::string header;
};

// Declares the optional `auth` object option.
void AddHttpAuthOption(ConfigSpec& spec, std::string description);
// Reads `auth` (kNone when unset); ConfigError naming the missing field otherwise.
Result<HttpAuth> ReadHttpAuth(const ComponentConfig& cfg);

// Compares in time that depends only on the length of `expected`, not on where they differ.
bool ConstantTimeEquals(std::string_view given, std::string_view expected);

// Standard base64 (RFC 4648, with padding).
std::string Base64Encode(std::string_view data);

struct HostPort {
  std::string host;  // without IPv6 brackets; "0.0.0.0" when empty
  uint16_t port = 0;
};
// "host:port", "[::1]:8080", ":8080"; InvalidArgument naming `what` and the text otherwise.
Result<HostPort> ParseHostPort(std::string_view address, std::string_view what);

// A bound on requests in flight, shareable by several threads.
class ConcurrencyLimit {
 public:
  explicit ConcurrencyLimit(int slots) : free_(slots) {}
  bool TryAcquire();
  void Release();
  // Returns when a slot is free or after `at_most`.
  void WaitFor(std::chrono::milliseconds at_most);

 private:
  std::mutex mu_;
  std::condition_variable freed_;
  int free_;  // GUARDED_BY(mu_)
};

// How long to wait before retrying: `initial` doubled for each attempt made, at most `max`, but
// at least the server's Retry-After (capped at `max_retry_after`).
struct RetryBackoff {
  std::chrono::microseconds initial{100'000};
  std::chrono::microseconds max{30'000'000};
  std::chrono::seconds max_retry_after{60};
  // The delay after `attempts` attempts (>= 1), the last answered with `retry_after_s` seconds.
  int64_t DelayMicros(int attempts, int64_t retry_after_s) const;
};

// The outcome of one attempt of a request.
struct CurlAttempt {
  int code = 0;             // CURLcode
  long status = 0;          // HTTP status (0 without an answer)
  int64_t retry_after = 0;  // the answer's Retry-After, seconds
  int attempts = 0;         // attempts made so far, this one included
  std::string error;        // libcurl's message when code is not CURLE_OK

  bool Succeeded() const { return code == 0 && status >= 200 && status < 300; }
  // Connection errors, timeouts, HTTP 429 and 5xx: worth another attempt.
  bool Retryable() const;
};

// Runs HTTP requests with libcurl's multi interface: starts as many as `limit` grants, waits for
// answers, and after a failure the caller asks to retry starts the request again after
// `backoff`. Easy handles are reused across requests and Run calls.
//
//   CurlMultiDriver driver;
//   ARK_RETURN_IF_ERROR(driver.Init("http output"));
//   driver.Run(pending, limit, timeout, backoff,
//              [&](size_t i, void* easy) { curl_easy_setopt(easy, CURLOPT_URL, ...); },
//              [&](size_t i, const CurlAttempt& a) { return !a.Succeeded() && a.Retryable(); });
class CurlMultiDriver {
 public:
  // Sets the request's options on a fresh (or reset) easy handle (a CURL*); the driver sets
  // NOSIGNAL, the timeouts, the error buffer and PRIVATE, and adds the handle.
  using StartFn = std::function<void(size_t request, void* easy)>;
  // Called once per attempt; true starts the request again after the backoff.
  using FinishFn = std::function<bool(size_t request, const CurlAttempt& attempt)>;

  CurlMultiDriver() = default;
  CurlMultiDriver(const CurlMultiDriver&) = delete;
  CurlMultiDriver& operator=(const CurlMultiDriver&) = delete;
  ~CurlMultiDriver();

  // Internal error naming `who` when libcurl cannot make a multi handle.
  [[nodiscard]] Status Init(std::string_view who);
  bool initialized() const { return multi_ != nullptr; }

  // Runs the requests numbered `pending` until each has finished without a retry. `timeout`
  // bounds one attempt (connecting: at most 10 s of it). REQUIRES: Init succeeded.
  void Run(const std::vector<size_t>& pending, ConcurrencyLimit& limit,
           std::chrono::milliseconds timeout, const RetryBackoff& backoff, const StartFn& start,
           const FinishFn& finish);

  // Frees the handles; idempotent.
  void Close();

 private:
  struct Handle;
  void* multi_ = nullptr;  // CURLM*
  std::vector<Handle*> idle_;
};

}  // namespace ark
