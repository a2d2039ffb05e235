#include "runtime/event_time.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/column_builder.h"

namespace ark {
namespace {

using ::testing::HasSubstr;
using Clock = WatermarkTracker::Clock;
using std::chrono::seconds;

constexpr int64_t kSecond = 1'000'000;

// Rows with event time `ts` (seconds, nullopt: NULL) and partition `part`.
Batch Rows(const std::vector<std::optional<int64_t>>& ts, const std::vector<int32_t>& part = {}) {
  Int64Builder t(DataType::Timestamp());
  for (const auto& v : ts) v ? t.Append(*v * kSecond) : t.AppendNull();
  std::vector<Field> fields{Field("ts", DataType::Timestamp())};
  std::vector<ColumnPtr> cols{t.Finish()};
  if (!part.empty()) {
    Int32Builder p(DataType::Int32());
    for (int32_t v : part) p.Append(v);
    fields.emplace_back("__meta_partition", DataType::Int32());
    cols.push_back(p.Finish());
  }
  return Batch(Schema::Make(std::move(fields)), std::move(cols), static_cast<int64_t>(ts.size()));
}

struct FakeClock {
  Clock::time_point t{};
  std::function<Clock::time_point()> fn() {
    return [this] { return t; };
  }
};

TEST(WatermarkTrackerTest, TheWatermarkTrailsTheLargestTimeByMaxDelay) {
  FakeClock clock;
  WatermarkTracker wm({"ts", seconds(5), {}}, clock.fn());
  auto o = wm.Observe(Rows({10, 30, 20}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->on_time.num_rows(), 3);
  EXPECT_TRUE(o->late.empty());
  EXPECT_EQ(o->watermark, 25 * kSecond);
  // Not advancing: no new watermark.
  o = wm.Observe(Rows({28}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->watermark, std::nullopt);
  EXPECT_EQ(wm.watermark(), 25 * kSecond);
}

TEST(WatermarkTrackerTest, RowsOlderThanTheWatermarkAreSplitOutWithTheReason) {
  FakeClock clock;
  WatermarkTracker wm({"ts", seconds(5), {}}, clock.fn());
  ASSERT_TRUE(wm.Observe(Rows({30})).ok());
  auto o = wm.Observe(Rows({24, 25, std::nullopt, 40}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->on_time.num_rows(), 2);  // 25 and 40
  ASSERT_EQ(o->late.size(), 2u);
  EXPECT_EQ(o->late[0].first.num_rows(), 1);
  EXPECT_THAT(o->late[0].second,
              HasSubstr("late: event time (ts) is older than the watermark 1970-01-01"));
  EXPECT_EQ(o->late[1].first.num_rows(), 1);
  EXPECT_THAT(o->late[1].second, HasSubstr("no event time: column ts is NULL"));
  EXPECT_EQ(o->watermark, 35 * kSecond);
  EXPECT_EQ(wm.late_rows(), 1);
}

TEST(WatermarkTrackerTest, TheSlowestPartitionHoldsTheWatermarkUntilItIsIdle) {
  FakeClock clock;
  WatermarkTracker wm({"ts", seconds(0), seconds(10)}, clock.fn());
  auto o = wm.Observe(Rows({100, 50}, {0, 1}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->watermark, 50 * kSecond);
  clock.t += seconds(6);
  o = wm.Observe(Rows({200}, {0}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->watermark, std::nullopt);  // partition 1 still holds it at 50
  ASSERT_TRUE(wm.NextDeadline().has_value());
  EXPECT_EQ(*wm.NextDeadline(), Clock::time_point{} + seconds(10));
  clock.t += seconds(4);
  EXPECT_EQ(wm.OnTimer(), 200 * kSecond);  // partition 1 is idle now
  // It comes back: its rows older than the watermark are late.
  o = wm.Observe(Rows({60, 210}, {1, 1}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->on_time.num_rows(), 1);
  EXPECT_EQ(o->late.size(), 1u);
}

TEST(WatermarkTrackerTest, StringsAndMillisecondsAreEventTimesToo) {
  FakeClock clock;
  WatermarkTracker strings({"t", seconds(0), {}}, clock.fn());
  StringBuilder s;
  s.Append("2024-01-01T00:00:10Z");
  s.Append("yesterday");
  Batch b(Schema::Make({Field("t", DataType::String())}), {s.Finish()}, 2);
  auto o = strings.Observe(b);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->on_time.num_rows(), 1);
  EXPECT_EQ(o->watermark, (1'704'067'200 + 10) * kSecond);
  ASSERT_EQ(o->late.size(), 1u);
  EXPECT_THAT(o->late[0].second, HasSubstr("not a timestamp"));

  WatermarkTracker millis({"t", seconds(0), {}}, clock.fn());
  Int64Builder m(DataType::Int64());
  m.Append(1500);
  o = millis.Observe(Batch(Schema::Make({Field("t", DataType::Int64())}), {m.Finish()}, 1));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->watermark, 1'500'000);
}

TEST(WatermarkTrackerTest, AMissingOrUnsuitableColumnIsAnError) {
  WatermarkTracker wm({"when", seconds(0), {}});
  auto o = wm.Observe(Rows({1}));
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(o.status().ToString(), HasSubstr("the batch has no column \"when\" (columns: ts)"));
  WatermarkTracker b({"flag", seconds(0), {}});
  BoolBuilder f;
  f.Append(true);
  o = b.Observe(Batch(Schema::Make({Field("flag", DataType::Bool())}), {f.Finish()}, 1));
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(o.status().ToString(), HasSubstr("is bool; expected a timestamp"));
}

}  // namespace
}  // namespace ark
