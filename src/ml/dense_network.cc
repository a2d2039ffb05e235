#include "ml/dense_network.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace ark::ml {
namespace {

constexpr int64_t kTile = DenseNetwork::kTile;

std::string_view ActivationName(DenseNetwork::Activation a) {
  switch (a) {
    case DenseNetwork::Activation::kIdentity:
      return "identity";
    case DenseNetwork::Activation::kRelu:
      return "relu";
    case DenseNetwork::Activation::kSigmoid:
      return "sigmoid";
    case DenseNetwork::Activation::kTanh:
      return "tanh";
    case DenseNetwork::Activation::kSoftmax:
      return "softmax";
    case DenseNetwork::Activation::kLogSoftmax:
      return "log_softmax";
    case DenseNetwork::Activation::kAffine:
      return "affine";
  }
  return "?";
}

// Vectors of 4 floats (SSE, NEON) and 8 (AVX); loads through them need only float alignment.
using Vec4 = float __attribute__((vector_size(16), aligned(4)));
using Vec8 = float __attribute__((vector_size(32), aligned(4)));
static_assert(kTile % 8 == 0);

// out[j] = bias[j] + Σk weights[j, k] · in[k], for the kTile rows of a tile (in: inputs × kTile,
// out: outputs × kTile). The kTile accumulators of an output stay in registers through its sum.
template <typename Vec>
inline __attribute__((always_inline)) void DenseTileOf(const float* weights, const float* bias,
                                                       int64_t inputs, int64_t outputs,
                                                       const float* in, float* out) {
  constexpr int64_t kLanes = sizeof(Vec) / sizeof(float);
  constexpr int64_t kVecs = kTile / kLanes;
  for (int64_t j = 0; j < outputs; ++j) {
    Vec acc[kVecs];
    const float b = bias != nullptr ? bias[j] : 0.0f;
    for (int64_t v = 0; v < kVecs; ++v) acc[v] = Vec{} + b;
    const float* w = weights + j * inputs;
    for (int64_t k = 0; k < inputs; ++k) {
      const Vec wk = Vec{} + w[k];
      const auto* xk = reinterpret_cast<const Vec*>(in + k * kTile);
      for (int64_t v = 0; v < kVecs; ++v) acc[v] += wk * xk[v];
    }
    auto* o = reinterpret_cast<Vec*>(out + j * kTile);
    for (int64_t v = 0; v < kVecs; ++v) o[v] = acc[v];
  }
}

// x where x ≥ 0, x · slope below: a vector select, no branch to mispredict on the data's signs.
template <typename Vec>
inline __attribute__((always_inline)) void ReluTileOf(const float* in, int64_t n, float slope,
                                                      float* out) {
  constexpr int64_t kLanes = sizeof(Vec) / sizeof(float);
  const auto* x = reinterpret_cast<const Vec*>(in);
  auto* y = reinterpret_cast<Vec*>(out);
  const Vec zero{};
  for (int64_t v = 0; v < n / kLanes; ++v) y[v] = x[v] >= zero ? x[v] : x[v] * slope;
}

void DenseTileBase(const float* weights, const float* bias, int64_t inputs, int64_t outputs,
                   const float* in, float* out) {
  DenseTileOf<Vec4>(weights, bias, inputs, outputs, in, out);
}
void ReluTileBase(const float* in, int64_t n, float slope, float* out) {
  ReluTileOf<Vec4>(in, n, slope, out);
}

// On x86-64 the kernels are also built for AVX2 with FMA, used when the CPU has them.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) void DenseTileAvx2(const float* weights, const float* bias,
                                                       int64_t inputs, int64_t outputs,
                                                       const float* in, float* out) {
  DenseTileOf<Vec8>(weights, bias, inputs, outputs, in, out);
}
__attribute__((target("avx2,fma"))) void ReluTileAvx2(const float* in, int64_t n, float slope,
                                                      float* out) {
  ReluTileOf<Vec8>(in, n, slope, out);
}
const bool kAvx2 = [] {
  __builtin_cpu_init();  // this may run before libgcc's own initializer of the CPU model
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}();
void DenseTile(const float* weights, const float* bias, int64_t inputs, int64_t outputs,
               const float* in, float* out) {
  (kAvx2 ? DenseTileAvx2 : DenseTileBase)(weights, bias, inputs, outputs, in, out);
}
void ReluTile(const float* in, int64_t n, float slope, float* out) {
  (kAvx2 ? ReluTileAvx2 : ReluTileBase)(in, n, slope, out);
}
#else
void DenseTile(const float* weights, const float* bias, int64_t inputs, int64_t outputs,
               const float* in, float* out) {
  DenseTileBase(weights, bias, inputs, outputs, in, out);
}
void ReluTile(const float* in, int64_t n, float slope, float* out) {
  ReluTileBase(in, n, slope, out);
}
#endif

