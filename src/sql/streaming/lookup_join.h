// LookupJoinOperator: a stream joined with a lookup table (a temporal join on processing time:
// `FROM flow AS b JOIN channels FOR SYSTEM_TIME AS OF b.proc_time AS c ON b.channel = c.name`,
// the FOR SYSTEM_TIME clause optional). Port 1 receives the lookup table's rows (its current
// version, through any filter or projection of it); port 0 the stream. Each stream batch is
// probed against a hash table built once per version of the lookup table (a batch HashJoin kept
// alive), so inner and left joins emit at once, append-only: a new version of the table changes
// what later rows join, never rows already emitted.
//
// Thread-safety: one thread (stream_operator.h).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sql/operators/operator.h"
#include "sql/streaming/stream_operator.h"

namespace ark::sql {

class LookupJoinOperator final : public StreamOperator {
 public:
  using MakeJoin = std::function<Result<OperatorPtr>()>;
  LookupJoinOperator(MakeJoin make, std::string explain);

  int num_inputs() const override { return 2; }
  Status Push(int port, const Delta& delta, std::vector<Delta>* out,
              std::vector<LateRows>* late) override;
  std::string Explain() const override { return explain_; }
  bool stateful() const override { return true; }
  // keys: lookup rows held; bytes: those rows (the hash table comes on top).
  OperatorState State() const override;
  // Nothing is saved: the lookup rows are the tables' current contents, which the query's owner
  // supplies again (StreamingQuery::SetLookupTables) after a restart.
  Status SaveState(state::StateTable& table) const override {
    (void)table;
    return Status::OK();
  }
  Status LoadState(const state::StateTable& table) override {
    (void)table;
    return Status::OK();
  }

  // A new version of the lookup table follows: forget the rows and the hash table.
  void ResetLookup();

 private:
  const MakeJoin make_;
  const std::string explain_;
  std::vector<Batch> lookup_;
  OperatorPtr join_;  // built from lookup_ at the first probe after a change
};

}  // namespace ark::sql
