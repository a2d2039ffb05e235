// `json_to_arrow` processor (ArkFlow's, plus the json codec's decode options): parses the JSON
// document in each row's `value_field` (default `__value__`) into columns.
//
// Output: the decoded columns (inferred per batch unless `schema` is declared; only
// `fields_to_include` when given) followed by the input's `__meta_*` columns, carried over row by
// row (a payload holding an array of objects gives several rows, each with its payload's
// metadata). Other input columns are dropped. Records that are not valid JSON objects go to
// ProcessOutput::errors (MakeErrorBatch rows plus their `__meta_*` values); the rest of the batch
// goes on; an error row's `__value__` is the whole original payload. A batch without `value_field`,
// or where it is not binary/string, fails as a whole.
//
// Stateless: Process() is called from several workers at once; each call borrows a decoder from a
// small pool (the parser and scratch buffers are reused, never shared between two calls).
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "codec/json_decoder.h"
#include "runtime/processor.h"
#include "runtime/registry.h"

namespace ark {

struct JsonToArrowOptions {
  std::string value_field = "__value__";
  // Schema, size limit and fields_to_include (as include_fields).
  JsonDecoderOptions decoder;
  // Names error rows' `__error_component` ("processor[0] json_to_arrow").
  std::string component = "json_to_arrow";
};

class JsonToArrowProcessor final : public Processor {
 public:
  // Checks the options (as JsonDecoder::Make does).
  static Result<std::unique_ptr<JsonToArrowProcessor>> Make(JsonToArrowOptions options);

  Status Process(Batch batch, ProcessOutput* out) override;

 private:
  explicit JsonToArrowProcessor(JsonToArrowOptions options) : options_(std::move(options)) {}

  Result<std::unique_ptr<JsonDecoder>> Acquire();
  void Release(std::unique_ptr<JsonDecoder> decoder);

  const JsonToArrowOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<JsonDecoder>> idle_;  // GUARDED_BY(mutex_)
};

void RegisterJsonToArrowProcessor(Registry& registry);

// `out` with the `__meta_*` columns of `in` appended, row-aligned: row i of the result takes row
// rows[i] of `in` (or row i when `rows` is empty; then `in` and `out` have as many rows). Meta
// columns whose names `out` already has are left out. Shared with arrow_to_json.
Batch AppendMetaColumns(const Batch& out, const Batch& in, std::span<const int64_t> rows);

}  // namespace ark
