// Fuzz target: the configuration loader (src/config/yaml_loader.h LoadYamlString with ${VAR}
// substitution) and ParseEngineConfig (src/config/engine_config.h) over arbitrary bytes. Any
// document may be rejected; nothing may crash, leak or hit undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/engine_config.h"
#include "config/yaml_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // A fixed environment so runs are reproducible: FUZZ_SET is set, FUZZ_EMPTY is empty.
  ark::EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "FUZZ_SET") return std::string("value");
    if (name == "FUZZ_EMPTY") return std::string();
    return std::nullopt;
  };
  auto root = ark::LoadYamlString(text, "fuzz.yaml", env);
  if (!root.ok()) return 0;
  auto config = ark::ParseEngineConfig(*root);
  (void)config;
  return 0;
}
