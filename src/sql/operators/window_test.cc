#include "sql/operators/window.h"

#include <gtest/gtest.h>

#include "sql/functions/builtin_functions.h"
#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::Col;
using testing::Int64Col;
using testing::Key;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;
using Strs = std::vector<std::string>;
using FrameKind = WindowFrameBound::Kind;

const FunctionRegistry& Registry() {
  static const FunctionRegistry* reg = [] {
    auto* r = new FunctionRegistry();
    RegisterAggregateFunctions(*r);
    RegisterWindowFunctions(*r);
    return r;
  }();
  return *reg;
}

// columns: 0 p string, 1 t int64, 2 x int64
Batch Input() {
  return MakeBatch({{"p", StrCol({"a", "b", "a", "a", "b", "a", std::nullopt})},
                    {"t", Int64Col({1, 1, 2, 2, 3, 4, 1})},
                    {"x", Int64Col({10, 5, std::nullopt, 30, 7, 40, 1})}});
}

struct Over {
  bool partition = true;
  bool order = true;
  WindowFrameUnit unit = WindowFrameUnit::kRange;
  WindowFrameBound start{FrameKind::kUnboundedPreceding, Value()};
  WindowFrameBound end{FrameKind::kCurrentRow, Value()};
};

WindowCall Window(WindowCall c, const Over& over) {
  if (over.partition) c.partition_by.push_back(Col(0, DataType::String()));
  if (over.order) c.order_by.push_back(Key(1, DataType::Int64()));
  c.frame_unit = over.unit;
  c.frame_start = over.start;
  c.frame_end = over.end;
  return c;
}

WindowCall Fn(std::string_view name, std::vector<BoundExprPtr> args, const Over& over = {},
              bool ignore_nulls = false) {
  std::vector<DataType> types;
  std::vector<std::optional<Value>> consts;
  for (const auto& a : args) {
    types.push_back(a->type);
    consts.push_back(a->kind == BoundExprKind::kConstant ? std::optional<Value>(a->constant)
                                                         : std::nullopt);
  }
  auto f = (*Registry().FindWindow(name))(types, consts);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  WindowCall c;
  c.window_function = *f;
  // Arguments stay as they are: the operator casts to the function's argument types.
  c.args = std::move(args);
  c.ignore_nulls = ignore_nulls;
  c.display = std::string(name);
  return Window(std::move(c), over);
}

WindowCall Agg(std::string_view name, std::vector<BoundExprPtr> args, const Over& over = {}) {
  std::vector<DataType> types;
  for (const auto& a : args) types.push_back(a->type);
  std::vector<std::optional<Value>> consts(types.size());
  auto f = (*Registry().FindAggregate(name))(types, consts);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  WindowCall c;
  c.aggregate = *f;
  c.args = std::move(args);
  c.display = std::string(name);
  return Window(std::move(c), over);
}

DataType ResultType(const WindowCall& c) {
  return c.aggregate ? c.aggregate->return_type() : c.window_function->return_type;
}

Result<std::vector<Batch>> RunCalls(std::vector<WindowCall> calls, std::vector<Batch> input) {
  WindowSpecPhysical spec;
  std::vector<Field> fields = input.empty() ? std::vector<Field>{} : input[0].schema()->fields();
  for (size_t i = 0; i < calls.size(); ++i) {
    fields.emplace_back("w" + std::to_string(i), ResultType(calls[i]));
  }
  spec.calls = std::move(calls);
  spec.output_schema = Schema::Make(std::move(fields));
  WindowOperator op(std::move(spec));
  std::vector<Batch> out;
  for (const Batch& b : input) {
    ARK_RETURN_IF_ERROR(op.Push(0, b, &out));
    if (!out.empty()) return Status::Internal("Window emitted before Finish");
  }
  ARK_RETURN_IF_ERROR(op.Finish(0, &out));
  return out;
}

Strs RunRows(std::vector<WindowCall> calls, std::vector<Batch> input = {Input()}) {
  auto out = RunCalls(std::move(calls), std::move(input));
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? Rows(*out) : Strs{out.status().ToString()};
}

std::vector<WindowCall> Calls(WindowCall a) {
  std::vector<WindowCall> v;
  v.push_back(std::move(a));
  return v;
}
template <typename... More>
std::vector<WindowCall> Calls(WindowCall a, More... more) {
  std::vector<WindowCall> v = Calls(std::move(more)...);
  v.insert(v.begin(), std::move(a));
  return v;
}

