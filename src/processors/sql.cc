#include "processors/sql.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <set>
#include <sstream>

#include <spdlog/spdlog.h>

#include "base/strings.h"
#include "base/time.h"
#include "sql/parser.h"
#include "sql/sql_error.h"

namespace ark {

namespace {

// ---------------------------------------------------------------------------------------------
// The tables a statement reads: a walk over the AST that tracks the CTE names in scope.

class NameCollector {
 public:
  std::vector<NameReference> tables;
  std::vector<NameReference> functions;

  void Statement(const sql::SelectStatement& s, std::vector<std::string>& scope) {
    size_t depth = scope.size();
    // WITH names are visible in later CTEs and in the body (a recursive CTE also in itself).
    for (const sql::CommonTableExpr& cte : s.ctes) {
      if (s.recursive) scope.push_back(cte.name);
      if (cte.query) Statement(*cte.query, scope);
      if (!s.recursive) scope.push_back(cte.name);
    }
    if (s.left) Statement(*s.left, scope);
    if (s.right) Statement(*s.right, scope);
    if (s.core) Core(*s.core, scope);
    if (s.values) Table(*s.values, scope);
    for (const sql::OrderItem& o : s.order_by) Expr(o.expr.get(), scope);
    Expr(s.limit.get(), scope);
    Expr(s.offset.get(), scope);
    scope.resize(depth);
  }

 private:
  void Core(const sql::SelectCore& c, std::vector<std::string>& scope) {
    for (const auto& e : c.distinct_on) Expr(e.get(), scope);
    for (const sql::SelectItem& item : c.select_list) Expr(item.expr.get(), scope);
    if (c.from) Table(*c.from, scope);
    Expr(c.where.get(), scope);
    for (const auto& e : c.group_by) Expr(e.get(), scope);
    Expr(c.having.get(), scope);
    for (const sql::NamedWindow& w : c.windows) Window(w.spec, scope);
    Expr(c.qualify.get(), scope);
  }

  void Window(const sql::WindowSpec& w, std::vector<std::string>& scope) {
    for (const auto& e : w.partition_by) Expr(e.get(), scope);
    for (const sql::OrderItem& o : w.order_by) Expr(o.expr.get(), scope);
    if (w.frame) {
      Expr(w.frame->start.offset.get(), scope);
      Expr(w.frame->end.offset.get(), scope);
    }
  }

  void Table(const sql::TableRef& t, std::vector<std::string>& scope) {
    switch (t.kind) {
      case sql::TableRefKind::kBaseTable: {
        const auto& b = static_cast<const sql::BaseTableRef&>(t);
        Expr(b.system_time.get(), scope);
        if (b.name.size() == 1 && std::find(scope.begin(), scope.end(), b.name[0]) != scope.end()) {
          return;
        }
        std::string name;
        for (size_t i = 0; i < b.name.size(); ++i) name += (i ? "." : "") + b.name[i];
        tables.push_back({std::move(name), b.loc});
        return;
      }
      case sql::TableRefKind::kSubquery: {
        const auto& s = static_cast<const sql::SubqueryRef&>(t);
        if (s.subquery) Statement(*s.subquery, scope);
        return;
      }
      case sql::TableRefKind::kJoin: {
        const auto& j = static_cast<const sql::JoinRef&>(t);
        if (j.left) Table(*j.left, scope);
        if (j.right) Table(*j.right, scope);
        Expr(j.on.get(), scope);
        return;
      }
      case sql::TableRefKind::kValues: {
        const auto& v = static_cast<const sql::ValuesRef&>(t);
        for (const auto& row : v.rows) {
          for (const auto& e : row) Expr(e.get(), scope);
        }
        return;
      }
      case sql::TableRefKind::kTableFunction: {
        const auto& f = static_cast<const sql::TableFunctionRef&>(t);
        for (const auto& e : f.args) Expr(e.get(), scope);
        for (const auto& a : f.table_args) Table(*a, scope);
        return;
      }
    }
  }

