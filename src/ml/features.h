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
// converted to float32. A model has no notion of a missing value, and guessing one would change its
// predictions silently, so a null is never packed:
//   - PackFeatures fails on the first null or odd-length list, naming the column and row;
//   - PackValidRows packs the rows it can and lists the others with the reason (the `model`
//     processor sends those to error_output; predict() returns NULL for a null input).
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
  // PackValidRows: the input row of each matrix row, when rows were left out; empty when every
  // input row was packed (matrix row i is input row i).
  std::vector<int64_t> source_rows;
};

// An input row PackValidRows left out.
struct RejectedRow {
  enum class Problem { kNull, kWidth };
  int64_t row = 0;
  Problem problem = Problem::kNull;
  // The first problem of the row: "column \"readings\" is null at row 3", "... has a null element
  // at row 3 (index 2)", "... holds 7 values at row 3, expected 8 (...)".
  std::string reason;
};

// Whether `type` can be a model input; the error says which types can.
Status CheckFeatureType(const std::string& name, const DataType& type);

// Packs `inputs` (each `rows` long) into one matrix; the first null or list of another length
// than row 0's fails the whole call.
Result<FeatureMatrix> PackFeatures(std::span<const FeatureInput> inputs, int64_t rows);

// Packs the rows of `inputs` that have a value for every feature; the others go to `rejected` (in
// row order). A list input's width is, when `features` (the model's features per row, 0 if
// unknown) is known and it is the only list, what the other inputs leave of `features`; otherwise
// the length most of its rows hold (the first of equally common ones). Errors (for the whole
// call) only for inputs that cannot be packed at all: a type that is not a number, a list input
// whose rows are all empty, scalars alone taking more than `features`.
Result<FeatureMatrix> PackValidRows(std::span<const FeatureInput> inputs, int64_t rows,
                                    int64_t features, std::vector<RejectedRow>* rejected);

// Column `col` of `t` as a float32 column.
ColumnPtr TensorColumn(const Tensor& t, int64_t col);
// Each row of `t` as a list<float32> (class probabilities, embeddings).
ColumnPtr TensorListColumn(const Tensor& t);

// Output `t` of the packed rows of `m` spread back to `rows` rows: the rows PackValidRows left out
// are NULL. One-value outputs give float32, wider ones list<float32>.
ColumnPtr ScatterTensorColumn(const Tensor& t, const FeatureMatrix& m, int64_t rows);

}  // namespace ark::ml
