// In-pipeline inference benchmark (issue 6, DESIGN §10): rows per second per core of the `model`
// processor — packing 16 float64 columns into the [rows, 16] matrix, running the model, adding the
// output column — for a 16→32→1 MLP through ONNX (OpenCV DNN) and TorchScript (libtorch) and a
// 100-tree depth-6 XGBoost model, at batch sizes 1, 64 and 8192; plus the p50/p99 time per batch.
// One thread, and every backend limited to one thread (`threads: 1`), so rows/s is per core.
// Where the processor's time goes: "packing only" (the columns into the matrix), "model call only"
// (Model::Infer on the packed matrix); the rest is the output column. For XGBoost, "model call
// only" is the native tree evaluator (ml/xgboost_trees.h) and "xgboost C API" the same model
// predicted by XGBoost's own C API; "arkflow python processor" is the same TorchScript or XGBoost
// file loaded by its Python library inside a `python` processor; for ONNX, "model call only" is the
// native dense network (ml/dense_network.h) and "OpenCV DNN" the same graph run by OpenCV.
//
//   /usr/bin/python3 tests/support/make_models.py /tmp/ml-bench bench
//   build-ml-rel/bench/ml_bench /tmp/ml-bench [seconds-per-case]
//
// Prints one JSON object per case (bench/run_ml_bench.py puts them beside the Python baseline).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/column_builder.h"
#include "ml/backends.h"
#include "ml/features.h"
#include "ml/model_registry.h"
#include "ml/python/python_function.h"
#include "processors/model.h"
#include "processors/python.h"

namespace {

using namespace ark;

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Batch RandomBatch(int64_t rows, int features, std::mt19937& rng) {
  std::normal_distribution<double> normal;
  std::vector<Field> fields;
  std::vector<ColumnPtr> cols;
  for (int f = 0; f < features; ++f) {
    Float64Builder b(DataType::Float64());
    for (int64_t r = 0; r < rows; ++r) b.Append(normal(rng));
    fields.emplace_back(fmt::format("f{}", f), DataType::Float64());
    cols.push_back(b.Finish());
  }
  return Batch(Schema::Make(std::move(fields)), std::move(cols), rows);
}

// Runs `call` for `seconds` (and at least 50 times); prints rows/s, rows per CPU-second and the
// p50/p99 time per call as one JSON object.
template <typename Call>
void Measure(const char* contender, const ModelConfig& c, int64_t batch_rows, double seconds,
             Call call) {
  for (int i = 0; i < 20; ++i) {
    if (Status st = call(); !st.ok()) {
      fmt::print(stderr, "error: {}\n", st.message());
      std::exit(1);
    }
  }
  std::vector<double> batch_us;
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  auto now = t0;
  int64_t rows = 0;
  while (now - t0 < std::chrono::duration<double>(seconds) || batch_us.size() < 50) {
    const auto b0 = std::chrono::steady_clock::now();
    Status st = call();
    now = std::chrono::steady_clock::now();
    if (!st.ok()) {
      fmt::print(stderr, "error: {}\n", st.message());
      std::exit(1);
    }
    batch_us.push_back(std::chrono::duration<double, std::micro>(now - b0).count());
    rows += batch_rows;
  }
  const double wall = std::chrono::duration<double>(now - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  std::sort(batch_us.begin(), batch_us.end());
  auto pct = [&](double p) {
    return batch_us[std::min(batch_us.size() - 1, static_cast<size_t>(p * batch_us.size()))];
  };
  fmt::print(
      "{{\"contender\": \"{}\", \"model\": \"{}\", \"backend\": \"{}\", \"batch\": {}, "
      "\"rows_per_s\": {:.0f}, \"rows_per_cpu_s\": {:.0f}, \"p50_us\": {:.2f}, \"p99_us\": "
      "{:.2f}}}\n",
      contender, c.name, c.backend, batch_rows, static_cast<double>(rows) / wall,
      static_cast<double>(rows) / cpu, pct(0.50), pct(0.99));
  std::fflush(stdout);
}

// The `python` processor's function: the 16 feature columns stacked into one float32 matrix,
// one library call, the score added to the batch (as the model processor adds its column).
constexpr const char* kPythonScript = R"(import numpy as np
{0}
MODEL = load("{1}")

def process(b):
    x = np.column_stack([b["f%d" % i] for i in range(16)]).astype(np.float32)
    return {{**b, "score": {2}}}
)";
constexpr const char* kTorchLoad = R"(import torch
torch.set_num_threads(1)
def load(path):
    return torch.jit.load(path).eval()
def predict(x):
    with torch.inference_mode():
        return MODEL(torch.from_numpy(x)).numpy()[:, 0])";
constexpr const char* kTorchPredict = "predict(x)";
constexpr const char* kXgbLoad = R"(import xgboost
def load(path):
    booster = xgboost.Booster(model_file=path)
    booster.set_param({"nthread": 1})
    return booster)";
constexpr const char* kXgbPredict = "MODEL.inplace_predict(x)";

