#include "ml/xgboost_trees.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <simdjson.h>

namespace ark::ml {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;

// XGBoost writes its parameters as strings ("5E-1", "16").
Result<double> NumberParam(element object, const char* key, const char* where) {
  element v;
  if (object[key].get(v) != simdjson::SUCCESS) {
    return Status::InvalidArgument("the model JSON has no {}.{}", where, key);
  }
  if (v.is_string()) {
    std::string text(v.get_string().value());
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0') {
      return Status::InvalidArgument("{}.{} is \"{}\", not a number", where, key, text);
    }
    return d;
  }
  double d = 0;
  if (v.get_double().get(d) == simdjson::SUCCESS) return d;
  return Status::InvalidArgument("{}.{} is not a number", where, key);
}

// A JSON array of numbers (or booleans) as doubles.
Result<std::vector<double>> Numbers(element tree, const char* key, int64_t tree_index) {
  array a;
  if (tree[key].get_array().get(a) != simdjson::SUCCESS) {
    return Status::InvalidArgument("tree {} has no array \"{}\"", tree_index, key);
  }
  std::vector<double> out;
  out.reserve(a.size());
  for (element e : a) {
    double d = 0;
    bool b = false;
    int64_t i = 0;
    if (e.get_double().get(d) == simdjson::SUCCESS) {
      out.push_back(d);
    } else if (e.get_int64().get(i) == simdjson::SUCCESS) {
      out.push_back(static_cast<double>(i));
    } else if (e.get_bool().get(b) == simdjson::SUCCESS) {
      out.push_back(b ? 1.0 : 0.0);
    } else {
      return Status::InvalidArgument("tree {}: \"{}\" holds a value that is not a number",
                                     tree_index, key);
    }
  }
  return out;
}

// XGBoost's transforms, written as its CPU code computes them so the values are equal.
float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

void Softmax(float* v, int64_t n) {
  float max = v[0];
  for (int64_t k = 1; k < n; ++k) max = std::max(max, v[k]);
  double sum = 0;
  for (int64_t k = 0; k < n; ++k) {
    v[k] = std::exp(v[k] - max);
    sum += v[k];
  }
  for (int64_t k = 0; k < n; ++k) v[k] /= static_cast<float>(sum);
}

}  // namespace

