// The `model` processor: config through the registry, columns in, model outputs as columns
// (values, lists, argmax with labels, threshold), and the errors a pipeline author meets.
#include "processors/model.h"

#include <gtest/gtest.h>

#include "config/yaml_loader.h"
#include "core/column_builder.h"
#include "ml/model_registry.h"
#include "ml/test_models.h"

namespace ark {
namespace {

using ml::testing::ReadExpected;
using ml::testing::Spec;

class ModelProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterModelProcessor(registry_);
    ml::ModelSpec classifier = Spec("classifier", ml::Backend::kOnnx, "classifier.onnx");
    classifier.features = 4;
    ml::ModelSpec torch = Spec("classifier_pt", ml::Backend::kTorchScript, "classifier.pt");
    torch.outputs = {"logits", "probabilities"};
    std::vector<std::shared_ptr<const ml::Model>> models;
    for (const ml::ModelSpec& s :
         {Spec("fraud", ml::Backend::kXgboost, "fraud.json"), classifier, torch}) {
      auto m = ml::LoadModel(s);
      ASSERT_TRUE(m.ok()) << m.status().message();
      models.push_back(*m);
    }
    ml::InstallModelRegistry(ml::ModelRegistry::Of(std::move(models)));
  }
  void TearDown() override { ml::InstallModelRegistry(nullptr); }

  Result<std::unique_ptr<Processor>> Make(std::string_view yaml) {
    ARK_ASSIGN_OR_RETURN(ConfigValue node, LoadYamlString(yaml, "test.yaml"));
    return registry_.MakeProcessor(
        node, {.stream_id = "s", .label = "processor[1]", .registry = &registry_});
  }

  static Result<Batch> Run(Processor& p, const Batch& in) {
    ProcessOutput out;
    ARK_RETURN_IF_ERROR(p.Process(in, &out));
    if (out.batches.size() != 1) return Status::Internal("{} batches", out.batches.size());
    return out.batches[0];
  }

  // Columns named `names` holding the expected inputs (float64, as json_to_arrow makes them), or
  // one list<float32> column "features" when `names` is empty.
  static Batch Inputs(const ml::testing::Expected& e, std::vector<std::string> names) {
    std::vector<Field> fields;
    std::vector<ColumnPtr> cols;
    if (names.empty()) {
      ListBuilder b(DataType::List(DataType::Float32()));
      for (int64_t r = 0; r < e.rows; ++r) {
        b.Append();
        for (int64_t f = 0; f < e.features; ++f) {
          static_cast<Float32Builder&>(b.values()).Append(e.inputs[r * e.features + f]);
        }
      }
      fields.emplace_back("features", DataType::List(DataType::Float32()));
      cols.push_back(b.Finish());
    }
    for (size_t f = 0; f < names.size(); ++f) {
      Float64Builder b(DataType::Float64());
      for (int64_t r = 0; r < e.rows; ++r) b.Append(e.inputs[r * e.features + f]);
      fields.emplace_back(names[f], DataType::Float64());
      cols.push_back(b.Finish());
    }
    return Batch(Schema::Make(std::move(fields)), std::move(cols), e.rows);
  }

  Registry registry_;
};

TEST_F(ModelProcessorTest, XgboostScoreAndThreshold) {
  auto p = Make(R"(
type: model
model: fraud
inputs: [amount, hour, velocity, distance_km]
outputs:
  - name: score
  - name: flagged
    output: prediction
    threshold: 0.5
)");
  ASSERT_TRUE(p.ok()) << p.status().message();
  ml::testing::Expected e = ReadExpected("fraud");
  auto out = Run(**p, Inputs(e, {"amount", "hour", "velocity", "distance_km"}));
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->num_columns(), 6);
  EXPECT_EQ(out->schema()->field(4).ToString(), Field("score", DataType::Float32()).ToString());
  EXPECT_EQ(out->schema()->field(5).type, DataType::Bool());
  for (int64_t r = 0; r < e.rows; ++r) {
    const float want = e.outputs["prediction"][r][0];
    EXPECT_EQ(out->column(4)->data<float>()[r], want) << r;
    EXPECT_EQ(out->column(5)->GetBool(r), want >= 0.5f) << r;
  }
}

