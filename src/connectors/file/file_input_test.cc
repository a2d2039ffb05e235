#include "connectors/file/file_input.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "config/yaml_loader.h"
#include "connectors/common/test_util.h"
#include "core/raw_message.h"
#include "runtime/builtin_codecs.h"

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

// ---- gzip ----

// Compresses `path` with the gzip(1) tool (an independent producer), keeping the original.
void Gzip(const std::string& path) {
  std::string cmd = "gzip -kf '" + path + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(FileInputTest, GzipFilesAreStreamDecompressed) {
  TempDir dir;
  std::string content;
  for (int i = 0; i < 20000; ++i) content += "row-" + std::to_string(i) + "\n";
  WriteFile(dir / "a.log", content);
  Gzip(dir / "a.log");
  ::unlink((dir / "a.log").c_str());
  for (size_t read_bytes : {size_t{7}, size_t{4096}, size_t{4} << 20}) {
    SCOPED_TRACE(read_bytes);
    FileInput in(Opts(dir / "*.gz", 5000, read_bytes), {});
    ReadAll all = Drain(in);
    EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream) << all.end.ToString();
    std::vector<std::string> values = AllValues(all);
    ASSERT_EQ(values.size(), 20000u);
    EXPECT_EQ(values[0], "row-0");
    EXPECT_EQ(values[19999], "row-19999");
    // Offsets are those of the decompressed data.
    EXPECT_EQ(Int64s(all.batches[1], kMetaOffset)[0],
              static_cast<int64_t>(content.find("row-5000\n")));
    EXPECT_EQ(Strings(all.batches[0], kMetaSource)[0], dir / "a.log.gz");
    EXPECT_TRUE(all.errors.empty());
    EXPECT_EQ(in.Position(),
              (FilePosition{dir / "a.log.gz", static_cast<int64_t>(content.size())}));
  }
}

TEST(FileInputTest, GzipByOptionAndConcatenatedMembers) {
  TempDir dir;
  WriteFile(dir / "p1", "one\ntwo\n");
  WriteFile(dir / "p2", "three\n");
  Gzip(dir / "p1");
  Gzip(dir / "p2");
  // `cat a.gz b.gz` is a valid gzip file holding both.
  WriteFile(dir / "both.data", testing::ReadFile(dir / "p1.gz") + testing::ReadFile(dir / "p2.gz"));
  FileInputOptions o = Opts(dir / "both.data");
  o.compression = FileCompression::kGzip;
  FileInput in(o, {});
  ReadAll all = Drain(in);
  EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream);
  EXPECT_EQ(AllValues(all), (std::vector<std::string>{"one", "two", "three"}));
  // compression: none reads the bytes as they are.
  FileInputOptions raw = Opts(dir / "p2.gz");
  raw.compression = FileCompression::kNone;
  FileInput plain(raw, {});
  ReadAll bytes = Drain(plain);
  EXPECT_EQ(AllValues(bytes)[0].substr(0, 2), "\x1f\x8b");
}

