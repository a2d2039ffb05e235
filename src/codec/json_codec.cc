#include "codec/json_codec.h"

#include <algorithm>

#include "core/type_parser.h"

namespace ark {

Result<std::vector<Field>> ParseSchemaOption(const ConfigValue& node) {
  if (!node.is_map()) {
    return node.Error(fmt::format(
        "expected a map of field name to type name (e.g. {{id: int64, price: float64}}), got {}",
        node.KindDescription()));
  }
  if (node.entries().empty()) return node.Error("the schema declares no field");
  std::vector<Field> fields;
  for (const auto& [name, value] : node.entries()) {
    if (!value.is_scalar()) {
      return value.Error(
          fmt::format("expected a type name such as int64 or \"list<string>\", got {}",
                      value.KindDescription()));
    }
    Result<DataType> type = ParseDataType(value.text());
    if (!type.ok()) return value.Error(type.status().message());
    if (std::any_of(fields.begin(), fields.end(), [&](const Field& f) { return f.name == name; })) {
      return value.Error(fmt::format("field \"{}\" is declared twice", name));
    }
    fields.emplace_back(name, std::move(type).value());
  }
  return fields;
}

void AddJsonDecodeOptions(ConfigSpec* spec) {
  spec->Any("schema",
            "Declared fields as a map of name to type (int64, float64, bool, string, binary, "
            "timestamp, date, \"list<T>\", \"struct<a: T, ...>\", and PostgreSQL names such as "
            "bigint, double precision, text). Only these fields are decoded, in this order; a "
            "value of another type makes the record an error. Unset: types are inferred for each "
            "batch.");
  spec->ByteSize("max_record_bytes",
                 "Longest accepted record (NDJSON line or message payload); longer ones become "
                 "error records.")
      .Default("16MiB");
}

Result<JsonDecoderOptions> JsonDecoderOptionsFromConfig(const ComponentConfig& cfg) {
  JsonDecoderOptions options;
  if (const ConfigValue* schema = cfg.GetRaw("schema"); schema != nullptr && !schema->is_null()) {
    ARK_ASSIGN_OR_RETURN(options.schema, ParseSchemaOption(*schema));
  }
  options.max_record_bytes = static_cast<size_t>(cfg.GetByteSize("max_record_bytes"));
  if (options.max_record_bytes == 0) {
    return cfg.NodeOf("max_record_bytes").Error("must be at least 1 byte");
  }
  return options;
}

ConfigSpec JsonCodecSpec() {
  ConfigSpec spec(
      "JSON: decodes NDJSON streams (one object per line) and message payloads (one document "
      "each; a top-level array of objects gives one row per element) into batches, inferring "
      "types unless a schema is declared; encodes each row as one JSON object.");
  AddJsonDecodeOptions(&spec);
  spec.Bool("include_meta",
            "Encoding: also write the __meta_* columns (source, partition, offset, key, ...).")
      .Default("false");
  return spec;
}

Result<std::unique_ptr<Decoder>> MakeJsonDecoder(const ComponentConfig& cfg) {
  ARK_ASSIGN_OR_RETURN(JsonDecoderOptions options, JsonDecoderOptionsFromConfig(cfg));
  Result<std::unique_ptr<JsonDecoder>> decoder = JsonDecoder::Make(std::move(options));
  if (!decoder.ok()) return cfg.NodeOf("schema").Error(decoder.status().message());
  return std::unique_ptr<Decoder>(std::move(decoder).value());
}

Result<std::unique_ptr<Encoder>> MakeJsonEncoder(const ComponentConfig& cfg) {
  JsonEncoderOptions options;
  options.include_meta = cfg.GetBool("include_meta");
  return std::unique_ptr<Encoder>(std::make_unique<JsonEncoder>(std::move(options)));
}

}  // namespace ark
