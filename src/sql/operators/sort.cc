#include "sql/operators/sort.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "sql/operators/join_util.h"
#include "sql/operators/key_columns.h"

namespace ark::sql {
namespace {

inline void StoreBigEndian64(uint8_t* p, uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}
inline void StoreBigEndian32(uint8_t* p, uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}

// Unsigned integers whose natural order is the SQL order of the value.
inline uint32_t OrderedBits(int32_t v) { return static_cast<uint32_t>(v) ^ 0x80000000u; }
inline uint64_t OrderedBits(int64_t v) { return static_cast<uint64_t>(v) ^ 0x8000000000000000ull; }
inline uint64_t OrderedBits(double d) {
  if (d == 0) d = 0.0;  // -0.0 equals 0.0
  uint64_t u;
  std::memcpy(&u, &d, 8);
  if (std::isnan(d)) u = 0x7ff8000000000000ull;  // one NaN, above +infinity
  return (u >> 63) ? ~u : (u | 0x8000000000000000ull);
}
inline uint32_t OrderedBits(float f) {
  if (f == 0) f = 0.0f;
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if (std::isnan(f)) u = 0x7fc00000u;
  return (u >> 31) ? ~u : (u | 0x80000000u);
}
// PostgreSQL orders intervals by their span with 30-day months.
inline void StoreOrderedInterval(uint8_t* p, const IntervalValue& v, uint64_t mask) {
  constexpr __int128 kNanosPerDay = __int128{86400} * 1000000000;
  __int128 span = (__int128{v.months} * 30 + v.days) * kNanosPerDay + v.nanos;
  unsigned __int128 u =
      static_cast<unsigned __int128>(span) ^ (static_cast<unsigned __int128>(1) << 127);
  StoreBigEndian64(p, static_cast<uint64_t>(u >> 64) ^ mask);
  StoreBigEndian64(p + 8, static_cast<uint64_t>(u) ^ mask);
}

// Width of the value part of a fixed-width key type; -1 for variable-width types.
int64_t FixedValueWidth(TypeId id) {
  switch (id) {
    case TypeId::kNull:
      return 0;
    case TypeId::kBool:
      return 1;
    case TypeId::kInt32:
    case TypeId::kDate:
    case TypeId::kFloat32:
      return 4;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kFloat64:
      return 8;
    case TypeId::kInterval:
      return 16;
    default:
      return -1;
  }
}

// Strings: every 0x00 byte becomes 0x00 0xFF and the value ends with 0x00 0x00, which keeps
// bytewise order and makes the encoding prefix-free.
size_t EscapedSize(std::string_view s) {
  size_t zeros = 0;
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    const void* z = std::memchr(p, 0, static_cast<size_t>(end - p));
    if (z == nullptr) break;
    ++zeros;
    p = static_cast<const char*>(z) + 1;
  }
  return s.size() + zeros + 2;
}

uint8_t* WriteEscaped(uint8_t* out, std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    const void* z = std::memchr(p, 0, static_cast<size_t>(end - p));
    const char* stop = z == nullptr ? end : static_cast<const char*>(z);
    std::memcpy(out, p, static_cast<size_t>(stop - p));
    out += stop - p;
    if (z == nullptr) break;
    *out++ = 0x00;
    *out++ = 0xff;
    p = stop + 1;
  }
  *out++ = 0x00;
  *out++ = 0x00;
  return out;
}

void AppendBytes(std::vector<uint8_t>* out, const void* p, size_t n) {
  const uint8_t* b = static_cast<const uint8_t*>(p);
  out->insert(out->end(), b, b + n);
}

