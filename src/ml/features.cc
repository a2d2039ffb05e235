#include "ml/features.h"

#include <cstring>

#include <fmt/format.h>

#include "core/buffer.h"

namespace ark::ml {
namespace {

bool IsScalarFeatureType(TypeId id) {
  return id == TypeId::kBool || id == TypeId::kInt32 || id == TypeId::kInt64 ||
         id == TypeId::kFloat32 || id == TypeId::kFloat64;
}

// Writes `rows` values of scalar column `c`, starting at `c` row `first`, into `out` with a stride.
void CopyScalars(const Column& c, int64_t first, int64_t rows, float* out, int64_t stride) {
  switch (c.type_id()) {
    case TypeId::kBool:
      for (int64_t r = 0; r < rows; ++r) out[r * stride] = c.GetBool(first + r) ? 1.0f : 0.0f;
      break;
    case TypeId::kInt32: {
      const int32_t* v = c.data<int32_t>() + first;
      for (int64_t r = 0; r < rows; ++r) out[r * stride] = static_cast<float>(v[r]);
      break;
    }
    case TypeId::kInt64: {
      const int64_t* v = c.data<int64_t>() + first;
      for (int64_t r = 0; r < rows; ++r) out[r * stride] = static_cast<float>(v[r]);
      break;
    }
    case TypeId::kFloat32: {
      const float* v = c.data<float>() + first;
      if (stride == 1) {
        std::memcpy(out, v, static_cast<size_t>(rows) * sizeof(float));
      } else {
        for (int64_t r = 0; r < rows; ++r) out[r * stride] = v[r];
      }
      break;
    }
    case TypeId::kFloat64: {
      const double* v = c.data<double>() + first;
      for (int64_t r = 0; r < rows; ++r) out[r * stride] = static_cast<float>(v[r]);
      break;
    }
    default:
      break;  // excluded by CheckFeatureType
  }
}

Status NullError(const FeatureInput& in, int64_t row) {
  return Status::InvalidArgument(
      "{} is null at row {}; a model needs a value in every input (replace nulls first, e.g. "
      "with COALESCE in a sql processor, or filter those rows out)",
      in.name, row);
}

// Features per row of a list input; every row must hold the same number.
Result<int64_t> ListWidth(const FeatureInput& in, int64_t rows) {
  const Column& c = *in.column;
  if (rows == 0) return 0;
  int64_t width = -1;
  for (int64_t r = 0; r < rows; ++r) {
    if (c.IsNull(r)) return NullError(in, r);
    const int64_t n = c.list_length(r);
    if (width < 0) {
      width = n;
    } else if (n != width) {
      return Status::InvalidArgument(
          "{} holds {} values at row {} but {} at row 0; every row of a list input must "
          "hold the same number of features",
          in.name, n, r, width);
    }
  }
  if (width == 0) return Status::InvalidArgument("{} holds empty lists", in.name);
  return width;
}

}  // namespace

Status CheckFeatureType(const std::string& name, const DataType& type) {
  if (IsScalarFeatureType(type.id())) return Status::OK();
  if (type.id() == TypeId::kList && IsScalarFeatureType(type.element().id())) return Status::OK();
  return Status::TypeError(
      "{} is {}; a model input must be a number (bool, int32, int64, float32, float64) or "
      "a list of numbers",
      name, type.ToString());
}

Result<FeatureMatrix> PackFeatures(std::span<const FeatureInput> inputs, int64_t rows) {
  if (inputs.empty()) return Status::InvalidArgument("a model needs at least one input");
  std::vector<int64_t> widths;
  int64_t cols = 0;
  for (const FeatureInput& in : inputs) {
    ARK_RETURN_IF_ERROR(CheckFeatureType(in.name, in.column->type()));
    if (in.column->length() != rows) {
      return Status::Internal("{} has {} rows, expected {}", in.name, in.column->length(), rows);
    }
    int64_t w = 1;
    if (in.column->type_id() == TypeId::kList) {
      ARK_ASSIGN_OR_RETURN(w, ListWidth(in, rows));
    } else if (in.column->has_nulls()) {
      for (int64_t r = 0; r < rows; ++r) {
        if (in.column->IsNull(r)) return NullError(in, r);
      }
    }
    widths.push_back(w);
    cols += w;
  }
  FeatureMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.values.resize(static_cast<size_t>(rows * cols));
  int64_t at = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const FeatureInput& in = inputs[i];
    const Column& c = *in.column;
    float* base = m.values.data() + at;
    if (c.type_id() != TypeId::kList) {
      CopyScalars(c, 0, rows, base, cols);
    } else {
      const Column& values = *c.list_values();
      const int64_t w = widths[i];
      if (values.has_nulls()) {
        for (int64_t r = 0; r < rows; ++r) {
          for (int64_t k = 0; k < w; ++k) {
            if (values.IsNull(c.list_start(r) + k)) {
              return Status::InvalidArgument(
                  "{} has a null element at row {} (index {}); a model needs a value "
                  "for every feature",
                  in.name, r, k);
            }
          }
        }
      }
      for (int64_t r = 0; r < rows; ++r) {
        CopyScalars(values, c.list_start(r), w, base + r * cols, 1);
      }
    }
    at += widths[i];
  }
  return m;
}

ColumnPtr TensorColumn(const Tensor& t, int64_t col) {
  auto buf = Buffer::Allocate(static_cast<size_t>(t.rows) * sizeof(float));
  auto* out = reinterpret_cast<float*>(buf->mutable_data());
  if (t.cols == 1) {
    std::memcpy(out, t.values.data(), static_cast<size_t>(t.rows) * sizeof(float));
  } else {
    for (int64_t r = 0; r < t.rows; ++r) out[r] = t.values[static_cast<size_t>(r * t.cols + col)];
  }
  return Column::Make(DataType::Float32(), t.rows, {nullptr, std::move(buf)}, {}, 0);
}

ColumnPtr TensorListColumn(const Tensor& t) {
  const int64_t total = t.rows * t.cols;
  auto values = Buffer::Allocate(static_cast<size_t>(total) * sizeof(float));
  std::memcpy(values->mutable_data(), t.values.data(), static_cast<size_t>(total) * sizeof(float));
  ColumnPtr child = Column::Make(DataType::Float32(), total, {nullptr, std::move(values)}, {}, 0);
  auto offsets = Buffer::Allocate(static_cast<size_t>(t.rows + 1) * sizeof(int32_t));
  auto* o = reinterpret_cast<int32_t*>(offsets->mutable_data());
  for (int64_t r = 0; r <= t.rows; ++r) o[r] = static_cast<int32_t>(r * t.cols);
  return Column::Make(DataType::List(DataType::Float32()), t.rows, {nullptr, std::move(offsets)},
                      {std::move(child)}, 0);
}

}  // namespace ark::ml
