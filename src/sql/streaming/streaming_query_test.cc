#include "sql/streaming/streaming_query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/column_builder.h"
#include "sql/operators/test_batches.h"
#include "sql/streaming/streaming_test_util.h"

namespace ark::sql {
namespace {

using testing::Bids;
using ::testing::ElementsAre;
using testing::FlowCatalog;
using ::testing::HasSubstr;
using testing::Int64Col;
using testing::kSecond;
using testing::kT0;
using testing::Make;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;

Status MakeError(const std::string& sql) {
  return StreamingQuery::Make(sql, FlowCatalog(), "flow").status();
}

TEST(StreamingQueryTest, TumbleEmitsEachWindowOnceWhenTheWatermarkPassesItsEnd) {
  auto q = Make(
      "SELECT auction, window_start, count(*) AS bids, sum(price) AS total "
      "FROM TUMBLE(flow, ts, INTERVAL '10' SECOND) GROUP BY auction, window_start, window_end");
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->needs_watermarks());
  EXPECT_FALSE(q->retracting());
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 2, 1}, {10, 20, 30}, {1, 2, 12}), &r).ok());
  EXPECT_TRUE(r.batches.empty());
  ASSERT_EQ(q->State().size(), 1u);
  EXPECT_EQ(q->State()[0].keys, 2);  // two open windows
  ASSERT_TRUE(q->AdvanceWatermark(kT0 + 9 * kSecond, &r).ok());
  EXPECT_TRUE(r.batches.empty());
  ASSERT_TRUE(q->AdvanceWatermark(kT0 + 10 * kSecond, &r).ok());
  EXPECT_THAT(Rows(r.batches),
              ElementsAre("1|2024-01-01T00:00:00Z|1|10", "2|2024-01-01T00:00:00Z|1|20"));
  r.batches.clear();
  ASSERT_TRUE(q->Push(Bids({1}, {5}, {15}), &r).ok());
  ASSERT_TRUE(q->Finish(&r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|2024-01-01T00:00:10Z|2|35"));
  EXPECT_EQ(q->State()[0].keys, 0);
}

TEST(StreamingQueryTest, EmitOnUpdateGivesAChangelogOfEachWindowAsItFills) {
  Catalog catalog = FlowCatalog();
  auto made = StreamingQuery::Make(
      "SELECT auction, window_start, count(*) AS bids, max(price) AS top "
      "FROM TUMBLE(flow, ts, INTERVAL '10' SECOND) GROUP BY auction, window_start, window_end",
      catalog, "flow", {}, EmitMode::kOnUpdate);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  StreamingQuery& q = **made;
  EXPECT_TRUE(q.retracting());
  StreamResult r;
  ASSERT_TRUE(q.Push(Bids({1, 1, 2}, {10, 30, 20}, {1, 2, 12}), &r).ok());
  EXPECT_THAT(Rows(r.batches),
              ElementsAre("1|2024-01-01T00:00:00Z|2|30|+I", "2|2024-01-01T00:00:10Z|1|20|+I"));
  r.batches.clear();
  ASSERT_TRUE(q.Push(Bids({1}, {50}, {3}), &r).ok());
  EXPECT_THAT(Rows(r.batches),
              ElementsAre("1|2024-01-01T00:00:00Z|2|30|-U", "1|2024-01-01T00:00:00Z|3|50|+U"));
  r.batches.clear();
  ASSERT_TRUE(q.AdvanceWatermark(kT0 + 20 * kSecond, &r).ok());  // nothing more to say
  EXPECT_TRUE(r.batches.empty());
  EXPECT_THAT(FindUnwindowedAggregation("SELECT window_start, count(*) FROM TUMBLE(flow, ts, "
                                        "INTERVAL '1' SECOND) GROUP BY window_start, window_end",
                                        EmitMode::kOnUpdate)
                  ->value_or(""),
              HasSubstr("emitted on update"));
}

TEST(StreamingQueryTest, RowsOfAClosedWindowAreLateAndNotCounted) {
  auto q = Make(
      "SELECT window_end, count(*) AS n FROM TUMBLE(flow, ts, INTERVAL '10' SECOND) "
      "GROUP BY window_end");
  ASSERT_NE(q, nullptr);
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1}, {1}, {3}), &r).ok());
  ASSERT_TRUE(q->AdvanceWatermark(kT0 + 10 * kSecond, &r).ok());
  ASSERT_TRUE(q->Push(Bids({2, 3}, {1, 1}, {4, 11}), &r).ok());
  ASSERT_EQ(r.late.size(), 1u);
  EXPECT_EQ(r.late[0].rows.num_rows(), 1);
  EXPECT_THAT(r.late[0].reason, HasSubstr("late: the row's window closed"));
  ASSERT_TRUE(q->Finish(&r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("2024-01-01T00:00:10Z|1", "2024-01-01T00:00:20Z|1"));
}

