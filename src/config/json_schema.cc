#include "config/json_schema.h"

#include <cctype>
#include <cstdlib>
#include <functional>

#include <fmt/format.h>

#include "config/yaml_loader.h"

namespace ark {
namespace {

// A JSON document under construction: objects keep their keys in insertion order so the output
// reads in the order the spec declares its options.
class Json {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Json() = default;
  static Json Bool(bool b) {
    Json j(Type::kBool);
    j.text_ = b ? "true" : "false";
    return j;
  }
  // `text` must be a JSON number.
  static Json Number(std::string text) {
    Json j(Type::kNumber);
    j.text_ = std::move(text);
    return j;
  }
  static Json Number(double v) { return Number(fmt::format("{}", v)); }
  static Json String(std::string_view s) {
    Json j(Type::kString);
    j.text_ = std::string(s);
    return j;
  }
  static Json Array() { return Json(Type::kArray); }
  static Json Object() { return Json(Type::kObject); }
  static Json StringArray(const std::vector<std::string>& items) {
    Json j = Array();
    for (const std::string& s : items) j.Push(String(s));
    return j;
  }

  Type type() const { return type_; }

  // Sets `key` (replacing an existing value in place). REQUIRES: an object.
  Json& Set(std::string_view key, Json value) {
    for (auto& [k, v] : members_) {
      if (k == key) {
        v = std::move(value);
        return *this;
      }
    }
    members_.emplace_back(std::string(key), std::move(value));
    return *this;
  }
  // REQUIRES: an object.
  Json* Find(std::string_view key) {
    for (auto& [k, v] : members_) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  // Moves `key` to the front of the object.
  void MoveToFront(std::string_view key) {
    for (size_t i = 0; i < members_.size(); ++i) {
      if (members_[i].first == key) {
        auto member = std::move(members_[i]);
        members_.erase(members_.begin() + static_cast<std::ptrdiff_t>(i));
        members_.insert(members_.begin(), std::move(member));
        return;
      }
    }
  }
  // REQUIRES: an array.
  Json& Push(Json value) {
    items_.push_back(std::move(value));
    return *this;
  }
  Json& PushFront(Json value) {
    items_.insert(items_.begin(), std::move(value));
    return *this;
  }

  std::string Dump() const {
    std::string out;
    Write(&out, 0);
    out += '\n';
    return out;
  }

 private:
  explicit Json(Type t) : type_(t) {}

  static void WriteString(std::string* out, std::string_view s) {
    *out += '"';
    for (char c : s) {
      switch (c) {
        case '"':
          *out += "\\\"";
          break;
        case '\\':
          *out += "\\\\";
          break;
        case '\n':
          *out += "\\n";
          break;
        case '\r':
          *out += "\\r";
          break;
        case '\t':
          *out += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            *out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
          } else {
            *out += c;
          }
      }
    }
    *out += '"';
  }

  bool IsScalar() const { return type_ != Type::kArray && type_ != Type::kObject; }

  void Write(std::string* out, int indent) const {
    std::string pad(static_cast<size_t>(indent + 2), ' ');
    std::string close_pad(static_cast<size_t>(indent), ' ');
    switch (type_) {
      case Type::kNull:
        *out += "null";
        return;
      case Type::kBool:
      case Type::kNumber:
        *out += text_;
        return;
      case Type::kString:
        WriteString(out, text_);
        return;
      case Type::kArray: {
        if (items_.empty()) {
          *out += "[]";
          return;
        }
        bool inline_items = true;
        for (const Json& item : items_) inline_items = inline_items && item.IsScalar();
        *out += '[';
        for (size_t i = 0; i < items_.size(); ++i) {
          if (i) *out += inline_items ? ", " : ",";
          if (!inline_items) *out += "\n" + pad;
          items_[i].Write(out, indent + 2);
        }
        if (!inline_items) *out += "\n" + close_pad;
        *out += ']';
        return;
      }
      case Type::kObject: {
        if (members_.empty()) {
          *out += "{}";
          return;
        }
        *out += '{';
        for (size_t i = 0; i < members_.size(); ++i) {
          if (i) *out += ',';
          *out += "\n" + pad;
          WriteString(out, members_[i].first);
          *out += ": ";
          members_[i].second.Write(out, indent + 2);
        }
        *out += "\n" + close_pad + "}";
        return;
      }
    }
  }

