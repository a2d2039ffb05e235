#include "sql/operators/key_encoder.h"

#include <absl/container/flat_hash_map.h>

#include <cmath>
#include <cstring>
#include <limits>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "sql/operators/gather.h"

namespace ark::sql {

uint64_t MixHash64(uint64_t x) {
  // One 64×64→128 multiply folded back to 64 bits (the mixer abseil uses): every input bit
  // reaches both the low 7 bits (absl's H2) and the high bits (H1).
  unsigned __int128 p =
      static_cast<unsigned __int128>(x ^ 0x243F6A8885A308D3ull) * 0x9E3779B97F4A7C15ull;
  return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
}

namespace {

constexpr uint64_t kMaskMultiplier = 0xC2B2AE3D27D4EB4Full;
constexpr uint64_t kNullBytesHash = 0x9AE16A3B2F90404Full;

inline uint64_t HashFixed64(uint64_t word, uint16_t mask) {
  return MixHash64(word + mask * kMaskMultiplier);
}
inline uint64_t HashFixed128(const Key128& k, uint16_t mask) {
  return MixHash64((k.lo + mask * kMaskMultiplier) ^ MixHash64(k.hi ^ 0x452821E638D01377ull));
}
inline uint64_t HashBytes(std::string_view v) { return XXH3_64bits(v.data(), v.size()); }

// Bytes a key of this type takes in a packed fixed-width word; -1 for variable-width types.
int FixedKeyWidth(TypeId id) {
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

// SQL equality on floats: -0.0 = 0.0 and NaN = NaN.
template <typename T>
inline T NormalizeFloat(T v) {
  if (v == 0) return T{0};
  if (std::isnan(v)) return std::numeric_limits<T>::quiet_NaN();
  return v;
}

template <typename T>
inline T LoadNormalized(const Column& c, int64_t i) {
  T v = c.data<T>()[i];
  if constexpr (std::is_floating_point_v<T>) v = NormalizeFloat(v);
  return v;
}

// SQL equality on intervals (PostgreSQL's `=`): by their span with 30-day months, so the key is
// the span in nanoseconds and comes back as days + nanoseconds ('1 mon' → '30 days').
constexpr __int128 kNanosPerDay = __int128{86400} * 1000000000;
inline __int128 IntervalSpan(const IntervalValue& v) {
  return (__int128{v.months} * 30 + v.days) * kNanosPerDay + v.nanos;
}
inline IntervalValue IntervalFromSpan(__int128 span) {
  return IntervalValue{0, static_cast<int32_t>(span / kNanosPerDay),
                       static_cast<int64_t>(span % kNanosPerDay)};
}

// ---- the variable-length encoding -------------------------------------------------------------

size_t EncodedValueSize(const Column& c, int64_t i) {
  if (c.IsNull(i)) return 1;
  switch (c.type_id()) {
    case TypeId::kNull:
      return 1;
    case TypeId::kBool:
      return 2;
    case TypeId::kString:
    case TypeId::kBinary:
      return 5 + c.GetView(i).size();
    case TypeId::kList: {
      size_t n = 5;
      const Column& child = *c.list_values();
      int64_t start = c.list_start(i), len = c.list_length(i);
      for (int64_t j = 0; j < len; ++j) n += EncodedValueSize(child, start + j);
      return n;
    }
    case TypeId::kStruct: {
      size_t n = 1;
      for (const ColumnPtr& f : c.children()) n += EncodedValueSize(*f, c.offset() + i);
      return n;
    }
    default:
      return 1 + static_cast<size_t>(FixedKeyWidth(c.type_id()));
  }
}

template <typename T>
inline void PutRaw(char*& p, T v) {
  std::memcpy(p, &v, sizeof(T));
  p += sizeof(T);
}

void WriteValue(const Column& c, int64_t i, char*& p) {
  if (c.IsNull(i)) {
    *p++ = 0;
    return;
  }
  *p++ = 1;
  switch (c.type_id()) {
    case TypeId::kNull:
      p[-1] = 0;
      break;
    case TypeId::kBool:
      *p++ = c.GetBool(i) ? 1 : 0;
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      PutRaw(p, c.data<int32_t>()[i]);
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      PutRaw(p, c.data<int64_t>()[i]);
      break;
    case TypeId::kFloat32:
      PutRaw(p, LoadNormalized<float>(c, i));
      break;
    case TypeId::kFloat64:
      PutRaw(p, LoadNormalized<double>(c, i));
      break;
    case TypeId::kInterval:
      PutRaw(p, IntervalSpan(c.data<IntervalValue>()[i]));
      break;
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string_view v = c.GetView(i);
      PutRaw(p, static_cast<uint32_t>(v.size()));
      if (!v.empty()) std::memcpy(p, v.data(), v.size());
      p += v.size();
      break;
    }
    case TypeId::kList: {
      const Column& child = *c.list_values();
      int64_t start = c.list_start(i), len = c.list_length(i);
      PutRaw(p, static_cast<uint32_t>(len));
      for (int64_t j = 0; j < len; ++j) WriteValue(child, start + j, p);
      break;
    }
    case TypeId::kStruct:
      for (const ColumnPtr& f : c.children()) WriteValue(*f, c.offset() + i, p);
      break;
  }
}

template <typename T>
inline T GetRaw(const char*& p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  p += sizeof(T);
  return v;
}

void DecodeValue(const char*& p, const DataType& type, ColumnBuilder& b) {
  if (*p++ == 0) {
    b.AppendNull();
    return;
  }
  switch (type.id()) {
    case TypeId::kNull:
      b.AppendNull();
      break;
    case TypeId::kBool:
      static_cast<BoolBuilder&>(b).Append(*p++ != 0);
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      static_cast<Int32Builder&>(b).Append(GetRaw<int32_t>(p));
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      static_cast<Int64Builder&>(b).Append(GetRaw<int64_t>(p));
      break;
    case TypeId::kFloat32:
      static_cast<Float32Builder&>(b).Append(GetRaw<float>(p));
      break;
    case TypeId::kFloat64:
      static_cast<Float64Builder&>(b).Append(GetRaw<double>(p));
      break;
    case TypeId::kInterval:
      static_cast<IntervalBuilder&>(b).Append(IntervalFromSpan(GetRaw<__int128>(p)));
      break;
    case TypeId::kString:
    case TypeId::kBinary: {
      uint32_t n = GetRaw<uint32_t>(p);
      static_cast<BinaryBuilder&>(b).Append(std::string_view(p, n));
      p += n;
      break;
    }
    case TypeId::kList: {
      auto& lb = static_cast<ListBuilder&>(b);
      uint32_t n = GetRaw<uint32_t>(p);
      lb.Append();
      for (uint32_t j = 0; j < n; ++j) DecodeValue(p, type.element(), lb.values());
      break;
    }
    case TypeId::kStruct: {
      auto& sb = static_cast<StructBuilder&>(b);
      const auto& fields = type.fields();
      for (size_t k = 0; k < fields.size(); ++k) {
        DecodeValue(p, fields[k].type, sb.field(static_cast<int>(k)));
      }
      sb.Append();
      break;
    }
  }
}

// Appends the fixed-width key stored at `bytes` (already known to be non-NULL).
void DecodePacked(const uint8_t* bytes, const DataType& type, ColumnBuilder& b) {
  switch (type.id()) {
    case TypeId::kNull:
      b.AppendNull();
      break;
    case TypeId::kBool:
      static_cast<BoolBuilder&>(b).Append(bytes[0] != 0);
      break;
    case TypeId::kInt32:
    case TypeId::kDate: {
      int32_t v;
      std::memcpy(&v, bytes, 4);
      static_cast<Int32Builder&>(b).Append(v);
      break;
    }
    case TypeId::kFloat32: {
      float v;
      std::memcpy(&v, bytes, 4);
      static_cast<Float32Builder&>(b).Append(v);
      break;
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp: {
      int64_t v;
      std::memcpy(&v, bytes, 8);
      static_cast<Int64Builder&>(b).Append(v);
      break;
    }
    case TypeId::kFloat64: {
      double v;
      std::memcpy(&v, bytes, 8);
      static_cast<Float64Builder&>(b).Append(v);
      break;
    }
    case TypeId::kInterval: {
      __int128 span;
      std::memcpy(&span, bytes, 16);
      static_cast<IntervalBuilder&>(b).Append(IntervalFromSpan(span));
      break;
    }
    default:
      ARK_CHECK(false, "not a fixed-width key type");
  }
}

// Packs the values of one fixed-width key column into `words` (stride bytes apart) at `offset`.
template <typename T>
void PackColumn(const Column& c, int64_t rows, uint8_t* words, size_t stride, int offset) {
  const T* data = c.data<T>();
  uint8_t* out = words + offset;
  for (int64_t r = 0; r < rows; ++r, out += stride) {
    if constexpr (std::is_same_v<T, IntervalValue>) {
      const __int128 span = IntervalSpan(data[r]);
      std::memcpy(out, &span, sizeof(span));
    } else {
      T v = data[r];
      if constexpr (std::is_floating_point_v<T>) v = NormalizeFloat(v);
      std::memcpy(out, &v, sizeof(T));
    }
  }
}

// Block allocator for stored key bytes: pointers stay valid until Clear().
class ByteArena {
 public:
  char* Copy(std::string_view v) {
    if (v.size() > remaining_) NewBlock(v.size());
    char* p = cursor_;
    if (!v.empty()) std::memcpy(p, v.data(), v.size());
    cursor_ += v.size();
    remaining_ -= v.size();
    return p;
  }
  size_t bytes() const { return allocated_; }
  void Clear() {
    blocks_.clear();
    cursor_ = nullptr;
    remaining_ = 0;
    allocated_ = 0;
  }

 private:
  void NewBlock(size_t min) {
    size_t size =
        std::max<size_t>(min, std::min<size_t>(kMaxBlock, std::max(kMinBlock, allocated_)));
    blocks_.push_back(std::make_unique<char[]>(size));
    cursor_ = blocks_.back().get();
    remaining_ = size;
    allocated_ += size;
  }
  static constexpr size_t kMinBlock = 4096;
  static constexpr size_t kMaxBlock = 1 << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cursor_ = nullptr;
  size_t remaining_ = 0;
  size_t allocated_ = 0;
};

}  // namespace

// ---- KeyEncoder ---------------------------------------------------------------------------------

KeyEncoder::KeyEncoder(std::vector<DataType> key_types, std::vector<NullEquality> null_equality)
    : key_types_(std::move(key_types)), null_equality_(std::move(null_equality)) {
  if (null_equality_.empty()) null_equality_.assign(key_types_.size(), NullEquality::kNullsEqual);
  ARK_CHECK(null_equality_.size() == key_types_.size(), "one NullEquality per key");
  if (key_types_.size() == 1 && key_types_[0].is_binary_like()) {
    layout_ = KeyLayout::kBytes;
    return;
  }
  int total = 0;
  bool all_fixed = key_types_.size() <= 16;
  for (const DataType& t : key_types_) {
    int w = FixedKeyWidth(t.id());
    if (w < 0) all_fixed = false;
    byte_offsets_.push_back(total);
    byte_widths_.push_back(w);
    total += std::max(w, 0);
  }
  if (all_fixed && total <= 8) {
    layout_ = KeyLayout::kFixed64;
  } else if (all_fixed && total <= 16) {
    layout_ = KeyLayout::kFixed128;
  } else {
    layout_ = KeyLayout::kVariable;
    byte_offsets_.clear();
    byte_widths_.clear();
  }
}

size_t KeyEncoder::MemoryBytes() const {
  return hashes_.capacity() * 8 + fixed64_.capacity() * 8 + fixed128_.capacity() * 16 +
         views_.capacity() * sizeof(std::string_view) + null_masks_.capacity() * 2 +
         unmatchable_.capacity() + sizes_.capacity() * 4 + buffer_.capacity();
}

void KeyEncoder::FreeScratch() {
  // Swapping with empty vectors frees the capacity (assigning {} would keep it).
  std::vector<uint64_t>().swap(hashes_);
  std::vector<uint64_t>().swap(fixed64_);
  std::vector<Key128>().swap(fixed128_);
  std::vector<std::string_view>().swap(views_);
  std::vector<uint16_t>().swap(null_masks_);
  std::vector<uint8_t>().swap(unmatchable_);
  std::vector<uint32_t>().swap(sizes_);
  std::vector<char>().swap(buffer_);
}

Status KeyEncoder::CheckColumns(std::span<const ColumnPtr> keys, int64_t rows) const {
  if (keys.size() != key_types_.size()) {
    return Status::Internal("key encoder expects {} key columns, got {}", key_types_.size(),
                            keys.size());
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    if (keys[k]->type() != key_types_[k]) {
      return Status::Internal("key column {} has type {}, expected {}", k,
                              keys[k]->type().ToString(), key_types_[k].ToString());
    }
    if (keys[k]->length() < rows) {
      return Status::Internal("key column {} has {} rows, expected at least {}", k,
                              keys[k]->length(), rows);
    }
  }
  return Status::OK();
}

Result<NormalizedKeys> KeyEncoder::Encode(std::span<const ColumnPtr> keys, int64_t rows,
                                          bool with_hashes) {
  ARK_RETURN_IF_ERROR(CheckColumns(keys, rows));
  NormalizedKeys out;
  out.layout = layout_;
  out.rows = rows;
  size_t n = static_cast<size_t>(rows);
  const bool fixed = layout_ == KeyLayout::kFixed64 || layout_ == KeyLayout::kFixed128;
  if ((with_hashes || !fixed) && hashes_.size() < n) hashes_.resize(n);
  out.hashes = hashes_.data();
  if (layout_ == KeyLayout::kVariable) {
    EncodeVariable(keys, rows, &out);
  } else if (layout_ == KeyLayout::kBytes) {
    if (views_.size() < n) views_.resize(n);
    const Column& c = *keys[0];
    const int32_t* offsets = c.offsets();
    const char* data = c.string_data();
    for (int64_t r = 0; r < rows; ++r) {
      views_[r] =
          std::string_view(data + offsets[r], static_cast<size_t>(offsets[r + 1] - offsets[r]));
      hashes_[r] = HashBytes(views_[r]);
    }
    if (c.has_nulls()) {
      if (null_masks_.size() < n) null_masks_.resize(n);
      for (int64_t r = 0; r < rows; ++r) {
        bool null = c.IsNull(r);
        null_masks_[r] = null ? 1 : 0;
        if (null) {
          views_[r] = std::string_view();
          hashes_[r] = kNullBytesHash;
        }
      }
      out.null_masks = null_masks_.data();
    }
    out.bytes = views_.data();
  } else {
    EncodeFixed(keys, rows, with_hashes, &out);
  }
  ComputeUnmatchable(keys, rows, &out);
  return out;
}

void KeyEncoder::EncodeFixed(std::span<const ColumnPtr> keys, int64_t rows, bool with_hashes,
                             NormalizedKeys* out) {
  size_t n = static_cast<size_t>(rows);
  bool any_nulls = false;
  for (const ColumnPtr& c : keys) any_nulls |= c->null_count() > 0;
  const bool wide = layout_ == KeyLayout::kFixed128;

  // One int64-like key without NULLs: the column's own values are the packed keys.
  if (!wide && !any_nulls && keys.size() == 1 &&
      (key_types_[0].id() == TypeId::kInt64 || key_types_[0].id() == TypeId::kTimestamp)) {
    const uint64_t* words = reinterpret_cast<const uint64_t*>(keys[0]->data<int64_t>());
    if (with_hashes) {
      for (int64_t r = 0; r < rows; ++r) hashes_[r] = MixHash64(words[r]);
    } else {
      out->hashes = nullptr;
    }
    out->fixed64 = words;
    return;
  }

  uint8_t* words;
  size_t stride;
  if (wide) {
    if (fixed128_.size() < n) fixed128_.resize(n);
    std::memset(static_cast<void*>(fixed128_.data()), 0, n * sizeof(Key128));
    words = reinterpret_cast<uint8_t*>(fixed128_.data());
    stride = sizeof(Key128);
  } else {
    if (fixed64_.size() < n) fixed64_.resize(n);
    std::memset(fixed64_.data(), 0, n * sizeof(uint64_t));
    words = reinterpret_cast<uint8_t*>(fixed64_.data());
    stride = sizeof(uint64_t);
  }
  if (any_nulls) {
    if (null_masks_.size() < n) null_masks_.resize(n);
    std::memset(null_masks_.data(), 0, n * sizeof(uint16_t));
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    const Column& c = *keys[k];
    int off = byte_offsets_[k];
    switch (c.type_id()) {
      case TypeId::kNull:
        break;
      case TypeId::kBool: {
        uint8_t* o = words + off;
        for (int64_t r = 0; r < rows; ++r, o += stride) *o = c.GetBool(r) ? 1 : 0;
        break;
      }
      case TypeId::kInt32:
      case TypeId::kDate:
        PackColumn<int32_t>(c, rows, words, stride, off);
        break;
      case TypeId::kFloat32:
        PackColumn<float>(c, rows, words, stride, off);
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        PackColumn<int64_t>(c, rows, words, stride, off);
        break;
      case TypeId::kFloat64:
        PackColumn<double>(c, rows, words, stride, off);
        break;
      case TypeId::kInterval:
        PackColumn<IntervalValue>(c, rows, words, stride, off);
        break;
      default:
        ARK_CHECK(false, "variable-width type in a fixed key layout");
    }
    if (c.null_count() > 0) {
      const uint16_t bit = static_cast<uint16_t>(1u << k);
      const int w = byte_widths_[k];
      for (int64_t r = 0; r < rows; ++r) {
        if (c.IsNull(r)) {
          null_masks_[r] |= bit;
          if (w > 0) std::memset(words + r * stride + off, 0, static_cast<size_t>(w));
        }
      }
    }
  }
  const uint16_t* masks = any_nulls ? null_masks_.data() : nullptr;
  if (!with_hashes) {
    out->hashes = nullptr;
  } else if (wide) {
    for (int64_t r = 0; r < rows; ++r) {
      hashes_[r] = HashFixed128(fixed128_[r], masks ? masks[r] : 0);
    }
  } else {
    for (int64_t r = 0; r < rows; ++r) hashes_[r] = HashFixed64(fixed64_[r], masks ? masks[r] : 0);
  }
  if (wide) {
    out->fixed128 = fixed128_.data();
  } else {
    out->fixed64 = fixed64_.data();
  }
  out->null_masks = masks;
}

void KeyEncoder::EncodeVariable(std::span<const ColumnPtr> keys, int64_t rows,
                                NormalizedKeys* out) {
  size_t n = static_cast<size_t>(rows);
  // Pass 1: the encoded size of every row, a column at a time.
  if (sizes_.size() < n) sizes_.resize(n);
  std::fill(sizes_.begin(), sizes_.begin() + rows, 0u);
  for (const ColumnPtr& col : keys) {
    const Column& c = *col;
    int w = FixedKeyWidth(c.type_id());
    if (c.type_id() == TypeId::kNull) {
      for (int64_t r = 0; r < rows; ++r) sizes_[r] += 1;
    } else if (w >= 0 || c.type_id() == TypeId::kBool) {
      uint32_t full = 1 + static_cast<uint32_t>(c.type_id() == TypeId::kBool ? 1 : w);
      if (c.null_count() == 0) {
        for (int64_t r = 0; r < rows; ++r) sizes_[r] += full;
      } else {
        for (int64_t r = 0; r < rows; ++r) sizes_[r] += c.IsValid(r) ? full : 1;
      }
    } else if (c.type().is_binary_like()) {
      const int32_t* o = c.offsets();
      for (int64_t r = 0; r < rows; ++r) {
        sizes_[r] += c.IsValid(r) ? 5 + static_cast<uint32_t>(o[r + 1] - o[r]) : 1;
      }
    } else {
      for (int64_t r = 0; r < rows; ++r) {
        sizes_[r] += static_cast<uint32_t>(EncodedValueSize(c, r));
      }
    }
  }
  size_t total = 0;
  for (int64_t r = 0; r < rows; ++r) total += sizes_[r];
  if (buffer_.size() < total) buffer_.resize(total);
  if (views_.size() < n) views_.resize(n);
  // Pass 2: write each key column into every row's slot; views_ track the write position.
  {
    char* base = buffer_.data();
    size_t pos = 0;
    for (int64_t r = 0; r < rows; ++r) {
      views_[r] = std::string_view(base + pos, 0);
      pos += sizes_[r];
    }
  }
  // The write cursor of row r is views_[r].data() + views_[r].size().
  auto cursor = [&](int64_t r) { return const_cast<char*>(views_[r].data()) + views_[r].size(); };
  auto advance = [&](int64_t r, char* p) {
    views_[r] = std::string_view(views_[r].data(), static_cast<size_t>(p - views_[r].data()));
  };
  for (const ColumnPtr& col : keys) {
    const Column& c = *col;
    for (int64_t r = 0; r < rows; ++r) {
      char* p = cursor(r);
      WriteValue(c, r, p);
      advance(r, p);
    }
  }
  for (int64_t r = 0; r < rows; ++r) hashes_[r] = HashBytes(views_[r]);
  out->bytes = views_.data();
}

void KeyEncoder::ComputeUnmatchable(std::span<const ColumnPtr> keys, int64_t rows,
                                    NormalizedKeys* out) {
  bool any = false;
  for (size_t k = 0; k < keys.size(); ++k) {
    if (null_equality_[k] != NullEquality::kNullsNeverEqual || keys[k]->null_count() == 0) {
      continue;
    }
    if (!any) {
      if (unmatchable_.size() < static_cast<size_t>(rows)) unmatchable_.resize(rows);
      std::memset(unmatchable_.data(), 0, static_cast<size_t>(rows));
      any = true;
    }
    const Column& c = *keys[k];
    for (int64_t r = 0; r < rows; ++r) unmatchable_[r] |= c.IsNull(r) ? 1 : 0;
  }
  out->unmatchable = any ? unmatchable_.data() : nullptr;
}

void KeyEncoder::DecodeFixed64(uint64_t word, uint16_t null_mask,
                               std::span<ColumnBuilder* const> builders) const {
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(&word);
  for (size_t k = 0; k < key_types_.size(); ++k) {
    if (null_mask & (1u << k)) {
      builders[k]->AppendNull();
    } else {
      DecodePacked(bytes + byte_offsets_[k], key_types_[k], *builders[k]);
    }
  }
}

void KeyEncoder::DecodeFixed128(const Key128& word, uint16_t null_mask,
                                std::span<ColumnBuilder* const> builders) const {
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(&word);
  for (size_t k = 0; k < key_types_.size(); ++k) {
    if (null_mask & (1u << k)) {
      builders[k]->AppendNull();
    } else {
      DecodePacked(bytes + byte_offsets_[k], key_types_[k], *builders[k]);
    }
  }
}

void KeyEncoder::DecodeBytes(std::string_view key, uint16_t null_mask,
                             std::span<ColumnBuilder* const> builders) const {
  if (layout_ == KeyLayout::kBytes) {
    if (null_mask) {
      builders[0]->AppendNull();
    } else {
      static_cast<BinaryBuilder*>(builders[0])->Append(key);
    }
    return;
  }
  const char* p = key.data();
  for (size_t k = 0; k < key_types_.size(); ++k) DecodeValue(p, key_types_[k], *builders[k]);
}

// ---- KeyTable -----------------------------------------------------------------------------------

namespace {

struct Fixed64Hasher {
  size_t operator()(uint64_t w) const { return MixHash64(w); }
};
struct Key128Hasher {
  size_t operator()(const Key128& k) const { return HashFixed128(k, 0); }
};
template <typename W>
struct MaskedKey {
  W word;
  uint16_t mask;
  friend bool operator==(const MaskedKey&, const MaskedKey&) = default;
};
struct MaskedKeyHasher {
  size_t operator()(const MaskedKey<uint64_t>& k) const { return HashFixed64(k.word, k.mask); }
  size_t operator()(const MaskedKey<Key128>& k) const { return HashFixed128(k.word, k.mask); }
};
// A key's bytes (in the arena once stored) with its hash, so rehashing never rereads the bytes.
struct StoredKey {
  const char* data;
  uint32_t size;
  uint64_t hash;
};
struct StoredKeyHasher {
  size_t operator()(const StoredKey& k) const { return k.hash; }
};
struct StoredKeyEq {
  bool operator()(const StoredKey& a, const StoredKey& b) const {
    return a.hash == b.hash && a.size == b.size &&
           (a.size == 0 || std::memcmp(a.data, b.data, a.size) == 0);
  }
};

template <typename Map>
size_t MapBytes(const Map& m) {
  return m.capacity() * (sizeof(typename Map::value_type) + 1);
}

}  // namespace

struct KeyTable::Maps {
  // kFixed64 / kFixed128: rows without NULL keys, and rows with some (keyed by the mask too).
  absl::flat_hash_map<uint64_t, int32_t, Fixed64Hasher> fixed64;
  absl::flat_hash_map<MaskedKey<uint64_t>, int32_t, MaskedKeyHasher> fixed64_nulls;
  absl::flat_hash_map<Key128, int32_t, Key128Hasher> fixed128;
  absl::flat_hash_map<MaskedKey<Key128>, int32_t, MaskedKeyHasher> fixed128_nulls;
  // kBytes / kVariable.
  absl::flat_hash_map<StoredKey, int32_t, StoredKeyHasher, StoredKeyEq> bytes;
  int32_t null_group = kNoGroup;  // kBytes: the NULL key

