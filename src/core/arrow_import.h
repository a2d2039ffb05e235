// Internal helpers shared by the two Arrow importers, the C Data Interface (arrow_c_data.cc) and
// the IPC reader (arrow_ipc.cc): which foreign Arrow types we accept, how their values convert to
// our types, and how an imported array becomes a Column. Not for use outside src/core.
//
// Both importers first turn the foreign type description (a format string or a flatbuffer Type)
// into an ImportType tree, then feed the raw Arrow buffers of each array through
// MakeImportedColumn, so that every conversion is written once.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/buffer.h"
#include "core/column.h"
#include "core/types.h"

namespace ark::arrow_detail {

// How a foreign values buffer becomes ours. Every conversion keeps the element index: value i of
// the result is value i of the source.
enum class ValueConversion : uint8_t {
  kNone,
  kInt8ToInt32,
  kUInt8ToInt32,
  kInt16ToInt32,
  kUInt16ToInt32,
  kUInt32ToInt64,
  kSecondsToMicros,    // timestamp[s] → timestamp[µs]
  kMillisToMicros,     // timestamp[ms] → timestamp[µs]
  kNanosToMicros,      // timestamp[ns] → timestamp[µs], rounded towards negative infinity
  kMillisToDays,       // date64 → date32, rounded towards negative infinity
  kMonthsToInterval,   // interval[YEAR_MONTH] (int32 months) → MONTH_DAY_NANO
  kDayTimeToInterval,  // interval[DAY_TIME] (int32 days, int32 ms) → MONTH_DAY_NANO
};

// Bytes per value of the foreign values buffer; 0 for kNone.
int SourceByteWidth(ValueConversion conversion);

// A foreign field as we import it: our field (its type already the converted one) plus the value
// conversion of this node and the import types of its children (list: 1, struct: one per field).
struct ImportType {
  Field field;
  ValueConversion conversion = ValueConversion::kNone;
  std::vector<ImportType> children;
};

// Makes an ImportType for a leaf of one of our native types (no conversion).
ImportType NativeLeaf(std::string name, DataType type, bool nullable);
// Makes a list or struct ImportType over already-made children.
ImportType ListOf(std::string name, ImportType element, bool nullable);
ImportType StructOf(std::string name, std::vector<ImportType> fields, bool nullable);

// Number of buffers Arrow gives an array of this node's foreign type (validity included).
int ArrowBufferCount(const ImportType& type);

// Builds the column of one imported array from its Arrow buffers (validity first; null where the
// array has none) and its already-imported children. Applies the value conversion (checking that
// the source values buffer is long enough for `offset + length` values). Does not validate the
// result; call Column::Validate on the top-level column.
Result<ColumnPtr> MakeImportedColumn(const ImportType& type, int64_t length, int64_t null_count,
                                     int64_t offset, std::vector<BufferPtr> buffers,
                                     std::vector<ColumnPtr> children);

// A zero-length buffer with readable zero padding, for absent buffers of empty arrays.
const BufferPtr& EmptyBuffer();

// "field \"a.b\"" for messages; the top-level struct of a batch has an empty path.
std::string FieldPath(std::string_view parent, std::string_view name);

}  // namespace ark::arrow_detail
