#include "processors/batch.h"

#include <gtest/gtest.h>

#include "config/yaml_loader.h"
#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {
namespace {

using Clock = Processor::Clock;
using std::chrono::milliseconds;

Batch Raw(std::vector<std::string> values) { return MakeRawBatch(std::span(values)); }

std::vector<std::string> Values(const Batch& b) {
  std::vector<std::string> out;
  ColumnPtr c = b.ColumnByName(kValueColumn);
  for (int64_t i = 0; c && i < c->length(); ++i) out.emplace_back(c->GetView(i));
  return out;
}

// A clock the test moves by hand.
struct FakeClock {
  Clock::time_point now = Clock::time_point() + std::chrono::hours(1);
  std::function<Clock::time_point()> fn() {
    return [this] { return now; };
  }
};

TEST(BatchProcessorTest, MergesCountBatches) {
  FakeClock clock;
  BatchProcessor p(3, milliseconds(1000), clock.fn());
  EXPECT_TRUE(p.stateful());
  ProcessOutput out;
  ASSERT_TRUE(p.Process(Raw({"a", "b"}), &out).ok());
  ASSERT_TRUE(p.Process(Raw({"c"}), &out).ok());
  EXPECT_TRUE(out.batches.empty());
  EXPECT_EQ(p.held(), 2u);
  ASSERT_TRUE(p.Process(Raw({"d"}), &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  // count is in batches (ArkFlow): three batches of 4 rows in all.
  EXPECT_EQ(Values(out.batches[0]), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(p.held(), 0u);
  EXPECT_EQ(p.NextDeadline(), std::nullopt);
}

TEST(BatchProcessorTest, TimeoutFromTheFirstHeldBatchWithoutNewInput) {
  FakeClock clock;
  BatchProcessor p(100, milliseconds(500), clock.fn());
  ProcessOutput out;
  Clock::time_point t0 = clock.now;
  ASSERT_TRUE(p.Process(Raw({"a"}), &out).ok());
  clock.now += milliseconds(300);
  ASSERT_TRUE(p.Process(Raw({"b"}), &out).ok());
  EXPECT_EQ(p.NextDeadline(), t0 + milliseconds(500));
  ASSERT_TRUE(p.OnTimer(t0 + milliseconds(499), &out).ok());
  EXPECT_TRUE(out.batches.empty());
  ASSERT_TRUE(p.OnTimer(t0 + milliseconds(500), &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(Values(out.batches[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p.NextDeadline(), std::nullopt);
  // An empty timer does nothing.
  ASSERT_TRUE(p.OnTimer(t0 + milliseconds(5000), &out).ok());
  EXPECT_EQ(out.batches.size(), 1u);
}

TEST(BatchProcessorTest, ControlMessagesRelease) {
  FakeClock clock;
  BatchProcessor p(100, milliseconds(500), clock.fn());
  ProcessOutput out;
  ASSERT_TRUE(p.Process(Raw({"a"}), &out).ok());
  ASSERT_TRUE(p.OnControl(StreamMessage::Watermark(5), &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  ASSERT_TRUE(p.Process(Raw({"w"}), &out).ok());
  ASSERT_TRUE(p.OnControl(StreamMessage::Barrier(Epoch(1)), &out).ok());
  ASSERT_EQ(out.batches.size(), 2u);
  EXPECT_EQ(Values(out.batches[1]), (std::vector<std::string>{"w"}));
  ASSERT_TRUE(p.Process(Raw({"b"}), &out).ok());
  ASSERT_TRUE(p.OnControl(StreamMessage::EndOfStream(), &out).ok());
  ASSERT_EQ(out.batches.size(), 3u);
  EXPECT_EQ(Values(out.batches[2]), (std::vector<std::string>{"b"}));
  ASSERT_TRUE(p.OnControl(StreamMessage::EndOfStream(), &out).ok());
  EXPECT_EQ(out.batches.size(), 3u);
}

TEST(BatchProcessorTest, DifferentSchemaReleasesTheHeldGroupFirst) {
  FakeClock clock;
  BatchProcessor p(10, milliseconds(500), clock.fn());
  ProcessOutput out;
  ASSERT_TRUE(p.Process(Raw({"a"}), &out).ok());
  Int64Builder ints(DataType::Int64());
  ints.Append(1);
  Batch other(Schema::Make({Field("n", DataType::Int64())}), {ints.Finish()}, 1);
  ASSERT_TRUE(p.Process(other, &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(Values(out.batches[0]), (std::vector<std::string>{"a"}));
  EXPECT_EQ(p.held(), 1u);
  ASSERT_TRUE(p.OnControl(StreamMessage::EndOfStream(), &out).ok());
  ASSERT_EQ(out.batches.size(), 2u);
  EXPECT_TRUE(out.batches[1].Equals(other));
}

TEST(BatchProcessorTest, FromYamlThroughTheRegistry) {
  Registry registry;
  RegisterBatchProcessor(registry);
  ComponentContext ctx{.stream_id = "stream-0", .label = "processor[0]", .registry = &registry};
  auto node = LoadYamlString("type: batch\ncount: 2\ntimeout_ms: 1000\n", "test.yaml");
  ASSERT_TRUE(node.ok());
  auto p = registry.MakeProcessor(*node, ctx);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE((*p)->stateful());
  ProcessOutput out;
  ASSERT_TRUE((*p)->Process(Raw({"x"}), &out).ok());
  ASSERT_TRUE((*p)->Process(Raw({"y"}), &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(Values(out.batches[0]), (std::vector<std::string>{"x", "y"}));

  auto missing = LoadYamlString("type: batch\ncount: 2\n", "test.yaml");
  ASSERT_TRUE(missing.ok());
  auto bad = registry.MakeProcessor(*missing, ctx);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kConfigError);

  const ComponentInfo* info = registry.Find(ComponentKind::kProcessor, "batch");
  ASSERT_NE(info, nullptr);
  for (const OptionSpec& o : info->spec.options()) EXPECT_FALSE(o.description.empty()) << o.name;
}

}  // namespace
}  // namespace ark
