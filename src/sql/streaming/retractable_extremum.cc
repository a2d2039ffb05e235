#include "sql/streaming/retractable_extremum.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/column_builder.h"
#include "state/state_codec.h"

namespace ark::sql {

namespace {

// Floats order NaN after every number (as PostgreSQL does), which keeps the map's order strict.
template <typename T>
struct Before {
  bool operator()(const T& a, const T& b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(a)) return false;
      if (std::isnan(b)) return true;
    }
    return a < b;
  }
};

template <typename T>
T ValueAt(const Column& c, int64_t r) {
  if constexpr (std::is_same_v<T, std::string>) {
    return std::string(c.GetView(r));
  } else {
    return c.data<T>()[r];
  }
}

// State: a pointer to a map value → count, created on the first value.
template <typename T>
class Extremum final : public AggregateFunction {
 public:
  using Counts = std::map<T, int64_t, Before<T>>;
  Extremum(std::string name, DataType type, bool max)
      : name_(std::move(name)), type_(std::move(type)), max_(max) {}

  const std::string& name() const override { return name_; }
  const DataType& return_type() const override { return type_; }
  size_t state_size() const override { return sizeof(Counts*); }
  void Init(uint8_t* state) const override { *reinterpret_cast<Counts**>(state) = nullptr; }
  void Destroy(uint8_t* state) const override {
    delete *reinterpret_cast<Counts**>(state);
    *reinterpret_cast<Counts**>(state) = nullptr;
  }
  Status Update(uint8_t* const* states, std::span<const ColumnPtr> args,
                int64_t rows) const override {
    const Column& c = *args[0];
    for (int64_t r = 0; r < rows; ++r) {
      if (c.IsNull(r)) continue;
      Counts*& m = *reinterpret_cast<Counts**>(states[r]);
      if (m == nullptr) m = new Counts();
      ++(*m)[ValueAt<T>(c, r)];
    }
    return Status::OK();
  }
  void Combine(uint8_t* target, const uint8_t* source) const override {
    const Counts* s = *reinterpret_cast<Counts* const*>(source);
    if (s == nullptr) return;
    Counts*& t = *reinterpret_cast<Counts**>(target);
    if (t == nullptr) t = new Counts();
    for (const auto& [v, n] : *s) (*t)[v] += n;
  }
  Status Finalize(const uint8_t* const* states, int64_t count, ColumnBuilder& out) const override {
    for (int64_t i = 0; i < count; ++i) {
      const Counts* m = *reinterpret_cast<Counts* const*>(states[i]);
      if (m == nullptr || m->empty()) {
        out.AppendNull();
        continue;
      }
      const T& v = max_ ? m->rbegin()->first : m->begin()->first;
      if constexpr (std::is_same_v<T, std::string>) {
        static_cast<BinaryBuilder&>(out).Append(v);
      } else {
        static_cast<FixedWidthBuilder<T>&>(out).Append(v);
      }
    }
    return Status::OK();
  }
  // The saved state: the number of distinct values, then each value with its count.
  void Serialize(const uint8_t* state, std::string* out) const override {
    const Counts* m = *reinterpret_cast<Counts* const*>(state);
    ark::state::PutPod<uint64_t>(out, m == nullptr ? 0 : m->size());
    if (m == nullptr) return;
    for (const auto& [v, n] : *m) {
      if constexpr (std::is_same_v<T, std::string>) {
        ark::state::PutBytes(out, v);
      } else {
        ark::state::PutPod(out, v);
      }
      ark::state::PutPod(out, n);
    }
  }
  Status Deserialize(std::string_view bytes, uint8_t* state) const override {
    const std::string context = "aggregate " + name_;
    ark::state::StateReader in(bytes, context);
    uint64_t size = 0;
    ARK_RETURN_IF_ERROR(in.Pod(&size));
    if (size > 0) {
      Counts*& m = *reinterpret_cast<Counts**>(state);
      if (m == nullptr) m = new Counts();
      for (uint64_t i = 0; i < size; ++i) {
        T v{};
        if constexpr (std::is_same_v<T, std::string>) {
          std::string_view b;
          ARK_RETURN_IF_ERROR(in.Bytes(&b));
          v = std::string(b);
        } else {
          ARK_RETURN_IF_ERROR(in.Pod(&v));
        }
        int64_t n = 0;
        ARK_RETURN_IF_ERROR(in.Pod(&n));
        (*m)[std::move(v)] += n;
      }
    }
    return in.End();
  }
  bool retractable() const override { return true; }
  Status Retract(uint8_t* const* states, std::span<const ColumnPtr> args,
                 int64_t rows) const override {
    const Column& c = *args[0];
    for (int64_t r = 0; r < rows; ++r) {
      if (c.IsNull(r)) continue;
      Counts* m = *reinterpret_cast<Counts**>(states[r]);
      auto it = m == nullptr ? typename Counts::iterator() : m->find(ValueAt<T>(c, r));
      if (m == nullptr || it == m->end()) {
        return Status::InvalidArgument("{}: a retracted value was never added", name_);
      }
      if (--it->second == 0) m->erase(it);
    }
    return Status::OK();
  }

 private:
  const std::string name_;
  const DataType type_;
  const bool max_;
};

}  // namespace

Result<AggregateFunctionPtr> MakeRetractableExtremum(std::string_view name, const DataType& type) {
  bool max = name == "max";
  if (!max && name != "min") {
    return Status::InvalidArgument("no retractable form of {}", name);
  }
  std::string display(name);
  switch (type.id()) {
    case TypeId::kInt32:
    case TypeId::kDate:
      return AggregateFunctionPtr(std::make_shared<Extremum<int32_t>>(display, type, max));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return AggregateFunctionPtr(std::make_shared<Extremum<int64_t>>(display, type, max));
    case TypeId::kFloat32:
      return AggregateFunctionPtr(std::make_shared<Extremum<float>>(display, type, max));
    case TypeId::kFloat64:
      return AggregateFunctionPtr(std::make_shared<Extremum<double>>(display, type, max));
    case TypeId::kString:
      return AggregateFunctionPtr(std::make_shared<Extremum<std::string>>(display, type, max));
    default:
      return Status::Unimplemented("{} over a changelog of {} values is not supported", name,
                                   type.ToString());
  }
}

}  // namespace ark::sql
