#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "sql/functions/builtin_functions.h"
#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::BoolCol;
using testing::Float64Col;
using testing::Int32Col;
using testing::Int64Col;
using testing::StrCol;
using Strs = std::vector<std::string>;

const FunctionRegistry& Registry() {
  static const FunctionRegistry* r = [] {
    auto* reg = new FunctionRegistry();
    RegisterAggregateFunctions(*reg);
    return reg;
  }();
  return *r;
}

Result<AggregateFunctionPtr> Bind(std::string_view name, std::vector<DataType> types,
                                  std::vector<std::optional<Value>> consts = {}) {
  const AggregateBinder* b = Registry().FindAggregate(name);
  if (b == nullptr) return Status::NotFound("no aggregate {}", name);
  consts.resize(types.size());
  return (*b)(types, consts);
}

// Per-group states in one aligned block.
class States {
 public:
  States(const AggregateFunction& f, int64_t n)
      : f_(f), size_(f.state_size()), mem_(static_cast<size_t>(n) * size_ / 8 + 1) {
    for (int64_t g = 0; g < n; ++g) {
      ptrs_.push_back(reinterpret_cast<uint8_t*>(mem_.data()) + g * size_);
      f_.Init(ptrs_.back());
    }
  }
  ~States() {
    for (uint8_t* p : ptrs_) f_.Destroy(p);
  }
  uint8_t* operator[](int64_t g) const { return ptrs_[g]; }
  const std::vector<uint8_t*>& ptrs() const { return ptrs_; }

 private:
  const AggregateFunction& f_;
  size_t size_;
  std::vector<uint64_t> mem_;
  std::vector<uint8_t*> ptrs_;
};

std::vector<uint8_t*> RowStates(const States& s, const std::vector<int>& groups) {
  std::vector<uint8_t*> out;
  for (int g : groups) out.push_back(s[g]);
  return out;
}

Result<Strs> FinalizeAll(const AggregateFunction& f, const States& s, int64_t groups) {
  auto b = MakeBuilder(f.return_type());
  ARK_RETURN_IF_ERROR(f.Finalize(s.ptrs().data(), groups, *b));
  ColumnPtr c = b->Finish();
  Strs out;
  for (int64_t i = 0; i < c->length(); ++i) out.push_back(c->ValueToString(i));
  return out;
}

// Aggregates rows into groups three ways — one Update over everything, two halves combined, and
// (one group) UpdateSingle — checks that they agree (unless `approximate`: sketches depend on the
// merge order) and returns the result of the first.
Result<Strs> Aggregate(std::string_view name, std::vector<ColumnPtr> args, std::vector<int> groups,
                       std::vector<std::optional<Value>> consts = {}, int64_t rows = -1,
                       bool approximate = false) {
  std::vector<DataType> types;
  for (const auto& a : args) types.push_back(a->type());
  ARK_ASSIGN_OR_RETURN(AggregateFunctionPtr f, Bind(name, types, consts));
  if (rows < 0) rows = static_cast<int64_t>(groups.size());
  int64_t ngroups = 1;
  for (int g : groups) ngroups = std::max<int64_t>(ngroups, g + 1);

  States whole(*f, ngroups);
  auto ptrs = RowStates(whole, groups);
  ARK_RETURN_IF_ERROR(f->Update(ptrs.data(), args, rows));
  ARK_ASSIGN_OR_RETURN(Strs result, FinalizeAll(*f, whole, ngroups));

  // Halves, combined.
  int64_t half = rows / 2;
  States a(*f, ngroups), b(*f, ngroups);
  std::vector<ColumnPtr> first, second;
  for (const auto& c : args) {
    first.push_back(c->Slice(0, half));
    second.push_back(c->Slice(half, rows - half));
  }
  auto pa = RowStates(a, std::vector<int>(groups.begin(), groups.begin() + half));
  auto pb = RowStates(b, std::vector<int>(groups.begin() + half, groups.end()));
  ARK_RETURN_IF_ERROR(f->Update(pa.data(), first, half));
  ARK_RETURN_IF_ERROR(f->Update(pb.data(), second, rows - half));
  for (int64_t g = 0; g < ngroups; ++g) f->Combine(a[g], b[g]);
  ARK_ASSIGN_OR_RETURN(Strs combined, FinalizeAll(*f, a, ngroups));
  if (combined != result && !approximate) {
    return Status::Internal("combined halves differ: {} vs {}", combined[0], result[0]);
  }

  if (ngroups == 1) {
    States single(*f, 1);
    ARK_RETURN_IF_ERROR(f->UpdateSingle(single[0], args, rows));
    ARK_ASSIGN_OR_RETURN(Strs s, FinalizeAll(*f, single, 1));
    if (s != result) return Status::Internal("UpdateSingle differs: {} vs {}", s[0], result[0]);
  }
  return result;
}

