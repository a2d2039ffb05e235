#include "processors/arrow_to_json.h"

#include "core/raw_message.h"
#include "processors/json_to_arrow.h"

namespace ark {

ArrowToJsonProcessor::ArrowToJsonProcessor(ArrowToJsonOptions options)
    : options_(std::move(options)),
      encoder_(JsonEncoderOptions{.include_meta = false, .fields = options_.fields_to_include}) {}

Status ArrowToJsonProcessor::Process(Batch batch, ProcessOutput* out) {
  const auto rows = static_cast<size_t>(batch.num_rows());
  json_text::TextBuffer text;
  text.Reserve(rows * bytes_per_row_.load(std::memory_order_relaxed) + 64);
  std::vector<size_t> ends;
  encoder_.WriteRows(batch, &text, '\0', &ends);
  if (rows > 0) bytes_per_row_.store(text.size() / rows + 1, std::memory_order_relaxed);
  Result<ColumnPtr> values = json_text::TakeRowsAsBinaryColumn(&text, ends);
  if (!values.ok()) return values.status().WithContext("arrow_to_json");
  Batch json(Schema::Make({Field(options_.value_field, DataType::Binary())}),
             {std::move(values).value()}, batch.num_rows());
  out->batches.push_back(AppendMetaColumns(json, batch, {}));
  return Status::OK();
}

void RegisterArrowToJsonProcessor(Registry& registry) {
  ConfigSpec spec(
      "Encodes each row as one JSON object into value_field (binary), keeping the input's "
      "__meta_* columns. __meta_* columns are not encoded unless listed in fields_to_include.");
  spec.String("value_field", "The output column for the JSON objects.")
      .Default(std::string(kValueColumn));
  spec.StringList("fields_to_include",
                  "Columns to encode (names missing from a batch are skipped); unset: all "
                  "columns except __meta_*.");
  registry.AddProcessor({.name = "arrow_to_json",
                         .summary = "Encodes rows as JSON objects.",
                         .spec = std::move(spec),
                         .example = "processors:\n"
                                    "  - type: arrow_to_json\n"
                                    "    fields_to_include: [auction, price]\n"},
                        [](const ComponentConfig& cfg,
                           const ComponentContext&) -> Result<std::unique_ptr<Processor>> {
                          ArrowToJsonOptions options;
                          options.value_field = cfg.GetString("value_field");
                          options.fields_to_include = cfg.GetStringList("fields_to_include");
                          return std::unique_ptr<Processor>(
                              std::make_unique<ArrowToJsonProcessor>(std::move(options)));
                        });
}

}  // namespace ark
