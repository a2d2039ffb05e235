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

  // Map lookup; null when absent or when this is not a map.
  const ConfigValue* Get(std::string_view key) const;

  const SourcePos& pos() const { return pos_; }
  // Key path from the document root: "streams[0].pipeline.processors[1].query".
  const std::string& path() const { return path_; }

  // A ConfigError located at this node: "<file:line:col>: <path>: <message>".
  Status Error(std::string_view message) const;

  // Renders the subtree back as YAML-ish flow text, for messages and `validate` output.
  std::string ToString() const;

 private:
  Kind kind_ = Kind::kNull;
  std::string text_;
  bool quoted_ = false;
  std::vector<ConfigValue> items_;
  std::vector<std::pair<std::string, ConfigValue>> entries_;
  SourcePos pos_;
  std::string path_;
};

}  // namespace ark
