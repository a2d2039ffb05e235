// Loading configuration documents from YAML text or files into ConfigValue trees.
//
// Environment substitution happens on scalar text before typing: `${VAR}` is replaced by the
// variable's value (an unset variable is an error naming the variable and the position),
// `${VAR:-default}` falls back to `default` when VAR is unset or empty, and `$${` escapes a literal
// `${`. YAML syntax errors carry file:line:column.
//
// Thread-safety: pure functions (they read the process environment).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "config/config_value.h"

namespace ark {

// Looks an environment variable up; the default reads the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

Result<ConfigValue> LoadYamlFile(const std::string& path, const EnvLookup& env = {});
Result<ConfigValue> LoadYamlString(std::string_view text, std::string_view file_name = "<string>",
                                   const EnvLookup& env = {});

// Substitutes ${VAR} and ${VAR:-default} in `text`; `pos` locates errors.
Result<std::string> SubstituteEnv(std::string_view text, const SourcePos& pos,
                                  const EnvLookup& env = {});

}  // namespace ark