BoundExprPtr X() { return Col(2, DataType::Int64()); }
BoundExprPtr Lit(int64_t v) { return BoundExpr::Constant(Value::Int64(v)); }
std::vector<BoundExprPtr> V(BoundExprPtr a) {
  std::vector<BoundExprPtr> v;
  v.push_back(std::move(a));
  return v;
}
std::vector<BoundExprPtr> V(BoundExprPtr a, BoundExprPtr b) {
  std::vector<BoundExprPtr> v = V(std::move(a));
  v.push_back(std::move(b));
  return v;
}
std::vector<BoundExprPtr> V(BoundExprPtr a, BoundExprPtr b, BoundExprPtr c) {
  std::vector<BoundExprPtr> v = V(std::move(a), std::move(b));
  v.push_back(std::move(c));
  return v;
}

TEST(WindowTest, RankingWithPartitionsAndPeers) {
  EXPECT_EQ(RunRows(Calls(Fn("row_number", {}), Fn("rank", {}), Fn("dense_rank", {}),
                          Fn("percent_rank", {}), Fn("cume_dist", {}))),
            (Strs{"a|1|10|1|1|1|0|0.25", "a|2|NULL|2|2|2|0.3333333333333333|0.75",
                  "a|2|30|3|2|2|0.3333333333333333|0.75", "a|4|40|4|4|3|1|1", "b|1|5|1|1|1|0|0.5",
                  "b|3|7|2|2|2|1|1", "NULL|1|1|1|1|1|0|1"}));
}

TEST(WindowTest, PartitionKeysOfEveryWidth) {
  // The same partitions keyed by int64 (held in the sort words), by long strings (compared
  // beyond the words) and by two keys; the ranks must not change.
  const Strs expected = {"1|1|1", "2|2|2", "3|2|2", "4|4|3", "1|1|1", "2|2|2", "1|1|1"};
  const std::string long_a(30, 'a'), long_b = std::string(29, 'a') + "b";
  std::vector<ColumnPtr> keys = {
      Int64Col({1, 2, 1, 1, 2, 1, std::nullopt}),
      StrCol({long_a, long_b, long_a, long_a, long_b, long_a, std::nullopt})};
  for (const ColumnPtr& key : keys) {
    Batch in = MakeBatch({{"p", key}, {"t", Int64Col({1, 1, 2, 2, 3, 4, 1})}});
    std::vector<WindowCall> calls;
    for (const char* name : {"row_number", "rank", "dense_rank"}) {
      WindowCall c = Fn(name, {}, Over{false, true});
      c.partition_by.push_back(Col(0, key->type()));
      calls.push_back(std::move(c));
    }
    Strs rows = RunRows(std::move(calls), {in});
    for (std::string& r : rows) r = r.substr(r.find('|', r.find('|') + 1) + 1);  // drop p, t
    EXPECT_EQ(rows, expected) << key->type().ToString();
  }
}

TEST(WindowTest, Ntile) {
  Over no_partition;
  no_partition.partition = false;
  EXPECT_EQ(
      RunRows(Calls(Fn("ntile", V(Lit(3)), no_partition))),
      (Strs{"a|1|10|1", "b|1|5|1", "NULL|1|1|1", "a|2|NULL|2", "a|2|30|2", "b|3|7|3", "a|4|40|3"}));
  auto bad = RunCalls(Calls(Fn("ntile", V(Lit(0)), no_partition)), {Input()});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "argument of ntile must be greater than zero, got 0");
}

TEST(WindowTest, LagLeadWithOffsetsDefaultsAndIgnoreNulls) {
  EXPECT_EQ(RunRows(Calls(Fn("lag", V(X())), Fn("lead", V(X(), Lit(2), Lit(-1))),
                          Fn("lag", V(X()), {}, /*ignore_nulls=*/true),
                          Fn("lead", V(X(), Lit(1)), {}, /*ignore_nulls=*/true))),
            (Strs{"a|1|10|NULL|30|NULL|30", "a|2|NULL|10|40|10|30", "a|2|30|NULL|-1|10|40",
                  "a|4|40|30|-1|30|NULL", "b|1|5|NULL|-1|NULL|7", "b|3|7|5|-1|5|NULL",
                  "NULL|1|1|NULL|-1|NULL|NULL"}));
}

