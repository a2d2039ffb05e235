#include "connectors/common/input_util.h"

#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {

std::string InputErrorComponent(const ComponentContext& ctx, std::string_view type) {
  // The runtime's spelling: "<label> <type>", as in "processor[0] json_to_arrow".
  return fmt::format("{} {}", ctx.label.empty() ? "input" : ctx.label, type);
}

Batch MakeInputErrorBatch(std::span<const RecordError> errors, std::string_view component,
                          std::optional<std::string_view> source) {
  Batch batch = MakeErrorBatch(errors, component);
  if (!source) return batch;
  StringBuilder sources;
  sources.Reserve(batch.num_rows());
  for (int64_t i = 0; i < batch.num_rows(); ++i) sources.Append(*source);
  auto with_source =
      batch.SetColumn(Field(std::string(kMetaSource), DataType::String()), sources.Finish());
  return with_source.ok() ? std::move(with_source).value() : batch;
}

void AppendSliced(const Batch& batch, int64_t batch_size, std::optional<Batch> errors,
                  std::deque<InputBatch>* out) {
  int64_t rows = batch.num_rows();
  if (rows == 0) {
    if (errors) out->push_back(InputBatch{Batch(), AckToken(), std::move(errors)});
    return;
  }
  for (int64_t start = 0; start < rows; start += batch_size) {
    int64_t n = std::min(batch_size, rows - start);
    InputBatch ib{n == rows ? batch : batch.Slice(start, n), AckToken(), std::nullopt};
    if (start == 0) ib.errors = std::move(errors);
    out->push_back(std::move(ib));
  }
}

}  // namespace ark
