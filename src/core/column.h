// Column: one immutable column of values in the Apache Arrow layout (see types.h for the buffers
// of each type), possibly a zero-copy slice of a larger column.
//
// A column is `length` values starting at logical index `offset` of its buffers. Slicing only
// changes (offset, length). Children of a struct column are aligned with the parent (Arrow
// semantics: child value i belongs to parent row i, both offset by the parent's offset); the child
// of a list column is indexed through the list offsets and is not sliced.
//
//   ColumnPtr c = ...;
//   if (c->IsValid(i)) sum += c->data<int64_t>()[i];
//   std::string_view s = c->GetView(i);    // string or binary
//
// Thread-safety: immutable; share freely through ColumnPtr.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/bit_util.h"
#include "core/buffer.h"
#include "core/types.h"

namespace ark {

class Column;
using ColumnPtr = std::shared_ptr<const Column>;

class Column {
 public:
  // `buffers` follows the Arrow layout of `type`; buffers[0] is the validity bitmap and may be null
  // when there are no nulls. `null_count` < 0 means "count it now".
  Column(DataType type, int64_t length, std::vector<BufferPtr> buffers,
         std::vector<ColumnPtr> children = {}, int64_t null_count = -1, int64_t offset = 0);

  static ColumnPtr Make(DataType type, int64_t length, std::vector<BufferPtr> buffers,
                        std::vector<ColumnPtr> children = {}, int64_t null_count = -1,
                        int64_t offset = 0) {
    return std::make_shared<const Column>(std::move(type), length, std::move(buffers),
                                          std::move(children), null_count, offset);
  }
  // A column of `length` nulls of `type`.
  static ColumnPtr MakeNull(const DataType& type, int64_t length);

  const DataType& type() const { return type_; }
  TypeId type_id() const { return type_.id(); }
  int64_t length() const { return length_; }
  int64_t offset() const { return offset_; }
  int64_t null_count() const { return null_count_; }
  bool has_nulls() const { return null_count_ > 0; }

  const std::vector<BufferPtr>& buffers() const { return buffers_; }
  const BufferPtr& buffer(int i) const { return buffers_[i]; }
  const BufferPtr& validity() const { return buffers_[0]; }
  const std::vector<ColumnPtr>& children() const { return children_; }

  bool IsValid(int64_t i) const {
    if (type_.id() == TypeId::kNull) return false;
    const auto& v = buffers_[0];
    return v == nullptr || bit_util::GetBit(v->data(), offset_ + i);
  }
  bool IsNull(int64_t i) const { return !IsValid(i); }

  // Fixed-width values, already advanced by offset(). REQUIRES: byte_width() == sizeof(T).
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(buffers_[1]->data()) + offset_;
  }
  // REQUIRES: type bool.
  bool GetBool(int64_t i) const { return bit_util::GetBit(buffers_[1]->data(), offset_ + i); }

  // Offsets of string/binary/list values, already advanced by offset(); length()+1 entries.
  const int32_t* offsets() const {
    return reinterpret_cast<const int32_t*>(buffers_[1]->data()) + offset_;
  }
  // String/binary value bytes. REQUIRES: type string or binary.
  const char* string_data() const {
    return buffers_[2] ? reinterpret_cast<const char*>(buffers_[2]->data()) : "";
  }
  std::string_view GetView(int64_t i) const {
    const int32_t* o = offsets();
    return {string_data() + o[i], static_cast<size_t>(o[i + 1] - o[i])};
  }

  // REQUIRES: type list. The element column (unsliced) and the range of list i inside it.
  const ColumnPtr& list_values() const { return children_[0]; }
  int64_t list_start(int64_t i) const { return offsets()[i]; }
  int64_t list_length(int64_t i) const { return offsets()[i + 1] - offsets()[i]; }

  // REQUIRES: type struct. Field `i` as a column aligned with this one (sliced to match).
  ColumnPtr struct_field(int i) const;

  // A zero-copy view of rows [offset, offset + length). REQUIRES: in range.
  ColumnPtr Slice(int64_t offset, int64_t length) const;

  // Value i for people: "42", "\"abc\"" is shown as abc, lists as [1, 2], structs as {a: 1}.
  std::string ValueToString(int64_t i) const;

  // Bytes held by the buffers this column references (shared buffers are counted whole).
  size_t ByteSize() const;

  // Checks the layout against the type (buffer count, sizes, offsets monotonic and in range).
  // Used on data imported from outside (IPC, C Data Interface).
  bool Validate(std::string* error) const;

 private:
  DataType type_;
  int64_t length_;
  int64_t offset_;
  int64_t null_count_;
  std::vector<BufferPtr> buffers_;
  std::vector<ColumnPtr> children_;
};

// Number of buffers (validity included) Arrow expects for a type.
int ExpectedBufferCount(TypeId id);

// True when both columns have the same type and equal values (null positions included).
bool ColumnsEqual(const Column& a, const Column& b);

}  // namespace ark
