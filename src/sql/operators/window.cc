#include "sql/operators/window.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <map>
#include <optional>

#include "sql/expr/cast.h"
#include "sql/operators/gather.h"
#include "sql/operators/key_columns.h"
#include "sql/operators/sort.h"

namespace ark::sql {
namespace {

// ---- sorting ------------------------------------------------------------------------------------

SortKeyEncoder MakeSortEncoder(std::span<const ColumnPtr> columns, std::span<const SortKey> keys) {
  std::vector<SortKeyEncoder::Key> descs;
  for (size_t k = 0; k < keys.size(); ++k) {
    descs.push_back({columns[k]->type(), keys[k].descending, keys[k].nulls_first,
                     columns[k]->null_count() > 0});
  }
  return SortKeyEncoder(std::move(descs));
}

EncodedKeys EncodeSortKeys(std::span<const ColumnPtr> columns, std::span<const SortKey> keys,
                           int64_t rows) {
  EncodedKeys out;
  MakeSortEncoder(columns, keys).Encode(columns, rows, &out);
  return out;
}

// A row in sorted order: the first 16 bytes of its encoded key as two big-endian words.
struct SortEntry {
  uint64_t first;
  uint64_t second;
  int64_t row;
};

struct SortedEntries {
  std::vector<SortEntry> entries;
  bool short_keys = true;  // every key fits in 16 bytes: the words decide equality and order
};

// The stable sorted order of encoded keys: the two words compared inline (exact for keys of at
// most 16 bytes, as the encodings are prefix-free), the rest of longer keys on a tie, the row
// index last.
SortedEntries SortEncoded(const EncodedKeys& keys) {
  const int64_t n = keys.rows();
  SortedEntries out;
  out.entries.resize(static_cast<size_t>(n));
  for (int64_t r = 0; r < n; ++r) {
    const uint8_t* k = keys.key(r);
    const size_t size = keys.size(r);
    out.entries[r] = {SortKeyPrefix(k, size), size > 8 ? SortKeyPrefix(k + 8, size - 8) : 0, r};
    out.short_keys &= size <= 16;
  }
  if (out.short_keys) {
    std::sort(out.entries.begin(), out.entries.end(), [](const SortEntry& a, const SortEntry& b) {
      if (a.first != b.first) return a.first < b.first;
      if (a.second != b.second) return a.second < b.second;
      return a.row < b.row;
    });
  } else {
    std::sort(out.entries.begin(), out.entries.end(),
              [&keys](const SortEntry& a, const SortEntry& b) {
                if (a.first != b.first) return a.first < b.first;
                int c = CompareSortKeyTails(keys.key(a.row), keys.size(a.row), keys.key(b.row),
                                            keys.size(b.row));
                return c < 0 || (c == 0 && a.row < b.row);
              });
  }
  return out;
}

bool SameKey(const EncodedKeys& keys, int64_t a, int64_t b) {
  return keys.size(a) == keys.size(b) && std::memcmp(keys.key(a), keys.key(b), keys.size(a)) == 0;
}

// True when the first `width` bytes (1..16) of two short keys are equal.
bool SamePrefix(const SortEntry& a, const SortEntry& b, int64_t width) {
  if (width <= 8) {
    const int shift = static_cast<int>(64 - 8 * width);
    return (a.first >> shift) == (b.first >> shift);
  }
  const int shift = static_cast<int>(64 - 8 * (width - 8));
  return a.first == b.first && (a.second >> shift) == (b.second >> shift);
}

// ---- the sorted rows of one window --------------------------------------------------------------

struct Layout {
  std::vector<int64_t> order;         // sorted position → input row
  std::vector<int64_t> part_start;    // per sorted position: its partition's first position
  std::vector<int64_t> part_end;      // ... and one past its last
  std::vector<int64_t> group;         // per sorted position: global number of its peer group
  std::vector<int64_t> group_starts;  // first position of each peer group, then N
  std::vector<ColumnPtr> order_keys;  // the ORDER BY key columns in sorted order
};

Result<Layout> BuildLayout(ExpressionEvaluator& eval, const WindowCall& call, const Batch& input) {
  const int64_t n = input.num_rows();
  Layout L;
  ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> part,
                       EvaluateKeyColumns(eval, call.partition_by, input));
  std::vector<ColumnPtr> ord;
  for (const SortKey& k : call.order_by) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, EvaluateKeyColumn(eval, *k.expr, input));
    ord.push_back(std::move(c));
  }
  // Partition keys (in any fixed order: ascending) then the ORDER BY keys, encoded together.
  std::vector<SortKey> part_keys, all_keys;
  for (const auto& e : call.partition_by) {
    part_keys.push_back({e->Clone(), false, false});
    all_keys.push_back({e->Clone(), false, false});
  }
  for (const auto& k : call.order_by) {
    all_keys.push_back({k.expr->Clone(), k.descending, k.nulls_first});
  }
  std::vector<ColumnPtr> all = part;
  all.insert(all.end(), ord.begin(), ord.end());
  const EncodedKeys keys = EncodeSortKeys(all, all_keys, n);
  const SortedEntries sorted = SortEncoded(keys);
  L.order.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) L.order[i] = sorted.entries[i].row;

  // Partition boundaries: the partition part of the words when it has a fixed width that the
  // words hold, else the partition keys encoded on their own.
  const int64_t part_width = part.empty() ? 0 : MakeSortEncoder(part, part_keys).fixed_width();
  const bool part_in_words = sorted.short_keys && part_width > 0;
  EncodedKeys pk;
  if (!part.empty() && !part_in_words) pk = EncodeSortKeys(part, part_keys, n);
  auto new_partition = [&](int64_t i) {
    if (i == 0) return true;
    if (part.empty()) return false;
    if (part_in_words) return !SamePrefix(sorted.entries[i], sorted.entries[i - 1], part_width);
    return !SameKey(pk, L.order[i], L.order[i - 1]);
  };
  // Peers: the whole key (partition and order keys) equal.
  auto new_peer_group = [&](int64_t i) {
    if (sorted.short_keys) {
      return sorted.entries[i].first != sorted.entries[i - 1].first ||
             sorted.entries[i].second != sorted.entries[i - 1].second;
    }
    return !SameKey(keys, L.order[i], L.order[i - 1]);
  };

  L.part_start.resize(static_cast<size_t>(n));
  L.part_end.resize(static_cast<size_t>(n));
  L.group.resize(static_cast<size_t>(n));
  int64_t ps = 0;
  int64_t g = -1;
  for (int64_t i = 0; i < n; ++i) {
    const bool starts_partition = new_partition(i);
    if (starts_partition) {
      for (int64_t j = ps; j < i; ++j) L.part_end[j] = i;
      ps = i;
    }
    if (starts_partition || new_peer_group(i)) {
      ++g;
      L.group_starts.push_back(i);
    }
    L.part_start[i] = ps;
    L.group[i] = g;
  }
  for (int64_t j = ps; j < n; ++j) L.part_end[j] = n;
  L.group_starts.push_back(n);
  for (const ColumnPtr& c : ord) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr sorted_keys, GatherColumn(*c, L.order));
    L.order_keys.push_back(std::move(sorted_keys));
  }
  return L;
}

