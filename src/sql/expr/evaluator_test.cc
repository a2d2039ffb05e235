#include "sql/expr/evaluator.h"

#include <gtest/gtest.h>

#include "sql/functions/scalar_test_util.h"

namespace ark::sql {
namespace {

using namespace ark::sql::testing;  // NOLINT

const DataType kI32 = DataType::Int32();
const DataType kI64 = DataType::Int64();
const DataType kBool = DataType::Bool();
const DataType kStr = DataType::String();

class EvaluatorTest : public ::testing::Test {
 protected:
  // x int64: 10, 0, NULL, -5 ; s string: 'a', NULL, 'c', 'd' ; b bool: true, false, NULL, true
  void SetUp() override {
    SchemaPtr schema = Schema::Make({Field("x", kI64), Field("s", kStr), Field("b", kBool)});
    batch_ = *Batch::Make(schema, {Col(kI64, {I64(10), I64(0), Null(), I64(-5)}),
                                   Col(kStr, {Str("a"), Null(), Str("c"), Str("d")}),
                                   Col(kBool, {B(true), B(false), Null(), B(true)})});
  }

  BoundExprPtr X() { return BoundExpr::Column(0, kI64); }
  BoundExprPtr S() { return BoundExpr::Column(1, kStr); }
  BoundExprPtr Bc() { return BoundExpr::Column(2, kBool); }
  static BoundExprPtr Lit(Value v) { return BoundExpr::Constant(std::move(v)); }

  // A call bound like the binder does: casts inserted where the function wants other types.
  BoundExprPtr Fn(const std::string& name, std::vector<BoundExprPtr> args) {
    std::vector<DataType> types;
    std::vector<std::optional<Value>> constants;
    for (const auto& a : args) {
      types.push_back(a->type);
      constants.push_back(a->kind == BoundExprKind::kConstant ? std::optional<Value>(a->constant)
                                                              : std::nullopt);
    }
    Result<BoundScalarFunction> f = tester_.Bind(name, types, constants);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i]->type != f->arg_types[i]) {
        args[i] = BoundExpr::Cast(std::move(args[i]), f->arg_types[i]);
      }
    }
    return BoundExpr::Call(std::make_shared<BoundScalarFunction>(*f), std::move(args));
  }

  static BoundExprPtr Node(BoundExprKind kind, DataType type, std::vector<BoundExprPtr> children,
                           bool negated = false) {
    auto e = std::make_unique<BoundExpr>();
    e->kind = kind;
    e->type = std::move(type);
    e->children = std::move(children);
    e->negated = negated;
    return e;
  }

  static std::vector<BoundExprPtr> One(BoundExprPtr a) {
    std::vector<BoundExprPtr> v;
    v.push_back(std::move(a));
    return v;
  }

  static std::vector<BoundExprPtr> List(BoundExprPtr a, BoundExprPtr b) {
    std::vector<BoundExprPtr> v;
    v.push_back(std::move(a));
    v.push_back(std::move(b));
    return v;
  }

  std::string Eval(const BoundExpr& e) {
    ExpressionEvaluator ev(ctx_);
    Result<ColumnPtr> r = ev.EvaluateColumn(e, batch_);
    if (!r.ok()) return "ERROR: " + r.status().message();
    return Show(Datum(*r), batch_.num_rows());
  }

  std::string Select(const BoundExpr& e) {
    ExpressionEvaluator ev(ctx_);
    Result<std::vector<int64_t>> r = ev.SelectRows(e, batch_);
    if (!r.ok()) return "ERROR: " + r.status().message();
    std::string out;
    for (int64_t i : *r) out += (out.empty() ? "" : ",") + std::to_string(i);
    return out;
  }

  FunctionTester tester_;
  KernelContext ctx_;
  Batch batch_;
};

TEST_F(EvaluatorTest, ColumnsConstantsAndCalls) {
  EXPECT_EQ(Eval(*X()), "10, 0, NULL, -5");
  EXPECT_EQ(Eval(*Lit(I64(7))), "7, 7, 7, 7");
  auto e = Fn(">", List(Fn("+", List(Fn("*", List(X(), Lit(I32(2)))), Lit(I32(1)))), Lit(I32(5))));
  EXPECT_EQ(Eval(*e), "true, false, NULL, false");
  EXPECT_EQ(Select(*e), "0");
  EXPECT_EQ(e->ToString(), "((#0 * CAST(2 AS int64)) + CAST(1 AS int64)) > CAST(5 AS int64)");
  std::vector<std::string> names = {"x", "s", "b"};
  EXPECT_EQ(Fn("lower", One(S()))->ToString(&names), "lower(s)");
}

