#include "connectors/file/file_output.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <thread>

#include <chrono>

#include "base/time.h"
#include "config/yaml_loader.h"
#include "connectors/common/test_util.h"
#include "connectors/file/path_template.h"
#include "core/column_builder.h"
#include "core/raw_message.h"
#include "runtime/builtin_codecs.h"

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

// ---- path templates and rolling ----

TEST(PathTemplateTest, RendersPlaceholders) {
  auto t = PathTemplate::Parse("out/{date}/{stream}-{n:4}-{time:%H%M%S}-{n}.ndjson{{x}}");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // 2024-05-01T12:34:56Z
  int64_t at = (DaysFromCivil(2024, 5, 1) * 86400 + 12 * 3600 + 34 * 60 + 56) * 1000000;
  EXPECT_EQ(t->Render(7, at, "s1"), "out/2024-05-01/s1-0007-123456-7.ndjson{x}");
  EXPECT_TRUE(t->has_seq());
  EXPECT_TRUE(t->has_time());
  EXPECT_TRUE(t->placeholder_in_directory());
  auto plain = PathTemplate::Parse("out/part-{n}.txt");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->placeholder_in_directory());
  EXPECT_FALSE(PathTemplate::Parse("x.txt")->has_placeholders());
}

TEST(PathTemplateTest, ErrorsNameThePlaceholderAndColumn) {
  EXPECT_EQ(PathTemplate::Parse("a/{nope}.txt").status().message(),
            "path template \"a/{nope}.txt\": unknown placeholder {nope} at column 3 (known: {n}, "
            "{n:W}, {time:FORMAT}, {date}, {stream}; '{{' for a literal brace)");
  EXPECT_EQ(PathTemplate::Parse("a/{n").status().message(),
            "path template \"a/{n\": '{' at column 3 is not closed");
  EXPECT_EQ(PathTemplate::Parse("a}").status().message(),
            "path template \"a}\": unmatched '}' at column 2 (write '}}' for a literal brace)");
  EXPECT_EQ(PathTemplate::Parse("{n:0}").status().message(),
            "path template \"{n:0}\": {n:0} at column 1: the width must be a number from 1 to 20");
}

// A file output over `options` with raw (or `codec`) formatting.
std::unique_ptr<FileOutput> Rolling(FileOutputOptions options, const std::string& codec = "") {
  static Registry* registry = [] {
    auto* r = new Registry;
    RegisterCodecs(*r);
    return r;
  }();
  ComponentContext ctx;
  ctx.registry = registry;
  auto out = FileOutput::Make(std::move(options), [codec, ctx]() -> Result<BatchFormatter> {
    std::unique_ptr<Encoder> encoder;
    if (!codec.empty()) {
      ARK_ASSIGN_OR_RETURN(ConfigValue node, LoadYamlString("type: " + codec, "codec.yaml"));
      ARK_ASSIGN_OR_RETURN(encoder, ctx.registry->MakeEncoder(node, ctx));
    }
    return BatchFormatter(std::move(encoder), true, ctx);
  });
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? std::move(out).value() : nullptr;
}

TEST(FileOutputTest, RollsBySizeEachFileCompleteUnderItsFinalName) {
  TempDir dir;
  auto out = Rolling({.path = dir / "part-{n:3}.txt", .max_size = 10});
  ASSERT_TRUE(out->Connect().ok());
  EXPECT_EQ(Names(dir.path()), std::vector<std::string>{});  // opened at the first batch
  ASSERT_TRUE(out->Write(Raw({"aaaa", "bbbb"})).ok());       // 10 bytes: complete
  EXPECT_EQ(Names(dir.path()), (std::vector<std::string>{"part-000.txt"}));
  ASSERT_TRUE(out->Write(Raw({"cc"})).ok());
  EXPECT_EQ(Names(dir.path()), (std::vector<std::string>{"part-000.txt", "part-001.txt.tmp"}));
  ASSERT_TRUE(out->Write(Raw({"dddddddddddd"})).ok());  // a batch is never split
  ASSERT_TRUE(out->Write(Raw({"e"})).ok());
  ASSERT_TRUE(out->Write(Raw({})).ok());
  ASSERT_TRUE(out->Close().ok());
  EXPECT_EQ(Names(dir.path()),
            (std::vector<std::string>{"part-000.txt", "part-001.txt", "part-002.txt"}));
  EXPECT_EQ(ReadFile(dir / "part-000.txt"), "aaaa\nbbbb\n");
  EXPECT_EQ(ReadFile(dir / "part-001.txt"), "cc\ndddddddddddd\n");
  EXPECT_EQ(ReadFile(dir / "part-002.txt"), "e\n");
  EXPECT_EQ(out->completed(), (std::vector<std::string>{dir / "part-000.txt", dir / "part-001.txt",
                                                        dir / "part-002.txt"}));
  EXPECT_TRUE(out->Close().ok());
}

