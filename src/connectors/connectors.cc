#include "connectors/connectors.h"

#include "connectors/drop/drop_output.h"
#include "connectors/file/file_input.h"
#include "connectors/file/file_output.h"
#include "connectors/generate/generate_input.h"
#include "connectors/http/http_input.h"
#include "connectors/http/http_output.h"
#include "connectors/kafka/kafka_input.h"
#include "connectors/kafka/kafka_output.h"
#include "connectors/memory/memory_input.h"
#include "connectors/mqtt/mqtt_input.h"
#include "connectors/mqtt/mqtt_output.h"
#include "connectors/nexmark/nexmark_input.h"
#include "connectors/stdio/stdin_input.h"
#include "connectors/stdio/stdout_output.h"
#include "connectors/websocket/websocket.h"

namespace ark {

void RegisterConnectors(Registry& registry) {
  RegisterGenerateInput(registry);
  RegisterMemoryInput(registry);
  RegisterStdinInput(registry);
  RegisterFileInput(registry);
  RegisterStdoutOutput(registry);
  RegisterDropOutput(registry);
  RegisterFileOutput(registry);
  RegisterMqttInput(registry);
  RegisterMqttOutput(registry);
  RegisterKafkaInput(registry);
  RegisterKafkaOutput(registry);
  RegisterHttpInput(registry);
  RegisterHttpOutput(registry);
  RegisterWebSocketInput(registry);
  RegisterWebSocketOutput(registry);
  RegisterNexmarkInput(registry);
}

}  // namespace ark
