#include "config/yaml_loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace ark {
namespace {

constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";
constexpr std::string_view kNullTag = "tag:yaml.org,2002:null";

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

bool IsValidVarName(std::string_view name) {
  if (name.empty()) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// Substitutes `text`; on failure the Status message says what is wrong, without a location (the
// callers add it).
Result<std::string> SubstituteText(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    // Find the matching '}', allowing ${...} nested in a default.
    size_t j = i + 2;
    int depth = 1;
    while (j < n) {
      if (text.compare(j, 3, "$${") == 0) {
        j += 3;
      } else if (text.compare(j, 2, "${") == 0) {
        ++depth;
        j += 2;
      } else if (text[j] == '}') {
        if (--depth == 0) break;
        ++j;
      } else {
        ++j;
      }
    }
    if (j >= n) {
      return Status::ConfigError(
          "unterminated \"${{\" in \"{}\" (write \"$${{\" for a literal \"${{\")", text);
    }
    std::string_view body = text.substr(i + 2, j - i - 2);
    size_t sep = body.find(":-");
    std::string name(body.substr(0, sep));
    if (!IsValidVarName(name)) {
      return Status::ConfigError(
          "invalid environment variable reference \"${{{}}}\" (expected ${{NAME}} or "
          "${{NAME:-default}}, where NAME is letters, digits and '_')",
          body);
    }
    std::optional<std::string> value = env(name);
    if (sep != std::string_view::npos) {
      if (value && !value->empty()) {
        out += *value;
      } else {
        ARK_ASSIGN_OR_RETURN(std::string fallback, SubstituteText(body.substr(sep + 2), env));
        out += fallback;
      }
    } else if (value) {
      out += *value;
    } else {
      return Status::ConfigError(
          "environment variable {} is not set (use ${{{}:-default}} to give a default)", name,
          name);
    }
    i = j + 1;
  }
  return out;
}

SourcePos ToPos(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return SourcePos{file, 0, 0};
  return SourcePos{file, mark.line + 1, mark.column + 1};
}

// Builds a ConfigValue tree from yaml-cpp's parser events, so that every node keeps its own
// position, duplicate keys are caught, aliases are re-pathed to where they are used, and merge keys
// (`<<: *defaults`) are applied.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string file, const EnvLookup& env) : file_(std::move(file)), env_(env) {}

  const Status& status() const { return status_; }
  bool has_root() const { return root_.has_value(); }
  ConfigValue TakeRoot() { return std::move(*root_); }
  const SourcePos& document_pos() const { return document_pos_; }
  // Byte offset of the document's first token.
  int document_offset() const { return document_offset_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    document_pos_ = ToPos(file_, mark);
    document_offset_ = mark.pos;
  }
  void OnDocumentEnd() override {}

