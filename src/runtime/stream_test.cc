#include "runtime/stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "runtime/test_components.h"

namespace ark {
namespace {

using ::ark::testing::AccumulateProcessor;
using ::ark::testing::CollectingOutput;
using ::ark::testing::DropEveryProcessor;
using ::ark::testing::FailNegativeProcessor;
using ::ark::testing::IdBatch;
using ::ark::testing::IdRange;
using ::ark::testing::IdsOf;
using ::ark::testing::Ledger;
using ::ark::testing::MergeBuffer;
using ::ark::testing::SleepingProcessor;
using ::ark::testing::SplitOddProcessor;
using ::ark::testing::StringAt;
using ::ark::testing::VectorInput;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<int64_t> Iota(int64_t first, int64_t n) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < n; ++i) out.push_back(first + i);
  return out;
}

// Builds streams over the test fixtures and keeps what the test inspects afterwards.
class StreamTest : public ::testing::Test {
 protected:
  StreamTest() {
    options_.output_retry = {std::chrono::milliseconds(1), std::chrono::milliseconds(4)};
    options_.input_retry = {std::chrono::milliseconds(1), std::chrono::milliseconds(4)};
  }

  std::unique_ptr<Stream> Make(std::unique_ptr<Input> input,
                               std::vector<std::unique_ptr<Processor>> processors = {},
                               std::vector<std::string> processor_types = {},
                               bool with_error_output = true,
                               std::unique_ptr<StreamBuffer> buffer = nullptr) {
    StreamComponents c;
    c.input = std::move(input);
    c.input_type = "vector";
    c.buffer = std::move(buffer);
    c.processors = std::move(processors);
    c.processor_types = std::move(processor_types);
    auto out = std::make_unique<CollectingOutput>(ledger_, out_ctl_);
    output_ = out.get();
    c.output = std::move(out);
    c.output_type = "collect";
    if (with_error_output) {
      auto err = std::make_unique<CollectingOutput>(ledger_, err_ctl_, /*error_output=*/true);
      error_output_ = err.get();
      c.error_output = std::move(err);
      c.error_output_type = "collect";
    }
    return std::make_unique<Stream>("s", std::move(c), options_, &metrics_);
  }

  std::unique_ptr<Input> Replay(std::vector<Batch> batches) {
    return std::make_unique<VectorInput>(ledger_, VectorInput::Of(batches));
  }

  uint64_t CounterValue(std::string_view name, std::string_view component) {
    return metrics_.GetCounter(name, "", {{"stream", "s"}, {"component", std::string(component)}})
        ->value();
  }

  std::shared_ptr<Ledger> ledger_ = std::make_shared<Ledger>();
  std::shared_ptr<CollectingOutput::Control> out_ctl_ =
      std::make_shared<CollectingOutput::Control>();
  std::shared_ptr<CollectingOutput::Control> err_ctl_ =
      std::make_shared<CollectingOutput::Control>();
  CollectingOutput* output_ = nullptr;
  CollectingOutput* error_output_ = nullptr;
  MetricsRegistry metrics_;
  StreamOptions options_;
};

TEST_F(StreamTest, WritesEveryBatchInOrderAndAcksEachReadOnceAfterWriting) {
  std::vector<Batch> batches;
  for (int i = 0; i < 5; ++i) batches.push_back(IdRange(i * 10, 10));
  auto stream = Make(Replay(batches));
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  EXPECT_EQ(ledger_->written(), Iota(0, 50));
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1, 1, 1, 1));
  EXPECT_THAT(ledger_->ack_order(), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
  EXPECT_EQ(output_->batches().size(), 5u);
  EXPECT_EQ(out_ctl_->flushes.load(), 1);
  EXPECT_EQ(out_ctl_->closes.load(), 1);
  EXPECT_EQ(err_ctl_->closes.load(), 1);
  EXPECT_EQ(stream->state(), StreamState::kFinished);
}

