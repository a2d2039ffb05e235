// The native XGBoost evaluator against XGBoost's own C API on the same rows: equal to the last bit
// for the binary:logistic and multi:softprob models of the tests, on rows that hit the split
// thresholds exactly, NaN (the default direction) and infinities; and the models it leaves to the
// C API, each with its reason.
#include "ml/xgboost_trees.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "ml/backends.h"
#include "ml/test_models.h"

namespace ark::ml {
namespace {

using testing::ModelPath;
using testing::Spec;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `rows` rows of `features` values: normal values, with NaN, ±inf and the thresholds of `json`'s
// splits (values exactly at a split) mixed in.
std::vector<float> Rows(int64_t rows, int64_t features, const std::string& json) {
  std::vector<float> splits;
  const std::string key = "\"split_conditions\":[";
  for (size_t at = json.find(key); at != std::string::npos; at = json.find(key, at + 1)) {
    std::istringstream list(json.substr(at + key.size(), json.find(']', at) - at - key.size()));
    std::string item;
    while (std::getline(list, item, ',')) splits.push_back(std::stof(item));
  }
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  std::uniform_int_distribution<int> kind(0, 9);
  std::vector<float> x(static_cast<size_t>(rows * features));
  for (float& v : x) {
    switch (kind(rng)) {
      case 0:
        v = std::numeric_limits<float>::quiet_NaN();
        break;
      case 1:
        v = kind(rng) < 5 ? std::numeric_limits<float>::infinity()
                          : -std::numeric_limits<float>::infinity();
        break;
      case 2:
      case 3:
        v = splits.empty() ? 0.0f : splits[rng() % splits.size()];
        break;
      default:
        v = normal(rng) * 100.0f;
    }
  }
  return x;
}

void ExpectSameAsCApi(const ModelSpec& spec, const std::string& json_for_rows) {
  auto native = LoadXgboostModel(spec, true);
  auto c_api = LoadXgboostModel(spec, false);
  ASSERT_TRUE(native.ok()) << native.status().message();
  ASSERT_TRUE(c_api.ok()) << c_api.status().message();
  ASSERT_TRUE((*native)->PredictsNatively());
  ASSERT_FALSE((*c_api)->PredictsNatively());
  const int64_t features = (*native)->features();
  // 1000 rows: full groups of 16 rows walking together, a remainder, several blocks.
  for (int64_t rows : {int64_t{1}, int64_t{7}, int64_t{1000}}) {
    std::vector<float> x = Rows(rows, features, json_for_rows);
    auto a = (*native)->Infer(x.data(), rows, features);
    auto b = (*c_api)->Infer(x.data(), rows, features);
    ASSERT_TRUE(a.ok()) << a.status().message();
    ASSERT_TRUE(b.ok()) << b.status().message();
    const Tensor& ta = (*a)[0];
    const Tensor& tb = (*b)[0];
    ASSERT_EQ(ta.rows, tb.rows);
    ASSERT_EQ(ta.cols, tb.cols);
    for (size_t i = 0; i < ta.values.size(); ++i) {
      ASSERT_EQ(ta.values[i], tb.values[i])
          << spec.name << ": row " << i / static_cast<size_t>(ta.cols) << " of " << rows;
    }
  }
}

TEST(XgboostTrees, BinaryLogisticEqualsTheCApi) {
  const std::string json = ReadFile(ModelPath("fraud.json"));
  auto trees = XgboostTrees::FromJson(json);
  ASSERT_TRUE(trees.ok()) << trees.status().message();
  EXPECT_EQ(trees->features(), 4);
  EXPECT_EQ(trees->outputs(), 1);
  EXPECT_EQ(trees->trees(), 20);
  EXPECT_EQ(trees->objective(), "binary:logistic");
  ExpectSameAsCApi(Spec("fraud", Backend::kXgboost, "fraud.json"), json);
}

TEST(XgboostTrees, SoftprobEqualsTheCApi) {
  ModelSpec spec = Spec("species", Backend::kXgboost, "species.ubj");
  spec.outputs = {"probabilities"};
  ExpectSameAsCApi(spec, "");
}

// A reg:squarederror model of one tree, a chain `depth` deep on feature 0: chain node k splits at
// k (left: a leaf worth 100 + k), the last chain node is a leaf worth -1. NaN goes left at every
// node (default_left), so to the first leaf.
std::string ChainModel(int depth) {
  std::string left, right, cond, dleft, index, types;
  auto add = [](std::string& list, const std::string& v) { list += (list.empty() ? "" : ",") + v; };
  for (int k = 0; k < depth; ++k) {  // chain node 2k, its leaf 2k+1, the next chain node 2k+2
    add(left, std::to_string(2 * k + 1));
    add(right, std::to_string(2 * k + 2));
    add(cond, std::to_string(k));
    add(dleft, "1");
    add(index, "0");
    add(types, "0");
    add(left, "-1");
    add(right, "-1");
    add(cond, std::to_string(100 + k));
    add(dleft, "0");
    add(index, "0");
    add(types, "0");
  }
  add(left, "-1");
  add(right, "-1");
  add(cond, "-1");
  add(dleft, "0");
  add(index, "0");
  add(types, "0");
  return R"({"learner": {"learner_model_param": {"base_score": "0", "num_class": "0",
    "num_feature": "2", "num_target": "1"}, "objective": {"name": "reg:squarederror"},
    "gradient_booster": {"name": "gbtree", "model": {"tree_info": [0], "trees": [{
    "left_children": [)" +
         left + R"(], "right_children": [)" + right + R"(], "split_conditions": [)" + cond +
         R"(], "default_left": [)" + dleft + R"(], "split_indices": [)" + index +
         R"(], "split_type": [)" + types + R"(]}]}}}})";
}

TEST(XgboostTrees, UnbalancedTreesAndTheDepthLimit) {
  auto chain = XgboostTrees::FromJson(ChainModel(XgboostTrees::kMaxDepth));
  ASSERT_TRUE(chain.ok()) << chain.status().message();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  // Feature 1 is never split on. 17 rows: one group of 16 walking together and a remainder.
  std::vector<float> x = {-5,    0, 0,  0, 0.5f, 0, 1,     0, 5.5f, 0, 11,  0,
                          11.5f, 0, 12, 0, 1e9f, 0, inf,   0, -inf, 0, nan, 0,
                          3,     0, 7,  0, 2.5f, 0, 9.99f, 0, 10,   0};
  const std::vector<float> want = {100, 101, 101, 102, 106, -1,  -1,  -1, -1,
                                   -1,  100, 100, 104, 108, 103, 110, 111};
  std::vector<float> out(want.size());
  chain->Predict(x.data(), static_cast<int64_t>(want.size()), out.data());
  EXPECT_EQ(out, want);

  auto deep = XgboostTrees::FromJson(ChainModel(XgboostTrees::kMaxDepth + 1));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().message(), "tree 0 is 13 deep, more than the 12 covered");
}

TEST(XgboostTrees, WhatItLeavesToTheCApi) {
  const std::string json = ReadFile(ModelPath("fraud.json"));
  auto with = [&](const std::string& from, const std::string& to) {
    std::string changed = json;
    const size_t at = changed.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) changed.replace(at, from.size(), to);
    auto t = XgboostTrees::FromJson(changed);
    return t.ok() ? std::string("ok") : t.status().message();
  };
  EXPECT_EQ(with("\"binary:logistic\"", "\"rank:pairwise\""),
            "objective rank:pairwise is not covered");
  EXPECT_EQ(with("\"name\":\"gbtree\"", "\"name\":\"dart\""),
            "booster dart is not covered (only gbtree)");
  EXPECT_EQ(with("\"split_type\":[0", "\"split_type\":[1"),
            "tree 0 has categorical splits, not covered");
  EXPECT_EQ(XgboostTrees::FromJson("{\"learner\": 1").status().message(),
            "the model is not valid JSON");
}

}  // namespace
}  // namespace ark::ml
