#include "cli/sql_job.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "base/strings.h"
#include "sql/ast.h"
#include "sql/expr/datetime.h"
#include "sql/parser.h"

namespace ark::cli {
namespace {

using sql::ColumnDef;
using sql::ConnectorOption;
using sql::CreateSinkStmt;
using sql::CreateSourceStmt;
using sql::CreateViewStmt;
using sql::FormatClause;
using sql::SelectStatement;
using sql::SourceLocation;
using sql::TableRef;

std::string Quote(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

// "a, b ,c" → ["a", "b", "c"].
std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = std::min(text.find(',', start), text.size());
    std::string_view part = text.substr(start, comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    out.emplace_back(part);
    start = comma + 1;
  }
  return out;
}

// A duration option: "2s", "1500ms", "10us".
std::string FormatDelay(int64_t us) {
  if (us % 1'000'000 == 0) return fmt::format("{}s", us / 1'000'000);
  if (us % 1000 == 0) return fmt::format("{}ms", us / 1000);
  return fmt::format("{}us", us);
}

// A relation a query reads, where it is named.
struct RelationRef {
  std::string name;
  SourceLocation loc;
};

// The sources and views named in FROM clauses of `s` (CTE names excluded where they are in
// scope).
class RelationCollector {
 public:
  std::vector<RelationRef> refs;

  void Query(const SelectStatement& s, std::set<std::string> scope) {
    for (const auto& cte : s.ctes) {
      if (s.recursive) scope.insert(cte.name);
      Query(*cte.query, scope);
      scope.insert(cte.name);
    }
    if (s.left) Query(*s.left, scope);
    if (s.right) Query(*s.right, scope);
    if (s.core && s.core->from) Table(*s.core->from, scope);
  }

 private:
  void Table(const TableRef& ref, const std::set<std::string>& scope) {
    switch (ref.kind) {
      case sql::TableRefKind::kBaseTable: {
        const auto& base = static_cast<const sql::BaseTableRef&>(ref);
        if (base.name.size() == 1 && !scope.contains(base.name[0])) {
          refs.push_back({base.name[0], ref.loc});
        }
        return;
      }
      case sql::TableRefKind::kSubquery:
        Query(*static_cast<const sql::SubqueryRef&>(ref).subquery, scope);
        return;
      case sql::TableRefKind::kJoin: {
        const auto& join = static_cast<const sql::JoinRef&>(ref);
        Table(*join.left, scope);
        Table(*join.right, scope);
        return;
      }
      case sql::TableRefKind::kTableFunction:
        for (const auto& arg : static_cast<const sql::TableFunctionRef&>(ref).table_args) {
          Table(*arg, scope);
        }
        return;
      case sql::TableRefKind::kValues:
        return;
    }
  }
};

// An option tree being assembled: dotted keys nest one level (`codec.type`).
struct OptionNode {
  ConfigValue leaf;  // set when this is a value
  std::vector<std::pair<std::string, OptionNode>> children;
  SourcePos key_pos;
  SourcePos pos;

  OptionNode& Child(const std::string& key, const SourcePos& at) {
    for (auto& [k, child] : children) {
      if (k == key) return child;
    }
    children.emplace_back(key, OptionNode{});
    OptionNode& child = children.back().second;
    child.key_pos = at;
    child.pos = at;
    return child;
  }
  bool Has(std::string_view key) const {
    return std::any_of(children.begin(), children.end(),
                       [&](const auto& c) { return c.first == key; });
  }

  ConfigValue Build(const std::string& path) const {
    if (children.empty() && !leaf.is_null()) return leaf.WithPath(path);
    std::vector<std::pair<std::string, ConfigValue>> entries;
    std::vector<SourcePos> keys;
    for (const auto& [k, child] : children) {
      entries.emplace_back(k, child.Build(ConfigValue::ChildPath(path, k)));
      keys.push_back(child.key_pos);
    }
    return ConfigValue::Map(std::move(entries), std::move(keys), pos, path);
  }
};

// Which end of a stream a connector is.
enum class End { kSource, kSink };

class JobCompiler {
 public:
  JobCompiler(std::string_view sql, std::string file, const Registry& registry,
              const EnvLookup& env)
      : sql_(sql), file_(std::move(file)), registry_(registry), env_(env) {}

