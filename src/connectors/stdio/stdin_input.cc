#include "connectors/stdio/stdin_input.h"

#include <errno.h>
#include <poll.h>

#include "connectors/common/codec_option.h"
#include "connectors/common/input_util.h"
#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {

StdinInput::StdinInput(StdinOptions options, std::unique_ptr<Decoder> decoder,
                       std::string error_component)
    : options_(options),
      decoder_(std::move(decoder)),
      error_component_(std::move(error_component)),
      reader_({.read_bytes = options.read_bytes,
               .max_line_bytes = options.max_line_bytes,
               .record_boundary = options.record_boundary}) {
  if (options_.batch_size < 1) options_.batch_size = 1;
}

Result<bool> StdinInput::Readable(std::chrono::milliseconds timeout) const {
  pollfd p{options_.fd, POLLIN, 0};
  int rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (rc < 0) {
    if (errno == EINTR) return false;
    return Status::FromErrno(errno, "waiting for standard input");
  }
  // POLLHUP / POLLERR: let read() report end of file or the error.
  return rc > 0;
}

Result<bool> StdinInput::WaitReadable(const std::stop_token& stop) const {
  while (!stop.stop_requested()) {
    ARK_ASSIGN_OR_RETURN(bool ready, Readable(options_.poll_slice));
    if (ready) return true;
  }
  return false;
}

Status StdinInput::Fill() { return reader_.Fill(options_.fd, "standard input").status(); }

Result<InputBatch> StdinInput::ReadRaw(const std::stop_token& stop) {
  const int64_t batch_size = options_.batch_size;
  BinaryBuilder values;
  values.Reserve(std::min<int64_t>(batch_size, 4096));
  std::vector<RecordError> errors;
  int64_t rows = 0;
  LineReader::Line line;
  while (rows < batch_size && values.data_size() < kMaxRawBatchBytes) {
    if (reader_.NextLine(&line)) {
      if (line.too_long) {
        errors.push_back(reader_.TooLongError(line));
      } else {
        values.Append(line.text);
        ++rows;
      }
      continue;
    }
    if (reader_.eof()) break;
    if (rows > 0 || !errors.empty()) {
      // Do not wait for a full batch: emit what there is when reading would block.
      ARK_ASSIGN_OR_RETURN(bool ready, Readable(std::chrono::milliseconds(0)));
      if (!ready) break;
    } else {
      ARK_ASSIGN_OR_RETURN(bool ready, WaitReadable(stop));
      if (!ready) return Status::Cancelled("stdin input stopped");
    }
    ARK_RETURN_IF_ERROR(Fill());
  }
  if (rows == 0 && errors.empty()) return Status::EndOfStream("standard input closed");
  Batch batch(Schema::Make({Field(std::string(kValueColumn), DataType::Binary())}),
              {values.Finish()}, rows);
  InputBatch out{std::move(batch), AckToken(), std::nullopt};
  if (!errors.empty()) out.errors = MakeInputErrorBatch(errors, error_component_, "stdin");
  return out;
}

Result<InputBatch> StdinInput::ReadDecoded(const std::stop_token& stop) {
  std::string_view text;
  ChunkPosition pos;
  LineReader::Line line;
  while (pending_.empty()) {
    LineReader::ChunkKind kind;
    if (options_.framing == CodecFraming::kBytes) {
      kind = reader_.NextBytes(&text, &pos) ? LineReader::ChunkKind::kLines
                                            : LineReader::ChunkKind::kNone;
    } else {
      kind = reader_.NextChunk(&text, &pos, &line);
    }
    switch (kind) {
      case LineReader::ChunkKind::kLines: {
        auto decoded = decoder_->DecodeChunk(text, pos);
        if (!decoded.ok()) return decoded.status().WithContext("stdin input");
        std::optional<Batch> errors;
        if (!decoded->errors.empty()) {
          errors = MakeInputErrorBatch(decoded->errors, error_component_, "stdin");
        }
        AppendSliced(decoded->batch, options_.batch_size, std::move(errors), &pending_);
        continue;
      }
      case LineReader::ChunkKind::kTooLong: {
        RecordError e = reader_.TooLongError(line);
        pending_.push_back(InputBatch{Batch(), AckToken(),
                                      MakeInputErrorBatch({&e, 1}, error_component_, "stdin")});
        continue;
      }
      case LineReader::ChunkKind::kNone:
        break;
    }
    if (reader_.eof()) return Status::EndOfStream("standard input closed");
    ARK_ASSIGN_OR_RETURN(bool ready, WaitReadable(stop));
    if (!ready) return Status::Cancelled("stdin input stopped");
    ARK_RETURN_IF_ERROR(Fill());
  }
  InputBatch out = std::move(pending_.front());
  pending_.pop_front();
  return out;
}

Result<InputBatch> StdinInput::Read(std::stop_token stop) {
  if (decoder_ != nullptr) return ReadDecoded(stop);
  return ReadRaw(stop);
}

namespace {

ConfigSpec StdinSpec() {
  ConfigSpec spec(
      "Reads lines from standard input until end of file. Each line is a message (`__value__`, "
      "without its newline or a CRLF's '\\r'), or with a codec the rows decoded from the lines. "
      "A read returns as soon as reading more would block, so lines flow one by one when typed.");
  AddCodecOption(spec,
                 "Decodes the input with this codec ({type: json|csv|arrow, ...}); unset: one "
                 "raw message per line.");
  spec.Int("batch_size", "Most lines per batch (a batch is emitted earlier when input pauses).")
      .Default("1024")
      .Min(1);
  spec.ByteSize("max_line_bytes",
                "Longest line accepted; a longer line becomes an error record and is skipped.")
      .Default("16MiB");
  return spec;
}

}  // namespace

void RegisterStdinInput(Registry& registry) {
  registry.AddInput(
      {.name = "stdin",
       .summary = "Reads lines from standard input until end of file.",
       .spec = StdinSpec(),
       .example = "input:\n  type: stdin\n  codec:\n    type: json\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Input>> {
        StdinOptions o;
        o.batch_size = cfg.GetInt("batch_size");
        o.max_line_bytes = cfg.GetByteSize("max_line_bytes");
        if (o.max_line_bytes == 0) {
          return cfg.NodeOf("max_line_bytes").Error("`max_line_bytes` must be at least 1 byte");
        }
        std::unique_ptr<Decoder> decoder;
        if (const ConfigValue* codec = CodecNode(cfg)) {
          ARK_ASSIGN_OR_RETURN(decoder, MakeCodecDecoder(*codec, ctx));
          o.framing = FramingOf(*codec);
          o.record_boundary = RecordBoundaryOf(*codec);
        }
        return std::make_unique<StdinInput>(o, std::move(decoder),
                                            InputErrorComponent(ctx, "stdin"));
      });
}

}  // namespace ark
