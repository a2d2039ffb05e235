// Test support: where tests/support/make_models.py put the test models (ctest fixture
// ml.make_models; environment ARK_TEST_MODELS) and the predictions the Python libraries computed
// for them (<model>.expected.json).
//
// Thread-safety: test code, one thread.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "ml/model.h"

namespace ark::ml::testing {

inline std::string ModelsDir() {
  const char* dir = std::getenv("ARK_TEST_MODELS");
  return dir != nullptr ? std::string(dir) : std::string();
}

inline std::string ModelPath(const std::string& file) { return ModelsDir() + "/" + file; }

// The inputs and the Python library's outputs of one model.
struct Expected {
  int64_t rows = 0;
  int64_t features = 0;
  std::vector<float> inputs;  // row-major
  std::map<std::string, std::vector<std::vector<float>>> outputs;
};

inline Expected ReadExpected(const std::string& model) {
  Expected e;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.load(ModelPath(model + ".expected.json"));
  for (simdjson::dom::element row : doc["inputs"].get_array()) {
    int64_t n = 0;
    for (simdjson::dom::element v : row.get_array()) {
      e.inputs.push_back(static_cast<float>(double(v)));
      ++n;
    }
    e.features = n;
    ++e.rows;
  }
  for (auto [name, rows] : doc["outputs"].get_object()) {
    auto& out = e.outputs[std::string(name)];
    for (simdjson::dom::element row : rows.get_array()) {
      std::vector<float> r;
      for (simdjson::dom::element v : row.get_array()) r.push_back(static_cast<float>(double(v)));
      out.push_back(std::move(r));
    }
  }
  return e;
}

// Float32 inference done in another order (another library's kernels) rounds differently: a
// 16→32→1 network accumulates ~50 products, each rounding by at most 2^-24 relative, so results
// agree within a few units of 1e-6 relative; 1e-5 (absolute below 1) leaves room and still
// catches any real difference (a wrong weight or activation moves results by 1e-2 and more).
inline void ExpectClose(float actual, float expected, const std::string& where) {
  const float tol = 1e-5f * std::max(1.0f, std::fabs(expected));
  EXPECT_NEAR(actual, expected, tol) << where;
}

inline ModelSpec Spec(std::string name, Backend backend, std::string file) {
  ModelSpec s;
  s.name = std::move(name);
  s.backend = backend;
  s.path = ModelPath(file);
  return s;
}

}  // namespace ark::ml::testing