  Result<ConfigValue> Compile() {
    ARK_ASSIGN_OR_RETURN(std::vector<sql::StatementPtr> statements, sql::ParseSql(sql_));
    if (statements.empty()) return ErrorAt(SourceLocation{1, 1, 0, 0}, "the job is empty");
    for (sql::StatementPtr& stmt : statements) {
      ARK_RETURN_IF_ERROR(Declare(std::move(stmt)));
    }
    if (sinks_.empty()) {
      return ErrorAt(SourceLocation{1, 1, 0, 0},
                     "the job has no sink: add CREATE SINK name AS SELECT ... WITH (connector = "
                     "...), or INSERT INTO a table created WITH a connector");
    }
    std::vector<ConfigValue> streams;
    for (size_t i = 0; i < sinks_.size(); ++i) {
      ARK_ASSIGN_OR_RETURN(ConfigValue stream,
                           Stream(sinks_[i], ConfigValue::ItemPath("streams", i)));
      streams.push_back(std::move(stream));
    }
    SourcePos top{file_, 1, 1};
    top_.pos = top;
    std::vector<std::pair<std::string, ConfigValue>> entries;
    std::vector<SourcePos> keys;
    for (const auto& [k, section] : top_.children) {
      entries.emplace_back(k, section.Build(k));
      keys.push_back(section.key_pos);
    }
    entries.emplace_back("streams", ConfigValue::List(std::move(streams), top, "streams"));
    keys.push_back(top);
    return ConfigValue::Map(std::move(entries), std::move(keys), top, "");
  }

 private:
  // A sink: where results go (a CREATE SINK, or the table of an INSERT INTO) and the query.
  struct Sink {
    std::string name;
    SourceLocation loc;
    const SelectStatement* query = nullptr;
    std::string query_text;
    SourceLocation query_loc;
    const std::vector<ConnectorOption>* with = nullptr;
    const std::optional<FormatClause>* format = nullptr;
    SourceLocation connector_loc;  // the statement that declared the connector
  };
  struct View {
    const CreateViewStmt* stmt = nullptr;
    std::vector<std::string> views;    // views it reads, directly or not, in declaration order
    std::vector<RelationRef> sources;  // sources it reads, directly or not
  };

  SourcePos Pos(const SourceLocation& loc) const { return {file_, loc.line, loc.column}; }
  Status ErrorAt(const SourceLocation& loc, std::string_view message) const {
    return Status::ConfigError("{}: {}", Pos(loc).ToString(), message);
  }

  Status CheckNewName(const std::string& name, const SourceLocation& loc) {
    if (!names_.insert(name).second) {
      return ErrorAt(loc, fmt::format("\"{}\" is already declared in this job", name));
    }
    return Status::OK();
  }

