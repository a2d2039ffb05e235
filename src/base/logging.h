// Logging: a thin set-up layer over spdlog. Call sites use spdlog directly
// (`spdlog::info("stream {} started", id)`); this file configures level, format and destination
// from the `logging` section of the config.
//
// Thread-safety: InitLogging is called once at start-up, before streams run.
#pragma once

#include <string>

#include "base/status.h"

namespace ark {

struct LoggingOptions {
  std::string level = "info";    // trace, debug, info, warn, error, off
  std::string format = "plain";  // plain or json
  std::string file_path;         // empty: standard error
};

Status InitLogging(const LoggingOptions& options);

}  // namespace ark
