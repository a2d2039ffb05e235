// ScanOperator: where a table's batches enter a plan. Keeps the columns the query reads (looked up
// by name, so input batches may carry extra columns or a different column order) and checks their
// types against the schema the query was prepared for.
//
//   ScanOperator scan("flow", catalog_schema, {2, 0}, output_schema);
//   ARK_RETURN_IF_ERROR(scan.Push(0, input_batch, &out));   // columns 2 and 0, renamed
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <string>
#include <vector>

#include "sql/operators/operator.h"

namespace ark::sql {

class ScanOperator final : public Operator {
 public:
  // `columns`: indices into `table_schema` of the columns to keep, in output order;
  // `output_schema` has their types (its names may differ: aliases).
  ScanOperator(std::string table, SchemaPtr table_schema, std::vector<int> columns,
               SchemaPtr output_schema);

  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  std::string Explain() const override;

  const std::string& table() const { return table_; }

 private:
  Status Resolve(const Schema& input);

  std::string table_;
  SchemaPtr table_schema_;
  std::vector<int> columns_;
  // Positions of columns_ in the last input schema seen (batches usually share one schema).
  const Schema* resolved_for_ = nullptr;
  SchemaPtr resolved_keepalive_;
  std::vector<int> positions_;
};

}  // namespace ark::sql
