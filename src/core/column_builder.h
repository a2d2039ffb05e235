// Builders: append values one at a time (or in runs), then Finish() into an immutable Column.
//
// The typed builders (Int64Builder, StringBuilder, ...) have non-virtual inline Append methods for
// hot loops; the ColumnBuilder base adds the type-generic operations (AppendNull, AppendFrom a
// column of the same type) used by concatenation, take and the codecs. MakeBuilder() creates the
// right builder for any DataType, nested ones included.
//
//   Int64Builder b;
//   b.Append(1); b.AppendNull(); b.Append(3);
//   ColumnPtr c = b.Finish();   // [1, NULL, 3]
//
//   ListBuilder lb(DataType::List(DataType::Float32()));
//   lb.Append(); static_cast<Float32Builder&>(lb.values()).Append(0.5f);
//
// The validity bitmap is only allocated once a null is appended.
// Thread-safety: a builder is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/buffer.h"
#include "core/column.h"
#include "core/types.h"

namespace ark {

class ColumnBuilder {
 public:
  explicit ColumnBuilder(DataType type) : type_(std::move(type)) {}
  virtual ~ColumnBuilder() = default;
  ColumnBuilder(const ColumnBuilder&) = delete;
  ColumnBuilder& operator=(const ColumnBuilder&) = delete;

  const DataType& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }

  virtual void AppendNull() = 0;
  virtual void AppendNulls(int64_t n) {
    for (int64_t i = 0; i < n; ++i) AppendNull();
  }
  // Appends value `row` of `src` (null included). REQUIRES: src.type() == type().
  virtual void AppendFrom(const Column& src, int64_t row) = 0;
  // Appends rows [start, start + count) of `src`. REQUIRES: src.type() == type().
  virtual void AppendRange(const Column& src, int64_t start, int64_t count);
  virtual void Reserve(int64_t additional) = 0;
  // The finished column; the builder is empty and reusable afterwards.
  virtual ColumnPtr Finish() = 0;

 protected:
  void AppendValidBit() {
    if (validity_active_) {
      validity_.Reserve(1);
      if ((length_ & 7) == 0) validity_.UnsafeAppendValue<uint8_t>(0);
      bit_util::SetBit(validity_.data(), length_);
    }
    ++length_;
  }
  void AppendNullBit();
  void ReserveValidity(int64_t additional);
  // Appends `count` validity bits of `src` starting at its row `start`.
  void AppendValidityFrom(const Column& src, int64_t start, int64_t count);
  // Returns the validity buffer (null when there were no nulls) and resets length/null count.
  BufferPtr FinishValidity();

  DataType type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;

 private:
  void ActivateValidity();
  BufferBuilder validity_;
  bool validity_active_ = false;
};

// Fixed-width values: int32, int64, float32, float64, date (int32), timestamp (int64), interval.
template <typename T>
class FixedWidthBuilder final : public ColumnBuilder {
 public:
  explicit FixedWidthBuilder(DataType type) : ColumnBuilder(std::move(type)) {}

  void Append(T v) {
    values_.AppendValue(v);
    AppendValidBit();
  }
  // REQUIRES: Reserve() made room.
  void UnsafeAppend(T v) {
    values_.UnsafeAppendValue(v);
    AppendValidBit();
  }
  void AppendValues(const T* v, int64_t n) {
    values_.Append(v, static_cast<size_t>(n) * sizeof(T));
    for (int64_t i = 0; i < n; ++i) AppendValidBit();
  }
  void AppendNull() override {
    values_.AppendValue(T{});
    AppendNullBit();
  }
  void AppendFrom(const Column& src, int64_t row) override {
    if (src.IsNull(row)) {
      AppendNull();
    } else {
      Append(src.data<T>()[row]);
    }
  }
  void AppendRange(const Column& src, int64_t start, int64_t count) override {
    values_.Append(src.data<T>() + start, static_cast<size_t>(count) * sizeof(T));
    AppendValidityFrom(src, start, count);
  }
  void Reserve(int64_t additional) override {
    values_.Reserve(static_cast<size_t>(additional) * sizeof(T));
    ReserveValidity(additional);
  }
  // The value appended at index i (before Finish).
  T value(int64_t i) const {
    T v;
    std::memcpy(&v, values_.data() + i * sizeof(T), sizeof(T));
    return v;
  }
  ColumnPtr Finish() override {
    int64_t n = length_, nulls = null_count_;
    BufferPtr validity = FinishValidity();
    return Column::Make(type_, n, {std::move(validity), values_.Finish()}, {}, nulls);
  }

 private:
  BufferBuilder values_;
};

using Int32Builder = FixedWidthBuilder<int32_t>;
using Int64Builder = FixedWidthBuilder<int64_t>;
using Float32Builder = FixedWidthBuilder<float>;
using Float64Builder = FixedWidthBuilder<double>;
using IntervalBuilder = FixedWidthBuilder<IntervalValue>;

