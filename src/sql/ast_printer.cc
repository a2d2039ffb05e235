// Forms (x, y: expressions; q: a query; t: a table reference):
//   (lit 1) (lit 1.5) (lit 'text') (lit null) (lit true)   (col a) (col t.a)   * t.*
//   (* (except a b))   $1   (neg x) (pos x) (not x)   (+ x y) (and x y) (like x y (escape z))
//   (not_like x y) (similar_to x y)   (call f [distinct] args... [(order_by ...)] [ignore_nulls]
//   [(filter x)] [(over ...)])   (case [x] (when c r)... [(else z)])   (cast x type)
//   (try_cast x type)   (is_null x) (is_not_null x) (is_true x) (is_not_unknown x)
//   (is_distinct_from x y) (is_not_distinct_from x y)   (between x lo hi) (not_between ...)
//   (between_symmetric ...)   (in x a b) (not_in x a b) (in x q)   (exists q) (not_exists q)
//   (subquery q)   (field x f)   (index x i) (slice x a b) with _ for a missing bound
//   (array x y)   (interval '5' second) (interval '1 day')
//   order items (asc x) (desc x nulls_first); windows (over w) or
//   (over [w] [(partition x..)] [(order ..)] [(rows|range|groups start end)]) where a bound is
//   unbounded_preceding, (preceding x), current_row, (following x) or unbounded_following.
//   queries: (select [distinct] [(distinct_on ..)] (items ..) [(from t)] [(where x)]
//   [(group_by ..)] [group_by_all] [(having x)] [(window (w spec)..)] [(qualify x)] tail..),
//   (values (row x..)..  tail..), (union q q tail..) (union_all ..) (intersect ..) (except ..),
//   (with [recursive] (cte name [(a b)] q).. q); tail: (order_by ..) (limit x) (offset x);
//   a select item with an alias (as x name).
//   tables: (table a [(system_time x)]) (subquery [lateral] q) (join inner|left|right|full|
//   cross|semi|anti|natural_<type> t t [(on x)|(using a b)]) (values (row ..)..)
//   (tvf name [(table t)..] [(descriptor a b)] args..), each followed by (alias n [cols..]).
//   statements: the query, or (explain [analyze] [verbose] q).
#include "sql/ast_printer.h"

#include <string>
#include <string_view>

