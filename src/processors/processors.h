// Registration of the built-in processors.
#pragma once

#include "runtime/registry.h"

namespace ark {

void RegisterProcessors(Registry& registry);

}  // namespace ark
