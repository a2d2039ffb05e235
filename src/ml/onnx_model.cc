// The ONNX backend: OpenCV DNN (Debian libopencv-dnn-dev, OpenCV 4.6) imports the graph; a graph
// of fully connected layers and activations (an MLP) is then predicted by DenseNetwork
// (ml/dense_network.h), several times faster than OpenCV's layers, once it has given OpenCV's
// values on a probe at load. Any other graph runs through OpenCV.
//
// A cv::dnn::Net keeps per-inference state (its input and its layers' buffers), so one network
// serves one caller at a time: the model keeps the file's bytes and a pool of networks made from
// them, taking one per Run() and giving it back afterwards (at most one per concurrent worker).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/all_layers.hpp>

#include "ml/backends.h"
#include "ml/dense_network.h"

namespace ark::ml {
namespace {

// OpenCV's importer nests messages over several lines, each marked "> "; one line reads better in
// an error record.
std::string CvMessage(const cv::Exception& e) {
  const std::string text = e.err.empty() ? std::string(e.what()) : e.err;
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    while (!line.empty() && (line.front() == '>' || line.front() == ' ')) line.remove_prefix(1);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    if (!line.empty()) {
      if (!out.empty()) out += ' ';
      out += line;
    }
    start = end + 1;
  }
  return out;
}

// OpenCV 4.6's ONNX importer only handles Gemm with transB=1 (PyTorch's layout). A Gemm with
// transB=0 (ONNX's default, written by onnx.helper and some converters) fails to import when it
// has a bias (a "parse error" of the Gemm node) and fails at the first inference without one (an
// assertion in the fully connected layer, which a wrong input width trips as well). Say what it
// means.
constexpr const char* kGemmHint =
    "OpenCV 4.6 rejects Gemm nodes with transB=0: write the weights transposed with transB=1 (as "
    "torch.onnx.export does), or use MatMul + Add";

std::string ImportError(const cv::Exception& e) {
  std::string text = CvMessage(e);
  if (text.find("Gemm") != std::string::npos) text += fmt::format("; {}", kGemmHint);
  return text;
}

std::string RunError(const cv::Exception& e, int64_t features) {
  std::string text = CvMessage(e);
  text += fmt::format(
      " (does the model take {} features per row? declare `features:` in models: to have the "
      "width checked at load",
      features);
  if (std::string_view(e.what()).find("fully_connected") != std::string_view::npos) {
    text += fmt::format("; if the graph has Gemm nodes with transB=0: {}", kGemmHint);
  }
  return text + ")";
}

// The layers `outputs` depend on, as a DenseNetwork, when each is one DenseNetwork evaluates;
// otherwise says which layer it is not.
Result<DenseNetwork> DenseFromNet(cv::dnn::Net& net, const std::vector<std::string>& outputs) {
  // The layers the outputs need, walking back to the graph input (layer 0).
  std::vector<int> ids;
  std::vector<int> pending;
  for (const std::string& name : outputs) pending.push_back(net.getLayerId(name));
  while (!pending.empty()) {
    const int id = pending.back();
    pending.pop_back();
    if (id <= 0 || std::find(ids.begin(), ids.end(), id) != ids.end()) continue;
    ids.push_back(id);
    for (const cv::Ptr<cv::dnn::Layer>& in : net.getLayerInputs(id)) {
      pending.push_back(net.getLayerId(in->name));
    }
  }
  std::sort(ids.begin(), ids.end());  // the importer numbers layers in graph order

  std::vector<DenseNetwork::Node> nodes;
  int64_t features = 0;
  for (const int id : ids) {
    cv::Ptr<cv::dnn::Layer> layer = net.getLayer(id);
    const std::vector<cv::Ptr<cv::dnn::Layer>> inputs = net.getLayerInputs(id);
    const std::string what = fmt::format("layer \"{}\" ({})", layer->name, layer->type);
    if (inputs.size() != 1) return Status::Unimplemented("{} has {} inputs", what, inputs.size());
    const int input_id = net.getLayerId(inputs[0]->name);
    int input = DenseNetwork::kInput;
    if (input_id != 0) {
      input = static_cast<int>(std::find(ids.begin(), ids.end(), input_id) - ids.begin());
    }
    if (layer->type == "InnerProduct") {
      auto inner = layer.dynamicCast<cv::dnn::InnerProductLayer>();
      if (inner.empty() || inner->axis != 1 || layer->blobs.empty() || layer->blobs.size() > 2 ||
          layer->blobs[0].type() != CV_32F || layer->blobs[0].dims != 2) {
        return Status::Unimplemented("{} is not a plain [rows, features] matrix product", what);
      }
      const cv::Mat& w = layer->blobs[0];
      const int64_t out = w.size[0];
      const int64_t in = w.size[1];
      if (input == DenseNetwork::kInput) {
        if (features != 0 && features != in) {
          return Status::Unimplemented("{} reads the input as {} wide, another layer as {}", what,
                                       in, features);
        }
        features = in;
      }
      cv::Mat wc = w.isContinuous() ? w : w.clone();
      std::vector<float> weights(wc.ptr<float>(), wc.ptr<float>() + out * in);
      std::vector<float> bias;
      if (layer->blobs.size() == 2) {
        cv::Mat b = layer->blobs[1];
        if (b.type() != CV_32F || static_cast<int64_t>(b.total()) != out) {
          return Status::Unimplemented("{} has a bias of {} values for {} outputs", what, b.total(),
                                       out);
        }
        if (!b.isContinuous()) b = b.clone();
        bias.assign(b.ptr<float>(), b.ptr<float>() + out);
      }
      nodes.push_back(DenseNetwork::Dense(input, in, out, std::move(weights), std::move(bias)));
    } else if (layer->type == "ReLU") {
      auto relu = layer.dynamicCast<cv::dnn::ReLULayer>();
      if (relu.empty()) return Status::Unimplemented("{} is not OpenCV's ReLULayer", what);
      nodes.push_back(
          DenseNetwork::Act(input, DenseNetwork::Activation::kRelu, relu->negativeSlope));
    } else if (layer->type == "Sigmoid") {
      nodes.push_back(DenseNetwork::Act(input, DenseNetwork::Activation::kSigmoid));
    } else if (layer->type == "TanH") {
      nodes.push_back(DenseNetwork::Act(input, DenseNetwork::Activation::kTanh));
    } else if (layer->type == "Softmax") {
      auto softmax = layer.dynamicCast<cv::dnn::SoftmaxLayer>();
      if (softmax.empty()) return Status::Unimplemented("{} is not OpenCV's SoftmaxLayer", what);
      nodes.push_back(DenseNetwork::Act(input, softmax->logSoftMax
                                                   ? DenseNetwork::Activation::kLogSoftmax
                                                   : DenseNetwork::Activation::kSoftmax));
    } else if (layer->type == "Scale") {
      // Add or Mul with a constant (MatMul + Add exports): a bias added or a scale multiplied.
      auto scale = layer.dynamicCast<cv::dnn::ScaleLayer>();
      if (scale.empty() || scale->axis != 1 || layer->blobs.empty() || layer->blobs.size() > 2) {
        return Status::Unimplemented("{} is not a constant per-feature scale or shift", what);
      }
      std::vector<std::vector<float>> values;
      for (const cv::Mat& blob : layer->blobs) {
        if (blob.type() != CV_32F) return Status::Unimplemented("{} is not float32", what);
        cv::Mat b = blob.isContinuous() ? blob : blob.clone();
        values.emplace_back(b.ptr<float>(), b.ptr<float>() + b.total());
      }
      // Blobs: the scale, then the shift when hasBias; the shift alone for an Add.
      std::vector<float> factor;
      std::vector<float> shift;
      if (layer->blobs.size() == 2) {
        factor = std::move(values[0]);
        shift = std::move(values[1]);
      } else if (scale->hasBias) {
        shift = std::move(values[0]);
      } else {
        factor = std::move(values[0]);
      }
      nodes.push_back(DenseNetwork::Affine(input, std::move(factor), std::move(shift)));
    } else if (layer->type == "Power") {
      // (shift + scale · x)^power; a Mul or Add by a scalar constant has power 1.
      auto power = layer.dynamicCast<cv::dnn::PowerLayer>();
      if (power.empty() || power->power != 1.0f) {
        return Status::Unimplemented("{} raises to a power other than 1", what);
      }
      nodes.push_back(DenseNetwork::Affine(input, {power->scale}, {power->shift}));
    } else if (layer->type == "Identity") {
      nodes.push_back(DenseNetwork::Act(input, DenseNetwork::Activation::kIdentity));
    } else {
      return Status::Unimplemented("{} is not a fully connected layer or activation", what);
    }
  }
  if (features == 0) return Status::Unimplemented("no fully connected layer reads the input");
  std::vector<int> out_nodes;
  for (const std::string& name : outputs) {
    const int id = net.getLayerId(name);
    out_nodes.push_back(static_cast<int>(std::find(ids.begin(), ids.end(), id) - ids.begin()));
  }
  return DenseNetwork::Make(features, std::move(nodes), std::move(out_nodes));
}

class OnnxModel final : public Model {
 public:
  static Result<std::unique_ptr<Model>> Load(const ModelSpec& spec, bool native) {
    std::ifstream in(spec.path, std::ios::binary);
    if (!in)
      return Status::IoError("model \"{}\" (onnx): cannot read \"{}\"", spec.name, spec.path);
    std::vector<uchar> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    std::unique_ptr<OnnxModel> model(new OnnxModel(spec, std::move(bytes)));
    ARK_ASSIGN_OR_RETURN(cv::dnn::Net net, model->NewNet());
    std::vector<std::string> graph_outputs = net.getUnconnectedOutLayersNames();
    if (spec.outputs.empty()) {
      model->output_names_ = graph_outputs;
    } else {
      std::vector<std::string> layers = net.getLayerNames();
      for (const std::string& name : spec.outputs) {
        if (std::find(layers.begin(), layers.end(), name) == layers.end()) {
          return Status::NotFound("{}: the graph has no output \"{}\" (outputs: {})",
                                  model->Describe(), name, fmt::join(graph_outputs, ", "));
        }
      }
      model->output_names_ = spec.outputs;
    }
    if (native) model->LoadNative(net);
    model->idle_.push_back(std::move(net));
    return std::unique_ptr<Model>(std::move(model));
  }

