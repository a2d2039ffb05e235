#include "core/arrow_c_data.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/arrow_import.h"

namespace ark {

using arrow_detail::FieldPath;
using arrow_detail::ImportType;
using arrow_detail::ValueConversion;

namespace {

// ---------------------------------------------------------------------------------------------
// Export

// Zero bytes standing in for absent buffers of empty arrays (an empty string column may have no
// data buffer; consumers expect a pointer).
alignas(64) const uint8_t kZeros[64] = {};

// Owns everything an exported ArrowSchema points to.
struct ExportedSchema {
  std::string format;
  std::string name;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_ptrs;
};

void ReleaseExportedSchema(ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) return;
  auto* p = static_cast<ExportedSchema*>(schema->private_data);
  // A consumer may have moved a child out (its release is then null); release the rest.
  for (ArrowSchema& child : p->children) {
    if (child.release != nullptr) child.release(&child);
  }
  delete p;
  schema->release = nullptr;
}

void FillSchema(std::string format, const std::string& name, int64_t flags,
                const std::vector<const Field*>& children, ArrowSchema* out);

void FillFieldSchema(const Field& field, ArrowSchema* out) {
  std::vector<const Field*> children;
  if (field.type.id() == TypeId::kList) {
    children.push_back(&field.type.element_field());
  } else if (field.type.id() == TypeId::kStruct) {
    for (const Field& f : field.type.fields()) children.push_back(&f);
  }
  FillSchema(std::string(ArrowFormatOf(field.type.id())), field.name,
             field.nullable ? ARROW_FLAG_NULLABLE : 0, children, out);
}

void FillSchema(std::string format, const std::string& name, int64_t flags,
                const std::vector<const Field*>& children, ArrowSchema* out) {
  auto* p = new ExportedSchema;
  p->format = std::move(format);
  p->name = name;
  p->children.resize(children.size());
  p->child_ptrs.resize(children.size());
  for (size_t i = 0; i < children.size(); ++i) {
    FillFieldSchema(*children[i], &p->children[i]);
    p->child_ptrs[i] = &p->children[i];
  }
  out->format = p->format.c_str();
  out->name = p->name.c_str();
  out->metadata = nullptr;
  out->flags = flags;
  out->n_children = static_cast<int64_t>(children.size());
  out->children = children.empty() ? nullptr : p->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = &ReleaseExportedSchema;
  out->private_data = p;
}

// Owns the references that keep an exported array's buffers alive.
struct ExportedArray {
  ColumnPtr column;  // null for the struct wrapping a batch (its children hold their columns)
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_ptrs;
};

void ReleaseExportedArray(ArrowArray* array) {
  if (array == nullptr || array->release == nullptr) return;
  auto* p = static_cast<ExportedArray*>(array->private_data);
  for (ArrowArray& child : p->children) {
    if (child.release != nullptr) child.release(&child);
  }
  delete p;
  array->release = nullptr;
}

void FillArray(ExportedArray* p, int64_t length, int64_t null_count, int64_t offset,
               ArrowArray* out) {
  p->child_ptrs.resize(p->children.size());
  for (size_t i = 0; i < p->children.size(); ++i) p->child_ptrs[i] = &p->children[i];
  out->length = length;
  out->null_count = null_count;
  out->offset = offset;
  out->n_buffers = static_cast<int64_t>(p->buffers.size());
  out->n_children = static_cast<int64_t>(p->children.size());
  out->buffers = p->buffers.empty() ? nullptr : p->buffers.data();
  out->children = p->children.empty() ? nullptr : p->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = &ReleaseExportedArray;
  out->private_data = p;
}

void FillColumnArray(const ColumnPtr& column, ArrowArray* out) {
  auto* p = new ExportedArray;
  p->column = column;
  const auto& buffers = column->buffers();
  const size_t count = static_cast<size_t>(ExpectedBufferCount(column->type_id()));
  p->buffers.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const BufferPtr& b = i < buffers.size() ? buffers[i] : nullptr;
    // The validity bitmap may be absent (no nulls); other absent buffers are empty ones.
    p->buffers[i] = b ? static_cast<const void*>(b->data()) : (i == 0 ? nullptr : kZeros);
  }
  p->children.resize(column->children().size());
  for (size_t i = 0; i < p->children.size(); ++i) {
    FillColumnArray(column->children()[i], &p->children[i]);
  }
  FillArray(p, column->length(), column->null_count(), column->offset(), out);
}

