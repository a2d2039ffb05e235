// Pieces shared by the join operators (hash_join, nested_loop_join) and set operations: join type
// names, the combined (left, right) schema, concatenation of buffered batches, and emitting
// selected rows in batches of at most kOutputBatchRows.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "sql/operators/operator.h"

namespace ark::sql {

// "INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI", "CROSS".
const char* JoinTypeName(PhysicalJoinType type);

// Internal error unless `batch` has the column types of `schema` ("<what>: input column 2 is
// string, expected int64").
Status CheckInputColumns(const char* what, const Batch& batch, const Schema& schema);

// The left fields followed by the right fields.
SchemaPtr PairSchema(const Schema& left, const Schema& right);

// The rows of `batches`, in order, as one batch of `schema` (no copy for a single batch; an empty
// batch when there is none). Column types must match the schema's.
Result<Batch> ConcatToSchema(std::span<const Batch> batches, const SchemaPtr& schema);

// The (probe row, build row) pairs as one batch of `schema`: the probe columns gathered at
// `probe_rows`, then — when `schema` has more fields than `probe` has columns — the build columns
// at `build_rows` (-1: NULL). A run of consecutive probe rows is sliced, not copied.
// `build_from_probe` (optional, one entry per build column): where entry j is a probe column index
// p >= 0, output build column j is the output probe column p instead of a gather — for equi-join
// keys whose matched values are identical on both sides. REQUIRES then: no build row is -1.
Result<Batch> GatherJoinPairs(const Batch& probe, std::span<const int64_t> probe_rows,
                              const Batch& build, std::span<const int64_t> build_rows,
                              const SchemaPtr& schema, std::span<const int> build_from_probe = {});

// Appends rows `rows` (ascending) of `batch` to `out` as batches of `schema`, at most
// kOutputBatchRows rows each; when every row is selected the batch's columns are reused.
Status EmitSelectedRows(const Batch& batch, std::span<const int64_t> rows, const SchemaPtr& schema,
                        std::vector<Batch>* out);

// Appends rows `rows` of `build` with NULL in every column of `left` before them (the unmatched
// build rows of RIGHT and FULL joins), as batches of `schema`.
Status EmitBuildRowsWithNullLeft(const Batch& build, std::span<const int64_t> rows,
                                 const Schema& left, const SchemaPtr& schema,
                                 std::vector<Batch>* out);

}  // namespace ark::sql
