#include "sql/operators/scan.h"

#include "base/strings.h"

namespace ark::sql {

ScanOperator::ScanOperator(std::string table, SchemaPtr table_schema, std::vector<int> columns,
                           SchemaPtr output_schema)
    : Operator(std::move(output_schema)),
      table_(std::move(table)),
      table_schema_(std::move(table_schema)),
      columns_(std::move(columns)) {}

Status ScanOperator::Resolve(const Schema& input) {
  std::vector<int> positions;
  positions.reserve(columns_.size());
  for (int c : columns_) {
    const Field& f = table_schema_->field(c);
    // The same position with the same name is the common case; otherwise look the name up.
    int pos = c < input.num_fields() && input.field(c).name == f.name ? c : input.IndexOf(f.name);
    if (pos < 0) {
      return Status::InvalidArgument("table \"{}\": the input batch has no column \"{}\"{}", table_,
                                     f.name, DidYouMean(f.name, input.names()));
    }
    if (input.field(pos).type != f.type) {
      return Status::TypeError(
          "table \"{}\": column \"{}\" is {} in the input batch, but the query was prepared for {}",
          table_, f.name, input.field(pos).type.ToString(), f.type.ToString());
    }
    positions.push_back(pos);
  }
  positions_ = std::move(positions);
  return Status::OK();
}

Status ScanOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  (void)port;
  if (batch.num_rows() == 0) return Status::OK();
  if (batch.schema().get() != resolved_for_) {
    ARK_RETURN_IF_ERROR(Resolve(*batch.schema()));
    resolved_for_ = batch.schema().get();
    resolved_keepalive_ = batch.schema();
  }
  std::vector<ColumnPtr> columns;
  columns.reserve(positions_.size());
  for (int p : positions_) columns.push_back(batch.column(p));
  out->push_back(Batch(output_schema_, std::move(columns), batch.num_rows()));
  return Status::OK();
}

Status ScanOperator::Finish(int port, std::vector<Batch>* out) {
  (void)port;
  (void)out;
  return Status::OK();
}

std::string ScanOperator::Explain() const {
  std::vector<std::string> names;
  for (int c : columns_) names.push_back(table_schema_->field(c).name);
  return "Scan " + table_ + " [" + JoinStrings(names, ", ") + "]";
}

}  // namespace ark::sql
