// XgboostTrees: a native evaluator of an XGBoost gbtree model, read from the JSON form of the
// booster (XGBoosterSaveModelToBuffer with {"format": "json"}). It gives the same values as
// XGBoost's own CPU predictor (the same float sums in the same tree order, the same output
// transform) at a multiple of its speed (DESIGN §10: ≥ 1 M rows/s per core for 100 trees of depth
// 6): each tree is stored as a complete binary tree (a leaf above the bottom is copied to every
// bottom slot below it), so a row walks exactly `depth` levels with no test for leaves, and a block
// of rows walks each tree together, which keeps the tree in cache and the rows' walks independent.
//
//   ARK_ASSIGN_OR_RETURN(XgboostTrees trees, XgboostTrees::FromJson(json));
//   std::vector<float> out(rows * trees.outputs());
//   trees.Predict(matrix, rows, out.data());   // matrix: rows * trees.features() floats
//
// What it covers: booster gbtree, numerical splits, trees up to kMaxDepth deep, objectives
// reg:squarederror / reg:linear / reg:absoluteerror / binary:logitraw (the margin as is),
// binary:logistic / reg:logistic (sigmoid) and multi:softprob (softmax over the classes). Anything
// else (dart, gblinear, categorical splits, deeper trees, other objectives) is an error saying
// what, and the XGBoost backend then predicts through the C API. A NaN feature follows the node's
// default direction, as XGBoost's `missing` NaN does.
//
// Thread-safety: immutable after FromJson; Predict may run concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ark::ml {

class XgboostTrees {
 public:
  // Deeper trees take 2^depth slots each when made complete; the C API serves those.
  static constexpr int kMaxDepth = 12;

  static Result<XgboostTrees> FromJson(std::string_view json);

  int64_t features() const { return features_; }
  // Values per row: 1, or the number of classes of multi:softprob.
  int64_t outputs() const { return groups_; }
  int64_t trees() const { return static_cast<int64_t>(trees_.size()); }
  const std::string& objective() const { return objective_; }

  // Predicts `rows` rows of features() floats each (row-major) into out[rows * outputs()].
  void Predict(const float* x, int64_t rows, float* out) const;

 private:
  enum class Transform { kIdentity, kSigmoid, kSoftmax };

  struct Tree {
    int depth = 0;
    int group = 0;
    int64_t node_at = 0;  // first inner node in nodes_ and default_left_: 2^depth - 1 of them
    int64_t leaf_at = 0;  // first leaf in leaves: 2^depth of them
  };

  // An inner node of a complete tree: left when the value is below the threshold.
  struct Node {
    int32_t feature = 0;
    float threshold = 0.0f;
  };

  // Adds every tree's leaf value to out[r * groups_ + group] for the `n` rows at `x`; `nan`:
  // whether some value is NaN (then each node's default direction is looked up).
  template <bool kNan>
  void Accumulate(const float* x, int64_t n, float* out) const;

  int64_t features_ = 0;
  int64_t groups_ = 1;
  float base_margin_ = 0.0f;
  Transform transform_ = Transform::kIdentity;
  std::string objective_;
  std::vector<Tree> trees_;
  std::vector<Node> nodes_;
  std::vector<uint8_t> default_left_;
  std::vector<float> leaves_;
};

}  // namespace ark::ml
