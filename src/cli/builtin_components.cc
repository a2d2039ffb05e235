#include "cli/builtin_components.h"

#include "buffers/buffers.h"
#include "connectors/connectors.h"
#include "processors/processors.h"
#include "runtime/builtin_codecs.h"

namespace ark {

void RegisterBuiltinComponents(Registry& registry) {
  RegisterCodecs(registry);
  RegisterConnectors(registry);
  RegisterBuffers(registry);
  RegisterProcessors(registry);
}

}  // namespace ark
