// SQL engine benchmark (issue [sql]): Nexmark-bid-like rows already in memory, in 64k-row
// batches, one thread. Each query runs over the whole table (one PreparedQuery::Execute over all
// batches) and, for the stateless ones, also batch by batch through one QueryExecution — the
// `sql` processor's path. Only the query is timed (the data is built before); each timing is the
// best of --runs runs. After timing, the query's checksum statement (a few sums over the query's
// result, the same SQL text DuckDB runs) is executed untimed, and a data checksum over the whole
// input shows both engines hold identical rows. Prints one JSON object per line;
// bench/run_sql_bench.py puts them side by side with DuckDB (bench/sql_bench_duckdb.mjs), which
// builds the same rows from the same formulas and runs the queries `--list` prints.
//
// Rows (i = 0 .. rows-1), identical in sql_bench_duckdb.mjs:
//   auction   = (i * 7919) % 100000            100 k distinct: joins the auctions table
//   bidder    = (i * 104729 + 13) % 1000000    1 M distinct: the 1 M-group GROUP BY
//   price     = 100 + (i * 31337) % 99900
//   channel   = 'channel-' || ((i * 7) % 10)   10 distinct: the 10-group GROUP BY
//   date_time = 2024-01-01 00:00:00 + i ms
// auctions (100 k rows, id = 0 .. 99999): category = id % 50, reserve = (id * 13) % 1000.
//
// Usage: sql_bench [--rows 10000000] [--batch 65536] [--runs 5] [--only NAME]
//        sql_bench --list     (the queries and checksum statements as JSON lines, for DuckDB)
//        sql_bench --explain  (the optimized plan of each query)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/column_builder.h"
#include "sql/query.h"

namespace {

using ark::Batch;
using ark::DataType;
using ark::Field;

constexpr int64_t kEpoch2024Micros = 1704067200000000;

std::vector<Batch> MakeBids(int64_t rows, int64_t batch_rows) {
  auto schema =
      ark::Schema::Make({Field("auction", DataType::Int64()), Field("bidder", DataType::Int64()),
                         Field("price", DataType::Int64()), Field("channel", DataType::String()),
                         Field("date_time", DataType::Timestamp())});
  std::vector<std::string> channels;
  for (int c = 0; c < 10; ++c) channels.push_back("channel-" + std::to_string(c));
  std::vector<Batch> out;
  for (int64_t start = 0; start < rows; start += batch_rows) {
    int64_t n = std::min(batch_rows, rows - start);
    ark::Int64Builder auction(DataType::Int64()), bidder(DataType::Int64()),
        price(DataType::Int64());
    ark::StringBuilder channel;
    ark::Int64Builder ts(DataType::Timestamp());
    auction.Reserve(n);
    bidder.Reserve(n);
    price.Reserve(n);
    ts.Reserve(n);
    for (int64_t i = start; i < start + n; ++i) {
      auction.Append((i * 7919) % 100000);
      bidder.Append((i * 104729 + 13) % 1000000);
      price.Append(100 + (i * 31337) % 99900);
      channel.Append(channels[(i * 7) % 10]);
      ts.Append(kEpoch2024Micros + i * 1000);
    }
    out.emplace_back(schema,
                     std::vector<ark::ColumnPtr>{auction.Finish(), bidder.Finish(), price.Finish(),
                                                 channel.Finish(), ts.Finish()},
                     n);
  }
  return out;
}

std::vector<Batch> MakeAuctions() {
  auto schema =
      ark::Schema::Make({Field("id", DataType::Int64()), Field("category", DataType::Int64()),
                         Field("reserve", DataType::Int64())});
  ark::Int64Builder id(DataType::Int64()), category(DataType::Int64()), reserve(DataType::Int64());
  for (int64_t i = 0; i < 100000; ++i) {
    id.Append(i);
    category.Append(i % 50);
    reserve.Append((i * 13) % 1000);
  }
  return {Batch(schema, {id.Finish(), category.Finish(), reserve.Finish()}, 100000)};
}

struct Query {
  const char* name;
  const char* sql;
  // Run untimed over the result: SELECT ... FROM (<sql>) q — identical text on both engines.
  const char* checksum;
  bool per_batch;  // also run batch by batch (stateless queries)
};

const Query kQueries[] = {
    {"filter", "SELECT auction, bidder, price FROM bids WHERE price > 80000",
     "count(*), sum(auction), sum(bidder), sum(price)", true},
    {"project",
     "SELECT auction, price * 3 + 1 AS p3, auction * 2 - bidder AS k, "
     "CASE WHEN price > 50000 THEN 1 ELSE 0 END AS high FROM bids",
     "count(*), sum(auction), sum(p3), sum(k), sum(high)", true},
    {"group_by_10",
     "SELECT channel, count(*) AS n, sum(price) AS total, min(price) AS lo, max(price) AS hi "
     "FROM bids GROUP BY channel",
     "count(*), sum(length(channel)), sum(n), sum(total), sum(lo), sum(hi)", false},
    {"group_by_1m", "SELECT bidder, count(*) AS n, sum(price) AS total FROM bids GROUP BY bidder",
     "count(*), sum(bidder), sum(n), sum(total)", false},
    {"hash_join_100k", "SELECT b.price, a.category FROM bids b JOIN auctions a ON b.auction = a.id",
     "count(*), sum(price), sum(category)", false},
    {"order_by_limit_10",
     "SELECT auction, bidder, price FROM bids ORDER BY price DESC, bidder LIMIT 10",
     "count(*), sum(auction), sum(bidder), sum(price)", false},
};

// Over the whole input: equal on both engines only when they hold the same rows.
constexpr const char* kDataChecksum =
    "SELECT count(*), sum(auction), sum(bidder), sum(price), sum(length(channel)), "
    "count(DISTINCT channel), sum(auction * price % 1000003), min(date_time)::text, "
    "max(date_time)::text FROM bids";

std::string ChecksumSql(const Query& q) {
  return std::string("SELECT ") + q.checksum + " FROM (" + q.sql + ") q";
}

// `s` as the inside of a JSON string.
std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) >= 0x20) {
      out += c;
    }
  }
  return out;
}

