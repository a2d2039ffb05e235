// Pattern matching: LIKE / ILIKE (with ESCAPE), SIMILAR TO, the POSIX-style operators ~ and ~*
// (regexp_like / regexp_ilike), and regexp_match, regexp_replace, regexp_extract, regexp_count.
//
// Regular expressions are RE2 (close to PostgreSQL's ARE for everyday patterns; no
// backreferences). A constant pattern is compiled once when the query is bound, so an invalid
// pattern is reported before any row is read; a pattern that varies per row is compiled when it
// changes. Like PostgreSQL, `.` matches a newline unless the 'n' flag is given.
//
// LIKE patterns of the common shapes ('abc', 'abc%', '%abc', '%abc%') run as plain byte
// comparisons; the rest are translated to an anchored RE2 pattern.

#include <cstring>
#include <memory>
#include <string>

#include <re2/re2.h>

#include <fmt/format.h>

#include "sql/functions/scalar_kernel.h"

namespace ark::sql {

namespace {

const DataType kStr = DataType::String();
const DataType kBool = DataType::Bool();
const DataType kI32 = DataType::Int32();
const DataType kI64 = DataType::Int64();

struct RegexFlags {
  bool case_insensitive = false;
  bool global = false;
  bool newline_sensitive = false;
};

Result<RegexFlags> ParseFlags(std::string_view function, std::string_view flags) {
  RegexFlags f;
  for (char c : flags) {
    switch (c) {
      case 'i':
        f.case_insensitive = true;
        break;
      case 'c':
        f.case_insensitive = false;
        break;
      case 'g':
        f.global = true;
        break;
      case 'n':
      case 'm':
        f.newline_sensitive = true;
        break;
      case 's':
      case 'p':
      case 'w':
        break;  // accepted for compatibility; RE2 needs nothing for them
      default:
        return Status::InvalidArgument("{}: invalid regular expression option: \"{}\"", function,
                                       c);
    }
  }
  return f;
}

Result<std::shared_ptr<const RE2>> Compile(std::string_view pattern, const RegexFlags& flags) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(!flags.case_insensitive);
  options.set_dot_nl(!flags.newline_sensitive);
  std::string text(pattern);
  if (flags.newline_sensitive) text = "(?m)" + text;
  auto re = std::make_shared<const RE2>(text, options);
  if (!re->ok()) {
    return Status::InvalidArgument("invalid regular expression \"{}\": {}", pattern, re->error());
  }
  return std::shared_ptr<const RE2>(std::move(re));
}

// A pattern argument: compiled once when constant, else compiled per distinct value.
class PatternCache {
 public:
  PatternCache(std::shared_ptr<const RE2> constant, RegexFlags flags)
      : constant_(std::move(constant)), flags_(flags) {}

  Result<const RE2*> Get(std::string_view pattern) {
    if (constant_) return constant_.get();
    if (!last_ || pattern != last_pattern_) {
      ARK_ASSIGN_OR_RETURN(last_, Compile(pattern, flags_));
      last_pattern_.assign(pattern);
    }
    return last_.get();
  }