// Ascending encoding of the non-NULL value `row` of `c`, any type (the slow path for keys of
// nested types, which compare like PostgreSQL arrays and records: element by element, a NULL
// element above any value, a shorter list before a longer one with the same start).
void AppendValueSlow(const Column& c, int64_t row, std::vector<uint8_t>* out) {
  uint8_t tmp[16];
  switch (c.type_id()) {
    case TypeId::kNull:
      return;
    case TypeId::kBool:
      out->push_back(c.GetBool(row) ? 1 : 0);
      return;
    case TypeId::kInt32:
    case TypeId::kDate:
      StoreBigEndian32(tmp, OrderedBits(c.data<int32_t>()[row]));
      AppendBytes(out, tmp, 4);
      return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      StoreBigEndian64(tmp, OrderedBits(c.data<int64_t>()[row]));
      AppendBytes(out, tmp, 8);
      return;
    case TypeId::kFloat32:
      StoreBigEndian32(tmp, OrderedBits(c.data<float>()[row]));
      AppendBytes(out, tmp, 4);
      return;
    case TypeId::kFloat64:
      StoreBigEndian64(tmp, OrderedBits(c.data<double>()[row]));
      AppendBytes(out, tmp, 8);
      return;
    case TypeId::kInterval:
      StoreOrderedInterval(tmp, c.data<IntervalValue>()[row], 0);
      AppendBytes(out, tmp, 16);
      return;
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string_view s = c.GetView(row);
      size_t at = out->size();
      out->resize(at + EscapedSize(s));
      WriteEscaped(out->data() + at, s);
      return;
    }
    case TypeId::kList: {
      const Column& items = *c.list_values();
      int64_t start = c.list_start(row), n = c.list_length(row);
      for (int64_t k = 0; k < n; ++k) {
        out->push_back(0x01);  // an element follows
        if (items.IsNull(start + k)) {
          out->push_back(0x01);
        } else {
          out->push_back(0x00);
          AppendValueSlow(items, start + k, out);
        }
      }
      out->push_back(0x00);  // end of list: before any element
      return;
    }
    case TypeId::kStruct: {
      for (const auto& child : c.children()) {
        int64_t child_row = c.offset() + row;  // children are aligned with the parent
        if (child->IsNull(child_row)) {
          out->push_back(0x01);
        } else {
          out->push_back(0x00);
          AppendValueSlow(*child, child_row, out);
        }
      }
      return;
    }
  }
}

// Where each row's next bytes go: at a fixed stride (all keys fixed width) or at a per-row cursor.
template <bool kFixed>
struct Cursor {
  uint8_t* base;
  uint64_t* pos;       // !kFixed: absolute position of each row's next byte
  int64_t stride = 0;  // kFixed: encoding width
  int64_t key_offset = 0;

  uint8_t* at(int64_t r) const {
    if constexpr (kFixed) {
      return base + r * stride + key_offset;
    } else {
      return base + pos[r];
    }
  }
  void Advance(int64_t r, int64_t n) {
    if constexpr (!kFixed) pos[r] += static_cast<uint64_t>(n);
  }
  // After a fixed-width key part written for every row.
  void AdvanceAll(int64_t rows, int64_t n) {
    if constexpr (kFixed) {
      key_offset += n;
    } else {
      for (int64_t r = 0; r < rows; ++r) pos[r] += static_cast<uint64_t>(n);
    }
  }
};

template <typename T, typename Bits, bool kFixed, typename Store>
void EncodeFixed(const Column& c, int64_t rows, uint64_t mask, Cursor<kFixed>& cur, Store store) {
  const T* v = c.data<T>();
  if (c.null_count() == 0) {
    for (int64_t r = 0; r < rows; ++r)
      store(cur.at(r), static_cast<Bits>(OrderedBits(v[r]) ^ mask));
  } else {
    for (int64_t r = 0; r < rows; ++r) {
      store(cur.at(r), c.IsValid(r) ? static_cast<Bits>(OrderedBits(v[r]) ^ mask) : Bits{0});
    }
  }
}

