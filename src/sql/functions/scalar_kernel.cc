#include "sql/functions/scalar_kernel.h"

#include <climits>

#include <fmt/format.h>

#include "base/strings.h"
#include "sql/expr/cast.h"

namespace ark::sql {

std::shared_ptr<Buffer> CopyBitmap(const uint8_t* bits, int64_t offset, int64_t length) {
  const size_t bytes = static_cast<size_t>(bit_util::BytesForBits(length));
  auto out = Buffer::Allocate(bytes);
  if (bytes == 0) return out;
  if ((offset & 7) == 0) {
    std::memcpy(out->mutable_data(), bits + (offset >> 3), bytes);
  } else {
    out->mutable_data()[bytes - 1] = 0;
    bit_util::CopyBits(bits, offset, length, out->mutable_data(), 0);
  }
  return out;
}

std::shared_ptr<Buffer> FilledBitmap(int64_t length, bool value) {
  const size_t bytes = static_cast<size_t>(bit_util::BytesForBits(length));
  auto out = Buffer::Allocate(bytes);
  if (bytes) std::memset(out->mutable_data(), value ? 0xff : 0, bytes);
  return out;
}

void AndBitmapInto(uint8_t* dst, const uint8_t* src, int64_t src_offset, int64_t length) {
  const int64_t bytes = bit_util::BytesForBits(length);
  if ((src_offset & 7) == 0) {
    const uint8_t* s = src + (src_offset >> 3);
    for (int64_t i = 0; i < bytes; ++i) dst[i] &= s[i];
    return;
  }
  auto tmp = CopyBitmap(src, src_offset, length);
  const uint8_t* s = tmp->data();
  for (int64_t i = 0; i < bytes; ++i) dst[i] &= s[i];
}

BufferPtr AlignedValidity(const Column& column) {
  if (column.type_id() == TypeId::kNull) return FilledBitmap(column.length(), false);
  if (column.null_count() == 0 || column.validity() == nullptr) return nullptr;
  if (column.offset() == 0) return column.validity();
  return CopyBitmap(column.validity()->data(), column.offset(), column.length());
}

BufferPtr CombinedValidity(std::span<const Datum> args, int64_t rows, int64_t* null_count) {
  const Column* first = nullptr;
  std::shared_ptr<Buffer> combined;
  for (const Datum& d : args) {
    if (!d.is_column()) continue;
    const Column& c = *d.column();
    if (c.type_id() == TypeId::kNull) {
      *null_count = rows;
      return FilledBitmap(rows, false);
    }
    if (c.null_count() == 0 || c.validity() == nullptr) continue;
    if (first == nullptr && combined == nullptr) {
      first = &c;
      continue;
    }
    if (combined == nullptr) {
      combined = CopyBitmap(first->validity()->data(), first->offset(), rows);
    }
    AndBitmapInto(combined->mutable_data(), c.validity()->data(), c.offset(), rows);
  }
  if (combined) {
    *null_count = rows - bit_util::CountSetBits(combined->data(), 0, rows);
    return combined;
  }
  if (first) {
    *null_count = first->null_count();
    return AlignedValidity(*first);
  }
  *null_count = 0;
  return nullptr;
}

bool HasNullScalar(std::span<const Datum> args) {
  for (const Datum& d : args) {
    if (d.is_scalar() && d.scalar().is_null()) return true;
  }
  return false;
}

void AppendSetBitIndices(const uint8_t* bits, int64_t offset, int64_t length,
                         std::vector<int64_t>* out) {
  std::shared_ptr<Buffer> copy;
  if ((offset & 7) != 0) {
    copy = CopyBitmap(bits, offset, length);
    bits = copy->data();
    offset = 0;
  }
  const uint8_t* p = bits + (offset >> 3);
  // Size the output once (count the bits), then write without capacity checks.
  const size_t start = out->size();
  out->resize(start + static_cast<size_t>(bit_util::CountSetBits(p, 0, length)));
  int64_t* dst = out->data() + start;
  const int64_t full_words = length / 64;
  for (int64_t w = 0; w < full_words; ++w) {
    uint64_t word;
    std::memcpy(&word, p + w * 8, 8);
    const int64_t base = w * 64;
    while (word) {
      *dst++ = base + __builtin_ctzll(word);
      word &= word - 1;
    }
  }
  for (int64_t i = full_words * 64; i < length; ++i) {
    if (bit_util::GetBit(p, i)) *dst++ = i;
  }
}

const Datum& EmptyStringDatum() {
  static const Datum* const kDatum = new Datum(Value::String(""));
  return *kDatum;
}

const Datum& ZeroInt64Datum() {
  static const Datum* const kDatum = new Datum(Value::Int64(0));
  return *kDatum;
}

const Datum& ZeroIntervalDatum() {
  static const Datum* const kDatum = new Datum(Value::Interval({}));
  return *kDatum;
}

ListReader::ListReader(const Datum& d) {
  if (d.is_scalar()) {
    is_scalar_ = true;
    const Value& v = d.scalar();
    const DataType& element =
        v.type().id() == TypeId::kList ? v.type().element() : DataType::Null();
    std::unique_ptr<ColumnBuilder> b = MakeBuilder(element);
    if (!v.is_null()) {
      for (const Value& item : v.children()) item.AppendTo(*b);
    }
    values_ = b->Finish();
  } else {
    offsets_ = d.column()->offsets();
    values_ = d.column()->list_values();
  }
}

// ---------------------------------------------------------------------------------------------
// Binding

int ImplicitCastCost(const DataType& from, const DataType& to, bool literal) {
  if (from == to) return 0;
  if (from.id() == TypeId::kNull) return 1;
  if (literal && from.id() == TypeId::kString) return CanCast(from, to) ? 10 : -1;
  switch (from.id()) {
    case TypeId::kInt32:
      if (to.id() == TypeId::kInt64) return 1;
      if (to.id() == TypeId::kFloat32) return 2;
      if (to.id() == TypeId::kFloat64) return 3;
      return -1;
    case TypeId::kInt64:
      if (to.id() == TypeId::kFloat32) return 2;
      if (to.id() == TypeId::kFloat64) return 3;
      return -1;
    case TypeId::kFloat32:
      return to.id() == TypeId::kFloat64 ? 1 : -1;
    case TypeId::kDate:
      return to.id() == TypeId::kTimestamp ? 1 : -1;
    case TypeId::kList:
      if (to.id() != TypeId::kList) return -1;
      return ImplicitCastCost(from.element(), to.element(), false);
    case TypeId::kStruct: {
      if (to.id() != TypeId::kStruct || from.fields().size() != to.fields().size()) return -1;
      int total = 0;
      for (size_t i = 0; i < from.fields().size(); ++i) {
        if (from.fields()[i].name != to.fields()[i].name) return -1;
        int c = ImplicitCastCost(from.fields()[i].type, to.fields()[i].type, false);
        if (c < 0) return -1;
        total += c;
      }
      return total;
    }
    default:
      return -1;
  }
}

std::string SignatureText(std::string_view name, std::span<const DataType> args, bool variadic) {
  std::string out(name);
  out += '(';
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += ", ";
    out += args[i].ToString();
  }
  if (variadic) out += ", ...";
  out += ')';
  return out;
}

