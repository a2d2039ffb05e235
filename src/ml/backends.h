// The backends behind LoadModel (model.h), one translation unit each so that the heavy headers
// (<torch/script.h> above all: ~9 s and 760 MB to compile) stay inside one file. Internal to
// src/ml.
//
// Thread-safety: the loaders may run concurrently; Configure*Threads are process-wide settings
// made at start-up.
#pragma once

#include <memory>

#include "base/status.h"
#include "ml/model.h"

namespace ark::ml {

// `native`: predict with DenseNetwork when the graph is one (ml/dense_network.h); false: always
// through OpenCV (tests and benchmarks compare the two).
Result<std::unique_ptr<Model>> LoadOnnxModel(const ModelSpec& spec, bool native = true);
Result<std::unique_ptr<Model>> LoadTorchScriptModel(const ModelSpec& spec);
// `native`: predict with XgboostTrees when it covers the model (ml/xgboost_trees.h); false: always
// through XGBoost's C API (tests and benchmarks compare the two).
Result<std::unique_ptr<Model>> LoadXgboostModel(const ModelSpec& spec, bool native = true);

// OpenCV and libtorch size their thread pools per process, not per model: the ModelRegistry sets
// them to the largest `threads` among the models of that backend.
void ConfigureOnnxThreads(int threads);
void ConfigureTorchScriptThreads(int threads);

}  // namespace ark::ml
