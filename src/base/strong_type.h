// StrongType<T, Tag>: a distinct type over a plain value, so an offset cannot be passed where a
// partition is expected. Comparable and hashable; arithmetic is explicit through value().
//
//   using PartitionId = StrongType<int32_t, struct PartitionIdTag>;
//   PartitionId p{3};  p.value() == 3
//
// Thread-safety: value type.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace ark {

template <typename T, typename Tag>
class StrongType {
 public:
  using ValueType = T;
  constexpr StrongType() = default;
  constexpr explicit StrongType(T value) : value_(value) {}
  constexpr T value() const { return value_; }
  constexpr auto operator<=>(const StrongType&) const = default;

  template <typename H>
  friend H AbslHashValue(H h, const StrongType& v) {
    return H::combine(std::move(h), v.value_);
  }

 private:
  T value_{};
};

// Identifiers shared by connectors, the runtime and checkpoints.
using PartitionId = StrongType<int32_t, struct PartitionIdTag>;
using Offset = StrongType<int64_t, struct OffsetTag>;
using Epoch = StrongType<int64_t, struct EpochTag>;

}  // namespace ark

template <typename T, typename Tag>
struct std::hash<ark::StrongType<T, Tag>> {
  size_t operator()(const ark::StrongType<T, Tag>& v) const noexcept {
    return std::hash<T>()(v.value());
  }
};
