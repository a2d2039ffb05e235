// DenseNetwork on networks small enough to compute by hand (integer weights: every sum is exact),
// on every batch size around its tile, and its refusals of malformed networks.
#include "ml/dense_network.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ark::ml {
namespace {

using Activation = DenseNetwork::Activation;
constexpr int kIn = DenseNetwork::kInput;

// 2 features → dense 2→3 → relu → dense 3→1: y = 1·relu(x0 + 2·x1 + 1)
//                                               − 1·relu(−x0 + x1) + 2·relu(3·x0 − 2) + 0.5
DenseNetwork TwoLayers() {
  std::vector<DenseNetwork::Node> nodes = {
      DenseNetwork::Dense(kIn, 2, 3, {1, 2, -1, 1, 3, 0}, {1, 0, -2}),
      DenseNetwork::Act(0, Activation::kRelu), DenseNetwork::Dense(1, 3, 1, {1, -1, 2}, {0.5f})};
  auto net = DenseNetwork::Make(2, std::move(nodes), {2});
  EXPECT_TRUE(net.ok()) << net.status().message();
  return std::move(net).value();
}

float TwoLayersByHand(float x0, float x1) {
  auto relu = [](float v) { return v > 0 ? v : 0.0f; };
  return relu(x0 + 2 * x1 + 1) - relu(-x0 + x1) + 2 * relu(3 * x0 - 2) + 0.5f;
}

TEST(DenseNetwork, ComputesByHandValues) {
  DenseNetwork net = TwoLayers();
  EXPECT_EQ(net.features(), 2);
  EXPECT_EQ(net.output_widths(), std::vector<int64_t>{1});
  EXPECT_EQ(net.Describe(), "dense 2->3, relu, dense 3->1");
  const std::vector<float> x = {1, 1, -2, 3, 0, 0, 4, -1};
  std::vector<std::vector<float>> out;
  net.Predict(x.data(), 4, &out);
  ASSERT_EQ(out.size(), 1u);
  // (1,1): 4 − 0 + 2 + 0.5; (−2,3): 5 − 5 + 0 + 0.5; (0,0): 1 − 0 + 0 + 0.5; (4,−1): 3 − 0 + 20 +
  // 0.5
  EXPECT_EQ(out[0], (std::vector<float>{6.5f, 0.5f, 1.5f, 23.5f}));
}

// Every batch size across tile boundaries: the rows come back in order, the padding of the last
// tile never leaks into them.
TEST(DenseNetwork, EveryBatchSizeAroundTheTile) {
  DenseNetwork net = TwoLayers();
  for (int64_t rows = 1; rows <= 3 * DenseNetwork::kTile + 1; ++rows) {
    std::vector<float> x;
    std::vector<float> want;
    for (int64_t r = 0; r < rows; ++r) {
      const auto x0 = static_cast<float>(r % 7 - 3);
      const auto x1 = static_cast<float>(r % 5 - 2);
      x.push_back(x0);
      x.push_back(x1);
      want.push_back(TwoLayersByHand(x0, x1));
    }
    std::vector<std::vector<float>> out;
    net.Predict(x.data(), rows, &out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], want) << rows << " rows";
  }
}

TEST(DenseNetwork, Activations) {
  // One identity dense layer 3→3 feeding each activation; outputs in the order asked.
  std::vector<DenseNetwork::Node> nodes = {
      DenseNetwork::Dense(kIn, 3, 3, {1, 0, 0, 0, 1, 0, 0, 0, 1}, {}),
      DenseNetwork::Act(0, Activation::kRelu, 0.25f),  // 1: leaky relu
      DenseNetwork::Act(0, Activation::kSigmoid),      // 2
      DenseNetwork::Act(0, Activation::kTanh),         // 3
      DenseNetwork::Act(0, Activation::kSoftmax),      // 4
      DenseNetwork::Act(0, Activation::kLogSoftmax),   // 5
      DenseNetwork::Act(kIn, Activation::kIdentity)};  // 6: the input itself
  auto net = DenseNetwork::Make(3, std::move(nodes), {1, 2, 3, 4, 5, 6});
  ASSERT_TRUE(net.ok()) << net.status().message();
  EXPECT_EQ(net->output_widths(), (std::vector<int64_t>{3, 3, 3, 3, 3, 3}));
  const std::vector<float> x = {-4, 0, 2, 1, 1, 1};
  std::vector<std::vector<float>> out;
  net->Predict(x.data(), 2, &out);
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0], (std::vector<float>{-1, 0, 2, 1, 1, 1}));
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_FLOAT_EQ(out[1][i], 1.0f / (1.0f + std::exp(-x[i]))) << i;
    EXPECT_FLOAT_EQ(out[2][i], std::tanh(x[i])) << i;
  }
  // Row 0: softmax of (−4, 0, 2); row 1: three equal values.
  const double sum = std::exp(-6.0) + std::exp(-2.0) + 1.0;
  const std::vector<double> row0 = {std::exp(-6.0) / sum, std::exp(-2.0) / sum, 1.0 / sum};
  for (size_t j = 0; j < 3; ++j) {
    EXPECT_NEAR(out[3][j], row0[j], 1e-7) << j;
    EXPECT_NEAR(out[3][3 + j], 1.0 / 3, 1e-7) << j;
    EXPECT_NEAR(out[4][j], std::log(row0[j]), 1e-6) << j;
    EXPECT_NEAR(out[4][3 + j], std::log(1.0 / 3), 1e-6) << j;
  }
  EXPECT_EQ(out[5], x);
}