 private:
  std::shared_ptr<const RE2> constant_;
  RegexFlags flags_;
  std::shared_ptr<const RE2> last_;
  std::string last_pattern_;
};

// The constant text of argument i, when there is one.
std::optional<std::string> ConstantText(std::span<const std::optional<Value>> constants, size_t i) {
  if (i >= constants.size() || !constants[i] || constants[i]->is_null()) return std::nullopt;
  if (!constants[i]->type().is_binary_like()) return std::nullopt;
  return constants[i]->string_value();
}

// Flags: constant (required) text argument `i`, or none.
Result<RegexFlags> ConstantFlags(std::string_view function,
                                 std::span<const std::optional<Value>> constants, size_t i,
                                 size_t nargs) {
  if (i >= nargs) return RegexFlags{};
  std::optional<std::string> text = ConstantText(constants, i);
  if (!text) return Status::InvalidArgument("{}: the flags argument must be a constant", function);
  return ParseFlags(function, *text);
}

// Compiles argument `i` when it is a constant pattern.
Result<std::shared_ptr<const RE2>> ConstantPattern(std::span<const std::optional<Value>> constants,
                                                   size_t i, const RegexFlags& flags) {
  std::optional<std::string> text = ConstantText(constants, i);
  if (!text) return std::shared_ptr<const RE2>();
  return Compile(*text, flags);
}

// ---------------------------------------------------------------------------------------------
// LIKE

struct LikeMatcher {
  enum class Kind { kExact, kPrefix, kSuffix, kContains, kAll, kRegex };
  Kind kind = Kind::kRegex;
  std::string needle;
  std::shared_ptr<const RE2> re;

  // Short haystacks (the usual column value) are scanned for the first byte directly; long ones
  // go to memmem.
  bool Contains(std::string_view s) const {
    const size_t m = needle.size();
    if (m > s.size()) return false;
    if (s.size() > 64) return memmem(s.data(), s.size(), needle.data(), m) != nullptr;
    const char first = needle[0];
    const size_t last = s.size() - m;
    for (size_t i = 0; i <= last; ++i) {
      if (s[i] == first && std::memcmp(s.data() + i + 1, needle.data() + 1, m - 1) == 0) {
        return true;
      }
    }
    return false;
  }

  bool Match(std::string_view s) const {
    switch (kind) {
      case Kind::kExact:
        return s == needle;
      case Kind::kPrefix:
        return s.starts_with(needle);
      case Kind::kSuffix:
        return s.ends_with(needle);
      case Kind::kContains:
        return Contains(s);
      case Kind::kAll:
        return true;
      case Kind::kRegex:
        return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re);
    }
    return false;
  }
};

// Translates a LIKE pattern; `escape` < 0 means no escape character.
Result<LikeMatcher> CompileLike(std::string_view pattern, int escape, bool case_insensitive) {
  enum class PartKind { kLiteral, kPercent, kUnderscore };
  struct Part {
    PartKind kind;
    std::string text;
  };
  std::vector<Part> parts;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) parts.push_back({PartKind::kLiteral, std::move(literal)});
    literal.clear();
  };
  bool has_underscore = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (escape >= 0 && c == static_cast<char>(escape)) {
      if (i + 1 >= pattern.size()) {
        return Status::InvalidArgument("LIKE pattern must not end with escape character");
      }
      literal += pattern[++i];
    } else if (c == '%') {
      flush();
      parts.push_back({PartKind::kPercent, {}});
    } else if (c == '_') {
      flush();
      has_underscore = true;
      parts.push_back({PartKind::kUnderscore, {}});
    } else {
      literal += c;
    }
  }
  flush();

  LikeMatcher m;
  if (!case_insensitive && !has_underscore) {
    size_t literals = 0, lit = 0;
    for (size_t k = 0; k < parts.size(); ++k) {
      if (parts[k].kind == PartKind::kLiteral) {
        ++literals;
        lit = k;
      }
    }
    if (parts.empty()) {
      m.kind = LikeMatcher::Kind::kExact;
      return m;
    }
    if (literals == 0) {
      m.kind = LikeMatcher::Kind::kAll;
      return m;
    }
    if (literals == 1) {
      const bool before = lit > 0;
      const bool after = lit + 1 < parts.size();
      m.needle = parts[lit].text;
      m.kind = before ? (after ? LikeMatcher::Kind::kContains : LikeMatcher::Kind::kSuffix)
                      : (after ? LikeMatcher::Kind::kPrefix : LikeMatcher::Kind::kExact);
      return m;
    }
  }
  std::string regex;
  for (const Part& part : parts) {
    switch (part.kind) {
      case PartKind::kPercent:
        regex += ".*";
        break;
      case PartKind::kUnderscore:
        regex += ".";
        break;
      case PartKind::kLiteral:
        regex += RE2::QuoteMeta(part.text);
        break;
    }
  }
  RegexFlags flags;
  flags.case_insensitive = case_insensitive;
  ARK_ASSIGN_OR_RETURN(m.re, Compile(regex, flags));
  m.kind = LikeMatcher::Kind::kRegex;
  return m;
}

