// count, sum, avg, min, max, bool_and/bool_or/every, first/last/any_value.
//
// NULL inputs are skipped except by count(*) and first/last (which return the first/last row's
// value, NULL included, like DuckDB's first/last; any_value skips NULLs). Over no rows (or only
// NULLs) every function but count returns NULL.
//
// sum over int32/int64 accumulates in 128 bits and fails at the end when the total does not fit
// in int64 ("bigint out of range"), so an intermediate overflow that later cancels is fine and
// retraction is exact. sum/avg over floats accumulate in float64.

#include <atomic>
#include <cmath>
#include <limits>

#include "core/arrow_ipc.h"
#include "core/batch.h"
#include "core/schema.h"
#include "sql/functions/aggregate_internal.h"

namespace ark::sql::agg {
namespace {

// ---- helpers ------------------------------------------------------------------------------------

// Reads a fixed-width value (bool from its bit) of row r.
template <typename T>
struct FixedReader {
  explicit FixedReader(const Column& c) : data(c.data<T>()) {}
  T operator()(int64_t r) const { return data[r]; }
  const T* data;
};
template <>
struct FixedReader<bool> {
  explicit FixedReader(const Column& c) : col(&c) {}
  bool operator()(int64_t r) const { return col->GetBool(r); }
  const Column* col;
};

template <typename T>
void AppendFixed(ColumnBuilder& b, T v) {
  if constexpr (std::is_same_v<T, bool>) {
    static_cast<BoolBuilder&>(b).Append(v);
  } else {
    static_cast<FixedWidthBuilder<T>&>(b).Append(v);
  }
}

// SQL ordering of fixed-width values: NaN above every number (PostgreSQL), intervals by their span
// with a month as 30 days.
template <typename T>
inline bool Less(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
    return a < b;
  } else if constexpr (std::is_same_v<T, IntervalValue>) {
    constexpr __int128 kDayNanos = __int128{86400} * 1000000000;
    auto span = [](const IntervalValue& v) {
      return (__int128{v.months} * 30 + v.days) * kDayNanos + v.nanos;
    };
    return span(a) < span(b);
  } else {
    return a < b;
  }
}

// Calls `make.template operator()<T>()` with the C++ type of a fixed-width (or bool) type id.
template <typename Make>
AggregateFunctionPtr DispatchFixed(TypeId id, Make&& make) {
  switch (id) {
    case TypeId::kBool:
      return make.template operator()<bool>();
    case TypeId::kInt32:
    case TypeId::kDate:
      return make.template operator()<int32_t>();
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return make.template operator()<int64_t>();
    case TypeId::kFloat32:
      return make.template operator()<float>();
    case TypeId::kFloat64:
      return make.template operator()<double>();
    case TypeId::kInterval:
      return make.template operator()<IntervalValue>();
    default:
      return nullptr;
  }
}

// ---- NULL-typed input: always NULL
// ---------------------------------------------------------------

struct EmptyState {
  int64_t unused;
};

class AlwaysNull final : public TypedAggregate<AlwaysNull, EmptyState> {
 public:
  using TypedAggregate::TypedAggregate;
  static constexpr bool kRetractable = true;
  template <typename At>
  Status UpdateRows(At, std::span<const ColumnPtr>, int64_t) const {
    return Status::OK();
  }
  template <typename At>
  Status RetractRows(At, std::span<const ColumnPtr>, int64_t) const {
    return Status::OK();
  }
  void CombineStates(EmptyState&, const EmptyState&) const {}
  Status FinalizeState(const EmptyState&, ColumnBuilder& out) const {
    out.AppendNull();
    return Status::OK();
  }
};

// ---- count --------------------------------------------------------------------------------------

struct CountState {
  int64_t n;
};

class CountStar final : public TypedAggregate<CountStar, CountState> {
 public:
  CountStar() : TypedAggregate("count", DataType::Int64()) {}
  static constexpr bool kRetractable = true;
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr>, int64_t rows) const {
    for (int64_t r = 0; r < rows; ++r) ++at(r)->n;
    return Status::OK();
  }
  template <typename At>
  Status RetractRows(At at, std::span<const ColumnPtr>, int64_t rows) const {
    for (int64_t r = 0; r < rows; ++r) --at(r)->n;
    return Status::OK();
  }
  void CombineStates(CountState& t, const CountState& s) const { t.n += s.n; }
  Status FinalizeState(const CountState& s, ColumnBuilder& out) const {
    static_cast<Int64Builder&>(out).Append(s.n);
    return Status::OK();
  }
};