TEST_F(StreamTest, RestoresInputOrderAfterFourWorkers) {
  options_.thread_num = 4;
  std::vector<Batch> batches;
  for (int i = 0; i < 40; ++i) batches.push_back(IdRange(i * 5 + (i % 4), 1));
  std::vector<std::unique_ptr<Processor>> procs;
  procs.push_back(std::make_unique<SleepingProcessor>());
  procs.push_back(std::make_unique<SleepingProcessor>());
  auto stream = Make(Replay(batches), std::move(procs), {"sleep", "sleep"});
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  EXPECT_EQ(ledger_->written(), ledger_->read_ids());
  EXPECT_EQ(ledger_->written().size(), 40u);
  EXPECT_EQ(ledger_->total_acks(), 40);
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
}

TEST_F(StreamTest, AcksNothingWhileTheOutputIsBlocked) {
  out_ctl_->CloseGate();
  auto stream = Make(Replay({IdRange(0, 2), IdRange(2, 2), IdRange(4, 2)}));
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(
      ledger_->WaitFor([&] { return out_ctl_->blocked.load() == 1 && ledger_->reads() == 3; }));
  EXPECT_EQ(ledger_->total_acks(), 0);

  out_ctl_->OpenGate();
  ASSERT_TRUE(stream->Wait().ok());
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1, 1));
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
  EXPECT_EQ(ledger_->written(), Iota(0, 6));
}

TEST_F(StreamTest, RetriesRetryableWriteFailuresUntilTheySucceed) {
  out_ctl_->fail_retryable = 3;
  auto stream = Make(Replay({IdRange(0, 3), IdRange(3, 3)}));
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  EXPECT_EQ(out_ctl_->attempts.load(), 5);
  EXPECT_EQ(ledger_->written(), Iota(0, 6));
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1));
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
  EXPECT_TRUE(ledger_->error_written().empty());
  EXPECT_EQ(CounterValue("arkflow_output_retries_total", "output"), 3u);
  EXPECT_EQ(CounterValue("arkflow_errors_total", "output"), 3u);
  EXPECT_EQ(CounterValue("arkflow_messages_out_total", "output"), 6u);
}

TEST_F(StreamTest, NonRetryableWriteFailureSendsTheBatchToErrorOutputWithTheReason) {
  out_ctl_->reject_id = 13;
  auto stream = Make(Replay({IdRange(10, 5), IdRange(20, 5)}));
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  EXPECT_EQ(ledger_->written(), Iota(20, 5));
  EXPECT_EQ(ledger_->error_written(), Iota(10, 5));
  std::vector<Batch> errors = error_output_->batches();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(StringAt(errors[0], "__error__", 0), "cannot encode id 13");
  EXPECT_EQ(StringAt(errors[0], "__error_component", 4), "output collect");
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1));
  EXPECT_EQ(CounterValue("arkflow_error_rows_total", "output"), 5u);
}

TEST_F(StreamTest, ProcessorFailureSendsTheOriginalBatchWithErrorTextToErrorOutput) {
  std::vector<std::unique_ptr<Processor>> procs;
  procs.push_back(std::make_unique<FailNegativeProcessor>());
  auto stream = Make(Replay({IdBatch({0, 1}), IdBatch({-1, 5}), IdBatch({2, 3})}), std::move(procs),
                     {"fail_negative"});
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  EXPECT_EQ(ledger_->written(), Iota(0, 4));
  std::vector<Batch> errors = error_output_->batches();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(IdsOf(errors[0]), ElementsAre(-1, 5));
  EXPECT_EQ(errors[0].schema()->ToString(),
            "id: int64, __error__: string, __error_component: string");
  EXPECT_EQ(StringAt(errors[0], "__error__", 1), "negative id -1");
  EXPECT_EQ(StringAt(errors[0], "__error_component", 0), "processor[0] fail_negative");
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1, 1));
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
  EXPECT_EQ(CounterValue("arkflow_errors_total", "processor[0]"), 1u);
  EXPECT_EQ(CounterValue("arkflow_error_rows_total", "processor[0]"), 2u);
}

TEST_F(StreamTest, ProcessorErrorRowsAndDataFromOneBatchShareOneAck) {
  std::vector<std::unique_ptr<Processor>> procs;
  procs.push_back(std::make_unique<SplitOddProcessor>());
  auto stream = Make(Replay({IdRange(0, 4), IdRange(4, 4)}), std::move(procs), {"split"});
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  EXPECT_THAT(ledger_->written(), ElementsAre(0, 2, 4, 6));
  EXPECT_THAT(ledger_->error_written(), ElementsAre(1, 3, 5, 7));
  std::vector<Batch> errors = error_output_->batches();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(StringAt(errors[0], "__error__", 0), "odd id");
  EXPECT_EQ(StringAt(errors[0], "__error_component", 1), "processor[0] split");
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1));
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
}