  void Expr(const sql::Expr* e, std::vector<std::string>& scope) {
    if (e == nullptr) return;
    using K = sql::ExprKind;
    switch (e->kind) {
      case K::kLiteral:
      case K::kColumnRef:
      case K::kStar:
      case K::kParameter:
      case K::kInterval:
        return;
      case K::kUnary:
        Expr(static_cast<const sql::UnaryExpr*>(e)->operand.get(), scope);
        return;
      case K::kBinary: {
        const auto* b = static_cast<const sql::BinaryExpr*>(e);
        Expr(b->left.get(), scope);
        Expr(b->right.get(), scope);
        Expr(b->escape.get(), scope);
        return;
      }
      case K::kFunctionCall: {
        const auto* f = static_cast<const sql::FunctionCallExpr*>(e);
        functions.push_back({f->name, f->loc});
        for (const auto& a : f->args) Expr(a.get(), scope);
        for (const sql::OrderItem& o : f->order_by) Expr(o.expr.get(), scope);
        Expr(f->filter.get(), scope);
        if (f->over) Window(*f->over, scope);
        return;
      }
      case K::kCase: {
        const auto* c = static_cast<const sql::CaseExpr*>(e);
        Expr(c->operand.get(), scope);
        for (const auto& w : c->whens) {
          Expr(w.condition.get(), scope);
          Expr(w.result.get(), scope);
        }
        Expr(c->else_result.get(), scope);
        return;
      }
      case K::kCast:
        Expr(static_cast<const sql::CastExpr*>(e)->operand.get(), scope);
        return;
      case K::kIsNull:
        Expr(static_cast<const sql::IsNullExpr*>(e)->operand.get(), scope);
        return;
      case K::kIsDistinctFrom: {
        const auto* d = static_cast<const sql::IsDistinctFromExpr*>(e);
        Expr(d->left.get(), scope);
        Expr(d->right.get(), scope);
        return;
      }
      case K::kIsBool:
        Expr(static_cast<const sql::IsBoolExpr*>(e)->operand.get(), scope);
        return;
      case K::kBetween: {
        const auto* b = static_cast<const sql::BetweenExpr*>(e);
        Expr(b->operand.get(), scope);
        Expr(b->low.get(), scope);
        Expr(b->high.get(), scope);
        return;
      }
      case K::kInList: {
        const auto* in = static_cast<const sql::InListExpr*>(e);
        Expr(in->operand.get(), scope);
        for (const auto& x : in->list) Expr(x.get(), scope);
        return;
      }
      case K::kInSubquery: {
        const auto* in = static_cast<const sql::InSubqueryExpr*>(e);
        Expr(in->operand.get(), scope);
        if (in->subquery) Statement(*in->subquery, scope);
        return;
      }
      case K::kExists: {
        const auto* ex = static_cast<const sql::ExistsExpr*>(e);
        if (ex->subquery) Statement(*ex->subquery, scope);
        return;
      }
      case K::kSubquery: {
        const auto* s = static_cast<const sql::SubqueryExpr*>(e);
        if (s->subquery) Statement(*s->subquery, scope);
        return;
      }
      case K::kFieldAccess:
        Expr(static_cast<const sql::FieldAccessExpr*>(e)->operand.get(), scope);
        return;
      case K::kSubscript: {
        const auto* s = static_cast<const sql::SubscriptExpr*>(e);
        Expr(s->operand.get(), scope);
        Expr(s->index.get(), scope);
        Expr(s->slice_end.get(), scope);
        return;
      }
      case K::kArray:
        for (const auto& x : static_cast<const sql::ArrayExpr*>(e)->elements) Expr(x.get(), scope);
        return;
    }
  }
};

std::string ReadWholeFile(const std::string& path, Status* status) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *status = Status::FromErrno(errno, fmt::format("cannot open \"{}\"", path));
    return {};
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    *status = Status::IoError("reading \"{}\" failed", path);
    return {};
  }
  return std::move(buf).str();
}

// The codec a lookup file's name implies, or "" when the extension says nothing.
std::string CodecForPath(std::string_view path) {
  size_t dot = path.rfind('.');
  size_t slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return "";
  std::string ext = AsciiLower(path.substr(dot + 1));
  if (ext == "csv" || ext == "tsv") return "csv";
  if (ext == "json" || ext == "ndjson" || ext == "jsonl") return "json";
  if (ext == "arrow" || ext == "arrows" || ext == "ipc" || ext == "feather") return "arrow";
  return "";
}

std::string RowCount(int64_t rows) { return fmt::format("{} row{}", rows, rows == 1 ? "" : "s"); }

// Calls the binder resolves itself rather than through the function registry (binder.cc).
bool IsSpecialForm(std::string_view name) {
  return name == "coalesce" || name == "nullif" || name == "greatest" || name == "least";
}