  Status Declare(sql::StatementPtr stmt) {
    switch (stmt->kind) {
      case sql::StatementKind::kCreateSource: {
        const auto& s = static_cast<const CreateSourceStmt&>(*stmt);
        ARK_RETURN_IF_ERROR(CheckNewName(s.name, s.name_loc));
        // Checked here too, so that a mistake in a source no sink reads is found (a Flink
        // table is checked where it is used: it may be a sink).
        if (!s.is_table) {
          ARK_RETURN_IF_ERROR(
              Connector(s.with, s.format, End::kSource, s.name, s.loc, &s).status());
        }
        sources_[s.name] = &s;
        break;
      }
      case sql::StatementKind::kCreateView: {
        const auto& v = static_cast<const CreateViewStmt&>(*stmt);
        ARK_RETURN_IF_ERROR(CheckNewName(v.name, v.name_loc));
        View view{.stmt = &v};
        ARK_RETURN_IF_ERROR(Resolve(*v.query, &view.views, &view.sources));
        views_[v.name] = std::move(view);
        break;
      }
      case sql::StatementKind::kCreateSink: {
        const auto& s = static_cast<const CreateSinkStmt&>(*stmt);
        ARK_RETURN_IF_ERROR(CheckNewName(s.name, s.name_loc));
        sinks_.push_back({s.name, s.name_loc, s.query.get(), s.query_text, s.query_loc, &s.with,
                          &s.format, s.loc});
        break;
      }
      case sql::StatementKind::kInsert: {
        const auto& ins = static_cast<const sql::InsertStmt&>(*stmt);
        auto it = sources_.find(ins.table);
        if (it == sources_.end() || !it->second->is_table) {
          return ErrorAt(ins.table_loc,
                         fmt::format("INSERT INTO {}: no table of that name is declared before it "
                                     "(CREATE TABLE {} (...) WITH ('connector' = ...))",
                                     ins.table, ins.table));
        }
        const CreateSourceStmt& table = *it->second;
        // The stream's id: the table's name, numbered from the second INSERT into it on.
        int n = ++inserts_[ins.table];
        std::string id = n == 1 ? ins.table : fmt::format("{}-{}", ins.table, n);
        sinks_.push_back({id, ins.table_loc, ins.query.get(), ins.query_text, ins.query_loc,
                          &table.with, &table.format, table.loc});
        break;
      }
      case sql::StatementKind::kSet:
        ARK_RETURN_IF_ERROR(Set(static_cast<const sql::SetStmt&>(*stmt).option));
        break;
      case sql::StatementKind::kSelect:
      case sql::StatementKind::kExplain:
        return ErrorAt(stmt->loc,
                       "a job runs CREATE SOURCE/TABLE/VIEW/SINK and INSERT INTO statements; a "
                       "bare query has nowhere to send its rows (write CREATE SINK name AS "
                       "<query> WITH (connector = 'stdout'))");
    }
    statements_.push_back(std::move(stmt));
    return Status::OK();
  }

  // SET logging.level = 'warn' (the top-level sections of a YAML config), SET parallelism = 2,
  // SET state_ttl = '1h' and SET emit = 'on_update' (options of every sink's continuous query).
  Status Set(const ConnectorOption& o) {
    std::string key = AsciiLower(o.key);
    if (key == "streaming_parallelism") key = "parallelism";  // RisingWave's name
    if (key == "parallelism" || key == "state_ttl" || key == "emit") {
      for (auto& [k, v] : query_settings_) {
        if (k == key) return ErrorAt(o.key_loc, fmt::format("{} is set twice", key));
      }
      ARK_ASSIGN_OR_RETURN(ConfigValue value, Value(o, o.value));
      query_settings_.emplace_back(key, std::move(value));
      return Status::OK();
    }
    size_t dot = key.find('.');
    std::string section = key.substr(0, dot);
    if (dot == std::string::npos || (section != "logging" && section != "health_check" &&
                                     section != "metrics" && section != "error_output")) {
      return ErrorAt(o.key_loc,
                     fmt::format("SET {}: a job sets logging.*, health_check.*, metrics.* (as in "
                                 "a YAML config), error_output.* (of every sink's stream), "
                                 "parallelism, state_ttl or emit",
                                 o.key));
    }
    OptionNode& target =
        section == "error_output" ? error_output_ : top_.Child(section, Pos(o.key_loc));
    if (section == "error_output" && target.children.empty()) target.pos = Pos(o.key_loc);
    std::string leaf = key.substr(dot + 1);
    if (target.Has(leaf)) return ErrorAt(o.key_loc, fmt::format("{} is set twice", key));
    ARK_ASSIGN_OR_RETURN(target.Child(leaf, Pos(o.key_loc)).leaf, Value(o, o.value));
    return Status::OK();
  }

  // The views (in declaration order) and sources `query` reads.
  Status Resolve(const SelectStatement& query, std::vector<std::string>* views,
                 std::vector<RelationRef>* sources) const {
    RelationCollector collector;
    collector.Query(query, {});
    std::set<std::string> seen_views(views->begin(), views->end());
    for (const RelationRef& ref : collector.refs) {
      if (sources_.contains(ref.name)) {
        sources->push_back(ref);
        continue;
      }
      auto v = views_.find(ref.name);
      if (v == views_.end()) {
        return ErrorAt(ref.loc, fmt::format("\"{}\" is not a source or view declared before this "
                                            "statement",
                                            ref.name));
      }
      for (const std::string& inner : v->second.views) seen_views.insert(inner);
      seen_views.insert(ref.name);
      for (const RelationRef& s : v->second.sources) sources->push_back({s.name, ref.loc});
    }
    views->clear();
    for (const auto& stmt : statements_) {  // declaration order
      if (stmt->kind != sql::StatementKind::kCreateView) continue;
      const auto& v = static_cast<const CreateViewStmt&>(*stmt);
      if (seen_views.contains(v.name)) views->push_back(v.name);
    }
    return Status::OK();
  }

