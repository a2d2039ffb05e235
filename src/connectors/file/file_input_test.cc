#include "connectors/file/file_input.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "connectors/common/test_util.h"
#include "core/raw_message.h"

namespace ark {
namespace {

using testing::Int64s;
using testing::Strings;
using testing::TempDir;
using testing::WriteFile;

// Reads the whole input: the batches (errors kept aside) until EndOfStream.
struct ReadAll {
  std::vector<Batch> batches;
  std::vector<Batch> errors;
  Status end;
};

ReadAll Drain(FileInput& in) {
  ReadAll all;
  std::stop_source stop;
  while (true) {
    auto r = in.Read(stop.get_token());
    if (!r.ok()) {
      all.end = r.status();
      return all;
    }
    if (r->batch.num_rows() > 0) all.batches.push_back(r->batch);
    if (r->errors) all.errors.push_back(*r->errors);
  }
}

std::vector<std::string> AllValues(const ReadAll& all) {
  std::vector<std::string> out;
  for (const auto& b : all.batches) {
    for (auto& v : Strings(b, kValueColumn)) out.push_back(std::move(v));
  }
  return out;
}

FileInputOptions Opts(std::string path, int64_t batch_size = 8192, size_t read_bytes = 4 << 20,
                      size_t max_line = 16 << 20) {
  FileInputOptions o;
  o.path = std::move(path);
  o.batch_size = batch_size;
  o.read_bytes = read_bytes;
  o.max_line_bytes = max_line;
  return o;
}

TEST(FileInputTest, LinesOffsetsAndSource) {
  TempDir dir;
  std::string path = dir / "a.txt";
  // CRLF lines lose their '\r'; the last line has no newline; an empty line is a message.
  WriteFile(path, "one\ntwo\r\n\nthree");
  for (size_t read_bytes : {size_t{1}, size_t{3}, size_t{4} << 20}) {
    SCOPED_TRACE(read_bytes);
    FileInput in(Opts(path, 8192, read_bytes), {});
    ASSERT_TRUE(in.Connect().ok());
    EXPECT_EQ(in.Progress(), std::make_optional(std::make_pair<int64_t, int64_t>(0, 15)));
    ReadAll all = Drain(in);
    EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream) << all.end.ToString();
    EXPECT_EQ(all.end.message(), "file input: read 1 file(s)");
    ASSERT_EQ(all.batches.size(), 1u);
    const Batch& b = all.batches[0];
    EXPECT_EQ(b.schema()->ToString(),
              "__value__: binary, __meta_source: string, __meta_offset: int64");
    EXPECT_EQ(Strings(b, kValueColumn), (std::vector<std::string>{"one", "two", "", "three"}));
    EXPECT_EQ(Int64s(b, kMetaOffset), (std::vector<int64_t>{0, 4, 9, 10}));
    EXPECT_EQ(Strings(b, kMetaSource), (std::vector<std::string>(4, path)));
    EXPECT_TRUE(all.errors.empty());
    EXPECT_EQ(in.Progress(), std::make_optional(std::make_pair<int64_t, int64_t>(15, 15)));
    EXPECT_TRUE(in.Close().ok());
  }
}

TEST(FileInputTest, BatchSizeAndFilesInNameOrderNeverSharingABatch) {
  TempDir dir;
  WriteFile(dir / "b.log", "b1\nb2\nb3\n");
  WriteFile(dir / "a.log", "a1\na2\n");
  WriteFile(dir / "c.log", "c1\n");
  WriteFile(dir / "skip.txt", "nope\n");
  ASSERT_EQ(mkdir((dir / "d.log").c_str(), 0755), 0);  // a directory matching the pattern
  FileInput in(Opts(dir / "*.log", 2), {});
  ASSERT_TRUE(in.Connect().ok());
  EXPECT_EQ(in.files(), (std::vector<std::string>{dir / "a.log", dir / "b.log", dir / "c.log"}));
  ReadAll all = Drain(in);
  EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream);
  std::vector<std::vector<std::string>> batches;
  for (const auto& b : all.batches) batches.push_back(Strings(b, kValueColumn));
  EXPECT_EQ(batches,
            (std::vector<std::vector<std::string>>{{"a1", "a2"}, {"b1", "b2"}, {"b3"}, {"c1"}}));
  EXPECT_EQ(Strings(all.batches[2], kMetaSource), (std::vector<std::string>{dir / "b.log"}));
  EXPECT_EQ(Int64s(all.batches[2], kMetaOffset), (std::vector<int64_t>{6}));
  EXPECT_EQ(in.Progress(), std::make_optional(std::make_pair<int64_t, int64_t>(18, 18)));
}

