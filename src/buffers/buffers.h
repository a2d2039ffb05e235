// Registration of the built-in buffers: memory, tumbling_window, sliding_window, session_window.
#pragma once

#include "runtime/registry.h"

namespace ark {

void RegisterBuffers(Registry& registry);

}  // namespace ark
