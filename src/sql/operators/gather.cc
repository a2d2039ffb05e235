#include "sql/operators/gather.h"

#include <cstring>
#include <limits>
#include <utility>

#include "core/column_builder.h"

namespace ark::sql {
namespace {

// GatherBinary copies short strings 16 bytes at a time past their end, into the padding.
static_assert(kBufferPadding >= 32);

// The 16-byte values (intervals), moved as plain bytes.
struct Bytes16 {
  uint64_t lo;
  uint64_t hi;
};

// Raw pointers of one source column, resolved once per gather instead of once per row.
struct SourceView {
  const Column* column = nullptr;
  const uint8_t* validity = nullptr;  // null when the column has no nulls
  const uint8_t* values = nullptr;    // buffers[1], not advanced by offset
  const int32_t* offsets = nullptr;   // string/binary: advanced by offset
  const char* chars = nullptr;
  bool chars_padded = false;  // kBufferPadding readable bytes follow the string data
  int64_t offset = 0;
};

SourceView ViewOf(const Column& c) {
  SourceView v;
  v.column = &c;
  v.offset = c.offset();
  if (c.type_id() == TypeId::kNull) return v;
  if (c.null_count() > 0 && c.validity() != nullptr) v.validity = c.validity()->data();
  if (c.buffers().size() > 1 && c.buffer(1) != nullptr) v.values = c.buffer(1)->data();
  if (c.type().is_binary_like()) {
    v.offsets = c.offsets();
    v.chars = c.string_data();
    v.chars_padded = c.buffer(2) != nullptr && c.buffer(2)->padded();
  }
  return v;
}

inline bool SourceValid(const SourceView& v, int64_t row) {
  return row >= 0 && (v.validity == nullptr || bit_util::GetBit(v.validity, v.offset + row));
}

// A validity bitmap under construction; dropped when no null was written.
struct ValidityWriter {
  explicit ValidityWriter(int64_t n)
      : buffer(Buffer::AllocateZeroed(static_cast<size_t>(bit_util::BytesForBits(n)))),
        bits(buffer->mutable_data()) {}
  BufferPtr Finish(int64_t* null_count) const {
    *null_count = nulls;
    return nulls > 0 ? BufferPtr(buffer) : nullptr;
  }
  std::shared_ptr<Buffer> buffer;
  uint8_t* bits;
  int64_t nulls = 0;
};

// `resolve(i)` returns the (source view, row) of output row i; a negative row means NULL.
template <typename T, typename Resolve>
ColumnPtr GatherFixed(const DataType& type, int64_t n, bool may_null, Resolve resolve) {
  auto values = Buffer::Allocate(static_cast<size_t>(n) * sizeof(T));
  T* out = reinterpret_cast<T*>(values->mutable_data());
  if (!may_null) {
    for (int64_t i = 0; i < n; ++i) {
      auto [v, row] = resolve(i);
      std::memcpy(out + i, v->values + (v->offset + row) * static_cast<int64_t>(sizeof(T)),
                  sizeof(T));
    }
    return Column::Make(type, n, {nullptr, std::move(values)}, {}, 0);
  }
  ValidityWriter validity(n);
  for (int64_t i = 0; i < n; ++i) {
    auto [v, row] = resolve(i);
    if (SourceValid(*v, row)) {
      std::memcpy(out + i, v->values + (v->offset + row) * static_cast<int64_t>(sizeof(T)),
                  sizeof(T));
      bit_util::SetBit(validity.bits, i);
    } else {
      std::memset(out + i, 0, sizeof(T));
      ++validity.nulls;
    }
  }
  int64_t nulls = 0;
  BufferPtr bits = validity.Finish(&nulls);
  return Column::Make(type, n, {std::move(bits), std::move(values)}, {}, nulls);
}

template <typename Resolve>
ColumnPtr GatherBool(int64_t n, Resolve resolve) {
  auto values = Buffer::AllocateZeroed(static_cast<size_t>(bit_util::BytesForBits(n)));
  uint8_t* out = values->mutable_data();
  ValidityWriter validity(n);
  for (int64_t i = 0; i < n; ++i) {
    auto [v, row] = resolve(i);
    if (SourceValid(*v, row)) {
      bit_util::SetBit(validity.bits, i);
      if (bit_util::GetBit(v->values, v->offset + row)) bit_util::SetBit(out, i);
    } else {
      ++validity.nulls;
    }
  }
  int64_t nulls = 0;
  BufferPtr bits = validity.Finish(&nulls);
  return Column::Make(DataType::Bool(), n, {std::move(bits), std::move(values)}, {}, nulls);
}

template <typename Resolve>
Result<ColumnPtr> GatherBinary(const DataType& type, int64_t n, Resolve resolve) {
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    auto [v, row] = resolve(i);
    if (row >= 0) total += v->offsets[row + 1] - v->offsets[row];
  }
  if (total > std::numeric_limits<int32_t>::max()) {
    return Status::OutOfRange(
        "gathering {} rows of a {} column needs {} bytes, more than the 2 GiB a column can hold", n,
        type.ToString(), total);
  }
  auto offsets = Buffer::Allocate(static_cast<size_t>(n + 1) * sizeof(int32_t));
  auto chars = Buffer::Allocate(static_cast<size_t>(total));
  int32_t* out_offsets = reinterpret_cast<int32_t*>(offsets->mutable_data());
  char* out_chars = reinterpret_cast<char*>(chars->mutable_data());
  ValidityWriter validity(n);
  int32_t pos = 0;
  out_offsets[0] = 0;
  for (int64_t i = 0; i < n; ++i) {
    auto [v, row] = resolve(i);
    if (SourceValid(*v, row)) {
      int32_t start = v->offsets[row];
      int32_t len = v->offsets[row + 1] - start;
      if (v->chars_padded && len <= 32) {
        // Short strings: two fixed-size copies beat a variable-length memcpy call. Both buffers
        // have padding, and the bytes written past the value are overwritten by the next one.
        std::memcpy(out_chars + pos, v->chars + start, 16);
        if (len > 16) std::memcpy(out_chars + pos + 16, v->chars + start + 16, 16);
      } else {
        std::memcpy(out_chars + pos, v->chars + start, static_cast<size_t>(len));
      }
      pos += len;
      bit_util::SetBit(validity.bits, i);
    } else {
      ++validity.nulls;
    }
    out_offsets[i + 1] = pos;
  }
  std::memset(out_chars + pos, 0, 32);  // restore the zeroed padding
  int64_t nulls = 0;
  BufferPtr bits = validity.Finish(&nulls);
  return Column::Make(type, n, {std::move(bits), std::move(offsets), std::move(chars)}, {}, nulls);
}

template <typename Resolve>
ColumnPtr GatherNested(const DataType& type, int64_t n, Resolve resolve) {
  auto builder = MakeBuilder(type);
  builder->Reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    auto [v, row] = resolve(i);
    if (row < 0) {
      builder->AppendNull();
    } else {
      builder->AppendFrom(*v->column, row);
    }
  }
  return builder->Finish();
}

