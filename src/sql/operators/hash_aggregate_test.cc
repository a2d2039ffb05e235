#include "sql/operators/hash_aggregate.h"

#include <gtest/gtest.h>

#include "sql/functions/builtin_functions.h"
#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::BoolCol;
using testing::Col;
using testing::Int64Col;
using testing::MakeBatch;
using testing::Rows;
using testing::StrCol;
using Strs = std::vector<std::string>;

AggregateFunctionPtr Fn(std::string_view name, std::vector<DataType> types,
                        std::vector<std::optional<Value>> consts = {}) {
  static const FunctionRegistry* reg = [] {
    auto* r = new FunctionRegistry();
    RegisterAggregateFunctions(*r);
    return r;
  }();
  consts.resize(types.size());
  auto f = (*reg->FindAggregate(name))(types, consts);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return *f;
}

AggregateCall Call(std::string_view name, std::vector<BoundExprPtr> args,
                   std::string display = "") {
  AggregateCall c;
  std::vector<DataType> types;
  for (const auto& a : args) types.push_back(a->type);
  c.function = Fn(name, types);
  c.args = std::move(args);
  c.display = display.empty() ? std::string(name) : display;
  return c;
}

std::vector<BoundExprPtr> Exprs(BoundExprPtr a) {
  std::vector<BoundExprPtr> v;
  v.push_back(std::move(a));
  return v;
}
std::vector<BoundExprPtr> Exprs(BoundExprPtr a, BoundExprPtr b) {
  std::vector<BoundExprPtr> v;
  v.push_back(std::move(a));
  v.push_back(std::move(b));
  return v;
}

// Output schema: the keys (named k0, k1, ...) then the calls (a0, a1, ...).
AggregateSpec Spec(std::vector<BoundExprPtr> keys, std::vector<AggregateCall> calls) {
  AggregateSpec spec;
  std::vector<Field> fields;
  for (size_t i = 0; i < keys.size(); ++i)
    fields.emplace_back("k" + std::to_string(i), keys[i]->type);
  for (size_t i = 0; i < calls.size(); ++i) {
    fields.emplace_back("a" + std::to_string(i), calls[i].function->return_type());
  }
  spec.group_keys = std::move(keys);
  spec.aggregates = std::move(calls);
  spec.output_schema = Schema::Make(std::move(fields));
  return spec;
}

Result<std::vector<Batch>> RunOp(HashAggregateOperator& op, const std::vector<Batch>& input) {
  std::vector<Batch> out;
  for (const Batch& b : input) {
    ARK_RETURN_IF_ERROR(op.Push(0, b, &out));
    if (!out.empty()) return Status::Internal("HashAggregate emitted before Finish");
  }
  ARK_RETURN_IF_ERROR(op.Finish(0, &out));
  return out;
}

Strs RunRows(HashAggregateOperator& op, const std::vector<Batch>& input) {
  auto out = RunOp(op, input);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? Rows(*out) : Strs{"error"};
}

// columns: 0 k string, 1 x int64, 2 flag bool
std::vector<Batch> Input() {
  return {
      MakeBatch({{"k", StrCol({"a", "b", std::nullopt, "a"})},
                 {"x", Int64Col({1, 2, 3, std::nullopt})},
                 {"flag", BoolCol({true, false, true, std::nullopt})}}),
      MakeBatch({{"k", StrCol({"b", std::nullopt, "c", "a"})},
                 {"x", Int64Col({5, 6, std::nullopt, 1})},
                 {"flag", BoolCol({true, true, false, true})}}),
  };
}

TEST(HashAggregateTest, GroupByStringKeyWithNullsGroupedTogether) {
  std::vector<AggregateCall> calls;
  calls.push_back(Call("count", {}, "count(*)"));
  calls.push_back(Call("count", Exprs(Col(1, DataType::Int64()))));
  calls.push_back(Call("sum", Exprs(Col(1, DataType::Int64()))));
  calls.push_back(Call("avg", Exprs(Col(1, DataType::Int64()))));
  HashAggregateOperator op(Spec(Exprs(Col(0, DataType::String())), std::move(calls)));
  // Groups in order of first appearance; NULL keys form one group.
  EXPECT_EQ(RunRows(op, Input()),
            (Strs{"a|3|2|2|1", "b|2|2|7|3.5", "NULL|2|2|9|4.5", "c|1|0|NULL|NULL"}));
}

TEST(HashAggregateTest, NoGroupByAlwaysOneRow) {
  auto make = [] {
    std::vector<AggregateCall> calls;
    calls.push_back(Call("count", {}, "count(*)"));
    calls.push_back(Call("sum", Exprs(Col(1, DataType::Int64()))));
    calls.push_back(Call("max", Exprs(Col(0, DataType::String()))));
    return Spec({}, std::move(calls));
  };
  HashAggregateOperator empty(make());
  EXPECT_EQ(RunRows(empty, {}), (Strs{"0|NULL|NULL"}));
  HashAggregateOperator empty_batch(make());
  EXPECT_EQ(RunRows(empty_batch, {Input()[0].Slice(0, 0)}), (Strs{"0|NULL|NULL"}));
  HashAggregateOperator full(make());
  EXPECT_EQ(RunRows(full, Input()), (Strs{"8|18|c"}));
}

