// ConfigValue: a configuration document as a tree of scalars, lists and maps, where every node
// remembers where it came from (file, line, column) and its key path ("streams[0].input.count").
//
// Loaded from YAML (yaml_loader.h) after ${VAR} / ${VAR:-default} substitution. Scalars keep their
// text; typed interpretation (bool, int, duration, ...) happens against a ConfigSpec
// (config_spec.h), so the errors can say what was expected and where.
//
// Thread-safety: immutable after loading; share freely.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace ark {

struct SourcePos {
  std::string file;  // may be "<string>" for configs not read from a file
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown

  // "config.yaml:12:7" (or "config.yaml" when the line is unknown).
  std::string ToString() const;
};

class ConfigValue {
 public:
  enum class Kind { kNull, kScalar, kList, kMap };

  ConfigValue() = default;
  static ConfigValue Null(SourcePos pos, std::string path);
  static ConfigValue Scalar(std::string text, bool quoted, SourcePos pos, std::string path);
  static ConfigValue List(std::vector<ConfigValue> items, SourcePos pos, std::string path);
  static ConfigValue Map(std::vector<std::pair<std::string, ConfigValue>> entries, SourcePos pos,
                         std::string path);
  // As above, also remembering where each key was written (`key_positions[i]` for entry i).
  static ConfigValue Map(std::vector<std::pair<std::string, ConfigValue>> entries,
                         std::vector<SourcePos> key_positions, SourcePos pos, std::string path);

  // The path of map entry `key` below `parent`: "a.b", or `a["x.y"]` when the key is not a plain
  // identifier (letters, digits, '_', '-'); just the key at the root.
  static std::string ChildPath(std::string_view parent, std::string_view key);
  // The path of list item `index` below `parent`: "a[3]".
  static std::string ItemPath(std::string_view parent, size_t index);
  // A ConfigError "<pos>: <path>: <message>" (parts that are unknown are left out).
  static Status ErrorAt(const SourcePos& pos, std::string_view path, std::string_view message);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_scalar() const { return kind_ == Kind::kScalar; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_map() const { return kind_ == Kind::kMap; }

  // REQUIRES: is_scalar(). The text after substitution; `quoted` when written as a quoted string.
  const std::string& text() const { return text_; }
  bool quoted() const { return quoted_; }
  // REQUIRES: is_list().
  const std::vector<ConfigValue>& items() const { return items_; }
  // REQUIRES: is_map(). Entries in document order.
  const std::vector<std::pair<std::string, ConfigValue>>& entries() const { return entries_; }
  // REQUIRES: is_map() and i < entries().size(). Where the i-th key was written (the position of
  // its value when the map was built without key positions).
  const SourcePos& key_pos(size_t i) const;
  // A ConfigError located at the i-th key, with that entry's path: for "unknown option" and
  // "duplicate" errors, which are about the key rather than its value.
  Status KeyError(size_t i, std::string_view message) const;

  // Map lookup; null when absent or when this is not a map.
  const ConfigValue* Get(std::string_view key) const;

  const SourcePos& pos() const { return pos_; }
  // Key path from the document root: "streams[0].pipeline.processors[1].query".
  const std::string& path() const { return path_; }

  // A ConfigError located at this node: "<file:line:col>: <path>: <message>".
  Status Error(std::string_view message) const;

  // Renders the subtree back as YAML-ish flow text, for messages and `validate` output.
  std::string ToString() const;

  // The same subtree with every path re-rooted at `path` (positions unchanged): a YAML alias or
  // merge places a copy of a node at a new place in the document.
  ConfigValue WithPath(std::string path) const;

  // "null", "a string", "a list", "a map" — for "expected X, got Y" messages.
  std::string_view KindDescription() const;

 private:
  Kind kind_ = Kind::kNull;
  std::string text_;
  bool quoted_ = false;
  std::vector<ConfigValue> items_;
  std::vector<std::pair<std::string, ConfigValue>> entries_;
  std::vector<SourcePos> key_pos_;  // parallel to entries_, or empty when unknown
  SourcePos pos_;
  std::string path_;
};

}  // namespace ark
