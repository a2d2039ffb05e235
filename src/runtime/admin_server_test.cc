#include "runtime/admin_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "runtime/test_http.h"

namespace ark {
namespace {

using ::ark::testing::HttpGet;
using ::ark::testing::HttpRequest;
using ::testing::HasSubstr;

class AdminServerTest : public ::testing::Test {
 protected:
  std::unique_ptr<AdminServer> Make(bool with_metrics = true) {
    AdminServerOptions options;
    options.address = "127.0.0.1:0";
    AdminServer::MetricsFn metrics;
    if (with_metrics) metrics = [] { return std::string("arkflow_up 1\n"); };
    return std::make_unique<AdminServer>(
        options,
        [this] {
          bool r = ready_.load();
          return Readiness{r, fmt::format("{{\"ready\":{}}}", r)};
        },
        metrics);
  }

  std::atomic<bool> ready_{false};
};

TEST_F(AdminServerTest, AnswersHealthLivenessReadinessAndMetrics) {
  auto server = Make();
  ASSERT_TRUE(server->Start().ok());
  int port = server->port();
  ASSERT_GT(port, 0);

  auto health = HttpGet(port, "/health");
  EXPECT_EQ(health.status, 200) << health.error;
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  EXPECT_EQ(HttpGet(port, "/liveness").status, 200);

  auto not_ready = HttpGet(port, "/ready");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_EQ(not_ready.body, R"({"ready":false})");
  EXPECT_EQ(HttpGet(port, "/readiness").status, 503);
  ready_ = true;
  auto ready = HttpGet(port, "/readiness");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"ready":true})");
  EXPECT_EQ(HttpGet(port, "/ready?verbose=1").status, 200);

  auto metrics = HttpGet(port, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.body, "arkflow_up 1\n");
  EXPECT_THAT(metrics.headers, HasSubstr("Content-Type: text/plain; version=0.0.4; charset=utf-8"));

  EXPECT_EQ(HttpGet(port, "/nope").status, 404);
  EXPECT_EQ(HttpRequest(port, "POST", "/health").status, 405);
  server->Stop();
}

TEST_F(AdminServerTest, MetricsPathIsNotFoundWithoutMetrics) {
  auto server = Make(/*with_metrics=*/false);
  ASSERT_TRUE(server->Start().ok());
  EXPECT_EQ(HttpGet(server->port(), "/metrics").status, 404);
  EXPECT_EQ(HttpGet(server->port(), "/health").status, 200);
}

TEST_F(AdminServerTest, BindFailureNamesTheAddress) {
  auto first = Make();
  ASSERT_TRUE(first->Start().ok());
  std::string address = fmt::format("127.0.0.1:{}", first->port());
  AdminServer second({.address = address}, nullptr, nullptr);
  Status st = second.Start();
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(st.message(), fmt::format("cannot listen on health_check address \"{}\": Address "
                                      "already in use",
                                      address));
  second.Stop();  // never started: a no-op
}

TEST_F(AdminServerTest, RejectsAnAddressWithoutAValidPort) {
  AdminServer no_port({.address = "localhost"}, nullptr, nullptr);
  Status st = no_port.Start();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "health_check address \"localhost\" is not host:port (e.g. \"127.0.0.1:8080\")");
  AdminServer bad_port({.address = "127.0.0.1:99999"}, nullptr, nullptr);
  st = bad_port.Start();
  EXPECT_EQ(st.message(),
            "health_check address \"127.0.0.1:99999\": port \"99999\" is not a number from 0 to "
            "65535");
}

TEST_F(AdminServerTest, StopIsIdempotentAndReleasesThePort) {
  auto server = Make();
  ASSERT_TRUE(server->Start().ok());
  int port = server->port();
  server->Stop();
  server->Stop();
  EXPECT_EQ(server->port(), 0);
  EXPECT_EQ(HttpGet(port, "/health").status, 0);
  // The port is free again.
  AdminServer again({.address = fmt::format("127.0.0.1:{}", port)}, nullptr, nullptr);
  EXPECT_TRUE(again.Start().ok());
}

}  // namespace
}  // namespace ark
