// The connectors with the real codecs (json, csv, arrow) built through the registry: chunked
// decoding with positions across chunks and files, CSV records holding newlines, Arrow IPC read in
// pieces, error records, and the outputs' codec and no-`__value__` JSON default.
#include <gtest/gtest.h>

#include "config/yaml_loader.h"
#include "connectors/common/test_util.h"
#include "connectors/connectors.h"
#include "connectors/file/file_input.h"
#include "connectors/stdio/stdin_input.h"
#include "connectors/stdio/stdout_output.h"
#include "core/column_builder.h"
#include "core/raw_message.h"
#include "runtime/builtin_codecs.h"

namespace ark {
namespace {

using testing::Drain;
using testing::Int64s;
using testing::ReadFile;
using testing::Strings;
using testing::TempDir;
using testing::WriteFile;

class CodecConnectorsTest : public ::testing::Test {
 protected:
  CodecConnectorsTest() {
    RegisterCodecs(registry_);
    RegisterConnectors(registry_);
    ctx_.stream_id = "stream-0";
    ctx_.label = "input";
    ctx_.registry = &registry_;
  }

  ConfigValue Yaml(std::string_view text) {
    auto v = LoadYamlString(text, "test.yaml");
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ConfigValue();
  }

  // A file input reading `pattern` with the codec section `codec_yaml`, in reads of `read_bytes`.
  std::unique_ptr<FileInput> File(const std::string& pattern, std::string_view codec_yaml,
                                  size_t read_bytes, int64_t batch_size = 8192) {
    FileInputOptions o;
    o.path = pattern;
    o.codec = Yaml(codec_yaml);
    o.read_bytes = read_bytes;
    o.batch_size = batch_size;
    return std::make_unique<FileInput>(std::move(o), ctx_);
  }

  struct All {
    std::vector<Batch> batches;
    std::vector<std::string> errors;   // __error__
    std::vector<std::string> sources;  // __meta_source of the errors
    Status end;
  };
  All ReadAll(Input& in) {
    All all;
    std::stop_source stop;
    Status c = in.Connect();
    EXPECT_TRUE(c.ok()) << c.ToString();
    while (true) {
      auto r = in.Read(stop.get_token());
      if (!r.ok()) {
        all.end = r.status();
        return all;
      }
      if (r->batch.num_rows() > 0) all.batches.push_back(r->batch);
      if (r->errors) {
        for (auto& e : Strings(*r->errors, kErrorColumn)) all.errors.push_back(e);
        for (auto& s : Strings(*r->errors, kMetaSource)) all.sources.push_back(s);
      }
    }
  }
  static std::vector<int64_t> Ints(const std::vector<Batch>& batches, std::string_view col) {
    std::vector<int64_t> out;
    for (const auto& b : batches) {
      for (int64_t v : Int64s(b, col)) out.push_back(v);
    }
    return out;
  }
  static std::vector<std::string> Texts(const std::vector<Batch>& batches, std::string_view col) {
    std::vector<std::string> out;
    for (const auto& b : batches) {
      for (auto& v : Strings(b, col)) out.push_back(v);
    }
    return out;
  }

  Registry registry_;
  ComponentContext ctx_;
};

TEST_F(CodecConnectorsTest, JsonFilesDecodedInChunksWithPositions) {
  TempDir dir;
  WriteFile(dir / "1.ndjson", "{\"a\":1}\n{\"a\":2}\nnot json\n{\"a\":3}\n");
  WriteFile(dir / "2.ndjson", "{\"a\":4}\r\n{oops\r\n{\"a\":5}");
  for (size_t read_bytes : {size_t{3}, size_t{9}, size_t{1} << 20}) {
    SCOPED_TRACE(read_bytes);
    auto in = File(dir / "*.ndjson", "type: json", read_bytes, 2);
    All all = ReadAll(*in);
    EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream) << all.end.ToString();
    EXPECT_EQ(Ints(all.batches, "a"), (std::vector<int64_t>{1, 2, 3, 4, 5}));
    for (const auto& b : all.batches) EXPECT_LE(b.num_rows(), 2);
    ASSERT_EQ(all.errors.size(), 2u);
    // Lines and offsets continue across chunks and restart per file.
    EXPECT_EQ(all.errors[0],
              "line 3, byte 16: invalid JSON: Problem while parsing an atom starting with the "
              "letter 'n'");
    EXPECT_EQ(all.errors[1],
              "line 2, byte 9: invalid JSON: The JSON document has an improper structure: missing "
              "or superfluous commas, braces, missing keys, etc.");
    EXPECT_EQ(all.sources, (std::vector<std::string>{dir / "1.ndjson", dir / "2.ndjson"}));
  }
}

TEST_F(CodecConnectorsTest, CsvRecordsWithNewlinesAndAHeaderPerFile) {
  TempDir dir;
  WriteFile(dir / "a.csv", "id,name\n1,\"multi\nline\"\n2,plain\n");
  WriteFile(dir / "b.csv", "id,name\r\n3,\"x,y\"\r\n");
  for (size_t read_bytes : {size_t{2}, size_t{7}, size_t{1} << 20}) {
    SCOPED_TRACE(read_bytes);
    auto in = File(dir / "*.csv", "type: csv", read_bytes);
    All all = ReadAll(*in);
    EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream);
    EXPECT_TRUE(all.errors.empty()) << all.errors[0];
    EXPECT_EQ(Ints(all.batches, "id"), (std::vector<int64_t>{1, 2, 3}));
    EXPECT_EQ(Texts(all.batches, "name"),
              (std::vector<std::string>{"multi\nline", "plain", "x,y"}));
  }
}