Result<int> EscapeChar(std::string_view function, std::string_view escape) {
  if (escape.empty()) return -1;
  if (escape.size() != 1) {
    return Status::InvalidArgument("{}: invalid escape string \"{}\" (must be one character)",
                                   function, escape);
  }
  return static_cast<unsigned char>(escape[0]);
}

ScalarBinder LikeBinder(std::string name, bool case_insensitive) {
  return [name, case_insensitive](
             std::span<const DataType> types,
             std::span<const std::optional<Value>> constants) -> Result<BoundScalarFunction> {
    if (types.size() != 2 && types.size() != 3) {
      return NoMatchingOverload(name, types,
                                std::vector<std::string>{name + "(string, string [, string])"});
    }
    for (size_t i = 0; i < types.size(); ++i) {
      if (ImplicitCastCost(types[i], kStr, IsStringLiteral(constants, i)) < 0) {
        return NoMatchingOverload(name, types,
                                  std::vector<std::string>{name + "(string, string [, string])"});
      }
    }
    int escape = '\\';
    bool constant_escape = true;
    if (types.size() == 3) {
      std::optional<std::string> e = ConstantText(constants, 2);
      if (e) {
        ARK_ASSIGN_OR_RETURN(escape, EscapeChar(name, *e));
      } else {
        constant_escape = false;
      }
    }
    std::shared_ptr<const LikeMatcher> fixed;
    if (std::optional<std::string> p = ConstantText(constants, 1); p && constant_escape) {
      ARK_ASSIGN_OR_RETURN(LikeMatcher m, CompileLike(*p, escape, case_insensitive));
      fixed = std::make_shared<const LikeMatcher>(std::move(m));
    }
    ScalarKernel kernel = [fixed, escape, constant_escape, case_insensitive, name](
                              KernelContext&, std::span<const Datum> args,
                              int64_t rows) -> Result<Datum> {
      StrReader s(args[0]), p(args[1]);
      std::optional<StrReader> e;
      if (args.size() == 3) e.emplace(args[2]);
      // Constant pattern, column input without nulls: a tight loop into bits.
      if (fixed && !args[0].is_scalar() && args[0].column()->null_count() == 0 &&
          (args.size() == 2 || args[2].is_scalar())) {
        auto values = FilledBitmap(rows, false);
        uint8_t* out = values->mutable_data();
        for (int64_t i = 0; i < rows; ++i) {
          if (fixed->Match(s[i])) bit_util::SetBit(out, i);
        }
        return Datum(Column::Make(kBool, rows, {nullptr, std::move(values)}, {}, 0));
      }
      std::string last_pattern;
      int last_escape = -2;
      std::optional<LikeMatcher> current;
      return MapRows<BoolWriter>(kBool, args, rows, [&](int64_t i, BoolWriter& out) -> Status {
        if (fixed) {
          out.Put(i, fixed->Match(s[i]));
          return Status::OK();
        }
        int esc = escape;
        if (!constant_escape) {
          ARK_ASSIGN_OR_RETURN(esc, EscapeChar(name, (*e)[i]));
        }
        if (!current || p[i] != last_pattern || esc != last_escape) {
          ARK_ASSIGN_OR_RETURN(LikeMatcher m, CompileLike(p[i], esc, case_insensitive));
          current = std::move(m);
          last_pattern.assign(p[i]);
          last_escape = esc;
        }
        out.Put(i, current->Match(s[i]));
        return Status::OK();
      });
    };
    return MakeBound(name, std::vector<DataType>(types.size(), kStr), kBool, kernel);
  };
}