class CountValues final : public TypedAggregate<CountValues, CountState> {
 public:
  CountValues() : TypedAggregate("count", DataType::Int64()) {}
  static constexpr bool kRetractable = true;
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    ForEachValid(*args[0], rows, [&](int64_t r) { ++at(r)->n; });
    return Status::OK();
  }
  template <typename At>
  Status RetractRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    ForEachValid(*args[0], rows, [&](int64_t r) { --at(r)->n; });
    return Status::OK();
  }
  void CombineStates(CountState& t, const CountState& s) const { t.n += s.n; }
  Status FinalizeState(const CountState& s, ColumnBuilder& out) const {
    static_cast<Int64Builder&>(out).Append(s.n);
    return Status::OK();
  }
};

// ---- sum / avg ----------------------------------------------------------------------------------

struct IntSumState {
  Int128 sum;
  int64_t count;
};
struct FloatSumState {
  double sum;
  int64_t count;
};

enum class SumKind { kSum, kAvg };

template <typename T, SumKind kKind>
class IntSum final : public TypedAggregate<IntSum<T, kKind>, IntSumState> {
 public:
  explicit IntSum(std::string name)
      : TypedAggregate<IntSum, IntSumState>(
            std::move(name), kKind == SumKind::kSum ? DataType::Int64() : DataType::Float64()) {}
  static constexpr bool kRetractable = true;
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    const T* v = args[0]->data<T>();
    ForEachValid(*args[0], rows, [&](int64_t r) {
      IntSumState* s = at(r);
      s->sum += v[r];
      ++s->count;
    });
    return Status::OK();
  }
  template <typename At>
  Status RetractRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    const T* v = args[0]->data<T>();
    ForEachValid(*args[0], rows, [&](int64_t r) {
      IntSumState* s = at(r);
      s->sum -= v[r];
      --s->count;
    });
    return Status::OK();
  }
  void CombineStates(IntSumState& t, const IntSumState& s) const {
    t.sum += s.sum;
    t.count += s.count;
  }
  Status FinalizeState(const IntSumState& s, ColumnBuilder& out) const {
    if (s.count == 0) {
      out.AppendNull();
    } else if constexpr (kKind == SumKind::kSum) {
      if (s.sum > std::numeric_limits<int64_t>::max() ||
          s.sum < std::numeric_limits<int64_t>::min()) {
        return Status::OutOfRange("bigint out of range");
      }
      static_cast<Int64Builder&>(out).Append(static_cast<int64_t>(s.sum));
    } else {
      static_cast<Float64Builder&>(out).Append(static_cast<double>(s.sum) /
                                               static_cast<double>(s.count));
    }
    return Status::OK();
  }
};

template <typename T, SumKind kKind>
class FloatSum final : public TypedAggregate<FloatSum<T, kKind>, FloatSumState> {
 public:
  explicit FloatSum(std::string name)
      : TypedAggregate<FloatSum, FloatSumState>(std::move(name), DataType::Float64()) {}
  static constexpr bool kRetractable = true;
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    const T* v = args[0]->data<T>();
    ForEachValid(*args[0], rows, [&](int64_t r) {
      FloatSumState* s = at(r);
      s->sum += static_cast<double>(v[r]);
      ++s->count;
    });
    return Status::OK();
  }
  template <typename At>
  Status RetractRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    const T* v = args[0]->data<T>();
    ForEachValid(*args[0], rows, [&](int64_t r) {
      FloatSumState* s = at(r);
      s->sum -= static_cast<double>(v[r]);
      --s->count;
    });
    return Status::OK();
  }
  void CombineStates(FloatSumState& t, const FloatSumState& s) const {
    t.sum += s.sum;
    t.count += s.count;
  }
  Status FinalizeState(const FloatSumState& s, ColumnBuilder& out) const {
    if (s.count == 0) {
      out.AppendNull();
    } else if constexpr (kKind == SumKind::kSum) {
      static_cast<Float64Builder&>(out).Append(s.sum);
    } else {
      static_cast<Float64Builder&>(out).Append(s.sum / static_cast<double>(s.count));
    }
    return Status::OK();
  }
};

