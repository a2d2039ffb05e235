#include "connectors/generate/generate_input.h"

#include <limits>
#include <vector>

#include "connectors/common/codec_option.h"
#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {

GenerateInput::GenerateInput(GenerateOptions options, std::unique_ptr<Decoder> decoder)
    : options_(std::move(options)), decoder_(std::move(decoder)) {}

Status GenerateInput::Connect() {
  if (built_) return Status::OK();
  const int64_t n = options_.batch_size;
  if (n < 1) return Status::InvalidArgument("generate input: batch_size must be at least 1");
  const std::string& payload = options_.context;
  if (decoder_ == nullptr) {
    if (static_cast<double>(payload.size()) * static_cast<double>(n) >
        static_cast<double>(std::numeric_limits<int32_t>::max())) {
      return Status::InvalidArgument(
          "generate input: batch_size {} × a {}-byte context exceeds the 2 GiB a batch column "
          "can hold; lower batch_size",
          n, payload.size());
    }
    BinaryBuilder values;
    values.Reserve(n);
    values.ReserveData(payload.size() * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) values.UnsafeAppend(payload);
    full_ = Batch(Schema::Make({Field(std::string(kValueColumn), DataType::Binary())}),
                  {values.Finish()}, n);
    rows_per_message_ = 1;
  } else {
    std::string_view one[] = {payload};
    Batch raw = MakeRawBatch(one);
    auto decoded = decoder_->DecodeMessages(*raw.column(0));
    if (!decoded.ok()) {
      return decoded.status().WithContext("generate input: decoding `context` with the codec");
    }
    if (!decoded->errors.empty()) {
      return Status::InvalidArgument("generate input: the codec cannot decode `context`: {}",
                                     decoded->errors.front().message);
    }
    const Batch& rows = decoded->batch;
    if (rows.num_rows() == 0) {
      return Status::InvalidArgument("generate input: `context` decodes to no rows");
    }
    rows_per_message_ = rows.num_rows();
    std::vector<int64_t> indices;
    indices.reserve(static_cast<size_t>(n * rows_per_message_));
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t r = 0; r < rows_per_message_; ++r) indices.push_back(r);
    }
    full_ = TakeRows(rows, indices);
  }
  built_ = true;
  return Status::OK();
}

Result<InputBatch> GenerateInput::Read(std::stop_token stop) {
  ARK_RETURN_IF_ERROR(Connect());
  if (options_.count && emitted_ >= *options_.count) {
    return Status::EndOfStream("generate input: {} messages emitted", emitted_);
  }
  const auto interval = options_.interval;
  if (first_) {
    first_ = false;
    next_due_ = Clock::now();
  } else if (interval > std::chrono::nanoseconds::zero()) {
    std::unique_lock lock(mu_);
    wake_.wait_until(lock, stop, next_due_, [] { return false; });
  }
  if (stop.stop_requested()) return Status::Cancelled("generate input stopped");
  if (interval > std::chrono::nanoseconds::zero()) {
    // Fixed rate without catch-up bursts.
    next_due_ = std::max(next_due_ + interval, Clock::now());
  }
  int64_t n = options_.batch_size;
  if (options_.count) n = std::min(n, *options_.count - emitted_);
  emitted_ += n;
  emitted_bytes_.fetch_add(n * static_cast<int64_t>(options_.context.size()),
                           std::memory_order_relaxed);
  Batch batch = n == options_.batch_size ? full_ : full_.Slice(0, n * rows_per_message_);
  return InputBatch{std::move(batch), AckToken(), std::nullopt};
}

std::optional<std::pair<int64_t, int64_t>> GenerateInput::Progress() const {
  if (!options_.count) return std::nullopt;
  return std::make_pair(emitted_bytes_.load(std::memory_order_relaxed),
                        *options_.count * static_cast<int64_t>(options_.context.size()));
}

namespace {

ConfigSpec GenerateSpec() {
  ConfigSpec spec(
      "Emits a constant payload: each read returns `batch_size` messages whose `__value__` is "
      "`context`. The batch is built once and shared, so generate → drop runs at memory speed. "
      "The first read is immediate, later reads come `interval` apart. With `count` the stream "
      "ends after exactly `count` messages (the last batch may be partial).");
  spec.String("context", "Payload of every message.").Required();
  spec.Duration("interval",
                "Time between reads (fixed rate), e.g. 1ms, 1s; \"0s\" reads as fast as the "
                "pipeline accepts.")
      .Required();
  spec.Int("count", "Total number of messages, after which the stream ends; unset: unlimited.")
      .Min(0);
  spec.Int("batch_size", "Messages per read.").Default("1").Min(1);
  AddCodecOption(spec,
                 "Decodes `context` once with this codec ({type: json, ...}); every message is "
                 "then the decoded rows. Unset: raw `__value__`.");
  return spec;
}

}  // namespace

void RegisterGenerateInput(Registry& registry) {
  registry.AddInput(
      {.name = "generate",
       .summary = "Emits a constant payload at an interval (tests, demos, benchmarks).",
       .spec = GenerateSpec(),
       .example = "input:\n  type: generate\n  context: '{ \"timestamp\": 1625000000000, "
                  "\"value\": 10, \"sensor\": \"temp_1\" }'\n  interval: 1ms\n  batch_size: "
                  "1000\n  count: 10000\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Input>> {
        GenerateOptions o;
        o.context = cfg.GetString("context");
        o.interval = cfg.GetDuration("interval");
        if (cfg.IsSet("count")) o.count = cfg.GetInt("count");
        o.batch_size = cfg.GetInt("batch_size");
        std::unique_ptr<Decoder> decoder;
        if (const ConfigValue* codec = CodecNode(cfg)) {
          ARK_ASSIGN_OR_RETURN(decoder, MakeCodecDecoder(*codec, ctx));
        }
        return std::make_unique<GenerateInput>(std::move(o), std::move(decoder));
      });
}

}  // namespace ark
