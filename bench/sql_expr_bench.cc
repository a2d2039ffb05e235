// Micro benchmarks of the vectorized expression evaluator (src/sql/expr): filter and project
// expressions over 64k-row batches of Nexmark-bid-like columns, reported as rows/s
// (items_per_second).
//
//   ninja -C build-release sql_expr_bench && build-release/bench/sql_expr_bench
#include <benchmark/benchmark.h>

#include <random>

#include "core/batch.h"
#include "core/column_builder.h"
#include "sql/expr/evaluator.h"
#include "sql/functions/builtin_functions.h"

namespace ark::sql {
namespace {

constexpr int64_t kRows = 64 * 1024;

// price int64 (1..200, 1% NULL), auction int64, channel string, ts timestamp, fprice float64.
Batch MakeBatch(bool with_nulls) {
  std::mt19937_64 rng(42);
  Int64Builder price(DataType::Int64()), auction(DataType::Int64()), ts(DataType::Timestamp());
  Float64Builder fprice(DataType::Float64());
  StringBuilder channel;
  static const char* kChannels[] = {"Google", "Facebook", "Baidu", "Apple", "channel-42"};
  for (int64_t i = 0; i < kRows; ++i) {
    const int64_t p = static_cast<int64_t>(rng() % 200) + 1;
    if (with_nulls && rng() % 100 == 0) {
      price.AppendNull();
    } else {
      price.Append(p);
    }
    auction.Append(static_cast<int64_t>(rng() % 10000));
    fprice.Append(static_cast<double>(p) * 1.25);
    channel.Append(kChannels[rng() % 5]);
    ts.Append(1714564800000000 + i * 1000);
  }
  SchemaPtr schema =
      Schema::Make({Field("price", DataType::Int64()), Field("auction", DataType::Int64()),
                    Field("channel", DataType::String()), Field("ts", DataType::Timestamp()),
                    Field("fprice", DataType::Float64())});
  return *Batch::Make(
      schema, {price.Finish(), auction.Finish(), channel.Finish(), ts.Finish(), fprice.Finish()});
}

const FunctionRegistry& Registry() {
  static const FunctionRegistry* r = [] {
    auto* reg = new FunctionRegistry();
    RegisterScalarFunctions(*reg);
    return reg;
  }();
  return *r;
}

BoundExprPtr Col(int i, DataType t) { return BoundExpr::Column(i, std::move(t)); }
BoundExprPtr Lit(Value v) { return BoundExpr::Constant(std::move(v)); }

// A call bound like the binder does (arguments of the right types already).
BoundExprPtr Call(const std::string& name, BoundExprPtr a, BoundExprPtr b = nullptr) {
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(a));
  if (b) args.push_back(std::move(b));
  std::vector<DataType> types;
  std::vector<std::optional<Value>> constants;
  for (const auto& e : args) {
    types.push_back(e->type);
    constants.push_back(e->kind == BoundExprKind::kConstant ? std::optional<Value>(e->constant)
                                                            : std::nullopt);
  }
  auto f = (*Registry().FindScalar(name))(types, constants);
  if (!f.ok()) std::abort();
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i]->type != f->arg_types[i])
      args[i] = BoundExpr::Cast(std::move(args[i]), f->arg_types[i]);
  }
  return BoundExpr::Call(std::make_shared<BoundScalarFunction>(*f), std::move(args));
}

// price * 2 + 1 > 100
BoundExprPtr FilterExpr() {
  return Call(
      ">",
      Call("+", Call("*", Col(0, DataType::Int64()), Lit(Value::Int64(2))), Lit(Value::Int64(1))),
      Lit(Value::Int64(100)));
}

void RunSelect(benchmark::State& state, const BoundExpr& e, const Batch& batch) {
  ExpressionEvaluator eval;
  for (auto _ : state) {
    auto rows = eval.SelectRows(e, batch);
    if (!rows.ok()) state.SkipWithError(rows.status().message().c_str());
    benchmark::DoNotOptimize(rows);
  }
  state.SetItemsProcessed(state.iterations() * batch.num_rows());
}

