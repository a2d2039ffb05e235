#include "sql/binder.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

#include "base/strings.h"
#include "sql/expr/cast.h"
#include "sql/sql_error.h"
#include "sql/stack_guard.h"

namespace ark::sql {
namespace {

// Stack kept free below the binder's deepest frame (see Binder::stack_floor_).
constexpr uintptr_t kBinderStackReserve = 1 << 20;

// How a query is used, which decides whether it may refer to the enclosing query's columns.
enum class QueryUse {
  kTop,      // the statement itself
  kDerived,  // FROM (subquery), a CTE, a set-operation operand
  kScalar,   // (SELECT ...) as a value
  kExists,   // EXISTS (SELECT ...)
  kIn,       // x IN (SELECT ...)
};

bool IsExpressionSubquery(QueryUse use) {
  return use == QueryUse::kScalar || use == QueryUse::kExists || use == QueryUse::kIn;
}

struct ScopeColumn {
  std::string qualifier;  // table name or alias; empty for USING-merged columns
  std::string name;
  ColumnId id = -1;
  DataType type;
  bool unqualified = true;  // found by its bare name
  bool in_star = true;      // expanded by an unqualified *
};

struct Scope {
  std::vector<ScopeColumn> columns;
  std::vector<std::string> tables;

  bool HasTable(std::string_view t) const {
    for (const auto& x : tables) {
      if (x == t) return true;
    }
    return false;
  }
};

// State of one SELECT block while it is being bound.
struct CoreState {
  const Scope* scope = nullptr;
  CoreState* outer = nullptr;
  // True while binding a WHERE conjunct of an expression subquery: references to the enclosing
  // query's columns are recorded (the conjunct becomes a join condition) instead of refused.
  bool correlation_ok = false;
  int outer_refs = 0;
  absl::flat_hash_set<ColumnId> outer_ids;
  SourceLocation first_outer_ref;
  std::vector<BoundExprPtr> correlated;

  // Aggregates and window calls met in the select list, HAVING, QUALIFY and ORDER BY.
  std::vector<AggregateCall> aggregates;
  std::vector<ColumnId> aggregate_ids;
  std::vector<std::string> aggregate_keys;  // for sharing identical calls
  std::vector<WindowCall> windows;
  std::vector<ColumnId> window_ids;
  const std::vector<NamedWindow>* named_windows = nullptr;
  // Aggregate and window calls bound so far (shared calls counted each time).
  int calls_bound = 0;
  // Columns added by joins that implement subqueries (for a clearer GROUP BY error).
  absl::flat_hash_set<ColumnId> subquery_join_ids;
  SourceLocation subquery_join_loc;
};

struct SelectEntry {
  const Expr* ast = nullptr;  // null for columns expanded from *
  BoundExprPtr bound;
  std::string name;
  bool has_alias = false;
  bool has_aggregate = false;
  SourceLocation loc;
};

struct ExprContext {
  CoreState* core = nullptr;  // null: the expression may not read columns
  const char* clause = "";    // "WHERE", "GROUP BY", ... for messages
  bool allow_aggregates = false;
  bool allow_windows = false;
  bool in_aggregate = false;
  bool in_window = false;
  // Where joins implementing IN (subquery) and correlated scalar subqueries go; null: not here.
  LogicalOpPtr* attach = nullptr;
  // ORDER BY: select-list aliases usable inside expressions.
  const std::vector<SelectEntry>* aliases = nullptr;
  // Message for a column reference where none is allowed (LIMIT, VALUES).
  const char* no_columns_message = nullptr;
};

// The result of binding a query (or one SELECT block, before its ORDER BY/LIMIT).
struct BoundQuery {
  LogicalOpPtr plan;
  std::vector<ColumnId> visible;
  std::vector<std::string> names;
  // Extra output columns after `visible` that correlated conjuncts refer to.
  std::vector<ColumnId> hidden;
  // ORDER BY of a SELECT block, over plan columns (applied by the statement).
  std::vector<SortKey> sort_keys;
  // Correlation: conjuncts over the enclosing query's columns and `hidden` columns.
  std::vector<BoundExprPtr> correlated;
  SourceLocation correlation_loc;
  bool correlated_aggregate = false;
  // Correlated scalar aggregate: the value when no row matches (null = NULL).
  BoundExprPtr empty_result;
};

struct CteEntry {
  const CommonTableExpr* cte;
  size_t visible_before;  // CTEs visible to its body
};

std::string Quoted(std::string_view s) { return fmt::format("\"{}\"", s); }

std::string Suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> m = ClosestMatch(word, candidates);
  return m ? fmt::format("; did you mean \"{}\"?", *m) : "";
}

// The column ids a plan produces, as predicates for ReadsOnly.
class IdsOfPlan {
 public:
  explicit IdsOfPlan(const LogicalOp& op) {
    for (const LogicalColumn& c : op.columns) ids_.insert(c.id);
  }
  std::function<bool(int)> fn() const {
    return [this](int id) { return ids_.contains(id); };
  }
  std::function<bool(int)> not_fn() const {
    return [this](int id) { return !ids_.contains(id); };
  }

 private:
  absl::flat_hash_set<ColumnId> ids_;
};

// A select-list position as written (1-based); 0 when it is not a plain number that fits.
int64_t Ordinal(const std::string& text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && ptr == text.data() + text.size() ? v : 0;
}

bool IsComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEqual:
    case BinaryOp::kNotEqual:
    case BinaryOp::kLess:
    case BinaryOp::kLessEqual:
    case BinaryOp::kGreater:
    case BinaryOp::kGreaterEqual:
      return true;
    default:
      return false;
  }
}

bool IsArithmetic(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSubtract:
    case BinaryOp::kMultiply:
    case BinaryOp::kDivide:
    case BinaryOp::kModulo:
    case BinaryOp::kPower:
      return true;
    default:
      return false;
  }
}

// A string or NULL constant, or a statement parameter: takes the type of the other operand.
bool IsUntyped(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kConstant) {
    return e.type.id() == TypeId::kString || e.type.id() == TypeId::kNull;
  }
  return e.kind == BoundExprKind::kParameter && e.parameter_index > 0 &&
         e.type.id() == TypeId::kNull;
}

bool IsTemporal(const DataType& t) {
  return t.id() == TypeId::kTimestamp || t.id() == TypeId::kDate || t.id() == TypeId::kInterval;
}

BoundExprPtr MakeKind(BoundExprKind kind, DataType type, std::vector<BoundExprPtr> children) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = std::move(type);
  e->children = std::move(children);
  return e;
}

BoundExprPtr BoolConstant(bool v) { return BoundExpr::Constant(Value::Bool(v)); }

const Expr* UnwrapNot(const Expr* e, bool* negated) {
  while (e->kind == ExprKind::kUnary && static_cast<const UnaryExpr*>(e)->op == UnaryOp::kNot) {
    *negated = !*negated;
    e = static_cast<const UnaryExpr*>(e)->operand.get();
  }
  return e;
}

void SplitAstConjuncts(const Expr* e, std::vector<const Expr*>* out) {
  if (e->kind == ExprKind::kBinary) {
    const auto* b = static_cast<const BinaryExpr*>(e);
    if (b->op == BinaryOp::kAnd) {
      SplitAstConjuncts(b->left.get(), out);
      SplitAstConjuncts(b->right.get(), out);
      return;
    }
  }
  out->push_back(e);
}

// PostgreSQL's name for an unnamed select-list expression.
std::string DeriveName(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kColumnRef:
      return static_cast<const ColumnRefExpr&>(e).parts.back();
    case ExprKind::kFunctionCall:
      return static_cast<const FunctionCallExpr&>(e).name;
    case ExprKind::kCast: {
      const auto& c = static_cast<const CastExpr&>(e);
      std::string inner = DeriveName(*c.operand);
      return inner == "?column?" ? c.type.name : inner;
    }
    case ExprKind::kCase:
      return "case";
    case ExprKind::kExists:
      return "exists";
    case ExprKind::kFieldAccess:
      return static_cast<const FieldAccessExpr&>(e).field;
    case ExprKind::kArray:
      return "array";
    case ExprKind::kSubquery: {
      const auto& s = static_cast<const SubqueryExpr&>(e);
      const SelectStatement* q = s.subquery.get();
      while (q->set_op != SetOpKind::kNone) q = q->left.get();
      if (q->core && q->core->select_list.size() == 1) {
        const SelectItem& item = q->core->select_list[0];
        if (!item.alias.empty()) return item.alias;
        if (item.expr->kind != ExprKind::kStar) return DeriveName(*item.expr);
      }
      return "?column?";
    }
    default:
      return "?column?";
  }
}

// Rows of generate_series(from, to, step), computed without overflow. REQUIRES: step != 0.
__int128 SeriesRows(int64_t from, int64_t to, int64_t step) {
  __int128 f = from, t = to, s = step;
  if (s > 0) return f > t ? 0 : (t - f) / s + 1;
  return f < t ? 0 : (f - t) / -s + 1;
}

// The value of an aggregate over no rows (count → 0, most others NULL).
Result<Value> EmptyAggregateValue(const AggregateFunction& f) {
  std::vector<uint64_t> storage((f.state_size() + 7) / 8 + 1);
  auto* state = reinterpret_cast<uint8_t*>(storage.data());
  f.Init(state);
  std::unique_ptr<ColumnBuilder> builder = MakeBuilder(f.return_type());
  const uint8_t* states[1] = {state};
  Status st = f.Finalize(states, 1, *builder);
  f.Destroy(state);
  ARK_RETURN_IF_ERROR(st);
  ColumnPtr col = builder->Finish();
  return Value::FromColumn(*col, 0);
}

class Binder {
 public:
  Binder(const Catalog& catalog, std::string_view sql, LogicalPlan* plan)
      : catalog_(catalog), functions_(catalog.functions()), sql_(sql), plan_(plan) {}

  Result<BoundQuery> BindStatement(const SelectStatement& stmt, CoreState* outer, QueryUse use);

  Result<BoundExprPtr> BindExpr(const Expr& e, ExprContext& ctx);

 private:
  Status Error(StatusCode code, const SourceLocation& loc, std::string_view message) const {
    return SqlError(code, sql_, loc, message);
  }
  Status NotSupported(const SourceLocation& loc, std::string_view what) const {
    return Error(StatusCode::kUnimplemented, loc, what);
  }
  std::string Show(const BoundExpr& e) const {
    std::vector<std::string> names = plan_->ColumnNames();
    return e.ToString(&names);
  }

  // --- query structure
  Result<BoundQuery> BindBody(const SelectStatement& stmt, CoreState* outer, QueryUse use);
  Result<BoundQuery> BindSetOperation(const SelectStatement& stmt, CoreState* outer);
  Result<BoundQuery> BindValues(const ValuesRef& values, const std::vector<std::string>& aliases);
  Result<BoundQuery> BindSelectCore(const SelectCore& sc, const std::vector<OrderItem>& order_by,
                                    CoreState* outer, QueryUse use);
  Status BindWhere(const Expr& where, CoreState* core, LogicalOpPtr* plan, bool subquery_core);
  Result<bool> BindSemiJoinConjunct(const Expr& conjunct, CoreState* core, LogicalOpPtr* plan,
                                    std::vector<BoundExprPtr>* filters);
  Status ExpandStar(const StarExpr& star, const Scope& scope, std::vector<SelectEntry>* out);
  Result<BoundExprPtr> BindGroupKey(const Expr& e, std::vector<SelectEntry>& entries,
                                    CoreState* core);
  Status ReplaceGroupRefs(BoundExprPtr& e, const std::vector<BoundExprPtr>& keys,
                          const std::vector<ColumnId>& key_ids, const CoreState& core,
                          const SourceLocation& fallback);
  Status ApplyOrderAndLimit(const SelectStatement& stmt, QueryUse use, BoundQuery* q);
  Result<std::vector<SortKey>> BindOutputOrderBy(const std::vector<OrderItem>& items,
                                                 const BoundQuery& q);
  Result<std::optional<int64_t>> BindLimitValue(const Expr& e, const char* what);
  Status HandleCorrelation(const SelectCore& sc, bool has_agg, bool has_having, QueryUse use,
                           CoreState* core, std::vector<BoundExprPtr>* keys,
                           std::vector<ColumnId>* key_ids, BoundQuery* q);

  // --- FROM
  Result<LogicalOpPtr> BindTableRef(const TableRef& ref, Scope* scope, CoreState* core);
  Result<LogicalOpPtr> BindBaseTable(const BaseTableRef& ref, Scope* scope);
  Result<LogicalOpPtr> BindJoin(const JoinRef& ref, Scope* scope, CoreState* core);
  Result<LogicalOpPtr> BindTableFunction(const TableFunctionRef& ref, Scope* scope);
  Result<LogicalOpPtr> BindWindowTableFunction(const TableFunctionRef& ref, Scope* scope);
  Status AddDerivedScope(const std::string& alias, const std::vector<std::string>& column_aliases,
                         const SourceLocation& loc, const std::string& default_name,
                         const std::vector<std::string>& inner_names, LogicalOp* plan,
                         const std::vector<ColumnId>& ids, Scope* scope);
  Status AddTableName(Scope* scope, const std::string& name, const SourceLocation& loc);

  // --- expressions
  Result<BoundExprPtr> BindColumnRef(const ColumnRefExpr& ref, ExprContext& ctx);
  Result<BoundExprPtr> BindLiteral(const LiteralExpr& lit, bool negate);
  Result<BoundExprPtr> BindUnary(const UnaryExpr& u, ExprContext& ctx);
  Result<BoundExprPtr> BindBinary(const BinaryExpr& b, ExprContext& ctx);
  Result<BoundExprPtr> BindOperator(BinaryOp op, BoundExprPtr l, BoundExprPtr r,
                                    const SourceLocation& loc);
  Result<BoundExprPtr> BindComparison(BinaryOp op, BoundExprPtr l, BoundExprPtr r,
                                      const SourceLocation& loc);
  Result<BoundExprPtr> BindFunction(const FunctionCallExpr& f, ExprContext& ctx);
  Result<BoundExprPtr> BindAggregate(const FunctionCallExpr& f, const AggregateBinder& binder,
                                     ExprContext& ctx);
  Result<BoundExprPtr> BindWindow(const FunctionCallExpr& f, ExprContext& ctx);
  Result<BoundExprPtr> BindCase(const CaseExpr& c, ExprContext& ctx);
  Result<BoundExprPtr> BindCast(const CastExpr& c, ExprContext& ctx);
  Result<BoundExprPtr> BindInterval(const IntervalExpr& iv);
  Result<BoundExprPtr> BindSubquery(const SubqueryExpr& s, ExprContext& ctx);
  Result<BoundExprPtr> BindExists(const ExistsExpr& e, ExprContext& ctx);
  Result<BoundExprPtr> BindInSubquery(const InSubqueryExpr& in, ExprContext& ctx);
  Result<BoundExprPtr> BindFieldAccess(BoundExprPtr operand, const std::string& field,
                                       const SourceLocation& loc);
  Result<BoundExprPtr> BindSubscript(const SubscriptExpr& s, ExprContext& ctx);
  Result<BoundExprPtr> BindArray(const ArrayExpr& a, ExprContext& ctx);
  Result<std::vector<BoundExprPtr>> BindArgs(const std::vector<ExprPtr>& args, ExprContext& ctx);
  Result<std::vector<SortKey>> BindSortItems(const std::vector<OrderItem>& items, ExprContext& ctx);

  // Calls scalar function `name` (an operator when `op_text` is set: its errors read
  // "operator does not exist: a + b").
  Result<BoundExprPtr> CallScalar(std::string_view name, std::vector<BoundExprPtr> args,
                                  const SourceLocation& loc, const char* op_text = nullptr);
  // `e` converted to `to`: constants now (a bad literal is an error at its position), the rest
  // through a Cast node.
  Result<BoundExprPtr> Coerce(BoundExprPtr e, const DataType& to, const SourceLocation& loc);
  // The common type of `exprs`, or "<what> types a and b cannot be matched".
  Result<DataType> UnifyTypes(const std::vector<BoundExprPtr>& exprs, const char* what,
                              const SourceLocation& loc);
  Status CoerceAll(std::vector<BoundExprPtr>* exprs, const DataType& to, const SourceLocation& loc);
  Result<BoundExprPtr> RequireBool(BoundExprPtr e, const SourceLocation& loc, const char* what);
  Result<Value> ConstantValue(const Expr& e, const char* what);
  int AddSubquerySlot(SubqueryPlan::Kind kind, LogicalOpPtr plan, DataType type);
  // Registers an aggregate call of `core` (identical calls share one column); its output column.
  ColumnId AddAggregate(CoreState* core, AggregateCall call, std::string key = "");
  // Where the operator of `b` is written (PostgreSQL points there); `b.loc` when unknown.
  SourceLocation OperatorLoc(const BinaryExpr& b) const;

  const Catalog& catalog_;
  const FunctionRegistry& functions_;
  std::string_view sql_;
  LogicalPlan* plan_;
  std::vector<CteEntry> ctes_;
  // Where each column reference was written (for GROUP BY errors) and each literal (for errors
  // converting it).
  absl::flat_hash_map<const BoundExpr*, SourceLocation> column_locs_;
  absl::flat_hash_map<const BoundExpr*, SourceLocation> literal_locs_;
  // The binder's frames are much larger than the parser's, so a statement the parser accepted
  // (nesting up to its depth limit) can still exhaust the stack here: BindStatement and BindExpr
  // stop at this floor. The reserve leaves room for the later walks over the bound tree
  // (optimizer, planner, printing), whose frames are smaller.
  uintptr_t stack_floor_ = StackFloor(kBinderStackReserve);
  [[gnu::noinline, gnu::cold]] Status TooDeep(const SourceLocation& loc) const {
    return Error(StatusCode::kInvalidArgument, loc,
                 "stack depth limit exceeded: the statement is nested too deeply");
  }
};

// =============================================================================================
// Queries

Result<BoundQuery> Binder::BindStatement(const SelectStatement& stmt, CoreState* outer,
                                         QueryUse use) {
  if (BelowStackFloor(stack_floor_)) return TooDeep(stmt.loc);
  if (stmt.recursive) return NotSupported(stmt.loc, "WITH RECURSIVE is not supported yet");
  size_t saved = ctes_.size();
  for (const CommonTableExpr& cte : stmt.ctes) {
    for (size_t i = saved; i < ctes_.size(); ++i) {
      if (ctes_[i].cte->name == cte.name) {
        return Error(StatusCode::kInvalidArgument, cte.loc,
                     fmt::format("WITH query name {} specified more than once", Quoted(cte.name)));
      }
    }
    ctes_.push_back(CteEntry{&cte, ctes_.size()});
  }
  Result<BoundQuery> r = BindBody(stmt, outer, use);
  ctes_.resize(saved);
  return r;
}