TEST_F(ModelProcessorTest, ListInputProbabilitiesAndLabels) {
  auto p = Make(R"(
type: model
model: classifier
inputs: [features]
outputs:
  - name: probabilities
    output: probabilities
  - name: class
    output: probabilities
    labels: [cat, dog, bird]
  - name: class_index
    output: logits
    argmax: true
  - name: logit0
    output: logits
    type: list<float32>
)");
  ASSERT_TRUE(p.ok()) << p.status().message();
  ml::testing::Expected e = ReadExpected("classifier");
  auto out = Run(**p, Inputs(e, {}));
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->num_columns(), 5);
  EXPECT_EQ(out->schema()->field(1).type, DataType::List(DataType::Float32()));
  EXPECT_EQ(out->schema()->field(2).type, DataType::String());
  EXPECT_EQ(out->schema()->field(3).type, DataType::Int64());
  const char* labels[] = {"cat", "dog", "bird"};
  const Column& probs = *out->column(1)->list_values();
  for (int64_t r = 0; r < e.rows; ++r) {
    const auto& want = e.outputs["probabilities"][r];
    const int64_t best = std::max_element(want.begin(), want.end()) - want.begin();
    EXPECT_EQ(out->column(2)->GetView(r), labels[best]) << r;
    EXPECT_EQ(out->column(3)->data<int64_t>()[r], best) << r;
    for (int k = 0; k < 3; ++k) {
      ml::testing::ExpectClose(probs.data<float>()[r * 3 + k], want[k], "row " + std::to_string(r));
    }
  }
}

TEST_F(ModelProcessorTest, DefaultOutputsAreEveryModelOutput) {
  auto p = Make("{type: model, model: classifier_pt, inputs: [a, b, c, d]}");
  ASSERT_TRUE(p.ok()) << p.status().message();
  ml::testing::Expected e = ReadExpected("classifier");
  auto out = Run(**p, Inputs(e, {"a", "b", "c", "d"}));
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->num_columns(), 6);
  EXPECT_EQ(out->schema()->field(4).name, "logits");
  EXPECT_EQ(out->schema()->field(5).name, "probabilities");
  const Column& logits = *out->column(4)->list_values();
  for (int64_t r = 0; r < e.rows; ++r) {
    for (int k = 0; k < 3; ++k) {
      ml::testing::ExpectClose(logits.data<float>()[r * 3 + k], e.outputs["logits"][r][k],
                               "row " + std::to_string(r));
    }
  }
}

TEST_F(ModelProcessorTest, ConfigErrors) {
  auto unknown = Make("{type: model, model: fruad, inputs: [a]}");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find(
                "no model named \"fruad\" (declared models: classifier, classifier_pt, fraud)"),
            std::string::npos)
      << unknown.status().message();

  auto output = Make("{type: model, model: fraud, inputs: [a], outputs: [{name: s, output: x}]}");
  ASSERT_FALSE(output.ok());
  EXPECT_NE(output.status().message().find("has no output \"x\" (outputs: prediction)"),
            std::string::npos)
      << output.status().message();

  auto labels = Make(
      "{type: model, model: classifier, inputs: [f], outputs: [{name: c, output: logits, labels: "
      "[a, b]}]}");
  ASSERT_FALSE(labels.ok());
  EXPECT_NE(labels.status().message().find(
                "output column \"c\" (model output \"logits\", 3 values per row): `labels` has 2 "
                "names, one per value is needed"),
            std::string::npos)
      << labels.status().message();

  auto scalar = Make(
      "{type: model, model: classifier, inputs: [f], outputs: [{name: c, output: logits, type: "
      "float32}]}");
  ASSERT_FALSE(scalar.ok());
  EXPECT_NE(scalar.status().message().find("type float32 holds one value per row; use "
                                           "list<float32>, argmax or labels"),
            std::string::npos)
      << scalar.status().message();
}

TEST_F(ModelProcessorTest, BatchErrors) {
  auto p = Make("{type: model, model: fraud, inputs: [amount, hour, velocity, distance_km]}");
  ASSERT_TRUE(p.ok()) << p.status().message();
  ml::testing::Expected e = ReadExpected("fraud");

  auto missing = Run(**p, Inputs(e, {"amount", "hour", "velocity", "km"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(
                "input column \"distance_km\" is not in the batch (columns: amount, hour, "
                "velocity, km)"),
            std::string::npos)
      << missing.status().message();

  auto narrow = Make("{type: model, model: fraud, inputs: [amount, hour, velocity]}");
  ASSERT_TRUE(narrow.ok());
  auto width = Run(**narrow, Inputs(e, {"amount", "hour", "velocity"}));
  ASSERT_FALSE(width.ok());
  EXPECT_NE(width.status().message().find(
                "takes 4 features per row; the inputs (amount, hour, velocity) hold 3"),
            std::string::npos)
      << width.status().message();

  Float64Builder amount(DataType::Float64());
  amount.Append(1);
  amount.AppendNull();
  Float64Builder other(DataType::Float64());
  other.Append(1);
  other.Append(2);
  ColumnPtr o = other.Finish();
  Batch nulls(
      Schema::Make({Field("amount", DataType::Float64()), Field("hour", DataType::Float64()),
                    Field("velocity", DataType::Float64()),
                    Field("distance_km", DataType::Float64())}),
      {amount.Finish(), o, o, o}, 2);
  auto null = Run(**p, nulls);
  ASSERT_FALSE(null.ok());
  EXPECT_NE(null.status().message().find("column \"amount\" is null at row 1"), std::string::npos)
      << null.status().message();
}

}  // namespace
}  // namespace ark