// A unique string per (PARTITION BY, ORDER BY), so calls over the same window share one sort.
std::string WindowKey(const WindowCall& call) {
  std::string key;
  for (const auto& e : call.partition_by) key += e->ToString() + ",";
  key += "|";
  for (const auto& k : call.order_by) {
    key += k.expr->ToString() + (k.descending ? " d" : " a") + (k.nulls_first ? "f," : "l,");
  }
  return key;
}

// ---- frames -------------------------------------------------------------------------------------

using Kind = WindowFrameBound::Kind;

// A RANGE offset frame needs the ORDER BY key as a number: int64 for integers, dates (days) and
// timestamps (µs); double for floats.
struct RangeKeys {
  bool is_float = false;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  const Column* column = nullptr;
};

Result<int64_t> IntOffset(const Value& v, TypeId key_type, std::string_view which) {
  if (v.type().id() == TypeId::kInterval) {
    const IntervalValue& iv = v.interval_value();
    if (iv.months != 0) {
      return Status::InvalidArgument("RANGE frame {} offset with months is not supported", which);
    }
    if (key_type == TypeId::kDate) {
      if (iv.nanos != 0) {
        return Status::InvalidArgument("RANGE frame {} offset for a date must be whole days",
                                       which);
      }
      return static_cast<int64_t>(iv.days);
    }
    if (key_type == TypeId::kTimestamp) {
      return int64_t{iv.days} * 86400000000 + iv.nanos / 1000;
    }
    return Status::TypeError(
        "RANGE frame {} offset of type interval needs a date or timestamp "
        "ORDER BY column",
        which);
  }
  if (key_type == TypeId::kTimestamp) {
    return Status::TypeError(
        "RANGE frame {} offset for a timestamp ORDER BY column must be an "
        "interval",
        which);
  }
  if (v.type().is_integer()) return v.int_value();
  if (v.type().is_floating()) {
    return Status::TypeError(
        "RANGE frame {} offset for an integer ORDER BY column must be an "
        "integer",
        which);
  }
  return Status::TypeError("RANGE frame {} offset has type {}", which, v.type().ToString());
}

