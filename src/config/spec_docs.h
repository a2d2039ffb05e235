// Reference documentation generated from ConfigSpecs: a Markdown section per component for the
// generated component reference (docs/), and the same content as aligned plain text for
// `arkflow components show input generate`.
//
//   std::string md = SpecToMarkdown("input", "generate", info.summary, info.spec, info.example);
//
// Both list every option (nested objects included) with its type, whether it is required, its
// default, its description and its bounds or allowed values, then the example.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "config/config_spec.h"

namespace ark {

// "## `generate`" (its anchor is the name; the page title gives the kind), the summary, the spec's
// description (when it adds to the summary), an options table, one sub-table per nested object
// ("### `tls` options"), and the example in a
// ```yaml block (omitted when empty).
std::string SpecToMarkdown(std::string_view kind, std::string_view name, std::string_view summary,
                           const ConfigSpec& spec, std::string_view example_yaml);

// The same for a terminal: a header line, the description, one aligned table in which nested
// options appear with dotted names ("tls.enabled", "streams[].id"), and the example indented.
std::string SpecToText(std::string_view kind, std::string_view name, std::string_view summary,
                       const ConfigSpec& spec, std::string_view example_yaml);

}  // namespace ark
