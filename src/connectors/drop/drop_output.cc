#include "connectors/drop/drop_output.h"

#include "connectors/common/codec_option.h"

namespace ark {

void RegisterDropOutput(Registry& registry) {
  ConfigSpec spec("Discards every message without any I/O; useful for benchmarks and tests.");
  AddCodecOption(spec, "Accepted for ArkFlow compatibility and ignored.");
  registry.AddOutput(
      {.name = "drop",
       .summary = "Discards every message.",
       .spec = std::move(spec),
       .example = "output:\n  type: drop\n"},
      [](const ComponentConfig&, const ComponentContext&) -> Result<std::unique_ptr<Output>> {
        return std::make_unique<DropOutput>();
      });
}

}  // namespace ark