TEST(WindowTest, LagDefaultOfAWiderTypeIsCoerced) {
  // lag(int32, 1, int64): the value and default are coerced to int64, the result type.
  Batch in = MakeBatch({{"t", Int64Col({1, 2})}, {"v", testing::Int32Col({7, 8})}});
  WindowCall c =
      Fn("lag", V(Col(1, DataType::Int32()), BoundExpr::Constant(Value::Int32(1)), Lit(-5)),
         Over{false, false});
  c.order_by.push_back(Key(0, DataType::Int64()));
  ASSERT_EQ(c.window_function->return_type, DataType::Int64());
  EXPECT_EQ(RunRows(Calls(std::move(c)), {in}), (Strs{"1|7|-5", "2|8|7"}));
}

TEST(WindowTest, FirstLastNthValueOverTheDefaultFrameIncludePeers) {
  EXPECT_EQ(RunRows(Calls(Fn("first_value", V(X())), Fn("last_value", V(X())),
                          Fn("nth_value", V(X(), Lit(2))),
                          Fn("first_value", V(X()), {}, /*ignore_nulls=*/true),
                          Fn("last_value", V(X()), {}, /*ignore_nulls=*/true))),
            (Strs{"a|1|10|10|10|NULL|10|10", "a|2|NULL|10|30|NULL|10|30", "a|2|30|10|30|NULL|10|30",
                  "a|4|40|10|40|NULL|10|40", "b|1|5|5|5|NULL|5|5", "b|3|7|5|7|7|5|7",
                  "NULL|1|1|1|1|NULL|1|1"}));
  Over whole;
  whole.end = {FrameKind::kUnboundedFollowing, Value()};
  EXPECT_EQ(RunRows(Calls(Fn("nth_value", V(X(), Lit(3)), whole),
                          Fn("nth_value", V(X(), Lit(2)), whole, /*ignore_nulls=*/true))),
            (Strs{"a|1|10|30|30", "a|2|NULL|30|30", "a|2|30|30|30", "a|4|40|30|30", "b|1|5|NULL|7",
                  "b|3|7|NULL|7", "NULL|1|1|NULL|NULL"}));
}

TEST(WindowTest, RunningAggregatesIncludePeers) {
  Over no_order;
  no_order.order = false;
  EXPECT_EQ(RunRows(Calls(Agg("sum", V(X())), Agg("count", V(X())), Agg("count", {}),
                          Agg("sum", V(X()), no_order))),
            (Strs{"a|1|10|10|1|1|80", "a|2|NULL|40|2|3|80", "a|2|30|40|2|3|80", "a|4|40|80|3|4|80",
                  "b|1|5|5|1|1|12", "b|3|7|12|2|2|12", "NULL|1|1|1|1|1|1"}));
}

TEST(WindowTest, SlidingRowsRangeAndGroupsFrames) {
  Over rows_1_1;
  rows_1_1.unit = WindowFrameUnit::kRows;
  rows_1_1.start = {FrameKind::kPreceding, Value::Int64(1)};
  rows_1_1.end = {FrameKind::kFollowing, Value::Int64(1)};
  Over rows_1_0;
  rows_1_0.unit = WindowFrameUnit::kRows;
  rows_1_0.start = {FrameKind::kPreceding, Value::Int64(1)};
  Over range_1_0;
  range_1_0.start = {FrameKind::kPreceding, Value::Int64(1)};
  Over groups_1_0;
  groups_1_0.unit = WindowFrameUnit::kGroups;
  groups_1_0.start = {FrameKind::kPreceding, Value::Int64(1)};
  EXPECT_EQ(RunRows(Calls(Agg("sum", V(X()), rows_1_1), Agg("min", V(X()), rows_1_0),
                          Agg("sum", V(X()), range_1_0), Agg("sum", V(X()), groups_1_0))),
            (Strs{"a|1|10|10|10|10|10", "a|2|NULL|40|10|40|40", "a|2|30|70|30|40|40",
                  "a|4|40|70|30|40|70", "b|1|5|12|5|5|5", "b|3|7|12|5|7|12", "NULL|1|1|1|1|1|1"}));
}

