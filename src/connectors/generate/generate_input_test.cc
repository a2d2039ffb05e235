#include "connectors/generate/generate_input.h"

#include <gtest/gtest.h>

#include <thread>

#include "connectors/common/test_util.h"
#include "core/raw_message.h"

namespace ark {
namespace {

using testing::Strings;

TEST(GenerateInputTest, CountEndsTheStreamWithAPartialLastBatch) {
  GenerateInput in({.context = "hello", .interval = {}, .count = 10, .batch_size = 4});
  ASSERT_TRUE(in.Connect().ok());
  std::stop_source stop;
  std::vector<int64_t> sizes;
  std::vector<ColumnPtr> columns;
  while (true) {
    auto r = in.Read(stop.get_token());
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kEndOfStream) << r.status().ToString();
      break;
    }
    sizes.push_back(r->batch.num_rows());
    columns.push_back(r->batch.column(0));
    EXPECT_EQ(r->batch.schema()->ToString(), "__value__: binary");
    for (const auto& v : Strings(r->batch, kValueColumn)) EXPECT_EQ(v, "hello");
  }
  EXPECT_EQ(sizes, (std::vector<int64_t>{4, 4, 2}));
  // Full batches are one shared batch; the partial one is a slice of it.
  EXPECT_EQ(columns[0], columns[1]);
  EXPECT_EQ(columns[2]->buffers(), columns[0]->buffers());
  EXPECT_EQ(in.Progress(), std::make_optional(std::make_pair<int64_t, int64_t>(50, 50)));
  // It stays ended.
  EXPECT_EQ(in.Read(stop.get_token()).status().code(), StatusCode::kEndOfStream);
}

TEST(GenerateInputTest, ExactMultipleHasNoEmptyTail) {
  GenerateInput in({.context = "x", .interval = {}, .count = 6, .batch_size = 3});
  std::stop_source stop;
  EXPECT_EQ(in.Read(stop.get_token())->batch.num_rows(), 3);
  EXPECT_EQ(in.Read(stop.get_token())->batch.num_rows(), 3);
  EXPECT_EQ(in.Read(stop.get_token()).status().code(), StatusCode::kEndOfStream);
}

TEST(GenerateInputTest, ZeroCountEndsAtOnce) {
  GenerateInput in({.context = "x", .interval = {}, .count = 0, .batch_size = 3});
  std::stop_source stop;
  auto r = in.Read(stop.get_token());
  EXPECT_EQ(r.status().code(), StatusCode::kEndOfStream);
}

TEST(GenerateInputTest, UnlimitedWithoutCount) {
  GenerateInput in({.context = "abc", .interval = {}, .count = std::nullopt, .batch_size = 2});
  std::stop_source stop;
  for (int i = 0; i < 100; ++i) {
    auto r = in.Read(stop.get_token());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(Strings(r->batch, kValueColumn), (std::vector<std::string>{"abc", "abc"}));
  }
  EXPECT_EQ(in.Progress(), std::nullopt);
}

TEST(GenerateInputTest, StopInterruptsTheIntervalWait) {
  GenerateInput in(
      {.context = "x", .interval = std::chrono::hours(1), .count = std::nullopt, .batch_size = 1});
  std::stop_source stop;
  ASSERT_TRUE(in.Read(stop.get_token()).ok());  // the first read is immediate
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.request_stop();
  });
  auto r = in.Read(stop.get_token());  // would wait an hour
  stopper.join();
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(r.status().message(), "generate input stopped");
}

TEST(GenerateInputTest, RejectsABatchBeyondTwoGiB) {
  GenerateInput in({.context = std::string(1 << 20, 'x'),
                    .interval = {},
                    .count = std::nullopt,
                    .batch_size = 4096});
  Status s = in.Connect();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "generate input: batch_size 4096 × a 1048576-byte context exceeds the 2 GiB a batch "
            "column can hold; lower batch_size");
}

}  // namespace
}  // namespace ark