Status CheckOffset(const WindowFrameBound& b, std::string_view which) {
  if (b.kind != Kind::kPreceding && b.kind != Kind::kFollowing) return Status::OK();
  const Value& v = b.offset;
  if (v.is_null()) return Status::InvalidArgument("frame {} offset must not be null", which);
  bool negative = false;
  if (v.type().is_integer()) {
    negative = v.int_value() < 0;
  } else if (v.type().is_floating()) {
    negative = v.float_value() < 0;
  } else if (v.type().id() == TypeId::kInterval) {
    const IntervalValue& iv = v.interval_value();
    negative = iv.months < 0 || iv.days < 0 || iv.nanos < 0;
  }
  if (negative) return Status::InvalidArgument("frame {} offset must not be negative", which);
  return Status::OK();
}

inline int64_t SatAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}

// Computes [fs[i], fe[i]) in sorted positions for every row (fe >= fs).
Status ComputeFrames(const WindowCall& call, const Layout& L, std::vector<int64_t>* fs,
                     std::vector<int64_t>* fe) {
  const int64_t n = static_cast<int64_t>(L.order.size());
  ARK_RETURN_IF_ERROR(CheckOffset(call.frame_start, "starting"));
  ARK_RETURN_IF_ERROR(CheckOffset(call.frame_end, "ending"));
  if (call.frame_start.kind == Kind::kUnboundedFollowing) {
    return Status::InvalidArgument("frame start cannot be UNBOUNDED FOLLOWING");
  }
  if (call.frame_end.kind == Kind::kUnboundedPreceding) {
    return Status::InvalidArgument("frame end cannot be UNBOUNDED PRECEDING");
  }
  fs->resize(static_cast<size_t>(n));
  fe->resize(static_cast<size_t>(n));
  const WindowFrameUnit unit = call.frame_unit;

  // RANGE with offsets: the single ORDER BY key as numbers.
  RangeKeys rk;
  const bool range_offsets =
      unit == WindowFrameUnit::kRange &&
      (call.frame_start.kind == Kind::kPreceding || call.frame_start.kind == Kind::kFollowing ||
       call.frame_end.kind == Kind::kPreceding || call.frame_end.kind == Kind::kFollowing);
  int64_t off_start_i = 0, off_end_i = 0;
  double off_start_f = 0, off_end_f = 0;
  bool descending = false;
  if (range_offsets) {
    if (L.order_keys.size() != 1) {
      return Status::InvalidArgument(
          "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column");
    }
    const Column& c = *L.order_keys[0];
    descending = call.order_by[0].descending;
    rk.column = &c;
    switch (c.type_id()) {
      case TypeId::kInt32:
      case TypeId::kDate:
        rk.ints.assign(c.data<int32_t>(), c.data<int32_t>() + n);
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        rk.ints.assign(c.data<int64_t>(), c.data<int64_t>() + n);
        break;
      case TypeId::kFloat32:
        rk.is_float = true;
        rk.floats.assign(c.data<float>(), c.data<float>() + n);
        break;
      case TypeId::kFloat64:
        rk.is_float = true;
        rk.floats.assign(c.data<double>(), c.data<double>() + n);
        break;
      default:
        return Status::TypeError(
            "RANGE with offset PRECEDING/FOLLOWING is not supported for column type {}",
            c.type().ToString());
    }
    auto offsets = [&](const WindowFrameBound& b, std::string_view which, int64_t* oi,
                       double* of) -> Status {
      if (b.kind != Kind::kPreceding && b.kind != Kind::kFollowing) return Status::OK();
      if (rk.is_float) {
        if (!b.offset.type().is_numeric()) {
          return Status::TypeError(
              "RANGE frame {} offset for a float ORDER BY column must be a "
              "number",
              which);
        }
        *of = b.offset.type().is_floating() ? b.offset.float_value()
                                            : static_cast<double>(b.offset.int_value());
        return Status::OK();
      }
      ARK_ASSIGN_OR_RETURN(*oi, IntOffset(b.offset, c.type_id(), which));
      return Status::OK();
    };
    ARK_RETURN_IF_ERROR(offsets(call.frame_start, "starting", &off_start_i, &off_start_f));
    ARK_RETURN_IF_ERROR(offsets(call.frame_end, "ending", &off_end_i, &off_end_f));
  }

  // Offsets of ROWS / GROUPS frames: row or peer group counts.
  auto count_offset = [&](const WindowFrameBound& b, std::string_view which) -> Result<int64_t> {
    if (unit == WindowFrameUnit::kRange) return 0;
    if (b.kind != Kind::kPreceding && b.kind != Kind::kFollowing) return 0;
    if (!b.offset.type().is_integer()) {
      return Status::TypeError("{} frame {} offset must be an integer, got {}",
                               unit == WindowFrameUnit::kRows ? "ROWS" : "GROUPS", which,
                               b.offset.type().ToString());
    }
    return b.offset.int_value();
  };
  ARK_ASSIGN_OR_RETURN(const int64_t so, count_offset(call.frame_start, "starting"));
  ARK_ASSIGN_OR_RETURN(const int64_t eo, count_offset(call.frame_end, "ending"));

  // RANGE offset search within the non-NULL keys of a partition: the first position in [lo, hi)
  // where the key is "past" target. `strict`: > (asc) / < (desc) instead of >= / <=.
  auto range_search = [&](int64_t lo, int64_t hi, int64_t ti, double tf, bool strict) {
    int64_t a = lo, b = hi;
    while (a < b) {
      int64_t mid = a + (b - a) / 2;
      bool before;  // key[mid] has not reached the target yet
      if (rk.is_float) {
        double k = rk.floats[mid];
        before = descending ? (strict ? k >= tf : k > tf) : (strict ? k <= tf : k < tf);
      } else {
        int64_t k = rk.ints[mid];
        before = descending ? (strict ? k >= ti : k > ti) : (strict ? k <= ti : k < ti);
      }
      if (before) {
        a = mid + 1;
      } else {
        b = mid;
      }
    }
    return a;
  };

  int64_t ns = 0, ne = 0;  // RANGE offsets: the partition's rows with a non-NULL key
  for (int64_t i = 0; i < n; ++i) {
    const int64_t ps = L.part_start[i], pe = L.part_end[i];
    const int64_t g = L.group[i];
    const int64_t g_first = L.group[ps], g_last = L.group[pe - 1];
    const int64_t peer_s = L.group_starts[g], peer_e = L.group_starts[g + 1];
    bool current_null = false;
    if (range_offsets) {
      const Column& c = *rk.column;
      if (i == ps) {
        // NULL keys sort together at one end of the partition.
        ns = ps;
        ne = pe;
        if (c.null_count() > 0) {
          while (ns < ne && c.IsNull(ns)) ++ns;
          while (ne > ns && c.IsNull(ne - 1)) --ne;
        }
      }
      current_null = c.null_count() > 0 && c.IsNull(i);
    }
    auto bound = [&](const WindowFrameBound& b, int64_t off, int64_t off_i, double off_f,
                     bool is_start) -> int64_t {
      switch (b.kind) {
        case Kind::kUnboundedPreceding:
          return ps;
        case Kind::kUnboundedFollowing:
          return pe;
        case Kind::kCurrentRow:
          if (unit == WindowFrameUnit::kRows) return is_start ? i : i + 1;
          return is_start ? peer_s : peer_e;
        case Kind::kPreceding:
        case Kind::kFollowing: {
          const bool preceding = b.kind == Kind::kPreceding;
          if (unit == WindowFrameUnit::kRows) {
            int64_t p = preceding ? i - off : SatAdd(i, off);
            if (!is_start) p = SatAdd(p, 1);
            return std::clamp(p, ps, pe);
          }
          if (unit == WindowFrameUnit::kGroups) {
            int64_t target = preceding ? g - off : SatAdd(g, off);
            if (is_start) {
              if (target < g_first) return ps;
              if (target > g_last) return pe;
              return L.group_starts[target];
            }
            if (target < g_first) return ps;
            if (target > g_last) return pe;
            return L.group_starts[target + 1];
          }
          // RANGE: a NULL key's frame bound is its peer group (the NULLs).
          if (current_null) return is_start ? peer_s : peer_e;
          // Ascending: preceding subtracts; descending: preceding adds.
          const bool subtract = preceding != descending;
          int64_t ti = 0;
          double tf = 0;
          if (rk.is_float) {
            tf = subtract ? rk.floats[i] - off_f : rk.floats[i] + off_f;
          } else {
            ti = subtract ? SatAdd(rk.ints[i], -off_i) : SatAdd(rk.ints[i], off_i);
          }
          return range_search(ns, ne, ti, tf, /*strict=*/!is_start);
        }
      }
      return ps;
    };
    int64_t s = bound(call.frame_start, so, off_start_i, off_start_f, true);
    int64_t e = bound(call.frame_end, eo, off_end_i, off_end_f, false);
    (*fs)[i] = s;
    (*fe)[i] = std::max(e, s);
  }
  return Status::OK();
}

