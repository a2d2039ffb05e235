// Overhead of the `python` processor per batch (issue 6, DESIGN §10): what a call costs beyond the
// Python code itself — taking the GIL, wrapping the columns as numpy arrays, calling, converting
// the returned columns back — for small batches, where it dominates. The function returns what it
// got
// (`return batch`), so the numbers are the processor's own cost.
//
//   build-ml-rel/bench/python_bench [seconds-per-case]
//
// Then the same for a Python UDF in SQL (python_udf.h, docs/udfs.md): the UDF's call alone (the
// bound kernel: numpy view in, the returned array copied back and checked) for `def ident(x):
// return x` and `x * 2 + 1`, and a whole `SELECT ident(f0) FROM flow` next to `SELECT f0 FROM flow`
// per batch.
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
#include "ml/python/python_udf.h"
#include "processors/python.h"
#include "sql/query.h"

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

template <typename Run>
void Time(const std::string& name, const Batch& batch, double seconds, Run run) {
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

void Check(const Status& st) {
  if (!st.ok()) {
    fmt::print(stderr, "error: {}\n", st.message());
    std::exit(1);
  }
}

void Measure(const char* name, Processor& p, const Batch& batch, double seconds) {
  Time(name, batch, seconds, [&] {
    ProcessOutput out;
    Check(p.Process(batch, &out));
    if (out.batches.size() != 1) Check(Status::Internal("{} batches", out.batches.size()));
  });
}

// The bound kernel of `udf(f0)` over the batch's first column.
void MeasureUdfCall(const std::string& udf, const Batch& batch, double seconds) {
  const sql::ScalarBinder* binder = sql::FindUserFunction(udf);
  if (binder == nullptr) Check(Status::NotFound("udf {}", udf));
  const DataType types[] = {DataType::Float64()};
  const std::optional<Value> constants[] = {std::nullopt};
  Result<sql::BoundScalarFunction> f = (*binder)(types, constants);
  Check(f.status());
  const sql::Datum args[] = {sql::Datum(batch.column(0))};
  Time(fmt::format("udf call {}(f0)", udf), batch, seconds, [&] {
    sql::KernelContext ctx;
    Check(f->kernel(ctx, args, batch.num_rows()).status());
  });
}

// A whole query over the batch as table flow, one execution per batch.
void MeasureQuery(const std::string& query, const Batch& batch, double seconds) {
  sql::Catalog catalog;
  Check(catalog.AddTable("flow", batch.schema()));
  auto q = sql::PreparedQuery::Prepare(query, catalog);
  Check(q.status());
  auto execution = (*q)->NewExecution();
  sql::QueryInputs inputs;
  inputs.tables["flow"] = {batch};
  Time(query, batch, seconds, [&] { Check(execution->Run(inputs).status()); });
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

  std::vector<UdfConfig> udfs(2);
  udfs[0] = {.name = "ident",
             .script = "def ident(x):\n    return x\n",
             .function = "ident",
             .return_type = "float64"};
  udfs[1] = {.name = "affine",
             .script = "def affine(x):\n    return x * 2 + 1\n",
             .function = "affine",
             .return_type = "float64"};
  Check(ml::InstallPythonUdfs(udfs));
  for (int64_t rows : {1, 1024}) {
    const Batch batch = MakeBatch(rows, 1, 0);
    MeasureUdfCall("ident", batch, seconds);
    MeasureUdfCall("affine", batch, seconds);
    MeasureQuery("SELECT f0 AS y FROM flow", batch, seconds);
    MeasureQuery("SELECT ident(f0) AS y FROM flow", batch, seconds);
  }
  return 0;
}