  // The key of every group, by id, for KeyColumns().
  std::vector<uint64_t> words64;
  std::vector<Key128> words128;
  std::vector<StoredKey> stored;
  std::vector<uint16_t> masks;
  ByteArena arena;
};

KeyTable::KeyTable(std::vector<DataType> key_types, std::vector<NullEquality> null_equality)
    : encoder_(std::move(key_types), std::move(null_equality)), maps_(std::make_unique<Maps>()) {}
KeyTable::~KeyTable() = default;
KeyTable::KeyTable(KeyTable&&) noexcept = default;
KeyTable& KeyTable::operator=(KeyTable&&) noexcept = default;

void KeyTable::Clear() {
  maps_ = std::make_unique<Maps>();
  group_count_ = 0;
  last_ = NormalizedKeys();
  encoder_.FreeScratch();
}

size_t KeyTable::MemoryBytes() const {
  const Maps& m = *maps_;
  return MapBytes(m.fixed64) + MapBytes(m.fixed64_nulls) + MapBytes(m.fixed128) +
         MapBytes(m.fixed128_nulls) + MapBytes(m.bytes) + m.words64.capacity() * 8 +
         m.words128.capacity() * 16 + m.stored.capacity() * sizeof(StoredKey) +
         m.masks.capacity() * 2 + m.arena.bytes() + encoder_.MemoryBytes();
}

Status KeyTable::FindOrInsert(std::span<const ColumnPtr> keys, int64_t rows, int32_t* group_ids) {
  return Lookup<true>(keys, rows, group_ids);
}

Status KeyTable::Find(std::span<const ColumnPtr> keys, int64_t rows, int32_t* group_ids) {
  return Lookup<false>(keys, rows, group_ids);
}

namespace {

// Once a map outgrows the caches, each probe is a cache miss: prefetching the slot of the row
// this far ahead overlaps the misses.
constexpr int64_t kPrefetchDistance = 16;
constexpr size_t kPrefetchMinEntries = 1 << 16;

// The fixed-width layouts share one loop; `W` is uint64_t or Key128.
template <bool kInsert, bool kPrefetch, typename W, typename Map, typename NullMap>
void LookupFixedLoop(const W* words, const uint16_t* masks, const uint8_t* unmatchable,
                     int64_t rows, Map& map, NullMap& null_map, std::vector<W>& stored_words,
                     std::vector<uint16_t>& stored_masks, uint32_t& count, int32_t* ids) {
  for (int64_t r = 0; r < rows; ++r) {
    if constexpr (kPrefetch) {
      if (r + kPrefetchDistance < rows) map.prefetch(words[r + kPrefetchDistance]);
    }
    if (unmatchable != nullptr && unmatchable[r]) {
      ids[r] = KeyTable::kNoGroup;
      continue;
    }
    const uint16_t mask = masks != nullptr ? masks[r] : 0;
    if (mask == 0) {
      if constexpr (kInsert) {
        auto [it, inserted] = map.try_emplace(words[r], static_cast<int32_t>(count));
        if (inserted) {
          stored_words.push_back(words[r]);
          stored_masks.push_back(0);
          ++count;
        }
        ids[r] = it->second;
      } else {
        auto it = map.find(words[r]);
        ids[r] = it == map.end() ? KeyTable::kNoGroup : it->second;
      }
    } else {
      MaskedKey<W> key{words[r], mask};
      if constexpr (kInsert) {
        auto [it, inserted] = null_map.try_emplace(key, static_cast<int32_t>(count));
        if (inserted) {
          stored_words.push_back(words[r]);
          stored_masks.push_back(mask);
          ++count;
        }
        ids[r] = it->second;
      } else {
        auto it = null_map.find(key);
        ids[r] = it == null_map.end() ? KeyTable::kNoGroup : it->second;
      }
    }
  }
}

template <bool kInsert, typename W, typename Map, typename NullMap>
void LookupFixed(const W* words, const uint16_t* masks, const uint8_t* unmatchable, int64_t rows,
                 Map& map, NullMap& null_map, std::vector<W>& stored_words,
                 std::vector<uint16_t>& stored_masks, uint32_t& count, int32_t* ids) {
  if (map.size() >= kPrefetchMinEntries) {
    LookupFixedLoop<kInsert, true>(words, masks, unmatchable, rows, map, null_map, stored_words,
                                   stored_masks, count, ids);
  } else {
    LookupFixedLoop<kInsert, false>(words, masks, unmatchable, rows, map, null_map, stored_words,
                                    stored_masks, count, ids);
  }
}

}  // namespace

template <bool kInsert>
Status KeyTable::Lookup(std::span<const ColumnPtr> keys, int64_t rows, int32_t* group_ids) {
  if constexpr (kInsert) {
    if (static_cast<int64_t>(group_count_) + rows > kMaxGroups) {
      return Status::ResourceExhausted("a hash table holds at most {} distinct keys", kMaxGroups);
    }
  }
  ARK_ASSIGN_OR_RETURN(last_, encoder_.Encode(keys, rows, /*with_hashes=*/false));
  const NormalizedKeys& e = last_;
  Maps& m = *maps_;
  switch (e.layout) {
    case KeyLayout::kFixed64:
      LookupFixed<kInsert>(e.fixed64, e.null_masks, e.unmatchable, rows, m.fixed64, m.fixed64_nulls,
                           m.words64, m.masks, group_count_, group_ids);
      break;
    case KeyLayout::kFixed128:
      LookupFixed<kInsert>(e.fixed128, e.null_masks, e.unmatchable, rows, m.fixed128,
                           m.fixed128_nulls, m.words128, m.masks, group_count_, group_ids);
      break;
    case KeyLayout::kBytes:
    case KeyLayout::kVariable: {
      const bool prefetch = m.bytes.size() >= kPrefetchMinEntries;
      for (int64_t r = 0; r < rows; ++r) {
        if (prefetch && r + kPrefetchDistance < rows) {
          const int64_t a = r + kPrefetchDistance;
          m.bytes.prefetch(
              StoredKey{e.bytes[a].data(), static_cast<uint32_t>(e.bytes[a].size()), e.hashes[a]});
        }
        if (e.unmatchable != nullptr && e.unmatchable[r]) {
          group_ids[r] = kNoGroup;
          continue;
        }
        if (e.null_masks != nullptr && e.null_masks[r]) {  // kBytes: the NULL key
          if constexpr (kInsert) {
            if (m.null_group == kNoGroup) {
              m.null_group = static_cast<int32_t>(group_count_++);
              m.stored.push_back(StoredKey{nullptr, 0, kNullBytesHash});
              m.masks.push_back(1);
            }
          }
          group_ids[r] = m.null_group;
          continue;
        }
        StoredKey probe{e.bytes[r].data(), static_cast<uint32_t>(e.bytes[r].size()), e.hashes[r]};
        if constexpr (kInsert) {
          auto it = m.bytes.lazy_emplace(probe, [&](const auto& construct) {
            StoredKey stored{m.arena.Copy(e.bytes[r]), probe.size, probe.hash};
            construct(stored, static_cast<int32_t>(group_count_));
            m.stored.push_back(stored);
            m.masks.push_back(0);
            ++group_count_;
          });
          group_ids[r] = it->second;
        } else {
          auto it = m.bytes.find(probe);
          group_ids[r] = it == m.bytes.end() ? kNoGroup : it->second;
        }
      }
      break;
    }
  }
  return Status::OK();
}

Result<KeyTable> KeyTable::Subset(std::span<const int64_t> keep) const {
  std::vector<ColumnPtr> kept;
  for (const ColumnPtr& all : KeyColumns(0, size())) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, GatherColumn(*all, keep));
    kept.push_back(std::move(c));
  }
  KeyTable table(encoder_.key_types(), encoder_.null_equality());
  const int64_t n = static_cast<int64_t>(keep.size());
  std::vector<int32_t> ids(static_cast<size_t>(n));
  if (n > 0) ARK_RETURN_IF_ERROR(table.FindOrInsert(kept, n, ids.data()));
  return table;
}

