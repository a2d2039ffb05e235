// `arrow_to_json` processor (ArkFlow's): turns each row into one JSON object.
//
// Output: `value_field` (default `__value__`, binary) holding the row's JSON object, followed by
// the input's `__meta_*` columns. Encoded fields: all columns except `__meta_*`, or exactly
// `fields_to_include` when given (meta columns are encoded only when listed; listed names missing
// from a batch are skipped). Value forms are the json codec's (docs/codecs/json.md).
//
// Stateless and thread-safe: Process() keeps its state on the stack.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "codec/json_encoder.h"
#include "runtime/processor.h"
#include "runtime/registry.h"

namespace ark {

struct ArrowToJsonOptions {
  std::string value_field = "__value__";
  std::vector<std::string> fields_to_include;
};

class ArrowToJsonProcessor final : public Processor {
 public:
  explicit ArrowToJsonProcessor(ArrowToJsonOptions options);

  Status Process(Batch batch, ProcessOutput* out) override;

 private:
  const ArrowToJsonOptions options_;
  const JsonEncoder encoder_;  // only its const WriteRows() is used
  // Bytes per row of the last batch, to size the next output buffer in one allocation.
  std::atomic<size_t> bytes_per_row_{128};
};

void RegisterArrowToJsonProcessor(Registry& registry);

}  // namespace ark
