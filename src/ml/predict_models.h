// The ModelRegistry seen through predict()'s interface (sql/functions/predict.h): how SQL reaches
// the models without the SQL engine depending on their runtimes. InstallModelRegistry uses it.
//
// Thread-safety: immutable; shares the registry's models.
#pragma once

#include <memory>

#include "ml/model_registry.h"
#include "sql/functions/predict.h"

namespace ark::ml {

std::shared_ptr<const sql::PredictModelCatalog> MakePredictModels(
    std::shared_ptr<const ModelRegistry> registry);

}  // namespace ark::ml