// Temporary source types ArkFlow (and this project's later issues) know but this build cannot read.
bool IsPlannedTemporaryType(std::string_view type) {
  static const char* const kPlanned[] = {"redis",  "sql",     "postgres", "postgresql", "mysql",
                                         "sqlite", "mongodb", "http",     "database"};
  for (const char* t : kPlanned) {
    if (type == t) return true;
  }
  return false;
}

}  // namespace

Result<QueryNames> ReferencedNames(std::string_view query) {
  ARK_ASSIGN_OR_RETURN(sql::StatementPtr stmt, sql::ParseStatement(query));
  const sql::Statement* s = stmt.get();
  while (s->kind == sql::StatementKind::kExplain) {
    s = static_cast<const sql::ExplainStmt*>(s)->statement.get();
    if (s == nullptr) return QueryNames{};
  }
  if (s->kind != sql::StatementKind::kSelect) {
    return sql::SqlError(StatusCode::kInvalidArgument, query, s->loc,
                         "the sql processor runs queries (SELECT, VALUES, EXPLAIN) only");
  }
  NameCollector collector;
  std::vector<std::string> scope;
  const auto* select = static_cast<const sql::SelectStmt*>(s);
  if (select->select) collector.Statement(*select->select, scope);
  return QueryNames{std::move(collector.tables), std::move(collector.functions)};
}

// ---------------------------------------------------------------------------------------------
// FileLookupTable

FileLookupTable::FileLookupTable(std::string table_name, std::string path,
                                 std::chrono::nanoseconds reload_interval, LoadFn load,
                                 std::function<Clock::time_point()> now)
    : table_name_(std::move(table_name)),
      path_(std::move(path)),
      reload_interval_(reload_interval),
      load_(std::move(load)),
      now_(now ? std::move(now) : [] { return Clock::now(); }) {}

Result<std::unique_ptr<FileLookupTable>> FileLookupTable::Open(
    std::string table_name, std::string path, std::chrono::nanoseconds reload_interval, LoadFn load,
    std::function<Clock::time_point()> now) {
  std::unique_ptr<FileLookupTable> t(new FileLookupTable(
      std::move(table_name), std::move(path), reload_interval, std::move(load), std::move(now)));
  ARK_ASSIGN_OR_RETURN(t->stamp_, Stat(t->path_));
  ARK_ASSIGN_OR_RETURN(t->current_, t->Load(t->path_));
  t->loads_ = 1;
  t->last_check_ = t->now_();
  return t;
}

Result<FileLookupTable::FileStamp> FileLookupTable::Stat(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::FromErrno(errno, fmt::format("cannot read lookup file \"{}\"", path));
  }
  if (S_ISDIR(st.st_mode)) return Status::IoError("lookup file \"{}\" is a directory", path);
  FileStamp s;
  s.size = st.st_size;
  s.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  return s;
}

Result<std::shared_ptr<const LookupSnapshot>> FileLookupTable::Load(const std::string& path) {
  ARK_ASSIGN_OR_RETURN(Batch batch, load_(path));
  auto snap = std::make_shared<LookupSnapshot>();
  snap->schema = batch.schema();
  snap->rows = batch.num_rows();
  snap->batches.push_back(std::move(batch));
  return std::shared_ptr<const LookupSnapshot>(std::move(snap));
}

std::shared_ptr<const LookupSnapshot> FileLookupTable::Current() {
  std::lock_guard<std::mutex> lock(mutex_);
  Clock::time_point now = now_();
  if (now - last_check_ < reload_interval_) return current_;
  last_check_ = now;
  Result<FileStamp> stamp = Stat(path_);
  if (!stamp.ok()) {
    // Logged once until the file is back (a reload_interval of 0s checks at every batch).
    if (!missing_logged_) {
      spdlog::error("sql: lookup table \"{}\": {}; keeping the {} loaded before", table_name_,
                    stamp.status().message(), RowCount(current_->rows));
      missing_logged_ = true;
    }
    return current_;
  }
  missing_logged_ = false;
  if (*stamp == stamp_) return current_;
  // Reading under the lock keeps two workers from loading the same change twice; lookups are
  // small and changes rare.
  Result<std::shared_ptr<const LookupSnapshot>> fresh = Load(path_);
  // Either way this version of the file is done with: a bad one is tried again only once it
  // changes.
  stamp_ = *stamp;
  if (!fresh.ok()) {
    ++failed_reloads_;
    spdlog::error("sql: lookup table \"{}\": reloading {} failed, keeping the {} loaded before: {}",
                  table_name_, path_, RowCount(current_->rows), fresh.status().message());
    return current_;
  }
  current_ = std::move(fresh).value();
  ++loads_;
  spdlog::info("sql: lookup table \"{}\" reloaded from {}: {}", table_name_, path_,
               RowCount(current_->rows));
  return current_;
}

