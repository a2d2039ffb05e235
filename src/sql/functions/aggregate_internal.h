// Building blocks of the aggregate functions (functions/aggregate_*.cc), internal to them.
//
// An aggregate is a class derived from TypedAggregate<Derived, State>: State is its fixed-size,
// per-group state (placement-constructed by Init, 8-byte aligned; anything larger lives behind a
// pointer that Destroy frees), and Derived supplies
//
//   template <typename At> Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows)
//   const; void CombineStates(State& target, const State& source) const; Status FinalizeState(const
//   State& s, ColumnBuilder& out) const; (optionally) template <typename At> Status RetractRows(At
//   at, args, rows) const;  + kRetractable (optionally) void DestroyState(State& s) const;
//
// A State that owns heap memory (its Derived declares DestroyState) must also supply
//
//   void SerializeState(const State& s, std::string* out) const;
//   Status DeserializeState(StateReader& in, State& s) const;   // s is Init'ed
//
// (checked at compile time); plain states are saved as their bytes.
//
// where `at(r)` is the state of row r: `states[r]` for a grouped Update, the one state for
// UpdateSingle. The loops are instantiated per input type, so a batch costs one virtual call and
// the per-row work inlines.
//
// Order contract (window frames and ORDER BY inside aggregates rely on it): Combine(target,
// source) treats `source` as rows that came after `target`'s.
//
// Thread-safety: bound aggregates are immutable and shared.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/status.h"
#include "core/bit_util.h"
#include "core/column.h"
#include "core/column_builder.h"
#include "core/value.h"
#include "sql/functions/function.h"
#include "state/state_codec.h"

namespace ark::sql::agg {

// A 128-bit integer at 8-byte alignment (group states are only 8-byte aligned).
typedef __int128 Int128 __attribute__((aligned(8)));

// Calls fn(r) for every valid row r in [0, rows) of `c`.
template <typename Fn>
inline void ForEachValid(const Column& c, int64_t rows, Fn&& fn) {
  if (c.type_id() == TypeId::kNull) return;
  if (c.null_count() == 0 || c.validity() == nullptr) {
    for (int64_t r = 0; r < rows; ++r) fn(r);
    return;
  }
  const uint8_t* bits = c.validity()->data();
  const int64_t off = c.offset();
  for (int64_t r = 0; r < rows; ++r) {
    if (bit_util::GetBit(bits, off + r)) fn(r);
  }
}

// ---- state serialization (AggregateFunction::Serialize / Deserialize) ---------------------------

// The byte encoding of saved state (state/state_codec.h).
using ark::state::PutBytes;
using ark::state::PutPod;
using ark::state::PutVector;
using ark::state::StateReader;

// Values of a nested type (lists, structs) in and out of state bytes (as an Arrow IPC stream of
// one column).
void PutValues(std::string* out, const DataType& type, std::span<const Value> values);
Status ReadValues(StateReader& in, const DataType& type, std::vector<Value>* values);

// Common parts: the name, the return type, and "not retractable".
class AggregateBase : public AggregateFunction {
 public:
  AggregateBase(std::string name, DataType return_type)
      : name_(std::move(name)), return_type_(std::move(return_type)) {}
  const std::string& name() const override { return name_; }
  const DataType& return_type() const override { return return_type_; }
  Status Retract(uint8_t* const* states, std::span<const ColumnPtr> args,
                 int64_t rows) const override {
    (void)states, (void)args, (void)rows;
    return Status::Unimplemented("aggregate {} cannot retract rows", name_);
  }

 protected:
  std::string name_;
  DataType return_type_;
};

template <typename Derived, typename State>
class TypedAggregate : public AggregateBase {
 public:
  using AggregateBase::AggregateBase;
  static constexpr bool kRetractable = false;

