#include "sql/operators/join_util.h"

#include <algorithm>

#include "sql/operators/gather.h"

namespace ark::sql {

const char* JoinTypeName(PhysicalJoinType type) {
  switch (type) {
    case PhysicalJoinType::kInner:
      return "INNER";
    case PhysicalJoinType::kLeft:
      return "LEFT";
    case PhysicalJoinType::kRight:
      return "RIGHT";
    case PhysicalJoinType::kFull:
      return "FULL";
    case PhysicalJoinType::kSemi:
      return "SEMI";
    case PhysicalJoinType::kAnti:
      return "ANTI";
    case PhysicalJoinType::kCross:
      return "CROSS";
  }
  return "?";
}

Status CheckInputColumns(const char* what, const Batch& batch, const Schema& schema) {
  if (batch.num_columns() != schema.num_fields()) {
    return Status::Internal("{}: input batch has {} columns, expected {}", what,
                            batch.num_columns(), schema.num_fields());
  }
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (batch.column(i)->type() != schema.field(i).type) {
      return Status::Internal("{}: input column {} is {}, expected {}", what, i,
                              batch.column(i)->type().ToString(), schema.field(i).type.ToString());
    }
  }
  return Status::OK();
}

SchemaPtr PairSchema(const Schema& left, const Schema& right) {
  std::vector<Field> fields = left.fields();
  fields.insert(fields.end(), right.fields().begin(), right.fields().end());
  return Schema::Make(std::move(fields));
}

Result<Batch> ConcatToSchema(std::span<const Batch> batches, const SchemaPtr& schema) {
  if (batches.empty()) return Batch::Empty(schema);
  if (batches.size() == 1) {
    return Batch(schema, batches[0].columns(), batches[0].num_rows());
  }
  int64_t rows = 0;
  for (const auto& b : batches) rows += b.num_rows();
  std::vector<ColumnPtr> cols;
  std::vector<ColumnPtr> parts(batches.size());
  for (int c = 0; c < schema->num_fields(); ++c) {
    for (size_t k = 0; k < batches.size(); ++k) parts[k] = batches[k].column(c);
    ARK_ASSIGN_OR_RETURN(ColumnPtr col, ConcatColumns(parts));
    cols.push_back(std::move(col));
  }
  return Batch(schema, std::move(cols), rows);
}

Result<Batch> GatherJoinPairs(const Batch& probe, std::span<const int64_t> probe_rows,
                              const Batch& build, std::span<const int64_t> build_rows,
                              const SchemaPtr& schema, std::span<const int> build_from_probe) {
  const int64_t m = static_cast<int64_t>(probe_rows.size());
  std::vector<ColumnPtr> cols;
  cols.reserve(static_cast<size_t>(schema->num_fields()));
  bool contiguous = m > 0 && probe_rows[0] >= 0;
  for (int64_t j = 1; contiguous && j < m; ++j) contiguous = probe_rows[j] == probe_rows[0] + j;
  for (const auto& c : probe.columns()) {
    if (contiguous) {
      cols.push_back(c->Slice(probe_rows[0], m));
    } else {
      ARK_ASSIGN_OR_RETURN(ColumnPtr g, GatherColumn(*c, probe_rows));
      cols.push_back(std::move(g));
    }
  }
  if (schema->num_fields() > probe.num_columns()) {
    const size_t probe_cols = cols.size();
    for (size_t j = 0; j < build.columns().size(); ++j) {
      const int p = j < build_from_probe.size() ? build_from_probe[j] : -1;
      if (p >= 0 && static_cast<size_t>(p) < probe_cols) {
        cols.push_back(cols[static_cast<size_t>(p)]);
        continue;
      }
      ARK_ASSIGN_OR_RETURN(ColumnPtr g,
                           GatherColumn(*build.column(static_cast<int>(j)), build_rows));
      cols.push_back(std::move(g));
    }
  }
  return Batch(schema, std::move(cols), m);
}

Status EmitSelectedRows(const Batch& batch, std::span<const int64_t> rows, const SchemaPtr& schema,
                        std::vector<Batch>* out) {
  const int64_t n = static_cast<int64_t>(rows.size());
  if (n == 0) return Status::OK();
  if (n == batch.num_rows()) {
    Batch whole(schema, batch.columns(), n);
    for (int64_t start = 0; start < n; start += kOutputBatchRows) {
      out->push_back(start == 0 && n <= kOutputBatchRows
                         ? whole
                         : whole.Slice(start, std::min(kOutputBatchRows, n - start)));
    }
    return Status::OK();
  }
  for (int64_t start = 0; start < n; start += kOutputBatchRows) {
    auto part = rows.subspan(static_cast<size_t>(start),
                             static_cast<size_t>(std::min(kOutputBatchRows, n - start)));
    ARK_ASSIGN_OR_RETURN(Batch b, GatherBatch(batch, part, schema));
    out->push_back(std::move(b));
  }
  return Status::OK();
}

Status EmitBuildRowsWithNullLeft(const Batch& build, std::span<const int64_t> rows,
                                 const Schema& left, const SchemaPtr& schema,
                                 std::vector<Batch>* out) {
  const int64_t n = static_cast<int64_t>(rows.size());
  for (int64_t start = 0; start < n; start += kOutputBatchRows) {
    const int64_t m = std::min(kOutputBatchRows, n - start);
    auto part = rows.subspan(static_cast<size_t>(start), static_cast<size_t>(m));
    std::vector<ColumnPtr> cols;
    for (const auto& f : left.fields()) cols.push_back(Column::MakeNull(f.type, m));
    for (const auto& c : build.columns()) {
      ARK_ASSIGN_OR_RETURN(ColumnPtr g, GatherColumn(*c, part));
      cols.push_back(std::move(g));
    }
    out->push_back(Batch(schema, std::move(cols), m));
  }
  return Status::OK();
}

}  // namespace ark::sql