// CPU seconds this process has used (user + system; the benchmark runs on one thread).
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Best-of-N wall-clock and CPU seconds of one query.
struct Timing {
  std::vector<double> wall;
  std::vector<double> cpu;
  double best_wall() const { return *std::min_element(wall.begin(), wall.end()); }
  double best_cpu() const { return *std::min_element(cpu.begin(), cpu.end()); }
};

int64_t Rows(const std::vector<Batch>& batches) {
  int64_t n = 0;
  for (const Batch& b : batches) n += b.num_rows();
  return n;
}

// The single row of `sql`'s result as a JSON array of strings, or the error as a JSON string.
std::string RunChecksum(const std::string& sql, const ark::sql::Catalog& catalog,
                        const ark::sql::QueryInputs& inputs) {
  auto prepared = ark::sql::PreparedQuery::Prepare(sql, catalog);
  if (!prepared.ok()) return "\"" + JsonEscape(prepared.status().ToString()) + "\"";
  auto result = (*prepared)->Execute(inputs);
  if (!result.ok()) return "\"" + JsonEscape(result.status().ToString()) + "\"";
  std::string out = "[";
  for (const Batch& b : *result) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      for (int c = 0; c < b.num_columns(); ++c) {
        if (out.size() > 1) out += ", ";
        const ark::Column& col = *b.column(c);
        out += "\"" + JsonEscape(col.IsNull(r) ? "NULL" : col.ValueToString(r)) + "\"";
      }
    }
  }
  return out + "]";
}

