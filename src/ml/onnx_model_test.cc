// The ONNX backend (OpenCV DNN) against the predictions of the same network computed by PyTorch
// (tests/support/make_models.py writes both).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ml/backends.h"
#include "ml/test_models.h"

namespace ark::ml {
namespace {

using testing::ExpectClose;
using testing::ReadExpected;
using testing::Spec;

TEST(OnnxModel, MlpMatchesPyTorch) {
  ModelSpec spec = Spec("mlp", Backend::kOnnx, "mlp.onnx");
  spec.features = 16;
  auto model = LoadModel(spec);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ((*model)->output_names(), std::vector<std::string>{"score"});
  testing::Expected e = ReadExpected("mlp");
  ASSERT_EQ(e.features, 16);
  EXPECT_TRUE((*model)->PredictsNatively());
  auto out = (*model)->Infer(e.inputs.data(), e.rows, e.features);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 1u);
  const Tensor& t = (*out)[0];
  ASSERT_EQ(t.rows, e.rows);
  ASSERT_EQ(t.cols, 1);
  for (int64_t r = 0; r < e.rows; ++r) {
    ExpectClose(t.values[r], e.outputs["score"][r][0], "row " + std::to_string(r));
  }
}

// A large batch (700 rows) comes back whole and in order.
TEST(OnnxModel, LargeBatch) {
  ModelSpec spec = Spec("mlp", Backend::kOnnx, "mlp.onnx");
  spec.features = 16;
  auto model = LoadModel(spec);
  ASSERT_TRUE(model.ok()) << model.status().message();
  testing::Expected e = ReadExpected("mlp");
  std::vector<float> inputs;
  const int copies = 7;
  for (int c = 0; c < copies; ++c) inputs.insert(inputs.end(), e.inputs.begin(), e.inputs.end());
  auto out = (*model)->Infer(inputs.data(), e.rows * copies, e.features);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const Tensor& t = (*out)[0];
  ASSERT_EQ(t.rows, e.rows * copies);
  ASSERT_EQ(t.values.size(), static_cast<size_t>(e.rows * copies));
  for (int64_t r = 0; r < t.rows; ++r) {
    ExpectClose(t.values[r], e.outputs["score"][r % e.rows][0], "row " + std::to_string(r));
  }
}

TEST(OnnxModel, TwoOutputsAndFeaturesUnknownUntilUsed) {
  auto model = LoadModel(Spec("classifier", Backend::kOnnx, "classifier.onnx"));
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ((*model)->features(), 0);
  EXPECT_EQ((*model)->output_names(), (std::vector<std::string>{"logits", "probabilities"}));
  testing::Expected e = ReadExpected("classifier");
  auto out = (*model)->Infer(e.inputs.data(), e.rows, e.features);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 2u);
  for (int o = 0; o < 2; ++o) {
    const Tensor& t = (*out)[o];
    const auto& want = e.outputs[(*model)->output_names()[o]];
    ASSERT_EQ(t.rows, e.rows);
    ASSERT_EQ(t.cols, 3);
    for (int64_t r = 0; r < e.rows; ++r) {
      for (int64_t k = 0; k < 3; ++k) {
        ExpectClose(t.values[r * 3 + k], want[r][k],
                    (*model)->output_names()[o] + " row " + std::to_string(r));
      }
    }
  }
  auto widths = (*model)->OutputWidths(4);
  ASSERT_TRUE(widths.ok());
  EXPECT_EQ(*widths, (std::vector<int64_t>{3, 3}));
}