template <SumKind kKind>
Result<AggregateFunctionPtr> BindSum(std::string name, std::span<const DataType> types) {
  if (types.size() == 1) {
    switch (types[0].id()) {
      case TypeId::kInt32:
        return std::make_shared<IntSum<int32_t, kKind>>(name);
      case TypeId::kInt64:
        return std::make_shared<IntSum<int64_t, kKind>>(name);
      case TypeId::kFloat32:
        return std::make_shared<FloatSum<float, kKind>>(name);
      case TypeId::kFloat64:
        return std::make_shared<FloatSum<double, kKind>>(name);
      case TypeId::kNull:
        return std::make_shared<AlwaysNull>(
            name, kKind == SumKind::kSum ? DataType::Int64() : DataType::Float64());
      default:
        break;
    }
  }
  return NoAggregateOverload(
      name, types, {name + "(int32)", name + "(int64)", name + "(float32)", name + "(float64)"});
}

// ---- min / max ----------------------------------------------------------------------------------

template <typename T>
struct FixedValueState {
  T value;
  bool has;
};

template <typename T, bool kMax>
class MinMaxFixed final : public TypedAggregate<MinMaxFixed<T, kMax>, FixedValueState<T>> {
  using State = FixedValueState<T>;

 public:
  explicit MinMaxFixed(DataType type)
      : TypedAggregate<MinMaxFixed, State>(kMax ? "max" : "min", std::move(type)) {}
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    FixedReader<T> read(*args[0]);
    ForEachValid(*args[0], rows, [&](int64_t r) { Offer(*at(r), read(r)); });
    return Status::OK();
  }
  void CombineStates(State& t, const State& s) const {
    if (s.has) Offer(t, s.value);
  }
  Status FinalizeState(const State& s, ColumnBuilder& out) const {
    if (s.has) {
      AppendFixed<T>(out, s.value);
    } else {
      out.AppendNull();
    }
    return Status::OK();
  }

 private:
  static void Offer(State& s, T v) {
    if (!s.has || (kMax ? Less(s.value, v) : Less(v, s.value))) {
      s.value = v;
      s.has = true;
    }
  }
};

struct BytesValueState {
  OwnedBytes value;
  bool has;
};

template <bool kMax>
class MinMaxBytes final : public TypedAggregate<MinMaxBytes<kMax>, BytesValueState> {
 public:
  explicit MinMaxBytes(DataType type)
      : TypedAggregate<MinMaxBytes, BytesValueState>(kMax ? "max" : "min", std::move(type)) {}
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    const Column& c = *args[0];
    ForEachValid(c, rows, [&](int64_t r) { Offer(*at(r), c.GetView(r)); });
    return Status::OK();
  }
  void CombineStates(BytesValueState& t, const BytesValueState& s) const {
    if (s.has) Offer(t, s.value.view());
  }
  Status FinalizeState(const BytesValueState& s, ColumnBuilder& out) const {
    if (s.has) {
      static_cast<BinaryBuilder&>(out).Append(s.value.view());
    } else {
      out.AppendNull();
    }
    return Status::OK();
  }
  void DestroyState(BytesValueState& s) const { s.value.Free(); }
  void SerializeState(const BytesValueState& s, std::string* out) const {
    PutPod(out, s.has);
    if (s.has) PutBytes(out, s.value.view());
  }
  Status DeserializeState(StateReader& in, BytesValueState& s) const {
    ARK_RETURN_IF_ERROR(in.Pod(&s.has));
    if (!s.has) return Status::OK();
    std::string_view v;
    ARK_RETURN_IF_ERROR(in.Bytes(&v));
    s.value.Assign(v);
    return Status::OK();
  }

 private:
  // Bytewise comparison (C collation): string_view compares as unsigned bytes.
  static void Offer(BytesValueState& s, std::string_view v) {
    if (!s.has || (kMax ? s.value.view() < v : v < s.value.view())) {
      s.value.Assign(v);
      s.has = true;
    }
  }
};

