#include "runtime/builtin_codecs.h"

#include "codec/arrow_codec.h"
#include "codec/csv_codec.h"
#include "codec/json_codec.h"

namespace ark {
namespace {

// Adapts a codec factory that needs only its config to the registry's factory signature.
template <typename T>
Factory<T> Adapt(Result<std::unique_ptr<T>> (*make)(const ComponentConfig&)) {
  return [make](const ComponentConfig& cfg, const ComponentContext&) { return make(cfg); };
}

}  // namespace

void RegisterCodecs(Registry& registry) {
  registry.AddCodec({.name = "json",
                     .summary = "NDJSON streams and JSON message payloads, with type inference.",
                     .spec = JsonCodecSpec(),
                     .example = "codec:\n"
                                "  type: json\n"
                                "  schema: {id: int64, price: float64, tags: \"list<string>\"}\n"},
                    Adapt<Decoder>(&MakeJsonDecoder), Adapt<Encoder>(&MakeJsonEncoder));
  registry.AddCodec({.name = "csv",
                     .summary = "CSV (RFC 4180) with a header line and inferred or declared types.",
                     .spec = CsvCodecSpec(),
                     .example = "codec:\n"
                                "  type: csv\n"
                                "  delimiter: \",\"\n"
                                "  schema: {id: int64, name: string}\n"},
                    Adapt<Decoder>(&MakeCsvDecoder), Adapt<Encoder>(&MakeCsvEncoder));
  registry.AddCodec({.name = "arrow",
                     .summary = "Apache Arrow IPC stream or file format.",
                     .spec = ArrowCodecSpec(),
                     .example = "codec:\n"
                                "  type: arrow\n"
                                "  format: stream\n"},
                    Adapt<Decoder>(&MakeArrowDecoder), Adapt<Encoder>(&MakeArrowEncoder));
}

}  // namespace ark
