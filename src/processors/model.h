// `model` processor: runs a model declared under `models:` over each batch and adds its outputs
// as columns (DESIGN §6).
//
//   models:
//     - {name: species, backend: xgboost, path: models/species.ubj}
//   ...
//   - type: model
//     model: species
//     inputs: [sepal_length, sepal_width, petal_length, petal_width]   # or a list<float32> column
//     outputs:
//       - {name: probabilities}                                  # list<float32>, one per class
//       - {name: species, argmax: true, labels: [setosa, versicolor, virginica]}
//
// The input columns are packed into one [rows, features] float32 matrix (ml/features.h: numbers
// and lists of numbers, converted) and the model runs once over the whole batch. A row with a null
// input or a list of another length (than the model's features, or than most rows when the model
// does not say) is not scored: it goes to error_output with the column, the row and the problem,
// and the other rows go on. Each `outputs` entry adds (or
// replaces) one column from one model output:
//   - the values: float32 (or float64) for an output of one value per row, list<float32> for a
//     wider one (class probabilities, embeddings) — `type` picks, the default follows the width;
//   - `argmax: true`: the index of the largest value (int64), or with `labels` the label at that
//     index (string);
//   - `threshold: t`: value >= t (bool), for one-value outputs.
// Without `outputs`, every model output becomes a column named after it.
//
// A batch the model fails on goes to error_output with the reason; the stream goes on.
//
// Thread-safety: stateless; Process() runs on several workers at once over the shared model.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "ml/model.h"
#include "runtime/processor.h"
#include "runtime/registry.h"

namespace ark {

struct ModelOutputColumn {
  enum class Kind { kValues, kArgmax, kThreshold };
  std::string name;      // the column
  std::string output;    // the model output (empty: the entry's position, or the first)
  int output_index = 0;  // resolved
  Kind kind = Kind::kValues;
  std::string type;  // kValues: "float32", "float64", "list<float32>"; empty: by width
  std::vector<std::string> labels;  // kArgmax
  double threshold = 0.0;           // kThreshold
};

struct ModelProcessorOptions {
  std::shared_ptr<const ml::Model> model;
  std::vector<std::string> inputs;
  std::vector<ModelOutputColumn> outputs;  // empty: every model output, by name
};

class ModelProcessor final : public Processor {
 public:
  // Checks the options against the model (output names; widths when the model's width is known).
  static Result<std::unique_ptr<ModelProcessor>> Make(ModelProcessorOptions options);

  Status Process(Batch batch, ProcessOutput* out) override;

  // The rows of `batch` the model could score, with the output columns added. Rows with a null
  // input or a list of another length are appended to `errors` instead, each with its reason in
  // `__error__` (naming the column, the row in `batch` and the problem).
  Result<Batch> Run(const Batch& batch, std::vector<Batch>* errors) const;

 private:
  explicit ModelProcessor(ModelProcessorOptions options);
  // Whether `widths` (per model output) fit every output column; the error names the column.
  Status CheckWidths(const std::vector<int64_t>& widths) const;

  ModelProcessorOptions options_;
  std::vector<std::string> input_labels_;  // "column \"amount\"", made once for the errors
};

void RegisterModelProcessor(Registry& registry);

}  // namespace ark