// An autoencoder whose graph also computes the reconstruction error (Sub, Mul, ReduceMean).
TEST(OnnxModel, AutoencoderErrorMatchesPyTorch) {
  ModelSpec spec = Spec("autoencoder", Backend::kOnnx, "autoencoder.onnx");
  spec.features = 8;
  auto model = LoadModel(spec);
  ASSERT_TRUE(model.ok()) << model.status().message();
  // OpenCV lists the graph's outputs in its own order: look them up by name.
  const int rec = (*model)->OutputIndex("reconstruction");
  const int err = (*model)->OutputIndex("error");
  ASSERT_GE(rec, 0);
  ASSERT_GE(err, 0);
  testing::Expected e = ReadExpected("autoencoder");
  auto out = (*model)->Infer(e.inputs.data(), e.rows, e.features);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ((*out)[rec].cols, 8);
  ASSERT_EQ((*out)[err].cols, 1);
  for (int64_t r = 0; r < e.rows; ++r) {
    ExpectClose((*out)[err].values[r], e.outputs["error"][r][0], "error row " + std::to_string(r));
    for (int64_t k = 0; k < 8; ++k) {
      ExpectClose((*out)[rec].values[r * 8 + k], e.outputs["reconstruction"][r][k],
                  "reconstruction row " + std::to_string(r));
    }
  }
  // The rows made anomalous (every tenth) stand out.
  for (int64_t r = 0; r < e.rows; ++r) {
    if (r % 10 == 0) {
      EXPECT_GT((*out)[err].values[r], 0.1f) << r;
    } else {
      EXPECT_LT((*out)[err].values[r], 0.1f) << r;
    }
  }
}

// The graphs DenseNetwork evaluates give OpenCV's values, for every output and batch sizes around
// its tile; a graph with other layers (the autoencoder's error: Sub, Mul, ReduceMean) runs through
// OpenCV unless only its fully connected part is asked for.
TEST(OnnxModel, NativeNetworkMatchesOpenCv) {
  struct Case {
    const char* file;
    int64_t features;
    std::vector<std::string> outputs;
    bool native;
  };
  const std::vector<Case> cases = {
      {"mlp.onnx", 16, {}, true},
      {"classifier.onnx", 4, {}, true},
      {"classifier.onnx", 4, {"probabilities"}, true},
      {"autoencoder.onnx", 8, {}, false},
      {"autoencoder.onnx", 8, {"reconstruction"}, true},
      {"mlp_matmul.onnx", 4, {}, true},
  };
  for (const Case& c : cases) {
    ModelSpec spec = Spec("m", Backend::kOnnx, c.file);
    spec.features = c.features;
    spec.outputs = c.outputs;
    auto native = LoadOnnxModel(spec, true);
    auto opencv = LoadOnnxModel(spec, false);
    ASSERT_TRUE(native.ok()) << native.status().message();
    ASSERT_TRUE(opencv.ok()) << opencv.status().message();
    EXPECT_EQ((*native)->PredictsNatively(), c.native) << c.file;
    EXPECT_FALSE((*opencv)->PredictsNatively()) << c.file;
    EXPECT_EQ((*native)->output_names(), (*opencv)->output_names()) << c.file;
    for (int64_t rows : {1, 31, 32, 33, 1000}) {
      std::vector<float> x(static_cast<size_t>(rows * c.features));
      for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 7919) % 200) / 50 - 2;
      auto a = (*native)->Infer(x.data(), rows, c.features);
      auto b = (*opencv)->Infer(x.data(), rows, c.features);
      ASSERT_TRUE(a.ok()) << a.status().message();
      ASSERT_TRUE(b.ok()) << b.status().message();
      ASSERT_EQ(a->size(), b->size());
      for (size_t o = 0; o < a->size(); ++o) {
        ASSERT_EQ((*a)[o].rows, rows);
        ASSERT_EQ((*a)[o].cols, (*b)[o].cols);
        ASSERT_EQ((*a)[o].values.size(), (*b)[o].values.size());
        for (size_t i = 0; i < (*a)[o].values.size(); ++i) {
          ExpectClose((*a)[o].values[i], (*b)[o].values[i],
                      std::string(c.file) + " output " + std::to_string(o) + " value " +
                          std::to_string(i) + " of " + std::to_string(rows) + " rows");
        }
      }
    }
  }
}

// MatMul + Add and a Mul by a constant (OpenCV imports them as InnerProduct, Scale and Power):
// native, with numpy's values.
TEST(OnnxModel, MatMulAddMlpMatchesNumpy) {
  ModelSpec spec = Spec("mlp_matmul", Backend::kOnnx, "mlp_matmul.onnx");
  spec.features = 4;
  auto model = LoadModel(spec);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_TRUE((*model)->PredictsNatively());
  testing::Expected e = ReadExpected("mlp_matmul");
  auto out = (*model)->Infer(e.inputs.data(), e.rows, e.features);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 1u);
  ASSERT_EQ((*out)[0].cols, 2);
  for (int64_t r = 0; r < e.rows; ++r) {
    for (int64_t k = 0; k < 2; ++k) {
      ExpectClose((*out)[0].values[r * 2 + k], e.outputs["y"][r][k], "row " + std::to_string(r));
    }
  }
}

