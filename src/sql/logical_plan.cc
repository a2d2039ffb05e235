#include "sql/logical_plan.h"

#include <chrono>
#include <utility>

#include "base/strings.h"
#include "base/units.h"
#include "sql/expr/evaluator.h"

namespace ark::sql {

int LogicalOp::IndexOf(ColumnId id) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

ColumnId LogicalPlan::NewColumn(std::string name, DataType type, std::string qualified) {
  ColumnInfo info;
  info.qualified = qualified.empty() ? name : std::move(qualified);
  info.name = std::move(name);
  info.type = std::move(type);
  column_info.push_back(std::move(info));
  return static_cast<ColumnId>(column_info.size() - 1);
}

std::vector<std::string> LogicalPlan::ColumnNames() const {
  std::vector<std::string> names;
  names.reserve(column_info.size());
  for (const ColumnInfo& c : column_info) names.push_back(c.name);
  return names;
}

std::string LogicalPlan::ToString() const {
  std::vector<std::string> names = ColumnNames();
  std::string out = root ? LogicalOpToString(*root, names) : "";
  for (size_t i = 0; i < subqueries.size(); ++i) {
    const SubqueryPlan& s = subqueries[i];
    out += fmt::format("Subquery $subquery{} ({}):\n", i + 1,
                       s.kind == SubqueryPlan::Kind::kScalar ? "scalar" : "exists");
    std::string body = LogicalOpToString(*s.plan, names);
    size_t pos = 0;
    while (pos < body.size()) {
      size_t end = body.find('\n', pos);
      if (end == std::string::npos) end = body.size();
      out += "  " + body.substr(pos, end - pos) + "\n";
      pos = end + 1;
    }
  }
  return out;
}

std::string ExprToString(const BoundExpr& expr, const std::vector<std::string>& names) {
  if (!HasParameters(expr)) return expr.ToString(&names);
  // Show slots as pseudo-columns named after them.
  std::vector<std::string> extended = names;
  BoundExprPtr copy = expr.Clone();
  std::function<void(BoundExprPtr&)> visit = [&](BoundExprPtr& e) {
    int slot = SubquerySlotOf(*e);
    if (slot >= 0) {
      int index = static_cast<int>(extended.size());
      extended.push_back(fmt::format("$subquery{}", slot + 1));
      e = BoundExpr::Column(index, e->type);
      return;
    }
    for (auto& c : e->children) visit(c);
  };
  visit(copy);
  return copy->ToString(&extended);
}

namespace {

const char* JoinTypeName(JoinType t) {
  switch (t) {
    case JoinType::kInner:
      return "INNER";
    case JoinType::kLeft:
      return "LEFT";
    case JoinType::kRight:
      return "RIGHT";
    case JoinType::kFull:
      return "FULL";
    case JoinType::kCross:
      return "CROSS";
    case JoinType::kSemi:
      return "SEMI";
    case JoinType::kAnti:
      return "ANTI";
  }
  return "?";
}

std::string SortKeysToString(const std::vector<SortKey>& keys,
                             const std::vector<std::string>& names) {
  std::vector<std::string> parts;
  for (const SortKey& k : keys) {
    std::string s = ExprToString(*k.expr, names);
    if (k.descending) s += " DESC";
    // PostgreSQL's default: NULLS LAST ascending, NULLS FIRST descending.
    if (k.nulls_first != k.descending) s += k.nulls_first ? " NULLS FIRST" : " NULLS LAST";
    parts.push_back(std::move(s));
  }
  return JoinStrings(parts, ", ");
}

std::string LimitText(const LogicalOp& op) {
  std::string s = op.limit ? std::to_string(*op.limit) : "ALL";
  if (op.offset != 0) s += " OFFSET " + std::to_string(op.offset);
  return s;
}

}  // namespace

std::string_view WindowTvfKindName(WindowTvfKind kind) {
  switch (kind) {
    case WindowTvfKind::kTumble:
      return "TUMBLE";
    case WindowTvfKind::kHop:
      return "HOP";
    case WindowTvfKind::kCumulate:
      return "CUMULATE";
    case WindowTvfKind::kSession:
      return "SESSION";
  }
  return "?";
}

std::string WindowTvfToString(const WindowTvfSpec& spec, const std::vector<std::string>& names) {
  auto us = [](int64_t v) { return FormatDuration(std::chrono::microseconds(v)); };
  std::string column = spec.time_column >= 0 && spec.time_column < static_cast<int>(names.size())
                           ? names[static_cast<size_t>(spec.time_column)]
                           : "?";
  std::string s = fmt::format("{}({}, ", WindowTvfKindName(spec.kind), column);
  switch (spec.kind) {
    case WindowTvfKind::kTumble:
      s += "size=" + us(spec.size_us);
      break;
    case WindowTvfKind::kHop:
      s += fmt::format("slide={}, size={}", us(spec.slide_us), us(spec.size_us));
      break;
    case WindowTvfKind::kCumulate:
      s += fmt::format("step={}, size={}", us(spec.slide_us), us(spec.size_us));
      break;
    case WindowTvfKind::kSession:
      s += "gap=" + us(spec.size_us);
      break;
  }
  if (spec.offset_us != 0) s += ", offset=" + us(spec.offset_us);
  return s + ")";
}

std::string LogicalOpLine(const LogicalOp& op, const std::vector<std::string>& names) {
  switch (op.kind) {
    case LogicalOpKind::kScan: {
      std::vector<std::string> cols;
      for (int i : op.scan_columns) cols.push_back(op.table_schema->field(i).name);
      return fmt::format("Scan {} [{}]", op.table, JoinStrings(cols, ", "));
    }
    case LogicalOpKind::kValues: {
      std::vector<std::string> cols;
      for (const LogicalColumn& c : op.columns) cols.push_back(c.name);
      int64_t n =
          op.constant_rows ? op.constant_rows->num_rows() : static_cast<int64_t>(op.rows.size());
      return fmt::format("Values rows={} [{}]", n, JoinStrings(cols, ", "));
    }
    case LogicalOpKind::kFilter:
      return (op.assert_message.empty() ? "Filter " : "Assert ") +
             ExprToString(*op.predicate, names);
    case LogicalOpKind::kProject: {
      std::vector<std::string> parts;
      for (size_t i = 0; i < op.exprs.size(); ++i) {
        std::string e = ExprToString(*op.exprs[i], names);
        parts.push_back(e == op.columns[i].name ? e : e + " AS " + op.columns[i].name);
      }
      return fmt::format("Project [{}]", JoinStrings(parts, ", "));
    }
    case LogicalOpKind::kAggregate: {
      std::vector<std::string> keys, aggs;
      for (const auto& k : op.group_keys) keys.push_back(ExprToString(*k, names));
      for (const AggregateCall& a : op.aggregates) aggs.push_back(a.display);
      return fmt::format("Aggregate keys=[{}] aggs=[{}]", JoinStrings(keys, ", "),
                         JoinStrings(aggs, ", "));
    }
    case LogicalOpKind::kWindow: {
      std::vector<std::string> calls;
      for (const WindowCall& w : op.windows) calls.push_back(w.display);
      return fmt::format("Window [{}]", JoinStrings(calls, ", "));
    }
    case LogicalOpKind::kJoin: {
      std::string s =
          fmt::format("Join {}{}", JoinTypeName(op.join_type), op.null_aware ? " (NOT IN)" : "");
      if (op.predicate) s += " ON " + ExprToString(*op.predicate, names);
      return s;
    }
    case LogicalOpKind::kSort:
      return fmt::format("Sort [{}]", SortKeysToString(op.sort_keys, names));
    case LogicalOpKind::kLimit:
      return "Limit " + LimitText(op);
    case LogicalOpKind::kTopN:
      return fmt::format("TopN {} [{}]", LimitText(op), SortKeysToString(op.sort_keys, names));
    case LogicalOpKind::kDistinct:
      return "Distinct";
    case LogicalOpKind::kUnionAll:
      return "UnionAll";
    case LogicalOpKind::kSetOperation:
      return std::string(op.set_op == SetOpKind::kIntersect ? "Intersect" : "Except") +
             (op.set_all ? " All" : "");
    case LogicalOpKind::kWindowTvf:
      return "WindowTvf " + WindowTvfToString(op.window_tvf, names);
  }
  return "?";
}

namespace {
void AppendTree(const LogicalOp& op, const std::vector<std::string>& names, int depth,
                std::string* out) {
  out->append(static_cast<size_t>(depth) * 2, ' ');
  *out += LogicalOpLine(op, names);
  *out += '\n';
  for (const auto& c : op.children) AppendTree(*c, names, depth + 1, out);
}
}  // namespace

std::string LogicalOpToString(const LogicalOp& op, const std::vector<std::string>& names) {
  std::string out;
  AppendTree(op, names, 0, &out);
  return out;
}

// ---------------------------------------------------------------------------------------------

BoundExprPtr SubquerySlotExpr(int slot, DataType type) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kParameter;
  e->type = std::move(type);
  e->parameter_index = -(slot + 1);
  return e;
}

