// Helpers shared by the inputs: turning decoder results and record errors into InputBatches.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "codec/codec.h"
#include "core/batch.h"
#include "runtime/input.h"
#include "runtime/registry.h"

namespace ark {

// Most payload bytes one raw batch holds (its offsets are int32; this keeps batches far from
// that limit and memory per batch bounded). A batch ends at batch_size rows or at this size.
inline constexpr size_t kMaxRawBatchBytes = size_t{64} << 20;

// The `__error_component` of an input's error batches: `input "file"`.
std::string InputErrorComponent(const ComponentContext& ctx, std::string_view type);

// An error batch (codec.h MakeErrorBatch) for `errors`, with a `__meta_source` column naming
// `source` when given (the file the records came from).
Batch MakeInputErrorBatch(std::span<const RecordError> errors, std::string_view component,
                          std::optional<std::string_view> source = std::nullopt);

// Appends `batch` cut into slices of at most `batch_size` rows (zero-copy) to `out`; `errors`, if
// any, ride with the first slice (or alone, with an empty batch, when there are no rows).
void AppendSliced(const Batch& batch, int64_t batch_size, std::optional<Batch> errors,
                  std::deque<InputBatch>* out);

}  // namespace ark
