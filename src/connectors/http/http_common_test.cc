#include "connectors/http/http_common.h"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "connectors/common/test_util.h"

namespace ark {
namespace {

TEST(Base64Encode, Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("ann:p:w"), "YW5uOnA6dw==");
  EXPECT_EQ(Base64Encode("\xff\xfe"), "//4=");
}

TEST(ConstantTimeEquals, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("Bearer abc", "Bearer abc"));
  EXPECT_FALSE(ConstantTimeEquals("Bearer abd", "Bearer abc"));
  EXPECT_FALSE(ConstantTimeEquals("Bearer ab", "Bearer abc"));
  EXPECT_FALSE(ConstantTimeEquals("Bearer abcd", "Bearer abc"));
  EXPECT_FALSE(ConstantTimeEquals("", "Bearer abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(ParseHostPort, Forms) {
  auto hp = ParseHostPort("127.0.0.1:8080", "address");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 8080);
  hp = ParseHostPort("[::1]:0", "address");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->host, "::1");
  EXPECT_EQ(hp->port, 0);
  hp = ParseHostPort(":9", "address");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->host, "0.0.0.0");
  EXPECT_EQ(ParseHostPort("localhost", "http input address").status().message(),
            "http input address \"localhost\" is not host:port (e.g. \"0.0.0.0:8080\")");
  EXPECT_EQ(ParseHostPort("h:70000", "address").status().message(),
            "address \"h:70000\": port \"70000\" is not a number from 0 to 65535");
}

