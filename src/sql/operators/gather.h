// Gather kernels: build a column from rows picked out of one or several source columns (the
// "take" of joins, sort and top-N). Core's TakeColumn appends row by row through a virtual builder
// call; these kernels loop over the raw buffers with one type switch per column, which is what the
// join and sort hot paths need. Fixed-width, bool, string/binary and null columns have direct
// kernels; lists and structs go through the builders.
//
//   // Probe rows [0, 2, 2] and build rows [5, -1, 7] (-1: no match, NULL on that side).
//   ARK_ASSIGN_OR_RETURN(ColumnPtr l, GatherColumn(*probe.column(0), probe_rows));
//   ARK_ASSIGN_OR_RETURN(ColumnPtr r, GatherColumn(*build.column(0), build_rows));
//
// Thread-safety: pure functions over immutable columns.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "core/column.h"

namespace ark::sql {

// The most rows an operator puts in one output batch.
inline constexpr int64_t kOutputBatchRows = 64 * 1024;

// A row of one of several chunks (the batches an operator buffered).
struct ChunkRow {
  uint32_t chunk = 0;
  uint32_t row = 0;
};

// Rows of `column` at `indices`, in that order; a negative index gives NULL. OutOfRange when the
// string bytes of the result exceed what int32 offsets can address.
// REQUIRES: every non-negative index < column.length().
Result<ColumnPtr> GatherColumn(const Column& column, std::span<const int64_t> indices);

// Rows `rows` (chunk, row) out of `chunks`, all columns of one type, in that order.
// REQUIRES: chunks non-empty, every reference in range.
Result<ColumnPtr> GatherChunks(std::span<const ColumnPtr> chunks, std::span<const ChunkRow> rows);

// GatherColumn over every column of `batch`; the result has `schema` (the batch's when null).
Result<Batch> GatherBatch(const Batch& batch, std::span<const int64_t> indices,
                          SchemaPtr schema = nullptr);

// GatherChunks for column `i` of every batch in `chunks`, for every column: one batch of `schema`.
// REQUIRES: chunks non-empty, all with `schema`'s column types.
Result<Batch> GatherBatchChunks(std::span<const Batch> chunks, std::span<const ChunkRow> rows,
                                SchemaPtr schema);
// The same, reading only the chunks `rows` refer to: the others may be freed (empty batches
// without columns, as streaming state leaves them), and there may be many of them.
Result<Batch> GatherUsedChunks(std::span<const Batch> chunks, std::span<const ChunkRow> rows,
                               SchemaPtr schema);

}  // namespace ark::sql
