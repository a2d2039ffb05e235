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
  // The logger is created directly (not through spdlog's registry) so that no registry operation can
  // drop the default logger behind our back.
  spdlog::sink_ptr sink;
  try {
    if (options.file_path.empty()) {
      sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    } else {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file_path);
    }
  } catch (const spdlog::spdlog_ex& e) {
    return Status::IoError("logging.file_path: cannot open \"{}\": {}", options.file_path, e.what());
  }
  auto logger = std::make_shared<spdlog::logger>("arkflow", std::move(sink));
  if (options.format == "json") {
    logger->set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","thread":%t,"message":"%v"})",
        spdlog::pattern_time_type::utc);
  } else if (options.format == "plain") {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  } else {
    return Status::ConfigError("logging.format: unknown format \"{}\"; expected plain or json",
                               options.format);
  }
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  return Status::OK();
}

}  // namespace ark