TEST_F(StreamTest, InputDecodeErrorsReachErrorOutputWithTheBatchAck) {
  std::vector<VectorInput::Item> items;
  items.push_back(
      {IdBatch({1, 2}), AttachError(IdBatch({100}), "line 3, byte 20: bad json", "input file")});
  auto stream = Make(std::make_unique<VectorInput>(ledger_, items));
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  EXPECT_THAT(ledger_->written(), ElementsAre(1, 2));
  std::vector<Batch> errors = error_output_->batches();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(IdsOf(errors[0]), ElementsAre(100));
  EXPECT_EQ(StringAt(errors[0], "__error__", 0), "line 3, byte 20: bad json");
  EXPECT_THAT(ledger_->acks(), ElementsAre(1));
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
  EXPECT_EQ(CounterValue("arkflow_error_rows_total", "input"), 1u);
}

TEST_F(StreamTest, ErrorRowsWithoutErrorOutputAreCountedAndAcked) {
  std::vector<std::unique_ptr<Processor>> procs;
  procs.push_back(std::make_unique<FailNegativeProcessor>());
  auto stream = Make(Replay({IdBatch({1}), IdBatch({-2}), IdBatch({3})}), std::move(procs),
                     {"fail_negative"}, /*with_error_output=*/false);
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  EXPECT_THAT(ledger_->written(), ElementsAre(1, 3));
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1, 1));
  EXPECT_EQ(CounterValue("arkflow_error_rows_total", "processor[0]"), 1u);
}

TEST_F(StreamTest, FilteredBatchesAreAckedInOrder) {
  std::vector<std::unique_ptr<Processor>> procs;
  procs.push_back(std::make_unique<DropEveryProcessor>(3));
  std::vector<Batch> batches;
  for (int i = 0; i < 6; ++i) batches.push_back(IdRange(i * 10, 2));
  auto stream = Make(Replay(batches), std::move(procs), {"drop"});
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  // First ids 0 and 30 are divisible by 3: dropped, yet acknowledged.
  EXPECT_THAT(ledger_->written(), ElementsAre(10, 11, 20, 21, 40, 41, 50, 51));
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1, 1, 1, 1, 1));
  EXPECT_THAT(ledger_->ack_order(), ElementsAre(0, 1, 2, 3, 4, 5));
  // Exactly the four filtered rows were acknowledged without being written.
  EXPECT_EQ(ledger_->acked_unwritten(), 4);
}

