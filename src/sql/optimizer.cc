#include "sql/optimizer.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <utility>

namespace ark::sql {
namespace {

using IdSet = absl::flat_hash_set<ColumnId>;

// Every expression slot of a node.
void ForEachExpr(LogicalOp& op, const std::function<void(BoundExprPtr&)>& fn) {
  if (op.predicate) fn(op.predicate);
  for (auto& e : op.exprs) fn(e);
  for (auto& e : op.group_keys) fn(e);
  for (AggregateCall& a : op.aggregates) {
    for (auto& e : a.args) fn(e);
    if (a.filter) fn(a.filter);
    for (SortKey& k : a.order_by) fn(k.expr);
  }
  for (WindowCall& w : op.windows) {
    for (auto& e : w.args) fn(e);
    for (auto& e : w.partition_by) fn(e);
    for (SortKey& k : w.order_by) fn(k.expr);
  }
  for (SortKey& k : op.sort_keys) fn(k.expr);
  for (auto& row : op.rows) {
    for (auto& e : row) fn(e);
  }
}

void CollectColumns(const BoundExpr& e, IdSet* out) {
  ForEachColumnRef(e, [&](int id) { out->insert(id); });
}

IdSet IdsOf(const LogicalOp& op) {
  IdSet ids;
  for (const LogicalColumn& c : op.columns) ids.insert(c.id);
  return ids;
}

bool ReadsOnlyIds(const BoundExpr& e, const IdSet& ids) {
  return ReadsOnly(e, [&](int id) { return ids.contains(id); });
}

bool ReadsNothing(const BoundExpr& e) {
  return ReadsOnly(e, [](int) { return false; });
}

LogicalOpPtr WrapFilter(LogicalOpPtr op, std::vector<BoundExprPtr> preds) {
  if (preds.empty()) return op;
  return MakeFilterOp(std::move(op), MakeConjunction(std::move(preds)));
}

void ForEachPlan(LogicalPlan* plan, const std::function<void(LogicalOpPtr&)>& fn) {
  fn(plan->root);
  for (SubqueryPlan& s : plan->subqueries) fn(s.plan);
}

// ---------------------------------------------------------------------------------------------
// Constant folding

void FoldTree(LogicalOpPtr& op) {
  for (auto& c : op->children) FoldTree(c);
  ForEachExpr(*op, [](BoundExprPtr& e) { FoldExpression(e); });
  if (op->kind == LogicalOpKind::kFilter && op->assert_message.empty()) {
    std::optional<bool> b = ConstantBool(*op->predicate);
    if (b == true) {
      op = std::move(op->children[0]);
    } else if (b == false || IsNullConstant(*op->predicate)) {
      auto empty = std::make_unique<LogicalOp>(LogicalOpKind::kValues);
      empty->columns = op->columns;
      op = std::move(empty);
    }
  } else if (op->kind == LogicalOpKind::kJoin && op->predicate &&
             ConstantBool(*op->predicate) == true && !op->null_aware) {
    op->predicate.reset();
  }
}

// ---------------------------------------------------------------------------------------------
// Filter push-down

LogicalOpPtr Push(LogicalOpPtr op, std::vector<BoundExprPtr> preds);

// Pushes into the single child of `op`; `down` go below, `kept` stay above `op`.
LogicalOpPtr PushThrough(LogicalOpPtr op, std::vector<BoundExprPtr> down,
                         std::vector<BoundExprPtr> kept) {
  op->children[0] = Push(std::move(op->children[0]), std::move(down));
  // Pass-through nodes take the child's columns (it may have grown a filter, never columns).
  return WrapFilter(std::move(op), std::move(kept));
}

LogicalOpPtr PushJoin(LogicalOpPtr op, std::vector<BoundExprPtr> preds) {
  IdSet left = IdsOf(op->child(0));
  IdSet right = IdsOf(op->child(1));
  std::vector<BoundExprPtr> to_left, to_right, kept, on;
  JoinType t = op->join_type;
  // Conditions of the ON clause.
  std::vector<BoundExprPtr> conds;
  if (op->predicate && !op->null_aware) SplitConjuncts(std::move(op->predicate), &conds);
  for (BoundExprPtr& c : conds) {
    bool det = IsDeterministic(*c);
    bool l = ReadsOnlyIds(*c, left), r = ReadsOnlyIds(*c, right);
    if (det && r && !l &&
        (t == JoinType::kInner || t == JoinType::kLeft || t == JoinType::kSemi ||
         t == JoinType::kAnti)) {
      to_right.push_back(std::move(c));
    } else if (det && l && !r &&
               (t == JoinType::kInner || t == JoinType::kRight || t == JoinType::kSemi)) {
      to_left.push_back(std::move(c));
    } else {
      on.push_back(std::move(c));
    }
  }
  // Conditions from above (over the join's output).
  for (BoundExprPtr& p : preds) {
    bool det = IsDeterministic(*p);
    bool l = ReadsOnlyIds(*p, left), r = ReadsOnlyIds(*p, right);
    if (!det) {
      kept.push_back(std::move(p));
    } else if (l && (t == JoinType::kInner || t == JoinType::kLeft || t == JoinType::kSemi ||
                     t == JoinType::kAnti)) {
      to_left.push_back(std::move(p));
    } else if (r && (t == JoinType::kInner || t == JoinType::kRight)) {
      to_right.push_back(std::move(p));
    } else if (t == JoinType::kInner) {
      on.push_back(std::move(p));
    } else {
      kept.push_back(std::move(p));
    }
  }
  if (!op->null_aware) op->predicate = MakeConjunction(std::move(on));
  op->children[0] = Push(std::move(op->children[0]), std::move(to_left));
  op->children[1] = Push(std::move(op->children[1]), std::move(to_right));
  return WrapFilter(std::move(op), std::move(kept));
}

// Maps predicates over a set operation's outputs onto child `i`'s columns.
std::vector<BoundExprPtr> MapToChild(const LogicalOp& op, size_t i,
                                     const std::vector<BoundExprPtr>& preds) {
  absl::flat_hash_map<ColumnId, const LogicalColumn*> map;
  for (size_t k = 0; k < op.columns.size(); ++k) map[op.columns[k].id] = &op.child(i).columns[k];
  std::vector<BoundExprPtr> out;
  for (const auto& p : preds) {
    BoundExprPtr c = p->Clone();
    ReplaceColumnRefs(c, [&](const BoundExpr& col) -> BoundExprPtr {
      auto it = map.find(col.column_index);
      if (it == map.end()) return nullptr;
      return BoundExpr::Column(it->second->id, it->second->type);
    });
    out.push_back(std::move(c));
  }
  return out;
}

LogicalOpPtr Push(LogicalOpPtr op, std::vector<BoundExprPtr> preds) {
  std::vector<BoundExprPtr> down, kept;
  switch (op->kind) {
    case LogicalOpKind::kFilter: {
      if (!op->assert_message.empty()) {
        // An assertion checks the rows it sees: nothing moves across it.
        return PushThrough(std::move(op), {}, std::move(preds));
      }
      std::vector<BoundExprPtr> all;
      SplitConjuncts(std::move(op->predicate), &all);
      for (auto& p : preds) all.push_back(std::move(p));
      // A non-deterministic conjunct stays where it was written, with what follows it.
      for (auto& p : all) {
        if (!kept.empty() || !IsDeterministic(*p)) {
          kept.push_back(std::move(p));
        } else {
          down.push_back(std::move(p));
        }
      }
      LogicalOpPtr child = Push(std::move(op->children[0]), std::move(down));
      return WrapFilter(std::move(child), std::move(kept));
    }
    case LogicalOpKind::kProject: {
      absl::flat_hash_map<ColumnId, const BoundExpr*> exprs;
      for (size_t i = 0; i < op->columns.size(); ++i) exprs[op->columns[i].id] = op->exprs[i].get();
      for (auto& p : preds) {
        bool ok = IsDeterministic(*p);
        ForEachColumnRef(*p, [&](int id) {
          auto it = exprs.find(id);
          ok = ok && it != exprs.end() && IsDeterministic(*it->second);
        });
        if (!ok) {
          kept.push_back(std::move(p));
          continue;
        }
        ReplaceColumnRefs(p, [&](const BoundExpr& col) -> BoundExprPtr {
          return exprs.at(col.column_index)->Clone();
        });
        down.push_back(std::move(p));
      }
      return PushThrough(std::move(op), std::move(down), std::move(kept));
    }
    case LogicalOpKind::kAggregate: {
      absl::flat_hash_map<ColumnId, const BoundExpr*> keys;
      for (size_t i = 0; i < op->group_keys.size(); ++i) {
        keys[op->columns[i].id] = op->group_keys[i].get();
      }
      for (auto& p : preds) {
        bool any = false, ok = IsDeterministic(*p);
        ForEachColumnRef(*p, [&](int id) {
          any = true;
          ok = ok && keys.contains(id);
        });
        if (!ok || !any) {
          kept.push_back(std::move(p));
          continue;
        }
        ReplaceColumnRefs(p, [&](const BoundExpr& col) -> BoundExprPtr {
          return keys.at(col.column_index)->Clone();
        });
        down.push_back(std::move(p));
      }
      return PushThrough(std::move(op), std::move(down), std::move(kept));
    }
    case LogicalOpKind::kWindow: {
      // Only conditions on columns every call partitions by select whole partitions.
      IdSet common;
      bool first = true;
      for (const WindowCall& w : op->windows) {
        IdSet mine;
        for (const auto& e : w.partition_by) {
          if (e->kind == BoundExprKind::kColumn) mine.insert(e->column_index);
        }
        if (first) {
          common = std::move(mine);
          first = false;
        } else {
          IdSet both;
          for (ColumnId id : common) {
            if (mine.contains(id)) both.insert(id);
          }
          common = std::move(both);
        }
      }
      for (auto& p : preds) {
        if (IsDeterministic(*p) && !ReadsNothing(*p) && ReadsOnlyIds(*p, common)) {
          down.push_back(std::move(p));
        } else {
          kept.push_back(std::move(p));
        }
      }
      return PushThrough(std::move(op), std::move(down), std::move(kept));
    }
    case LogicalOpKind::kJoin:
      return PushJoin(std::move(op), std::move(preds));
    case LogicalOpKind::kSort:
    case LogicalOpKind::kDistinct:
      return PushThrough(std::move(op), std::move(preds), {});
    case LogicalOpKind::kLimit:
    case LogicalOpKind::kTopN:
      return PushThrough(std::move(op), {}, std::move(preds));
    case LogicalOpKind::kUnionAll:
    case LogicalOpKind::kSetOperation: {
      for (auto& p : preds) {
        if (IsDeterministic(*p)) {
          down.push_back(std::move(p));
        } else {
          kept.push_back(std::move(p));
        }
      }
      for (size_t i = 0; i < op->children.size(); ++i) {
        // Map before moving the child out: argument evaluation order is unspecified, and
        // MapToChild reads the child's columns.
        std::vector<BoundExprPtr> mapped = MapToChild(*op, i, down);
        op->children[i] = Push(std::move(op->children[i]), std::move(mapped));
      }
      return WrapFilter(std::move(op), std::move(kept));
    }
    case LogicalOpKind::kWindowTvf: {
      // Conditions on the input's columns hold for every window of a row: filter before.
      IdSet child = IdsOf(op->child(0));
      for (auto& p : preds) {
        if (IsDeterministic(*p) && ReadsOnlyIds(*p, child)) {
          down.push_back(std::move(p));
        } else {
          kept.push_back(std::move(p));
        }
      }
      return PushThrough(std::move(op), std::move(down), std::move(kept));
    }
    case LogicalOpKind::kScan:
    case LogicalOpKind::kValues:
      return WrapFilter(std::move(op), std::move(preds));
  }
  return WrapFilter(std::move(op), std::move(preds));
}

// ---------------------------------------------------------------------------------------------
// Column pruning

void SyncPassThrough(LogicalOp& op) { op.columns = op.child(0).columns; }

void Prune(LogicalOp& op, const IdSet& required);

void PruneChild(LogicalOp& op, size_t i, const IdSet& need) { Prune(*op.children[i], need); }

void Prune(LogicalOp& op, const IdSet& required) {
  switch (op.kind) {
    case LogicalOpKind::kScan: {
      std::vector<int> cols;
      std::vector<LogicalColumn> out;
      for (size_t i = 0; i < op.columns.size(); ++i) {
        if (required.contains(op.columns[i].id)) {
          cols.push_back(op.scan_columns[i]);
          out.push_back(op.columns[i]);
        }
      }
      op.scan_columns = std::move(cols);
      op.columns = std::move(out);
      return;
    }
    case LogicalOpKind::kValues: {
      std::vector<int> keep;
      for (size_t i = 0; i < op.columns.size(); ++i) {
        if (required.contains(op.columns[i].id)) keep.push_back(static_cast<int>(i));
      }
      if (keep.size() == op.columns.size()) return;
      std::vector<LogicalColumn> cols;
      for (int i : keep) cols.push_back(op.columns[i]);
      for (auto& row : op.rows) {
        std::vector<BoundExprPtr> kept;
        for (int i : keep) kept.push_back(std::move(row[i]));
        row = std::move(kept);
      }
      if (op.constant_rows) {
        std::vector<Field> fields;
        for (const LogicalColumn& c : cols) fields.emplace_back(c.name, c.type);
        op.constant_rows = op.constant_rows->Project(std::span<const int>(keep));
        op.constant_rows = Batch(Schema::Make(std::move(fields)), op.constant_rows->columns(),
                                 op.constant_rows->num_rows());
      }
      op.columns = std::move(cols);
      return;
    }
    case LogicalOpKind::kFilter: {
      IdSet need = required;
      CollectColumns(*op.predicate, &need);
      PruneChild(op, 0, need);
      SyncPassThrough(op);
      return;
    }
    case LogicalOpKind::kProject: {
      IdSet need;
      std::vector<LogicalColumn> cols;
      std::vector<BoundExprPtr> exprs;
      for (size_t i = 0; i < op.columns.size(); ++i) {
        if (!required.contains(op.columns[i].id)) continue;
        CollectColumns(*op.exprs[i], &need);
        cols.push_back(op.columns[i]);
        exprs.push_back(std::move(op.exprs[i]));
      }
      op.columns = std::move(cols);
      op.exprs = std::move(exprs);
      PruneChild(op, 0, need);
      return;
    }
    case LogicalOpKind::kAggregate: {
      IdSet need;
      size_t nkeys = op.group_keys.size();
      std::vector<LogicalColumn> cols(op.columns.begin(), op.columns.begin() + nkeys);
      for (const auto& k : op.group_keys) CollectColumns(*k, &need);
      std::vector<AggregateCall> aggs;
      for (size_t i = 0; i < op.aggregates.size(); ++i) {
        if (!required.contains(op.columns[nkeys + i].id)) continue;
        AggregateCall& a = op.aggregates[i];
        for (const auto& e : a.args) CollectColumns(*e, &need);
        if (a.filter) CollectColumns(*a.filter, &need);
        for (const SortKey& k : a.order_by) CollectColumns(*k.expr, &need);
        cols.push_back(op.columns[nkeys + i]);
        aggs.push_back(std::move(a));
      }
      op.aggregates = std::move(aggs);
      op.columns = std::move(cols);
      PruneChild(op, 0, need);
      return;
    }
    case LogicalOpKind::kWindow: {
      size_t nchild = op.columns.size() - op.windows.size();
      IdSet need;
      for (size_t i = 0; i < nchild; ++i) {
        if (required.contains(op.columns[i].id)) need.insert(op.columns[i].id);
      }
      std::vector<LogicalColumn> win_cols;
      std::vector<WindowCall> calls;
      for (size_t i = 0; i < op.windows.size(); ++i) {
        if (!required.contains(op.columns[nchild + i].id)) continue;
        WindowCall& w = op.windows[i];
        for (const auto& e : w.args) CollectColumns(*e, &need);
        for (const auto& e : w.partition_by) CollectColumns(*e, &need);
        for (const SortKey& k : w.order_by) CollectColumns(*k.expr, &need);
        win_cols.push_back(op.columns[nchild + i]);
        calls.push_back(std::move(w));
      }
      op.windows = std::move(calls);
      PruneChild(op, 0, need);
      op.columns = op.child(0).columns;
      op.columns.insert(op.columns.end(), win_cols.begin(), win_cols.end());
      return;
    }
    case LogicalOpKind::kJoin: {
      IdSet left = IdsOf(op.child(0)), right = IdsOf(op.child(1));
      IdSet need_left, need_right;
      IdSet all = required;
      if (op.predicate) CollectColumns(*op.predicate, &all);
      for (ColumnId id : all) {
        if (left.contains(id)) need_left.insert(id);
        if (right.contains(id)) need_right.insert(id);
      }
      PruneChild(op, 0, need_left);
      PruneChild(op, 1, need_right);
      op.columns = op.child(0).columns;
      if (op.join_type != JoinType::kSemi && op.join_type != JoinType::kAnti) {
        op.columns.insert(op.columns.end(), op.child(1).columns.begin(), op.child(1).columns.end());
      }
      return;
    }
    case LogicalOpKind::kSort:
    case LogicalOpKind::kTopN: {
      IdSet need = required;
      for (const SortKey& k : op.sort_keys) CollectColumns(*k.expr, &need);
      PruneChild(op, 0, need);
      SyncPassThrough(op);
      return;
    }
    case LogicalOpKind::kLimit:
      PruneChild(op, 0, required);
      SyncPassThrough(op);
      return;
    case LogicalOpKind::kDistinct:
    case LogicalOpKind::kSetOperation: {
      // Every column takes part in row equality.
      for (size_t i = 0; i < op.children.size(); ++i) PruneChild(op, i, IdsOf(op.child(i)));
      return;
    }
    case LogicalOpKind::kWindowTvf: {
      // window_start and window_end stay (cheap); the child keeps what is required and the time
      // column.
      IdSet need = required;
      need.insert(op.window_tvf.time_column);
      PruneChild(op, 0, need);
      std::vector<LogicalColumn> window_cols(op.columns.end() - 2, op.columns.end());
      op.columns = op.child(0).columns;
      op.columns.insert(op.columns.end(), window_cols.begin(), window_cols.end());
      return;
    }
    case LogicalOpKind::kUnionAll: {
      std::vector<size_t> keep;
      for (size_t i = 0; i < op.columns.size(); ++i) {
        if (required.contains(op.columns[i].id)) keep.push_back(i);
      }
      for (auto& child : op.children) {
        std::vector<ColumnId> ids;
        IdSet need;
        for (size_t i : keep) {
          ids.push_back(child->columns[i].id);
          need.insert(child->columns[i].id);
        }
        Prune(*child, need);
        bool exact = child->columns.size() == ids.size();
        for (size_t i = 0; exact && i < ids.size(); ++i) exact = child->columns[i].id == ids[i];
        if (!exact) child = MakeKeepOp(std::move(child), ids);
      }
      std::vector<LogicalColumn> cols;
      for (size_t i : keep) cols.push_back(op.columns[i]);
      op.columns = std::move(cols);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Top-N and identity projections

void SimplifyTree(LogicalOpPtr& op) {
  for (auto& c : op->children) SimplifyTree(c);
  if (op->kind == LogicalOpKind::kLimit && op->limit && op->child(0).kind == LogicalOpKind::kSort) {
    LogicalOpPtr sort = std::move(op->children[0]);
    auto topn = std::make_unique<LogicalOp>(LogicalOpKind::kTopN);
    topn->columns = op->columns;
    topn->sort_keys = std::move(sort->sort_keys);
    topn->limit = op->limit;
    topn->offset = op->offset;
    topn->children.push_back(std::move(sort->children[0]));
    op = std::move(topn);
  }
  if (op->kind == LogicalOpKind::kProject && op->child(0).kind == LogicalOpKind::kProject) {
    // Project over project: substitute, unless that would compute a non-trivial expression
    // twice.
    LogicalOp& inner = *op->children[0];
    absl::flat_hash_map<ColumnId, int> uses;
    for (const auto& e : op->exprs) ForEachColumnRef(*e, [&](int id) { ++uses[id]; });
    bool ok = true;
    absl::flat_hash_map<ColumnId, const BoundExpr*> defs;
    for (size_t i = 0; i < inner.columns.size(); ++i) {
      const BoundExpr& d = *inner.exprs[i];
      defs[inner.columns[i].id] = &d;
      bool cheap = d.kind == BoundExprKind::kColumn || d.kind == BoundExprKind::kConstant;
      ok = ok && IsDeterministic(d) && (cheap || uses[inner.columns[i].id] <= 1);
    }
    if (ok) {
      for (auto& e : op->exprs) {
        ReplaceColumnRefs(e, [&](const BoundExpr& col) -> BoundExprPtr {
          return defs.at(col.column_index)->Clone();
        });
        FoldExpression(e);
      }
      op->children[0] = std::move(inner.children[0]);
    }
  }
  if (op->kind == LogicalOpKind::kProject && op->columns.size() == op->child(0).columns.size()) {
    bool identity = true;
    for (size_t i = 0; identity && i < op->columns.size(); ++i) {
      const BoundExpr& e = *op->exprs[i];
      identity = e.kind == BoundExprKind::kColumn && e.column_index == op->columns[i].id &&
                 op->child(0).columns[i].id == op->columns[i].id &&
                 op->child(0).columns[i].name == op->columns[i].name;
    }
    if (identity) op = std::move(op->children[0]);
  }
}

}  // namespace

void FoldExpression(BoundExprPtr& e) {
  for (auto& c : e->children) FoldExpression(c);
  if (e->kind == BoundExprKind::kAnd || e->kind == BoundExprKind::kOr) {
    bool is_and = e->kind == BoundExprKind::kAnd;
    std::vector<BoundExprPtr> kept;
    for (auto& c : e->children) {
      std::optional<bool> b = ConstantBool(*c);
      if (b == is_and) continue;  // TRUE in AND, FALSE in OR: no effect
      if (b == !is_and) {
        e = BoundExpr::Constant(Value::Bool(!is_and));
        return;
      }
      kept.push_back(std::move(c));
    }
    if (kept.empty()) {
      e = BoundExpr::Constant(Value::Bool(is_and));
      return;
    }
    if (kept.size() == 1) {
      e = std::move(kept[0]);
      return;
    }
    e->children = std::move(kept);
  }
  if (e->kind == BoundExprKind::kConstant || e->kind == BoundExprKind::kColumn ||
      e->kind == BoundExprKind::kParameter || !e->IsConstant()) {
    return;
  }
  Result<Value> v = EvaluateConstant(*e);
  if (!v.ok()) return;  // the error shows when the query runs
  Value value = std::move(v).value();
  if (value.is_null()) {
    value = Value::Null(e->type);
  } else if (value.type() != e->type) {
    return;  // keep the declared type exact
  }
  e = BoundExpr::Constant(std::move(value));
}

void FoldConstants(LogicalPlan* plan) { ForEachPlan(plan, FoldTree); }

void PushDownFilters(LogicalPlan* plan) {
  ForEachPlan(plan, [](LogicalOpPtr& root) { root = Push(std::move(root), {}); });
}

void PruneColumns(LogicalPlan* plan) {
  ForEachPlan(plan, [](LogicalOpPtr& root) { Prune(*root, IdsOf(*root)); });
}

void SimplifyPlan(LogicalPlan* plan) { ForEachPlan(plan, SimplifyTree); }

Status Optimize(LogicalPlan* plan) {
  FoldConstants(plan);
  PushDownFilters(plan);
  FoldConstants(plan);
  PruneColumns(plan);
  SimplifyPlan(plan);
  return Status::OK();
}

}  // namespace ark::sql
