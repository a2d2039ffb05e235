// Codec micro benchmarks: bytes/s of decoding and encoding Nexmark-bid-like rows (the shape of
// bench/data/gen_bids.py, ~115 bytes each) in 8192-row batches, as NDJSON chunks (file input with
// a codec) and as one payload per row (json_to_arrow over raw messages).
//
//   ninja -C build-release codec_bench && build-release/bench/codec_bench
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "codec/csv_decoder.h"
#include "codec/csv_encoder.h"
#include "codec/json_decoder.h"
#include "codec/json_encoder.h"
#include "core/raw_message.h"

namespace ark {
namespace {

constexpr int kRows = 8192;

// NDJSON text of `rows` bids, deterministic.
std::string MakeBids(int rows) {
  static const char* kChannels[] = {"Google", "Facebook", "Baidu", "Apple"};
  std::mt19937_64 rng(42);
  std::string out;
  int64_t ms = 0;
  for (int i = 0; i < rows; ++i) {
    ms += static_cast<int64_t>(rng() % 4);
    std::string url = "https://nx.io/";
    for (int k = 0; k < 4; ++k) url += static_cast<char>('a' + rng() % 26);
    out += fmt::format(
        "{{\"auction\":{},\"bidder\":{},\"price\":{},\"channel\":\"{}\",\"url\":\"{}\","
        "\"date_time\":\"2024-01-{:02}T{:02}:{:02}:{:02}.{:03}Z\"}}\n",
        1000 + rng() % 1000, 2000 + rng() % 10000, 100 + rng() % 100000, kChannels[rng() % 4], url,
        1 + ms / 86400000 % 28, ms / 3600000 % 24, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
  }
  return out;
}

const std::string& Bids() {
  static const std::string text = MakeBids(kRows);
  return text;
}

Batch DecodedBids() {
  auto d = JsonDecoder::Make({});
  auto r = (*d)->DecodeChunk(Bids(), {});
  return r->batch;
}

void BM_JsonDecodeChunk(benchmark::State& state) {
  auto decoder = std::move(JsonDecoder::Make({})).value();
  const std::string& text = Bids();
  for (auto _ : state) {
    auto r = decoder->DecodeChunk(text, {});
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * kRows,
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_JsonDecodeChunk);

void BM_JsonDecodeMessages(benchmark::State& state) {
  auto decoder = std::move(JsonDecoder::Make({})).value();
  const std::string& text = Bids();
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    lines.push_back(std::string_view(text).substr(start, nl - start));
    start = nl + 1;
  }
  Batch raw = MakeRawBatch(std::span<const std::string_view>(lines));
  for (auto _ : state) {
    auto r = decoder->DecodeMessages(*raw.column(0));
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_JsonDecodeMessages);

void BM_JsonEncodeStream(benchmark::State& state) {
  Batch batch = DecodedBids();
  JsonEncoder encoder({});
  std::string out;
  for (auto _ : state) {
    out.clear();
    auto st = encoder.EncodeStream(batch, &out);
    benchmark::DoNotOptimize(st);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_JsonEncodeStream);

void BM_JsonEncodeMessages(benchmark::State& state) {
  Batch batch = DecodedBids();
  JsonEncoder encoder({});
  size_t bytes = 0;
  for (auto _ : state) {
    auto col = encoder.EncodeMessages(batch);
    bytes = (*col)->buffer(2)->size();
    benchmark::DoNotOptimize(col);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_JsonEncodeMessages);

void BM_JsonRoundTrip(benchmark::State& state) {
  auto decoder = std::move(JsonDecoder::Make({})).value();
  JsonEncoder encoder({});
  const std::string& text = Bids();
  std::string out;
  for (auto _ : state) {
    out.clear();
    auto r = decoder->DecodeChunk(text, {});
    auto st = encoder.EncodeStream(r->batch, &out);
    benchmark::DoNotOptimize(st);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_JsonRoundTrip);

std::string BidsCsv() {
  CsvEncoder encoder({});
  std::string out;
  (void)encoder.EncodeStream(DecodedBids(), &out);
  return out;
}

void BM_CsvDecodeChunk(benchmark::State& state) {
  const std::string text = BidsCsv();
  for (auto _ : state) {
    auto decoder = std::move(CsvDecoder::Make({})).value();
    auto r = decoder->DecodeChunk(text, {});
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_CsvDecodeChunk);

void BM_CsvEncodeStream(benchmark::State& state) {
  Batch batch = DecodedBids();
  std::string out;
  for (auto _ : state) {
    CsvEncoder encoder({});
    out.clear();
    auto st = encoder.EncodeStream(batch, &out);
    benchmark::DoNotOptimize(st);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_CsvEncodeStream);

}  // namespace
}  // namespace ark

BENCHMARK_MAIN();
