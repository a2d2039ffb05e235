// Batch: a columnar record batch — a schema plus equal-length columns (DESIGN §2).
//
// A Batch is a cheap value: copying it copies a schema pointer and a vector of column pointers,
// never the data. Slice and Project are zero-copy.
//
//   ARK_ASSIGN_OR_RETURN(Batch b, Batch::Make(schema, {ids, names}));
//   Batch head = b.Slice(0, 10);
//   ARK_ASSIGN_OR_RETURN(Batch p, b.Project({"name"}));
//
// Thread-safety: immutable; share freely.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/column.h"
#include "core/schema.h"

namespace ark {

class Batch {
 public:
  // An empty batch with no columns and no rows.
  Batch();
  // REQUIRES: columns match the schema in count and type, all of length num_rows.
  Batch(SchemaPtr schema, std::vector<ColumnPtr> columns, int64_t num_rows);

  // Validates counts, types and lengths; the row count is taken from the columns.
  static Result<Batch> Make(SchemaPtr schema, std::vector<ColumnPtr> columns);
  // A batch with the given schema and no rows.
  static Batch Empty(SchemaPtr schema);

  const SchemaPtr& schema() const { return schema_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  int64_t num_rows() const { return num_rows_; }
  bool empty() const { return num_rows_ == 0; }

  const ColumnPtr& column(int i) const { return columns_[i]; }
  const std::vector<ColumnPtr>& columns() const { return columns_; }
  // The first column called `name`, or null.
  ColumnPtr ColumnByName(std::string_view name) const;
  // The column called `name` or NotFound with a "did you mean".
  Result<ColumnPtr> GetColumn(std::string_view name) const;

  // Rows [offset, offset + length). REQUIRES: in range.
  Batch Slice(int64_t offset, int64_t length) const;
  // The named columns, in the given order; NotFound for a missing name.
  Result<Batch> Project(std::span<const std::string> names) const;
  Batch Project(std::span<const int> indices) const;
  // This batch with `column` appended (or replacing a column of the same name).
  Result<Batch> SetColumn(const Field& field, ColumnPtr column) const;
  // This batch without the columns whose names satisfy `drop`.
  template <typename Pred>
  Batch DropColumns(Pred drop) const {
    std::vector<int> keep;
    for (int i = 0; i < num_columns(); ++i) {
      if (!drop(schema_->field(i).name)) keep.push_back(i);
    }
    return Project(keep);
  }

  // Bytes referenced by the columns (for queue accounting and metrics).
  size_t ByteSize() const;

  // A table for people and tests: header line, then one line per row, values separated by " | ".
  std::string ToString() const;

  // Same schema and equal values.
  bool Equals(const Batch& other) const;

 private:
  SchemaPtr schema_;
  std::vector<ColumnPtr> columns_;
  int64_t num_rows_ = 0;
};

// Concatenates batches with equal schemas into one (copies the values).
Result<Batch> ConcatBatches(std::span<const Batch> batches);
// Concatenates columns of one type.
Result<ColumnPtr> ConcatColumns(std::span<const ColumnPtr> columns);

// Rows of `column` at `indices` (gather), in that order.
ColumnPtr TakeColumn(const Column& column, std::span<const int64_t> indices);
// Rows of `batch` at `indices`, in that order.
Batch TakeRows(const Batch& batch, std::span<const int64_t> indices);

}  // namespace ark
