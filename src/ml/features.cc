#include "ml/features.h"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/bit_util.h"
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

constexpr std::string_view kNullHint =
    "a model needs a value in every input (replace nulls first, e.g. with COALESCE in a sql "
    "processor, or filter those rows out)";

// The length most non-null rows of list column `c` hold (the first of equally common ones); -1
// when every row is null.
int64_t MostCommonLength(const Column& c, int64_t rows) {
  std::vector<std::pair<int64_t, int64_t>> counts;  // length, rows; in order of first appearance
  for (int64_t r = 0; r < rows; ++r) {
    if (c.IsNull(r)) continue;
    const int64_t n = c.list_length(r);
    auto it =
        std::find_if(counts.begin(), counts.end(), [n](const auto& e) { return e.first == n; });
    if (it == counts.end()) {
      counts.emplace_back(n, 1);
    } else {
      ++it->second;
    }
    if (counts.size() == 1 && counts[0].second == rows) break;  // the usual case: all alike
  }
  int64_t best = -1;
  int64_t best_rows = 0;
  for (const auto& [n, k] : counts) {
    if (k > best_rows) {
      best = n;
      best_rows = k;
    }
  }
  return best;
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

Result<FeatureMatrix> PackValidRows(std::span<const FeatureInput> inputs, int64_t rows,
                                    int64_t features, std::vector<RejectedRow>* rejected) {
  rejected->clear();
  if (inputs.empty()) return Status::InvalidArgument("a model needs at least one input");
  int64_t lists = 0;
  int64_t scalars = 0;
  for (const FeatureInput& in : inputs) {
    ARK_RETURN_IF_ERROR(CheckFeatureType(in.name, in.column->type()));
    if (in.column->length() != rows) {
      return Status::Internal("{} has {} rows, expected {}", in.name, in.column->length(), rows);
    }
    (in.column->type_id() == TypeId::kList ? lists : scalars) += 1;
  }
  // Each list input's width, and how a row of another length is told.
  std::vector<int64_t> widths(inputs.size(), 1);
  std::vector<std::string> expected(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const FeatureInput& in = inputs[i];
    if (in.column->type_id() != TypeId::kList) continue;
    if (features > 0 && lists == 1) {
      widths[i] = features - scalars;
      if (widths[i] <= 0) {
        return Status::InvalidArgument(
            "{} has no room: the model takes {} features per row and the other inputs give {}",
            in.name, features, scalars);
      }
      expected[i] = scalars == 0 ? fmt::format("the model takes {} features per row", features)
                                 : fmt::format(
                                       "the model takes {} features per row, {} of them "
                                       "from the other inputs",
                                       features, scalars);
    } else {
      widths[i] = MostCommonLength(*in.column, rows);
      if (widths[i] == 0) return Status::InvalidArgument("{} holds empty lists", in.name);
      expected[i] = "the length of most rows";
    }
  }
  // The first problem of each row, in input order.
  std::vector<uint8_t> bad;
  auto reject = [&](int64_t r, RejectedRow::Problem problem, std::string reason) {
    if (bad.empty()) bad.assign(static_cast<size_t>(rows), 0);
    if (bad[static_cast<size_t>(r)]) return;
    bad[static_cast<size_t>(r)] = 1;
    rejected->push_back({r, problem, std::move(reason)});
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    const FeatureInput& in = inputs[i];
    const Column& c = *in.column;
    if (c.type_id() != TypeId::kList) {
      if (!c.has_nulls()) continue;
      for (int64_t r = 0; r < rows; ++r) {
        if (c.IsNull(r)) {
          reject(r, RejectedRow::Problem::kNull, fmt::format("{} is null at row {}", in.name, r));
        }
      }
      continue;
    }
    const Column& values = *c.list_values();
    const int64_t w = widths[i];
    for (int64_t r = 0; r < rows; ++r) {
      if (c.IsNull(r)) {
        reject(r, RejectedRow::Problem::kNull, fmt::format("{} is null at row {}", in.name, r));
        continue;
      }
      const int64_t n = c.list_length(r);
      if (n != w) {
        reject(r, RejectedRow::Problem::kWidth,
               fmt::format("{} holds {} value{} at row {}, expected {} ({})", in.name, n,
                           n == 1 ? "" : "s", r, w, expected[i]));
        continue;
      }
      if (!values.has_nulls()) continue;
      for (int64_t k = 0; k < n; ++k) {
        if (values.IsNull(c.list_start(r) + k)) {
          reject(r, RejectedRow::Problem::kNull,
                 fmt::format("{} has a null element at row {} (index {})", in.name, r, k));
          break;
        }
      }
    }
  }
  std::sort(rejected->begin(), rejected->end(),
            [](const RejectedRow& a, const RejectedRow& b) { return a.row < b.row; });

  FeatureMatrix m;
  for (size_t i = 0; i < inputs.size(); ++i) m.cols += std::max<int64_t>(widths[i], 0);
  if (!rejected->empty()) {
    for (int64_t r = 0; r < rows; ++r) {
      if (!bad[static_cast<size_t>(r)]) m.source_rows.push_back(r);
    }
    m.rows = static_cast<int64_t>(m.source_rows.size());
  } else {
    m.rows = rows;
  }
  m.values.resize(static_cast<size_t>(m.rows * m.cols));
  int64_t at = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Column& c = *inputs[i].column;
    float* base = m.values.data() + at;
    const int64_t w = widths[i];
    if (c.type_id() != TypeId::kList) {
      if (m.source_rows.empty()) {
        CopyScalars(c, 0, m.rows, base, m.cols);
      } else {
        for (int64_t j = 0; j < m.rows; ++j) {
          CopyScalars(c, m.source_rows[static_cast<size_t>(j)], 1, base + j * m.cols, 1);
        }
      }
    } else {
      const Column& values = *c.list_values();
      for (int64_t j = 0; j < m.rows; ++j) {
        const int64_t r = m.source_rows.empty() ? j : m.source_rows[static_cast<size_t>(j)];
        CopyScalars(values, c.list_start(r), w, base + j * m.cols, 1);
      }
    }
    at += std::max<int64_t>(w, 0);
  }
  return m;
}