template <bool kFixed>
void EncodeColumn(const SortKeyEncoder::Key& key, const Column& c, int64_t rows,
                  const EncodedKeys* nested, Cursor<kFixed>& cur) {
  const bool has_nulls = c.null_count() > 0;
  if (key.null_byte) {
    const uint8_t valid_byte = key.nulls_first ? 1 : 0;
    const uint8_t null_byte = key.nulls_first ? 0 : 1;
    if (!has_nulls) {
      for (int64_t r = 0; r < rows; ++r) *cur.at(r) = valid_byte;
    } else {
      for (int64_t r = 0; r < rows; ++r) *cur.at(r) = c.IsValid(r) ? valid_byte : null_byte;
    }
    cur.AdvanceAll(rows, 1);
  }
  const uint64_t mask = key.descending ? ~uint64_t{0} : 0;
  auto store64 = [](uint8_t* p, uint64_t x) { StoreBigEndian64(p, x); };
  auto store32 = [](uint8_t* p, uint32_t x) { StoreBigEndian32(p, x); };
  switch (c.type_id()) {
    case TypeId::kNull:
      return;
    case TypeId::kBool:
      for (int64_t r = 0; r < rows; ++r) {
        uint8_t b = 0;
        if (!has_nulls || c.IsValid(r)) b = static_cast<uint8_t>((c.GetBool(r) ? 1 : 0) ^ mask);
        *cur.at(r) = b;
      }
      cur.AdvanceAll(rows, 1);
      return;
    case TypeId::kInt32:
    case TypeId::kDate:
      EncodeFixed<int32_t, uint32_t>(c, rows, mask, cur, store32);
      cur.AdvanceAll(rows, 4);
      return;
    case TypeId::kFloat32:
      EncodeFixed<float, uint32_t>(c, rows, mask, cur, store32);
      cur.AdvanceAll(rows, 4);
      return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      EncodeFixed<int64_t, uint64_t>(c, rows, mask, cur, store64);
      cur.AdvanceAll(rows, 8);
      return;
    case TypeId::kFloat64:
      EncodeFixed<double, uint64_t>(c, rows, mask, cur, store64);
      cur.AdvanceAll(rows, 8);
      return;
    case TypeId::kInterval: {
      const IntervalValue* v = c.data<IntervalValue>();
      for (int64_t r = 0; r < rows; ++r) {
        if (!has_nulls || c.IsValid(r)) {
          StoreOrderedInterval(cur.at(r), v[r], mask);
        } else {
          std::memset(cur.at(r), 0, 16);
        }
      }
      cur.AdvanceAll(rows, 16);
      return;
    }
    case TypeId::kString:
    case TypeId::kBinary:
      if constexpr (!kFixed) {
        for (int64_t r = 0; r < rows; ++r) {
          if (has_nulls && c.IsNull(r)) continue;
          uint8_t* start = cur.at(r);
          uint8_t* end = WriteEscaped(start, c.GetView(r));
          if (mask) {
            for (uint8_t* p = start; p < end; ++p) *p = static_cast<uint8_t>(~*p);
          }
          cur.Advance(r, end - start);
        }
      }
      return;
    case TypeId::kList:
    case TypeId::kStruct:
      if constexpr (!kFixed) {
        for (int64_t r = 0; r < rows; ++r) {
          size_t n = nested->size(r);
          uint8_t* start = cur.at(r);
          std::memcpy(start, nested->key(r), n);
          if (mask) {
            for (size_t i = 0; i < n; ++i) start[i] = static_cast<uint8_t>(~start[i]);
          }
          cur.Advance(r, static_cast<int64_t>(n));
        }
      }
      return;
  }
}

struct SortEntry {
  uint64_t prefix;
  uint64_t row;
};

// Stable LSD radix sort of entries by the `width` most significant bytes of their prefix (the
// rest are zero). Passes where every entry has the same byte are skipped. Small inputs use
// std::sort on (prefix, row), which is the same order.
void RadixSortByPrefix(std::vector<SortEntry>* entries, int width) {
  const size_t n = entries->size();
  if (n < 2048) {
    std::sort(entries->begin(), entries->end(), [](const SortEntry& a, const SortEntry& b) {
      return a.prefix < b.prefix || (a.prefix == b.prefix && a.row < b.row);
    });
    return;
  }
  std::vector<SortEntry> scratch(n);
  SortEntry* src = entries->data();
  SortEntry* dst = scratch.data();
  std::vector<size_t> counts(256);
  for (int byte = 0; byte < width; ++byte) {
    const int shift = 8 * (8 - width + byte);  // least significant used byte first
    std::fill(counts.begin(), counts.end(), 0);
    for (size_t i = 0; i < n; ++i) ++counts[(src[i].prefix >> shift) & 0xff];
    if (counts[(src[0].prefix >> shift) & 0xff] == n) continue;  // one bucket: nothing to do
    size_t sum = 0;
    for (size_t& c : counts) {
      size_t t = c;
      c = sum;
      sum += t;
    }
    for (size_t i = 0; i < n; ++i) dst[counts[(src[i].prefix >> shift) & 0xff]++] = src[i];
    std::swap(src, dst);
  }
  if (src != entries->data()) std::copy(src, src + n, entries->data());
}

}  // namespace

SortKeyEncoder::SortKeyEncoder(std::vector<Key> keys) : keys_(std::move(keys)) {
  int64_t width = 0;
  for (const auto& k : keys_) {
    int64_t w = FixedValueWidth(k.type.id());
    if (w < 0) {
      width = 0;
      break;
    }
    width += w + (k.null_byte ? 1 : 0);
  }
  fixed_width_ = width;
}