Result<BoundQuery> Binder::BindBody(const SelectStatement& stmt, CoreState* outer, QueryUse use) {
  BoundQuery q;
  if (stmt.set_op != SetOpKind::kNone) {
    ARK_ASSIGN_OR_RETURN(q, BindSetOperation(stmt, outer));
    ARK_ASSIGN_OR_RETURN(q.sort_keys, BindOutputOrderBy(stmt.order_by, q));
  } else if (stmt.values) {
    ARK_ASSIGN_OR_RETURN(q, BindValues(*stmt.values, {}));
    ARK_ASSIGN_OR_RETURN(q.sort_keys, BindOutputOrderBy(stmt.order_by, q));
  } else if (stmt.core) {
    ARK_ASSIGN_OR_RETURN(q, BindSelectCore(*stmt.core, stmt.order_by, outer, use));
  } else {
    return Error(StatusCode::kInternal, stmt.loc, "empty query");
  }
  ARK_RETURN_IF_ERROR(ApplyOrderAndLimit(stmt, use, &q));
  return q;
}

Status Binder::ApplyOrderAndLimit(const SelectStatement& stmt, QueryUse use, BoundQuery* q) {
  std::optional<int64_t> limit;
  int64_t offset = 0;
  if (stmt.limit) {
    ARK_ASSIGN_OR_RETURN(limit, BindLimitValue(*stmt.limit, "LIMIT"));
  }
  if (stmt.offset) {
    ARK_ASSIGN_OR_RETURN(std::optional<int64_t> o, BindLimitValue(*stmt.offset, "OFFSET"));
    offset = o.value_or(0);
  }
  if (!q->correlated.empty()) {
    // A correlated subquery is evaluated per outer row; once it is a join, ORDER BY and LIMIT
    // have no row set of their own to apply to. Only EXISTS does not care.
    bool harmless = use == QueryUse::kExists && offset == 0 && (!limit || *limit > 0);
    if ((!q->sort_keys.empty() || stmt.limit || stmt.offset) && !harmless) {
      return NotSupported(q->correlation_loc,
                          "correlated subquery of this form is not supported: ORDER BY, LIMIT "
                          "and OFFSET cannot be combined with a reference to the outer query");
    }
    q->sort_keys.clear();
  }
  if (!q->sort_keys.empty()) {
    auto sort = std::make_unique<LogicalOp>(LogicalOpKind::kSort);
    sort->columns = q->plan->columns;
    sort->sort_keys = std::move(q->sort_keys);
    sort->children.push_back(std::move(q->plan));
    q->plan = std::move(sort);
    q->sort_keys.clear();
  }
  if (q->correlated.empty() && (limit || offset != 0)) {
    auto lim = std::make_unique<LogicalOp>(LogicalOpKind::kLimit);
    lim->columns = q->plan->columns;
    lim->limit = limit;
    lim->offset = offset;
    lim->children.push_back(std::move(q->plan));
    q->plan = std::move(lim);
  }
  // Drop ORDER BY-only columns.
  std::vector<ColumnId> keep = q->visible;
  keep.insert(keep.end(), q->hidden.begin(), q->hidden.end());
  bool same = keep.size() == q->plan->columns.size();
  for (size_t i = 0; same && i < keep.size(); ++i) same = q->plan->columns[i].id == keep[i];
  if (!same) q->plan = MakeKeepOp(std::move(q->plan), keep);
  return Status::OK();
}

Result<std::optional<int64_t>> Binder::BindLimitValue(const Expr& e, const char* what) {
  ARK_ASSIGN_OR_RETURN(Value v, ConstantValue(e, what));
  if (v.is_null()) return std::optional<int64_t>();
  if (!v.type().is_numeric()) {
    return Error(
        StatusCode::kTypeError, e.loc,
        fmt::format("argument of {} must be type int64, not type {}", what, v.type().ToString()));
  }
  int64_t n;
  if (v.type().is_integer()) {
    n = v.int_value();
  } else {
    double d = v.float_value();
    if (!std::isfinite(d) || std::fabs(d) > 9.2e18) {
      return Error(StatusCode::kOutOfRange, e.loc, fmt::format("{} is out of range", what));
    }
    n = static_cast<int64_t>(std::llround(d));
  }
  if (n < 0) {
    return Error(StatusCode::kInvalidArgument, e.loc, fmt::format("{} must not be negative", what));
  }
  return std::optional<int64_t>(n);
}

Result<Value> Binder::ConstantValue(const Expr& e, const char* what) {
  std::string message = fmt::format("argument of {} must not contain variables", what);
  ExprContext ctx;
  ctx.clause = what;
  ctx.no_columns_message = message.c_str();
  ARK_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(e, ctx));
  if (HasParameters(*b) || !IsDeterministic(*b)) {
    return Error(StatusCode::kInvalidArgument, e.loc,
                 fmt::format("argument of {} must be a constant", what));
  }
  Result<Value> v = EvaluateConstant(*b);
  if (!v.ok()) return Error(v.status().code(), e.loc, v.status().message());
  return std::move(v).value();
}

Result<std::vector<SortKey>> Binder::BindOutputOrderBy(const std::vector<OrderItem>& items,
                                                       const BoundQuery& q) {
  std::vector<SortKey> keys;
  if (items.empty()) return keys;
  Scope scope;
  for (size_t i = 0; i < q.visible.size(); ++i) {
    ScopeColumn c;
    c.name = q.names[i];
    c.id = q.visible[i];
    c.type = q.plan->columns[q.plan->IndexOf(q.visible[i])].type;
    scope.columns.push_back(std::move(c));
  }
  CoreState core;
  core.scope = &scope;
  ExprContext ctx;
  ctx.core = &core;
  ctx.clause = "ORDER BY";
  for (const OrderItem& item : items) {
    SortKey k;
    k.descending = item.direction == OrderDirection::kDesc;
    k.nulls_first =
        item.nulls == NullsOrder::kFirst || (item.nulls == NullsOrder::kDefault && k.descending);
    const Expr& e = *item.expr;
    if (e.kind == ExprKind::kLiteral &&
        static_cast<const LiteralExpr&>(e).literal_kind == LiteralKind::kInteger) {
      const std::string& text = static_cast<const LiteralExpr&>(e).text;
      int64_t pos = Ordinal(text);
      if (pos < 1 || pos > static_cast<int64_t>(q.visible.size())) {
        return Error(StatusCode::kInvalidArgument, e.loc,
                     fmt::format("ORDER BY position {} is not in select list", text));
      }
      ColumnId id = q.visible[pos - 1];
      k.expr = BoundExpr::Column(id, scope.columns[pos - 1].type);
    } else {
      ARK_ASSIGN_OR_RETURN(k.expr, BindExpr(e, ctx));
    }
    keys.push_back(std::move(k));
  }
  return keys;
}

// --- set operations and VALUES --------------------------------------------------------------

Result<BoundQuery> Binder::BindSetOperation(const SelectStatement& stmt, CoreState* outer) {
  (void)outer;  // operands of a set operation cannot be correlated (not supported)
  ARK_ASSIGN_OR_RETURN(BoundQuery left, BindStatement(*stmt.left, nullptr, QueryUse::kDerived));
  ARK_ASSIGN_OR_RETURN(BoundQuery right, BindStatement(*stmt.right, nullptr, QueryUse::kDerived));
  const char* op_name = stmt.set_op == SetOpKind::kUnion       ? "UNION"
                        : stmt.set_op == SetOpKind::kIntersect ? "INTERSECT"
                                                               : "EXCEPT";
  if (left.visible.size() != right.visible.size()) {
    return Error(StatusCode::kInvalidArgument, stmt.right->loc,
                 fmt::format("each {} query must have the same number of columns", op_name));
  }
  size_t n = left.visible.size();
  std::vector<DataType> types(n);
  for (size_t i = 0; i < n; ++i) {
    const DataType& a = left.plan->columns[left.plan->IndexOf(left.visible[i])].type;
    const DataType& b = right.plan->columns[right.plan->IndexOf(right.visible[i])].type;
    std::optional<DataType> t = CommonSuperType(a, b);
    if (!t) {
      return Error(
          StatusCode::kTypeError, stmt.right->loc,
          fmt::format("{} types {} and {} cannot be matched", op_name, a.ToString(), b.ToString()));
    }
    types[i] = *t;
  }
  // Each side as exactly the output types, in order.
  auto conform = [&](BoundQuery& side) -> LogicalOpPtr {
    auto proj = std::make_unique<LogicalOp>(LogicalOpKind::kProject);
    bool identity = side.plan->columns.size() == n;
    for (size_t i = 0; i < n; ++i) {
      const LogicalColumn& c = side.plan->columns[side.plan->IndexOf(side.visible[i])];
      if (identity && (side.plan->columns[i].id != c.id || c.type != types[i])) identity = false;
      BoundExprPtr e = BoundExpr::Column(c.id, c.type);
      LogicalColumn out = c;
      if (c.type != types[i]) {
        e = BoundExpr::Cast(std::move(e), types[i]);
        out.id = plan_->NewColumn(c.name, types[i]);
        out.type = types[i];
      }
      proj->exprs.push_back(std::move(e));
      proj->columns.push_back(out);
    }
    if (identity) return std::move(side.plan);
    proj->children.push_back(std::move(side.plan));
    return proj;
  };
  BoundQuery q;
  LogicalOpPtr l = conform(left);
  LogicalOpPtr r = conform(right);
  auto op = std::make_unique<LogicalOp>(
      stmt.set_op == SetOpKind::kUnion ? LogicalOpKind::kUnionAll : LogicalOpKind::kSetOperation);
  for (size_t i = 0; i < n; ++i) {
    LogicalColumn c;
    c.name = left.names[i];
    c.type = types[i];
    c.id = plan_->NewColumn(c.name, c.type);
    q.visible.push_back(c.id);
    q.names.push_back(c.name);
    op->columns.push_back(std::move(c));
  }
  op->set_op = stmt.set_op;
  op->set_all = stmt.set_all;
  // Flatten UNION ALL chains into one node.
  for (LogicalOpPtr* side : {&l, &r}) {
    if (stmt.set_op == SetOpKind::kUnion && (*side)->kind == LogicalOpKind::kUnionAll) {
      for (auto& c : (*side)->children) op->children.push_back(std::move(c));
    } else {
      op->children.push_back(std::move(*side));
    }
  }
  q.plan = std::move(op);
  if (stmt.set_op == SetOpKind::kUnion && !stmt.set_all) {
    auto d = std::make_unique<LogicalOp>(LogicalOpKind::kDistinct);
    d->columns = q.plan->columns;
    d->children.push_back(std::move(q.plan));
    q.plan = std::move(d);
  }
  return q;
}

Result<BoundQuery> Binder::BindValues(const ValuesRef& values,
                                      const std::vector<std::string>& aliases) {
  if (values.rows.empty()) {
    return Error(StatusCode::kInvalidArgument, values.loc, "VALUES must have at least one row");
  }
  size_t width = values.rows[0].size();
  std::vector<std::vector<BoundExprPtr>> columns(width);
  for (const auto& row : values.rows) {
    if (row.size() != width) {
      SourceLocation loc = row.empty() ? values.loc : row[0]->loc;
      return Error(StatusCode::kInvalidArgument, loc, "VALUES lists must all be the same length");
    }
    for (size_t c = 0; c < width; ++c) {
      ExprContext ctx;
      ctx.clause = "VALUES";
      ARK_ASSIGN_OR_RETURN(BoundExprPtr e, BindExpr(*row[c], ctx));
      columns[c].push_back(std::move(e));
    }
  }
  if (aliases.size() > width) {
    return Error(StatusCode::kInvalidArgument, values.loc,
                 fmt::format("VALUES has {} columns available but {} columns specified", width,
                             aliases.size()));
  }
  BoundQuery q;
  auto op = std::make_unique<LogicalOp>(LogicalOpKind::kValues);
  op->rows.resize(values.rows.size());
  for (size_t c = 0; c < width; ++c) {
    ARK_ASSIGN_OR_RETURN(DataType t, UnifyTypes(columns[c], "VALUES", values.rows[0][c]->loc));
    for (size_t r = 0; r < columns[c].size(); ++r) {
      ARK_ASSIGN_OR_RETURN(BoundExprPtr e,
                           Coerce(std::move(columns[c][r]), t, values.rows[r][c]->loc));
      op->rows[r].push_back(std::move(e));
    }
    LogicalColumn col;
    col.name = c < aliases.size() ? aliases[c] : fmt::format("column{}", c + 1);
    col.type = t;
    col.id = plan_->NewColumn(col.name, t);
    q.visible.push_back(col.id);
    q.names.push_back(col.name);
    op->columns.push_back(std::move(col));
  }
  q.plan = std::move(op);
  return q;
}

// --- SELECT blocks ----------------------------------------------------------------------------