// Softmax (or its log) over the `width` values of each of the tile's rows.
void SoftmaxTile(const float* in, int64_t width, bool log, float* out) {
  float max[kTile];
  float sum[kTile];
  for (int64_t t = 0; t < kTile; ++t) {
    max[t] = -std::numeric_limits<float>::infinity();
    sum[t] = 0.0f;
  }
  for (int64_t j = 0; j < width; ++j) {
    for (int64_t t = 0; t < kTile; ++t) max[t] = std::max(max[t], in[j * kTile + t]);
  }
  for (int64_t j = 0; j < width; ++j) {
    for (int64_t t = 0; t < kTile; ++t) {
      const float e = std::exp(in[j * kTile + t] - max[t]);
      out[j * kTile + t] = e;
      sum[t] += e;
    }
  }
  for (int64_t j = 0; j < width; ++j) {
    for (int64_t t = 0; t < kTile; ++t) {
      float& v = out[j * kTile + t];
      v = log ? in[j * kTile + t] - max[t] - std::log(sum[t]) : v / sum[t];
    }
  }
}

void ActivationTile(const DenseNetwork::Node& node, const float* in, int64_t width, float* out) {
  const int64_t n = width * kTile;
  switch (node.activation) {
    case DenseNetwork::Activation::kIdentity:
      std::memcpy(out, in, static_cast<size_t>(n) * sizeof(float));
      return;
    case DenseNetwork::Activation::kRelu:
      ReluTile(in, n, node.slope, out);
      return;
    case DenseNetwork::Activation::kSigmoid:
      for (int64_t i = 0; i < n; ++i) out[i] = 1.0f / (1.0f + std::exp(-in[i]));
      return;
    case DenseNetwork::Activation::kTanh:
      for (int64_t i = 0; i < n; ++i) out[i] = std::tanh(in[i]);
      return;
    case DenseNetwork::Activation::kSoftmax:
    case DenseNetwork::Activation::kLogSoftmax:
      SoftmaxTile(in, width, node.activation == DenseNetwork::Activation::kLogSoftmax, out);
      return;
    case DenseNetwork::Activation::kAffine:
      for (int64_t j = 0; j < width; ++j) {
        auto at = [j](const std::vector<float>& v, float none) {
          return v.empty() ? none : v[v.size() == 1 ? 0 : static_cast<size_t>(j)];
        };
        const float a = at(node.scale, 1.0f);
        const float b = at(node.shift, 0.0f);
        for (int64_t t = 0; t < kTile; ++t) out[j * kTile + t] = in[j * kTile + t] * a + b;
      }
      return;
  }
}

}  // namespace

DenseNetwork::Node DenseNetwork::Dense(int input, int64_t inputs, int64_t outputs,
                                       std::vector<float> weights, std::vector<float> bias) {
  Node n;
  n.input = input;
  n.dense = true;
  n.inputs = inputs;
  n.outputs = outputs;
  n.weights = std::move(weights);
  n.bias = std::move(bias);
  return n;
}

DenseNetwork::Node DenseNetwork::Act(int input, Activation activation, float slope) {
  Node n;
  n.input = input;
  n.activation = activation;
  n.slope = slope;
  return n;
}

DenseNetwork::Node DenseNetwork::Affine(int input, std::vector<float> scale,
                                        std::vector<float> shift) {
  Node n = Act(input, Activation::kAffine);
  n.scale = std::move(scale);
  n.shift = std::move(shift);
  return n;
}