void SortKeyEncoder::Encode(std::span<const ColumnPtr> columns, int64_t rows,
                            EncodedKeys* out) const {
  ARK_CHECK(columns.size() == keys_.size(), "one column per sort key");
  if (rows <= 0) return;
  const size_t base = out->bytes.size();
  const size_t first = out->offsets.size();
  out->offsets.resize(first + static_cast<size_t>(rows));
  uint64_t* offsets = out->offsets.data() + first;  // offsets[r]: end of row r

  if (fixed_width_ > 0 || keys_.empty()) {
    const int64_t w = fixed_width_;
    for (int64_t r = 0; r < rows; ++r) offsets[r] = base + static_cast<uint64_t>((r + 1) * w);
    out->bytes.resize(base + static_cast<size_t>(rows * w));
    Cursor<true> cur{out->bytes.data(), nullptr, w, static_cast<int64_t>(base)};
    for (size_t k = 0; k < keys_.size(); ++k) {
      EncodeColumn<true>(keys_[k], *columns[k], rows, nullptr, cur);
    }
    return;
  }

  // Variable width: sizes first, then every key writes at its rows' cursors.
  std::vector<EncodedKeys> nested(keys_.size());
  std::vector<uint64_t> pos(static_cast<size_t>(rows), 0);
  for (size_t k = 0; k < keys_.size(); ++k) {
    const Key& key = keys_[k];
    const Column& c = *columns[k];
    const uint64_t nb = key.null_byte ? 1 : 0;
    int64_t w = FixedValueWidth(key.type.id());
    if (w >= 0) {
      for (int64_t r = 0; r < rows; ++r) pos[r] += nb + static_cast<uint64_t>(w);
    } else if (key.type.is_binary_like()) {
      for (int64_t r = 0; r < rows; ++r) {
        pos[r] += nb + (c.IsValid(r) ? EscapedSize(c.GetView(r)) : 0);
      }
    } else {
      EncodedKeys& enc = nested[k];
      for (int64_t r = 0; r < rows; ++r) {
        if (c.IsValid(r)) AppendValueSlow(c, r, &enc.bytes);
        enc.offsets.push_back(enc.bytes.size());
        pos[r] += nb + enc.size(r);
      }
    }
  }
  uint64_t end = base;
  for (int64_t r = 0; r < rows; ++r) {
    uint64_t size = pos[r];
    pos[r] = end;
    end += size;
    offsets[r] = end;
  }
  out->bytes.resize(end);
  Cursor<false> cur{out->bytes.data(), pos.data()};
  for (size_t k = 0; k < keys_.size(); ++k) {
    EncodeColumn<false>(keys_[k], *columns[k], rows, &nested[k], cur);
  }
}

uint64_t SortKeyPrefix(const uint8_t* key, size_t size) {
  if (size == 0) return 0;
  uint64_t v = 0;
  std::memcpy(&v, key, std::min<size_t>(size, 8));
  return __builtin_bswap64(v);
}

int CompareSortKeyTails(const uint8_t* a, size_t a_size, const uint8_t* b, size_t b_size) {
  // Equal prefixes and one key within 8 bytes: prefix-freeness makes the keys equal.
  if (a_size <= 8 || b_size <= 8) return 0;
  size_t n = std::min(a_size, b_size) - 8;
  int c = std::memcmp(a + 8, b + 8, n);
  if (c != 0) return c;
  return a_size < b_size ? -1 : (a_size > b_size ? 1 : 0);
}

std::string SortKeysToString(std::span<const SortKey> keys, const Schema& schema) {
  std::vector<std::string> names = schema.names();
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ", ";
    out += keys[i].expr->ToString(&names);
    if (keys[i].descending) out += " DESC";
    if (keys[i].nulls_first != keys[i].descending) {
      out += keys[i].nulls_first ? " NULLS FIRST" : " NULLS LAST";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

SortOperator::SortOperator(std::vector<SortKey> keys, SchemaPtr schema, const KernelContext* ctx)
    : Operator(std::move(schema)), keys_(std::move(keys)), ctx_(ctx) {}

Status SortOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  (void)out;
  if (port != 0) return Status::Internal("Sort has one input, got a batch on port {}", port);
  if (batch.num_rows() == 0) return Status::OK();
  ARK_RETURN_IF_ERROR(CheckInputColumns("Sort", batch, *output_schema_));
  if (ctx_ != nullptr) eval_.context() = *ctx_;
  std::vector<ColumnPtr> cols;
  cols.reserve(keys_.size());
  for (const auto& k : keys_) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, EvaluateKeyColumn(eval_, *k.expr, batch));
    if (c->type() != keys_[cols.size()].expr->type) {
      return Status::Internal("sort key {} evaluated to {}, expected {}", cols.size(),
                              c->type().ToString(), k.expr->type.ToString());
    }
    if (k.expr->kind != BoundExprKind::kColumn) bytes_ += c->ByteSize();
    cols.push_back(std::move(c));
  }
  bytes_ += batch.ByteSize();
  rows_ += batch.num_rows();
  batches_.push_back(batch);
  key_cols_.push_back(std::move(cols));
  return Status::OK();
}