// ---- aggregates over frames ---------------------------------------------------------------------

// `count` aggregate states in one block, initialised on construction and destroyed with it.
class StateArray {
 public:
  StateArray(const AggregateFunction& f, int64_t count)
      : f_(f),
        size_((f.state_size() + 7) & ~size_t{7}),
        count_(count),
        mem_(std::make_unique<uint64_t[]>(static_cast<size_t>(count) * size_ / 8 + 1)) {
    for (int64_t i = 0; i < count_; ++i) f_.Init(at(i));
  }
  ~StateArray() {
    for (int64_t i = 0; i < count_; ++i) f_.Destroy(at(i));
  }
  uint8_t* at(int64_t i) const { return reinterpret_cast<uint8_t*>(mem_.get()) + i * size_; }
  void Reinit(int64_t i) const {
    f_.Destroy(at(i));
    f_.Init(at(i));
  }

 private:
  const AggregateFunction& f_;
  size_t size_;
  int64_t count_;
  std::unique_ptr<uint64_t[]> mem_;
};

Result<ColumnPtr> AggregateOverFrames(const AggregateFunction& f,
                                      const std::vector<ColumnPtr>& args, const Layout& L,
                                      const std::vector<int64_t>& fs,
                                      const std::vector<int64_t>& fe) {
  const int64_t n = static_cast<int64_t>(L.order.size());
  bool running = true;
  for (int64_t i = 0; i < n && running; ++i) {
    running = fs[i] == L.part_start[i] && (i == L.part_start[i] || fe[i] >= fe[i - 1]);
  }
  // Results are computed once per distinct frame (peers share one) and gathered per row.
  std::unique_ptr<ColumnBuilder> compact = MakeBuilder(f.return_type());
  std::vector<int64_t> index(static_cast<size_t>(n));
  int64_t results = 0;
  auto same_frame = [&](int64_t i) {
    return i > L.part_start[i] && fs[i] == fs[i - 1] && fe[i] == fe[i - 1];
  };

  if (running) {
    // One state per row, folded left to right into one accumulator per partition.
    StateArray leaves(f, n);
    std::vector<uint8_t*> ptrs(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) ptrs[i] = leaves.at(i);
    ARK_RETURN_IF_ERROR(f.Update(ptrs.data(), args, n));
    StateArray acc(f, 1);
    int64_t added = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (i == L.part_start[i]) {
        acc.Reinit(0);
        added = i;
      }
      if (same_frame(i)) {
        index[i] = index[i - 1];
        continue;
      }
      for (; added < fe[i]; ++added) f.Combine(acc.at(0), leaves.at(added));
      const uint8_t* s = acc.at(0);
      ARK_RETURN_IF_ERROR(f.Finalize(&s, 1, *compact));
      index[i] = results++;
    }
  } else {
    // A segment tree over the rows (leaves at [p, p + n)); internal node v = 2v then 2v + 1.
    const int64_t p =
        static_cast<int64_t>(std::bit_ceil(static_cast<uint64_t>(std::max<int64_t>(n, 1))));
    StateArray nodes(f, 2 * p);
    std::vector<uint8_t*> ptrs(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) ptrs[i] = nodes.at(p + i);
    ARK_RETURN_IF_ERROR(f.Update(ptrs.data(), args, n));
    for (int64_t v = p - 1; v >= 1; --v) {
      f.Combine(nodes.at(v), nodes.at(2 * v));
      f.Combine(nodes.at(v), nodes.at(2 * v + 1));
    }
    StateArray tmp(f, 1);
    std::vector<int64_t> right;
    for (int64_t i = 0; i < n; ++i) {
      if (same_frame(i)) {
        index[i] = index[i - 1];
        continue;
      }
      tmp.Reinit(0);
      right.clear();
      for (int64_t l = fs[i] + p, r = fe[i] + p; l < r; l >>= 1, r >>= 1) {
        if (l & 1) f.Combine(tmp.at(0), nodes.at(l++));
        if (r & 1) right.push_back(--r);
      }
      for (auto it = right.rbegin(); it != right.rend(); ++it) f.Combine(tmp.at(0), nodes.at(*it));
      const uint8_t* s = tmp.at(0);
      ARK_RETURN_IF_ERROR(f.Finalize(&s, 1, *compact));
      index[i] = results++;
    }
  }
  ColumnPtr values = compact->Finish();
  if (results == n) return values;
  return GatherColumn(*values, index);
}

