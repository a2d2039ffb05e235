#include "sql/planner.h"

#include <absl/container/flat_hash_map.h>

#include <utility>

#include "base/strings.h"
#include "sql/operators/distinct.h"
#include "sql/operators/filter.h"
#include "sql/operators/hash_join.h"
#include "sql/operators/limit.h"
#include "sql/operators/nested_loop_join.h"
#include "sql/operators/project.h"
#include "sql/operators/scan.h"
#include "sql/operators/set_operation.h"
#include "sql/operators/sort.h"
#include "sql/operators/top_n.h"
#include "sql/operators/union_all.h"
#include "sql/operators/values.h"
#include "sql/operators/window_tvf.h"
#if __has_include("sql/operators/hash_aggregate.h")
#include "sql/operators/hash_aggregate.h"
#define ARK_SQL_HAVE_HASH_AGGREGATE 1
#endif
#if __has_include("sql/operators/window.h")
#include "sql/operators/window.h"
#define ARK_SQL_HAVE_WINDOW 1
#endif

namespace ark::sql {

Result<BoundExprPtr> SubstituteParameters(const BoundExpr& expr, const ParameterValues& values) {
  if (expr.kind == BoundExprKind::kParameter) {
    int slot = SubquerySlotOf(expr);
    if (slot >= 0) {
      if (!values.slots || slot >= static_cast<int>(values.slots->size())) {
        return Status::Internal("the value of subquery {} is not known yet", slot + 1);
      }
      return BoundExpr::Constant((*values.slots)[slot]);
    }
    int n = expr.parameter_index;
    if (!values.parameters || n > static_cast<int>(values.parameters->size())) {
      return Status::InvalidArgument("no value supplied for parameter ${}", n);
    }
    return BoundExpr::Constant((*values.parameters)[n - 1]);
  }
  if (!HasParameters(expr)) return expr.Clone();
  auto e = std::make_unique<BoundExpr>();
  e->kind = expr.kind;
  e->type = expr.type;
  e->column_index = expr.column_index;
  e->constant = expr.constant;
  e->function = expr.function;
  e->try_cast = expr.try_cast;
  e->negated = expr.negated;
  e->has_else = expr.has_else;
  e->parameter_index = expr.parameter_index;
  for (const auto& c : expr.children) {
    ARK_ASSIGN_OR_RETURN(BoundExprPtr k, SubstituteParameters(*c, values));
    e->children.push_back(std::move(k));
  }
  return e;
}

namespace {

Result<BoundExprPtr> Inst(const BoundExprPtr& e, const ParameterValues& v) {
  if (!e) return BoundExprPtr();
  return SubstituteParameters(*e, v);
}

Result<std::vector<SortKey>> InstKeys(const std::vector<SortKey>& keys, const ParameterValues& v) {
  std::vector<SortKey> out;
  for (const SortKey& k : keys) {
    SortKey c;
    ARK_ASSIGN_OR_RETURN(c.expr, Inst(k.expr, v));
    c.descending = k.descending;
    c.nulls_first = k.nulls_first;
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<BoundExprPtr>> InstAll(const std::vector<BoundExprPtr>& exprs,
                                          const ParameterValues& v) {
  std::vector<BoundExprPtr> out;
  for (const auto& e : exprs) {
    ARK_ASSIGN_OR_RETURN(BoundExprPtr c, Inst(e, v));
    out.push_back(std::move(c));
  }
  return out;
}

SchemaPtr SchemaOf(const LogicalOp& op) {
  std::vector<Field> fields;
  fields.reserve(op.columns.size());
  for (const LogicalColumn& c : op.columns) fields.emplace_back(c.name, c.type);
  return Schema::Make(std::move(fields));
}

std::vector<std::string> NamesOf(const LogicalOp& op) {
  std::vector<std::string> names;
  for (const LogicalColumn& c : op.columns) names.push_back(c.name);
  return names;
}

std::string Wrap(std::string s) { return "(" + s + ")"; }

std::string SortKeysText(const std::vector<SortKey>& keys, const std::vector<std::string>& names) {
  std::vector<std::string> parts;
  for (const SortKey& k : keys) {
    std::string s = ExprToString(*k.expr, names);
    if (k.descending) s += " DESC";
    if (k.nulls_first != k.descending) s += k.nulls_first ? " NULLS FIRST" : " NULLS LAST";
    parts.push_back(std::move(s));
  }
  return JoinStrings(parts, ", ");
}

const char* PhysicalJoinName(PhysicalJoinType t) {
  switch (t) {
    case PhysicalJoinType::kInner:
      return "INNER";
    case PhysicalJoinType::kLeft:
      return "LEFT";
    case PhysicalJoinType::kRight:
      return "RIGHT";
    case PhysicalJoinType::kFull:
      return "FULL";
    case PhysicalJoinType::kSemi:
      return "SEMI";
    case PhysicalJoinType::kAnti:
      return "ANTI";
    case PhysicalJoinType::kCross:
      return "CROSS";
  }
  return "?";
}

class Planner {
 public:
  explicit Planner(PhysicalPlan* out) : out_(out) {}

  Result<int> Plan(const LogicalOp& op);

 private:
  // `e` over ids → over positions of `inputs` (their columns concatenated).
  Result<BoundExprPtr> Positions(const BoundExpr& e,
                                 std::initializer_list<const LogicalOp*> inputs) const;
  int AddNode(PhysicalNode node) {
    out_->nodes.push_back(std::move(node));
    return static_cast<int>(out_->nodes.size() - 1);
  }
  void Note(const BoundExpr* e) {
    if (e && HasParameters(*e)) out_->has_parameters = true;
  }

  Result<int> PlanJoin(const LogicalOp& op);

  PhysicalPlan* out_;
};

Result<BoundExprPtr> Planner::Positions(const BoundExpr& e,
                                        std::initializer_list<const LogicalOp*> inputs) const {
  absl::flat_hash_map<ColumnId, int> pos;
  int base = 0;
  for (const LogicalOp* in : inputs) {
    for (size_t i = 0; i < in->columns.size(); ++i) {
      pos.emplace(in->columns[i].id, base + static_cast<int>(i));
    }
    base += static_cast<int>(in->columns.size());
  }
  BoundExprPtr c = e.Clone();
  Status missing;
  ReplaceColumnRefs(c, [&](const BoundExpr& col) -> BoundExprPtr {
    auto it = pos.find(col.column_index);
    if (it == pos.end()) {
      missing = Status::Internal("planner: column #{} is not produced by the operator's input",
                                 col.column_index);
      return nullptr;
    }
    return BoundExpr::Column(it->second, col.type);
  });
  ARK_RETURN_IF_ERROR(missing);
  return c;
}

Result<int> Planner::Plan(const LogicalOp& op) {
  std::vector<int> inputs;
  if (op.kind != LogicalOpKind::kJoin) {
    for (const auto& c : op.children) {
      ARK_ASSIGN_OR_RETURN(int id, Plan(*c));
      inputs.push_back(id);
    }
  }
  PhysicalNode node;
  node.schema = SchemaOf(op);
  node.inputs = inputs;
  node.logical = &op;
  SchemaPtr schema = node.schema;
  std::vector<std::string> in_names;
  if (!op.children.empty()) in_names = NamesOf(op.child(0));

  switch (op.kind) {
    case LogicalOpKind::kScan: {
      node.is_source = true;
      node.table = op.table;
      std::vector<std::string> cols;
      for (int i : op.scan_columns) cols.push_back(op.table_schema->field(i).name);
      node.explain = fmt::format("Scan {} [{}]", op.table, JoinStrings(cols, ", "));
      std::string table = op.table;
      SchemaPtr table_schema = op.table_schema;
      std::vector<int> columns = op.scan_columns;
      node.make = [=](const ParameterValues&, const KernelContext*) -> Result<OperatorPtr> {
        return OperatorPtr(std::make_unique<ScanOperator>(table, table_schema, columns, schema));
      };
      break;
    }
    case LogicalOpKind::kValues: {
      node.is_source = true;
      int64_t n =
          op.constant_rows ? op.constant_rows->num_rows() : static_cast<int64_t>(op.rows.size());
      node.explain = fmt::format("Values rows={} [{}]", n, JoinStrings(NamesOf(op), ", "));
      if (op.constant_rows) {
        Batch rows(schema, op.constant_rows->columns(), op.constant_rows->num_rows());
        node.make = [=](const ParameterValues&, const KernelContext*) -> Result<OperatorPtr> {
          return OperatorPtr(std::make_unique<ValuesOperator>(rows));
        };
      } else {
        auto rows = std::make_shared<std::vector<std::vector<BoundExprPtr>>>();
        for (const auto& r : op.rows) {
          std::vector<BoundExprPtr> row;
          for (const auto& e : r) {
            Note(e.get());
            row.push_back(e->Clone());
          }
          rows->push_back(std::move(row));
        }
        node.make = [=](const ParameterValues& v, const KernelContext* ctx) -> Result<OperatorPtr> {
          std::vector<std::vector<BoundExprPtr>> copy;
          for (const auto& r : *rows) {
            ARK_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> row, InstAll(r, v));
            copy.push_back(std::move(row));
          }
          return OperatorPtr(std::make_unique<ValuesOperator>(std::move(copy), schema, ctx));
        };
      }
      break;
    }
    case LogicalOpKind::kFilter: {
      ARK_ASSIGN_OR_RETURN(BoundExprPtr p, Positions(*op.predicate, {&op.child(0)}));
      Note(p.get());
      std::string message = op.assert_message;
      node.explain = (message.empty() ? "Filter " : "Assert ") + Wrap(ExprToString(*p, in_names));
      std::shared_ptr<const BoundExpr> pred(std::move(p));
      node.make = [=](const ParameterValues& v, const KernelContext* ctx) -> Result<OperatorPtr> {
        ARK_ASSIGN_OR_RETURN(BoundExprPtr e, SubstituteParameters(*pred, v));
        if (!message.empty()) {
          return OperatorPtr(std::make_unique<FilterOperator>(std::move(e), schema, message, ctx));
        }
        return OperatorPtr(std::make_unique<FilterOperator>(std::move(e), schema, ctx));
      };
      break;
    }
    case LogicalOpKind::kProject: {
      // A projection that passes its input through unchanged (same columns, order and names)
      // needs no operator.
      const LogicalOp& child = op.child(0);
      bool identity = op.columns.size() == child.columns.size();
      for (size_t i = 0; identity && i < op.exprs.size(); ++i) {
        const BoundExpr& e = *op.exprs[i];
        identity = e.kind == BoundExprKind::kColumn && e.column_index == child.columns[i].id &&
                   op.columns[i].name == child.columns[i].name &&
                   op.columns[i].type == child.columns[i].type;
      }
      if (identity) return inputs[0];
      auto exprs = std::make_shared<std::vector<BoundExprPtr>>();
      std::vector<std::string> parts;
      for (size_t i = 0; i < op.exprs.size(); ++i) {
        ARK_ASSIGN_OR_RETURN(BoundExprPtr p, Positions(*op.exprs[i], {&op.child(0)}));
        Note(p.get());
        std::string text = ExprToString(*p, in_names);
        parts.push_back(text == op.columns[i].name ? text : text + " AS " + op.columns[i].name);
        exprs->push_back(std::move(p));
      }
      node.explain = fmt::format("Project [{}]", JoinStrings(parts, ", "));
      SchemaPtr input_schema = SchemaOf(op.child(0));
      node.make = [=](const ParameterValues& v, const KernelContext* ctx) -> Result<OperatorPtr> {
        ARK_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> e, InstAll(*exprs, v));
        return OperatorPtr(
            std::make_unique<ProjectOperator>(std::move(e), schema, input_schema, ctx));
      };
      break;
    }
    case LogicalOpKind::kAggregate: {
      auto spec = std::make_shared<AggregateSpec>();
      std::vector<std::string> keys, aggs;
      for (const auto& k : op.group_keys) {
        ARK_ASSIGN_OR_RETURN(BoundExprPtr p, Positions(*k, {&op.child(0)}));
        Note(p.get());
        keys.push_back(ExprToString(*p, in_names));
        spec->group_keys.push_back(std::move(p));
      }
      for (const AggregateCall& a : op.aggregates) {
        AggregateCall c;
        c.function = a.function;
        c.distinct = a.distinct;
        c.display = a.display;
        for (const auto& arg : a.args) {
          ARK_ASSIGN_OR_RETURN(BoundExprPtr p, Positions(*arg, {&op.child(0)}));
          Note(p.get());
          c.args.push_back(std::move(p));
        }
        if (a.filter) {
          ARK_ASSIGN_OR_RETURN(c.filter, Positions(*a.filter, {&op.child(0)}));
          Note(c.filter.get());
        }
        for (const SortKey& k : a.order_by) {
          SortKey s;
          ARK_ASSIGN_OR_RETURN(s.expr, Positions(*k.expr, {&op.child(0)}));
          Note(s.expr.get());
          s.descending = k.descending;
          s.nulls_first = k.nulls_first;
          c.order_by.push_back(std::move(s));
        }
        aggs.push_back(a.display);
        spec->aggregates.push_back(std::move(c));
      }
      spec->output_schema = schema;
      node.aggregate = spec;
      node.explain = fmt::format("HashAggregate keys=[{}] aggs=[{}]", JoinStrings(keys, ", "),
                                 JoinStrings(aggs, ", "));
#ifdef ARK_SQL_HAVE_HASH_AGGREGATE
      node.make = [=](const ParameterValues& v, const KernelContext*) -> Result<OperatorPtr> {
        AggregateSpec s;
        ARK_ASSIGN_OR_RETURN(s.group_keys, InstAll(spec->group_keys, v));
        for (const AggregateCall& a : spec->aggregates) {
          AggregateCall c;
          c.function = a.function;
          c.distinct = a.distinct;
          c.display = a.display;
          ARK_ASSIGN_OR_RETURN(c.args, InstAll(a.args, v));
          ARK_ASSIGN_OR_RETURN(c.filter, Inst(a.filter, v));
          ARK_ASSIGN_OR_RETURN(c.order_by, InstKeys(a.order_by, v));
          s.aggregates.push_back(std::move(c));
        }
        s.output_schema = spec->output_schema;
        return OperatorPtr(std::make_unique<HashAggregateOperator>(std::move(s)));
      };
#else
      return Status::Unimplemented(
          "aggregation (GROUP BY, aggregate functions) is not supported "
          "yet: the hash aggregate operator is missing");
#endif
      break;
    }
    case LogicalOpKind::kWindow: {
      auto spec = std::make_shared<WindowSpecPhysical>();
      std::vector<std::string> calls;
      for (const WindowCall& w : op.windows) {
        WindowCall c;
        c.window_function = w.window_function;
        c.aggregate = w.aggregate;
        c.ignore_nulls = w.ignore_nulls;
        c.frame_unit = w.frame_unit;
        c.frame_start = w.frame_start;
        c.frame_end = w.frame_end;
        c.display = w.display;
        for (const auto& a : w.args) {
          ARK_ASSIGN_OR_RETURN(BoundExprPtr p, Positions(*a, {&op.child(0)}));
          Note(p.get());
          c.args.push_back(std::move(p));
        }
        for (const auto& a : w.partition_by) {
          ARK_ASSIGN_OR_RETURN(BoundExprPtr p, Positions(*a, {&op.child(0)}));
          Note(p.get());
          c.partition_by.push_back(std::move(p));
        }
        for (const SortKey& k : w.order_by) {
          SortKey s;
          ARK_ASSIGN_OR_RETURN(s.expr, Positions(*k.expr, {&op.child(0)}));
          Note(s.expr.get());
          s.descending = k.descending;
          s.nulls_first = k.nulls_first;
          c.order_by.push_back(std::move(s));
        }
        calls.push_back(w.display);
        spec->calls.push_back(std::move(c));
      }
      spec->output_schema = schema;
      node.window = spec;
      node.explain = fmt::format("Window [{}]", JoinStrings(calls, ", "));
#ifdef ARK_SQL_HAVE_WINDOW
      node.make = [=](const ParameterValues& v, const KernelContext*) -> Result<OperatorPtr> {
        WindowSpecPhysical s;
        for (const WindowCall& w : spec->calls) {
          WindowCall c;
          c.window_function = w.window_function;
          c.aggregate = w.aggregate;
          c.ignore_nulls = w.ignore_nulls;
          c.frame_unit = w.frame_unit;
          c.frame_start = w.frame_start;
          c.frame_end = w.frame_end;
          c.display = w.display;
          ARK_ASSIGN_OR_RETURN(c.args, InstAll(w.args, v));
          ARK_ASSIGN_OR_RETURN(c.partition_by, InstAll(w.partition_by, v));
          ARK_ASSIGN_OR_RETURN(c.order_by, InstKeys(w.order_by, v));
          s.calls.push_back(std::move(c));
        }
        s.output_schema = spec->output_schema;
        return OperatorPtr(std::make_unique<WindowOperator>(std::move(s)));
      };
#else
      return Status::Unimplemented(
          "window functions are not supported yet: the window operator is missing");
#endif
      break;
    }
    case LogicalOpKind::kJoin:
      return PlanJoin(op);
    case LogicalOpKind::kSort:
    case LogicalOpKind::kTopN: {
      auto keys = std::make_shared<std::vector<SortKey>>();
      for (const SortKey& k : op.sort_keys) {
        SortKey s;
        ARK_ASSIGN_OR_RETURN(s.expr, Positions(*k.expr, {&op.child(0)}));
        Note(s.expr.get());
        s.descending = k.descending;
        s.nulls_first = k.nulls_first;
        keys->push_back(std::move(s));
      }
      if (op.kind == LogicalOpKind::kSort) {
        node.explain = fmt::format("Sort [{}]", SortKeysText(*keys, in_names));
        node.make = [=](const ParameterValues& v, const KernelContext*) -> Result<OperatorPtr> {
          ARK_ASSIGN_OR_RETURN(std::vector<SortKey> k, InstKeys(*keys, v));
          return OperatorPtr(std::make_unique<SortOperator>(std::move(k), schema));
        };
      } else {
        if (!op.limit) return Status::Internal("planner: top-N without a limit");
        int64_t limit = *op.limit, offset = op.offset;
        node.explain = fmt::format("TopN {}{} [{}]", limit,
                                   offset ? fmt::format(" OFFSET {}", offset) : std::string(),
                                   SortKeysText(*keys, in_names));
        node.make = [=](const ParameterValues& v, const KernelContext*) -> Result<OperatorPtr> {
          ARK_ASSIGN_OR_RETURN(std::vector<SortKey> k, InstKeys(*keys, v));
          return OperatorPtr(std::make_unique<TopNOperator>(std::move(k), limit, offset, schema));
        };
      }
      break;
    }
    case LogicalOpKind::kLimit: {
      std::optional<int64_t> limit = op.limit;
      int64_t offset = op.offset;
      node.explain = fmt::format("Limit {}{}", limit ? std::to_string(*limit) : "ALL",
                                 offset ? fmt::format(" OFFSET {}", offset) : std::string());
      node.make = [=](const ParameterValues&, const KernelContext*) -> Result<OperatorPtr> {
        return OperatorPtr(std::make_unique<LimitOperator>(limit, offset, schema));
      };
      break;
    }
    case LogicalOpKind::kWindowTvf: {
      WindowTvfSpec spec = op.window_tvf;
      spec.time_column = op.child(0).IndexOf(op.window_tvf.time_column);
      if (spec.time_column < 0) {
        return Status::Internal("window table function: the time column is not an input column");
      }
      node.explain = "WindowTvf " + WindowTvfToString(spec, in_names);
      std::string explain = node.explain;
      node.make = [=](const ParameterValues&, const KernelContext*) -> Result<OperatorPtr> {
        return OperatorPtr(std::make_unique<WindowTvfOperator>(spec, schema, explain));
      };
      break;
    }
    case LogicalOpKind::kDistinct:
      node.explain = "Distinct";
      node.make = [=](const ParameterValues&, const KernelContext*) -> Result<OperatorPtr> {
        return OperatorPtr(std::make_unique<DistinctOperator>(schema));
      };
      break;
    case LogicalOpKind::kUnionAll: {
      int n = static_cast<int>(inputs.size());
      node.explain = "UnionAll";
      node.make = [=](const ParameterValues&, const KernelContext*) -> Result<OperatorPtr> {
        return OperatorPtr(std::make_unique<UnionAllOperator>(n, schema));
      };
      break;
    }
    case LogicalOpKind::kSetOperation: {
      SetOperationKind kind = op.set_op == SetOpKind::kIntersect ? SetOperationKind::kIntersect
                                                                 : SetOperationKind::kExcept;
      bool all = op.set_all;
      node.build_first = true;
      node.explain = std::string(kind == SetOperationKind::kIntersect ? "Intersect" : "Except") +
                     (all ? " All" : "");
      node.make = [=](const ParameterValues&, const KernelContext*) -> Result<OperatorPtr> {
        return OperatorPtr(std::make_unique<SetOperationOperator>(kind, all, schema));
      };
      break;
    }
  }
  return AddNode(std::move(node));
}

Result<int> Planner::PlanJoin(const LogicalOp& op) {
  const LogicalOp& left = op.child(0);
  const LogicalOp& right = op.child(1);
  ARK_ASSIGN_OR_RETURN(int left_id, Plan(left));
  ARK_ASSIGN_OR_RETURN(int right_id, Plan(right));
  absl::flat_hash_map<ColumnId, bool> side;  // true: left
  for (const LogicalColumn& c : left.columns) side[c.id] = true;
  for (const LogicalColumn& c : right.columns) side[c.id] = false;
  auto reads_only = [&](const BoundExpr& e, bool want_left) {
    bool any = false;
    bool ok = ReadsOnly(e, [&](int id) {
      auto it = side.find(id);
      any = true;
      return it != side.end() && it->second == want_left;
    });
    return ok && any;
  };

  auto spec = std::make_shared<JoinSpec>();
  switch (op.join_type) {
    case JoinType::kInner:
    case JoinType::kCross:
      spec->type = PhysicalJoinType::kInner;
      break;
    case JoinType::kLeft:
      spec->type = PhysicalJoinType::kLeft;
      break;
    case JoinType::kRight:
      spec->type = PhysicalJoinType::kRight;
      break;
    case JoinType::kFull:
      spec->type = PhysicalJoinType::kFull;
      break;
    case JoinType::kSemi:
      spec->type = PhysicalJoinType::kSemi;
      break;
    case JoinType::kAnti:
      spec->type = PhysicalJoinType::kAnti;
      break;
  }
  std::vector<BoundExprPtr> conjuncts, residual;
  if (op.predicate) SplitConjuncts(op.predicate->Clone(), &conjuncts);
  std::vector<std::string> key_text;
  std::vector<std::string> names = NamesOf(left);
  for (const std::string& n : NamesOf(right)) names.push_back(n);
  for (BoundExprPtr& c : conjuncts) {
    bool equality = IsEqualityCall(*c);
    bool not_distinct = c->kind == BoundExprKind::kIsDistinct && c->negated;
    if (equality || not_distinct) {
      int l = -1;
      if (reads_only(*c->children[0], true) && reads_only(*c->children[1], false)) l = 0;
      if (reads_only(*c->children[1], true) && reads_only(*c->children[0], false)) l = 1;
      if (l >= 0) {
        ARK_ASSIGN_OR_RETURN(BoundExprPtr lk, Positions(*c->children[l], {&left}));
        ARK_ASSIGN_OR_RETURN(BoundExprPtr rk, Positions(*c->children[1 - l], {&right}));
        Note(lk.get());
        Note(rk.get());
        spec->left_keys.push_back(std::move(lk));
        spec->right_keys.push_back(std::move(rk));
        spec->null_equals_null.push_back(not_distinct);
        continue;
      }
    }
    residual.push_back(std::move(c));
  }
  std::vector<std::string> ln = NamesOf(left), rn = NamesOf(right);
  for (size_t i = 0; i < spec->left_keys.size(); ++i) {
    key_text.push_back(fmt::format("{} {} {}", ExprToString(*spec->left_keys[i], ln),
                                   spec->null_equals_null[i] ? "IS NOT DISTINCT FROM" : "=",
                                   ExprToString(*spec->right_keys[i], rn)));
  }
  if (!residual.empty()) {
    BoundExprPtr r = MakeConjunction(std::move(residual));
    ARK_ASSIGN_OR_RETURN(spec->residual, Positions(*r, {&left, &right}));
    Note(spec->residual.get());
  }
  spec->anti_null_aware = op.null_aware;
  if (op.null_aware && (spec->left_keys.size() != 1 || spec->residual)) {
    return Status::Internal("planner: NOT IN join needs exactly one equality key");
  }
  spec->left_schema = SchemaOf(left);
  spec->right_schema = SchemaOf(right);
  spec->output_schema = SchemaOf(op);

  PhysicalNode node;
  node.schema = spec->output_schema;
  node.inputs = {left_id, right_id};
  node.logical = &op;
  node.join = spec;
  node.build_first = true;
  bool hash = !spec->left_keys.empty();
  if (!hash && !spec->residual && spec->type == PhysicalJoinType::kInner) {
    spec->type = PhysicalJoinType::kCross;
  }
  std::string text = fmt::format("{} {}{}", hash ? "HashJoin" : "NestedLoopJoin",
                                 PhysicalJoinName(spec->type), op.null_aware ? " (NOT IN)" : "");
  if (hash) text += fmt::format(" keys=[{}]", JoinStrings(key_text, ", "));
  if (spec->residual) {
    text +=
        fmt::format(" {}={}", hash ? "residual" : "on", Wrap(ExprToString(*spec->residual, names)));
  }
  node.explain = text;
  node.make = [spec, hash](const ParameterValues& v, const KernelContext*) -> Result<OperatorPtr> {
    JoinSpec s;
    s.type = spec->type;
    ARK_ASSIGN_OR_RETURN(s.left_keys, InstAll(spec->left_keys, v));
    ARK_ASSIGN_OR_RETURN(s.right_keys, InstAll(spec->right_keys, v));
    s.null_equals_null = spec->null_equals_null;
    ARK_ASSIGN_OR_RETURN(s.residual, Inst(spec->residual, v));
    s.anti_null_aware = spec->anti_null_aware;
    s.left_schema = spec->left_schema;
    s.right_schema = spec->right_schema;
    s.output_schema = spec->output_schema;
    if (hash) return OperatorPtr(std::make_unique<HashJoinOperator>(std::move(s)));
    return OperatorPtr(std::make_unique<NestedLoopJoinOperator>(std::move(s)));
  };
  return AddNode(std::move(node));
}

// Sources in driving order: a depth-first walk that visits the build side (port 1) of joins and
// set operations before their probe side, so build inputs end before probe batches arrive.
void OrderSources(const PhysicalPlan& plan, int node, std::vector<bool>* seen,
                  std::vector<int>* out) {
  if ((*seen)[node]) return;
  (*seen)[node] = true;
  const PhysicalNode& n = plan.nodes[node];
  if (n.is_source) {
    out->push_back(node);
    return;
  }
  if (n.build_first && n.inputs.size() == 2) {
    OrderSources(plan, n.inputs[1], seen, out);
    OrderSources(plan, n.inputs[0], seen, out);
    return;
  }
  for (int in : n.inputs) OrderSources(plan, in, seen, out);
}

void AppendExplain(const PhysicalPlan& plan, int node, int depth, std::string* out) {
  out->append(static_cast<size_t>(depth) * 2, ' ');
  *out += plan.nodes[node].explain;
  *out += '\n';
  for (int in : plan.nodes[node].inputs) AppendExplain(plan, in, depth + 1, out);
}

Result<std::unique_ptr<PhysicalPlan>> PlanTree(const LogicalOp& root) {
  auto plan = std::make_unique<PhysicalPlan>();
  Planner planner(plan.get());
  ARK_ASSIGN_OR_RETURN(plan->root, planner.Plan(root));
  std::vector<bool> seen(plan->nodes.size(), false);
  OrderSources(*plan, plan->root, &seen, &plan->source_order);
  return plan;
}

}  // namespace

std::string PhysicalPlan::Explain() const {
  std::string out;
  if (root >= 0) AppendExplain(*this, root, 0, &out);
  for (size_t i = 0; i < init_plans.size(); ++i) {
    out += fmt::format("Subquery $subquery{} ({}):\n", i + 1,
                       init_plans[i].kind == SubqueryPlan::Kind::kScalar ? "scalar" : "exists");
    std::string body = init_plans[i].plan->Explain();
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

Result<std::unique_ptr<PhysicalPlan>> CreatePhysicalPlan(const LogicalPlan& plan) {
  ARK_ASSIGN_OR_RETURN(std::unique_ptr<PhysicalPlan> physical, PlanTree(*plan.root));
  for (const SubqueryPlan& s : plan.subqueries) {
    PhysicalPlan::InitPlan init;
    init.kind = s.kind;
    init.type = s.type;
    ARK_ASSIGN_OR_RETURN(init.plan, PlanTree(*s.plan));
    physical->init_plans.push_back(std::move(init));
  }
  physical->num_parameters = plan.num_parameters;
  return physical;
}

}  // namespace ark::sql