int SubquerySlotOf(const BoundExpr& expr) {
  if (expr.kind != BoundExprKind::kParameter || expr.parameter_index >= 0) return -1;
  return -expr.parameter_index - 1;
}

bool ExprEquals(const BoundExpr& a, const BoundExpr& b) {
  if (a.kind != b.kind || a.type != b.type || a.children.size() != b.children.size()) {
    return false;
  }
  switch (a.kind) {
    case BoundExprKind::kColumn:
      if (a.column_index != b.column_index) return false;
      break;
    case BoundExprKind::kConstant:
      if (!(a.constant == b.constant)) return false;
      break;
    case BoundExprKind::kCall:
      if (a.function->name != b.function->name || a.function->arg_types != b.function->arg_types ||
          !a.function->deterministic) {
        return false;
      }
      break;
    case BoundExprKind::kCast:
      if (a.try_cast != b.try_cast) return false;
      break;
    case BoundExprKind::kIsNull:
    case BoundExprKind::kIsDistinct:
    case BoundExprKind::kInList:
      if (a.negated != b.negated) return false;
      break;
    case BoundExprKind::kCase:
      if (a.has_else != b.has_else) return false;
      break;
    case BoundExprKind::kParameter:
      if (a.parameter_index != b.parameter_index) return false;
      break;
    default:
      break;
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!ExprEquals(*a.children[i], *b.children[i])) return false;
  }
  return true;
}

