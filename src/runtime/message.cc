#include "runtime/message.h"

namespace ark {

std::string_view MessageKindName(MessageKind k) {
  switch (k) {
    case MessageKind::kData:
      return "data";
    case MessageKind::kWatermark:
      return "watermark";
    case MessageKind::kBarrier:
      return "barrier";
    case MessageKind::kEndOfStream:
      return "end_of_stream";
  }
  return "unknown";
}

}  // namespace ark
