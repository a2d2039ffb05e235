#include "runtime/error_rows.h"

#include <fmt/format.h>

#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {
namespace {

ColumnPtr RepeatString(std::string_view value, int64_t rows) {
  StringBuilder b;
  b.Reserve(rows);
  b.ReserveData(value.size() * static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i) b.UnsafeAppend(value);
  return b.Finish();
}

}  // namespace

Batch AttachError(const Batch& batch, std::string_view message, std::string_view component) {
  int64_t rows = batch.num_rows();
  Batch out = batch;
  // SetColumn only fails on a length mismatch, which cannot happen for columns of `rows` rows.
  Result<Batch> with_error = out.SetColumn(Field(std::string(kErrorColumn), DataType::String()),
                                           RepeatString(message, rows));
  if (with_error.ok()) out = std::move(with_error).value();
  Result<Batch> with_component = out.SetColumn(
      Field(std::string(kErrorComponentColumn), DataType::String()), RepeatString(component, rows));
  if (with_component.ok()) out = std::move(with_component).value();
  return out;
}

Batch EnsureErrorComponent(const Batch& batch, std::string_view component) {
  if (batch.ColumnByName(kErrorComponentColumn) != nullptr) return batch;
  Result<Batch> out = batch.SetColumn(Field(std::string(kErrorComponentColumn), DataType::String()),
                                      RepeatString(component, batch.num_rows()));
  return out.ok() ? std::move(out).value() : batch;
}

std::string DescribeErrorRows(const Batch& batch) {
  if (batch.num_rows() == 0) return "(no rows)";
  auto text = [&](std::string_view name) -> std::string {
    ColumnPtr c = batch.ColumnByName(name);
    if (c == nullptr || c->IsNull(0) ||
        (c->type_id() != TypeId::kString && c->type_id() != TypeId::kBinary)) {
      return "?";
    }
    return std::string(c->GetView(0));
  };
  return fmt::format("{}: {}", text(kErrorComponentColumn), text(kErrorColumn));
}

}  // namespace ark
