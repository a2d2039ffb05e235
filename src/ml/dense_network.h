// DenseNetwork: a native evaluator of feed-forward networks made of fully connected layers and
// element-wise activations — the multilayer perceptrons most ONNX models in a pipeline are. The
// ONNX backend (onnx_model.cc) reads such a graph out of OpenCV's imported network and predicts
// with this instead of OpenCV DNN 4.6, whose fully connected layer is a scalar loop (DESIGN §10:
// ≥ 5 M rows/s per core for a 16→32→1 MLP; OpenCV reached 4.1 M).
//
// How: rows go through in tiles of kTile rows, each tile held transposed (one row of kTile floats
// per feature), so every layer is kTile-wide vector arithmetic whatever its width — a layer of one
// output is as vectorized as a layer of a hundred — and the tile's accumulators stay in registers.
//
//   std::vector<DenseNetwork::Node> nodes = {
//       DenseNetwork::Dense(DenseNetwork::kInput, 16, 32, weights0, bias0),  // node 0
//       DenseNetwork::Act(0, DenseNetwork::Activation::kRelu),               // node 1
//       DenseNetwork::Dense(1, 32, 1, weights1, bias1),                      // node 2
//       DenseNetwork::Act(2, DenseNetwork::Activation::kSigmoid)};           // node 3
//   ARK_ASSIGN_OR_RETURN(DenseNetwork net, DenseNetwork::Make(16, std::move(nodes), {3}));
//   std::vector<std::vector<float>> out;       // one [rows, width] matrix per output
//   net.Predict(matrix, rows, &out);           // matrix: rows * 16 floats, row-major
//
// Sums run in a different order than other implementations', so values may differ from OpenCV's
// or PyTorch's in the last bits of a float.
//
// Thread-safety: immutable after Make; Predict may run concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace ark::ml {

class DenseNetwork {
 public:
  // Rows per tile (the vector width of the arithmetic).
  static constexpr int64_t kTile = 32;
  // A node's input: the graph input, or an earlier node.
  static constexpr int kInput = -1;

  enum class Activation {
    kIdentity,
    kRelu,        // max(x, 0), or x * slope below 0 (LeakyRelu)
    kSigmoid,     // 1 / (1 + e^-x)
    kTanh,        //
    kSoftmax,     // over the node's values of each row
    kLogSoftmax,  // log of the softmax
    kAffine,      // x · scale[j] + shift[j] per value j (a bias added, or a constant multiplied)
  };

  // A fully connected layer (weights: [outputs, inputs] row-major; bias: outputs values or
  // empty) or an activation of its input.
  struct Node {
    int input = kInput;
    bool dense = false;
    int64_t inputs = 0;
    int64_t outputs = 0;
    std::vector<float> weights;
    std::vector<float> bias;
    Activation activation = Activation::kIdentity;
    float slope = 0.0f;        // kRelu: the slope below 0
    std::vector<float> scale;  // kAffine: one per value, one for all, or empty for 1
    std::vector<float> shift;  // kAffine: one per value, one for all, or empty for 0
  };

  static Node Dense(int input, int64_t inputs, int64_t outputs, std::vector<float> weights,
                    std::vector<float> bias);
  static Node Act(int input, Activation activation, float slope = 0.0f);
  static Node Affine(int input, std::vector<float> scale, std::vector<float> shift);

  // Checks the nodes (inputs refer to earlier nodes, weights and bias sizes match, widths chain)
  // and keeps only what the outputs need. `outputs`: node indices, in the order Predict returns
  // them.
  static Result<DenseNetwork> Make(int64_t features, std::vector<Node> nodes,
                                   std::vector<int> outputs);

  int64_t features() const { return features_; }
  // Width of each output, in order.
  std::vector<int64_t> output_widths() const;
  // "dense 16→32, relu, dense 32→1, sigmoid": what the network is, for logs.
  std::string Describe() const;

  // Predicts `rows` rows of features() floats each (row-major): (*out)[i] becomes output i as a
  // [rows, width] row-major matrix.
  void Predict(const float* x, int64_t rows, std::vector<std::vector<float>>* out) const;

 private:
  // A node with its width and where its tile lives in the scratch space.
  struct Step {
    Node node;
    int64_t width = 0;
    int64_t offset = 0;  // in floats, into the scratch space of one tile
  };

  int64_t features_ = 0;
  std::vector<Step> steps_;     // the nodes the outputs need, in order
  std::vector<int> outputs_;    // indices into steps_
  int64_t scratch_floats_ = 0;  // one tile of every step, and the input
};

}  // namespace ark::ml