  bool PredictsNatively() const override { return native_.has_value(); }

 protected:
  Result<std::vector<Tensor>> Run(const float* data, int64_t rows,
                                  int64_t features) const override {
    std::vector<Tensor> result;
    if (native_.has_value() && features == native_->features()) {
      std::vector<std::vector<float>> values;
      native_->Predict(data, rows, &values);
      for (std::vector<float>& v : values) {
        Tensor t;
        t.rows = rows;
        t.cols = static_cast<int64_t>(v.size()) / rows;
        t.values = std::move(v);
        result.push_back(std::move(t));
      }
      return result;
    }
    ARK_ASSIGN_OR_RETURN(cv::dnn::Net net, Acquire());
    try {
      int dims[2] = {static_cast<int>(rows), static_cast<int>(features)};
      // Wraps the packed features without copying; OpenCV only reads its input.
      cv::Mat input(2, dims, CV_32F, const_cast<float*>(data));
      net.setInput(input, spec_.input);
      std::vector<cv::Mat> outs;
      net.forward(outs, output_names_);
      for (const cv::Mat& m : outs) {
        cv::Mat dense = m.isContinuous() ? m : m.clone();
        if (dense.depth() != CV_32F) dense.convertTo(dense, CV_32F);
        const auto total = static_cast<int64_t>(dense.total());
        Tensor t;
        t.rows = dense.dims > 0 ? dense.size[0] : 0;
        t.cols = t.rows > 0 ? total / t.rows : 0;
        const float* p = dense.ptr<float>();
        t.values.assign(p, p + total);
        result.push_back(std::move(t));
      }
    } catch (const cv::Exception& e) {
      // A network that failed mid-inference is dropped, not reused.
      return Status::InvalidArgument("{} failed on a [{}, {}] input: {}", Describe(), rows,
                                     features, RunError(e, features));
    }
    Release(std::move(net));
    return result;
  }