void ForEachColumnRef(const BoundExpr& expr, const std::function<void(int)>& fn) {
  if (expr.kind == BoundExprKind::kColumn) fn(expr.column_index);
  for (const auto& c : expr.children) ForEachColumnRef(*c, fn);
}

bool ReadsOnly(const BoundExpr& expr, const std::function<bool(int)>& allowed) {
  if (expr.kind == BoundExprKind::kColumn && !allowed(expr.column_index)) return false;
  for (const auto& c : expr.children) {
    if (!ReadsOnly(*c, allowed)) return false;
  }
  return true;
}

bool IsDeterministic(const BoundExpr& expr) {
  if (expr.kind == BoundExprKind::kCall && !expr.function->deterministic) return false;
  for (const auto& c : expr.children) {
    if (!IsDeterministic(*c)) return false;
  }
  return true;
}

bool HasParameters(const BoundExpr& expr) {
  if (expr.kind == BoundExprKind::kParameter) return true;
  for (const auto& c : expr.children) {
    if (HasParameters(*c)) return true;
  }
  return false;
}

void ReplaceColumnRefs(BoundExprPtr& expr,
                       const std::function<BoundExprPtr(const BoundExpr&)>& fn) {
  if (expr->kind == BoundExprKind::kColumn) {
    BoundExprPtr r = fn(*expr);
    if (r) expr = std::move(r);
    return;
  }
  for (auto& c : expr->children) ReplaceColumnRefs(c, fn);
}

void SplitConjuncts(BoundExprPtr expr, std::vector<BoundExprPtr>* out) {
  if (!expr) return;
  if (expr->kind == BoundExprKind::kAnd) {
    for (auto& c : expr->children) SplitConjuncts(std::move(c), out);
    return;
  }
  out->push_back(std::move(expr));
}

