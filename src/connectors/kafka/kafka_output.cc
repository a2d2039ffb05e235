#include "connectors/kafka/kafka_output.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "connectors/common/batch_writer.h"
#include "connectors/common/codec_option.h"
#include "core/raw_message.h"

namespace ark {
namespace {

inline constexpr std::string_view kMetaHeaders = "__meta_headers";

// The delivery reports of one Write.
struct Delivery {
  int64_t pending = 0;
  int64_t failed = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void DeliveryCallback(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* d = static_cast<Delivery*>(m->_private);
  if (d == nullptr) return;
  --d->pending;
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (d->failed++ == 0) d->first_error = m->err;
  }
}

// Errors a retry cannot fix: the batch goes to error_output instead.
bool IsPermanent(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return true;
    default:
      return false;
  }
}

bool IsBytes(const DataType& t) { return t.id() == TypeId::kString || t.id() == TypeId::kBinary; }

DataType HeadersType() {
  return DataType::List(DataType::Struct(
      {Field("key", DataType::String(), false), Field("value", DataType::Binary())}));
}

// Compiles a string-valued expression: string and binary results are used as they are, other
// types are cast to string.
Result<sql::CompiledExpression> CompileBytes(const KafkaValueOrExpr& e, const Schema& schema,
                                             std::string_view option) {
  Result<sql::CompiledExpression> c = sql::CompileExpression(e.text, schema);
  if (c.ok() && !IsBytes(c->type())) c = sql::CompileExpression(e.text, schema, DataType::String());
  if (!c.ok()) return c.status().WithContext(fmt::format("kafka output: `{}` expression", option));
  return c;
}

}  // namespace

KafkaOutput::KafkaOutput(KafkaOutputOptions options, ComponentContext ctx)
    : options_(std::move(options)), ctx_(std::move(ctx)) {
  if (options_.partition && !options_.partition->is_expr) {
    int32_t p = 0;
    const std::string& t = options_.partition->text;
    std::from_chars(t.data(), t.data() + t.size(), p);
    fixed_partition_ = p;
  }
}

KafkaOutput::~KafkaOutput() { DestroyProducer(); }

void KafkaOutput::DestroyProducer() {
  if (rk_ == nullptr) return;
  for (auto& [name, rkt] : topics_) rd_kafka_topic_destroy(rkt);
  topics_.clear();
  rd_kafka_destroy(rk_);
  rk_ = nullptr;
}

Status KafkaOutput::Connect() {
  if (rk_ != nullptr) return Status::OK();
  if (options_.codec && encoder_ == nullptr) {
    ARK_ASSIGN_OR_RETURN(encoder_, MakeCodecEncoder(*options_.codec, ctx_));
  }
  ARK_ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, NewKafkaConf(options_.settings, "kafka output"));
  rd_kafka_conf_set_dr_msg_cb(conf, DeliveryCallback);
  char errstr[512];
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument("kafka output: cannot create the producer: {}", errstr);
  }
  return Status::OK();
}

rd_kafka_topic_t* KafkaOutput::Topic(std::string_view name) {
  auto it = topics_.find(name);
  if (it != topics_.end()) return it->second;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, std::string(name).c_str(), nullptr);
  if (rkt != nullptr) topics_.emplace(std::string(name), rkt);
  return rkt;
}

Status KafkaOutput::CompileFor(const SchemaPtr& schema) {
  if (compiled_ && (compiled_->schema == schema || compiled_->schema->Equals(*schema))) {
    return Status::OK();
  }
  Compiled c;
  c.schema = schema;
  if (options_.topic.is_expr) {
    ARK_ASSIGN_OR_RETURN(c.topic, CompileBytes(options_.topic, *schema, "topic"));
  }
  if (options_.key && options_.key->is_expr) {
    ARK_ASSIGN_OR_RETURN(c.key, CompileBytes(*options_.key, *schema, "key"));
  }
  if (options_.partition && options_.partition->is_expr) {
    Result<sql::CompiledExpression> p =
        sql::CompileExpression(options_.partition->text, *schema, DataType::Int32());
    if (!p.ok()) return p.status().WithContext("kafka output: `partition` expression");
    c.partition = std::move(p).value();
  }
  for (const auto& [name, h] : options_.headers) {
    if (!h.is_expr) {
      c.headers.emplace_back();
      continue;
    }
    ARK_ASSIGN_OR_RETURN(sql::CompiledExpression e,
                         CompileBytes(h, *schema, fmt::format("headers.{}", name)));
    c.headers.emplace_back(std::move(e));
  }
  if (options_.forward_headers) {
    int i = schema->IndexOf(kMetaHeaders);
    if (i >= 0 && schema->field(i).type == HeadersType()) c.headers_column = i;
  }
  compiled_ = std::move(c);
  return Status::OK();
}

