// Aggregates that collect their input: string_agg (concatenation with a separator) and array_agg
// (a list). Both follow input order, or the aggregate's ORDER BY, which the operator applies by
// feeding rows in that order.
//
// string_agg(x, sep) skips NULL values; a NULL separator counts as empty; each value but the
// first is preceded by its own row's separator (PostgreSQL). The state keeps "sep1 x1 sep2 x2 ..."
// and drops the first separator when finalizing, so partial states concatenate exactly.
//
// array_agg(x) keeps NULL values (PostgreSQL) and returns NULL over no rows. Fixed-width and
// string values are stored in typed vectors; nested values as Values.

#include "sql/functions/aggregate_internal.h"

namespace ark::sql::agg {
namespace {

// ---- string_agg ---------------------------------------------------------------------------------

struct StringAggState {
  std::string* text;   // separators and values so far; null before the first value
  uint32_t first_sep;  // bytes of the separator in front of the first value
};

class StringAgg final : public TypedAggregate<StringAgg, StringAggState> {
 public:
  explicit StringAgg(DataType type) : TypedAggregate("string_agg", std::move(type)) {}
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    const Column& x = *args[0];
    const Column* sep = args.size() > 1 ? args[1].get() : nullptr;
    const bool sep_null_type = sep != nullptr && sep->type_id() == TypeId::kNull;
    ForEachValid(x, rows, [&](int64_t r) {
      std::string_view s = ",";
      if (sep != nullptr)
        s = sep_null_type || sep->IsNull(r) ? std::string_view() : sep->GetView(r);
      StringAggState* st = at(r);
      if (st->text == nullptr) {
        st->text = new std::string();
        st->first_sep = static_cast<uint32_t>(s.size());
      }
      st->text->append(s);
      st->text->append(x.GetView(r));
    });
    return Status::OK();
  }
  void CombineStates(StringAggState& t, const StringAggState& s) const {
    if (s.text == nullptr) return;
    if (t.text == nullptr) {
      t.text = new std::string(*s.text);
      t.first_sep = s.first_sep;
    } else {
      t.text->append(*s.text);
    }
  }
  Status FinalizeState(const StringAggState& s, ColumnBuilder& out) const {
    if (s.text == nullptr) {
      out.AppendNull();
    } else {
      static_cast<BinaryBuilder&>(out).Append(std::string_view(*s.text).substr(s.first_sep));
    }
    return Status::OK();
  }
  void DestroyState(StringAggState& s) const {
    delete s.text;
    s.text = nullptr;
  }
  void SerializeState(const StringAggState& s, std::string* out) const {
    PutPod(out, s.text != nullptr);
    if (s.text == nullptr) return;
    PutPod(out, s.first_sep);
    PutBytes(out, *s.text);
  }
  Status DeserializeState(StateReader& in, StringAggState& s) const {
    bool has = false;
    ARK_RETURN_IF_ERROR(in.Pod(&has));
    if (!has) return Status::OK();
    ARK_RETURN_IF_ERROR(in.Pod(&s.first_sep));
    std::string_view text;
    ARK_RETURN_IF_ERROR(in.Bytes(&text));
    s.text = new std::string(text);
    return Status::OK();
  }
};

Result<AggregateFunctionPtr> BindStringAgg(std::span<const DataType> types,
                                           std::span<const std::optional<Value>>) {
  auto textual = [](const DataType& t) { return t.is_binary_like() || t.id() == TypeId::kNull; };
  if ((types.size() == 1 || types.size() == 2) && textual(types[0]) &&
      (types.size() == 1 || textual(types[1]))) {
    DataType out = types[0].id() == TypeId::kBinary ? DataType::Binary() : DataType::String();
    return std::make_shared<StringAgg>(out);
  }
  return NoAggregateOverload("string_agg", types,
                             {"string_agg(string, separator string)",
                              "string_agg(binary, separator binary)", "string_agg(string)"});
}

// ---- array_agg ----------------------------------------------------------------------------------

template <typename T>
struct FixedItems {
  std::vector<T> values;
  std::vector<uint8_t> valid;
  void Add(const Column& c, int64_t r) {
    const bool ok = c.IsValid(r);
    if constexpr (std::is_same_v<T, bool>) {
      values.push_back(ok && c.GetBool(r));
    } else {
      values.push_back(ok ? c.data<T>()[r] : T{});
    }
    valid.push_back(ok);
  }
  void AddAll(const FixedItems& o) {
    values.insert(values.end(), o.values.begin(), o.values.end());
    valid.insert(valid.end(), o.valid.begin(), o.valid.end());
  }
  void Write(std::string* out, const DataType&) const {
    PutVector(out, valid);
    for (size_t i = 0; i < values.size(); ++i) PutPod<T>(out, values[i]);
  }
  Status Read(StateReader& in, const DataType&) {
    ARK_RETURN_IF_ERROR(in.Vector(&valid));
    values.resize(valid.size());
    for (size_t i = 0; i < valid.size(); ++i) {
      T v{};
      ARK_RETURN_IF_ERROR(in.Pod(&v));
      values[i] = v;
    }
    return Status::OK();
  }
  void AppendTo(ColumnBuilder& b) const {
    for (size_t i = 0; i < values.size(); ++i) {
      if (!valid[i]) {
        b.AppendNull();
      } else if constexpr (std::is_same_v<T, bool>) {
        static_cast<BoolBuilder&>(b).Append(values[i]);
      } else {
        static_cast<FixedWidthBuilder<T>&>(b).Append(values[i]);
      }
    }
  }
};

struct BytesItems {
  std::string data;
  std::vector<uint32_t> ends;
  std::vector<uint8_t> valid;
  void Add(const Column& c, int64_t r) {
    const bool ok = c.IsValid(r);
    if (ok) data.append(c.GetView(r));
    ends.push_back(static_cast<uint32_t>(data.size()));
    valid.push_back(ok);
  }
  void AddAll(const BytesItems& o) {
    const uint32_t base = static_cast<uint32_t>(data.size());
    data.append(o.data);
    for (uint32_t e : o.ends) ends.push_back(base + e);
    valid.insert(valid.end(), o.valid.begin(), o.valid.end());
  }
  void Write(std::string* out, const DataType&) const {
    PutBytes(out, data);
    PutVector(out, ends);
    PutVector(out, valid);
  }
  Status Read(StateReader& in, const DataType&) {
    std::string_view d;
    ARK_RETURN_IF_ERROR(in.Bytes(&d));
    data = std::string(d);
    ARK_RETURN_IF_ERROR(in.Vector(&ends));
    ARK_RETURN_IF_ERROR(in.Vector(&valid));
    if (ends.size() != valid.size() || (!ends.empty() && ends.back() != data.size())) {
      return Status::InvalidArgument("a saved array_agg state is inconsistent");
    }
    return Status::OK();
  }
  void AppendTo(ColumnBuilder& b) const {
    auto& bb = static_cast<BinaryBuilder&>(b);
    uint32_t start = 0;
    for (size_t i = 0; i < ends.size(); ++i) {
      if (valid[i]) {
        bb.Append(std::string_view(data).substr(start, ends[i] - start));
      } else {
        bb.AppendNull();
      }
      start = ends[i];
    }
  }
};

struct ValueItems {
  std::vector<Value> values;
  void Add(const Column& c, int64_t r) { values.push_back(Value::FromColumn(c, r)); }
  void AddAll(const ValueItems& o) {
    values.insert(values.end(), o.values.begin(), o.values.end());
  }
  void AppendTo(ColumnBuilder& b) const {
    for (const Value& v : values) v.AppendTo(b);
  }
  void Write(std::string* out, const DataType& type) const { PutValues(out, type, values); }
  Status Read(StateReader& in, const DataType& type) { return ReadValues(in, type, &values); }
};

template <typename Items>
struct ArrayAggState {
  Items* items;
};

template <typename Items>
class ArrayAgg final : public TypedAggregate<ArrayAgg<Items>, ArrayAggState<Items>> {
  using State = ArrayAggState<Items>;

