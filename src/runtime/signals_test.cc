#include "runtime/signals.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace ark {
namespace {

TEST(ShutdownSignalsTest, FirstSignalRunsTheCallbackOnce) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> seen;
  auto installed = ShutdownSignals::Install([&](int sig) {
    std::lock_guard lock(mu);
    seen.push_back(sig);
    cv.notify_all();
  });
  ASSERT_TRUE(installed.ok()) << installed.status().ToString();
  raise(SIGTERM);
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return !seen.empty(); }));
    EXPECT_EQ(seen, std::vector<int>{SIGTERM});
  }
  EXPECT_EQ(ShutdownSignals::received(), 1);
  (*installed)->Stop();
  (*installed)->Stop();  // idempotent

  struct sigaction now = {};
  sigaction(SIGTERM, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);  // the previous handler is back
}

TEST(ShutdownSignalsTest, IgnoresSigpipe) {
  auto installed = ShutdownSignals::Install([](int) {});
  ASSERT_TRUE(installed.ok());
  struct sigaction now = {};
  sigaction(SIGPIPE, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_IGN);
}

TEST(ShutdownSignalsTest, OnlyOneInstallationAtATime) {
  auto first = ShutdownSignals::Install([](int) {});
  ASSERT_TRUE(first.ok());
  auto second = ShutdownSignals::Install([](int) {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(), "shutdown signal handlers are already installed");
  (*first)->Stop();
  auto third = ShutdownSignals::Install([](int) {});
  EXPECT_TRUE(third.ok());
}

TEST(ShutdownSignalsDeathTest, SecondSignalExitsWith130) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        auto installed = ShutdownSignals::Install([](int) {});
        if (!installed.ok()) _exit(1);
        raise(SIGINT);
        raise(SIGINT);
        _exit(0);  // not reached
      },
      ::testing::ExitedWithCode(130), "");
}

}  // namespace
}  // namespace ark
