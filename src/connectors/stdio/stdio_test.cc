// Tests of the `stdin` input and `stdout` output over pipes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

#include "connectors/common/test_util.h"
#include "connectors/stdio/stdin_input.h"
#include "connectors/stdio/stdout_output.h"
#include "core/raw_message.h"

namespace ark {
namespace {

using testing::Drain;
using testing::Strings;

class Pipe {
 public:
  Pipe() { EXPECT_EQ(pipe(fds_), 0); }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }
  void Write(std::string_view s) {
    ASSERT_EQ(::write(fds_[1], s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  void CloseWrite() {
    if (fds_[1] >= 0) close(fds_[1]);
    fds_[1] = -1;
  }
  void CloseRead() {
    if (fds_[0] >= 0) close(fds_[0]);
    fds_[0] = -1;
  }

 private:
  int fds_[2] = {-1, -1};
};

StdinOptions Opts(int fd, int64_t batch_size = 1024, size_t max_line = 16 << 20) {
  StdinOptions o;
  o.fd = fd;
  o.batch_size = batch_size;
  o.max_line_bytes = max_line;
  o.poll_slice = std::chrono::milliseconds(10);
  return o;
}

TEST(StdinInputTest, EmitsWhatIsAvailableWithoutWaitingForAFullBatch) {
  Pipe p;
  StdinInput in(Opts(p.read_fd()));
  std::stop_source stop;
  p.Write("x\ny\r\npartial");
  auto r = in.Read(stop.get_token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Strings(r->batch, kValueColumn), (std::vector<std::string>{"x", "y"}));
  p.Write(" line\nz");
  p.CloseWrite();
  std::vector<std::string> rest;
  while (true) {
    auto next = in.Read(stop.get_token());
    if (!next.ok()) {
      EXPECT_EQ(next.status().code(), StatusCode::kEndOfStream);
      EXPECT_EQ(next.status().message(), "standard input closed");
      break;
    }
    for (auto& v : Strings(next->batch, kValueColumn)) rest.push_back(v);
  }
  EXPECT_EQ(rest, (std::vector<std::string>{"partial line", "z"}));
}

TEST(StdinInputTest, BatchSizeBoundsABatch) {
  Pipe p;
  StdinInput in(Opts(p.read_fd(), 2));
  std::stop_source stop;
  p.Write("1\n2\n3\n");
  p.CloseWrite();
  EXPECT_EQ(Strings(in.Read(stop.get_token())->batch, kValueColumn),
            (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(Strings(in.Read(stop.get_token())->batch, kValueColumn),
            (std::vector<std::string>{"3"}));
  EXPECT_EQ(in.Read(stop.get_token()).status().code(), StatusCode::kEndOfStream);
}

TEST(StdinInputTest, StopEndsTheWaitForInput) {
  Pipe p;
  StdinInput in(Opts(p.read_fd()));
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.request_stop();
  });
  auto r = in.Read(stop.get_token());  // nothing arrives
  stopper.join();
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(r.status().message(), "stdin input stopped");
}

TEST(StdinInputTest, OverLongLineIsAnErrorRecord) {
  Pipe p;
  StdinInput in(Opts(p.read_fd(), 1024, 4), nullptr, "input \"stdin\"");
  std::stop_source stop;
  p.Write("ok\ntoo long\nend\n");
  p.CloseWrite();
  std::vector<std::string> values, errors;
  while (true) {
    auto r = in.Read(stop.get_token());
    if (!r.ok()) break;
    for (auto& v : Strings(r->batch, kValueColumn)) values.push_back(v);
    if (r->errors) {
      for (auto& e : Strings(*r->errors, kErrorColumn)) errors.push_back(e);
      EXPECT_EQ(Strings(*r->errors, kMetaSource), (std::vector<std::string>{"stdin"}));
    }
  }
  EXPECT_EQ(values, (std::vector<std::string>{"ok", "end"}));
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "line 2, byte 3: line is longer than max_line_bytes (4 bytes); skipped"}));
}

TEST(StdoutOutputTest, WritesValuesPerBatch) {
  Pipe p;
  StdoutOutput out(BatchFormatter(nullptr, true, {}), p.write_fd());
  std::vector<std::string> a = {"hello", "world"};
  ASSERT_TRUE(out.Write(MakeRawBatch(std::span(a))).ok());
  std::vector<std::string> b = {"!"};
  ASSERT_TRUE(out.Write(MakeRawBatch(std::span(b))).ok());
  ASSERT_TRUE(out.Close().ok());
  p.CloseWrite();
  EXPECT_EQ(Drain(p.read_fd()), "hello\nworld\n!\n");
}

TEST(StdoutOutputTest, BatchWithoutValueNeedsTheJsonEncoder) {
  // No registry here: the JSON fallback cannot be built, and says why.
  Pipe p;
  StdoutOutput out(BatchFormatter(nullptr, true, {}), p.write_fd());
  Int64Builder ints(DataType::Int64());
  ints.Append(7);
  Batch batch(Schema::Make({Field("n", DataType::Int64())}), {ints.Finish()}, 1);
  Status s = out.Write(batch);
  EXPECT_EQ(s.code(), StatusCode::kConfigError);
  EXPECT_EQ(s.message(),
            "writing rows as JSON (set a codec to choose the format): <builtin>: output.codec: "
            "cannot build the codec: no component registry in this context");
}

}  // namespace
}  // namespace ark
