// Micro benchmarks of the SQL engine's join and ordering operators over Nexmark-bid-like data
// (10 M rows in batches of 64 k), single thread:
//
//   BM_HashJoin        bid JOIN auction ON bid.auction = auction.id  (100 k-row build side)
//   BM_HashJoinSemi    bid WHERE auction IN (SELECT id FROM auction WHERE id % 2 = 0) as a semi
//   join BM_TopN            ORDER BY price DESC LIMIT 10 BM_SortLimitRef    the same through a full
//   Sort (1 M rows): what TopN saves BM_GatherOwn / BM_GatherCoreTake  the join's gather kernel
//   against core's TakeColumn
//
// Rows/s are reported as items_per_second (probe or input rows). Measure a Release build:
//   cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release
//   ninja -C build-release sql_join_bench && build-release/bench/sql_join_bench
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "core/batch.h"
#include "core/column_builder.h"
#include "sql/operators/gather.h"
#include "sql/operators/hash_join.h"
#include "sql/operators/join_util.h"
#include "sql/operators/sort.h"
#include "sql/operators/top_n.h"

namespace ark::sql {
namespace {

constexpr int64_t kBatchRows = 64 * 1024;
constexpr int64_t kBuildRows = 100 * 1000;

BoundExprPtr ColumnRef(int index, DataType type) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kColumn;
  e->column_index = index;
  e->type = std::move(type);
  return e;
}

// bid(auction, bidder, price, channel, date_time)
std::vector<Batch> MakeBids(int64_t rows) {
  SchemaPtr schema =
      Schema::Make({Field("auction", DataType::Int64()), Field("bidder", DataType::Int64()),
                    Field("price", DataType::Int64()), Field("channel", DataType::String()),
                    Field("date_time", DataType::Timestamp())});
  static const char* kChannels[] = {"Google", "Facebook", "Baidu", "Apple"};
  std::mt19937_64 rng(7);
  std::vector<Batch> out;
  for (int64_t start = 0; start < rows; start += kBatchRows) {
    int64_t n = std::min(kBatchRows, rows - start);
    Int64Builder auction(DataType::Int64()), bidder(DataType::Int64()), price(DataType::Int64());
    Int64Builder ts(DataType::Timestamp());
    StringBuilder channel;
    for (int64_t i = 0; i < n; ++i) {
      auction.Append(static_cast<int64_t>(rng() % kBuildRows));
      bidder.Append(static_cast<int64_t>(rng() % 1000000));
      price.Append(static_cast<int64_t>(rng() % 10000000));
      channel.Append(kChannels[rng() % 4]);
      ts.Append(1700000000000000 + start + i);
    }
    out.push_back(Batch(
        schema, {auction.Finish(), bidder.Finish(), price.Finish(), channel.Finish(), ts.Finish()},
        n));
  }
  return out;
}

// auction(id, seller, category, item_name)
Batch MakeAuctions() {
  SchemaPtr schema =
      Schema::Make({Field("id", DataType::Int64()), Field("seller", DataType::Int64()),
                    Field("category", DataType::Int64()), Field("item_name", DataType::String())});
  Int64Builder id(DataType::Int64()), seller(DataType::Int64()), category(DataType::Int64());
  StringBuilder name;
  std::mt19937_64 rng(11);
  for (int64_t i = 0; i < kBuildRows; ++i) {
    id.Append(i);
    seller.Append(static_cast<int64_t>(rng() % 10000));
    category.Append(static_cast<int64_t>(rng() % 20));
    name.Append("item-" + std::to_string(i));
  }
  return Batch(schema, {id.Finish(), seller.Finish(), category.Finish(), name.Finish()},
               kBuildRows);
}

const std::vector<Batch>& Bids() {
  static const std::vector<Batch> bids = MakeBids(10 * 1000 * 1000);
  return bids;
}

int64_t TotalRows(const std::vector<Batch>& batches) {
  int64_t n = 0;
  for (const auto& b : batches) n += b.num_rows();
  return n;
}

JoinSpec BidAuctionSpec(PhysicalJoinType type, const Batch& bid, const Batch& auction) {
  JoinSpec spec;
  spec.type = type;
  spec.left_keys.push_back(ColumnRef(0, DataType::Int64()));
  spec.right_keys.push_back(ColumnRef(0, DataType::Int64()));
  spec.left_schema = bid.schema();
  spec.right_schema = auction.schema();
  spec.output_schema =
      type == PhysicalJoinType::kSemi ? bid.schema() : PairSchema(*bid.schema(), *auction.schema());
  return spec;
}

void RunJoin(benchmark::State& state, PhysicalJoinType type, const Batch& auctions) {
  const auto& bids = Bids();
  int64_t out_rows = 0;
  for (auto _ : state) {
    HashJoinOperator join(BidAuctionSpec(type, bids[0], auctions));
    std::vector<Batch> out;
    if (!join.Push(1, auctions, &out).ok() || !join.Finish(1, &out).ok()) {
      state.SkipWithError("build failed");
      return;
    }
    out_rows = 0;
    for (const auto& b : bids) {
      out.clear();
      if (!join.Push(0, b, &out).ok()) {
        state.SkipWithError("probe failed");
        return;
      }
      for (const auto& o : out) out_rows += o.num_rows();
    }
    out.clear();
    if (!join.Finish(0, &out).ok()) state.SkipWithError("finish failed");
  }
  state.counters["output_rows"] = static_cast<double>(out_rows);
  state.SetItemsProcessed(state.iterations() * TotalRows(bids));
}

void BM_HashJoin(benchmark::State& state) {
  static const Batch auctions = MakeAuctions();
  RunJoin(state, PhysicalJoinType::kInner, auctions);
}
BENCHMARK(BM_HashJoin)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_HashJoinSemi(benchmark::State& state) {
  static const Batch even_auctions = [] {
    Batch all = MakeAuctions();
    std::vector<int64_t> rows;
    for (int64_t i = 0; i < all.num_rows(); i += 2) rows.push_back(i);
    return GatherBatch(all, rows).value();
  }();
  RunJoin(state, PhysicalJoinType::kSemi, even_auctions);
}
BENCHMARK(BM_HashJoinSemi)->Unit(benchmark::kMillisecond)->UseRealTime();

std::vector<SortKey> PriceDesc() {
  std::vector<SortKey> keys(1);
  keys[0].expr = ColumnRef(2, DataType::Int64());
  keys[0].descending = true;
  keys[0].nulls_first = true;
  return keys;
}

void BM_TopN(benchmark::State& state) {
  const auto& bids = Bids();
  for (auto _ : state) {
    TopNOperator top(PriceDesc(), 10, 0, bids[0].schema());
    std::vector<Batch> out;
    for (const auto& b : bids) {
      if (!top.Push(0, b, &out).ok()) state.SkipWithError("push failed");
    }
    if (!top.Finish(0, &out).ok() || out.size() != 1 || out[0].num_rows() != 10) {
      state.SkipWithError("wrong result");
    }
  }
  state.SetItemsProcessed(state.iterations() * TotalRows(bids));
}
BENCHMARK(BM_TopN)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SortLimitRef(benchmark::State& state) {
  std::vector<Batch> bids(Bids().begin(), Bids().begin() + 16);  // ~1 M rows
  for (auto _ : state) {
    SortOperator sort(PriceDesc(), bids[0].schema());
    std::vector<Batch> out;
    for (const auto& b : bids) {
      if (!sort.Push(0, b, &out).ok()) state.SkipWithError("push failed");
    }
    if (!sort.Finish(0, &out).ok()) state.SkipWithError("finish failed");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * TotalRows(bids));
}
BENCHMARK(BM_SortLimitRef)->Unit(benchmark::kMillisecond)->UseRealTime();

std::vector<int64_t> RandomIndices(int64_t n, int64_t range) {
  std::mt19937_64 rng(3);
  std::vector<int64_t> idx(static_cast<size_t>(n));
  for (auto& i : idx) i = static_cast<int64_t>(rng() % range);
  return idx;
}

void BM_GatherOwn(benchmark::State& state) {
  static const Batch auctions = MakeAuctions();
  std::vector<int64_t> idx = RandomIndices(kBatchRows, auctions.num_rows());
  for (auto _ : state) {
    for (const auto& c : auctions.columns()) benchmark::DoNotOptimize(GatherColumn(*c, idx));
  }
  state.SetItemsProcessed(state.iterations() * kBatchRows);
}
BENCHMARK(BM_GatherOwn);

void BM_GatherCoreTake(benchmark::State& state) {
  static const Batch auctions = MakeAuctions();
  std::vector<int64_t> idx = RandomIndices(kBatchRows, auctions.num_rows());
  for (auto _ : state) {
    for (const auto& c : auctions.columns()) benchmark::DoNotOptimize(TakeColumn(*c, idx));
  }
  state.SetItemsProcessed(state.iterations() * kBatchRows);
}
BENCHMARK(BM_GatherCoreTake);

}  // namespace
}  // namespace ark::sql

BENCHMARK_MAIN();
