// The optional `codec` option shared by the connectors: how a component declares it, reads it and
// builds its Decoder/Encoder through the registry (the codecs live in src/codec and are registered
// by runtime/builtin_codecs.h).
//
//   AddCodecOption(spec, "How each line is decoded; unset: raw messages.");
//   if (const ConfigValue* node = CodecNode(cfg)) {
//     ARK_ASSIGN_OR_RETURN(auto decoder, MakeCodecDecoder(*node, ctx));
//   }
//
// Thread-safety: pure functions over immutable configuration.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "codec/codec.h"
#include "config/config_spec.h"
#include "config/config_value.h"
#include "connectors/common/line_reader.h"
#include "runtime/registry.h"

namespace ark {

// Declares the optional `codec` component option.
OptionSpec& AddCodecOption(ConfigSpec& spec, std::string description);

// The `codec` node when it was set, else null.
const ConfigValue* CodecNode(const ComponentConfig& cfg);

// The codec's `type` ("json"), or "" when the node has none.
std::string CodecType(const ConfigValue& codec_node);

// A `{type: <type>}` codec node, positioned at `where` for error messages.
ConfigValue MakeCodecNode(std::string_view type, const ConfigValue& where);

// How a byte stream is cut into chunks for a codec's DecodeChunk.
enum class CodecFraming {
  kLines,       // whole lines (json)
  kCsvRecords,  // whole CSV records, which may hold newlines in quoted fields
  kBytes,       // anywhere (arrow: the decoder buffers partial messages itself)
};
CodecFraming FramingOf(const ConfigValue& codec_node);

// The record boundary finder for kCsvRecords, with the codec's delimiter and quote; empty for the
// other framings.
LineReader::RecordBoundary RecordBoundaryOf(const ConfigValue& codec_node);

// Builds the codec's decoder/encoder through ctx.registry.
Result<std::unique_ptr<Decoder>> MakeCodecDecoder(const ConfigValue& codec_node,
                                                  const ComponentContext& ctx);
Result<std::unique_ptr<Encoder>> MakeCodecEncoder(const ConfigValue& codec_node,
                                                  const ComponentContext& ctx);

}  // namespace ark