// SQL SIMILAR TO → an anchored regular expression (PostgreSQL's similar_escape).
Result<std::string> SimilarToRegex(std::string_view pattern, int escape) {
  std::string out = "^(?:";
  bool in_bracket = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (escape >= 0 && c == static_cast<char>(escape)) {
      if (i + 1 >= pattern.size()) {
        return Status::InvalidArgument("SIMILAR TO pattern must not end with escape character");
      }
      out += RE2::QuoteMeta(std::string(1, pattern[++i]));
      continue;
    }
    if (in_bracket) {
      if (c == ']') in_bracket = false;
      out += c;
      continue;
    }
    switch (c) {
      case '%':
        out += ".*";
        break;
      case '_':
        out += '.';
        break;
      case '[':
        in_bracket = true;
        out += c;
        break;
      case '|':
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case '(':
      case ')':
        out += c;
        break;
      default:
        out += RE2::QuoteMeta(std::string(1, c));
        break;
    }
  }
  out += ")$";
  return out;
}

ScalarBinder SimilarBinder() {
  return [](std::span<const DataType> types,
            std::span<const std::optional<Value>> constants) -> Result<BoundScalarFunction> {
    const std::string name = "similar_to";
    if (types.size() != 2 && types.size() != 3) {
      return NoMatchingOverload(name, types,
                                std::vector<std::string>{"similar_to(string, string [, string])"});
    }
    int escape = '\\';
    if (types.size() == 3) {
      std::optional<std::string> e = ConstantText(constants, 2);
      if (!e) return Status::InvalidArgument("SIMILAR TO: the escape must be a constant");
      ARK_ASSIGN_OR_RETURN(escape, EscapeChar("SIMILAR TO", *e));
    }
    std::shared_ptr<const RE2> fixed;
    if (std::optional<std::string> p = ConstantText(constants, 1)) {
      ARK_ASSIGN_OR_RETURN(std::string regex, SimilarToRegex(*p, escape));
      ARK_ASSIGN_OR_RETURN(fixed, Compile(regex, RegexFlags{}));
    }
    ScalarKernel kernel = [fixed, escape](KernelContext&, std::span<const Datum> args,
                                          int64_t rows) -> Result<Datum> {
      StrReader s(args[0]), p(args[1]);
      std::string last;
      std::shared_ptr<const RE2> current = fixed;
      return MapRows<BoolWriter>(kBool, args, rows, [&](int64_t i, BoolWriter& out) -> Status {
        if (!fixed && (!current || p[i] != last)) {
          ARK_ASSIGN_OR_RETURN(std::string regex, SimilarToRegex(p[i], escape));
          ARK_ASSIGN_OR_RETURN(current, Compile(regex, RegexFlags{}));
          last.assign(p[i]);
        }
        std::string_view v = s[i];
        out.Put(i, RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), *current));
        return Status::OK();
      });
    };
    return MakeBound(name, std::vector<DataType>(types.size(), kStr), kBool, kernel);
  };
}

// ---------------------------------------------------------------------------------------------
// regexp_*

// A factory for functions (s, pattern [, extra...] [, flags]) with the flags at `flags_arg`.
template <typename MakeKernel>
Signature RegexSignature(std::string name, std::vector<DataType> args, DataType ret,
                         size_t flags_arg, bool forced_ci, MakeKernel make) {
  Signature sig;
  sig.args = args;
  sig.return_type = ret;
  const size_t nargs = args.size();
  sig.factory = [name, flags_arg, nargs, forced_ci,
                 make](std::span<const std::optional<Value>> constants) -> Result<ScalarKernel> {
    ARK_ASSIGN_OR_RETURN(RegexFlags flags, ConstantFlags(name, constants, flags_arg, nargs));
    if (forced_ci) flags.case_insensitive = true;
    ARK_ASSIGN_OR_RETURN(std::shared_ptr<const RE2> re, ConstantPattern(constants, 1, flags));
    return make(re, flags);
  };
  return sig;
}