Result<DenseNetwork> DenseNetwork::Make(int64_t features, std::vector<Node> nodes,
                                        std::vector<int> outputs) {
  if (features <= 0) return Status::InvalidArgument("a network needs at least one feature");
  if (outputs.empty()) return Status::InvalidArgument("a network needs at least one output");
  const int count = static_cast<int>(nodes.size());
  std::vector<int64_t> widths(nodes.size());
  for (int i = 0; i < count; ++i) {
    const Node& n = nodes[static_cast<size_t>(i)];
    if (n.input < kInput || n.input >= i) {
      return Status::InvalidArgument("node {} reads node {}, which does not come before it", i,
                                     n.input);
    }
    const int64_t in = n.input == kInput ? features : widths[static_cast<size_t>(n.input)];
    if (!n.dense) {
      for (const auto* v : {&n.scale, &n.shift}) {
        if (v->size() > 1 && static_cast<int64_t>(v->size()) != in) {
          return Status::InvalidArgument("node {} ({}) has {} {} values for {} inputs", i,
                                         ActivationName(n.activation), v->size(),
                                         v == &n.scale ? "scale" : "shift", in);
        }
      }
      widths[static_cast<size_t>(i)] = in;
      continue;
    }
    if (n.inputs != in || n.outputs <= 0) {
      return Status::InvalidArgument("node {} is a dense {}→{} layer but its input is {} wide", i,
                                     n.inputs, n.outputs, in);
    }
    if (static_cast<int64_t>(n.weights.size()) != n.inputs * n.outputs) {
      return Status::InvalidArgument("node {} (dense {}→{}) has {} weights, expected {}", i,
                                     n.inputs, n.outputs, n.weights.size(), n.inputs * n.outputs);
    }
    if (!n.bias.empty() && static_cast<int64_t>(n.bias.size()) != n.outputs) {
      return Status::InvalidArgument("node {} (dense {}→{}) has {} bias values, expected {}", i,
                                     n.inputs, n.outputs, n.bias.size(), n.outputs);
    }
    widths[static_cast<size_t>(i)] = n.outputs;
  }
  std::vector<bool> needed(nodes.size(), false);
  for (int o : outputs) {
    if (o < 0 || o >= count) {
      return Status::InvalidArgument("output node {} is not one of the {} nodes", o, count);
    }
    needed[static_cast<size_t>(o)] = true;
  }
  for (int i = count - 1; i >= 0; --i) {
    const int in = nodes[static_cast<size_t>(i)].input;
    if (needed[static_cast<size_t>(i)] && in != kInput) needed[static_cast<size_t>(in)] = true;
  }

  DenseNetwork net;
  net.features_ = features;
  net.scratch_floats_ = features * kTile;
  std::vector<int> step_of(nodes.size(), -1);
  for (int i = 0; i < count; ++i) {
    if (!needed[static_cast<size_t>(i)]) continue;
    Step s;
    s.node = std::move(nodes[static_cast<size_t>(i)]);
    if (s.node.input != kInput) s.node.input = step_of[static_cast<size_t>(s.node.input)];
    s.width = widths[static_cast<size_t>(i)];
    s.offset = net.scratch_floats_;
    net.scratch_floats_ += s.width * kTile;
    step_of[static_cast<size_t>(i)] = static_cast<int>(net.steps_.size());
    net.steps_.push_back(std::move(s));
  }
  for (int o : outputs) net.outputs_.push_back(step_of[static_cast<size_t>(o)]);
  return net;
}

std::vector<int64_t> DenseNetwork::output_widths() const {
  std::vector<int64_t> widths;
  for (int o : outputs_) widths.push_back(steps_[static_cast<size_t>(o)].width);
  return widths;
}

std::string DenseNetwork::Describe() const {
  std::string text;
  for (const Step& s : steps_) {
    if (!text.empty()) text += ", ";
    if (s.node.dense) {
      text += fmt::format("dense {}->{}", s.node.inputs, s.node.outputs);
    } else {
      text += ActivationName(s.node.activation);
    }
  }
  return text;
}

void DenseNetwork::Predict(const float* x, int64_t rows,
                           std::vector<std::vector<float>>* out) const {
  out->resize(outputs_.size());
  for (size_t i = 0; i < outputs_.size(); ++i) {
    (*out)[i].resize(static_cast<size_t>(rows * steps_[static_cast<size_t>(outputs_[i])].width));
  }
  // The tile of the input, then one tile per step.
  std::vector<float> scratch(static_cast<size_t>(scratch_floats_), 0.0f);
  float* input = scratch.data();
  for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
    const int64_t n = std::min(kTile, rows - r0);
    const float* row = x + r0 * features_;
    for (int64_t t = 0; t < n; ++t, row += features_) {
      for (int64_t f = 0; f < features_; ++f) input[f * kTile + t] = row[f];
    }
    if (n < kTile) {  // the last tile: rows past the end compute on zeros and are not copied out
      for (int64_t f = 0; f < features_; ++f) {
        std::fill(input + f * kTile + n, input + (f + 1) * kTile, 0.0f);
      }
    }
    for (const Step& s : steps_) {
      const float* in = s.node.input == kInput
                            ? input
                            : scratch.data() + steps_[static_cast<size_t>(s.node.input)].offset;
      float* result = scratch.data() + s.offset;
      if (s.node.dense) {
        DenseTile(s.node.weights.data(), s.node.bias.empty() ? nullptr : s.node.bias.data(),
                  s.node.inputs, s.node.outputs, in, result);
      } else {
        ActivationTile(s.node, in, s.width, result);
      }
    }
    for (size_t i = 0; i < outputs_.size(); ++i) {
      const Step& s = steps_[static_cast<size_t>(outputs_[i])];
      const float* tile = scratch.data() + s.offset;
      float* dst = (*out)[i].data() + r0 * s.width;
      for (int64_t t = 0; t < n; ++t) {
        for (int64_t j = 0; j < s.width; ++j) dst[t * s.width + j] = tile[j * kTile + t];
      }
    }
  }
}

}  // namespace ark::ml
