// String functions (PostgreSQL semantics; lengths and positions count UTF-8 characters):
// lower, upper, initcap, length/char_length, octet_length, substr/substring, position/strpos,
// trim/btrim/ltrim/rtrim, replace, split_part, starts_with, ends_with, contains, concat,
// concat_ws, lpad, rpad, repeat, reverse, left, right, md5, ascii, chr, translate,
// string_to_array, and the || operator (strings, binary, and — through the list functions —
// lists).
//
// lower/upper/initcap map non-ASCII letters through the C.UTF-8 locale's towlower/towupper.

#include <clocale>
#include <cstring>
#include <cwctype>
#include <limits>
#include <string>

#include <fmt/format.h>
#include <locale.h>

#include "sql/expr/cast.h"
#include "sql/functions/scalar_kernel.h"

namespace ark::sql {

// Defined in scalar_list.cc: `||` between lists (and a list and an element).
Result<BoundScalarFunction> BindListConcat(std::string name, std::span<const DataType> types,
                                           std::span<const std::optional<Value>> constants);

namespace {

const DataType kStr = DataType::String();
const DataType kBin = DataType::Binary();
const DataType kI32 = DataType::Int32();
const DataType kI64 = DataType::Int64();
const DataType kBool = DataType::Bool();

// ---------------------------------------------------------------------------------------------
// UTF-8

inline bool IsContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

int64_t Utf8Length(std::string_view s) {
  int64_t n = 0;
  for (unsigned char c : s) n += !IsContinuation(c);
  return n;
}

// Byte offset of character `chars` (0-based) at or after byte `from`; s.size() when past the end.
size_t Utf8Advance(std::string_view s, size_t from, int64_t chars) {
  size_t p = from;
  while (chars > 0 && p < s.size()) {
    ++p;
    while (p < s.size() && IsContinuation(static_cast<unsigned char>(s[p]))) ++p;
    --chars;
  }
  return p;
}

// Decodes the character at *pos (invalid bytes decode as themselves) and advances.
uint32_t DecodeUtf8(std::string_view s, size_t* pos) {
  const auto c = static_cast<unsigned char>(s[*pos]);
  int len = c < 0x80             ? 1
            : (c & 0xe0) == 0xc0 ? 2
            : (c & 0xf0) == 0xe0 ? 3
            : (c & 0xf8) == 0xf0 ? 4
                                 : 1;
  if (*pos + static_cast<size_t>(len) > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : c & (0x7f >> len);
  for (int k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[*pos + static_cast<size_t>(k)]);
    if (!IsContinuation(cc)) {
      len = 1;
      cp = c;
      break;
    }
    cp = (cp << 6) | (cc & 0x3f);
  }
  *pos += static_cast<size_t>(len);
  return cp;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

std::vector<uint32_t> CodePoints(std::string_view s) {
  std::vector<uint32_t> out;
  size_t p = 0;
  while (p < s.size()) out.push_back(DecodeUtf8(s, &p));
  return out;
}

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

locale_t Utf8Locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

uint32_t ToLowerCp(uint32_t cp) {
  if (cp < 0x80) return static_cast<uint32_t>(std::tolower(static_cast<int>(cp)));
  locale_t loc = Utf8Locale();
  return loc ? static_cast<uint32_t>(towlower_l(static_cast<wint_t>(cp), loc)) : cp;
}

uint32_t ToUpperCp(uint32_t cp) {
  if (cp < 0x80) return static_cast<uint32_t>(std::toupper(static_cast<int>(cp)));
  locale_t loc = Utf8Locale();
  return loc ? static_cast<uint32_t>(towupper_l(static_cast<wint_t>(cp), loc)) : cp;
}

bool IsAlnumCp(uint32_t cp) {
  if (cp < 0x80) return std::isalnum(static_cast<int>(cp)) != 0;
  locale_t loc = Utf8Locale();
  return loc ? iswalnum_l(static_cast<wint_t>(cp), loc) != 0 : false;
}

template <bool kUpper>
void MapCase(std::string_view s, std::string& out) {
  out.clear();
  if (IsAscii(s)) {
    out.resize(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      if constexpr (kUpper) {
        out[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      } else {
        out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      }
    }
    return;
  }
  size_t p = 0;
  while (p < s.size()) {
    const uint32_t cp = DecodeUtf8(s, &p);
    AppendUtf8(out, kUpper ? ToUpperCp(cp) : ToLowerCp(cp));
  }
}

// ---------------------------------------------------------------------------------------------
// MD5 (RFC 1321)

std::string Md5Hex(std::string_view input) {
  static constexpr uint32_t kK[64] = {
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
      0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
      0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
      0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
      0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
      0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
      0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
      0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
      0xeb86d391};
  static constexpr int kShift[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                     5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                     4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                     6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
  uint32_t a0 = 0x67452301, b0 = 0xefcdab89, c0 = 0x98badcfe, d0 = 0x10325476;
  std::string msg(input);
  const uint64_t bit_len = static_cast<uint64_t>(input.size()) * 8;
  msg += static_cast<char>(0x80);
  while (msg.size() % 64 != 56) msg += '\0';
  for (int i = 0; i < 8; ++i) msg += static_cast<char>((bit_len >> (8 * i)) & 0xff);
  for (size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    uint32_t m[16];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + chunk + 4 * i);
      m[i] = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
    }
    uint32_t a = a0, b = b0, c = c0, d = d0;
    for (int i = 0; i < 64; ++i) {
      uint32_t f;
      int g;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      f = f + a + kK[i] + m[g];
      a = d;
      d = c;
      c = b;
      b = b + ((f << kShift[i]) | (f >> (32 - kShift[i])));
    }
    a0 += a;
    b0 += b;
    c0 += c;
    d0 += d;
  }
  std::string out;
  for (uint32_t v : {a0, b0, c0, d0}) {
    for (int i = 0; i < 4; ++i) out += fmt::format("{:02x}", (v >> (8 * i)) & 0xff);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Kernel helpers

// Readers are cheap to construct but kernels are called per batch, not per row: the row lambdas
// below take the argument Datums and build readers once per call through this cache.
struct Readers {
  explicit Readers(std::span<const Datum> args) {
    for (const Datum& d : args) {
      if (d.type().is_binary_like() || d.type().id() == TypeId::kNull) {
        str.emplace_back(d);
        num.emplace_back(ZeroInt64Datum());
      } else {
        str.emplace_back(EmptyStringDatum());
        num.emplace_back(d);
      }
    }
  }
  std::vector<StrReader> str;
  std::vector<IntReader> num;
};

// A kernel over readers: body(readers, i, out) -> Status.
template <typename Body>
ScalarKernel StrFn(Body body) {
  return [body](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
    Readers r(args);
    std::string scratch;
    return MapRows<StringWriter>(DataType::String(), args, rows,
                                 [&](int64_t i, StringWriter& out) -> Status {
                                   scratch.clear();
                                   ARK_RETURN_IF_ERROR(body(r, i, scratch));
                                   out.Put(i, scratch);
                                   return Status::OK();
                                 });
  };
}

template <typename T, typename Body>
ScalarKernel NumFn(DataType out_type, Body body) {
  return [body, out_type](KernelContext&, std::span<const Datum> args,
                          int64_t rows) -> Result<Datum> {
    Readers r(args);
    return MapRows<WriterFor<T>>(out_type, args, rows, [&](int64_t i, WriterFor<T>& out) -> Status {
      ARK_ASSIGN_OR_RETURN(T v, body(r, i));
      out.Put(i, v);
      return Status::OK();
    });
  };
}

// PostgreSQL substring: characters [start, start + length) counted from 1, clamped.
Status Substring(std::string_view s, int64_t start, std::optional<int64_t> length,
                 std::string& out) {
  if (length && *length < 0) {
    return Status::InvalidArgument("negative substring length not allowed");
  }
  const int64_t s1 = std::max<int64_t>(start, 1);
  int64_t count = std::numeric_limits<int64_t>::max();
  if (length) {
    const __int128 end = static_cast<__int128>(start) + *length;
    if (end <= s1) return Status::OK();
    count = static_cast<int64_t>(std::min<__int128>(end - s1, count));
  }
  const size_t from = Utf8Advance(s, 0, s1 - 1);
  const size_t to = Utf8Advance(s, from, count);
  out.assign(s.substr(from, to - from));
  return Status::OK();
}

// Byte ranges trimmed of characters in `chars` (a set of UTF-8 characters).
std::string_view TrimChars(std::string_view s, std::string_view chars, bool left, bool right) {
  if (IsAscii(chars)) {
    auto in_set = [&](char c) { return chars.find(c) != std::string_view::npos; };
    size_t b = 0, e = s.size();
    if (left) {
      while (b < e && in_set(s[b])) ++b;
    }
    if (right) {
      while (e > b && in_set(s[e - 1])) --e;
    }
    if (IsAscii(s) || (b == 0 && e == s.size())) return s.substr(b, e - b);
  }
  const std::vector<uint32_t> set = CodePoints(chars);
  auto in_set = [&](uint32_t cp) { return std::find(set.begin(), set.end(), cp) != set.end(); };
  // Character boundaries of s.
  std::vector<size_t> starts;
  std::vector<uint32_t> cps;
  size_t p = 0;
  while (p < s.size()) {
    starts.push_back(p);
    cps.push_back(DecodeUtf8(s, &p));
  }
  size_t b = 0, e = cps.size();
  if (left) {
    while (b < e && in_set(cps[b])) ++b;
  }
  if (right) {
    while (e > b && in_set(cps[e - 1])) --e;
  }
  const size_t bs = b < starts.size() ? starts[b] : s.size();
  const size_t es = e < starts.size() ? starts[e] : s.size();
  return s.substr(bs, es - bs);
}

Status SplitPart(std::string_view s, std::string_view delim, int64_t n, std::string& out) {
  if (n == 0) return Status::InvalidArgument("field position must not be zero");
  if (delim.empty()) {
    if (n == 1 || n == -1) out.assign(s);
    return Status::OK();
  }
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t f = s.find(delim, start);
    if (f == std::string_view::npos) {
      parts.push_back(s.substr(start));
      break;
    }
    parts.push_back(s.substr(start, f - start));
    start = f + delim.size();
  }
  const int64_t count = static_cast<int64_t>(parts.size());
  const int64_t idx = n > 0 ? n - 1 : count + n;
  if (idx >= 0 && idx < count) out.assign(parts[static_cast<size_t>(idx)]);
  return Status::OK();
}

Status Pad(std::string_view s, int64_t len, std::string_view fill, bool left, std::string& out) {
  if (len <= 0) return Status::OK();
  if (len > (int64_t{1} << 28)) return Status::InvalidArgument("requested length too large");
  const int64_t have = Utf8Length(s);
  if (have >= len) {
    out.assign(s.substr(0, Utf8Advance(s, 0, len)));
    return Status::OK();
  }
  if (fill.empty()) {
    out.assign(s);
    return Status::OK();
  }
  std::string padding;
  int64_t need = len - have;
  size_t p = 0;
  while (need > 0) {
    if (p >= fill.size()) p = 0;
    const size_t q = Utf8Advance(fill, p, 1);
    padding.append(fill.substr(p, q - p));
    p = q;
    --need;
  }
  if (left) {
    out = padding;
    out.append(s);
  } else {
    out.assign(s);
    out += padding;
  }
  return Status::OK();
}

// concat/concat_ws: every argument as string, NULLs skipped.
ScalarBinder ConcatBinder(std::string name, bool with_separator) {
  return
      [name, with_separator](std::span<const DataType> types,
                             std::span<const std::optional<Value>>) -> Result<BoundScalarFunction> {
        if (types.size() < (with_separator ? 2u : 1u)) {
          return Status::TypeError("function {} needs at least {} argument{}", name,
                                   with_separator ? 2 : 1, with_separator ? "s" : "");
        }
        ScalarKernel kernel = [with_separator](KernelContext&, std::span<const Datum> args,
                                               int64_t rows) -> Result<Datum> {
          const bool scalar = AllScalar(args);
          const int64_t n = scalar ? 1 : rows;
          std::vector<StrReader> readers;
          std::vector<const Column*> columns;
          for (const Datum& d : args) {
            readers.emplace_back(d);
            columns.push_back(d.is_column() ? d.column().get() : nullptr);
          }
          auto is_null = [&](size_t k, int64_t i) {
            return columns[k] ? columns[k]->IsNull(i) : args[k].scalar().is_null();
          };
          StringWriter out(DataType::String(), n);
          for (int64_t i = 0; i < n; ++i) {
            size_t first = 0;
            if (with_separator) {
              if (is_null(0, i)) {
                out.PutNull(i);
                continue;
              }
              first = 1;
            }
            bool any = false;
            for (size_t k = first; k < readers.size(); ++k) {
              if (is_null(k, i)) continue;
              if (with_separator && any) out.data().Append(readers[0][i]);
              out.data().Append(readers[k][i]);
              any = true;
            }
            out.Commit(i);
          }
          return ToDatum(out.Finish(), scalar);
        };
        return MakeBound(name, std::vector<DataType>(types.size(), DataType::String()),
                         DataType::String(), kernel);
      };
}

// lower/upper: a column of ASCII text is mapped byte by byte into one buffer (same offsets);
// anything else goes through the UTF-8 path row by row.
template <bool kUpper>
Result<Datum> MapCaseKernel(KernelContext&, std::span<const Datum> args, int64_t rows) {
  if (args[0].is_column() && args[0].column()->type_id() == TypeId::kString) {
    const Column& c = *args[0].column();
    const int32_t* o = c.offsets();
    const int32_t base = rows ? o[0] : 0;
    const int64_t bytes = rows ? o[rows] - base : 0;
    const auto* src = reinterpret_cast<const uint8_t*>(c.string_data()) + base;
    uint8_t any_high = 0;
    for (int64_t i = 0; i < bytes; ++i) any_high |= src[i];
    if ((any_high & 0x80) == 0) {
      auto data = Buffer::Allocate(static_cast<size_t>(bytes));
      uint8_t* dst = data->mutable_data();
      for (int64_t i = 0; i < bytes; ++i) {
        const uint8_t ch = src[i];
        if constexpr (kUpper) {
          dst[i] = static_cast<uint8_t>(ch - (static_cast<unsigned>(ch - 'a') < 26u ? 32 : 0));
        } else {
          dst[i] = static_cast<uint8_t>(ch + (static_cast<unsigned>(ch - 'A') < 26u ? 32 : 0));
        }
      }
      auto offsets = Buffer::Allocate(static_cast<size_t>(rows + 1) * sizeof(int32_t));
      int32_t* oo = reinterpret_cast<int32_t*>(offsets->mutable_data());
      for (int64_t i = 0; i <= rows; ++i) oo[i] = o[i] - base;
      return Datum(Column::Make(DataType::String(), rows,
                                {AlignedValidity(c), std::move(offsets), std::move(data)}, {},
                                c.null_count()));
    }
  }
  StrReader s(args[0]);
  std::string scratch;
  return MapRows<StringWriter>(DataType::String(), args, rows,
                               [&](int64_t i, StringWriter& out) -> Status {
                                 MapCase<kUpper>(s[i], scratch);
                                 out.Put(i, scratch);
                                 return Status::OK();
                               });
}

Result<Datum> ConcatStrings(KernelContext&, std::span<const Datum> args, int64_t rows) {
  StrReader a(args[0]), b(args[1]);
  return MapRows<StringWriter>(args[0].type(), args, rows,
                               [&](int64_t i, StringWriter& out) -> Status {
                                 out.data().Append(a[i]);
                                 out.data().Append(b[i]);
                                 out.Commit(i);
                                 return Status::OK();
                               });
}

Result<BoundScalarFunction> BindConcatOperator(std::span<const DataType> types,
                                               std::span<const std::optional<Value>> constants) {
  if (types.size() != 2) return NoMatchingOverload("||", types, {});
  const DataType& a = types[0];
  const DataType& b = types[1];
  if (a.id() == TypeId::kList || b.id() == TypeId::kList) {
    return BindListConcat("||", types, constants);
  }
  if (a.id() == TypeId::kBinary && (b.id() == TypeId::kBinary || b.id() == TypeId::kNull)) {
    return MakeBound("||", {kBin, kBin}, kBin, ConcatStrings);
  }
  if (b.id() == TypeId::kBinary && a.id() == TypeId::kNull) {
    return MakeBound("||", {kBin, kBin}, kBin, ConcatStrings);
  }
  // PostgreSQL's anynonarray || text: the other side is converted to text.
  if (a.id() == TypeId::kString || b.id() == TypeId::kString ||
      (a.id() == TypeId::kNull && b.id() == TypeId::kNull)) {
    return MakeBound("||", {kStr, kStr}, kStr, ConcatStrings);
  }
  return NoMatchingOverload("||", types, {});
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry& registry) {
  registry.AddScalar(
      "lower", OverloadBinder("lower", {{{kStr}, kStr, MapCaseKernel<false>}}),
      {"string", "lower(s string) → string", "Converts to lower case.", "lower('TOM') → 'tom'"});
  registry.AddScalar(
      "upper", OverloadBinder("upper", {{{kStr}, kStr, MapCaseKernel<true>}}),
      {"string", "upper(s string) → string", "Converts to upper case.", "upper('tom') → 'TOM'"});
  registry.AddScalar(
      "initcap",
      OverloadBinder("initcap",
                     {{{kStr}, kStr, StrFn([](Readers& r, int64_t i, std::string& out) {
                         std::string_view s = r.str[0][i];
                         size_t p = 0;
                         bool in_word = false;
                         while (p < s.size()) {
                           const uint32_t cp = DecodeUtf8(s, &p);
                           const bool alnum = IsAlnumCp(cp);
                           AppendUtf8(out, alnum ? (in_word ? ToLowerCp(cp) : ToUpperCp(cp)) : cp);
                           in_word = alnum;
                         }
                         return Status::OK();
                       })}}),
      {"string", "initcap(s string) → string",
       "Upper-cases the first letter of each word and lower-cases the rest (words are runs of "
       "letters and digits).",
       "initcap('hi THOMAS') → 'Hi Thomas'"});

  auto char_length = NumFn<int32_t>(kI32, [](Readers& r, int64_t i) -> Result<int32_t> {
    return static_cast<int32_t>(Utf8Length(r.str[0][i]));
  });
  auto byte_length = NumFn<int32_t>(kI32, [](Readers& r, int64_t i) -> Result<int32_t> {
    return static_cast<int32_t>(r.str[0][i].size());
  });
  registry.AddScalar(
      "length",
      OverloadBinder("length", {{{kStr}, kI32, char_length}, {{kBin}, kI32, byte_length}}),
      {"string", "length(s string) → int32", "Number of characters (bytes for binary).",
       "length('jose') → 4"});
  registry.AddAlias("char_length", "length");
  registry.AddAlias("character_length", "length");
  registry.AddScalar(
      "octet_length",
      OverloadBinder("octet_length", {{{kStr}, kI32, byte_length}, {{kBin}, kI32, byte_length}}),
      {"string", "octet_length(s string) → int32", "Number of bytes.", "octet_length('josé') → 5"});

  registry.AddScalar(
      "substr",
      OverloadBinder("substr",
                     {{{kStr, kI64}, kStr, StrFn([](Readers& r, int64_t i, std::string& out) {
                         return Substring(r.str[0][i], r.num[1][i], std::nullopt, out);
                       })},
                      {{kStr, kI64, kI64}, kStr, StrFn([](Readers& r, int64_t i, std::string& out) {
                         return Substring(r.str[0][i], r.num[1][i], r.num[2][i], out);
                       })}}),
      {"string", "substr(s string, start int64 [, length int64]) → string",
       "The characters from position `start` (1-based), `length` of them or to the end.",
       "substr('alphabet', 3, 2) → 'ph'"});
  registry.AddAlias("substring", "substr");

  auto strpos = [](std::string_view s, std::string_view sub) -> int32_t {
    const size_t f = s.find(sub);
    if (f == std::string_view::npos) return 0;
    return static_cast<int32_t>(Utf8Length(s.substr(0, f)) + 1);
  };
  registry.AddScalar(
      "strpos",
      OverloadBinder("strpos", {{{kStr, kStr},
                                 kI32,
                                 NumFn<int32_t>(kI32,
                                                [strpos](Readers& r, int64_t i) -> Result<int32_t> {
                                                  return strpos(r.str[0][i], r.str[1][i]);
                                                })}}),
      {"string", "strpos(s string, substring string) → int32",
       "Position (1-based, in characters) of the first occurrence of substring, "
       "0 when absent.",
       "strpos('high', 'ig') → 2"});
  registry.AddScalar(
      "position",
      OverloadBinder("position",
                     {{{kStr, kStr},
                       kI32,
                       NumFn<int32_t>(kI32,
                                      [strpos](Readers& r, int64_t i) -> Result<int32_t> {
                                        return strpos(r.str[0][i], r.str[1][i]);
                                      })}}),
      // The parser rewrites POSITION(substring IN s) into position(s, substring), as
      // PostgreSQL does; the function itself takes strpos's argument order.
      {"string", "position(substring string IN s string) → int32",
       "Same as strpos(s, substring); the plain call position(s, substring) takes strpos's "
       "argument order, as in PostgreSQL.",
       "position('om' IN 'Thomas') → 3"});

  auto trim_sig = [](bool left, bool right) {
    return std::vector<Signature>{
        {{kStr}, kStr, StrFn([left, right](Readers& r, int64_t i, std::string& out) {
           out.assign(TrimChars(r.str[0][i], " ", left, right));
           return Status::OK();
         })},
        {{kStr, kStr}, kStr, StrFn([left, right](Readers& r, int64_t i, std::string& out) {
           out.assign(TrimChars(r.str[0][i], r.str[1][i], left, right));
           return Status::OK();
         })}};
  };
  registry.AddScalar("btrim", OverloadBinder("btrim", trim_sig(true, true)),
                     {"string", "btrim(s string [, characters string]) → string",
                      "Removes the longest string of `characters` (default a space) from both "
                      "ends.",
                      "btrim('xyxtrimyyx', 'xyz') → 'trim'"});
  registry.AddAlias("trim", "btrim");
  registry.AddScalar("ltrim", OverloadBinder("ltrim", trim_sig(true, false)),
                     {"string", "ltrim(s string [, characters string]) → string",
                      "Removes `characters` (default a space) from the start.",
                      "ltrim('zzzytest', 'xyz') → 'test'"});
  registry.AddScalar("rtrim", OverloadBinder("rtrim", trim_sig(false, true)),
                     {"string", "rtrim(s string [, characters string]) → string",
                      "Removes `characters` (default a space) from the end.",
                      "rtrim('testxxzx', 'xyz') → 'test'"});

  registry.AddScalar(
      "replace",
      OverloadBinder("replace",
                     {{{kStr, kStr, kStr}, kStr, StrFn([](Readers& r, int64_t i, std::string& out) {
                         std::string_view s = r.str[0][i], from = r.str[1][i], to = r.str[2][i];
                         if (from.empty()) {
                           out.assign(s);
                           return Status::OK();
                         }
                         size_t start = 0;
                         while (true) {
                           const size_t f = s.find(from, start);
                           if (f == std::string_view::npos) break;
                           out.append(s.substr(start, f - start));
                           out.append(to);
                           start = f + from.size();
                         }
                         out.append(s.substr(start));
                         return Status::OK();
                       })}}),
      {"string", "replace(s string, from string, to string) → string",
       "Replaces every occurrence of `from` with `to`.",
       "replace('abcdefabcdef', 'cd', 'XX') → 'abXXefabXXef'"});

  registry.AddScalar(
      "split_part",
      OverloadBinder("split_part",
                     {{{kStr, kStr, kI32}, kStr, StrFn([](Readers& r, int64_t i, std::string& out) {
                         return SplitPart(r.str[0][i], r.str[1][i], r.num[2][i], out);
                       })}}),
      {"string", "split_part(s string, delimiter string, n int32) → string",
       "The n-th field (1-based; negative counts from the end) of s split at delimiter.",
       "split_part('abc~@~def~@~ghi', '~@~', 2) → 'def'"});

  auto bool_fn = [](auto pred) {
    return NumFn<bool>(kBool, [pred](Readers& r, int64_t i) -> Result<bool> {
      return pred(r.str[0][i], r.str[1][i]);
    });
  };
  registry.AddScalar(
      "starts_with",
      OverloadBinder("starts_with",
                     {{{kStr, kStr}, kBool, bool_fn([](std::string_view s, std::string_view p) {
                         return s.starts_with(p);
                       })}}),
      {"string", "starts_with(s string, prefix string) → bool", "True when s starts with prefix.",
       "starts_with('alphabet', 'alph') → true"});
  registry.AddScalar(
      "ends_with",
      OverloadBinder("ends_with",
                     {{{kStr, kStr}, kBool, bool_fn([](std::string_view s, std::string_view p) {
                         return s.ends_with(p);
                       })}}),
      {"string", "ends_with(s string, suffix string) → bool", "True when s ends with suffix.",
       "ends_with('alphabet', 'bet') → true"});
  registry.AddScalar(
      "contains",
      OverloadBinder("contains",
                     {{{kStr, kStr}, kBool, bool_fn([](std::string_view s, std::string_view p) {
                         return s.find(p) != std::string_view::npos;
                       })}}),
      {"string", "contains(s string, substring string) → bool", "True when substring occurs in s.",
       "contains('alphabet', 'pha') → true"});

  registry.AddScalar("concat", ConcatBinder("concat", false),
                     {"string", "concat(a, b, ...) → string",
                      "Concatenates the text of every argument, skipping NULLs.",
                      "concat('abcde', 2, NULL, 22) → 'abcde222'"});
  registry.AddScalar("concat_ws", ConcatBinder("concat_ws", true),
                     {"string", "concat_ws(separator string, a, b, ...) → string",
                      "Concatenates the non-NULL arguments with a separator.",
                      "concat_ws(',', 'abcde', 2, NULL, 22) → 'abcde,2,22'"});

  auto pad_sigs = [](bool left) {
    return std::vector<Signature>{
        {{kStr, kI32}, kStr, StrFn([left](Readers& r, int64_t i, std::string& out) {
           return Pad(r.str[0][i], r.num[1][i], " ", left, out);
         })},
        {{kStr, kI32, kStr}, kStr, StrFn([left](Readers& r, int64_t i, std::string& out) {
           return Pad(r.str[0][i], r.num[1][i], r.str[2][i], left, out);
         })}};
  };
  registry.AddScalar("lpad", OverloadBinder("lpad", pad_sigs(true)),
                     {"string", "lpad(s string, length int32 [, fill string]) → string",
                      "Extends s to `length` characters by prepending `fill` (default a space), "
                      "or truncates it.",
                      "lpad('hi', 5, 'xy') → 'xyxhi'"});
  registry.AddScalar("rpad", OverloadBinder("rpad", pad_sigs(false)),
                     {"string", "rpad(s string, length int32 [, fill string]) → string",
                      "Extends s to `length` characters by appending `fill` (default a space), "
                      "or truncates it.",
                      "rpad('hi', 5, 'xy') → 'hixyx'"});

  registry.AddScalar(
      "repeat",
      OverloadBinder("repeat",
                     {{{kStr, kI32}, kStr, StrFn([](Readers& r, int64_t i, std::string& out) {
                         std::string_view s = r.str[0][i];
                         const int64_t n = r.num[1][i];
                         if (n <= 0 || s.empty()) return Status::OK();
                         if (static_cast<__int128>(n) * s.size() > (1 << 28)) {
                           return Status::InvalidArgument("requested length too large");
                         }
                         out.reserve(s.size() * static_cast<size_t>(n));
                         for (int64_t k = 0; k < n; ++k) out.append(s);
                         return Status::OK();
                       })}}),
      {"string", "repeat(s string, n int32) → string", "s repeated n times.",
       "repeat('Pg', 4) → 'PgPgPgPg'"});

  registry.AddScalar(
      "reverse",
      OverloadBinder("reverse", {{{kStr}, kStr, StrFn([](Readers& r, int64_t i, std::string& out) {
                                    std::string_view s = r.str[0][i];
                                    size_t end = s.size();
                                    while (end > 0) {
                                      size_t start = end - 1;
                                      while (start > 0 &&
                                             IsContinuation(static_cast<unsigned char>(s[start])))
                                        --start;
                                      out.append(s.substr(start, end - start));
                                      end = start;
                                    }
                                    return Status::OK();
                                  })}}),
      {"string", "reverse(s string) → string", "The characters of s in reverse order.",
       "reverse('abcde') → 'edcba'"});

  registry.AddScalar(
      "left",
      OverloadBinder("left",
                     {{{kStr, kI32}, kStr, StrFn([](Readers& r, int64_t i, std::string& out) {
                         std::string_view s = r.str[0][i];
                         int64_t n = r.num[1][i];
                         if (n < 0) n = std::max<int64_t>(0, Utf8Length(s) + n);
                         out.assign(s.substr(0, Utf8Advance(s, 0, n)));
                         return Status::OK();
                       })}}),
      {"string", "left(s string, n int32) → string",
       "The first n characters (all but the last |n| when n is negative).",
       "left('abcde', 2) → 'ab'"});
  registry.AddScalar(
      "right",
      OverloadBinder("right",
                     {{{kStr, kI32}, kStr, StrFn([](Readers& r, int64_t i, std::string& out) {
                         std::string_view s = r.str[0][i];
                         const int64_t len = Utf8Length(s);
                         int64_t n = r.num[1][i];
                         const int64_t skip =
                             n >= 0 ? std::max<int64_t>(0, len - n) : std::min(len, -n);
                         out.assign(s.substr(Utf8Advance(s, 0, skip)));
                         return Status::OK();
                       })}}),
      {"string", "right(s string, n int32) → string",
       "The last n characters (all but the first |n| when n is negative).",
       "right('abcde', 2) → 'de'"});

  auto md5 = StrFn([](Readers& r, int64_t i, std::string& out) {
    out = Md5Hex(r.str[0][i]);
    return Status::OK();
  });
  registry.AddScalar(
      "md5", OverloadBinder("md5", {{{kStr}, kStr, md5}, {{kBin}, kStr, md5}}),
      {"string", "md5(s string) → string", "MD5 hash of the bytes, as 32 lower-case hex digits.",
       "md5('abc') → '900150983cd24fb0d6963f7d28e17f72'"});

  registry.AddScalar(
      "ascii",
      OverloadBinder("ascii", {{{kStr},
                                kI32,
                                NumFn<int32_t>(kI32,
                                               [](Readers& r, int64_t i) -> Result<int32_t> {
                                                 std::string_view s = r.str[0][i];
                                                 if (s.empty()) return 0;
                                                 size_t p = 0;
                                                 return static_cast<int32_t>(DecodeUtf8(s, &p));
                                               })}}),
      {"string", "ascii(s string) → int32", "Code point of the first character (0 for '').",
       "ascii('x') → 120"});
  registry.AddScalar(
      "chr",
      OverloadBinder("chr", {{{kI32}, kStr, StrFn([](Readers& r, int64_t i, std::string& out) {
                                const int64_t cp = r.num[0][i];
                                if (cp == 0)
                                  return Status::InvalidArgument("null character not permitted");
                                if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                                  return Status::InvalidArgument(
                                      "requested character too large for encoding: {}", cp);
                                }
                                AppendUtf8(out, static_cast<uint32_t>(cp));
                                return Status::OK();
                              })}}),
      {"string", "chr(code int32) → string", "The character with the given code point.",
       "chr(65) → 'A'"});

  registry.AddScalar(
      "translate",
      OverloadBinder("translate",
                     {{{kStr, kStr, kStr}, kStr, StrFn([](Readers& r, int64_t i, std::string& out) {
                         const std::vector<uint32_t> from = CodePoints(r.str[1][i]);
                         const std::vector<uint32_t> to = CodePoints(r.str[2][i]);
                         std::string_view s = r.str[0][i];
                         size_t p = 0;
                         while (p < s.size()) {
                           const uint32_t cp = DecodeUtf8(s, &p);
                           auto it = std::find(from.begin(), from.end(), cp);
                           if (it == from.end()) {
                             AppendUtf8(out, cp);
                           } else {
                             const size_t k = static_cast<size_t>(it - from.begin());
                             if (k < to.size()) AppendUtf8(out, to[k]);
                           }
                         }
                         return Status::OK();
                       })}}),
      {"string", "translate(s string, from string, to string) → string",
       "Replaces each character of s found in `from` by the character at the same position "
       "in `to` (deleted when `to` is shorter).",
       "translate('12345', '143', 'ax') → 'a2x5'"});

  const DataType list_str = DataType::List(kStr);
  auto to_array = [list_str](bool with_null) {
    return [list_str, with_null](KernelContext&, std::span<const Datum> args,
                                 int64_t rows) -> Result<Datum> {
      // Only the string argument makes the result NULL; a NULL delimiter splits into characters.
      const Datum& sd = args[0];
      if (sd.is_scalar() && sd.scalar().is_null()) return Datum(Value::Null(list_str));
      const bool scalar = AllScalar(args);
      const int64_t n = scalar ? 1 : rows;
      StrReader s(args[0]), d(args[1]);
      std::optional<StrReader> null_str;
      if (with_null) null_str.emplace(args[2]);
      auto is_null = [&](size_t k, int64_t i) {
        return args[k].is_scalar() ? args[k].scalar().is_null() : args[k].column()->IsNull(i);
      };
      ListBuilder out(list_str);
      auto& values = static_cast<StringBuilder&>(out.values());
      for (int64_t i = 0; i < n; ++i) {
        if (is_null(0, i)) {
          out.AppendNull();
          continue;
        }
        out.Append();
        std::string_view str = s[i];
        if (str.empty()) continue;
        auto emit = [&](std::string_view part) {
          if (with_null && !is_null(2, i) && part == (*null_str)[i]) {
            values.AppendNull();
          } else {
            values.Append(part);
          }
        };
        if (is_null(1, i)) {
          size_t p = 0;
          while (p < str.size()) {
            const size_t q = Utf8Advance(str, p, 1);
            emit(str.substr(p, q - p));
            p = q;
          }
          continue;
        }
        std::string_view delim = d[i];
        if (delim.empty()) {
          emit(str);
          continue;
        }
        size_t start = 0;
        while (true) {
          const size_t f = str.find(delim, start);
          if (f == std::string_view::npos) {
            emit(str.substr(start));
            break;
          }
          emit(str.substr(start, f - start));
          start = f + delim.size();
        }
      }
      return ToDatum(out.Finish(), scalar);
    };
  };
  registry.AddScalar(
      "string_to_array",
      OverloadBinder("string_to_array", {{{kStr, kStr}, list_str, to_array(false)},
                                         {{kStr, kStr, kStr}, list_str, to_array(true)}}),
      {"string",
       "string_to_array(s string, delimiter string [, null_string string]) → list<string>",
       "Splits s at each delimiter (into characters when the delimiter is NULL); "
       "fields equal to null_string become NULL.",
       "string_to_array('xx~yy~zz', '~') → ['xx', 'yy', 'zz']"});
  registry.AddAlias("string_split", "string_to_array");

  registry.AddScalar("||", BindConcatOperator,
                     {"operator", "a || b",
                      "Concatenation of strings (a non-string side is converted to text; NULL "
                      "when either is NULL), of binary values, and of lists.",
                      "'Post' || 'greSQL' → 'PostgreSQL'"});
}

}  // namespace ark::sql
