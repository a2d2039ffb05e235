#include "runtime/backoff.h"

#include <gtest/gtest.h>

namespace ark {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, DoublesUpToTheCapAndResets) {
  Backoff b({milliseconds(50), milliseconds(300), 2.0});
  EXPECT_EQ(b.Next(), milliseconds(50));
  EXPECT_EQ(b.Next(), milliseconds(100));
  EXPECT_EQ(b.Next(), milliseconds(200));
  EXPECT_EQ(b.Next(), milliseconds(300));
  EXPECT_EQ(b.Next(), milliseconds(300));
  EXPECT_EQ(b.attempts(), 5);
  b.Reset();
  EXPECT_EQ(b.attempts(), 0);
  EXPECT_EQ(b.Next(), milliseconds(50));
}

TEST(BackoffTest, SleepEndsAtOnceWhenStopped) {
  std::stop_source stop;
  EXPECT_TRUE(SleepUnlessStopped(stop.get_token(), milliseconds(1)));
  stop.request_stop();
  // An hour-long sleep returns immediately once stop was requested.
  EXPECT_FALSE(SleepUnlessStopped(stop.get_token(), std::chrono::hours(1)));
}

}  // namespace
}  // namespace ark
