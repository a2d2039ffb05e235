// predict() in SQL over the installed ModelRegistry: vectorized over the batch, values equal to
// the Python libraries' predictions, and the errors a query author meets.
#include <gtest/gtest.h>

#include "core/column_builder.h"
#include "ml/model_registry.h"
#include "ml/test_models.h"
#include "sql/query.h"

namespace ark::ml {
namespace {

using testing::ReadExpected;
using testing::Spec;

class PredictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ModelSpec mlp = Spec("mlp", Backend::kOnnx, "mlp.onnx");
    mlp.features = 16;
    ModelSpec species = Spec("species", Backend::kXgboost, "species.ubj");
    species.outputs = {"probabilities"};
    std::vector<std::shared_ptr<const Model>> models;
    for (const ModelSpec& s : {Spec("fraud", Backend::kXgboost, "fraud.json"), mlp, species}) {
      auto m = LoadModel(s);
      ASSERT_TRUE(m.ok()) << m.status().message();
      models.push_back(*m);
    }
    InstallModelRegistry(ModelRegistry::Of(std::move(models)));
  }
  void TearDown() override { InstallModelRegistry(nullptr); }

  // Runs `sql` over `batch` as table flow.
  static Result<Batch> Query(const std::string& sql, const Batch& batch) {
    sql::Catalog catalog;
    ARK_RETURN_IF_ERROR(catalog.AddTable("flow", batch.schema()));
    ARK_ASSIGN_OR_RETURN(auto q, sql::PreparedQuery::Prepare(sql, catalog));
    sql::QueryInputs inputs;
    inputs.tables["flow"] = {batch};
    ARK_ASSIGN_OR_RETURN(std::vector<Batch> out, q->Execute(inputs));
    if (out.empty()) return Batch::Empty(q->output_schema());
    return ConcatBatches(out);
  }

  // The expected inputs of `model` as float64 columns f0..f{n-1} plus an id column.
  static Batch FeatureBatch(const testing::Expected& e) {
    std::vector<Field> fields;
    std::vector<ColumnPtr> cols;
    Int64Builder id(DataType::Int64());
    for (int64_t r = 0; r < e.rows; ++r) id.Append(r);
    fields.emplace_back("id", DataType::Int64());
    cols.push_back(id.Finish());
    for (int64_t f = 0; f < e.features; ++f) {
      Float64Builder b(DataType::Float64());
      for (int64_t r = 0; r < e.rows; ++r) b.Append(e.inputs[r * e.features + f]);
      fields.emplace_back("f" + std::to_string(f), DataType::Float64());
      cols.push_back(b.Finish());
    }
    return Batch(Schema::Make(std::move(fields)), std::move(cols), e.rows);
  }
};

TEST_F(PredictTest, XgboostScoresEqualPython) {
  testing::Expected e = ReadExpected("fraud");
  auto out =
      Query("SELECT id, predict('fraud', f0, f1, f2, f3) AS score FROM flow", FeatureBatch(e));
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->num_rows(), e.rows);
  const ColumnPtr& score = out->column(1);
  ASSERT_EQ(score->type(), DataType::Float32());
  for (int64_t r = 0; r < e.rows; ++r) {
    EXPECT_EQ(score->data<float>()[r], e.outputs["prediction"][r][0]) << "row " << r;
  }
}

TEST_F(PredictTest, FilterOnThePrediction) {
  testing::Expected e = ReadExpected("fraud");
  auto out = Query("SELECT id FROM flow WHERE predict('fraud', f0, f1, f2, f3) > 0.5 ORDER BY id",
                   FeatureBatch(e));
  ASSERT_TRUE(out.ok()) << out.status().message();
  std::vector<int64_t> want;
  for (int64_t r = 0; r < e.rows; ++r) {
    if (e.outputs["prediction"][r][0] > 0.5f) want.push_back(r);
  }
  ASSERT_FALSE(want.empty());
  ASSERT_EQ(out->num_rows(), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(out->column(0)->data<int64_t>()[i], want[i]);
}

TEST_F(PredictTest, ListArgumentAndWideOutput) {
  testing::Expected e = ReadExpected("species");
  Batch flat = FeatureBatch(e);
  auto out = Query(
      "SELECT predict('species', [f0, f1, f2, f3]) AS p, "
      "predict('species:probabilities', f0, f1, [f2, f3]) AS q FROM flow",
      flat);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->column(0)->type(), DataType::List(DataType::Float32()));
  const Column& values = *out->column(0)->list_values();
  const Column& q = *out->column(1)->list_values();
  for (int64_t r = 0; r < e.rows; ++r) {
    for (int64_t k = 0; k < 3; ++k) {
      EXPECT_EQ(values.data<float>()[r * 3 + k], e.outputs["prediction"][r][k]) << r;
      EXPECT_EQ(q.data<float>()[r * 3 + k], e.outputs["prediction"][r][k]) << r;
    }
  }
}