#define EXPECT_AGG(expected, ...)                   \
  do {                                              \
    auto r_ = Aggregate(__VA_ARGS__);               \
    ASSERT_TRUE(r_.ok()) << r_.status().ToString(); \
    EXPECT_EQ(*r_, (expected));                     \
  } while (false)

TEST(AggregateFunctionsTest, CountStarAndCountValues) {
  EXPECT_AGG((Strs{"3", "2"}), "count", {}, {0, 1, 0, 0, 1});
  EXPECT_AGG((Strs{"1", "1"}), "count", {Int64Col({1, std::nullopt, std::nullopt, 4})},
             {0, 0, 1, 1});
  EXPECT_AGG((Strs{"2"}), "count", {StrCol({"a", std::nullopt, ""})}, {0, 0, 0});
  // No rows: 0.
  EXPECT_AGG((Strs{"0"}), "count", {Int64Col({})}, {}, {}, 0);
  EXPECT_AGG((Strs{"0"}), "count", {Column::MakeNull(DataType::Null(), 3)}, {0, 0, 0});
}

TEST(AggregateFunctionsTest, SumSkipsNullsAndIsNullOverNothing) {
  EXPECT_AGG((Strs{"4", "NULL"}), "sum", {Int64Col({1, std::nullopt, 3, std::nullopt})},
             {0, 1, 0, 1});
  EXPECT_AGG((Strs{"-6"}), "sum", {Int32Col({-1, -2, -3})}, {0, 0, 0});
  EXPECT_AGG((Strs{"NULL"}), "sum", {Int64Col({})}, {}, {}, 0);
  EXPECT_AGG((Strs{"4.5"}), "sum", {Float64Col({1.25, std::nullopt, 3.25})}, {0, 0, 0});
  auto f = Bind("sum", {DataType::Int32()});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->return_type(), DataType::Int64());
  EXPECT_EQ((*Bind("sum", {DataType::Float32()}))->return_type(), DataType::Float64());
}

