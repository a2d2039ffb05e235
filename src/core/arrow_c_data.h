// The Apache Arrow C Data Interface (https://arrow.apache.org/docs/format/CDataInterface.html):
// hands our columns to other Arrow implementations (pyarrow, DuckDB, Arrow C++/Rust/Go) and takes
// theirs, without copying values.
//
// Export: ExportBatch/ExportColumn fill caller-provided ArrowSchema/ArrowArray structs. The array's
// buffers point straight into our Buffers; its release callback drops the shared_ptr references
// that keep them alive, so the consumer may hold the array as long as it likes.
//
//   ArrowSchema schema;
//   ArrowArray array;
//   ARK_RETURN_IF_ERROR(ExportBatch(batch, &schema, &array));
//   consumer(&schema, &array);  // the consumer calls schema.release / array.release when done
//
// Import: ImportBatch/ImportColumn take ownership of a producer's structs (they are "moved": the
// caller's struct is marked released) and wrap its buffers with Buffer::Wrap; the producer's
// release callback runs once, when the last column referencing the data goes away. The schema is
// only read and is released before the call returns. On error both structs are released too, so the
// caller never has to clean up after a call.
//
// Our native types map onto these format strings:
//   n null, b bool, i int32, l int64, f float32, g float64, u utf8 string, z binary,
//   tsu:UTC timestamp, tdD date, tin interval, +l list, +s struct.
// Import also accepts, converting the values (one copy of that buffer):
//   c C s S (int8, uint8, int16, uint16) → int32;  I (uint32) → int64;
//   tss tsm tsn (any timezone) → µs timestamp; tdm (date64) → date; tiM tiD → interval.
// Anything else (dictionary encoding, large and view types, uint64, half floats, decimals, unions,
// maps, fixed-size types, times, durations) is rejected with an error naming the field and format.
//
// Thread-safety: the functions are reentrant. Exported structs may be released from any thread.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "core/batch.h"
#include "core/column.h"
#include "core/types.h"

// The ABI structs, exactly as the specification defines them. The guard lets this header coexist
// with any other copy of the definitions (Arrow C++, nanoarrow, DuckDB).
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

#ifdef __cplusplus
extern "C" {
#endif

struct ArrowSchema {
  // Array type description
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;

  // Release callback
  void (*release)(struct ArrowSchema*);
  // Opaque producer-specific data
  void* private_data;
};

struct ArrowArray {
  // Array data description
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;

  // Release callback
  void (*release)(struct ArrowArray*);
  // Opaque producer-specific data
  void* private_data;
};

#ifdef __cplusplus
}
#endif

#endif  // ARROW_C_DATA_INTERFACE

namespace ark {

// The format string of a native type ("l", "tsu:UTC", "+l", ...).
std::string_view ArrowFormatOf(TypeId id);

// Exports `field` (name, type, nullability) as an ArrowSchema.
Status ExportField(const Field& field, ArrowSchema* out);

// Exports `schema` as a struct ("+s") ArrowSchema with one child per field.
Status ExportSchema(const Schema& schema, ArrowSchema* out);

// Exports `column` as an ArrowArray (zero-copy; offset and null count carried over).
Status ExportColumn(const ColumnPtr& column, ArrowArray* out);

// Exports a field and its column together.
Status ExportColumn(const Field& field, const ColumnPtr& column, ArrowSchema* out_schema,
                    ArrowArray* out_array);

// Exports `batch` as a non-nullable struct array whose children are the columns (the layout every
// Arrow implementation uses for a record batch). Either pointer may be null to export only the
// other half.
Status ExportBatch(const Batch& batch, ArrowSchema* out_schema, ArrowArray* out_array);

// Reads an ArrowSchema into our Field, without taking ownership (the schema is not released).
// Types that need value conversion on import map to their converted type (int8 → int32, ...).
Result<Field> ArrowSchemaToField(const ArrowSchema& schema);

// Reads a struct ArrowSchema (as exported for a record batch) into our Schema; not released.
Result<SchemaPtr> ArrowSchemaToSchema(const ArrowSchema& schema);

// A field and its column, as imported together.
struct ImportedColumn {
  Field field;
  ColumnPtr column;
};

// Imports one array described by `schema`. Takes ownership of both (see the header comment).
Result<ImportedColumn> ImportColumn(ArrowSchema* schema, ArrowArray* array);

// Imports a struct array as a Batch: the struct's children become the columns. A struct-level
// null is not representable in a batch and is rejected. Takes ownership of both.
Result<Batch> ImportBatch(ArrowSchema* schema, ArrowArray* array);

// Like ImportBatch, but only borrows `schema` (e.g. the schema of an ArrowArrayStream that
// describes many arrays). Takes ownership of `array`.
Result<Batch> ImportBatch(const ArrowSchema& schema, ArrowArray* array);

}  // namespace ark
