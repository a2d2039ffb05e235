#include "core/type_parser.h"

#include <cctype>
#include <string>
#include <vector>

#include "base/strings.h"

namespace ark {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

struct Alias {
  std::string_view name;
  TypeId id;
};

// Single-word names. Multi-word PostgreSQL spellings are handled in ParseNamed().
constexpr Alias kAliases[] = {
    {"null", TypeId::kNull},
    {"bool", TypeId::kBool},
    {"boolean", TypeId::kBool},
    {"int32", TypeId::kInt32},
    {"int", TypeId::kInt32},
    {"integer", TypeId::kInt32},
    {"int4", TypeId::kInt32},
    {"smallint", TypeId::kInt32},
    {"int2", TypeId::kInt32},
    {"tinyint", TypeId::kInt32},
    {"int64", TypeId::kInt64},
    {"bigint", TypeId::kInt64},
    {"int8", TypeId::kInt64},
    {"long", TypeId::kInt64},
    {"float32", TypeId::kFloat32},
    {"real", TypeId::kFloat32},
    {"float4", TypeId::kFloat32},
    {"float64", TypeId::kFloat64},
    {"double", TypeId::kFloat64},
    {"float", TypeId::kFloat64},
    {"float8", TypeId::kFloat64},
    {"string", TypeId::kString},
    {"text", TypeId::kString},
    {"varchar", TypeId::kString},
    {"char", TypeId::kString},
    {"character", TypeId::kString},
    {"utf8", TypeId::kString},
    {"binary", TypeId::kBinary},
    {"bytea", TypeId::kBinary},
    {"blob", TypeId::kBinary},
    {"bytes", TypeId::kBinary},
    {"timestamp", TypeId::kTimestamp},
    {"timestamptz", TypeId::kTimestamp},
    {"datetime", TypeId::kTimestamp},
    {"date", TypeId::kDate},
    {"interval", TypeId::kInterval},
};

class TypeParser {
 public:
  explicit TypeParser(std::string_view text) : text_(text) {}

  Result<DataType> Parse() {
    ARK_ASSIGN_OR_RETURN(DataType t, ParseType());
    SkipSpace();
    if (pos_ < text_.size()) return Fail(pos_, fmt::format("unexpected \"{}\"", Rest()));
    return t;
  }

 private:
  // "invalid type "<text>": <what> at position <at+1><hint>"
  Status Fail(size_t at, std::string_view what, std::string_view hint = {}) const {
    std::string where = at >= text_.size() ? fmt::format("at position {} (end of text)", at + 1)
                                           : fmt::format("at position {}", at + 1);
    return Status::ParseError("invalid type \"{}\": {} {}{}", text_, what, where, hint);
  }

