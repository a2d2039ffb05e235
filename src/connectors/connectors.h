// Registration of the built-in connectors (inputs and outputs), one call per connector folder.
#pragma once

#include "runtime/registry.h"

namespace ark {

void RegisterConnectors(Registry& registry);

}  // namespace ark