TEST_F(EvaluatorTest, ThreeValuedLogic) {
  // b AND (x > 0): true AND true, false AND false, NULL AND NULL, true AND false.
  auto and_expr = Node(BoundExprKind::kAnd, kBool, List(Bc(), Fn(">", List(X(), Lit(I64(0))))));
  EXPECT_EQ(Eval(*and_expr), "true, false, NULL, false");
  auto or_expr = Node(BoundExprKind::kOr, kBool, List(Bc(), Fn(">", List(X(), Lit(I64(0))))));
  EXPECT_EQ(Eval(*or_expr), "true, false, NULL, true");
  // NULL AND false = false; NULL OR true = true.
  auto null_and_false =
      Node(BoundExprKind::kAnd, kBool, List(Lit(Null(kBool)), Fn("<", List(X(), Lit(I64(-100))))));
  EXPECT_EQ(Eval(*null_and_false), "false, false, NULL, false");
  auto null_or_true =
      Node(BoundExprKind::kOr, kBool, List(Lit(Null(kBool)), Fn(">", List(X(), Lit(I64(-100))))));
  EXPECT_EQ(Eval(*null_or_true), "true, true, NULL, true");
  auto not_expr = Node(BoundExprKind::kNot, kBool, {});
  not_expr->children.push_back(Bc());
  EXPECT_EQ(Eval(*not_expr), "false, true, NULL, false");
  EXPECT_EQ(and_expr->ToString(), "#2 AND (#0 > 0)");
  EXPECT_EQ(Select(*or_expr), "0,3");
}

TEST_F(EvaluatorTest, AndShortCircuitsOnDecidedRows) {
  // x <> 0 AND 100 / x > 5: row 1 (x = 0) is decided by the left side; no division by zero.
  auto e = Node(BoundExprKind::kAnd, kBool,
                List(Fn("<>", List(X(), Lit(I64(0)))),
                     Fn(">", List(Fn("/", List(Lit(I64(100)), X())), Lit(I64(5))))));
  EXPECT_EQ(Eval(*e), "true, false, NULL, false");
  // x = 0 OR 100 / x > 5
  auto o = Node(BoundExprKind::kOr, kBool,
                List(Fn("=", List(X(), Lit(I64(0)))),
                     Fn(">", List(Fn("/", List(Lit(I64(100)), X())), Lit(I64(5))))));
  EXPECT_EQ(Eval(*o), "true, true, NULL, false");
  // Without the guard the division fails.
  auto bad = Fn("/", List(Lit(I64(100)), X()));
  EXPECT_EQ(Eval(*bad), "ERROR: division by zero");
}

TEST_F(EvaluatorTest, CaseEvaluatesBranchesOnlyWhereReached) {
  // CASE WHEN x <> 0 THEN 100 / x END
  auto c = Node(BoundExprKind::kCase, kI64,
                List(Fn("<>", List(X(), Lit(I64(0)))), Fn("/", List(Lit(I64(100)), X()))));
  EXPECT_EQ(Eval(*c), "10, NULL, NULL, -20");
  // CASE WHEN x > 0 THEN 'pos' WHEN x < 0 THEN 'neg' ELSE s END
  auto c2 =
      Node(BoundExprKind::kCase, kStr, List(Fn(">", List(X(), Lit(I64(0)))), Lit(Str("pos"))));
  c2->children.push_back(Fn("<", List(X(), Lit(I64(0)))));
  c2->children.push_back(Lit(Str("neg")));
  c2->children.push_back(S());
  c2->has_else = true;
  EXPECT_EQ(Eval(*c2), "'pos', NULL, 'c', 'neg'");
  EXPECT_EQ(c2->ToString(), "CASE WHEN #0 > 0 THEN 'pos' WHEN #0 < 0 THEN 'neg' ELSE #1 END");
  // Every row takes the same branch: the branch's value is returned as is.
  auto all = Node(BoundExprKind::kCase, kI64, List(Lit(B(true)), X()));
  EXPECT_EQ(Eval(*all), "10, 0, NULL, -5");
  auto none = Node(BoundExprKind::kCase, kI64, List(Lit(B(false)), X()));
  EXPECT_EQ(Eval(*none), "NULL, NULL, NULL, NULL");
}