TEST(AggregateFunctionsTest, SumOverflowIsBigintOutOfRange) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  auto r = Aggregate("sum", {Int64Col({max, 1})}, {0, 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(r.status().message(), "bigint out of range");
  auto low = Aggregate("sum", {Int64Col({std::numeric_limits<int64_t>::min(), -1})}, {0, 0});
  ASSERT_FALSE(low.ok());
  EXPECT_EQ(low.status().message(), "bigint out of range");
  // An intermediate overflow that cancels out is fine: the total fits.
  EXPECT_AGG((Strs{std::to_string(max)}), "sum", {Int64Col({max, 1, -1})}, {0, 0, 0});
}

TEST(AggregateFunctionsTest, Avg) {
  EXPECT_AGG((Strs{"1.5", "NULL"}), "avg", {Int32Col({1, std::nullopt, 2})}, {0, 1, 0});
  EXPECT_AGG((Strs{"2.25"}), "avg", {Float64Col({2, 2.5})}, {0, 0});
  EXPECT_AGG((Strs{"NULL"}), "mean", {Int64Col({std::nullopt})}, {0});
}

TEST(AggregateFunctionsTest, MinMaxOfEveryComparableType) {
  EXPECT_AGG((Strs{"-3", "5"}), "min", {Int64Col({4, 5, -3, std::nullopt})}, {0, 1, 0, 1});
  EXPECT_AGG((Strs{"4", "5"}), "max", {Int64Col({4, 5, -3, std::nullopt})}, {0, 1, 0, 1});
  EXPECT_AGG((Strs{"NULL"}), "max", {Int32Col({std::nullopt, std::nullopt})}, {0, 0});
  double nan = std::numeric_limits<double>::quiet_NaN();
  // NaN sorts above every number (PostgreSQL).
  EXPECT_AGG((Strs{"nan"}), "max", {Float64Col({1, nan, 2})}, {0, 0, 0});
  EXPECT_AGG((Strs{"1"}), "min", {Float64Col({nan, 1, 2})}, {0, 0, 0});
  EXPECT_AGG((Strs{"apple"}), "min", {StrCol({"banana", std::nullopt, "apple", "cherry"})},
             {0, 0, 0, 0});
  EXPECT_AGG((Strs{"cherry"}), "max", {StrCol({"banana", std::nullopt, "apple", "cherry"})},
             {0, 0, 0, 0});
  // Bytewise: 'Z' < 'a' and a prefix sorts first.
  EXPECT_AGG((Strs{"Zebra", "ab"}), "min", {StrCol({"abc", "Zebra", "ab", "abc"})}, {0, 0, 1, 1});
  EXPECT_AGG((Strs{"false"}), "min", {BoolCol({true, false, std::nullopt})}, {0, 0, 0});
  EXPECT_AGG((Strs{"true"}), "max", {BoolCol({false, true, std::nullopt})}, {0, 0, 0});

  Int64Builder ts(DataType::Timestamp());
  ts.Append(1714564800000000);  // 2024-05-01 12:00:00
  ts.Append(1714478400000000);  // 2024-04-30 12:00:00
  ColumnPtr tcol = ts.Finish();
  auto r = Aggregate("min", {tcol}, {0, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (Strs{tcol->ValueToString(1)}));
  EXPECT_EQ((*Bind("max", {DataType::Timestamp()}))->return_type(), DataType::Timestamp());

  Int32Builder dates(DataType::Date());
  dates.Append(19000);
  dates.Append(19500);
  ColumnPtr dcol = dates.Finish();
  r = Aggregate("max", {dcol}, {0, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (Strs{dcol->ValueToString(1)}));

  // Intervals by their span: 1 month (30 days) < 31 days.
  IntervalBuilder iv(DataType::Interval());
  iv.Append(IntervalValue{0, 31, 0});
  iv.Append(IntervalValue{1, 0, 0});
  r = Aggregate("min", {iv.Finish()}, {0, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (Strs{"1 months 0 days 0 ns"}));
}

TEST(AggregateFunctionsTest, VarianceFamily) {
  auto x = Int64Col({1, 2, std::nullopt, 3, 4});
  std::vector<int> g = {0, 0, 0, 0, 0};
  EXPECT_AGG((Strs{"1.6666666666666667"}), "var_samp", {x}, g);
  EXPECT_AGG((Strs{"1.6666666666666667"}), "variance", {x}, g);
  EXPECT_AGG((Strs{"1.25"}), "var_pop", {x}, g);
  EXPECT_AGG((Strs{"1.2909944487358056"}), "stddev_samp", {x}, g);
  EXPECT_AGG((Strs{"1.2909944487358056"}), "stddev", {x}, g);
  EXPECT_AGG((Strs{"1.118033988749895"}), "stddev_pop", {x}, g);
  // One value: the sample statistics are NULL, the population ones 0; none: NULL.
  EXPECT_AGG((Strs{"NULL", "NULL"}), "var_samp", {Float64Col({5, std::nullopt})}, {0, 1});
  EXPECT_AGG((Strs{"0", "NULL"}), "stddev_pop", {Float64Col({5, std::nullopt})}, {0, 1});
}

TEST(AggregateFunctionsTest, BoolAndOr) {
  auto b = BoolCol({true, std::nullopt, false, true, true, std::nullopt});
  std::vector<int> g = {0, 0, 0, 1, 1, 2};
  EXPECT_AGG((Strs{"false", "true", "NULL"}), "bool_and", {b}, g);
  EXPECT_AGG((Strs{"false", "true", "NULL"}), "every", {b}, g);
  EXPECT_AGG((Strs{"true", "true", "NULL"}), "bool_or", {b}, g);
  EXPECT_AGG((Strs{"false"}), "bool_or", {BoolCol({false, false})}, {0, 0});
}

TEST(AggregateFunctionsTest, StringAgg) {
  auto x = StrCol({"a", std::nullopt, "b", "c", "d"});
  auto sep = StrCol({",", "+", "-", std::nullopt, ";"});
  // Each value after the first is preceded by its own row's separator; NULL separator = ''.
  EXPECT_AGG((Strs{"a-bc;d"}), "string_agg", {x, sep}, {0, 0, 0, 0, 0});
  EXPECT_AGG((Strs{"a-b", "c;d"}), "string_agg", {x, sep}, {0, 0, 0, 1, 1});
  EXPECT_AGG((Strs{"a,b,c,d"}), "string_agg", {x}, {0, 0, 0, 0, 0});
  EXPECT_AGG((Strs{"NULL"}), "string_agg", {StrCol({std::nullopt}), StrCol({","})}, {0});
  EXPECT_AGG((Strs{"x"}), "group_concat", {StrCol({"x"}), StrCol({","})}, {0});
}

TEST(AggregateFunctionsTest, ArrayAggKeepsNulls) {
  EXPECT_AGG((Strs{"[1, NULL, 3]", "[2]"}), "array_agg", {Int64Col({1, std::nullopt, 2, 3})},
             {0, 0, 1, 0});
  EXPECT_AGG((Strs{"[x, NULL, ]"}), "array_agg", {StrCol({"x", std::nullopt, ""})}, {0, 0, 0});
  EXPECT_AGG((Strs{"[true, false]"}), "array_agg", {BoolCol({true, false})}, {0, 0});
  EXPECT_AGG((Strs{"NULL"}), "array_agg", {Int64Col({})}, {}, {}, 0);
  EXPECT_EQ((*Bind("array_agg", {DataType::Float64()}))->return_type(),
            DataType::List(DataType::Float64()));
  // Nested values.
  ListBuilder lb(DataType::List(DataType::Int32()));
  lb.Append();
  static_cast<Int32Builder&>(lb.values()).Append(7);
  lb.AppendNull();
  EXPECT_AGG((Strs{"[[7], NULL]"}), "array_agg", {lb.Finish()}, {0, 0});
}

TEST(AggregateFunctionsTest, FirstLastAnyValue) {
  auto x = Int64Col({std::nullopt, 2, 3, std::nullopt, 5, 6});
  std::vector<int> g = {0, 0, 1, 1, 0, 1};
  EXPECT_AGG((Strs{"NULL", "3"}), "first_value", {x}, g);
  EXPECT_AGG((Strs{"NULL", "3"}), "first", {x}, g);
  EXPECT_AGG((Strs{"5", "6"}), "last_value", {x}, g);
  EXPECT_AGG((Strs{"5", "6"}), "last", {x}, g);
  EXPECT_AGG((Strs{"NULL"}), "last", {x}, {0, 0, 0, 0}, {}, 4);
  EXPECT_AGG((Strs{"2", "3"}), "any_value", {x}, g);
  auto s = StrCol({"p", "q", std::nullopt, "r"});
  EXPECT_AGG((Strs{"p", "NULL"}), "first", {s}, {0, 0, 1, 1});
  EXPECT_AGG((Strs{"q", "r"}), "last", {s}, {0, 0, 1, 1});
  EXPECT_AGG((Strs{"r", "q"}), "last", {s}, {1, 1, 0, 0});
}

TEST(AggregateFunctionsTest, ExactPercentiles) {
  auto x = Int64Col({4, 1, std::nullopt, 3, 2});
  std::vector<int> g = {0, 0, 0, 0, 0};
  EXPECT_AGG((Strs{"1.75"}), "percentile_cont", {x, Float64Col({0.25, 0.25, 0.25, 0.25, 0.25})}, g,
             {std::nullopt, Value::Float64(0.25)});
  EXPECT_AGG((Strs{"2"}), "percentile_disc", {x, Float64Col({0.5, 0.5, 0.5, 0.5, 0.5})}, g,
             {std::nullopt, Value::Float64(0.5)});
  EXPECT_AGG((Strs{"2.5"}), "median", {x}, g);
  EXPECT_AGG((Strs{"4"}), "quantile_cont", {x, Float64Col({1, 1, 1, 1, 1})}, g,
             {std::nullopt, Value::Float64(1)});
  EXPECT_AGG((Strs{"NULL"}), "median", {Int64Col({std::nullopt})}, {0});
}

TEST(AggregateFunctionsTest, ApproxPercentileExactWhenSmall) {
  auto x = Int64Col({4, 1, std::nullopt, 3, 2});
  auto q = Float64Col({0.5, 0.5, 0.5, 0.5, 0.5});
  EXPECT_AGG((Strs{"2.5"}), "approx_percentile", {x, q}, {0, 0, 0, 0, 0},
             {std::nullopt, Value::Float64(0.5)});
  EXPECT_AGG((Strs{"2.5"}), "approx_quantile", {x, q}, {0, 0, 0, 0, 0},
             {std::nullopt, Value::Float64(0.5)});
}

TEST(AggregateFunctionsTest, ApproxPercentileLargeInputRankError) {
  // 200k shuffled values 0..199999: the rank of the answer is within 0.2% of the fraction.
  const int64_t n = 200000;
  std::vector<std::optional<double>> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(static_cast<double>(i));
  std::mt19937_64 rng(42);
  std::shuffle(v.begin(), v.end(), rng);
  ColumnPtr x = Float64Col(v);
  for (double fraction : {0.01, 0.25, 0.5, 0.9, 0.999}) {
    ColumnPtr q = Value::Float64(fraction).ToColumn(n);
    auto r = Aggregate("approx_percentile", {x, q}, std::vector<int>(n, 0),
                       {std::nullopt, Value::Float64(fraction)}, n, /*approximate=*/true);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    double got = std::stod((*r)[0]);
    double rank_error = std::abs(got / (n - 1) - fraction);
    EXPECT_LT(rank_error, 0.002) << "fraction " << fraction << " got " << got;
  }
}

TEST(AggregateFunctionsTest, ApproxCountDistinct) {
  EXPECT_AGG((Strs{"2", "0"}), "approx_count_distinct",
             {StrCol({"a", "b", "a", std::nullopt, std::nullopt})}, {0, 0, 0, 0, 1});
  // -0.0 and 0.0 are one value.
  EXPECT_AGG((Strs{"2"}), "approx_count_distinct", {Float64Col({0.0, -0.0, 1})}, {0, 0, 0});
  // Exact up to 256 distinct values.
  std::vector<std::optional<int64_t>> small;
  for (int i = 0; i < 1000; ++i) small.push_back(i % 256);
  EXPECT_AGG((Strs{"256"}), "approx_count_distinct", {Int64Col(small)}, std::vector<int>(1000, 0));
  // 100k distinct values (each twice): within 5% (3 standard errors of 1.6%).
  std::vector<std::optional<int64_t>> big;
  for (int i = 0; i < 200000; ++i) big.push_back(i % 100000);
  auto r = Aggregate("approx_count_distinct", {Int64Col(big)}, std::vector<int>(200000, 0), {},
                     200000, /*approximate=*/true);
  ASSERT_TRUE(r.ok());
  double est = std::stod((*r)[0]);
  EXPECT_NEAR(est, 100000, 5000);
}

TEST(AggregateFunctionsTest, EveryAggregateOverNoRowsAndOnlyNulls) {
  // Over no rows and over NULLs only, count and approx_count_distinct give 0, the rest NULL.
  struct Case {
    const char* name;
    std::vector<ColumnPtr> args;
    std::vector<std::optional<Value>> consts;
  };
  ColumnPtr ints = Int64Col({std::nullopt, std::nullopt});
  ColumnPtr strs = StrCol({std::nullopt, std::nullopt});
  ColumnPtr bools = BoolCol({std::nullopt, std::nullopt});
  ColumnPtr half = Float64Col({0.5, 0.5});
  const std::optional<Value> q = Value::Float64(0.5);
  std::vector<Case> cases = {
      {"count", {ints}, {}},
      {"approx_count_distinct", {strs}, {}},
      {"sum", {ints}, {}},
      {"avg", {ints}, {}},
      {"min", {strs}, {}},
      {"max", {ints}, {}},
      {"var_samp", {ints}, {}},
      {"var_pop", {ints}, {}},
      {"stddev_samp", {ints}, {}},
      {"stddev_pop", {ints}, {}},
      {"bool_and", {bools}, {}},
      {"bool_or", {bools}, {}},
      {"string_agg", {strs, strs}, {}},
      {"any_value", {ints}, {}},
      {"median", {ints}, {}},
      {"percentile_cont", {ints, half}, {std::nullopt, q}},
      {"percentile_disc", {ints, half}, {std::nullopt, q}},
      {"approx_percentile", {ints, half}, {std::nullopt, q}},
  };
  for (const Case& c : cases) {
    const bool zero =
        std::string(c.name) == "count" || std::string(c.name) == "approx_count_distinct";
    const Strs expected = {zero ? "0" : "NULL"};
    auto empty = Aggregate(c.name, c.args, {}, c.consts, 0);
    ASSERT_TRUE(empty.ok()) << c.name << ": " << empty.status().ToString();
    EXPECT_EQ(*empty, expected) << c.name << " over no rows";
    auto nulls = Aggregate(c.name, c.args, {0, 0}, c.consts);
    ASSERT_TRUE(nulls.ok()) << c.name << ": " << nulls.status().ToString();
    EXPECT_EQ(*nulls, expected) << c.name << " over NULLs";
  }
  // first/last/array_agg keep NULL rows: NULL, NULL and [NULL, NULL]; over no rows NULL.
  EXPECT_AGG((Strs{"NULL"}), "first", {ints}, {0, 0});
  EXPECT_AGG((Strs{"NULL"}), "last", {ints}, {0, 0});
  EXPECT_AGG((Strs{"[NULL, NULL]"}), "array_agg", {ints}, {0, 0});
  EXPECT_AGG((Strs{"NULL"}), "first", {ints}, {}, {}, 0);
  // NULL-typed input (sum(NULL)) binds and gives NULL of the usual result type.
  auto f = Bind("sum", {DataType::Null()});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->return_type(), DataType::Int64());
  EXPECT_AGG((Strs{"NULL"}), "avg", {Column::MakeNull(DataType::Null(), 2)}, {0, 0});
}

TEST(AggregateFunctionsTest, RetractUndoesUpdate) {
  auto x = Int64Col({5, std::nullopt, 7});
  for (const char* name : {"count", "sum", "avg"}) {
    auto f = Bind(name, {DataType::Int64()});
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->retractable()) << name;
    States s(**f, 1);
    std::vector<uint8_t*> p(3, s[0]);
    std::vector<ColumnPtr> args = {x};
    ASSERT_TRUE((*f)->Update(p.data(), args, 3).ok());
    std::vector<ColumnPtr> one = {x->Slice(0, 1)};
    ASSERT_TRUE((*f)->Retract(p.data(), one, 1).ok());
    auto out = FinalizeAll(**f, s, 1);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ((*out)[0], std::string(name) == "count" ? "1" : "7") << name;
  }
  auto band = Bind("bool_and", {DataType::Bool()});
  ASSERT_TRUE((*band)->retractable());
  auto mx = Bind("max", {DataType::Int64()});
  EXPECT_FALSE((*mx)->retractable());
  States s(**mx, 1);
  std::vector<uint8_t*> p(1, s[0]);
  std::vector<ColumnPtr> args = {x->Slice(0, 1)};
  Status st = (*mx)->Retract(p.data(), args, 1);
  EXPECT_EQ(st.code(), StatusCode::kUnimplemented);
  EXPECT_EQ(st.message(), "aggregate max cannot retract rows");
}

TEST(AggregateFunctionsTest, BindErrorsNameTheFunction) {
  auto r = Bind("sum", {DataType::String()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTypeError);
  EXPECT_EQ(r.status().message(),
            "function sum(string) does not exist; expected one of sum(int32), sum(int64), "
            "sum(float32), sum(float64)");
  r = Bind("bool_and", {DataType::Int64()});
  EXPECT_EQ(r.status().message(),
            "function bool_and(int64) does not exist; expected bool_and(bool)");
  r = Bind("approx_percentile", {DataType::Int64(), DataType::Float64()},
           {std::nullopt, Value::Float64(1.5)});
  EXPECT_EQ(r.status().message(),
            "approx_percentile: the fraction must be between 0 and 1, got 1.5");
  r = Bind("approx_percentile", {DataType::Int64(), DataType::Float64()});
  EXPECT_EQ(r.status().message(),
            "approx_percentile: the fraction (argument 2) must be a constant");
  r = Bind("min", {DataType::List(DataType::Int64())});
  EXPECT_EQ(r.status().code(), StatusCode::kTypeError);
}

}  // namespace
}  // namespace ark::sql