 private:
  OnnxModel(ModelSpec spec, std::vector<uchar> bytes)
      : Model(std::move(spec)), bytes_(std::move(bytes)) {}

  // Predicts with a DenseNetwork when the graph is one and it gives OpenCV's values on a probe of
  // a few rows (which also covers what the layers do not expose, such as a softmax's axis).
  void LoadNative(cv::dnn::Net& net) {
    Result<DenseNetwork> dense = DenseFromNet(net, output_names_);
    if (!dense.ok()) {
      spdlog::debug("{}: predicting through OpenCV: {}", Describe(), dense.status().message());
      return;
    }
    constexpr int64_t kRows = 5;
    const int64_t features = dense->features();
    std::vector<float> probe(static_cast<size_t>(kRows * features));
    uint32_t seed = 12345;
    for (float& v : probe) {
      seed = seed * 1664525u + 1013904223u;
      v = static_cast<float>(seed >> 8) / static_cast<float>(1u << 24) * 6.0f - 3.0f;
    }
    std::vector<std::vector<float>> mine;
    dense->Predict(probe.data(), kRows, &mine);
    std::vector<cv::Mat> theirs;
    try {
      int dims[2] = {static_cast<int>(kRows), static_cast<int>(features)};
      net.setInput(cv::Mat(2, dims, CV_32F, probe.data()), spec_.input);
      net.forward(theirs, output_names_);
    } catch (const cv::Exception& e) {
      spdlog::debug("{}: predicting through OpenCV (it failed on the probe: {})", Describe(),
                    CvMessage(e));
      return;
    }
    for (size_t o = 0; o < mine.size(); ++o) {
      cv::Mat m = theirs[o].isContinuous() ? theirs[o] : theirs[o].clone();
      if (m.depth() != CV_32F || m.total() != mine[o].size()) {
        spdlog::debug("{}: predicting through OpenCV (output {} has another shape)", Describe(),
                      output_names_[o]);
        return;
      }
      const float* want = m.ptr<float>();
      for (size_t i = 0; i < mine[o].size(); ++i) {
        if (!(std::fabs(mine[o][i] - want[i]) <= 1e-4f * (1.0f + std::fabs(want[i])))) {
          spdlog::debug("{}: predicting through OpenCV (output {} differs: {} vs {})", Describe(),
                        output_names_[o], mine[o][i], want[i]);
          return;
        }
      }
    }
    spdlog::debug("{}: predicting natively ({})", Describe(), dense->Describe());
    native_ = std::move(dense).value();
  }

