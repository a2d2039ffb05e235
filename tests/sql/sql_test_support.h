// Support for the SQL golden tests (sqllogictest-style .test files) and the DuckDB differential
// test: a harness that keeps named tables, runs statements through the engine's front door
// (sql/query.h), and renders results as text in one fixed way.
//
// Harness statements (everything else is a query the engine runs):
//   CREATE TABLE t (a int64, b string)    an empty table with declared types (core/type_parser.h)
//   CREATE TABLE t AS <query>             the engine runs <query>; its result becomes t
//   INSERT INTO t VALUES (...), (...)     the engine evaluates the VALUES (or any query) and each
//   INSERT INTO t <query>                 column is cast to t's declared type (CastDatum)
//   INSERT INTO t FORMAT JSON             the following lines are NDJSON objects, decoded with t's
//   {"a": 1, "b": "x"}                    declared types (nested struct and list values too)
//   DROP TABLE t
//
// Rendering (RenderValue): NULL; true/false; integers in decimal; floats with `float_digits`
// significant digits (%.{n}g; Infinity, -Infinity, NaN), float32 as the shortest text that reads
// back as the same float (at most n digits); strings as they are, "(empty)" for the empty string,
// with tab, newline and carriage return escaped (\t \n \r); binary as
// \x<hex>; dates YYYY-MM-DD; timestamps YYYY-MM-DD HH:MM:SS[.ffffff] (PostgreSQL's text form,
// trailing fraction zeros dropped); intervals in PostgreSQL's style (1 year 2 mons 3 days
// 04:05:06.5); lists [1, 2, NULL]; structs {a: 1, b: x}.
//
// Thread-safety: one harness per thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "sql/query.h"

namespace ark::sqltest {

// The fixed statement time of every query (now(), current_timestamp):
// 2024-01-02 03:04:05.678901 UTC.
inline constexpr int64_t kStatementTimeMicros = 1704164645678901;

struct RenderOptions {
  int float_digits = 12;
};

std::string RenderValue(const Column& column, int64_t row, const RenderOptions& options);

// One row per vector; values rendered.
std::vector<std::vector<std::string>> RenderRows(const std::vector<Batch>& batches,
                                                 const RenderOptions& options);

// The sqllogictest type letter of a column type: I int32/int64, R float32/float64, T string,
// B bool, D date, S timestamp, V interval, Y binary, L list, X struct, N null.
char TypeLetter(const DataType& type);

// What running a statement produced.
struct StatementResult {
  bool is_query = false;  // false for harness statements
  SchemaPtr schema;       // queries: the output schema
  std::vector<Batch> batches;
};

class Harness {
 public:
  // Tables are re-sliced into batches of `n` rows before each query (0: one batch per table), so
  // operators see their input in several pieces.
  void set_batch_size(int64_t n) { batch_size_ = n; }

  // Runs one statement. Queries run three times — PreparedQuery::Execute, then twice through one
  // QueryExecution — and the three results must render equally (an operator that does not reset
  // its state between executions fails here).
  Result<StatementResult> Run(std::string_view sql, const RenderOptions& options = {});

  bool HasTable(std::string_view name) const;

 private:
  struct Table {
    SchemaPtr schema;
    std::vector<Batch> batches;
  };
  Status CreateTable(std::string_view name, std::string_view columns);
  Status CreateTableAs(std::string_view name, std::string_view query, const RenderOptions& options);
  Status Insert(std::string_view name, std::string_view query, const RenderOptions& options);
  Status InsertJson(std::string_view name, std::string_view ndjson);
  Result<StatementResult> RunQuery(std::string_view sql, const RenderOptions& options);
  std::vector<Batch> Rebatch(const Table& t) const;

  std::map<std::string, Table, std::less<>> tables_;
  int64_t batch_size_ = 0;
};

}  // namespace ark::sqltest