  size_t state_size() const override { return (sizeof(State) + 7) & ~size_t{7}; }
  void Init(uint8_t* state) const override { new (state) State(); }
  void Destroy(uint8_t* state) const override {
    self().DestroyState(*reinterpret_cast<State*>(state));
  }
  Status Update(uint8_t* const* states, std::span<const ColumnPtr> args,
                int64_t rows) const override {
    return self().UpdateRows([states](int64_t r) { return reinterpret_cast<State*>(states[r]); },
                             args, rows);
  }
  Status UpdateSingle(uint8_t* state, std::span<const ColumnPtr> args,
                      int64_t rows) const override {
    State* s = reinterpret_cast<State*>(state);
    return self().UpdateRows([s](int64_t) { return s; }, args, rows);
  }
  void Combine(uint8_t* target, const uint8_t* source) const override {
    self().CombineStates(*reinterpret_cast<State*>(target),
                         *reinterpret_cast<const State*>(source));
  }
  Status Finalize(const uint8_t* const* states, int64_t count, ColumnBuilder& out) const override {
    out.Reserve(count);
    for (int64_t i = 0; i < count; ++i) {
      ARK_RETURN_IF_ERROR(self().FinalizeState(*reinterpret_cast<const State*>(states[i]), out));
    }
    return Status::OK();
  }
  bool retractable() const override { return Derived::kRetractable; }
  Status Retract(uint8_t* const* states, std::span<const ColumnPtr> args,
                 int64_t rows) const override {
    if constexpr (Derived::kRetractable) {
      return self().RetractRows([states](int64_t r) { return reinterpret_cast<State*>(states[r]); },
                                args, rows);
    } else {
      return AggregateBase::Retract(states, args, rows);
    }
  }

  void Serialize(const uint8_t* state, std::string* out) const override {
    if constexpr (OwnsHeap()) {
      self().SerializeState(*reinterpret_cast<const State*>(state), out);
    } else {
      static_assert(std::is_trivially_copyable_v<State>,
                    "a state without DestroyState must be plain bytes");
      out->append(reinterpret_cast<const char*>(state), sizeof(State));
    }
  }
  Status Deserialize(std::string_view bytes, uint8_t* state) const override {
    if constexpr (OwnsHeap()) {
      const std::string context = "aggregate " + name_;
      StateReader in(bytes, context);
      ARK_RETURN_IF_ERROR(self().DeserializeState(in, *reinterpret_cast<State*>(state)));
      return in.End();
    } else {
      if (bytes.size() != sizeof(State)) {
        return Status::InvalidArgument("aggregate {}: a saved state of {} bytes, expected {}",
                                       name_, bytes.size(), sizeof(State));
      }
      std::memcpy(state, bytes.data(), sizeof(State));
      return Status::OK();
    }
  }

  // Default: nothing owned.
  void DestroyState(State&) const {}

  // True when Derived declares its own DestroyState: its states own heap memory.
  static constexpr bool OwnsHeap() {
    return !std::is_same_v<decltype(&Derived::DestroyState),
                           void (TypedAggregate::*)(State&) const>;
  }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
};

// ---- owned copies of values (min/max/first/last of strings; nested types) ---------------------

// Bytes of a string/binary value, heap-owned by a state. Trivially constructible (zeroed).
struct OwnedBytes {
  char* data = nullptr;
  uint32_t size = 0;
  uint32_t capacity = 0;

  std::string_view view() const { return {data, size}; }
  void Assign(std::string_view v) {
    if (v.size() > capacity) {
      uint32_t cap = static_cast<uint32_t>(std::max<size_t>(v.size(), 16));
      char* p = static_cast<char*>(std::realloc(data, cap));
      ARK_CHECK(p != nullptr, "out of memory");
      data = p;
      capacity = cap;
    }
    if (!v.empty()) std::memcpy(data, v.data(), v.size());
    size = static_cast<uint32_t>(v.size());
  }
  void Free() {
    std::free(data);
    data = nullptr;
    size = capacity = 0;
  }
};

// ---- registration -------------------------------------------------------------------------------

// "function sum(string) does not exist; expected one of sum(int32), sum(int64), ..."
Status NoAggregateOverload(std::string_view name, std::span<const DataType> args,
                           std::vector<std::string> expected);

// The value of constant argument `i` as a double in [0, 1] (quantile fractions), or an error that
// names the function.
Result<double> ConstantFraction(std::string_view name, std::span<const std::optional<Value>> consts,
                                size_t i);

// True for the types min/max/first/last store as a fixed-width value.
bool IsFixedWidthValueType(TypeId id);

// The families, each in its own file; RegisterAggregateFunctions calls them all.
void RegisterBasicAggregates(FunctionRegistry& registry);       // aggregate_basic.cc
void RegisterStatisticAggregates(FunctionRegistry& registry);   // aggregate_statistics.cc
void RegisterCollectionAggregates(FunctionRegistry& registry);  // aggregate_collect.cc
void RegisterSketchAggregates(FunctionRegistry& registry);      // aggregate_sketch.cc

}  // namespace ark::sql::agg
