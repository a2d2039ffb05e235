#include "core/column.h"

#include <fmt/format.h>

#include "base/status.h"
#include "base/time.h"

namespace ark {

int ExpectedBufferCount(TypeId id) {
  switch (id) {
    case TypeId::kNull:
      return 0;
    case TypeId::kStruct:
      return 1;
    case TypeId::kString:
    case TypeId::kBinary:
      return 3;
    default:
      return 2;
  }
}

Column::Column(DataType type, int64_t length, std::vector<BufferPtr> buffers,
               std::vector<ColumnPtr> children, int64_t null_count, int64_t offset)
    : type_(std::move(type)),
      length_(length),
      offset_(offset),
      null_count_(null_count),
      buffers_(std::move(buffers)),
      children_(std::move(children)) {
  size_t want = static_cast<size_t>(ExpectedBufferCount(type_.id()));
  if (buffers_.size() < want) buffers_.resize(want);
  if (type_.id() == TypeId::kNull) {
    null_count_ = length_;
  } else if (null_count_ < 0) {
    null_count_ =
        buffers_[0] ? length_ - bit_util::CountSetBits(buffers_[0]->data(), offset_, length_) : 0;
  }
}

ColumnPtr Column::MakeNull(const DataType& type, int64_t length) {
  std::vector<BufferPtr> buffers;
  std::vector<ColumnPtr> children;
  if (type.id() != TypeId::kNull) {
    auto validity = Buffer::AllocateZeroed(static_cast<size_t>(bit_util::BytesForBits(length)));
    buffers.push_back(validity);
    switch (type.id()) {
      case TypeId::kBool:
        buffers.push_back(
            Buffer::AllocateZeroed(static_cast<size_t>(bit_util::BytesForBits(length))));
        break;
      case TypeId::kString:
      case TypeId::kBinary:
        buffers.push_back(Buffer::AllocateZeroed(static_cast<size_t>(length + 1) * 4));
        buffers.push_back(Buffer::AllocateZeroed(0));
        break;
      case TypeId::kList:
        buffers.push_back(Buffer::AllocateZeroed(static_cast<size_t>(length + 1) * 4));
        children.push_back(MakeNull(type.element(), 0));
        break;
      case TypeId::kStruct:
        for (const auto& f : type.fields()) children.push_back(MakeNull(f.type, length));
        break;
      default:
        buffers.push_back(Buffer::AllocateZeroed(static_cast<size_t>(length * type.byte_width())));
    }
  }
  return Make(type, length, std::move(buffers), std::move(children), length, 0);
}

ColumnPtr Column::struct_field(int i) const {
  const ColumnPtr& child = children_[i];
  if (offset_ == 0 && child->length() == length_) return child;
  return child->Slice(offset_, length_);
}

ColumnPtr Column::Slice(int64_t offset, int64_t length) const {
  ARK_CHECK(offset >= 0 && length >= 0 && offset + length <= length_, "slice out of range");
  return std::make_shared<const Column>(type_, length, buffers_, children_,
                                        type_.id() == TypeId::kNull ? length
                                        : null_count_ == 0          ? 0
                                                                    : -1,
                                        offset_ + offset);
}

std::string Column::ValueToString(int64_t i) const {
  if (IsNull(i)) return "NULL";
  switch (type_.id()) {
    case TypeId::kNull:
      return "NULL";
    case TypeId::kBool:
      return GetBool(i) ? "true" : "false";
    case TypeId::kInt32:
      return fmt::format("{}", data<int32_t>()[i]);
    case TypeId::kInt64:
      return fmt::format("{}", data<int64_t>()[i]);
    case TypeId::kFloat32:
      return fmt::format("{}", data<float>()[i]);
    case TypeId::kFloat64:
      return fmt::format("{}", data<double>()[i]);
    case TypeId::kString:
      return std::string(GetView(i));
    case TypeId::kBinary: {
      std::string out;
      for (unsigned char c : GetView(i)) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
          out += static_cast<char>(c);
        } else {
          out += fmt::format("\\x{:02x}", c);
        }
      }
      return out;
    }
    case TypeId::kTimestamp:
      return FormatTimestampMicros(data<int64_t>()[i]);
    case TypeId::kDate:
      return FormatDate(data<int32_t>()[i]);
    case TypeId::kInterval: {
      const IntervalValue& v = data<IntervalValue>()[i];
      return fmt::format("{} months {} days {} ns", v.months, v.days, v.nanos);
    }
    case TypeId::kList: {
      std::string out = "[";
      int64_t start = list_start(i), n = list_length(i);
      for (int64_t k = 0; k < n; ++k) {
        if (k) out += ", ";
        out += list_values()->ValueToString(start + k);
      }
      return out + "]";
    }
    case TypeId::kStruct: {
      std::string out = "{";
      for (size_t f = 0; f < children_.size(); ++f) {
        if (f) out += ", ";
        out += type_.fields()[f].name + ": " + children_[f]->ValueToString(offset_ + i);
      }
      return out + "}";
    }
  }
  return "?";
}