Result<BoundQuery> Binder::BindSelectCore(const SelectCore& sc,
                                          const std::vector<OrderItem>& order_by, CoreState* outer,
                                          QueryUse use) {
  CoreState core;
  core.outer = outer;
  core.named_windows = &sc.windows;
  Scope scope;
  LogicalOpPtr plan;
  if (sc.from) {
    ARK_ASSIGN_OR_RETURN(plan, BindTableRef(*sc.from, &scope, &core));
  } else {
    plan = std::make_unique<LogicalOp>(LogicalOpKind::kValues);
    plan->rows.emplace_back();  // one row of no columns
  }
  core.scope = &scope;

  if (sc.where) {
    ARK_RETURN_IF_ERROR(BindWhere(*sc.where, &core, &plan, IsExpressionSubquery(use)));
  }

  // Select list.
  std::vector<SelectEntry> entries;
  for (const SelectItem& item : sc.select_list) {
    if (item.expr->kind == ExprKind::kStar) {
      const auto& star = static_cast<const StarExpr&>(*item.expr);
      ARK_RETURN_IF_ERROR(ExpandStar(star, scope, &entries));
      continue;
    }
    ExprContext ctx;
    ctx.core = &core;
    ctx.clause = "SELECT";
    ctx.allow_aggregates = true;
    ctx.allow_windows = true;
    ctx.attach = &plan;
    int calls_before = core.calls_bound;
    SelectEntry entry;
    entry.ast = item.expr.get();
    ARK_ASSIGN_OR_RETURN(entry.bound, BindExpr(*item.expr, ctx));
    entry.has_aggregate = core.calls_bound != calls_before;
    if (entry.bound->type.id() == TypeId::kNull && HasParameters(*entry.bound)) {
      return Error(StatusCode::kTypeError, item.expr->loc,
                   "could not determine the data type of a parameter; add a cast ($1::int64)");
    }
    entry.has_alias = !item.alias.empty();
    entry.name = entry.has_alias ? item.alias : DeriveName(*item.expr);
    entry.loc = item.expr->loc;
    entries.push_back(std::move(entry));
  }

  // GROUP BY.
  std::vector<BoundExprPtr> keys;
  if (sc.group_by_all) {
    for (const SelectEntry& e : entries) {
      if (!e.has_aggregate) keys.push_back(e.bound->Clone());
    }
  }
  for (const ExprPtr& g : sc.group_by) {
    ARK_ASSIGN_OR_RETURN(BoundExprPtr k, BindGroupKey(*g, entries, &core));
    bool duplicate = false;
    for (const auto& existing : keys) duplicate = duplicate || ExprEquals(*existing, *k);
    if (!duplicate) keys.push_back(std::move(k));
  }

  // HAVING.
  BoundExprPtr having;
  if (sc.having) {
    ExprContext ctx;
    ctx.core = &core;
    ctx.clause = "HAVING";
    ctx.allow_aggregates = true;
    ARK_ASSIGN_OR_RETURN(having, BindExpr(*sc.having, ctx));
    ARK_ASSIGN_OR_RETURN(having, RequireBool(std::move(having), sc.having->loc, "HAVING"));
  }

  // QUALIFY.
  BoundExprPtr qualify;
  if (sc.qualify) {
    ExprContext ctx;
    ctx.core = &core;
    ctx.clause = "QUALIFY";
    ctx.allow_aggregates = true;
    ctx.allow_windows = true;
    ctx.attach = &plan;
    ARK_ASSIGN_OR_RETURN(qualify, BindExpr(*sc.qualify, ctx));
    ARK_ASSIGN_OR_RETURN(qualify, RequireBool(std::move(qualify), sc.qualify->loc, "QUALIFY"));
  }

  // ORDER BY and DISTINCT ON: each item is a select entry or a hidden expression.
  struct OrderRef {
    int entry = -1;
    BoundExprPtr hidden;
    SortKey key;  // direction only
  };
  auto bind_order_ref = [&](const Expr& e, OrderRef* ref) -> Status {
    if (e.kind == ExprKind::kLiteral &&
        static_cast<const LiteralExpr&>(e).literal_kind == LiteralKind::kInteger) {
      const std::string& text = static_cast<const LiteralExpr&>(e).text;
      int64_t pos = Ordinal(text);
      if (pos < 1 || pos > static_cast<int64_t>(entries.size())) {
        return Error(StatusCode::kInvalidArgument, e.loc,
                     fmt::format("ORDER BY position {} is not in select list", text));
      }
      ref->entry = static_cast<int>(pos - 1);
      return Status::OK();
    }
    if (e.kind == ExprKind::kColumnRef) {
      const auto& parts = static_cast<const ColumnRefExpr&>(e).parts;
      if (parts.size() == 1) {
        for (size_t i = 0; i < entries.size(); ++i) {
          if (entries[i].name == parts[0]) {
            ref->entry = static_cast<int>(i);
            return Status::OK();
          }
        }
      }
    }
    ExprContext ctx;
    ctx.core = &core;
    ctx.clause = "ORDER BY";
    ctx.allow_aggregates = true;
    ctx.allow_windows = true;
    ctx.attach = &plan;
    ctx.aliases = &entries;
    ARK_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(e, ctx));
    for (size_t i = 0; i < entries.size(); ++i) {
      if (ExprEquals(*entries[i].bound, *b)) {
        ref->entry = static_cast<int>(i);
        return Status::OK();
      }
    }
    if (sc.distinct && sc.distinct_on.empty()) {
      return Error(StatusCode::kInvalidArgument, e.loc,
                   "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
    }
    ref->hidden = std::move(b);
    return Status::OK();
  };
  std::vector<OrderRef> order_refs;
  for (const OrderItem& item : order_by) {
    OrderRef ref;
    ref.key.descending = item.direction == OrderDirection::kDesc;
    ref.key.nulls_first = item.nulls == NullsOrder::kFirst ||
                          (item.nulls == NullsOrder::kDefault && ref.key.descending);
    ARK_RETURN_IF_ERROR(bind_order_ref(*item.expr, &ref));
    order_refs.push_back(std::move(ref));
  }
  std::vector<OrderRef> distinct_on_refs;
  for (const ExprPtr& e : sc.distinct_on) {
    OrderRef ref;
    ARK_RETURN_IF_ERROR(bind_order_ref(*e, &ref));
    distinct_on_refs.push_back(std::move(ref));
  }

  bool has_agg = !keys.empty() || !core.aggregates.empty() || having != nullptr ||
                 sc.group_by_all || !sc.group_by.empty();

  // (SELECT x FROM t WHERE t.k = outer.k): one value per outer row — any_value(x) grouped by the
  // correlation, checked to come from a single row.
  ColumnId single_row_count = -1;
  if (!has_agg && use == QueryUse::kScalar && !core.correlated.empty() && entries.size() == 1 &&
      core.windows.empty() && !sc.distinct) {
    const AggregateBinder* any = functions_.FindAggregate("any_value");
    const AggregateBinder* count = functions_.FindAggregate("count");
    if (any && count) {
      AggregateCall value;
      std::vector<DataType> types = {entries[0].bound->type};
      std::vector<std::optional<Value>> constants(1);
      Result<AggregateFunctionPtr> f = (*any)(types, constants);
      Result<AggregateFunctionPtr> c = (*count)({}, {});
      if (f.ok() && c.ok()) {
        value.function = std::move(f).value();
        value.display = fmt::format("any_value({})", Show(*entries[0].bound));
        value.args.push_back(std::move(entries[0].bound));
        DataType rt = value.function->return_type();
        entries[0].bound = BoundExpr::Column(AddAggregate(&core, std::move(value)), rt);
        AggregateCall rows;
        rows.function = std::move(c).value();
        rows.display = "count(*)";
        single_row_count = AddAggregate(&core, std::move(rows));
        has_agg = true;
      }
    }
  }

  BoundQuery q;
  std::vector<ColumnId> key_ids;
  for (const BoundExprPtr& k : keys) {
    std::string name =
        k->kind == BoundExprKind::kColumn ? plan_->column_info[k->column_index].name : Show(*k);
    key_ids.push_back(plan_->NewColumn(name, k->type));
  }
  ARK_RETURN_IF_ERROR(
      HandleCorrelation(sc, has_agg, having != nullptr, use, &core, &keys, &key_ids, &q));

  if (has_agg) {
    for (SelectEntry& e : entries) {
      ARK_RETURN_IF_ERROR(ReplaceGroupRefs(e.bound, keys, key_ids, core, e.loc));
    }
    if (q.correlated_aggregate && !entries.empty()) {
      // The value for an outer row no group matches: each aggregate over no rows.
      BoundExprPtr empty = entries[0].bound->Clone();
      absl::flat_hash_map<ColumnId, Value> empties;
      for (size_t i = 0; i < core.aggregates.size(); ++i) {
        ARK_ASSIGN_OR_RETURN(empties[core.aggregate_ids[i]],
                             EmptyAggregateValue(*core.aggregates[i].function));
      }
      ReplaceColumnRefs(empty, [&](const BoundExpr& col) -> BoundExprPtr {
        auto it = empties.find(col.column_index);
        return it == empties.end() ? nullptr : BoundExpr::Constant(it->second);
      });
      Result<Value> v = EvaluateConstant(*empty);
      if (!v.ok()) {
        q.empty_result = std::move(empty);
      } else if (!v->is_null()) {
        q.empty_result = BoundExpr::Constant(std::move(v).value());
      }
    }
    if (having) ARK_RETURN_IF_ERROR(ReplaceGroupRefs(having, keys, key_ids, core, sc.having->loc));
    if (qualify) {
      ARK_RETURN_IF_ERROR(ReplaceGroupRefs(qualify, keys, key_ids, core, sc.qualify->loc));
    }
    for (auto* refs : {&order_refs, &distinct_on_refs}) {
      for (OrderRef& r : *refs) {
        if (r.hidden) ARK_RETURN_IF_ERROR(ReplaceGroupRefs(r.hidden, keys, key_ids, core, sc.loc));
      }
    }
    for (WindowCall& w : core.windows) {
      for (auto& a : w.args) ARK_RETURN_IF_ERROR(ReplaceGroupRefs(a, keys, key_ids, core, sc.loc));
      for (auto& p : w.partition_by) {
        ARK_RETURN_IF_ERROR(ReplaceGroupRefs(p, keys, key_ids, core, sc.loc));
      }
      for (auto& o : w.order_by) {
        ARK_RETURN_IF_ERROR(ReplaceGroupRefs(o.expr, keys, key_ids, core, sc.loc));
      }
    }
    auto agg = std::make_unique<LogicalOp>(LogicalOpKind::kAggregate);
    for (size_t i = 0; i < keys.size(); ++i) {
      agg->columns.push_back(
          LogicalColumn{key_ids[i], plan_->column_info[key_ids[i]].name, keys[i]->type});
    }
    for (size_t i = 0; i < core.aggregates.size(); ++i) {
      agg->columns.push_back(LogicalColumn{core.aggregate_ids[i],
                                           plan_->column_info[core.aggregate_ids[i]].name,
                                           core.aggregates[i].function->return_type()});
    }
    agg->group_keys = std::move(keys);
    agg->aggregates = std::move(core.aggregates);
    agg->children.push_back(std::move(plan));
    plan = std::move(agg);
    if (single_row_count >= 0) {
      ARK_ASSIGN_OR_RETURN(BoundExprPtr one,
                           BindComparison(BinaryOp::kLessEqual,
                                          BoundExpr::Column(single_row_count, DataType::Int64()),
                                          BoundExpr::Constant(Value::Int64(1)), sc.loc));
      plan = MakeFilterOp(std::move(plan), std::move(one));
      plan->assert_message = "more than one row returned by a subquery used as an expression";
    }
  }
  if (having) plan = MakeFilterOp(std::move(plan), std::move(having));
  if (!core.windows.empty()) {
    auto win = std::make_unique<LogicalOp>(LogicalOpKind::kWindow);
    win->columns = plan->columns;
    for (size_t i = 0; i < core.windows.size(); ++i) {
      win->columns.push_back(LogicalColumn{core.window_ids[i],
                                           plan_->column_info[core.window_ids[i]].name,
                                           plan_->column_info[core.window_ids[i]].type});
    }
    win->windows = std::move(core.windows);
    win->children.push_back(std::move(plan));
    plan = std::move(win);
  }
  if (qualify) plan = MakeFilterOp(std::move(plan), std::move(qualify));

  // Projection: the select list, then hidden ORDER BY / DISTINCT ON expressions, then the
  // columns correlated conjuncts need.
  auto proj = std::make_unique<LogicalOp>(LogicalOpKind::kProject);
  for (SelectEntry& e : entries) {
    LogicalColumn c;
    c.name = e.name;
    c.type = e.bound->type;
    c.id = plan_->NewColumn(c.name, c.type);
    q.visible.push_back(c.id);
    q.names.push_back(c.name);
    proj->exprs.push_back(std::move(e.bound));
    proj->columns.push_back(std::move(c));
  }
  auto column_of = [&](OrderRef& r) -> BoundExprPtr {
    if (r.entry >= 0) {
      return BoundExpr::Column(proj->columns[r.entry].id, proj->columns[r.entry].type);
    }
    LogicalColumn c;
    c.name = Show(*r.hidden);
    c.type = r.hidden->type;
    c.id = plan_->NewColumn(c.name, c.type);
    proj->exprs.push_back(std::move(r.hidden));
    proj->columns.push_back(c);
    return BoundExpr::Column(c.id, c.type);
  };
  std::vector<SortKey> sort_keys;
  for (OrderRef& r : order_refs) {
    SortKey k;
    k.expr = column_of(r);
    k.descending = r.key.descending;
    k.nulls_first = r.key.nulls_first;
    sort_keys.push_back(std::move(k));
  }
  std::vector<BoundExprPtr> distinct_on_cols;
  for (OrderRef& r : distinct_on_refs) distinct_on_cols.push_back(column_of(r));
  // Correlation columns: q.hidden holds expressions' ids in the pre-projection plan.
  std::vector<ColumnId> hidden_in = std::move(q.hidden);
  q.hidden.clear();
  absl::flat_hash_map<ColumnId, ColumnId> hidden_map;
  for (ColumnId id : hidden_in) {
    int i = plan->IndexOf(id);
    ARK_CHECK(i >= 0, "correlated column missing below the projection");
    LogicalColumn c = plan->columns[i];
    c.id = plan_->NewColumn(c.name, c.type);
    proj->exprs.push_back(BoundExpr::Column(id, c.type));
    proj->columns.push_back(c);
    hidden_map[id] = c.id;
    q.hidden.push_back(c.id);
  }
  for (BoundExprPtr& conj : q.correlated) {
    ReplaceColumnRefs(conj, [&](const BoundExpr& col) -> BoundExprPtr {
      auto it = hidden_map.find(col.column_index);
      if (it == hidden_map.end()) return nullptr;
      return BoundExpr::Column(it->second, col.type);
    });
  }
  if (q.empty_result) {
    ReplaceColumnRefs(q.empty_result, [&](const BoundExpr& col) -> BoundExprPtr {
      auto it = hidden_map.find(col.column_index);
      if (it == hidden_map.end()) return nullptr;
      return BoundExpr::Column(it->second, col.type);
    });
  }
  proj->children.push_back(std::move(plan));
  plan = std::move(proj);

  if (sc.distinct && sc.distinct_on.empty()) {
    auto d = std::make_unique<LogicalOp>(LogicalOpKind::kDistinct);
    d->columns = plan->columns;
    d->children.push_back(std::move(plan));
    plan = std::move(d);
  } else if (!sc.distinct_on.empty()) {
    // DISTINCT ON (keys): the first row of each group in ORDER BY order, as
    // row_number() OVER (PARTITION BY keys ORDER BY ...) = 1.
    const WindowBinder* rn = functions_.FindWindow("row_number");
    if (!rn) return NotSupported(sc.loc, "DISTINCT ON needs the row_number() window function");
    Result<BoundWindowFunction> f = (*rn)({}, {});
    if (!f.ok()) return Error(f.status().code(), sc.loc, f.status().message());
    WindowCall call;
    call.window_function = std::move(f).value();
    call.partition_by = std::move(distinct_on_cols);
    for (const SortKey& k : sort_keys) {
      SortKey c;
      c.expr = k.expr->Clone();
      c.descending = k.descending;
      c.nulls_first = k.nulls_first;
      call.order_by.push_back(std::move(c));
    }
    call.frame_unit = WindowFrameUnit::kRows;
    call.frame_start.kind = WindowFrameBound::Kind::kUnboundedPreceding;
    call.frame_end.kind = WindowFrameBound::Kind::kCurrentRow;
    call.display = "row_number() OVER (DISTINCT ON)";
    DataType rt = call.window_function->return_type;
    ColumnId rn_id = plan_->NewColumn("row_number", rt);
    auto win = std::make_unique<LogicalOp>(LogicalOpKind::kWindow);
    win->columns = plan->columns;
    win->columns.push_back(LogicalColumn{rn_id, "row_number", rt});
    win->windows.push_back(std::move(call));
    win->children.push_back(std::move(plan));
    ARK_ASSIGN_OR_RETURN(BoundExprPtr first,
                         BindComparison(BinaryOp::kEqual, BoundExpr::Column(rn_id, rt),
                                        BoundExpr::Constant(Value::Int64(1)), sc.loc));
    plan = MakeFilterOp(std::move(win), std::move(first));
  }
  q.plan = std::move(plan);
  q.sort_keys = std::move(sort_keys);
  return q;
}

Status Binder::HandleCorrelation(const SelectCore& sc, bool has_agg, bool has_having, QueryUse use,
                                 CoreState* core, std::vector<BoundExprPtr>* keys,
                                 std::vector<ColumnId>* key_ids, BoundQuery* q) {
  if (core->correlated.empty()) return Status::OK();
  q->correlation_loc = core->first_outer_ref;
  auto refuse = [&](std::string_view why) {
    return NotSupported(core->first_outer_ref,
                        fmt::format("correlated subquery of this form is not supported: {}", why));
  };
  if (!core->windows.empty()) return refuse("window functions in a correlated subquery");
  auto reads_outer = [&](const BoundExpr& e) {
    return !ReadsOnly(e, [&](int id) { return !core->outer_ids.contains(id); });
  };
  auto reads_only_outer = [&](const BoundExpr& e) {
    return ReadsOnly(e, [&](int id) { return core->outer_ids.contains(id); });
  };
  if (has_agg) {
    if (use != QueryUse::kScalar) {
      return refuse("an aggregate in a correlated EXISTS or IN subquery");
    }
    if (!sc.group_by.empty() || sc.group_by_all || has_having) {
      return refuse("GROUP BY or HAVING in a correlated scalar subquery");
    }
    // Group the aggregate by the inner side of each equality; join on the outer side.
    for (BoundExprPtr& conj : core->correlated) {
      if (!IsEqualityCall(*conj)) {
        return refuse("a correlated scalar subquery may only use equality (outer = inner)");
      }
      int outer_side = -1;
      for (int s = 0; s < 2; ++s) {
        if (reads_only_outer(*conj->children[s]) && !reads_outer(*conj->children[1 - s])) {
          outer_side = s;
        }
      }
      if (outer_side < 0) {
        return refuse(
            "each correlated condition must compare an outer expression with an "
            "inner one");
      }
      BoundExprPtr inner = std::move(conj->children[1 - outer_side]);
      ColumnId kid = plan_->NewColumn(inner->kind == BoundExprKind::kColumn
                                          ? plan_->column_info[inner->column_index].name
                                          : Show(*inner),
                                      inner->type);
      conj->children[1 - outer_side] = BoundExpr::Column(kid, inner->type);
      keys->push_back(std::move(inner));
      key_ids->push_back(kid);
      q->hidden.push_back(kid);
    }
    q->correlated_aggregate = true;
  } else {
    if (use == QueryUse::kScalar) {
      return refuse("a correlated scalar subquery must compute an aggregate (e.g. max(x))");
    }
    absl::flat_hash_set<ColumnId> seen;
    for (const BoundExprPtr& conj : core->correlated) {
      ForEachColumnRef(*conj, [&](int id) {
        if (!core->outer_ids.contains(id) && seen.insert(id).second) q->hidden.push_back(id);
      });
    }
  }
  q->correlated = std::move(core->correlated);
  return Status::OK();
}

Status Binder::ExpandStar(const StarExpr& star, const Scope& scope, std::vector<SelectEntry>* out) {
  if (!star.qualifier.empty() && !scope.HasTable(star.qualifier)) {
    return Error(StatusCode::kNotFound, star.loc,
                 fmt::format("missing FROM-clause entry for table {}{}", Quoted(star.qualifier),
                             Suggestion(star.qualifier, scope.tables)));
  }
  std::vector<bool> used(star.except.size(), false);
  size_t before = out->size();
  for (const ScopeColumn& c : scope.columns) {
    if (star.qualifier.empty() ? !c.in_star : c.qualifier != star.qualifier) continue;
    bool excluded = false;
    for (size_t i = 0; i < star.except.size(); ++i) {
      if (star.except[i] == c.name) {
        excluded = true;
        used[i] = true;
      }
    }
    if (excluded) continue;
    SelectEntry e;
    e.bound = BoundExpr::Column(c.id, c.type);
    e.name = c.name;
    e.loc = star.loc;
    out->push_back(std::move(e));
  }
  for (size_t i = 0; i < star.except.size(); ++i) {
    if (!used[i]) {
      return Error(StatusCode::kNotFound, star.loc,
                   fmt::format("column {} in EXCEPT list does not exist", Quoted(star.except[i])));
    }
  }
  if (out->size() == before && scope.columns.empty()) {
    return Error(StatusCode::kInvalidArgument, star.loc,
                 "SELECT * with no tables specified is not valid");
  }
  return Status::OK();
}

Result<BoundExprPtr> Binder::BindGroupKey(const Expr& e, std::vector<SelectEntry>& entries,
                                          CoreState* core) {
  const SelectEntry* entry = nullptr;
  if (e.kind == ExprKind::kLiteral &&
      static_cast<const LiteralExpr&>(e).literal_kind == LiteralKind::kInteger) {
    const std::string& text = static_cast<const LiteralExpr&>(e).text;
    int64_t pos = Ordinal(text);
    if (pos < 1 || pos > static_cast<int64_t>(entries.size())) {
      return Error(StatusCode::kInvalidArgument, e.loc,
                   fmt::format("GROUP BY position {} is not in select list", text));
    }
    entry = &entries[pos - 1];
  } else if (e.kind == ExprKind::kColumnRef &&
             static_cast<const ColumnRefExpr&>(e).parts.size() == 1) {
    // PostgreSQL: an input column wins over a select-list alias of the same name.
    const std::string& name = static_cast<const ColumnRefExpr&>(e).parts[0];
    bool is_input = false;
    for (const ScopeColumn& c : core->scope->columns) is_input |= c.unqualified && c.name == name;
    if (!is_input) {
      for (const SelectEntry& s : entries) {
        if (s.has_alias && s.name == name) {
          entry = &s;
          break;
        }
      }
    }
  }
  ExprContext ctx;
  ctx.core = core;
  ctx.clause = "GROUP BY";
  if (entry) {
    if (!entry->ast) return entry->bound->Clone();
    if (entry->has_aggregate) {
      // Bind again to report the aggregate at its position.
      return BindExpr(*entry->ast, ctx);
    }
    return entry->bound->Clone();
  }
  return BindExpr(e, ctx);
}

Status Binder::ReplaceGroupRefs(BoundExprPtr& e, const std::vector<BoundExprPtr>& keys,
                                const std::vector<ColumnId>& key_ids, const CoreState& core,
                                const SourceLocation& fallback) {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (ExprEquals(*e, *keys[i])) {
      e = BoundExpr::Column(key_ids[i], keys[i]->type);
      return Status::OK();
    }
  }
  if (e->kind == BoundExprKind::kColumn) {
    ColumnId id = e->column_index;
    for (ColumnId a : core.aggregate_ids) {
      if (a == id) return Status::OK();
    }
    for (ColumnId w : core.window_ids) {
      if (w == id) return Status::OK();
    }
    auto it = column_locs_.find(e.get());
    SourceLocation loc = it != column_locs_.end() ? it->second : fallback;
    if (core.subquery_join_ids.contains(id)) {
      return NotSupported(core.subquery_join_loc,
                          "a subquery that needs a join (IN, correlated) is not supported in the "
                          "select list of an aggregated query, except inside aggregate arguments");
    }
    return Error(StatusCode::kInvalidArgument, loc,
                 fmt::format("column {} must appear in the GROUP BY clause or be used in an "
                             "aggregate function",
                             Quoted(plan_->column_info[id].qualified)));
  }
  for (auto& c : e->children) {
    ARK_RETURN_IF_ERROR(ReplaceGroupRefs(c, keys, key_ids, core, fallback));
  }
  return Status::OK();
}

// --- WHERE -------------------------------------------------------------------------------------

Status Binder::BindWhere(const Expr& where, CoreState* core, LogicalOpPtr* plan,
                         bool subquery_core) {
  std::vector<const Expr*> conjuncts;
  SplitAstConjuncts(&where, &conjuncts);
  std::vector<BoundExprPtr> filters;
  for (const Expr* c : conjuncts) {
    ARK_ASSIGN_OR_RETURN(bool done, BindSemiJoinConjunct(*c, core, plan, &filters));
    if (done) continue;
    ExprContext ctx;
    ctx.core = core;
    ctx.clause = "WHERE";
    ctx.attach = plan;
    int before = core->outer_refs;
    core->correlation_ok = subquery_core;
    Result<BoundExprPtr> b = BindExpr(*c, ctx);
    core->correlation_ok = false;
    if (!b.ok()) return b.status();
    ARK_ASSIGN_OR_RETURN(BoundExprPtr cond, RequireBool(std::move(b).value(), c->loc, "WHERE"));
    if (core->outer_refs != before) {
      core->correlated.push_back(std::move(cond));
    } else {
      filters.push_back(std::move(cond));
    }
  }
  if (!filters.empty()) *plan = MakeFilterOp(std::move(*plan), MakeConjunction(std::move(filters)));
  return Status::OK();
}

