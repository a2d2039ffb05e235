// Saving and restoring the state of continuous queries (StreamingQuery::SaveState/LoadState):
// for each kind of stateful operator, a query run over input split A | B gives exactly the output
// of one run over A then B when, at the split, its state is saved, written as a snapshot, read
// back, and loaded into a new query that runs B.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fmt/format.h>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/column_builder.h"
#include "sql/operators/test_batches.h"
#include "sql/streaming/streaming_query.h"
#include "sql/streaming/streaming_test_util.h"
#include "state/memory_state_backend.h"

namespace ark::sql {
namespace {

using testing::Bids;
using ::testing::ElementsAre;
using testing::kSecond;
using testing::kT0;
using testing::Make;
using testing::Rows;

// One step of a run: a batch, a watermark (seconds), a processing time, or a TTL expiry.
struct Step {
  enum class Kind { kPush, kWatermark, kTime, kExpire } kind;
  Batch batch;
  int64_t value = 0;
};
Step Push(Batch b) { return {Step::Kind::kPush, std::move(b), 0}; }
Step Watermark(int64_t seconds) { return {Step::Kind::kWatermark, Batch(), seconds}; }
Step Time(int64_t us) { return {Step::Kind::kTime, Batch(), us}; }
Step Expire(int64_t us) { return {Step::Kind::kExpire, Batch(), us}; }

// The output rows, then "late:<rows>" for every late batch.
std::vector<std::string> RunSteps(StreamingQuery& q, const std::vector<Step>& steps, bool finish) {
  StreamResult r;
  for (const Step& s : steps) {
    Status st;
    switch (s.kind) {
      case Step::Kind::kPush:
        st = q.Push(s.batch, &r);
        break;
      case Step::Kind::kWatermark:
        st = q.AdvanceWatermark(kT0 + s.value * kSecond, &r);
        break;
      case Step::Kind::kTime:
        q.SetProcessingTime(s.value);
        break;
      case Step::Kind::kExpire:
        st = q.ExpireState(s.value);
        break;
    }
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  if (finish) {
    EXPECT_TRUE(q.Finish(&r).ok());
  }
  std::vector<std::string> rows = Rows(r.batches);
  for (const LateRows& l : r.late) rows.push_back(fmt::format("late:{}", l.rows.num_rows()));
  return rows;
}

class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("ark_streaming_state_{}_{}", ::getpid(), counter++);
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Every table's entries, for comparing two saves.
std::map<std::string, std::vector<std::string>> Contents(const state::StateBackend& b) {
  std::map<std::string, std::vector<std::string>> out;
  for (const state::StateTable* t : b.tables()) {
    auto& entries = out[fmt::format("{}#{} {}", t->operator_id(), t->shard(), t->description())];
    EXPECT_TRUE(t->Scan("", [&](std::string_view k, std::string_view v) {
                   entries.push_back(std::string(k) + "=" + std::string(v));
                   return Status::OK();
                 }).ok());
  }
  return out;
}

// Runs `sql` over a then b in one query, and split with a snapshot in between; checks both give
// the same rows (which it returns), that the restored query holds the same state (keys per
// operator) and saves exactly the same tables again.
std::vector<std::string> CheckSplit(const std::string& sql, const std::vector<Step>& a,
                                    const std::vector<Step>& b) {
  auto whole = Make(sql);
  if (whole == nullptr) return {};
  std::vector<Step> all = a;
  all.insert(all.end(), b.begin(), b.end());
  const std::vector<std::string> expected = RunSteps(*whole, all, true);

  auto first = Make(sql);
  std::vector<std::string> got = RunSteps(*first, a, false);
  state::MemoryStateBackend saved;
  Status s = first->SaveState(saved, 0);
  EXPECT_TRUE(s.ok()) << s.ToString();
  TempDir dir;
  EXPECT_TRUE(saved.WriteSnapshot(dir.path()).ok());
  state::MemoryStateBackend read;
  s = read.ReadSnapshot(dir.path());
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto second = Make(sql);
  s = second->LoadState(read, 0);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::vector<int64_t> keys_before, keys_after;
  for (const OperatorState& o : first->State()) keys_before.push_back(o.keys);
  for (const OperatorState& o : second->State()) keys_after.push_back(o.keys);
  EXPECT_EQ(keys_after, keys_before);
  EXPECT_EQ(second->watermark_us(), first->watermark_us());
  state::MemoryStateBackend again;
  EXPECT_TRUE(second->SaveState(again, 0).ok());
  EXPECT_EQ(Contents(again), Contents(saved));

  std::vector<std::string> rest = RunSteps(*second, b, true);
  got.insert(got.end(), rest.begin(), rest.end());
  EXPECT_EQ(got, expected);
  return got;
}

TEST(StreamingState, TumbleWindowOpenAcrossTheSplit) {
  std::vector<std::string> rows = CheckSplit(
      "SELECT auction, window_start, count(*) AS n, sum(price) AS total, max(price) AS top, "
      "count(DISTINCT price) AS prices, array_agg(price) AS all_prices, "
      "string_agg(CAST(price AS VARCHAR), ',' ORDER BY price DESC) AS ordered, "
      "approx_count_distinct(price) AS approx, avg(price) FILTER (WHERE price > 10) AS big "
      "FROM TUMBLE(flow, ts, INTERVAL '10' SECOND) GROUP BY auction, window_start, window_end",
      {Push(Bids({1, 2, 1}, {10, 20, 30}, {1, 2, 12})), Push(Bids({2, 1}, {5, 30}, {3, 14})),
       Watermark(10)},
      {Push(Bids({1, 3, 1}, {30, 7, 40}, {15, 16, 21})), Push(Bids({2}, {1}, {4})), Watermark(20)});
  // The late row (its window closed at watermark 10) is listed last.
  EXPECT_THAT(rows, ElementsAre("1|2024-01-01T00:00:00Z|1|10|10|1|[10]|10|1|NULL",
                                "2|2024-01-01T00:00:00Z|2|25|20|2|[20, 5]|20,5|2|20",
                                "1|2024-01-01T00:00:10Z|3|90|30|1|[30, 30, 30]|30,30,30|1|30",
                                "3|2024-01-01T00:00:10Z|1|7|7|1|[7]|7|1|NULL",
                                "1|2024-01-01T00:00:20Z|1|40|40|1|[40]|40|1|40", "late:1"));
}

TEST(StreamingState, WindowTopNBuffersRowsAcrossTheSplit) {
  std::vector<std::string> rows = CheckSplit(
      "SELECT * FROM (SELECT auction, price, window_start, ROW_NUMBER() OVER (PARTITION BY "
      "window_start, window_end ORDER BY price DESC) AS rn FROM TUMBLE(flow, ts, INTERVAL '10' "
      "SECOND)) AS t WHERE rn <= 2",
      {Push(Bids({1, 2}, {10, 20}, {1, 2})), Push(Bids({3}, {15}, {11}))},
      {Push(Bids({4, 5}, {30, 1}, {3, 12})), Watermark(20)});
  EXPECT_THAT(rows, ElementsAre("4|30|2024-01-01T00:00:00Z|1", "2|20|2024-01-01T00:00:00Z|2",
                                "3|15|2024-01-01T00:00:10Z|1", "5|1|2024-01-01T00:00:10Z|2"));
}

TEST(StreamingState, ChangelogGroupsUpdatedAndRetractedAcrossTheSplit) {
  CheckSplit(
      "SELECT auction, count(*) AS n, sum(price) AS total, min(price) AS low, "
      "first_value(price) AS first FROM flow GROUP BY auction",
      {Push(Bids({1, 2, 1}, {10, 20, 30}, {1, 2, 3}))},
      {Push(Bids({2, 3, 1}, {5, 7, 1}, {4, 5, 6}))});
  // The outer aggregation sees retractions of the inner one's groups on both sides of the split;
  // max/min over a changelog keep every value (RetractableExtremum).
  std::vector<std::string> rows = CheckSplit(
      "SELECT max(total) AS top, min(total) AS low, count(*) AS groups FROM (SELECT auction, "
      "sum(price) AS total FROM flow GROUP BY auction) AS t",
      {Push(Bids({1, 2}, {10, 20}, {1, 2})), Push(Bids({1}, {15}, {3}))},
      {Push(Bids({2}, {1}, {4})), Push(Bids({3, 1}, {2, 100}, {5, 6}))});
  EXPECT_THAT(rows,
              ElementsAre("20|10|2|+I", "20|10|2|-U", "20|20|1|+U", "20|20|1|-U", "25|20|2|+U",
                          "25|20|2|-U", "25|25|1|+U", "25|25|1|-U", "25|21|2|+U", "25|21|2|-U",
                          "21|21|1|+U", "21|21|1|-U", "125|21|2|+U", "125|21|2|-U", "125|2|3|+U"));
}

TEST(StreamingState, SessionOpenAcrossTheSplitMergesAfterIt) {
  std::vector<std::string> rows = CheckSplit(
      "SELECT auction, window_start, window_end, count(*) AS n, sum(price) AS total "
      "FROM SESSION(flow, ts, INTERVAL '5' SECOND) GROUP BY auction, window_start, window_end",
      {Push(Bids({1, 2, 1}, {1, 2, 3}, {0, 1, 10})), Watermark(2)},
      {Push(Bids({1, 2}, {4, 5}, {6, 30})), Watermark(20)});
  EXPECT_THAT(rows, ElementsAre("1|2024-01-01T00:00:00Z|2024-01-01T00:00:05Z|1|1",
                                "2|2024-01-01T00:00:01Z|2024-01-01T00:00:06Z|1|2",
                                "1|2024-01-01T00:00:06Z|2024-01-01T00:00:15Z|2|7",
                                "2|2024-01-01T00:00:30Z|2024-01-01T00:00:35Z|1|5"));
}

TEST(StreamingState, TopNRanksAcrossTheSplit) {
  std::vector<std::string> rows = CheckSplit(
      "SELECT * FROM (SELECT auction, price, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY "
      "price DESC) AS rn FROM flow) AS t WHERE rn <= 2",
      {Push(Bids({1, 1, 2}, {10, 20, 5}, {1, 2, 3}))},
      {Push(Bids({1, 2, 1}, {15, 6, 1}, {4, 5, 6}))});
  EXPECT_THAT(rows, ElementsAre("1|20|1|+I", "1|10|2|+I", "2|5|1|+I", "1|10|2|-D", "2|5|1|-D",
                                "1|15|2|+I", "2|6|1|+I", "2|5|2|+I"));
  // Without PARTITION BY: one global top-N.
  CheckSplit(
      "SELECT * FROM (SELECT auction, price, ROW_NUMBER() OVER (ORDER BY price) AS rn "
      "FROM flow) AS t WHERE rn <= 2",
      {Push(Bids({1, 2, 3}, {10, 20, 5}, {1, 2, 3}))}, {Push(Bids({4, 5}, {7, 1}, {4, 5}))});
}

TEST(StreamingState, DistinctRowsSeenBeforeTheSplitStaySeen) {
  std::vector<std::string> rows = CheckSplit("SELECT DISTINCT auction, price FROM flow",
                                             {Push(Bids({1, 2, 1}, {10, 20, 10}, {1, 2, 3}))},
                                             {Push(Bids({2, 1, 3}, {20, 11, 1}, {4, 5, 6}))});
  EXPECT_THAT(rows, ElementsAre("1|10", "2|20", "1|11", "3|1"));
}

TEST(StreamingState, JoinRowsMatchAcrossTheSplit) {
  std::vector<std::string> rows = CheckSplit(
      "SELECT a.auction, a.price AS first, b.price AS later FROM flow a JOIN flow b "
      "ON a.auction = b.auction AND b.ts > a.ts",
      {Push(Bids({1, 2}, {10, 20}, {1, 2}))}, {Push(Bids({1, 2, 3}, {30, 40, 50}, {3, 4, 5}))});
  EXPECT_THAT(rows, ElementsAre("1|10|30", "2|20|40"));
  // A full join: padded rows emitted before the split are retracted by matches after it.
  rows = CheckSplit(
      "SELECT a.auction AS a_auction, a.price AS big, b.auction AS b_auction, b.price AS small "
      "FROM (SELECT * FROM flow WHERE price > 10) a FULL JOIN "
      "(SELECT * FROM flow WHERE price <= 10) b ON a.auction = b.auction",
      {Push(Bids({1, 2}, {50, 5}, {1, 2}))}, {Push(Bids({2, 1, 1}, {60, 6, 7}, {3, 4, 5}))});
  EXPECT_THAT(rows, ElementsAre("1|50|NULL|NULL|+I", "NULL|NULL|2|5|+I", "NULL|NULL|2|5|-D",
                                "2|60|2|5|+I", "1|50|NULL|NULL|-D", "1|50|1|6|+I", "1|50|1|7|+I"));
  // A window join: rows expire with their windows, also after a restore.
  CheckSplit(
      "SELECT a.auction, a.window_start, a.price, b.price AS other FROM "
      "TUMBLE(flow, ts, INTERVAL '10' SECOND) a JOIN TUMBLE(flow, ts, INTERVAL '10' SECOND) b "
      "ON a.auction = b.auction AND a.window_start = b.window_start AND a.price < b.price",
      {Push(Bids({1, 1}, {1, 2}, {1, 2})), Watermark(10), Watermark(11)},
      {Push(Bids({1, 1}, {3, 4}, {12, 13})), Watermark(30)});
}

TEST(StreamingState, TtlTimesAreSavedToo) {
  // After the split, auction 1 (last seen at 100) expires; auction 2 (200) stays.
  std::vector<std::string> rows =
      CheckSplit("SELECT DISTINCT auction FROM flow",
                 {Time(100), Push(Bids({1}, {1}, {1})), Time(200), Push(Bids({2}, {1}, {2}))},
                 {Expire(150), Time(300), Push(Bids({1, 2}, {1, 1}, {3, 4}))});
  EXPECT_THAT(rows, ElementsAre("1", "2", "1"));
}

TEST(StreamingState, DistinctTtlForgetsRowsNotSeenSinceThen) {
  auto q = Make("SELECT DISTINCT auction, price FROM flow");
  ASSERT_NE(q, nullptr);
  EXPECT_THAT(RunSteps(*q,
                       {Time(100), Push(Bids({1, 2}, {10, 20}, {1, 2})), Time(200),
                        Push(Bids({2, 3}, {20, 30}, {3, 4})), Expire(150)},
                       false),
              ElementsAre("1|10", "2|20", "3|30"));
  ASSERT_EQ(q->State().size(), 1u);
  EXPECT_EQ(q->State()[0].keys, 2);  // (1, 10) was last seen at 100
  // (1, 10) passes again; (2, 20) was seen at 200 and is still a duplicate.
  EXPECT_THAT(RunSteps(*q, {Time(300), Push(Bids({1, 2}, {10, 20}, {5, 6}))}, false),
              ElementsAre("1|10"));
  EXPECT_EQ(q->State()[0].keys, 3);
}

TEST(StreamingState, TopNTtlForgetsKeysWithoutRowsSinceThen) {
  auto q = Make(
      "SELECT * FROM (SELECT auction, price, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY "
      "price DESC) AS rn FROM flow) AS t WHERE rn <= 1");
  ASSERT_NE(q, nullptr);
  EXPECT_THAT(RunSteps(*q,
                       {Time(100), Push(Bids({1, 2}, {10, 20}, {1, 2})), Time(200),
                        Push(Bids({2}, {5}, {3})), Expire(150)},
                       false),
              ElementsAre("1|10|1|+I", "2|20|1|+I"));
  ASSERT_EQ(q->State().size(), 1u);
  EXPECT_EQ(q->State()[0].keys, 1);  // auction 1's row is forgotten; auction 2 got a row at 200
  // Auction 1 starts a new top-N: its next row ranks first, with nothing to retract.
  EXPECT_THAT(RunSteps(*q, {Time(300), Push(Bids({1, 2}, {3, 4}, {4, 5}))}, false),
              ElementsAre("1|3|1|+I"));
  EXPECT_EQ(q->State()[0].keys, 2);
}

TEST(StreamingState, StateOfAnotherPlanIsRefusedNamingTheOperator) {
  const std::string count = "SELECT auction, count(*) AS n FROM flow GROUP BY auction";
  const std::string sum = "SELECT auction, sum(price) AS n FROM flow GROUP BY auction";
  auto a = Make(count);
  ASSERT_NE(a, nullptr);
  std::vector<std::string> out = RunSteps(*a, {Push(Bids({1}, {1}, {1}))}, false);
  state::MemoryStateBackend saved;
  ASSERT_TRUE(a->SaveState(saved, 0).ok());
  auto b = Make(sum);
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(a->State().size(), 1u);
  const std::string was = a->State()[0].name, now = b->State()[0].name;
  EXPECT_NE(was, now);
  const state::StateTable* t = saved.tables()[0];
  EXPECT_EQ(b->LoadState(saved, 0).ToString(),
            fmt::format("InvalidArgument: state of operator {} was saved by another plan: "
                        "operator {} changed from `{}` to `{}`; state is only loaded into the "
                        "operator that saved it",
                        t->operator_id(), t->operator_id(), was, now));
  // A stateless query has no operator for that state.
  auto c = Make("SELECT auction FROM flow");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->LoadState(saved, 0).ToString(),
            fmt::format("InvalidArgument: the saved state has operator {} (`{}`), which the "
                        "running plan does not have as a stateful operator: the query changed "
                        "since the state was saved",
                        t->operator_id(), was));
  // Another shard's state is not this shard's business.
  EXPECT_TRUE(c->LoadState(saved, 1).ok());
}

}  // namespace
}  // namespace ark::sql
