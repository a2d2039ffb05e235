#include "ml/model.h"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "ml/backends.h"

namespace ark::ml {

std::string_view BackendName(Backend backend) {
  switch (backend) {
    case Backend::kOnnx:
      return "onnx";
    case Backend::kTorchScript:
      return "torchscript";
    case Backend::kXgboost:
      return "xgboost";
  }
  return "unknown";
}

bool BackendAvailable(Backend backend) {
  switch (backend) {
    case Backend::kOnnx:
      return ARK_ML_HAVE_ONNX != 0;
    case Backend::kTorchScript:
      return ARK_ML_HAVE_TORCHSCRIPT != 0;
    case Backend::kXgboost:
      return ARK_ML_HAVE_XGBOOST != 0;
  }
  return false;
}

Result<Backend> ParseBackend(std::string_view name) {
  for (Backend b : {Backend::kOnnx, Backend::kTorchScript, Backend::kXgboost}) {
    if (name == BackendName(b)) return b;
  }
  return Status::ConfigError(
      "unsupported model backend \"{}\"; expected onnx, torchscript or xgboost", name);
}

int Model::OutputIndex(std::string_view name) const {
  for (size_t i = 0; i < output_names_.size(); ++i) {
    if (output_names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Model::Describe() const {
  return fmt::format("model \"{}\" ({}, {})", spec_.name, BackendName(spec_.backend), spec_.path);
}

Result<std::vector<Tensor>> Model::Infer(const float* data, int64_t rows, int64_t features) const {
  if (features_ > 0 && features != features_) {
    return Status::InvalidArgument("{} takes {} features per row, got {}", Describe(), features_,
                                   features);
  }
  if (features <= 0) return Status::InvalidArgument("{} got no features", Describe());
  if (rows == 0) {
    std::vector<Tensor> empty(output_names_.size());
    return empty;
  }
  ARK_ASSIGN_OR_RETURN(std::vector<Tensor> out, Run(data, rows, features));
  if (out.size() != output_names_.size()) {
    return Status::Internal("{} returned {} outputs for {} names", Describe(), out.size(),
                            output_names_.size());
  }
  std::vector<int64_t> widths;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].rows != rows) {
      return Status::InvalidArgument(
          "{} returned {} rows in output \"{}\" for {} input rows; a model must return one row "
          "per input row",
          Describe(), out[i].rows, output_names_[i], rows);
    }
    widths.push_back(out[i].cols);
  }
  std::lock_guard lock(mu_);
  widths_.try_emplace(features, std::move(widths));
  return out;
}

Result<std::vector<int64_t>> Model::OutputWidths(int64_t features) const {
  {
    std::lock_guard lock(mu_);
    auto it = widths_.find(features);
    if (it != widths_.end()) return it->second;
  }
  std::vector<float> zeros(static_cast<size_t>(features), 0.0f);
  ARK_ASSIGN_OR_RETURN(std::vector<Tensor> out, Infer(zeros.data(), 1, features));
  std::vector<int64_t> widths;
  for (const Tensor& t : out) widths.push_back(t.cols);
  return widths;
}

Result<std::shared_ptr<const Model>> LoadModel(const ModelSpec& spec) {
  std::string what = fmt::format("model \"{}\" ({})", spec.name, BackendName(spec.backend));
  if (!BackendAvailable(spec.backend)) {
    return Status::Unimplemented(
        "{}: this build has no {} backend (its Debian package was missing when the build was "
        "configured; see scripts/install-deps.sh)",
        what, BackendName(spec.backend));
  }
  std::error_code ec;
  auto status = std::filesystem::status(spec.path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return Status::NotFound("{}: model file \"{}\" does not exist", what, spec.path);
  }
  if (std::filesystem::is_directory(status)) {
    return Status::InvalidArgument("{}: \"{}\" is a directory, expected a model file", what,
                                   spec.path);
  }
  Result<std::unique_ptr<Model>> loaded = Status::Internal("no backend");
  switch (spec.backend) {
    case Backend::kOnnx:
      loaded = LoadOnnxModel(spec);
      break;
    case Backend::kTorchScript:
      loaded = LoadTorchScriptModel(spec);
      break;
    case Backend::kXgboost:
      loaded = LoadXgboostModel(spec);
      break;
  }
  if (!loaded.ok()) return loaded.status();
  std::shared_ptr<const Model> model = std::move(loaded).value();
  if (model->features() > 0) {
    Result<std::vector<int64_t>> widths = model->OutputWidths(model->features());
    if (!widths.ok()) {
      return Status(widths.status().code(),
                    fmt::format("{} loaded but a test inference of one row of {} zeros failed: {}",
                                model->Describe(), model->features(), widths.status().message()));
    }
  }
  return model;
}

// Builds without a backend still link: the loader says the backend is missing (LoadModel checks
// BackendAvailable first, so these are never reached).
#if !ARK_ML_HAVE_ONNX
Result<std::unique_ptr<Model>> LoadOnnxModel(const ModelSpec& spec, bool) {
  return Status::Unimplemented("model \"{}\": this build has no onnx backend", spec.name);
}
void ConfigureOnnxThreads(int) {}
#endif
#if !ARK_ML_HAVE_TORCHSCRIPT
Result<std::unique_ptr<Model>> LoadTorchScriptModel(const ModelSpec& spec) {
  return Status::Unimplemented("model \"{}\": this build has no torchscript backend", spec.name);
}
void ConfigureTorchScriptThreads(int) {}
#endif
#if !ARK_ML_HAVE_XGBOOST
Result<std::unique_ptr<Model>> LoadXgboostModel(const ModelSpec& spec, bool) {
  return Status::Unimplemented("model \"{}\": this build has no xgboost backend", spec.name);
}
#endif

}  // namespace ark::ml