  Result<ConfigValue> Stream(const Sink& sink, const std::string& path) {
    std::vector<std::string> views;
    std::vector<RelationRef> refs;
    ARK_RETURN_IF_ERROR(Resolve(*sink.query, &views, &refs));
    std::set<std::string> names;
    for (const RelationRef& r : refs) names.insert(r.name);
    if (names.empty()) {
      return ErrorAt(sink.query_loc,
                     fmt::format("the query of sink {} reads no source", sink.name));
    }
    if (names.size() > 1) {
      return ErrorAt(refs[1].loc,
                     fmt::format("the query of sink {} reads the sources {}: a sink reads one "
                                 "source in this version (join streams that arrive in one "
                                 "source, as the nexmark connector's `table: all` does)",
                                 sink.name, fmt::join(names, " and ")));
    }
    const CreateSourceStmt& source = *sources_.at(*names.begin());
    SourcePos at = Pos(sink.loc);

    ARK_ASSIGN_OR_RETURN(OptionNode input, Connector(source.with, source.format, End::kSource,
                                                     source.name, source.loc, &source));
    ARK_ASSIGN_OR_RETURN(OptionNode output, Connector(*sink.with, *sink.format, End::kSink,
                                                      sink.name, sink.connector_loc, nullptr));

    // The query: views become WITH queries in front of it; a source without a codec gets its
    // declared column types by a cast.
    std::vector<std::string> ctes;
    std::string table = source.name;
    if (!source.columns.empty() && !input.Has("codec")) {
      std::vector<std::string> casts;
      for (const ColumnDef& c : source.columns) {
        casts.push_back(
            fmt::format("CAST({} AS {}) AS {}", Quote(c.name), TypeText(c), Quote(c.name)));
      }
      table = "__source_" + source.name;
      ctes.push_back(fmt::format("{} AS (SELECT {} FROM {})", Quote(source.name),
                                 fmt::join(casts, ", "), Quote(table)));
    }
    for (const std::string& v : views) {
      const CreateViewStmt& view = *views_.at(v).stmt;
      ctes.push_back(fmt::format("{} AS ({})", Quote(view.name), view.query_text));
    }
    std::string query = sink.query_text;
    if (!ctes.empty()) {
      std::string prefix = fmt::format("WITH {}", fmt::join(ctes, ", "));
      if (!sink.query->ctes.empty()) {
        // "WITH [RECURSIVE] a AS (...) SELECT" → "WITH <ours>, a AS (...) SELECT".
        size_t after = AsciiLower(query.substr(0, 4)) == "with" ? 4 : 0;
        query = prefix + "," + query.substr(after);
      } else {
        query = prefix + "\n" + query;
      }
    }
    SourcePos qpos = Pos(sink.query_loc);
    std::string ppath = ConfigValue::ChildPath(path, "pipeline");
    std::string procs = ConfigValue::ChildPath(ppath, "processors");
    std::string proc = ConfigValue::ItemPath(procs, 0);
    std::vector<std::pair<std::string, ConfigValue>> options = {
        {"type",
         ConfigValue::Scalar("stream_sql", false, qpos, ConfigValue::ChildPath(proc, "type"))},
        {"query", ConfigValue::Scalar(query, true, qpos, ConfigValue::ChildPath(proc, "query"))},
        {"table_name",
         ConfigValue::Scalar(table, true, qpos, ConfigValue::ChildPath(proc, "table_name"))}};
    for (const auto& [key, value] : query_settings_) {
      options.emplace_back(key, value.WithPath(ConfigValue::ChildPath(proc, key)));
    }
    ConfigValue processor = ConfigValue::Map(std::move(options), qpos, proc);
    ConfigValue pipeline = ConfigValue::Map(
        {{"processors", ConfigValue::List({std::move(processor)}, qpos, procs)}}, qpos, ppath);
    std::vector<std::pair<std::string, ConfigValue>> stream = {
        {"id", ConfigValue::Scalar(sink.name, true, at, ConfigValue::ChildPath(path, "id"))},
        {"input", input.Build(ConfigValue::ChildPath(path, "input"))},
        {"pipeline", std::move(pipeline)},
        {"output", output.Build(ConfigValue::ChildPath(path, "output"))}};
    if (!error_output_.children.empty()) {
      stream.emplace_back("error_output",
                          error_output_.Build(ConfigValue::ChildPath(path, "error_output")));
    }
    return ConfigValue::Map(std::move(stream), at, path);
  }

