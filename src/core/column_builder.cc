#include "core/column_builder.h"

#include <algorithm>

#include "base/status.h"

namespace ark {

void ColumnBuilder::AppendRange(const Column& src, int64_t start, int64_t count) {
  Reserve(count);
  for (int64_t i = 0; i < count; ++i) AppendFrom(src, start + i);
}

void ColumnBuilder::ActivateValidity() {
  validity_active_ = true;
  size_t bytes = static_cast<size_t>(bit_util::BytesForBits(length_));
  if (bytes == 0) return;
  validity_.Resize(bytes);
  std::memset(validity_.data(), 0xff, bytes);
  // Bits past length_ in the last byte must be clear so that AppendValidBit/AppendNullBit can
  // set or leave them.
  if (length_ & 7) validity_.data()[bytes - 1] = static_cast<uint8_t>((1u << (length_ & 7)) - 1);
}

void ColumnBuilder::AppendNullBit() {
  if (!validity_active_) ActivateValidity();
  if ((length_ & 7) == 0) validity_.AppendValue<uint8_t>(0);
  ++length_;
  ++null_count_;
}

void ColumnBuilder::ReserveValidity(int64_t additional) {
  if (validity_active_)
    validity_.Reserve(static_cast<size_t>(bit_util::BytesForBits(additional)) + 1);
}

void ColumnBuilder::AppendValidityFrom(const Column& src, int64_t start, int64_t count) {
  if (!src.has_nulls() || src.validity() == nullptr) {
    if (!validity_active_) {
      length_ += count;
      return;
    }
    for (int64_t i = 0; i < count; ++i) AppendValidBit();
    return;
  }
  if (!validity_active_) ActivateValidity();
  int64_t new_len = length_ + count;
  validity_.ResizeZeroed(static_cast<size_t>(bit_util::BytesForBits(new_len)));
  bit_util::CopyBits(src.validity()->data(), src.offset() + start, count, validity_.data(),
                     length_);
  int64_t valid = bit_util::CountSetBits(src.validity()->data(), src.offset() + start, count);
  null_count_ += count - valid;
  length_ = new_len;
}

BufferPtr ColumnBuilder::FinishValidity() {
  BufferPtr out;
  if (validity_active_ && null_count_ > 0) {
    out = validity_.Finish();
  } else {
    validity_.Clear();
  }
  validity_active_ = false;
  length_ = 0;
  null_count_ = 0;
  return out;
}

ColumnPtr BoolBuilder::Finish() {
  int64_t n = length_, nulls = null_count_;
  BufferPtr validity = FinishValidity();
  return Column::Make(type_, n, {std::move(validity), values_.Finish()}, {}, nulls);
}

BinaryBuilder::BinaryBuilder(DataType type) : ColumnBuilder(std::move(type)) {
  ARK_CHECK(type_.is_binary_like(), "BinaryBuilder needs a string or binary type");
  offsets_.AppendValue<int32_t>(0);
}

void BinaryBuilder::AppendRange(const Column& src, int64_t start, int64_t count) {
  const int32_t* so = src.offsets();
  int32_t first = so[start], last = so[start + count];
  int32_t base = static_cast<int32_t>(data_.size());
  data_.Append(src.string_data() + first, static_cast<size_t>(last - first));
  offsets_.Reserve(static_cast<size_t>(count) * 4);
  for (int64_t i = 1; i <= count; ++i) offsets_.UnsafeAppendValue(so[start + i] - first + base);
  AppendValidityFrom(src, start, count);
}

ColumnPtr BinaryBuilder::Finish() {
  int64_t n = length_, nulls = null_count_;
  BufferPtr validity = FinishValidity();
  BufferPtr offsets = offsets_.Finish();
  BufferPtr data = data_.Finish();
  offsets_.AppendValue<int32_t>(0);
  return Column::Make(type_, n, {std::move(validity), std::move(offsets), std::move(data)}, {},
                      nulls);
}

ListBuilder::ListBuilder(DataType type)
    : ColumnBuilder(std::move(type)), values_(MakeBuilder(type_.element())) {}

void ListBuilder::AppendFrom(const Column& src, int64_t row) {
  if (src.IsNull(row)) {
    AppendNull();
    return;
  }
  Append();
  values_->AppendRange(*src.list_values(), src.list_start(row), src.list_length(row));
}

ColumnPtr ListBuilder::Finish() {
  offsets_.AppendValue(static_cast<int32_t>(values_->length()));
  int64_t n = length_, nulls = null_count_;
  BufferPtr validity = FinishValidity();
  return Column::Make(type_, n, {std::move(validity), offsets_.Finish()}, {values_->Finish()},
                      nulls);
}

StructBuilder::StructBuilder(DataType type) : ColumnBuilder(std::move(type)) {
  for (const auto& f : type_.fields()) fields_.push_back(MakeBuilder(f.type));
}

void StructBuilder::AppendNull() {
  for (auto& f : fields_) f->AppendNull();
  AppendNullBit();
}

void StructBuilder::AppendFrom(const Column& src, int64_t row) {
  if (src.IsNull(row)) {
    AppendNull();
    return;
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    fields_[i]->AppendFrom(*src.children()[i], src.offset() + row);
  }
  AppendValidBit();
}

void StructBuilder::Reserve(int64_t additional) {
  ReserveValidity(additional);
  for (auto& f : fields_) f->Reserve(additional);
}

ColumnPtr StructBuilder::Finish() {
  int64_t n = length_, nulls = null_count_;
  BufferPtr validity = FinishValidity();
  std::vector<ColumnPtr> children;
  children.reserve(fields_.size());
  for (auto& f : fields_) children.push_back(f->Finish());
  return Column::Make(type_, n, {std::move(validity)}, std::move(children), nulls);
}

std::unique_ptr<ColumnBuilder> MakeBuilder(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull:
      return std::make_unique<NullBuilder>();
    case TypeId::kBool:
      return std::make_unique<BoolBuilder>();
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::make_unique<FixedWidthBuilder<int32_t>>(type);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::make_unique<FixedWidthBuilder<int64_t>>(type);
    case TypeId::kFloat32:
      return std::make_unique<FixedWidthBuilder<float>>(type);
    case TypeId::kFloat64:
      return std::make_unique<FixedWidthBuilder<double>>(type);
    case TypeId::kInterval:
      return std::make_unique<FixedWidthBuilder<IntervalValue>>(type);
    case TypeId::kString:
      return std::make_unique<StringBuilder>();
    case TypeId::kBinary:
      return std::make_unique<BinaryBuilder>(type);
    case TypeId::kList:
      return std::make_unique<ListBuilder>(type);
    case TypeId::kStruct:
      return std::make_unique<StructBuilder>(type);
  }
  ARK_CHECK(false, "unknown type id");
  return nullptr;
}

}  // namespace ark