Result<bool> Binder::BindSemiJoinConjunct(const Expr& conjunct, CoreState* core, LogicalOpPtr* plan,
                                          std::vector<BoundExprPtr>* filters) {
  bool negated = false;
  const Expr* e = UnwrapNot(&conjunct, &negated);
  if (e->kind == ExprKind::kExists) {
    const auto& ex = static_cast<const ExistsExpr&>(*e);
    bool anti = negated != ex.negated;
    ARK_ASSIGN_OR_RETURN(BoundQuery sub, BindStatement(*ex.subquery, core, QueryUse::kExists));
    if (sub.correlated.empty()) {
      int slot =
          AddSubquerySlot(SubqueryPlan::Kind::kExists, std::move(sub.plan), DataType::Bool());
      BoundExprPtr cond = SubquerySlotExpr(slot, DataType::Bool());
      filters->push_back(anti ? MakeNot(std::move(cond)) : std::move(cond));
      return true;
    }
    *plan = MakeJoinOp(anti ? JoinType::kAnti : JoinType::kSemi, std::move(*plan),
                       std::move(sub.plan), MakeConjunction(std::move(sub.correlated)));
    return true;
  }
  if (e->kind == ExprKind::kInSubquery) {
    const auto& in = static_cast<const InSubqueryExpr&>(*e);
    bool not_in = negated != in.negated;
    ExprContext ctx;
    ctx.core = core;
    ctx.clause = "WHERE";
    ctx.attach = plan;
    ARK_ASSIGN_OR_RETURN(BoundExprPtr operand, BindExpr(*in.operand, ctx));
    ARK_ASSIGN_OR_RETURN(BoundQuery sub, BindStatement(*in.subquery, core, QueryUse::kIn));
    if (sub.visible.size() != 1) {
      return Error(StatusCode::kInvalidArgument, in.subquery->loc, "subquery has too many columns");
    }
    const LogicalColumn& c = sub.plan->columns[sub.plan->IndexOf(sub.visible[0])];
    ARK_ASSIGN_OR_RETURN(BoundExprPtr eq, BindComparison(BinaryOp::kEqual, std::move(operand),
                                                         BoundExpr::Column(c.id, c.type), in.loc));
    if (not_in) {
      // NOT IN keeps a row only when the subquery is empty, or the row's value is not NULL, not
      // among the values and the values hold no NULL: a null-aware anti join.
      if (!sub.correlated.empty()) {
        return NotSupported(in.loc,
                            "correlated subquery of this form is not supported: NOT IN with a "
                            "reference to the outer query (use NOT EXISTS)");
      }
      *plan = MakeJoinOp(JoinType::kAnti, std::move(*plan), std::move(sub.plan), std::move(eq));
      (*plan)->null_aware = true;
      return true;
    }
    std::vector<BoundExprPtr> conds;
    conds.push_back(std::move(eq));
    for (auto& k : sub.correlated) conds.push_back(std::move(k));
    *plan = MakeJoinOp(JoinType::kSemi, std::move(*plan), std::move(sub.plan),
                       MakeConjunction(std::move(conds)));
    return true;
  }
  return false;
}

int Binder::AddSubquerySlot(SubqueryPlan::Kind kind, LogicalOpPtr plan, DataType type) {
  // A scalar subquery needs at most two rows to be checked; EXISTS needs one.
  auto lim = std::make_unique<LogicalOp>(LogicalOpKind::kLimit);
  lim->columns = plan->columns;
  lim->limit = kind == SubqueryPlan::Kind::kScalar ? 2 : 1;
  lim->children.push_back(std::move(plan));
  SubqueryPlan s;
  s.kind = kind;
  s.plan = std::move(lim);
  s.type = std::move(type);
  plan_->subqueries.push_back(std::move(s));
  return static_cast<int>(plan_->subqueries.size() - 1);
}

// =============================================================================================
// FROM

Status Binder::AddTableName(Scope* scope, const std::string& name, const SourceLocation& loc) {
  if (name.empty()) return Status::OK();
  if (scope->HasTable(name)) {
    return Error(StatusCode::kInvalidArgument, loc,
                 fmt::format("table name {} specified more than once", Quoted(name)));
  }
  scope->tables.push_back(name);
  return Status::OK();
}

Result<LogicalOpPtr> Binder::BindTableRef(const TableRef& ref, Scope* scope, CoreState* core) {
  switch (ref.kind) {
    case TableRefKind::kBaseTable:
      return BindBaseTable(static_cast<const BaseTableRef&>(ref), scope);
    case TableRefKind::kJoin:
      return BindJoin(static_cast<const JoinRef&>(ref), scope, core);
    case TableRefKind::kSubquery: {
      const auto& s = static_cast<const SubqueryRef&>(ref);
      if (s.lateral) return NotSupported(ref.loc, "LATERAL subqueries are not supported yet");
      if (ref.alias.empty()) {
        return Error(StatusCode::kInvalidArgument, ref.loc,
                     "subquery in FROM must have an alias; for example, FROM (SELECT ...) AS t");
      }
      ARK_ASSIGN_OR_RETURN(BoundQuery q, BindStatement(*s.subquery, nullptr, QueryUse::kDerived));
      ARK_RETURN_IF_ERROR(AddDerivedScope(ref.alias, ref.column_aliases, ref.loc, "", q.names,
                                          q.plan.get(), q.visible, scope));
      return std::move(q.plan);
    }
    case TableRefKind::kValues: {
      const auto& v = static_cast<const ValuesRef&>(ref);
      if (ref.alias.empty()) {
        return Error(StatusCode::kInvalidArgument, ref.loc,
                     "VALUES in FROM must have an alias; for example, FROM (VALUES ...) AS t");
      }
      ARK_ASSIGN_OR_RETURN(BoundQuery q, BindValues(v, {}));
      ARK_RETURN_IF_ERROR(AddDerivedScope(ref.alias, ref.column_aliases, ref.loc, "", q.names,
                                          q.plan.get(), q.visible, scope));
      return std::move(q.plan);
    }
    case TableRefKind::kTableFunction:
      return BindTableFunction(static_cast<const TableFunctionRef&>(ref), scope);
  }
  return Error(StatusCode::kInternal, ref.loc, "unknown FROM item");
}

Status Binder::AddDerivedScope(const std::string& alias,
                               const std::vector<std::string>& column_aliases,
                               const SourceLocation& loc, const std::string& default_name,
                               const std::vector<std::string>& inner_names, LogicalOp* plan,
                               const std::vector<ColumnId>& ids, Scope* scope) {
  std::string qualifier = alias.empty() ? default_name : alias;
  if (column_aliases.size() > ids.size()) {
    return Error(StatusCode::kInvalidArgument, loc,
                 fmt::format("table {} has {} columns available but {} columns specified",
                             Quoted(qualifier), ids.size(), column_aliases.size()));
  }
  ARK_RETURN_IF_ERROR(AddTableName(scope, qualifier, loc));
  for (size_t i = 0; i < ids.size(); ++i) {
    ScopeColumn c;
    c.qualifier = qualifier;
    c.name = i < column_aliases.size() ? column_aliases[i] : inner_names[i];
    c.id = ids[i];
    c.type = plan->columns[plan->IndexOf(ids[i])].type;
    ColumnInfo& info = plan_->column_info[c.id];
    info.name = c.name;
    info.qualified = qualifier.empty() ? c.name : qualifier + "." + c.name;
    plan->columns[plan->IndexOf(ids[i])].name = c.name;
    scope->columns.push_back(std::move(c));
  }
  return Status::OK();
}

Result<LogicalOpPtr> Binder::BindBaseTable(const BaseTableRef& ref, Scope* scope) {
  // FOR SYSTEM_TIME AS OF t (a temporal, processing-time lookup join): the table's current
  // contents are what is joined, so the time is not evaluated.

  std::string name = JoinStrings(ref.name, ".");
  // CTEs shadow tables; the innermost definition wins.
  for (size_t i = ctes_.size(); i-- > 0;) {
    const CommonTableExpr* cte = ctes_[i].cte;
    if (ref.name.size() != 1 || cte->name != name) continue;
    std::vector<CteEntry> saved(ctes_.begin() + static_cast<long>(ctes_[i].visible_before),
                                ctes_.end());
    ctes_.resize(ctes_[i].visible_before);
    Result<BoundQuery> r = BindStatement(*cte->query, nullptr, QueryUse::kDerived);
    ctes_.insert(ctes_.end(), saved.begin(), saved.end());
    if (!r.ok()) return r.status();
    BoundQuery q = std::move(r).value();
    std::vector<std::string> names = q.names;
    if (cte->column_aliases.size() > names.size()) {
      return Error(StatusCode::kInvalidArgument, cte->loc,
                   fmt::format("WITH query {} has {} columns available but {} columns specified",
                               Quoted(cte->name), names.size(), cte->column_aliases.size()));
    }
    for (size_t k = 0; k < cte->column_aliases.size(); ++k) names[k] = cte->column_aliases[k];
    ARK_RETURN_IF_ERROR(AddDerivedScope(ref.alias, ref.column_aliases, ref.loc, cte->name, names,
                                        q.plan.get(), q.visible, scope));
    return std::move(q.plan);
  }
  SchemaPtr schema = catalog_.FindTable(name);
  if (!schema) {
    std::vector<std::string> candidates = catalog_.TableNames();
    for (const CteEntry& c : ctes_) candidates.push_back(c.cte->name);
    return Error(
        StatusCode::kNotFound, ref.loc,
        fmt::format("relation {} does not exist{}", Quoted(name), Suggestion(name, candidates)));
  }
  bool seen = false;
  for (const std::string& t : plan_->input_tables) seen |= t == name;
  if (!seen) plan_->input_tables.push_back(name);
  std::string qualifier = ref.alias.empty() ? name : ref.alias;
  if (ref.column_aliases.size() > static_cast<size_t>(schema->num_fields())) {
    return Error(StatusCode::kInvalidArgument, ref.loc,
                 fmt::format("table {} has {} columns available but {} columns specified",
                             Quoted(qualifier), schema->num_fields(), ref.column_aliases.size()));
  }
  ARK_RETURN_IF_ERROR(AddTableName(scope, qualifier, ref.loc));
  auto scan = std::make_unique<LogicalOp>(LogicalOpKind::kScan);
  scan->table = name;
  scan->table_schema = schema;
  for (int i = 0; i < schema->num_fields(); ++i) {
    const Field& f = schema->field(i);
    std::string col_name =
        static_cast<size_t>(i) < ref.column_aliases.size() ? ref.column_aliases[i] : f.name;
    ColumnId id = plan_->NewColumn(col_name, f.type, qualifier + "." + col_name);
    scan->scan_columns.push_back(i);
    scan->columns.push_back(LogicalColumn{id, col_name, f.type});
    ScopeColumn c;
    c.qualifier = qualifier;
    c.name = col_name;
    c.id = id;
    c.type = f.type;
    scope->columns.push_back(std::move(c));
  }
  return LogicalOpPtr(std::move(scan));
}

Result<LogicalOpPtr> Binder::BindJoin(const JoinRef& ref, Scope* scope, CoreState* core) {
  Scope left_scope, right_scope;
  ARK_ASSIGN_OR_RETURN(LogicalOpPtr left, BindTableRef(*ref.left, &left_scope, core));
  ARK_ASSIGN_OR_RETURN(LogicalOpPtr right, BindTableRef(*ref.right, &right_scope, core));
  for (const std::string& t : right_scope.tables) {
    if (left_scope.HasTable(t)) {
      return Error(StatusCode::kInvalidArgument, ref.right->loc,
                   fmt::format("table name {} specified more than once", Quoted(t)));
    }
  }
  Scope merged;
  merged.tables = left_scope.tables;
  merged.tables.insert(merged.tables.end(), right_scope.tables.begin(), right_scope.tables.end());
  JoinType type = ref.join_type;
  bool keep_right = type != JoinType::kSemi && type != JoinType::kAnti;
  BoundExprPtr condition;

  std::vector<std::string> using_names = ref.using_columns;
  if (ref.natural) {
    for (const ScopeColumn& l : left_scope.columns) {
      if (!l.unqualified) continue;
      for (const ScopeColumn& r : right_scope.columns) {
        if (r.unqualified && r.name == l.name) {
          using_names.push_back(l.name);
          break;
        }
      }
    }
  }
  if (!using_names.empty()) {
    auto find_unique = [&](const Scope& s, const std::string& name,
                           const char* side) -> Result<const ScopeColumn*> {
      const ScopeColumn* found = nullptr;
      for (const ScopeColumn& c : s.columns) {
        if (!c.unqualified || c.name != name) continue;
        if (found) {
          return Error(StatusCode::kInvalidArgument, ref.loc,
                       fmt::format("common column name {} appears more than once in {} table",
                                   Quoted(name), side));
        }
        found = &c;
      }
      if (!found) {
        return Error(StatusCode::kNotFound, ref.loc,
                     fmt::format("column {} specified in USING clause does not exist in {} table",
                                 Quoted(name), side));
      }
      return found;
    };
    std::vector<BoundExprPtr> conds;
    struct Merge {
      const ScopeColumn* l;
      const ScopeColumn* r;
      DataType type;
    };
    std::vector<Merge> merges;
    for (const std::string& name : using_names) {
      ARK_ASSIGN_OR_RETURN(const ScopeColumn* l, find_unique(left_scope, name, "left"));
      ARK_ASSIGN_OR_RETURN(const ScopeColumn* r, find_unique(right_scope, name, "right"));
      std::optional<DataType> t = CommonSuperType(l->type, r->type);
      if (!t) {
        return Error(StatusCode::kTypeError, ref.loc,
                     fmt::format("JOIN/USING types {} and {} cannot be matched", l->type.ToString(),
                                 r->type.ToString()));
      }
      ARK_ASSIGN_OR_RETURN(BoundExprPtr eq,
                           BindComparison(BinaryOp::kEqual, BoundExpr::Column(l->id, l->type),
                                          BoundExpr::Column(r->id, r->type), ref.loc));
      conds.push_back(std::move(eq));
      merges.push_back(Merge{l, r, *t});
    }
    condition = MakeConjunction(std::move(conds));
    LogicalOpPtr join = MakeJoinOp(type, std::move(left), std::move(right), std::move(condition));
    // The merged column: the left one (inner, left, semi, anti), the right one (right join), or
    // COALESCE of both (full join); cast to the common type when the sides differ.
    auto proj = std::make_unique<LogicalOp>(LogicalOpKind::kProject);
    bool need_project = false;
    for (const Merge& m : merges) {
      ScopeColumn c;
      c.name = m.l->name;
      c.type = m.type;
      const ScopeColumn* pick = type == JoinType::kRight ? m.r : m.l;
      if (type != JoinType::kFull && pick->type == m.type) {
        c.id = pick->id;
      } else {
        need_project = true;
        BoundExprPtr e;
        if (type == JoinType::kFull) {
          ARK_ASSIGN_OR_RETURN(BoundExprPtr a,
                               Coerce(BoundExpr::Column(m.l->id, m.l->type), m.type, ref.loc));
          ARK_ASSIGN_OR_RETURN(BoundExprPtr b,
                               Coerce(BoundExpr::Column(m.r->id, m.r->type), m.type, ref.loc));
          std::vector<BoundExprPtr> kids;
          kids.push_back(std::move(a));
          kids.push_back(std::move(b));
          e = MakeKind(BoundExprKind::kCoalesce, m.type, std::move(kids));
        } else {
          ARK_ASSIGN_OR_RETURN(e, Coerce(BoundExpr::Column(pick->id, pick->type), m.type, ref.loc));
        }
        c.id = plan_->NewColumn(c.name, m.type);
        proj->exprs.push_back(std::move(e));
        proj->columns.push_back(LogicalColumn{c.id, c.name, m.type});
      }
      merged.columns.push_back(std::move(c));
    }
    auto is_using = [&](const ScopeColumn& c, bool left_side) {
      for (const Merge& m : merges) {
        if ((left_side ? m.l : m.r) == &c) return true;
      }
      return false;
    };
    for (const ScopeColumn& c : left_scope.columns) {
      ScopeColumn x = c;
      if (is_using(c, true)) x.unqualified = x.in_star = false;
      merged.columns.push_back(std::move(x));
    }
    if (keep_right) {
      for (const ScopeColumn& c : right_scope.columns) {
        ScopeColumn x = c;
        if (is_using(c, false)) x.unqualified = x.in_star = false;
        merged.columns.push_back(std::move(x));
      }
    }
    if (need_project) {
      for (const LogicalColumn& c : join->columns) {
        proj->exprs.push_back(BoundExpr::Column(c.id, c.type));
        proj->columns.push_back(c);
      }
      proj->children.push_back(std::move(join));
      join = std::move(proj);
    }
    scope->columns.insert(scope->columns.end(), merged.columns.begin(), merged.columns.end());
    for (const std::string& t : merged.tables) ARK_RETURN_IF_ERROR(AddTableName(scope, t, ref.loc));
    return join;
  }

  merged.columns = left_scope.columns;
  if (keep_right) {
    merged.columns.insert(merged.columns.end(), right_scope.columns.begin(),
                          right_scope.columns.end());
  }
  if (ref.on) {
    // The ON condition sees both sides (also for semi/anti joins).
    Scope on_scope = merged;
    if (!keep_right) {
      on_scope.columns.insert(on_scope.columns.end(), right_scope.columns.begin(),
                              right_scope.columns.end());
    }
    CoreState on_core;
    on_core.scope = &on_scope;
    on_core.outer = core->outer;
    ExprContext ctx;
    ctx.core = &on_core;
    ctx.clause = "JOIN conditions";
    ARK_ASSIGN_OR_RETURN(condition, BindExpr(*ref.on, ctx));
    ARK_ASSIGN_OR_RETURN(condition, RequireBool(std::move(condition), ref.on->loc, "JOIN/ON"));
  } else if (type != JoinType::kCross && type != JoinType::kInner && !ref.natural) {
    return Error(StatusCode::kInvalidArgument, ref.loc,
                 "a LEFT, RIGHT or FULL join needs an ON or USING condition");
  }
  if (type == JoinType::kCross) type = JoinType::kInner;
  LogicalOpPtr join = MakeJoinOp(type, std::move(left), std::move(right), std::move(condition));
  scope->columns.insert(scope->columns.end(), merged.columns.begin(), merged.columns.end());
  for (const std::string& t : merged.tables) ARK_RETURN_IF_ERROR(AddTableName(scope, t, ref.loc));
  return join;
}