  std::string TypeText(const ColumnDef& c) const {
    return std::string(sql_.substr(static_cast<size_t>(c.type_loc.offset),
                                   static_cast<size_t>(c.type_loc.length)));
  }

  Result<ConfigValue> Value(const ConnectorOption& o, const std::string& text) const {
    SourcePos pos = Pos(o.value_loc);
    ARK_ASSIGN_OR_RETURN(std::string value, SubstituteEnv(text, pos, env_));
    return ConfigValue::Scalar(std::move(value), o.quoted, pos, "");
  }

  // The component section of a source or sink from its WITH options and FORMAT clause.
  Result<OptionNode> Connector(const std::vector<ConnectorOption>& with,
                               const std::optional<FormatClause>& format, End end,
                               const std::string& name, const SourceLocation& stmt_loc,
                               const CreateSourceStmt* source) const {
    const ComponentKind kind = end == End::kSource ? ComponentKind::kInput : ComponentKind::kOutput;
    const std::string_view what = end == End::kSource ? "source" : "sink";
    const ConnectorOption* connector = nullptr;
    for (const ConnectorOption& o : with) {
      if (AsciiLower(o.key) == "connector") connector = &o;
    }
    std::vector<std::string> types;
    for (const ComponentInfo* info : registry_.List(kind)) types.push_back(info->name);
    if (connector == nullptr) {
      return ErrorAt(stmt_loc,
                     fmt::format("{} {}: WITH (...) needs connector = '<type>', one of: {}", what,
                                 name, fmt::join(types, ", ")));
    }
    std::string type = AsciiLower(connector->value);
    if (type == "blackhole") type = "drop";  // RisingWave's name
    const ComponentInfo* info = registry_.Find(kind, type);
    if (info == nullptr) {
      return ErrorAt(connector->value_loc,
                     fmt::format("{} {}: there is no {} connector \"{}\"; {} connectors: {}", what,
                                 name, end == End::kSource ? "input" : "output", connector->value,
                                 what, fmt::join(types, ", ")));
    }
    const ConfigSpec& spec = info->spec;
    OptionNode node;
    node.pos = Pos(stmt_loc);
    OptionNode& type_node = node.Child("type", Pos(connector->key_loc));
    type_node.leaf = ConfigValue::Scalar(type, true, Pos(connector->value_loc), "");

    std::optional<std::string> codec_type;
    SourcePos codec_pos;
    for (const ConnectorOption& o : with) {
      if (&o == connector) continue;
      std::string key = o.key;
      std::string text = o.value;
      if (spec.Find(key) == nullptr) {
        // The spellings of RisingWave and Flink for what our components call otherwise.
        if (key == "format" && spec.Find("codec") != nullptr) {
          codec_type = AsciiLower(o.value);
          codec_pos = Pos(o.value_loc);
          continue;
        }
        if (type == "kafka") {
          if (key == "properties.bootstrap.server" || key == "properties.bootstrap.servers") {
            key = "brokers";
          } else if (key == "properties.group.id" || key == "group.id") {
            key = "consumer_group";
          } else if (key == "topic" && end == End::kSource) {
            key = "topics";
          } else if (key == "scan.startup.mode" && end == End::kSource) {
            std::string mode = AsciiLower(o.value);
            if (mode != "earliest" && mode != "latest") {
              return ErrorAt(o.value_loc, "scan.startup.mode is 'earliest' or 'latest'");
            }
            key = "start_from_latest";
            text = mode == "latest" ? "true" : "false";
          }
        } else if (type == "mqtt") {
          if (key == "topic" && end == End::kSource) {
            key = "topics";
          } else if (key == "url") {
            // tcp://host:port (RisingWave)
            std::string_view url = o.value;
            if (!url.starts_with("tcp://")) {
              return ErrorAt(o.value_loc,
                             "url: only tcp://host:port is understood here; for TLS set host, "
                             "port and tls.* instead");
            }
            url.remove_prefix(6);
            size_t colon = url.rfind(':');
            OptionNode& host = node.Child("host", Pos(o.key_loc));
            ARK_ASSIGN_OR_RETURN(host.leaf, Value(o, std::string(colon == std::string_view::npos
                                                                     ? url
                                                                     : url.substr(0, colon))));
            if (colon != std::string_view::npos) {
              OptionNode& port = node.Child("port", Pos(o.key_loc));
              ARK_ASSIGN_OR_RETURN(port.leaf, Value(o, std::string(url.substr(colon + 1))));
            }
            continue;
          }
        }
      }
      // Dotted keys nest once: codec.type, properties.security.protocol.
      OptionNode* target = &node;
      std::string leaf_key = key;
      size_t dot = key.find('.');
      if (spec.Find(key) == nullptr && dot != std::string::npos) {
        target = &node.Child(key.substr(0, dot), Pos(o.key_loc));
        leaf_key = key.substr(dot + 1);
      }
      if (target->Has(leaf_key)) {
        return ErrorAt(o.key_loc, fmt::format("option {} is given twice", o.key));
      }
      OptionNode& child = target->Child(leaf_key, Pos(o.key_loc));
      const OptionSpec* option = target == &node ? spec.Find(leaf_key) : nullptr;
      if (option != nullptr && option->type == OptionType::kStringList) {
        std::vector<ConfigValue> items;
        ARK_ASSIGN_OR_RETURN(std::string value, SubstituteEnv(text, Pos(o.value_loc), env_));
        for (const std::string& part : SplitList(value)) {
          items.push_back(ConfigValue::Scalar(part, o.quoted, Pos(o.value_loc), ""));
        }
        child.leaf = ConfigValue::List(std::move(items), Pos(o.value_loc), "");
      } else {
        ARK_ASSIGN_OR_RETURN(child.leaf, Value(o, text));
      }
    }
    if (type == "kafka" && end == End::kSource && !node.Has("consumer_group")) {
      OptionNode& group = node.Child("consumer_group", node.pos);
      group.leaf = ConfigValue::Scalar("arkflow-" + name, true, node.pos, "");
    }

    // FORMAT PLAIN ENCODE JSON (...) or 'format' = 'json': the codec, with the declared columns
    // as its schema.
    std::vector<const ConnectorOption*> codec_options;
    if (format) {
      if (AsciiLower(format->format) != "plain") {
        return ErrorAt(format->loc,
                       fmt::format("FORMAT {}: only FORMAT PLAIN is supported (upsert and "
                                   "changelog formats are not yet)",
                                   format->format));
      }
      if (codec_type) return ErrorAt(format->loc, "both a FORMAT clause and a 'format' option");
      codec_type = AsciiLower(format->encode);
      codec_pos = Pos(format->loc);
      for (const ConnectorOption& o : format->options) codec_options.push_back(&o);
    }
    if (codec_type) {
      if (spec.Find("codec") == nullptr) {
        return ErrorAt(format ? format->loc : stmt_loc,
                       fmt::format("{} {}: connector '{}' takes no FORMAT (it does not decode "
                                   "bytes)",
                                   what, name, type));
      }
      if (node.Has("codec")) return ErrorAt(stmt_loc, "both codec.* options and a format");
      OptionNode& codec = node.Child("codec", codec_pos);
      OptionNode& ctype = codec.Child("type", codec_pos);
      ctype.leaf = ConfigValue::Scalar(*codec_type, true, codec_pos, "");
      for (const ConnectorOption* o : codec_options) {
        OptionNode& c = codec.Child(o->key, Pos(o->key_loc));
        ARK_ASSIGN_OR_RETURN(c.leaf, Value(*o, o->value));
      }
      if (source != nullptr && !source->columns.empty() &&
          (*codec_type == "json" || *codec_type == "csv") && !codec.Has("schema")) {
        OptionNode& schema = codec.Child("schema", codec_pos);
        for (const ColumnDef& c : source->columns) {
          OptionNode& col = schema.Child(c.name, Pos(c.loc));
          col.leaf = ConfigValue::Scalar(TypeText(c), true, Pos(c.type_loc), "");
        }
      }
    }
    if (source != nullptr && source->watermark) {
      ARK_RETURN_IF_ERROR(EventTime(*source, &node));
    }
    return node;
  }

