// JSON Schema (draft 2020-12) generated from ConfigSpecs, for editors (YAML language servers read
// it through a `# yaml-language-server: $schema=...` comment) and `arkflow schema`.
//
// The schema describes what ConfigSpec::Parse accepts, as closely as JSON Schema can: types,
// descriptions, defaults, bounds, enums, required options and no unknown keys. Where the loader is
// more lenient than a JSON type (a `${VAR}` reference in place of a number or a boolean, a number
// written for a string option), the schema is lenient too. Durations and byte sizes are strings
// with a pattern (byte sizes may also be plain integers).
//
//   std::map<std::string, std::vector<std::pair<std::string, const ConfigSpec*>>> kinds;
//   kinds["input"].emplace_back("generate", &generate_spec);
//   std::string schema = BuildConfigJsonSchema(EngineConfigSpec(), kinds);
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/config_spec.h"

namespace ark {

// The schema of one spec as a standalone document. Component options (kComponent) are described
// generically as an object with a string `type`.
std::string SpecToJsonSchema(const ConfigSpec& spec);

// The schema of a whole configuration: `top` (EngineConfigSpec()) with every component option of
// kind K (kComponent / kComponentList with component_kind K) resolved to a `oneOf` over the
// components listed for K, each requiring `"type": {"const": name}`. The alternatives of each kind
// are kept once under `$defs/<kind>` and referenced. Kinds absent from the map stay generic.
std::string BuildConfigJsonSchema(
    const ConfigSpec& top,
    const std::map<std::string, std::vector<std::pair<std::string, const ConfigSpec*>>>&
        components_by_kind);

}  // namespace ark
