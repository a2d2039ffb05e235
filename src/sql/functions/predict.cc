#include "sql/functions/predict.h"

#include <mutex>

#include <fmt/format.h>

namespace ark::sql {
namespace {

std::mutex g_mu;

// Never destroyed: the models behind the catalog must not be freed by static destructors, after
// their runtimes' own static state is gone (src/ml/model_registry.cc).
std::shared_ptr<const PredictModelCatalog>& Catalog() {  // REQUIRES: g_mu held
  static auto* catalog = new std::shared_ptr<const PredictModelCatalog>();
  return *catalog;
}

Result<BoundScalarFunction> BindPredict(std::span<const DataType> arg_types,
                                        std::span<const std::optional<Value>> constant_args) {
  if (arg_types.size() < 2) {
    return Status::InvalidArgument(
        "predict(model, feature, ...) needs a model name and at least one feature, got {} "
        "argument{}",
        arg_types.size(), arg_types.size() == 1 ? "" : "s");
  }
  if (arg_types[0].id() != TypeId::kString || !constant_args[0].has_value() ||
      constant_args[0]->is_null()) {
    return Status::InvalidArgument(
        "predict(): the first argument must name the model as a string literal, e.g. "
        "predict('fraud', amount, hour)");
  }
  const std::string& name = constant_args[0]->string_value();
  std::shared_ptr<const PredictModelCatalog> catalog = InstalledPredictModels();
  if (catalog == nullptr) {
    return Status::NotFound(
        "predict(): no model named \"{}\": no models are declared (add it under `models:` in the "
        "configuration)",
        name);
  }
  ARK_ASSIGN_OR_RETURN(std::shared_ptr<const PredictModel> model, catalog->Find(name));
  ARK_ASSIGN_OR_RETURN(DataType result, model->Bind(arg_types.subspan(1)));
  BoundScalarFunction f;
  f.name = "predict";
  f.arg_types.assign(arg_types.begin(), arg_types.end());
  f.return_type = result;
  f.kernel = [model](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
    std::vector<ColumnPtr> features;
    features.reserve(args.size() - 1);
    for (size_t i = 1; i < args.size(); ++i) features.push_back(args[i].ToColumn(rows));
    ARK_ASSIGN_OR_RETURN(ColumnPtr out, model->Predict(features, rows));
    return Datum(std::move(out));
  };
  return f;
}

}  // namespace

void InstallPredictModels(std::shared_ptr<const PredictModelCatalog> catalog) {
  std::lock_guard lock(g_mu);
  Catalog() = std::move(catalog);
}

std::shared_ptr<const PredictModelCatalog> InstalledPredictModels() {
  std::lock_guard lock(g_mu);
  return Catalog();
}

void RegisterPredictFunction(FunctionRegistry& registry) {
  registry.AddScalar(
      "predict", BindPredict,
      {"machine learning", "predict(model string, feature, ...) → float32 | list<float32>",
       "Runs a model declared under `models:` once over the batch. Features are numbers or lists "
       "of numbers, packed in argument order; 'model:output' picks an output (default: the "
       "first). A one-value output gives float32, a wider one list<float32>. A row with a NULL "
       "feature gets NULL.",
       "predict('fraud', amount, hour, velocity, distance_km) → 0.93"});
}

}  // namespace ark::sql