TEST_F(EvaluatorTest, CoalesceIsLazy) {
  // COALESCE(s, 'z')
  auto c = Node(BoundExprKind::kCoalesce, kStr, List(S(), Lit(Str("z"))));
  EXPECT_EQ(Eval(*c), "'a', 'z', 'c', 'd'");
  // COALESCE(x, 100 / x): the division runs only on the NULL row (where it yields NULL).
  auto lazy = Node(BoundExprKind::kCoalesce, kI64, List(X(), Fn("/", List(Lit(I64(100)), X()))));
  EXPECT_EQ(Eval(*lazy), "10, 0, NULL, -5");
  auto three = Node(BoundExprKind::kCoalesce, kI64, List(Lit(Null(kI64)), X()));
  three->children.push_back(Lit(I64(-1)));
  EXPECT_EQ(Eval(*three), "10, 0, -1, -5");
  EXPECT_EQ(three->ToString(), "coalesce(NULL, #0, -1)");
}

TEST_F(EvaluatorTest, IsNullAndIsDistinct) {
  auto is_null = Node(BoundExprKind::kIsNull, kBool, {});
  is_null->children.push_back(S());
  EXPECT_EQ(Eval(*is_null), "false, true, false, false");
  is_null->negated = true;
  EXPECT_EQ(Eval(*is_null), "true, false, true, true");
  EXPECT_EQ(is_null->ToString(), "#1 IS NOT NULL");
  // x IS DISTINCT FROM 0
  auto d = Node(BoundExprKind::kIsDistinct, kBool, List(X(), Lit(I64(0))));
  EXPECT_EQ(Eval(*d), "true, false, true, true");
  // s IS NOT DISTINCT FROM NULL
  auto nd = Node(BoundExprKind::kIsDistinct, kBool, List(S(), Lit(Null(kStr))), true);
  EXPECT_EQ(Eval(*nd), "false, true, false, false");
  // Column against column, with NULLs on both sides.
  auto cc = Node(BoundExprKind::kIsDistinct, kBool, List(X(), X()));
  EXPECT_EQ(Eval(*cc), "false, false, false, false");
  // Different types are unified (int32 constant against int64 column).
  auto mixed = Node(BoundExprKind::kIsDistinct, kBool, List(X(), Lit(I32(10))));
  EXPECT_EQ(Eval(*mixed), "false, true, true, true");
}

TEST_F(EvaluatorTest, InLists) {
  // x IN (10, -5)
  std::vector<BoundExprPtr> c;
  c.push_back(X());
  c.push_back(Lit(I64(10)));
  c.push_back(Lit(I64(-5)));
  auto in = Node(BoundExprKind::kInList, kBool, std::move(c));
  EXPECT_EQ(Eval(*in), "true, false, NULL, true");
  in->negated = true;
  EXPECT_EQ(Eval(*in), "false, true, NULL, false");
  EXPECT_EQ(in->ToString(), "#0 NOT IN (10, -5)");
  // With a NULL in the list: not found → NULL.
  in->negated = false;
  in->children.push_back(Lit(Null(kI64)));
  EXPECT_EQ(Eval(*in), "true, NULL, NULL, true");
  // A long constant list uses a hash set; same answers.
  std::vector<BoundExprPtr> l;
  l.push_back(S());
  for (const char* v : {"x1", "x2", "x3", "x4", "x5", "x6", "x7", "c", "a"})
    l.push_back(Lit(Str(v)));
  auto hashed = Node(BoundExprKind::kInList, kBool, std::move(l));
  EXPECT_EQ(Eval(*hashed), "true, NULL, true, false");
  hashed->negated = true;
  EXPECT_EQ(Eval(*hashed), "false, NULL, false, true");
  hashed->children.push_back(Lit(Null(kStr)));
  EXPECT_EQ(Eval(*hashed), "false, NULL, false, NULL");
  std::vector<BoundExprPtr> ints;
  ints.push_back(X());
  for (int64_t v = 100; v < 120; ++v) ints.push_back(Lit(I64(v)));
  ints.push_back(Lit(I64(0)));
  auto hashed_ints = Node(BoundExprKind::kInList, kBool, std::move(ints));
  EXPECT_EQ(Eval(*hashed_ints), "false, true, NULL, false");
}