TEST_F(StreamTest, FullQueuesBlockTheInputWhileTheOutputIsBlocked) {
  options_.queue_max_batches = 1;
  out_ctl_->CloseGate();
  // A stateful processor emitting each batch at once: the stream has its ordered stage.
  std::vector<std::unique_ptr<Processor>> procs;
  procs.push_back(std::make_unique<AccumulateProcessor>(1, std::chrono::hours(1)));
  auto stream = Make(std::make_unique<VectorInput>(ledger_, std::vector<VectorInput::Item>{},
                                                   /*endless=*/true, /*endless_rows=*/10),
                     std::move(procs), {"accumulate"});
  ASSERT_TRUE(stream->Start().ok());
  // Batch 0 is in Write, batch 1 in the output queue, batch 2 held by the ordered stage (waiting
  // for room in the output queue), batch 3 in the reorder buffer, batch 4 held by the reader
  // (waiting for room): five reads, then the reader must wait.
  ASSERT_TRUE(
      ledger_->WaitFor([&] { return out_ctl_->blocked.load() == 1 && ledger_->reads() >= 5; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(ledger_->reads(), 5);
  EXPECT_EQ(ledger_->total_acks(), 0);

  out_ctl_->OpenGate();
  stream->Stop();
  EXPECT_EQ(ledger_->written(), ledger_->read_ids());
  EXPECT_EQ(ledger_->total_acks(), ledger_->reads());
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
}

// Without processors there is no ordered stage: the reader puts batches straight into the output
// queue, and blocks as soon as that is full.
TEST_F(StreamTest, WithoutProcessorsTheReaderFeedsTheWriter) {
  options_.queue_max_batches = 1;
  out_ctl_->CloseGate();
  auto stream = Make(std::make_unique<VectorInput>(ledger_, std::vector<VectorInput::Item>{},
                                                   /*endless=*/true, /*endless_rows=*/10));
  ASSERT_TRUE(stream->Start().ok());
  // Batch 0 is in Write, batch 1 in the output queue, batch 2 held by the reader.
  ASSERT_TRUE(
      ledger_->WaitFor([&] { return out_ctl_->blocked.load() == 1 && ledger_->reads() >= 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(ledger_->reads(), 3);
  EXPECT_EQ(ledger_->total_acks(), 0);

  out_ctl_->OpenGate();
  ASSERT_TRUE(ledger_->WaitFor([&] { return ledger_->written().size() >= 50; }));
  stream->Stop();
  EXPECT_EQ(ledger_->written(), ledger_->read_ids());
  EXPECT_EQ(ledger_->total_acks(), ledger_->reads());
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
  EXPECT_EQ(out_ctl_->flushes.load(), 1);
  EXPECT_EQ(stream->state(), StreamState::kFinished);
}

TEST_F(StreamTest, GracefulStopDrainsEverythingReadAndAcksOnlyWhatWasWritten) {
  options_.thread_num = 2;
  std::vector<std::unique_ptr<Processor>> procs;
  procs.push_back(std::make_unique<SleepingProcessor>());
  auto stream = Make(std::make_unique<VectorInput>(ledger_, std::vector<VectorInput::Item>{},
                                                   /*endless=*/true, /*endless_rows=*/3),
                     std::move(procs), {"sleep"});
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(ledger_->WaitFor([&] { return ledger_->written().size() >= 30; }));
  stream->Stop();
  stream->Stop();  // idempotent

  std::vector<int64_t> written = ledger_->written();
  EXPECT_EQ(written, ledger_->read_ids());
  std::vector<int> acks = ledger_->acks();
  EXPECT_EQ(acks, std::vector<int>(acks.size(), 1));
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
  EXPECT_EQ(out_ctl_->flushes.load(), 1);
  EXPECT_EQ(stream->state(), StreamState::kFinished);
}

TEST_F(StreamTest, KillAbandonsUnwrittenDataWithoutAcking) {
  out_ctl_->fail_forever = true;
  auto in = std::make_unique<VectorInput>(ledger_, VectorInput::Of({IdRange(0, 2), IdRange(2, 2)}));
  in->WaitAtEnd();
  auto stream = Make(std::move(in));
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(
      ledger_->WaitFor([&] { return out_ctl_->attempts.load() >= 3 && ledger_->reads() == 2; }));
  stream->Kill();

  EXPECT_EQ(ledger_->reads(), 2);
  EXPECT_EQ(ledger_->total_acks(), 0);
  EXPECT_TRUE(ledger_->written().empty());
  EXPECT_TRUE(ledger_->error_written().empty());
}

TEST_F(StreamTest, EndOfStreamFlushesStatefulProcessors) {
  auto acc = std::make_unique<AccumulateProcessor>(100, std::chrono::hours(1));
  AccumulateProcessor* accp = acc.get();
  std::vector<std::unique_ptr<Processor>> procs;
  procs.push_back(std::move(acc));
  std::vector<Batch> batches;
  for (int i = 0; i < 5; ++i) batches.push_back(IdRange(i * 2, 2));
  auto stream = Make(Replay(batches), std::move(procs), {"accumulate"});
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  ASSERT_EQ(output_->batches().size(), 1u);
  EXPECT_EQ(IdsOf(output_->batches()[0]), Iota(0, 10));
  EXPECT_EQ(accp->eos_flushes.load(), 1);
  EXPECT_EQ(accp->timer_flushes.load(), 0);
  EXPECT_EQ(accp->closes.load(), 1);
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1, 1, 1, 1));
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
}

TEST_F(StreamTest, StatefulProcessorHandsHeldAcksToTheBatchItEmits) {
  std::vector<std::unique_ptr<Processor>> procs;
  procs.push_back(std::make_unique<SleepingProcessor>());  // stateless, on the workers
  procs.push_back(std::make_unique<AccumulateProcessor>(2, std::chrono::hours(1)));
  procs.push_back(std::make_unique<SplitOddProcessor>());  // stateless, after the stateful one
  options_.thread_num = 3;
  std::vector<Batch> batches;
  for (int i = 0; i < 5; ++i) batches.push_back(IdRange(i * 2, 2));
  auto stream = Make(Replay(batches), std::move(procs), {"sleep", "accumulate", "split"});
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  std::vector<Batch> out = output_->batches();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_THAT(IdsOf(out[0]), ElementsAre(0, 2));
  EXPECT_THAT(IdsOf(out[1]), ElementsAre(4, 6));
  EXPECT_THAT(IdsOf(out[2]), ElementsAre(8));
  EXPECT_THAT(ledger_->error_written(), ElementsAre(1, 3, 5, 7, 9));
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1, 1, 1, 1));
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
}

TEST_F(StreamTest, TimerFlushesAStatefulProcessorWithoutNewInput) {
  auto acc = std::make_unique<AccumulateProcessor>(100, std::chrono::milliseconds(20));
  AccumulateProcessor* accp = acc.get();
  std::vector<std::unique_ptr<Processor>> procs;
  procs.push_back(std::move(acc));
  auto in = std::make_unique<VectorInput>(
      ledger_, VectorInput::Of({IdRange(0, 2), IdRange(2, 2), IdRange(4, 2)}));
  in->WaitAtEnd();
  auto stream = Make(std::move(in), std::move(procs), {"accumulate"});
  ASSERT_TRUE(stream->Start().ok());
  // The input has gone quiet (it blocks until stopped); only the timer can release the rows.
  ASSERT_TRUE(ledger_->WaitFor([&] { return ledger_->total_acks() == 3; }));
  EXPECT_EQ(ledger_->written(), Iota(0, 6));
  EXPECT_EQ(accp->timer_flushes.load(), 1);
  EXPECT_EQ(ledger_->acked_unwritten(), 0);

  stream->Stop();
  EXPECT_EQ(output_->batches().size(), 1u);
  EXPECT_EQ(accp->eos_flushes.load(), 1);
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1, 1));
}