TEST_F(CodecConnectorsTest, CsvBadRecordKeepsItsFileLine) {
  TempDir dir;
  WriteFile(dir / "a.csv", "id,name\n1,a\n2,b,extra\n3,c\n");
  auto in = File(dir / "a.csv", "type: csv", 5);
  All all = ReadAll(*in);
  EXPECT_EQ(Ints(all.batches, "id"), (std::vector<int64_t>{1, 3}));
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_EQ(all.errors[0], "line 3, byte 12: expected 2 fields, got 3");
}

TEST_F(CodecConnectorsTest, ArrowFilesReadInPieces) {
  TempDir dir;
  Int64Builder ids(DataType::Int64());
  StringBuilder names;
  for (int i = 0; i < 1000; ++i) {
    ids.Append(i);
    names.Append("n" + std::to_string(i));
  }
  Batch batch(Schema::Make({Field("id", DataType::Int64()), Field("name", DataType::String())}),
              {ids.Finish(), names.Finish()}, 1000);
  for (std::string format : {"stream", "file"}) {
    SCOPED_TRACE(format);
    auto encoder = registry_.MakeEncoder(Yaml("type: arrow\nformat: " + format), ctx_);
    ASSERT_TRUE(encoder.ok()) << encoder.status().ToString();
    std::string bytes;
    ASSERT_TRUE((*encoder)->EncodeStream(batch, &bytes).ok());
    ASSERT_TRUE((*encoder)->EncodeStream(batch.Slice(0, 10), &bytes).ok());
    ASSERT_TRUE((*encoder)->FinishStream(&bytes).ok());
    WriteFile(dir / ("data." + format), bytes);
    for (size_t read_bytes : {size_t{100}, size_t{1} << 20}) {
      SCOPED_TRACE(read_bytes);
      auto in = File(dir / ("data." + format), "type: arrow", read_bytes, 512);
      All all = ReadAll(*in);
      EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream);
      EXPECT_TRUE(all.errors.empty()) << all.errors[0];
      std::vector<int64_t> got = Ints(all.batches, "id");
      ASSERT_EQ(got.size(), 1010u);
      EXPECT_EQ(got[999], 999);
      EXPECT_EQ(got[1009], 9);
      for (const auto& b : all.batches) EXPECT_LE(b.num_rows(), 512);
    }
  }
}

TEST_F(CodecConnectorsTest, ArkFlowInputTypeForm) {
  TempDir dir;
  WriteFile(dir / "s.json", "{\"v\":10}\n{\"v\":20}\n");
  auto in = registry_.MakeInput(
      Yaml("type: file\ninput_type:\n  type: json\n  path: " + (dir / "s.json") + "\n"), ctx_);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  All all = ReadAll(**in);
  EXPECT_EQ(Ints(all.batches, "v"), (std::vector<int64_t>{10, 20}));
  auto missing = registry_.MakeInput(Yaml("type: file\ninput_type:\n  type: json\n"), ctx_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().ToString(),
            "ConfigError: test.yaml:3:3: input_type: missing required key `path`");
}

TEST_F(CodecConnectorsTest, GenerateDecodesItsPayloadOnce) {
  auto in =
      registry_.MakeInput(Yaml("type: generate\ncontext: '{\"v\": 7, \"s\": \"x\"}'\n"
                               "interval: 0s\ncount: 4\nbatch_size: 3\ncodec:\n  type: json\n"),
                          ctx_);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  All all = ReadAll(**in);
  ASSERT_EQ(all.batches.size(), 2u);
  EXPECT_EQ(all.batches[0].schema()->ToString(), "v: int64, s: string");
  EXPECT_EQ(Ints(all.batches, "v"), (std::vector<int64_t>{7, 7, 7, 7}));
  EXPECT_EQ(all.batches[1].num_rows(), 1);

  auto bad = registry_.MakeInput(
      Yaml("type: generate\ncontext: 'not json'\ninterval: 0s\ncodec:\n  type: json\n"), ctx_);
  ASSERT_TRUE(bad.ok());
  Status s = (*bad)->Connect();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "generate input: the codec cannot decode `context`: invalid JSON: Problem while "
            "parsing an atom starting with the letter 'n'");
}