void ListQueries() {
  std::printf("{\"data_checksum\": \"%s\"}\n", JsonEscape(kDataChecksum).c_str());
  for (const Query& q : kQueries) {
    std::printf("{\"query\": \"%s\", \"sql\": \"%s\", \"checksum\": \"%s\"}\n", q.name,
                JsonEscape(q.sql).c_str(), JsonEscape(ChecksumSql(q)).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 10000000;
  int64_t batch_rows = 65536;
  int runs = 5;
  std::string only;
  bool explain = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--list") {
      ListQueries();
      return 0;
    }
    if (a == "--explain") {
      explain = true;
      rows = 1000;
      continue;
    }
    if (i + 1 >= argc) break;
    if (a == "--rows") rows = std::atoll(argv[++i]);
    if (a == "--batch") batch_rows = std::atoll(argv[++i]);
    if (a == "--runs") runs = std::max(1, std::atoi(argv[++i]));
    if (a == "--only") only = argv[++i];
  }
  std::vector<Batch> bids = MakeBids(rows, batch_rows);
  std::vector<Batch> auctions = MakeAuctions();

  ark::sql::Catalog catalog;
  if (!catalog.AddTable("bids", bids[0].schema()).ok() ||
      !catalog.AddTable("auctions", auctions[0].schema()).ok()) {
    std::fprintf(stderr, "catalog setup failed\n");
    return 1;
  }
  ark::sql::QueryInputs inputs;
  inputs.tables["bids"] = bids;
  inputs.tables["auctions"] = auctions;
  if (explain) {
    for (const Query& q : kQueries) {
      std::printf("-- %s: %s\n", q.name, q.sql);
      auto plan = ark::sql::PreparedQuery::Prepare(std::string("EXPLAIN ") + q.sql, catalog);
      auto result = plan.ok() ? (*plan)->Execute(inputs) : plan.status();
      if (!result.ok()) {
        std::printf("%s\n", result.status().ToString().c_str());
        continue;
      }
      for (const Batch& b : *result) {
        for (int64_t r = 0; r < b.num_rows(); ++r) {
          std::printf("%s\n", b.column(0)->ValueToString(r).c_str());
        }
      }
    }
    return 0;
  }
  std::printf("{\"data_checksum\": %s}\n", RunChecksum(kDataChecksum, catalog, inputs).c_str());
  std::fflush(stdout);

  for (const Query& q : kQueries) {
    if (!only.empty() && only != q.name) continue;
    auto prepared = ark::sql::PreparedQuery::Prepare(q.sql, catalog);
    if (!prepared.ok()) {
      std::printf("{\"query\": \"%s\", \"error\": \"%s\"}\n", q.name,
                  JsonEscape(prepared.status().ToString()).c_str());
      continue;
    }
    const ark::sql::PreparedQuery& query = **prepared;
    Timing timing;
    int64_t result_rows = 0;
    std::string error;
    for (int r = 0; r < runs && error.empty(); ++r) {
      const double c0 = CpuSeconds();
      auto t0 = std::chrono::steady_clock::now();
      auto result = query.Execute(inputs);
      auto t1 = std::chrono::steady_clock::now();
      const double c1 = CpuSeconds();
      if (!result.ok()) {
        error = result.status().ToString();
        break;
      }
      result_rows = Rows(*result);
      timing.wall.push_back(std::chrono::duration<double>(t1 - t0).count());
      timing.cpu.push_back(c1 - c0);
    }
    if (!error.empty()) {
      std::printf("{\"query\": \"%s\", \"error\": \"%s\"}\n", q.name, JsonEscape(error).c_str());
      continue;
    }
    double s = timing.best_wall();
    double cpu = timing.best_cpu();
    std::printf(
        "{\"query\": \"%s\", \"mode\": \"table\", \"rows\": %lld, \"result_rows\": %lld, "
        "\"seconds\": %.6f, \"rows_per_sec\": %.0f, \"cpu_seconds\": %.6f, "
        "\"rows_per_cpu_sec\": %.0f, \"checksum\": %s}\n",
        q.name, static_cast<long long>(rows), static_cast<long long>(result_rows), s, rows / s, cpu,
        rows / cpu, RunChecksum(ChecksumSql(q), catalog, inputs).c_str());
    std::fflush(stdout);
    if (!q.per_batch) continue;
    // The `sql` processor's path: one execution per 64k batch, operators reused.
    auto execution = query.NewExecution();
    timing = Timing();
    for (int r = 0; r < runs && error.empty(); ++r) {
      result_rows = 0;
      const double c0 = CpuSeconds();
      auto t0 = std::chrono::steady_clock::now();
      for (const Batch& b : bids) {
        ark::sql::QueryInputs one;
        one.tables["bids"] = {b};
        auto result = execution->Run(one);
        if (!result.ok()) {
          error = result.status().ToString();
          break;
        }
        result_rows += Rows(*result);
      }
      auto t1 = std::chrono::steady_clock::now();
      timing.wall.push_back(std::chrono::duration<double>(t1 - t0).count());
      timing.cpu.push_back(CpuSeconds() - c0);
    }
    if (!error.empty()) {
      std::printf("{\"query\": \"%s\", \"mode\": \"per_batch\", \"error\": \"%s\"}\n", q.name,
                  JsonEscape(error).c_str());
      continue;
    }
    s = timing.best_wall();
    cpu = timing.best_cpu();
    std::printf(
        "{\"query\": \"%s\", \"mode\": \"per_batch\", \"rows\": %lld, \"result_rows\": %lld, "
        "\"seconds\": %.6f, \"rows_per_sec\": %.0f, \"cpu_seconds\": %.6f, "
        "\"rows_per_cpu_sec\": %.0f}\n",
        q.name, static_cast<long long>(rows), static_cast<long long>(result_rows), s, rows / s, cpu,
        rows / cpu);
    std::fflush(stdout);
  }
  return 0;
}
