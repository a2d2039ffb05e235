// predict(model, feature, ...): the SQL face of in-pipeline inference (DESIGN §6).
//
//   SELECT *, predict('fraud', amount, hour, velocity, distance_km) AS score FROM flow
//   SELECT predict('species:prediction', features) AS probabilities FROM flow   -- a list column
//
// The SQL engine does not know model runtimes: it calls models through the small interface below,
// which src/ml implements over its ModelRegistry and src/cli installs when it loads `models:`. The
// function is evaluated once per batch: its arguments arrive as whole columns, are packed into one
// [rows, features] matrix, and the model runs once over it.
//
// The first argument names the model (a string literal), optionally followed by ':' and the name
// of one of its outputs (default: the first). The result is float32 when that output has one value
// per row, list<float32> otherwise (class probabilities).
//
// Thread-safety: the installed catalog is set at start-up, before queries are prepared, and read
// concurrently afterwards; PredictModel implementations are thread-safe.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/column.h"
#include "core/types.h"
#include "sql/functions/function.h"

namespace ark::sql {

// One model output as predict() sees it.
class PredictModel {
 public:
  virtual ~PredictModel() = default;
  // The result type for features of these types, or why they do not fit the model.
  virtual Result<DataType> Bind(std::span<const DataType> feature_types) const = 0;
  // The model over `rows` rows of the feature columns (each `rows` long).
  virtual Result<ColumnPtr> Predict(std::span<const ColumnPtr> features, int64_t rows) const = 0;
};

class PredictModelCatalog {
 public:
  virtual ~PredictModelCatalog() = default;
  // `name` is "model" or "model:output"; NotFound (naming the models there are) when absent.
  virtual Result<std::shared_ptr<const PredictModel>> Find(std::string_view name) const = 0;
};

// The models predict() calls (null: none are declared).
void InstallPredictModels(std::shared_ptr<const PredictModelCatalog> catalog);
std::shared_ptr<const PredictModelCatalog> InstalledPredictModels();

// Registers predict() (called from RegisterScalarFunctions).
void RegisterPredictFunction(FunctionRegistry& registry);

}  // namespace ark::sql
