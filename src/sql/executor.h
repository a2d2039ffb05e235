// PlanExecutor: runs a PhysicalPlan (planner.h) over one set of inputs.
//
// Push-based: for each source in the plan's source order it pushes the source's batches (a
// scan: its table's batches; VALUES: its own rows) into the operators that consume it, each
// operator's output straight on into its consumers, and finishes each input when its producer is
// done — so build sides of joins end before probe batches arrive. Init plans (uncorrelated scalar
// and EXISTS subqueries) run first; their values, like the statement's parameters, are substituted
// into the operators' expressions when the operators are built.
//
// An executor keeps its operators between runs (Reset) unless the plan has parameters or
// subqueries, whose values change per run.
//
// Thread-safety: one executor per thread; the plan is shared and immutable.
#pragma once

#include <memory>
#include <vector>

#include "base/status.h"
#include "sql/planner.h"
#include "sql/query.h"

namespace ark::sql {

class PlanExecutor {
 public:
  explicit PlanExecutor(const PhysicalPlan* plan);
  ~PlanExecutor();

  // Runs the plan; the root's output batches, in order. `ctx.parameters` are the values of $1...
  Result<std::vector<Batch>> Run(const QueryInputs& inputs, const KernelContext& ctx);

 private:
  Result<std::vector<Batch>> RunWithSlots(const QueryInputs& inputs, const KernelContext& ctx,
                                          const std::vector<Value>& slots);
  Status Build(const ParameterValues& values);
  Status Deliver(int node, std::vector<Batch>& batches);
  Status FinishPort(int node, int port);

  const PhysicalPlan* plan_;
  KernelContext ctx_;  // the current run's (parameters already substituted)
  std::vector<OperatorPtr> ops_;
  std::vector<std::vector<std::pair<int, int>>> consumers_;  // per node: (consumer, port)
  std::vector<int> open_ports_;
  std::vector<std::unique_ptr<PlanExecutor>> init_executors_;
  std::vector<Batch>* result_ = nullptr;
};

}  // namespace ark::sql