Result<LogicalOpPtr> Binder::BindTableFunction(const TableFunctionRef& ref, Scope* scope) {
  if (ref.name == "tumble" || ref.name == "hop" || ref.name == "cumulate" ||
      ref.name == "session") {
    return BindWindowTableFunction(ref, scope);
  }
  if (ref.name != "generate_series" || !ref.table_args.empty() || !ref.descriptor.empty()) {
    return NotSupported(ref.loc,
                        fmt::format("table function {} is not supported yet", Quoted(ref.name)));
  }
  if (ref.args.size() < 2 || ref.args.size() > 3) {
    return Error(StatusCode::kInvalidArgument, ref.loc,
                 "generate_series takes (start, stop [, step])");
  }
  int64_t bounds[3] = {0, 0, 1};
  DataType type = DataType::Int32();
  for (size_t i = 0; i < ref.args.size(); ++i) {
    ARK_ASSIGN_OR_RETURN(Value v, ConstantValue(*ref.args[i], "generate_series"));
    if (v.is_null()) {
      return Error(StatusCode::kInvalidArgument, ref.args[i]->loc,
                   "generate_series arguments must not be NULL");
    }
    if (!v.type().is_integer()) {
      return NotSupported(ref.args[i]->loc,
                          fmt::format("generate_series over {} is not supported yet (integers "
                                      "only)",
                                      v.type().ToString()));
    }
    if (v.type().id() == TypeId::kInt64) type = DataType::Int64();
    bounds[i] = v.int_value();
  }
  if (bounds[2] == 0) {
    return Error(StatusCode::kInvalidArgument, ref.loc, "step size cannot equal zero");
  }
  constexpr int64_t kMaxRows = int64_t{1} << 28;
  __int128 rows = SeriesRows(bounds[0], bounds[1], bounds[2]);
  if (rows > kMaxRows) {
    return Error(StatusCode::kOutOfRange, ref.loc,
                 fmt::format("generate_series would produce more than {} rows", kMaxRows));
  }
  int64_t n = static_cast<int64_t>(rows);
  ColumnPtr col;
  if (type.id() == TypeId::kInt64) {
    Int64Builder b(DataType::Int64());
    b.Reserve(n);
    for (int64_t i = 0; i < n; ++i) {
      b.UnsafeAppend(static_cast<int64_t>(bounds[0] + static_cast<__int128>(i) * bounds[2]));
    }
    col = b.Finish();
  } else {
    Int32Builder b(DataType::Int32());
    b.Reserve(n);
    for (int64_t i = 0; i < n; ++i) {
      b.UnsafeAppend(static_cast<int32_t>(bounds[0] + static_cast<__int128>(i) * bounds[2]));
    }
    col = b.Finish();
  }
  std::string col_name = !ref.column_aliases.empty() ? ref.column_aliases[0]
                         : !ref.alias.empty()        ? ref.alias
                                                     : "generate_series";
  auto values = std::make_unique<LogicalOp>(LogicalOpKind::kValues);
  ColumnId id = plan_->NewColumn(col_name, type);
  values->columns.push_back(LogicalColumn{id, col_name, type});
  values->constant_rows = Batch(Schema::Make({Field(col_name, type)}), {col}, n);
  ARK_RETURN_IF_ERROR(AddDerivedScope(ref.alias, {}, ref.loc, "generate_series", {col_name},
                                      values.get(), {id}, scope));
  return LogicalOpPtr(std::move(values));
}

Result<LogicalOpPtr> Binder::BindWindowTableFunction(const TableFunctionRef& ref, Scope* scope) {
  std::string upper = ref.name == "tumble"     ? "TUMBLE"
                      : ref.name == "hop"      ? "HOP"
                      : ref.name == "cumulate" ? "CUMULATE"
                                               : "SESSION";
  std::string usage =
      ref.name == "tumble"     ? "TUMBLE(TABLE t, DESCRIPTOR(time_column), size [, offset])"
      : ref.name == "hop"      ? "HOP(TABLE t, DESCRIPTOR(time_column), slide, size [, offset])"
      : ref.name == "cumulate" ? "CUMULATE(TABLE t, DESCRIPTOR(time_column), step, size [, offset])"
                               : "SESSION(TABLE t, DESCRIPTOR(time_column), gap)";
  auto usage_error = [&](const SourceLocation& loc, std::string_view what) {
    return Error(StatusCode::kInvalidArgument, loc,
                 fmt::format("{}; expected {} (or {}(t, time_column, ...))", what, usage, upper));
  };
  if (ref.table_args.size() != 1) {
    return usage_error(ref.loc, fmt::format("{} takes one table", upper));
  }
  // The time column: DESCRIPTOR(ts) (Flink) or a bare column name (RisingWave).
  std::string time_name;
  SourceLocation time_loc = ref.loc;
  size_t first_interval = 0;
  if (ref.descriptor.size() == 1) {
    time_name = ref.descriptor[0];
  } else if (!ref.descriptor.empty()) {
    return usage_error(ref.loc, fmt::format("{} takes one time column", upper));
  } else if (!ref.args.empty() && ref.args[0]->kind == ExprKind::kColumnRef &&
             static_cast<const ColumnRefExpr&>(*ref.args[0]).parts.size() == 1) {
    time_name = static_cast<const ColumnRefExpr&>(*ref.args[0]).parts[0];
    time_loc = ref.args[0]->loc;
    first_interval = 1;
  } else {
    return usage_error(ref.loc, fmt::format("{} needs the time column", upper));
  }
  size_t needed = ref.name == "tumble" || ref.name == "session" ? 1 : 2;
  size_t given = ref.args.size() - first_interval;
  if (given < needed || given > needed + (ref.name == "session" ? 0 : 1)) {
    if (ref.name == "session") return usage_error(ref.loc, "SESSION takes one interval, the gap");
    return usage_error(ref.loc, fmt::format("{} takes {} interval{} and an optional offset", upper,
                                            needed, needed == 1 ? "" : "s"));
  }
  int64_t intervals[3] = {0, 0, 0};
  for (size_t i = 0; i < given; ++i) {
    const Expr& e = *ref.args[first_interval + i];
    ARK_ASSIGN_OR_RETURN(Value v, ConstantValue(e, upper.c_str()));
    if (v.is_null() || v.type().id() != TypeId::kInterval) {
      return usage_error(
          e.loc, fmt::format("{} argument {} must be an INTERVAL, not {}", upper,
                             first_interval + i + 3, v.is_null() ? "NULL" : v.type().ToString()));
    }
    const IntervalValue& iv = v.interval_value();
    if (iv.months != 0) {
      return Error(StatusCode::kInvalidArgument, e.loc,
                   fmt::format("{} windows must have a fixed length: months and years vary (use "
                               "days, hours, minutes, seconds)",
                               upper));
    }
    __int128 us = static_cast<__int128>(iv.days) * 86'400'000'000 + iv.nanos / 1000;
    bool offset = i == needed;
    if ((!offset && us <= 0) || us > INT64_MAX / 4 || us < -(INT64_MAX / 4)) {
      return Error(StatusCode::kInvalidArgument, e.loc,
                   fmt::format("{} window {} must be positive", upper,
                               offset                  ? "offset"
                               : ref.name == "session" ? "gap"
                               : i == needed - 1       ? "size"
                                                       : "slide"));
    }
    intervals[i] = static_cast<int64_t>(us);
  }
  WindowTvfSpec spec;
  if (ref.name == "tumble" || ref.name == "session") {
    spec.kind = ref.name == "tumble" ? WindowTvfKind::kTumble : WindowTvfKind::kSession;
    spec.size_us = spec.slide_us = intervals[0];
    spec.offset_us = intervals[1];
  } else {
    spec.kind = ref.name == "hop" ? WindowTvfKind::kHop : WindowTvfKind::kCumulate;
    spec.slide_us = intervals[0];
    spec.size_us = intervals[1];
    spec.offset_us = intervals[2];
    if (spec.slide_us > spec.size_us) {
      return Error(StatusCode::kInvalidArgument, ref.loc,
                   fmt::format("{} {} must not be larger than its size", upper,
                               ref.name == "hop" ? "slide" : "step"));
    }
    if (spec.kind == WindowTvfKind::kCumulate && spec.size_us % spec.slide_us != 0) {
      return Error(StatusCode::kInvalidArgument, ref.loc,
                   "CUMULATE window size must be a multiple of its step");
    }
  }
  Scope inner;
  ARK_ASSIGN_OR_RETURN(LogicalOpPtr child, BindTableRef(*ref.table_args[0], &inner, nullptr));
  const ScopeColumn* time = nullptr;
  std::vector<std::string> names;
  for (const ScopeColumn& c : inner.columns) {
    if (c.name == time_name) time = &c;
  }
  if (time == nullptr) {
    std::vector<std::string> available;
    for (const ScopeColumn& c : inner.columns) available.push_back(c.name);
    return Error(StatusCode::kNotFound, time_loc,
                 fmt::format("{}: the table has no column {} (columns: {})", upper,
                             Quoted(time_name), JoinStrings(available, ", ")));
  }
  if (time->type.id() != TypeId::kTimestamp) {
    return Error(StatusCode::kInvalidArgument, time_loc,
                 fmt::format("{}: the time column {} must be a timestamp, not {}; convert it "
                             "first, e.g. with to_timestamp() in a subquery or CTE",
                             upper, Quoted(time_name), time->type.ToString()));
  }
  spec.time_column = time->id;
  auto tvf = std::make_unique<LogicalOp>(LogicalOpKind::kWindowTvf);
  tvf->window_tvf = spec;
  tvf->columns = child->columns;
  std::vector<ColumnId> ids;
  for (const ScopeColumn& c : inner.columns) {
    ids.push_back(c.id);
    names.push_back(c.name);
  }
  for (const char* name : {"window_start", "window_end"}) {
    ColumnId id = plan_->NewColumn(name, DataType::Timestamp());
    tvf->columns.push_back(LogicalColumn{id, name, DataType::Timestamp()});
    ids.push_back(id);
    names.push_back(name);
  }
  tvf->children.push_back(std::move(child));
  std::string default_name =
      JoinStrings(static_cast<const BaseTableRef&>(*ref.table_args[0]).name, ".");
  ARK_RETURN_IF_ERROR(AddDerivedScope(ref.alias, ref.column_aliases, ref.loc, default_name, names,
                                      tvf.get(), ids, scope));
  return LogicalOpPtr(std::move(tvf));
}

// =============================================================================================
// Expressions

Result<BoundExprPtr> Binder::BindExpr(const Expr& e, ExprContext& ctx) {
  if (BelowStackFloor(stack_floor_)) return TooDeep(e.loc);
  switch (e.kind) {
    case ExprKind::kLiteral: {
      ARK_ASSIGN_OR_RETURN(BoundExprPtr lit,
                           BindLiteral(static_cast<const LiteralExpr&>(e), false));
      literal_locs_[lit.get()] = e.loc;
      return lit;
    }
    case ExprKind::kColumnRef:
      return BindColumnRef(static_cast<const ColumnRefExpr&>(e), ctx);
    case ExprKind::kStar:
      return Error(StatusCode::kInvalidArgument, e.loc,
                   "* is only allowed in the select list and in count(*)");
    case ExprKind::kParameter: {
      const auto& p = static_cast<const ParameterExpr&>(e);
      if (p.index < 1) {
        return Error(StatusCode::kInvalidArgument, e.loc,
                     fmt::format("there is no parameter ${}", p.index));
      }
      plan_->num_parameters = std::max(plan_->num_parameters, p.index);
      auto b = std::make_unique<BoundExpr>();
      b->kind = BoundExprKind::kParameter;
      b->parameter_index = p.index;
      return b;
    }
    case ExprKind::kUnary:
      return BindUnary(static_cast<const UnaryExpr&>(e), ctx);
    case ExprKind::kBinary:
      return BindBinary(static_cast<const BinaryExpr&>(e), ctx);
    case ExprKind::kFunctionCall:
      return BindFunction(static_cast<const FunctionCallExpr&>(e), ctx);
    case ExprKind::kCase:
      return BindCase(static_cast<const CaseExpr&>(e), ctx);
    case ExprKind::kCast:
      return BindCast(static_cast<const CastExpr&>(e), ctx);
    case ExprKind::kIsNull: {
      const auto& n = static_cast<const IsNullExpr&>(e);
      ARK_ASSIGN_OR_RETURN(BoundExprPtr operand, BindExpr(*n.operand, ctx));
      return MakeIsNull(std::move(operand), n.negated);
    }
    case ExprKind::kIsDistinctFrom: {
      const auto& d = static_cast<const IsDistinctFromExpr&>(e);
      std::vector<BoundExprPtr> kids;
      ARK_ASSIGN_OR_RETURN(BoundExprPtr l, BindExpr(*d.left, ctx));
      ARK_ASSIGN_OR_RETURN(BoundExprPtr r, BindExpr(*d.right, ctx));
      kids.push_back(std::move(l));
      kids.push_back(std::move(r));
      ARK_ASSIGN_OR_RETURN(DataType t, UnifyTypes(kids, "IS DISTINCT FROM", e.loc));
      ARK_RETURN_IF_ERROR(CoerceAll(&kids, t, e.loc));
      BoundExprPtr b = MakeKind(BoundExprKind::kIsDistinct, DataType::Bool(), std::move(kids));
      b->negated = d.negated;
      return b;
    }
    case ExprKind::kIsBool: {
      // x IS TRUE ≡ x IS NOT DISTINCT FROM TRUE; x IS UNKNOWN ≡ x IS NULL.
      const auto& ib = static_cast<const IsBoolExpr&>(e);
      ARK_ASSIGN_OR_RETURN(BoundExprPtr operand, BindExpr(*ib.operand, ctx));
      ARK_ASSIGN_OR_RETURN(operand, RequireBool(std::move(operand), ib.operand->loc, "IS"));
      if (!ib.value) return MakeIsNull(std::move(operand), ib.negated);
      std::vector<BoundExprPtr> kids;
      kids.push_back(std::move(operand));
      kids.push_back(BoolConstant(*ib.value));
      BoundExprPtr b = MakeKind(BoundExprKind::kIsDistinct, DataType::Bool(), std::move(kids));
      b->negated = !ib.negated;
      return b;
    }
    case ExprKind::kBetween: {
      const auto& bt = static_cast<const BetweenExpr&>(e);
      std::vector<BoundExprPtr> kids;
      for (const Expr* x : {bt.operand.get(), bt.low.get(), bt.high.get()}) {
        ARK_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*x, ctx));
        kids.push_back(std::move(b));
      }
      ARK_ASSIGN_OR_RETURN(DataType t, UnifyTypes(kids, "BETWEEN", e.loc));
      ARK_RETURN_IF_ERROR(CoerceAll(&kids, t, e.loc));
      auto range = [&](const BoundExprPtr& lo, const BoundExprPtr& hi) -> Result<BoundExprPtr> {
        ARK_ASSIGN_OR_RETURN(BoundExprPtr ge, BindComparison(BinaryOp::kGreaterEqual,
                                                             kids[0]->Clone(), lo->Clone(), e.loc));
        ARK_ASSIGN_OR_RETURN(BoundExprPtr le, BindComparison(BinaryOp::kLessEqual, kids[0]->Clone(),
                                                             hi->Clone(), e.loc));
        return MakeAnd(std::move(ge), std::move(le));
      };
      ARK_ASSIGN_OR_RETURN(BoundExprPtr result, range(kids[1], kids[2]));
      if (bt.symmetric) {
        ARK_ASSIGN_OR_RETURN(BoundExprPtr swapped, range(kids[2], kids[1]));
        result = MakeOr(std::move(result), std::move(swapped));
      }
      return bt.negated ? MakeNot(std::move(result)) : std::move(result);
    }
    case ExprKind::kInList: {
      const auto& in = static_cast<const InListExpr&>(e);
      std::vector<BoundExprPtr> kids;
      ARK_ASSIGN_OR_RETURN(BoundExprPtr operand, BindExpr(*in.operand, ctx));
      kids.push_back(std::move(operand));
      for (const ExprPtr& x : in.list) {
        ARK_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*x, ctx));
        kids.push_back(std::move(b));
      }
      ARK_ASSIGN_OR_RETURN(DataType t, UnifyTypes(kids, "IN", e.loc));
      ARK_RETURN_IF_ERROR(CoerceAll(&kids, t, e.loc));
      BoundExprPtr b = MakeKind(BoundExprKind::kInList, DataType::Bool(), std::move(kids));
      b->negated = in.negated;
      return b;
    }
    case ExprKind::kInSubquery:
      return BindInSubquery(static_cast<const InSubqueryExpr&>(e), ctx);
    case ExprKind::kExists:
      return BindExists(static_cast<const ExistsExpr&>(e), ctx);
    case ExprKind::kSubquery:
      return BindSubquery(static_cast<const SubqueryExpr&>(e), ctx);
    case ExprKind::kFieldAccess: {
      const auto& f = static_cast<const FieldAccessExpr&>(e);
      ARK_ASSIGN_OR_RETURN(BoundExprPtr operand, BindExpr(*f.operand, ctx));
      return BindFieldAccess(std::move(operand), f.field, e.loc);
    }
    case ExprKind::kSubscript:
      return BindSubscript(static_cast<const SubscriptExpr&>(e), ctx);
    case ExprKind::kArray:
      return BindArray(static_cast<const ArrayExpr&>(e), ctx);
    case ExprKind::kInterval:
      return BindInterval(static_cast<const IntervalExpr&>(e));
  }
  return Error(StatusCode::kInternal, e.loc, "unknown expression");
}

Result<BoundExprPtr> Binder::BindLiteral(const LiteralExpr& lit, bool negate) {
  switch (lit.literal_kind) {
    case LiteralKind::kNull:
      return BoundExpr::Constant(Value());
    case LiteralKind::kBool:
      return BoundExpr::Constant(Value::Bool(lit.bool_value));
    case LiteralKind::kInteger: {
      std::string digits;
      for (char c : lit.text) {
        if (c != '_') digits += c;
      }
      if (negate) {
        // The parser may already have made "-5" one literal.
        if (!digits.empty() && digits[0] == '-') {
          digits.erase(0, 1);
        } else {
          digits.insert(digits.begin(), '-');
        }
      }
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec == std::errc() && ptr == digits.data() + digits.size()) {
        if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
          return BoundExpr::Constant(Value::Int32(static_cast<int32_t>(v)));
        }
        return BoundExpr::Constant(Value::Int64(v));
      }
      if (ec == std::errc::result_out_of_range) {
        // Beyond int64: PostgreSQL makes it numeric; we have float64.
        return BoundExpr::Constant(Value::Float64(std::strtod(digits.c_str(), nullptr)));
      }
      return Error(StatusCode::kParseError, lit.loc,
                   fmt::format("invalid integer literal {}", Quoted(lit.text)));
    }
    case LiteralKind::kFloat: {
      std::string digits;
      for (char c : lit.text) {
        if (c != '_') digits += c;
      }
      char* end = nullptr;
      double d = std::strtod(digits.c_str(), &end);
      if (digits.empty() || end != digits.c_str() + digits.size()) {
        return Error(StatusCode::kParseError, lit.loc,
                     fmt::format("invalid numeric literal {}", Quoted(lit.text)));
      }
      return BoundExpr::Constant(Value::Float64(negate ? -d : d));
    }
    case LiteralKind::kString:
      return BoundExpr::Constant(Value::String(lit.text));
  }
  return Error(StatusCode::kInternal, lit.loc, "unknown literal");
}

