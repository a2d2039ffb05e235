// Fuzz target: the CSV decoder (codec `csv`, src/codec/csv_decoder.h) and CsvRecordBoundary over
// arbitrary bytes. The first input byte picks the options (header, delimiter, quote, declared
// schema, chunked or message input); the rest is the data. Bad records must come back as
// RecordErrors; nothing may crash, leak or hit undefined behaviour, and every decoded batch must
// be readable to its last value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "codec/csv_decoder.h"
#include "core/column_builder.h"
#include "core/type_parser.h"

namespace {

constexpr int64_t kMaxRowsToPrint = 4096;

void Consume(const ark::Result<ark::DecodeResult>& result) {
  if (!result.ok()) return;
  if (result->batch.num_rows() <= kMaxRowsToPrint) (void)result->batch.ToString();
  if (!result->errors.empty()) (void)ark::MakeErrorBatch(result->errors, "fuzz").ToString();
}

std::vector<ark::Field> DeclaredSchema() {
  std::vector<ark::Field> fields;
  for (auto [name, type] : {std::pair{"a", "int64"},
                            {"b", "string"},
                            {"c", "float64"},
                            {"d", "timestamp"},
                            {"e", "bool"},
                            {"f", "date"},
                            {"g", "int32"}}) {
    fields.emplace_back(name, *ark::ParseDataType(type));
  }
  return fields;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  ark::CsvDecoderOptions options;
  options.header = (flags & 1) != 0;
  options.delimiter = (flags & 2) ? ';' : ',';
  options.quote = (flags & 4) ? '\'' : '"';
  if (flags & 8) options.schema = DeclaredSchema();
  if (flags & 16) options.max_record_bytes = 32;
  auto decoder = ark::CsvDecoder::Make(options);
  if (!decoder.ok()) return 0;

  size_t boundary = ark::CsvRecordBoundary(text, options.delimiter, options.quote);
  if (boundary > text.size()) std::abort();

  if (flags & 32) {
    // Each line a payload.
    ark::StringBuilder payloads;
    size_t start = 0;
    while (true) {
      size_t end = text.find('\n', start);
      payloads.Append(text.substr(start, end == std::string_view::npos ? end : end + 1 - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    ark::ColumnPtr column = payloads.Finish();
    Consume((*decoder)->DecodeMessages(*column));
  } else {
    // Whole records first (split where CsvRecordBoundary says), then the unterminated rest.
    Consume((*decoder)->DecodeChunk(text.substr(0, boundary), ark::ChunkPosition{}));
    Consume((*decoder)->DecodeChunk(text.substr(boundary),
                                    ark::ChunkPosition{1, static_cast<int64_t>(boundary)}));
  }
  return 0;
}