Result<XgboostTrees> XgboostTrees::FromJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element doc;
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS) {
    return Status::InvalidArgument("the model is not valid JSON");
  }
  element learner;
  if (doc["learner"].get(learner) != simdjson::SUCCESS) {
    return Status::InvalidArgument("the model JSON has no \"learner\"");
  }
  XgboostTrees t;

  std::string_view objective;
  if (learner["objective"]["name"].get_string().get(objective) != simdjson::SUCCESS) {
    return Status::InvalidArgument("the model JSON has no objective name");
  }
  t.objective_ = std::string(objective);
  element param;
  if (learner["learner_model_param"].get(param) != simdjson::SUCCESS) {
    return Status::InvalidArgument("the model JSON has no learner_model_param");
  }
  ARK_ASSIGN_OR_RETURN(double base_score, NumberParam(param, "base_score", "learner_model_param"));
  ARK_ASSIGN_OR_RETURN(double num_feature,
                       NumberParam(param, "num_feature", "learner_model_param"));
  ARK_ASSIGN_OR_RETURN(double num_class, NumberParam(param, "num_class", "learner_model_param"));
  if (Result<double> targets = NumberParam(param, "num_target", "learner_model_param");
      targets.ok() && *targets > 1) {
    return Status::InvalidArgument("a model of {} targets is not covered", *targets);
  }
  t.features_ = static_cast<int64_t>(num_feature);
  if (t.features_ <= 0) return Status::InvalidArgument("the model states no number of features");
  const auto base = static_cast<float>(base_score);
  if (objective == "binary:logistic" || objective == "reg:logistic") {
    t.transform_ = Transform::kSigmoid;
    t.base_margin_ = -std::log(1.0f / base - 1.0f);
  } else if (objective == "binary:logitraw") {
    t.base_margin_ = -std::log(1.0f / base - 1.0f);
  } else if (objective == "reg:squarederror" || objective == "reg:linear") {
    t.base_margin_ = base;
  } else if (objective == "multi:softprob") {
    t.transform_ = Transform::kSoftmax;
    t.base_margin_ = base;
    t.groups_ = static_cast<int64_t>(num_class);
    if (t.groups_ < 2) {
      return Status::InvalidArgument("multi:softprob with num_class {} is not covered", t.groups_);
    }
  } else {
    return Status::InvalidArgument("objective {} is not covered", objective);
  }

  element booster;
  std::string_view booster_name;
  if (learner["gradient_booster"].get(booster) != simdjson::SUCCESS ||
      booster["name"].get_string().get(booster_name) != simdjson::SUCCESS) {
    return Status::InvalidArgument("the model JSON has no gradient_booster name");
  }
  if (booster_name != "gbtree") {
    return Status::InvalidArgument("booster {} is not covered (only gbtree)", booster_name);
  }
  array trees;
  array tree_info;
  if (booster["model"]["trees"].get_array().get(trees) != simdjson::SUCCESS ||
      booster["model"]["tree_info"].get_array().get(tree_info) != simdjson::SUCCESS) {
    return Status::InvalidArgument("the model JSON has no gradient_booster.model.trees");
  }
  if (trees.size() != tree_info.size()) {
    return Status::InvalidArgument("the model JSON has {} trees but {} tree_info entries",
                                   trees.size(), tree_info.size());
  }
  std::vector<int64_t> groups;
  for (element g : tree_info) {
    int64_t v = 0;
    if (g.get_int64().get(v) != simdjson::SUCCESS || v < 0 || v >= t.groups_) {
      return Status::InvalidArgument("tree_info holds a group outside 0..{}", t.groups_ - 1);
    }
    groups.push_back(v);
  }

  int64_t index = 0;
  for (element tree : trees) {
    ARK_ASSIGN_OR_RETURN(std::vector<double> left, Numbers(tree, "left_children", index));
    ARK_ASSIGN_OR_RETURN(std::vector<double> right, Numbers(tree, "right_children", index));
    ARK_ASSIGN_OR_RETURN(std::vector<double> feature, Numbers(tree, "split_indices", index));
    ARK_ASSIGN_OR_RETURN(std::vector<double> cond, Numbers(tree, "split_conditions", index));
    ARK_ASSIGN_OR_RETURN(std::vector<double> dleft, Numbers(tree, "default_left", index));
    const size_t n = left.size();
    if (n == 0 || right.size() != n || feature.size() != n || cond.size() != n ||
        dleft.size() != n) {
      return Status::InvalidArgument("tree {}: its node arrays differ in length", index);
    }
    if (Result<std::vector<double>> types = Numbers(tree, "split_type", index); types.ok()) {
      for (double st : *types) {
        if (st != 0) {
          return Status::InvalidArgument("tree {} has categorical splits, not covered", index);
        }
      }
    }
    // Depth of each node (its parent comes first in XGBoost's arrays, but do not rely on it).
    std::vector<int> depth(n, -1);
    depth[0] = 0;
    std::vector<size_t> stack = {0};
    int max_depth = 0;
    while (!stack.empty()) {
      const size_t i = stack.back();
      stack.pop_back();
      max_depth = std::max(max_depth, depth[i]);
      if (left[i] < 0) continue;
      for (double c : {left[i], right[i]}) {
        const auto child = static_cast<size_t>(c);
        if (c < 0 || child >= n || depth[child] >= 0) {
          return Status::InvalidArgument("tree {}: node {} has a bad child {}", index, i, c);
        }
        depth[child] = depth[i] + 1;
        stack.push_back(child);
      }
      if (feature[i] < 0 || feature[i] >= static_cast<double>(t.features_)) {
        return Status::InvalidArgument("tree {}: node {} splits on feature {} of {}", index, i,
                                       feature[i], t.features_);
      }
    }
    if (max_depth > kMaxDepth) {
      return Status::InvalidArgument("tree {} is {} deep, more than the {} covered", index,
                                     max_depth, kMaxDepth);
    }
    Tree out;
    out.depth = max_depth;
    out.group = static_cast<int>(groups[static_cast<size_t>(index)]);
    out.node_at = static_cast<int64_t>(t.nodes_.size());
    out.leaf_at = static_cast<int64_t>(t.leaves_.size());
    const int64_t inner = (int64_t{1} << max_depth) - 1;
    t.nodes_.resize(static_cast<size_t>(out.node_at + inner));
    t.default_left_.resize(static_cast<size_t>(out.node_at + inner), 1);
    t.leaves_.resize(static_cast<size_t>(out.leaf_at + inner + 1), 0.0f);
    // Slot s of the complete tree (inner slots 0..inner-1, then the leaves) takes node i; a leaf
    // above the bottom fills every slot below it, so either direction reaches its value.
    struct Fill {
      size_t node;
      int64_t slot;
    };
    std::vector<Fill> todo = {{0, 0}};
    while (!todo.empty()) {
      const Fill f = todo.back();
      todo.pop_back();
      if (f.slot >= inner) {
        t.leaves_[static_cast<size_t>(out.leaf_at + f.slot - inner)] =
            static_cast<float>(cond[f.node]);
        continue;
      }
      const auto at = static_cast<size_t>(out.node_at + f.slot);
      if (left[f.node] < 0) {
        todo.push_back({f.node, 2 * f.slot + 1});
        todo.push_back({f.node, 2 * f.slot + 2});
        continue;
      }
      t.nodes_[at].feature = static_cast<int32_t>(feature[f.node]);
      t.nodes_[at].threshold = static_cast<float>(cond[f.node]);
      t.default_left_[at] = dleft[f.node] != 0 ? 1 : 0;
      todo.push_back({static_cast<size_t>(left[f.node]), 2 * f.slot + 1});
      todo.push_back({static_cast<size_t>(right[f.node]), 2 * f.slot + 2});
    }
    t.trees_.push_back(out);
    ++index;
  }
  return t;
}