 public:
  explicit ArrayAgg(const DataType& element)
      : TypedAggregate<ArrayAgg, State>("array_agg", DataType::List(element)) {}
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    const Column& c = *args[0];
    for (int64_t r = 0; r < rows; ++r) {
      State* s = at(r);
      if (s->items == nullptr) s->items = new Items();
      s->items->Add(c, r);
    }
    return Status::OK();
  }
  void CombineStates(State& t, const State& s) const {
    if (s.items == nullptr) return;
    if (t.items == nullptr) t.items = new Items();
    t.items->AddAll(*s.items);
  }
  Status FinalizeState(const State& s, ColumnBuilder& out) const {
    if (s.items == nullptr) {
      out.AppendNull();
      return Status::OK();
    }
    auto& lb = static_cast<ListBuilder&>(out);
    lb.Append();
    s.items->AppendTo(lb.values());
    return Status::OK();
  }
  void DestroyState(State& s) const {
    delete s.items;
    s.items = nullptr;
  }
  void SerializeState(const State& s, std::string* out) const {
    PutPod(out, s.items != nullptr);
    if (s.items != nullptr) s.items->Write(out, this->return_type_.element());
  }
  Status DeserializeState(StateReader& in, State& s) const {
    bool has = false;
    ARK_RETURN_IF_ERROR(in.Pod(&has));
    if (!has) return Status::OK();
    s.items = new Items();
    return s.items->Read(in, this->return_type_.element());
  }
};

