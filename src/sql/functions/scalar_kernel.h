// Building blocks for vectorized scalar kernels (functions/scalar_*.cc) and the evaluator:
// bitmap helpers, argument readers that treat a scalar and a column alike without materializing
// the scalar, output writers, the generic row loop `MapRows`, and the overload-resolving binder
// `OverloadBinder` that most functions are registered with.
//
// A kernel written with MapRows:
//
//   StrReader s(args[0]);
//   return MapRows<StringWriter>(DataType::String(), args, rows,
//       [&](int64_t i, StringWriter& out) {
//         out.Put(i, Reverse(s[i]));
//         return Status::OK();
//       });
//
// MapRows returns NULL (a scalar) when any argument is a NULL scalar, calls the function only for
// rows where every argument is valid, and returns a scalar when every argument is a scalar.
// Tight numeric kernels (arithmetic, comparison) loop over buffers themselves instead.
//
// Thread-safety: pure functions and per-call objects.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/status.h"
#include "core/bit_util.h"
#include "core/buffer.h"
#include "core/column.h"
#include "core/column_builder.h"
#include "core/value.h"
#include "sql/expr/datum.h"
#include "sql/functions/function.h"

namespace ark::sql {

// ---------------------------------------------------------------------------------------------
// Bitmaps (all results start at bit 0)

// `length` bits of `bits` from `offset`, as a new buffer starting at bit 0.
std::shared_ptr<Buffer> CopyBitmap(const uint8_t* bits, int64_t offset, int64_t length);
// A bitmap of `length` bits all set to `value`.
std::shared_ptr<Buffer> FilledBitmap(int64_t length, bool value);
// dst[0..length) &= src[src_offset..).
void AndBitmapInto(uint8_t* dst, const uint8_t* src, int64_t src_offset, int64_t length);

// The validity of `column` as a bitmap from bit 0, or null when it has no nulls (shared, not
// copied, when the column starts at offset 0).
BufferPtr AlignedValidity(const Column& column);
// Rows where every column argument is valid (scalar arguments count as valid), or null when all
// rows are. `null_count` receives the number of invalid rows.
BufferPtr CombinedValidity(std::span<const Datum> args, int64_t rows, int64_t* null_count);

// True when some argument is a NULL scalar.
bool HasNullScalar(std::span<const Datum> args);

inline bool BitmapGet(const BufferPtr& bitmap, int64_t i) {
  return bitmap == nullptr || bit_util::GetBit(bitmap->data(), i);
}

// Indices of set bits in [0, length) of `bits` (starting at `offset`), appended to `out`.
void AppendSetBitIndices(const uint8_t* bits, int64_t offset, int64_t length,
                         std::vector<int64_t>* out);

// ---------------------------------------------------------------------------------------------
// Argument readers: operator[](row) gives the row's value, for a column or a scalar alike.

template <typename T>
class NumReader {
 public:
  explicit NumReader(const Datum& d) {
    if (d.is_scalar()) {
      is_scalar_ = true;
      const Value& v = d.scalar();
      if (!v.is_null()) {
        if constexpr (std::is_floating_point_v<T>) {
          scalar_ = static_cast<T>(v.float_value());
        } else if constexpr (std::is_same_v<T, bool>) {
          scalar_ = v.bool_value();
        } else if constexpr (std::is_same_v<T, IntervalValue>) {
          scalar_ = v.interval_value();
        } else {
          scalar_ = static_cast<T>(v.int_value());
        }
      }
    } else {
      column_ = d.column().get();
      if constexpr (!std::is_same_v<T, bool>) data_ = column_->data<T>();
    }
  }
  T operator[](int64_t i) const {
    if (is_scalar_) return scalar_;
    if constexpr (std::is_same_v<T, bool>) {
      return column_->GetBool(i);
    } else {
      return data_[i];
    }
  }
  bool is_scalar() const { return is_scalar_; }
  const T* data() const { return data_; }
  T scalar() const { return scalar_; }

 private:
  bool is_scalar_ = false;
  T scalar_{};
  const Column* column_ = nullptr;
  const T* data_ = nullptr;
};

using BoolReader = NumReader<bool>;

// Integer-like arguments (int32, int64, date, timestamp) read as int64.
class IntReader {
 public:
  explicit IntReader(const Datum& d) {
    if (d.is_scalar()) {
      is_scalar_ = true;
      if (!d.scalar().is_null()) scalar_ = d.scalar().int_value();
    } else if (d.column()->type().byte_width() == 4) {
      data32_ = d.column()->data<int32_t>();
    } else if (d.column()->type().byte_width() == 8) {
      data64_ = d.column()->data<int64_t>();
    } else {
      is_scalar_ = true;  // a NULL column
    }
  }
  int64_t operator[](int64_t i) const {
    if (is_scalar_) return scalar_;
    return data32_ ? data32_[i] : data64_[i];
  }
  bool is_scalar() const { return is_scalar_; }

