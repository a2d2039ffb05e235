#include "sql/functions/scalar_compare.h"

#include <cstring>

#include "sql/expr/cast.h"
#include "sql/expr/datetime.h"
#include "sql/functions/scalar_kernel.h"

namespace ark::sql {

namespace {

// Total order per physical type: Eq and Lt.
template <typename T>
struct Order {
  static bool Eq(T a, T b) { return a == b; }
  static bool Lt(T a, T b) { return a < b; }
};

template <typename T>
struct FloatOrder {
  static bool Eq(T a, T b) { return (a == b) | ((a != a) & (b != b)); }
  static bool Lt(T a, T b) { return (a < b) | ((a == a) & (b != b)); }
};
template <>
struct Order<float> : FloatOrder<float> {};
template <>
struct Order<double> : FloatOrder<double> {};

template <>
struct Order<std::string_view> {
  static bool Eq(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
  }
  static bool Lt(std::string_view a, std::string_view b) { return a.compare(b) < 0; }
};

template <>
struct Order<IntervalValue> {
  static bool Eq(const IntervalValue& a, const IntervalValue& b) {
    return IntervalSpan(a) == IntervalSpan(b);
  }
  static bool Lt(const IntervalValue& a, const IntervalValue& b) {
    return IntervalSpan(a) < IntervalSpan(b);
  }
};

template <typename T, CompareOp kOp>
inline bool Apply(T a, T b) {
  using O = Order<T>;
  if constexpr (kOp == CompareOp::kEq) return O::Eq(a, b);
  if constexpr (kOp == CompareOp::kNe) return !O::Eq(a, b);
  if constexpr (kOp == CompareOp::kLt) return O::Lt(a, b);
  if constexpr (kOp == CompareOp::kLe) return !O::Lt(b, a);
  if constexpr (kOp == CompareOp::kGt) return O::Lt(b, a);
  if constexpr (kOp == CompareOp::kGe) return !O::Lt(a, b);
  return false;
}

// Packs cmp(i) for i in [0, n) into bits.
template <typename F>
void PackBits(int64_t n, uint8_t* out, F&& cmp) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint8_t byte = 0;
    for (int j = 0; j < 8; ++j) byte |= static_cast<uint8_t>(cmp(i + j)) << j;
    out[i >> 3] = byte;
  }
  if (i < n) {
    uint8_t byte = 0;
    for (int j = 0; i + j < n; ++j) byte |= static_cast<uint8_t>(cmp(i + j)) << j;
    out[i >> 3] = byte;
  }
}

template <typename T, CompareOp kOp>
void CompareFixed(const Datum& a, const Datum& b, int64_t n, uint8_t* out) {
  NumReader<T> ra(a), rb(b);
  if (!ra.is_scalar() && !rb.is_scalar()) {
    const T* pa = ra.data();
    const T* pb = rb.data();
    PackBits(n, out, [&](int64_t i) { return Apply<T, kOp>(pa[i], pb[i]); });
  } else if (!ra.is_scalar()) {
    const T* pa = ra.data();
    const T vb = rb.scalar();
    PackBits(n, out, [&](int64_t i) { return Apply<T, kOp>(pa[i], vb); });
  } else if (!rb.is_scalar()) {
    const T va = ra.scalar();
    const T* pb = rb.data();
    PackBits(n, out, [&](int64_t i) { return Apply<T, kOp>(va, pb[i]); });
  } else {
    const bool r = Apply<T, kOp>(ra.scalar(), rb.scalar());
    PackBits(n, out, [&](int64_t) { return r; });
  }
}

template <CompareOp kOp>
void CompareStrings(const Datum& a, const Datum& b, int64_t n, uint8_t* out) {
  StrReader ra(a), rb(b);
  PackBits(n, out, [&](int64_t i) { return Apply<std::string_view, kOp>(ra[i], rb[i]); });
}