template <bool kMax>
Result<AggregateFunctionPtr> BindMinMax(std::span<const DataType> types) {
  const std::string name = kMax ? "max" : "min";
  if (types.size() == 1) {
    const DataType& t = types[0];
    if (t.id() == TypeId::kNull) return std::make_shared<AlwaysNull>(name, t);
    if (t.is_binary_like()) return std::make_shared<MinMaxBytes<kMax>>(t);
    AggregateFunctionPtr f = DispatchFixed(t.id(), [&]<typename T>() -> AggregateFunctionPtr {
      return std::make_shared<MinMaxFixed<T, kMax>>(t);
    });
    if (f) return f;
  }
  std::vector<std::string> expected;
  for (const char* t : {"int32", "int64", "float32", "float64", "string", "binary", "bool", "date",
                        "timestamp", "interval"}) {
    expected.push_back(name + "(" + t + ")");
  }
  return NoAggregateOverload(name, types, std::move(expected));
}

// ---- bool_and / bool_or -------------------------------------------------------------------------

struct BoolCountState {
  int64_t trues;
  int64_t falses;
};

template <bool kOr>
class BoolAggregate final : public TypedAggregate<BoolAggregate<kOr>, BoolCountState> {
 public:
  explicit BoolAggregate(std::string name)
      : TypedAggregate<BoolAggregate, BoolCountState>(std::move(name), DataType::Bool()) {}
  static constexpr bool kRetractable = true;
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    const Column& c = *args[0];
    ForEachValid(c, rows, [&](int64_t r) {
      BoolCountState* s = at(r);
      if (c.GetBool(r)) {
        ++s->trues;
      } else {
        ++s->falses;
      }
    });
    return Status::OK();
  }
  template <typename At>
  Status RetractRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    const Column& c = *args[0];
    ForEachValid(c, rows, [&](int64_t r) {
      BoolCountState* s = at(r);
      if (c.GetBool(r)) {
        --s->trues;
      } else {
        --s->falses;
      }
    });
    return Status::OK();
  }
  void CombineStates(BoolCountState& t, const BoolCountState& s) const {
    t.trues += s.trues;
    t.falses += s.falses;
  }
  Status FinalizeState(const BoolCountState& s, ColumnBuilder& out) const {
    if (s.trues + s.falses == 0) {
      out.AppendNull();
    } else {
      static_cast<BoolBuilder&>(out).Append(kOr ? s.trues > 0 : s.falses == 0);
    }
    return Status::OK();
  }
};

template <bool kOr>
AggregateBinder BoolBinder(std::string name) {
  return [name](std::span<const DataType> types,
                std::span<const std::optional<Value>>) -> Result<AggregateFunctionPtr> {
    if (types.size() == 1 && types[0].id() == TypeId::kBool) {
      return std::make_shared<BoolAggregate<kOr>>(name);
    }
    if (types.size() == 1 && types[0].id() == TypeId::kNull) {
      return std::make_shared<AlwaysNull>(name, DataType::Bool());
    }
    return NoAggregateOverload(name, types, {name + "(bool)"});
  };
}

// ---- first / last / any_value -------------------------------------------------------------------