  Type type_ = Type::kNull;
  std::string text_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> members_;
};

constexpr std::string_view kSchemaUri = "https://json-schema.org/draft/2020-12/schema";
// What base/units.h ParseDuration accepts (without bare numbers), or a ${VAR} reference.
constexpr std::string_view kDurationPattern =
    "^(?:\\s*(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)\\s*(?:ns|us|\xC2\xB5s|ms|secs|sec|s|mins|min|m|h|d))+"
    "\\s*$|\\$\\{";
// What base/units.h ParseByteSize accepts, or a ${VAR} reference.
constexpr std::string_view kByteSizePattern =
    "^\\s*(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)\\s*(?:[bB]|[kKmMgGtT](?:[iI]?[bB])?)?\\s*$|\\$\\{";
constexpr std::string_view kEnvRefPattern = "\\$\\{";

// Returns the schema for a component of `kind` (kComponent options and kComponentList items).
using ComponentResolver = std::function<Json(const std::string& kind)>;

Json GenericComponent(const std::string& kind) {
  Json type = Json::Object();
  type.Set("type", Json::String("string"));
  type.Set("description", Json::String(fmt::format("The {} type.", kind)));
  Json props = Json::Object();
  props.Set("type", std::move(type));
  Json j = Json::Object();
  j.Set("type", Json::String("object"));
  j.Set("properties", std::move(props));
  j.Set("required", Json::StringArray({"type"}));
  return j;
}

// `schema`, or a ${VAR} reference string (substituted before the value is typed).
Json OrEnvRef(Json schema) {
  Json env = Json::Object();
  env.Set("type", Json::String("string"));
  env.Set("pattern", Json::String(kEnvRefPattern));
  Json any = Json::Array();
  any.Push(std::move(schema));
  any.Push(std::move(env));
  Json j = Json::Object();
  j.Set("anyOf", std::move(any));
  return j;
}

// Any scalar: string options accept numbers and booleans as their text.
Json ScalarText() {
  Json j = Json::Object();
  Json types = Json::Array();
  types.Push(Json::String("string")).Push(Json::String("number")).Push(Json::String("boolean"));
  j.Set("type", std::move(types));
  return j;
}

void SetBounds(const OptionSpec& opt, Json* j, std::string_view min_key, std::string_view max_key) {
  if (opt.min) j->Set(min_key, Json::Number(*opt.min));
  if (opt.max) j->Set(max_key, Json::Number(*opt.max));
}

Json ValueToJson(const ConfigValue& v) {
  switch (v.kind()) {
    case ConfigValue::Kind::kNull:
      return Json();
    case ConfigValue::Kind::kScalar:
      return Json::String(v.text());
    case ConfigValue::Kind::kList: {
      Json j = Json::Array();
      for (const ConfigValue& item : v.items()) j.Push(ValueToJson(item));
      return j;
    }
    case ConfigValue::Kind::kMap: {
      Json j = Json::Object();
      for (const auto& [k, item] : v.entries()) j.Set(k, ValueToJson(item));
      return j;
    }
  }
  return Json();
}

bool IsJsonNumber(std::string_view s) {
  if (s.empty()) return false;
  std::string text(s);
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return false;
  // strtod also reads "inf", "nan" and hex, which JSON does not.
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '+' && c != '.' &&
        c != 'e' && c != 'E') {
      return false;
    }
  }
  return std::isdigit(static_cast<unsigned char>(s.front())) || s.front() == '-';
}

// The JSON value of a default as written in YAML.
Json DefaultToJson(const OptionSpec& opt) {
  const std::string& text = *opt.default_value;
  switch (opt.type) {
    case OptionType::kBool: {
      std::optional<bool> b = ParseConfigBool(text);
      return b ? Json::Bool(*b) : Json::String(text);
    }
    case OptionType::kInt:
    case OptionType::kFloat:
      return IsJsonNumber(text) ? Json::Number(text) : Json::String(text);
    case OptionType::kString:
    case OptionType::kDuration:
    case OptionType::kByteSize:
      return Json::String(text);
    default: {
      auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
      Result<ConfigValue> v = LoadYamlString(text, "<default>", no_env);
      return v.ok() ? ValueToJson(*v) : Json::String(text);
    }
  }
}

Json SpecSchema(const ConfigSpec& spec, const ComponentResolver& resolve, bool nullable);

