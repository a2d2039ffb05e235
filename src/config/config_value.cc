#include "config/config_value.h"

#include <cctype>

#include <fmt/format.h>

#include "base/status.h"

namespace ark {
namespace {

bool IsPlainKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

// Double-quoted with JSON-style escapes, for keys in paths and scalars in ToString().
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

// True when a scalar must be quoted to read back as the same string in flow YAML.
bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  static constexpr std::string_view kSpecialFirst = "!&*-?:,[]{}#|>@`\"'%";
  if (kSpecialFirst.find(s.front()) != std::string_view::npos) return true;
  for (char c : s) {
    if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == '#' || c == '\n' ||
        c == ':' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string SourcePos::ToString() const {
  if (line <= 0) return file;
  if (column <= 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

ConfigValue ConfigValue::Null(SourcePos pos, std::string path) {
  ConfigValue v;
  v.kind_ = Kind::kNull;
  v.pos_ = std::move(pos);
  v.path_ = std::move(path);
  return v;
}

ConfigValue ConfigValue::Scalar(std::string text, bool quoted, SourcePos pos, std::string path) {
  ConfigValue v;
  v.kind_ = Kind::kScalar;
  v.text_ = std::move(text);
  v.quoted_ = quoted;
  v.pos_ = std::move(pos);
  v.path_ = std::move(path);
  return v;
}

ConfigValue ConfigValue::List(std::vector<ConfigValue> items, SourcePos pos, std::string path) {
  ConfigValue v;
  v.kind_ = Kind::kList;
  v.items_ = std::move(items);
  v.pos_ = std::move(pos);
  v.path_ = std::move(path);
  return v;
}

ConfigValue ConfigValue::Map(std::vector<std::pair<std::string, ConfigValue>> entries,
                             SourcePos pos, std::string path) {
  return Map(std::move(entries), {}, std::move(pos), std::move(path));
}

ConfigValue ConfigValue::Map(std::vector<std::pair<std::string, ConfigValue>> entries,
                             std::vector<SourcePos> key_positions, SourcePos pos,
                             std::string path) {
  ARK_CHECK(key_positions.empty() || key_positions.size() == entries.size(),
            "ConfigValue::Map: one key position per entry");
  ConfigValue v;
  v.kind_ = Kind::kMap;
  v.entries_ = std::move(entries);
  v.key_pos_ = std::move(key_positions);
  v.pos_ = std::move(pos);
  v.path_ = std::move(path);
  return v;
}

std::string ConfigValue::ChildPath(std::string_view parent, std::string_view key) {
  if (!IsPlainKey(key)) return fmt::format("{}[{}]", parent, Quote(key));
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

std::string ConfigValue::ItemPath(std::string_view parent, size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

Status ConfigValue::ErrorAt(const SourcePos& pos, std::string_view path, std::string_view message) {
  std::string where = pos.ToString();
  std::string out;
  if (!where.empty()) out = where + ": ";
  if (!path.empty()) {
    out += path;
    out += ": ";
  }
  out += message;
  return Status(StatusCode::kConfigError, std::move(out));
}

const SourcePos& ConfigValue::key_pos(size_t i) const {
  ARK_CHECK(is_map() && i < entries_.size(), "ConfigValue::key_pos: no such map entry");
  if (key_pos_.empty()) return entries_[i].second.pos();
  return key_pos_[i];
}

Status ConfigValue::KeyError(size_t i, std::string_view message) const {
  ARK_CHECK(is_map() && i < entries_.size(), "ConfigValue::KeyError: no such map entry");
  return ErrorAt(key_pos(i), ChildPath(path_, entries_[i].first), message);
}

const ConfigValue* ConfigValue::Get(std::string_view key) const {
  if (!is_map()) return nullptr;
  for (const auto& [k, v] : entries_) {
    if (k == key) return &v;
  }
  return nullptr;
}

Status ConfigValue::Error(std::string_view message) const { return ErrorAt(pos_, path_, message); }

std::string ConfigValue::ToString() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kScalar:
      return quoted_ || NeedsQuotes(text_) ? Quote(text_) : text_;
    case Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i) out += ", ";
        out += items_[i].ToString();
      }
      return out + "]";
    }
    case Kind::kMap: {
      std::string out = "{";
      for (size_t i = 0; i < entries_.size(); ++i) {
        if (i) out += ", ";
        out += NeedsQuotes(entries_[i].first) ? Quote(entries_[i].first) : entries_[i].first;
        out += ": ";
        out += entries_[i].second.ToString();
      }
      return out + "}";
    }
  }
  return "";
}

ConfigValue ConfigValue::WithPath(std::string path) const {
  ConfigValue v = *this;
  v.path_ = std::move(path);
  for (size_t i = 0; i < v.items_.size(); ++i) {
    v.items_[i] = items_[i].WithPath(ItemPath(v.path_, i));
  }
  for (size_t i = 0; i < v.entries_.size(); ++i) {
    v.entries_[i].second = entries_[i].second.WithPath(ChildPath(v.path_, entries_[i].first));
  }
  return v;
}

std::string_view ConfigValue::KindDescription() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kScalar:
      return "a scalar";
    case Kind::kList:
      return "a list";
    case Kind::kMap:
      return "a map";
  }
  return "";
}

}  // namespace ark