std::vector<ColumnPtr> KeyTable::KeyColumns(int64_t start, int64_t count) const {
  ARK_CHECK(start >= 0 && count >= 0 && start + count <= size(), "group range out of bounds");
  const std::vector<DataType>& types = encoder_.key_types();
  std::vector<std::unique_ptr<ColumnBuilder>> owned;
  std::vector<ColumnBuilder*> builders;
  for (const DataType& t : types) {
    owned.push_back(MakeBuilder(t));
    owned.back()->Reserve(count);
    builders.push_back(owned.back().get());
  }
  const Maps& m = *maps_;
  for (int64_t g = start; g < start + count; ++g) {
    switch (encoder_.layout()) {
      case KeyLayout::kFixed64:
        encoder_.DecodeFixed64(m.words64[g], m.masks[g], builders);
        break;
      case KeyLayout::kFixed128:
        encoder_.DecodeFixed128(m.words128[g], m.masks[g], builders);
        break;
      case KeyLayout::kBytes:
      case KeyLayout::kVariable:
        encoder_.DecodeBytes(std::string_view(m.stored[g].data, m.stored[g].size), m.masks[g],
                             builders);
        break;
    }
  }
  std::vector<ColumnPtr> out;
  out.reserve(types.size());
  for (auto& b : owned) out.push_back(b->Finish());
  return out;
}

}  // namespace ark::sql
