#include "sql/expr/cast.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/strings.h"
#include "core/column_builder.h"
#include "sql/expr/datetime.h"
#include "sql/functions/scalar_kernel.h"

namespace ark::sql {

// ---------------------------------------------------------------------------------------------
// Coercion rules

namespace {

int NumericRank(TypeId id) {
  switch (id) {
    case TypeId::kInt32:
      return 1;
    case TypeId::kInt64:
      return 2;
    case TypeId::kFloat32:
      return 3;
    case TypeId::kFloat64:
      return 4;
    default:
      return 0;
  }
}

}  // namespace

std::optional<DataType> CommonSuperType(const DataType& a, const DataType& b, bool literal_a,
                                        bool literal_b) {
  if (a == b) return a;
  if (a.id() == TypeId::kNull) return b;
  if (b.id() == TypeId::kNull) return a;
  const bool str_lit_a = literal_a && a.id() == TypeId::kString;
  const bool str_lit_b = literal_b && b.id() == TypeId::kString;
  if (str_lit_a && !str_lit_b) {
    if (CanCast(a, b)) return b;
    return std::nullopt;
  }
  if (str_lit_b && !str_lit_a) {
    if (CanCast(b, a)) return a;
    return std::nullopt;
  }
  if (a.is_numeric() && b.is_numeric()) {
    return NumericRank(a.id()) >= NumericRank(b.id()) ? a : b;
  }
  if ((a.id() == TypeId::kDate && b.id() == TypeId::kTimestamp) ||
      (a.id() == TypeId::kTimestamp && b.id() == TypeId::kDate)) {
    return DataType::Timestamp();
  }
  if (a.id() == TypeId::kList && b.id() == TypeId::kList) {
    std::optional<DataType> e = CommonSuperType(a.element(), b.element());
    if (!e) return std::nullopt;
    return DataType::List(*e, a.element_field().nullable || b.element_field().nullable);
  }
  if (a.id() == TypeId::kStruct && b.id() == TypeId::kStruct &&
      a.fields().size() == b.fields().size()) {
    std::vector<Field> fields;
    for (size_t i = 0; i < a.fields().size(); ++i) {
      const Field& fa = a.fields()[i];
      const Field& fb = b.fields()[i];
      if (fa.name != fb.name) return std::nullopt;
      std::optional<DataType> t = CommonSuperType(fa.type, fb.type);
      if (!t) return std::nullopt;
      fields.emplace_back(fa.name, *t, fa.nullable || fb.nullable);
    }
    return DataType::Struct(std::move(fields));
  }
  return std::nullopt;
}

bool CanImplicitlyCast(const DataType& from, const DataType& to) {
  return ImplicitCastCost(from, to, false) >= 0;
}

bool CanCast(const DataType& from, const DataType& to) {
  if (from == to || from.id() == TypeId::kNull) return true;
  if (to.id() == TypeId::kNull) return false;
  if (to.id() == TypeId::kString) return true;
  if (from.id() == TypeId::kString) {
    if (to.id() == TypeId::kList) return CanCast(from, to.element());
    if (to.id() == TypeId::kStruct) {
      for (const Field& f : to.fields()) {
        if (!CanCast(from, f.type)) return false;
      }
      return true;
    }
    return true;
  }
  if (from.is_numeric() && to.is_numeric()) return true;
  if (from.id() == TypeId::kBool && to.is_integer()) return true;
  if (from.is_integer() && to.id() == TypeId::kBool) return true;
  if ((from.id() == TypeId::kTimestamp && to.id() == TypeId::kDate) ||
      (from.id() == TypeId::kDate && to.id() == TypeId::kTimestamp)) {
    return true;
  }
  if (from.id() == TypeId::kList && to.id() == TypeId::kList) {
    return CanCast(from.element(), to.element());
  }
  if (from.id() == TypeId::kStruct && to.id() == TypeId::kStruct) {
    if (from.fields().size() != to.fields().size()) return false;
    for (size_t i = 0; i < from.fields().size(); ++i) {
      if (!CanCast(from.fields()[i].type, to.fields()[i].type)) return false;
    }
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Text input (PostgreSQL syntax)

namespace {

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

Status BadInput(std::string_view type, std::string_view text) {
  return Status::InvalidArgument("invalid input syntax for type {}: \"{}\"", type, text);
}

template <typename T>
constexpr std::string_view NameOf() {
  if constexpr (std::is_same_v<T, int32_t>) return "int32";
  if constexpr (std::is_same_v<T, int64_t>) return "int64";
  if constexpr (std::is_same_v<T, float>) return "float32";
  if constexpr (std::is_same_v<T, double>) return "float64";
  return "?";
}

template <typename T>
Status ParseInteger(std::string_view text, T* out) {
  std::string_view s = TrimSpace(text);
  size_t pos = 0;
  bool neg = false;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    neg = s[pos] == '-';
    ++pos;
  }
  if (pos >= s.size()) return BadInput(NameOf<T>(), text);
  // Accumulate negatively so that the minimum value parses.
  int64_t v = 0;
  bool overflow = false;
  for (; pos < s.size(); ++pos) {
    const char c = s[pos];
    if (c < '0' || c > '9') return BadInput(NameOf<T>(), text);
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, c - '0', &v)) {
      overflow = true;
    }
  }
  if (!neg) {
    if (v == std::numeric_limits<int64_t>::min()) overflow = true;
    v = -v;
  }
  if (overflow || v > std::numeric_limits<T>::max() || v < std::numeric_limits<T>::min()) {
    return Status::OutOfRange("value \"{}\" is out of range for type {}", text, NameOf<T>());
  }
  *out = static_cast<T>(v);
  return Status::OK();
}

template <typename T>
Status ParseFloat(std::string_view text, T* out) {
  std::string_view s = TrimSpace(text);
  bool neg = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (IEquals(body, "nan")) {
    *out = std::numeric_limits<T>::quiet_NaN();
    return Status::OK();
  }
  if (IEquals(body, "infinity") || IEquals(body, "inf")) {
    *out = neg ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
    return Status::OK();
  }
  if (body.empty() || body[0] == '+' || body[0] == '-') return BadInput(NameOf<T>(), text);
  T v{};
  auto res = std::from_chars(body.data(), body.data() + body.size(), v);
  if (res.ptr != body.data() + body.size()) return BadInput(NameOf<T>(), text);
  if (res.ec == std::errc::result_out_of_range) {
    return Status::OutOfRange("value \"{}\" is out of range for type {}", text, NameOf<T>());
  }
  if (res.ec != std::errc()) return BadInput(NameOf<T>(), text);
  *out = neg ? -v : v;
  return Status::OK();
}

Status ParseBool(std::string_view text, bool* out) {
  std::string_view s = TrimSpace(text);
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto prefix_of = [&](std::string_view word) {
    return !lower.empty() && lower.size() <= word.size() && word.substr(0, lower.size()) == lower;
  };
  if (prefix_of("true") || prefix_of("yes") || lower == "on" || lower == "1") {
    *out = true;
    return Status::OK();
  }
  if (prefix_of("false") || prefix_of("no") || lower == "off" || lower == "0") {
    *out = false;
    return Status::OK();
  }
  return BadInput("bool", text);
}

// Checks UTF-8 well-formedness; on failure `*bad` is the offset of the first bad byte.
bool ValidUtf8(std::string_view s, size_t* bad) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // Fast path: 8 ASCII bytes at a time.
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t min;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      min = 0x10000;
    } else {
      *bad = i;
      return false;
    }
    if (i + static_cast<size_t>(len) > n) {
      *bad = i;
      return false;
    }
    uint32_t cp = c & (0x7f >> len);
    for (int k = 1; k < len; ++k) {
      if ((p[i + static_cast<size_t>(k)] & 0xc0) != 0x80) {
        *bad = i;
        return false;
      }
      cp = (cp << 6) | (p[i + static_cast<size_t>(k)] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      *bad = i;
      return false;
    }
    i += static_cast<size_t>(len);
  }
  return true;
}