int Run(const std::string& dir, double seconds) {
  std::vector<ModelConfig> configs;
  for (auto [name, backend, file] : {std::tuple{"mlp_onnx", "onnx", "mlp.onnx"},
                                     std::tuple{"mlp_torchscript", "torchscript", "mlp.pt"},
                                     std::tuple{"xgb_100x6", "xgboost", "xgb_bench.json"}}) {
    ModelConfig c;
    c.name = name;
    c.backend = backend;
    c.path = dir + "/" + file;
    c.features = 16;
    c.threads = 1;
    configs.push_back(std::move(c));
  }
  auto registry = ml::ModelRegistry::Load(configs);
  if (!registry.ok()) {
    fmt::print(stderr, "error: {}\n", registry.status().message());
    return 1;
  }
  std::mt19937 rng(42);
  std::vector<std::string> inputs;
  for (int f = 0; f < 16; ++f) inputs.push_back(fmt::format("f{}", f));
  for (const ModelConfig& c : configs) {
    // The same model loaded by its Python library inside a `python` processor (no ONNX runtime
    // for Python in Debian): what the processor costs around the library's call.
    std::unique_ptr<PythonProcessor> python;
    if (c.backend != "onnx") {
      ml::PythonFunctionOptions o;
      o.function = "process";
      o.script = fmt::format(kPythonScript, c.backend == "torchscript" ? kTorchLoad : kXgbLoad,
                             c.path, c.backend == "torchscript" ? kTorchPredict : kXgbPredict);
      auto f = ml::PythonFunction::Load(o);
      if (!f.ok()) {
        fmt::print(stderr, "error: {}\n", f.status().message());
        return 1;
      }
      python = std::make_unique<PythonProcessor>(std::move(f).value());
    }
    for (int64_t batch_rows : {int64_t{1}, int64_t{64}, int64_t{8192}}) {
      ModelProcessorOptions options;
      options.model = (*registry)->Find(c.name);
      options.inputs = inputs;
      ModelOutputColumn score;
      score.name = "score";
      options.outputs.push_back(score);
      auto processor = ModelProcessor::Make(std::move(options));
      if (!processor.ok()) {
        fmt::print(stderr, "error: {}\n", processor.status().message());
        return 1;
      }
      // Distinct batches, cycled through: the same few rows over and over would let the CPU's
      // branch predictors learn the model's data-dependent branches (ReLU, tree splits) and
      // overstate the speed up to 3x (measured with OpenCV on the MLP).
      const int64_t distinct = std::max<int64_t>(8, 65536 / batch_rows);
      std::vector<Batch> batches;
      std::vector<std::vector<float>> matrices;
      for (int64_t i = 0; i < distinct; ++i) {
        batches.push_back(RandomBatch(batch_rows, 16, rng));
        // The model alone runs on the matrix the processor would pack.
        std::vector<float> m(static_cast<size_t>(batch_rows * 16));
        for (int f = 0; f < 16; ++f) {
          const double* col = batches.back().column(f)->data<double>();
          for (int64_t r = 0; r < batch_rows; ++r) m[r * 16 + f] = static_cast<float>(col[r]);
        }
        matrices.push_back(std::move(m));
      }
      const ml::Model& model = *(*registry)->Find(c.name);
      size_t next = 0;
      Measure("model call only", c, batch_rows, seconds, [&] {
        next = (next + 1) % matrices.size();
        return model.Infer(matrices[next].data(), batch_rows, 16).status();
      });
      if (c.backend == "xgboost" || c.backend == "onnx") {
        // The same model through the backend's library instead of the native evaluator.
        ml::ModelSpec spec;
        spec.name = c.name;
        spec.path = c.path;
        spec.threads = 1;
        const bool xgb = c.backend == "xgboost";
        spec.backend = xgb ? ml::Backend::kXgboost : ml::Backend::kOnnx;
        auto library = xgb ? ml::LoadXgboostModel(spec, /*native=*/false)
                           : ml::LoadOnnxModel(spec, /*native=*/false);
        if (!library.ok()) {
          fmt::print(stderr, "error: {}\n", library.status().message());
          return 1;
        }
        Measure(xgb ? "xgboost C API" : "OpenCV DNN", c, batch_rows, seconds, [&] {
          next = (next + 1) % matrices.size();
          return (*library)->Infer(matrices[next].data(), batch_rows, 16).status();
        });
      }
      Measure("packing only", c, batch_rows, seconds, [&] {
        next = (next + 1) % batches.size();
        std::vector<ml::FeatureInput> in;
        for (int f = 0; f < 16; ++f) {
          in.push_back({inputs[static_cast<size_t>(f)], batches[next].column(f)});
        }
        std::vector<ml::RejectedRow> rejected;
        return ml::PackValidRows(in, batch_rows, 16, &rejected).status();
      });
      std::vector<Batch> errors;
      Measure("arkflow model processor", c, batch_rows, seconds, [&] {
        next = (next + 1) % batches.size();
        return (*processor)->Run(batches[next], &errors).status();
      });
      if (python != nullptr) {
        Measure("arkflow python processor", c, batch_rows, seconds, [&] {
          next = (next + 1) % batches.size();
          ProcessOutput out;
          return python->Process(batches[next], &out);
        });
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: {} MODEL_DIR [seconds-per-case]\n", argv[0]);
    return 2;
  }
  return Run(argv[1], argc > 2 ? std::stod(argv[2]) : 2.0);
}