 private:
  bool is_scalar_ = false;
  int64_t scalar_ = 0;
  const int32_t* data32_ = nullptr;
  const int64_t* data64_ = nullptr;
};

// Placeholders for the readers of arguments a kernel variant does not have. Readers of strings
// keep views into the Datum they read, so they must never be built from a temporary.
const Datum& EmptyStringDatum();
const Datum& ZeroInt64Datum();
const Datum& ZeroIntervalDatum();

// string and binary arguments. REQUIRES: `d` outlives the reader (views point into it).
class StrReader {
 public:
  explicit StrReader(const Datum& d) {
    if (d.is_scalar()) {
      is_scalar_ = true;
      if (!d.scalar().is_null()) scalar_ = d.scalar().string_value();
    } else {
      offsets_ = d.column()->offsets();
      data_ = d.column()->string_data();
    }
  }
  std::string_view operator[](int64_t i) const {
    if (is_scalar_) return scalar_;
    return {data_ + offsets_[i], static_cast<size_t>(offsets_[i + 1] - offsets_[i])};
  }
  bool is_scalar() const { return is_scalar_; }

 private:
  bool is_scalar_ = false;
  std::string_view scalar_;
  const int32_t* offsets_ = nullptr;
  const char* data_ = nullptr;
};

// list arguments: row i is elements [start(i), start(i) + length(i)) of values().
class ListReader {
 public:
  explicit ListReader(const Datum& d);
  const Column& values() const { return *values_; }
  int64_t start(int64_t i) const { return is_scalar_ ? 0 : offsets_[i]; }
  int64_t length(int64_t i) const {
    return is_scalar_ ? values_->length() : offsets_[i + 1] - offsets_[i];
  }
  bool is_scalar() const { return is_scalar_; }

 private:
  bool is_scalar_ = false;
  ColumnPtr values_;  // the list child (for a scalar: its items as a column)
  const int32_t* offsets_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Output writers. Rows are written in ascending order; every row gets exactly one Put/PutNull.

template <typename T>
class FixedWriter {
 public:
  using value_type = T;
  FixedWriter(DataType type, int64_t rows)
      : type_(std::move(type)),
        rows_(rows),
        values_(Buffer::Allocate(static_cast<size_t>(rows) * sizeof(T))),
        data_(reinterpret_cast<T*>(values_->mutable_data())) {}
  void Put(int64_t i, T v) { data_[i] = v; }
  void PutNull(int64_t i) {
    data_[i] = T{};
    if (!validity_) validity_ = FilledBitmap(rows_, true);
    bit_util::ClearBit(validity_->mutable_data(), i);
    ++null_count_;
  }
  T* data() { return data_; }
  ColumnPtr Finish() {
    return Column::Make(type_, rows_, {std::move(validity_), std::move(values_)}, {}, null_count_);
  }

 private:
  DataType type_;
  int64_t rows_;
  std::shared_ptr<Buffer> values_;
  T* data_;
  std::shared_ptr<Buffer> validity_;
  int64_t null_count_ = 0;
};

class BoolWriter {
 public:
  using value_type = bool;
  BoolWriter(const DataType&, int64_t rows) : rows_(rows), values_(FilledBitmap(rows, false)) {}
  void Put(int64_t i, bool v) {
    if (v) bit_util::SetBit(values_->mutable_data(), i);
  }
  void PutNull(int64_t i) {
    if (!validity_) validity_ = FilledBitmap(rows_, true);
    bit_util::ClearBit(validity_->mutable_data(), i);
    ++null_count_;
  }
  ColumnPtr Finish() {
    return Column::Make(DataType::Bool(), rows_, {std::move(validity_), std::move(values_)}, {},
                        null_count_);
  }

 private:
  int64_t rows_;
  std::shared_ptr<Buffer> values_;
  std::shared_ptr<Buffer> validity_;
  int64_t null_count_ = 0;
};

// string or binary output.
class StringWriter {
 public:
  using value_type = std::string_view;
  StringWriter(const DataType& type, int64_t rows) : builder_(type) { builder_.Reserve(rows); }
  void Put(int64_t, std::string_view v) { builder_.Append(v); }
  void PutNull(int64_t) { builder_.AppendNull(); }
  // Build the value of row i in place: append to data() and then Commit(i).
  BufferBuilder& data() { return builder_.data_builder(); }
  void Commit(int64_t) { builder_.CommitValue(); }
  ColumnPtr Finish() { return builder_.Finish(); }

 private:
  BinaryBuilder builder_;
};

// Any output type, through a builder (lists, structs).
class BuilderWriter {
 public:
  BuilderWriter(const DataType& type, int64_t rows) : builder_(MakeBuilder(type)) {
    builder_->Reserve(rows);
  }
  void PutNull(int64_t) { builder_->AppendNull(); }
  void Put(int64_t, const Value& v) { v.AppendTo(*builder_); }
  ColumnBuilder& builder() { return *builder_; }
  ColumnPtr Finish() { return builder_->Finish(); }