Status BadUtf8(std::string_view s, size_t at) {
  std::string bytes;
  for (size_t k = at; k < s.size() && k < at + 4; ++k) {
    if (k > at) bytes += ' ';
    bytes += fmt::format("0x{:02x}", static_cast<unsigned char>(s[k]));
  }
  return Status::InvalidArgument("invalid byte sequence for encoding \"UTF8\": {}", bytes);
}

// Splits a PostgreSQL array literal '{a,"b c",NULL}' (or a JSON-style '[1, 2]') into element
// texts; nullopt elements are NULL. Nested arrays are returned as their text.
Status SplitArrayText(std::string_view text, std::vector<std::optional<std::string>>* items) {
  items->clear();
  std::string_view s = TrimSpace(text);
  auto malformed = [&](std::string_view why) {
    return Status::InvalidArgument("malformed array literal: \"{}\" ({})", text, why);
  };
  if (s.size() < 2) return malformed("expected \"{\" or \"[\"");
  const char open = s[0];
  const char close = open == '{' ? '}' : open == '[' ? ']' : 0;
  if (close == 0) return malformed("expected \"{\" or \"[\"");
  if (s.back() != close) return malformed(fmt::format("expected \"{}\" at the end", close));
  std::string_view inner = s.substr(1, s.size() - 2);
  size_t pos = 0;
  auto skip = [&] {
    while (pos < inner.size() && std::isspace(static_cast<unsigned char>(inner[pos]))) ++pos;
  };
  skip();
  if (pos >= inner.size()) return Status::OK();
  while (true) {
    skip();
    if (pos >= inner.size()) return malformed("unexpected end of input");
    const char c = inner[pos];
    if (c == '"') {
      std::string item;
      ++pos;
      bool closed = false;
      while (pos < inner.size()) {
        char ch = inner[pos++];
        if (ch == '\\' && pos < inner.size()) {
          item += inner[pos++];
        } else if (ch == '"') {
          closed = true;
          break;
        } else {
          item += ch;
        }
      }
      if (!closed) return malformed("unterminated quoted element");
      items->push_back(std::move(item));
    } else if (c == '{' || c == '[') {
      const size_t start = pos;
      int depth = 0;
      bool in_quote = false;
      for (; pos < inner.size(); ++pos) {
        const char ch = inner[pos];
        if (in_quote) {
          if (ch == '\\') {
            ++pos;
          } else if (ch == '"') {
            in_quote = false;
          }
        } else if (ch == '"') {
          in_quote = true;
        } else if (ch == '{' || ch == '[') {
          ++depth;
        } else if (ch == '}' || ch == ']') {
          if (--depth == 0) {
            ++pos;
            break;
          }
        }
      }
      if (depth != 0) return malformed("unbalanced brackets");
      items->push_back(std::string(inner.substr(start, pos - start)));
    } else {
      const size_t start = pos;
      while (pos < inner.size() && inner[pos] != ',') ++pos;
      std::string_view raw = TrimSpace(inner.substr(start, pos - start));
      if (raw.empty()) return malformed("empty element");
      if (IEquals(raw, "null")) {
        items->push_back(std::nullopt);
      } else {
        items->push_back(std::string(raw));
      }
    }
    skip();
    if (pos >= inner.size()) return Status::OK();
    if (inner[pos] != ',') return malformed(fmt::format("unexpected \"{}\"", inner[pos]));
    ++pos;
  }
}