void RunProject(benchmark::State& state, const BoundExpr& e, const Batch& batch) {
  ExpressionEvaluator eval;
  for (auto _ : state) {
    auto col = eval.EvaluateColumn(e, batch);
    if (!col.ok()) state.SkipWithError(col.status().message().c_str());
    benchmark::DoNotOptimize(col);
  }
  state.SetItemsProcessed(state.iterations() * batch.num_rows());
}

void BM_FilterArithmetic(benchmark::State& state) {
  const Batch batch = MakeBatch(state.range(0) != 0);
  RunSelect(state, *FilterExpr(), batch);
}
BENCHMARK(BM_FilterArithmetic)->Arg(0)->Arg(1)->ArgName("nulls");

void BM_ProjectArithmetic(benchmark::State& state) {
  const Batch batch = MakeBatch(state.range(0) != 0);
  auto e =
      Call("+", Call("*", Col(0, DataType::Int64()), Lit(Value::Int64(2))), Lit(Value::Int64(1)));
  RunProject(state, *e, batch);
}
BENCHMARK(BM_ProjectArithmetic)->Arg(0)->Arg(1)->ArgName("nulls");

void BM_ProjectFloat(benchmark::State& state) {
  const Batch batch = MakeBatch(false);
  // fprice * 0.908 + 1.5
  auto e = Call("+", Call("*", Col(4, DataType::Float64()), Lit(Value::Float64(0.908))),
                Lit(Value::Float64(1.5)));
  RunProject(state, *e, batch);
}
BENCHMARK(BM_ProjectFloat);

void BM_FilterAnd(benchmark::State& state) {
  const Batch batch = MakeBatch(false);
  // price > 100 AND auction < 5000
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kAnd;
  e->type = DataType::Bool();
  e->children.push_back(Call(">", Col(0, DataType::Int64()), Lit(Value::Int64(100))));
  e->children.push_back(Call("<", Col(1, DataType::Int64()), Lit(Value::Int64(5000))));
  RunSelect(state, *e, batch);
}
BENCHMARK(BM_FilterAnd);

void BM_FilterStringEquals(benchmark::State& state) {
  const Batch batch = MakeBatch(false);
  auto e = Call("=", Col(2, DataType::String()), Lit(Value::String("Google")));
  RunSelect(state, *e, batch);
}
BENCHMARK(BM_FilterStringEquals);

void BM_FilterLike(benchmark::State& state) {
  const Batch batch = MakeBatch(false);
  auto e = Call("like", Col(2, DataType::String()), Lit(Value::String("%oo%")));
  RunSelect(state, *e, batch);
}
BENCHMARK(BM_FilterLike);

void BM_ProjectLower(benchmark::State& state) {
  const Batch batch = MakeBatch(false);
  RunProject(state, *Call("lower", Col(2, DataType::String())), batch);
}
BENCHMARK(BM_ProjectLower);

void BM_ProjectCase(benchmark::State& state) {
  const Batch batch = MakeBatch(false);
  // CASE WHEN price > 100 THEN price * 2 ELSE price END
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kCase;
  e->type = DataType::Int64();
  e->has_else = true;
  e->children.push_back(Call(">", Col(0, DataType::Int64()), Lit(Value::Int64(100))));
  e->children.push_back(Call("*", Col(0, DataType::Int64()), Lit(Value::Int64(2))));
  e->children.push_back(Col(0, DataType::Int64()));
  RunProject(state, *e, batch);
}
BENCHMARK(BM_ProjectCase);

void BM_ProjectDateTrunc(benchmark::State& state) {
  const Batch batch = MakeBatch(false);
  RunProject(state,
             *Call("date_trunc", Lit(Value::String("minute")), Col(3, DataType::Timestamp())),
             batch);
}
BENCHMARK(BM_ProjectDateTrunc);

}  // namespace
}  // namespace ark::sql

BENCHMARK_MAIN();