TEST_F(CodecConnectorsTest, MemoryWithCodecRoutesBadMessagesToErrors) {
  auto in = registry_.MakeInput(
      Yaml("type: memory\nmessages: ['{\"a\": 1}', 'bad', '{\"a\": 2}']\ncodec:\n  type: json\n"),
      ctx_);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  All all = ReadAll(**in);
  EXPECT_EQ(Ints(all.batches, "a"), (std::vector<int64_t>{1, 2}));
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_EQ(all.errors[0],
            "line 1, byte 0: invalid JSON: The JSON document has an improper structure: missing "
            "or superfluous commas, braces, missing keys, etc.");
}

class Pipe {
 public:
  Pipe() { EXPECT_EQ(pipe(fds_), 0); }
  ~Pipe() {
    close(fds_[0]);
    if (fds_[1] >= 0) close(fds_[1]);
  }
  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }
  void CloseWrite() {
    close(fds_[1]);
    fds_[1] = -1;
  }

 private:
  int fds_[2];
};

TEST_F(CodecConnectorsTest, StdinWithJsonCodec) {
  Pipe p;
  auto in = registry_.MakeInput(Yaml("type: stdin\nbatch_size: 2\ncodec:\n  type: json\n"), ctx_);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  // The factory reads standard input; rebuild the same configuration over the pipe.
  StdinOptions o;
  o.fd = p.read_fd();
  o.batch_size = 2;
  auto decoder = registry_.MakeDecoder(Yaml("type: json"), ctx_);
  ASSERT_TRUE(decoder.ok());
  StdinInput stdin_input(o, std::move(decoder).value());
  std::string text = "{\"x\":1}\n{\"x\":2}\n{\"x\":3}\n{bad\n";
  ASSERT_EQ(write(p.write_fd(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
  p.CloseWrite();
  All all = ReadAll(stdin_input);
  EXPECT_EQ(all.end.code(), StatusCode::kEndOfStream);
  EXPECT_EQ(Ints(all.batches, "x"), (std::vector<int64_t>{1, 2, 3}));
  ASSERT_EQ(all.batches.size(), 2u);
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_EQ(all.errors[0],
            "line 4, byte 24: invalid JSON: The JSON document has an improper structure: missing "
            "or superfluous commas, braces, missing keys, etc.");
  EXPECT_EQ(all.sources, (std::vector<std::string>{"stdin"}));
}

Batch Rows() {
  Int64Builder ids(DataType::Int64());
  StringBuilder names;
  ids.Append(1);
  names.Append("a");
  ids.Append(2);
  names.Append("b,c");
  Batch b(Schema::Make({Field("id", DataType::Int64()), Field("name", DataType::String())}),
          {ids.Finish(), names.Finish()}, 2);
  return b;
}

TEST_F(CodecConnectorsTest, StdoutWithoutValueWritesJsonPerRow) {
  for (bool newline : {true, false}) {
    SCOPED_TRACE(newline);
    Pipe p;
    StdoutOutput out(BatchFormatter(nullptr, newline, ctx_), p.write_fd());
    ASSERT_TRUE(out.Write(Rows()).ok());
    ASSERT_TRUE(out.Close().ok());
    p.CloseWrite();
    EXPECT_EQ(Drain(p.read_fd()), newline
                                      ? "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b,c\"}\n"
                                      : "{\"id\":1,\"name\":\"a\"}{\"id\":2,\"name\":\"b,c\"}");
  }
}

TEST_F(CodecConnectorsTest, FileOutputWithCodecs) {
  TempDir dir;
  auto write = [&](std::string codec_yaml, std::string name) {
    auto out = registry_.MakeOutput(
        Yaml("type: file\npath: " + (dir / name) + "\ncodec:\n" + codec_yaml), ctx_);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE((*out)->Connect().ok());
    EXPECT_TRUE((*out)->Write(Rows()).ok());
    EXPECT_TRUE((*out)->Write(Rows().Slice(0, 1)).ok());
    EXPECT_TRUE((*out)->Close().ok());
    return ReadFile(dir / name);
  };
  EXPECT_EQ(write("  type: json\n", "o.ndjson"),
            "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b,c\"}\n{\"id\":1,\"name\":\"a\"}\n");
  EXPECT_EQ(write("  type: csv\n", "o.csv"), "id,name\n1,a\n2,\"b,c\"\n1,a\n");
  // Arrow: the written file reads back through the file input, footer included.
  write("  type: arrow\n  format: file\n", "o.arrow");
  auto in = File(dir / "o.arrow", "type: arrow", 64);
  All all = ReadAll(*in);
  EXPECT_TRUE(all.errors.empty());
  EXPECT_EQ(Ints(all.batches, "id"), (std::vector<int64_t>{1, 2, 1}));
  EXPECT_EQ(Texts(all.batches, "name"), (std::vector<std::string>{"a", "b,c", "a"}));
}

}  // namespace
}  // namespace ark
