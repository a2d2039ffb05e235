#include "connectors/mqtt/mqtt_input.h"

#include <spdlog/spdlog.h>

#include "connectors/common/codec_option.h"
#include "connectors/common/input_util.h"
#include "connectors/mqtt/mqtt_topic.h"
#include "core/column_builder.h"

namespace ark {

namespace {

// Unacknowledged batches at which Read lets the next batch grow, and for how long at most. One:
// with two, the first runs at 10 k msg/s built a backlog (docs/benchmarks.md, MQTT, session 4) —
// with acknowledgements flowing continuously, reads deliver a message or two, and each small
// batch costs the output a broker round trip.
constexpr int64_t kBusyBatches = 1;
constexpr auto kMaxGrow = std::chrono::milliseconds(5);

}  // namespace

MqttInput::MqttInput(MqttInputOptions options, std::unique_ptr<Decoder> decoder,
                     ComponentContext ctx)
    : options_(std::move(options)),
      decoder_(std::move(decoder)),
      ctx_(std::move(ctx)),
      what_(fmt::format("mqtt input ({})", options_.connection.Address())),
      acks_(std::make_shared<AckState>()) {}

MqttInput::~MqttInput() { (void)Close(); }

Status MqttInput::Connect() {
  if (client_ != nullptr) return Status::OK();
  auto client = std::make_unique<MqttClient>(options_.connection, options_.topics, options_.qos,
                                             static_cast<MqttClient::Handler*>(this), what_);
  {
    std::lock_guard lock(acks_->mu);
    acks_->client = client.get();
    acks_->input = this;
  }
  Status st = client->Open();
  if (!st.ok()) {
    {
      std::lock_guard lock(acks_->mu);
      acks_->client = nullptr;
    }
    client->Stop();
    return st;
  }
  spdlog::info("{}: subscribed to {} (qos {})", what_, fmt::join(options_.topics, ", "),
               options_.qos);
  client_ = std::move(client);
  client_->Start();
  return Status::OK();
}

void MqttInput::OnMessage(const mqtt::Publish& message, uint64_t connection, uint64_t seq) {
  {
    std::lock_guard lock(mu_);
    if (pending_.num_rows() == 0) first_arrival_ = std::chrono::steady_clock::now();
    if (seq != MqttClient::kNoAck) {
      if (connection != pending_acks_.connection || pending_acks_.first == pending_acks_.end) {
        // Rows of a lost connection stay (they were received); their acknowledgement is void.
        pending_acks_ = {connection, seq, seq};
      }
      pending_acks_.end = seq + 1;
    }
    pending_.Add(message.payload, {.source = message.topic});
    reading_ = true;
    if (pending_.num_rows() < options_.batch_size) return;  // Read waits for the burst's end
  }
  arrived_.notify_one();
}

bool MqttInput::BatchAcked() {
  {
    std::lock_guard lock(mu_);  // Read is waiting, or sees the new count
    // Only Read's wait for a busy pipeline depends on the count: waking Read from its wait for
    // messages would cost a context switch per batch for nothing.
    if (!waiting_busy_) return false;
  }
  arrived_.notify_one();
  return true;
}

void MqttInput::OnReadDone() {
  {
    std::lock_guard lock(mu_);
    if (!reading_) return;
    reading_ = false;
  }
  arrived_.notify_one();
}

void MqttInput::OnDisconnected() { OnReadDone(); }

bool MqttInput::ReadPaused() {
  std::lock_guard lock(mu_);
  full_ =
      pending_.num_rows() >= options_.batch_size || pending_.value_bytes() >= kMaxRawBatchBytes / 2;
  return full_;
}

template <typename Ready>
void MqttInput::Await(std::unique_lock<std::mutex>& lock, std::stop_token stop, Ready ready,
                      Clock::time_point deadline) {
  while (!ready() && !stop.stop_requested()) {
    const auto now = Clock::now();
    if (now >= deadline) return;
    const auto until = std::min(deadline, now + std::chrono::seconds(1));
    lock.unlock();
    const bool drove = client_->BeginDriving();
    if (drove) {
      const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
      Status st = client_->DriveStep(static_cast<int>(ms));
      client_->EndDriving(st);
    }
    lock.lock();
    if (!drove) arrived_.wait_until(lock, stop, until, ready);
  }
}

Result<InputBatch> MqttInput::Read(std::stop_token stop) {
  if (!ready_.empty()) {
    InputBatch b = std::move(ready_.front());
    ready_.pop_front();
    return b;
  }
  if (client_ == nullptr) ARK_RETURN_IF_ERROR(Connect());
  // A stop request ends a wait on the socket too.
  std::stop_callback wake_on_stop(stop, [this] { client_->Wake(); });
  Batch raw;
  AckRange to_ack;
  bool wake;
  {
    std::unique_lock lock(mu_);
    // A whole read burst (or a full batch), not the first message of it.
    Await(
        lock, stop,
        [&] {
          return pending_.num_rows() > 0 &&
                 (!reading_ || pending_.num_rows() >= options_.batch_size);
        },
        Clock::time_point::max());
    if (pending_.num_rows() == 0) return Status::Cancelled("{} stopped", what_);
    if (pending_.num_rows() < options_.batch_size &&
        acks_->batches_out.load(std::memory_order_acquire) >= kBusyBatches) {
      // The pipeline is busy: a bigger batch later beats a queue of small ones now.
      waiting_busy_ = true;
      Await(
          lock, stop,
          [&] {
            return pending_.num_rows() >= options_.batch_size ||
                   acks_->batches_out.load(std::memory_order_acquire) < kBusyBatches;
          },
          Clock::now() + kMaxGrow);
      waiting_busy_ = false;
    }
    if (options_.linger > std::chrono::nanoseconds::zero() &&
        pending_.num_rows() < options_.batch_size) {
      Await(
          lock, stop, [&] { return pending_.num_rows() >= options_.batch_size; },
          first_arrival_ + options_.linger);
    }
    raw = pending_.Finish();
    to_ack = pending_acks_;
    pending_acks_.first = pending_acks_.end;
    wake = full_;
    full_ = false;
  }
  if (wake) client_->Wake();  // reading was paused on the full batch
  return MakeBatch(std::move(raw), to_ack);
}

Result<InputBatch> MqttInput::MakeBatch(Batch raw, AckRange to_ack) {
  acks_->batches_out.fetch_add(1, std::memory_order_acq_rel);
  AckToken token = AckToken::Make([acks = acks_, to_ack] {
    std::lock_guard lock(acks->mu);
    acks->batches_out.fetch_sub(1, std::memory_order_acq_rel);
    if (acks->client == nullptr) return;
    // The PUBACKs / PUBRECs go out once the batches before this one were written too.
    acks->client->Acknowledge(to_ack.connection, to_ack.first, to_ack.end);
    // Read may wait for this on the socket (driving the client).
    if (acks->input != nullptr && acks->input->BatchAcked()) acks->client->Wake();
  });
  Batch rows = raw;
  std::optional<Batch> errors;
  if (decoder_ != nullptr) {
    const Column& values = *raw.column(0);
    const ColumnPtr& topics = raw.column(1);
    std::vector<RecordError> record_errors;
    auto decoded = decoder_->DecodeMessages(values);
    if (decoded.ok()) {
      DecodeResult& d = *decoded;
      rows = std::move(d.batch);
      ColumnPtr row_topics = topics;
      if (!d.source_index.empty()) {
        Batch meta(Schema::Make({Field(std::string(kMetaSource), DataType::String())}), {topics},
                   raw.num_rows());
        row_topics = TakeRows(meta, d.source_index).column(0);
      }
      if (rows.num_rows() > 0) {
        ARK_ASSIGN_OR_RETURN(
            rows, rows.SetColumn(Field(std::string(kMetaSource), DataType::String()), row_topics));
      }
      record_errors = std::move(d.errors);
    } else {
      // The codec failed on the whole batch: every message goes to error_output with the reason.
      rows = Batch();
      for (int64_t i = 0; i < raw.num_rows(); ++i) {
        record_errors.push_back({.message_index = i,
                                 .line = 1,
                                 .byte_offset = 0,
                                 .message = decoded.status().message(),
                                 .raw = std::string(values.GetView(i).substr(0, 1024))});
      }
    }
    if (!record_errors.empty()) {
      Batch eb = MakeErrorBatch(record_errors, InputErrorComponent(ctx_, "mqtt"));
      StringBuilder sources;
      sources.Reserve(eb.num_rows());
      for (const RecordError& e : record_errors) {
        sources.Append(topics->GetView(e.message_index));
      }
      ARK_ASSIGN_OR_RETURN(
          eb, eb.SetColumn(Field(std::string(kMetaSource), DataType::String()), sources.Finish()));
      errors = std::move(eb);
    }
  }
  std::deque<InputBatch> slices;
  AppendSliced(rows, options_.batch_size, std::move(errors), &slices);
  if (slices.empty()) return InputBatch{Batch(), std::move(token), std::nullopt};
  for (size_t i = 0; i + 1 < slices.size(); ++i) slices[i].ack = token.Fork();
  slices.back().ack = std::move(token);
  InputBatch first = std::move(slices.front());
  slices.pop_front();
  for (auto& s : slices) ready_.push_back(std::move(s));
  return first;
}

Status MqttInput::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  {
    std::lock_guard lock(acks_->mu);
    acks_->client = nullptr;
    acks_->input = nullptr;
  }
  if (client_ != nullptr) client_->Stop();
  return Status::OK();
}