// ---- ranking and navigation ---------------------------------------------------------------------

ColumnPtr Int64Values(const std::vector<int64_t>& v) {
  Int64Builder b(DataType::Int64());
  b.AppendValues(v.data(), static_cast<int64_t>(v.size()));
  return b.Finish();
}

Result<ColumnPtr> RankingFunction(WindowFunctionKind kind, const std::vector<ColumnPtr>& args,
                                  const Layout& L) {
  const int64_t n = static_cast<int64_t>(L.order.size());
  std::vector<int64_t> out(static_cast<size_t>(n));
  auto rank = [&](int64_t i) { return L.group_starts[L.group[i]] - L.part_start[i] + 1; };
  switch (kind) {
    case WindowFunctionKind::kRowNumber:
      for (int64_t i = 0; i < n; ++i) out[i] = i - L.part_start[i] + 1;
      return Int64Values(out);
    case WindowFunctionKind::kRank:
      for (int64_t i = 0; i < n; ++i) out[i] = rank(i);
      return Int64Values(out);
    case WindowFunctionKind::kDenseRank:
      for (int64_t i = 0; i < n; ++i) out[i] = L.group[i] - L.group[L.part_start[i]] + 1;
      return Int64Values(out);
    case WindowFunctionKind::kPercentRank:
    case WindowFunctionKind::kCumeDist: {
      Float64Builder b(DataType::Float64());
      b.Reserve(n);
      for (int64_t i = 0; i < n; ++i) {
        const int64_t size = L.part_end[i] - L.part_start[i];
        if (kind == WindowFunctionKind::kPercentRank) {
          b.Append(size == 1 ? 0.0
                             : static_cast<double>(rank(i) - 1) / static_cast<double>(size - 1));
        } else {
          const int64_t through_peers = L.group_starts[L.group[i] + 1] - L.part_start[i];
          b.Append(static_cast<double>(through_peers) / static_cast<double>(size));
        }
      }
      return b.Finish();
    }
    case WindowFunctionKind::kNtile: {
      // The bucket count is read at the partition's first row (PostgreSQL); the first
      // (size % buckets) buckets get one extra row.
      if (args.empty()) return Status::InvalidArgument("ntile needs the number of buckets");
      const Column& k = *args[0];
      Int64Builder b(DataType::Int64());
      b.Reserve(n);
      for (int64_t i = 0; i < n; ++i) {
        const int64_t ps = L.part_start[i];
        if (k.IsNull(ps)) {
          b.AppendNull();
          continue;
        }
        const int64_t buckets =
            k.type_id() == TypeId::kInt32 ? k.data<int32_t>()[ps] : k.data<int64_t>()[ps];
        if (buckets <= 0) {
          return Status::InvalidArgument("argument of ntile must be greater than zero, got {}",
                                         buckets);
        }
        const int64_t size = L.part_end[i] - ps, j = i - ps;
        const int64_t q = size / buckets, r = size % buckets;
        const int64_t big = r * (q + 1);
        b.Append(j < big ? j / (q + 1) + 1 : r + (j - big) / q + 1);
      }
      return b.Finish();
    }
    default:
      return Status::Internal("not a ranking function");
  }
}