// ---------------------------------------------------------------------------------------------
// Import: types

std::string ShownPath(std::string_view path) {
  return path.empty() ? std::string("(unnamed)") : std::string(path);
}

std::string_view DescribeUnsupportedFormat(std::string_view f) {
  if (f == "L") return "uint64";
  if (f == "e") return "float16";
  if (f == "U") return "large utf8";
  if (f == "Z") return "large binary";
  if (f == "vu") return "utf8 view";
  if (f == "vz") return "binary view";
  if (f == "+L") return "large list";
  if (f == "+vl") return "list view";
  if (f == "+vL") return "large list view";
  if (f == "+m") return "map";
  if (f == "+r") return "run-end encoded";
  if (f.starts_with("+w:")) return "fixed-size list";
  if (f.starts_with("w:")) return "fixed-size binary";
  if (f.starts_with("d:")) return "decimal";
  if (f.starts_with("+ud:")) return "dense union";
  if (f.starts_with("+us:")) return "sparse union";
  if (f.starts_with("tt")) return "time of day";
  if (f.starts_with("tD")) return "duration";
  if (f.starts_with("ts")) return "timestamp with an unknown unit";
  return "unknown format";
}

constexpr std::string_view kSupportedFormats =
    "n b c C s S i I l f g u z tdD tdm tin tiM tiD tss tsm tsu tsn +l +s";

struct LeafFormat {
  DataType type;
  ValueConversion conversion = ValueConversion::kNone;
};

// The type a leaf (childless) format string imports as; nullopt when unsupported.
std::optional<LeafFormat> ParseLeafFormat(std::string_view f) {
  using VC = ValueConversion;
  if (f == "n") return LeafFormat{DataType::Null()};
  if (f == "b") return LeafFormat{DataType::Bool()};
  if (f == "c") return LeafFormat{DataType::Int32(), VC::kInt8ToInt32};
  if (f == "C") return LeafFormat{DataType::Int32(), VC::kUInt8ToInt32};
  if (f == "s") return LeafFormat{DataType::Int32(), VC::kInt16ToInt32};
  if (f == "S") return LeafFormat{DataType::Int32(), VC::kUInt16ToInt32};
  if (f == "i") return LeafFormat{DataType::Int32()};
  if (f == "I") return LeafFormat{DataType::Int64(), VC::kUInt32ToInt64};
  if (f == "l") return LeafFormat{DataType::Int64()};
  if (f == "f") return LeafFormat{DataType::Float32()};
  if (f == "g") return LeafFormat{DataType::Float64()};
  if (f == "u") return LeafFormat{DataType::String()};
  if (f == "z") return LeafFormat{DataType::Binary()};
  if (f == "tdD") return LeafFormat{DataType::Date()};
  if (f == "tdm") return LeafFormat{DataType::Date(), VC::kMillisToDays};
  if (f == "tin") return LeafFormat{DataType::Interval()};
  if (f == "tiM") return LeafFormat{DataType::Interval(), VC::kMonthsToInterval};
  if (f == "tiD") return LeafFormat{DataType::Interval(), VC::kDayTimeToInterval};
  // "ts<unit>:<timezone>": values are UTC instants whatever the zone says; an empty zone means
  // wall-clock time, which we also read as UTC.
  if (f.size() >= 4 && f.starts_with("ts") && f[3] == ':') {
    switch (f[2]) {
      case 's':
        return LeafFormat{DataType::Timestamp(), VC::kSecondsToMicros};
      case 'm':
        return LeafFormat{DataType::Timestamp(), VC::kMillisToMicros};
      case 'u':
        return LeafFormat{DataType::Timestamp()};
      case 'n':
        return LeafFormat{DataType::Timestamp(), VC::kNanosToMicros};
      default:
        break;
    }
  }
  return std::nullopt;
}