Result<FeatureMatrix> PackFeatures(std::span<const FeatureInput> inputs, int64_t rows) {
  std::vector<RejectedRow> rejected;
  ARK_ASSIGN_OR_RETURN(FeatureMatrix m, PackValidRows(inputs, rows, 0, &rejected));
  if (!rejected.empty()) {
    const RejectedRow& first = rejected.front();
    return Status::InvalidArgument(
        "{}; {}", first.reason,
        first.problem == RejectedRow::Problem::kNull
            ? kNullHint
            : std::string_view("every row of a list input must hold the same number of features"));
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

ColumnPtr ScatterTensorColumn(const Tensor& t, const FeatureMatrix& m, int64_t rows) {
  Tensor full;
  const Tensor* src = &t;
  BufferPtr validity;
  int64_t nulls = 0;
  if (!m.source_rows.empty() || m.rows != rows) {
    full.rows = rows;
    full.cols = t.cols;
    full.values.assign(static_cast<size_t>(rows * t.cols), 0.0f);
    std::shared_ptr<Buffer> bitmap =
        Buffer::AllocateZeroed(static_cast<size_t>(bit_util::BytesForBits(rows)));
    uint8_t* bits = bitmap->mutable_data();
    validity = bitmap;
    for (int64_t j = 0; j < m.rows; ++j) {
      const int64_t r = m.source_rows[static_cast<size_t>(j)];
      std::memcpy(full.values.data() + r * t.cols, t.values.data() + j * t.cols,
                  static_cast<size_t>(t.cols) * sizeof(float));
      bit_util::SetBit(bits, r);
    }
    nulls = rows - m.rows;
    src = &full;
  }
  ColumnPtr c = src->cols == 1 ? TensorColumn(*src, 0) : TensorListColumn(*src);
  if (validity == nullptr) return c;
  std::vector<BufferPtr> buffers = c->buffers();
  buffers[0] = std::move(validity);
  return Column::Make(c->type(), rows, std::move(buffers), c->children(), nulls);
}

}  // namespace ark::ml