namespace {

ConfigSpec MqttInputSpec() {
  ConfigSpec spec(
      "Subscribes to topics on an MQTT broker (MQTT 5 or 3.1.1). Each message becomes a "
      "row: `__value__` holds the payload and `__meta_source` the topic it was published to. "
      "QoS 1/2 messages are acknowledged to the broker only after every output wrote them; with "
      "`clean_session: false` what was not acknowledged is redelivered after a restart of the "
      "broker or the engine. The connection is re-established with exponential backoff and the "
      "topics are subscribed again.");
  AddMqttConnectionOptions(spec);
  spec.StringList("topics",
                  "Topic filters to subscribe to; `+` matches one level, `#` (last) any number "
                  "of levels: [\"sensors/+/temperature\", \"alerts/#\"].")
      .Required()
      .Min(1);
  spec.Int("qos", "Subscription QoS: 0 at most once, 1 at least once, 2 exactly once (per hop).")
      .Default("1")
      .Min(0)
      .Max(2);
  spec.Int("receive_maximum",
           "QoS 1/2 messages the broker may send before they are acknowledged (MQTT 5 Receive "
           "Maximum). Each message is acknowledged once the outputs wrote it, so this bounds the "
           "messages in the pipeline. With `protocol: \"3.1.1\"` the broker's own in-flight "
           "limit applies instead (20 with mosquitto's defaults).")
      .Default("1000")
      .Min(1)
      .Max(65535);
  spec.Int("batch_size", "Most messages per batch.").Default("1000").Min(1);
  spec.Duration("linger",
                "How long a read waits for `batch_size` messages after the first one arrived; "
                "0s: return what has arrived at once (lowest latency).")
      .Default("0s");
  AddCodecOption(spec,
                 "Decodes each payload with this codec ({type: json|csv|arrow}); unset: raw "
                 "`__value__`. Undecodable messages go to error_output.");
  return spec;
}

}  // namespace

