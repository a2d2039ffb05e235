#include "base/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace ark {

Status InitLogging(const LoggingOptions& options) {
  spdlog::level::level_enum level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    return Status::ConfigError(
        "logging.level: unknown level \"{}\"; expected one of trace, debug, info, warn, error, off",
        options.level);
  }
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (options.file_path.empty()) {
      logger = spdlog::stderr_color_mt("arkflow");
    } else {
      logger = spdlog::basic_logger_mt("arkflow", options.file_path);
    }
  } catch (const spdlog::spdlog_ex& e) {
    spdlog::drop("arkflow");
    return Status::IoError("logging.file_path: cannot open \"{}\": {}", options.file_path, e.what());
  }
  if (options.format == "json") {
    logger->set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","thread":%t,"message":"%v"})",
        spdlog::pattern_time_type::utc);
  } else if (options.format == "plain") {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  } else {
    spdlog::drop("arkflow");
    return Status::ConfigError("logging.format: unknown format \"{}\"; expected plain or json",
                               options.format);
  }
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::drop("arkflow");
  return Status::OK();
}

}  // namespace ark