template <bool kNan>
void XgboostTrees::Accumulate(const float* x, int64_t n, float* out) const {
  constexpr int kLanes = 16;  // rows walking a tree together: independent chains of loads
  const int64_t f = features_;
  const int64_t g = groups_;
  for (const Tree& tree : trees_) {
    const Node* nodes = nodes_.data() + tree.node_at;
    const uint8_t* dleft = default_left_.data() + tree.node_at;
    const uint32_t inner = (uint32_t{1} << tree.depth) - 1;
    const float* leaves = leaves_.data() + tree.leaf_at;
    // XGBoost: left when value < threshold; a NaN goes the node's default way.
    auto step = [&](const float* row, uint32_t i) -> uint32_t {
      const Node node = nodes[i];
      const float v = row[node.feature];
      uint32_t right = !(v < node.threshold);
      if constexpr (kNan) right &= !(std::isnan(v) && dleft[i] != 0);
      return 2 * i + 1 + right;
    };
    int64_t r = 0;
    for (; r + kLanes <= n; r += kLanes) {
      const float* row = x + r * f;
      uint32_t at[kLanes] = {};
      for (int d = 0; d < tree.depth; ++d) {
        for (int k = 0; k < kLanes; ++k) at[k] = step(row + k * f, at[k]);
      }
      for (int k = 0; k < kLanes; ++k) out[(r + k) * g + tree.group] += leaves[at[k] - inner];
    }
    for (; r < n; ++r) {
      uint32_t at = 0;
      for (int d = 0; d < tree.depth; ++d) at = step(x + r * f, at);
      out[r * g + tree.group] += leaves[at - inner];
    }
  }
}

void XgboostTrees::Predict(const float* x, int64_t rows, float* out) const {
  std::fill(out, out + rows * groups_, base_margin_);
  // Blocks of rows small enough to stay in L1 while every tree walks them.
  const int64_t block = std::max<int64_t>(8, 16384 / (features_ * 4));
  for (int64_t r = 0; r < rows; r += block) {
    const int64_t n = std::min(block, rows - r);
    const float* first = x + r * features_;
    // Most data has no NaN: then the walk needs no default directions.
    bool nan = false;
    for (int64_t i = 0; i < n * features_; ++i) nan |= std::isnan(first[i]);
    if (nan) {
      Accumulate<true>(first, n, out + r * groups_);
    } else {
      Accumulate<false>(first, n, out + r * groups_);
    }
  }
  switch (transform_) {
    case Transform::kIdentity:
      break;
    case Transform::kSigmoid:
      for (int64_t i = 0; i < rows; ++i) out[i] = Sigmoid(out[i]);
      break;
    case Transform::kSoftmax:
      for (int64_t i = 0; i < rows; ++i) Softmax(out + i * groups_, groups_);
      break;
  }
}

}  // namespace ark::ml