// A slot holds one value of the input type: fixed-width inline, string/binary bytes on the heap,
// nested types as a heap Value.
template <typename T>
struct FixedSlot {
  T value;
  void Set(const Column& c, int64_t r) { value = FixedReader<T>(c)(r); }
  void SetFrom(const FixedSlot& o) { value = o.value; }
  void Append(ColumnBuilder& b) const { AppendFixed<T>(b, value); }
  void Free() {}
  void Write(std::string* out, const DataType&) const { PutPod(out, value); }
  Status Read(StateReader& in, const DataType&) { return in.Pod(&value); }
};
struct BytesSlot {
  OwnedBytes bytes;
  void Set(const Column& c, int64_t r) { bytes.Assign(c.GetView(r)); }
  void SetFrom(const BytesSlot& o) { bytes.Assign(o.bytes.view()); }
  void Append(ColumnBuilder& b) const { static_cast<BinaryBuilder&>(b).Append(bytes.view()); }
  void Free() { bytes.Free(); }
  void Write(std::string* out, const DataType&) const { PutBytes(out, bytes.view()); }
  Status Read(StateReader& in, const DataType&) {
    std::string_view v;
    ARK_RETURN_IF_ERROR(in.Bytes(&v));
    bytes.Assign(v);
    return Status::OK();
  }
};
struct ValueSlot {
  Value* value;
  void Set(const Column& c, int64_t r) { Assign(Value::FromColumn(c, r)); }
  void SetFrom(const ValueSlot& o) { Assign(*o.value); }
  void Append(ColumnBuilder& b) const { value->AppendTo(b); }
  void Free() {
    delete value;
    value = nullptr;
  }
  void Assign(Value v) {
    if (value == nullptr) {
      value = new Value(std::move(v));
    } else {
      *value = std::move(v);
    }
  }
  void Write(std::string* out, const DataType& type) const {
    PutValues(out, type, std::span<const Value>(value, 1));
  }
  Status Read(StateReader& in, const DataType& type) {
    std::vector<Value> values;
    ARK_RETURN_IF_ERROR(ReadValues(in, type, &values));
    if (values.size() != 1) {
      return Status::InvalidArgument("a saved value slot holds {} values, expected 1",
                                     values.size());
    }
    Assign(std::move(values[0]));
    return Status::OK();
  }
};

template <typename Slot>
struct PickState {
  Slot slot;
  uint64_t generation;  // last: the Update call that already set this state
  bool set;             // some row was seen
  bool null;            // ... and the picked value is NULL
};

enum class PickKind { kFirst, kLast, kAnyValue };

// Every Update call of `last` gets a fresh generation, so that walking a batch backwards it sets
// each group's state once (the group's last row) instead of copying every row's value.
std::atomic<uint64_t> g_pick_generation{0};

template <typename Slot, PickKind kKind>
class Pick final : public TypedAggregate<Pick<Slot, kKind>, PickState<Slot>> {
  using State = PickState<Slot>;

 public:
  Pick(std::string name, DataType type)
      : TypedAggregate<Pick, State>(std::move(name), std::move(type)) {}
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    const Column& c = *args[0];
    if constexpr (kKind == PickKind::kFirst) {
      for (int64_t r = 0; r < rows; ++r) {
        State* s = at(r);
        if (!s->set) Take(*s, c, r);
      }
    } else if constexpr (kKind == PickKind::kAnyValue) {
      ForEachValid(c, rows, [&](int64_t r) {
        State* s = at(r);
        if (!s->set) Take(*s, c, r);
      });
    } else {
      const uint64_t gen = g_pick_generation.fetch_add(1, std::memory_order_relaxed) + 1;
      for (int64_t r = rows - 1; r >= 0; --r) {
        State* s = at(r);
        if (s->generation != gen) {
          s->generation = gen;
          Take(*s, c, r);
        }
      }
    }
    return Status::OK();
  }
  void CombineStates(State& t, const State& s) const {
    if (!s.set) return;
    if (kKind == PickKind::kLast || !t.set) {
      t.set = true;
      t.null = s.null;
      if (!s.null) t.slot.SetFrom(s.slot);
    }
  }
  Status FinalizeState(const State& s, ColumnBuilder& out) const {
    if (!s.set || s.null) {
      out.AppendNull();
    } else {
      s.slot.Append(out);
    }
    return Status::OK();
  }
  void DestroyState(State& s) const { s.slot.Free(); }
  // The generation only matters within one Update call: it is not saved.
  void SerializeState(const State& s, std::string* out) const {
    PutPod(out, s.set);
    PutPod(out, s.null);
    if (s.set && !s.null) s.slot.Write(out, this->return_type_);
  }
  Status DeserializeState(StateReader& in, State& s) const {
    ARK_RETURN_IF_ERROR(in.Pod(&s.set));
    ARK_RETURN_IF_ERROR(in.Pod(&s.null));
    if (s.set && !s.null) return s.slot.Read(in, this->return_type_);
    return Status::OK();
  }

 private:
  static void Take(State& s, const Column& c, int64_t r) {
    s.set = true;
    s.null = c.IsNull(r);
    if (!s.null) s.slot.Set(c, r);
  }
};