  // WATERMARK FOR ts AS ts [- INTERVAL '...'] → event_time {column, max_delay}.
  Status EventTime(const CreateSourceStmt& source, OptionNode* node) const {
    const sql::WatermarkDef& w = *source.watermark;
    if (!source.columns.empty() &&
        std::none_of(source.columns.begin(), source.columns.end(),
                     [&](const ColumnDef& c) { return c.name == w.column; })) {
      return ErrorAt(
          w.loc, fmt::format("WATERMARK FOR {}: the source has no column {}", w.column, w.column));
    }
    auto is_column = [&](const sql::Expr& e) {
      if (e.kind != sql::ExprKind::kColumnRef) return false;
      const auto& parts = static_cast<const sql::ColumnRefExpr&>(e).parts;
      return parts.size() == 1 && parts[0] == w.column;
    };
    int64_t delay_us = 0;
    const sql::Expr& e = *w.expr;
    std::string shape = fmt::format(
        "WATERMARK FOR {} AS {} - INTERVAL '5' SECOND (or AS {}): the watermark trails the "
        "column by a constant interval",
        w.column, w.column, w.column);
    if (!is_column(e)) {
      if (e.kind != sql::ExprKind::kBinary) return ErrorAt(e.loc, shape);
      const auto& b = static_cast<const sql::BinaryExpr&>(e);
      if (b.op != sql::BinaryOp::kSubtract || !is_column(*b.left) ||
          b.right->kind != sql::ExprKind::kInterval) {
        return ErrorAt(e.loc, shape);
      }
      const auto& iv = static_cast<const sql::IntervalExpr&>(*b.right);
      Result<IntervalValue> value = sql::ParseIntervalText(iv.value, iv.unit);
      if (!value.ok()) return ErrorAt(iv.loc, value.status().message());
      if (value->months != 0 || value->nanos < 0 || value->days < 0) {
        return ErrorAt(iv.loc, "the watermark delay is a positive interval of days or less");
      }
      delay_us = value->days * int64_t{86'400'000'000} + value->nanos / 1000;
    }
    SourcePos pos = Pos(w.loc);
    OptionNode& et = node->Child("event_time", pos);
    if (!et.children.empty()) {
      return ErrorAt(w.loc, "both WATERMARK FOR and event_time.* options");
    }
    et.Child("column", pos).leaf = ConfigValue::Scalar(w.column, true, pos, "");
    et.Child("max_delay", pos).leaf = ConfigValue::Scalar(FormatDelay(delay_us), true, pos, "");
    return Status::OK();
  }

  std::string_view sql_;
  std::string file_;
  const Registry& registry_;
  const EnvLookup& env_;
  std::vector<sql::StatementPtr> statements_;
  std::set<std::string> names_;
  std::map<std::string, const CreateSourceStmt*> sources_;
  std::map<std::string, View> views_;
  std::vector<Sink> sinks_;
  std::map<std::string, int> inserts_;  // INSERT INTO statements per table
  OptionNode top_;                      // SET logging.* / health_check.* / metrics.*
  OptionNode error_output_;             // SET error_output.*
  std::vector<std::pair<std::string, ConfigValue>> query_settings_;  // SET parallelism ...
};

}  // namespace

bool IsSqlJobPath(std::string_view path) {
  return path.size() > 4 && AsciiLower(path.substr(path.size() - 4)) == ".sql";
}

Result<ConfigValue> CompileSqlJob(std::string_view sql, const std::string& file,
                                  const Registry& registry, const EnvLookup& env) {
  JobCompiler compiler(sql, file, registry, env);
  Result<ConfigValue> out = compiler.Compile();
  if (!out.ok() && out.status().code() == StatusCode::kParseError) {
    return Status::ConfigError("{}:{}", file, out.status().message());
  }
  return out;
}

Result<ConfigValue> LoadSqlJobFile(const std::string& path, const Registry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno(errno, fmt::format("reading SQL job {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  return CompileSqlJob(text.str(), path, registry);
}

}  // namespace ark::cli
