#include "ml/model_registry.h"

#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "ml/backends.h"
#include "ml/predict_models.h"
#include "sql/functions/predict.h"

namespace ark::ml {
namespace {

std::mutex g_mu;

// The installed registry lives until the process ends and is deliberately never destroyed: static
// destructors run after the backends' own thread-local and static state is gone (freeing an
// XGBoost booster then crashes), and the operating system reclaims the memory anyway.
std::shared_ptr<const ModelRegistry>& Installed() {  // REQUIRES: g_mu held
  static auto* installed = new std::shared_ptr<const ModelRegistry>();
  return *installed;
}

}  // namespace

Result<std::shared_ptr<const ModelRegistry>> ModelRegistry::Load(
    std::span<const ModelConfig> configs) {
  auto registry = std::make_shared<ModelRegistry>();
  int onnx_threads = 0, torch_threads = 0;
  for (const ModelConfig& c : configs) {
    Result<Backend> backend = ParseBackend(c.backend);
    if (!backend.ok()) return c.node.Error(backend.status().message());
    if (*backend == Backend::kOnnx) onnx_threads = std::max(onnx_threads, c.threads);
    if (*backend == Backend::kTorchScript) torch_threads = std::max(torch_threads, c.threads);
  }
  // Before loading: the test inference at load runs with these settings.
  if (onnx_threads > 0 && BackendAvailable(Backend::kOnnx)) ConfigureOnnxThreads(onnx_threads);
  if (torch_threads > 0 && BackendAvailable(Backend::kTorchScript)) {
    ConfigureTorchScriptThreads(torch_threads);
  }
  for (const ModelConfig& c : configs) {
    ModelSpec spec;
    spec.name = c.name;
    ARK_ASSIGN_OR_RETURN(spec.backend, ParseBackend(c.backend));
    spec.path = c.path;
    spec.input = c.input;
    spec.features = c.features;
    spec.outputs = c.outputs;
    spec.threads = c.threads;
    Result<std::shared_ptr<const Model>> model = LoadModel(spec);
    if (!model.ok()) {
      const ConfigValue* path = c.node.Get("path");
      const ConfigValue& at = path != nullptr ? *path : c.node;
      return Status(model.status().code(), at.Error(model.status().message()).message());
    }
    registry->models_.emplace(c.name, std::move(model).value());
  }
  return std::shared_ptr<const ModelRegistry>(std::move(registry));
}

std::shared_ptr<const ModelRegistry> ModelRegistry::Of(
    std::vector<std::shared_ptr<const Model>> models) {
  auto registry = std::make_shared<ModelRegistry>();
  for (auto& m : models) registry->models_.emplace(m->name(), std::move(m));
  return registry;
}

std::shared_ptr<const Model> ModelRegistry::Find(std::string_view name) const {
  auto it = models_.find(name);
  return it == models_.end() ? nullptr : it->second;
}

Result<std::shared_ptr<const Model>> ModelRegistry::Get(std::string_view name) const {
  if (auto m = Find(name)) return m;
  if (models_.empty()) {
    return Status::NotFound(
        "no model named \"{}\": no models are declared (add it under `models:` at the top level "
        "of the configuration)",
        name);
  }
  return Status::NotFound("no model named \"{}\" (declared models: {})", name,
                          fmt::join(Names(), ", "));
}

std::vector<std::string> ModelRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, model] : models_) names.push_back(name);
  return names;
}

void InstallModelRegistry(std::shared_ptr<const ModelRegistry> registry) {
  {
    std::lock_guard lock(g_mu);
    Installed() = registry;
  }
  sql::InstallPredictModels(registry == nullptr ? nullptr : MakePredictModels(registry));
}

std::shared_ptr<const ModelRegistry> InstalledModelRegistry() {
  std::lock_guard lock(g_mu);
  std::shared_ptr<const ModelRegistry>& installed = Installed();
  if (installed == nullptr) installed = std::make_shared<const ModelRegistry>();
  return installed;
}

}  // namespace ark::ml
