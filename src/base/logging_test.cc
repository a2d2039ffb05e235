#include "base/logging.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

namespace ark {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(LoggingTest, JsonFormatEscapesTheMessage) {
  std::string path = ::testing::TempDir() + "/arkflow_logging_test.log";
  std::remove(path.c_str());
  ASSERT_TRUE(InitLogging({.level = "info", .format = "json", .file_path = path}).ok());
  spdlog::info("bad line \"{}\"\tat {}", "x\\y", "a\nb");
  spdlog::default_logger()->flush();
  std::string line = ReadAll(path);
  EXPECT_NE(line.find(R"("level":"info","thread":)"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("message":"bad line \"x\\y\"\u0009at a\nb"})"), std::string::npos) << line;
  std::remove(path.c_str());
}

TEST(LoggingTest, RejectsUnknownLevelAndFormat) {
  EXPECT_EQ(InitLogging({.level = "loud"}).message(),
            "logging.level: unknown level \"loud\"; expected one of trace, debug, info, warn, "
            "error, off");
  EXPECT_EQ(InitLogging({.level = "info", .format = "xml"}).message(),
            "logging.format: unknown format \"xml\"; expected plain or json");
}

}  // namespace
}  // namespace ark