// Splits a PostgreSQL record literal '(1,"a b",)' into field texts (empty unquoted = NULL).
Status SplitRecordText(std::string_view text, size_t expected,
                       std::vector<std::optional<std::string>>* items) {
  items->clear();
  std::string_view s = TrimSpace(text);
  auto malformed = [&](std::string_view why) {
    return Status::InvalidArgument("malformed record literal: \"{}\" ({})", text, why);
  };
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') {
    return malformed("expected \"(\" ... \")\"");
  }
  std::string_view inner = s.substr(1, s.size() - 2);
  size_t pos = 0;
  while (true) {
    std::string item;
    bool quoted = false;
    while (pos < inner.size() && inner[pos] != ',') {
      const char ch = inner[pos++];
      if (ch == '"') {
        quoted = true;
        while (pos < inner.size()) {
          const char q = inner[pos++];
          if (q == '\\' && pos < inner.size()) {
            item += inner[pos++];
          } else if (q == '"') {
            if (pos < inner.size() && inner[pos] == '"') {
              item += '"';
              ++pos;
            } else {
              break;
            }
          } else {
            item += q;
          }
        }
      } else {
        item += ch;
      }
    }
    if (!quoted && item.empty()) {
      items->push_back(std::nullopt);
    } else {
      items->push_back(std::move(item));
    }
    if (pos >= inner.size()) break;
    ++pos;  // ','
  }
  if (items->size() != expected) {
    return malformed(fmt::format("expected {} fields, found {}", expected, items->size()));
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Column casts

Result<ColumnPtr> CastColumn(const ColumnPtr& input, const DataType& to, bool try_cast);

// Runs fn(i, writer) -> Status on each valid row; a failing row is an error, or NULL for
// TRY_CAST.
template <typename Writer, typename Fn>
Result<ColumnPtr> CastRows(const Column& in, const DataType& to, bool try_cast, Fn&& fn) {
  const int64_t n = in.length();
  Writer out(to, n);
  BufferPtr valid = AlignedValidity(in);
  for (int64_t i = 0; i < n; ++i) {
    if (!BitmapGet(valid, i)) {
      out.PutNull(i);
      continue;
    }
    Status s = fn(i, out);
    if (!s.ok()) {
      if (!try_cast) return s;
      out.PutNull(i);
    }
  }
  return out.Finish();
}

template <typename From, typename To>
Result<ColumnPtr> CastNumeric(const Column& in, const DataType& to, bool try_cast) {
  const int64_t n = in.length();
  const From* src = in.data<From>();
  // Widening conversions cannot fail: one plain loop.
  constexpr bool kWidening =
      (std::is_integral_v<From> && std::is_floating_point_v<To>) ||
      (std::is_integral_v<From> && std::is_integral_v<To> && sizeof(To) >= sizeof(From)) ||
      (std::is_floating_point_v<From> && std::is_floating_point_v<To> &&
       sizeof(To) >= sizeof(From));
  if constexpr (kWidening) {
    auto values = Buffer::Allocate(static_cast<size_t>(n) * sizeof(To));
    To* dst = reinterpret_cast<To*>(values->mutable_data());
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<To>(src[i]);
    return Column::Make(to, n, {AlignedValidity(in), std::move(values)}, {}, in.null_count());
  } else {
    return CastRows<FixedWriter<To>>(in, to, try_cast, [&](int64_t i, FixedWriter<To>& out) {
      const From v = src[i];
      if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
        // Round half to even, as PostgreSQL's float → integer casts do (rint): 2.5 → 2,
        // 3.5 → 4, -2.5 → -2. nearbyint rounds in the default mode, to nearest-even.
        const double r = std::nearbyint(static_cast<double>(v));
        if (!(r >= static_cast<double>(std::numeric_limits<To>::min()) &&
              r < -static_cast<double>(std::numeric_limits<To>::min()))) {
          return Status::OutOfRange("{} out of range", NameOf<To>());
        }
        out.Put(i, static_cast<To>(r));
      } else if constexpr (std::is_floating_point_v<From>) {
        // float64 → float32
        if (std::isfinite(v) && std::fabs(v) > std::numeric_limits<To>::max()) {
          return Status::OutOfRange("{} out of range", NameOf<To>());
        }
        out.Put(i, static_cast<To>(v));
      } else {
        if (v > std::numeric_limits<To>::max() || v < std::numeric_limits<To>::min()) {
          return Status::OutOfRange("{} out of range", NameOf<To>());
        }
        out.Put(i, static_cast<To>(v));
      }
      return Status::OK();
    });
  }
}