Result<int64_t> IntArg(const Column& c, int64_t i) {
  if (c.type_id() == TypeId::kInt32) return int64_t{c.data<int32_t>()[i]};
  if (c.type_id() == TypeId::kInt64) return c.data<int64_t>()[i];
  return Status::TypeError("window function offset must be an integer, got {}",
                           c.type().ToString());
}

// Positions of the non-NULL values of `x` (sorted order), and before[i] = how many are < i.
struct NonNullIndex {
  std::vector<int64_t> positions;
  std::vector<int64_t> before;
  explicit NonNullIndex(const Column& x) {
    const int64_t n = x.length();
    before.resize(static_cast<size_t>(n) + 1);
    for (int64_t i = 0; i < n; ++i) {
      before[i] = static_cast<int64_t>(positions.size());
      if (x.IsValid(i)) positions.push_back(i);
    }
    before[n] = static_cast<int64_t>(positions.size());
  }
};

Result<ColumnPtr> NavigationFunction(const WindowCall& call, WindowFunctionKind kind,
                                     const std::vector<ColumnPtr>& args, const Layout& L,
                                     const std::vector<int64_t>& fs,
                                     const std::vector<int64_t>& fe) {
  const int64_t n = static_cast<int64_t>(L.order.size());
  if (args.empty()) return Status::InvalidArgument("{} needs an argument", call.display);
  const ColumnPtr& x = args[0];
  std::optional<NonNullIndex> nn;
  if (call.ignore_nulls) nn.emplace(*x);
  std::vector<int64_t> pos(static_cast<size_t>(n), -1);
  ColumnPtr source = x;

  if (kind == WindowFunctionKind::kLag || kind == WindowFunctionKind::kLead) {
    const Column* offsets = args.size() > 1 ? args[1].get() : nullptr;
    if (args.size() > 2) {
      // Rows without a target take the default: positions n + i of x ++ default.
      std::vector<ColumnPtr> both = {x, args[2]};
      ARK_ASSIGN_OR_RETURN(source, ConcatColumns(both));
    }
    const bool lag = kind == WindowFunctionKind::kLag;
    for (int64_t i = 0; i < n; ++i) {
      int64_t off = 1;
      if (offsets != nullptr) {
        if (offsets->IsNull(i)) continue;  // NULL offset: NULL
        ARK_ASSIGN_OR_RETURN(off, IntArg(*offsets, i));
      }
      const int64_t ps = L.part_start[i], pe = L.part_end[i];
      const int64_t step = lag ? -off : off;
      int64_t target = -1;
      if (!nn) {
        const int64_t t = SatAdd(i, step);
        if (t >= ps && t < pe) target = t;
      } else if (step == 0) {
        target = i;
      } else {
        // The |step|-th non-NULL value before (lag) or after (lead) row i.
        const int64_t k =
            step < 0 ? SatAdd(nn->before[i], step) : SatAdd(nn->before[i + 1], step - 1);
        if (k >= nn->before[ps] && k < nn->before[pe]) target = nn->positions[k];
      }
      pos[i] = target >= 0 ? target : (args.size() > 2 ? n + i : -1);
    }
    return GatherColumn(*source, pos);
  }

  const Column* nth = args.size() > 1 ? args[1].get() : nullptr;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t s = fs[i], e = fe[i];
    if (s >= e) continue;
    if (kind == WindowFunctionKind::kFirstValue) {
      if (!nn) {
        pos[i] = s;
      } else if (nn->before[s] < nn->before[e]) {
        pos[i] = nn->positions[nn->before[s]];
      }
    } else if (kind == WindowFunctionKind::kLastValue) {
      if (!nn) {
        pos[i] = e - 1;
      } else if (nn->before[s] < nn->before[e]) {
        pos[i] = nn->positions[nn->before[e] - 1];
      }
    } else {
      if (nth == nullptr || nth->IsNull(i)) continue;
      ARK_ASSIGN_OR_RETURN(int64_t k, IntArg(*nth, i));
      if (k <= 0) {
        return Status::InvalidArgument("argument of nth_value must be greater than zero, got {}",
                                       k);
      }
      if (!nn) {
        if (k <= e - s) pos[i] = s + k - 1;
      } else if (nn->before[s] + k - 1 < nn->before[e]) {
        pos[i] = nn->positions[nn->before[s] + k - 1];
      }
    }
  }
  return GatherColumn(*source, pos);
}

