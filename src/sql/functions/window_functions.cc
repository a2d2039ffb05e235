// Ranking and navigation window functions: binders only — the computation lives in the window
// operator (operators/window.cc), which dispatches on WindowFunctionKind. Aggregates used with
// OVER (...) are the ordinary aggregate functions.
//
// Argument types the binder asks for (the caller casts to them): ntile's bucket count and the
// offsets of lag/lead/nth_value are int64; lag/lead's default and value are coerced to their
// common type, which is also the result type.

#include "sql/expr/cast.h"
#include "sql/functions/aggregate_internal.h"
#include "sql/functions/builtin_functions.h"

namespace ark::sql {
namespace {

BoundWindowFunction Bound(std::string name, WindowFunctionKind kind, std::vector<DataType> args,
                          DataType ret) {
  BoundWindowFunction f;
  f.name = std::move(name);
  f.kind = kind;
  f.arg_types = std::move(args);
  f.return_type = std::move(ret);
  return f;
}

bool IntegerLike(const DataType& t) { return t.is_integer() || t.id() == TypeId::kNull; }

WindowBinder NoArguments(std::string name, WindowFunctionKind kind, DataType ret) {
  return [name, kind, ret](std::span<const DataType> types,
                           std::span<const std::optional<Value>>) -> Result<BoundWindowFunction> {
    if (!types.empty()) return agg::NoAggregateOverload(name, types, {name + "()"});
    return Bound(name, kind, {}, ret);
  };
}

WindowBinder LagLead(std::string name, WindowFunctionKind kind) {
  return [name, kind](std::span<const DataType> types,
                      std::span<const std::optional<Value>>) -> Result<BoundWindowFunction> {
    auto fail = [&] {
      return agg::NoAggregateOverload(
          name, types,
          {name + "(value any)", name + "(value any, offset int64)",
           name + "(value any, offset int64, default same type as value)"});
    };
    if (types.empty() || types.size() > 3) return fail();
    if (types.size() >= 2 && !IntegerLike(types[1])) return fail();
    DataType value = types[0];
    if (types.size() == 3) {
      std::optional<DataType> common = CommonSuperType(types[0], types[2]);
      if (!common) return fail();
      value = *common;
    }
    std::vector<DataType> args = {value};
    if (types.size() >= 2) args.push_back(DataType::Int64());
    if (types.size() == 3) args.push_back(value);
    return Bound(name, kind, std::move(args), value);
  };
}

WindowBinder FirstLast(std::string name, WindowFunctionKind kind) {
  return [name, kind](std::span<const DataType> types,
                      std::span<const std::optional<Value>>) -> Result<BoundWindowFunction> {
    if (types.size() != 1) return agg::NoAggregateOverload(name, types, {name + "(value any)"});
    return Bound(name, kind, {types[0]}, types[0]);
  };
}

}  // namespace

void RegisterWindowFunctions(FunctionRegistry& registry) {
  registry.AddWindow(
      "row_number", NoArguments("row_number", WindowFunctionKind::kRowNumber, DataType::Int64()),
      {"window", "row_number() → int64",
       "Number of the row within its partition, from 1, in the window's ORDER BY order.",
       "row_number() OVER (PARTITION BY k ORDER BY t)"});
  registry.AddWindow("rank", NoArguments("rank", WindowFunctionKind::kRank, DataType::Int64()),
                     {"window", "rank() → int64",
                      "Rank with gaps: peers (rows equal on the ORDER BY keys) share the rank of "
                      "the first of them.",
                      "rank() OVER (ORDER BY score DESC) over 10, 10, 5 → 1, 1, 3"});
  registry.AddWindow(
      "dense_rank", NoArguments("dense_rank", WindowFunctionKind::kDenseRank, DataType::Int64()),
      {"window", "dense_rank() → int64", "Rank without gaps: the number of the peer group.",
       "dense_rank() OVER (ORDER BY score DESC) over 10, 10, 5 → 1, 1, 2"});
  registry.AddWindow(
      "percent_rank",
      NoArguments("percent_rank", WindowFunctionKind::kPercentRank, DataType::Float64()),
      {"window", "percent_rank() → float64",
       "(rank - 1) / (partition rows - 1); 0 for a partition of one row.",
       "percent_rank() OVER (ORDER BY x) over 1, 2, 3 → 0, 0.5, 1"});
  registry.AddWindow(
      "cume_dist", NoArguments("cume_dist", WindowFunctionKind::kCumeDist, DataType::Float64()),
      {"window", "cume_dist() → float64",
       "Rows up to and including the current row's last peer, over the partition's rows.",
       "cume_dist() OVER (ORDER BY x) over 1, 2, 2 → 0.3333333333333333, 1, 1"});
  registry.AddWindow(
      "ntile",
      [](std::span<const DataType> types,
         std::span<const std::optional<Value>>) -> Result<BoundWindowFunction> {
        if (types.size() != 1 || !IntegerLike(types[0])) {
          return agg::NoAggregateOverload("ntile", types, {"ntile(buckets int64)"});
        }
        return Bound("ntile", WindowFunctionKind::kNtile, {DataType::Int64()}, DataType::Int64());
      },
      {"window", "ntile(buckets int64) → int64",
       "Splits the partition into as equal buckets as possible (the first ones one row larger) "
       "and numbers them from 1.",
       "ntile(2) OVER (ORDER BY x) over 1, 2, 3 → 1, 1, 2"});
  registry.AddWindow("lag", LagLead("lag", WindowFunctionKind::kLag),
                     {"window", "lag(value [, offset int64 [, default]]) → type of value",
                      "The value `offset` rows (default 1) before the current row in the "
                      "partition, or `default` (default NULL) when there is no such row. IGNORE "
                      "NULLS counts only rows where the value is not NULL.",
                      "lag(x, 1, 0) OVER (ORDER BY t) over 5, 7 → 0, 5"});
  registry.AddWindow("lead", LagLead("lead", WindowFunctionKind::kLead),
                     {"window", "lead(value [, offset int64 [, default]]) → type of value",
                      "The value `offset` rows (default 1) after the current row in the "
                      "partition, or `default` (default NULL). IGNORE NULLS as for lag.",
                      "lead(x) OVER (ORDER BY t) over 5, 7 → 7, NULL"});
  registry.AddWindow("first_value", FirstLast("first_value", WindowFunctionKind::kFirstValue),
                     {"window", "first_value(value) → type of value",
                      "The value at the first row of the window frame (IGNORE NULLS: the first "
                      "non-NULL one); NULL for an empty frame.",
                      "first_value(x) OVER (ORDER BY t) over 5, 7 → 5, 5"});
  registry.AddWindow("last_value", FirstLast("last_value", WindowFunctionKind::kLastValue),
                     {"window", "last_value(value) → type of value",
                      "The value at the last row of the window frame (the default frame ends at "
                      "the current row's last peer).",
                      "last_value(x) OVER (ORDER BY t) over 5, 7 → 5, 7"});
  registry.AddWindow(
      "nth_value",
      [](std::span<const DataType> types,
         std::span<const std::optional<Value>>) -> Result<BoundWindowFunction> {
        if (types.size() != 2 || !IntegerLike(types[1])) {
          return agg::NoAggregateOverload("nth_value", types, {"nth_value(value any, n int64)"});
        }
        return Bound("nth_value", WindowFunctionKind::kNthValue, {types[0], DataType::Int64()},
                     types[0]);
      },
      {"window", "nth_value(value, n int64) → type of value",
       "The value at the n-th row (from 1) of the window frame; NULL when the frame is shorter.",
       "nth_value(x, 2) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED "
       "FOLLOWING) over 5, 7, 9 → 7, 7, 7"});
}

}  // namespace ark::sql
