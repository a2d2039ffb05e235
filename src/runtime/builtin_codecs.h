// Registration of the built-in codecs (json, csv, arrow) with the component registry. The codecs
// themselves live in src/codec and know nothing of the registry.
#pragma once

#include "runtime/registry.h"

namespace ark {

void RegisterCodecs(Registry& registry);

}  // namespace ark