// One call over its window, in that window's sorted order.
Result<ColumnPtr> ComputeCall(ExpressionEvaluator& eval, const WindowCall& call, const Layout& L,
                              const Batch& input) {
  ARK_ASSIGN_OR_RETURN(std::vector<ColumnPtr> raw, EvaluateKeyColumns(eval, call.args, input));
  std::vector<ColumnPtr> args;
  for (size_t i = 0; i < raw.size(); ++i) {
    ColumnPtr c = raw[i];
    // Window functions state the argument types they want (lag's default coerced to the value's
    // type, int64 offsets); cast here when the plan did not.
    if (call.window_function && i < call.window_function->arg_types.size() &&
        c->type() != call.window_function->arg_types[i]) {
      ARK_ASSIGN_OR_RETURN(Datum d, CastDatum(Datum(c), call.window_function->arg_types[i],
                                              /*try_cast=*/false, input.num_rows()));
      c = d.ToColumn(input.num_rows());
    }
    ARK_ASSIGN_OR_RETURN(ColumnPtr sorted, GatherColumn(*c, L.order));
    args.push_back(std::move(sorted));
  }
  if (call.aggregate != nullptr) {
    std::vector<int64_t> fs, fe;
    ARK_RETURN_IF_ERROR(ComputeFrames(call, L, &fs, &fe));
    return AggregateOverFrames(*call.aggregate, args, L, fs, fe);
  }
  if (!call.window_function) {
    return Status::Internal("window call {} has neither a function nor an aggregate", call.display);
  }
  const WindowFunctionKind kind = call.window_function->kind;
  switch (kind) {
    case WindowFunctionKind::kFirstValue:
    case WindowFunctionKind::kLastValue:
    case WindowFunctionKind::kNthValue: {
      std::vector<int64_t> fs, fe;
      ARK_RETURN_IF_ERROR(ComputeFrames(call, L, &fs, &fe));
      return NavigationFunction(call, kind, args, L, fs, fe);
    }
    case WindowFunctionKind::kLag:
    case WindowFunctionKind::kLead:
      return NavigationFunction(call, kind, args, L, {}, {});
    default:
      return RankingFunction(kind, args, L);
  }
}

}  // namespace

