#include "sql/executor.h"

#include "base/time.h"

namespace ark::sql {

PlanExecutor::PlanExecutor(const PhysicalPlan* plan) : plan_(plan) {
  consumers_.resize(plan->nodes.size());
  for (size_t n = 0; n < plan->nodes.size(); ++n) {
    const std::vector<int>& inputs = plan->nodes[n].inputs;
    for (size_t port = 0; port < inputs.size(); ++port) {
      consumers_[inputs[port]].emplace_back(static_cast<int>(n), static_cast<int>(port));
    }
  }
  for (const PhysicalPlan::InitPlan& init : plan->init_plans) {
    init_executors_.push_back(std::make_unique<PlanExecutor>(init.plan.get()));
  }
}

PlanExecutor::~PlanExecutor() = default;

Status PlanExecutor::Build(const ParameterValues& values) {
  ops_.clear();
  for (const PhysicalNode& node : plan_->nodes) {
    ARK_ASSIGN_OR_RETURN(OperatorPtr op, node.make(values, &ctx_));
    ops_.push_back(std::move(op));
  }
  return Status::OK();
}

Result<std::vector<Batch>> PlanExecutor::Run(const QueryInputs& inputs, const KernelContext& ctx) {
  if (static_cast<int>(ctx.parameters.size()) < plan_->num_parameters) {
    return Status::InvalidArgument("the statement has {} parameters but {} values were supplied",
                                   plan_->num_parameters, ctx.parameters.size());
  }
  KernelContext run_ctx = ctx;
  if (run_ctx.statement_time_us == 0) run_ctx.statement_time_us = NowMicros();
  // Subqueries first: slot k may be used by the init plans after it.
  std::vector<Value> slots;
  for (size_t i = 0; i < plan_->init_plans.size(); ++i) {
    const PhysicalPlan::InitPlan& init = plan_->init_plans[i];
    ARK_ASSIGN_OR_RETURN(std::vector<Batch> rows,
                         init_executors_[i]->RunWithSlots(inputs, run_ctx, slots));
    int64_t n = 0;
    const Batch* first = nullptr;
    for (const Batch& b : rows) {
      if (b.num_rows() > 0 && !first) first = &b;
      n += b.num_rows();
    }
    if (init.kind == SubqueryPlan::Kind::kExists) {
      slots.push_back(Value::Bool(n > 0));
    } else if (n == 0) {
      slots.push_back(Value::Null(init.type));
    } else if (n > 1) {
      return Status::InvalidArgument(
          "more than one row returned by a subquery used as an expression");
    } else {
      slots.push_back(Value::FromColumn(*first->column(0), 0));
    }
  }
  return RunWithSlots(inputs, run_ctx, slots);
}

Result<std::vector<Batch>> PlanExecutor::RunWithSlots(const QueryInputs& inputs,
                                                      const KernelContext& ctx,
                                                      const std::vector<Value>& slots) {
  ctx_.statement_time_us = ctx.statement_time_us;
  ctx_.parameters.clear();
  if (ops_.empty() || plan_->has_parameters) {
    ParameterValues values;
    values.parameters = &ctx.parameters;
    values.slots = &slots;
    ARK_RETURN_IF_ERROR(Build(values));
  } else {
    for (auto& op : ops_) op->Reset();
  }
  open_ports_.assign(plan_->nodes.size(), 0);
  for (size_t n = 0; n < plan_->nodes.size(); ++n) {
    open_ports_[n] = static_cast<int>(plan_->nodes[n].inputs.size());
  }
  std::vector<Batch> result;
  result_ = &result;
  std::vector<Batch> out;
  for (int source : plan_->source_order) {
    const PhysicalNode& node = plan_->nodes[source];
    if (!node.table.empty()) {
      auto it = inputs.tables.find(node.table);
      if (it != inputs.tables.end()) {
        for (const Batch& batch : it->second) {
          out.clear();
          ARK_RETURN_IF_ERROR(ops_[source]->Push(0, batch, &out));
          ARK_RETURN_IF_ERROR(Deliver(source, out));
        }
      }
    }
    // A scan's single input ends; a VALUES source (no inputs) produces its rows now.
    ARK_RETURN_IF_ERROR(FinishPort(source, 0));
  }
  result_ = nullptr;
  return result;
}

Status PlanExecutor::Deliver(int node, std::vector<Batch>& batches) {
  if (batches.empty()) return Status::OK();
  if (node == plan_->root) {
    for (Batch& b : batches) {
      if (b.num_rows() > 0) result_->push_back(std::move(b));
    }
    return Status::OK();
  }
  std::vector<Batch> out;
  for (const Batch& b : batches) {
    if (b.num_rows() == 0) continue;
    for (const auto& [consumer, port] : consumers_[node]) {
      out.clear();
      ARK_RETURN_IF_ERROR(ops_[consumer]->Push(port, b, &out));
      ARK_RETURN_IF_ERROR(Deliver(consumer, out));
    }
  }
  return Status::OK();
}

Status PlanExecutor::FinishPort(int node, int port) {
  std::vector<Batch> out;
  ARK_RETURN_IF_ERROR(ops_[node]->Finish(port, &out));
  ARK_RETURN_IF_ERROR(Deliver(node, out));
  if (--open_ports_[node] > 0) return Status::OK();
  for (const auto& [consumer, consumer_port] : consumers_[node]) {
    ARK_RETURN_IF_ERROR(FinishPort(consumer, consumer_port));
  }
  return Status::OK();
}

}  // namespace ark::sql