// Items of NULL-typed input: only a count.
struct NullItems {
  int64_t count = 0;
  void Add(const Column&, int64_t) { ++count; }
  void AddAll(const NullItems& o) { count += o.count; }
  void AppendTo(ColumnBuilder& b) const { b.AppendNulls(count); }
  void Write(std::string* out, const DataType&) const { PutPod(out, count); }
  Status Read(StateReader& in, const DataType&) { return in.Pod(&count); }
};

Result<AggregateFunctionPtr> BindArrayAgg(std::span<const DataType> types,
                                          std::span<const std::optional<Value>>) {
  if (types.size() != 1) return NoAggregateOverload("array_agg", types, {"array_agg(any)"});
  const DataType& t = types[0];
  switch (t.id()) {
    case TypeId::kNull:
      return std::make_shared<ArrayAgg<NullItems>>(t);
    case TypeId::kBool:
      return std::make_shared<ArrayAgg<FixedItems<bool>>>(t);
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::make_shared<ArrayAgg<FixedItems<int32_t>>>(t);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::make_shared<ArrayAgg<FixedItems<int64_t>>>(t);
    case TypeId::kFloat32:
      return std::make_shared<ArrayAgg<FixedItems<float>>>(t);
    case TypeId::kFloat64:
      return std::make_shared<ArrayAgg<FixedItems<double>>>(t);
    case TypeId::kInterval:
      return std::make_shared<ArrayAgg<FixedItems<IntervalValue>>>(t);
    case TypeId::kString:
    case TypeId::kBinary:
      return std::make_shared<ArrayAgg<BytesItems>>(t);
    case TypeId::kList:
    case TypeId::kStruct:
      return std::make_shared<ArrayAgg<ValueItems>>(t);
  }
  return NoAggregateOverload("array_agg", types, {"array_agg(any)"});
}

}  // namespace

void RegisterCollectionAggregates(FunctionRegistry& registry) {
  registry.AddAggregate(
      "string_agg", BindStringAgg,
      {"aggregate", "string_agg(x string, sep string) → string",
       "Concatenates the non-NULL values, each after the first preceded by its separator "
       "(default ','); in input order or the ORDER BY given inside the call. NULL over no "
       "values.",
       "string_agg(x, '-' ORDER BY x) over 'b', 'a', NULL → 'a-b'"});
  registry.AddAlias("group_concat", "string_agg");
  registry.AddAggregate("array_agg", BindArrayAgg,
                        {"aggregate", "array_agg(x any) → list<type of x>",
                         "The values as a list, NULLs included, in input order or the ORDER BY "
                         "given inside the call. NULL over no rows.",
                         "array_agg(x) over 1, NULL, 3 → [1, NULL, 3]"});
}

}  // namespace ark::sql::agg