template <typename Resolve>
Result<ColumnPtr> GatherTyped(const DataType& type, int64_t n, bool may_null, Resolve resolve) {
  switch (type.id()) {
    case TypeId::kNull:
      return Column::MakeNull(type, n);
    case TypeId::kBool:
      return GatherBool(n, resolve);
    case TypeId::kString:
    case TypeId::kBinary:
      return GatherBinary(type, n, resolve);
    case TypeId::kList:
    case TypeId::kStruct:
      return GatherNested(type, n, resolve);
    default:
      break;
  }
  switch (type.byte_width()) {
    case 4:
      return GatherFixed<uint32_t>(type, n, may_null, resolve);
    case 8:
      return GatherFixed<uint64_t>(type, n, may_null, resolve);
    case 16:
      return GatherFixed<Bytes16>(type, n, may_null, resolve);
    default:
      break;
  }
  return GatherNested(type, n, resolve);
}

}  // namespace

Result<ColumnPtr> GatherColumn(const Column& column, std::span<const int64_t> indices) {
  const int64_t n = static_cast<int64_t>(indices.size());
  SourceView view = ViewOf(column);
  bool may_null = view.validity != nullptr;
  if (!may_null) {
    for (int64_t idx : indices) {
      if (idx < 0) {
        may_null = true;
        break;
      }
    }
  }
  const int64_t* idx = indices.data();
  return GatherTyped(column.type(), n, may_null, [&view, idx](int64_t i) {
    return std::pair<const SourceView*, int64_t>(&view, idx[i]);
  });
}

Result<ColumnPtr> GatherChunks(std::span<const ColumnPtr> chunks, std::span<const ChunkRow> rows) {
  ARK_CHECK(!chunks.empty(), "GatherChunks needs at least one chunk");
  const int64_t n = static_cast<int64_t>(rows.size());
  std::vector<SourceView> views;
  views.reserve(chunks.size());
  bool may_null = false;
  for (const auto& c : chunks) {
    views.push_back(ViewOf(*c));
    may_null |= views.back().validity != nullptr;
  }
  const SourceView* v = views.data();
  const ChunkRow* r = rows.data();
  return GatherTyped(chunks[0]->type(), n, may_null, [v, r](int64_t i) {
    return std::pair<const SourceView*, int64_t>(&v[r[i].chunk], r[i].row);
  });
}

Result<Batch> GatherBatch(const Batch& batch, std::span<const int64_t> indices, SchemaPtr schema) {
  std::vector<ColumnPtr> cols;
  cols.reserve(static_cast<size_t>(batch.num_columns()));
  for (const auto& c : batch.columns()) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr g, GatherColumn(*c, indices));
    cols.push_back(std::move(g));
  }
  return Batch(schema ? std::move(schema) : batch.schema(), std::move(cols),
               static_cast<int64_t>(indices.size()));
}

Result<Batch> GatherBatchChunks(std::span<const Batch> chunks, std::span<const ChunkRow> rows,
                                SchemaPtr schema) {
  ARK_CHECK(!chunks.empty(), "GatherBatchChunks needs at least one chunk");
  std::vector<ColumnPtr> cols;
  std::vector<ColumnPtr> parts(chunks.size());
  for (int c = 0; c < schema->num_fields(); ++c) {
    for (size_t k = 0; k < chunks.size(); ++k) parts[k] = chunks[k].column(c);
    ARK_ASSIGN_OR_RETURN(ColumnPtr g, GatherChunks(parts, rows));
    cols.push_back(std::move(g));
  }
  return Batch(std::move(schema), std::move(cols), static_cast<int64_t>(rows.size()));
}

Result<Batch> GatherUsedChunks(std::span<const Batch> chunks, std::span<const ChunkRow> rows,
                               SchemaPtr schema) {
  constexpr uint32_t kUnused = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> local(chunks.size(), kUnused);  // chunk → its index in `used`
  std::vector<Batch> used;
  std::vector<ChunkRow> at;
  at.reserve(rows.size());
  for (const ChunkRow& r : rows) {
    uint32_t& l = local[r.chunk];
    if (l == kUnused) {
      l = static_cast<uint32_t>(used.size());
      used.push_back(chunks[r.chunk]);
    }
    at.push_back({l, r.row});
  }
  if (used.empty()) return Batch::Empty(std::move(schema));
  return GatherBatchChunks(used, at, std::move(schema));
}

}  // namespace ark::sql
