#include "sql/operators/distinct.h"

#include "sql/operators/join_util.h"

namespace ark::sql {
namespace {

std::vector<DataType> ColumnTypes(const Schema& schema) {
  std::vector<DataType> out;
  for (const auto& f : schema.fields()) out.push_back(f.type);
  return out;
}

}  // namespace

void AppendFirstOccurrences(const int32_t* ids, int64_t n, int64_t old_size,
                            std::vector<int64_t>* rows) {
  int64_t next = old_size;
  for (int64_t i = 0; i < n; ++i) {
    if (ids[i] == next) {
      rows->push_back(i);
      ++next;
    }
  }
}

DistinctOperator::DistinctOperator(SchemaPtr schema)
    : Operator(schema), table_(ColumnTypes(*schema)) {}

Status DistinctOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  if (port != 0) return Status::Internal("Distinct has one input, got a batch on port {}", port);
  const int64_t n = batch.num_rows();
  if (n == 0) return Status::OK();
  ARK_RETURN_IF_ERROR(CheckInputColumns("Distinct", batch, *output_schema_));
  const int64_t old_size = table_.size();
  ids_.resize(static_cast<size_t>(n));
  ARK_RETURN_IF_ERROR(table_.FindOrInsert(batch.columns(), n, ids_.data()));
  std::vector<int64_t> rows;
  AppendFirstOccurrences(ids_.data(), n, old_size, &rows);
  return EmitSelectedRows(batch, rows, output_schema_, out);
}

Status DistinctOperator::Finish(int port, std::vector<Batch>* out) {
  (void)out;
  if (port != 0) return Status::Internal("Distinct has one input, got Finish on port {}", port);
  return Status::OK();
}

void DistinctOperator::Reset() { table_.Clear(); }

std::string DistinctOperator::Explain() const {
  std::string s = "Distinct keys=[";
  for (int i = 0; i < output_schema_->num_fields(); ++i) {
    if (i) s += ", ";
    s += output_schema_->field(i).name;
  }
  return s + "]";
}

size_t DistinctOperator::StateBytes() const { return table_.MemoryBytes(); }

}  // namespace ark::sql
