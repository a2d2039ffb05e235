// Speed of the `nexmark` input's generator: events per second made into columnar batches, per
// table, on one thread (the input's reader thread does exactly this).
//
//   ninja -C build-release nexmark_gen_bench && build-release/bench/nexmark_gen_bench
//
// items_per_second is rows (events of the table) per second; for `bid` the model's other events
// are skipped, not generated.
#include <benchmark/benchmark.h>

#include "connectors/nexmark/nexmark_input.h"

namespace ark {
namespace {

void Generate(benchmark::State& state, NexmarkTable table) {
  NexmarkOptions o;
  o.table = table;
  o.event_count = 0;  // unbounded
  o.batch_size = state.range(0);
  NexmarkInput in(o);
  if (!in.Connect().ok()) {
    state.SkipWithError("bad options");
    return;
  }
  int64_t rows = 0;
  for (auto _ : state) {
    auto batch = in.NextBatch();
    if (!batch.ok()) {
      state.SkipWithError(batch.status().ToString().c_str());
      return;
    }
    rows += batch->num_rows();
    benchmark::DoNotOptimize(batch->column(0).get());
  }
  state.SetItemsProcessed(rows);
}

void BM_NexmarkBid(benchmark::State& state) { Generate(state, NexmarkTable::kBid); }
void BM_NexmarkAuction(benchmark::State& state) { Generate(state, NexmarkTable::kAuction); }
void BM_NexmarkPerson(benchmark::State& state) { Generate(state, NexmarkTable::kPerson); }
void BM_NexmarkAll(benchmark::State& state) { Generate(state, NexmarkTable::kAll); }

BENCHMARK(BM_NexmarkBid)->Arg(1024)->Arg(4096)->Arg(8192)->Arg(65536);
BENCHMARK(BM_NexmarkAuction)->Arg(8192);
BENCHMARK(BM_NexmarkPerson)->Arg(8192);
BENCHMARK(BM_NexmarkAll)->Arg(8192);

}  // namespace
}  // namespace ark

BENCHMARK_MAIN();
