#include "ml/predict_models.h"

#include <fmt/format.h>

#include "ml/features.h"

namespace ark::ml {
namespace {

class ModelOutputFunction final : public sql::PredictModel {
 public:
  ModelOutputFunction(std::shared_ptr<const Model> model, int output, std::string label)
      : model_(std::move(model)), output_(output), label_(std::move(label)) {}

  Result<DataType> Bind(std::span<const DataType> types) const override {
    for (size_t i = 0; i < types.size(); ++i) {
      Status st = CheckFeatureType(ArgumentName(i), types[i]);
      if (!st.ok()) return Status(st.code(), fmt::format("{}: {}", label_, st.message()));
    }
    ARK_ASSIGN_OR_RETURN(int64_t features, Features(types));
    ARK_ASSIGN_OR_RETURN(std::vector<int64_t> widths, model_->OutputWidths(features));
    return widths[static_cast<size_t>(output_)] == 1 ? DataType::Float32()
                                                     : DataType::List(DataType::Float32());
  }

  Result<ColumnPtr> Predict(std::span<const ColumnPtr> columns, int64_t rows) const override {
    std::vector<FeatureInput> inputs;
    std::vector<DataType> types;
    for (size_t i = 0; i < columns.size(); ++i) {
      inputs.push_back({ArgumentName(i), columns[i]});
      types.push_back(columns[i]->type());
    }
    ARK_ASSIGN_OR_RETURN(int64_t features, Features(types));
    ARK_ASSIGN_OR_RETURN(std::vector<int64_t> widths, model_->OutputWidths(features));
    const int64_t width = widths[static_cast<size_t>(output_)];
    // SQL's convention: a NULL argument gives a NULL result for its row. A list of another
    // length is a mistake in the data and fails the batch, naming the row.
    std::vector<RejectedRow> rejected;
    Result<FeatureMatrix> m = PackValidRows(inputs, rows, features, &rejected);
    if (!m.ok())
      return Status(m.status().code(), fmt::format("{}: {}", label_, m.status().message()));
    for (const RejectedRow& r : rejected) {
      if (r.problem == RejectedRow::Problem::kWidth) {
        return Status::InvalidArgument(
            "{}: {}; every row of a list argument must hold the same number of features", label_,
            r.reason);
      }
    }
    if (m->cols != features) {
      return Status::InvalidArgument("{}: the arguments hold {} features per row; {} takes {}",
                                     label_, m->cols, model_->Describe(), features);
    }
    Tensor t;
    t.cols = width;
    if (m->rows > 0) {
      ARK_ASSIGN_OR_RETURN(std::vector<Tensor> out,
                           model_->Infer(m->values.data(), m->rows, m->cols));
      t = std::move(out[static_cast<size_t>(output_)]);
    }
    return ScatterTensorColumn(t, *m, rows);
  }

 private:
  static std::string ArgumentName(size_t i) { return fmt::format("argument {}", i + 2); }

  // Features per row: the number of scalar arguments when there are no lists; otherwise the
  // declared width (a list's length is only known from the data, and the result type must be
  // known before it).
  Result<int64_t> Features(std::span<const DataType> types) const {
    bool lists = false;
    for (const DataType& t : types) lists |= t.id() == TypeId::kList;
    const int64_t declared = model_->features();
    if (!lists) {
      const auto n = static_cast<int64_t>(types.size());
      if (declared > 0 && n != declared) {
        return Status::InvalidArgument("{}: {} takes {} features per row, got {} argument{}",
                                       label_, model_->Describe(), declared, n, n == 1 ? "" : "s");
      }
      return n;
    }
    if (declared <= 0) {
      return Status::InvalidArgument(
          "{}: with list arguments the number of features is only known from the data; declare "
          "`features:` for model \"{}\" under models:",
          label_, model_->name());
    }
    return declared;
  }

  std::shared_ptr<const Model> model_;
  int output_;
  std::string label_;  // "predict('fraud')"
};

class RegistryPredictModels final : public sql::PredictModelCatalog {
 public:
  explicit RegistryPredictModels(std::shared_ptr<const ModelRegistry> registry)
      : registry_(std::move(registry)) {}

  Result<std::shared_ptr<const sql::PredictModel>> Find(std::string_view name) const override {
    const size_t colon = name.find(':');
    std::string_view model_name = name.substr(0, colon);
    Result<std::shared_ptr<const Model>> model = registry_->Get(model_name);
    if (!model.ok()) {
      return Status(model.status().code(), fmt::format("predict(): {}", model.status().message()));
    }
    int output = 0;
    if (colon != std::string_view::npos) {
      std::string_view output_name = name.substr(colon + 1);
      output = (*model)->OutputIndex(output_name);
      if (output < 0) {
        return Status::NotFound("predict(): {} has no output \"{}\" (outputs: {})",
                                (*model)->Describe(), output_name,
                                fmt::join((*model)->output_names(), ", "));
      }
    }
    if ((*model)->output_names().empty()) {
      return Status::InvalidArgument("predict(): {} has no outputs", (*model)->Describe());
    }
    return std::shared_ptr<const sql::PredictModel>(
        std::make_shared<ModelOutputFunction>(*model, output, fmt::format("predict('{}')", name)));
  }

 private:
  std::shared_ptr<const ModelRegistry> registry_;
};

}  // namespace

std::shared_ptr<const sql::PredictModelCatalog> MakePredictModels(
    std::shared_ptr<const ModelRegistry> registry) {
  return std::make_shared<RegistryPredictModels>(std::move(registry));
}

}  // namespace ark::ml