Result<BoundExprPtr> Binder::BindColumnRef(const ColumnRefExpr& ref, ExprContext& ctx) {
  const std::vector<std::string>& parts = ref.parts;
  std::string full = JoinStrings(parts, ".");
  if (!ctx.core) {
    if (ctx.no_columns_message) {
      return Error(StatusCode::kInvalidArgument, ref.loc, ctx.no_columns_message);
    }
    return Error(StatusCode::kNotFound, ref.loc,
                 fmt::format("column {} does not exist", Quoted(full)));
  }
  const ScopeColumn* found = nullptr;
  size_t consumed = 0;
  int depth = 0;
  // PostgreSQL: in a.b, a is a table of this or an enclosing query before it is a column.
  bool qualified = false;
  if (parts.size() >= 2) {
    for (CoreState* core = ctx.core; core; core = core->outer) {
      qualified |= core->scope && core->scope->HasTable(parts[0]);
    }
  }
  for (CoreState* core = ctx.core; core && !found; core = core->outer, ++depth) {
    if (!core->scope) continue;
    const Scope& scope = *core->scope;
    if (qualified && !scope.HasTable(parts[0])) continue;
    if (parts.size() >= 2 && scope.HasTable(parts[0])) {
      for (const ScopeColumn& c : scope.columns) {
        if (c.qualifier == parts[0] && c.name == parts[1]) {
          found = &c;
          consumed = 2;
          break;
        }
      }
      if (!found) {
        std::vector<std::string> names;
        for (const ScopeColumn& c : scope.columns) {
          if (c.qualifier == parts[0]) names.push_back(c.name);
        }
        return Error(StatusCode::kNotFound, ref.loc,
                     fmt::format("column {}.{} does not exist{}", parts[0], parts[1],
                                 Suggestion(parts[1], names)));
      }
      break;
    }
    std::vector<const ScopeColumn*> matches;
    for (const ScopeColumn& c : scope.columns) {
      if (c.unqualified && c.name == parts[0]) matches.push_back(&c);
    }
    if (matches.size() > 1) {
      std::vector<std::string> candidates;
      for (const ScopeColumn* c : matches) {
        candidates.push_back(Quoted(c->qualifier.empty() ? c->name : c->qualifier + "." + c->name));
      }
      std::string list;
      for (size_t i = 0; i < candidates.size(); ++i) {
        if (i > 0) list += i + 1 == candidates.size() ? " or " : ", ";
        list += candidates[i];
      }
      return Error(StatusCode::kInvalidArgument, ref.loc,
                   fmt::format("column reference {} is ambiguous; it could refer to {}",
                               Quoted(parts[0]), list));
    }
    if (matches.size() == 1) {
      found = matches[0];
      consumed = 1;
      break;
    }
  }
  if (!found) {
    // Select-list aliases in ORDER BY expressions.
    if (parts.size() == 1 && ctx.aliases) {
      for (const SelectEntry& s : *ctx.aliases) {
        if (s.has_alias && s.name == parts[0]) return s.bound->Clone();
      }
    }
    // SQL's niladic functions.
    if (parts.size() == 1 && (parts[0] == "current_timestamp" || parts[0] == "current_date" ||
                              parts[0] == "localtimestamp" || parts[0] == "current_time")) {
      if (functions_.FindScalar(parts[0])) return CallScalar(parts[0], {}, ref.loc);
    }
    if (parts.size() >= 2) {
      bool any_table = false;
      for (CoreState* core = ctx.core; core; core = core->outer) {
        any_table |= core->scope && core->scope->HasTable(parts[0]);
      }
      if (!any_table) {
        return Error(
            StatusCode::kNotFound, ref.loc,
            fmt::format("missing FROM-clause entry for table {}{}", Quoted(parts[0]),
                        Suggestion(parts[0], ctx.core->scope ? ctx.core->scope->tables
                                                             : std::vector<std::string>{})));
      }
    }
    std::vector<std::string> names;
    if (ctx.core->scope) {
      for (const ScopeColumn& c : ctx.core->scope->columns) {
        if (c.unqualified) names.push_back(c.name);
      }
    }
    return Error(
        StatusCode::kNotFound, ref.loc,
        fmt::format("column {} does not exist{}", Quoted(full), Suggestion(parts[0], names)));
  }
  if (depth > 0) {
    if (depth > 1 || !ctx.core->correlation_ok) {
      return NotSupported(ref.loc,
                          fmt::format("correlated subquery of this form is not supported: the "
                                      "reference to {} from the enclosing query must be in a "
                                      "condition of the subquery's WHERE clause",
                                      Quoted(full)));
    }
    if (ctx.core->outer_refs == 0) ctx.core->first_outer_ref = ref.loc;
    ++ctx.core->outer_refs;
    ctx.core->outer_ids.insert(found->id);
  }
  BoundExprPtr col = BoundExpr::Column(found->id, found->type);
  column_locs_[col.get()] = ref.loc;
  for (size_t i = consumed; i < parts.size(); ++i) {
    ARK_ASSIGN_OR_RETURN(col, BindFieldAccess(std::move(col), parts[i], ref.loc));
  }
  return col;
}

Result<BoundExprPtr> Binder::BindFieldAccess(BoundExprPtr operand, const std::string& field,
                                             const SourceLocation& loc) {
  if (operand->type.id() != TypeId::kStruct) {
    return Error(StatusCode::kTypeError, loc,
                 fmt::format("cannot access field {} of type {}, which is not a struct",
                             Quoted(field), operand->type.ToString()));
  }
  const std::vector<Field>& fields = operand->type.fields();
  int index = -1;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field) index = static_cast<int>(i);
  }
  if (index < 0) {
    std::vector<std::string> names;
    for (const Field& f : fields) names.push_back(f.name);
    return Error(StatusCode::kNotFound, loc,
                 fmt::format("field {} does not exist in {}{}", Quoted(field),
                             operand->type.ToString(), Suggestion(field, names)));
  }
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(operand));
  args.push_back(BoundExpr::Constant(Value::String(field)));
  return CallScalar("struct_extract", std::move(args), loc);
}

Result<BoundExprPtr> Binder::BindSubscript(const SubscriptExpr& s, ExprContext& ctx) {
  ARK_ASSIGN_OR_RETURN(BoundExprPtr operand, BindExpr(*s.operand, ctx));
  if (operand->type.id() == TypeId::kStruct && !s.is_slice) {
    if (s.index->kind == ExprKind::kLiteral &&
        static_cast<const LiteralExpr&>(*s.index).literal_kind == LiteralKind::kString) {
      return BindFieldAccess(std::move(operand), static_cast<const LiteralExpr&>(*s.index).text,
                             s.loc);
    }
    return Error(StatusCode::kTypeError, s.index->loc,
                 "a struct subscript must be a string literal naming a field");
  }
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(operand));
  if (s.index) {
    ARK_ASSIGN_OR_RETURN(BoundExprPtr i, BindExpr(*s.index, ctx));
    args.push_back(std::move(i));
  } else {
    args.push_back(BoundExpr::Constant(Value()));
  }
  if (s.is_slice) {
    if (s.slice_end) {
      ARK_ASSIGN_OR_RETURN(BoundExprPtr end, BindExpr(*s.slice_end, ctx));
      args.push_back(std::move(end));
    } else {
      args.push_back(BoundExpr::Constant(Value()));
    }
    return CallScalar("list_slice", std::move(args), s.loc);
  }
  return CallScalar("list_extract", std::move(args), s.loc);
}

Result<BoundExprPtr> Binder::BindArray(const ArrayExpr& a, ExprContext& ctx) {
  ARK_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> items, BindArgs(a.elements, ctx));
  DataType element = DataType::Null();
  if (!items.empty()) {
    ARK_ASSIGN_OR_RETURN(element, UnifyTypes(items, "ARRAY", a.loc));
    ARK_RETURN_IF_ERROR(CoerceAll(&items, element, a.loc));
  }
  bool all_constant = true;
  for (const auto& i : items) all_constant &= i->kind == BoundExprKind::kConstant;
  if (all_constant) {
    std::vector<Value> values;
    for (const auto& i : items) values.push_back(i->constant);
    return BoundExpr::Constant(Value::List(element, std::move(values)));
  }
  return CallScalar("list_value", std::move(items), a.loc);
}

Result<std::vector<BoundExprPtr>> Binder::BindArgs(const std::vector<ExprPtr>& args,
                                                   ExprContext& ctx) {
  std::vector<BoundExprPtr> out;
  for (const ExprPtr& a : args) {
    ARK_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, ctx));
    out.push_back(std::move(b));
  }
  return out;
}

Result<BoundExprPtr> Binder::BindUnary(const UnaryExpr& u, ExprContext& ctx) {
  if (u.op == UnaryOp::kNot) {
    ARK_ASSIGN_OR_RETURN(BoundExprPtr operand, BindExpr(*u.operand, ctx));
    ARK_ASSIGN_OR_RETURN(operand, RequireBool(std::move(operand), u.operand->loc, "NOT"));
    return MakeNot(std::move(operand));
  }
  if (u.op == UnaryOp::kNegate && u.operand->kind == ExprKind::kLiteral) {
    const auto& lit = static_cast<const LiteralExpr&>(*u.operand);
    if (lit.literal_kind == LiteralKind::kInteger || lit.literal_kind == LiteralKind::kFloat) {
      ARK_ASSIGN_OR_RETURN(BoundExprPtr negated, BindLiteral(lit, true));
      literal_locs_[negated.get()] = u.loc;
      return negated;
    }
  }
  ARK_ASSIGN_OR_RETURN(BoundExprPtr operand, BindExpr(*u.operand, ctx));
  if (u.op == UnaryOp::kPlus) {
    if (!operand->type.is_numeric() && operand->type.id() != TypeId::kInterval) {
      return Error(StatusCode::kTypeError, u.loc,
                   fmt::format("operator does not exist: + {}", operand->type.ToString()));
    }
    return operand;
  }
  std::vector<BoundExprPtr> args;
  std::string type_name = operand->type.ToString();
  args.push_back(std::move(operand));
  Result<BoundExprPtr> r = CallScalar("negate", std::move(args), u.loc, "-");
  if (!r.ok()) {
    return Error(StatusCode::kTypeError, u.loc,
                 fmt::format("operator does not exist: - {}", type_name));
  }
  return r;
}

Result<BoundExprPtr> Binder::BindBinary(const BinaryExpr& b, ExprContext& ctx) {
  ARK_ASSIGN_OR_RETURN(BoundExprPtr l, BindExpr(*b.left, ctx));
  ARK_ASSIGN_OR_RETURN(BoundExprPtr r, BindExpr(*b.right, ctx));
  if (b.op == BinaryOp::kAnd || b.op == BinaryOp::kOr) {
    const char* name = b.op == BinaryOp::kAnd ? "AND" : "OR";
    ARK_ASSIGN_OR_RETURN(l, RequireBool(std::move(l), b.left->loc, name));
    ARK_ASSIGN_OR_RETURN(r, RequireBool(std::move(r), b.right->loc, name));
    return b.op == BinaryOp::kAnd ? MakeAnd(std::move(l), std::move(r))
                                  : MakeOr(std::move(l), std::move(r));
  }
  bool negate = false;
  BinaryOp op = b.op;
  switch (b.op) {
    case BinaryOp::kNotLike:
      op = BinaryOp::kLike;
      negate = true;
      break;
    case BinaryOp::kNotILike:
      op = BinaryOp::kILike;
      negate = true;
      break;
    case BinaryOp::kNotSimilarTo:
      op = BinaryOp::kSimilarTo;
      negate = true;
      break;
    case BinaryOp::kRegexNotMatch:
      op = BinaryOp::kRegexMatch;
      negate = true;
      break;
    case BinaryOp::kRegexNotIMatch:
      op = BinaryOp::kRegexIMatch;
      negate = true;
      break;
    default:
      break;
  }
  BoundExprPtr result;
  SourceLocation op_loc = OperatorLoc(b);
  if (op == BinaryOp::kLike || op == BinaryOp::kILike || op == BinaryOp::kSimilarTo ||
      op == BinaryOp::kRegexMatch || op == BinaryOp::kRegexIMatch) {
    std::vector<BoundExprPtr> args;
    std::string text = fmt::format("operator does not exist: {} {} {}", l->type.ToString(),
                                   BinaryOpName(b.op), r->type.ToString());
    args.push_back(std::move(l));
    args.push_back(std::move(r));
    if (b.escape) {
      ARK_ASSIGN_OR_RETURN(BoundExprPtr esc, BindExpr(*b.escape, ctx));
      args.push_back(std::move(esc));
    }
    Result<BoundExprPtr> call = CallScalar(OperatorFunctionName(op), std::move(args), b.loc);
    if (!call.ok()) {
      // Keep the function's own explanation when it has one (a bad pattern), else say the
      // operator does not fit the types.
      if (call.status().code() == StatusCode::kNotFound ||
          call.status().code() == StatusCode::kTypeError) {
        return Error(StatusCode::kTypeError, op_loc, text);
      }
      return call.status();
    }
    result = std::move(call).value();
  } else {
    ARK_ASSIGN_OR_RETURN(result, BindOperator(op, std::move(l), std::move(r), op_loc));
  }
  return negate ? MakeNot(std::move(result)) : std::move(result);
}

Result<BoundExprPtr> Binder::BindComparison(BinaryOp op, BoundExprPtr l, BoundExprPtr r,
                                            const SourceLocation& loc) {
  std::optional<DataType> t = CommonSuperType(l->type, r->type, IsUntyped(*l), IsUntyped(*r));
  if (!t) {
    return Error(StatusCode::kTypeError, loc,
                 fmt::format("operator does not exist: {} {} {}", l->type.ToString(),
                             BinaryOpName(op), r->type.ToString()));
  }
  ARK_ASSIGN_OR_RETURN(l, Coerce(std::move(l), *t, loc));
  ARK_ASSIGN_OR_RETURN(r, Coerce(std::move(r), *t, loc));
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(l));
  args.push_back(std::move(r));
  return CallScalar(OperatorFunctionName(op), std::move(args), loc, BinaryOpName(op));
}

Result<BoundExprPtr> Binder::BindOperator(BinaryOp op, BoundExprPtr l, BoundExprPtr r,
                                          const SourceLocation& loc) {
  if (IsComparison(op)) return BindComparison(op, std::move(l), std::move(r), loc);
  bool ul = IsUntyped(*l), ur = IsUntyped(*r);
  if (IsArithmetic(op)) {
    if (l->type.is_numeric() && r->type.is_numeric()) {
      // Both sides to the wider numeric type, so kernels see one type.
      std::optional<DataType> t = CommonSuperType(l->type, r->type);
      if (t) {
        ARK_ASSIGN_OR_RETURN(l, Coerce(std::move(l), *t, loc));
        ARK_ASSIGN_OR_RETURN(r, Coerce(std::move(r), *t, loc));
      }
    } else if (ul != ur) {
      // An untyped literal takes the other side's type; next to a date or timestamp under + or
      // -, it is an interval (PostgreSQL: ts + '1 day').
      BoundExprPtr& lit = ul ? l : r;
      const DataType& other = ul ? r->type : l->type;
      DataType target = other;
      if ((op == BinaryOp::kAdd || op == BinaryOp::kSubtract) &&
          (other.id() == TypeId::kTimestamp || other.id() == TypeId::kDate) &&
          lit->type.id() == TypeId::kString) {
        target = DataType::Interval();
      }
      if (lit->type.id() == TypeId::kNull || other.is_numeric() || IsTemporal(other)) {
        ARK_ASSIGN_OR_RETURN(lit, Coerce(std::move(lit), target, loc));
      }
    }
  } else if (op == BinaryOp::kConcat) {
    // PostgreSQL: text || anynonarray converts the other side to text.
    bool ls = l->type.id() == TypeId::kString, rs = r->type.id() == TypeId::kString;
    if (ls && !rs && r->type.id() != TypeId::kList) {
      ARK_ASSIGN_OR_RETURN(r, Coerce(std::move(r), DataType::String(), loc));
    } else if (rs && !ls && l->type.id() != TypeId::kList) {
      ARK_ASSIGN_OR_RETURN(l, Coerce(std::move(l), DataType::String(), loc));
    }
  }
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(l));
  args.push_back(std::move(r));
  return CallScalar(OperatorFunctionName(op), std::move(args), loc, BinaryOpName(op));
}

Result<BoundExprPtr> Binder::CallScalar(std::string_view name, std::vector<BoundExprPtr> args,
                                        const SourceLocation& loc, const char* op_text) {
  std::vector<DataType> types;
  std::vector<std::optional<Value>> constants;
  for (const auto& a : args) {
    types.push_back(a->type);
    constants.push_back(a->kind == BoundExprKind::kConstant ? std::optional<Value>(a->constant)
                                                            : std::nullopt);
  }
  auto signature = [&] {
    std::vector<std::string> t;
    for (const DataType& d : types) t.push_back(d.ToString());
    return JoinStrings(t, ", ");
  };
  auto operator_error = [&] {
    std::string text = types.size() == 2
                           ? fmt::format("operator does not exist: {} {} {}", types[0].ToString(),
                                         op_text, types[1].ToString())
                           : fmt::format("operator does not exist: {} {}", op_text, signature());
    return Error(StatusCode::kTypeError, loc, text);
  };
  const ScalarBinder* binder = functions_.FindScalar(name);
  if (!binder) {
    if (op_text) return operator_error();
    return Error(StatusCode::kNotFound, loc,
                 fmt::format("function {}({}) does not exist{}", name, signature(),
                             Suggestion(name, functions_.Names())));
  }
  Result<BoundScalarFunction> bound = (*binder)(types, constants);
  if (!bound.ok()) {
    if (op_text) return operator_error();
    return Error(bound.status().code(), loc, bound.status().message());
  }
  auto fn = std::make_shared<const BoundScalarFunction>(std::move(bound).value());
  for (size_t i = 0; i < args.size() && i < fn->arg_types.size(); ++i) {
    if (args[i]->type != fn->arg_types[i]) {
      ARK_ASSIGN_OR_RETURN(args[i], Coerce(std::move(args[i]), fn->arg_types[i], loc));
    }
  }
  DataType rt = fn->return_type;
  BoundExprPtr call = BoundExpr::Call(std::move(fn), std::move(args));
  call->type = std::move(rt);
  return call;
}