Json OptionSchema(const OptionSpec& opt, const ComponentResolver& resolve) {
  Json body = Json::Object();
  switch (opt.type) {
    case OptionType::kBool:
      body.Set("type", Json::String("boolean"));
      body = OrEnvRef(std::move(body));
      break;
    case OptionType::kInt:
      body.Set("type", Json::String("integer"));
      SetBounds(opt, &body, "minimum", "maximum");
      body = OrEnvRef(std::move(body));
      break;
    case OptionType::kFloat:
      body.Set("type", Json::String("number"));
      SetBounds(opt, &body, "minimum", "maximum");
      body = OrEnvRef(std::move(body));
      break;
    case OptionType::kString:
      if (opt.enum_values.empty()) {
        body = ScalarText();
      } else {
        body.Set("enum", Json::StringArray(opt.enum_values));
        body = OrEnvRef(std::move(body));
      }
      break;
    case OptionType::kDuration:
      body.Set("type", Json::String("string"));
      body.Set("pattern", Json::String(kDurationPattern));
      break;
    case OptionType::kByteSize: {
      Json number = Json::Object();
      number.Set("type", Json::String("integer"));
      number.Set("minimum", Json::Number("0"));
      Json text = Json::Object();
      text.Set("type", Json::String("string"));
      text.Set("pattern", Json::String(kByteSizePattern));
      Json any = Json::Array();
      any.Push(std::move(number)).Push(std::move(text));
      body.Set("anyOf", std::move(any));
      break;
    }
    case OptionType::kStringList: {
      Json list = Json::Object();
      list.Set("type", Json::String("array"));
      list.Set("items", ScalarText());
      SetBounds(opt, &list, "minItems", "maxItems");
      Json any = Json::Array();
      any.Push(ScalarText()).Push(std::move(list));
      body.Set("anyOf", std::move(any));
      break;
    }
    case OptionType::kStringMap:
      body.Set("type", Json::String("object"));
      body.Set("additionalProperties", ScalarText());
      break;
    case OptionType::kObject:
      body = SpecSchema(*opt.object_spec, resolve, /*nullable=*/true);
      break;
    case OptionType::kObjectList:
      body.Set("type", Json::String("array"));
      body.Set("items", SpecSchema(*opt.object_spec, resolve, /*nullable=*/true));
      SetBounds(opt, &body, "minItems", "maxItems");
      break;
    case OptionType::kComponent:
      body = resolve(opt.component_kind);
      break;
    case OptionType::kComponentList:
      body.Set("type", Json::String("array"));
      body.Set("items", resolve(opt.component_kind));
      SetBounds(opt, &body, "minItems", "maxItems");
      break;
    case OptionType::kAny:
      break;
  }
  // The option's own description comes first; a nested object's spec description is dropped in
  // its favour.
  body.Set("description", Json::String(opt.description));
  body.MoveToFront("description");
  if (opt.default_value) body.Set("default", DefaultToJson(opt));
  return body;
}

Json SpecSchema(const ConfigSpec& spec, const ComponentResolver& resolve, bool nullable) {
  Json props = Json::Object();
  std::vector<std::string> required;
  for (const OptionSpec& opt : spec.options()) {
    Json schema = OptionSchema(opt, resolve);
    for (const std::string& alias : opt.aliases) {
      Json alias_schema = schema;
      alias_schema.Set("description",
                       Json::String(fmt::format("Alias of \"{}\": {}", opt.name, opt.description)));
      props.Set(alias, std::move(alias_schema));
    }
    props.Set(opt.name, std::move(schema));
    if (opt.required) required.push_back(opt.name);
  }
  for (const std::string& key : spec.ignored()) {
    if (props.Find(key) == nullptr) props.Set(key, Json::Object());
  }
  Json j = Json::Object();
  if (!spec.description().empty()) j.Set("description", Json::String(spec.description()));
  if (nullable) {
    Json types = Json::Array();
    types.Push(Json::String("object")).Push(Json::String("null"));
    j.Set("type", std::move(types));
  } else {
    j.Set("type", Json::String("object"));
  }
  j.Set("properties", std::move(props));
  if (!required.empty()) j.Set("required", Json::StringArray(required));
  j.Set("additionalProperties", Json::Bool(false));
  return j;
}

}  // namespace

std::string SpecToJsonSchema(const ConfigSpec& spec) {
  Json j = SpecSchema(spec, GenericComponent, /*nullable=*/false);
  j.Set("$schema", Json::String(kSchemaUri));
  j.MoveToFront("$schema");
  return j.Dump();
}

std::string BuildConfigJsonSchema(
    const ConfigSpec& top,
    const std::map<std::string, std::vector<std::pair<std::string, const ConfigSpec*>>>&
        components_by_kind) {
  auto known = [&](const std::string& kind) {
    auto it = components_by_kind.find(kind);
    return it != components_by_kind.end() && !it->second.empty();
  };
  ComponentResolver resolve = [&](const std::string& kind) {
    if (!known(kind)) return GenericComponent(kind);
    Json ref = Json::Object();
    ref.Set("$ref", Json::String(fmt::format("#/$defs/{}", kind)));
    return ref;
  };

  Json defs = Json::Object();
  for (const auto& [kind, components] : components_by_kind) {
    if (components.empty()) continue;
    Json alternatives = Json::Array();
    for (const auto& [name, spec] : components) {
      Json schema = SpecSchema(*spec, resolve, /*nullable=*/false);
      Json type = Json::Object();
      type.Set("const", Json::String(name));
      Json* props = schema.Find("properties");
      props->Set("type", std::move(type));
      props->MoveToFront("type");
      Json* required = schema.Find("required");
      if (required == nullptr) {
        schema.Set("required", Json::StringArray({"type"}));
      } else {
        required->PushFront(Json::String("type"));
      }
      schema.Set("title", Json::String(fmt::format("{} \"{}\"", kind, name)));
      schema.MoveToFront("title");
      alternatives.Push(std::move(schema));
    }
    Json def = Json::Object();
    def.Set("oneOf", std::move(alternatives));
    defs.Set(kind, std::move(def));
  }

  Json j = SpecSchema(top, resolve, /*nullable=*/false);
  j.Set("$schema", Json::String(kSchemaUri));
  j.MoveToFront("$schema");
  j.Set("title", Json::String("ArkFlow configuration"));
  j.MoveToFront("title");
  j.MoveToFront("$schema");
  j.Set("$defs", std::move(defs));
  return j.Dump();
}

}  // namespace ark