TEST_F(StreamTest, BufferMergesBatchesAndFlushesAtEndOfStream) {
  std::vector<Batch> batches;
  for (int i = 0; i < 5; ++i) batches.push_back(IdRange(i * 2, 2));
  auto stream = Make(Replay(batches), {}, {}, true, std::make_unique<MergeBuffer>(2));
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  std::vector<Batch> out = output_->batches();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(IdsOf(out[0]), Iota(0, 4));
  EXPECT_EQ(IdsOf(out[1]), Iota(4, 4));
  EXPECT_EQ(IdsOf(out[2]), Iota(8, 2));
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1, 1, 1, 1));
  EXPECT_EQ(ledger_->acked_unwritten(), 0);
}

// Fails its first Read() with a non-retryable error, then replays normally.
class HiccupInput : public VectorInput {
 public:
  using VectorInput::VectorInput;
  Result<InputBatch> Read(std::stop_token stop) override {
    if (!failed_) {
      failed_ = true;
      return Status::IoError("read /data/in.ndjson: Input/output error");
    }
    return VectorInput::Read(stop);
  }

 private:
  bool failed_ = false;
};

TEST_F(StreamTest, ReadErrorsAreCountedAndReadingGoesOn) {
  auto stream =
      Make(std::make_unique<HiccupInput>(ledger_, VectorInput::Of({IdRange(0, 2), IdRange(2, 2)})));
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());
  EXPECT_EQ(ledger_->written(), Iota(0, 4));
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 1));
  EXPECT_EQ(CounterValue("arkflow_errors_total", "input"), 1u);
}

TEST_F(StreamTest, RetriesConnectingAnUnavailableInput) {
  auto in = std::make_unique<VectorInput>(ledger_, VectorInput::Of({IdRange(0, 3)}));
  in->FailConnect(2);
  auto stream = Make(std::move(in));
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());
  EXPECT_EQ(ledger_->written(), Iota(0, 3));
  EXPECT_EQ(CounterValue("arkflow_errors_total", "input"), 2u);
}