Status SortOperator::Finish(int port, std::vector<Batch>* out) {
  if (port != 0) return Status::Internal("Sort has one input, got Finish on port {}", port);
  if (rows_ == 0) return Status::OK();
  if (rows_ > static_cast<int64_t>(UINT32_MAX) ||
      batches_.size() > static_cast<size_t>(UINT32_MAX)) {
    return Status::ResourceExhausted("Sort: {} rows exceed the 4294967295 rows one sort can hold",
                                     rows_);
  }

  std::vector<SortKeyEncoder::Key> descs;
  for (size_t k = 0; k < keys_.size(); ++k) {
    bool any_null = false;
    for (const auto& cols : key_cols_) any_null |= cols[k]->null_count() > 0;
    descs.push_back({keys_[k].expr->type, keys_[k].descending, keys_[k].nulls_first, any_null});
  }
  SortKeyEncoder encoder(std::move(descs));
  EncodedKeys keys;
  if (encoder.fixed_width() > 0) {
    keys.bytes.reserve(static_cast<size_t>(rows_ * encoder.fixed_width()));
  }
  keys.offsets.reserve(static_cast<size_t>(rows_) + 1);
  std::vector<uint64_t> chunk_base;  // global index of each batch's first row
  for (size_t b = 0; b < batches_.size(); ++b) {
    chunk_base.push_back(static_cast<uint64_t>(keys.rows()));
    encoder.Encode(key_cols_[b], batches_[b].num_rows(), &keys);
  }
  key_cols_.clear();

  // Entries carry the key prefix inline and the row as (batch << 32 | row in batch), which is
  // ascending in input order and so breaks ties (stability).
  std::vector<SortEntry> entries(static_cast<size_t>(rows_));
  for (size_t b = 0, g = 0; b < batches_.size(); ++b) {
    const int64_t n = batches_[b].num_rows();
    for (int64_t r = 0; r < n; ++r, ++g) {
      entries[g] = {
          SortKeyPrefix(keys.key(static_cast<int64_t>(g)), keys.size(static_cast<int64_t>(g))),
          (uint64_t{b} << 32) | static_cast<uint64_t>(r)};
    }
  }
  const int64_t w = encoder.fixed_width();
  if (w > 0 && w <= 8) {
    // The prefix is the whole key: a stable radix sort on its w significant bytes.
    RadixSortByPrefix(&entries, static_cast<int>(w));
  } else {
    auto global = [&chunk_base](uint64_t ref) {
      return static_cast<int64_t>(chunk_base[ref >> 32] + (ref & 0xffffffffu));
    };
    std::sort(
        entries.begin(), entries.end(), [&keys, &global](const SortEntry& a, const SortEntry& b) {
          if (a.prefix != b.prefix) return a.prefix < b.prefix;
          const int64_t ga = global(a.row), gb = global(b.row);
          int c = CompareSortKeyTails(keys.key(ga), keys.size(ga), keys.key(gb), keys.size(gb));
          return c < 0 || (c == 0 && a.row < b.row);
        });
  }
  keys = EncodedKeys();

  std::vector<ChunkRow> rows;
  rows.reserve(static_cast<size_t>(std::min<int64_t>(rows_, kOutputBatchRows)));
  for (int64_t start = 0; start < rows_; start += kOutputBatchRows) {
    int64_t n = std::min<int64_t>(kOutputBatchRows, rows_ - start);
    rows.clear();
    for (int64_t i = start; i < start + n; ++i) {
      rows.push_back({static_cast<uint32_t>(entries[i].row >> 32),
                      static_cast<uint32_t>(entries[i].row & 0xffffffffu)});
    }
    ARK_ASSIGN_OR_RETURN(Batch b, GatherBatchChunks(batches_, rows, output_schema_));
    out->push_back(std::move(b));
  }
  Reset();
  return Status::OK();
}

void SortOperator::Reset() {
  batches_.clear();
  key_cols_.clear();
  rows_ = 0;
  bytes_ = 0;
}

std::string SortOperator::Explain() const {
  return "Sort keys=[" + SortKeysToString(keys_, *output_schema_) + "]";
}

size_t SortOperator::StateBytes() const { return bytes_; }

}  // namespace ark::sql
