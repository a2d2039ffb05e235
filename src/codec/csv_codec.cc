#include "codec/csv_codec.h"

#include "codec/json_codec.h"

namespace ark {
namespace {

// A one-character option (delimiter, quote).
Result<char> SingleChar(const ComponentConfig& cfg, std::string_view name) {
  std::string v = cfg.GetString(name);
  if (v.size() != 1) {
    return cfg.NodeOf(name).Error(
        fmt::format("expected a single character, got \"{}\" ({} bytes)", v, v.size()));
  }
  if (v[0] == '\n' || v[0] == '\r') return cfg.NodeOf(name).Error("cannot be a line break");
  return v[0];
}

}  // namespace

ConfigSpec CsvCodecSpec() {
  ConfigSpec spec(
      "CSV (RFC 4180): decodes records into batches with a header line (or columns c0, c1, ...) "
      "and types declared or inferred from the first data, then kept for the stream; encodes "
      "rows as records with a header line first.");
  spec.Bool("header",
            "The first record names the columns (decoding); write a header line "
            "(encoding).")
      .Default("true");
  spec.String("delimiter", "Field separator, one character (\"\\t\" for TSV).").Default(",");
  spec.String("quote", "Quote character, one character.").Default("\"");
  spec.Any("schema",
           "Declared columns as a map of name to type (bool, int32, int64, float32, float64, "
           "string, binary, timestamp, date, or PostgreSQL names such as bigint and text). With a "
           "header, columns are matched by name, undeclared ones dropped; without one, the "
           "declared columns are the file's columns in order. Unset: types are inferred from the "
           "first data.");
  spec.ByteSize("max_record_bytes", "Longest accepted record; longer ones become error records.")
      .Default("16MiB");
  spec.Bool("include_meta", "Encoding: also write the __meta_* columns.").Default("false");
  return spec;
}

Result<CsvDecoderOptions> CsvDecoderOptionsFromConfig(const ComponentConfig& cfg) {
  CsvDecoderOptions options;
  options.header = cfg.GetBool("header");
  ARK_ASSIGN_OR_RETURN(options.delimiter, SingleChar(cfg, "delimiter"));
  ARK_ASSIGN_OR_RETURN(options.quote, SingleChar(cfg, "quote"));
  if (options.delimiter == options.quote) {
    return cfg.NodeOf("quote").Error(
        fmt::format("the quote must differ from the delimiter (both are '{}')", options.quote));
  }
  if (const ConfigValue* schema = cfg.GetRaw("schema"); schema != nullptr && !schema->is_null()) {
    ARK_ASSIGN_OR_RETURN(options.schema, ParseSchemaOption(*schema));
  }
  options.max_record_bytes = static_cast<size_t>(cfg.GetByteSize("max_record_bytes"));
  if (options.max_record_bytes == 0) {
    return cfg.NodeOf("max_record_bytes").Error("must be at least 1 byte");
  }
  return options;
}

Result<std::unique_ptr<Decoder>> MakeCsvDecoder(const ComponentConfig& cfg) {
  ARK_ASSIGN_OR_RETURN(CsvDecoderOptions options, CsvDecoderOptionsFromConfig(cfg));
  Result<std::unique_ptr<CsvDecoder>> decoder = CsvDecoder::Make(std::move(options));
  if (!decoder.ok()) return cfg.NodeOf("schema").Error(decoder.status().message());
  return std::unique_ptr<Decoder>(std::move(decoder).value());
}

Result<std::unique_ptr<Encoder>> MakeCsvEncoder(const ComponentConfig& cfg) {
  CsvEncoderOptions options;
  options.header = cfg.GetBool("header");
  ARK_ASSIGN_OR_RETURN(options.delimiter, SingleChar(cfg, "delimiter"));
  ARK_ASSIGN_OR_RETURN(options.quote, SingleChar(cfg, "quote"));
  if (options.delimiter == options.quote) {
    return cfg.NodeOf("quote").Error(
        fmt::format("the quote must differ from the delimiter (both are '{}')", options.quote));
  }
  options.include_meta = cfg.GetBool("include_meta");
  return std::unique_ptr<Encoder>(std::make_unique<CsvEncoder>(options));
}

}  // namespace ark