TEST(FileInputTest, CorruptGzipIsAnErrorRecordWithFileAndOffsetThenTheNextFile) {
  TempDir dir;
  std::vector<std::string> lines;
  std::string content;
  for (int i = 0; i < 2000; ++i) {
    lines.push_back("line " + std::to_string(i) + " of the file");
    content += lines.back() + "\n";
  }
  WriteFile(dir / "a.txt", content);
  Gzip(dir / "a.txt");
  std::string gz = testing::ReadFile(dir / "a.txt.gz");
  // The data's CRC (the trailer's first 4 bytes) damaged: every line decodes, then the check fails.
  std::string bad_crc = gz;
  bad_crc[gz.size() - 8] = static_cast<char>(bad_crc[gz.size() - 8] ^ 0x55);
  WriteFile(dir / "1-crc.gz", bad_crc);
  // Not gzip at all.
  WriteFile(dir / "2-header.gz", "plain text, not gzip\n");
  // Truncated: the end is missing.
  WriteFile(dir / "3-cut.gz", gz.substr(0, gz.size() / 2));
  WriteFile(dir / "4-ok.txt", "after\n");
  for (size_t read_bytes : {size_t{1000}, size_t{4} << 20}) {
    SCOPED_TRACE(read_bytes);
    FileInput in(Opts(dir / "[0-9]-*", 8192, read_bytes), {});
    ReadAll all = Drain(in);
    EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream);
    std::vector<std::string> errors, sources;
    for (const auto& e : all.errors) {
      for (auto& s : Strings(e, kErrorColumn)) errors.push_back(s);
      for (auto& s : Strings(e, kMetaSource)) sources.push_back(s);
    }
    std::vector<std::string> values = AllValues(all);
    // 1-crc: all 2000 lines, then the error after the last one.
    ASSERT_GE(values.size(), 2001u);
    EXPECT_EQ(std::vector<std::string>(values.begin(), values.begin() + 2000), lines);
    // 3-cut: a prefix of the lines (no partial line), then 4-ok.
    std::vector<std::string> cut(values.begin() + 2000, values.end() - 1);
    ASSERT_GT(cut.size(), 0u);
    ASSERT_LT(cut.size(), 2000u);
    EXPECT_EQ(cut, std::vector<std::string>(lines.begin(), lines.begin() + cut.size()));
    EXPECT_EQ(values.back(), "after");
    EXPECT_EQ(errors,
              (std::vector<std::string>{
                  fmt::format("line 2001, byte {}: gzip data of {} is corrupt at compressed byte "
                              "{}: incorrect data check; the rest of the file is skipped",
                              content.size(), dir / "1-crc.gz", gz.size() - 4),
                  fmt::format("line 1, byte 0: gzip data of {} is corrupt at compressed byte 2: "
                              "incorrect header check; the rest of the file is skipped",
                              dir / "2-header.gz"),
                  fmt::format("line {}, byte {}: gzip data of {} ends early at compressed byte {} "
                              "(the file is truncated); the rest of the file is skipped",
                              cut.size() + 1, content.find(lines[cut.size()]), dir / "3-cut.gz",
                              gz.size() / 2)}));
    EXPECT_EQ(sources,
              (std::vector<std::string>{dir / "1-crc.gz", dir / "2-header.gz", dir / "3-cut.gz"}));
  }
}

// ---- position and resume ----

TEST(FileInputTest, PositionAfterEachBatchAndResume) {
  TempDir dir;
  WriteFile(dir / "a.log", "a1\na2\na3\n");
  WriteFile(dir / "b.log", "b1\nb2\n");
  FileInput in(Opts(dir / "*.log", 2), {});
  ASSERT_TRUE(in.Connect().ok());
  EXPECT_EQ(in.Position(), (FilePosition{dir / "a.log", 0}));
  std::stop_source stop;
  std::vector<FilePosition> positions;
  while (true) {
    auto r = in.Read(stop.get_token());
    if (!r.ok()) break;
    positions.push_back(in.Position());
  }
  EXPECT_EQ(positions, (std::vector<FilePosition>{
                           {dir / "a.log", 6}, {dir / "a.log", 9}, {dir / "b.log", 6}}));
  // A later run resumes after the first batch: nothing repeated, nothing lost.
  FileInput again(Opts(dir / "*.log"), {});
  again.ResumeFrom(positions[0]);
  ReadAll all = Drain(again);
  EXPECT_EQ(AllValues(all), (std::vector<std::string>{"a3", "b1", "b2"}));
  EXPECT_EQ(Int64s(all.batches[0], kMetaOffset), (std::vector<int64_t>{6}));
  // Resuming at the end of a file goes on with the next one.
  FileInput next(Opts(dir / "*.log"), {});
  next.ResumeFrom({dir / "a.log", 9});
  EXPECT_EQ(AllValues(Drain(next)), (std::vector<std::string>{"b1", "b2"}));
  // start_offset (the option) applies to the first file; on gzip it skips decompressed bytes.
  Gzip(dir / "a.log");
  for (std::string name : {"a.log", "a.log.gz"}) {
    FileInputOptions o = Opts(dir / name);
    o.start = FilePosition{"", 3};
    FileInput from(o, {});
    ReadAll got = Drain(from);
    EXPECT_EQ(AllValues(got), (std::vector<std::string>{"a2", "a3"})) << name;
    EXPECT_EQ(Int64s(got.batches[0], kMetaOffset), (std::vector<int64_t>{3, 6})) << name;
  }
}

// ---- follow ----

