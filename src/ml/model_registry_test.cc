// `models:` from YAML to loaded models: the top-level config section (config/engine_config.h),
// ModelRegistry::Load and the errors located at the offending line.
#include "ml/model_registry.h"

#include <gtest/gtest.h>

#include "config/yaml_loader.h"
#include "ml/test_models.h"

namespace ark::ml {
namespace {

constexpr const char* kStreams = R"(
streams:
  - input: {type: memory, messages: []}
    output: {type: drop}
)";

Result<EngineConfig> Parse(const std::string& models) {
  ARK_ASSIGN_OR_RETURN(ConfigValue root, LoadYamlString(models + kStreams, "test.yaml"));
  return ParseEngineConfig(root);
}

TEST(ModelRegistry, LoadsEveryDeclaredModel) {
  const std::string dir = testing::ModelsDir();
  auto config = Parse(
      "models:\n"
      "  - {name: fraud, backend: xgboost, path: " +
      dir +
      "/fraud.json}\n"
      "  - name: mlp\n"
      "    backend: onnx\n"
      "    path: " +
      dir +
      "/mlp.onnx\n"
      "    features: 16\n"
      "    threads: 1\n"
      "  - name: classifier\n"
      "    backend: torchscript\n"
      "    path: " +
      dir +
      "/classifier.pt\n"
      "    outputs: [logits, probabilities]\n");
  ASSERT_TRUE(config.ok()) << config.status().message();
  ASSERT_EQ(config->models.size(), 3u);
  EXPECT_EQ(config->models[1].features, 16);
  EXPECT_EQ(config->models[2].outputs, (std::vector<std::string>{"logits", "probabilities"}));
  auto registry = ModelRegistry::Load(config->models);
  ASSERT_TRUE(registry.ok()) << registry.status().message();
  EXPECT_EQ((*registry)->Names(), (std::vector<std::string>{"classifier", "fraud", "mlp"}));
  EXPECT_EQ((*registry)->Find("fraud")->features(), 4);
  EXPECT_EQ((*registry)->Find("mlp")->backend(), Backend::kOnnx);
  EXPECT_EQ((*registry)->Find("nope"), nullptr);
  auto missing = (*registry)->Get("frod");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "no model named \"frod\" (declared models: classifier, fraud, mlp)");
}

TEST(ModelRegistry, MissingFileIsLocatedAtItsPath) {
  auto config = Parse(
      "models:\n"
      "  - name: fraud\n"
      "    backend: xgboost\n"
      "    path: /nonexistent/fraud.json\n");
  ASSERT_TRUE(config.ok()) << config.status().message();
  auto registry = ModelRegistry::Load(config->models);
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.status().code(), StatusCode::kNotFound);
  const std::string msg = registry.status().message();
  EXPECT_NE(msg.find("test.yaml:4:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("model \"fraud\" (xgboost): model file \"/nonexistent/fraud.json\" does not "
                     "exist"),
            std::string::npos)
      << msg;
}

TEST(ModelRegistry, ConfigErrors) {
  auto backend = Parse("models:\n  - {name: m, backend: tensorflow, path: m.pb}\n");
  ASSERT_FALSE(backend.ok());
  EXPECT_NE(backend.status().message().find("tensorflow"), std::string::npos)
      << backend.status().message();
  EXPECT_NE(backend.status().message().find("onnx"), std::string::npos)
      << backend.status().message();

  auto duplicate = Parse(
      "models:\n"
      "  - {name: m, backend: onnx, path: a.onnx}\n"
      "  - {name: m, backend: xgboost, path: b.json}\n");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.status().message().find("duplicate model name \"m\" (models[0] at "),
            std::string::npos)
      << duplicate.status().message();

  auto unknown = Parse("models:\n  - {name: m, backend: onnx, path: a.onnx, shape: [1, 2]}\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("shape"), std::string::npos)
      << unknown.status().message();
}

TEST(ModelRegistry, NoModelsDeclared) {
  auto config = Parse("");
  ASSERT_TRUE(config.ok()) << config.status().message();
  auto registry = ModelRegistry::Load(config->models);
  ASSERT_TRUE(registry.ok());
  auto m = (*registry)->Get("fraud");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "no model named \"fraud\": no models are declared (add it under `models:` at the top "
            "level of the configuration)");
}

}  // namespace
}  // namespace ark::ml