TEST_F(EvaluatorTest, Parameters) {
  auto p = std::make_unique<BoundExpr>();
  p->kind = BoundExprKind::kParameter;
  p->type = kI64;
  p->parameter_index = 1;
  auto e = Fn("+", List(X(), std::move(p)));
  EXPECT_EQ(Eval(*e), "ERROR: there is no parameter $1");
  ctx_.parameters = {I32(5)};
  EXPECT_EQ(Eval(*e), "15, 5, NULL, 0");
  EXPECT_EQ(e->ToString(), "#0 + $1");
  EXPECT_FALSE(e->IsConstant());
}

TEST_F(EvaluatorTest, CastsAndErrors) {
  auto c = BoundExpr::Cast(S(), kI32, /*try_cast=*/true);
  EXPECT_EQ(Eval(*c), "NULL, NULL, NULL, NULL");
  EXPECT_EQ(c->ToString(), "TRY_CAST(#1 AS int32)");
  auto hard = BoundExpr::Cast(S(), kI32);
  EXPECT_EQ(Eval(*hard), "ERROR: invalid input syntax for type int32: \"a\"");
}

TEST_F(EvaluatorTest, SelectRows) {
  EXPECT_EQ(Select(*Bc()), "0,3");
  EXPECT_EQ(Select(*Lit(B(true))), "0,1,2,3");
  EXPECT_EQ(Select(*Lit(Null(kBool))), "");
  EXPECT_EQ(Select(*X()), "ERROR: argument of WHERE must be type bool, not type int64");
  // More than 64 rows: selection across words.
  std::vector<Value> vals;
  for (int i = 0; i < 200; ++i) vals.push_back(i % 3 == 0 ? Null() : B(i % 2 == 0));
  Batch big = *Batch::Make(Schema::Make({Field("b", kBool)}), {Col(kBool, vals)});
  ExpressionEvaluator ev;
  auto rows = ev.SelectRows(*BoundExpr::Column(0, kBool), big);
  ASSERT_TRUE(rows.ok());
  std::vector<int64_t> expected;
  for (int i = 0; i < 200; ++i) {
    if (i % 3 != 0 && i % 2 == 0) expected.push_back(i);
  }
  EXPECT_EQ(*rows, expected);
  // A sliced batch.
  Batch sliced = big.Slice(3, 100);
  auto srows = ev.SelectRows(*BoundExpr::Column(0, kBool), sliced);
  ASSERT_TRUE(srows.ok());
  std::vector<int64_t> sexpected;
  for (int i = 3; i < 103; ++i) {
    if (i % 3 != 0 && i % 2 == 0) sexpected.push_back(i - 3);
  }
  EXPECT_EQ(*srows, sexpected);
}

TEST_F(EvaluatorTest, EmptyBatch) {
  Batch empty = batch_.Slice(0, 0);
  ExpressionEvaluator ev;
  auto e = Node(BoundExprKind::kAnd, kBool, List(Bc(), Fn(">", List(X(), Lit(I64(0))))));
  auto r = ev.EvaluateColumn(*e, empty);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->length(), 0);
  auto c = Node(BoundExprKind::kCase, kI64,
                List(Fn("<>", List(X(), Lit(I64(0)))), Fn("/", List(Lit(I64(100)), X()))));
  auto rc = ev.EvaluateColumn(*c, empty);
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ((*rc)->length(), 0);
  auto rows = ev.SelectRows(*e, empty);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
}

TEST_F(EvaluatorTest, CloneAndIsConstant) {
  auto e = Fn("+", List(Lit(I64(1)), Lit(I64(2))));
  EXPECT_TRUE(e->IsConstant());
  auto copy = e->Clone();
  EXPECT_EQ(copy->ToString(), e->ToString());
  EXPECT_EQ(copy->type, kI64);
  EXPECT_FALSE(Fn("+", List(X(), Lit(I64(2))))->IsConstant());
  EXPECT_FALSE(Fn("random", {})->IsConstant());
  EXPECT_FALSE(Fn("now", {})->IsConstant());
  ExpressionEvaluator ev;
  auto r = ev.Evaluate(*copy, batch_);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->is_scalar());
  EXPECT_EQ(r->scalar(), I64(3));
}

TEST_F(EvaluatorTest, NowIsTheStatementTime) {
  ctx_.statement_time_us = 1714564800000000;
  auto e = Fn("now", {});
  EXPECT_EQ(Eval(*e),
            "TIMESTAMP '2024-05-01 12:00:00', TIMESTAMP '2024-05-01 12:00:00', "
            "TIMESTAMP '2024-05-01 12:00:00', TIMESTAMP '2024-05-01 12:00:00'");
}

}  // namespace
}  // namespace ark::sql
