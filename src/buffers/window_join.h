// The `join` option of ArkFlow's window buffers (a SQL join across inputs when a window is
// released). It needs the SQL engine, which is not built yet: the option is declared so ArkFlow
// configs get a precise error instead of "unknown key", and rejected when set.
//
// Thread-safety: pure functions.
#pragma once

#include "base/status.h"
#include "config/config_spec.h"

namespace ark {

void AddUnsupportedJoinOption(ConfigSpec& spec);
// An error at the `join` key when it is set.
Status RejectJoin(const ComponentConfig& cfg);

}  // namespace ark