Result<ColumnPtr> KafkaOutput::Payloads(const Batch& batch) {
  if (encoder_ != nullptr) {
    return encoder_->EncodeMessages(batch.DropColumns(IsMetaColumn));
  }
  if (options_.value_field) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr col, batch.GetColumn(*options_.value_field));
    if (!IsBytes(col->type())) {
      return Status::InvalidArgument(
          "kafka output: `value_field` column \"{}\" is {}; it must be string or binary",
          *options_.value_field, col->type().ToString());
    }
    return col;
  }
  if (ColumnPtr value = RawValueColumn(batch)) {
    if (!IsBytes(value->type())) {
      return Status::InvalidArgument("kafka output: `__value__` is {}; it must be string or binary",
                                     value->type().ToString());
    }
    return value;
  }
  if (json_encoder_ == nullptr) {
    ConfigValue node =
        MakeCodecNode("json", ConfigValue::Null(SourcePos{"<builtin>", 0, 0}, "output.codec"));
    ARK_ASSIGN_OR_RETURN(json_encoder_, MakeCodecEncoder(node, ctx_));
  }
  return json_encoder_->EncodeMessages(batch.DropColumns(IsMetaColumn));
}

Status KafkaOutput::Write(const Batch& batch) {
  if (batch.num_rows() == 0) return Status::OK();
  ARK_RETURN_IF_ERROR(Connect());
  ARK_RETURN_IF_ERROR(CompileFor(batch.schema()));
  const Compiled& c = *compiled_;
  ARK_ASSIGN_OR_RETURN(ColumnPtr payloads, Payloads(batch));
  const int64_t n = batch.num_rows();
  if (payloads->length() != n) {
    // A codec that cannot split rows (Arrow IPC) yields one payload for the whole batch.
    if (payloads->length() != 1 || c.topic || c.key || c.partition || c.headers_column >= 0 ||
        !c.headers.empty()) {
      return Status::InvalidArgument(
          "kafka output: the codec produced {} payloads for {} rows; per-row topic, key, "
          "partition and headers need one payload per row",
          payloads->length(), n);
    }
  }
  ColumnPtr topics, keys, partitions;
  if (c.topic) {
    ARK_ASSIGN_OR_RETURN(topics, c.topic->Evaluate(batch));
  }
  if (c.key) {
    ARK_ASSIGN_OR_RETURN(keys, c.key->Evaluate(batch));
  }
  if (c.partition) {
    ARK_ASSIGN_OR_RETURN(partitions, c.partition->Evaluate(batch));
  }
  std::vector<ColumnPtr> header_values(c.headers.size());
  for (size_t i = 0; i < c.headers.size(); ++i) {
    if (c.headers[i]) {
      ARK_ASSIGN_OR_RETURN(header_values[i], c.headers[i]->Evaluate(batch));
    }
  }
  const Column* forwarded = c.headers_column >= 0 ? batch.column(c.headers_column).get() : nullptr;
  ColumnPtr fwd_names, fwd_values;
  if (forwarded != nullptr) {
    fwd_names = forwarded->list_values()->struct_field(0);
    fwd_values = forwarded->list_values()->struct_field(1);
  }
  const bool with_headers = !c.headers.empty() || forwarded != nullptr;
  rd_kafka_topic_t* fixed_topic = nullptr;
  if (!c.topic) {
    fixed_topic = Topic(options_.topic.text);
    if (fixed_topic == nullptr) {
      return Status::InvalidArgument("kafka output: topic \"{}\": {}", options_.topic.text,
                                     KafkaErrorText(rd_kafka_last_error()));
    }
  }

  Delivery d;
  Status failure;
  const int64_t messages = payloads->length();
  for (int64_t row = 0; row < messages; ++row) {
    rd_kafka_topic_t* rkt = fixed_topic;
    if (topics != nullptr) {
      if (topics->IsNull(row)) {
        failure = Status::InvalidArgument(
            "kafka output: row {}: the topic expression \"{}\" is "
            "null",
            row, options_.topic.text);
        break;
      }
      rkt = Topic(topics->GetView(row));
      if (rkt == nullptr) {
        failure =
            Status::InvalidArgument("kafka output: row {}: topic \"{}\": {}", row,
                                    topics->GetView(row), KafkaErrorText(rd_kafka_last_error()));
        break;
      }
    }
    std::string_view value;
    const bool null_value = payloads->IsNull(row);
    if (!null_value) value = payloads->GetView(row);
    std::string_view key;
    bool has_key = false;
    if (keys != nullptr) {
      has_key = !keys->IsNull(row);
      if (has_key) key = keys->GetView(row);
    } else if (options_.key) {
      has_key = true;
      key = options_.key->text;
    }
    int32_t partition = fixed_partition_;
    if (partitions != nullptr) {
      partition =
          partitions->IsNull(row) ? RD_KAFKA_PARTITION_UA : partitions->data<int32_t>()[row];
    }
    rd_kafka_headers_t* hdrs = nullptr;
    const int64_t forwarded_count =
        forwarded != nullptr && forwarded->IsValid(row) ? forwarded->list_length(row) : 0;
    if (with_headers && (forwarded_count > 0 || !c.headers.empty())) {
      hdrs = rd_kafka_headers_new(c.headers.size() + static_cast<size_t>(forwarded_count));
      if (forwarded_count > 0) {
        for (int64_t j = forwarded->list_start(row), end = j + forwarded->list_length(row); j < end;
             ++j) {
          std::string_view name = fwd_names->GetView(j);
          if (fwd_values->IsNull(j)) {
            rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), nullptr, 0);
          } else {
            std::string_view v = fwd_values->GetView(j);
            rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), v.data(),
                                static_cast<ssize_t>(v.size()));
          }
        }
      }
      for (size_t i = 0; i < c.headers.size(); ++i) {
        const std::string& name = options_.headers[i].first;
        std::string_view v = options_.headers[i].second.text;
        if (header_values[i] != nullptr) {
          if (header_values[i]->IsNull(row)) continue;
          v = header_values[i]->GetView(row);
        }
        rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), v.data(),
                            static_cast<ssize_t>(v.size()));
      }
    }
    while (true) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk_, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_VALUE(null_value ? nullptr : const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_KEY(has_key ? key.data() : nullptr, has_key ? key.size() : 0),
          RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(&d), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++d.pending;
        break;
      }
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(rk_, 10);  // serve delivery reports to make room
        continue;
      }
      if (hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
      failure = IsPermanent(err)
                    ? Status::InvalidArgument("kafka output: row {}: {}", row, KafkaErrorText(err))
                    : Status::Unavailable("kafka output: row {}: {}", row, KafkaErrorText(err));
      break;
    }
    if (!failure.ok()) break;
  }
  // Every message handed to librdkafka references `d`: wait for all their reports, also after a
  // failure. librdkafka reports each message by message.timeout.ms at the latest.
  while (d.pending > 0) rd_kafka_flush(rk_, 100);
  if (d.failed > 0) {
    char fatal[512];
    rd_kafka_resp_err_t ferr = rd_kafka_fatal_error(rk_, fatal, sizeof(fatal));
    if (ferr != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::warn("kafka output: fatal producer error ({}); recreating the producer", fatal);
      DestroyProducer();
      return Status::Unavailable("kafka output: fatal producer error: {}", fatal);
    }
    std::string text = fmt::format("kafka output: {} of {} message(s) not delivered: {}", d.failed,
                                   messages, KafkaErrorText(d.first_error));
    return IsPermanent(d.first_error) ? Status::InvalidArgument("{}", text)
                                      : Status::Unavailable("{}", text);
  }
  return failure;
}

