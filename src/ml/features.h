// Features: columns packed into the one row-major float32 matrix [rows, features] a model takes,
// and model outputs turned back into columns (DESIGN §6). Shared by the `model` processor and
// predict() in SQL.
//
//   std::vector<FeatureInput> in = {{"amount", amount_col}, {"embedding", embedding_col}};
//   ARK_ASSIGN_OR_RETURN(FeatureMatrix m, PackFeatures(in, batch.num_rows()));
//   // m.values: row r holds amount[r], then embedding[r][0..k)
//
// Each input is a scalar column (bool, int32, int64, float32, float64) giving one feature, or a
// list of those giving as many features as its rows hold (every row the same number). Values are
// converted to float32. A null anywhere is an error naming the column and row: a model has no
// notion of a missing value, and guessing one would change its predictions silently.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/column.h"
#include "core/types.h"
#include "ml/model.h"

namespace ark::ml {

struct FeatureInput {
  std::string name;  // for errors: "column \"amount\"", "argument 2"
  ColumnPtr column;
};

struct FeatureMatrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<float> values;  // rows * cols
};

// Whether `type` can be a model input; the error says which types can.
Status CheckFeatureType(const std::string& name, const DataType& type);

// Packs `inputs` (each `rows` long) into one matrix.
Result<FeatureMatrix> PackFeatures(std::span<const FeatureInput> inputs, int64_t rows);

// Column `col` of `t` as a float32 column.
ColumnPtr TensorColumn(const Tensor& t, int64_t col);
// Each row of `t` as a list<float32> (class probabilities, embeddings).
ColumnPtr TensorListColumn(const Tensor& t);

}  // namespace ark::ml