ScalarKernel RegexpLikeKernel(std::shared_ptr<const RE2> re, RegexFlags flags) {
  return [re, flags](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
    StrReader s(args[0]), p(args[1]);
    PatternCache cache(re, flags);
    return MapRows<BoolWriter>(kBool, args, rows, [&](int64_t i, BoolWriter& out) -> Status {
      ARK_ASSIGN_OR_RETURN(const RE2* r, cache.Get(p[i]));
      std::string_view v = s[i];
      out.Put(i, RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), *r));
      return Status::OK();
    });
  };
}

ScalarKernel RegexpCountKernel(std::shared_ptr<const RE2> re, RegexFlags flags) {
  return [re, flags](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
    StrReader s(args[0]), p(args[1]);
    PatternCache cache(re, flags);
    return MapRows<FixedWriter<int32_t>>(
        kI32, args, rows, [&](int64_t i, FixedWriter<int32_t>& out) -> Status {
          ARK_ASSIGN_OR_RETURN(const RE2* r, cache.Get(p[i]));
          std::string_view v = s[i];
          re2::StringPiece text(v.data(), v.size());
          re2::StringPiece match;
          size_t pos = 0;
          int32_t count = 0;
          while (pos <= text.size() &&
                 r->Match(text, pos, text.size(), RE2::UNANCHORED, &match, 1)) {
            ++count;
            const size_t end = static_cast<size_t>(match.data() - text.data()) + match.size();
            pos = match.empty() ? end + 1 : end;
          }
          out.Put(i, count);
          return Status::OK();
        });
  };
}

ScalarKernel RegexpMatchKernel(std::shared_ptr<const RE2> re, RegexFlags flags) {
  return [re, flags](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
    StrReader s(args[0]), p(args[1]);
    PatternCache cache(re, flags);
    const DataType list_str = DataType::List(kStr);
    return MapRows<BuilderWriter>(
        list_str, args, rows, [&](int64_t i, BuilderWriter& out) -> Status {
          ARK_ASSIGN_OR_RETURN(const RE2* r, cache.Get(p[i]));
          std::string_view v = s[i];
          const int groups = r->NumberOfCapturingGroups();
          std::vector<re2::StringPiece> m(static_cast<size_t>(groups + 1));
          re2::StringPiece text(v.data(), v.size());
          if (!r->Match(text, 0, text.size(), RE2::UNANCHORED, m.data(), groups + 1)) {
            out.PutNull(i);
            return Status::OK();
          }
          auto& list = static_cast<ListBuilder&>(out.builder());
          list.Append();
          auto& values = static_cast<StringBuilder&>(list.values());
          if (groups == 0) {
            values.Append(std::string_view(m[0].data(), m[0].size()));
          }
          for (int g = 1; g <= groups; ++g) {
            const re2::StringPiece& sm = m[static_cast<size_t>(g)];
            if (sm.data() == nullptr) {
              values.AppendNull();
            } else {
              values.Append(std::string_view(sm.data(), sm.size()));
            }
          }
          return Status::OK();
        });
  };
}

// PostgreSQL replacement text (\1..\9, \& for the whole match, \\ for a backslash) → RE2's.
std::string Re2Rewrite(std::string_view replacement) {
  std::string out;
  for (size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    if (c == '\\' && i + 1 < replacement.size()) {
      const char n = replacement[i + 1];
      if (n == '&') {
        out += "\\0";
        ++i;
        continue;
      }
      if ((n >= '0' && n <= '9') || n == '\\') {
        out += c;
        out += n;
        ++i;
        continue;
      }
      out += "\\\\";
      continue;
    }
    if (c == '\\') {
      out += "\\\\";
      continue;
    }
    out += c;
  }
  return out;
}

