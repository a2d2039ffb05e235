// Hash aggregation micro benchmarks: `SELECT k, count(*), sum(v) FROM t GROUP BY k` through
// HashAggregateOperator over 10 M rows in 64k-row batches, with 10 and 1 M groups (keys uniformly
// random), for an int64 key and a string key, plus the aggregation without GROUP BY. Rows/s per
// core (single thread); the goal is within 1.5× of DuckDB on the same data. Also window
// aggregates through WindowOperator over 1 M rows: a running sum (O(n)) and a sliding min over
// ROWS BETWEEN 10 PRECEDING AND 10 FOLLOWING (segment tree), partitioned into 1000 partitions.
//
//   ninja -C build-release sql_agg_bench && build-release/bench/sql_agg_bench
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/column_builder.h"
#include "sql/functions/builtin_functions.h"
#include "sql/operators/hash_aggregate.h"
#include "sql/operators/window.h"

namespace ark::sql {
namespace {

constexpr int64_t kRows = 10'000'000;
constexpr int64_t kBatchRows = 64 * 1024;

// Deterministic pseudo-random keys in [0, groups) and values in [0, 1000).
std::vector<Batch> MakeInput(int64_t groups, bool string_keys) {
  auto schema = Schema::Make({Field("k", string_keys ? DataType::String() : DataType::Int64()),
                              Field("v", DataType::Int64())});
  std::vector<Batch> out;
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 17;
  };
  for (int64_t start = 0; start < kRows; start += kBatchRows) {
    const int64_t n = std::min(kBatchRows, kRows - start);
    Int64Builder keys(DataType::Int64()), values(DataType::Int64());
    StringBuilder skeys;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t k = static_cast<int64_t>(next() % static_cast<uint64_t>(groups));
      if (string_keys) {
        skeys.Append("key-" + std::to_string(k));
      } else {
        keys.Append(k);
      }
      values.Append(static_cast<int64_t>(next() % 1000));
    }
    out.emplace_back(
        schema,
        std::vector<ColumnPtr>{string_keys ? skeys.Finish() : keys.Finish(), values.Finish()}, n);
  }
  return out;
}

const std::vector<Batch>& Input(int64_t groups, bool string_keys) {
  static std::map<std::pair<int64_t, bool>, std::vector<Batch>> cache;
  auto it = cache.find({groups, string_keys});
  if (it == cache.end()) {
    it = cache.emplace(std::make_pair(groups, string_keys), MakeInput(groups, string_keys)).first;
  }
  return it->second;
}

AggregateFunctionPtr Aggregate(std::string_view name, std::vector<DataType> types) {
  static const FunctionRegistry* reg = [] {
    auto* r = new FunctionRegistry();
    RegisterAggregateFunctions(*r);
    return r;
  }();
  std::vector<std::optional<Value>> consts(types.size());
  return std::move((*reg->FindAggregate(name))(types, consts)).value();
}

BoundExprPtr Column(int index, DataType type) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kColumn;
  e->column_index = index;
  e->type = std::move(type);
  return e;
}

AggregateSpec Spec(bool grouped, bool string_keys) {
  AggregateSpec spec;
  std::vector<Field> fields;
  DataType key_type = string_keys ? DataType::String() : DataType::Int64();
  if (grouped) {
    spec.group_keys.push_back(Column(0, key_type));
    fields.emplace_back("k", key_type);
  }
  AggregateCall count;
  count.function = Aggregate("count", {});
  count.display = "count(*)";
  AggregateCall sum;
  sum.function = Aggregate("sum", {DataType::Int64()});
  sum.args.push_back(Column(1, DataType::Int64()));
  sum.display = "sum(v)";
  spec.aggregates.push_back(std::move(count));
  spec.aggregates.push_back(std::move(sum));
  fields.emplace_back("count", DataType::Int64());
  fields.emplace_back("sum", DataType::Int64());
  spec.output_schema = Schema::Make(std::move(fields));
  return spec;
}

void RunAggregate(benchmark::State& state, int64_t groups, bool grouped, bool string_keys) {
  const std::vector<Batch>& input = Input(groups, string_keys);
  int64_t out_rows = 0;
  for (auto _ : state) {
    HashAggregateOperator op(Spec(grouped, string_keys));
    std::vector<Batch> out;
    for (const Batch& b : input) {
      Status s = op.Push(0, b, &out);
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    }
    Status s = op.Finish(0, &out);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    out_rows = 0;
    for (const Batch& b : out) out_rows += b.num_rows();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.counters["groups"] = static_cast<double>(out_rows);
}

void BM_GroupByInt64_10Groups(benchmark::State& state) { RunAggregate(state, 10, true, false); }
void BM_GroupByInt64_1MGroups(benchmark::State& state) {
  RunAggregate(state, 1'000'000, true, false);
}
void BM_GroupByString_10Groups(benchmark::State& state) { RunAggregate(state, 10, true, true); }
void BM_GroupByString_1MGroups(benchmark::State& state) {
  RunAggregate(state, 1'000'000, true, true);
}
void BM_NoGroupBy(benchmark::State& state) { RunAggregate(state, 10, false, false); }

void RunWindow(benchmark::State& state, std::string_view function, bool sliding) {
  constexpr int64_t kWindowRows = 1'000'000;
  std::vector<Batch> input;
  for (const Batch& b : Input(1000, false)) {
    if (static_cast<int64_t>(input.size()) * kBatchRows >= kWindowRows) break;
    input.push_back(b);
  }
  int64_t rows = 0;
  for (const Batch& b : input) rows += b.num_rows();
  for (auto _ : state) {
    WindowSpecPhysical spec;
    WindowCall call;
    call.aggregate = Aggregate(function, {DataType::Int64()});
    call.args.push_back(Column(1, DataType::Int64()));
    call.partition_by.push_back(Column(0, DataType::Int64()));
    SortKey key;
    key.expr = Column(1, DataType::Int64());
    call.order_by.push_back(std::move(key));
    call.frame_unit = WindowFrameUnit::kRange;
    call.frame_start = {WindowFrameBound::Kind::kUnboundedPreceding, Value()};
    call.frame_end = {WindowFrameBound::Kind::kCurrentRow, Value()};
    if (sliding) {
      call.frame_unit = WindowFrameUnit::kRows;
      call.frame_start = {WindowFrameBound::Kind::kPreceding, Value::Int64(10)};
      call.frame_end = {WindowFrameBound::Kind::kFollowing, Value::Int64(10)};
    }
    call.display = std::string(function);
    spec.calls.push_back(std::move(call));
    spec.output_schema = Schema::Make({Field("k", DataType::Int64()), Field("v", DataType::Int64()),
                                       Field("w", DataType::Int64())});
    WindowOperator op(std::move(spec));
    std::vector<Batch> out;
    for (const Batch& b : input) {
      Status s = op.Push(0, b, &out);
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    }
    Status s = op.Finish(0, &out);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * rows);
}

void BM_WindowRunningSum(benchmark::State& state) { RunWindow(state, "sum", false); }
void BM_WindowSlidingMin(benchmark::State& state) { RunWindow(state, "min", true); }

BENCHMARK(BM_GroupByInt64_10Groups)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_GroupByInt64_1MGroups)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_GroupByString_10Groups)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_GroupByString_1MGroups)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_NoGroupBy)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_WindowRunningSum)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_WindowSlidingMin)->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace
}  // namespace ark::sql

BENCHMARK_MAIN();
