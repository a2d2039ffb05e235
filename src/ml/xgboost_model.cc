// The XGBoost backend: Debian's libxgboost (1.7) loads the file; prediction is native.
//
// A gbtree model with numerical splits and a common objective (ml/xgboost_trees.h says which) is
// read back from the booster as JSON and predicted by XgboostTrees: the same values as XGBoost's
// CPU predictor, 2-3x faster on one core. Any other model predicts through the C API: in place over
// the packed matrix (XGBoosterPredictFromDense with an __array_interface__ description of it), so
// no DMatrix is built per batch. XGBoost's prediction is thread-safe; its result buffer belongs to
// the calling thread until that thread's next call, so it is copied out at once. The predict
// config needs "cache_id": 0 (no prediction cache).
#include <xgboost/c_api.h>

#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "ml/backends.h"
#include "ml/xgboost_trees.h"

namespace ark::ml {
namespace {

std::string LastError() {
  const char* e = XGBGetLastError();
  return e != nullptr && *e != '\0' ? std::string(e) : std::string("unknown error");
}

class XgboostModel final : public Model {
 public:
  static Result<std::unique_ptr<Model>> Load(const ModelSpec& spec, bool native) {
    std::unique_ptr<XgboostModel> model(new XgboostModel(spec));
    if (XGBoosterCreate(nullptr, 0, &model->booster_) != 0) {
      return Status::Internal("{}: XGBoosterCreate failed: {}", model->Describe(), LastError());
    }
    if (XGBoosterLoadModel(model->booster_, spec.path.c_str()) != 0) {
      return Status::InvalidArgument(
          "{}: XGBoost could not load the file (expected a model saved by save_model as .json, "
          ".ubj or the binary format): {}",
          model->Describe(), LastError());
    }
    std::string threads = std::to_string(spec.threads);
    if (XGBoosterSetParam(model->booster_, "nthread", threads.c_str()) != 0) {
      return Status::InvalidArgument("{}: setting nthread={}: {}", model->Describe(), threads,
                                     LastError());
    }
    bst_ulong n = 0;
    if (XGBoosterGetNumFeature(model->booster_, &n) != 0) {
      return Status::InvalidArgument("{}: reading the number of features: {}", model->Describe(),
                                     LastError());
    }
    const auto file_features = static_cast<int64_t>(n);
    if (spec.features > 0 && file_features > 0 && spec.features != file_features) {
      return Status::InvalidArgument("{}: `features: {}` is declared but the model takes {}",
                                     model->Describe(), spec.features, file_features);
    }
    if (file_features > 0) model->features_ = file_features;
    if (spec.outputs.size() > 1) {
      return Status::InvalidArgument(
          "{}: an XGBoost model has one output (class probabilities are its columns), but "
          "`outputs` lists {} names",
          model->Describe(), spec.outputs.size());
    }
    model->output_names_ = {spec.outputs.empty() ? std::string("prediction") : spec.outputs[0]};
    if (native) model->LoadNative();
    return std::unique_ptr<Model>(std::move(model));
  }

  bool PredictsNatively() const override { return native_.has_value(); }

  ~XgboostModel() override {
    if (booster_ != nullptr) XGBoosterFree(booster_);
  }

 protected:
  Result<std::vector<Tensor>> Run(const float* data, int64_t rows,
                                  int64_t features) const override {
    if (native_.has_value() && features == native_->features()) {
      Tensor t;
      t.rows = rows;
      t.cols = native_->outputs();
      t.values.resize(static_cast<size_t>(rows * t.cols));
      native_->Predict(data, rows, t.values.data());
      std::vector<Tensor> result;
      result.push_back(std::move(t));
      return result;
    }
    std::string array =
        fmt::format(R"({{"data": [{}, true], "shape": [{}, {}], "typestr": "<f4", "version": 3}})",
                    reinterpret_cast<uintptr_t>(data), rows, features);
    static constexpr const char* kConfig =
        R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, )"
        R"("strict_shape": false, "missing": NaN, "cache_id": 0})";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    if (XGBoosterPredictFromDense(booster_, array.c_str(), kConfig, nullptr, &shape, &dim, &out) !=
        0) {
      return Status::InvalidArgument("{} failed on a [{}, {}] input: {}", Describe(), rows,
                                     features, LastError());
    }
    Tensor t;
    t.rows = dim >= 1 ? static_cast<int64_t>(shape[0]) : 0;
    int64_t total = dim >= 1 ? 1 : 0;
    for (bst_ulong i = 0; i < dim; ++i) total *= static_cast<int64_t>(shape[i]);
    t.cols = t.rows > 0 ? total / t.rows : 0;
    t.values.assign(out, out + total);
    std::vector<Tensor> result;
    result.push_back(std::move(t));
    return result;
  }

 private:
  explicit XgboostModel(ModelSpec spec) : Model(std::move(spec)) {}

  // Reads the trees for XgboostTrees; a model it does not cover stays with the C API.
  void LoadNative() {
    bst_ulong len = 0;
    const char* json = nullptr;
    if (XGBoosterSaveModelToBuffer(booster_, R"({"format": "json"})", &len, &json) != 0) {
      spdlog::debug("{}: predicting through the XGBoost C API (saving as JSON failed: {})",
                    Describe(), LastError());
      return;
    }
    Result<XgboostTrees> trees = XgboostTrees::FromJson(std::string_view(json, len));
    if (!trees.ok()) {
      spdlog::debug("{}: predicting through the XGBoost C API: {}", Describe(),
                    trees.status().message());
      return;
    }
    native_ = std::move(trees).value();
  }

  BoosterHandle booster_ = nullptr;
  std::optional<XgboostTrees> native_;
};

}  // namespace

Result<std::unique_ptr<Model>> LoadXgboostModel(const ModelSpec& spec, bool native) {
  return XgboostModel::Load(spec, native);
}

}  // namespace ark::ml