template <CompareOp kOp>
void CompareBools(const Datum& a, const Datum& b, int64_t n, uint8_t* out) {
  BoolReader ra(a), rb(b);
  PackBits(n, out, [&](int64_t i) { return Apply<int, kOp>(ra[i], rb[i]); });
}

template <CompareOp kOp>
void CompareNested(const Datum& a, const Datum& b, int64_t n, uint8_t* out) {
  ColumnPtr ca = a.is_scalar() ? a.scalar().ToColumn(1) : a.column();
  ColumnPtr cb = b.is_scalar() ? b.scalar().ToColumn(1) : b.column();
  const bool sa = a.is_scalar(), sb = b.is_scalar();
  PackBits(n, out, [&](int64_t i) {
    const int c = CompareValues(*ca, sa ? 0 : i, *cb, sb ? 0 : i);
    return Apply<int, kOp>(c, 0);
  });
}

template <CompareOp kOp>
Status CompareInto(const Datum& a, const Datum& b, int64_t n, uint8_t* out) {
  switch (a.type().id()) {
    case TypeId::kBool:
      CompareBools<kOp>(a, b, n, out);
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      CompareFixed<int32_t, kOp>(a, b, n, out);
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      CompareFixed<int64_t, kOp>(a, b, n, out);
      break;
    case TypeId::kFloat32:
      CompareFixed<float, kOp>(a, b, n, out);
      break;
    case TypeId::kFloat64:
      CompareFixed<double, kOp>(a, b, n, out);
      break;
    case TypeId::kInterval:
      CompareFixed<IntervalValue, kOp>(a, b, n, out);
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      CompareStrings<kOp>(a, b, n, out);
      break;
    case TypeId::kList:
    case TypeId::kStruct:
      CompareNested<kOp>(a, b, n, out);
      break;
    case TypeId::kNull:
      break;
  }
  return Status::OK();
}

template <typename T>
int Three(T a, T b) {
  return Order<T>::Lt(a, b) ? -1 : Order<T>::Eq(a, b) ? 0 : 1;
}

}  // namespace

int CompareValues(const Column& a, int64_t i, const Column& b, int64_t j) {
  const bool na = a.IsNull(i), nb = b.IsNull(j);
  if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  switch (a.type_id()) {
    case TypeId::kNull:
      return 0;
    case TypeId::kBool:
      return Three<int>(a.GetBool(i), b.GetBool(j));
    case TypeId::kInt32:
    case TypeId::kDate:
      return Three(a.data<int32_t>()[i], b.data<int32_t>()[j]);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return Three(a.data<int64_t>()[i], b.data<int64_t>()[j]);
    case TypeId::kFloat32:
      return Three(a.data<float>()[i], b.data<float>()[j]);
    case TypeId::kFloat64:
      return Three(a.data<double>()[i], b.data<double>()[j]);
    case TypeId::kInterval:
      return Three(a.data<IntervalValue>()[i], b.data<IntervalValue>()[j]);
    case TypeId::kString:
    case TypeId::kBinary:
      return Three(a.GetView(i), b.GetView(j));
    case TypeId::kList: {
      const int64_t la = a.list_length(i), lb = b.list_length(j);
      const int64_t sa = a.list_start(i), sb = b.list_start(j);
      for (int64_t k = 0; k < la && k < lb; ++k) {
        const int c = CompareValues(*a.list_values(), sa + k, *b.list_values(), sb + k);
        if (c != 0) return c;
      }
      return la < lb ? -1 : la > lb ? 1 : 0;
    }
    case TypeId::kStruct: {
      for (size_t f = 0; f < a.children().size(); ++f) {
        const int c =
            CompareValues(*a.children()[f], a.offset() + i, *b.children()[f], b.offset() + j);
        if (c != 0) return c;
      }
      return 0;
    }
  }
  return 0;
}

