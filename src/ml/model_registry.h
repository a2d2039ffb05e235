// ModelRegistry: the models of the process — every `models:` entry of the configuration, loaded
// once at start-up and shared by every stream, every `model` processor and predict() in SQL.
//
//   ARK_ASSIGN_OR_RETURN(auto models, ModelRegistry::Load(config.models));
//   InstallModelRegistry(models);   // before the streams are built
//   std::shared_ptr<const Model> fraud = InstalledModelRegistry()->Find("fraud");
//
// Installing also hands the models to predict() (sql/functions/predict.h), so the SQL engine can
// call them without depending on this module.
//
// Thread-safety: immutable once loaded. Install at start-up, before components are built.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/engine_config.h"
#include "ml/model.h"

namespace ark::ml {

class ModelRegistry {
 public:
  // Loads every entry; errors carry the entry's YAML position. Sets the process-wide thread
  // counts of OpenCV and libtorch to the largest `threads` among their models.
  static Result<std::shared_ptr<const ModelRegistry>> Load(std::span<const ModelConfig> configs);
  // A registry over models already loaded (tests, benchmarks).
  static std::shared_ptr<const ModelRegistry> Of(std::vector<std::shared_ptr<const Model>> models);

  // Null when there is no model of that name.
  std::shared_ptr<const Model> Find(std::string_view name) const;
  // Find, or NotFound naming the declared models.
  Result<std::shared_ptr<const Model>> Get(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::shared_ptr<const Model>, std::less<>> models_;
};

// The registry of the running configuration (an empty one until something is installed).
void InstallModelRegistry(std::shared_ptr<const ModelRegistry> registry);
std::shared_ptr<const ModelRegistry> InstalledModelRegistry();

}  // namespace ark::ml
