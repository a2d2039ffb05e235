#include "connectors/connectors.h"

#include "connectors/drop/drop_output.h"
#include "connectors/file/file_input.h"
#include "connectors/file/file_output.h"
#include "connectors/generate/generate_input.h"
#include "connectors/memory/memory_input.h"
#include "connectors/stdio/stdin_input.h"
#include "connectors/stdio/stdout_output.h"

namespace ark {

void RegisterConnectors(Registry& registry) {
  RegisterGenerateInput(registry);
  RegisterMemoryInput(registry);
  RegisterStdinInput(registry);
  RegisterFileInput(registry);
  RegisterStdoutOutput(registry);
  RegisterDropOutput(registry);
  RegisterFileOutput(registry);
}

}  // namespace ark