std::vector<int64_t> SortedRowOrder(std::span<const ColumnPtr> columns,
                                    std::span<const SortKey> keys, int64_t rows) {
  if (keys.empty()) {
    std::vector<int64_t> order(static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) order[i] = i;
    return order;
  }
  const SortedEntries sorted = SortEncoded(EncodeSortKeys(columns, keys, rows));
  std::vector<int64_t> order(static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i) order[i] = sorted.entries[i].row;
  return order;
}

WindowOperator::WindowOperator(WindowSpecPhysical spec, const KernelContext* ctx)
    : Operator(spec.output_schema), spec_(std::move(spec)), ctx_(ctx) {}

Status WindowOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  (void)out;
  if (port != 0) return Status::Internal("Window has one input, got a batch on port {}", port);
  if (batch.num_rows() == 0) return Status::OK();
  bytes_ += batch.ByteSize();
  batches_.push_back(batch);
  return Status::OK();
}

Status WindowOperator::Finish(int port, std::vector<Batch>* out) {
  if (port != 0) return Status::Internal("Window has one input, got Finish on port {}", port);
  if (batches_.empty()) return Status::OK();
  Batch input;
  if (batches_.size() == 1) {
    input = batches_[0];
  } else {
    ARK_ASSIGN_OR_RETURN(input, ConcatBatches(batches_));
  }
  batches_.clear();
  bytes_ = 0;
  if (ctx_ != nullptr) eval_.context() = *ctx_;
  const int64_t n = input.num_rows();
  if (n > std::numeric_limits<int32_t>::max()) {
    return Status::ResourceExhausted("Window: {} rows exceed what one window can hold", n);
  }

  // One sort per distinct window; calls are computed in their window's order.
  std::map<std::string, Layout> layouts;
  std::vector<const Layout*> call_layout;
  std::vector<ColumnPtr> results;
  for (const WindowCall& call : spec_.calls) {
    const std::string key = WindowKey(call);
    auto it = layouts.find(key);
    if (it == layouts.end()) {
      ARK_ASSIGN_OR_RETURN(Layout L, BuildLayout(eval_, call, input));
      it = layouts.emplace(key, std::move(L)).first;
    }
    call_layout.push_back(&it->second);
    ARK_ASSIGN_OR_RETURN(ColumnPtr r, ComputeCall(eval_, call, it->second, input));
    results.push_back(std::move(r));
  }

  // Output in the first window's order.
  std::vector<ColumnPtr> columns;
  if (spec_.calls.empty()) {
    columns = input.columns();
  } else {
    const std::vector<int64_t>& order0 = call_layout[0]->order;
    for (const ColumnPtr& c : input.columns()) {
      ARK_ASSIGN_OR_RETURN(ColumnPtr g, GatherColumn(*c, order0));
      columns.push_back(std::move(g));
    }
    for (size_t k = 0; k < results.size(); ++k) {
      if (call_layout[k] == call_layout[0]) {
        columns.push_back(results[k]);
        continue;
      }
      // Row order0[j] sits at position inverse[order0[j]] of this call's order.
      const std::vector<int64_t>& order = call_layout[k]->order;
      std::vector<int64_t> inverse(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) inverse[order[i]] = i;
      std::vector<int64_t> idx(static_cast<size_t>(n));
      for (int64_t j = 0; j < n; ++j) idx[j] = inverse[order0[j]];
      ARK_ASSIGN_OR_RETURN(ColumnPtr g, GatherColumn(*results[k], idx));
      columns.push_back(std::move(g));
    }
  }
  for (int64_t start = 0; start < n; start += kOutputBatchRows) {
    const int64_t count = std::min<int64_t>(kOutputBatchRows, n - start);
    std::vector<ColumnPtr> slice;
    for (const ColumnPtr& c : columns) {
      slice.push_back(start == 0 && count == n ? c : c->Slice(start, count));
    }
    ARK_ASSIGN_OR_RETURN(Batch b, Batch::Make(output_schema_, std::move(slice)));
    out->push_back(std::move(b));
  }
  return Status::OK();
}

void WindowOperator::Reset() {
  batches_.clear();
  bytes_ = 0;
}

std::string WindowOperator::Explain() const {
  std::string s = "Window calls=[";
  for (size_t k = 0; k < spec_.calls.size(); ++k) {
    if (k) s += ", ";
    s += spec_.calls[k].display;
  }
  return s + "]";
}

}  // namespace ark::sql