  Result<cv::dnn::Net> NewNet() const {
    // OpenCV logs import errors on standard error itself; the error returned here says it all.
    static const bool kQuiet = [] {
      cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
      return true;
    }();
    (void)kQuiet;
    try {
      cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes_);
      if (net.empty()) {
        return Status::InvalidArgument("{}: OpenCV read no network from the file", Describe());
      }
      net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
      net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
      return net;
    } catch (const cv::Exception& e) {
      return Status::InvalidArgument("{}: OpenCV could not load the ONNX file: {}", Describe(),
                                     ImportError(e));
    }
  }

  Result<cv::dnn::Net> Acquire() const {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        cv::dnn::Net net = std::move(idle_.back());
        idle_.pop_back();
        return net;
      }
    }
    return NewNet();
  }

  void Release(cv::dnn::Net net) const {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(net));
  }

  const std::vector<uchar> bytes_;
  std::optional<DenseNetwork> native_;
  mutable std::mutex mu_;
  mutable std::vector<cv::dnn::Net> idle_;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::unique_ptr<Model>> LoadOnnxModel(const ModelSpec& spec, bool native) {
  return OnnxModel::Load(spec, native);
}

void ConfigureOnnxThreads(int threads) { cv::setNumThreads(threads); }

}  // namespace ark::ml