template <typename From>
Result<ColumnPtr> CastFromNumeric(const Column& in, const DataType& to, bool try_cast) {
  switch (to.id()) {
    case TypeId::kInt32:
      return CastNumeric<From, int32_t>(in, to, try_cast);
    case TypeId::kInt64:
      return CastNumeric<From, int64_t>(in, to, try_cast);
    case TypeId::kFloat32:
      return CastNumeric<From, float>(in, to, try_cast);
    case TypeId::kFloat64:
      return CastNumeric<From, double>(in, to, try_cast);
    default:
      break;
  }
  return Status::Internal("CastFromNumeric to {}", to.ToString());
}

// A column with the same buffers and another type (string ↔ binary).
ColumnPtr Retype(const Column& in, const DataType& to) {
  return Column::Make(to, in.length(), in.buffers(), in.children(), in.null_count(), in.offset());
}

bool NeedsArrayQuotes(std::string_view s) {
  if (s.empty() || IEquals(s, "null")) return true;
  for (char c : s) {
    if (c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' ||
        std::isspace(static_cast<unsigned char>(c))) {
      return true;
    }
  }
  return false;
}

bool NeedsRecordQuotes(std::string_view s) {
  if (s.empty()) return true;
  for (char c : s) {
    if (c == '(' || c == ')' || c == ',' || c == '"' || c == '\\' ||
        std::isspace(static_cast<unsigned char>(c))) {
      return true;
    }
  }
  return false;
}

void AppendQuotedElement(BufferBuilder& out, std::string_view s) {
  out.Append("\"", 1);
  for (char c : s) {
    if (c == '"' || c == '\\') out.Append("\\", 1);
    out.Append(&c, 1);
  }
  out.Append("\"", 1);
}

Result<ColumnPtr> ListToString(const Column& in, bool try_cast) {
  const int64_t n = in.length();
  const int32_t* o = in.offsets();
  const int64_t first = n ? o[0] : 0;
  const int64_t last = n ? o[n] : 0;
  ColumnPtr elements = in.list_values()->Slice(first, last - first);
  ARK_ASSIGN_OR_RETURN(ColumnPtr text, CastColumn(elements, DataType::String(), try_cast));
  const bool nested = in.type().element().id() == TypeId::kList;
  return CastRows<StringWriter>(in, DataType::String(), try_cast, [&](int64_t i, StringWriter& w) {
    BufferBuilder& out = w.data();
    out.Append("{", 1);
    for (int64_t k = o[i]; k < o[i + 1]; ++k) {
      if (k > o[i]) out.Append(",", 1);
      const int64_t e = k - first;
      if (text->IsNull(e)) {
        out.Append("NULL", 4);
        continue;
      }
      std::string_view v = text->GetView(e);
      if (!nested && NeedsArrayQuotes(v)) {
        AppendQuotedElement(out, v);
      } else {
        out.Append(v);
      }
    }
    out.Append("}", 1);
    w.Commit(i);
    return Status::OK();
  });
}

