// The TorchScript backend: libtorch (Debian libtorch-dev). The only file that includes
// <torch/script.h>.
//
// A scripted or traced module's forward() may run on several threads at once (TorchScript
// interprets the graph with per-call frames); each call runs under c10::InferenceMode. The module
// returns a tensor, a tuple or list of tensors, or a dict of tensors (in insertion order); each
// becomes one output.
#include <ATen/Parallel.h>
#include <torch/script.h>

#include <fmt/format.h>

#include "ml/backends.h"

namespace ark::ml {
namespace {

// A TorchScript interpreter error is a serialized-code traceback ending in the Python-style
// exception line ("RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x5 and 16x32)");
// that last line is the reason.
std::string TorchReason(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  const size_t nl = text.rfind('\n');
  std::string_view last = nl == std::string_view::npos ? text : text.substr(nl + 1);
  const size_t colon = last.find("Error: ");
  if (colon != std::string_view::npos && last.find(' ') > colon) last.remove_prefix(colon + 7);
  return std::string(last);
}

class TorchScriptModel final : public Model {
 public:
  static Result<std::unique_ptr<Model>> Load(const ModelSpec& spec) {
    std::unique_ptr<TorchScriptModel> model(new TorchScriptModel(spec));
    try {
      model->module_ = torch::jit::load(spec.path, torch::kCPU);
      model->module_.eval();
    } catch (const c10::Error& e) {
      return Status::InvalidArgument("{}: libtorch could not load the TorchScript file: {}",
                                     model->Describe(), TorchReason(e.what_without_backtrace()));
    } catch (const std::exception& e) {
      return Status::InvalidArgument("{}: libtorch could not load the TorchScript file: {}",
                                     model->Describe(), TorchReason(e.what()));
    }
    if (!model->module_.find_method("forward")) {
      return Status::InvalidArgument("{}: the module has no forward() method", model->Describe());
    }
    model->output_names_ = spec.outputs.empty() ? std::vector<std::string>{"output"} : spec.outputs;
    return std::unique_ptr<Model>(std::move(model));
  }

 protected:
  Result<std::vector<Tensor>> Run(const float* data, int64_t rows,
                                  int64_t features) const override {
    std::vector<Tensor> result;
    try {
      c10::InferenceMode guard;
      at::Tensor input = torch::from_blob(const_cast<float*>(data), {rows, features},
                                          torch::TensorOptions().dtype(torch::kFloat32));
      c10::IValue out = module_.forward({input});
      std::vector<at::Tensor> tensors;
      if (out.isTensor()) {
        tensors.push_back(out.toTensor());
      } else if (out.isTuple()) {
        for (const c10::IValue& v : out.toTupleRef().elements()) {
          if (!v.isTensor()) return NotTensor(v);
          tensors.push_back(v.toTensor());
        }
      } else if (out.isTensorList()) {
        for (const at::Tensor& t : out.toTensorVector()) tensors.push_back(t);
      } else if (out.isGenericDict()) {
        for (const auto& entry : out.toGenericDict()) {
          if (!entry.value().isTensor()) return NotTensor(entry.value());
          tensors.push_back(entry.value().toTensor());
        }
      } else {
        return NotTensor(out);
      }
      if (tensors.size() != output_names_.size()) {
        return Status::InvalidArgument(
            "{} returned {} tensors but has {} output names ({}); list one name per returned "
            "tensor in `outputs:` of its models: entry",
            Describe(), tensors.size(), output_names_.size(), fmt::join(output_names_, ", "));
      }
      for (at::Tensor& t : tensors) {
        at::Tensor dense = t.to(torch::kFloat32).contiguous();
        Tensor r;
        r.rows = dense.dim() == 0 ? 1 : dense.size(0);
        const int64_t total = dense.numel();
        r.cols = r.rows > 0 ? total / r.rows : 0;
        const float* p = dense.data_ptr<float>();
        r.values.assign(p, p + total);
        result.push_back(std::move(r));
      }
    } catch (const c10::Error& e) {
      return Status::InvalidArgument(
          "{} failed on a [{}, {}] input: {} (does the model take {} features per row?)",
          Describe(), rows, features, TorchReason(e.what_without_backtrace()), features);
    } catch (const std::exception& e) {
      return Status::InvalidArgument(
          "{} failed on a [{}, {}] input: {} (does the model take {} features per row?)",
          Describe(), rows, features, TorchReason(e.what()), features);
    }
    return result;
  }

 private:
  explicit TorchScriptModel(ModelSpec spec) : Model(std::move(spec)) {}

  Status NotTensor(const c10::IValue& v) const {
    return Status::TypeError(
        "{} returned a {}; a model must return a tensor, a tuple of tensors or a dict of "
        "tensors",
        Describe(), v.tagKind());
  }

  // forward() does not change the module; torch's API is not const-qualified.
  mutable torch::jit::script::Module module_;
};

}  // namespace

Result<std::unique_ptr<Model>> LoadTorchScriptModel(const ModelSpec& spec) {
  return TorchScriptModel::Load(spec);
}

void ConfigureTorchScriptThreads(int threads) { at::set_num_threads(threads); }

}  // namespace ark::ml
