// The `model` processor: config through the registry, columns in, model outputs as columns
// (values, lists, argmax with labels, threshold), and the errors a pipeline author meets.
#include "processors/model.h"

#include <gtest/gtest.h>

#include <algorithm>

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
  ProcessOutput split;
  ASSERT_TRUE((*p)->Process(nulls, &split).ok());
  ASSERT_EQ(split.batches.size(), 1u);
  EXPECT_EQ(split.batches[0].num_rows(), 1);
  ASSERT_EQ(split.errors.size(), 1u);
  ASSERT_EQ(split.errors[0].num_rows(), 1);
  EXPECT_EQ(split.errors[0].ColumnByName("amount")->IsNull(0), true);
  EXPECT_EQ(split.errors[0].ColumnByName("__error__")->GetView(0),
            "model \"fraud\" (xgboost, " + ml::testing::ModelPath("fraud.json") +
                "): column \"amount\" is null at row 1; a model needs a value in every input "
                "(replace nulls first, e.g. with COALESCE in a sql processor, or filter those "
                "rows out)");
}

// A null or a list of the wrong width rejects its row only: the others are scored, in order.
TEST_F(ModelProcessorTest, BadRowsGoToErrorsTheOthersAreScored) {
  auto p = Make(R"(
type: model
model: classifier
inputs: [features]
outputs:
  - {name: cls, output: probabilities, argmax: true}
)");
  ASSERT_TRUE(p.ok()) << p.status().message();
  ml::testing::Expected e = ReadExpected("classifier");
  ASSERT_GE(e.rows, 5);
  ListBuilder b(DataType::List(DataType::Float32()));
  Int64Builder id(DataType::Int64());
  for (int64_t r = 0; r < 5; ++r) {
    id.Append(r);
    if (r == 1) {
      b.AppendNull();
      continue;
    }
    b.Append();
    auto& values = static_cast<Float32Builder&>(b.values());
    const int64_t n = r == 3 ? e.features + 1 : e.features;  // row 3: one value too many
    for (int64_t f = 0; f < n; ++f) {
      if (r == 4 && f == 2) {
        values.AppendNull();
      } else {
        values.Append(f < e.features ? e.inputs[r * e.features + f] : 0.0f);
      }
    }
  }
  Batch in(Schema::Make({Field("id", DataType::Int64()),
                         Field("features", DataType::List(DataType::Float32()))}),
           {id.Finish(), b.Finish()}, 5);
  ProcessOutput out;
  ASSERT_TRUE((*p)->Process(in, &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  const Batch& good = out.batches[0];
  ASSERT_EQ(good.num_rows(), 2);
  for (int64_t i = 0; i < 2; ++i) {
    const int64_t r = i == 0 ? 0 : 2;
    EXPECT_EQ(good.ColumnByName("id")->data<int64_t>()[i], r);
    const auto& probs = e.outputs["probabilities"][r];
    EXPECT_EQ(good.ColumnByName("cls")->data<int64_t>()[i],
              std::max_element(probs.begin(), probs.end()) - probs.begin());
  }
  ASSERT_EQ(out.errors.size(), 1u);
  const Batch& bad = out.errors[0];
  ASSERT_EQ(bad.num_rows(), 3);
  const std::string model =
      "model \"classifier\" (onnx, " + ml::testing::ModelPath("classifier.onnx") + "): ";
  const std::string null_hint =
      "; a model needs a value in every input (replace nulls first, e.g. with COALESCE in a sql "
      "processor, or filter those rows out)";
  std::vector<std::string> reasons;
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(bad.ColumnByName("id")->data<int64_t>()[i], std::vector<int64_t>({1, 3, 4})[i]);
    reasons.emplace_back(bad.ColumnByName("__error__")->GetView(i));
  }
  EXPECT_EQ(reasons,
            (std::vector<std::string>{
                model + "column \"features\" is null at row 1" + null_hint,
                model + "column \"features\" holds 5 values at row 3, expected 4 (the "
                        "model takes 4 features per row); every row of a list input must "
                        "hold the model's number of features",
                model + "column \"features\" has a null element at row 4 (index 2)" + null_hint}));

  // Every row bad: nothing goes on, all go to errors.
  Batch only_bad = TakeRows(in, std::vector<int64_t>{1, 3});
  ProcessOutput none;
  ASSERT_TRUE((*p)->Process(only_bad, &none).ok());
  EXPECT_TRUE(none.batches.empty());
  ASSERT_EQ(none.errors.size(), 1u);
  EXPECT_EQ(none.errors[0].num_rows(), 2);
}

}  // namespace
}  // namespace ark
