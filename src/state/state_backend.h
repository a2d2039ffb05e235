// StateBackend: where the StateTables of a job live (DESIGN §5), one per (operator, shard). The
// memory backend (memory_state_backend.h) keeps them in ordered maps and writes snapshots as
// files; a RocksDB backend is the [durability] issue's.
//
//   MemoryStateBackend backend;
//   ARK_ASSIGN_OR_RETURN(StateTable* t, backend.OpenTable("2", "WindowAggregate keys=[...]", 0));
//
// Opening a table that exists (created earlier, or read from a snapshot) with another description
// is refused, naming the operator and both descriptions: state saved by one plan is never loaded
// into an operator of another.
//
// Thread-safety: a backend is used by one thread at a time; each table by one thread.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "state/state_table.h"

namespace ark::state {

class StateBackend {
 public:
  virtual ~StateBackend() = default;

  // The table of `operator_id` in `shard`, created empty when there is none. The table lives as
  // long as the backend. InvalidArgument when the table exists with another description.
  virtual Result<StateTable*> OpenTable(std::string_view operator_id, std::string_view description,
                                        int shard) = 0;
  // The existing table, or null.
  virtual StateTable* FindTable(std::string_view operator_id, int shard) const = 0;
  // Every table, ordered by operator id, then shard.
  virtual std::vector<StateTable*> tables() const = 0;
};

// "operator 2 changed from `A` to `B`": the message for state whose operator no longer matches.
Status OperatorChanged(std::string_view operator_id, std::string_view saved,
                       std::string_view running);

}  // namespace ark::state
