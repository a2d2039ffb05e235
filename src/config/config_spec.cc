#include "config/config_spec.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

#include "base/strings.h"
#include "base/units.h"
#include "config/yaml_loader.h"

namespace ark {
namespace {

std::optional<int64_t> ParseIntText(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() == '+') return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// True when `text` looks like an integer that does not fit in 64 bits.
bool IsIntOutOfRange(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<double> ParseFloatText(std::string_view text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return std::nullopt;
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE) return std::nullopt;
  return v;
}

// `"text"` for scalars, "a list" / "a map" / "null" otherwise: the "got ..." of a message.
std::string Describe(const ConfigValue& v) {
  if (v.is_scalar()) return fmt::format("\"{}\"", v.text());
  return std::string(v.KindDescription());
}

// Drops the "invalid duration "x": " that base/units.h puts in front of its explanation, since our
// message already quotes the value.
std::string Explanation(const Status& s, std::string_view text) {
  std::string_view msg = s.message();
  for (std::string_view prefix : {"invalid duration \"", "invalid size \""}) {
    std::string full = fmt::format("{}{}\": ", prefix, text);
    if (msg.substr(0, full.size()) == full) return std::string(msg.substr(full.size()));
  }
  return std::string(msg);
}

// "an" before a vowel, "a" otherwise: "an input component", "a codec component".
std::string_view Article(std::string_view word) {
  return !word.empty() &&
                 std::string_view("aeiouAEIOU").find(word.front()) != std::string_view::npos
             ? "an"
             : "a";
}

std::string Plural(double n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

Status CheckBounds(const OptionSpec& opt, double v, const ConfigValue& value) {
  if (opt.min && v < *opt.min) {
    return value.Error(fmt::format("must be >= {}, got {}", *opt.min, value.text()));
  }
  if (opt.max && v > *opt.max) {
    return value.Error(fmt::format("must be <= {}, got {}", *opt.max, value.text()));
  }
  return Status::OK();
}

Status CheckCount(const OptionSpec& opt, size_t n, const ConfigValue& value) {
  double count = static_cast<double>(n);
  if (opt.min && count < *opt.min) {
    return value.Error(fmt::format("must have at least {}, got {}", Plural(*opt.min, "item"), n));
  }
  if (opt.max && count > *opt.max) {
    return value.Error(fmt::format("must have at most {}, got {}", Plural(*opt.max, "item"), n));
  }
  return Status::OK();
}

Status ExpectScalar(const ConfigValue& value, std::string_view expected) {
  if (value.is_scalar()) return Status::OK();
  return value.Error(fmt::format("expected {}, got {}", expected, value.KindDescription()));
}

bool IsScalarType(OptionType t) {
  switch (t) {
    case OptionType::kBool:
    case OptionType::kInt:
    case OptionType::kFloat:
    case OptionType::kString:
    case OptionType::kDuration:
    case OptionType::kByteSize:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<bool> ParseConfigBool(std::string_view text) {
  std::string t(text);
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "true" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "no" || t == "off") return false;
  return std::nullopt;
}

std::string_view OptionTypeName(OptionType t) {
  switch (t) {
    case OptionType::kBool:
      return "bool";
    case OptionType::kInt:
      return "integer";
    case OptionType::kFloat:
      return "number";
    case OptionType::kString:
      return "string";
    case OptionType::kDuration:
      return "duration";
    case OptionType::kByteSize:
      return "byte size";
    case OptionType::kStringList:
      return "list of strings";
    case OptionType::kStringMap:
      return "map of strings";
    case OptionType::kObject:
      return "object";
    case OptionType::kObjectList:
      return "list of objects";
    case OptionType::kComponent:
      return "component";
    case OptionType::kComponentList:
      return "list of components";
    case OptionType::kAny:
      return "any";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// ConfigSpec

OptionSpec& ConfigSpec::Add(std::string name, OptionType type, std::string description) {
  ARK_CHECK(Find(name) == nullptr,
            fmt::format("ConfigSpec: option \"{}\" is declared twice", name));
  OptionSpec opt;
  opt.name = std::move(name);
  opt.type = type;
  opt.description = std::move(description);
  options_.push_back(std::move(opt));
  return options_.back();
}

OptionSpec& ConfigSpec::Bool(std::string name, std::string description) {
  return Add(std::move(name), OptionType::kBool, std::move(description));
}
OptionSpec& ConfigSpec::Int(std::string name, std::string description) {
  return Add(std::move(name), OptionType::kInt, std::move(description));
}
OptionSpec& ConfigSpec::Float(std::string name, std::string description) {
  return Add(std::move(name), OptionType::kFloat, std::move(description));
}
OptionSpec& ConfigSpec::String(std::string name, std::string description) {
  return Add(std::move(name), OptionType::kString, std::move(description));
}
OptionSpec& ConfigSpec::Duration(std::string name, std::string description) {
  return Add(std::move(name), OptionType::kDuration, std::move(description));
}
OptionSpec& ConfigSpec::ByteSize(std::string name, std::string description) {
  return Add(std::move(name), OptionType::kByteSize, std::move(description));
}
OptionSpec& ConfigSpec::StringList(std::string name, std::string description) {
  return Add(std::move(name), OptionType::kStringList, std::move(description));
}
OptionSpec& ConfigSpec::StringMap(std::string name, std::string description) {
  return Add(std::move(name), OptionType::kStringMap, std::move(description));
}
OptionSpec& ConfigSpec::Object(std::string name, std::string description, ConfigSpec spec) {
  OptionSpec& opt = Add(std::move(name), OptionType::kObject, std::move(description));
  opt.object_spec = std::make_shared<const ConfigSpec>(std::move(spec));
  return opt;
}
OptionSpec& ConfigSpec::ObjectList(std::string name, std::string description, ConfigSpec spec) {
  OptionSpec& opt = Add(std::move(name), OptionType::kObjectList, std::move(description));
  opt.object_spec = std::make_shared<const ConfigSpec>(std::move(spec));
  return opt;
}
OptionSpec& ConfigSpec::Component(std::string name, std::string description, std::string kind) {
  OptionSpec& opt = Add(std::move(name), OptionType::kComponent, std::move(description));
  opt.component_kind = std::move(kind);
  return opt;
}
OptionSpec& ConfigSpec::ComponentList(std::string name, std::string description, std::string kind) {
  OptionSpec& opt = Add(std::move(name), OptionType::kComponentList, std::move(description));
  opt.component_kind = std::move(kind);
  return opt;
}
OptionSpec& ConfigSpec::Any(std::string name, std::string description) {
  return Add(std::move(name), OptionType::kAny, std::move(description));
}

ConfigSpec& ConfigSpec::Ignore(std::string key) {
  ignored_.push_back(std::move(key));
  return *this;
}

const OptionSpec* ConfigSpec::Find(std::string_view name) const {
  for (const OptionSpec& opt : options_) {
    if (opt.name == name) return &opt;
    for (const std::string& alias : opt.aliases) {
      if (alias == name) return &opt;
    }
  }
  return nullptr;
}

namespace {

// Validates one written (non-null) value against its option; nested objects are parsed into
// `objects`.
Status ParseOptionValue(const OptionSpec& opt, const ConfigValue& value,
                        std::vector<ComponentConfig>* objects) {
  switch (opt.type) {
    case OptionType::kBool:
      ARK_RETURN_IF_ERROR(ExpectScalar(value, "true or false"));
      if (!ParseConfigBool(value.text())) {
        return value.Error(fmt::format("expected true or false, got {}", Describe(value)));
      }
      return Status::OK();
    case OptionType::kInt: {
      ARK_RETURN_IF_ERROR(ExpectScalar(value, "an integer"));
      std::optional<int64_t> v = ParseIntText(value.text());
      if (!v) {
        if (IsIntOutOfRange(value.text())) {
          return value.Error(fmt::format(
              "expected an integer, got {} (out of the 64-bit integer range)", Describe(value)));
        }
        return value.Error(fmt::format("expected an integer, got {}", Describe(value)));
      }
      return CheckBounds(opt, static_cast<double>(*v), value);
    }
    case OptionType::kFloat: {
      ARK_RETURN_IF_ERROR(ExpectScalar(value, "a number"));
      std::optional<double> v = ParseFloatText(value.text());
      if (!v) return value.Error(fmt::format("expected a number, got {}", Describe(value)));
      return CheckBounds(opt, *v, value);
    }
    case OptionType::kString:
      ARK_RETURN_IF_ERROR(ExpectScalar(value, "a string"));
      if (!opt.enum_values.empty() && std::find(opt.enum_values.begin(), opt.enum_values.end(),
                                                value.text()) == opt.enum_values.end()) {
        return value.Error(fmt::format("must be one of {}; got {}{}",
                                       JoinStrings(opt.enum_values, ", "), Describe(value),
                                       DidYouMean(value.text(), opt.enum_values)));
      }
      return Status::OK();
    case OptionType::kDuration: {
      ARK_RETURN_IF_ERROR(ExpectScalar(value, "a duration like \"500ms\" or \"1m\""));
      Result<std::chrono::nanoseconds> d = ParseDuration(value.text());
      if (!d.ok()) {
        return value.Error(fmt::format("expected a duration like \"500ms\" or \"1m\", got {}: {}",
                                       Describe(value), Explanation(d.status(), value.text())));
      }
      return Status::OK();
    }
    case OptionType::kByteSize: {
      ARK_RETURN_IF_ERROR(ExpectScalar(value, "a size like \"64MiB\" or \"1GB\""));
      Result<uint64_t> b = ParseByteSize(value.text());
      if (!b.ok()) {
        return value.Error(fmt::format("expected a size like \"64MiB\" or \"1GB\", got {}: {}",
                                       Describe(value), Explanation(b.status(), value.text())));
      }
      return Status::OK();
    }
    case OptionType::kStringList:
      if (value.is_scalar()) return CheckCount(opt, 1, value);
      if (!value.is_list()) {
        return value.Error(
            fmt::format("expected a list of strings, got {}", value.KindDescription()));
      }
      for (const ConfigValue& item : value.items()) {
        ARK_RETURN_IF_ERROR(ExpectScalar(item, "a string"));
      }
      return CheckCount(opt, value.items().size(), value);
    case OptionType::kStringMap:
      if (!value.is_map()) {
        return value.Error(
            fmt::format("expected a map of strings, got {}", value.KindDescription()));
      }
      for (const auto& [key, v] : value.entries()) {
        ARK_RETURN_IF_ERROR(ExpectScalar(v, "a string"));
      }
      return Status::OK();
    case OptionType::kObject: {
      if (!value.is_map()) {
        return value.Error(fmt::format("expected a map, got {}", value.KindDescription()));
      }
      ARK_ASSIGN_OR_RETURN(ComponentConfig nested, opt.object_spec->Parse(value, opt.name));
      objects->push_back(std::move(nested));
      return Status::OK();
    }
    case OptionType::kObjectList: {
      if (!value.is_list()) {
        return value.Error(fmt::format("expected a list of maps, got {}", value.KindDescription()));
      }
      for (size_t i = 0; i < value.items().size(); ++i) {
        const ConfigValue& item = value.items()[i];
        if (!item.is_map() && !item.is_null()) {
          return item.Error(fmt::format("expected a map, got {}", item.KindDescription()));
        }
        ARK_ASSIGN_OR_RETURN(ComponentConfig nested,
                             opt.object_spec->Parse(item, fmt::format("{}[{}]", opt.name, i)));
        objects->push_back(std::move(nested));
      }
      return CheckCount(opt, value.items().size(), value);
    }
    case OptionType::kComponent:
      if (!value.is_map()) {
        return value.Error(fmt::format("expected {} {} component (a map with \"type\"), got {}",
                                       Article(opt.component_kind), opt.component_kind,
                                       value.KindDescription()));
      }
      return Status::OK();
    case OptionType::kComponentList:
      if (!value.is_list()) {
        return value.Error(fmt::format("expected a list of {} components, got {}",
                                       opt.component_kind, value.KindDescription()));
      }
      return CheckCount(opt, value.items().size(), value);
    case OptionType::kAny:
      return Status::OK();
  }
  return Status::OK();
}

// The value a default stands for, placed at the option's path below `node`.
Result<ConfigValue> DefaultValue(const OptionSpec& opt, const ConfigValue& node) {
  std::string path = ConfigValue::ChildPath(node.path(), opt.name);
  if (IsScalarType(opt.type)) {
    return ConfigValue::Scalar(*opt.default_value, /*quoted=*/false, node.pos(), path);
  }
  auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  Result<ConfigValue> parsed =
      LoadYamlString(*opt.default_value, fmt::format("default of \"{}\"", opt.name), no_env);
  if (!parsed.ok()) return parsed.status();
  return parsed->WithPath(path);
}

}  // namespace

Result<ComponentConfig> ConfigSpec::Parse(const ConfigValue& node, std::string_view what) const {
  if (!node.is_map() && !node.is_null()) {
    return node.Error(
        fmt::format("expected a map of options for {}, got {}", what, node.KindDescription()));
  }
  ComponentConfig cfg;
  cfg.node_ = std::make_shared<const ConfigValue>(node);
  const ConfigValue& self = *cfg.node_;

  // Which map entry each option was written as.
  std::vector<int> written(options_.size(), -1);
  if (self.is_map()) {
    const auto& entries = self.entries();
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string& key = entries[i].first;
      if (std::find(ignored_.begin(), ignored_.end(), key) != ignored_.end()) continue;
      const OptionSpec* opt = Find(key);
      if (opt == nullptr) {
        if (options_.empty()) {
          return self.KeyError(
              i, fmt::format("unknown option \"{}\" for {}, which takes no options", key, what));
        }
        std::vector<std::string> names;
        std::vector<std::string> candidates;
        for (const OptionSpec& o : options_) {
          names.push_back(o.name);
          candidates.push_back(o.name);
          candidates.insert(candidates.end(), o.aliases.begin(), o.aliases.end());
        }
        std::sort(names.begin(), names.end());
        return self.KeyError(
            i, fmt::format("unknown option \"{}\" for {}{}; valid options: {}", key, what,
                           DidYouMean(key, candidates), JoinStrings(names, ", ")));
      }
      size_t index = static_cast<size_t>(opt - options_.data());
      if (written[index] >= 0) {
        size_t first = static_cast<size_t>(written[index]);
        return self.KeyError(
            i, fmt::format("option \"{}\" is given twice (also as \"{}\" at {})", opt->name,
                           entries[first].first, self.key_pos(first).ToString()));
      }
      written[index] = static_cast<int>(i);
    }
  }

  for (size_t index = 0; index < options_.size(); ++index) {
    const OptionSpec& opt = options_[index];
    ComponentConfig::Entry entry;
    entry.spec = &opt;
    const ConfigValue* value =
        written[index] >= 0 ? &self.entries()[static_cast<size_t>(written[index])].second : nullptr;
    if (value != nullptr && !value->is_null()) {
      ARK_RETURN_IF_ERROR(ParseOptionValue(opt, *value, &entry.objects));
      entry.value = std::shared_ptr<const ConfigValue>(cfg.node_, value);
      entry.set = true;
    } else if (opt.required) {
      if (value != nullptr) {
        return value->Error(
            fmt::format("required option \"{}\" for {} has no value", opt.name, what));
      }
      return self.Error(fmt::format("missing required option \"{}\" for {}", opt.name, what));
    } else if (opt.default_value) {
      Result<ConfigValue> def = DefaultValue(opt, self);
      Status st = def.ok() ? ParseOptionValue(opt, *def, &entry.objects) : def.status();
      if (!st.ok()) {
        return Status::Internal("the default of option \"{}\" for {} is invalid: {}", opt.name,
                                what, st.message());
      }
      entry.value = std::make_shared<const ConfigValue>(std::move(def).value());
    } else if (opt.type == OptionType::kObject &&
               std::none_of(opt.object_spec->options().begin(), opt.object_spec->options().end(),
                            [](const OptionSpec& o) { return o.required; })) {
      // An unset object still yields its defaults, unless it has required options: then it simply
      // stays unset (Has() is false), since an absent optional section cannot be incomplete.
      ARK_ASSIGN_OR_RETURN(
          ComponentConfig nested,
          opt.object_spec->Parse(
              ConfigValue::Null(self.pos(), ConfigValue::ChildPath(self.path(), opt.name)),
              opt.name));
      entry.objects.push_back(std::move(nested));
    }
    cfg.entries_.emplace(opt.name, std::move(entry));
  }
  return cfg;
}

// ---------------------------------------------------------------------------------------------
// ComponentConfig

const ComponentConfig::Entry& ComponentConfig::Lookup(std::string_view name,
                                                      OptionType type) const {
  auto it = entries_.find(name);
  ARK_CHECK(it != entries_.end(),
            fmt::format("ComponentConfig: option \"{}\" is not declared in the spec", name));
  ARK_CHECK(it->second.spec->type == type ||
                (type == OptionType::kAny && it->second.spec->type == OptionType::kComponent),
            fmt::format("ComponentConfig: option \"{}\" is declared as {}, not read as {}", name,
                        OptionTypeName(it->second.spec->type), OptionTypeName(type)));
  return it->second;
}

bool ComponentConfig::Has(std::string_view name) const {
  auto it = entries_.find(name);
  ARK_CHECK(it != entries_.end(),
            fmt::format("ComponentConfig: option \"{}\" is not declared in the spec", name));
  return it->second.value != nullptr;
}

bool ComponentConfig::IsSet(std::string_view name) const {
  auto it = entries_.find(name);
  ARK_CHECK(it != entries_.end(),
            fmt::format("ComponentConfig: option \"{}\" is not declared in the spec", name));
  return it->second.set;
}

bool ComponentConfig::GetBool(std::string_view name) const {
  const Entry& e = Lookup(name, OptionType::kBool);
  if (!e.value) return false;
  return ParseConfigBool(e.value->text()).value_or(false);
}

int64_t ComponentConfig::GetInt(std::string_view name) const {
  const Entry& e = Lookup(name, OptionType::kInt);
  if (!e.value) return 0;
  return ParseIntText(e.value->text()).value_or(0);
}

double ComponentConfig::GetFloat(std::string_view name) const {
  const Entry& e = Lookup(name, OptionType::kFloat);
  if (!e.value) return 0;
  return ParseFloatText(e.value->text()).value_or(0);
}

std::string ComponentConfig::GetString(std::string_view name) const {
  const Entry& e = Lookup(name, OptionType::kString);
  if (!e.value) return "";
  return e.value->text();
}

std::chrono::nanoseconds ComponentConfig::GetDuration(std::string_view name) const {
  const Entry& e = Lookup(name, OptionType::kDuration);
  if (!e.value) return std::chrono::nanoseconds(0);
  return ParseDuration(e.value->text()).ValueOr(std::chrono::nanoseconds(0));
}

uint64_t ComponentConfig::GetByteSize(std::string_view name) const {
  const Entry& e = Lookup(name, OptionType::kByteSize);
  if (!e.value) return 0;
  return ParseByteSize(e.value->text()).ValueOr(0);
}

std::vector<std::string> ComponentConfig::GetStringList(std::string_view name) const {
  const Entry& e = Lookup(name, OptionType::kStringList);
  std::vector<std::string> out;
  if (!e.value) return out;
  if (e.value->is_scalar()) {
    out.push_back(e.value->text());
    return out;
  }
  for (const ConfigValue& item : e.value->items()) out.push_back(item.text());
  return out;
}

std::map<std::string, std::string> ComponentConfig::GetStringMap(std::string_view name) const {
  const Entry& e = Lookup(name, OptionType::kStringMap);
  std::map<std::string, std::string> out;
  if (!e.value) return out;
  for (const auto& [key, v] : e.value->entries()) out[key] = v.text();
  return out;
}

ComponentConfig ComponentConfig::GetObject(std::string_view name) const {
  const Entry& e = Lookup(name, OptionType::kObject);
  ARK_CHECK(e.objects.size() == 1, "ComponentConfig: an object option holds one object");
  return e.objects.front();
}

std::vector<ComponentConfig> ComponentConfig::GetObjectList(std::string_view name) const {
  return Lookup(name, OptionType::kObjectList).objects;
}

const ConfigValue* ComponentConfig::GetRaw(std::string_view name) const {
  return Lookup(name, OptionType::kAny).value.get();
}

std::vector<const ConfigValue*> ComponentConfig::GetRawList(std::string_view name) const {
  const Entry& e = Lookup(name, OptionType::kComponentList);
  std::vector<const ConfigValue*> out;
  if (!e.value) return out;
  for (const ConfigValue& item : e.value->items()) out.push_back(&item);
  return out;
}

const ConfigValue& ComponentConfig::NodeOf(std::string_view name) const {
  auto it = entries_.find(name);
  ARK_CHECK(it != entries_.end(),
            fmt::format("ComponentConfig: option \"{}\" is not declared in the spec", name));
  return it->second.set ? *it->second.value : *node_;
}

}  // namespace ark
