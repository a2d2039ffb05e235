#include "sql/streaming/streaming_query.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "base/strings.h"
#include "core/column_builder.h"
#include "sql/binder.h"
#include "sql/logical_plan.h"
#include "sql/optimizer.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/sql_error.h"
#include "sql/streaming/changelog_aggregate.h"
#include "sql/streaming/lookup_join.h"
#include "sql/streaming/rank_top_n.h"
#include "sql/streaming/retractable_extremum.h"
#include "sql/streaming/session_aggregate.h"
#include "sql/streaming/stream_distinct.h"
#include "sql/streaming/stream_join.h"
#include "sql/streaming/window_aggregate.h"
#include "state/state_codec.h"

namespace ark::sql {

std::string_view RowKindName(RowKind kind) {
  switch (kind) {
    case RowKind::kInsert:
      return "+I";
    case RowKind::kUpdateBefore:
      return "-U";
    case RowKind::kUpdateAfter:
      return "+U";
    case RowKind::kDelete:
      return "-D";
  }
  return "?";
}

namespace {

// A batch operator that transforms each delta on its own (scan, filter, project, window table
// function, UNION ALL, DISTINCT); the kind of the rows is kept.
class BatchStep final : public StreamOperator {
 public:
  BatchStep(OperatorPtr op, int inputs, std::string explain, bool stateful)
      : op_(std::move(op)), inputs_(inputs), explain_(std::move(explain)), stateful_(stateful) {}

  int num_inputs() const override { return inputs_; }
  Status Push(int port, const Delta& delta, std::vector<Delta>* out,
              std::vector<LateRows>* late) override {
    (void)late;
    batches_.clear();
    ARK_RETURN_IF_ERROR(op_->Push(port, delta.batch, &batches_));
    for (Batch& b : batches_) {
      if (b.num_rows() > 0) out->push_back({std::move(b), delta.kind});
    }
    return Status::OK();
  }
  std::string Explain() const override { return explain_; }
  bool stateful() const override { return stateful_; }
  OperatorState State() const override {
    return {explain_, 0, static_cast<int64_t>(op_->StateBytes())};
  }

