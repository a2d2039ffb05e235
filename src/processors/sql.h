// `sql` processor (ArkFlow's): runs one SQL query over each batch, which the query sees as table
// `table_name` (default `flow`); the result rows replace the batch (DESIGN §4, per-batch mode).
//
//   - type: sql
//     query: "SELECT sensor, avg(value) AS avg_value FROM flow GROUP BY sensor"
//     temporary_list:                       # lookup tables the query may join
//       - name: sensors
//         table_name: sensor_info
//         path: examples/data/sensors.csv   # CSV, NDJSON or Arrow IPC (codec from the extension)
//         reload_interval: 10s
//
// Every input column is a column of the table, the `__meta_*` ones included. Nothing is kept
// between batches: aggregates, ORDER BY, LIMIT and joins see one batch (or the window a buffer
// released). An empty input batch produces nothing (as in ArkFlow); a query result of several
// batches is concatenated into one; a result without rows produces nothing.
//
// Planning: the query is parsed when the processor is built. A syntax error, a table the query
// reads that is neither `table_name`, a lookup table nor a CTE, or a function that does not exist
// is a config error located at the `query` option, with the query's line:column and a caret.
// Columns and types need the batch's schema, which json_to_arrow infers per batch, so the query
// is bound, optimized and planned at the first batch of each distinct input schema (and lookup
// schemas); the plan is cached and reused by every later batch of that schema (plans_built()
// counts them). A query that does not bind against a schema (unknown column, type mismatch) fails
// every batch of that schema with the binder's message; runtime errors (division by zero, a failed
// cast) fail the batch. A failed batch goes to error_output with the SQL error as `__error__`
// and the stream goes on.
//
// Lookup tables (`temporary_list`): ArkFlow declares temporary sources (Redis) at the stream level
// and names them here with `name`, `table_name` and `key`. This engine reads a lookup table from a
// file instead (`path`, decoded by `codec` — by default csv for .csv/.tsv, json for .json/.ndjson/
// .jsonl, arrow for .arrow/.arrows/.ipc/.feather), loaded whole when the processor is built (a
// missing or malformed file is a config error) and reloaded when the file's size or modification
// time changes, checked at most once per `reload_interval`. A reload that fails (file gone,
// malformed record) keeps the previous contents and logs an error naming the file and the reason;
// that version of the file is not tried again, the next change is. `key` is accepted for ArkFlow
// compatibility and not needed (the whole table is joinable). Redis and database lookups are not
// available yet: naming them is a config error saying so.
//
// Thread-safety: Process() is called from several workers at once. The plan cache and each lookup
// table are guarded by mutexes; each call borrows a QueryExecution from the plan's pool, so no two
// calls share operator state.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "runtime/processor.h"
#include "runtime/registry.h"
#include "sql/query.h"

namespace ark {

// One immutable generation of a lookup table's contents.
struct LookupSnapshot {
  SchemaPtr schema;
  std::vector<Batch> batches;
  int64_t rows = 0;
};

// A lookup table read from a file and reloaded when the file changes.
//
// Thread-safety: Current() may be called from any thread.
class FileLookupTable {
 public:
  using Clock = std::chrono::steady_clock;
  // Decodes a file's whole content into one batch (errors name line and byte offset).
  using LoadFn = std::function<Result<Batch>(const std::string& path)>;

  // Loads the file now; an error (missing file, malformed record) is returned.
  static Result<std::unique_ptr<FileLookupTable>> Open(std::string table_name, std::string path,
                                                       std::chrono::nanoseconds reload_interval,
                                                       LoadFn load,
                                                       std::function<Clock::time_point()> now = {});

  // The current contents: stats the file when `reload_interval` has passed since the last check
  // and reloads it when its size or mtime changed.
  std::shared_ptr<const LookupSnapshot> Current();

  const std::string& table_name() const { return table_name_; }
  const std::string& path() const { return path_; }
  // How many times the file was (re)loaded successfully, the first load included.
  int64_t loads() const;
  // How many changed versions of the file failed to load (the previous contents were kept).
  int64_t failed_reloads() const;

 private:
  struct FileStamp {
    int64_t size = -1;
    int64_t mtime_ns = -1;
    friend bool operator==(const FileStamp&, const FileStamp&) = default;
  };
  FileLookupTable(std::string table_name, std::string path,
                  std::chrono::nanoseconds reload_interval, LoadFn load,
                  std::function<Clock::time_point()> now);
  static Result<FileStamp> Stat(const std::string& path);
  Result<std::shared_ptr<const LookupSnapshot>> Load(const std::string& path);

  const std::string table_name_;
  const std::string path_;
  const std::chrono::nanoseconds reload_interval_;
  const LoadFn load_;
  const std::function<Clock::time_point()> now_;

  mutable std::mutex mutex_;
  std::shared_ptr<const LookupSnapshot> current_;  // GUARDED_BY(mutex_)
  FileStamp stamp_;                                // GUARDED_BY(mutex_)
  Clock::time_point last_check_;                   // GUARDED_BY(mutex_)
  int64_t loads_ = 0;                              // GUARDED_BY(mutex_)
  int64_t failed_reloads_ = 0;                     // GUARDED_BY(mutex_)
  bool missing_logged_ = false;                    // GUARDED_BY(mutex_)
};

struct SqlProcessorOptions {
  std::string query;
  std::string table_name = "flow";
  std::vector<std::unique_ptr<FileLookupTable>> lookups;
};

class SqlProcessor final : public Processor {
 public:
  // Parses the query and checks the tables it reads. Errors carry the query's line:column and a
  // caret (sql_error.h); the factory locates them at the `query` option.
  static Result<std::unique_ptr<SqlProcessor>> Make(SqlProcessorOptions options);
  ~SqlProcessor() override;

  Status Process(Batch batch, ProcessOutput* out) override;

  // Runs the query over one batch and returns the (concatenated) result, which may have no rows.
  Result<Batch> Run(const Batch& batch);

  // How many distinct plans were built (one per input schema and lookup schemas), for tests.
  int64_t plans_built() const;

 private:
  struct Plan;
  explicit SqlProcessor(SqlProcessorOptions options);
  Result<std::shared_ptr<Plan>> PlanFor(
      const Batch& batch, const std::vector<std::shared_ptr<const LookupSnapshot>>& snapshots);

  const SqlProcessorOptions options_;

  mutable std::mutex mutex_;
  // Keyed by the input schema and every lookup table's schema.
  std::map<std::string, std::shared_ptr<Plan>> plans_;  // GUARDED_BY(mutex_)
  int64_t plans_built_ = 0;                             // GUARDED_BY(mutex_)
};

// A name the query text uses (lower case) and where.
struct NameReference {
  std::string name;
  sql::SourceLocation loc;
};
struct QueryNames {
  std::vector<NameReference> tables;     // tables read that are not one of the query's CTEs
  std::vector<NameReference> functions;  // every function call, in text order
};
// The names `query` uses that can be checked before any data is seen. ParseError with line:column
// and caret when the query does not parse; InvalidArgument when the statement is not a query
// (SELECT, VALUES or EXPLAIN).
Result<QueryNames> ReferencedNames(std::string_view query);

// The spec of one `temporary_list` entry, and the lookup table it describes (loaded now; errors
// located at the entry's options). Shared with the stream_sql processor.
ConfigSpec TemporarySpec();
Result<std::unique_ptr<FileLookupTable>> MakeLookup(const ComponentConfig& item,
                                                    const ComponentContext& ctx);

void RegisterSqlProcessor(Registry& registry);

}  // namespace ark