namespace ark::sql {

namespace {

bool IsPlainName(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
    if (!ok) return false;
  }
  return true;
}

void AppendName(std::string& out, std::string_view name) {
  if (IsPlainName(name)) {
    out += name;
    return;
  }
  out.push_back('"');
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void AppendString(std::string& out, std::string_view s) {
  out.push_back('\'');
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
}

class Printer {
 public:
  std::string out;

  void Expr(const sql::Expr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral:
        return Literal(static_cast<const LiteralExpr&>(e));
      case ExprKind::kColumnRef: {
        const auto& c = static_cast<const ColumnRefExpr&>(e);
        out += "(col ";
        for (size_t i = 0; i < c.parts.size(); ++i) {
          if (i > 0) out.push_back('.');
          AppendName(out, c.parts[i]);
        }
        out.push_back(')');
        return;
      }
      case ExprKind::kStar:
        return Star(static_cast<const StarExpr&>(e));
      case ExprKind::kParameter:
        out += "$" + std::to_string(static_cast<const ParameterExpr&>(e).index);
        return;
      case ExprKind::kUnary: {
        const auto& u = static_cast<const UnaryExpr&>(e);
        out += u.op == UnaryOp::kNegate ? "(neg " : (u.op == UnaryOp::kPlus ? "(pos " : "(not ");
        Expr(*u.operand);
        out.push_back(')');
        return;
      }
      case ExprKind::kBinary:
        return Binary(static_cast<const BinaryExpr&>(e));
      case ExprKind::kFunctionCall:
        return Call(static_cast<const FunctionCallExpr&>(e));
      case ExprKind::kCase:
        return Case(static_cast<const CaseExpr&>(e));
      case ExprKind::kCast: {
        const auto& c = static_cast<const CastExpr&>(e);
        out += c.try_cast ? "(try_cast " : "(cast ";
        Expr(*c.operand);
        out.push_back(' ');
        out += TypeNameToString(c.type);
        out.push_back(')');
        return;
      }
      case ExprKind::kIsNull: {
        const auto& n = static_cast<const IsNullExpr&>(e);
        out += n.negated ? "(is_not_null " : "(is_null ";
        Expr(*n.operand);
        out.push_back(')');
        return;
      }
      case ExprKind::kIsDistinctFrom: {
        const auto& d = static_cast<const IsDistinctFromExpr&>(e);
        out += d.negated ? "(is_not_distinct_from " : "(is_distinct_from ";
        Expr(*d.left);
        out.push_back(' ');
        Expr(*d.right);
        out.push_back(')');
        return;
      }
      case ExprKind::kIsBool: {
        const auto& b = static_cast<const IsBoolExpr&>(e);
        out += b.negated ? "(is_not_" : "(is_";
        out += !b.value.has_value() ? "unknown " : (*b.value ? "true " : "false ");
        Expr(*b.operand);
        out.push_back(')');
        return;
      }
      case ExprKind::kBetween: {
        const auto& b = static_cast<const BetweenExpr&>(e);
        out += b.negated ? "(not_between" : "(between";
        if (b.symmetric) out += "_symmetric";
        out.push_back(' ');
        Expr(*b.operand);
        out.push_back(' ');
        Expr(*b.low);
        out.push_back(' ');
        Expr(*b.high);
        out.push_back(')');
        return;
      }
      case ExprKind::kInList: {
        const auto& in = static_cast<const InListExpr&>(e);
        out += in.negated ? "(not_in " : "(in ";
        Expr(*in.operand);
        for (const auto& item : in.list) {
          out.push_back(' ');
          Expr(*item);
        }
        out.push_back(')');
        return;
      }
      case ExprKind::kInSubquery: {
        const auto& in = static_cast<const InSubqueryExpr&>(e);
        out += in.negated ? "(not_in " : "(in ";
        Expr(*in.operand);
        out.push_back(' ');
        Select(*in.subquery);
        out.push_back(')');
        return;
      }
      case ExprKind::kExists: {
        const auto& x = static_cast<const ExistsExpr&>(e);
        out += x.negated ? "(not_exists " : "(exists ";
        Select(*x.subquery);
        out.push_back(')');
        return;
      }
      case ExprKind::kSubquery:
        out += "(subquery ";
        Select(*static_cast<const SubqueryExpr&>(e).subquery);
        out.push_back(')');
        return;
      case ExprKind::kFieldAccess: {
        const auto& f = static_cast<const FieldAccessExpr&>(e);
        out += "(field ";
        Expr(*f.operand);
        out.push_back(' ');
        AppendName(out, f.field);
        out.push_back(')');
        return;
      }
      case ExprKind::kSubscript: {
        const auto& s = static_cast<const SubscriptExpr&>(e);
        out += s.is_slice ? "(slice " : "(index ";
        Expr(*s.operand);
        out.push_back(' ');
        Optional(s.index.get());
        if (s.is_slice) {
          out.push_back(' ');
          Optional(s.slice_end.get());
        }
        out.push_back(')');
        return;
      }
      case ExprKind::kArray: {
        out += "(array";
        for (const auto& item : static_cast<const ArrayExpr&>(e).elements) {
          out.push_back(' ');
          Expr(*item);
        }
        out.push_back(')');
        return;
      }
      case ExprKind::kInterval: {
        const auto& i = static_cast<const IntervalExpr&>(e);
        out += "(interval ";
        AppendString(out, i.value);
        if (!i.unit.empty()) {
          out.push_back(' ');
          out += i.unit;
        }
        out.push_back(')');
        return;
      }
    }
    out += "(?)";
  }

  void Optional(const sql::Expr* e) {
    if (e == nullptr) {
      out.push_back('_');
    } else {
      Expr(*e);
    }
  }

  void Literal(const LiteralExpr& l) {
    out += "(lit ";
    switch (l.literal_kind) {
      case LiteralKind::kNull:
        out += "null";
        break;
      case LiteralKind::kBool:
        out += l.bool_value ? "true" : "false";
        break;
      case LiteralKind::kInteger:
      case LiteralKind::kFloat:
        out += l.text;
        break;
      case LiteralKind::kString:
        AppendString(out, l.text);
        break;
    }
    out.push_back(')');
  }

  void Star(const StarExpr& s) {
    std::string star;
    if (!s.qualifier.empty()) {
      star = s.qualifier + ".*";
    } else {
      star = "*";
    }
    if (s.except.empty()) {
      out += star;
      return;
    }
    out += "(" + star + " (except";
    for (const auto& name : s.except) {
      out.push_back(' ');
      AppendName(out, name);
    }
    out += "))";
  }

  void Binary(const BinaryExpr& b) {
    out.push_back('(');
    std::string name = BinaryOpName(b.op);
    for (char& c : name) {
      if (c == ' ') c = '_';
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    out += name;
    out.push_back(' ');
    Expr(*b.left);
    out.push_back(' ');
    Expr(*b.right);
    if (b.escape != nullptr) {
      out += " (escape ";
      Expr(*b.escape);
      out.push_back(')');
    }
    out.push_back(')');
  }

  void Call(const FunctionCallExpr& f) {
    out += "(call ";
    // schema.fn: each part on its own.
    size_t start = 0;
    while (true) {
      size_t dot = f.name.find('.', start);
      AppendName(out, std::string_view(f.name).substr(start, dot - start));
      if (dot == std::string::npos) break;
      out.push_back('.');
      start = dot + 1;
    }
    if (f.distinct) out += " distinct";
    for (const auto& arg : f.args) {
      out.push_back(' ');
      Expr(*arg);
    }
    if (!f.order_by.empty()) {
      out.push_back(' ');
      OrderBy(f.order_by);
    }
    if (f.ignore_nulls) out += " ignore_nulls";
    if (f.filter != nullptr) {
      out += " (filter ";
      Expr(*f.filter);
      out.push_back(')');
    }
    if (f.over != nullptr) {
      out.push_back(' ');
      Window("over", *f.over);
    }
    out.push_back(')');
  }

  void Case(const CaseExpr& c) {
    out += "(case";
    if (c.operand != nullptr) {
      out.push_back(' ');
      Expr(*c.operand);
    }
    for (const auto& w : c.whens) {
      out += " (when ";
      Expr(*w.condition);
      out.push_back(' ');
      Expr(*w.result);
      out.push_back(')');
    }
    if (c.else_result != nullptr) {
      out += " (else ";
      Expr(*c.else_result);
      out.push_back(')');
    }
    out.push_back(')');
  }

  void OrderBy(const std::vector<OrderItem>& items, std::string_view head = "order_by") {
    out.push_back('(');
    out += head;
    for (const auto& item : items) {
      out += item.direction == OrderDirection::kDesc ? " (desc " : " (asc ";
      Expr(*item.expr);
      if (item.nulls == NullsOrder::kFirst) out += " nulls_first";
      if (item.nulls == NullsOrder::kLast) out += " nulls_last";
      out.push_back(')');
    }
    out.push_back(')');
  }

  void Bound(const FrameBound& b) {
    switch (b.kind) {
      case FrameBoundKind::kUnboundedPreceding:
        out += "unbounded_preceding";
        return;
      case FrameBoundKind::kUnboundedFollowing:
        out += "unbounded_following";
        return;
      case FrameBoundKind::kCurrentRow:
        out += "current_row";
        return;
      case FrameBoundKind::kPreceding:
      case FrameBoundKind::kFollowing:
        out += b.kind == FrameBoundKind::kPreceding ? "(preceding " : "(following ";
        Optional(b.offset.get());
        out.push_back(')');
        return;
    }
  }

  void Window(std::string_view head, const WindowSpec& w) {
    out.push_back('(');
    out += head;
    if (!w.name.empty()) {
      out.push_back(' ');
      AppendName(out, w.name);
    }
    if (!w.partition_by.empty()) {
      out += " (partition";
      for (const auto& p : w.partition_by) {
        out.push_back(' ');
        Expr(*p);
      }
      out.push_back(')');
    }
    if (!w.order_by.empty()) {
      out.push_back(' ');
      OrderBy(w.order_by, "order");
    }
    if (w.frame.has_value()) {
      const WindowFrame& f = *w.frame;
      out += f.unit == FrameUnit::kRows ? " (rows "
                                        : (f.unit == FrameUnit::kRange ? " (range " : " (groups ");
      Bound(f.start);
      out.push_back(' ');
      Bound(f.end);
      out.push_back(')');
    }
    out.push_back(')');
  }

  void Alias(const TableRef& t) {
    if (t.alias.empty() && t.column_aliases.empty()) return;
    out += " (alias ";
    AppendName(out, t.alias);
    for (const auto& c : t.column_aliases) {
      out.push_back(' ');
      AppendName(out, c);
    }
    out.push_back(')');
  }

  void Rows(const std::vector<std::vector<ExprPtr>>& rows) {
    for (const auto& row : rows) {
      out += " (row";
      for (const auto& e : row) {
        out.push_back(' ');
        Expr(*e);
      }
      out.push_back(')');
    }
  }

  void Table(const TableRef& t) {
    switch (t.kind) {
      case TableRefKind::kBaseTable: {
        const auto& b = static_cast<const BaseTableRef&>(t);
        out += "(table ";
        for (size_t i = 0; i < b.name.size(); ++i) {
          if (i > 0) out.push_back('.');
          AppendName(out, b.name[i]);
        }
        if (b.system_time != nullptr) {
          out += " (system_time ";
          Expr(*b.system_time);
          out.push_back(')');
        }
        break;
      }
      case TableRefKind::kSubquery: {
        const auto& s = static_cast<const SubqueryRef&>(t);
        out += s.lateral ? "(subquery lateral " : "(subquery ";
        Select(*s.subquery);
        break;
      }
      case TableRefKind::kJoin: {
        const auto& j = static_cast<const JoinRef&>(t);
        out += "(join ";
        if (j.natural) out += "natural_";
        static constexpr const char* kNames[] = {"inner", "left", "right", "full",
                                                 "cross", "semi", "anti"};
        out += kNames[static_cast<int>(j.join_type)];
        out.push_back(' ');
        Table(*j.left);
        out.push_back(' ');
        Table(*j.right);
        if (j.on != nullptr) {
          out += " (on ";
          Expr(*j.on);
          out.push_back(')');
        }
        if (!j.using_columns.empty()) {
          out += " (using";
          for (const auto& c : j.using_columns) {
            out.push_back(' ');
            AppendName(out, c);
          }
          out.push_back(')');
        }
        break;
      }
      case TableRefKind::kValues:
        out += "(values";
        Rows(static_cast<const ValuesRef&>(t).rows);
        break;
      case TableRefKind::kTableFunction: {
        const auto& f = static_cast<const TableFunctionRef&>(t);
        out += "(tvf ";
        AppendName(out, f.name);
        for (const auto& ta : f.table_args) {
          out += " (table ";
          const auto& b = static_cast<const BaseTableRef&>(*ta);
          for (size_t i = 0; i < b.name.size(); ++i) {
            if (i > 0) out.push_back('.');
            AppendName(out, b.name[i]);
          }
          out.push_back(')');
        }
        if (!f.descriptor.empty()) {
          out += " (descriptor";
          for (const auto& c : f.descriptor) {
            out.push_back(' ');
            AppendName(out, c);
          }
          out.push_back(')');
        }
        for (const auto& a : f.args) {
          out.push_back(' ');
          Expr(*a);
        }
        break;
      }
    }
    Alias(t);
    out.push_back(')');
  }

  void Core(const SelectCore& c) {
    out += "(select";
    if (c.distinct) out += " distinct";
    if (!c.distinct_on.empty()) List(" (distinct_on", c.distinct_on);
    out += " (items";
    for (const auto& item : c.select_list) {
      out.push_back(' ');
      if (item.alias.empty()) {
        Expr(*item.expr);
      } else {
        out += "(as ";
        Expr(*item.expr);
        out.push_back(' ');
        AppendName(out, item.alias);
        out.push_back(')');
      }
    }
    out.push_back(')');
    if (c.from != nullptr) {
      out += " (from ";
      Table(*c.from);
      out.push_back(')');
    }
    Clause(" (where ", c.where.get());
    if (!c.group_by.empty()) List(" (group_by", c.group_by);
    if (c.group_by_all) out += " group_by_all";
    Clause(" (having ", c.having.get());
    if (!c.windows.empty()) {
      out += " (window";
      for (const auto& w : c.windows) {
        out += " (";
        AppendName(out, w.name);
        out.push_back(' ');
        Window("spec", w.spec);
        out.push_back(')');
      }
      out.push_back(')');
    }
    Clause(" (qualify ", c.qualify.get());
  }

  void Clause(std::string_view head, const sql::Expr* e) {
    if (e == nullptr) return;
    out += head;
    Expr(*e);
    out.push_back(')');
  }

  void List(std::string_view head, const std::vector<ExprPtr>& list) {
    out += head;
    for (const auto& e : list) {
      out.push_back(' ');
      Expr(*e);
    }
    out.push_back(')');
  }

  void Select(const SelectStatement& s) {
    if (!s.ctes.empty()) {
      out += s.recursive ? "(with recursive" : "(with";
      for (const auto& cte : s.ctes) {
        out += " (cte ";
        AppendName(out, cte.name);
        if (!cte.column_aliases.empty()) {
          out += " (";
          for (size_t i = 0; i < cte.column_aliases.size(); ++i) {
            if (i > 0) out.push_back(' ');
            AppendName(out, cte.column_aliases[i]);
          }
          out.push_back(')');
        }
        out.push_back(' ');
        Select(*cte.query);
        out.push_back(')');
      }
      out.push_back(' ');
    }
    if (s.set_op != SetOpKind::kNone) {
      out += s.set_op == SetOpKind::kUnion
                 ? "(union"
                 : (s.set_op == SetOpKind::kIntersect ? "(intersect" : "(except");
      if (s.set_all) out += "_all";
      out.push_back(' ');
      Select(*s.left);
      out.push_back(' ');
      Select(*s.right);
    } else if (s.values != nullptr) {
      out += "(values";
      Rows(s.values->rows);
    } else if (s.core != nullptr) {
      Core(*s.core);
    } else {
      out += "(?";
    }
    if (!s.order_by.empty()) {
      out.push_back(' ');
      OrderBy(s.order_by);
    }
    Clause(" (limit ", s.limit.get());
    Clause(" (offset ", s.offset.get());
    out.push_back(')');
    if (!s.ctes.empty()) out.push_back(')');
  }

  void Statement(const sql::Statement& s) {
    switch (s.kind) {
      case StatementKind::kSelect:
        Select(*static_cast<const SelectStmt&>(s).select);
        return;
      case StatementKind::kExplain: {
        const auto& e = static_cast<const ExplainStmt&>(s);
        out += "(explain";
        if (e.analyze) out += " analyze";
        if (e.verbose) out += " verbose";
        out.push_back(' ');
        Statement(*e.statement);
        out.push_back(')');
        return;
      }
      case StatementKind::kCreateSource: {
        const auto& c = static_cast<const CreateSourceStmt&>(s);
        out += c.is_table ? "(create_table " : "(create_source ";
        AppendName(out, c.name);
        for (const ColumnDef& col : c.columns) {
          out += " (column ";
          AppendName(out, col.name);
          out += " " + col.type.name;
          if (col.not_null) out += " not_null";
          out.push_back(')');
        }
        if (c.watermark) {
          out += " (watermark ";
          AppendName(out, c.watermark->column);
          out.push_back(' ');
          Expr(*c.watermark->expr);
          out.push_back(')');
        }
        Connector(c.with, c.format);
        return;
      }
      case StatementKind::kCreateSink: {
        const auto& c = static_cast<const CreateSinkStmt&>(s);
        out += "(create_sink ";
        AppendName(out, c.name);
        out.push_back(' ');
        Select(*c.query);
        Connector(c.with, c.format);
        return;
      }
      case StatementKind::kCreateView: {
        const auto& v = static_cast<const CreateViewStmt&>(s);
        out += "(create_view ";
        AppendName(out, v.name);
        out.push_back(' ');
        Select(*v.query);
        out.push_back(')');
        return;
      }
      case StatementKind::kSet: {
        const ConnectorOption& o = static_cast<const SetStmt&>(s).option;
        out += "(set " + o.key + " " + (o.quoted ? "'" + o.value + "'" : o.value) + ")";
        return;
      }
      case StatementKind::kInsert: {
        const auto& i = static_cast<const InsertStmt&>(s);
        out += "(insert ";
        AppendName(out, i.table);
        out.push_back(' ');
        Select(*i.query);
        out.push_back(')');
        return;
      }
    }
    out += "(?)";
  }

  // " (with (k v) ...) (format f e (k v) ...))" — closes the statement.
  void Connector(const std::vector<ConnectorOption>& with, const std::optional<FormatClause>& f) {
    auto options = [&](const std::vector<ConnectorOption>& list) {
      for (const ConnectorOption& o : list) {
        out += " (" + o.key + " " + (o.quoted ? "'" + o.value + "'" : o.value) + ")";
      }
    };
    out += " (with";
    options(with);
    out.push_back(')');
    if (f) {
      out += " (format " + f->format + " " + f->encode;
      options(f->options);
      out.push_back(')');
    }
    out.push_back(')');
  }
};

}  // namespace

std::string ExprToString(const Expr& expr) {
  Printer p;
  p.Expr(expr);
  return std::move(p.out);
}

std::string TableRefToString(const TableRef& ref) {
  Printer p;
  p.Table(ref);
  return std::move(p.out);
}

std::string SelectToString(const SelectStatement& select) {
  Printer p;
  p.Select(select);
  return std::move(p.out);
}

std::string StatementToString(const Statement& statement) {
  Printer p;
  p.Statement(statement);
  return std::move(p.out);
}

std::string TypeNameToString(const TypeName& type) {
  std::string out;
  if (!type.fields.empty() && type.name == "map" && type.fields.size() == 2) {
    out = "map<" + TypeNameToString(type.fields[0].second) + ", " +
          TypeNameToString(type.fields[1].second) + ">";
  } else if (!type.fields.empty()) {
    out = type.name + "<";
    for (size_t i = 0; i < type.fields.size(); ++i) {
      if (i > 0) out += ", ";
      AppendName(out, type.fields[i].first);
      out.push_back(' ');
      out += TypeNameToString(type.fields[i].second);
    }
    out.push_back('>');
  } else {
    out = type.name;
  }
  if (!type.modifiers.empty()) {
    // timestamp(3) with time zone: the modifier goes after the first word.
    size_t space = out.find(' ');
    std::string mods = "(";
    for (size_t i = 0; i < type.modifiers.size(); ++i) {
      if (i > 0) mods += ",";
      mods += std::to_string(type.modifiers[i]);
    }
    mods += ")";
    if (space != std::string::npos &&
        (type.name.rfind("timestamp", 0) == 0 || type.name.rfind("time", 0) == 0)) {
      out.insert(space, mods);
    } else {
      out += mods;
    }
  }
  for (int i = 0; i < type.array_depth; ++i) out += "[]";
  return out;
}

}  // namespace ark::sql