TEST(FileInputTest, NoMatchIsAClearError) {
  TempDir dir;
  FileInput in(Opts(dir / "*.ndjson"), {});
  Status s = in.Connect();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "file input: no file matches \"" + (dir / "*.ndjson") + "\"");
}

TEST(FileInputTest, NoMatchOfARelativePatternNamesTheDirectory) {
  FileInput in(Opts("no/such/dir/*.csv"), {});
  Status s = in.Connect();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "file input: no file matches \"no/such/dir/*.csv\" (relative to " +
                             std::filesystem::current_path().string() + ")");
}

TEST(FileInputTest, EmptyFileEndsWithoutBatches) {
  TempDir dir;
  WriteFile(dir / "empty", "");
  FileInput in(Opts(dir / "empty"), {});
  ReadAll all = Drain(in);
  EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream);
  EXPECT_TRUE(all.batches.empty());
}

TEST(FileInputTest, OverLongLineBecomesAnErrorRecordAndReadingGoesOn) {
  TempDir dir;
  std::string path = dir / "long.txt";
  WriteFile(path, "ok\nthis line is too long\nfine\n");
  for (size_t read_bytes : {size_t{2}, size_t{5}, size_t{4096}}) {
    SCOPED_TRACE(read_bytes);
    FileInput in(Opts(path, 8192, read_bytes, 8), {});
    ReadAll all = Drain(in);
    EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream);
    EXPECT_EQ(AllValues(all), (std::vector<std::string>{"ok", "fine"}));
    ASSERT_EQ(all.errors.size(), 1u);
    const Batch& e = all.errors[0];
    EXPECT_EQ(Strings(e, kErrorColumn),
              (std::vector<std::string>{
                  "line 2, byte 3: line is longer than max_line_bytes (8 bytes); skipped"}));
    EXPECT_EQ(Strings(e, kValueColumn), (std::vector<std::string>{"this line is too long"}));
    EXPECT_EQ(Strings(e, kMetaSource), (std::vector<std::string>{path}));
    EXPECT_EQ(Strings(e, kErrorComponentColumn), (std::vector<std::string>{"input file"}));
  }
}

TEST(FileInputTest, LargeFileAcrossManyChunks) {
  TempDir dir;
  std::string path = dir / "big.txt";
  std::string content;
  std::vector<int64_t> offsets;
  for (int i = 0; i < 50000; ++i) {
    offsets.push_back(static_cast<int64_t>(content.size()));
    content += "line-" + std::to_string(i) + "\n";
  }
  WriteFile(path, content);
  FileInput in(Opts(path, 8192, 4096), {});
  ReadAll all = Drain(in);
  EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream);
  std::vector<std::string> values = AllValues(all);
  ASSERT_EQ(values.size(), 50000u);
  EXPECT_EQ(values[0], "line-0");
  EXPECT_EQ(values[49999], "line-49999");
  std::vector<int64_t> got_offsets;
  for (const auto& b : all.batches) {
    EXPECT_LE(b.num_rows(), 8192);
    for (int64_t o : Int64s(b, kMetaOffset)) got_offsets.push_back(o);
  }
  EXPECT_EQ(got_offsets, offsets);
  EXPECT_EQ(all.batches.size(), 7u);  // 6 × 8192 + 848
}

TEST(FileInputTest, StopCancelsBetweenBatches) {
  TempDir dir;
  WriteFile(dir / "x", "a\nb\n");
  FileInput in(Opts(dir / "x", 1), {});
  std::stop_source stop;
  auto first = in.Read(stop.get_token());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Strings(first->batch, kValueColumn), (std::vector<std::string>{"a"}));
  stop.request_stop();
  auto r = in.Read(stop.get_token());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(r.status().message(), "file input stopped");
}

}  // namespace
}  // namespace ark
