#include "connectors/memory/memory_input.h"

#include <span>

#include "connectors/common/codec_option.h"
#include "connectors/common/input_util.h"
#include "core/raw_message.h"

namespace ark {

MemoryInput::MemoryInput(MemoryInputOptions options, std::unique_ptr<Decoder> decoder,
                         std::string error_component)
    : options_(std::move(options)),
      decoder_(std::move(decoder)),
      error_component_(std::move(error_component)) {}

Result<InputBatch> MemoryInput::Read(std::stop_token stop) {
  if (stop.stop_requested()) return Status::Cancelled("memory input stopped");
  const auto& messages = options_.messages;
  if (next_ >= messages.size()) {
    return Status::EndOfStream("memory input: {} messages emitted", messages.size());
  }
  size_t n = messages.size() - next_;
  if (options_.batch_size) n = std::min(n, static_cast<size_t>(*options_.batch_size));
  Batch raw = MakeRawBatch(std::span<const std::string>(messages).subspan(next_, n));
  next_ += n;
  if (decoder_ == nullptr) return InputBatch{std::move(raw), AckToken(), std::nullopt};
  ARK_ASSIGN_OR_RETURN(DecodeResult decoded, decoder_->DecodeMessages(*raw.column(0)));
  InputBatch out{std::move(decoded.batch), AckToken(), std::nullopt};
  if (!decoded.errors.empty()) out.errors = MakeInputErrorBatch(decoded.errors, error_component_);
  return out;
}

namespace {

ConfigSpec MemorySpec() {
  ConfigSpec spec(
      "Emits the configured messages in order, then ends the stream. Each message is a raw "
      "`__value__` (or, with a codec, the rows it decodes to). All messages form one batch "
      "unless `batch_size` splits them.");
  spec.StringList("messages", "The messages to emit; unset: none (the stream ends at once).");
  spec.Int("batch_size", "Messages per batch; unset: all in one batch.").Min(1);
  AddCodecOption(spec,
                 "Decodes each message with this codec ({type: json, ...}); unset: raw "
                 "`__value__`.");
  return spec;
}

}  // namespace

void RegisterMemoryInput(Registry& registry) {
  registry.AddInput({.name = "memory",
                     .summary = "Emits a fixed list of messages, then ends the stream.",
                     .spec = MemorySpec(),
                     .example = "input:\n  type: memory\n  messages:\n    - '{ \"value\": 1 }'\n"
                                "    - '{ \"value\": 2 }'\n"},
                    [](const ComponentConfig& cfg,
                       const ComponentContext& ctx) -> Result<std::unique_ptr<Input>> {
                      MemoryInputOptions o;
                      if (cfg.IsSet("messages")) o.messages = cfg.GetStringList("messages");
                      if (cfg.IsSet("batch_size")) o.batch_size = cfg.GetInt("batch_size");
                      std::unique_ptr<Decoder> decoder;
                      if (const ConfigValue* codec = CodecNode(cfg)) {
                        ARK_ASSIGN_OR_RETURN(decoder, MakeCodecDecoder(*codec, ctx));
                      }
                      return std::make_unique<MemoryInput>(std::move(o), std::move(decoder),
                                                           InputErrorComponent(ctx, "memory"));
                    });
}

}  // namespace ark