BoundExprPtr MakeConjunction(std::vector<BoundExprPtr> conjuncts) {
  if (conjuncts.empty()) return nullptr;
  if (conjuncts.size() == 1) return std::move(conjuncts[0]);
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kAnd;
  e->type = DataType::Bool();
  e->children = std::move(conjuncts);
  return e;
}

BoundExprPtr MakeNot(BoundExprPtr operand) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kNot;
  e->type = DataType::Bool();
  e->children.push_back(std::move(operand));
  return e;
}

namespace {
BoundExprPtr MakeLogical(BoundExprKind kind, BoundExprPtr a, BoundExprPtr b) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = DataType::Bool();
  // Flatten so that a AND b AND c is one node with three children.
  for (BoundExprPtr* side : {&a, &b}) {
    if ((*side)->kind == kind) {
      for (auto& c : (*side)->children) e->children.push_back(std::move(c));
    } else {
      e->children.push_back(std::move(*side));
    }
  }
  return e;
}
}  // namespace

BoundExprPtr MakeAnd(BoundExprPtr a, BoundExprPtr b) {
  return MakeLogical(BoundExprKind::kAnd, std::move(a), std::move(b));
}

BoundExprPtr MakeOr(BoundExprPtr a, BoundExprPtr b) {
  return MakeLogical(BoundExprKind::kOr, std::move(a), std::move(b));
}

BoundExprPtr MakeIsNull(BoundExprPtr operand, bool negated) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kIsNull;
  e->type = DataType::Bool();
  e->negated = negated;
  e->children.push_back(std::move(operand));
  return e;
}

std::optional<bool> ConstantBool(const BoundExpr& expr) {
  if (expr.kind != BoundExprKind::kConstant || expr.constant.is_null() ||
      expr.constant.type().id() != TypeId::kBool) {
    return std::nullopt;
  }
  return expr.constant.bool_value();
}

bool IsNullConstant(const BoundExpr& expr) {
  return expr.kind == BoundExprKind::kConstant && expr.constant.is_null();
}

bool IsEqualityCall(const BoundExpr& expr) {
  return expr.kind == BoundExprKind::kCall && expr.children.size() == 2 &&
         expr.function->name == OperatorFunctionName(BinaryOp::kEqual);
}

Result<Value> EvaluateConstant(const BoundExpr& expr, KernelContext ctx) {
  static const SchemaPtr kNoColumns = Schema::Make({});
  Batch one_row(kNoColumns, {}, 1);
  ExpressionEvaluator evaluator(ctx);
  ARK_ASSIGN_OR_RETURN(Datum d, evaluator.Evaluate(expr, one_row));
  if (d.is_scalar()) return d.scalar();
  return Value::FromColumn(*d.column(), 0);
}

LogicalOpPtr MakeFilterOp(LogicalOpPtr child, BoundExprPtr predicate) {
  auto op = std::make_unique<LogicalOp>(LogicalOpKind::kFilter);
  op->columns = child->columns;
  op->predicate = std::move(predicate);
  op->children.push_back(std::move(child));
  return op;
}

LogicalOpPtr MakeJoinOp(JoinType type, LogicalOpPtr left, LogicalOpPtr right,
                        BoundExprPtr condition) {
  auto op = std::make_unique<LogicalOp>(LogicalOpKind::kJoin);
  op->join_type = type;
  op->columns = left->columns;
  if (type != JoinType::kSemi && type != JoinType::kAnti) {
    op->columns.insert(op->columns.end(), right->columns.begin(), right->columns.end());
  }
  op->predicate = std::move(condition);
  op->children.push_back(std::move(left));
  op->children.push_back(std::move(right));
  return op;
}

LogicalOpPtr MakeKeepOp(LogicalOpPtr child, const std::vector<ColumnId>& ids) {
  auto op = std::make_unique<LogicalOp>(LogicalOpKind::kProject);
  for (ColumnId id : ids) {
    int i = child->IndexOf(id);
    ARK_CHECK(i >= 0, "MakeKeepOp: the child does not produce the column");
    op->columns.push_back(child->columns[i]);
    op->exprs.push_back(BoundExpr::Column(id, child->columns[i].type));
  }
  op->children.push_back(std::move(child));
  return op;
}

}  // namespace ark::sql
