// Test helpers shared by the continuous-query tests (streaming_query_test.cc,
// streaming_state_test.cc): a stream of bids `flow` (auction, price, ts) built from literal
// values, with timestamps given in seconds after kT0, and queries over it.
//
//   auto q = Make("SELECT auction, count(*) FROM flow GROUP BY auction");
//   q->Push(Bids({1, 2}, {10, 20}, {0, 1}), &result);
//
// Thread-safety: plain functions.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/column_builder.h"
#include "sql/operators/test_batches.h"
#include "sql/query.h"
#include "sql/streaming/streaming_query.h"

namespace ark::sql::testing {

inline constexpr int64_t kSecond = 1'000'000;
// 2024-01-01 00:00:00 UTC in microseconds.
inline constexpr int64_t kT0 = 1'704'067'200 * kSecond;

// A timestamp column; `seconds` are seconds after kT0.
inline ColumnPtr TsCol(const std::vector<int64_t>& seconds) {
  Int64Builder b(DataType::Timestamp());
  for (int64_t s : seconds) b.Append(kT0 + s * kSecond);
  return b.Finish();
}

// Bids: auction, price, ts (seconds after kT0).
inline Batch Bids(const std::vector<int64_t>& auction, const std::vector<int64_t>& price,
                  const std::vector<int64_t>& ts) {
  std::vector<std::optional<int64_t>> a(auction.begin(), auction.end());
  std::vector<std::optional<int64_t>> p(price.begin(), price.end());
  return MakeBatch({{"auction", Int64Col(a)}, {"price", Int64Col(p)}, {"ts", TsCol(ts)}});
}

// A catalog with the table `flow` of Bids' schema.
inline Catalog FlowCatalog() {
  Catalog catalog;
  EXPECT_TRUE(catalog.AddTable("flow", Bids({}, {}, {}).schema()).ok());
  return catalog;
}

// A continuous query over `flow`; null (and a test failure) when it does not compile.
inline std::unique_ptr<StreamingQuery> Make(const std::string& sql) {
  auto q = StreamingQuery::Make(sql, FlowCatalog(), "flow");
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  return q.ok() ? std::move(q).value() : nullptr;
}

}  // namespace ark::sql::testing
