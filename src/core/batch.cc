#include "core/batch.h"

#include <fmt/format.h>

#include "core/column_builder.h"

namespace ark {

Batch::Batch() : schema_(std::make_shared<const Schema>()) {}

Batch::Batch(SchemaPtr schema, std::vector<ColumnPtr> columns, int64_t num_rows)
    : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {
  ARK_CHECK(schema_ != nullptr, "batch without schema");
  ARK_CHECK(static_cast<int>(columns_.size()) == schema_->num_fields(),
            "column count does not match schema");
}

Result<Batch> Batch::Make(SchemaPtr schema, std::vector<ColumnPtr> columns) {
  if (schema == nullptr) return Status::InvalidArgument("batch needs a schema");
  if (static_cast<int>(columns.size()) != schema->num_fields()) {
    return Status::InvalidArgument("batch has {} columns but its schema has {} fields",
                                   columns.size(), schema->num_fields());
  }
  int64_t rows = columns.empty() ? 0 : columns[0]->length();
  for (size_t i = 0; i < columns.size(); ++i) {
    const Field& f = schema->field(static_cast<int>(i));
    if (columns[i] == nullptr) return Status::InvalidArgument("column \"{}\" is missing", f.name);
    if (columns[i]->type() != f.type) {
      return Status::TypeError("column \"{}\" has type {} but the schema says {}", f.name,
                               columns[i]->type().ToString(), f.type.ToString());
    }
    if (columns[i]->length() != rows) {
      return Status::InvalidArgument("column \"{}\" has {} rows, expected {}", f.name,
                                     columns[i]->length(), rows);
    }
  }
  return Batch(std::move(schema), std::move(columns), rows);
}

Batch Batch::Empty(SchemaPtr schema) {
  std::vector<ColumnPtr> cols;
  for (const auto& f : schema->fields()) {
    auto b = MakeBuilder(f.type);
    cols.push_back(b->Finish());
  }
  return Batch(std::move(schema), std::move(cols), 0);
}

ColumnPtr Batch::ColumnByName(std::string_view name) const {
  int i = schema_->IndexOf(name);
  return i < 0 ? nullptr : columns_[i];
}

Result<ColumnPtr> Batch::GetColumn(std::string_view name) const {
  ARK_ASSIGN_OR_RETURN(int i, schema_->FindField(name));
  return columns_[i];
}

Batch Batch::Slice(int64_t offset, int64_t length) const {
  ARK_CHECK(offset >= 0 && length >= 0 && offset + length <= num_rows_, "batch slice out of range");
  if (offset == 0 && length == num_rows_) return *this;
  std::vector<ColumnPtr> cols;
  cols.reserve(columns_.size());
  for (const auto& c : columns_) cols.push_back(c->Slice(offset, length));
  return Batch(schema_, std::move(cols), length);
}

Result<Batch> Batch::Project(std::span<const std::string> names) const {
  std::vector<int> idx;
  idx.reserve(names.size());
  for (const auto& n : names) {
    ARK_ASSIGN_OR_RETURN(int i, schema_->FindField(n));
    idx.push_back(i);
  }
  return Project(std::span<const int>(idx));
}

Batch Batch::Project(std::span<const int> indices) const {
  std::vector<Field> fields;
  std::vector<ColumnPtr> cols;
  for (int i : indices) {
    fields.push_back(schema_->field(i));
    cols.push_back(columns_[i]);
  }
  return Batch(Schema::Make(std::move(fields)), std::move(cols), num_rows_);
}

Result<Batch> Batch::SetColumn(const Field& field, ColumnPtr column) const {
  if (column->type() != field.type) {
    return Status::TypeError("column \"{}\" has type {} but the field says {}", field.name,
                             column->type().ToString(), field.type.ToString());
  }
  if (!columns_.empty() && column->length() != num_rows_) {
    return Status::InvalidArgument("column \"{}\" has {} rows, the batch has {}", field.name,
                                   column->length(), num_rows_);
  }
  std::vector<Field> fields = schema_->fields();
  std::vector<ColumnPtr> cols = columns_;
  int i = schema_->IndexOf(field.name);
  if (i >= 0) {
    fields[i] = field;
    cols[i] = std::move(column);
  } else {
    fields.push_back(field);
    cols.push_back(std::move(column));
  }
  int64_t rows = cols.front()->length();
  return Batch(Schema::Make(std::move(fields)), std::move(cols), rows);
}

size_t Batch::ByteSize() const {
  size_t n = 0;
  for (const auto& c : columns_) n += c->ByteSize();
  return n;
}

std::string Batch::ToString() const {
  std::string out;
  for (int i = 0; i < num_columns(); ++i) {
    if (i) out += " | ";
    out += schema_->field(i).name;
  }
  out += "\n";
  for (int64_t r = 0; r < num_rows_; ++r) {
    for (int i = 0; i < num_columns(); ++i) {
      if (i) out += " | ";
      out += columns_[i]->ValueToString(r);
    }
    out += "\n";
  }
  return out;
}

bool Batch::Equals(const Batch& other) const {
  if (!schema_->Equals(*other.schema_) || num_rows_ != other.num_rows_) return false;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!ColumnsEqual(*columns_[i], *other.columns_[i])) return false;
  }
  return true;
}

Result<ColumnPtr> ConcatColumns(std::span<const ColumnPtr> columns) {
  if (columns.empty()) return Status::InvalidArgument("nothing to concatenate");
  if (columns.size() == 1) return columns[0];
  const DataType& type = columns[0]->type();
  int64_t total = 0;
  for (const auto& c : columns) {
    if (c->type() != type) {
      return Status::TypeError("cannot concatenate {} with {}", type.ToString(),
                               c->type().ToString());
    }
    total += c->length();
  }
  auto builder = MakeBuilder(type);
  builder->Reserve(total);
  for (const auto& c : columns) builder->AppendRange(*c, 0, c->length());
  return builder->Finish();
}

Result<Batch> ConcatBatches(std::span<const Batch> batches) {
  if (batches.empty()) return Status::InvalidArgument("nothing to concatenate");
  if (batches.size() == 1) return batches[0];
  const SchemaPtr& schema = batches[0].schema();
  int64_t rows = 0;
  for (const auto& b : batches) {
    if (b.schema() != schema && !b.schema()->Equals(*schema)) {
      return Status::TypeError("cannot concatenate batches with different schemas: ({}) and ({})",
                               schema->ToString(), b.schema()->ToString());
    }
    rows += b.num_rows();
  }
  std::vector<ColumnPtr> cols;
  std::vector<ColumnPtr> parts(batches.size());
  for (int i = 0; i < schema->num_fields(); ++i) {
    for (size_t k = 0; k < batches.size(); ++k) parts[k] = batches[k].column(i);
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, ConcatColumns(parts));
    cols.push_back(std::move(c));
  }
  return Batch(schema, std::move(cols), rows);
}

ColumnPtr TakeColumn(const Column& column, std::span<const int64_t> indices) {
  auto builder = MakeBuilder(column.type());
  builder->Reserve(static_cast<int64_t>(indices.size()));
  for (int64_t i : indices) builder->AppendFrom(column, i);
  return builder->Finish();
}

Batch TakeRows(const Batch& batch, std::span<const int64_t> indices) {
  std::vector<ColumnPtr> cols;
  cols.reserve(static_cast<size_t>(batch.num_columns()));
  for (const auto& c : batch.columns()) cols.push_back(TakeColumn(*c, indices));
  return Batch(batch.schema(), std::move(cols), static_cast<int64_t>(indices.size()));
}

}  // namespace ark
