#include "buffers/window_join.h"

namespace ark {

void AddUnsupportedJoinOption(ConfigSpec& spec) {
  spec.Any("join",
           "ArkFlow's SQL join across inputs at release time ({query, codec, value_field, "
           "thread_num}): not supported yet — it needs the SQL engine.");
}

Status RejectJoin(const ComponentConfig& cfg) {
  if (!cfg.IsSet("join")) return Status::OK();
  return cfg.NodeOf("join").Error("`join` is not supported yet: it needs the SQL engine");
}

}  // namespace ark