 private:
  OperatorPtr op_;
  int inputs_;
  std::string explain_;
  bool stateful_;
  std::vector<Batch> batches_;
};

// Where a column's values come from, when they are a window bound of a window table function.
struct WindowOrigin {
  bool is_end = false;
  int64_t size_us = 0;
  bool start_gives_end = false;  // TUMBLE, HOP: window_end = window_start + size
  bool session = false;          // a SESSION proto-window [t, t + gap), before merging
};
using Origins = absl::flat_hash_map<ColumnId, WindowOrigin>;

// Follows window_start/window_end through projections (plain references) and aggregates (group
// keys), so that a GROUP BY over them — even after renaming — is recognised as windowed.
void CollectOrigins(const LogicalOp& op, Origins* origins) {
  for (const auto& c : op.children) CollectOrigins(*c, origins);
  switch (op.kind) {
    case LogicalOpKind::kWindowTvf: {
      size_t n = op.columns.size();
      bool session = op.window_tvf.kind == WindowTvfKind::kSession;
      bool start_gives_end = op.window_tvf.kind != WindowTvfKind::kCumulate && !session;
      (*origins)[op.columns[n - 2].id] = {false, op.window_tvf.size_us, start_gives_end, session};
      (*origins)[op.columns[n - 1].id] = {true, op.window_tvf.size_us, start_gives_end, session};
      break;
    }
    case LogicalOpKind::kProject:
      for (size_t i = 0; i < op.exprs.size(); ++i) {
        const BoundExpr& e = *op.exprs[i];
        if (e.kind != BoundExprKind::kColumn) continue;
        auto it = origins->find(e.column_index);
        if (it != origins->end()) (*origins)[op.columns[i].id] = it->second;
      }
      break;
    case LogicalOpKind::kAggregate:
      for (size_t i = 0; i < op.group_keys.size(); ++i) {
        const BoundExpr& e = *op.group_keys[i];
        if (e.kind != BoundExprKind::kColumn) continue;
        auto it = origins->find(e.column_index);
        if (it == origins->end()) continue;
        WindowOrigin o = it->second;
        if (o.session) {
          // Merged sessions: real bounds now, but of varying length.
          o.session = false;
          o.start_gives_end = false;
        }
        (*origins)[op.columns[i].id] = o;
      }
      break;
    default:
      break;
  }
}

std::string_view Unsupported(LogicalOpKind kind) {
  switch (kind) {
    case LogicalOpKind::kSort:
      return "ORDER BY (a stream has no end to sort at; aggregate over windows instead)";
    case LogicalOpKind::kLimit:
    case LogicalOpKind::kTopN:
      return "LIMIT (top-N over a stream comes with ROW_NUMBER() OVER (...) <= N, not yet "
             "available)";
    case LogicalOpKind::kSetOperation:
      return "INTERSECT and EXCEPT";
    case LogicalOpKind::kValues:
      return "VALUES and constant FROM items";
    default:
      return "this operator";
  }
}

// Whether an expression calls an aggregate function (not OVER a window); subqueries are their own
// blocks and are not looked into.
bool CallsAggregate(const Expr* e) {
  if (e == nullptr) return false;
  switch (e->kind) {
    case ExprKind::kFunctionCall: {
      const auto* f = static_cast<const FunctionCallExpr*>(e);
      if (f->over == nullptr && FunctionRegistry::Builtins().FindAggregate(f->name) != nullptr) {
        return true;
      }
      for (const auto& a : f->args) {
        if (CallsAggregate(a.get())) return true;
      }
      return false;
    }
    case ExprKind::kUnary:
      return CallsAggregate(static_cast<const UnaryExpr*>(e)->operand.get());
    case ExprKind::kBinary: {
      const auto* b = static_cast<const BinaryExpr*>(e);
      return CallsAggregate(b->left.get()) || CallsAggregate(b->right.get());
    }
    case ExprKind::kCast:
      return CallsAggregate(static_cast<const CastExpr*>(e)->operand.get());
    case ExprKind::kCase: {
      const auto* c = static_cast<const CaseExpr*>(e);
      if (CallsAggregate(c->operand.get()) || CallsAggregate(c->else_result.get())) return true;
      for (const auto& w : c->whens) {
        if (CallsAggregate(w.condition.get()) || CallsAggregate(w.result.get())) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

bool IsWindowBound(const Expr* e) {
  if (e == nullptr || e->kind != ExprKind::kColumnRef) return false;
  const auto& parts = static_cast<const ColumnRefExpr*>(e)->parts;
  return !parts.empty() && (parts.back() == "window_start" || parts.back() == "window_end");
}

void FindUnwindowed(const SelectStatement& s, std::optional<SourceLocation>* found, EmitMode emit);

void FindUnwindowedInTable(const TableRef* t, std::optional<SourceLocation>* found, EmitMode emit) {
  if (t == nullptr || found->has_value()) return;
  switch (t->kind) {
    case TableRefKind::kSubquery:
      FindUnwindowed(*static_cast<const SubqueryRef*>(t)->subquery, found, emit);
      return;
    case TableRefKind::kJoin: {
      const auto* j = static_cast<const JoinRef*>(t);
      FindUnwindowedInTable(j->left.get(), found, emit);
      FindUnwindowedInTable(j->right.get(), found, emit);
      return;
    }
    default:
      return;
  }
}

void FindUnwindowed(const SelectStatement& s, std::optional<SourceLocation>* found, EmitMode emit) {
  for (const CommonTableExpr& cte : s.ctes) FindUnwindowed(*cte.query, found, emit);
  if (s.left) FindUnwindowed(*s.left, found, emit);
  if (s.right) FindUnwindowed(*s.right, found, emit);
  if (found->has_value() || !s.core) return;
  const SelectCore& core = *s.core;
  FindUnwindowedInTable(core.from.get(), found, emit);
  if (found->has_value()) return;
  bool aggregates =
      !core.group_by.empty() || core.group_by_all || CallsAggregate(core.having.get());
  for (const SelectItem& item : core.select_list)
    aggregates = aggregates || CallsAggregate(item.expr.get());
  if (!aggregates) return;
  for (const ExprPtr& g : core.group_by) {
    if (emit == EmitMode::kOnUpdate) break;
    if (IsWindowBound(g.get())) return;
    if (g->kind == ExprKind::kLiteral) {
      // GROUP BY 1: the select-list item it names.
      const auto* lit = static_cast<const LiteralExpr*>(g.get());
      size_t k = static_cast<size_t>(std::atoll(lit->text.c_str()));
      if (k >= 1 && k <= core.select_list.size() &&
          IsWindowBound(core.select_list[k - 1].expr.get())) {
        return;
      }
    }
  }
  *found = core.group_by.empty() ? core.loc : core.group_by.front()->loc;
}

}  // namespace

Result<std::optional<std::string>> FindUnwindowedAggregation(std::string_view sql, EmitMode emit) {
  ARK_ASSIGN_OR_RETURN(StatementPtr stmt, ParseStatement(sql));
  if (stmt->kind != StatementKind::kSelect) return std::optional<std::string>();
  std::optional<SourceLocation> found;
  FindUnwindowed(*static_cast<const SelectStmt&>(*stmt).select, &found, emit);
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(
      fmt::format("the aggregation at {}:{} ({})", found->line, found->column,
                  emit == EmitMode::kOnUpdate ? "emitted on update"
                                              : "not grouped by window_start/window_end"));
}

struct StreamingQuery::Impl {
  std::string sql;
  std::string table_name;
  EmitMode emit = EmitMode::kOnWindowClose;
  std::string event_time_column;  // lower case; empty: unknown
  absl::flat_hash_set<std::string> lookup_tables;
  LogicalPlan logical;
  std::unique_ptr<PhysicalPlan> physical;
  KernelContext ctx;
  std::vector<std::unique_ptr<StreamOperator>> ops;         // per physical node
  std::vector<std::vector<std::pair<int, int>>> consumers;  // per node: (consumer, port)
  std::vector<bool> retracting;                             // per node
  std::vector<int> sources;                                 // scans of the input table
  std::vector<bool> lookup_only;                            // per node: reads lookup tables only
  std::map<std::string, std::vector<int>, std::less<>> lookup_sources;  // table → its scans
  std::vector<LookupJoinOperator*> lookup_joins;
  int root = -1;
  SchemaPtr output_schema;
  std::string retraction_source;
  bool needs_watermarks = false;
  int64_t now_us = 0;                // processing time of the current batch (state TTL)
  int64_t watermark_us = INT64_MIN;  // the latest AdvanceWatermark
  std::vector<int> shard_columns;
  bool has_state = false;

  Status Build();
  // `rn <= N`, `rn < N` or `rn = 1` in the Filter that consumes node `node` (whose ROW_NUMBER
  // column is `rn`): N; an error when there is no such filter.
  Result<std::optional<int64_t>> RankLimit(int node, ColumnId rn) const;
  const WindowCall& node_window_call(const PhysicalNode& node) const;
  void ComputeShardColumns(const Origins& origins);
  // The columns that carry the event-time column unchanged (or cast to timestamp).
  absl::flat_hash_set<ColumnId> EventTimeColumns() const;
  // Interval joins: per side, the time column and offset past which the watermark leaves its
  // rows nothing to match (see the definition).
  void IntervalExpiry(const LogicalOp& op, const JoinSpec& spec, const Origins& origins,
                      const absl::flat_hash_set<ColumnId>& timed,
                      StreamJoinOperator::Expiry expiry[2]) const;
  Status Deliver(int node, std::vector<Delta>& deltas, StreamResult* out);
  Status Emit(std::vector<Delta>& deltas, StreamResult* out);
  Status Error(std::string_view message) const {
    return Status::InvalidArgument("stream_sql: {}", message);
  }
};

absl::flat_hash_set<ColumnId> StreamingQuery::Impl::EventTimeColumns() const {
  absl::flat_hash_set<ColumnId> timed;
  if (event_time_column.empty()) return timed;
  std::function<void(const LogicalOp&)> trace = [&](const LogicalOp& op) {
    for (const auto& c : op.children) trace(*c);
    if (op.kind == LogicalOpKind::kScan && op.table == table_name) {
      for (const LogicalColumn& c : op.columns) {
        if (AsciiLower(c.name) == event_time_column) timed.insert(c.id);
      }
    } else if (op.kind == LogicalOpKind::kProject) {
      for (size_t i = 0; i < op.exprs.size(); ++i) {
        const BoundExpr* e = op.exprs[i].get();
        // CAST(date_time AS timestamp) of an RFC 3339 string keeps the time it names.
        if (e->kind == BoundExprKind::kCast && e->type.id() == TypeId::kTimestamp) {
          e = e->children[0].get();
        }
        if (e->kind == BoundExprKind::kColumn && timed.contains(e->column_index)) {
          timed.insert(op.columns[i].id);
        }
      }
    }
  };
  trace(*logical.root);
  return timed;
}

// A join whose residual bounds one side's time by the other's — `a.ts <= b.ts + d` (BETWEEN,
// <, <=, >, >= with interval offsets) — lets a row of b go once the watermark has passed
// b.ts + d: rows of a still to come are not older than the watermark (and windows still to come
// end after it), so none can satisfy it. Only times the watermark is about qualify: the
// event-time column carried unchanged, and window ends.
void StreamingQuery::Impl::IntervalExpiry(const LogicalOp& op, const JoinSpec& spec,
                                          const Origins& origins,
                                          const absl::flat_hash_set<ColumnId>& timed,
                                          StreamJoinOperator::Expiry expiry[2]) const {
  const int left_width = static_cast<int>(op.child(0).columns.size());
  auto id_of = [&](int combined) {
    return combined < left_width
               ? op.child(0).columns[static_cast<size_t>(combined)].id
               : op.child(1).columns[static_cast<size_t>(combined - left_width)].id;
  };
  auto is_time = [&](int combined) {
    ColumnId id = id_of(combined);
    if (timed.contains(id)) return true;
    auto it = origins.find(id);
    return it != origins.end() && it->second.is_end && !it->second.session;
  };
  struct Term {
    int column;
    int64_t offset_us;
  };
  // column, column + interval, column - interval
  auto term = [](const BoundExpr& e) -> std::optional<Term> {
    if (e.kind == BoundExprKind::kColumn) return Term{e.column_index, 0};
    if (e.kind != BoundExprKind::kCall || e.function == nullptr || e.children.size() != 2 ||
        (e.function->name != "+" && e.function->name != "-") ||
        e.children[0]->kind != BoundExprKind::kColumn ||
        e.children[1]->kind != BoundExprKind::kConstant ||
        e.children[1]->type.id() != TypeId::kInterval || e.children[1]->constant.is_null()) {
      return std::nullopt;
    }
    const IntervalValue& iv = e.children[1]->constant.interval_value();
    if (iv.months != 0) return std::nullopt;
    int64_t us = iv.days * int64_t{86'400'000'000} + iv.nanos / 1000;
    return Term{e.children[0]->column_index, e.function->name == "-" ? -us : us};
  };
  std::vector<const BoundExpr*> conjuncts;
  std::function<void(const BoundExpr&)> flatten = [&](const BoundExpr& e) {
    if (e.kind == BoundExprKind::kAnd) {
      for (const auto& c : e.children) flatten(*c);
    } else {
      conjuncts.push_back(&e);
    }
  };
  flatten(*spec.residual);
  std::optional<int64_t> bound[2];
  int column[2] = {-1, -1};
  for (const BoundExpr* c : conjuncts) {
    if (c->kind != BoundExprKind::kCall || c->function == nullptr || c->children.size() != 2) {
      continue;
    }
    const std::string& f = c->function->name;
    if (f != "<" && f != "<=" && f != ">" && f != ">=") continue;
    std::optional<Term> a = term(*c->children[0]), b = term(*c->children[1]);
    if (!a || !b) continue;
    if (f == ">" || f == ">=") std::swap(a, b);  // now a <= b (or a < b)
    const bool a_left = a->column < left_width, b_left = b->column < left_width;
    if (a_left == b_left || !is_time(a->column) || !is_time(b->column)) continue;
    // a.col <= b.col + d: b's row is done once the watermark passes b.col + d.
    const int side = b_left ? 0 : 1;
    const int64_t d = b->offset_us - a->offset_us;
    if (!bound[side] || d < *bound[side]) {
      bound[side] = d;
      column[side] = b_left ? b->column : b->column - left_width;
    }
  }
  for (int side = 0; side < 2; ++side) {
    // A row is dropped once its time + offset <= the watermark before the current one; + 1 µs
    // keeps rows whose bound equals that watermark (a row at exactly the watermark may come).
    if (bound[side]) expiry[side] = {column[side], *bound[side] + 1};
  }
}

const WindowCall& StreamingQuery::Impl::node_window_call(const PhysicalNode& node) const {
  return node.window->calls[0];
}

Result<std::optional<int64_t>> StreamingQuery::Impl::RankLimit(int node, ColumnId rn) const {
  const LogicalOp* filter = nullptr;
  for (const PhysicalNode& n : physical->nodes) {
    for (int in : n.inputs) {
      if (in == node && n.logical->kind == LogicalOpKind::kFilter) filter = n.logical;
    }
  }
  auto refuse = [&]() -> Result<std::optional<int64_t>> {
    return Error(
        "ROW_NUMBER() over a stream without a window needs a filter on it, such as WHERE rn <= "
        "N (top-N) or rn = 1 (deduplication): otherwise every row's rank changes forever");
  };
  if (filter == nullptr) return refuse();
  std::vector<const BoundExpr*> conjuncts;
  std::function<void(const BoundExpr&)> split = [&](const BoundExpr& e) {
    if (e.kind == BoundExprKind::kAnd) {
      for (const auto& c : e.children) split(*c);
    } else {
      conjuncts.push_back(&e);
    }
  };
  split(*filter->predicate);
  for (const BoundExpr* c : conjuncts) {
    if (c->kind != BoundExprKind::kCall || c->children.size() != 2) continue;
    const BoundExpr* col = c->children[0].get();
    while (col->kind == BoundExprKind::kCast) col = col->children[0].get();
    const BoundExpr& lim = *c->children[1];
    if (col->kind != BoundExprKind::kColumn || col->column_index != rn ||
        lim.kind != BoundExprKind::kConstant || lim.constant.is_null() ||
        !lim.constant.type().is_integer()) {
      continue;
    }
    int64_t v = lim.constant.int_value();
    const std::string& f = c->function->name;
    if (f == "<=" && v >= 1) return std::optional<int64_t>(v);
    if (f == "<" && v >= 2) return std::optional<int64_t>(v - 1);
    if (f == "=" && v == 1) return std::optional<int64_t>(1);
  }
  return refuse();
}

Status StreamingQuery::Impl::Build() {
  const PhysicalPlan& plan = *physical;
  if (!plan.init_plans.empty()) {
    return Error(
        "subqueries in expressions (scalar, EXISTS, IN) are not supported in continuous "
        "queries yet");
  }
  if (plan.has_parameters) return Error("parameters ($1, ...) are not supported");
  Origins origins;
  CollectOrigins(*logical.root, &origins);
  const absl::flat_hash_set<ColumnId> timed = EventTimeColumns();
  size_t n = plan.nodes.size();
  ops.resize(n);
  consumers.assign(n, {});
  retracting.assign(n, false);
  lookup_only.assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    const PhysicalNode& node = plan.nodes[i];
    const LogicalOp& op = *node.logical;
    bool input_retracts = false;
    bool all_lookup = !node.inputs.empty();
    for (size_t port = 0; port < node.inputs.size(); ++port) {
      consumers[static_cast<size_t>(node.inputs[port])].emplace_back(static_cast<int>(i),
                                                                     static_cast<int>(port));
      input_retracts = input_retracts || retracting[static_cast<size_t>(node.inputs[port])];
      all_lookup = all_lookup && lookup_only[static_cast<size_t>(node.inputs[port])];
    }
    retracting[i] = input_retracts;
    // Lookup tables feed the right side of joins only, through filters and projections.
    if (op.kind == LogicalOpKind::kScan && op.table != table_name) {
      if (!lookup_tables.contains(op.table)) {
        return Error(fmt::format(
            "the query reads table {}, but a continuous query reads one stream, {}{}", op.table,
            table_name,
            lookup_tables.empty() ? std::string()
                                  : ", and lookup tables joined to it (temporary_list)"));
      }
      lookup_only[i] = true;
      lookup_sources[op.table].push_back(static_cast<int>(i));
      ARK_ASSIGN_OR_RETURN(OperatorPtr o, node.make(ParameterValues{}, &ctx));
      ops[i] = std::make_unique<BatchStep>(std::move(o), 0, node.explain, false);
      continue;
    }
    if (all_lookup) {
      if (op.kind != LogicalOpKind::kFilter && op.kind != LogicalOpKind::kProject) {
        return Error(
            fmt::format("a lookup table can only be filtered, projected and joined to "
                        "the stream (FROM stream JOIN lookup ON ...), not used in {}",
                        node.explain));
      }
      lookup_only[i] = true;
      ARK_ASSIGN_OR_RETURN(OperatorPtr o, node.make(ParameterValues{}, &ctx));
      ops[i] = std::make_unique<BatchStep>(std::move(o), 1, node.explain, false);
      continue;
    }
    bool any_lookup = false;
    for (int in : node.inputs) any_lookup = any_lookup || lookup_only[static_cast<size_t>(in)];
    if (any_lookup) {
      const bool right_is_lookup = node.inputs.size() == 2 &&
                                   lookup_only[static_cast<size_t>(node.inputs[1])] &&
                                   !lookup_only[static_cast<size_t>(node.inputs[0])];
      if (op.kind != LogicalOpKind::kJoin || !right_is_lookup) {
        return Error(fmt::format(
            "a lookup table is joined to the stream with the lookup table on the right (FROM "
            "stream s JOIN lookup l ON ...); here it meets the stream in {}",
            node.explain));
      }
      const JoinSpec& spec = *node.join;
      if ((spec.type != PhysicalJoinType::kInner && spec.type != PhysicalJoinType::kLeft) ||
          spec.left_keys.empty()) {
        return Error("a lookup join is an inner or left join with an equality condition");
      }
      auto make = node.make;
      const KernelContext* c = &ctx;
      auto join = std::make_unique<LookupJoinOperator>(
          [make, c]() { return make(ParameterValues{}, c); }, "Lookup" + node.explain);
      lookup_joins.push_back(join.get());
      ops[i] = std::move(join);
      continue;
    }
    auto batch_step = [&](bool stateful) -> Status {
      ARK_ASSIGN_OR_RETURN(OperatorPtr o, node.make(ParameterValues{}, &ctx));
      ops[i] = std::make_unique<BatchStep>(std::move(o), static_cast<int>(node.inputs.size()),
                                           node.explain, stateful);
      return Status::OK();
    };
    switch (op.kind) {
      case LogicalOpKind::kScan:
        sources.push_back(static_cast<int>(i));
        ARK_RETURN_IF_ERROR(batch_step(false));
        break;
      case LogicalOpKind::kFilter:
      case LogicalOpKind::kProject:
      case LogicalOpKind::kWindowTvf:
      case LogicalOpKind::kUnionAll:
        ARK_RETURN_IF_ERROR(batch_step(false));
        break;
      case LogicalOpKind::kDistinct:
        if (input_retracts) {
          return Error(fmt::format("DISTINCT over the changelog of {} is not supported yet",
                                   retraction_source));
        }
        ops[i] = std::make_unique<StreamDistinctOperator>(node.schema, node.explain, &now_us);
        break;
      case LogicalOpKind::kAggregate: {
        // Session windows: grouped by the bounds of SESSION proto-windows.
        int start_key = -1, end_key = -1;
        int64_t gap_us = 0;
        for (size_t k = 0; k < op.group_keys.size(); ++k) {
          const BoundExpr& e = *op.group_keys[k];
          if (e.kind != BoundExprKind::kColumn) continue;
          auto it = origins.find(e.column_index);
          if (it == origins.end() || !it->second.session) continue;
          (it->second.is_end ? end_key : start_key) = static_cast<int>(k);
          gap_us = it->second.size_us;
        }
        if (start_key >= 0 || end_key >= 0) {
          if (input_retracts) {
            return Error(
                fmt::format("a session window aggregation over the changelog of {} is "
                            "not supported",
                            retraction_source));
          }
          for (const AggregateCall& call : node.aggregate->aggregates) {
            if (call.distinct || !call.order_by.empty()) {
              return Error(
                  fmt::format("{} is not supported over SESSION windows yet (sessions "
                              "merge, and DISTINCT or ORDER BY inside a call cannot)",
                              call.display));
            }
          }
          ops[i] = std::make_unique<SessionAggregateOperator>(
              node.aggregate, start_key, end_key, gap_us, "Session" + node.explain.substr(4));
          needs_watermarks = true;
          break;
        }
        // Windowed when a group key is a window bound.
        int window_key = -1;
        WindowOrigin origin;
        for (size_t k = 0; k < op.group_keys.size(); ++k) {
          const BoundExpr& e = *op.group_keys[k];
          if (e.kind != BoundExprKind::kColumn) continue;
          auto it = origins.find(e.column_index);
          if (it == origins.end() || it->second.session) continue;
          if (!it->second.is_end && !it->second.start_gives_end) continue;
          // Prefer window_end; window_start works for TUMBLE and HOP.
          if (window_key < 0 || it->second.is_end) {
            window_key = static_cast<int>(k);
            origin = it->second;
          }
        }
        if (window_key >= 0 && emit == EmitMode::kOnWindowClose) {
          if (input_retracts) {
            return Error(
                fmt::format("a windowed aggregation over the changelog of {} is not "
                            "supported yet",
                            retraction_source));
          }
          const BoundExpr& key = *node.aggregate->group_keys[static_cast<size_t>(window_key)];
          if (key.kind != BoundExprKind::kColumn) {
            return Status::Internal("stream_sql: the window key is not an input column");
          }
          auto make = node.make;
          const KernelContext* c = &ctx;
          ops[i] = std::make_unique<WindowAggregateOperator>(
              [make, c]() { return make(ParameterValues{}, c); }, key.column_index,
              origin.is_end ? 0 : origin.size_us, "Window" + node.explain.substr(4));
          needs_watermarks = true;
          break;
        }
        // Over a changelog, min/max keep every value (RetractableExtremum).
        auto spec = std::make_shared<AggregateSpec>();
        for (const auto& k : node.aggregate->group_keys) spec->group_keys.push_back(k->Clone());
        spec->output_schema = node.aggregate->output_schema;
        for (const AggregateCall& call : node.aggregate->aggregates) {
          if (call.distinct || !call.order_by.empty()) {
            return Error(
                window_key >= 0
                    ? fmt::format("{} is not supported with emit on update yet (it is when "
                                  "windows emit on close)",
                                  call.display)
                    : fmt::format("{} without a window is not supported yet (it is over "
                                  "TUMBLE/HOP/CUMULATE windows)",
                                  call.display));
          }
          AggregateCall c;
          c.function = call.function;
          c.display = call.display;
          for (const auto& a : call.args) c.args.push_back(a->Clone());
          if (call.filter) c.filter = call.filter->Clone();
          if (input_retracts && !call.function->retractable()) {
            const std::string& fname = call.function->name();
            Result<AggregateFunctionPtr> r =
                (fname == "min" || fname == "max") && call.args.size() == 1
                    ? MakeRetractableExtremum(fname, call.args[0]->type)
                    : Result<AggregateFunctionPtr>(Status::Unimplemented("not retractable"));
            if (!r.ok()) {
              return Error(
                  fmt::format("{} cannot be updated when rows are retracted (its input "
                              "is the changelog of {})",
                              call.display, retraction_source));
            }
            c.function = std::move(r).value();
          }
          spec->aggregates.push_back(std::move(c));
        }
        ops[i] = std::make_unique<ChangelogAggregateOperator>(
            std::move(spec), "Changelog" + node.explain.substr(4), &now_us);
        retracting[i] = true;
        if (retraction_source.empty()) {
          retraction_source =
              fmt::format("the aggregation {} ({})",
                          window_key >= 0 ? "emitted on update" : "without a window", node.explain);
        }
        break;
      }
      case LogicalOpKind::kWindow: {
        // ROW_NUMBER() ... <= N without a window: a top-N per key as a changelog.
        std::optional<int64_t> top_n;
        if (op.windows.size() == 1 && op.windows[0].window_function &&
            op.windows[0].window_function->kind == WindowFunctionKind::kRowNumber) {
          bool windowed = false;
          for (const BoundExprPtr& p : op.windows[0].partition_by) {
            if (p->kind == BoundExprKind::kColumn && origins.contains(p->column_index)) {
              windowed = true;
            }
          }
          if (!windowed) {
            ARK_ASSIGN_OR_RETURN(top_n, RankLimit(static_cast<int>(i), op.columns.back().id));
          }
        }
        if (top_n) {
          if (input_retracts) {
            return Error(fmt::format("ROW_NUMBER() over the changelog of {} is not supported",
                                     retraction_source));
          }
          const WindowCall& call = node_window_call(node);
          std::vector<BoundExprPtr> partition;
          for (const auto& p : call.partition_by) partition.push_back(p->Clone());
          std::vector<SortKey> order;
          for (const SortKey& k : call.order_by) {
            order.push_back(SortKey{k.expr->Clone(), k.descending, k.nulls_first});
          }
          ops[i] = std::make_unique<RankTopNOperator>(
              std::move(partition), std::move(order), *top_n,
              plan.nodes[static_cast<size_t>(node.inputs[0])].schema, node.schema,
              fmt::format("RankTopN {} {}", *top_n, node.explain), &now_us);
          retracting[i] = true;
          if (retraction_source.empty()) {
            retraction_source = fmt::format("the top-N without a window ({})", node.explain);
          }
          break;
        }
        // OVER (PARTITION BY window_start/window_end ...): each window's rows are complete when
        // the watermark passes its end, so the window functions run then, per window (window
        // top-N and deduplication: ROW_NUMBER() ... WHERE rn <= N above).
        int window_key = -1;
        WindowOrigin origin;
        for (const WindowCall& call : op.windows) {
          int found = -1;
          for (const BoundExprPtr& p : call.partition_by) {
            if (p->kind != BoundExprKind::kColumn) continue;
            auto it = origins.find(p->column_index);
            if (it == origins.end() || it->second.session ||
                (!it->second.is_end && !it->second.start_gives_end)) {
              continue;
            }
            found = op.child(0).IndexOf(p->column_index);
            origin = it->second;
            if (it->second.is_end) break;
          }
          if (found < 0) {
            return Error(
                fmt::format("{} is not partitioned by a window (window_start or "
                            "window_end of TUMBLE/HOP/CUMULATE): over a stream, OVER "
                            "(...) needs a window to know when a partition is complete",
                            call.display));
          }
          window_key = found;
        }
        if (input_retracts) {
          return Error(fmt::format("window functions over the changelog of {} are not supported",
                                   retraction_source));
        }
        auto make = node.make;
        const KernelContext* c = &ctx;
        ops[i] = std::make_unique<WindowAggregateOperator>(
            [make, c]() { return make(ParameterValues{}, c); }, window_key,
            origin.is_end ? 0 : origin.size_us, "PerWindow " + node.explain,
            /*buffer_rows=*/true);
        needs_watermarks = true;
        break;
      }
      case LogicalOpKind::kJoin: {
        const JoinSpec& spec = *node.join;
        if (spec.type == PhysicalJoinType::kSemi || spec.type == PhysicalJoinType::kAnti ||
            spec.type == PhysicalJoinType::kCross || spec.left_keys.empty()) {
          return Error(fmt::format(
              "{}: a join of two streams needs an equality condition between them (ON a.k = "
              "b.k); without one every row would be kept and compared with every other, forever",
              node.explain));
        }
        if (input_retracts) {
          return Error(fmt::format("a join over the changelog of {} is not supported yet",
                                   retraction_source));
        }
        // A window bound on both sides of one key: rows expire with their window.
        StreamJoinOperator::Expiry expiry[2];
        for (size_t k = 0; k < spec.left_keys.size(); ++k) {
          const BoundExpr* sides[2] = {spec.left_keys[k].get(), spec.right_keys[k].get()};
          WindowOrigin o[2];
          bool both = true;
          for (int side = 0; side < 2; ++side) {
            if (sides[side]->kind != BoundExprKind::kColumn) {
              both = false;
              break;
            }
            ColumnId id = op.child(side).columns[static_cast<size_t>(sides[side]->column_index)].id;
            auto it = origins.find(id);
            if (it == origins.end() || it->second.session ||
                (!it->second.is_end && !it->second.start_gives_end)) {
              both = false;
              break;
            }
            o[side] = it->second;
          }
          if (!both) continue;
          for (int side = 0; side < 2; ++side) {
            expiry[side] = {sides[side]->column_index, o[side].is_end ? 0 : o[side].size_us};
          }
          break;
        }
        std::string explain = "Stream" + node.explain;
        if (expiry[0].column >= 0) {
          explain = "Window" + node.explain;
        } else if (spec.residual) {
          IntervalExpiry(op, spec, origins, timed, expiry);
          if (expiry[0].column >= 0 || expiry[1].column >= 0) explain = "Interval" + node.explain;
        }
        ops[i] =
            std::make_unique<StreamJoinOperator>(node.join, expiry[0], expiry[1], explain, &now_us);
        if (spec.type != PhysicalJoinType::kInner) {
          retracting[i] = true;
          if (retraction_source.empty()) {
            retraction_source = fmt::format(
                "the outer join ({}), which retracts a row padded "
                "with NULLs when its first match arrives",
                node.explain);
          }
        }
        break;
      }
      default:
        return Error(
            fmt::format("{} is not supported in continuous queries", Unsupported(op.kind)));
    }
  }
  ComputeShardColumns(origins);
  root = plan.root;
  SchemaPtr schema = plan.nodes[static_cast<size_t>(root)].schema;
  if (retracting[static_cast<size_t>(root)]) {
    std::vector<Field> fields = schema->fields();
    fields.emplace_back("__op", DataType::String(), false);
    schema = Schema::Make(std::move(fields));
  } else {
    retraction_source.clear();
  }
  output_schema = std::move(schema);
  return Status::OK();
}

// The input columns whose values decide every stateful operator's key: rows equal in them meet
// in the same operator state, so hashing them splits the stream into independent shards.
void StreamingQuery::Impl::ComputeShardColumns(const Origins& origins) {
  // Column id → the input table column it carries unchanged.
  absl::flat_hash_map<ColumnId, int> input_column;
  std::function<void(const LogicalOp&)> trace = [&](const LogicalOp& op) {
    for (const auto& c : op.children) trace(*c);
    auto map_exprs = [&](const std::vector<BoundExprPtr>& exprs) {
      for (size_t i = 0; i < exprs.size(); ++i) {
        if (exprs[i]->kind != BoundExprKind::kColumn) continue;
        auto it = input_column.find(exprs[i]->column_index);
        if (it != input_column.end()) input_column[op.columns[i].id] = it->second;
      }
    };
    if (op.kind == LogicalOpKind::kScan && op.table == table_name) {
      for (size_t j = 0; j < op.columns.size(); ++j)
        input_column[op.columns[j].id] = op.scan_columns[j];
    } else if (op.kind == LogicalOpKind::kProject) {
      map_exprs(op.exprs);
    } else if (op.kind == LogicalOpKind::kAggregate) {
      map_exprs(op.group_keys);
    }
  };
  trace(*logical.root);
  auto is_window = [&](ColumnId id) { return origins.contains(id); };
  std::optional<std::vector<int>> common;
  auto restrict = [&](std::vector<int> cols) {
    std::sort(cols.begin(), cols.end());
    cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    if (!common) {
      common = std::move(cols);
      return;
    }
    std::vector<int> both;
    std::set_intersection(common->begin(), common->end(), cols.begin(), cols.end(),
                          std::back_inserter(both));
    common = std::move(both);
  };
  auto columns_of = [&](const std::vector<const BoundExpr*>& keys) {
    std::vector<int> cols;
    for (const BoundExpr* k : keys) {
      if (k->kind != BoundExprKind::kColumn || is_window(k->column_index)) continue;
      auto it = input_column.find(k->column_index);
      if (it != input_column.end()) cols.push_back(it->second);
    }
    return cols;
  };
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!ops[i]->stateful()) continue;
    has_state = true;
    // Every shard holds the whole lookup table: lookup joins need no common key.
    if (dynamic_cast<const LookupJoinOperator*>(ops[i].get()) != nullptr) continue;
    const PhysicalNode& node = physical->nodes[i];
    const LogicalOp& op = *node.logical;
    std::vector<const BoundExpr*> keys;
    switch (op.kind) {
      case LogicalOpKind::kAggregate:
        for (const auto& k : op.group_keys) keys.push_back(k.get());
        restrict(columns_of(keys));
        break;
      case LogicalOpKind::kWindow:
        for (const WindowCall& w : op.windows) {
          for (const auto& k : w.partition_by) keys.push_back(k.get());
        }
        restrict(columns_of(keys));
        break;
      case LogicalOpKind::kDistinct: {
        std::vector<int> cols;
        for (const LogicalColumn& c : op.columns) {
          auto it = input_column.find(c.id);
          if (it != input_column.end()) cols.push_back(it->second);
        }
        restrict(cols);
        break;
      }
      case LogicalOpKind::kJoin: {
        // A key qualifies when both sides carry the same input column.
        std::vector<int> cols;
        const JoinSpec& spec = *node.join;
        for (size_t k = 0; k < spec.left_keys.size(); ++k) {
          const BoundExpr& l = *spec.left_keys[k];
          const BoundExpr& r = *spec.right_keys[k];
          if (l.kind != BoundExprKind::kColumn || r.kind != BoundExprKind::kColumn) continue;
          ColumnId lid = op.child(0).columns[static_cast<size_t>(l.column_index)].id;
          ColumnId rid = op.child(1).columns[static_cast<size_t>(r.column_index)].id;
          auto li = input_column.find(lid), ri = input_column.find(rid);
          if (li != input_column.end() && ri != input_column.end() && li->second == ri->second &&
              !is_window(lid)) {
            cols.push_back(li->second);
          }
        }
        restrict(cols);
        break;
      }
      default:
        restrict({});
        break;
    }
  }
  shard_columns = common.value_or(std::vector<int>());
}

Status StreamingQuery::Impl::Emit(std::vector<Delta>& deltas, StreamResult* out) {
  bool with_op = retracting[static_cast<size_t>(root)];
  for (Delta& d : deltas) {
    int64_t rows = d.batch.num_rows();
    if (rows == 0) continue;
    if (!with_op) {
      out->batches.push_back(std::move(d.batch));
      continue;
    }
    StringBuilder op;
    std::string_view name = RowKindName(d.kind);
    op.Reserve(rows);
    for (int64_t r = 0; r < rows; ++r) op.Append(name);
    std::vector<ColumnPtr> cols = d.batch.columns();
    cols.push_back(op.Finish());
    out->batches.emplace_back(output_schema, std::move(cols), rows);
  }
  return Status::OK();
}

Status StreamingQuery::Impl::Deliver(int node, std::vector<Delta>& deltas, StreamResult* out) {
  if (deltas.empty()) return Status::OK();
  if (node == root) return Emit(deltas, out);
  std::vector<Delta> next;
  for (const Delta& d : deltas) {
    if (d.batch.num_rows() == 0) continue;
    for (const auto& [consumer, port] : consumers[static_cast<size_t>(node)]) {
      next.clear();
      ARK_RETURN_IF_ERROR(ops[static_cast<size_t>(consumer)]->Push(port, d, &next, &out->late));
      ARK_RETURN_IF_ERROR(Deliver(consumer, next, out));
    }
  }
  return Status::OK();
}

StreamingQuery::StreamingQuery() : impl_(std::make_unique<Impl>()) {}
StreamingQuery::~StreamingQuery() = default;

Result<std::unique_ptr<StreamingQuery>> StreamingQuery::Make(
    std::string_view sql, const Catalog& catalog, std::string_view table_name,
    const std::vector<std::string>& lookup_tables, EmitMode emit,
    std::string_view event_time_column) {
  ARK_ASSIGN_OR_RETURN(StatementPtr stmt, ParseStatement(sql));
  if (stmt->kind != StatementKind::kSelect) {
    return SqlError(StatusCode::kInvalidArgument, sql, stmt->loc,
                    "a continuous query is one SELECT statement");
  }
  std::unique_ptr<StreamingQuery> q(new StreamingQuery());
  Impl& impl = *q->impl_;
  impl.sql = std::string(sql);
  impl.table_name = std::string(table_name);
  impl.emit = emit;
  impl.event_time_column = AsciiLower(event_time_column);
  for (const std::string& t : lookup_tables) {
    std::string lower = t;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    impl.lookup_tables.insert(std::move(lower));
  }
  std::transform(impl.table_name.begin(), impl.table_name.end(), impl.table_name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const SelectStatement& select = *static_cast<const SelectStmt&>(*stmt).select;
  ARK_ASSIGN_OR_RETURN(impl.logical, BindQuery(select, catalog, sql));
  ARK_RETURN_IF_ERROR(Optimize(&impl.logical));
  ARK_ASSIGN_OR_RETURN(impl.physical, CreatePhysicalPlan(impl.logical));
  ARK_RETURN_IF_ERROR(impl.Build());
  return q;
}

Status StreamingQuery::Push(const Batch& batch, StreamResult* out) {
  if (batch.num_rows() == 0) return Status::OK();
  for (int source : impl_->sources) {
    std::vector<Delta> produced;
    ARK_RETURN_IF_ERROR(impl_->ops[static_cast<size_t>(source)]->Push(
        0, Delta{batch, RowKind::kInsert}, &produced, &out->late));
    ARK_RETURN_IF_ERROR(impl_->Deliver(source, produced, out));
  }
  return Status::OK();
}

Status StreamingQuery::SetLookupTables(
    const std::map<std::string, std::vector<Batch>, std::less<>>& tables, StreamResult* out) {
  for (LookupJoinOperator* j : impl_->lookup_joins) j->ResetLookup();
  for (const auto& [name, scans] : impl_->lookup_sources) {
    auto it = tables.find(name);
    if (it == tables.end()) continue;
    for (int scan : scans) {
      for (const Batch& b : it->second) {
        if (b.num_rows() == 0) continue;
        std::vector<Delta> produced;
        ARK_RETURN_IF_ERROR(impl_->ops[static_cast<size_t>(scan)]->Push(
            0, Delta{b, RowKind::kInsert}, &produced, &out->late));
        ARK_RETURN_IF_ERROR(impl_->Deliver(scan, produced, out));
      }
    }
  }
  return Status::OK();
}

const std::vector<int>& StreamingQuery::shard_columns() const { return impl_->shard_columns; }
bool StreamingQuery::has_state() const { return impl_->has_state; }

void StreamingQuery::SetProcessingTime(int64_t now_us) { impl_->now_us = now_us; }

Status StreamingQuery::ExpireState(int64_t before_us) {
  for (const auto& op : impl_->ops) ARK_RETURN_IF_ERROR(op->ExpireState(before_us));
  return Status::OK();
}

Status StreamingQuery::AdvanceWatermark(int64_t watermark_us, StreamResult* out) {
  impl_->watermark_us = std::max(impl_->watermark_us, watermark_us);
  // Physical nodes are numbered inputs first: upstream windows close before downstream ones see
  // the watermark.
  for (size_t i = 0; i < impl_->ops.size(); ++i) {
    std::vector<Delta> produced;
    ARK_RETURN_IF_ERROR(impl_->ops[i]->OnWatermark(watermark_us, &produced));
    ARK_RETURN_IF_ERROR(impl_->Deliver(static_cast<int>(i), produced, out));
  }
  return Status::OK();
}

Status StreamingQuery::Finish(StreamResult* out) {
  for (size_t i = 0; i < impl_->ops.size(); ++i) {
    std::vector<Delta> produced;
    ARK_RETURN_IF_ERROR(impl_->ops[i]->Finish(&produced));
    ARK_RETURN_IF_ERROR(impl_->Deliver(static_cast<int>(i), produced, out));
  }
  return Status::OK();
}

const SchemaPtr& StreamingQuery::output_schema() const { return impl_->output_schema; }
bool StreamingQuery::retracting() const {
  return impl_->retracting[static_cast<size_t>(impl_->root)];
}
const std::string& StreamingQuery::retraction_source() const { return impl_->retraction_source; }
bool StreamingQuery::needs_watermarks() const { return impl_->needs_watermarks; }

std::string StreamingQuery::Explain() const {
  std::string out;
  std::function<void(int, int)> line = [&](int node, int depth) {
    out.append(static_cast<size_t>(depth) * 2, ' ');
    out += impl_->ops[static_cast<size_t>(node)]->Explain();
    out += '\n';
    for (int in : impl_->physical->nodes[static_cast<size_t>(node)].inputs) line(in, depth + 1);
  };
  line(impl_->root, 0);
  return out;
}

int64_t StreamingQuery::watermark_us() const { return impl_->watermark_us; }

namespace {
constexpr std::string_view kQueryTable = "query";
constexpr std::string_view kQueryDescription = "StreamingQuery position";
}  // namespace

Status StreamingQuery::SaveState(state::StateBackend& backend, int shard) const {
  for (size_t i = 0; i < impl_->ops.size(); ++i) {
    const StreamOperator& op = *impl_->ops[i];
    if (!op.stateful()) continue;
    ARK_ASSIGN_OR_RETURN(state::StateTable * table,
                         backend.OpenTable(std::to_string(i), op.Explain(), shard));
    table->Clear();
    ARK_RETURN_IF_ERROR(op.SaveState(*table));
  }
  ARK_ASSIGN_OR_RETURN(state::StateTable * table,
                       backend.OpenTable(kQueryTable, kQueryDescription, shard));
  table->Clear();
  std::string wm;
  state::PutPod(&wm, impl_->watermark_us);
  table->Put("watermark", wm);
  return Status::OK();
}

Status StreamingQuery::LoadState(const state::StateBackend& backend, int shard) {
  // Every saved table must belong to an operator of this plan, with the same description.
  for (const state::StateTable* table : backend.tables()) {
    if (table->shard() != shard || table->operator_id() == kQueryTable) continue;
    const std::string& id = table->operator_id();
    size_t i = 0;
    bool numeric = !id.empty() && id.size() < 10;
    for (char c : id) numeric = numeric && c >= '0' && c <= '9';
    if (numeric) i = static_cast<size_t>(std::stoul(id));
    if (!numeric || i >= impl_->ops.size() || !impl_->ops[i]->stateful()) {
      return Status::InvalidArgument(
          "the saved state has operator {} (`{}`), which the running plan does not have as a "
          "stateful operator: the query changed since the state was saved",
          id, table->description());
    }
    if (table->description() != impl_->ops[i]->Explain()) {
      return state::OperatorChanged(id, table->description(), impl_->ops[i]->Explain());
    }
  }
  for (size_t i = 0; i < impl_->ops.size(); ++i) {
    if (!impl_->ops[i]->stateful()) continue;
    const state::StateTable* table = backend.FindTable(std::to_string(i), shard);
    if (table != nullptr) ARK_RETURN_IF_ERROR(impl_->ops[i]->LoadState(*table));
  }
  if (const state::StateTable* q = backend.FindTable(kQueryTable, shard)) {
    if (std::optional<std::string_view> wm = q->Get("watermark")) {
      state::StateReader in(*wm, "the saved query position");
      ARK_RETURN_IF_ERROR(in.Pod(&impl_->watermark_us));
      ARK_RETURN_IF_ERROR(in.End());
    }
  }
  return Status::OK();
}

std::vector<OperatorState> StreamingQuery::State() const {
  std::vector<OperatorState> states;
  for (const auto& op : impl_->ops) {
    if (op->stateful()) states.push_back(op->State());
  }
  return states;
}

}  // namespace ark::sql
