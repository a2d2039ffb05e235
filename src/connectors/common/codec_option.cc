#include "connectors/common/codec_option.h"

#include "codec/csv_decoder.h"

namespace ark {

OptionSpec& AddCodecOption(ConfigSpec& spec, std::string description) {
  return spec.Component("codec", std::move(description), "codec");
}

const ConfigValue* CodecNode(const ComponentConfig& cfg) {
  if (!cfg.IsSet("codec")) return nullptr;
  const ConfigValue* node = cfg.GetRaw("codec");
  return node != nullptr && !node->is_null() ? node : nullptr;
}

std::string CodecType(const ConfigValue& codec_node) {
  const ConfigValue* type = codec_node.Get("type");
  return type != nullptr && type->is_scalar() ? type->text() : std::string();
}

ConfigValue MakeCodecNode(std::string_view type, const ConfigValue& where) {
  std::vector<std::pair<std::string, ConfigValue>> entries;
  entries.emplace_back(
      "type", ConfigValue::Scalar(std::string(type), false, where.pos(), where.path() + ".type"));
  return ConfigValue::Map(std::move(entries), where.pos(), where.path());
}

CodecFraming FramingOf(const ConfigValue& codec_node) {
  std::string type = CodecType(codec_node);
  if (type == "arrow") return CodecFraming::kBytes;
  if (type == "csv") return CodecFraming::kCsvRecords;
  return CodecFraming::kLines;
}

LineReader::RecordBoundary RecordBoundaryOf(const ConfigValue& codec_node) {
  if (FramingOf(codec_node) != CodecFraming::kCsvRecords) return {};
  auto one_char = [&](std::string_view key, char fallback) {
    const ConfigValue* v = codec_node.Get(key);
    return v != nullptr && v->is_scalar() && v->text().size() == 1 ? v->text()[0] : fallback;
  };
  char delimiter = one_char("delimiter", ',');
  char quote = one_char("quote", '"');
  return [delimiter, quote](std::string_view data) {
    return CsvRecordBoundary(data, delimiter, quote);
  };
}

namespace {
Status NoRegistry(const ConfigValue& node) {
  return node.Error("cannot build the codec: no component registry in this context");
}
}  // namespace

Result<std::unique_ptr<Decoder>> MakeCodecDecoder(const ConfigValue& codec_node,
                                                  const ComponentContext& ctx) {
  if (ctx.registry == nullptr) return NoRegistry(codec_node);
  return ctx.registry->MakeDecoder(codec_node, ctx);
}

Result<std::unique_ptr<Encoder>> MakeCodecEncoder(const ConfigValue& codec_node,
                                                  const ComponentContext& ctx) {
  if (ctx.registry == nullptr) return NoRegistry(codec_node);
  return ctx.registry->MakeEncoder(codec_node, ctx);
}

}  // namespace ark