size_t Column::ByteSize() const {
  size_t n = 0;
  for (const auto& b : buffers_) {
    if (b) n += b->size();
  }
  for (const auto& c : children_) n += c->ByteSize();
  return n;
}

bool Column::Validate(std::string* error) const {
  auto fail = [&](std::string msg) {
    *error = fmt::format("{} column of length {}: {}", type_.ToString(), length_, msg);
    return false;
  };
  if (length_ < 0 || offset_ < 0) return fail("negative length or offset");
  // No column holds 2^48 values; the bound keeps the size arithmetic below from overflowing.
  constexpr int64_t kMaxLength = int64_t{1} << 48;
  if (length_ > kMaxLength || offset_ > kMaxLength) return fail("length or offset out of range");
  const TypeId id = type_.id();
  if (buffers_.size() != static_cast<size_t>(ExpectedBufferCount(id))) {
    return fail(
        fmt::format("expected {} buffers, got {}", ExpectedBufferCount(id), buffers_.size()));
  }
  const int64_t end = offset_ + length_;
  if (id != TypeId::kNull && buffers_[0] &&
      static_cast<int64_t>(buffers_[0]->size()) < bit_util::BytesForBits(end)) {
    return fail("validity bitmap too short");
  }
  switch (id) {
    case TypeId::kNull:
      break;
    case TypeId::kBool:
      if (!buffers_[1] || static_cast<int64_t>(buffers_[1]->size()) < bit_util::BytesForBits(end)) {
        return fail("values bitmap too short");
      }
      break;
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kList: {
      if (!buffers_[1] || static_cast<int64_t>(buffers_[1]->size()) < (end + 1) * 4) {
        if (length_ == 0) break;
        return fail("offsets buffer too short");
      }
      const int32_t* o = reinterpret_cast<const int32_t*>(buffers_[1]->data());
      int64_t limit = 0;
      if (id == TypeId::kList) {
        if (children_.size() != 1) return fail("list needs exactly one child");
        limit = children_[0]->length();
        if (!children_[0]->Validate(error)) return false;
      } else {
        limit = buffers_[2] ? static_cast<int64_t>(buffers_[2]->size()) : 0;
      }
      if (o[offset_] < 0) return fail("negative offset");
      for (int64_t k = offset_; k < end; ++k) {
        if (o[k + 1] < o[k]) return fail(fmt::format("offsets decrease at {}", k));
      }
      if (o[end] > limit) return fail("offsets point past the end of the data");
      break;
    }
    case TypeId::kStruct:
      if (children_.size() != type_.fields().size()) return fail("wrong number of struct children");
      for (const auto& c : children_) {
        if (c->length() < end) return fail("struct child shorter than the struct");
        if (!c->Validate(error)) return false;
      }
      break;
    default:
      if (!buffers_[1] || static_cast<int64_t>(buffers_[1]->size()) < end * type_.byte_width()) {
        return fail("values buffer too short");
      }
  }
  return true;
}

bool ColumnsEqual(const Column& a, const Column& b) {
  if (a.type() != b.type() || a.length() != b.length()) return false;
  for (int64_t i = 0; i < a.length(); ++i) {
    bool va = a.IsValid(i), vb = b.IsValid(i);
    if (va != vb) return false;
    if (!va) continue;
    switch (a.type_id()) {
      case TypeId::kBool:
        if (a.GetBool(i) != b.GetBool(i)) return false;
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        if (a.data<int32_t>()[i] != b.data<int32_t>()[i]) return false;
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        if (a.data<int64_t>()[i] != b.data<int64_t>()[i]) return false;
        break;
      case TypeId::kFloat32:
        if (a.data<float>()[i] != b.data<float>()[i]) return false;
        break;
      case TypeId::kFloat64:
        if (a.data<double>()[i] != b.data<double>()[i]) return false;
        break;
      case TypeId::kInterval:
        if (!(a.data<IntervalValue>()[i] == b.data<IntervalValue>()[i])) return false;
        break;
      case TypeId::kString:
      case TypeId::kBinary:
        if (a.GetView(i) != b.GetView(i)) return false;
        break;
      case TypeId::kList: {
        int64_t n = a.list_length(i);
        if (n != b.list_length(i)) return false;
        if (!ColumnsEqual(*a.list_values()->Slice(a.list_start(i), n),
                          *b.list_values()->Slice(b.list_start(i), n))) {
          return false;
        }
        break;
      }
      case TypeId::kStruct:
        for (size_t f = 0; f < a.children().size(); ++f) {
          int fi = static_cast<int>(f);
          if (!ColumnsEqual(*a.struct_field(fi)->Slice(i, 1), *b.struct_field(fi)->Slice(i, 1))) {
            return false;
          }
        }
        break;
      case TypeId::kNull:
        break;
    }
  }
  return true;
}

}  // namespace ark
