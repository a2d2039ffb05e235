#include "connectors/memory/memory_input.h"

#include <gtest/gtest.h>

#include "connectors/common/test_util.h"
#include "core/raw_message.h"

namespace ark {
namespace {

using testing::Strings;

TEST(MemoryInputTest, AllMessagesInOneBatchThenEnd) {
  MemoryInput in({.messages = {"Hello", "World", ""}, .batch_size = std::nullopt});
  std::stop_source stop;
  auto r = in.Read(stop.get_token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Strings(r->batch, kValueColumn), (std::vector<std::string>{"Hello", "World", ""}));
  EXPECT_FALSE(r->errors.has_value());
  auto end = in.Read(stop.get_token());
  EXPECT_EQ(end.status().code(), StatusCode::kEndOfStream);
  EXPECT_EQ(end.status().message(), "memory input: 3 messages emitted");
}

TEST(MemoryInputTest, BatchSizeSplits) {
  MemoryInput in({.messages = {"a", "b", "c", "d", "e"}, .batch_size = 2});
  std::stop_source stop;
  std::vector<std::vector<std::string>> got;
  while (true) {
    auto r = in.Read(stop.get_token());
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kEndOfStream);
      break;
    }
    got.push_back(Strings(r->batch, kValueColumn));
  }
  EXPECT_EQ(got, (std::vector<std::vector<std::string>>{{"a", "b"}, {"c", "d"}, {"e"}}));
}

TEST(MemoryInputTest, NoMessagesEndsAtOnce) {
  MemoryInput in({});
  std::stop_source stop;
  EXPECT_EQ(in.Read(stop.get_token()).status().code(), StatusCode::kEndOfStream);
}

TEST(MemoryInputTest, StopCancels) {
  MemoryInput in({.messages = {"a"}, .batch_size = std::nullopt});
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(in.Read(stop.get_token()).status().code(), StatusCode::kCancelled);
}

}  // namespace
}  // namespace ark