TEST(WindowTest, SlidingFramesKeepOrderForOrderSensitiveAggregates) {
  // string_agg over ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING: a segment tree that must combine
  // left to right.
  Batch in =
      MakeBatch({{"s", StrCol({"a", "b", "c", "d", "e"})}, {"i", Int64Col({1, 2, 3, 4, 5})}});
  WindowCall c;
  c.aggregate = *(*Registry().FindAggregate("string_agg"))(
      std::vector<DataType>{DataType::String(), DataType::String()},
      std::vector<std::optional<Value>>(2));
  c.args = V(Col(0, DataType::String()), BoundExpr::Constant(Value::String("")));
  c.order_by.push_back(Key(1, DataType::Int64()));
  c.frame_unit = WindowFrameUnit::kRows;
  c.frame_start = {FrameKind::kPreceding, Value::Int64(1)};
  c.frame_end = {FrameKind::kFollowing, Value::Int64(2)};
  c.display = "string_agg";
  EXPECT_EQ(RunRows(Calls(std::move(c)), {in}),
            (Strs{"a|1|abc", "b|2|abcd", "c|3|bcde", "d|4|cde", "e|5|de"}));
}

TEST(WindowTest, RangeOffsetsSkipNullKeys) {
  // ORDER BY t NULLS LAST; a NULL key's frame is its peers (the NULLs).
  Batch in = MakeBatch(
      {{"t", Int64Col({1, std::nullopt, 3, 2, std::nullopt})}, {"x", Int64Col({1, 2, 3, 4, 5})}});
  WindowCall c;
  c.aggregate = *(*Registry().FindAggregate("sum"))(std::vector<DataType>{DataType::Int64()},
                                                    std::vector<std::optional<Value>>(1));
  c.args = V(Col(1, DataType::Int64()));
  c.order_by.push_back(Key(0, DataType::Int64()));
  c.frame_unit = WindowFrameUnit::kRange;
  c.frame_start = {FrameKind::kPreceding, Value::Int64(1)};
  c.frame_end = {FrameKind::kFollowing, Value::Int64(1)};
  c.display = "sum";
  EXPECT_EQ(RunRows(Calls(std::move(c)), {in}),
            (Strs{"1|1|5", "2|4|8", "3|3|7", "NULL|2|7", "NULL|5|7"}));
}

WindowCall SumOver(int order_col, DataType order_type, int value_col, WindowFrameUnit unit,
                   WindowFrameBound start, WindowFrameBound end, bool descending = false) {
  WindowCall c;
  c.aggregate = *(*Registry().FindAggregate("sum"))(std::vector<DataType>{DataType::Int64()},
                                                    std::vector<std::optional<Value>>(1));
  c.args = V(Col(value_col, DataType::Int64()));
  c.order_by.push_back(Key(order_col, std::move(order_type), descending));
  c.frame_unit = unit;
  c.frame_start = std::move(start);
  c.frame_end = std::move(end);
  c.display = "sum";
  return c;
}

