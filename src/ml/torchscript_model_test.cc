// The TorchScript backend (libtorch) against PyTorch's own predictions for the same modules.
#include <gtest/gtest.h>

#include "ml/test_models.h"

namespace ark::ml {
namespace {

using testing::ExpectClose;
using testing::ReadExpected;
using testing::Spec;

TEST(TorchScriptModel, TracedMlpMatchesPyTorch) {
  ModelSpec spec = Spec("mlp", Backend::kTorchScript, "mlp.pt");
  spec.features = 16;
  auto model = LoadModel(spec);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ((*model)->output_names(), std::vector<std::string>{"output"});
  testing::Expected e = ReadExpected("mlp");
  auto out = (*model)->Infer(e.inputs.data(), e.rows, e.features);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const Tensor& t = (*out)[0];
  ASSERT_EQ(t.rows, e.rows);
  ASSERT_EQ(t.cols, 1);
  for (int64_t r = 0; r < e.rows; ++r) {
    ExpectClose(t.values[r], e.outputs["score"][r][0], "row " + std::to_string(r));
  }
}

TEST(TorchScriptModel, ScriptedTupleWithNamedOutputs) {
  ModelSpec spec = Spec("classifier", Backend::kTorchScript, "classifier.pt");
  spec.outputs = {"logits", "probabilities"};
  auto model = LoadModel(spec);
  ASSERT_TRUE(model.ok()) << model.status().message();
  testing::Expected e = ReadExpected("classifier");
  auto out = (*model)->Infer(e.inputs.data(), e.rows, e.features);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 2u);
  for (int o = 0; o < 2; ++o) {
    const auto& want = e.outputs[spec.outputs[o]];
    ASSERT_EQ((*out)[o].cols, 3);
    for (int64_t r = 0; r < e.rows; ++r) {
      for (int64_t k = 0; k < 3; ++k) {
        ExpectClose((*out)[o].values[r * 3 + k], want[r][k],
                    spec.outputs[o] + " row " + std::to_string(r));
      }
    }
  }
}

TEST(TorchScriptModel, TupleWithoutNamesIsExplained) {
  ModelSpec spec = Spec("classifier", Backend::kTorchScript, "classifier.pt");
  spec.features = 4;
  auto model = LoadModel(spec);
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find(
                "returned 2 tensors but has 1 output names (output); list one name per returned "
                "tensor in `outputs:` of its models: entry"),
            std::string::npos)
      << model.status().message();
}

TEST(TorchScriptModel, WrongWidthSaysWhatTheModelGot) {
  auto model = LoadModel(Spec("mlp", Backend::kTorchScript, "mlp.pt"));
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::vector<float> rows(2 * 5, 1.0f);
  auto out = (*model)->Infer(rows.data(), 2, 5);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "model \"mlp\" (torchscript, " + testing::ModelPath("mlp.pt") +
                ") failed on a [2, 5] input: mat1 and mat2 shapes cannot be multiplied (2x5 and "
                "16x32) (does the model take 5 features per row?)");
}

TEST(TorchScriptModel, NotATorchScriptFile) {
  auto model = LoadModel(Spec("bad", Backend::kTorchScript, "mlp.onnx"));
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("libtorch could not load the TorchScript file: "),
            std::string::npos)
      << model.status().message();
}

}  // namespace
}  // namespace ark::ml