namespace {

bool IsOperatorName(std::string_view name) {
  return !name.empty() && !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
}

}  // namespace

Status NoMatchingOverload(std::string_view name, std::span<const DataType> args,
                          std::span<const std::string> expected) {
  std::string what;
  if (IsOperatorName(name) || name == "negate") {
    std::string_view op = name == "negate" ? "-" : name;
    if (args.size() == 2) {
      what = fmt::format("operator does not exist: {} {} {}", args[0].ToString(), op,
                         args[1].ToString());
    } else if (args.size() == 1) {
      what = fmt::format("operator does not exist: {} {}", op, args[0].ToString());
    } else {
      what = fmt::format("operator does not exist: {}", SignatureText(name, args));
    }
  } else {
    what = fmt::format("function {} does not exist", SignatureText(name, args));
  }
  if (expected.size() == 1) return Status::TypeError("{}; expected {}", what, expected[0]);
  if (expected.size() > 1) {
    return Status::TypeError("{}; expected one of {}", what, JoinStrings(expected, ", "));
  }
  return Status::TypeError("{}", what);
}

BoundScalarFunction MakeBound(std::string name, std::vector<DataType> args, DataType ret,
                              ScalarKernel kernel, bool deterministic) {
  BoundScalarFunction f;
  f.name = std::move(name);
  f.arg_types = std::move(args);
  f.return_type = std::move(ret);
  f.kernel = std::move(kernel);
  f.deterministic = deterministic;
  return f;
}

ScalarBinder OverloadBinder(std::string name, std::vector<Signature> signatures,
                            bool deterministic) {
  auto sigs = std::make_shared<const std::vector<Signature>>(std::move(signatures));
  return [name = std::move(name), sigs, deterministic](
             std::span<const DataType> types,
             std::span<const std::optional<Value>> constants) -> Result<BoundScalarFunction> {
    int best = -1;
    int best_cost = INT_MAX;
    const size_t n = types.size();
    for (size_t s = 0; s < sigs->size(); ++s) {
      const Signature& sig = (*sigs)[s];
      const size_t min_args =
          sig.min_args >= 0 ? static_cast<size_t>(sig.min_args) : sig.args.size();
      if (sig.variadic ? n < min_args : n != sig.args.size()) continue;
      if (n > 0 && sig.args.empty()) continue;
      int cost = 0;
      for (size_t i = 0; i < n && cost >= 0; ++i) {
        const DataType& param = i < sig.args.size() ? sig.args[i] : sig.args.back();
        const int c = ImplicitCastCost(types[i], param, IsStringLiteral(constants, i));
        cost = c < 0 ? -1 : cost + c;
      }
      if (cost >= 0 && cost < best_cost) {
        best = static_cast<int>(s);
        best_cost = cost;
      }
    }
    if (best < 0) {
      std::vector<std::string> expected;
      for (const Signature& sig : *sigs) {
        expected.push_back(SignatureText(name, sig.args, sig.variadic));
      }
      return NoMatchingOverload(name, types, expected);
    }
    const Signature& sig = (*sigs)[static_cast<size_t>(best)];
    std::vector<DataType> arg_types;
    arg_types.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      arg_types.push_back(i < sig.args.size() ? sig.args[i] : sig.args.back());
    }
    ScalarKernel kernel = sig.kernel;
    if (sig.factory) {
      ARK_ASSIGN_OR_RETURN(kernel, sig.factory(constants));
    }
    return MakeBound(name, std::move(arg_types), sig.return_type, std::move(kernel), deterministic);
  };
}

}  // namespace ark::sql
