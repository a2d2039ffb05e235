// `drop` output: discards every batch (ArkFlow's `drop`) — for benchmarks and dead-end pipelines.
// Write returns OK at once, so inputs are acknowledged as soon as their batches arrive here.
//
// Thread-safety: stateless; one writer thread (Output contract).
#pragma once

#include "runtime/output.h"
#include "runtime/registry.h"

namespace ark {

class DropOutput final : public Output {
 public:
  // Writes the rows as they come, `__op` included.
  bool accepts_changelog() const override { return true; }
  Status Write(const Batch& batch) override {
    (void)batch;
    return Status::OK();
  }
};

void RegisterDropOutput(Registry& registry);

}  // namespace ark