Result<ColumnPtr> StructToString(const Column& in, bool try_cast) {
  std::vector<ColumnPtr> texts;
  for (size_t f = 0; f < in.type().fields().size(); ++f) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr t, CastColumn(in.struct_field(static_cast<int>(f)),
                                                 DataType::String(), try_cast));
    texts.push_back(std::move(t));
  }
  return CastRows<StringWriter>(in, DataType::String(), try_cast, [&](int64_t i, StringWriter& w) {
    BufferBuilder& out = w.data();
    out.Append("(", 1);
    for (size_t f = 0; f < texts.size(); ++f) {
      if (f) out.Append(",", 1);
      if (texts[f]->IsNull(i)) continue;
      std::string_view v = texts[f]->GetView(i);
      if (NeedsRecordQuotes(v)) {
        AppendQuotedElement(out, v);
      } else {
        out.Append(v);
      }
    }
    out.Append(")", 1);
    w.Commit(i);
    return Status::OK();
  });
}

Result<ColumnPtr> ToStringColumn(const ColumnPtr& input, bool try_cast) {
  const Column& in = *input;
  const DataType to = DataType::String();
  switch (in.type_id()) {
    case TypeId::kBool:
      return CastRows<StringWriter>(in, to, try_cast, [&](int64_t i, StringWriter& w) {
        w.Put(i, in.GetBool(i) ? "true" : "false");
        return Status::OK();
      });
    case TypeId::kInt32:
    case TypeId::kInt64: {
      const bool is32 = in.type_id() == TypeId::kInt32;
      return CastRows<StringWriter>(in, to, try_cast, [&](int64_t i, StringWriter& w) {
        char buf[24];
        const int64_t v = is32 ? in.data<int32_t>()[i] : in.data<int64_t>()[i];
        auto r = std::to_chars(buf, buf + sizeof(buf), v);
        w.Put(i, std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
        return Status::OK();
      });
    }
    case TypeId::kFloat32:
      return CastRows<StringWriter>(in, to, try_cast, [&](int64_t i, StringWriter& w) {
        w.Put(i, FormatSqlFloat32(in.data<float>()[i]));
        return Status::OK();
      });
    case TypeId::kFloat64:
      return CastRows<StringWriter>(in, to, try_cast, [&](int64_t i, StringWriter& w) {
        w.Put(i, FormatSqlFloat64(in.data<double>()[i]));
        return Status::OK();
      });
    case TypeId::kBinary:
      return CastRows<StringWriter>(in, to, try_cast, [&](int64_t i, StringWriter& w) {
        std::string_view v = in.GetView(i);
        size_t bad;
        if (!ValidUtf8(v, &bad)) return BadUtf8(v, bad);
        w.Put(i, v);
        return Status::OK();
      });
    case TypeId::kTimestamp:
      return CastRows<StringWriter>(in, to, try_cast, [&](int64_t i, StringWriter& w) {
        w.Put(i, FormatSqlTimestamp(in.data<int64_t>()[i]));
        return Status::OK();
      });
    case TypeId::kDate:
      return CastRows<StringWriter>(in, to, try_cast, [&](int64_t i, StringWriter& w) {
        w.Put(i, FormatSqlDate(in.data<int32_t>()[i]));
        return Status::OK();
      });
    case TypeId::kInterval:
      return CastRows<StringWriter>(in, to, try_cast, [&](int64_t i, StringWriter& w) {
        w.Put(i, FormatSqlInterval(in.data<IntervalValue>()[i]));
        return Status::OK();
      });
    case TypeId::kList:
      return ListToString(in, try_cast);
    case TypeId::kStruct:
      return StructToString(in, try_cast);
    default:
      break;
  }
  return Status::TypeError("cannot cast type {} to string", in.type().ToString());
}

Result<ColumnPtr> StringToList(const Column& in, const DataType& to, bool try_cast) {
  const int64_t n = in.length();
  StringBuilder elements;
  std::vector<std::optional<std::string>> items;
  BufferBuilder offsets;
  offsets.AppendValue<int32_t>(0);
  auto validity = FilledBitmap(n, true);
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) {
    bool valid = in.IsValid(i);
    if (valid) {
      Status s = SplitArrayText(in.GetView(i), &items);
      if (!s.ok()) {
        if (!try_cast) return s;
        valid = false;
      }
    }
    if (valid) {
      for (const auto& item : items) {
        if (item) {
          elements.Append(*item);
        } else {
          elements.AppendNull();
        }
      }
    } else {
      bit_util::ClearBit(validity->mutable_data(), i);
      ++nulls;
    }
    offsets.AppendValue(static_cast<int32_t>(elements.length()));
  }
  ARK_ASSIGN_OR_RETURN(ColumnPtr child, CastColumn(elements.Finish(), to.element(), try_cast));
  return Column::Make(to, n, {nulls ? std::move(validity) : nullptr, offsets.Finish()}, {child},
                      nulls);
}

