// The explicit list of every built-in component (DESIGN §3: registration is a list, not static
// initialisers).
#pragma once

#include "runtime/registry.h"

namespace ark {

void RegisterBuiltinComponents(Registry& registry);

}  // namespace ark
