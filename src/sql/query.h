// The SQL engine's front door: prepare a statement once (parse → bind → optimize → physical plan),
// execute it many times over batches.
//
//   Catalog catalog;
//   ARK_RETURN_IF_ERROR(catalog.AddTable("flow", batch.schema()));
//   ARK_ASSIGN_OR_RETURN(auto query, PreparedQuery::Prepare(
//       "SELECT channel, count(*) FROM flow GROUP BY channel", catalog));
//   QueryInputs inputs;
//   inputs.tables["flow"] = {batch};
//   ARK_ASSIGN_OR_RETURN(std::vector<Batch> result, query->Execute(inputs));
//
// Per-batch mode (ArkFlow's `sql` processor) executes the query over each batch as table `flow`,
// keeping nothing between executions. Streaming mode ([streaming] issue) reuses the same binder,
// expressions and operators with state kept across batches.
//
// Errors from Prepare carry line:column and a caret (sql_error.h); errors from Execute name the
// function or operator and the offending value.
//
// Thread-safety: Catalog is built by one thread, then read-only. A PreparedQuery is immutable and
// Execute() may be called from several threads at once (each call runs its own operator
// instances); a QueryExecution belongs to one thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "sql/functions/function.h"

namespace ark::sql {

class Catalog {
 public:
  Catalog();

  // A table whose rows are supplied to each execution (QueryInputs). Names are matched
  // case-insensitively for unquoted identifiers (stored lower case).
  Status AddTable(std::string name, SchemaPtr schema);
  // The schema of `name`, or null.
  SchemaPtr FindTable(std::string_view name) const;
  std::vector<std::string> TableNames() const;

  // The functions queries may call (default: FunctionRegistry::Builtins()).
  const FunctionRegistry& functions() const { return *functions_; }
  void set_functions(const FunctionRegistry* functions) { functions_ = functions; }

 private:
  std::map<std::string, SchemaPtr, std::less<>> tables_;
  const FunctionRegistry* functions_;
};

// The rows of each table for one execution.
struct QueryInputs {
  std::map<std::string, std::vector<Batch>, std::less<>> tables;
};

class PhysicalPlan;  // planner.h
class QueryExecution;

class PreparedQuery {
 public:
  // One SELECT (or EXPLAIN SELECT) against the catalog's tables.
  static Result<std::unique_ptr<PreparedQuery>> Prepare(std::string_view sql,
                                                        const Catalog& catalog);
  ~PreparedQuery();

  const SchemaPtr& output_schema() const;
  // Tables the query reads (lower case), so the caller knows what to supply.
  const std::vector<std::string>& input_tables() const;
  // The optimized plan, one operator per line, indented by depth (EXPLAIN's output).
  std::string Explain() const;
  // True for EXPLAIN statements: Execute returns the plan text as rows of one column "plan".
  bool is_explain() const;

  // Runs the plan over `inputs` (tables missing from `inputs` are empty).
  Result<std::vector<Batch>> Execute(const QueryInputs& inputs, KernelContext ctx = {}) const;
  // A reusable execution for one thread (avoids rebuilding operators for every batch).
  std::unique_ptr<QueryExecution> NewExecution() const;

 private:
  PreparedQuery();
  friend class QueryExecution;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class QueryExecution {
 public:
  ~QueryExecution();
  Result<std::vector<Batch>> Run(const QueryInputs& inputs, KernelContext ctx = {});

 private:
  friend class PreparedQuery;
  QueryExecution();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ark::sql