Result<BoundExprPtr> Binder::Coerce(BoundExprPtr e, const DataType& to, const SourceLocation& loc) {
  if (e->type == to) return e;
  if (e->kind == BoundExprKind::kConstant) {
    if (e->constant.is_null()) return BoundExpr::Constant(Value::Null(to));
    Result<Datum> d = CastDatum(Datum(e->constant), to, false, 1);
    if (!d.ok()) {
      auto it = literal_locs_.find(e.get());
      return Error(d.status().code(), it != literal_locs_.end() ? it->second : loc,
                   d.status().message());
    }
    Value v = d->is_scalar() ? d->scalar() : Value::FromColumn(*d->column(), 0);
    return BoundExpr::Constant(std::move(v));
  }
  return BoundExpr::Cast(std::move(e), to);
}

Result<DataType> Binder::UnifyTypes(const std::vector<BoundExprPtr>& exprs, const char* what,
                                    const SourceLocation& loc) {
  DataType t = exprs[0]->type;
  bool untyped = IsUntyped(*exprs[0]);
  for (size_t i = 1; i < exprs.size(); ++i) {
    bool u = IsUntyped(*exprs[i]);
    std::optional<DataType> next = CommonSuperType(t, exprs[i]->type, untyped, u);
    if (!next) {
      return Error(StatusCode::kTypeError, loc,
                   fmt::format("{} types {} and {} cannot be matched", what, t.ToString(),
                               exprs[i]->type.ToString()));
    }
    t = *next;
    untyped = untyped && u;
  }
  return t;
}

Status Binder::CoerceAll(std::vector<BoundExprPtr>* exprs, const DataType& to,
                         const SourceLocation& loc) {
  for (auto& e : *exprs) {
    ARK_ASSIGN_OR_RETURN(e, Coerce(std::move(e), to, loc));
  }
  return Status::OK();
}

Result<BoundExprPtr> Binder::RequireBool(BoundExprPtr e, const SourceLocation& loc,
                                         const char* what) {
  if (e->type.id() == TypeId::kBool) return e;
  if (IsUntyped(*e)) return Coerce(std::move(e), DataType::Bool(), loc);
  return Error(
      StatusCode::kTypeError, loc,
      fmt::format("argument of {} must be type bool, not type {}", what, e->type.ToString()));
}

Result<BoundExprPtr> Binder::BindCase(const CaseExpr& c, ExprContext& ctx) {
  BoundExprPtr operand;
  if (c.operand) {
    ARK_ASSIGN_OR_RETURN(operand, BindExpr(*c.operand, ctx));
  }
  std::vector<BoundExprPtr> conditions;
  std::vector<BoundExprPtr> results;
  for (const CaseExpr::When& w : c.whens) {
    ARK_ASSIGN_OR_RETURN(BoundExprPtr cond, BindExpr(*w.condition, ctx));
    if (operand) {
      ARK_ASSIGN_OR_RETURN(cond, BindComparison(BinaryOp::kEqual, operand->Clone(), std::move(cond),
                                                w.condition->loc));
    } else {
      ARK_ASSIGN_OR_RETURN(cond, RequireBool(std::move(cond), w.condition->loc, "CASE/WHEN"));
    }
    conditions.push_back(std::move(cond));
    ARK_ASSIGN_OR_RETURN(BoundExprPtr r, BindExpr(*w.result, ctx));
    results.push_back(std::move(r));
  }
  if (c.else_result) {
    ARK_ASSIGN_OR_RETURN(BoundExprPtr r, BindExpr(*c.else_result, ctx));
    results.push_back(std::move(r));
  }
  ARK_ASSIGN_OR_RETURN(DataType t, UnifyTypes(results, "CASE", c.loc));
  ARK_RETURN_IF_ERROR(CoerceAll(&results, t, c.loc));
  std::vector<BoundExprPtr> kids;
  for (size_t i = 0; i < conditions.size(); ++i) {
    kids.push_back(std::move(conditions[i]));
    kids.push_back(std::move(results[i]));
  }
  BoundExprPtr e = MakeKind(BoundExprKind::kCase, t, std::move(kids));
  if (c.else_result) {
    e->children.push_back(std::move(results.back()));
    e->has_else = true;
  }
  return e;
}

Result<BoundExprPtr> Binder::BindCast(const CastExpr& c, ExprContext& ctx) {
  ARK_ASSIGN_OR_RETURN(BoundExprPtr operand, BindExpr(*c.operand, ctx));
  Result<DataType> to = ResolveTypeName(c.type);
  SourceLocation type_loc = c.type.loc.line > 0 ? c.type.loc : c.loc;
  if (!to.ok()) return Error(to.status().code(), type_loc, to.status().message());
  if (operand->type == *to) return operand;
  if (operand->type.id() != TypeId::kNull && !CanCast(operand->type, *to)) {
    return Error(
        StatusCode::kTypeError, c.loc,
        fmt::format("cannot cast type {} to {}", operand->type.ToString(), to->ToString()));
  }
  if (operand->kind == BoundExprKind::kConstant) {
    if (operand->constant.is_null()) return BoundExpr::Constant(Value::Null(*to));
    Result<Datum> d = CastDatum(Datum(operand->constant), *to, c.try_cast, 1);
    if (!d.ok()) return Error(d.status().code(), c.operand->loc, d.status().message());
    Value v = d->is_scalar() ? d->scalar() : Value::FromColumn(*d->column(), 0);
    return BoundExpr::Constant(std::move(v));
  }
  return BoundExpr::Cast(std::move(operand), *to, c.try_cast);
}

Result<BoundExprPtr> Binder::BindInterval(const IntervalExpr& iv) {
  std::string text = iv.unit.empty() ? iv.value : iv.value + " " + iv.unit;
  // A single number with a single unit ('5' SECOND, '1.5' HOUR) is computed here; everything
  // else goes through the string → interval cast.
  static const struct {
    const char* unit;
    int32_t months;
    int32_t days;
    int64_t nanos;
  } kUnits[] = {
      {"year", 12, 0, 0},
      {"month", 1, 0, 0},
      {"week", 0, 7, 0},
      {"day", 0, 1, 0},
      {"hour", 0, 0, 3'600'000'000'000},
      {"minute", 0, 0, 60'000'000'000},
      {"second", 0, 0, 1'000'000'000},
      {"millisecond", 0, 0, 1'000'000},
      {"microsecond", 0, 0, 1'000},
  };
  if (!iv.unit.empty()) {
    std::string unit = iv.unit;
    if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
    char* end = nullptr;
    double n = std::strtod(iv.value.c_str(), &end);
    bool numeric = end != iv.value.c_str() && *end == '\0';
    for (const auto& u : kUnits) {
      if (unit != u.unit || !numeric) continue;
      IntervalValue v;
      if (u.months != 0) {
        v.months = static_cast<int32_t>(std::llround(n * u.months));
      } else if (u.days != 0 && n == std::floor(n)) {
        v.days = static_cast<int32_t>(std::llround(n * u.days));
      } else {
        double nanos = u.days != 0 ? n * u.days * 86'400e9 : n * static_cast<double>(u.nanos);
        if (std::fabs(nanos) > 9.2e18) {
          return Error(StatusCode::kOutOfRange, iv.loc, "interval out of range");
        }
        v.nanos = static_cast<int64_t>(std::llround(nanos));
      }
      return BoundExpr::Constant(Value::Interval(v));
    }
  }
  Result<Datum> d = CastDatum(Datum(Value::String(text)), DataType::Interval(), false, 1);
  if (!d.ok()) return Error(d.status().code(), iv.loc, d.status().message());
  Value v = d->is_scalar() ? d->scalar() : Value::FromColumn(*d->column(), 0);
  return BoundExpr::Constant(std::move(v));
}

// --- functions --------------------------------------------------------------------------------

Result<BoundExprPtr> Binder::BindFunction(const FunctionCallExpr& f, ExprContext& ctx) {
  if (f.over) return BindWindow(f, ctx);
  const AggregateBinder* agg = functions_.FindAggregate(f.name);
  if (agg) return BindAggregate(f, *agg, ctx);
  if (f.distinct || f.filter || !f.order_by.empty()) {
    const char* what = f.distinct ? "DISTINCT" : f.filter ? "FILTER" : "ORDER BY";
    return Error(StatusCode::kInvalidArgument, f.loc,
                 fmt::format("{} specified, but {} is not an aggregate function", what, f.name));
  }
  if (!f.args.empty() && f.args[0]->kind == ExprKind::kStar) {
    return Error(StatusCode::kInvalidArgument, f.args[0]->loc,
                 fmt::format("{}(*) is only valid for aggregate functions", f.name));
  }
  if (f.name == "coalesce") {
    if (f.args.empty()) {
      return Error(StatusCode::kInvalidArgument, f.loc, "COALESCE needs at least one argument");
    }
    ARK_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> args, BindArgs(f.args, ctx));
    ARK_ASSIGN_OR_RETURN(DataType t, UnifyTypes(args, "COALESCE", f.loc));
    ARK_RETURN_IF_ERROR(CoerceAll(&args, t, f.loc));
    return MakeKind(BoundExprKind::kCoalesce, t, std::move(args));
  }
  if (f.name == "nullif") {
    if (f.args.size() != 2) {
      return Error(StatusCode::kInvalidArgument, f.loc, "NULLIF takes exactly two arguments");
    }
    // NULLIF(a, b) ≡ CASE WHEN a = b THEN NULL ELSE a END
    ARK_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> args, BindArgs(f.args, ctx));
    ARK_ASSIGN_OR_RETURN(DataType t, UnifyTypes(args, "NULLIF", f.loc));
    ARK_RETURN_IF_ERROR(CoerceAll(&args, t, f.loc));
    BoundExprPtr a = args[0]->Clone();
    ARK_ASSIGN_OR_RETURN(BoundExprPtr eq, BindComparison(BinaryOp::kEqual, std::move(args[0]),
                                                         std::move(args[1]), f.loc));
    std::vector<BoundExprPtr> kids;
    kids.push_back(std::move(eq));
    kids.push_back(BoundExpr::Constant(Value::Null(t)));
    kids.push_back(std::move(a));
    BoundExprPtr e = MakeKind(BoundExprKind::kCase, t, std::move(kids));
    e->has_else = true;
    return e;
  }
  if ((f.name == "greatest" || f.name == "least") && !f.args.empty()) {
    // Arguments to their common type first (PostgreSQL resolves GREATEST/LEAST like CASE).
    ARK_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> args, BindArgs(f.args, ctx));
    const char* what = f.name == "greatest" ? "GREATEST" : "LEAST";
    ARK_ASSIGN_OR_RETURN(DataType t, UnifyTypes(args, what, f.loc));
    ARK_RETURN_IF_ERROR(CoerceAll(&args, t, f.loc));
    if (functions_.FindScalar(f.name)) return CallScalar(f.name, std::move(args), f.loc);
    // Without a kernel: fold pairwise, ignoring NULLs:
    //   g(x, y) = CASE WHEN y IS NULL OR x >= y THEN x ELSE y END (x NULL → y)
    BoundExprPtr acc = std::move(args[0]);
    BinaryOp cmp = f.name == "greatest" ? BinaryOp::kGreaterEqual : BinaryOp::kLessEqual;
    for (size_t i = 1; i < args.size(); ++i) {
      ARK_ASSIGN_OR_RETURN(BoundExprPtr c,
                           BindComparison(cmp, acc->Clone(), args[i]->Clone(), f.loc));
      BoundExprPtr when = MakeOr(MakeIsNull(args[i]->Clone(), false), std::move(c));
      std::vector<BoundExprPtr> kids;
      kids.push_back(std::move(when));
      kids.push_back(std::move(acc));
      kids.push_back(std::move(args[i]));
      acc = MakeKind(BoundExprKind::kCase, t, std::move(kids));
      acc->has_else = true;
    }
    return acc;
  }
  if (!functions_.FindScalar(f.name)) {
    if (functions_.FindWindow(f.name)) {
      return Error(StatusCode::kInvalidArgument, f.loc,
                   fmt::format("window function {} requires an OVER clause", f.name));
    }
  }
  ARK_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> args, BindArgs(f.args, ctx));
  return CallScalar(f.name, std::move(args), f.loc);
}

Result<std::vector<SortKey>> Binder::BindSortItems(const std::vector<OrderItem>& items,
                                                   ExprContext& ctx) {
  std::vector<SortKey> keys;
  for (const OrderItem& item : items) {
    SortKey k;
    ARK_ASSIGN_OR_RETURN(k.expr, BindExpr(*item.expr, ctx));
    k.descending = item.direction == OrderDirection::kDesc;
    k.nulls_first =
        item.nulls == NullsOrder::kFirst || (item.nulls == NullsOrder::kDefault && k.descending);
    keys.push_back(std::move(k));
  }
  return keys;
}

Result<BoundExprPtr> Binder::BindAggregate(const FunctionCallExpr& f, const AggregateBinder& binder,
                                           ExprContext& ctx) {
  if (!ctx.allow_aggregates || !ctx.core) {
    if (ctx.in_aggregate) {
      return Error(StatusCode::kInvalidArgument, f.loc,
                   "aggregate function calls cannot be nested");
    }
    return Error(StatusCode::kInvalidArgument, f.loc,
                 fmt::format("aggregate functions are not allowed in {}", ctx.clause));
  }
  ExprContext inner;
  inner.core = ctx.core;
  inner.clause = "aggregate function arguments";
  inner.in_aggregate = true;
  inner.attach = ctx.attach;
  AggregateCall call;
  bool star = f.args.size() == 1 && f.args[0]->kind == ExprKind::kStar;
  if (star && f.name != "count") {
    return Error(StatusCode::kInvalidArgument, f.args[0]->loc,
                 fmt::format("{}(*) is not valid; only count(*) takes *", f.name));
  }
  if (!star) {
    ARK_ASSIGN_OR_RETURN(call.args, BindArgs(f.args, inner));
  }
  std::vector<DataType> types;
  std::vector<std::optional<Value>> constants;
  for (const auto& a : call.args) {
    types.push_back(a->type);
    constants.push_back(a->kind == BoundExprKind::kConstant ? std::optional<Value>(a->constant)
                                                            : std::nullopt);
  }
  Result<AggregateFunctionPtr> fn = binder(types, constants);
  if (!fn.ok()) return Error(fn.status().code(), f.loc, fn.status().message());
  call.function = std::move(fn).value();
  call.distinct = f.distinct;
  if (f.filter) {
    ExprContext fctx = inner;
    fctx.clause = "FILTER";
    ARK_ASSIGN_OR_RETURN(call.filter, BindExpr(*f.filter, fctx));
    ARK_ASSIGN_OR_RETURN(call.filter, RequireBool(std::move(call.filter), f.filter->loc, "FILTER"));
  }
  ARK_ASSIGN_OR_RETURN(call.order_by, BindSortItems(f.order_by, inner));

  std::vector<std::string> names = plan_->ColumnNames();
  std::vector<std::string> shown, keyed;
  for (const auto& a : call.args) {
    shown.push_back(a->ToString(&names));
    keyed.push_back(a->ToString());
  }
  std::string display = fmt::format("{}({}{})", f.name, f.distinct ? "DISTINCT " : "",
                                    star ? "*" : JoinStrings(shown, ", "));
  std::string key = fmt::format("{}({}{})", f.name, f.distinct ? "DISTINCT " : "",
                                star ? "*" : JoinStrings(keyed, ", "));
  if (!call.order_by.empty()) {
    std::vector<std::string> o, ok;
    for (const SortKey& k : call.order_by) {
      o.push_back(k.expr->ToString(&names) + (k.descending ? " DESC" : ""));
      ok.push_back(fmt::format("{}/{}/{}", k.expr->ToString(), k.descending, k.nulls_first));
    }
    display.insert(display.size() - 1, " ORDER BY " + JoinStrings(o, ", "));
    key += " ORDER BY " + JoinStrings(ok, ", ");
  }
  if (call.filter) {
    display += fmt::format(" FILTER (WHERE {})", call.filter->ToString(&names));
    key += fmt::format(" FILTER ({})", call.filter->ToString());
  }
  call.display = display;
  DataType rt = call.function->return_type();
  ++ctx.core->calls_bound;
  return BoundExpr::Column(AddAggregate(ctx.core, std::move(call), std::move(key)), rt);
}

ColumnId Binder::AddAggregate(CoreState* core, AggregateCall call, std::string key) {
  if (key.empty()) key = call.display;
  for (size_t i = 0; i < core->aggregate_keys.size(); ++i) {
    if (core->aggregate_keys[i] == key) return core->aggregate_ids[i];
  }
  ColumnId id = plan_->NewColumn(call.display, call.function->return_type());
  core->aggregates.push_back(std::move(call));
  core->aggregate_ids.push_back(id);
  core->aggregate_keys.push_back(std::move(key));
  return id;
}

SourceLocation Binder::OperatorLoc(const BinaryExpr& b) const {
  const SourceLocation& l = b.left->loc;
  if (l.length <= 0 || l.offset < 0) return b.loc;
  size_t pos = static_cast<size_t>(l.offset) + static_cast<size_t>(l.length);
  while (pos < sql_.size() &&
         (std::isspace(static_cast<unsigned char>(sql_[pos])) || sql_[pos] == ')')) {
    ++pos;
  }
  if (pos >= sql_.size()) return b.loc;
  size_t end = pos;
  auto symbolic = [](char c) {
    return std::string_view("+-*/%^<>=!|~&#@").find(c) != std::string_view::npos;
  };
  if (symbolic(sql_[pos])) {
    while (end < sql_.size() && symbolic(sql_[end])) ++end;
  } else {
    while (end < sql_.size() && std::isalpha(static_cast<unsigned char>(sql_[end]))) ++end;
  }
  if (end == pos) return b.loc;
  SourceLocation loc;
  loc.offset = static_cast<int32_t>(pos);
  loc.length = static_cast<int32_t>(end - pos);
  loc.line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < pos; ++i) {
    if (sql_[i] == '\n') {
      ++loc.line;
      line_start = i + 1;
    }
  }
  loc.column = static_cast<int>(pos - line_start) + 1;
  return loc;
}

