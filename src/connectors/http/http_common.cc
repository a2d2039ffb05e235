#include "connectors/http/http_common.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <limits>
#include <thread>
#include <utility>

#include "base/time.h"

namespace ark {

void AddHttpAuthOption(ConfigSpec& spec, std::string description) {
  ConfigSpec auth(
      "Authentication: `{type: basic, username, password}` or `{type: bearer, token}`.");
  auth.String("type", "`basic` or `bearer`.").Required().OneOf({"basic", "bearer"});
  auth.String("username", "User name (basic).");
  auth.String("password", "Password (basic).");
  auth.String("token", "Token (bearer).");
  spec.Object("auth", std::move(description), std::move(auth));
}

Result<HttpAuth> ReadHttpAuth(const ComponentConfig& cfg) {
  HttpAuth out;
  if (!cfg.IsSet("auth")) return out;
  ComponentConfig auth = cfg.GetObject("auth");
  std::string type = auth.GetString("type");
  auto require = [&](std::string_view field) -> Status {
    if (auth.IsSet(field)) return Status::OK();
    return auth.node().Error(fmt::format("auth of type {} needs `{}`", type, field));
  };
  if (type == "basic") {
    ARK_RETURN_IF_ERROR(require("username"));
    ARK_RETURN_IF_ERROR(require("password"));
    out.type = HttpAuthType::kBasic;
    out.header =
        "Basic " + Base64Encode(auth.GetString("username") + ":" + auth.GetString("password"));
  } else {
    ARK_RETURN_IF_ERROR(require("token"));
    out.type = HttpAuthType::kBearer;
    out.header = "Bearer " + auth.GetString("token");
  }
  return out;
}

bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  // Every byte of `expected` is compared, whatever `given` holds.
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

std::string Base64Encode(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(data[k])); };
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += rest == 2 ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

Result<HostPort> ParseHostPort(std::string_view address, std::string_view what) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("{} \"{}\" is not host:port (e.g. \"0.0.0.0:8080\")", what,
                                   address);
  }
  std::string_view host = address.substr(0, colon);
  std::string_view port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return Status::InvalidArgument("{} \"{}\": port \"{}\" is not a number from 0 to 65535", what,
                                   address, port_text);
  }
  HostPort hp;
  hp.host = host.empty() ? "0.0.0.0" : std::string(host);
  hp.port = static_cast<uint16_t>(port);
  return hp;
}

bool ConcurrencyLimit::TryAcquire() {
  std::lock_guard<std::mutex> lock(mu_);
  if (free_ == 0) return false;
  --free_;
  return true;
}

void ConcurrencyLimit::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++free_;
  }
  freed_.notify_one();
}

void ConcurrencyLimit::WaitFor(std::chrono::milliseconds at_most) {
  std::unique_lock<std::mutex> lock(mu_);
  freed_.wait_for(lock, at_most, [this] { return free_ > 0; });
}

int64_t RetryBackoff::DelayMicros(int attempts, int64_t retry_after_s) const {
  int64_t delay_us = initial.count() << std::clamp(attempts - 1, 0, 20);
  delay_us = std::min<int64_t>(delay_us, max.count());
  const int64_t after_s = std::min<int64_t>(
      {retry_after_s, max_retry_after.count(), std::numeric_limits<int64_t>::max() / 1'000'000});
  return std::max<int64_t>(delay_us, after_s * 1'000'000);
}

bool CurlAttempt::Retryable() const {
  if (code == CURLE_OK) return status == 429 || status >= 500;
  switch (static_cast<CURLcode>(code)) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

struct CurlMultiDriver::Handle {
  CURL* easy = nullptr;
  size_t request = 0;
  char error[CURL_ERROR_SIZE] = {};
};

CurlMultiDriver::~CurlMultiDriver() { Close(); }

Status CurlMultiDriver::Init(std::string_view who) {
  if (multi_ != nullptr) return Status::OK();
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
  if (multi_ == nullptr) return Status::Internal("{}: curl_multi_init failed", who);
  return Status::OK();
}

void CurlMultiDriver::Close() {
  for (Handle* h : idle_) {
    curl_easy_cleanup(h->easy);
    delete h;
  }
  idle_.clear();
  if (multi_ != nullptr) curl_multi_cleanup(static_cast<CURLM*>(multi_));
  multi_ = nullptr;
}

void CurlMultiDriver::Run(const std::vector<size_t>& pending, ConcurrencyLimit& limit,
                          std::chrono::milliseconds timeout, const RetryBackoff& backoff,
                          const StartFn& start, const FinishFn& finish) {
  CURLM* multi = static_cast<CURLM*>(multi_);
  constexpr int64_t kMaxWaitUs = 50'000;
  std::deque<size_t> ready(pending.begin(), pending.end());
  std::vector<std::pair<int64_t, size_t>> delayed;  // (monotonic µs, request)
  std::vector<int> attempts;
  int active = 0;
  auto launch = [&](size_t request) {
    Handle* h;
    if (!idle_.empty()) {
      h = idle_.back();
      idle_.pop_back();
      curl_easy_reset(h->easy);
    } else {
      h = new Handle;
      h->easy = curl_easy_init();
    }
    h->request = request;
    h->error[0] = '\0';
    if (attempts.size() <= request) attempts.resize(request + 1, 0);
    ++attempts[request];
    start(request, h->easy);
    curl_easy_setopt(h->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h->easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(h->easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<int64_t>(timeout.count(), 10000)));
    curl_easy_setopt(h->easy, CURLOPT_PRIVATE, h);
    curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, h->error);
    curl_multi_add_handle(multi, h->easy);
  };
  while (!ready.empty() || !delayed.empty() || active > 0) {
    const int64_t now = MonotonicMicros();
    for (auto it = delayed.begin(); it != delayed.end();) {
      if (it->first <= now) {
        ready.push_back(it->second);
        it = delayed.erase(it);
      } else {
        ++it;
      }
    }
    while (!ready.empty() && limit.TryAcquire()) {
      launch(ready.front());
      ready.pop_front();
      ++active;
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Handle* h = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&h));
      CurlAttempt a;
      a.code = msg->data.result;
      curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &a.status);
      curl_off_t retry_after = 0;
      curl_easy_getinfo(h->easy, CURLINFO_RETRY_AFTER, &retry_after);
      a.retry_after = static_cast<int64_t>(retry_after);
      a.attempts = attempts[h->request];
      if (a.code != CURLE_OK) {
        a.error = h->error[0] != '\0' ? std::string(h->error)
                                      : std::string(curl_easy_strerror(msg->data.result));
      }
      curl_multi_remove_handle(multi, h->easy);
      idle_.push_back(h);
      limit.Release();
      --active;
      if (finish(h->request, a)) {
        delayed.emplace_back(MonotonicMicros() + backoff.DelayMicros(a.attempts, a.retry_after),
                             h->request);
      }
    }
    int64_t wait_us = kMaxWaitUs;
    if (!delayed.empty()) {
      const int64_t next = std::min_element(delayed.begin(), delayed.end())->first;
      wait_us = std::clamp<int64_t>(next - MonotonicMicros(), 0, kMaxWaitUs);
    }
    if (active > 0) {
      curl_multi_poll(multi, nullptr, 0, static_cast<int>((wait_us + 999) / 1000), nullptr);
    } else if (!ready.empty()) {
      limit.WaitFor(std::chrono::milliseconds(50));  // every slot is used by other threads
    } else if (!delayed.empty()) {
      std::this_thread::sleep_for(std::chrono::microseconds(wait_us));
    }
  }
}

}  // namespace ark