Result<Datum> CompareDatums(CompareOp op, const Datum& a, const Datum& b, int64_t rows) {
  if (a.type() != b.type()) {
    return Status::Internal("comparison of {} with {} without a cast", a.type().ToString(),
                            b.type().ToString());
  }
  const Datum args[] = {a, b};
  if (HasNullScalar(args) || a.type().id() == TypeId::kNull) {
    return Datum(Value::Null(DataType::Bool()));
  }
  const bool scalar = a.is_scalar() && b.is_scalar();
  const int64_t n = scalar ? 1 : rows;
  auto values = Buffer::Allocate(static_cast<size_t>(bit_util::BytesForBits(n)));
  uint8_t* out = values->mutable_data();
  switch (op) {
    case CompareOp::kEq:
      ARK_RETURN_IF_ERROR(CompareInto<CompareOp::kEq>(a, b, n, out));
      break;
    case CompareOp::kNe:
      ARK_RETURN_IF_ERROR(CompareInto<CompareOp::kNe>(a, b, n, out));
      break;
    case CompareOp::kLt:
      ARK_RETURN_IF_ERROR(CompareInto<CompareOp::kLt>(a, b, n, out));
      break;
    case CompareOp::kLe:
      ARK_RETURN_IF_ERROR(CompareInto<CompareOp::kLe>(a, b, n, out));
      break;
    case CompareOp::kGt:
      ARK_RETURN_IF_ERROR(CompareInto<CompareOp::kGt>(a, b, n, out));
      break;
    case CompareOp::kGe:
      ARK_RETURN_IF_ERROR(CompareInto<CompareOp::kGe>(a, b, n, out));
      break;
  }
  int64_t nulls = 0;
  BufferPtr validity = scalar ? nullptr : CombinedValidity(args, n, &nulls);
  ColumnPtr col =
      Column::Make(DataType::Bool(), n, {std::move(validity), std::move(values)}, {}, nulls);
  return ToDatum(std::move(col), scalar);
}

// ---------------------------------------------------------------------------------------------
// Registration

namespace {

ScalarBinder ComparisonBinder(std::string name, CompareOp op) {
  return
      [name, op](std::span<const DataType> types,
                 std::span<const std::optional<Value>> constants) -> Result<BoundScalarFunction> {
        if (types.size() != 2) return NoMatchingOverload(name, types, {});
        std::optional<DataType> common = CommonSuperType(
            types[0], types[1], IsStringLiteral(constants, 0), IsStringLiteral(constants, 1));
        if (!common) return NoMatchingOverload(name, types, {});
        ScalarKernel kernel = [op](KernelContext&, std::span<const Datum> args, int64_t rows) {
          return CompareDatums(op, args[0], args[1], rows);
        };
        return MakeBound(name, {*common, *common}, DataType::Bool(), std::move(kernel));
      };
}

}  // namespace

void RegisterComparisonFunctions(FunctionRegistry& registry) {
  struct Entry {
    const char* name;
    CompareOp op;
    const char* description;
    const char* example;
  };
  static constexpr Entry kOps[] = {
      {"=", CompareOp::kEq, "Equal.", "1 = 1 → true"},
      {"<>", CompareOp::kNe, "Not equal (also written !=).", "1 <> 2 → true"},
      {"<", CompareOp::kLt, "Less than.", "'a' < 'b' → true"},
      {"<=", CompareOp::kLe, "Less than or equal.", "2 <= 2 → true"},
      {">", CompareOp::kGt, "Greater than.", "DATE '2024-01-02' > DATE '2024-01-01' → true"},
      {">=", CompareOp::kGe, "Greater than or equal.", "1.5 >= 2 → false"},
  };
  for (const Entry& e : kOps) {
    registry.AddScalar(
        e.name, ComparisonBinder(e.name, e.op),
        {"comparison", std::string("a ") + e.name + " b → bool",
         std::string(e.description) +
             " Works on every type (operands are coerced to a common type); NULL when either "
             "side is NULL. Strings compare by bytes, lists and structs lexicographically.",
         e.example});
  }
}

}  // namespace ark::sql