Result<ImportType> ParseArrowSchema(const ArrowSchema& s, std::string_view parent_path) {
  const std::string name = s.name ? s.name : "";
  const std::string path = FieldPath(parent_path, name);
  if (s.release == nullptr) {
    return Status::InvalidArgument("Arrow C data: the ArrowSchema of field \"{}\" was released",
                                   ShownPath(path));
  }
  if (s.format == nullptr) {
    return Status::InvalidArgument("Arrow C data: field \"{}\" has no format string",
                                   ShownPath(path));
  }
  const std::string_view f = s.format;
  const bool nullable = (s.flags & ARROW_FLAG_NULLABLE) != 0;
  if (s.dictionary != nullptr) {
    return Status::Unimplemented(
        "Arrow C data: field \"{}\" is dictionary-encoded (index format \"{}\"); dictionary "
        "arrays are not supported",
        ShownPath(path), f);
  }
  if (s.n_children < 0) {
    return Status::InvalidArgument("Arrow C data: field \"{}\" has {} children", ShownPath(path),
                                   s.n_children);
  }
  auto expect_children = [&](int64_t n) -> Status {
    if (s.n_children != n) {
      return Status::InvalidArgument(
          "Arrow C data: field \"{}\" (format \"{}\") has {} children, expected {}",
          ShownPath(path), f, s.n_children, n);
    }
    for (int64_t i = 0; i < n; ++i) {
      if (s.children == nullptr || s.children[i] == nullptr) {
        return Status::InvalidArgument("Arrow C data: field \"{}\" has a null child schema {}",
                                       ShownPath(path), i);
      }
    }
    return Status::OK();
  };
  if (std::optional<LeafFormat> leaf = ParseLeafFormat(f)) {
    ARK_RETURN_IF_ERROR(expect_children(0));
    ImportType t = arrow_detail::NativeLeaf(name, leaf->type, nullable);
    t.conversion = leaf->conversion;
    return t;
  }
  if (f == "+l") {
    ARK_RETURN_IF_ERROR(expect_children(1));
    ARK_ASSIGN_OR_RETURN(ImportType element, ParseArrowSchema(*s.children[0], path));
    return arrow_detail::ListOf(name, std::move(element), nullable);
  }
  if (f == "+s") {
    ARK_RETURN_IF_ERROR(expect_children(s.n_children));
    std::vector<ImportType> fields;
    fields.reserve(static_cast<size_t>(s.n_children));
    for (int64_t i = 0; i < s.n_children; ++i) {
      ARK_ASSIGN_OR_RETURN(ImportType child, ParseArrowSchema(*s.children[i], path));
      fields.push_back(std::move(child));
    }
    return arrow_detail::StructOf(name, std::move(fields), nullable);
  }
  return Status::Unimplemented(
      "Arrow C data: field \"{}\" has format \"{}\" ({}), which is not supported (supported: {})",
      ShownPath(path), f, DescribeUnsupportedFormat(f), kSupportedFormats);
}

// ---------------------------------------------------------------------------------------------
// Import: arrays

// Holds a moved-in ArrowArray; releasing it when the last buffer wrapping its memory goes away.
struct ImportedArrayOwner {
  ArrowArray array{};
  ImportedArrayOwner() = default;
  ImportedArrayOwner(const ImportedArrayOwner&) = delete;
  ImportedArrayOwner& operator=(const ImportedArrayOwner&) = delete;
  ~ImportedArrayOwner() {
    if (array.release != nullptr) array.release(&array);
  }
};

// Releases a schema on scope exit (the importers consume their schema argument).
class SchemaReleaser {
 public:
  explicit SchemaReleaser(ArrowSchema* schema) : schema_(schema) {}
  ~SchemaReleaser() {
    if (schema_ != nullptr && schema_->release != nullptr) schema_->release(schema_);
  }
  SchemaReleaser(const SchemaReleaser&) = delete;
  SchemaReleaser& operator=(const SchemaReleaser&) = delete;

