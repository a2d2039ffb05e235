// The ONNX backend: OpenCV DNN (Debian libopencv-dnn-dev, OpenCV 4.6).
//
// A cv::dnn::Net keeps per-inference state (its input and its layers' buffers), so one network
// serves one caller at a time: the model keeps the file's bytes and a pool of networks made from
// them, taking one per Run() and giving it back afterwards (at most one per concurrent worker).
#include <algorithm>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>

#include "ml/backends.h"

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

class OnnxModel final : public Model {
 public:
  static Result<std::unique_ptr<Model>> Load(const ModelSpec& spec) {
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
    model->idle_.push_back(std::move(net));
    return std::unique_ptr<Model>(std::move(model));
  }

 protected:
  Result<std::vector<Tensor>> Run(const float* data, int64_t rows,
                                  int64_t features) const override {
    ARK_ASSIGN_OR_RETURN(cv::dnn::Net net, Acquire());
    std::vector<Tensor> result;
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
  mutable std::mutex mu_;
  mutable std::vector<cv::dnn::Net> idle_;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::unique_ptr<Model>> LoadOnnxModel(const ModelSpec& spec) {
  return OnnxModel::Load(spec);
}

void ConfigureOnnxThreads(int threads) { cv::setNumThreads(threads); }

}  // namespace ark::ml