TEST(HashAggregateTest, GroupByEmptyInputGivesNoRows) {
  std::vector<AggregateCall> calls;
  calls.push_back(Call("count", {}, "count(*)"));
  HashAggregateOperator op(Spec(Exprs(Col(0, DataType::String())), std::move(calls)));
  auto out = RunOp(op, {Input()[0].Slice(0, 0)});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->empty());
}

TEST(HashAggregateTest, FilterSkipsRowsThatFailIt) {
  std::vector<AggregateCall> calls;
  AggregateCall s = Call("sum", Exprs(Col(1, DataType::Int64())));
  s.filter = Col(2, DataType::Bool());  // NULL and FALSE rows do not count
  calls.push_back(std::move(s));
  AggregateCall c = Call("count", {}, "count(*)");
  c.filter = Col(2, DataType::Bool());
  calls.push_back(std::move(c));
  calls.push_back(Call("count", {}, "count(*)"));
  HashAggregateOperator op(Spec(Exprs(Col(0, DataType::String())), std::move(calls)));
  EXPECT_EQ(RunRows(op, Input()), (Strs{"a|2|2|3", "b|5|1|2", "NULL|9|2|2", "c|NULL|0|1"}));
}

TEST(HashAggregateTest, FilterWithExpressionArguments) {
  // sum(x + 0) with a constant in the arguments goes through the evaluator on the filtered rows.
  std::vector<AggregateCall> calls;
  AggregateCall s;
  s.function = Fn("string_agg", {DataType::String(), DataType::String()});
  s.args = Exprs(Col(0, DataType::String()), BoundExpr::Constant(Value::String("+")));
  s.filter = Col(2, DataType::Bool());
  s.display = "string_agg(k, '+') FILTER (WHERE flag)";
  calls.push_back(std::move(s));
  HashAggregateOperator op(Spec({}, std::move(calls)));
  EXPECT_EQ(RunRows(op, Input()), (Strs{"a+b+a"}));
}

TEST(HashAggregateTest, DistinctAggregatesDedupePerGroupAcrossBatches) {
  std::vector<Batch> input = {
      MakeBatch({{"g", Int64Col({1, 1, 2, 1})}, {"x", Int64Col({5, 5, 5, std::nullopt})}}),
      MakeBatch({{"g", Int64Col({1, 2, 2, 1})}, {"x", Int64Col({5, 6, 5, 7})}}),
  };
  std::vector<AggregateCall> calls;
  AggregateCall cd = Call("count", Exprs(Col(1, DataType::Int64())), "count(DISTINCT x)");
  cd.distinct = true;
  calls.push_back(std::move(cd));
  AggregateCall sd = Call("sum", Exprs(Col(1, DataType::Int64())), "sum(DISTINCT x)");
  sd.distinct = true;
  calls.push_back(std::move(sd));
  calls.push_back(Call("sum", Exprs(Col(1, DataType::Int64()))));
  HashAggregateOperator op(Spec(Exprs(Col(0, DataType::Int64())), std::move(calls)));
  EXPECT_EQ(RunRows(op, input), (Strs{"1|2|12|22", "2|2|11|16"}));

  std::vector<AggregateCall> global;
  AggregateCall g = Call("count", Exprs(Col(1, DataType::Int64())), "count(DISTINCT x)");
  g.distinct = true;
  global.push_back(std::move(g));
  HashAggregateOperator op2(Spec({}, std::move(global)));
  EXPECT_EQ(RunRows(op2, input), (Strs{"3"}));
}

TEST(HashAggregateTest, OrderByInsideTheCall) {
  // string_agg(s, ',' ORDER BY o DESC) per group; ties keep input order.
  std::vector<Batch> input = {
      MakeBatch(
          {{"g", Int64Col({1, 1, 2})}, {"s", StrCol({"x", "y", "p"})}, {"o", Int64Col({1, 3, 1})}}),
      MakeBatch(
          {{"g", Int64Col({1, 2, 1})}, {"s", StrCol({"z", "q", "w"})}, {"o", Int64Col({2, 5, 3})}}),
  };
  std::vector<AggregateCall> calls;
  AggregateCall c;
  c.function = Fn("string_agg", {DataType::String(), DataType::String()});
  c.args = Exprs(Col(1, DataType::String()), BoundExpr::Constant(Value::String(",")));
  c.order_by.push_back(testing::Key(2, DataType::Int64(), /*descending=*/true));
  c.display = "string_agg(s, ',' ORDER BY o DESC)";
  calls.push_back(std::move(c));
  AggregateCall a;
  a.function = Fn("array_agg", {DataType::Int64()});
  a.args = Exprs(Col(2, DataType::Int64()));
  a.order_by.push_back(testing::Key(2, DataType::Int64()));
  a.display = "array_agg(o ORDER BY o)";
  calls.push_back(std::move(a));
  HashAggregateOperator op(Spec(Exprs(Col(0, DataType::Int64())), std::move(calls)));
  EXPECT_EQ(RunRows(op, input), (Strs{"1|y,w,z,x|[1, 2, 3, 3]", "2|q,p|[1, 5]"}));
}

