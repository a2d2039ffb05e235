#include "connectors/mqtt/mqtt_output.h"

#include "connectors/common/batch_writer.h"
#include "connectors/common/codec_option.h"
#include "connectors/mqtt/mqtt_topic.h"
#include "core/raw_message.h"

namespace ark {

namespace {

// Default `max_inflight`: a whole batch in flight for QoS 0/1 (brokers acknowledge those at
// once); mosquitto's default limit for incoming QoS 2 (it drops 3.1.1 clients that exceed it).
constexpr int kDefaultInflight = 1000;
constexpr int kDefaultInflightQos2 = 20;

}  // namespace

MqttOutput::MqttOutput(MqttOutputOptions options, std::unique_ptr<Encoder> encoder,
                       ComponentContext ctx)
    : options_(std::move(options)),
      encoder_(std::move(encoder)),
      ctx_(std::move(ctx)),
      what_(fmt::format("mqtt output ({})", options_.connection.Address())) {}

MqttOutput::~MqttOutput() { (void)Close(); }

Status MqttOutput::Connect() {
  if (publisher_ != nullptr) return Status::OK();
  auto publisher =
      std::make_unique<MqttPublisher>(options_.connection, options_.qos, options_.retain, what_);
  ARK_RETURN_IF_ERROR(publisher->Open());
  publisher_ = std::move(publisher);
  return Status::OK();
}

Result<ColumnPtr> MqttOutput::Payloads(const Batch& batch) {
  if (options_.value_field) {
    ColumnPtr col = batch.ColumnByName(*options_.value_field);
    if (col == nullptr) {
      ARK_ASSIGN_OR_RETURN(col, batch.GetColumn(*options_.value_field));
    }
    if (!col->type().is_binary_like()) {
      return Status::TypeError("{}: value_field column '{}' has type {}; expected string or binary",
                               what_, *options_.value_field, col->type().ToString());
    }
    return col;
  }
  if (encoder_ != nullptr) return encoder_->EncodeMessages(batch);
  if (ColumnPtr value = RawValueColumn(batch)) {
    if (!value->type().is_binary_like()) {
      return Status::TypeError("{}: column {} has type {}; expected string or binary", what_,
                               kValueColumn, value->type().ToString());
    }
    return value;
  }
  if (json_encoder_ == nullptr) {
    ConfigValue node =
        MakeCodecNode("json", ConfigValue::Null(SourcePos{"<builtin>", 0, 0}, "output.codec"));
    ARK_ASSIGN_OR_RETURN(json_encoder_, MakeCodecEncoder(node, ctx_));
  }
  return json_encoder_->EncodeMessages(batch);
}

Result<ColumnPtr> MqttOutput::Topics(const Batch& batch) {
  const SchemaPtr& schema = batch.schema();
  if (!topic_expr_ || !(topic_schema_ == schema || topic_schema_->Equals(*schema))) {
    topic_expr_.reset();
    Result<sql::CompiledExpression> compiled =
        sql::CompileExpression(options_.topic, *schema, DataType::String());
    if (!compiled.ok()) {
      return Status::InvalidArgument("{}: topic expression: {}", what_,
                                     compiled.status().message());
    }
    topic_expr_ = std::move(compiled).value();
    topic_schema_ = schema;
  }
  ARK_ASSIGN_OR_RETURN(ColumnPtr topics, topic_expr_->Evaluate(batch));
  const Column& col = *topics;
  for (int64_t row = 0; row < col.length(); ++row) {
    if (col.IsNull(row)) {
      return Status::InvalidArgument("{}: row {}: the topic expression \"{}\" is NULL", what_, row,
                                     options_.topic);
    }
    Status st = CheckPublishTopic(col.GetView(row));
    if (!st.ok()) {
      return Status::InvalidArgument(
          "{}: row {}: the topic expression \"{}\" gave an invalid "
          "topic: {}",
          what_, row, options_.topic, st.message());
    }
  }
  return topics;
}

bool MqttOutput::SameBatch(const Batch& batch) const {
  return batch.num_rows() == current_rows_ && batch.columns() == current_columns_;
}

Status MqttOutput::Write(const Batch& batch) {
  if (batch.num_rows() == 0) return Status::OK();
  const bool same = SameBatch(batch);
  if (!same) {
    // Messages of an unfinished batch are sent again from payloads_ after a reconnect: give them
    // up before payloads_ changes.
    if (publisher_ != nullptr) publisher_->Begin(0, nullptr);
    topics_ = nullptr;
    if (options_.topic_is_expr) {
      ARK_ASSIGN_OR_RETURN(topics_, Topics(batch));
    }
    ARK_ASSIGN_OR_RETURN(payloads_, Payloads(batch));
    if (topics_ != nullptr && payloads_->length() != batch.num_rows()) {
      return Status::InvalidArgument(
          "{}: the codec produced {} payloads for {} rows; a topic expression needs one payload "
          "per row",
          what_, payloads_->length(), batch.num_rows());
    }
  }
  // After preparing the batch: a batch that cannot be published is rejected without a broker.
  if (publisher_ == nullptr) ARK_RETURN_IF_ERROR(Connect());
  if (!same) {
    current_columns_ = batch.columns();
    current_rows_ = batch.num_rows();
    publisher_->Begin(payloads_->length(), [this](int64_t i) {
      const Column& payloads = *payloads_;
      return MqttPublisher::Message{
          .topic = topics_ != nullptr ? topics_->GetView(i) : std::string_view(options_.topic),
          .payload = payloads.IsValid(i) ? payloads.GetView(i) : std::string_view()};
    });
  }
  Status st = publisher_->Publish(std::chrono::steady_clock::now() + options_.timeout);
  if (st.IsRetryable()) return st;  // the retry of this batch goes on where this one stopped
  current_columns_.clear();
  current_rows_ = -1;
  payloads_ = nullptr;
  topics_ = nullptr;
  return st;
}

Status MqttOutput::Close() {
  if (publisher_ != nullptr) {
    publisher_->Stop();
    publisher_ = nullptr;
  }
  return Status::OK();
}

namespace {

ConfigSpec MqttOutputSpec() {
  ConfigSpec spec(
      "Publishes every row as one message to an MQTT broker (MQTT 5 or 3.1.1). The "
      "payload is the `value_field` column, else the codec's encoding of the row, else "
      "`__value__` of raw messages, else the row as a JSON object. A batch is written once the "
      "broker acknowledged all its messages (QoS 1 PUBACK, QoS 2 PUBCOMP); QoS 1/2 messages are "
      "kept and resent across reconnections.");
  AddMqttConnectionOptions(spec);
  spec.Any("topic",
           "Topic to publish to: ArkFlow's `{type: value, value: \"out/topic\"}` (or a plain "
           "string), or `{type: expr, expr: \"concat('sensor/', id)\"}`: an SQL expression "
           "evaluated per row over the batch's columns. Wildcards are not allowed; a batch with "
           "a row whose topic is NULL or invalid goes to error_output, naming the row.")
      .Required();
  spec.Int("qos", "QoS of the published messages: 0, 1 or 2.").Default("1").Min(0).Max(2);
  spec.Bool("retain", "Publish as retained messages (the broker keeps the last one per topic).")
      .Default("false");
  spec.String("value_field", "Column (string or binary) whose value is the payload of each row.");
  spec.Int("max_inflight",
           "QoS 1/2 messages sent and not yet acknowledged by the broker, at most (and at most "
           "the broker's MQTT 5 Receive Maximum); a batch's messages go out within this window "
           "and the batch is written once all are acknowledged. Unset: 1000 with QoS 0/1, 20 with "
           "QoS 2. With QoS 2 "
           "keep it at or below the broker's limit for incoming QoS 2 messages (mosquitto's "
           "max_inflight_messages, 20 by default): mosquitto drops a MQTT 3.1.1 client that "
           "exceeds it.")
      .Min(1)
      .Max(65535);
  spec.Duration("timeout",
                "How long a write waits for the broker's acknowledgements before the runtime "
                "retries it (the retry waits for the same messages; none is published twice).")
      .Default("30s");
  AddCodecOption(spec,
                 "Encodes each row with this codec ({type: json|csv}); unset: `__value__` of raw "
                 "messages, or the row as JSON.");
  return spec;
}

struct TopicOption {
  std::string text;  // the topic, or the SQL expression
  bool is_expr = false;
};

// ArkFlow's Expr<String>: {type: value, value: "..."} or {type: expr, expr: "..."}; we also take
// a plain string.
Result<TopicOption> ReadTopic(const ConfigValue& node) {
  std::string topic;
  if (node.is_scalar()) {
    topic = node.text();
  } else if (node.is_map()) {
    const ConfigValue* type = node.Get("type");
    if (type == nullptr || !type->is_scalar()) {
      return node.Error("needs `type: value` (with `value`) or `type: expr` (with `expr`)");
    }
    for (const auto& [key, value] : node.entries()) {
      if (key != "type" && key != "value" && key != "expr") {
        return value.Error("unknown key; expected type and value (or expr)");
      }
    }
    if (type->text() == "expr") {
      const ConfigValue* expr = node.Get("expr");
      if (expr == nullptr || !expr->is_scalar() || expr->text().empty()) {
        return node.Error("`type: expr` needs `expr: <SQL expression>`");
      }
      return TopicOption{expr->text(), true};
    }
    if (type->text() != "value") {
      return type->Error(fmt::format("is '{}'; expected value or expr", type->text()));
    }
    const ConfigValue* value = node.Get("value");
    if (value == nullptr || !value->is_scalar()) {
      return node.Error("`type: value` needs `value: <topic>`");
    }
    topic = value->text();
  } else {
    return node.Error(fmt::format("expected a topic string or {{type: value, value: ...}}, got {}",
                                  node.KindDescription()));
  }
  Status st = CheckPublishTopic(topic);
  if (!st.ok()) return node.Error(st.message());
  return TopicOption{std::move(topic), false};
}

}  // namespace

void RegisterMqttOutput(Registry& registry) {
  registry.AddOutput(
      {.name = "mqtt",
       .summary = "Publishes rows as MQTT messages (QoS 0/1/2, retain, TLS).",
       .spec = MqttOutputSpec(),
       .example = "output:\n  type: mqtt\n  host: localhost\n  port: 1883\n  client_id: "
                  "arkflow-out\n  topic:\n    type: value\n    value: processed/readings\n  qos: "
                  "1\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Output>> {
        MqttOutputOptions o;
        ARK_ASSIGN_OR_RETURN(o.connection, ReadMqttConnectionOptions(cfg));
        ARK_ASSIGN_OR_RETURN(TopicOption topic, ReadTopic(*cfg.GetRaw("topic")));
        o.topic = std::move(topic.text);
        o.topic_is_expr = topic.is_expr;
        o.qos = static_cast<int>(cfg.GetInt("qos"));
        o.connection.max_inflight = cfg.IsSet("max_inflight")
                                        ? static_cast<int>(cfg.GetInt("max_inflight"))
                                        : (o.qos == 2 ? kDefaultInflightQos2 : kDefaultInflight);
        o.retain = cfg.GetBool("retain");
        if (cfg.IsSet("value_field")) o.value_field = cfg.GetString("value_field");
        o.timeout = cfg.GetDuration("timeout");
        if (o.timeout <= std::chrono::nanoseconds::zero()) {
          return cfg.NodeOf("timeout").Error("must be positive");
        }
        std::unique_ptr<Encoder> encoder;
        if (const ConfigValue* codec = CodecNode(cfg)) {
          ARK_ASSIGN_OR_RETURN(encoder, MakeCodecEncoder(*codec, ctx));
        }
        return std::make_unique<MqttOutput>(std::move(o), std::move(encoder), ctx);
      });
}

}  // namespace ark