  std::string_view Rest() const {
    std::string_view r = text_.substr(pos_);
    return r.size() > 20 ? r.substr(0, 20) : r;
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  Status Expect(char c) {
    if (Consume(c)) return Status::OK();
    if (pos_ >= text_.size()) return Fail(pos_, fmt::format("expected \"{}\"", c));
    return Fail(pos_, fmt::format("expected \"{}\" but found \"{}\"", c, text_[pos_]));
  }

  // An identifier word, or empty when none starts here.
  std::string_view Word() {
    SkipSpace();
    size_t start = pos_;
    if (pos_ < text_.size() && IsIdentStart(text_[pos_])) {
      while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  // Consumes `word` (case-insensitively) if it is the next identifier.
  bool ConsumeWord(std::string_view word) {
    size_t save = pos_;
    if (Lower(Word()) == word) return true;
    pos_ = save;
    return false;
  }

  // Skips a length/precision modifier such as varchar(255) or timestamp(3).
  Status SkipModifier() {
    if (!Consume('(')) return Status::OK();
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == ',' || text_[pos_] == ' ')) {
      ++pos_;
    }
    if (pos_ == start) return Fail(pos_, "expected a number");
    return Expect(')');
  }

  Result<DataType> ParseType() {
    ARK_ASSIGN_OR_RETURN(DataType t, ParseBase());
    // PostgreSQL array suffixes: int[] and int[][].
    while (true) {
      size_t save = pos_;
      if (!Consume('[')) break;
      SkipSpace();
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      if (!Consume(']')) {
        pos_ = save;
        break;
      }
      t = DataType::List(std::move(t));
    }
    return t;
  }

  Result<DataType> ParseBase() {
    SkipSpace();
    size_t start = pos_;
    std::string_view word = Word();
    if (word.empty()) {
      if (pos_ >= text_.size()) return Fail(pos_, "expected a type name");
      return Fail(pos_, fmt::format("expected a type name but found \"{}\"", text_[pos_]));
    }
    std::string name = Lower(word);
    if (name == "list" || name == "array") {
      ARK_RETURN_IF_ERROR(Expect('<'));
      ARK_ASSIGN_OR_RETURN(DataType element, ParseType());
      ARK_RETURN_IF_ERROR(Expect('>'));
      return DataType::List(std::move(element));
    }
    if (name == "struct") return ParseStruct();
    if (name == "double") {
      ConsumeWord("precision");
      return DataType::Float64();
    }
    if (name == "character" || name == "char") {
      ConsumeWord("varying");
      ARK_RETURN_IF_ERROR(SkipModifier());
      return DataType::String();
    }
    if (name == "varchar") {
      ARK_RETURN_IF_ERROR(SkipModifier());
      return DataType::String();
    }
    if (name == "timestamp" || name == "timestamptz") {
      ARK_RETURN_IF_ERROR(SkipModifier());
      size_t save = pos_;
      if (ConsumeWord("with") || ConsumeWord("without")) {
        if (!ConsumeWord("time") || !ConsumeWord("zone")) {
          pos_ = save;
          Word();
          SkipSpace();
          return Fail(pos_, "expected \"time zone\"");
        }
      }
      return DataType::Timestamp();
    }
    if (name == "decimal" || name == "numeric") {
      return Fail(start, fmt::format("type \"{}\" is not supported (use float64 or int64)", word));
    }
    for (const auto& a : kAliases) {
      if (a.name == name) return DataType(a.id);
    }
    std::vector<std::string> known;
    for (const auto& a : kAliases) known.emplace_back(a.name);
    known.emplace_back("list");
    known.emplace_back("struct");
    return Fail(start, fmt::format("unknown type name \"{}\"", word), DidYouMean(name, known));
  }

  Result<std::string> FieldName() {
    SkipSpace();
    if (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '`')) {
      char q = text_[pos_];
      size_t start = pos_++;
      std::string out;
      while (true) {
        if (pos_ >= text_.size()) return Fail(start, "unterminated quoted field name");
        char c = text_[pos_++];
        if (c == q) {
          if (pos_ < text_.size() && text_[pos_] == q) {  // doubled quote
            out += q;
            ++pos_;
            continue;
          }
          break;
        }
        out += c;
      }
      return out;
    }
    std::string_view w = Word();
    if (w.empty()) {
      if (pos_ >= text_.size()) return Fail(pos_, "expected a field name");
      return Fail(pos_, fmt::format("expected a field name but found \"{}\"", text_[pos_]));
    }
    return std::string(w);
  }

  Result<DataType> ParseStruct() {
    ARK_RETURN_IF_ERROR(Expect('<'));
    std::vector<Field> fields;
    if (Consume('>')) return DataType::Struct(std::move(fields));
    while (true) {
      SkipSpace();
      size_t name_pos = pos_;
      ARK_ASSIGN_OR_RETURN(std::string name, FieldName());
      for (const auto& f : fields) {
        if (f.name == name) {
          return Fail(name_pos, fmt::format("duplicate field name \"{}\"", name));
        }
      }
      Consume(':');
      ARK_ASSIGN_OR_RETURN(DataType t, ParseType());
      fields.emplace_back(std::move(name), std::move(t));
      if (Consume(',')) continue;
      if (Consume('>')) break;
      if (pos_ >= text_.size()) return Fail(pos_, "expected \",\" or \">\"");
      return Fail(pos_, fmt::format("expected \",\" or \">\" but found \"{}\"", text_[pos_]));
    }
    return DataType::Struct(std::move(fields));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<DataType> ParseDataType(std::string_view text) { return TypeParser(text).Parse(); }

}  // namespace ark