// Reads batches on a thread until `want` values arrived (or 20 s passed), then stops.
std::vector<std::string> FollowUntil(FileInput& in, size_t want, const std::function<void()>& act) {
  std::vector<std::string> got;
  std::mutex mu;
  std::stop_source stop;
  std::thread reader([&] {
    while (true) {
      auto r = in.Read(stop.get_token());
      if (!r.ok()) return;
      std::lock_guard lock(mu);
      for (auto& v : Strings(r->batch, kValueColumn)) got.push_back(v);
    }
  });
  act();
  for (int i = 0; i < 2000; ++i) {
    {
      std::lock_guard lock(mu);
      if (got.size() >= want) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop.request_stop();
  reader.join();
  return got;
}

void Append(const std::string& path, std::string_view text) {
  std::ofstream f(path, std::ios::binary | std::ios::app);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
}

// Waits until `cond` holds (at most 20 s).
void WaitFor(const std::function<bool()>& cond) {
  for (int i = 0; i < 2000 && !cond(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

FileInputOptions FollowOpts(std::string path) {
  FileInputOptions o = Opts(std::move(path));
  o.follow = true;
  o.poll_interval_us = 5000;
  return o;
}

TEST(FileInputTest, FollowReadsAppendsRotationAndTruncation) {
  TempDir dir;
  std::string path = dir / "app.log";
  WriteFile(path, "1\n2\n");
  FileInput in(FollowOpts(path), {});
  ASSERT_TRUE(in.Connect().ok());
  EXPECT_EQ(in.Progress(), std::nullopt);
  auto position = [&] { return in.Position(); };
  std::vector<std::string> got = FollowUntil(in, 9, [&] {
    WaitFor([&] { return position().offset == 4; });
    Append(path, "3\n4");  // "4" waits for its newline
    WaitFor([&] { return position().offset == 6; });
    Append(path, "\n");
    WaitFor([&] { return position().offset == 8; });
    // Rotation: renamed away, written once more (a logger that has not reopened yet), recreated.
    ASSERT_EQ(::rename(path.c_str(), (dir / "app.log.1").c_str()), 0);
    Append(dir / "app.log.1", "5\n6");  // the old file's last line has no newline
    WriteFile(path, "7\n");
    WaitFor([&] { return position() == FilePosition{path, 2}; });
    // Truncation: shorter than what was read.
    Append(path, "8\n");
    WaitFor([&] { return position() == FilePosition{path, 4}; });
    WriteFile(path, "9\n");
  });
  EXPECT_EQ(got, (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  EXPECT_EQ(in.files(), (std::vector<std::string>{path, path}));
}

TEST(FileInputTest, FollowGoesOnWithNewerFilesAndWaitsForAFirstMatch) {
  TempDir dir;
  FileInput in(FollowOpts(dir / "*.log"), {});
  ASSERT_TRUE(in.Connect().ok());  // nothing matches yet: waits
  std::vector<std::string> got = FollowUntil(in, 4, [&] {
    WriteFile(dir / "b.log", "b1\n");
    WaitFor([&] { return in.Position() == FilePosition{dir / "b.log", 3}; });
    WriteFile(dir / "a.log", "ignored: sorts before the followed file\n");
    Append(dir / "b.log", "b2");
    WriteFile(dir / "c.log", "c1\nc2\n");
  });
  EXPECT_EQ(got, (std::vector<std::string>{"b1", "b2", "c1", "c2"}));
}

TEST(FileInputTest, FollowWithJsonCodecAndStop) {
  TempDir dir;
  std::string path = dir / "e.ndjson";
  WriteFile(path, "");
  FileInputOptions o = FollowOpts(path);
  o.codec = *LoadYamlString("type: json", "codec.yaml");
  Registry registry;
  RegisterCodecs(registry);
  ComponentContext ctx;
  ctx.registry = &registry;
  FileInput in(o, ctx);
  std::vector<int64_t> got;
  std::stop_source stop;
  std::thread reader([&] {
    while (true) {
      auto r = in.Read(stop.get_token());
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
        return;
      }
      for (int64_t v : Int64s(r->batch, "v")) got.push_back(v);
    }
  });
  Append(path, "{\"v\":1}\n{\"v\":");
  WaitFor([&] { return in.Position().offset == 8; });
  Append(path, "2}\n");
  WaitFor([&] { return in.Position().offset == 16; });
  stop.request_stop();
  reader.join();
  EXPECT_EQ(got, (std::vector<int64_t>{1, 2}));
}

}  // namespace
}  // namespace ark