 private:
  ArrowSchema* schema_;
};

Result<std::shared_ptr<ImportedArrayOwner>> TakeArray(ArrowArray* array) {
  if (array == nullptr) return Status::InvalidArgument("Arrow C data: null ArrowArray");
  if (array->release == nullptr) {
    return Status::InvalidArgument("Arrow C data: the ArrowArray was already released");
  }
  auto owner = std::make_shared<ImportedArrayOwner>();
  owner->array = *array;
  array->release = nullptr;  // moved: the producer's struct is now marked released
  return owner;
}

class ArrayImporter {
 public:
  explicit ArrayImporter(std::shared_ptr<const void> owner) : owner_(std::move(owner)) {}

  Result<ColumnPtr> Import(const ImportType& t, const ArrowArray& a, const std::string& path) {
    Result<ColumnPtr> r = ImportNode(t, a, path);
    if (!r.ok())
      return r.status().WithContext(fmt::format("Arrow C data: field \"{}\"", ShownPath(path)));
    return r;
  }

 private:
  Result<ColumnPtr> ImportNode(const ImportType& t, const ArrowArray& a, const std::string& path) {
    const TypeId id = t.field.type.id();
    if (a.length < 0 || a.offset < 0) {
      return Status::InvalidArgument("negative length ({}) or offset ({})", a.length, a.offset);
    }
    const int64_t want_buffers = arrow_detail::ArrowBufferCount(t);
    if (a.n_buffers != want_buffers) {
      return Status::InvalidArgument("format of type {} needs {} buffers, the array has {}",
                                     t.field.type.ToString(), want_buffers, a.n_buffers);
    }
    if (a.n_children != static_cast<int64_t>(t.children.size())) {
      return Status::InvalidArgument("type {} needs {} children, the array has {}",
                                     t.field.type.ToString(), t.children.size(), a.n_children);
    }
    if (a.n_buffers > 0 && a.buffers == nullptr) {
      return Status::InvalidArgument("the buffers pointer is null");
    }
    if (a.dictionary != nullptr) {
      return Status::Unimplemented("dictionary arrays are not supported");
    }
    const int64_t end = a.offset + a.length;
    std::vector<BufferPtr> buffers(static_cast<size_t>(want_buffers));
    int64_t null_count = a.null_count;
    if (id != TypeId::kNull) {
      if (a.buffers[0] != nullptr) {
        buffers[0] = Wrap(a.buffers[0], bit_util::BytesForBits(end));
      } else if (a.null_count > 0) {
        return Status::InvalidArgument("null count is {} but there is no validity bitmap",
                                       a.null_count);
      } else {
        null_count = 0;
      }
    }
    std::vector<ColumnPtr> children;
    switch (id) {
      case TypeId::kNull:
      case TypeId::kStruct:
        break;
      case TypeId::kBool: {
        ARK_ASSIGN_OR_RETURN(buffers[1],
                             Required(a.buffers[1], bit_util::BytesForBits(end), "values"));
        break;
      }
      case TypeId::kString:
      case TypeId::kBinary:
      case TypeId::kList: {
        if (a.buffers[1] == nullptr && a.length == 0) {
          buffers[1] = arrow_detail::EmptyBuffer();
          if (id != TypeId::kList) buffers[2] = arrow_detail::EmptyBuffer();
          break;
        }
        ARK_ASSIGN_OR_RETURN(buffers[1], Required(a.buffers[1], (end + 1) * 4, "offsets"));
        if (id != TypeId::kList) {
          int32_t data_end = reinterpret_cast<const int32_t*>(buffers[1]->data())[end];
          if (data_end < 0) return Status::InvalidArgument("negative offset {}", data_end);
          ARK_ASSIGN_OR_RETURN(buffers[2], Required(a.buffers[2], data_end, "data"));
        }
        break;
      }
      default: {
        const int width = t.conversion != ValueConversion::kNone
                              ? arrow_detail::SourceByteWidth(t.conversion)
                              : t.field.type.byte_width();
        ARK_ASSIGN_OR_RETURN(buffers[1], Required(a.buffers[1], end * width, "values"));
      }
    }
    for (size_t i = 0; i < t.children.size(); ++i) {
      const ArrowArray* child = a.children ? a.children[i] : nullptr;
      const std::string child_path = FieldPath(path, t.children[i].field.name);
      if (child == nullptr) return Status::InvalidArgument("child array {} is null", i);
      if (child->release == nullptr) {
        return Status::InvalidArgument("child array {} was released", i);
      }
      Result<ColumnPtr> c = ImportNode(t.children[i], *child, child_path);
      if (!c.ok()) {
        return c.status().WithContext(fmt::format("child \"{}\"", ShownPath(child_path)));
      }
      children.push_back(std::move(c).value());
    }
    return arrow_detail::MakeImportedColumn(t, a.length, null_count, a.offset, std::move(buffers),
                                            std::move(children));
  }