class FailingConnectOutput : public Output {
 public:
  Status Connect() override { return Status::NotFound("directory /nope does not exist"); }
  Status Write(const Batch&) override { return Status::OK(); }
};

TEST_F(StreamTest, OutputThatCannotConnectFailsTheStreamWithoutAcking) {
  StreamComponents c;
  auto in = std::make_unique<VectorInput>(ledger_, VectorInput::Of({IdRange(0, 3)}));
  in->WaitAtEnd();
  c.input = std::move(in);
  c.output = std::make_unique<FailingConnectOutput>();
  c.output_type = "file";
  Stream stream("s", std::move(c), options_, &metrics_);
  ASSERT_TRUE(stream.Start().ok());
  Status st = stream.Wait();
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.message(), "stream s: connecting the output file: directory /nope does not exist");
  EXPECT_EQ(ledger_->total_acks(), 0);
  EXPECT_EQ(stream.state(), StreamState::kFailed);
}

TEST_F(StreamTest, OutputGoneForGoodStopsTheStreamWithoutAckingTheRest) {
  out_ctl_->gone_at_id = 20;
  auto in =
      std::make_unique<VectorInput>(ledger_, VectorInput::Of({IdRange(10, 5), IdRange(20, 5)}));
  in->WaitAtEnd();  // an endless input: only the stop can end it
  auto stream = Make(std::move(in));
  ASSERT_TRUE(stream->Start().ok());
  Status st = stream->Wait();
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  EXPECT_EQ(st.message(), "stream s: the reader closed it");
  EXPECT_EQ(ledger_->written(), Iota(10, 5));
  EXPECT_TRUE(ledger_->error_written().empty());
  EXPECT_THAT(ledger_->acks(), ElementsAre(1, 0));
}

TEST_F(StreamTest, MetricsCountRowsBatchesAndBytesPerComponent) {
  std::vector<std::unique_ptr<Processor>> procs;
  procs.push_back(std::make_unique<FailNegativeProcessor>());
  auto stream = Make(Replay({IdRange(0, 4), IdBatch({-1, -2}), IdRange(4, 4)}), std::move(procs),
                     {"fail_negative"});
  ASSERT_TRUE(stream->Start().ok());
  ASSERT_TRUE(stream->Wait().ok());

  std::string text = metrics_.RenderPrometheus();
  // Three batches in (10 rows); processor[0] rejects the 2-row batch; 8 rows reach the output.
  EXPECT_THAT(text, HasSubstr("arkflow_messages_in_total{stream=\"s\",component=\"input\"} 10\n"));
  EXPECT_THAT(text, HasSubstr("arkflow_batches_in_total{stream=\"s\",component=\"input\"} 3\n"));
  EXPECT_THAT(text,
              HasSubstr("arkflow_messages_in_total{stream=\"s\",component=\"processor[0]\"} 10\n"));
  EXPECT_THAT(text,
              HasSubstr("arkflow_messages_out_total{stream=\"s\",component=\"processor[0]\"} 8\n"));
  EXPECT_THAT(text,
              HasSubstr("arkflow_error_rows_total{stream=\"s\",component=\"processor[0]\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("arkflow_messages_out_total{stream=\"s\",component=\"output\"} 8\n"));
  EXPECT_THAT(text, HasSubstr("arkflow_batches_out_total{stream=\"s\",component=\"output\"} 2\n"));
  EXPECT_THAT(text,
              HasSubstr("arkflow_messages_out_total{stream=\"s\",component=\"error_output\"} 2\n"));
  // 10 int64 rows in three batches: the column buffers are 64-byte aligned and padded, so count
  // them from the batches rather than assume a size.
  uint64_t bytes = IdRange(0, 4).ByteSize() * 2 + IdBatch({-1, -2}).ByteSize();
  EXPECT_THAT(text, HasSubstr(fmt::format(
                        "arkflow_bytes_in_total{{stream=\"s\",component=\"input\"}} {}\n", bytes)));
  EXPECT_THAT(text, HasSubstr("arkflow_processing_latency_seconds_count{stream=\"s\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("arkflow_queue_depth{stream=\"s\",queue=\"output\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE arkflow_processing_latency_seconds histogram\n"));
}

}  // namespace
}  // namespace ark