 private:
  std::unique_ptr<ColumnBuilder> builder_;
};

// The row count a kernel produces: 1 when every argument is a scalar (the result is a scalar).
inline bool AllScalar(std::span<const Datum> args) {
  for (const Datum& d : args) {
    if (!d.is_scalar()) return false;
  }
  return true;
}

// A finished column of one row turned into a scalar Datum when `scalar`.
inline Datum ToDatum(ColumnPtr column, bool scalar) {
  if (scalar) return Datum(Value::FromColumn(*column, 0));
  return Datum(std::move(column));
}

// The generic row loop: calls fn(i, writer) -> Status for every row where all arguments are
// valid (PutNull for the others); fn reads its arguments through readers it captured. NULL scalar
// arguments give a NULL scalar result; all-scalar arguments give a scalar.
template <typename Writer, typename Fn>
Result<Datum> MapRows(const DataType& out_type, std::span<const Datum> args, int64_t rows,
                      Fn&& fn) {
  if (HasNullScalar(args)) return Datum(Value::Null(out_type));
  const bool scalar = AllScalar(args);
  const int64_t n = scalar ? 1 : rows;
  int64_t nulls = 0;
  BufferPtr valid = scalar ? nullptr : CombinedValidity(args, n, &nulls);
  Writer out(out_type, n);
  if (valid == nullptr) {
    for (int64_t i = 0; i < n; ++i) ARK_RETURN_IF_ERROR(fn(i, out));
  } else {
    const uint8_t* bits = valid->data();
    for (int64_t i = 0; i < n; ++i) {
      if (!bit_util::GetBit(bits, i)) {
        out.PutNull(i);
        continue;
      }
      ARK_RETURN_IF_ERROR(fn(i, out));
    }
  }
  return ToDatum(out.Finish(), scalar);
}

// The Writer type for a fixed-width C++ type.
template <typename T>
using WriterFor = std::conditional_t<
    std::is_same_v<T, bool>, BoolWriter,
    std::conditional_t<std::is_same_v<T, std::string_view>, StringWriter, FixedWriter<T>>>;

// ---------------------------------------------------------------------------------------------
// Binding

// One concrete signature of a function.
struct Signature {
  std::vector<DataType> args;
  DataType return_type;
  ScalarKernel kernel;
  // When set, called at bind time with the constant arguments to make the kernel (e.g. compile a
  // regular expression once); `kernel` is ignored.
  std::function<Result<ScalarKernel>(std::span<const std::optional<Value>> constant_args)> factory;
  // The last argument may repeat (0 or more extra times).
  bool variadic = false;
  // At least this many arguments (variadic functions; default: args.size()).
  int min_args = -1;
};

// Cost of passing an argument of type `from` where `to` is expected without an explicit cast, or
// -1 when not allowed. `literal`: the argument is an untyped string literal (it converts to
// anything it can be cast to).
int ImplicitCastCost(const DataType& from, const DataType& to, bool literal);

// A binder choosing the cheapest signature for the argument types; errors name the function and
// list what exists. `deterministic = false` for now(), random().
ScalarBinder OverloadBinder(std::string name, std::vector<Signature> signatures,
                            bool deterministic = true);

// "function lower(int64) does not exist; expected lower(string)" — or, for operators,
// "operator does not exist: string + int64".
Status NoMatchingOverload(std::string_view name, std::span<const DataType> args,
                          std::span<const std::string> expected);

// "lower(string)"
std::string SignatureText(std::string_view name, std::span<const DataType> args,
                          bool variadic = false);

// True when constant argument i is an untyped string literal.
inline bool IsStringLiteral(std::span<const std::optional<Value>> constants, size_t i) {
  return i < constants.size() && constants[i].has_value() &&
         constants[i]->type().id() == TypeId::kString;
}

// A bound function built directly (custom binders).
BoundScalarFunction MakeBound(std::string name, std::vector<DataType> args, DataType ret,
                              ScalarKernel kernel, bool deterministic = true);

// Registration of each family (scalar_*.cc); RegisterScalarFunctions calls them all.
void RegisterArithmeticFunctions(FunctionRegistry& registry);
void RegisterComparisonFunctions(FunctionRegistry& registry);
void RegisterMathFunctions(FunctionRegistry& registry);
void RegisterStringFunctions(FunctionRegistry& registry);
void RegisterRegexpFunctions(FunctionRegistry& registry);
void RegisterDatetimeFunctions(FunctionRegistry& registry);
void RegisterJsonFunctions(FunctionRegistry& registry);
void RegisterListFunctions(FunctionRegistry& registry);

}  // namespace ark::sql