Result<ColumnPtr> StringToStruct(const Column& in, const DataType& to, bool try_cast) {
  const int64_t n = in.length();
  const size_t nf = to.fields().size();
  std::vector<StringBuilder> fields(nf);
  std::vector<std::optional<std::string>> items;
  auto validity = FilledBitmap(n, true);
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) {
    bool valid = in.IsValid(i);
    if (valid) {
      Status s = SplitRecordText(in.GetView(i), nf, &items);
      if (!s.ok()) {
        if (!try_cast) return s;
        valid = false;
      }
    }
    for (size_t f = 0; f < nf; ++f) {
      if (valid && items[f]) {
        fields[f].Append(*items[f]);
      } else {
        fields[f].AppendNull();
      }
    }
    if (!valid) {
      bit_util::ClearBit(validity->mutable_data(), i);
      ++nulls;
    }
  }
  std::vector<ColumnPtr> children;
  for (size_t f = 0; f < nf; ++f) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c,
                         CastColumn(fields[f].Finish(), to.fields()[f].type, try_cast));
    children.push_back(std::move(c));
  }
  return Column::Make(to, n, {nulls ? std::move(validity) : nullptr}, std::move(children), nulls);
}

Result<ColumnPtr> FromStringColumn(const ColumnPtr& input, const DataType& to, bool try_cast) {
  const Column& in = *input;
  switch (to.id()) {
    case TypeId::kBool:
      return CastRows<BoolWriter>(in, to, try_cast, [&](int64_t i, BoolWriter& w) {
        bool v = false;
        ARK_RETURN_IF_ERROR(ParseBool(in.GetView(i), &v));
        w.Put(i, v);
        return Status::OK();
      });
    case TypeId::kInt32:
      return CastRows<FixedWriter<int32_t>>(in, to, try_cast,
                                            [&](int64_t i, FixedWriter<int32_t>& w) {
                                              int32_t v = 0;
                                              ARK_RETURN_IF_ERROR(ParseInteger(in.GetView(i), &v));
                                              w.Put(i, v);
                                              return Status::OK();
                                            });
    case TypeId::kInt64:
      return CastRows<FixedWriter<int64_t>>(in, to, try_cast,
                                            [&](int64_t i, FixedWriter<int64_t>& w) {
                                              int64_t v = 0;
                                              ARK_RETURN_IF_ERROR(ParseInteger(in.GetView(i), &v));
                                              w.Put(i, v);
                                              return Status::OK();
                                            });
    case TypeId::kFloat32:
      return CastRows<FixedWriter<float>>(in, to, try_cast, [&](int64_t i, FixedWriter<float>& w) {
        float v = 0;
        ARK_RETURN_IF_ERROR(ParseFloat(in.GetView(i), &v));
        w.Put(i, v);
        return Status::OK();
      });
    case TypeId::kFloat64:
      return CastRows<FixedWriter<double>>(in, to, try_cast,
                                           [&](int64_t i, FixedWriter<double>& w) {
                                             double v = 0;
                                             ARK_RETURN_IF_ERROR(ParseFloat(in.GetView(i), &v));
                                             w.Put(i, v);
                                             return Status::OK();
                                           });
    case TypeId::kBinary:
      return Retype(in, to);
    case TypeId::kTimestamp:
      return CastRows<FixedWriter<int64_t>>(
          in, to, try_cast, [&](int64_t i, FixedWriter<int64_t>& w) {
            ARK_ASSIGN_OR_RETURN(int64_t v, ParseTimestampText(in.GetView(i)));
            w.Put(i, v);
            return Status::OK();
          });
    case TypeId::kDate:
      return CastRows<FixedWriter<int32_t>>(
          in, to, try_cast, [&](int64_t i, FixedWriter<int32_t>& w) {
            ARK_ASSIGN_OR_RETURN(int32_t v, ParseDateText(in.GetView(i)));
            w.Put(i, v);
            return Status::OK();
          });
    case TypeId::kInterval:
      return CastRows<FixedWriter<IntervalValue>>(
          in, to, try_cast, [&](int64_t i, FixedWriter<IntervalValue>& w) {
            ARK_ASSIGN_OR_RETURN(IntervalValue v, ParseIntervalText(in.GetView(i)));
            w.Put(i, v);
            return Status::OK();
          });
    case TypeId::kList:
      return StringToList(in, to, try_cast);
    case TypeId::kStruct:
      return StringToStruct(in, to, try_cast);
    default:
      break;
  }
  return Status::TypeError("cannot cast type string to {}", to.ToString());
}