TEST(RetryBackoff, DoublesUpToTheMaxButWaitsAtLeastTheRetryAfter) {
  RetryBackoff b{.initial = std::chrono::milliseconds(100),
                 .max = std::chrono::seconds(1),
                 .max_retry_after = std::chrono::seconds(60)};
  EXPECT_EQ(b.DelayMicros(1, 0), 100'000);
  EXPECT_EQ(b.DelayMicros(2, 0), 200'000);
  EXPECT_EQ(b.DelayMicros(4, 0), 800'000);
  EXPECT_EQ(b.DelayMicros(5, 0), 1'000'000);
  EXPECT_EQ(b.DelayMicros(100, 0), 1'000'000);
  EXPECT_EQ(b.DelayMicros(1, 3), 3'000'000);
  EXPECT_EQ(b.DelayMicros(1, 3600), 60'000'000);
  b.max_retry_after = std::chrono::seconds::max();
  EXPECT_EQ(b.DelayMicros(1, 3600), 3'600'000'000);
}

// tests/support/http_receiver.py (Python's http.server) on a free port, killed at the end.
class Receiver {
 public:
  explicit Receiver(std::vector<std::string> args) : process_(Argv(std::move(args))) {
    int port = 0;
    FILE* out = process_.out();
    EXPECT_TRUE(out != nullptr && fscanf(out, "PORT %d", &port) == 1)
        << "http_receiver.py did not start";
    if (port > 0) base_ = "http://127.0.0.1:" + std::to_string(port);
  }
  ~Receiver() { std::filesystem::remove(record_); }
  // "http://127.0.0.1:<port>"; empty when it did not start.
  const std::string& base() const { return base_; }
  // The requests it accepted.
  int Recorded() const {
    std::ifstream in(record_);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) ++n;
    return n;
  }

 private:
  std::vector<std::string> Argv(std::vector<std::string> args) {
    record_ = std::filesystem::temp_directory_path() /
              ("http_common_test." + std::to_string(getpid()) + ".jsonl");
    std::filesystem::remove(record_);
    std::vector<std::string> argv = {
        (std::filesystem::path(ARK_SOURCE_DIR) / "tests/support/http_receiver.py").string(),
        "--record", record_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  std::filesystem::path record_;  // set by Argv, before process_ starts
  testing::ScriptProcess process_;
  std::string base_;
};

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// Runs POSTs to `urls` with at most `slots` in flight, retrying what is retryable up to
// `retry_count` times; returns every attempt of each request.
std::map<size_t, std::vector<CurlAttempt>> RunAll(const std::vector<std::string>& urls, int slots,
                                                  int retry_count) {
  CurlMultiDriver driver;
  EXPECT_TRUE(driver.Init("test").ok());
  ConcurrencyLimit limit(slots);
  std::vector<size_t> pending;
  for (size_t i = 0; i < urls.size(); ++i) pending.push_back(i);
  std::map<size_t, std::vector<CurlAttempt>> seen;
  int in_flight = 0;
  driver.Run(
      pending, limit, std::chrono::seconds(10),
      RetryBackoff{.initial = std::chrono::milliseconds(1)},
      [&](size_t i, void* easy) {
        ++in_flight;
        EXPECT_LE(in_flight, slots);
        curl_easy_setopt(easy, CURLOPT_URL, urls[i].c_str());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "{}");
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, Discard);
      },
      [&](size_t i, const CurlAttempt& a) {
        --in_flight;
        seen[i].push_back(a);
        return !a.Succeeded() && a.Retryable() && a.attempts <= retry_count;
      });
  // Every slot was given back.
  for (int k = 0; k < slots; ++k) EXPECT_TRUE(limit.TryAcquire());
  EXPECT_FALSE(limit.TryAcquire());
  return seen;
}

TEST(CurlMultiDriver, RetriesA503UntilItSucceeds) {
  Receiver server({"--fail-first", "2"});
  ASSERT_FALSE(server.base().empty());
  std::vector<std::string> urls;
  for (int i = 0; i < 5; ++i) urls.push_back(server.base() + "/ok/" + std::to_string(i));
  auto seen = RunAll(urls, 1, 3);
  ASSERT_EQ(seen.size(), 5u);
  // One in flight: requests 0 and 1 get the two 503s, then everything succeeds.
  for (size_t i = 0; i < 5; ++i) {
    const std::vector<CurlAttempt>& a = seen[i];
    ASSERT_EQ(a.size(), i < 2 ? 2u : 1u) << "request " << i;
    if (i < 2) {
      EXPECT_EQ(a[0].status, 503);
      EXPECT_EQ(a[0].code, CURLE_OK);
      EXPECT_EQ(a[0].retry_after, 0);
      EXPECT_EQ(a[0].attempts, 1);
      EXPECT_TRUE(a[0].Retryable());
    }
    EXPECT_EQ(a.back().status, 200);
    EXPECT_TRUE(a.back().Succeeded());
    EXPECT_EQ(a.back().attempts, static_cast<int>(a.size()));
  }
  EXPECT_EQ(server.Recorded(), 5);
}

TEST(CurlMultiDriver, DoesNotRetryA400) {
  Receiver server({"--reject-path", "/bad", "--fail-first", "1"});
  ASSERT_FALSE(server.base().empty());
  // One in flight: /bad gets the 503, /ok its 200, then /bad's retry the 400 (not retried).
  auto seen = RunAll({server.base() + "/bad", server.base() + "/ok"}, 1, 5);
  ASSERT_EQ(seen.size(), 2u);
  ASSERT_EQ(seen[0].size(), 2u);
  EXPECT_EQ(seen[0][0].status, 503);
  EXPECT_EQ(seen[0][1].status, 400);
  EXPECT_EQ(seen[0][1].attempts, 2);
  EXPECT_FALSE(seen[0][1].Retryable());
  ASSERT_EQ(seen[1].size(), 1u);
  EXPECT_EQ(seen[1][0].status, 200);
  EXPECT_EQ(server.Recorded(), 1);
}

TEST(CurlMultiDriver, ConnectionRefusedIsRetriedThenReported) {
  // A port nothing listens on: bound, then closed.
  std::string url;
  {
    Receiver gone({});
    ASSERT_FALSE(gone.base().empty());
    url = gone.base() + "/x";
  }
  auto seen = RunAll({url}, 4, 2);
  ASSERT_EQ(seen[0].size(), 3u);
  const CurlAttempt& last = seen[0].back();
  EXPECT_EQ(last.code, CURLE_COULDNT_CONNECT);
  EXPECT_EQ(last.status, 0);
  EXPECT_EQ(last.attempts, 3);
  EXPECT_TRUE(last.Retryable());
  EXPECT_FALSE(last.error.empty());
}

}  // namespace
}  // namespace ark