TEST(OnnxModel, SelectedOutput) {
  ModelSpec spec = Spec("classifier", Backend::kOnnx, "classifier.onnx");
  spec.outputs = {"probabilities"};
  spec.features = 4;
  auto model = LoadModel(spec);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ((*model)->output_names(), std::vector<std::string>{"probabilities"});

  spec.outputs = {"scores"};
  auto bad = LoadModel(spec);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_NE(bad.status().message().find("the graph has no output \"scores\" (outputs: logits, "
                                        "probabilities)"),
            std::string::npos)
      << bad.status().message();
}

TEST(OnnxModel, GemmWithTransB0IsExplained) {
  auto model = LoadModel(Spec("legacy", Backend::kOnnx, "gemm_transb0.onnx"));
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  const std::string msg = model.status().message();
  EXPECT_NE(msg.find("model \"legacy\" (onnx, "), std::string::npos) << msg;
  EXPECT_NE(msg.find("OpenCV could not load the ONNX file"), std::string::npos) << msg;
  EXPECT_NE(msg.find("OpenCV 4.6 rejects Gemm nodes with transB=0"), std::string::npos) << msg;
}

TEST(OnnxModel, GemmWithTransB0WithoutBiasFailsAtTheFirstInference) {
  auto model = LoadModel(Spec("legacy", Backend::kOnnx, "gemm_transb0_nobias.onnx"));
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::vector<float> rows(2 * 4, 1.0f);
  auto out = (*model)->Infer(rows.data(), 2, 4);
  ASSERT_FALSE(out.ok());
  const std::string msg = out.status().message();
  EXPECT_NE(msg.find("failed on a [2, 4] input: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("(does the model take 4 features per row? declare `features:` in models: to "
                     "have the width checked at load; if the graph has Gemm nodes with transB=0: "
                     "OpenCV 4.6 rejects Gemm nodes with transB=0: write the weights transposed "
                     "with transB=1 (as torch.onnx.export does), or use MatMul + Add)"),
            std::string::npos)
      << msg;

  // Declaring `features` turns it into an error at load.
  ModelSpec spec = Spec("legacy", Backend::kOnnx, "gemm_transb0_nobias.onnx");
  spec.features = 4;
  auto declared = LoadModel(spec);
  ASSERT_FALSE(declared.ok());
  EXPECT_NE(declared.status().message().find("OpenCV 4.6 rejects Gemm nodes with transB=0"),
            std::string::npos)
      << declared.status().message();
}

TEST(OnnxModel, WidthMismatch) {
  ModelSpec spec = Spec("mlp", Backend::kOnnx, "mlp.onnx");
  spec.features = 16;
  auto model = LoadModel(spec);
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::vector<float> row(15, 0.0f);
  auto out = (*model)->Infer(row.data(), 1, 15);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "model \"mlp\" (onnx, " + spec.path + ") takes 16 features per row, got 15");

  // Declared wrong: the test inference at load fails and says why.
  spec.features = 15;
  auto wrong = LoadModel(spec);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("loaded but a test inference of one row of 15 zeros "
                                          "failed"),
            std::string::npos)
      << wrong.status().message();
}

TEST(OnnxModel, NotAnOnnxFile) {
  auto model = LoadModel(Spec("bad", Backend::kOnnx, "mlp.expected.json"));
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("OpenCV could not load the ONNX file"), std::string::npos)
      << model.status().message();
}

TEST(OnnxModel, ConcurrentCallersGetTheirOwnNetwork) {
  ModelSpec spec = Spec("mlp", Backend::kOnnx, "mlp.onnx");
  spec.features = 16;
  auto model = LoadModel(spec);
  ASSERT_TRUE(model.ok()) << model.status().message();
  testing::Expected e = ReadExpected("mlp");
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto out = (*model)->Infer(e.inputs.data(), e.rows, e.features);
        if (!out.ok()) {
          ++mismatches;
          continue;
        }
        for (int64_t r = 0; r < e.rows; ++r) {
          if (std::fabs((*out)[0].values[r] - e.outputs["score"][r][0]) > 1e-5f) ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace ark::ml
