#include "connectors/stdio/stdout_output.h"

#include "connectors/common/codec_option.h"

namespace ark {

StdoutOutput::StdoutOutput(BatchFormatter formatter, int fd)
    : writer_(std::move(formatter), "standard output"), fd_(fd) {}

Status StdoutOutput::Write(const Batch& batch) { return writer_.Write(fd_, batch); }

Status StdoutOutput::Close() {
  if (closed_) return Status::OK();
  ARK_RETURN_IF_ERROR(writer_.Finish(fd_));
  closed_ = true;
  return Status::OK();
}

namespace {

ConfigSpec StdoutSpec() {
  ConfigSpec spec(
      "Writes every message to standard output. Without a codec it writes the `__value__` column "
      "of each row (the raw payload) when the batch holds raw messages; a batch with other "
      "columns (rows decoded by a codec or built by SQL, error rows with their `__error__`) is "
      "written as one JSON object per row. With a codec it writes the codec's "
      "stream format (NDJSON, CSV with a header, Arrow IPC stream). Each batch is written with "
      "write(2) before it is acknowledged.");
  spec.Bool("append_newline",
            "Write a newline after each message (raw `__value__` and the JSON-per-row default). "
            "Ignored with a codec, whose own framing applies.")
      .Default("true");
  AddCodecOption(
      spec,
      "Encodes batches in this format ({type: json|csv|arrow, ...}); unset: raw "
      "`__value__` of raw messages, or one JSON object per row when the batch has other columns.");
  return spec;
}

}  // namespace

void RegisterStdoutOutput(Registry& registry) {
  registry.AddOutput({.name = "stdout",
                      .summary = "Writes messages to standard output, one per line.",
                      .spec = StdoutSpec(),
                      .example = "output:\n  type: stdout\n  append_newline: true\n"},
                     [](const ComponentConfig& cfg,
                        const ComponentContext& ctx) -> Result<std::unique_ptr<Output>> {
                       std::unique_ptr<Encoder> encoder;
                       if (const ConfigValue* codec = CodecNode(cfg)) {
                         ARK_ASSIGN_OR_RETURN(encoder, MakeCodecEncoder(*codec, ctx));
                       }
                       return std::make_unique<StdoutOutput>(
                           BatchFormatter(std::move(encoder), cfg.GetBool("append_newline"), ctx));
                     });
}

}  // namespace ark
