// `mqtt` output: publishes every row as one MQTT message (ArkFlow's `mqtt` output: `host`, `port`,
// `client_id`, `username`, `password`, `topic`, `qos`, `clean_session`, `keep_alive`, `retain`,
// `value_field`).
//
// The payload of a row is, in this order of preference: the `value_field` column; the codec's
// encoding of the row; the `__value__` column of raw messages; the row as a JSON object.
// The topic is ArkFlow's `topic: {type: value, value: ...}` (a plain string is accepted too) or
// `{type: expr, expr: "<SQL>"}`: an SQL expression evaluated per row over the batch's columns
// (sql/expression.h), compiled once per schema. A batch with a row whose topic is NULL or not a
// valid topic name is not published at all: Write fails with InvalidArgument naming the row, so
// the runtime sends the batch to error_output.
//
// Delivery: Write returns OK only once the broker acknowledged every message of the batch
// (PUBACK for QoS 1, PUBCOMP for QoS 2; QoS 0: written to the socket), so the inputs are
// acknowledged only then. The writer thread publishes and waits for the acknowledgements itself
// (MqttPublisher). While the connection is down QoS 1/2 messages stay in flight and go again
// after the reconnect; a Write that waits longer than `timeout` returns Unavailable and the
// runtime's retry of the same batch resumes where it stopped — nothing is published twice by
// the retry. Messages that cannot be published (too large, refused by an MQTT 5 broker) make
// the batch fail with InvalidArgument naming the row, after the others were acknowledged.
//
// Thread-safety: Connect/Write/Close on the writer thread (Output contract).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "connectors/mqtt/mqtt_publisher.h"
#include "runtime/output.h"
#include "runtime/registry.h"
#include "sql/expression.h"

namespace ark {

struct MqttOutputOptions {
  MqttConnectionOptions connection;
  std::string topic;  // literal topic, or the SQL text when topic_is_expr
  bool topic_is_expr = false;
  int qos = 1;
  bool retain = false;
  std::optional<std::string> value_field;
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);
};

class MqttOutput final : public Output {
 public:
  // `encoder`: the codec's encoder, or null.
  MqttOutput(MqttOutputOptions options, std::unique_ptr<Encoder> encoder, ComponentContext ctx);
  ~MqttOutput() override;

  Status Connect() override;
  Status Write(const Batch& batch) override;
  Status Close() override;

 private:
  // One payload per row (one for the whole batch with the arrow codec).
  Result<ColumnPtr> Payloads(const Batch& batch);
  bool SameBatch(const Batch& batch) const;
  // The topic of every row (topic_is_expr), checked: InvalidArgument naming the first bad row.
  Result<ColumnPtr> Topics(const Batch& batch);

  MqttOutputOptions options_;
  std::unique_ptr<Encoder> encoder_;
  std::unique_ptr<Encoder> json_encoder_;  // rows without `__value__` and no codec
  ComponentContext ctx_;
  std::string what_;
  std::unique_ptr<MqttPublisher> publisher_;

  // The batch being written (kept across a retry of the same batch).
  std::vector<ColumnPtr> current_columns_;
  int64_t current_rows_ = -1;
  ColumnPtr payloads_;
  ColumnPtr topics_;  // per-row topics of the current batch (topic_is_expr), else null
  // The topic expression, compiled for topic_schema_.
  SchemaPtr topic_schema_;
  std::optional<sql::CompiledExpression> topic_expr_;
};

void RegisterMqttOutput(Registry& registry);

}  // namespace ark
