// Model: one machine-learning model loaded into the process (DESIGN §6) — an ONNX graph run by
// OpenCV DNN, a TorchScript module run by libtorch, or an XGBoost booster run through its C API.
// Every backend takes the same input, a row-major float32 matrix [rows, features] holding a whole
// batch, and returns one float32 matrix [rows, width] per named output.
//
//   ARK_ASSIGN_OR_RETURN(std::shared_ptr<const Model> model, LoadModel(spec));
//   ARK_ASSIGN_OR_RETURN(std::vector<Tensor> out, model->Infer(features.data(), rows, 16));
//   // out[i] belongs to model->output_names()[i]
//
// Errors say which model, which file and why: a missing file, a file the backend rejects (with the
// backend's reason; OpenCV 4.6 rejects ONNX Gemm nodes with transB=0), a width the model does not
// take.
//
// Thread-safety: a loaded Model is shared by every stream and worker; Infer() and OutputWidths()
// may be called concurrently (the ONNX backend keeps one OpenCV network per concurrent caller,
// libtorch and XGBoost inference are thread-safe).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ark::ml {

enum class Backend { kOnnx, kTorchScript, kXgboost };

// "onnx", "torchscript", "xgboost".
std::string_view BackendName(Backend backend);
// Whether this build includes `backend` (each needs its Debian package at configure time).
bool BackendAvailable(Backend backend);
Result<Backend> ParseBackend(std::string_view name);

// What to load (the `models:` entry, see config/engine_config.h).
struct ModelSpec {
  std::string name;
  Backend backend = Backend::kOnnx;
  std::string path;
  std::string input;                 // ONNX graph input; empty: the first
  int64_t features = 0;              // declared features per row; 0: not declared
  std::vector<std::string> outputs;  // see ModelConfig::outputs
  int threads = 1;
};

// A dense row-major float32 matrix.
struct Tensor {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<float> values;  // rows * cols
};

class Model {
 public:
  virtual ~Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.name; }
  Backend backend() const { return spec_.backend; }
  // Features per row: declared in the spec, or stated by the model file (XGBoost); 0 if unknown.
  int64_t features() const { return features_; }
  // Names of the outputs Infer() returns, in order.
  const std::vector<std::string>& output_names() const { return output_names_; }
  // Index of output `name` in output_names(), or -1.
  int OutputIndex(std::string_view name) const;

  // Runs the model over `rows` rows of `features` floats each (`data` holds rows * features).
  // Returns one tensor per output_names() entry, each with `rows` rows.
  Result<std::vector<Tensor>> Infer(const float* data, int64_t rows, int64_t features) const;

  // The width of each output for inputs of `features` features per row, learned from a one-row
  // inference of zeros (done once per width and cached).
  Result<std::vector<int64_t>> OutputWidths(int64_t features) const;

  // "model \"fraud\" (xgboost, models/fraud.json)": how errors name the model.
  std::string Describe() const;

  // Whether the engine predicts with its own evaluator (XGBoost trees, see ml/xgboost_trees.h;
  // ONNX fully connected networks, see ml/dense_network.h) rather than the backend's library.
  virtual bool PredictsNatively() const { return false; }

 protected:
  explicit Model(ModelSpec spec) : spec_(std::move(spec)), features_(spec_.features) {}

  // The backend's inference. REQUIRES: rows > 0, features > 0. Must be thread-safe.
  virtual Result<std::vector<Tensor>> Run(const float* data, int64_t rows,
                                          int64_t features) const = 0;

  ModelSpec spec_;
  int64_t features_ = 0;
  std::vector<std::string> output_names_;

 private:
  mutable std::mutex mu_;
  mutable std::map<int64_t, std::vector<int64_t>> widths_;  // GUARDED_BY(mu_)
};

// Loads the model file of `spec` with its backend; when the number of features is known (declared,
// or stated by the file) runs one inference of zeros so that a model that cannot run fails here,
// at start-up, rather than on the first batch.
Result<std::shared_ptr<const Model>> LoadModel(const ModelSpec& spec);

}  // namespace ark::ml
