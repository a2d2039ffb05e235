#include "core/types.h"

#include <cassert>

#include <fmt/format.h>

#include "base/status.h"

namespace ark {

DataType::DataType(TypeId id) : id_(id) {
  ARK_CHECK(id != TypeId::kList && id != TypeId::kStruct,
            "use DataType::List or DataType::Struct for nested types");
}

DataType DataType::List(DataType element, bool element_nullable) {
  DataType t;
  t.id_ = TypeId::kList;
  t.children_ = std::make_shared<const std::vector<Field>>(
      std::vector<Field>{Field("item", std::move(element), element_nullable)});
  return t;
}

DataType DataType::Struct(std::vector<Field> fields) {
  DataType t;
  t.id_ = TypeId::kStruct;
  t.children_ = std::make_shared<const std::vector<Field>>(std::move(fields));
  return t;
}

const DataType& DataType::element() const { return element_field().type; }

const Field& DataType::element_field() const {
  ARK_CHECK(id_ == TypeId::kList && children_ && children_->size() == 1,
            "element() on a non-list type");
  return (*children_)[0];
}

const std::vector<Field>& DataType::fields() const {
  static const std::vector<Field> kEmpty;
  return children_ ? *children_ : kEmpty;
}

int DataType::byte_width() const {
  switch (id_) {
    case TypeId::kInt32:
    case TypeId::kFloat32:
    case TypeId::kDate:
      return 4;
    case TypeId::kInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
      return 8;
    case TypeId::kInterval:
      return 16;
    default:
      return 0;
  }
}

std::string_view TypeIdName(TypeId id) {
  switch (id) {
    case TypeId::kNull:
      return "null";
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt32:
      return "int32";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kFloat32:
      return "float32";
    case TypeId::kFloat64:
      return "float64";
    case TypeId::kString:
      return "string";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kDate:
      return "date";
    case TypeId::kInterval:
      return "interval";
    case TypeId::kList:
      return "list";
    case TypeId::kStruct:
      return "struct";
  }
  return "unknown";
}

std::string DataType::ToString() const {
  if (id_ == TypeId::kList) return fmt::format("list<{}>", element().ToString());
  if (id_ == TypeId::kStruct) {
    std::string out = "struct<";
    for (size_t i = 0; i < fields().size(); ++i) {
      if (i) out += ", ";
      out += fields()[i].name + ": " + fields()[i].type.ToString();
    }
    return out + ">";
  }
  return std::string(TypeIdName(id_));
}

bool operator==(const DataType& a, const DataType& b) {
  if (a.id_ != b.id_) return false;
  if (!a.is_nested()) return true;
  if (a.children_ == b.children_) return true;
  return a.fields() == b.fields();
}

std::string Field::ToString() const {
  return fmt::format("{}: {}{}", name, type.ToString(), nullable ? "" : " not null");
}

}  // namespace ark