template <PickKind kKind>
AggregateBinder PickBinder(std::string name) {
  return [name](std::span<const DataType> types,
                std::span<const std::optional<Value>>) -> Result<AggregateFunctionPtr> {
    if (types.size() != 1) return NoAggregateOverload(name, types, {name + "(any)"});
    const DataType& t = types[0];
    if (t.id() == TypeId::kNull) return std::make_shared<AlwaysNull>(name, t);
    if (t.is_binary_like()) return std::make_shared<Pick<BytesSlot, kKind>>(name, t);
    if (t.is_nested()) return std::make_shared<Pick<ValueSlot, kKind>>(name, t);
    return DispatchFixed(t.id(), [&]<typename T>() -> AggregateFunctionPtr {
      return std::make_shared<Pick<FixedSlot<T>, kKind>>(name, t);
    });
  };
}

AggregateBinder SimpleBinder(
    std::function<Result<AggregateFunctionPtr>(std::span<const DataType>)> fn) {
  return [fn = std::move(fn)](std::span<const DataType> types,
                              std::span<const std::optional<Value>>) { return fn(types); };
}

}  // namespace

Status NoAggregateOverload(std::string_view name, std::span<const DataType> args,
                           std::vector<std::string> expected) {
  std::string sig(name);
  sig += '(';
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) sig += ", ";
    sig += args[i].ToString();
  }
  sig += ')';
  if (expected.size() == 1) {
    return Status::TypeError("function {} does not exist; expected {}", sig, expected[0]);
  }
  std::string list;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (i) list += ", ";
    list += expected[i];
  }
  return Status::TypeError("function {} does not exist; expected one of {}", sig, list);
}

Result<double> ConstantFraction(std::string_view name, std::span<const std::optional<Value>> consts,
                                size_t i) {
  if (i >= consts.size() || !consts[i].has_value()) {
    return Status::InvalidArgument("{}: the fraction (argument {}) must be a constant", name,
                                   i + 1);
  }
  const Value& v = *consts[i];
  double f;
  if (v.is_null()) {
    return Status::InvalidArgument("{}: the fraction must not be NULL", name);
  } else if (v.type().is_floating()) {
    f = v.float_value();
  } else if (v.type().is_integer()) {
    f = static_cast<double>(v.int_value());
  } else {
    return Status::TypeError("{}: the fraction must be a number, got {}", name,
                             v.type().ToString());
  }
  if (!(f >= 0 && f <= 1)) {
    return Status::InvalidArgument("{}: the fraction must be between 0 and 1, got {}", name,
                                   v.ToString());
  }
  return f;
}

void PutValues(std::string* out, const DataType& type, std::span<const Value> values) {
  std::unique_ptr<ColumnBuilder> b = MakeBuilder(type);
  for (const Value& v : values) v.AppendTo(*b);
  const int64_t n = static_cast<int64_t>(values.size());
  Batch batch(Schema::Make({Field("v", type, true)}), {b->Finish()}, n);
  std::string ipc;
  IpcStreamWriter writer(&ipc);
  Status s = writer.Write(batch);
  if (s.ok()) s = writer.Finish();
  ARK_CHECK(s.ok(), "writing values of an aggregate state to memory failed: " + s.ToString());
  PutBytes(out, ipc);
}

Status ReadValues(StateReader& in, const DataType& type, std::vector<Value>* values) {
  std::string_view ipc;
  ARK_RETURN_IF_ERROR(in.Bytes(&ipc));
  ARK_ASSIGN_OR_RETURN(std::vector<Batch> batches, ReadIpcStream(ipc));
  values->clear();
  for (const Batch& b : batches) {
    if (b.num_columns() != 1 || !(b.column(0)->type() == type)) {
      return Status::InvalidArgument("saved values of an aggregate state are not one {} column",
                                     type.ToString());
    }
    for (int64_t r = 0; r < b.num_rows(); ++r)
      values->push_back(Value::FromColumn(*b.column(0), r));
  }
  return Status::OK();
}

