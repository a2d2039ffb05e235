#include "core/arrow_import.h"

#include <cstring>
#include <limits>

#include "core/bit_util.h"

namespace ark::arrow_detail {
namespace {

// Floor division for a positive divisor (timestamps before the epoch round down, like Arrow's
// casts with truncation disabled would refuse and like calendar arithmetic expects).
int64_t FloorDiv(int64_t v, int64_t d) {
  int64_t q = v / d;
  return (v % d != 0 && v < 0) ? q - 1 : q;
}

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Writes dst[i] = convert(src[i]) for i in [offset, offset + length). `convert` returns false when
// the value does not fit; that is an error only for a valid slot (null slots may hold anything
// and get 0).
template <typename Src, typename Dst, typename Convert>
Status ConvertRange(const uint8_t* src, const uint8_t* validity, int64_t offset, int64_t length,
                    uint8_t* dst, Convert convert, const char* what) {
  Dst* out = reinterpret_cast<Dst*>(dst);
  for (int64_t i = offset; i < offset + length; ++i) {
    Src v = Load<Src>(src + i * static_cast<int64_t>(sizeof(Src)));
    if (!convert(v, &out[i])) {
      if (validity != nullptr && !bit_util::GetBit(validity, i)) {
        out[i] = Dst{};
        continue;
      }
      return Status::OutOfRange("value {} at index {} is out of range of {}", v, i - offset, what);
    }
  }
  return Status::OK();
}

template <typename Src, typename Dst>
Status Widen(const uint8_t* src, int64_t offset, int64_t length, uint8_t* dst) {
  Dst* out = reinterpret_cast<Dst*>(dst);
  for (int64_t i = offset; i < offset + length; ++i) {
    out[i] = static_cast<Dst>(Load<Src>(src + i * static_cast<int64_t>(sizeof(Src))));
  }
  return Status::OK();
}

bool ScaleUp(int64_t v, int64_t factor, int64_t* out) {
  return !__builtin_mul_overflow(v, factor, out);
}

Result<BufferPtr> ConvertValues(ValueConversion conversion, int dst_width, const Buffer& src,
                                const uint8_t* validity, int64_t offset, int64_t length) {
  auto dst = Buffer::Allocate(static_cast<size_t>((offset + length) * dst_width));
  const uint8_t* s = src.data();
  uint8_t* d = dst->mutable_data();
  Status st;
  switch (conversion) {
    case ValueConversion::kNone:
      return Status::Internal("ConvertValues without a conversion");
    case ValueConversion::kInt8ToInt32:
      st = Widen<int8_t, int32_t>(s, offset, length, d);
      break;
    case ValueConversion::kUInt8ToInt32:
      st = Widen<uint8_t, int32_t>(s, offset, length, d);
      break;
    case ValueConversion::kInt16ToInt32:
      st = Widen<int16_t, int32_t>(s, offset, length, d);
      break;
    case ValueConversion::kUInt16ToInt32:
      st = Widen<uint16_t, int32_t>(s, offset, length, d);
      break;
    case ValueConversion::kUInt32ToInt64:
      st = Widen<uint32_t, int64_t>(s, offset, length, d);
      break;
    case ValueConversion::kSecondsToMicros:
      st = ConvertRange<int64_t, int64_t>(
          s, validity, offset, length, d,
          [](int64_t v, int64_t* out) { return ScaleUp(v, 1'000'000, out); },
          "a microsecond timestamp (seconds)");
      break;
    case ValueConversion::kMillisToMicros:
      st = ConvertRange<int64_t, int64_t>(
          s, validity, offset, length, d,
          [](int64_t v, int64_t* out) { return ScaleUp(v, 1'000, out); },
          "a microsecond timestamp (milliseconds)");
      break;
    case ValueConversion::kNanosToMicros:
      st = ConvertRange<int64_t, int64_t>(
          s, validity, offset, length, d,
          [](int64_t v, int64_t* out) {
            *out = FloorDiv(v, 1'000);
            return true;
          },
          "a microsecond timestamp");
      break;
    case ValueConversion::kMillisToDays:
      st = ConvertRange<int64_t, int32_t>(
          s, validity, offset, length, d,
          [](int64_t v, int32_t* out) {
            int64_t days = FloorDiv(v, 86'400'000);
            if (days < std::numeric_limits<int32_t>::min() ||
                days > std::numeric_limits<int32_t>::max()) {
              return false;
            }
            *out = static_cast<int32_t>(days);
            return true;
          },
          "a date (milliseconds)");
      break;
    case ValueConversion::kMonthsToInterval: {
      auto* out = reinterpret_cast<IntervalValue*>(d);
      for (int64_t i = offset; i < offset + length; ++i) {
        out[i] = IntervalValue{Load<int32_t>(s + i * 4), 0, 0};
      }
      break;
    }
    case ValueConversion::kDayTimeToInterval: {
      auto* out = reinterpret_cast<IntervalValue*>(d);
      for (int64_t i = offset; i < offset + length; ++i) {
        int32_t days = Load<int32_t>(s + i * 8);
        int32_t millis = Load<int32_t>(s + i * 8 + 4);
        out[i] = IntervalValue{0, days, int64_t{millis} * 1'000'000};
      }
      break;
    }
  }
  if (!st.ok()) return st;
  return BufferPtr(std::move(dst));
}

}  // namespace

int SourceByteWidth(ValueConversion conversion) {
  switch (conversion) {
    case ValueConversion::kNone:
      return 0;
    case ValueConversion::kInt8ToInt32:
    case ValueConversion::kUInt8ToInt32:
      return 1;
    case ValueConversion::kInt16ToInt32:
    case ValueConversion::kUInt16ToInt32:
      return 2;
    case ValueConversion::kUInt32ToInt64:
    case ValueConversion::kMonthsToInterval:
      return 4;
    case ValueConversion::kSecondsToMicros:
    case ValueConversion::kMillisToMicros:
    case ValueConversion::kNanosToMicros:
    case ValueConversion::kMillisToDays:
    case ValueConversion::kDayTimeToInterval:
      return 8;
  }
  return 0;
}

ImportType NativeLeaf(std::string name, DataType type, bool nullable) {
  ImportType t;
  t.field = Field(std::move(name), std::move(type), nullable);
  return t;
}

ImportType ListOf(std::string name, ImportType element, bool nullable) {
  ImportType t;
  t.field =
      Field(std::move(name), DataType::List(element.field.type, element.field.nullable), nullable);
  t.children.push_back(std::move(element));
  return t;
}

ImportType StructOf(std::string name, std::vector<ImportType> fields, bool nullable) {
  std::vector<Field> our_fields;
  our_fields.reserve(fields.size());
  for (const auto& f : fields) our_fields.push_back(f.field);
  ImportType t;
  t.field = Field(std::move(name), DataType::Struct(std::move(our_fields)), nullable);
  t.children = std::move(fields);
  return t;
}

int ArrowBufferCount(const ImportType& type) { return ExpectedBufferCount(type.field.type.id()); }

Result<ColumnPtr> MakeImportedColumn(const ImportType& type, int64_t length, int64_t null_count,
                                     int64_t offset, std::vector<BufferPtr> buffers,
                                     std::vector<ColumnPtr> children) {
  if (length < 0 || offset < 0) {
    return Status::InvalidArgument("negative length ({}) or offset ({})", length, offset);
  }
  // No column holds 2^48 values; the bound keeps the size arithmetic below from overflowing.
  constexpr int64_t kMaxLength = int64_t{1} << 48;
  if (length > kMaxLength || offset > kMaxLength) {
    return Status::InvalidArgument("length ({}) or offset ({}) is out of range", length, offset);
  }
  if (null_count < -1 || null_count > length) {
    return Status::InvalidArgument("null count {} is impossible for {} values", null_count, length);
  }
  if (!buffers.empty() && buffers[0] != nullptr &&
      static_cast<int64_t>(buffers[0]->size()) < bit_util::BytesForBits(offset + length)) {
    return Status::InvalidArgument("validity bitmap holds {} bytes, {} values need {}",
                                   buffers[0]->size(), offset + length,
                                   bit_util::BytesForBits(offset + length));
  }
  if (type.conversion != ValueConversion::kNone) {
    const int64_t need = (offset + length) * SourceByteWidth(type.conversion);
    if (buffers.size() < 2 || buffers[1] == nullptr ||
        static_cast<int64_t>(buffers[1]->size()) < need) {
      return Status::InvalidArgument(
          "values buffer holds {} bytes, {} values need {}",
          buffers.size() < 2 || buffers[1] == nullptr ? 0 : buffers[1]->size(), offset + length,
          need);
    }
    const uint8_t* validity = buffers[0] ? buffers[0]->data() : nullptr;
    ARK_ASSIGN_OR_RETURN(buffers[1], ConvertValues(type.conversion, type.field.type.byte_width(),
                                                   *buffers[1], validity, offset, length));
  }
  return Column::Make(type.field.type, length, std::move(buffers), std::move(children), null_count,
                      offset);
}

const BufferPtr& EmptyBuffer() {
  static const BufferPtr kEmpty = Buffer::AllocateZeroed(0);
  return kEmpty;
}

std::string FieldPath(std::string_view parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  std::string out(parent);
  out += '.';
  out += name;
  return out;
}

}  // namespace ark::arrow_detail