TEST(StreamingQueryTest, HopCountsEveryWindowOfARow) {
  auto q = Make(
      "SELECT window_start, window_end, count(*) AS n, max(price) AS top "
      "FROM HOP(flow, ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) "
      "GROUP BY window_start, window_end");
  ASSERT_NE(q, nullptr);
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 1}, {7, 3}, {2, 6}), &r).ok());
  ASSERT_TRUE(q->AdvanceWatermark(kT0 + 10 * kSecond, &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("2023-12-31T23:59:55Z|2024-01-01T00:00:05Z|1|7",
                                           "2024-01-01T00:00:00Z|2024-01-01T00:00:10Z|2|7"));
  r.batches.clear();
  ASSERT_TRUE(q->Finish(&r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("2024-01-01T00:00:05Z|2024-01-01T00:00:15Z|1|3"));
}

TEST(StreamingQueryTest, WindowStartAloneIdentifiesATumblingWindow) {
  auto q = Make(
      "SELECT window_start AS ws, count(DISTINCT auction) AS auctions "
      "FROM TUMBLE(flow, ts, INTERVAL '10' SECOND) WHERE price > 1 GROUP BY window_start");
  ASSERT_NE(q, nullptr);
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 1, 2, 3}, {5, 6, 7, 1}, {1, 2, 3, 4}), &r).ok());
  ASSERT_TRUE(q->AdvanceWatermark(kT0 + 10 * kSecond, &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("2024-01-01T00:00:00Z|2"));
}