bool IsFixedWidthValueType(TypeId id) {
  switch (id) {
    case TypeId::kBool:
    case TypeId::kInt32:
    case TypeId::kDate:
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kInterval:
      return true;
    default:
      return false;
  }
}

void RegisterBasicAggregates(FunctionRegistry& registry) {
  registry.AddAggregate(
      "count",
      [](std::span<const DataType> types,
         std::span<const std::optional<Value>>) -> Result<AggregateFunctionPtr> {
        if (types.empty()) return std::make_shared<CountStar>();
        if (types.size() == 1) return std::make_shared<CountValues>();
        return NoAggregateOverload("count", types, {"count(*)", "count(any)"});
      },
      {"aggregate", "count(*) → int64; count(x any) → int64",
       "count(*) counts rows; count(x) counts rows where x is not NULL. 0 over no rows.",
       "count(x) over 1, NULL, 3 → 2"});
  registry.AddAggregate(
      "sum", SimpleBinder([](auto types) { return BindSum<SumKind::kSum>("sum", types); }),
      {"aggregate", "sum(x int32|int64) → int64; sum(x float32|float64) → float64",
       "Sum of the non-NULL values; NULL over no rows. An integer total outside int64 is an "
       "error (bigint out of range).",
       "sum(x) over 1, NULL, 3 → 4"});
  registry.AddAggregate(
      "avg", SimpleBinder([](auto types) { return BindSum<SumKind::kAvg>("avg", types); }),
      {"aggregate", "avg(x numeric) → float64", "Mean of the non-NULL values; NULL over no rows.",
       "avg(x) over 1, 2, NULL → 1.5"});
  registry.AddAlias("mean", "avg");
  registry.AddAggregate(
      "min", SimpleBinder([](auto types) { return BindMinMax<false>(types); }),
      {"aggregate", "min(x) → same type",
       "Smallest non-NULL value (numbers, strings bytewise, bool, date, timestamp, interval; "
       "NaN is above every number).",
       "min(x) over 'b', 'a', NULL → 'a'"});
  registry.AddAggregate("max", SimpleBinder([](auto types) { return BindMinMax<true>(types); }),
                        {"aggregate", "max(x) → same type", "Largest non-NULL value (see min).",
                         "max(x) over 3, NULL, 7 → 7"});
  registry.AddAggregate("bool_and", BoolBinder<false>("bool_and"),
                        {"aggregate", "bool_and(x bool) → bool",
                         "TRUE when every non-NULL value is TRUE; NULL over no values.",
                         "bool_and(x) over true, NULL, false → false"});
  registry.AddAggregate("every", BoolBinder<false>("every"),
                        {"aggregate", "every(x bool) → bool", "The SQL-standard bool_and.",
                         "every(x) over true, true → true"});
  registry.AddAggregate("bool_or", BoolBinder<true>("bool_or"),
                        {"aggregate", "bool_or(x bool) → bool",
                         "TRUE when some non-NULL value is TRUE; NULL over no values.",
                         "bool_or(x) over false, NULL, true → true"});
  registry.AddAggregate("first_value", PickBinder<PickKind::kFirst>("first_value"),
                        {"aggregate", "first_value(x) → same type",
                         "The value of the first row in input order (or in the aggregate's ORDER "
                         "BY), NULL included. Also called first.",
                         "first_value(x) over NULL, 2 → NULL"});
  registry.AddAlias("first", "first_value");
  registry.AddAggregate("last_value", PickBinder<PickKind::kLast>("last_value"),
                        {"aggregate", "last_value(x) → same type",
                         "The value of the last row in input order (or in the aggregate's ORDER "
                         "BY), NULL included. Also called last.",
                         "last_value(x) over 1, 2 → 2"});
  registry.AddAlias("last", "last_value");
  registry.AddAggregate("any_value", PickBinder<PickKind::kAnyValue>("any_value"),
                        {"aggregate", "any_value(x) → same type",
                         "The first non-NULL value in input order; NULL when there is none.",
                         "any_value(x) over NULL, 2, 3 → 2"});
}

}  // namespace ark::sql::agg
