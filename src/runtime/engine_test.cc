#include "runtime/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/yaml_loader.h"
#include "runtime/test_components.h"
#include "runtime/test_http.h"

namespace ark {
namespace {

using ::ark::testing::CollectingOutput;
using ::ark::testing::FailNegativeProcessor;
using ::ark::testing::HttpGet;
using ::ark::testing::IdBatch;
using ::ark::testing::IdRange;
using ::ark::testing::Ledger;
using ::ark::testing::VectorInput;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Counts Connect() calls, to prove Build() connects nothing.
class CountingInput : public VectorInput {
 public:
  CountingInput(std::shared_ptr<Ledger> ledger, std::vector<Item> items, std::atomic<int>* connects)
      : VectorInput(std::move(ledger), std::move(items)), connects_(connects) {}
  Status Connect() override {
    connects_->fetch_add(1);
    return VectorInput::Connect();
  }

 private:
  std::atomic<int>* connects_;
};

// Registers `vector` (input: `batches` batches of `rows` ids from `first`, then end of stream, or
// block until stopped with `wait_at_end`), `fail_negative` (processor) and `collect` (output),
// each recording into the ledger of its stream.
class EngineTest : public ::testing::Test {
 protected:
  EngineTest() {
    ConfigSpec input_spec("Replays id batches.");
    input_spec.Int("batches", "Batches to read.").Default("1");
    input_spec.Int("rows", "Rows per batch.").Default("1");
    input_spec.Int("first", "First id.").Default("0");
    input_spec.Bool("wait_at_end", "Block until stopped instead of ending.").Default("false");
    registry_.AddInput(
        {.name = "vector", .summary = "test input", .spec = input_spec, .example = ""},
        [this](const ComponentConfig& cfg,
               const ComponentContext& ctx) -> Result<std::unique_ptr<Input>> {
          contexts_.push_back(ctx.stream_id + "/" + ctx.label);
          std::vector<Batch> batches;
          int64_t rows = cfg.GetInt("rows");
          for (int64_t i = 0; i < cfg.GetInt("batches"); ++i) {
            batches.push_back(IdRange(cfg.GetInt("first") + i * rows, rows));
          }
          auto in = std::make_unique<CountingInput>(LedgerOf(ctx.stream_id),
                                                    VectorInput::Of(batches), &connects_);
          if (cfg.GetBool("wait_at_end")) in->WaitAtEnd();
          return std::unique_ptr<Input>(std::move(in));
        });
    registry_.AddProcessor(
        {.name = "fail_negative",
         .summary = "test processor",
         .spec = ConfigSpec("Fails."),
         .example = ""},
        [this](const ComponentConfig&,
               const ComponentContext& ctx) -> Result<std::unique_ptr<Processor>> {
          contexts_.push_back(ctx.stream_id + "/" + ctx.label);
          return std::unique_ptr<Processor>(std::make_unique<FailNegativeProcessor>());
        });
    ConfigSpec output_spec("Collects.");
    output_spec.Bool("refuse", "The factory refuses to build it.").Default("false");
    registry_.AddOutput(
        {.name = "collect", .summary = "test output", .spec = output_spec, .example = ""},
        [this](const ComponentConfig& cfg,
               const ComponentContext& ctx) -> Result<std::unique_ptr<Output>> {
          contexts_.push_back(ctx.stream_id + "/" + ctx.label);
          if (cfg.GetBool("refuse")) return Status::InvalidArgument("refusing to build");
          return std::unique_ptr<Output>(std::make_unique<CollectingOutput>(
              LedgerOf(ctx.stream_id), std::make_shared<CollectingOutput::Control>(),
              ctx.label == "error_output"));
        });
  }

  std::shared_ptr<Ledger> LedgerOf(const std::string& stream) {
    auto& l = ledgers_[stream];
    if (!l) l = std::make_shared<Ledger>();
    return l;
  }

  Result<std::unique_ptr<Engine>> Build(std::string_view yaml) {
    ARK_ASSIGN_OR_RETURN(ConfigValue root, LoadYamlString(yaml, "engine.yaml"));
    ARK_ASSIGN_OR_RETURN(EngineConfig config, ParseEngineConfig(root));
    StreamOptions options;
    options.output_retry = {std::chrono::milliseconds(1), std::chrono::milliseconds(4)};
    return Engine::Build(config, registry_, options);
  }