TEST(StreamingQueryTest, GroupByWithoutAWindowEmitsAChangelog) {
  auto q = Make("SELECT auction, count(*) AS n, sum(price) AS total FROM flow GROUP BY auction");
  ASSERT_NE(q, nullptr);
  EXPECT_FALSE(q->needs_watermarks());
  EXPECT_TRUE(q->retracting());
  EXPECT_THAT(q->retraction_source(), HasSubstr("aggregation without a window"));
  EXPECT_EQ(q->output_schema()->field(3).name, "__op");
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 2, 1}, {10, 20, 30}, {1, 2, 3}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|2|40|+I", "2|1|20|+I"));
  r.batches.clear();
  ASSERT_TRUE(q->Push(Bids({2, 3}, {5, 1}, {4, 5}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("2|1|20|-U", "2|2|25|+U", "3|1|1|+I"));
}

TEST(StreamingQueryTest, AnAggregateOverAChangelogRetracts) {
  // How many auctions have each number of bids: the inner counts change, so the outer one
  // retracts the old count and adds the new.
  auto q = Make(
      "SELECT n, count(*) AS auctions FROM "
      "(SELECT auction, count(*) AS n FROM flow GROUP BY auction) AS per_auction GROUP BY n");
  ASSERT_NE(q, nullptr);
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 2}, {1, 1}, {1, 2}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|2|+I"));
  r.batches.clear();
  ASSERT_TRUE(q->Push(Bids({1}, {1}, {3}), &r).ok());
  // Auction 1 moves from n=1 to n=2.
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|2|-U", "1|1|+U", "2|1|+I"));
  r.batches.clear();
  ASSERT_TRUE(q->Push(Bids({2}, {1}, {4}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|1|-D", "2|1|-U", "2|2|+U"));
}

TEST(StreamingQueryTest, MinAndMaxOverAChangelogStayCorrectWhenTheirValueIsRetracted) {
  // The busiest and quietest auctions' bid counts: when a count changes, its old value is
  // retracted and max()/min() fall back to what remains before taking the new one.
  auto q = Make(
      "SELECT max(n) AS top, min(n) AS low FROM "
      "(SELECT auction, count(*) AS n FROM flow GROUP BY auction) AS c");
  ASSERT_NE(q, nullptr);
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 1, 2}, {1, 1, 1}, {1, 2, 3}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("2|1|+I"));
  r.batches.clear();
  // Auction 2 goes from 1 to 3 bids. The inner change arrives as its retraction (n = 1 goes:
  // min becomes 2), then its new row (n = 3: max becomes 3) — two updates of the outer row.
  ASSERT_TRUE(q->Push(Bids({2, 2}, {1, 1}, {4, 5}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("2|1|-U", "2|2|+U", "2|2|-U", "3|2|+U"));
}

TEST(StreamingQueryTest, NonRetractableAggregatesOverAChangelogAreRefused) {
  Status st = MakeError(
      "SELECT string_agg(CAST(n AS varchar), ',') FROM "
      "(SELECT auction, count(*) AS n FROM flow GROUP BY auction) AS c");
  EXPECT_THAT(st.ToString(), HasSubstr("cannot be updated when rows are retracted"));
}

TEST(StreamingQueryTest, WhatAStreamCannotDoIsRefusedByName) {
  EXPECT_THAT(MakeError("SELECT * FROM flow ORDER BY price").ToString(), HasSubstr("ORDER BY"));
  EXPECT_THAT(MakeError("SELECT * FROM flow LIMIT 3").ToString(), HasSubstr("LIMIT"));
  EXPECT_THAT(MakeError("SELECT * FROM flow a JOIN flow b ON a.price > b.price").ToString(),
              HasSubstr("a join of two streams needs an equality condition between them"));
  EXPECT_THAT(MakeError("SELECT * FROM other").ToString(), HasSubstr("other"));
  EXPECT_THAT(
      MakeError("SELECT auction, count(DISTINCT price) FROM flow GROUP BY auction").ToString(),
      HasSubstr("count(DISTINCT price) without a window is not supported yet"));
}

TEST(StreamingQueryTest, AnInnerJoinMatchesRowsWhicheverSideArrivesFirst) {
  auto q = Make(
      "SELECT a.auction, a.price AS first, b.price AS later FROM flow a JOIN flow b "
      "ON a.auction = b.auction AND b.ts > a.ts");
  ASSERT_NE(q, nullptr);
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 2}, {10, 20}, {1, 2}), &r).ok());
  EXPECT_TRUE(r.batches.empty());  // a row never pairs with itself (b.ts > a.ts)
  ASSERT_TRUE(q->Push(Bids({1}, {30}, {3}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|10|30"));
  ASSERT_EQ(q->State().size(), 1u);
  EXPECT_EQ(q->State()[0].keys, 6);  // three rows on each side
}

TEST(StreamingQueryTest, ALeftJoinRetractsTheNullPaddedRowWhenTheFirstMatchArrives) {
  // Bids (price > 10) joined with later bids of the same auction (price <= 10).
  auto q = Make(
      "SELECT a.auction, a.price AS big, b.price AS small FROM "
      "(SELECT * FROM flow WHERE price > 10) a LEFT JOIN (SELECT * FROM flow WHERE price <= 10) b "
      "ON a.auction = b.auction");
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->retracting());
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 2}, {50, 60}, {1, 2}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|50|NULL|+I", "2|60|NULL|+I"));
  r.batches.clear();
  ASSERT_TRUE(q->Push(Bids({1, 1}, {5, 6}, {3, 4}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|50|NULL|-D", "1|50|5|+I", "1|50|6|+I"));
  r.batches.clear();
  ASSERT_TRUE(q->Push(Bids({1}, {70}, {5}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|70|5|+I", "1|70|6|+I"));
}

// Big bids (price > 10) and small ones (price <= 10) of the same auction, outer-joined.
constexpr const char* kOuterJoin =
    "SELECT a.auction AS a_auction, a.price AS big, b.auction AS b_auction, b.price AS small "
    "FROM (SELECT * FROM flow WHERE price > 10) a {} JOIN "
    "(SELECT * FROM flow WHERE price <= 10) b ON a.auction = b.auction";

TEST(StreamingQueryTest, ARightJoinKeepsEveryRightRowAndRetractsItsPaddingOnAMatch) {
  auto q = Make(fmt::format(kOuterJoin, "RIGHT"));
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->retracting());
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 2}, {50, 5}, {1, 2}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("NULL|NULL|2|5|+I"));
  r.batches.clear();
  ASSERT_TRUE(q->Push(Bids({2, 1}, {60, 6}, {3, 4}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("NULL|NULL|2|5|-D", "2|60|2|5|+I", "1|50|1|6|+I"));
}

TEST(StreamingQueryTest, AFullJoinPadsBothSidesUntilTheirFirstMatch) {
  auto q = Make(fmt::format(kOuterJoin, "FULL"));
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->retracting());
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 2}, {50, 5}, {1, 2}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|50|NULL|NULL|+I", "NULL|NULL|2|5|+I"));
  r.batches.clear();
  ASSERT_TRUE(q->Push(Bids({2, 1, 3}, {60, 6, 7}, {3, 4, 5}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("NULL|NULL|2|5|-D", "2|60|2|5|+I", "1|50|NULL|NULL|-D",
                                           "1|50|1|6|+I", "NULL|NULL|3|7|+I"));
  r.batches.clear();
  ASSERT_TRUE(q->Push(Bids({1}, {8}, {6}), &r).ok());  // a second match: no retraction
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|50|1|8|+I"));
}

TEST(StreamingQueryTest, AnIntervalJoinOnEventTimeForgetsRowsTheWatermarkHasPassed) {
  // Each big bid with the small bids of its auction in the 5 seconds after it.
  Catalog catalog = FlowCatalog();
  auto made = StreamingQuery::Make(
      "SELECT a.auction, a.price AS big, b.price AS small FROM "
      "(SELECT * FROM flow WHERE price > 10) a JOIN (SELECT * FROM flow WHERE price <= 10) b "
      "ON a.auction = b.auction AND b.ts BETWEEN a.ts AND a.ts + INTERVAL '5' SECOND",
      catalog, "flow", {}, EmitMode::kOnWindowClose, "ts");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  StreamingQuery& q = **made;
  EXPECT_THAT(q.Explain(), HasSubstr("IntervalHashJoin"));
  StreamResult r;
  // One row per batch: rows are dropped with the batch they came in.
  ASSERT_TRUE(q.Push(Bids({1}, {50}, {1}), &r).ok());
  ASSERT_TRUE(q.Push(Bids({2}, {60}, {2}), &r).ok());
  ASSERT_TRUE(q.AdvanceWatermark(kT0 + 2 * kSecond, &r).ok());
  ASSERT_TRUE(q.Push(Bids({1}, {5}, {6}), &r).ok());
  ASSERT_TRUE(q.Push(Bids({2}, {6}, {8}), &r).ok());  // 6 s after auction 2's big bid: too late
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|50|5"));
  r.batches.clear();
  EXPECT_EQ(q.State()[0].keys, 4);
  // A big bid at t matches small bids up to t + 5 s: the one at 1 s is done once the watermark
  // has passed 6 s. A small bid at t matches big bids from t - 5 s to t: the one at 6 s is done
  // past 6 s. A watermark drops what the one before it made unmatchable.
  ASSERT_TRUE(q.AdvanceWatermark(kT0 + 7 * kSecond, &r).ok());
  ASSERT_TRUE(q.AdvanceWatermark(kT0 + 9 * kSecond, &r).ok());
  EXPECT_EQ(q.State()[0].keys, 2);  // the big bid at 2 s and the small bid at 8 s
  // Matching goes on past the dropped rows.
  ASSERT_TRUE(q.Push(Bids({1, 1}, {90, 3}, {9, 10}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|90|3"));
  r.batches.clear();
  ASSERT_TRUE(q.AdvanceWatermark(kT0 + 10 * kSecond, &r).ok());
  EXPECT_EQ(q.State()[0].keys, 2);  // the bids at 9 s and 10 s
  ASSERT_TRUE(q.Push(Bids({3, 3}, {80, 7}, {10, 12}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("3|80|7"));
  // Without the event-time column the join keeps every row.
  auto kept = StreamingQuery::Make(
      "SELECT a.auction FROM flow a JOIN flow b ON a.auction = b.auction AND b.ts BETWEEN a.ts "
      "AND a.ts + INTERVAL '5' SECOND",
      catalog, "flow");
  ASSERT_TRUE(kept.ok());
  EXPECT_THAT((*kept)->Explain(), HasSubstr("StreamHashJoin"));
}

TEST(StreamingQueryTest, AWindowJoinPairsTheResultsOfOneWindowAndForgetsThem) {
  // Nexmark q8's shape: two windowed aggregations of the same windows, joined on the window.
  auto q = Make(
      "SELECT s.auction, s.window_start, s.bids, m.top FROM "
      "(SELECT auction, window_start, window_end, count(*) AS bids "
      " FROM TUMBLE(flow, ts, INTERVAL '10' SECOND) GROUP BY auction, window_start, window_end) s "
      "JOIN "
      "(SELECT window_start, window_end, max(price) AS top "
      " FROM TUMBLE(flow, ts, INTERVAL '10' SECOND) GROUP BY window_start, window_end) m "
      "ON s.window_start = m.window_start AND s.window_end = m.window_end");
  ASSERT_NE(q, nullptr);
  EXPECT_THAT(q->Explain(), HasSubstr("WindowHashJoin"));
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 2, 1}, {10, 20, 30}, {1, 2, 12}), &r).ok());
  ASSERT_TRUE(q->AdvanceWatermark(kT0 + 10 * kSecond, &r).ok());
  EXPECT_THAT(Rows(r.batches),
              ElementsAre("1|2024-01-01T00:00:00Z|1|20", "2|2024-01-01T00:00:00Z|1|20"));
  r.batches.clear();
  ASSERT_TRUE(q->AdvanceWatermark(kT0 + 20 * kSecond, &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|2024-01-01T00:00:10Z|1|30"));
  // The first window's rows were dropped at the second watermark; the second's at the next.
  int64_t join_rows = 0;
  for (const OperatorState& s : q->State()) {
    if (s.name.starts_with("WindowHashJoin")) join_rows = s.keys;
  }
  EXPECT_EQ(join_rows, 2);
  ASSERT_TRUE(q->AdvanceWatermark(kT0 + 30 * kSecond, &r).ok());
  for (const OperatorState& s : q->State()) {
    if (s.name.starts_with("WindowHashJoin")) join_rows = s.keys;
  }
  EXPECT_EQ(join_rows, 0);
}

TEST(StreamingQueryTest, WindowTopNRanksEachWindowWhenItCloses) {
  auto q = Make(
      "SELECT window_start, auction, price FROM ("
      "  SELECT *, row_number() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) "
      "    AS rn FROM TUMBLE(flow, ts, INTERVAL '10' SECOND)) t "
      "WHERE rn <= 2");
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->needs_watermarks());
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 2, 3, 4}, {10, 40, 30, 20}, {1, 2, 3, 11}), &r).ok());
  ASSERT_TRUE(q->Push(Bids({5}, {35}, {4}), &r).ok());
  EXPECT_TRUE(r.batches.empty());
  ASSERT_TRUE(q->AdvanceWatermark(kT0 + 10 * kSecond, &r).ok());
  EXPECT_THAT(Rows(r.batches),
              ElementsAre("2024-01-01T00:00:00Z|2|40", "2024-01-01T00:00:00Z|5|35"));
  r.batches.clear();
  ASSERT_TRUE(q->Finish(&r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("2024-01-01T00:00:10Z|4|20"));
}

TEST(StreamingQueryTest, OverWithoutAWindowPartitionIsRefused) {
  EXPECT_THAT(
      MakeError("SELECT auction, row_number() OVER (PARTITION BY auction ORDER BY price) FROM flow")
          .ToString(),
      HasSubstr("needs a filter on it, such as WHERE rn <= N"));
  EXPECT_THAT(
      MakeError("SELECT auction, rank() OVER (PARTITION BY auction ORDER BY price) FROM flow")
          .ToString(),
      HasSubstr("is not partitioned by a window"));
}

TEST(StreamingQueryTest, TopNPerKeyIsAChangelogOfRankChanges) {
  auto q = Make(
      "SELECT auction, price, rn FROM ("
      "  SELECT *, row_number() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM flow"
      ") t WHERE rn <= 2");
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->retracting());
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 1, 2}, {10, 30, 5}, {1, 2, 3}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|30|1|+I", "1|10|2|+I", "2|5|1|+I"));
  r.batches.clear();
  // 20 enters auction 1 at rank 2 and pushes 10 out; 1 does not enter.
  ASSERT_TRUE(q->Push(Bids({1, 1}, {20, 1}, {4, 5}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|10|2|-D", "1|20|2|+I"));
  r.batches.clear();
  // 40 takes rank 1: 30 and 20 move down a rank.
  ASSERT_TRUE(q->Push(Bids({1}, {40}, {6}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|30|1|-D", "1|20|2|-D", "1|40|1|+I", "1|30|2|+I"));
  EXPECT_EQ(q->State()[0].keys, 3);

  // Deduplication: the first row of each auction only.
  auto first = Make(
      "SELECT auction, price FROM (SELECT *, row_number() OVER (PARTITION BY auction ORDER BY ts) "
      "AS rn FROM flow) t WHERE rn = 1");
  ASSERT_NE(first, nullptr);
  r.batches.clear();
  ASSERT_TRUE(first->Push(Bids({1, 1, 2}, {10, 30, 5}, {1, 2, 3}), &r).ok());
  ASSERT_TRUE(first->Push(Bids({2}, {7}, {4}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|10|+I", "2|5|+I"));
}

TEST(StreamingQueryTest, StateTtlForgetsGroupsAndJoinRowsNotTouchedSinceThen) {
  auto agg = Make("SELECT auction, count(*) AS n FROM flow GROUP BY auction");
  ASSERT_NE(agg, nullptr);
  StreamResult r;
  agg->SetProcessingTime(100);
  ASSERT_TRUE(agg->Push(Bids({1, 2}, {1, 1}, {1, 2}), &r).ok());
  agg->SetProcessingTime(200);
  ASSERT_TRUE(agg->Push(Bids({2, 3}, {1, 1}, {3, 4}), &r).ok());
  ASSERT_TRUE(agg->ExpireState(150).ok());
  EXPECT_EQ(agg->State()[0].keys, 2);  // auction 1 is forgotten
  r.batches.clear();
  ASSERT_TRUE(agg->Push(Bids({1, 2}, {1, 1}, {5, 6}), &r).ok());
  // Auction 1 starts over (+I with 1); auction 2 kept its count.
  EXPECT_THAT(Rows(r.batches), ElementsAre("2|2|-U", "2|3|+U", "1|1|+I"));

  auto join = Make("SELECT a.auction FROM flow a JOIN flow b ON a.auction = b.auction");
  ASSERT_NE(join, nullptr);
  join->SetProcessingTime(100);
  ASSERT_TRUE(join->Push(Bids({7}, {1}, {1}), &r).ok());
  EXPECT_EQ(join->State()[0].keys, 2);
  ASSERT_TRUE(join->ExpireState(150).ok());
  EXPECT_EQ(join->State()[0].keys, 0);
  r.batches.clear();
  join->SetProcessingTime(200);
  ASSERT_TRUE(join->Push(Bids({7}, {1}, {2}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("7"));  // only with itself: the old row is gone
}

TEST(StreamingQueryTest, SessionWindowsMergeRowsCloserThanTheGapPerKey) {
  auto q = Make(
      "SELECT auction, window_start, window_end, count(*) AS n, sum(price) AS total "
      "FROM SESSION(flow, ts, INTERVAL '5' SECOND) GROUP BY auction, window_start, window_end");
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->needs_watermarks());
  StreamResult r;
  // Auction 1: 0 s and 8 s are two sessions until 4 s bridges them; auction 2: one row.
  ASSERT_TRUE(q->Push(Bids({1, 1, 2}, {1, 2, 10}, {0, 8, 1}), &r).ok());
  ASSERT_TRUE(q->AdvanceWatermark(kT0 + 4 * kSecond, &r).ok());
  EXPECT_TRUE(r.batches.empty());
  ASSERT_EQ(q->State().size(), 1u);
  EXPECT_EQ(q->State()[0].keys, 3);
  ASSERT_TRUE(q->Push(Bids({1}, {4}, {4}), &r).ok());
  EXPECT_EQ(q->State()[0].keys, 2);  // auction 1's two sessions became one
  ASSERT_TRUE(q->AdvanceWatermark(kT0 + 13 * kSecond, &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("2|2024-01-01T00:00:01Z|2024-01-01T00:00:06Z|1|10",
                                           "1|2024-01-01T00:00:00Z|2024-01-01T00:00:13Z|3|7"));
  r.batches.clear();
  // A new session for auction 1 after the gap; a row of a closed session is late.
  ASSERT_TRUE(q->Push(Bids({1, 1}, {9, 9}, {20, 3}), &r).ok());
  ASSERT_EQ(r.late.size(), 1u);
  ASSERT_TRUE(q->Finish(&r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|2024-01-01T00:00:20Z|2024-01-01T00:00:25Z|1|9"));
}

TEST(StreamingQueryTest, ALookupJoinUsesTheCurrentVersionOfTheTable) {
  Catalog catalog = FlowCatalog();
  Batch v1 = MakeBatch({{"id", Int64Col({1, 2})}, {"name", StrCol({"one", "two"})}});
  ASSERT_TRUE(catalog.AddTable("names", v1.schema()).ok());
  auto made = StreamingQuery::Make(
      "SELECT b.auction, n.name FROM flow AS b LEFT JOIN names FOR SYSTEM_TIME AS OF b.ts AS n "
      "ON b.auction = n.id WHERE b.price > 0",
      catalog, "flow", {"names"});
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  auto q = std::move(made).value();
  EXPECT_THAT(q->Explain(), HasSubstr("LookupHashJoin"));
  StreamResult r;
  ASSERT_TRUE(q->SetLookupTables({{"names", {v1}}}, &r).ok());
  ASSERT_TRUE(q->Push(Bids({1, 3}, {5, 5}, {1, 2}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|one", "3|NULL"));
  r.batches.clear();
  Batch v2 = MakeBatch({{"id", Int64Col({3})}, {"name", StrCol({"three"})}});
  ASSERT_TRUE(q->SetLookupTables({{"names", {v2}}}, &r).ok());
  ASSERT_TRUE(q->Push(Bids({1, 3}, {5, 5}, {3, 4}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("1|NULL", "3|three"));

  auto wrong = StreamingQuery::Make("SELECT count(*) FROM names", catalog, "flow", {"names"});
  EXPECT_THAT(wrong.status().ToString(), HasSubstr("a lookup table can only be filtered"));
}

TEST(StreamingQueryTest, StatelessQueriesPassRowsThrough) {
  auto q = Make("SELECT auction, price * 2 AS p2 FROM flow WHERE price > 10");
  ASSERT_NE(q, nullptr);
  EXPECT_FALSE(q->needs_watermarks());
  StreamResult r;
  ASSERT_TRUE(q->Push(Bids({1, 2}, {10, 20}, {1, 2}), &r).ok());
  EXPECT_THAT(Rows(r.batches), ElementsAre("2|40"));
  EXPECT_TRUE(q->State().empty());
  EXPECT_EQ(q->Explain(),
            "Project [auction, price * 2 AS p2]\n"
            "  Filter (price > 10)\n"
            "    Scan flow [auction, price]\n");
}

}  // namespace
}  // namespace ark::sql
