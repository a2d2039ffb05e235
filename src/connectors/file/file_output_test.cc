#include "connectors/file/file_output.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <thread>

#include "connectors/common/test_util.h"
#include "core/raw_message.h"

namespace ark {
namespace {

using testing::Exists;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

Batch Raw(std::vector<std::string> values) { return MakeRawBatch(std::span(values)); }

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FileOutputTest, WritesToTheTempFileAndRenamesAtClose) {
  TempDir dir;
  for (bool sync : {false, true}) {
    SCOPED_TRACE(sync);
    std::string path = dir / (sync ? "synced.txt" : "out.txt");
    FileOutput out(path, BatchFormatter(nullptr, true, {}), sync);
    ASSERT_TRUE(out.Connect().ok());
    EXPECT_EQ(out.temp_path(), path + ".tmp");
    ASSERT_TRUE(out.Write(Raw({"one", "two"})).ok());
    // Handed to the OS before Write returned, but only under the temp name.
    EXPECT_EQ(ReadFile(path + ".tmp"), "one\ntwo\n");
    EXPECT_FALSE(Exists(path));
    ASSERT_TRUE(out.Write(Raw({"three"})).ok());
    ASSERT_TRUE(out.Close().ok());
    EXPECT_EQ(ReadFile(path), "one\ntwo\nthree\n");
    EXPECT_FALSE(Exists(path + ".tmp"));
    EXPECT_TRUE(out.Close().ok());  // idempotent
  }
  EXPECT_EQ(Names(dir.path()), (std::vector<std::string>{"out.txt", "synced.txt"}));
}

// Regression: a temp file renamed over a device node or FIFO (path: /dev/null) replaced the node.
TEST(FileOutputTest, WritesDirectlyToAFifoAndLeavesItInPlace) {
  TempDir dir;
  std::string path = dir / "pipe";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] {
    int fd = ::open(path.c_str(), O_RDONLY);
    char buf[256];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) received.append(buf, static_cast<size_t>(n));
    ::close(fd);
  });
  FileOutput out(path, BatchFormatter(nullptr, true, {}), false);
  ASSERT_TRUE(out.Connect().ok());
  ASSERT_TRUE(out.Write(Raw({"a", "b"})).ok());
  ASSERT_TRUE(out.Close().ok());
  reader.join();
  EXPECT_EQ(received, "a\nb\n");
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(Names(dir.path()), (std::vector<std::string>{"pipe"}));
}

TEST(FileOutputTest, RefusesADirectory) {
  TempDir dir;
  FileOutput out(dir.path(), BatchFormatter(nullptr, true, {}), false);
  EXPECT_EQ(out.Connect().message(),
            fmt::format("output file {} is a directory; give a file name", dir.path()));
}

TEST(FileOutputTest, NoNewlineAndEmptyStream) {
  TempDir dir;
  {
    FileOutput out(dir / "a", BatchFormatter(nullptr, false, {}), false);
    ASSERT_TRUE(out.Connect().ok());
    ASSERT_TRUE(out.Write(Raw({"x", "y"})).ok());
    ASSERT_TRUE(out.Close().ok());
    EXPECT_EQ(ReadFile(dir / "a"), "xy");
  }
  {
    FileOutput out(dir / "b", BatchFormatter(nullptr, true, {}), false);
    ASSERT_TRUE(out.Connect().ok());
    ASSERT_TRUE(out.Close().ok());
    EXPECT_TRUE(Exists(dir / "b"));
    EXPECT_EQ(ReadFile(dir / "b"), "");
  }
  EXPECT_EQ(Names(dir.path()), (std::vector<std::string>{"a", "b"}));
}

TEST(FileOutputTest, LeftoverTempFileIsMovedAsideNotOverwritten) {
  TempDir dir;
  std::string path = dir / "out.txt";
  WriteFile(path + ".tmp", "acknowledged before the crash\n");
  FileOutput out(path, BatchFormatter(nullptr, true, {}), false);
  ASSERT_TRUE(out.Connect().ok());
  ASSERT_TRUE(out.Write(Raw({"new"})).ok());
  ASSERT_TRUE(out.Close().ok());
  EXPECT_EQ(ReadFile(path), "new\n");
  std::vector<std::string> names = Names(dir.path());
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], "out.txt");
  EXPECT_EQ(names[1].rfind("out.txt.partial-", 0), 0u) << names[1];
  EXPECT_EQ(ReadFile(dir / names[1]), "acknowledged before the crash\n");
}

TEST(FileOutputTest, MissingDirectoryFailsConnect) {
  TempDir dir;
  std::string path = dir / "no/such/out.txt";
  FileOutput out(path, BatchFormatter(nullptr, true, {}), false);
  Status s = out.Connect();
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(s.message(), "opening output file " + path + ".tmp: No such file or directory");
}

}  // namespace
}  // namespace ark