Result<ColumnPtr> CastList(const Column& in, const DataType& to, bool try_cast) {
  const int64_t n = in.length();
  const int32_t* o = in.offsets();
  const int32_t first = n ? o[0] : 0;
  const int32_t last = n ? o[n] : 0;
  ColumnPtr elements = in.list_values()->Slice(first, last - first);
  ARK_ASSIGN_OR_RETURN(ColumnPtr child, CastColumn(elements, to.element(), try_cast));
  auto offsets = Buffer::Allocate(static_cast<size_t>(n + 1) * sizeof(int32_t));
  int32_t* dst = reinterpret_cast<int32_t*>(offsets->mutable_data());
  for (int64_t i = 0; i <= n; ++i) dst[i] = o[i] - first;
  return Column::Make(to, n, {AlignedValidity(in), std::move(offsets)}, {child}, in.null_count());
}

Result<ColumnPtr> CastStruct(const Column& in, const DataType& to, bool try_cast) {
  std::vector<ColumnPtr> children;
  for (size_t f = 0; f < to.fields().size(); ++f) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, CastColumn(in.struct_field(static_cast<int>(f)),
                                                 to.fields()[f].type, try_cast));
    children.push_back(std::move(c));
  }
  return Column::Make(to, in.length(), {AlignedValidity(in)}, std::move(children), in.null_count());
}

Result<ColumnPtr> CastColumn(const ColumnPtr& input, const DataType& to, bool try_cast) {
  const Column& in = *input;
  const DataType& from = in.type();
  if (from == to) return input;
  if (!CanCast(from, to)) {
    return Status::TypeError("cannot cast type {} to {}", from.ToString(), to.ToString());
  }
  if (from.id() == TypeId::kNull || in.null_count() == in.length()) {
    return Column::MakeNull(to, in.length());
  }
  if (to.id() == TypeId::kString) return ToStringColumn(input, try_cast);
  if (from.id() == TypeId::kString) return FromStringColumn(input, to, try_cast);
  switch (from.id()) {
    case TypeId::kInt32:
      if (to.id() == TypeId::kBool) {
        return CastRows<BoolWriter>(in, to, try_cast, [&](int64_t i, BoolWriter& w) {
          w.Put(i, in.data<int32_t>()[i] != 0);
          return Status::OK();
        });
      }
      return CastFromNumeric<int32_t>(in, to, try_cast);
    case TypeId::kInt64:
      if (to.id() == TypeId::kBool) {
        return CastRows<BoolWriter>(in, to, try_cast, [&](int64_t i, BoolWriter& w) {
          w.Put(i, in.data<int64_t>()[i] != 0);
          return Status::OK();
        });
      }
      return CastFromNumeric<int64_t>(in, to, try_cast);
    case TypeId::kFloat32:
      return CastFromNumeric<float>(in, to, try_cast);
    case TypeId::kFloat64:
      return CastFromNumeric<double>(in, to, try_cast);
    case TypeId::kBool:
      if (to.id() == TypeId::kInt32) {
        return CastRows<FixedWriter<int32_t>>(in, to, try_cast,
                                              [&](int64_t i, FixedWriter<int32_t>& w) {
                                                w.Put(i, in.GetBool(i) ? 1 : 0);
                                                return Status::OK();
                                              });
      }
      return CastRows<FixedWriter<int64_t>>(in, to, try_cast,
                                            [&](int64_t i, FixedWriter<int64_t>& w) {
                                              w.Put(i, in.GetBool(i) ? 1 : 0);
                                              return Status::OK();
                                            });
    case TypeId::kTimestamp: {
      // → date: floor to the day.
      return CastRows<FixedWriter<int32_t>>(
          in, to, try_cast, [&](int64_t i, FixedWriter<int32_t>& w) {
            w.Put(i, static_cast<int32_t>(TimestampDays(in.data<int64_t>()[i])));
            return Status::OK();
          });
    }
    case TypeId::kDate: {
      const int32_t* src = in.data<int32_t>();
      const int64_t n = in.length();
      auto values = Buffer::Allocate(static_cast<size_t>(n) * sizeof(int64_t));
      int64_t* dst = reinterpret_cast<int64_t*>(values->mutable_data());
      for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<int64_t>(src[i]) * kMicrosPerDay;
      return Column::Make(to, n, {AlignedValidity(in), std::move(values)}, {}, in.null_count());
    }
    case TypeId::kList:
      return CastList(in, to, try_cast);
    case TypeId::kStruct:
      return CastStruct(in, to, try_cast);
    default:
      break;
  }
  return Status::TypeError("cannot cast type {} to {}", from.ToString(), to.ToString());
}

}  // namespace