TEST(DenseNetwork, Affine) {
  // Per-value scale and shift, a shift alone, and one scale for all values.
  std::vector<DenseNetwork::Node> nodes = {DenseNetwork::Affine(kIn, {2, -1}, {1, 0.5f}),
                                           DenseNetwork::Affine(kIn, {}, {3, 4}),
                                           DenseNetwork::Affine(kIn, {0.5f}, {})};
  auto net = DenseNetwork::Make(2, std::move(nodes), {0, 1, 2});
  ASSERT_TRUE(net.ok()) << net.status().message();
  EXPECT_EQ(net->Describe(), "affine, affine, affine");
  const std::vector<float> x = {1, 2, -3, 4};
  std::vector<std::vector<float>> out;
  net->Predict(x.data(), 2, &out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], (std::vector<float>{3, -1.5f, -5, -3.5f}));
  EXPECT_EQ(out[1], (std::vector<float>{4, 6, 0, 8}));
  EXPECT_EQ(out[2], (std::vector<float>{0.5f, 1, -1.5f, 2}));

  auto bad = DenseNetwork::Make(2, {DenseNetwork::Affine(kIn, {1, 2, 3}, {})}, {0});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "node 0 (affine) has 3 scale values for 2 inputs");
}

TEST(DenseNetwork, KeepsOnlyWhatTheOutputsNeed) {
  std::vector<DenseNetwork::Node> nodes = {DenseNetwork::Dense(kIn, 2, 2, {1, 0, 0, 1}, {}),
                                           DenseNetwork::Act(0, Activation::kTanh),
                                           DenseNetwork::Act(0, Activation::kSigmoid)};
  auto net = DenseNetwork::Make(2, std::move(nodes), {2});
  ASSERT_TRUE(net.ok()) << net.status().message();
  EXPECT_EQ(net->Describe(), "dense 2->2, sigmoid");
}

TEST(DenseNetwork, RefusesMalformedNetworks) {
  auto error = [](int64_t features, std::vector<DenseNetwork::Node> nodes,
                  std::vector<int> outputs) {
    auto net = DenseNetwork::Make(features, std::move(nodes), std::move(outputs));
    EXPECT_FALSE(net.ok());
    return net.ok() ? std::string() : net.status().message();
  };
  EXPECT_EQ(
      error(2, {DenseNetwork::Act(1, Activation::kRelu), DenseNetwork::Act(kIn, Activation::kRelu)},
            {0}),
      "node 0 reads node 1, which does not come before it");
  EXPECT_EQ(error(3, {DenseNetwork::Dense(kIn, 2, 1, {1, 1}, {})}, {0}),
            "node 0 is a dense 2→1 layer but its input is 3 wide");
  EXPECT_EQ(error(2, {DenseNetwork::Dense(kIn, 2, 2, {1, 1, 1}, {})}, {0}),
            "node 0 (dense 2→2) has 3 weights, expected 4");
  EXPECT_EQ(error(2, {DenseNetwork::Dense(kIn, 2, 1, {1, 1}, {1, 2})}, {0}),
            "node 0 (dense 2→1) has 2 bias values, expected 1");
  EXPECT_EQ(error(2, {DenseNetwork::Act(kIn, Activation::kRelu)}, {1}),
            "output node 1 is not one of the 1 nodes");
  EXPECT_EQ(error(2, {DenseNetwork::Act(kIn, Activation::kRelu)}, {}),
            "a network needs at least one output");
  EXPECT_EQ(error(0, {DenseNetwork::Act(kIn, Activation::kRelu)}, {0}),
            "a network needs at least one feature");
}

}  // namespace
}  // namespace ark::ml
