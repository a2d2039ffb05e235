// Logical types of the engine (DESIGN §2) and Field, a named and typed column slot.
//
// Every type maps onto an Apache Arrow physical layout:
//   null       no buffers
//   bool       validity, bit-packed values (LSB first)
//   int32/int64/float32/float64, date (int32 days), timestamp (int64 µs UTC),
//   interval   (Arrow MONTH_DAY_NANO: int32 months, int32 days, int64 nanoseconds)
//              validity, fixed-width values
//   string/binary  validity, int32 offsets (length+1), data bytes
//   list<T>    validity, int32 offsets, one child column
//   struct     validity, one child column per field
//
// DataType is a cheap value type (nested fields are shared and immutable).
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ark {

enum class TypeId : uint8_t {
  kNull,
  kBool,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kString,
  kBinary,
  kTimestamp,
  kDate,
  kInterval,
  kList,
  kStruct,
};

struct Field;

class DataType {
 public:
  DataType() = default;  // null
  explicit DataType(TypeId id);

  static DataType Null() { return DataType(TypeId::kNull); }
  static DataType Bool() { return DataType(TypeId::kBool); }
  static DataType Int32() { return DataType(TypeId::kInt32); }
  static DataType Int64() { return DataType(TypeId::kInt64); }
  static DataType Float32() { return DataType(TypeId::kFloat32); }
  static DataType Float64() { return DataType(TypeId::kFloat64); }
  static DataType String() { return DataType(TypeId::kString); }
  static DataType Binary() { return DataType(TypeId::kBinary); }
  static DataType Timestamp() { return DataType(TypeId::kTimestamp); }
  static DataType Date() { return DataType(TypeId::kDate); }
  static DataType Interval() { return DataType(TypeId::kInterval); }
  static DataType List(DataType element, bool element_nullable = true);
  static DataType Struct(std::vector<Field> fields);

  TypeId id() const { return id_; }

  // REQUIRES: id() == kList. The element type and its field (named "item").
  const DataType& element() const;
  const Field& element_field() const;
  // REQUIRES: id() == kList or kStruct. Empty for other types.
  const std::vector<Field>& fields() const;

  bool is_numeric() const {
    return id_ == TypeId::kInt32 || id_ == TypeId::kInt64 || id_ == TypeId::kFloat32 ||
           id_ == TypeId::kFloat64;
  }
  bool is_integer() const { return id_ == TypeId::kInt32 || id_ == TypeId::kInt64; }
  bool is_floating() const { return id_ == TypeId::kFloat32 || id_ == TypeId::kFloat64; }
  // string or binary: offsets + data layout.
  bool is_binary_like() const { return id_ == TypeId::kString || id_ == TypeId::kBinary; }
  bool is_nested() const { return id_ == TypeId::kList || id_ == TypeId::kStruct; }

  // Bytes per value of the values buffer for fixed-width types; 0 for bool (bit-packed), null,
  // variable-width and nested types.
  int byte_width() const;

  // "int64", "list<float32>", "struct<a: int64, b: string>"
  std::string ToString() const;

  friend bool operator==(const DataType& a, const DataType& b);
  friend bool operator!=(const DataType& a, const DataType& b) { return !(a == b); }

 private:
  TypeId id_ = TypeId::kNull;
  std::shared_ptr<const std::vector<Field>> children_;
};

// The name of a type id ("int64", "string", ...), as used in messages and config.
std::string_view TypeIdName(TypeId id);

struct Field {
  Field() = default;
  Field(std::string name, DataType type, bool nullable = true)
      : name(std::move(name)), type(std::move(type)), nullable(nullable) {}

  std::string name;
  DataType type;
  bool nullable = true;

  std::string ToString() const;
  friend bool operator==(const Field& a, const Field& b) {
    return a.name == b.name && a.type == b.type && a.nullable == b.nullable;
  }
};

// Arrow MONTH_DAY_NANO interval value.
struct IntervalValue {
  int32_t months = 0;
  int32_t days = 0;
  int64_t nanos = 0;
  friend bool operator==(const IntervalValue&, const IntervalValue&) = default;
};
static_assert(sizeof(IntervalValue) == 16);

}  // namespace ark