  BufferPtr Wrap(const void* p, int64_t size) {
    return Buffer::Wrap(static_cast<const uint8_t*>(p), static_cast<size_t>(size), owner_);
  }

  Result<BufferPtr> Required(const void* p, int64_t size, const char* what) {
    if (p != nullptr) return Wrap(p, size);
    if (size == 0) return arrow_detail::EmptyBuffer();
    return Status::InvalidArgument("the {} buffer is null but must hold {} bytes", what, size);
  }

  std::shared_ptr<const void> owner_;
};

Result<ColumnPtr> ImportValidated(const ImportType& t, std::shared_ptr<ImportedArrayOwner> owner,
                                  const std::string& path) {
  const ArrowArray& a = owner->array;
  ArrayImporter importer(owner);
  owner.reset();  // from here the buffers own the producer's array
  ARK_ASSIGN_OR_RETURN(ColumnPtr column, importer.Import(t, a, path));
  std::string error;
  if (!column->Validate(&error)) {
    return Status::InvalidArgument("Arrow C data: field \"{}\": {}", ShownPath(path), error);
  }
  return column;
}

}  // namespace

std::string_view ArrowFormatOf(TypeId id) {
  switch (id) {
    case TypeId::kNull:
      return "n";
    case TypeId::kBool:
      return "b";
    case TypeId::kInt32:
      return "i";
    case TypeId::kInt64:
      return "l";
    case TypeId::kFloat32:
      return "f";
    case TypeId::kFloat64:
      return "g";
    case TypeId::kString:
      return "u";
    case TypeId::kBinary:
      return "z";
    case TypeId::kTimestamp:
      return "tsu:UTC";
    case TypeId::kDate:
      return "tdD";
    case TypeId::kInterval:
      return "tin";
    case TypeId::kList:
      return "+l";
    case TypeId::kStruct:
      return "+s";
  }
  return "";
}

Status ExportField(const Field& field, ArrowSchema* out) {
  if (out == nullptr) return Status::InvalidArgument("ExportField: null ArrowSchema");
  FillFieldSchema(field, out);
  return Status::OK();
}

Status ExportSchema(const Schema& schema, ArrowSchema* out) {
  if (out == nullptr) return Status::InvalidArgument("ExportSchema: null ArrowSchema");
  std::vector<const Field*> children;
  children.reserve(static_cast<size_t>(schema.num_fields()));
  for (const Field& f : schema.fields()) children.push_back(&f);
  FillSchema("+s", "", 0, children, out);
  return Status::OK();
}

Status ExportColumn(const ColumnPtr& column, ArrowArray* out) {
  if (out == nullptr || column == nullptr) {
    return Status::InvalidArgument("ExportColumn: null column or ArrowArray");
  }
  FillColumnArray(column, out);
  return Status::OK();
}

