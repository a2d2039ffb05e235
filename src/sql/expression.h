// CompiledExpression: one SQL scalar expression compiled once over a schema and evaluated over
// batches — for configuration options that take an SQL expression per row (a Kafka output's
// `topic`/`key`, an MQTT topic, an HTTP url). Built on the parser (ParseExpression), the binder
// (BindScalarExpression) and the vectorized evaluator, so it speaks the same SQL as the `sql`
// processor: column names, operators, functions, CASE, CAST.
//
//   ARK_ASSIGN_OR_RETURN(sql::CompiledExpression topic,
//                        sql::CompileExpression("'events-' || region", *batch.schema(),
//                                               DataType::String()));
//   ARK_ASSIGN_OR_RETURN(ColumnPtr topics, topic.Evaluate(batch));  // one value per row
//
// Errors from CompileExpression point into the text (line:column and a caret, sql_error.h);
// aggregates, window functions, subqueries and parameters are refused. Evaluate's errors name the
// function and the offending value.
//
// Thread-safety: a CompiledExpression is immutable; Evaluate may be called from several threads
// at once (each call uses its own evaluator).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "core/batch.h"
#include "core/schema.h"
#include "core/types.h"

namespace ark::sql {

struct BoundExpr;

class CompiledExpression {
 public:
  // The SQL text it was compiled from.
  const std::string& text() const { return text_; }
  // The type of every value Evaluate returns.
  const DataType& type() const;
  // True when the value does not depend on the row (no column read, deterministic functions).
  bool is_constant() const;

  // The expression's value for every row of `batch`, as a column of batch.num_rows() values.
  // REQUIRES: `batch` has the schema the expression was compiled over (same names and types in
  // the same order) — checked, InvalidArgument otherwise.
  Result<ColumnPtr> Evaluate(const Batch& batch) const;

 private:
  friend Result<CompiledExpression> CompileExpression(std::string_view, const Schema&,
                                                      std::optional<DataType>);
  std::string text_;
  SchemaPtr schema_;
  std::shared_ptr<const BoundExpr> expr_;
};

// Parses and binds `text` over the columns of `schema`. With `result_type`, the value is cast to
// it (an error when SQL has no cast from the expression's type).
Result<CompiledExpression> CompileExpression(std::string_view text, const Schema& schema,
                                             std::optional<DataType> result_type = std::nullopt);

}  // namespace ark::sql