Status KafkaOutput::Flush() {
  if (rk_ == nullptr) return Status::OK();
  rd_kafka_resp_err_t err = rd_kafka_flush(rk_, 30000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable("kafka output: flush: {}", KafkaErrorText(err));
  }
  return Status::OK();
}

Status KafkaOutput::Close() {
  DestroyProducer();
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------

namespace {

// ArkFlow's Expr<String>: {type: value, value: ...} or {type: expr, expr: ...}; a bare scalar is
// a constant.
Result<KafkaValueOrExpr> ParseValueOrExpr(const ConfigValue& node, bool integer) {
  KafkaValueOrExpr out;
  if (node.is_scalar()) {
    out.text = node.text();
  } else if (node.is_map()) {
    const ConfigValue* type = node.Get("type");
    if (type == nullptr || !type->is_scalar()) {
      return node.Error("needs `type: value` (a constant) or `type: expr` (an SQL expression)");
    }
    for (size_t i = 0; i < node.entries().size(); ++i) {
      const std::string& k = node.entries()[i].first;
      if (k != "type" && k != "value" && k != "expr") {
        return node.KeyError(i, fmt::format("unknown key `{}`; expected type, value or expr", k));
      }
    }
    if (type->text() == "value") {
      const ConfigValue* v = node.Get("value");
      if (v == nullptr || !v->is_scalar()) return node.Error("`type: value` needs `value`");
      out.text = v->text();
    } else if (type->text() == "expr") {
      const ConfigValue* v = node.Get("expr");
      if (v == nullptr || !v->is_scalar()) return node.Error("`type: expr` needs `expr`");
      out.is_expr = true;
      out.text = v->text();
    } else {
      return type->Error(fmt::format("unknown type \"{}\"; expected value or expr", type->text()));
    }
  } else {
    return node.Error("expected a string or {type: value|expr, ...}");
  }
  if (integer && !out.is_expr) {
    int32_t p = 0;
    auto [ptr, ec] = std::from_chars(out.text.data(), out.text.data() + out.text.size(), p);
    if (ec != std::errc() || ptr != out.text.data() + out.text.size() || p < 0) {
      return node.Error(
          fmt::format("expected a partition number (0 or more), got \"{}\"", out.text));
    }
  }
  if (out.is_expr && out.text.empty()) return node.Error("the expression must not be empty");
  return out;
}

ConfigSpec KafkaOutputSpec() {
  ConfigSpec spec(
      "Produces one Kafka message per row and returns only once every message of the batch was "
      "acknowledged by the brokers (delivery reports), so inputs are acknowledged only for stored "
      "messages. The payload is the codec's encoding of the row, the `value_field` column, "
      "`__value__` for raw messages, or else the row as JSON (`__meta_*` columns are never "
      "encoded). Idempotent by default.");
  spec.StringList("brokers", "Bootstrap broker addresses (host:port).").Required().Min(1);
  spec.Any("topic",
           "Destination topic: {type: value, value: name} or {type: expr, expr: <SQL expression "
           "per row>}, or a plain name. Required.");
  spec.Any("key",
           "Message key: {type: value, value: ...} or {type: expr, expr: ...} (a null result "
           "sends no key); unset: no key.");
  spec.Any("partition",
           "Partition: a number, or {type: expr, expr: ...} giving an integer per row (null: "
           "the partitioner decides); unset: librdkafka's partitioner (by key hash).");
  spec.Any("headers",
           "Headers to add: a map of name to a constant string or {type: value|expr, ...}.");
  spec.Bool("forward_headers",
            "Send the headers of the `__meta_headers` column (as the kafka input reads them) "
            "with each message.")
      .Default("true");
  spec.String("client_id", "Client id (client.id).");
  spec.String("compression", "Compression of produced batches (compression.type).")
      .OneOf({"none", "gzip", "snappy", "lz4", "zstd"});
  spec.String("acks", "How many replicas must store a message before it counts as delivered.")
      .OneOf({"0", "1", "all", "-1"})
      .Default("all");
  spec.Bool("idempotence",
            "Idempotent producer (enable.idempotence): librdkafka's retries neither duplicate nor "
            "reorder messages. Requires acks: all.")
      .Default("true");
  spec.String("value_field", "Column (string or binary) sent as the message value.");
  spec.StringMap("properties",
                 "librdkafka producer properties, passed as given (linger.ms, batch.size, "
                 "message.timeout.ms, security.protocol, sasl.*, ssl.*, ...). bootstrap.servers "
                 "is managed by the output.");
  spec.Bool("exactly_once", "ArkFlow's transactional production: not supported yet.");
  spec.String("transactional_id", "ArkFlow's transactional id: not supported yet.");
  AddCodecOption(spec, "Encodes each row ({type: json|csv|...}); unset: see the payload rules.");
  return spec;
}

Result<std::unique_ptr<Output>> MakeKafkaOutput(const ComponentConfig& cfg,
                                                const ComponentContext& ctx) {
  KafkaOutputOptions o;
  ARK_ASSIGN_OR_RETURN(std::string bootstrap, KafkaBootstrap(cfg));
  if (cfg.IsSet("exactly_once") && cfg.GetBool("exactly_once")) {
    return cfg.NodeOf("exactly_once")
        .Error(
            "exactly_once (Kafka transactions) is not supported yet; the output is "
            "at-least-once with an idempotent producer");
  }
  const ConfigValue* topic = cfg.GetRaw("topic");
  if (topic == nullptr || topic->is_null()) return cfg.node().Error("missing required key `topic`");
  ARK_ASSIGN_OR_RETURN(o.topic, ParseValueOrExpr(*topic, false));
  if (!o.topic.is_expr && o.topic.text.empty()) return topic->Error("the topic must not be empty");
  if (const ConfigValue* key = cfg.GetRaw("key"); key != nullptr && !key->is_null()) {
    ARK_ASSIGN_OR_RETURN(o.key, ParseValueOrExpr(*key, false));
  }
  if (const ConfigValue* p = cfg.GetRaw("partition"); p != nullptr && !p->is_null()) {
    ARK_ASSIGN_OR_RETURN(o.partition, ParseValueOrExpr(*p, true));
  }
  if (const ConfigValue* h = cfg.GetRaw("headers"); h != nullptr && !h->is_null()) {
    if (!h->is_map()) return h->Error("`headers` must be a map of header name to value");
    for (const auto& [name, value] : h->entries()) {
      ARK_ASSIGN_OR_RETURN(KafkaValueOrExpr v, ParseValueOrExpr(value, false));
      o.headers.emplace_back(name, std::move(v));
    }
  }
  o.forward_headers = cfg.GetBool("forward_headers");
  if (cfg.Has("value_field")) o.value_field = cfg.GetString("value_field");
  std::string acks = cfg.GetString("acks");
  bool idempotence = cfg.GetBool("idempotence");
  if (idempotence && acks != "all" && acks != "-1") {
    return cfg.NodeOf("acks").Error(
        fmt::format("acks: {} needs `idempotence: false` (an idempotent producer requires acks: "
                    "all)",
                    acks));
  }
  KafkaSettings& s = o.settings;
  s.emplace_back("bootstrap.servers", bootstrap);
  if (cfg.Has("client_id")) s.emplace_back("client.id", cfg.GetString("client_id"));
  if (cfg.Has("compression")) s.emplace_back("compression.type", cfg.GetString("compression"));
  s.emplace_back("acks", acks);
  s.emplace_back("enable.idempotence", idempotence ? "true" : "false");
  const std::map<std::string, std::string> reserved = {
      {"bootstrap.servers", "use `brokers`"},
      {"metadata.broker.list", "use `brokers`"},
      {"transactional.id", "Kafka transactions are not supported yet"},
  };
  ARK_RETURN_IF_ERROR(AddKafkaProperties(cfg, reserved, &s));
  if (const ConfigValue* codec = CodecNode(cfg)) {
    o.codec = *codec;
    ARK_RETURN_IF_ERROR(MakeCodecEncoder(*codec, ctx).status());
  }
  Result<rd_kafka_conf_t*> conf = NewKafkaConf(o.settings, "kafka output");
  if (!conf.ok()) return cfg.NodeOf("properties").Error(conf.status().message());
  rd_kafka_conf_destroy(*conf);
  return std::make_unique<KafkaOutput>(std::move(o), ctx);
}

}  // namespace

void RegisterKafkaOutput(Registry& registry) {
  registry.AddOutput({.name = "kafka",
                      .summary = "Produces one Kafka message per row; returns after delivery.",
                      .spec = KafkaOutputSpec(),
                      .example = "output:\n  type: kafka\n  brokers: [localhost:9092]\n"
                                 "  topic:\n    type: value\n    value: events-copy\n"},
                     MakeKafkaOutput);
}

}  // namespace ark