  void OnAnchor(const YAML::Mark& /*mark*/, const std::string& name) override {
    pending_anchor_name_ = name;
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (!status_.ok()) return;
    if (ExpectingKey()) {
      Fail(ToPos(file_, mark), stack_.back().path, "a map key must not be empty");
      return;
    }
    // yaml-cpp marks an omitted value (`key:`) at the next token, often on a later line; the key is
    // where the reader looks.
    SourcePos pos =
        !stack_.empty() && stack_.back().is_map ? stack_.back().key_pos : ToPos(file_, mark);
    Add(ConfigValue::Null(std::move(pos), NextPath()), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (!status_.ok()) return;
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      std::string path = stack_.empty() ? std::string() : stack_.back().path;
      Fail(ToPos(file_, mark), path,
           fmt::format("alias {}refers to a node that contains it (recursive aliases are not "
                       "supported)",
                       AnchorLabel(anchor)));
      return;
    }
    if (ExpectingKey()) {
      if (!it->second.is_scalar()) {
        Fail(ToPos(file_, mark), stack_.back().path, "a map key must be a string");
        return;
      }
      StartKey(it->second.text(), /*plain=*/false, ToPos(file_, mark));
      return;
    }
    Add(it->second.WithPath(NextPath()), YAML::NullAnchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (!status_.ok()) return;
    SourcePos pos = ToPos(file_, mark);
    bool plain = tag == "?";
    if (ExpectingKey()) {
      if (anchor != YAML::NullAnchor) {
        anchors_[anchor] = ConfigValue::Scalar(value, !plain, pos, "");
      }
      StartKey(value, plain, pos);
      return;
    }
    std::string path = NextPath();
    if ((plain && (value.empty() || value == "~" || value == "null" || value == "Null" ||
                   value == "NULL")) ||
        tag == kNullTag) {
      Add(ConfigValue::Null(std::move(pos), std::move(path)), anchor);
      return;
    }
    std::string text = value;
    if (text.find('$') != std::string::npos) {
      Result<std::string> substituted = SubstituteText(text, env_);
      if (!substituted.ok()) {
        Fail(pos, path, substituted.status().message());
        return;
      }
      text = std::move(substituted).value();
    }
    bool quoted = tag == "!" || tag == kStrTag;
    Add(ConfigValue::Scalar(std::move(text), quoted, std::move(pos), std::move(path)), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    Push(mark, anchor, /*is_map=*/false);
  }
  void OnSequenceEnd() override { Pop(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    Push(mark, anchor, /*is_map=*/true);
  }
  void OnMapEnd() override { Pop(); }

 private:
  struct Frame {
    bool is_map = false;
    SourcePos pos;
    std::string path;
    YAML::anchor_t anchor = YAML::NullAnchor;
    std::vector<ConfigValue> items;
    std::vector<std::pair<std::string, ConfigValue>> entries;
    std::vector<SourcePos> key_positions;
    // The key whose value comes next.
    bool have_key = false;
    bool key_is_merge = false;
    std::string key;
    SourcePos key_pos;
    // Merge sources (`<<: *x`), with the entry index where they were written.
    std::vector<std::pair<size_t, ConfigValue>> merges;
    SourcePos merge_pos;
  };

  bool ExpectingKey() const {
    return !stack_.empty() && stack_.back().is_map && !stack_.back().have_key;
  }

  std::string AnchorLabel(YAML::anchor_t anchor) const {
    auto it = anchor_names_.find(anchor);
    return it == anchor_names_.end() ? std::string() : fmt::format("*{} ", it->second);
  }

  void Fail(const SourcePos& pos, std::string_view path, std::string_view message) {
    if (status_.ok()) status_ = ConfigValue::ErrorAt(pos, path, message);
  }

  void StartKey(std::string key, bool plain, SourcePos pos) {
    Frame& f = stack_.back();
    bool merge = plain && key == "<<";
    if (merge && !f.merges.empty()) {
      Fail(pos, f.path,
           fmt::format(
               "duplicate merge key \"<<\" (first at {}); use one \"<<\" with a list of maps",
               f.merge_pos.ToString()));
      return;
    }
    if (!merge) {
      for (size_t i = 0; i < f.entries.size(); ++i) {
        if (f.entries[i].first == key) {
          Fail(pos, ConfigValue::ChildPath(f.path, key),
               fmt::format("duplicate key \"{}\" (first at {})", key,
                           f.key_positions[i].ToString()));
          return;
        }
      }
    }
    f.have_key = true;
    f.key_is_merge = merge;
    f.key = std::move(key);
    f.key_pos = std::move(pos);
    if (merge) f.merge_pos = f.key_pos;
  }

  std::string NextPath() const {
    if (stack_.empty()) return "";
    const Frame& f = stack_.back();
    if (!f.is_map) return ConfigValue::ItemPath(f.path, f.items.size());
    return ConfigValue::ChildPath(f.path, f.key);
  }

  void RememberAnchor(YAML::anchor_t anchor, const ConfigValue& value) {
    if (anchor == YAML::NullAnchor) return;
    anchors_[anchor] = value;
  }

  void NoteAnchorName(YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor && !pending_anchor_name_.empty()) {
      anchor_names_[anchor] = pending_anchor_name_;
    }
    pending_anchor_name_.clear();
  }

  void Add(ConfigValue value, YAML::anchor_t anchor) {
    NoteAnchorName(anchor);
    RememberAnchor(anchor, value);
    if (stack_.empty()) {
      root_ = std::move(value);
      return;
    }
    Frame& f = stack_.back();
    if (!f.is_map) {
      f.items.push_back(std::move(value));
      return;
    }
    if (f.key_is_merge) {
      f.merges.emplace_back(f.entries.size(), std::move(value));
    } else {
      f.entries.emplace_back(std::move(f.key), std::move(value));
      f.key_positions.push_back(f.key_pos);
    }
    f.have_key = false;
    f.key_is_merge = false;
  }

  void Push(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    if (!status_.ok()) return;
    if (ExpectingKey()) {
      Fail(ToPos(file_, mark), stack_.back().path,
           "a map key must be a string, not a list or a map");
      return;
    }
    Frame f;
    f.is_map = is_map;
    f.pos = ToPos(file_, mark);
    f.path = NextPath();
    f.anchor = anchor;
    NoteAnchorName(anchor);
    stack_.push_back(std::move(f));
  }

  void Pop() {
    if (!status_.ok()) return;
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    ConfigValue value;
    if (!f.is_map) {
      value = ConfigValue::List(std::move(f.items), f.pos, f.path);
    } else {
      if (!f.merges.empty() && !ApplyMerges(f)) return;
      value = ConfigValue::Map(std::move(f.entries), std::move(f.key_positions), f.pos, f.path);
    }
    Add(std::move(value), f.anchor);
  }

  // YAML merge keys: entries of the merged maps that the map does not set itself are inserted
  // where `<<` was written; with a list of maps, earlier maps win.
  bool ApplyMerges(Frame& f) {
    std::set<std::string> present;
    for (const auto& [k, v] : f.entries) present.insert(k);
    std::vector<std::pair<std::string, ConfigValue>> entries;
    std::vector<SourcePos> key_positions;
    size_t next_merge = 0;
    for (size_t i = 0; i <= f.entries.size(); ++i) {
      while (next_merge < f.merges.size() && f.merges[next_merge].first == i) {
        const ConfigValue& source = f.merges[next_merge].second;
        std::vector<const ConfigValue*> maps;
        if (source.is_map()) {
          maps.push_back(&source);
        } else if (source.is_list()) {
          for (const ConfigValue& item : source.items()) maps.push_back(&item);
        }
        if (maps.empty() && !source.is_null()) {
          Fail(source.pos(), f.path, "merge key \"<<\" expects a map or a list of maps");
          return false;
        }
        for (const ConfigValue* m : maps) {
          if (!m->is_map()) {
            Fail(m->pos(), f.path, "merge key \"<<\" expects a map or a list of maps");
            return false;
          }
          for (size_t k = 0; k < m->entries().size(); ++k) {
            const auto& [key, value] = m->entries()[k];
            if (!present.insert(key).second) continue;
            entries.emplace_back(key, value.WithPath(ConfigValue::ChildPath(f.path, key)));
            key_positions.push_back(m->key_pos(k));
          }
        }
        ++next_merge;
      }
      if (i < f.entries.size()) {
        entries.push_back(std::move(f.entries[i]));
        key_positions.push_back(std::move(f.key_positions[i]));
      }
    }
    f.entries = std::move(entries);
    f.key_positions = std::move(key_positions);
    return true;
  }

  std::string file_;
  const EnvLookup& env_;
  Status status_;
  std::optional<ConfigValue> root_;
  SourcePos document_pos_;
  int document_offset_ = 0;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, ConfigValue> anchors_;
  std::map<YAML::anchor_t, std::string> anchor_names_;
  std::string pending_anchor_name_;
};

}  // namespace

Result<std::string> SubstituteEnv(std::string_view text, const SourcePos& pos,
                                  const EnvLookup& env) {
  const EnvLookup& lookup = env ? env : EnvLookup(ProcessEnv);
  Result<std::string> out = SubstituteText(text, lookup);
  if (!out.ok()) return ConfigValue::ErrorAt(pos, "", out.status().message());
  return out;
}

Result<ConfigValue> LoadYamlString(std::string_view text, std::string_view file_name,
                                   const EnvLookup& env) {
  EnvLookup lookup = env ? env : EnvLookup(ProcessEnv);
  std::string file(file_name);
  std::istringstream in{std::string(text)};
  try {
    YAML::Parser parser(in);
    TreeBuilder builder(file, lookup);
    if (!parser.HandleNextDocument(builder)) {
      return ConfigValue::Null(SourcePos{file, 0, 0}, "");
    }
    if (!builder.status().ok()) return builder.status();
    TreeBuilder second(file, lookup);
    if (parser.HandleNextDocument(second)) {
      // yaml-cpp starts a new document both at "---" and at content indented less than the
      // first key of the document, which is an indentation mistake far more often.
      size_t offset = static_cast<size_t>(std::max(0, second.document_offset()));
      bool separator = text.substr(std::min(offset, text.size())).substr(0, 3) == "---";
      return ConfigValue::ErrorAt(
          second.document_pos(), "",
          separator ? "expected a single YAML document, found a second one after \"---\""
                    : "unexpected content after the end of the document (is it indented less "
                      "than the keys above it?)");
    }
    if (!builder.has_root()) return ConfigValue::Null(builder.document_pos(), "");
    return builder.TakeRoot();
  } catch (const YAML::Exception& e) {
    return Status::ParseError("{}: {}", ToPos(file, e.mark).ToString(), e.msg);
  }
}

Result<ConfigValue> LoadYamlFile(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno(errno, fmt::format("cannot read config file \"{}\"", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return Status::FromErrno(errno, fmt::format("cannot read config file \"{}\"", path));
  return LoadYamlString(text.str(), path, env);
}

}  // namespace ark
