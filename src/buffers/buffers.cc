#include "buffers/buffers.h"

#include "buffers/memory_buffer.h"
#include "buffers/session_window.h"
#include "buffers/sliding_window.h"
#include "buffers/tumbling_window.h"

namespace ark {

void RegisterBuffers(Registry& registry) {
  RegisterMemoryBuffer(registry);
  RegisterTumblingWindow(registry);
  RegisterSlidingWindow(registry);
  RegisterSessionWindow(registry);
}

}  // namespace ark