void RegisterMqttInput(Registry& registry) {
  registry.AddInput(
      {.name = "mqtt",
       .summary = "Subscribes to MQTT topics (QoS 0/1/2, wildcards, TLS, persistent sessions).",
       .spec = MqttInputSpec(),
       .example = "input:\n  type: mqtt\n  host: localhost\n  port: 1883\n  client_id: "
                  "arkflow-in\n  topics: [\"sensors/#\"]\n  qos: 1\n  clean_session: false\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Input>> {
        MqttInputOptions o;
        ARK_ASSIGN_OR_RETURN(o.connection, ReadMqttConnectionOptions(cfg));
        o.topics = cfg.GetStringList("topics");
        for (size_t i = 0; i < o.topics.size(); ++i) {
          Status st = CheckSubscriptionFilter(o.topics[i]);
          if (!st.ok()) {
            return cfg.NodeOf("topics").Error(fmt::format("topics[{}]: {}", i, st.message()));
          }
        }
        o.qos = static_cast<int>(cfg.GetInt("qos"));
        o.connection.receive_maximum = static_cast<int>(cfg.GetInt("receive_maximum"));
        o.batch_size = cfg.GetInt("batch_size");
        o.linger = cfg.GetDuration("linger");
        std::unique_ptr<Decoder> decoder;
        if (const ConfigValue* codec = CodecNode(cfg)) {
          ARK_ASSIGN_OR_RETURN(decoder, MakeCodecDecoder(*codec, ctx));
        }
        return std::make_unique<MqttInput>(std::move(o), std::move(decoder), ctx);
      });
}

}  // namespace ark