TEST(FileOutputTest, EveryRolledFileIsACompleteCsvWithItsHeader) {
  TempDir dir;
  auto out = Rolling({.path = dir / "{n}.csv", .max_size = 1}, "csv");
  ASSERT_TRUE(out->Connect().ok());
  Int64Builder a(DataType::Int64());
  a.Append(1);
  a.Append(2);
  Batch batch(Schema::Make({Field("a", DataType::Int64())}), {a.Finish()}, 2);
  ASSERT_TRUE(out->Write(batch).ok());
  ASSERT_TRUE(out->Write(batch.Slice(1, 1)).ok());
  ASSERT_TRUE(out->Close().ok());
  EXPECT_EQ(Names(dir.path()), (std::vector<std::string>{"0.csv", "1.csv"}));
  EXPECT_EQ(ReadFile(dir / "0.csv"), "a\n1\n2\n");
  EXPECT_EQ(ReadFile(dir / "1.csv"), "a\n2\n");
}

TEST(FileOutputTest, RollsByTimeEvenWithoutNewBatches) {
  TempDir dir;
  auto out =
      Rolling({.path = dir / "{stream}/t-{n}.txt", .roll_interval_us = 50000, .stream = "s1"});
  ASSERT_TRUE(out->Connect().ok());
  ASSERT_TRUE(out->Write(Raw({"first", "second"})).ok());
  // The timer completes the file after roll_interval though nothing else is written.
  for (int i = 0; i < 2000 && !Exists(dir / "s1/t-0.txt"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Names(dir / "s1"), (std::vector<std::string>{"t-0.txt"}));
  EXPECT_EQ(ReadFile(dir / "s1/t-0.txt"), "first\nsecond\n");
  ASSERT_TRUE(out->Write(Raw({"third"})).ok());
  ASSERT_TRUE(out->Close().ok());
  EXPECT_EQ(Names(dir / "s1"), (std::vector<std::string>{"t-0.txt", "t-1.txt"}));
  EXPECT_EQ(ReadFile(dir / "s1/t-1.txt"), "third\n");
}

TEST(FileOutputTest, SequenceSkipsExistingNamesAndLeftoversAreMovedAside) {
  TempDir dir;
  WriteFile(dir / "p-0.txt", "earlier run\n");
  WriteFile(dir / "p-1.txt.tmp", "interrupted run\n");
  auto out = Rolling({.path = dir / "p-{n}.txt", .max_size = 1});
  ASSERT_TRUE(out->Connect().ok());
  ASSERT_TRUE(out->Write(Raw({"x"})).ok());
  ASSERT_TRUE(out->Close().ok());
  std::vector<std::string> names = Names(dir.path());
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], "p-0.txt");
  EXPECT_EQ(names[1], "p-1.txt");
  EXPECT_EQ(names[2].rfind("p-1.txt.partial-", 0), 0u) << names[2];
  EXPECT_EQ(ReadFile(dir / "p-0.txt"), "earlier run\n");
  EXPECT_EQ(ReadFile(dir / "p-1.txt"), "x\n");
  EXPECT_EQ(ReadFile(dir / names[2]), "interrupted run\n");
}

TEST(FileOutputTest, RollingNeedsASequenceNumber) {
  auto out = FileOutput::Make({.path = "out/{date}.txt", .max_size = 100}, [] {
    return Result<BatchFormatter>(BatchFormatter(nullptr, true, {}));
  });
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "file output: rolling files (max_size, roll_interval) needs {n} in `path` so that each "
            "file gets its own name, e.g. \"out/part-{n}.ndjson\"");
}

TEST(FileOutputTest, ConfiguredThroughTheRegistry) {
  TempDir dir;
  Registry registry;
  RegisterCodecs(registry);
  RegisterFileOutput(registry);
  ComponentContext ctx;
  ctx.registry = &registry;
  ctx.stream_id = "orders";
  auto cfg = LoadYamlString("type: file\npath: " + (dir / "{stream}-{n}.ndjson") +
                                "\nmax_size: 1\ncodec:\n  type: json\n",
                            "test.yaml");
  ASSERT_TRUE(cfg.ok());
  auto out = registry.MakeOutput(*cfg, ctx);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_TRUE((*out)->Connect().ok());
  Int64Builder a(DataType::Int64());
  a.Append(5);
  ASSERT_TRUE(
      (*out)->Write(Batch(Schema::Make({Field("a", DataType::Int64())}), {a.Finish()}, 1)).ok());
  ASSERT_TRUE((*out)->Close().ok());
  EXPECT_EQ(Names(dir.path()), (std::vector<std::string>{"orders-0.ndjson"}));
  EXPECT_EQ(ReadFile(dir / "orders-0.ndjson"), "{\"a\":5}\n");
  auto bad = LoadYamlString("type: file\npath: out/{oops}.txt\n", "bad.yaml");
  ASSERT_TRUE(bad.ok());
  auto err = registry.MakeOutput(*bad, ctx);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.status().ToString(),
            "ConfigError: bad.yaml:2:7: path: path template \"out/{oops}.txt\": unknown "
            "placeholder {oops} at column 5 (known: {n}, {n:W}, {time:FORMAT}, {date}, {stream}; "
            "'{{' for a literal brace)");
}

}  // namespace
}  // namespace ark