TEST(WindowTest, RangeOverTimestampsFloatsAndDescendingKeys) {
  Int64Builder ts(DataType::Timestamp());
  for (int64_t minutes : {0, 60, 90, 180}) ts.Append(minutes * 60'000'000);
  Batch in = MakeBatch({{"ts", ts.Finish()}, {"x", Int64Col({1, 2, 3, 4})}});
  const WindowFrameBound current{FrameKind::kCurrentRow, Value()};
  const WindowFrameBound hour_before{FrameKind::kPreceding,
                                     Value::Interval(IntervalValue{0, 0, 3600'000'000'000})};
  auto out = RunCalls(
      Calls(SumOver(0, DataType::Timestamp(), 1, WindowFrameUnit::kRange, hour_before, current),
            SumOver(0, DataType::Timestamp(), 1, WindowFrameUnit::kRows, current,
                    {FrameKind::kUnboundedFollowing, Value()})),
      {in});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  Strs sums;
  for (int64_t r = 0; r < (*out)[0].num_rows(); ++r) {
    sums.push_back((*out)[0].column(2)->ValueToString(r) + "|" +
                   (*out)[0].column(3)->ValueToString(r));
  }
  EXPECT_EQ(sums, (Strs{"1|10", "3|9", "5|7", "4|4"}));

  Batch fl =
      MakeBatch({{"k", testing::Float64Col({1.0, 1.4, 2.0, 3.0})}, {"x", Int64Col({1, 2, 3, 4})}});
  EXPECT_EQ(RunRows(Calls(SumOver(0, DataType::Float64(), 1, WindowFrameUnit::kRange,
                                  {FrameKind::kPreceding, Value::Float64(0.5)},
                                  {FrameKind::kFollowing, Value::Float64(0.5)})),
                    {fl}),
            (Strs{"1|1|3", "1.4|2|3", "2|3|3", "3|4|4"}));

  // Descending: PRECEDING means larger keys.
  Batch desc = MakeBatch({{"k", Int64Col({1, 2, 4, 5})}, {"x", Int64Col({1, 2, 3, 4})}});
  EXPECT_EQ(RunRows(Calls(SumOver(0, DataType::Int64(), 1, WindowFrameUnit::kRange,
                                  {FrameKind::kPreceding, Value::Int64(1)}, current,
                                  /*descending=*/true)),
                    {desc}),
            (Strs{"5|4|4", "4|3|7", "2|2|2", "1|1|3"}));
  // GROUPS with FOLLOWING offsets: the current peer group and the next one.
  Batch groups = MakeBatch({{"k", Int64Col({1, 1, 2, 3})}, {"x", Int64Col({1, 2, 3, 4})}});
  EXPECT_EQ(RunRows(Calls(SumOver(0, DataType::Int64(), 1, WindowFrameUnit::kGroups, current,
                                  {FrameKind::kFollowing, Value::Int64(1)})),
                    {groups}),
            (Strs{"1|1|6", "1|2|6", "2|3|7", "3|4|4"}));
}

TEST(WindowTest, DifferentWindowsOutputInTheFirstWindowsOrder) {
  WindowCall by_x = Fn("row_number", {}, Over{false, false});
  by_x.order_by.push_back(Key(2, DataType::Int64(), /*descending=*/true));
  EXPECT_EQ(RunRows(Calls(std::move(by_x), Fn("row_number", {}))),
            (Strs{"a|2|NULL|1|2", "a|4|40|2|4", "a|2|30|3|3", "a|1|10|4|1", "b|3|7|5|2",
                  "b|1|5|6|1", "NULL|1|1|7|1"}));
}

TEST(WindowTest, ManyBatchesInManyBatchesOut) {
  // 150k rows in 3 batches; row_number over one partition; output in 64k-row batches.
  std::vector<Batch> input;
  for (int b = 0; b < 3; ++b) {
    Int64Builder t(DataType::Int64());
    for (int64_t i = 0; i < 50000; ++i) t.Append(150000 - (b * 50000 + i));  // descending
    input.push_back(MakeBatch({{"t", t.Finish()}}));
  }
  WindowCall c = Fn("row_number", {}, Over{false, false});
  c.order_by.push_back(Key(0, DataType::Int64()));
  auto out = RunCalls(Calls(std::move(c)), input);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[0].num_rows(), 65536);
  EXPECT_EQ((*out)[2].num_rows(), 150000 - 2 * 65536);
  int64_t expected = 1;
  for (const Batch& b : *out) {
    for (int64_t r = 0; r < b.num_rows(); ++r, ++expected) {
      ASSERT_EQ(b.column(0)->data<int64_t>()[r], expected);
      ASSERT_EQ(b.column(1)->data<int64_t>()[r], expected);
    }
  }
}

TEST(WindowTest, EmptyInputGivesNoRows) {
  auto out = RunCalls(Calls(Fn("row_number", {})), {Input().Slice(0, 0)});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->empty());
}

TEST(WindowTest, FrameErrors) {
  Over negative;
  negative.unit = WindowFrameUnit::kRows;
  negative.start = {FrameKind::kPreceding, Value::Int64(-1)};
  auto r = RunCalls(Calls(Agg("sum", V(X()), negative)), {Input()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "frame starting offset must not be negative");

  Over range;
  range.start = {FrameKind::kPreceding, Value::Int64(1)};
  WindowCall two_keys = Agg("sum", V(X()), range);
  two_keys.order_by.push_back(Key(2, DataType::Int64()));
  r = RunCalls(Calls(std::move(two_keys)), {Input()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column");

  r = RunCalls(Calls(Fn("nth_value", V(X(), Lit(0)))), {Input()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "argument of nth_value must be greater than zero, got 0");
}

TEST(WindowTest, SortedRowOrderIsStable) {
  ColumnPtr k = Int64Col({2, 1, std::nullopt, 1, 2});
  std::vector<SortKey> keys;
  keys.push_back(Key(0, DataType::Int64()));
  std::vector<ColumnPtr> cols = {k};
  EXPECT_EQ(SortedRowOrder(cols, keys, 5), (std::vector<int64_t>{1, 3, 0, 4, 2}));
  keys[0].descending = true;
  keys[0].nulls_first = true;
  EXPECT_EQ(SortedRowOrder(cols, keys, 5), (std::vector<int64_t>{2, 0, 4, 1, 3}));
}

}  // namespace
}  // namespace ark::sql