int64_t FileLookupTable::loads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return loads_;
}

int64_t FileLookupTable::failed_reloads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failed_reloads_;
}

// ---------------------------------------------------------------------------------------------
// SqlProcessor

struct SqlProcessor::Plan {
  Status error;  // the query does not bind against this schema
  std::unique_ptr<sql::Catalog> catalog;
  std::unique_ptr<sql::PreparedQuery> query;

  std::mutex mutex;
  std::vector<std::unique_ptr<sql::QueryExecution>> idle;  // GUARDED_BY(mutex)

  std::unique_ptr<sql::QueryExecution> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        auto e = std::move(idle.back());
        idle.pop_back();
        return e;
      }
    }
    return query->NewExecution();
  }
  void Release(std::unique_ptr<sql::QueryExecution> e) {
    std::lock_guard<std::mutex> lock(mutex);
    idle.push_back(std::move(e));
  }
};

SqlProcessor::SqlProcessor(SqlProcessorOptions options) : options_(std::move(options)) {}
SqlProcessor::~SqlProcessor() = default;

Result<std::unique_ptr<SqlProcessor>> SqlProcessor::Make(SqlProcessorOptions options) {
  options.table_name = AsciiLower(options.table_name);
  std::vector<std::string> known = {options.table_name};
  for (const auto& l : options.lookups) {
    if (std::find(known.begin(), known.end(), l->table_name()) != known.end()) {
      return Status::ConfigError(
          "table name \"{}\" is used twice (table_name and temporary_list "
          "table names must differ)",
          l->table_name());
    }
    known.push_back(l->table_name());
  }
  ARK_ASSIGN_OR_RETURN(QueryNames names, ReferencedNames(options.query));
  for (const NameReference& t : names.tables) {
    if (std::find(known.begin(), known.end(), t.name) != known.end()) continue;
    // The binder's wording (binder.cc), plus the tables there are.
    std::optional<std::string> match = ClosestMatch(t.name, known);
    std::string hint = match ? fmt::format("; did you mean \"{}\"?", *match)
                             : fmt::format(" (tables: {})", JoinStrings(known, ", "));
    return sql::SqlError(StatusCode::kNotFound, options.query, t.loc,
                         fmt::format("relation \"{}\" does not exist{}", t.name, hint));
  }
  // Function names need no schema either (their argument types do: those are checked when the
  // first batch binds the query).
  const sql::FunctionRegistry& functions = sql::FunctionRegistry::Builtins();
  for (const NameReference& f : names.functions) {
    if (IsSpecialForm(f.name) || functions.FindScalar(f.name) != nullptr ||
        functions.FindAggregate(f.name) != nullptr || functions.FindWindow(f.name) != nullptr) {
      continue;
    }
    std::optional<std::string> match = ClosestMatch(f.name, functions.Names());
    // Underline the name rather than the whole call.
    sql::SourceLocation loc = f.loc;
    const size_t at = static_cast<size_t>(loc.offset);
    if (at + f.name.size() <= options.query.size() &&
        AsciiLower(std::string_view(options.query).substr(at, f.name.size())) == f.name) {
      loc.length = static_cast<int32_t>(f.name.size());
    }
    return sql::SqlError(
        StatusCode::kNotFound, options.query, loc,
        fmt::format("function {} does not exist{}", f.name,
                    match ? fmt::format("; did you mean \"{}\"?", *match) : std::string()));
  }
  return std::unique_ptr<SqlProcessor>(new SqlProcessor(std::move(options)));
}

int64_t SqlProcessor::plans_built() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return plans_built_;
}

