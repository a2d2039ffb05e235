// ConfigSpec: the single declaration of a component's options — name, type, default, bounds,
// description. It drives parsing and validation (unknown keys with "did you mean", wrong types and
// missing required keys, all with file:line:column and key path), `arkflow components show`, the
// JSON Schema and the generated component reference (DESIGN §3).
//
//   ConfigSpec spec("Emits a fixed payload at an interval.");
//   spec.String("context", "Payload of every message.").Required();
//   spec.Duration("interval", "Time between reads.").Default("1s");
//   spec.Int("count", "Messages to emit before ending the stream; unset = unlimited.").Min(1);
//   spec.Int("batch_size", "Messages per read.").Default("1").Min(1);
//
//   ARK_ASSIGN_OR_RETURN(ComponentConfig cfg, spec.Parse(node, "input \"generate\""));
//   int64_t batch = cfg.GetInt("batch_size");
//
// Thread-safety: a spec is built once at registration and read-only afterwards.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config_value.h"

namespace ark {

enum class OptionType {
  kBool,
  kInt,
  kFloat,
  kString,
  kDuration,    // "500ms", "1m"; GetDuration()
  kByteSize,    // "64MiB"; GetByteSize()
  kStringList,  // [a, b]; a single scalar is accepted as a one-element list
  kStringMap,   // {k: v}
  kObject,      // nested options described by object_spec
  kObjectList,  // list of objects described by object_spec
  kComponent,  // a nested component config ({type: ..., ...}) of `component_kind`, validated by the
               // registry when built
  kComponentList,
  kAny,  // any YAML value, passed through raw
};

std::string_view OptionTypeName(OptionType t);

// How a kBool value reads: true/false/yes/no/on/off in any case; nullopt for anything else.
std::optional<bool> ParseConfigBool(std::string_view text);

class ConfigSpec;

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::kString;
  std::string description;
  bool required = false;
  std::optional<std::string> default_value;  // as it would be written in YAML
  std::optional<double> min;  // inclusive, for kInt/kFloat; the item count of list options
  std::optional<double> max;  // inclusive, for kInt/kFloat; the item count of list options
  std::vector<std::string> enum_values;           // allowed values for kString (empty = any)
  std::shared_ptr<const ConfigSpec> object_spec;  // kObject/kObjectList
  std::string component_kind;        // kComponent/kComponentList: "codec", "processor"...
  std::vector<std::string> aliases;  // other accepted names (ArkFlow spellings)

  // Chainable setters.
  OptionSpec& Required() {
    required = true;
    return *this;
  }
  OptionSpec& Default(std::string v) {
    default_value = std::move(v);
    return *this;
  }
  OptionSpec& Min(double v) {
    min = v;
    return *this;
  }
  OptionSpec& Max(double v) {
    max = v;
    return *this;
  }
  OptionSpec& OneOf(std::vector<std::string> values) {
    enum_values = std::move(values);
    return *this;
  }
  OptionSpec& Alias(std::string name) {
    aliases.push_back(std::move(name));
    return *this;
  }
};

class ComponentConfig;

class ConfigSpec {
 public:
  ConfigSpec() = default;
  explicit ConfigSpec(std::string description) : description_(std::move(description)) {}

  OptionSpec& Bool(std::string name, std::string description);
  OptionSpec& Int(std::string name, std::string description);
  OptionSpec& Float(std::string name, std::string description);
  OptionSpec& String(std::string name, std::string description);
  OptionSpec& Duration(std::string name, std::string description);
  OptionSpec& ByteSize(std::string name, std::string description);
  OptionSpec& StringList(std::string name, std::string description);
  OptionSpec& StringMap(std::string name, std::string description);
  OptionSpec& Object(std::string name, std::string description, ConfigSpec spec);
  OptionSpec& ObjectList(std::string name, std::string description, ConfigSpec spec);
  OptionSpec& Component(std::string name, std::string description, std::string kind);
  OptionSpec& ComponentList(std::string name, std::string description, std::string kind);
  OptionSpec& Any(std::string name, std::string description);

  // Keys accepted and ignored (e.g. `type`, `name` that the registry consumes).
  ConfigSpec& Ignore(std::string key);

  const std::string& description() const { return description_; }
  const std::vector<OptionSpec>& options() const { return options_; }
  const std::vector<std::string>& ignored() const { return ignored_; }
  // The option called `name` or having `name` as an alias; null when there is none.
  const OptionSpec* Find(std::string_view name) const;

  // Validates `node` (a map, or null meaning "no options") and applies defaults. `what` names the
  // thing for messages ("input \"generate\""). Every error carries position and key path.
  // The result points into this spec: the spec must outlive it.
  //
  // How values are read: an option written as null (`count:` or `count: ~`) counts as not set.
  // Booleans accept true/false/yes/no/on/off in any case; integers are decimal with an optional
  // sign (no underscores, no hex); floats are what strtod reads in full; durations and sizes follow
  // base/units.h. Quoted scalars are accepted for every scalar type (`count: "10"`), so a quoted
  // ${VAR} works anywhere. For kStringList, kObjectList and kComponentList, Min/Max bound the
  // number of items.
  Result<ComponentConfig> Parse(const ConfigValue& node, std::string_view what) const;

 private:
  OptionSpec& Add(std::string name, OptionType type, std::string description);

  std::string description_;
  std::vector<OptionSpec> options_;
  std::vector<std::string> ignored_;
};

// A validated configuration: typed getters with defaults applied. Getters REQUIRE the option to be
// declared in the spec with the matching type (a programming error otherwise); for an optional
// option without default that was not set, use Has() first (getters then return empty values).
class ComponentConfig {
 public:
  ComponentConfig() = default;

  // True when the option was set in the document or has a default.
  bool Has(std::string_view name) const;
  // True when the option was written in the document.
  bool IsSet(std::string_view name) const;

  bool GetBool(std::string_view name) const;
  int64_t GetInt(std::string_view name) const;
  double GetFloat(std::string_view name) const;
  std::string GetString(std::string_view name) const;
  std::chrono::nanoseconds GetDuration(std::string_view name) const;
  uint64_t GetByteSize(std::string_view name) const;
  std::vector<std::string> GetStringList(std::string_view name) const;
  std::map<std::string, std::string> GetStringMap(std::string_view name) const;
  ComponentConfig GetObject(std::string_view name) const;
  std::vector<ComponentConfig> GetObjectList(std::string_view name) const;
  // kComponent / kAny: the raw node (null when unset).
  const ConfigValue* GetRaw(std::string_view name) const;
  // kComponentList: the raw nodes.
  std::vector<const ConfigValue*> GetRawList(std::string_view name) const;

  // The node an option was read from (or the enclosing node when defaulted): for error messages
  // raised after parsing, e.g. "file not found" → node.Error(...).
  const ConfigValue& NodeOf(std::string_view name) const;
  // The node this config was parsed from.
  const ConfigValue& node() const { return *node_; }

 private:
  friend class ConfigSpec;
  struct Entry {
    const OptionSpec* spec = nullptr;
    std::shared_ptr<const ConfigValue> value;  // the written or defaulted value
    bool set = false;
    std::vector<ComponentConfig> objects;  // kObject: exactly one (defaults when unset);
                                           // kObjectList: one per item
  };
  const Entry& Lookup(std::string_view name, OptionType type) const;

  std::shared_ptr<const ConfigValue> node_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace ark