ScalarKernel RegexpReplaceKernel(std::shared_ptr<const RE2> re, RegexFlags flags) {
  return [re, flags](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
    StrReader s(args[0]), p(args[1]), rep(args[2]);
    PatternCache cache(re, flags);
    std::string buffer;
    std::string rewrite;
    std::string last_rep;
    bool have_rewrite = false;
    return MapRows<StringWriter>(kStr, args, rows, [&](int64_t i, StringWriter& out) -> Status {
      ARK_ASSIGN_OR_RETURN(const RE2* r, cache.Get(p[i]));
      if (!have_rewrite || rep[i] != last_rep) {
        rewrite = Re2Rewrite(rep[i]);
        last_rep.assign(rep[i]);
        have_rewrite = true;
        std::string error;
        if (!r->CheckRewriteString(rewrite, &error)) {
          return Status::InvalidArgument("regexp_replace: invalid replacement \"{}\": {}", rep[i],
                                         error);
        }
      }
      buffer.assign(s[i]);
      if (flags.global) {
        RE2::GlobalReplace(&buffer, *r, rewrite);
      } else {
        RE2::Replace(&buffer, *r, rewrite);
      }
      out.Put(i, buffer);
      return Status::OK();
    });
  };
}

ScalarKernel RegexpExtractKernel(std::shared_ptr<const RE2> re, RegexFlags flags) {
  return [re, flags](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
    StrReader s(args[0]), p(args[1]);
    std::optional<IntReader> group;
    if (args.size() > 2) group.emplace(args[2]);
    PatternCache cache(re, flags);
    return MapRows<StringWriter>(kStr, args, rows, [&](int64_t i, StringWriter& out) -> Status {
      ARK_ASSIGN_OR_RETURN(const RE2* r, cache.Get(p[i]));
      const int64_t g = group ? (*group)[i] : 0;
      if (g < 0 || g > r->NumberOfCapturingGroups()) {
        return Status::InvalidArgument(
            "regexp_extract: group {} does not exist (the pattern has {} groups)", g,
            r->NumberOfCapturingGroups());
      }
      std::vector<re2::StringPiece> m(static_cast<size_t>(g + 1));
      std::string_view v = s[i];
      re2::StringPiece text(v.data(), v.size());
      if (!r->Match(text, 0, text.size(), RE2::UNANCHORED, m.data(), static_cast<int>(g + 1))) {
        out.Put(i, "");
        return Status::OK();
      }
      const re2::StringPiece& sm = m[static_cast<size_t>(g)];
      out.Put(i, std::string_view(sm.data(), sm.size()));
      return Status::OK();
    });
  };
}

}  // namespace