class BoolBuilder final : public ColumnBuilder {
 public:
  BoolBuilder() : ColumnBuilder(DataType::Bool()) {}
  void Append(bool v) {
    if ((length_ & 7) == 0) values_.AppendValue<uint8_t>(0);
    if (v) bit_util::SetBit(values_.data(), length_);
    AppendValidBit();
  }
  void AppendNull() override {
    if ((length_ & 7) == 0) values_.AppendValue<uint8_t>(0);
    AppendNullBit();
  }
  void AppendFrom(const Column& src, int64_t row) override {
    if (src.IsNull(row)) {
      AppendNull();
    } else {
      Append(src.GetBool(row));
    }
  }
  void Reserve(int64_t additional) override {
    values_.Reserve(static_cast<size_t>(bit_util::BytesForBits(additional)) + 1);
    ReserveValidity(additional);
  }
  ColumnPtr Finish() override;

 private:
  BufferBuilder values_;
};

// string and binary: int32 offsets + data bytes.
class BinaryBuilder : public ColumnBuilder {
 public:
  explicit BinaryBuilder(DataType type = DataType::Binary());

  void Append(std::string_view v) {
    data_.Append(v);
    offsets_.AppendValue(static_cast<int32_t>(data_.size()));
    AppendValidBit();
  }
  // REQUIRES: Reserve() and ReserveData() made room.
  void UnsafeAppend(std::string_view v) {
    data_.UnsafeAppend(v.data(), v.size());
    offsets_.UnsafeAppendValue(static_cast<int32_t>(data_.size()));
    AppendValidBit();
  }
  void AppendNull() override {
    offsets_.AppendValue(static_cast<int32_t>(data_.size()));
    AppendNullBit();
  }
  void AppendFrom(const Column& src, int64_t row) override {
    if (src.IsNull(row)) {
      AppendNull();
    } else {
      Append(src.GetView(row));
    }
  }
  void AppendRange(const Column& src, int64_t start, int64_t count) override;
  void Reserve(int64_t additional) override {
    offsets_.Reserve(static_cast<size_t>(additional) * 4);
    ReserveValidity(additional);
  }
  void ReserveData(size_t bytes) { data_.Reserve(bytes); }
  size_t data_size() const { return data_.size(); }
  // Direct access for writers that build a value in place: append bytes with data_builder() and
  // then call CommitValue().
  BufferBuilder& data_builder() { return data_; }
  void CommitValue() {
    offsets_.AppendValue(static_cast<int32_t>(data_.size()));
    AppendValidBit();
  }
  ColumnPtr Finish() override;

 private:
  BufferBuilder offsets_;
  BufferBuilder data_;
};

class StringBuilder final : public BinaryBuilder {
 public:
  StringBuilder() : BinaryBuilder(DataType::String()) {}
};

class ListBuilder final : public ColumnBuilder {
 public:
  explicit ListBuilder(DataType type);

  // Starts a new (non-null) list; append its elements to values() afterwards.
  void Append() {
    offsets_.AppendValue(static_cast<int32_t>(values_->length()));
    AppendValidBit();
  }
  void AppendNull() override {
    offsets_.AppendValue(static_cast<int32_t>(values_->length()));
    AppendNullBit();
  }
  void AppendFrom(const Column& src, int64_t row) override;
  void Reserve(int64_t additional) override {
    offsets_.Reserve(static_cast<size_t>(additional) * 4);
    ReserveValidity(additional);
  }
  ColumnBuilder& values() { return *values_; }
  ColumnPtr Finish() override;

 private:
  BufferBuilder offsets_;  // start offset of each list; the end offset is added by Finish()
  std::unique_ptr<ColumnBuilder> values_;
};

class StructBuilder final : public ColumnBuilder {
 public:
  explicit StructBuilder(DataType type);

  // Marks a valid row; the caller appends exactly one value to every field builder.
  void Append() { AppendValidBit(); }
  // A null row; appends a null to every field builder.
  void AppendNull() override;
  void AppendFrom(const Column& src, int64_t row) override;
  void Reserve(int64_t additional) override;
  int num_fields() const { return static_cast<int>(fields_.size()); }
  ColumnBuilder& field(int i) { return *fields_[i]; }
  ColumnPtr Finish() override;

 private:
  std::vector<std::unique_ptr<ColumnBuilder>> fields_;
};

class NullBuilder final : public ColumnBuilder {
 public:
  NullBuilder() : ColumnBuilder(DataType::Null()) {}
  void AppendNull() override {
    ++length_;
    ++null_count_;
  }
  void AppendFrom(const Column&, int64_t) override { AppendNull(); }
  void Reserve(int64_t) override {}
  ColumnPtr Finish() override {
    int64_t n = length_;
    length_ = null_count_ = 0;
    return Column::MakeNull(DataType::Null(), n);
  }
};

std::unique_ptr<ColumnBuilder> MakeBuilder(const DataType& type);

}  // namespace ark