Result<BoundExprPtr> Binder::BindWindow(const FunctionCallExpr& f, ExprContext& ctx) {
  if (!ctx.allow_windows || !ctx.core) {
    if (ctx.in_window) {
      return Error(StatusCode::kInvalidArgument, f.loc, "window function calls cannot be nested");
    }
    if (ctx.in_aggregate) {
      return Error(StatusCode::kInvalidArgument, f.loc,
                   "aggregate function calls cannot contain window function calls");
    }
    return Error(StatusCode::kInvalidArgument, f.loc,
                 fmt::format("window functions are not allowed in {}", ctx.clause));
  }
  const WindowBinder* wb = functions_.FindWindow(f.name);
  const AggregateBinder* ab = wb ? nullptr : functions_.FindAggregate(f.name);
  if (!wb && !ab) {
    if (functions_.FindScalar(f.name)) {
      return Error(StatusCode::kInvalidArgument, f.loc,
                   fmt::format("OVER specified, but {} is not a window function nor an "
                               "aggregate function",
                               f.name));
    }
    return Error(StatusCode::kNotFound, f.loc,
                 fmt::format("function {} does not exist{}", f.name,
                             Suggestion(f.name, functions_.Names())));
  }
  if (f.distinct) {
    return NotSupported(f.loc, "DISTINCT is not implemented for window functions");
  }
  if (f.filter) return NotSupported(f.loc, "FILTER is not implemented for window functions");

  // Resolve OVER w / OVER (w ORDER BY ...).
  const WindowSpec* spec = f.over.get();
  const WindowSpec* base = nullptr;
  if (!spec->name.empty()) {
    const std::vector<NamedWindow>* named = ctx.core->named_windows;
    if (named) {
      for (const NamedWindow& w : *named) {
        if (w.name == spec->name) base = &w.spec;
      }
    }
    if (!base) {
      return Error(StatusCode::kNotFound, f.loc,
                   fmt::format("window {} does not exist", Quoted(spec->name)));
    }
    if (!spec->partition_by.empty()) {
      return Error(
          StatusCode::kInvalidArgument, f.loc,
          fmt::format("cannot override PARTITION BY clause of window {}", Quoted(spec->name)));
    }
  }
  const std::vector<ExprPtr>& partition = base ? base->partition_by : spec->partition_by;
  const std::vector<OrderItem>& order =
      !spec->order_by.empty() || !base ? spec->order_by : base->order_by;
  const std::optional<WindowFrame>& frame = spec->frame || !base ? spec->frame : base->frame;

  ExprContext inner;
  inner.core = ctx.core;
  inner.clause = "window function arguments";
  inner.allow_aggregates = ctx.allow_aggregates;
  inner.in_window = true;
  inner.attach = ctx.attach;
  WindowCall call;
  bool star = f.args.size() == 1 && f.args[0]->kind == ExprKind::kStar;
  if (!star) {
    ARK_ASSIGN_OR_RETURN(call.args, BindArgs(f.args, inner));
  }
  ARK_ASSIGN_OR_RETURN(call.partition_by, BindArgs(partition, inner));
  ARK_ASSIGN_OR_RETURN(call.order_by, BindSortItems(order, inner));
  call.ignore_nulls = f.ignore_nulls;
  std::vector<DataType> types;
  std::vector<std::optional<Value>> constants;
  for (const auto& a : call.args) {
    types.push_back(a->type);
    constants.push_back(a->kind == BoundExprKind::kConstant ? std::optional<Value>(a->constant)
                                                            : std::nullopt);
  }
  DataType rt;
  if (wb) {
    Result<BoundWindowFunction> w = (*wb)(types, constants);
    if (!w.ok()) return Error(w.status().code(), f.loc, w.status().message());
    rt = w->return_type;
    call.window_function = std::move(w).value();
  } else {
    Result<AggregateFunctionPtr> a = (*ab)(types, constants);
    if (!a.ok()) return Error(a.status().code(), f.loc, a.status().message());
    call.aggregate = std::move(a).value();
    rt = call.aggregate->return_type();
  }
  // Frame.
  std::string frame_text;
  if (frame) {
    call.frame_unit = frame->unit == FrameUnit::kRows    ? WindowFrameUnit::kRows
                      : frame->unit == FrameUnit::kRange ? WindowFrameUnit::kRange
                                                         : WindowFrameUnit::kGroups;
    auto bound = [&](const FrameBound& b, WindowFrameBound* out) -> Status {
      switch (b.kind) {
        case FrameBoundKind::kUnboundedPreceding:
          out->kind = WindowFrameBound::Kind::kUnboundedPreceding;
          break;
        case FrameBoundKind::kPreceding:
          out->kind = WindowFrameBound::Kind::kPreceding;
          break;
        case FrameBoundKind::kCurrentRow:
          out->kind = WindowFrameBound::Kind::kCurrentRow;
          break;
        case FrameBoundKind::kFollowing:
          out->kind = WindowFrameBound::Kind::kFollowing;
          break;
        case FrameBoundKind::kUnboundedFollowing:
          out->kind = WindowFrameBound::Kind::kUnboundedFollowing;
          break;
      }
      if (b.offset) {
        ARK_ASSIGN_OR_RETURN(out->offset, ConstantValue(*b.offset, "a window frame offset"));
        if (out->offset.is_null()) {
          return Error(StatusCode::kInvalidArgument, b.offset->loc,
                       "frame starting or ending offset must not be null");
        }
        bool negative = out->offset.type().is_integer()    ? out->offset.int_value() < 0
                        : out->offset.type().is_floating() ? out->offset.float_value() < 0
                                                           : false;
        if (negative) {
          return Error(StatusCode::kInvalidArgument, b.offset->loc,
                       "frame starting or ending offset must not be negative");
        }
        if (call.frame_unit != WindowFrameUnit::kRange && !out->offset.type().is_integer()) {
          return Error(StatusCode::kTypeError, b.offset->loc,
                       "ROWS and GROUPS frame offsets must be integers");
        }
      }
      return Status::OK();
    };
    ARK_RETURN_IF_ERROR(bound(frame->start, &call.frame_start));
    ARK_RETURN_IF_ERROR(bound(frame->end, &call.frame_end));
    if (call.frame_start.kind == WindowFrameBound::Kind::kUnboundedFollowing) {
      return Error(StatusCode::kInvalidArgument, f.loc,
                   "frame start cannot be UNBOUNDED FOLLOWING");
    }
    if (call.frame_end.kind == WindowFrameBound::Kind::kUnboundedPreceding) {
      return Error(StatusCode::kInvalidArgument, f.loc, "frame end cannot be UNBOUNDED PRECEDING");
    }
    auto show_bound = [](const WindowFrameBound& b) -> std::string {
      switch (b.kind) {
        case WindowFrameBound::Kind::kUnboundedPreceding:
          return "UNBOUNDED PRECEDING";
        case WindowFrameBound::Kind::kPreceding:
          return b.offset.ToString() + " PRECEDING";
        case WindowFrameBound::Kind::kCurrentRow:
          return "CURRENT ROW";
        case WindowFrameBound::Kind::kFollowing:
          return b.offset.ToString() + " FOLLOWING";
        case WindowFrameBound::Kind::kUnboundedFollowing:
          return "UNBOUNDED FOLLOWING";
      }
      return "";
    };
    frame_text = fmt::format("{} BETWEEN {} AND {}",
                             call.frame_unit == WindowFrameUnit::kRows    ? "ROWS"
                             : call.frame_unit == WindowFrameUnit::kRange ? "RANGE"
                                                                          : "GROUPS",
                             show_bound(call.frame_start), show_bound(call.frame_end));
  } else {
    call.frame_unit = WindowFrameUnit::kRange;
    call.frame_start.kind = WindowFrameBound::Kind::kUnboundedPreceding;
    call.frame_end.kind = WindowFrameBound::Kind::kCurrentRow;
  }
  std::vector<std::string> names = plan_->ColumnNames();
  std::vector<std::string> args, parts, over;
  for (const auto& a : call.args) args.push_back(a->ToString(&names));
  for (const auto& p : call.partition_by) parts.push_back(p->ToString(&names));
  if (!parts.empty()) over.push_back("PARTITION BY " + JoinStrings(parts, ", "));
  if (!call.order_by.empty()) {
    std::vector<std::string> o;
    for (const SortKey& k : call.order_by) {
      o.push_back(k.expr->ToString(&names) + (k.descending ? " DESC" : ""));
    }
    over.push_back("ORDER BY " + JoinStrings(o, ", "));
  }
  if (!frame_text.empty()) over.push_back(frame_text);
  call.display = fmt::format("{}({}) OVER ({})", f.name, star ? "*" : JoinStrings(args, ", "),
                             JoinStrings(over, " "));
  ColumnId id = plan_->NewColumn(call.display, rt);
  ++ctx.core->calls_bound;
  ctx.core->windows.push_back(std::move(call));
  ctx.core->window_ids.push_back(id);
  return BoundExpr::Column(id, rt);
}

// --- subqueries -------------------------------------------------------------------------------

Result<BoundExprPtr> Binder::BindSubquery(const SubqueryExpr& s, ExprContext& ctx) {
  ARK_ASSIGN_OR_RETURN(BoundQuery sub, BindStatement(*s.subquery, ctx.core, QueryUse::kScalar));
  if (sub.visible.size() != 1) {
    return Error(StatusCode::kInvalidArgument, s.loc, "subquery must return only one column");
  }
  const LogicalColumn& col = sub.plan->columns[sub.plan->IndexOf(sub.visible[0])];
  DataType type = col.type;
  ColumnId value_id = col.id;
  if (sub.correlated.empty()) {
    int slot = AddSubquerySlot(SubqueryPlan::Kind::kScalar, std::move(sub.plan), type);
    return SubquerySlotExpr(slot, type);
  }
  if (!ctx.attach) {
    return NotSupported(s.loc,
                        fmt::format("correlated subqueries are not supported in {}", ctx.clause));
  }
  ColumnId marker = sub.hidden.empty() ? -1 : sub.hidden[0];
  DataType marker_type = marker >= 0 ? plan_->column_info[marker].type : DataType::Null();
  for (const LogicalColumn& c : sub.plan->columns) ctx.core->subquery_join_ids.insert(c.id);
  ctx.core->subquery_join_loc = s.loc;
  *ctx.attach = MakeJoinOp(JoinType::kLeft, std::move(*ctx.attach), std::move(sub.plan),
                           MakeConjunction(std::move(sub.correlated)));
  BoundExprPtr value = BoundExpr::Column(value_id, type);
  if (!sub.empty_result || IsNullConstant(*sub.empty_result) || marker < 0) return value;
  // No matching group: the aggregate over no rows (count → 0), not NULL.
  std::vector<BoundExprPtr> kids;
  kids.push_back(MakeIsNull(BoundExpr::Column(marker, marker_type), false));
  kids.push_back(std::move(sub.empty_result));
  kids.push_back(std::move(value));
  BoundExprPtr e = MakeKind(BoundExprKind::kCase, type, std::move(kids));
  e->has_else = true;
  return e;
}

Result<BoundExprPtr> Binder::BindExists(const ExistsExpr& ex, ExprContext& ctx) {
  ARK_ASSIGN_OR_RETURN(BoundQuery sub, BindStatement(*ex.subquery, ctx.core, QueryUse::kExists));
  if (!sub.correlated.empty()) {
    // EXISTS inside an expression: a left join against the distinct correlation keys of the
    // subquery; the row exists when the join found a match.
    if (!ctx.attach) {
      return NotSupported(ex.loc,
                          fmt::format("correlated subqueries are not supported in {}", ctx.clause));
    }
    IdsOfPlan inner(*sub.plan);
    auto keys = std::make_unique<LogicalOp>(LogicalOpKind::kProject);
    std::vector<BoundExprPtr> conds;
    for (BoundExprPtr& conj : sub.correlated) {
      int inner_side = -1;
      if (IsEqualityCall(*conj)) {
        for (int k = 0; k < 2; ++k) {
          bool only_inner = ReadsOnly(*conj->children[k], inner.fn());
          bool no_inner = ReadsOnly(*conj->children[1 - k], inner.not_fn());
          if (only_inner && no_inner) inner_side = k;
        }
      }
      if (inner_side < 0) {
        return NotSupported(sub.correlation_loc,
                            "correlated subquery of this form is not supported: an EXISTS inside "
                            "an expression may only correlate by equality (inner = outer)");
      }
      BoundExprPtr key = std::move(conj->children[inner_side]);
      ColumnId id = plan_->NewColumn(Show(*key), key->type);
      keys->columns.push_back(LogicalColumn{id, plan_->column_info[id].name, key->type});
      conj->children[inner_side] = BoundExpr::Column(id, key->type);
      keys->exprs.push_back(std::move(key));
      ctx.core->subquery_join_ids.insert(id);
      conds.push_back(std::move(conj));
    }
    ColumnId found = plan_->NewColumn("found", DataType::Bool());
    keys->exprs.push_back(BoolConstant(true));
    keys->columns.push_back(LogicalColumn{found, "found", DataType::Bool()});
    keys->children.push_back(std::move(sub.plan));
    auto distinct = std::make_unique<LogicalOp>(LogicalOpKind::kDistinct);
    distinct->columns = keys->columns;
    distinct->children.push_back(std::move(keys));
    ctx.core->subquery_join_ids.insert(found);
    ctx.core->subquery_join_loc = ex.loc;
    *ctx.attach = MakeJoinOp(JoinType::kLeft, std::move(*ctx.attach), std::move(distinct),
                             MakeConjunction(std::move(conds)));
    BoundExprPtr e = MakeIsNull(BoundExpr::Column(found, DataType::Bool()), !ex.negated);
    return e;
  }
  int slot = AddSubquerySlot(SubqueryPlan::Kind::kExists, std::move(sub.plan), DataType::Bool());
  BoundExprPtr e = SubquerySlotExpr(slot, DataType::Bool());
  return ex.negated ? MakeNot(std::move(e)) : std::move(e);
}

Result<BoundExprPtr> Binder::BindInSubquery(const InSubqueryExpr& in, ExprContext& ctx) {
  ARK_ASSIGN_OR_RETURN(BoundExprPtr operand, BindExpr(*in.operand, ctx));
  ARK_ASSIGN_OR_RETURN(BoundQuery sub, BindStatement(*in.subquery, ctx.core, QueryUse::kIn));
  if (sub.visible.size() != 1) {
    return Error(StatusCode::kInvalidArgument, in.subquery->loc, "subquery has too many columns");
  }
  if (!sub.correlated.empty()) {
    return NotSupported(in.loc,
                        "correlated subquery of this form is not supported: a correlated IN must "
                        "be a condition of the WHERE clause (joined with AND), not NOT IN");
  }
  if (!ctx.attach) {
    return NotSupported(in.loc,
                        fmt::format("IN (subquery) is not supported in {} yet", ctx.clause));
  }
  // x IN (S) with SQL's NULL rules, from a left join against DISTINCT S:
  //   CASE WHEN found THEN TRUE WHEN NOT exists(S) THEN FALSE
  //        WHEN x IS NULL OR exists(S where s IS NULL) THEN NULL ELSE FALSE END
  const LogicalColumn col = sub.plan->columns[sub.plan->IndexOf(sub.visible[0])];
  std::vector<BoundExprPtr> pair;
  pair.push_back(operand->Clone());
  pair.push_back(BoundExpr::Column(col.id, col.type));
  ARK_ASSIGN_OR_RETURN(DataType t, UnifyTypes(pair, "IN", in.loc));
  ARK_ASSIGN_OR_RETURN(BoundExprPtr key_expr,
                       Coerce(BoundExpr::Column(col.id, col.type), t, in.loc));
  ARK_ASSIGN_OR_RETURN(operand, Coerce(std::move(operand), t, in.loc));

  auto proj = std::make_unique<LogicalOp>(LogicalOpKind::kProject);
  ColumnId key_id = plan_->NewColumn(col.name, t);
  ColumnId found_id = plan_->NewColumn("found", DataType::Bool());
  proj->exprs.push_back(std::move(key_expr));
  proj->exprs.push_back(BoolConstant(true));
  proj->columns.push_back(LogicalColumn{key_id, col.name, t});
  proj->columns.push_back(LogicalColumn{found_id, "found", DataType::Bool()});
  proj->children.push_back(std::move(sub.plan));
  auto distinct = std::make_unique<LogicalOp>(LogicalOpKind::kDistinct);
  distinct->columns = proj->columns;
  distinct->children.push_back(std::move(proj));
  ARK_ASSIGN_OR_RETURN(BoundExprPtr eq, BindComparison(BinaryOp::kEqual, operand->Clone(),
                                                       BoundExpr::Column(key_id, t), in.loc));
  ctx.core->subquery_join_ids.insert(key_id);
  ctx.core->subquery_join_ids.insert(found_id);
  ctx.core->subquery_join_loc = in.loc;
  *ctx.attach =
      MakeJoinOp(JoinType::kLeft, std::move(*ctx.attach), std::move(distinct), std::move(eq));

  // exists(S) and exists(S where s IS NULL), from fresh bindings of S.
  ARK_ASSIGN_OR_RETURN(BoundQuery any, BindStatement(*in.subquery, nullptr, QueryUse::kDerived));
  int nonempty =
      AddSubquerySlot(SubqueryPlan::Kind::kExists, std::move(any.plan), DataType::Bool());
  ARK_ASSIGN_OR_RETURN(BoundQuery nulls, BindStatement(*in.subquery, nullptr, QueryUse::kDerived));
  const LogicalColumn& ncol = nulls.plan->columns[nulls.plan->IndexOf(nulls.visible[0])];
  BoundExprPtr is_null = MakeIsNull(BoundExpr::Column(ncol.id, ncol.type), false);
  int has_null =
      AddSubquerySlot(SubqueryPlan::Kind::kExists,
                      MakeFilterOp(std::move(nulls.plan), std::move(is_null)), DataType::Bool());
  std::vector<BoundExprPtr> kids;
  kids.push_back(BoundExpr::Column(found_id, DataType::Bool()));
  kids.push_back(BoolConstant(true));
  kids.push_back(MakeNot(SubquerySlotExpr(nonempty, DataType::Bool())));
  kids.push_back(BoolConstant(false));
  kids.push_back(
      MakeOr(MakeIsNull(std::move(operand), false), SubquerySlotExpr(has_null, DataType::Bool())));
  kids.push_back(BoundExpr::Constant(Value::Null(DataType::Bool())));
  kids.push_back(BoolConstant(false));
  BoundExprPtr e = MakeKind(BoundExprKind::kCase, DataType::Bool(), std::move(kids));
  e->has_else = true;
  return in.negated ? MakeNot(std::move(e)) : std::move(e);
}

}  // namespace

Result<LogicalPlan> BindQuery(const SelectStatement& stmt, const Catalog& catalog,
                              std::string_view sql) {
  LogicalPlan plan;
  Binder binder(catalog, sql, &plan);
  ARK_ASSIGN_OR_RETURN(BoundQuery q, binder.BindStatement(stmt, nullptr, QueryUse::kTop));
  plan.root = std::move(q.plan);
  return plan;
}

Result<BoundExprPtr> BindScalarExpression(const Expr& expr, const Schema& schema,
                                          const FunctionRegistry& functions, std::string_view sql) {
  Catalog catalog;
  catalog.set_functions(&functions);
  LogicalPlan plan;
  Binder binder(catalog, sql, &plan);
  Scope scope;
  for (int i = 0; i < schema.num_fields(); ++i) {
    ScopeColumn c;
    c.name = schema.field(i).name;
    c.type = schema.field(i).type;
    c.id = plan.NewColumn(c.name, c.type);
    scope.columns.push_back(std::move(c));
  }
  CoreState core;
  core.scope = &scope;
  ExprContext ctx;
  ctx.core = &core;
  ctx.clause = "this expression";
  ARK_ASSIGN_OR_RETURN(BoundExprPtr e, binder.BindExpr(expr, ctx));
  if (!plan.subqueries.empty() || HasParameters(*e)) {
    return SqlError(StatusCode::kInvalidArgument, sql, expr.loc,
                    "subqueries and parameters are not allowed in this expression");
  }
  // Column ids were allocated in schema order, so they already are positions.
  return e;
}

}  // namespace ark::sql