Result<Datum> CastDatum(const Datum& input, const DataType& to, bool try_cast, int64_t rows) {
  if (input.type() == to) return input;
  if (input.is_scalar()) {
    const Value& v = input.scalar();
    if (v.is_null()) {
      if (!CanCast(v.type(), to)) {
        return Status::TypeError("cannot cast type {} to {}", v.type().ToString(), to.ToString());
      }
      return Datum(Value::Null(to));
    }
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, CastColumn(v.ToColumn(1), to, try_cast));
    return Datum(Value::FromColumn(*c, 0));
  }
  (void)rows;
  ARK_ASSIGN_OR_RETURN(ColumnPtr c, CastColumn(input.column(), to, try_cast));
  return Datum(std::move(c));
}

Result<Value> CastValue(const Value& value, const DataType& to, bool try_cast) {
  ARK_ASSIGN_OR_RETURN(Datum d, CastDatum(Datum(value), to, try_cast, 1));
  return d.scalar();
}

// ---------------------------------------------------------------------------------------------
// Type names

Result<DataType> ResolveTypeName(const TypeName& name) {
  std::string n;
  for (char c : name.name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  DataType base;
  bool found = true;
  if (n == "struct" || n == "row" || !name.fields.empty()) {
    std::vector<Field> fields;
    for (const auto& [field_name, field_type] : name.fields) {
      ARK_ASSIGN_OR_RETURN(DataType t, ResolveTypeName(field_type));
      fields.emplace_back(field_name, std::move(t));
    }
    base = DataType::Struct(std::move(fields));
  } else if (n == "int" || n == "integer" || n == "int4" || n == "int32" || n == "smallint" ||
             n == "int2" || n == "tinyint") {
    base = DataType::Int32();
  } else if (n == "bigint" || n == "int8" || n == "int64" || n == "long") {
    base = DataType::Int64();
  } else if (n == "real" || n == "float4" || n == "float32") {
    base = DataType::Float32();
  } else if (n == "float") {
    // PostgreSQL: float(p) with p <= 24 is real, otherwise double precision.
    base = !name.modifiers.empty() && name.modifiers[0] <= 24 ? DataType::Float32()
                                                              : DataType::Float64();
  } else if (n == "double precision" || n == "double" || n == "float8" || n == "float64" ||
             n == "numeric" || n == "decimal") {
    // numeric/decimal have no exact type here: they map to float64.
    base = DataType::Float64();
  } else if (n == "text" || n == "varchar" || n == "character varying" || n == "char" ||
             n == "character" || n == "bpchar" || n == "string" || n == "json" || n == "jsonb" ||
             n == "utf8" || n == "name") {
    base = DataType::String();
  } else if (n == "bytea" || n == "blob" || n == "binary" || n == "bytes" || n == "varbinary") {
    base = DataType::Binary();
  } else if (n == "bool" || n == "boolean") {
    base = DataType::Bool();
  } else if (n == "timestamp" || n == "timestamptz" || n == "timestamp with time zone" ||
             n == "timestamp without time zone" || n == "datetime") {
    base = DataType::Timestamp();
  } else if (n == "date") {
    base = DataType::Date();
  } else if (n == "interval") {
    base = DataType::Interval();
  } else {
    found = false;
  }
  if (!found) {
    static const std::vector<std::string> kKnown = {
        "bigint", "binary",    "blob",        "bool",     "boolean",
        "bytea",  "char",      "date",        "decimal",  "double precision",
        "float",  "float4",    "float8",      "int",      "int2",
        "int4",   "int8",      "integer",     "interval", "json",
        "jsonb",  "numeric",   "real",        "smallint", "string",
        "text",   "timestamp", "timestamptz", "varchar",  "int32",
        "int64",  "float32",   "float64"};
    // The binder's wording for every unknown name: "...; did you mean \"x\"?".
    std::optional<std::string> match = ClosestMatch(n, kKnown);
    return Status::TypeError("type \"{}\" does not exist{}", name.name,
                             match ? "; did you mean \"" + *match + "\"?" : std::string());
  }
  for (int d = 0; d < name.array_depth; ++d) base = DataType::List(base);
  return base;
}

}  // namespace ark::sql