TEST_F(PredictTest, Errors) {
  testing::Expected e = ReadExpected("fraud");
  Batch b = FeatureBatch(e);
  auto unknown = Query("SELECT predict('frod', f0) FROM flow", b);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find(
                "predict(): no model named \"frod\" (declared models: fraud, mlp, species)"),
            std::string::npos)
      << unknown.status().message();

  auto width = Query("SELECT predict('fraud', f0, f1, f2) FROM flow", b);
  ASSERT_FALSE(width.ok());
  EXPECT_NE(width.status().message().find("takes 4 features per row, got 3 arguments"),
            std::string::npos)
      << width.status().message();

  auto name = Query("SELECT predict(f0, f1) FROM flow", b);
  ASSERT_FALSE(name.ok());
  EXPECT_NE(
      name.status().message().find("the first argument must name the model as a string literal"),
      std::string::npos)
      << name.status().message();

  auto output = Query("SELECT predict('fraud:margin', f0, f1, f2, f3) FROM flow", b);
  ASSERT_FALSE(output.ok());
  EXPECT_NE(output.status().message().find("has no output \"margin\" (outputs: prediction)"),
            std::string::npos)
      << output.status().message();

  auto type = Query("SELECT predict('fraud', f0, f1, f2, 'x') FROM flow", b);
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.status().message().find("argument 5 is string; a model input must be a number"),
            std::string::npos)
      << type.status().message();
}

TEST_F(PredictTest, NullInNullOut) {
  testing::Expected e = ReadExpected("fraud");
  auto out = Query(
      "SELECT id, predict('fraud', f0, CASE WHEN id = 3 THEN NULL ELSE f1 END, f2, f3) AS s "
      "FROM flow",
      FeatureBatch(e));
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->num_rows(), e.rows);
  const Column& s = *out->column(1);
  ASSERT_EQ(s.type(), DataType::Float32());
  EXPECT_EQ(s.null_count(), 1);
  for (int64_t r = 0; r < e.rows; ++r) {
    if (r == 3) {
      EXPECT_TRUE(s.IsNull(r));
    } else {
      ASSERT_FALSE(s.IsNull(r)) << r;
      EXPECT_EQ(s.data<float>()[r], e.outputs["prediction"][r][0]) << "row " << r;
    }
  }
}

// `v`: the species inputs as list<float32> rows; row 1 is NULL and row 2 holds `short_row`.
Batch SpeciesLists(const testing::Expected& e, bool short_row) {
  ListBuilder b(DataType::List(DataType::Float32()));
  for (int64_t r = 0; r < e.rows; ++r) {
    if (r == 1) {
      b.AppendNull();
      continue;
    }
    b.Append();
    const int64_t n = r == 2 && short_row ? e.features - 1 : e.features;
    for (int64_t f = 0; f < n; ++f) {
      static_cast<Float32Builder&>(b.values()).Append(e.inputs[r * e.features + f]);
    }
  }
  return Batch(Schema::Make({Field("v", DataType::List(DataType::Float32()))}), {b.Finish()},
               e.rows);
}

TEST_F(PredictTest, NullListGivesNullAWrongWidthFailsTheBatch) {
  testing::Expected e = ReadExpected("species");
  auto out = Query("SELECT predict('species', v) AS p FROM flow", SpeciesLists(e, false));
  ASSERT_TRUE(out.ok()) << out.status().message();
  const Column& p = *out->column(0);
  ASSERT_EQ(p.type(), DataType::List(DataType::Float32()));
  EXPECT_EQ(p.null_count(), 1);
  EXPECT_TRUE(p.IsNull(1));
  for (int64_t r : {0, 2}) {
    ASSERT_EQ(p.list_length(r), 3);
    for (int64_t k = 0; k < 3; ++k) {
      EXPECT_EQ(p.list_values()->data<float>()[p.list_start(r) + k], e.outputs["prediction"][r][k]);
    }
  }

  auto width = Query("SELECT predict('species', v) AS p FROM flow", SpeciesLists(e, true));
  ASSERT_FALSE(width.ok());
  EXPECT_NE(width.status().message().find(
                "predict('species'): argument 2 holds 3 values at row 2, expected 4 (the model "
                "takes 4 features per row); every row of a list argument must hold the same "
                "number of features"),
            std::string::npos)
      << width.status().message();
}

TEST(PredictWithoutModels, SaysNoneAreDeclared) {
  InstallModelRegistry(nullptr);
  sql::Catalog catalog;
  Float64Builder b(DataType::Float64());
  b.Append(1);
  Batch batch(Schema::Make({Field("x", DataType::Float64())}), {b.Finish()}, 1);
  ASSERT_TRUE(catalog.AddTable("flow", batch.schema()).ok());
  auto q = sql::PreparedQuery::Prepare("SELECT predict('fraud', x) FROM flow", catalog);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(
      q.status().message().find("predict(): no model named \"fraud\": no models are declared"),
      std::string::npos)
      << q.status().message();
}

}  // namespace
}  // namespace ark::ml
