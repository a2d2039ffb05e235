// Overhead of the `python` processor per batch (issue 6, DESIGN §10): what a call costs beyond the
// Python code itself — taking the GIL, wrapping the columns as numpy arrays, calling, converting
// the returned columns back — for small batches, where it dominates. The function returns what it
// got
// (`return batch`), so the numbers are the processor's own cost.
//
//   build-ml-rel/bench/python_bench [seconds-per-case]
//
// Prints one line per case: rows, columns, p50 and p99 µs per batch, batches per CPU-second.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/column_builder.h"
#include "processors/python.h"

namespace {

using namespace ark;

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// `numeric` float64 columns and `strings` string columns of `rows` rows.
Batch MakeBatch(int64_t rows, int numeric, int strings) {
  std::vector<Field> fields;
  std::vector<ColumnPtr> cols;
  for (int c = 0; c < numeric; ++c) {
    Float64Builder b(DataType::Float64());
    for (int64_t r = 0; r < rows; ++r) b.Append(static_cast<double>(r) * 0.5 + c);
    fields.emplace_back(fmt::format("f{}", c), DataType::Float64());
    cols.push_back(b.Finish());
  }
  for (int c = 0; c < strings; ++c) {
    StringBuilder b;
    for (int64_t r = 0; r < rows; ++r) b.Append(fmt::format("device-{}", r));
    fields.emplace_back(fmt::format("s{}", c), DataType::String());
    cols.push_back(b.Finish());
  }
  return Batch(Schema::Make(std::move(fields)), std::move(cols), rows);
}

void Measure(const char* name, Processor& p, const Batch& batch, double seconds) {
  auto run = [&] {
    ProcessOutput out;
    Status st = p.Process(batch, &out);
    if (!st.ok() || out.batches.size() != 1) {
      fmt::print(stderr, "error: {}\n", st.message());
      std::exit(1);
    }
  };
  for (int i = 0; i < 200; ++i) run();
  std::vector<double> us;
  const double cpu0 = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() <
             seconds ||
         us.size() < 1000) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  const double cpu = CpuSeconds() - cpu0;
  std::sort(us.begin(), us.end());
  fmt::print(
      "{:<34} rows {:>5}  cols {:>2}  p50 {:>7.1f} µs  p99 {:>7.1f} µs  {:>8.0f} batches/CPU-s\n",
      name, batch.num_rows(), batch.num_columns(), us[us.size() / 2], us[us.size() * 99 / 100],
      static_cast<double>(us.size()) / cpu);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  auto f = ml::PythonFunction::Load(
      {.script = "def process(batch):\n    return batch\n", .function = "process"});
  if (!f.ok()) {
    fmt::print(stderr, "error: {}\n", f.status().message());
    return 1;
  }
  PythonProcessor identity(std::move(f).value());
  auto g = ml::PythonFunction::Load(
      {.script = "def process(batch):\n    return {'y': batch['f0'] * 2 + 1}\n",
       .function = "process"});
  if (!g.ok()) {
    fmt::print(stderr, "error: {}\n", g.status().message());
    return 1;
  }
  PythonProcessor affine(std::move(g).value());
  Measure("identity, 1 float64 column", identity, MakeBatch(1, 1, 0), seconds);
  Measure("identity, 4 float64 columns", identity, MakeBatch(16, 4, 0), seconds);
  Measure("identity, 4 float64 columns", identity, MakeBatch(1024, 4, 0), seconds);
  Measure("identity, 4 float64 + 1 string", identity, MakeBatch(16, 4, 1), seconds);
  Measure("y = f0 * 2 + 1 (numpy)", affine, MakeBatch(16, 4, 0), seconds);
  Measure("y = f0 * 2 + 1 (numpy)", affine, MakeBatch(1024, 4, 0), seconds);
  return 0;
}
