#include "connectors/common/batch_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "connectors/common/test_util.h"
#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {
namespace {

using testing::Drain;

Batch Raw(std::vector<std::string> values) { return MakeRawBatch(std::span(values)); }

std::string Format(const Batch& batch, bool newline) {
  BatchFormatter f(nullptr, newline, {});
  std::string out;
  Status s = f.Append(batch, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(BatchFormatterTest, RawValuesWithAndWithoutNewline) {
  Batch b = Raw({"a", "", "ccc"});
  EXPECT_EQ(Format(b, true), "a\n\nccc\n");
  EXPECT_EQ(Format(b, false), "accc");
  // A slice starts at its own first value.
  EXPECT_EQ(Format(b.Slice(1, 2), true), "\nccc\n");
  EXPECT_EQ(Format(b.Slice(2, 1), false), "ccc");
}

TEST(BatchFormatterTest, NullValueWritesOnlyTheNewline) {
  StringBuilder values;
  values.Append("x");
  values.AppendNull();
  values.Append("y");
  Batch b(Schema::Make({Field(std::string(kValueColumn), DataType::String())}), {values.Finish()},
          3);
  EXPECT_EQ(Format(b, true), "x\n\ny\n");
  EXPECT_EQ(Format(b, false), "xy");
}

TEST(BatchFormatterTest, ValueOfAnotherTypeIsATypeError) {
  Int64Builder ints(DataType::Int64());
  ints.Append(1);
  Batch b(Schema::Make({Field(std::string(kValueColumn), DataType::Int64())}), {ints.Finish()}, 1);
  BatchFormatter f(nullptr, true, {});
  std::string out;
  Status s = f.Append(b, &out);
  EXPECT_EQ(s.code(), StatusCode::kTypeError);
  EXPECT_EQ(s.message(), "column __value__ has type int64; expected binary or string");
}

TEST(BatchWriterTest, FailedWriteIsCompletedByTheRetryWithoutDuplicates) {
  int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(full, 0);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  BatchWriter w(BatchFormatter(nullptr, true, {}), "the sink");
  Batch first = Raw({"a", "b"});
  Status s = w.Write(full, first);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(),
            "writing to the sink: No space left on device (0 of 4 bytes written; will retry)");
  EXPECT_TRUE(s.IsRetryable());
  // The runtime retries the same batch (here onto a working descriptor): written once.
  ASSERT_TRUE(w.Write(fds[1], first).ok());
  ASSERT_TRUE(w.Write(fds[1], Raw({"c"})).ok());
  EXPECT_EQ(w.bytes_written(), 6);
  // A different batch after a failure: the remainder of the failed one is written first.
  ASSERT_EQ(w.Write(full, Raw({"d"})).code(), StatusCode::kResourceExhausted);
  ASSERT_TRUE(w.Write(fds[1], Raw({"e"})).ok());
  ASSERT_TRUE(w.Finish(fds[1]).ok());
  close(fds[1]);
  EXPECT_EQ(Drain(fds[0]), "a\nb\nc\nd\ne\n");
  close(fds[0]);
  close(full);
}

TEST(BatchWriterTest, BadDescriptorIsAnIoError) {
  BatchWriter w(BatchFormatter(nullptr, true, {}), "nowhere");
  Status s = w.Write(-1, Raw({"x"}));
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(s.message(), "writing to nowhere: Bad file descriptor");
}

}  // namespace
}  // namespace ark
