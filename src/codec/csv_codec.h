// The `csv` codec's configuration: its ConfigSpec and the factories that turn a validated config
// into a CsvDecoder / CsvEncoder (csv_decoder.h, csv_encoder.h take plain option structs).
//
//   codec:
//     type: csv
//     header: true
//     delimiter: ";"
//     schema: {id: int64, price: float64}
//
// Thread-safety: pure functions.
#pragma once

#include <memory>

#include "codec/codec.h"
#include "codec/csv_decoder.h"
#include "codec/csv_encoder.h"
#include "config/config_spec.h"

namespace ark {

ConfigSpec CsvCodecSpec();
Result<CsvDecoderOptions> CsvDecoderOptionsFromConfig(const ComponentConfig& cfg);
Result<std::unique_ptr<Decoder>> MakeCsvDecoder(const ComponentConfig& cfg);
Result<std::unique_ptr<Encoder>> MakeCsvEncoder(const ComponentConfig& cfg);

}  // namespace ark
