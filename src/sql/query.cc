#include "sql/query.h"

#include "base/strings.h"

#include <algorithm>
#include <cctype>

#include "core/column_builder.h"
#include "sql/binder.h"
#include "sql/executor.h"
#include "sql/optimizer.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/sql_error.h"

namespace ark::sql {

namespace {}  // namespace

// ---------------------------------------------------------------------------------------------
// Catalog

Catalog::Catalog() : functions_(&FunctionRegistry::Builtins()) {}

Status Catalog::AddTable(std::string name, SchemaPtr schema) {
  if (name.empty()) return Status::InvalidArgument("a table name must not be empty");
  if (!schema) return Status::InvalidArgument("table \"{}\" has no schema", name);
  std::string key = AsciiLower(std::move(name));
  if (tables_.count(key)) return Status::AlreadyExists("table \"{}\" already exists", key);
  tables_.emplace(std::move(key), std::move(schema));
  return Status::OK();
}

SchemaPtr Catalog::FindTable(std::string_view name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

std::vector<std::string> Catalog::TableNames() const {
  std::vector<std::string> names;
  for (const auto& [name, schema] : tables_) names.push_back(name);
  return names;
}

// ---------------------------------------------------------------------------------------------
// PreparedQuery

struct PreparedQuery::Impl {
  std::string sql;
  std::unique_ptr<PhysicalPlan> plan;
  SchemaPtr output_schema;
  std::vector<std::string> input_tables;
  std::string explain;
  bool is_explain = false;
};

struct QueryExecution::Impl {
  const PreparedQuery::Impl* query = nullptr;
  std::unique_ptr<PlanExecutor> executor;
};

PreparedQuery::PreparedQuery() : impl_(std::make_unique<Impl>()) {}
PreparedQuery::~PreparedQuery() = default;

namespace {
bool UsesSessionWindows(const LogicalOp& op) {
  if (op.kind == LogicalOpKind::kWindowTvf && op.window_tvf.kind == WindowTvfKind::kSession) {
    return true;
  }
  for (const auto& c : op.children) {
    if (UsesSessionWindows(*c)) return true;
  }
  return false;
}
}  // namespace

Result<std::unique_ptr<PreparedQuery>> PreparedQuery::Prepare(std::string_view sql,
                                                              const Catalog& catalog) {
  ARK_ASSIGN_OR_RETURN(StatementPtr stmt, ParseStatement(sql));
  std::unique_ptr<PreparedQuery> query(new PreparedQuery());
  Impl& impl = *query->impl_;
  impl.sql = std::string(sql);
  const Statement* body = stmt.get();
  if (body->kind == StatementKind::kExplain) {
    const auto& explain = static_cast<const ExplainStmt&>(*body);
    if (explain.analyze) {
      return SqlError(StatusCode::kUnimplemented, sql, explain.loc,
                      "EXPLAIN ANALYZE is not supported yet");
    }
    impl.is_explain = true;
    body = explain.statement.get();
  }
  if (body->kind != StatementKind::kSelect) {
    return SqlError(StatusCode::kUnimplemented, sql, body->loc,
                    "only SELECT (and EXPLAIN SELECT) statements can be prepared as queries");
  }
  const SelectStatement& select = *static_cast<const SelectStmt&>(*body).select;
  ARK_ASSIGN_OR_RETURN(LogicalPlan logical, BindQuery(select, catalog, sql));
  ARK_RETURN_IF_ERROR(Optimize(&logical));
  if (UsesSessionWindows(*logical.root)) {
    return Status::Unimplemented(
        "SESSION windows exist only once rows are merged across batches: use them in the "
        "stream_sql processor (GROUP BY window_start, window_end over SESSION(...))");
  }
  ARK_ASSIGN_OR_RETURN(impl.plan, CreatePhysicalPlan(logical));
  impl.input_tables = logical.input_tables;
  impl.explain = impl.plan->Explain();
  if (impl.is_explain) {
    impl.output_schema = Schema::Make({Field("plan", DataType::String(), false)});
  } else {
    impl.output_schema = impl.plan->nodes[impl.plan->root].schema;
  }
  return query;
}

const SchemaPtr& PreparedQuery::output_schema() const { return impl_->output_schema; }

const std::vector<std::string>& PreparedQuery::input_tables() const { return impl_->input_tables; }

std::string PreparedQuery::Explain() const { return impl_->explain; }

bool PreparedQuery::is_explain() const { return impl_->is_explain; }

Result<std::vector<Batch>> PreparedQuery::Execute(const QueryInputs& inputs,
                                                  KernelContext ctx) const {
  std::unique_ptr<QueryExecution> execution = NewExecution();
  return execution->Run(inputs, std::move(ctx));
}

std::unique_ptr<QueryExecution> PreparedQuery::NewExecution() const {
  std::unique_ptr<QueryExecution> execution(new QueryExecution());
  execution->impl_->query = impl_.get();
  if (!impl_->is_explain) {
    execution->impl_->executor = std::make_unique<PlanExecutor>(impl_->plan.get());
  }
  return execution;
}

// ---------------------------------------------------------------------------------------------
// QueryExecution

QueryExecution::QueryExecution() : impl_(std::make_unique<Impl>()) {}
QueryExecution::~QueryExecution() = default;

Result<std::vector<Batch>> QueryExecution::Run(const QueryInputs& inputs, KernelContext ctx) {
  const PreparedQuery::Impl& query = *impl_->query;
  if (query.is_explain) {
    StringBuilder lines;
    int64_t n = 0;
    size_t pos = 0;
    const std::string& text = query.explain;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      lines.Append(std::string_view(text).substr(pos, end - pos));
      ++n;
      pos = end + 1;
    }
    std::vector<Batch> out;
    out.push_back(Batch(query.output_schema, {lines.Finish()}, n));
    return out;
  }
  // Table names are lower case; accept the caller's spelling in any case.
  const QueryInputs* in = &inputs;
  QueryInputs folded;
  for (const auto& [name, batches] : inputs.tables) {
    if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return std::isupper(c); })) {
      for (const auto& [n, b] : inputs.tables) folded.tables[AsciiLower(n)] = b;
      in = &folded;
      break;
    }
  }
  return impl_->executor->Run(*in, ctx);
}

}  // namespace ark::sql