Result<std::shared_ptr<SqlProcessor::Plan>> SqlProcessor::PlanFor(
    const Batch& batch, const std::vector<std::shared_ptr<const LookupSnapshot>>& snapshots) {
  std::string key = batch.schema()->ToString();
  for (const auto& s : snapshots) {
    key += '\x1f';
    key += s->schema->ToString();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = plans_.find(key);
  if (it != plans_.end()) return it->second;
  // Schemas inferred per batch may vary without bound; keep the cache small.
  if (plans_.size() >= 64) plans_.clear();
  auto plan = std::make_shared<Plan>();
  plan->catalog = std::make_unique<sql::Catalog>();
  Status st = plan->catalog->AddTable(options_.table_name, batch.schema());
  for (size_t i = 0; st.ok() && i < snapshots.size(); ++i) {
    st = plan->catalog->AddTable(options_.lookups[i]->table_name(), snapshots[i]->schema);
  }
  if (st.ok()) {
    Result<std::unique_ptr<sql::PreparedQuery>> q =
        sql::PreparedQuery::Prepare(options_.query, *plan->catalog);
    if (q.ok()) {
      plan->query = std::move(q).value();
    } else {
      st = q.status();
    }
  }
  plan->error = st;
  ++plans_built_;
  plans_.emplace(std::move(key), plan);
  return plan;
}

Result<Batch> SqlProcessor::Run(const Batch& batch) {
  std::vector<std::shared_ptr<const LookupSnapshot>> snapshots;
  snapshots.reserve(options_.lookups.size());
  for (const auto& l : options_.lookups) snapshots.push_back(l->Current());
  ARK_ASSIGN_OR_RETURN(std::shared_ptr<Plan> plan, PlanFor(batch, snapshots));
  if (!plan->error.ok()) return plan->error;

  sql::QueryInputs inputs;
  inputs.tables[options_.table_name] = {batch};
  for (size_t i = 0; i < snapshots.size(); ++i) {
    inputs.tables[options_.lookups[i]->table_name()] = snapshots[i]->batches;
  }
  sql::KernelContext ctx;
  ctx.statement_time_us = NowMicros();
  std::unique_ptr<sql::QueryExecution> execution = plan->Acquire();
  Result<std::vector<Batch>> result = execution->Run(inputs, ctx);
  if (!result.ok()) return result.status();  // a failed execution is not reused
  plan->Release(std::move(execution));
  std::vector<Batch>& batches = *result;
  if (batches.empty()) return Batch::Empty(plan->query->output_schema());
  if (batches.size() == 1) return std::move(batches[0]);
  return ConcatBatches(batches);
}

Status SqlProcessor::Process(Batch batch, ProcessOutput* out) {
  if (batch.num_rows() == 0) return Status::OK();
  // The SQL error as it is: the runtime names the component (`__error_component`).
  Result<Batch> result = Run(batch);
  if (!result.ok()) return result.status();
  if (result->num_rows() > 0) out->batches.push_back(std::move(result).value());
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Registration

namespace {

ConfigSpec KeySpec() {
  ConfigSpec key(
      "ArkFlow's lookup key (evaluated per row for Redis lookups). Accepted for compatibility; a "
      "file lookup table is loaded whole and joined in the query, so it needs no key.");
  key.String("type", "expr: `expr` is an SQL expression over the batch; value: a fixed `value`.")
      .OneOf({"expr", "value"});
  key.String("expr", "The key expression (type: expr).");
  key.String("value", "The fixed key (type: value).");
  return key;
}

}  // namespace

ConfigSpec TemporarySpec() {
  ConfigSpec t("A lookup table the query may read (and join) under `table_name`.");
  t.String("name", "Name of the temporary source (ArkFlow); also the default table_name.")
      .Required();
  t.String("table_name", "The table's name inside the query; default: `name`.");
  t.Object("key", "ArkFlow's lookup key; not needed for file tables.", KeySpec());
  t.String("type",
           "Where the rows come from: `file`. `redis` and database lookups are not available yet "
           "(naming them is a config error).")
      .Default("file");
  t.String("path", "The file holding the table (CSV, NDJSON or Arrow IPC).");
  t.Component("codec",
              "How the file is decoded; default from the extension: .csv/.tsv → csv, "
              ".json/.ndjson/.jsonl → json, .arrow/.arrows/.ipc/.feather → arrow.",
              "codec");
  t.Duration("reload_interval",
             "How often the file's size and modification time are checked; a changed file is "
             "reloaded (a file that fails to load keeps the previous rows and logs an error). 0s: "
             "check at every batch.")
      .Default("10s");
  return t;
}

Result<std::unique_ptr<FileLookupTable>> MakeLookup(const ComponentConfig& item,
                                                    const ComponentContext& ctx) {
  const std::string name = item.GetString("name");
  const std::string type = item.GetString("type");
  if (type != "file") {
    if (IsPlannedTemporaryType(type)) {
      return item.NodeOf("type").Error(fmt::format(
          "temporary \"{}\": type \"{}\" is not available yet (Redis and database lookups "
          "come with a later release); lookup tables are read from files for now: type: file "
          "with a path",
          name, type));
    }
    return item.NodeOf("type").Error(
        fmt::format("temporary \"{}\": unknown type \"{}\" (supported: file)", name, type));
  }
  if (!item.IsSet("path")) {
    return item.node().Error(fmt::format(
        "temporary \"{}\": missing `path` — lookup tables are read from files here; temporary "
        "sources declared at the stream level (Redis) are not available yet",
        name));
  }
  std::string table_name =
      AsciiLower(item.IsSet("table_name") ? item.GetString("table_name") : name);
  const std::string path = item.GetString("path");
  ConfigValue codec;
  if (const ConfigValue* node = item.GetRaw("codec"); node != nullptr && !node->is_null()) {
    codec = *node;
  } else {
    std::string type_name = CodecForPath(path);
    if (type_name.empty()) {
      return item.NodeOf("path").Error(fmt::format(
          "cannot tell the format of \"{}\" from its extension; set `codec` (csv, json or arrow)",
          path));
    }
    const ConfigValue& where = item.NodeOf("path");
    codec = ConfigValue::Map(
        {{"type", ConfigValue::Scalar(type_name, false, where.pos(),
                                      ConfigValue::ChildPath(where.path(), "type"))}},
        where.pos(), where.path());
  }
  if (ctx.registry == nullptr) {
    return item.node().Error("internal: no registry to build the lookup table's codec");
  }
  const Registry* registry = ctx.registry;
  // Validate the codec now rather than at the first load.
  ARK_ASSIGN_OR_RETURN(std::unique_ptr<Decoder> probe, registry->MakeDecoder(codec, ctx));
  probe.reset();
  auto load = [registry, codec, ctx, table_name](const std::string& file) -> Result<Batch> {
    Status status;
    std::string bytes = ReadWholeFile(file, &status);
    ARK_RETURN_IF_ERROR(status);
    ARK_ASSIGN_OR_RETURN(std::unique_ptr<Decoder> decoder, registry->MakeDecoder(codec, ctx));
    ARK_ASSIGN_OR_RETURN(DecodeResult r, decoder->DecodeChunk(bytes, ChunkPosition{}));
    if (!r.errors.empty()) {
      const RecordError& e = r.errors.front();
      return Status::ParseError(
          "lookup file \"{}\": line {}, byte {}: {}{}", file, e.line, e.byte_offset, e.message,
          r.errors.size() > 1 ? fmt::format(" (and {} more bad records)", r.errors.size() - 1)
                              : std::string());
    }
    return r.batch;
  };
  Result<std::unique_ptr<FileLookupTable>> table =
      FileLookupTable::Open(table_name, path, item.GetDuration("reload_interval"), load);
  if (!table.ok()) return item.NodeOf("path").Error(table.status().message());
  return table;
}

void RegisterSqlProcessor(Registry& registry) {
  ConfigSpec spec(
      "Runs an SQL query over each batch, which the query reads as table `table_name`; the "
      "result replaces the batch. Lookup tables from files (temporary_list) may be joined. "
      "Nothing is kept between batches.");
  spec.String("query", "The SQL query (SELECT, VALUES or EXPLAIN).").Required();
  spec.String("table_name", "The batch's name inside the query.").Default("flow");
  spec.ObjectList("temporary_list", "Lookup tables the query may read.", TemporarySpec());
  registry.AddProcessor(
      {.name = "sql",
       .summary = "Runs an SQL query over each batch.",
       .spec = std::move(spec),
       .example = "processors:\n"
                  "  - type: json_to_arrow\n"
                  "  - type: sql\n"
                  "    query: \"SELECT channel, count(*) AS bids, max(price) AS top FROM flow "
                  "GROUP BY channel\"\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Processor>> {
        SqlProcessorOptions options;
        options.query = cfg.GetString("query");
        options.table_name = cfg.GetString("table_name");
        if (options.table_name.empty()) {
          return cfg.NodeOf("table_name").Error("table_name must not be empty");
        }
        for (const ComponentConfig& item : cfg.GetObjectList("temporary_list")) {
          ARK_ASSIGN_OR_RETURN(std::unique_ptr<FileLookupTable> t, MakeLookup(item, ctx));
          options.lookups.push_back(std::move(t));
        }
        Result<std::unique_ptr<SqlProcessor>> p = SqlProcessor::Make(std::move(options));
        if (!p.ok()) {
          const char* option =
              p.status().code() == StatusCode::kConfigError ? "temporary_list" : "query";
          return cfg.NodeOf(option).Error(p.status().message());
        }
        return std::unique_ptr<Processor>(std::move(p).value());
      });
}

}  // namespace ark
