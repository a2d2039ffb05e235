// Fuzz target: the JSON decoder (codec `json`, src/codec/json_decoder.h) over arbitrary bytes,
// through DecodeChunk (NDJSON) and DecodeMessages (one document per payload), with and without a
// declared schema. The first input byte picks the options; the rest is the data. Bad records
// must come back as RecordErrors; nothing may crash, leak or hit undefined behaviour, and every
// decoded batch must be readable to its last value.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "codec/json_decoder.h"
#include "core/column_builder.h"
#include "core/type_parser.h"

namespace {

constexpr int64_t kMaxRowsToPrint = 4096;

// Reads every value (ToString walks all columns) and renders the error records.
void Consume(const ark::DecodeResult& result) {
  if (result.batch.num_rows() <= kMaxRowsToPrint) (void)result.batch.ToString();
  if (!result.errors.empty()) (void)ark::MakeErrorBatch(result.errors, "fuzz").ToString();
}

std::vector<ark::Field> DeclaredSchema() {
  std::vector<ark::Field> fields;
  for (auto [name, type] : {std::pair{"a", "int64"},
                            {"b", "string"},
                            {"c", "float64"},
                            {"d", "timestamp"},
                            {"e", "list<int32>"},
                            {"f", "struct<x: bool, y: date>"},
                            {"g", "binary"},
                            {"h", "float32"}}) {
    fields.emplace_back(name, *ark::ParseDataType(type));
  }
  return fields;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  ark::JsonDecoderOptions options;
  if (flags & 1) options.schema = DeclaredSchema();
  if (flags & 2) options.include_fields = {"a", "c", "f"};
  if (flags & 4) options.max_record_bytes = 64;
  auto decoder = ark::JsonDecoder::Make(std::move(options));
  if (!decoder.ok()) return 0;

  if (flags & 8) {
    // Payloads separated by 0x1E (ASCII record separator), as a string or a binary column.
    ark::BinaryBuilder payloads((flags & 16) ? ark::DataType::String() : ark::DataType::Binary());
    size_t start = 0;
    while (true) {
      size_t end = text.find('\x1e', start);
      payloads.Append(text.substr(start, end - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    ark::ColumnPtr column = payloads.Finish();
    auto result = (*decoder)->DecodeMessages(*column);
    if (result.ok()) Consume(*result);
  } else {
    // The same decoder twice: scratch state carried between calls must not leak into results.
    for (int i = 0; i < 2; ++i) {
      auto result = (*decoder)->DecodeChunk(text, ark::ChunkPosition{1 + i, 0});
      if (result.ok()) Consume(*result);
    }
  }
  return 0;
}