TEST(HashAggregateTest, TwoKeysIncludingNulls) {
  std::vector<Batch> input = {MakeBatch({{"a", Int64Col({1, 1, std::nullopt, 1, std::nullopt})},
                                         {"b", StrCol({"x", std::nullopt, "x", "x", "x"})}})};
  std::vector<AggregateCall> calls;
  calls.push_back(Call("count", {}, "count(*)"));
  HashAggregateOperator op(
      Spec(Exprs(Col(0, DataType::Int64()), Col(1, DataType::String())), std::move(calls)));
  EXPECT_EQ(RunRows(op, input), (Strs{"1|x|2", "1|NULL|1", "NULL|x|2"}));
}

TEST(HashAggregateTest, ManyGroupsAcrossManyBatches) {
  // 400k rows in batches of 10k; key i % 200000: 200k groups, emitted as 64k-row batches.
  const int64_t kGroups = 200000;
  std::vector<Batch> input;
  for (int64_t start = 0; start < 2 * kGroups; start += 10000) {
    Int64Builder k(DataType::Int64()), x(DataType::Int64());
    for (int64_t i = start; i < start + 10000; ++i) {
      k.Append(i % kGroups);
      x.Append(i);
    }
    input.push_back(MakeBatch({{"k", k.Finish()}, {"x", x.Finish()}}));
  }
  std::vector<AggregateCall> calls;
  calls.push_back(Call("sum", Exprs(Col(1, DataType::Int64()))));
  calls.push_back(Call("count", {}, "count(*)"));
  HashAggregateOperator op(Spec(Exprs(Col(0, DataType::Int64())), std::move(calls)));
  std::vector<Batch> out;
  for (const Batch& b : input) ASSERT_TRUE(op.Push(0, b, &out).ok());
  EXPECT_GT(op.StateBytes(), static_cast<size_t>(kGroups) * 16);
  ASSERT_TRUE(op.Finish(0, &out).ok());
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].num_rows(), 65536);
  EXPECT_EQ(out[3].num_rows(), kGroups - 3 * 65536);
  int64_t expected_key = 0;
  for (const Batch& b : out) {
    const int64_t* k = b.column(0)->data<int64_t>();
    const int64_t* s = b.column(1)->data<int64_t>();
    const int64_t* c = b.column(2)->data<int64_t>();
    for (int64_t r = 0; r < b.num_rows(); ++r, ++expected_key) {
      ASSERT_EQ(k[r], expected_key);
      ASSERT_EQ(s[r], 2 * expected_key + kGroups);
      ASSERT_EQ(c[r], 2);
    }
  }
  EXPECT_EQ(expected_key, kGroups);
  EXPECT_EQ(op.StateBytes(), 0u);  // Finish releases everything
}

TEST(HashAggregateTest, OverflowIsReportedAtFinish) {
  std::vector<Batch> input = {MakeBatch(
      {{"k", Int64Col({1, 1})}, {"x", Int64Col({std::numeric_limits<int64_t>::max(), 1})}})};
  std::vector<AggregateCall> calls;
  calls.push_back(Call("sum", Exprs(Col(1, DataType::Int64()))));
  HashAggregateOperator op(Spec(Exprs(Col(0, DataType::Int64())), std::move(calls)));
  auto out = RunOp(op, input);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(out.status().message(), "bigint out of range");
}

TEST(HashAggregateTest, ResetStartsOverAndExplainNamesKeysAndCalls) {
  std::vector<AggregateCall> calls;
  calls.push_back(Call("count", {}, "count(*)"));
  calls.push_back(Call("sum", Exprs(Col(1, DataType::Int64())), "sum(x)"));
  HashAggregateOperator op(Spec(Exprs(Col(0, DataType::String())), std::move(calls)));
  EXPECT_EQ(op.Explain(), "HashAggregate keys=[k0] aggs=[count(*), sum(x)]");
  std::vector<Batch> out;
  ASSERT_TRUE(op.Push(0, Input()[0], &out).ok());
  op.Reset();
  EXPECT_EQ(RunRows(op, {Input()[1]}), (Strs{"b|1|5", "NULL|1|6", "c|1|NULL", "a|1|1"}));
  // Finish leaves the operator ready for the next execution.
  EXPECT_EQ(RunRows(op, {Input()[1].Slice(0, 1)}), (Strs{"b|1|5"}));
}

}  // namespace
}  // namespace ark::sql
