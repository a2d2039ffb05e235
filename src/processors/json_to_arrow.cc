#include "processors/json_to_arrow.h"

#include "base/strings.h"
#include "codec/json_codec.h"
#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {

Batch AppendMetaColumns(const Batch& out, const Batch& in, std::span<const int64_t> rows) {
  std::vector<Field> fields = out.schema()->fields();
  std::vector<ColumnPtr> columns = out.columns();
  for (int i = 0; i < in.num_columns(); ++i) {
    const Field& f = in.schema()->field(i);
    if (!IsMetaColumn(f.name) || out.schema()->IndexOf(f.name) >= 0) continue;
    fields.push_back(f);
    columns.push_back(rows.empty() ? in.column(i) : TakeColumn(*in.column(i), rows));
  }
  return Batch(Schema::Make(std::move(fields)), std::move(columns), out.num_rows());
}

Result<std::unique_ptr<JsonToArrowProcessor>> JsonToArrowProcessor::Make(
    JsonToArrowOptions options) {
  ARK_ASSIGN_OR_RETURN(std::unique_ptr<JsonDecoder> first, JsonDecoder::Make(options.decoder));
  std::unique_ptr<JsonToArrowProcessor> p(new JsonToArrowProcessor(std::move(options)));
  p->idle_.push_back(std::move(first));
  return p;
}

Result<std::unique_ptr<JsonDecoder>> JsonToArrowProcessor::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<JsonDecoder> d = std::move(idle_.back());
      idle_.pop_back();
      return d;
    }
  }
  return JsonDecoder::Make(options_.decoder);
}

void JsonToArrowProcessor::Release(std::unique_ptr<JsonDecoder> decoder) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(decoder));
}

Status JsonToArrowProcessor::Process(Batch batch, ProcessOutput* out) {
  const int index = batch.schema()->IndexOf(options_.value_field);
  if (index < 0) {
    return Status::NotFound("json_to_arrow: the input has no column \"{}\" to parse (columns: {})",
                            options_.value_field, JoinStrings(batch.schema()->names(), ", "));
  }
  const Column& values = *batch.column(index);
  if (!values.type().is_binary_like()) {
    return Status::TypeError("json_to_arrow: column \"{}\" is {}, expected binary or string",
                             options_.value_field, values.type().ToString());
  }
  ARK_ASSIGN_OR_RETURN(std::unique_ptr<JsonDecoder> decoder, Acquire());
  Result<DecodeResult> decoded = decoder->DecodeMessages(values);
  Release(std::move(decoder));
  if (!decoded.ok()) return decoded.status().WithContext("json_to_arrow");
  DecodeResult& r = *decoded;
  if (r.batch.num_rows() > 0) {
    out->batches.push_back(AppendMetaColumns(r.batch, batch, r.source_index));
  }
  if (!r.errors.empty()) {
    // The error rows keep the whole original payload (not the truncated text of RecordError)
    // so that they can be replayed from error_output.
    std::vector<int64_t> rows;
    rows.reserve(r.errors.size());
    BinaryBuilder payloads;
    for (const RecordError& e : r.errors) {
      rows.push_back(e.message_index);
      payloads.AppendFrom(values, e.message_index);
    }
    Batch errors = MakeErrorBatch(r.errors, options_.component);
    ARK_ASSIGN_OR_RETURN(
        errors,
        errors.SetColumn(Field(std::string(kValueColumn), DataType::Binary()), payloads.Finish()));
    out->errors.push_back(AppendMetaColumns(errors, batch, rows));
  }
  return Status::OK();
}

void RegisterJsonToArrowProcessor(Registry& registry) {
  ConfigSpec spec(
      "Parses the JSON object in each row's value_field into columns, inferring types per batch "
      "unless a schema is declared; keeps the input's __meta_* columns. A payload holding an "
      "array of objects gives one row per object. Rows that are not valid JSON objects go to "
      "error_output.");
  spec.String("value_field", "The binary or string column holding the JSON documents.")
      .Default(std::string(kValueColumn));
  spec.StringList("fields_to_include",
                  "Top-level fields to keep (the others are skipped); unset: all fields.");
  AddJsonDecodeOptions(&spec);
  registry.AddProcessor(
      {.name = "json_to_arrow",
       .summary = "Parses JSON payloads into columns.",
       .spec = std::move(spec),
       .example = "processors:\n"
                  "  - type: json_to_arrow\n"
                  "    fields_to_include: [auction, price]\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Processor>> {
        JsonToArrowOptions options;
        options.value_field = cfg.GetString("value_field");
        ARK_ASSIGN_OR_RETURN(options.decoder, JsonDecoderOptionsFromConfig(cfg));
        options.decoder.include_fields = cfg.GetStringList("fields_to_include");
        options.component =
            ctx.label.empty() ? "json_to_arrow" : fmt::format("{} json_to_arrow", ctx.label);
        Result<std::unique_ptr<JsonToArrowProcessor>> p = JsonToArrowProcessor::Make(options);
        if (!p.ok()) return cfg.NodeOf("schema").Error(p.status().message());
        return std::unique_ptr<Processor>(std::move(p).value());
      });
}

}  // namespace ark
