// The `json` codec's configuration: its ConfigSpec and the factories that turn a validated config
// into a JsonDecoder / JsonEncoder. The codecs themselves (json_decoder.h, json_encoder.h) take
// plain option structs; this file is the thin layer between them and the config system. The
// json_to_arrow processor shares the decode options (AddJsonDecodeOptions) and the CSV codec
// shares the `schema` option format (ParseSchemaOption).
//
//   codec:
//     type: json
//     schema: {id: int64, price: float64, tags: "list<string>"}
//     max_record_bytes: 1MiB
//
// Thread-safety: pure functions.
#pragma once

#include <memory>
#include <vector>

#include "codec/codec.h"
#include "codec/json_decoder.h"
#include "codec/json_encoder.h"
#include "config/config_spec.h"
#include "config/config_value.h"

namespace ark {

// The `schema` option: a map of field name → type name (core/type_parser.h), in document order.
// Errors point at the offending entry.
Result<std::vector<Field>> ParseSchemaOption(const ConfigValue& node);

// Declares `schema` and `max_record_bytes` on `spec`.
void AddJsonDecodeOptions(ConfigSpec* spec);
// Reads the options AddJsonDecodeOptions declared.
Result<JsonDecoderOptions> JsonDecoderOptionsFromConfig(const ComponentConfig& cfg);

ConfigSpec JsonCodecSpec();
Result<std::unique_ptr<Decoder>> MakeJsonDecoder(const ComponentConfig& cfg);
Result<std::unique_ptr<Encoder>> MakeJsonEncoder(const ComponentConfig& cfg);

}  // namespace ark
