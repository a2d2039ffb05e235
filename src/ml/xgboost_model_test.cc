// The XGBoost backend against xgboost's Python predictions (the same library underneath, so the
// values are equal to the last bit).
#include <gtest/gtest.h>

#include "ml/test_models.h"

namespace ark::ml {
namespace {

using testing::ReadExpected;
using testing::Spec;

TEST(XgboostModel, BinaryLogisticMatchesPythonExactly) {
  auto model = LoadModel(Spec("fraud", Backend::kXgboost, "fraud.json"));
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ((*model)->features(), 4);  // stated by the file
  EXPECT_EQ((*model)->output_names(), std::vector<std::string>{"prediction"});
  testing::Expected e = ReadExpected("fraud");
  auto out = (*model)->Infer(e.inputs.data(), e.rows, e.features);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const Tensor& t = (*out)[0];
  ASSERT_EQ(t.rows, e.rows);
  ASSERT_EQ(t.cols, 1);
  for (int64_t r = 0; r < e.rows; ++r) {
    EXPECT_EQ(t.values[r], e.outputs["prediction"][r][0]) << "row " << r;
  }
}

TEST(XgboostModel, SoftprobGivesOneColumnPerClass) {
  ModelSpec spec = Spec("species", Backend::kXgboost, "species.ubj");
  spec.outputs = {"probabilities"};
  auto model = LoadModel(spec);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ((*model)->output_names(), std::vector<std::string>{"probabilities"});
  testing::Expected e = ReadExpected("species");
  auto out = (*model)->Infer(e.inputs.data(), e.rows, e.features);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const Tensor& t = (*out)[0];
  ASSERT_EQ(t.cols, 3);
  for (int64_t r = 0; r < e.rows; ++r) {
    for (int64_t k = 0; k < 3; ++k) {
      EXPECT_EQ(t.values[r * 3 + k], e.outputs["prediction"][r][k]) << "row " << r;
    }
  }
}

TEST(XgboostModel, DeclaredFeaturesMustMatchTheFile) {
  ModelSpec spec = Spec("fraud", Backend::kXgboost, "fraud.json");
  spec.features = 5;
  auto model = LoadModel(spec);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().message(), "model \"fraud\" (xgboost, " + spec.path +
                                          "): `features: 5` is declared but the model takes 4");
}

TEST(XgboostModel, WidthMismatch) {
  auto model = LoadModel(Spec("fraud", Backend::kXgboost, "fraud.json"));
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::vector<float> row(3, 1.0f);
  auto out = (*model)->Infer(row.data(), 1, 3);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("takes 4 features per row, got 3"), std::string::npos);
}

TEST(XgboostModel, MissingAndUnreadableFiles) {
  auto missing = LoadModel(Spec("fraud", Backend::kXgboost, "no-such-model.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "model \"fraud\" (xgboost): model file \"" +
                                            testing::ModelPath("no-such-model.json") +
                                            "\" does not exist");

  auto bad = LoadModel(Spec("fraud", Backend::kXgboost, "mlp.onnx"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("XGBoost could not load the file"), std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace ark::ml