Status ExportColumn(const Field& field, const ColumnPtr& column, ArrowSchema* out_schema,
                    ArrowArray* out_array) {
  if (column == nullptr || column->type() != field.type) {
    return Status::TypeError("ExportColumn: field \"{}\" is {} but the column is {}", field.name,
                             field.type.ToString(),
                             column ? column->type().ToString() : std::string("missing"));
  }
  ARK_RETURN_IF_ERROR(ExportField(field, out_schema));
  Status st = ExportColumn(column, out_array);
  if (!st.ok()) out_schema->release(out_schema);
  return st;
}

Status ExportBatch(const Batch& batch, ArrowSchema* out_schema, ArrowArray* out_array) {
  if (out_schema != nullptr) ARK_RETURN_IF_ERROR(ExportSchema(*batch.schema(), out_schema));
  if (out_array != nullptr) {
    auto* p = new ExportedArray;
    p->buffers.push_back(nullptr);  // the struct itself has no nulls
    p->children.resize(static_cast<size_t>(batch.num_columns()));
    for (int i = 0; i < batch.num_columns(); ++i) {
      FillColumnArray(batch.column(i), &p->children[static_cast<size_t>(i)]);
    }
    FillArray(p, batch.num_rows(), 0, 0, out_array);
  }
  return Status::OK();
}

Result<Field> ArrowSchemaToField(const ArrowSchema& schema) {
  ARK_ASSIGN_OR_RETURN(ImportType t, ParseArrowSchema(schema, ""));
  return t.field;
}

Result<SchemaPtr> ArrowSchemaToSchema(const ArrowSchema& schema) {
  ARK_ASSIGN_OR_RETURN(ImportType t, ParseArrowSchema(schema, ""));
  if (t.field.type.id() != TypeId::kStruct) {
    return Status::InvalidArgument(
        "Arrow C data: a record batch must be a struct array (format \"+s\"), got format \"{}\"",
        schema.format);
  }
  return Schema::Make(t.field.type.fields());
}

Result<ImportedColumn> ImportColumn(ArrowSchema* schema, ArrowArray* array) {
  SchemaReleaser release_schema(schema);
  ARK_ASSIGN_OR_RETURN(auto owner, TakeArray(array));
  if (schema == nullptr) return Status::InvalidArgument("Arrow C data: null ArrowSchema");
  ARK_ASSIGN_OR_RETURN(ImportType t, ParseArrowSchema(*schema, ""));
  ARK_ASSIGN_OR_RETURN(ColumnPtr column, ImportValidated(t, std::move(owner), t.field.name));
  return ImportedColumn{t.field, std::move(column)};
}

Result<Batch> ImportBatch(ArrowSchema* schema, ArrowArray* array) {
  SchemaReleaser release_schema(schema);
  if (schema == nullptr) {
    ARK_ASSIGN_OR_RETURN(auto owner, TakeArray(array));  // released on return
    return Status::InvalidArgument("Arrow C data: null ArrowSchema");
  }
  return ImportBatch(*schema, array);
}

Result<Batch> ImportBatch(const ArrowSchema& schema, ArrowArray* array) {
  ARK_ASSIGN_OR_RETURN(auto owner, TakeArray(array));
  ARK_ASSIGN_OR_RETURN(ImportType t, ParseArrowSchema(schema, ""));
  if (t.field.type.id() != TypeId::kStruct) {
    return Status::InvalidArgument(
        "Arrow C data: a record batch must be a struct array (format \"+s\"), got format \"{}\"",
        schema.format);
  }
  ARK_ASSIGN_OR_RETURN(ColumnPtr st, ImportValidated(t, std::move(owner), ""));
  if (st->null_count() != 0) {
    return Status::InvalidArgument(
        "Arrow C data: the struct array of a record batch has {} null rows; a batch row cannot be "
        "null",
        st->null_count());
  }
  std::vector<ColumnPtr> columns;
  columns.reserve(st->children().size());
  for (int i = 0; i < static_cast<int>(st->children().size()); ++i) {
    columns.push_back(st->struct_field(i));
  }
  return Batch(Schema::Make(t.field.type.fields()), std::move(columns), st->length());
}

}  // namespace ark
