#include "sql/expr/bound_expr.h"

#include <cctype>

#include <fmt/format.h>

namespace ark::sql {

namespace {

bool IsOperatorName(std::string_view name) {
  return !name.empty() && !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
}

// The infix spelling of function-backed operators that are words.
std::string_view InfixName(std::string_view fn) {
  if (fn == "like") return "LIKE";
  if (fn == "ilike") return "ILIKE";
  if (fn == "similar_to") return "SIMILAR TO";
  if (fn == "regexp_like") return "~";
  if (fn == "regexp_ilike") return "~*";
  return {};
}

std::string Render(const BoundExpr& e, const std::vector<std::string>* names, bool top);

std::string Join(const std::vector<BoundExprPtr>& children, size_t from, size_t to,
                 const std::vector<std::string>* names, std::string_view sep, bool top) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    if (i > from) out += sep;
    out += Render(*children[i], names, top);
  }
  return out;
}

std::string Paren(std::string s, bool top) { return top ? s : "(" + s + ")"; }

std::string Render(const BoundExpr& e, const std::vector<std::string>* names, bool top) {
  const auto& c = e.children;
  switch (e.kind) {
    case BoundExprKind::kColumn:
      if (names && e.column_index >= 0 && static_cast<size_t>(e.column_index) < names->size()) {
        return (*names)[static_cast<size_t>(e.column_index)];
      }
      return fmt::format("#{}", e.column_index);
    case BoundExprKind::kConstant:
      return e.constant.ToString();
    case BoundExprKind::kParameter:
      return fmt::format("${}", e.parameter_index);
    case BoundExprKind::kCall: {
      const std::string& fn = e.function ? e.function->name : std::string("?");
      if (fn == "negate" && c.size() == 1) return Paren("- " + Render(*c[0], names, false), top);
      std::string_view infix = IsOperatorName(fn) ? std::string_view(fn) : InfixName(fn);
      if (!infix.empty() && c.size() == 2) {
        return Paren(fmt::format("{} {} {}", Render(*c[0], names, false), infix,
                                 Render(*c[1], names, false)),
                     top);
      }
      if (fn == "like" && c.size() == 3) {
        return Paren(fmt::format("{} LIKE {} ESCAPE {}", Render(*c[0], names, false),
                                 Render(*c[1], names, false), Render(*c[2], names, false)),
                     top);
      }
      return fmt::format("{}({})", fn, Join(c, 0, c.size(), names, ", ", true));
    }
    case BoundExprKind::kCast:
      return fmt::format("{}({} AS {})", e.try_cast ? "TRY_CAST" : "CAST",
                         c.empty() ? "?" : Render(*c[0], names, true), e.type.ToString());
    case BoundExprKind::kAnd:
      return Paren(Join(c, 0, c.size(), names, " AND ", false), top);
    case BoundExprKind::kOr:
      return Paren(Join(c, 0, c.size(), names, " OR ", false), top);
    case BoundExprKind::kNot:
      return Paren("NOT " + (c.empty() ? "?" : Render(*c[0], names, false)), top);
    case BoundExprKind::kIsNull:
      return Paren((c.empty() ? "?" : Render(*c[0], names, false)) +
                       (e.negated ? " IS NOT NULL" : " IS NULL"),
                   top);
    case BoundExprKind::kIsDistinct:
      if (c.size() != 2) return "?";
      return Paren(fmt::format("{} IS {}DISTINCT FROM {}", Render(*c[0], names, false),
                               e.negated ? "NOT " : "", Render(*c[1], names, false)),
                   top);
    case BoundExprKind::kCase: {
      std::string out = "CASE";
      const size_t pairs = (c.size() - (e.has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; ++i) {
        out += " WHEN " + Render(*c[2 * i], names, true);
        out += " THEN " + Render(*c[2 * i + 1], names, true);
      }
      if (e.has_else && !c.empty()) out += " ELSE " + Render(*c.back(), names, true);
      return out + " END";
    }
    case BoundExprKind::kCoalesce:
      return fmt::format("coalesce({})", Join(c, 0, c.size(), names, ", ", true));
    case BoundExprKind::kInList:
      if (c.empty()) return "?";
      return Paren(fmt::format("{} {}IN ({})", Render(*c[0], names, false), e.negated ? "NOT " : "",
                               Join(c, 1, c.size(), names, ", ", true)),
                   top);
  }
  return "?";
}

}  // namespace

std::string BoundExpr::ToString(const std::vector<std::string>* column_names) const {
  return Render(*this, column_names, true);
}

BoundExprPtr BoundExpr::Clone() const {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = type;
  e->column_index = column_index;
  e->constant = constant;
  e->function = function;
  e->try_cast = try_cast;
  e->negated = negated;
  e->has_else = has_else;
  e->parameter_index = parameter_index;
  e->children.reserve(children.size());
  for (const BoundExprPtr& c : children) e->children.push_back(c->Clone());
  return e;
}

bool BoundExpr::IsConstant() const {
  switch (kind) {
    case BoundExprKind::kColumn:
    case BoundExprKind::kParameter:
      return false;
    case BoundExprKind::kCall:
      if (!function || !function->deterministic) return false;
      break;
    default:
      break;
  }
  for (const BoundExprPtr& c : children) {
    if (!c->IsConstant()) return false;
  }
  return true;
}

BoundExprPtr BoundExpr::Column(int index, DataType type) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kColumn;
  e->column_index = index;
  e->type = std::move(type);
  return e;
}

BoundExprPtr BoundExpr::Constant(Value v) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kConstant;
  e->type = v.type();
  e->constant = std::move(v);
  return e;
}

BoundExprPtr BoundExpr::Call(std::shared_ptr<const BoundScalarFunction> fn,
                             std::vector<BoundExprPtr> args) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kCall;
  e->type = fn->return_type;
  e->function = std::move(fn);
  e->children = std::move(args);
  return e;
}

BoundExprPtr BoundExpr::Cast(BoundExprPtr operand, DataType to, bool try_cast) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kCast;
  e->type = std::move(to);
  e->try_cast = try_cast;
  e->children.push_back(std::move(operand));
  return e;
}

}  // namespace ark::sql