  Registry registry_;
  std::map<std::string, std::shared_ptr<Ledger>> ledgers_;
  std::vector<std::string> contexts_;
  std::atomic<int> connects_{0};
};

constexpr std::string_view kTwoStreams = R"(
health_check:
  enabled: false
streams:
  - id: left
    input: {type: vector, batches: 3, rows: 4, first: 0}
    pipeline:
      thread_num: 2
      processors:
        - type: fail_negative
    output: {type: collect}
    error_output: {type: collect}
  - input: {type: vector, batches: 2, rows: 5, first: -5}
    pipeline:
      processors:
        - type: fail_negative
    output: {type: collect}
)";

TEST_F(EngineTest, RunsTwoStreamsSideBySide) {
  auto engine = Build(kTwoStreams);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ(connects_.load(), 0);  // Build connects nothing
  EXPECT_THAT(contexts_,
              ElementsAre("left/input", "left/processor[0]", "left/output", "left/error_output",
                          "stream-1/input", "stream-1/processor[0]", "stream-1/output"));
  ASSERT_TRUE((*engine)->Start().ok());
  ASSERT_TRUE((*engine)->Wait().ok());
  EXPECT_EQ(connects_.load(), 2);

  EXPECT_EQ(ledgers_["left"]->written().size(), 12u);
  EXPECT_THAT(ledgers_["left"]->acks(), ElementsAre(1, 1, 1));
  // The second stream's first batch holds ids -5..-1 and is rejected (no error_output: logged).
  EXPECT_THAT(ledgers_["stream-1"]->written(), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(ledgers_["stream-1"]->acks(), ElementsAre(1, 1));

  EngineSummary s = (*engine)->Summary();
  EXPECT_EQ(s.rows_in, 22);
  EXPECT_EQ(s.rows_out, 17);
  EXPECT_EQ(s.error_rows, 5);
  EXPECT_EQ(s.bytes_in,
            static_cast<int64_t>(IdRange(0, 4).ByteSize() * 3 + IdRange(0, 5).ByteSize() * 2));
  EXPECT_GT(s.elapsed_seconds, 0);
  EXPECT_THAT(s.ToString(), HasSubstr("22 rows in ("));
  EXPECT_THAT(s.ToString(), HasSubstr("17 rows out ("));
  EXPECT_THAT(s.ToString(), HasSubstr("5 error rows, "));
  for (const auto& stream : (*engine)->streams()) {
    EXPECT_EQ(stream->state(), StreamState::kFinished);
  }
}

TEST_F(EngineTest, BuildReturnsTheFirstErrorWithItsPosition) {
  auto engine = Build(R"(streams:
  - input: {type: vector}
    output: {type: collect}
  - input: {type: vector}
    pipeline:
      processors:
        - type: fail_negativ
    output: {type: collect}
)");
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().message(),
            "engine.yaml:7:17: streams[1].pipeline.processors[0].type: unknown processor type "
            "\"fail_negativ\" (did you mean \"fail_negative\"?); known processor types: "
            "fail_negative");
}

TEST_F(EngineTest, FactoryErrorsAreLocated) {
  auto engine = Build(R"(streams:
  - input: {type: vector}
    output:
      type: collect
      refuse: true
)");
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(engine.status().message(), "engine.yaml:4:7: streams[0].output: refusing to build");
}

TEST_F(EngineTest, ReadinessAndMetricsOverTheAdminServer) {
  auto engine = Build(R"(
health_check:
  address: 127.0.0.1:0
streams:
  - id: s1
    input: {type: vector, batches: 2, rows: 3, wait_at_end: true}
    output: {type: collect}
)");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  Engine& e = **engine;
  ASSERT_TRUE(e.Start().ok());
  int port = e.admin_port();
  ASSERT_GT(port, 0);
  ASSERT_TRUE(ledgers_["s1"]->WaitFor([&] { return ledgers_["s1"]->total_acks() == 2; }));
  ASSERT_TRUE(e.Ready());

  auto ready = HttpGet(port, "/ready");
  EXPECT_EQ(ready.status, 200) << ready.error;
  EXPECT_EQ(ready.body,
            R"({"ready":true,"streams":[{"id":"s1","state":"running","input_connected":true,)"
            R"("output_connected":true}]})");
  EXPECT_EQ(HttpGet(port, "/health").status, 200);
  auto metrics = HttpGet(port, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body,
              HasSubstr("arkflow_messages_out_total{stream=\"s1\",component=\"output\"} 6\n"));
  EXPECT_THAT(metrics.body, HasSubstr("arkflow_stream_up{stream=\"s1\"} 1\n"));

  e.RequestStop();
  ASSERT_TRUE(e.Wait().ok());
  EXPECT_FALSE(e.Ready());
  EXPECT_EQ(e.ReadinessJson(),
            R"({"ready":false,"streams":[{"id":"s1","state":"finished","input_connected":false,)"
            R"("output_connected":false}]})");
  auto after = HttpGet(port, "/readiness");
  EXPECT_EQ(after.status, 503);
  e.Stop();
  EXPECT_EQ(e.admin_port(), 0);
}

TEST_F(EngineTest, StartFailsWhenTheHealthCheckAddressIsTaken) {
  AdminServer taken({.address = "127.0.0.1:0"}, nullptr, nullptr);
  ASSERT_TRUE(taken.Start().ok());
  std::string yaml = fmt::format(R"(
health_check:
  address: 127.0.0.1:{}
streams:
  - input: {{type: vector}}
    output: {{type: collect}}
)",
                                 taken.port());
  auto engine = Build(yaml);
  ASSERT_TRUE(engine.ok());
  Status st = (*engine)->Start();
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(st.message(), fmt::format("cannot listen on health_check address "
                                      "\"127.0.0.1:{}\": Address already in use",
                                      taken.port()));
  EXPECT_EQ(connects_.load(), 0);
}

TEST_F(EngineTest, StopDrainsEveryStream) {
  auto engine = Build(R"(
health_check: {enabled: false}
streams:
  - id: a
    input: {type: vector, batches: 4, rows: 2, wait_at_end: true}
    output: {type: collect}
  - id: b
    input: {type: vector, batches: 3, rows: 2, wait_at_end: true}
    output: {type: collect}
)");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  ASSERT_TRUE((*engine)->Start().ok());
  ASSERT_TRUE(ledgers_["a"]->WaitFor(
      [&] { return ledgers_["a"]->total_acks() == 4 && ledgers_["b"]->total_acks() == 3; }));
  (*engine)->Stop();
  (*engine)->Stop();
  EXPECT_TRUE((*engine)->Wait().ok());
  EXPECT_EQ(ledgers_["a"]->written().size(), 8u);
  EXPECT_EQ(ledgers_["b"]->written().size(), 6u);
  EXPECT_EQ((*engine)->Summary().rows_out, 14);
}

}  // namespace
}  // namespace ark