void RegisterRegexpFunctions(FunctionRegistry& registry) {
  registry.AddScalar("like", LikeBinder("like", false),
                     {"regexp", "s LIKE pattern [ESCAPE e] → bool",
                      "SQL pattern match: % matches any sequence, _ any one character; "
                      "the escape character (default \\) quotes the next one.",
                      "'abc' LIKE 'a%' → true"});
  registry.AddScalar("ilike", LikeBinder("ilike", true),
                     {"regexp", "s ILIKE pattern [ESCAPE e] → bool", "Case-insensitive LIKE.",
                      "'ABC' ILIKE 'a%' → true"});
  registry.AddScalar("similar_to", SimilarBinder(),
                     {"regexp", "s SIMILAR TO pattern [ESCAPE e] → bool",
                      "SQL regular expression match of the whole string (% _ | * + ? {} () []).",
                      "'abc' SIMILAR TO '%(b|d)%' → true"});

  const DataType list_str = DataType::List(kStr);
  registry.AddScalar(
      "regexp_like",
      OverloadBinder(
          "regexp_like",
          {RegexSignature("regexp_like", {kStr, kStr}, kBool, 2, false, RegexpLikeKernel),
           RegexSignature("regexp_like", {kStr, kStr, kStr}, kBool, 2, false, RegexpLikeKernel)}),
      {"regexp", "regexp_like(s string, pattern string [, flags string]) → bool",
       "True when the regular expression matches somewhere in s (the ~ operator). Flags: i "
       "(case-insensitive), n (newline-sensitive).",
       "regexp_like('Hello World', 'W.r') → true"});
  registry.AddScalar(
      "regexp_ilike",
      OverloadBinder("regexp_ilike", {RegexSignature("regexp_ilike", {kStr, kStr}, kBool, 2, true,
                                                     RegexpLikeKernel)}),
      {"regexp", "regexp_ilike(s string, pattern string) → bool",
       "Case-insensitive regular expression match (the ~* operator).",
       "regexp_ilike('Hello', '^h') → true"});
  registry.AddScalar(
      "regexp_match",
      OverloadBinder(
          "regexp_match",
          {RegexSignature("regexp_match", {kStr, kStr}, list_str, 2, false, RegexpMatchKernel),
           RegexSignature(
               "regexp_match", {kStr, kStr, kStr}, list_str, 2, false,
               [](std::shared_ptr<const RE2> re, RegexFlags flags) -> Result<ScalarKernel> {
                 if (flags.global) {
                   return Status::InvalidArgument(
                       "regexp_match() does not support the \"global\" "
                       "option");
                 }
                 return RegexpMatchKernel(re, flags);
               })}),
      {"regexp", "regexp_match(s string, pattern string [, flags string]) → list<string>",
       "The capture groups of the first match (the whole match when there are none), NULL when "
       "there is no match.",
       "regexp_match('foobarbequebaz', '(bar)(beque)') → ['bar', 'beque']"});
  registry.AddScalar(
      "regexp_replace",
      OverloadBinder("regexp_replace", {RegexSignature("regexp_replace", {kStr, kStr, kStr}, kStr,
                                                       3, false, RegexpReplaceKernel),
                                        RegexSignature("regexp_replace", {kStr, kStr, kStr, kStr},
                                                       kStr, 3, false, RegexpReplaceKernel)}),
      {"regexp",
       "regexp_replace(s string, pattern string, replacement string [, flags string]) → string",
       "Replaces the first match (every match with flag g) by the replacement, where \\1..\\9 "
       "are capture groups and \\& the whole match.",
       "regexp_replace('Thomas', '.[mN]a.', 'M') → 'ThM'"});
  registry.AddScalar(
      "regexp_extract",
      OverloadBinder("regexp_extract", {RegexSignature("regexp_extract", {kStr, kStr}, kStr, 9,
                                                       false, RegexpExtractKernel),
                                        RegexSignature("regexp_extract", {kStr, kStr, kI64}, kStr,
                                                       9, false, RegexpExtractKernel),
                                        RegexSignature("regexp_extract", {kStr, kStr, kI64, kStr},
                                                       kStr, 3, false, RegexpExtractKernel)}),
      {"regexp",
       "regexp_extract(s string, pattern string [, group int64 [, flags string]]) → string",
       "The capture group (default 0, the whole match) of the first match, or '' when there is "
       "none (DuckDB).",
       "regexp_extract('abc123', '[a-z]+(\\d+)', 1) → '123'"});
  registry.AddScalar(
      "regexp_count",
      OverloadBinder(
          "regexp_count",
          {RegexSignature("regexp_count", {kStr, kStr}, kI32, 2, false, RegexpCountKernel),
           RegexSignature("regexp_count", {kStr, kStr, kStr}, kI32, 2, false, RegexpCountKernel)}),
      {"regexp", "regexp_count(s string, pattern string [, flags string]) → int32",
       "Number of non-overlapping matches.", "regexp_count('ABCABCAXYaxy', 'A.') → 3"});
}

}  // namespace ark::sql
