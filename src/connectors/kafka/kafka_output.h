// `kafka` output: a librdkafka producer, one Kafka message per row.
//
// The payload of a row is, in order of precedence: the codec's encoding of the row (without its
// `__meta_*` columns) when `codec` is set; the `value_field` column (string or binary) when set;
// `__value__` for raw-message batches (only `__value__` and `__meta_*` columns; a null value is a
// tombstone); otherwise the row as a JSON object (without `__meta_*` columns).
//
// `topic` and `key` are ArkFlow's expression objects — {type: value, value: "..."} (a constant)
// or {type: expr, expr: "<SQL expression>"} evaluated per row over the batch's columns with the
// SQL engine (sql/expression.h); a bare string is a constant. Expressions are compiled for each
// new batch schema and evaluated once per batch (vectorized). A null key sends no key; a null
// topic fails the batch. `partition` is a fixed partition or an expression; unset, librdkafka's
// partitioner picks one from the key. `headers` adds headers (name → constant or expression);
// the `__meta_headers` column of the batch (what the kafka input read) is forwarded too unless
// `forward_headers` is false.
//
// Delivery (DESIGN §3): Write() returns OK only after the delivery report of every message of the
// batch arrived without error — so the inputs are acknowledged only for messages Kafka has
// stored. Idempotence is on by default (no duplicates or reordering from librdkafka's own
// retries; requires acks=all). If any message of the batch failed (broker gone longer than
// message.timeout.ms, say), Write returns Unavailable and the runtime retries the whole batch
// (the messages that did arrive are then written twice: at-least-once). A fatal producer error
// (idempotence state lost) recreates the producer.
//
// Thread-safety: Connect/Write/Flush/Close from the writer thread only.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "config/config_value.h"
#include "connectors/kafka/kafka_common.h"
#include "runtime/output.h"
#include "runtime/registry.h"
#include "sql/expression.h"

namespace ark {

// A string option given as a constant or as an SQL expression per row.
struct KafkaValueOrExpr {
  bool is_expr = false;
  std::string text;  // the constant, or the expression's SQL
};

struct KafkaOutputOptions {
  KafkaSettings settings;
  KafkaValueOrExpr topic;
  std::optional<KafkaValueOrExpr> key;
  std::optional<KafkaValueOrExpr> partition;  // a constant is an integer
  std::vector<std::pair<std::string, KafkaValueOrExpr>> headers;
  bool forward_headers = true;
  std::optional<std::string> value_field;
  std::optional<ConfigValue> codec;
};

class KafkaOutput final : public Output {
 public:
  KafkaOutput(KafkaOutputOptions options, ComponentContext ctx);
  ~KafkaOutput() override;

  Status Connect() override;
  Status Write(const Batch& batch) override;
  Status Flush() override;
  Status Close() override;

 private:
  // Compiled for one batch schema.
  struct Compiled {
    SchemaPtr schema;
    std::optional<sql::CompiledExpression> topic, key, partition;
    std::vector<std::optional<sql::CompiledExpression>> headers;  // null: a constant
    int headers_column = -1;                                      // `__meta_headers`, or -1
  };
  Status CompileFor(const SchemaPtr& schema);
  Result<ColumnPtr> Payloads(const Batch& batch);
  rd_kafka_topic_t* Topic(std::string_view name);
  void DestroyProducer();

  KafkaOutputOptions options_;
  ComponentContext ctx_;
  std::unique_ptr<Encoder> encoder_;
  std::unique_ptr<Encoder> json_encoder_;
  std::optional<Compiled> compiled_;
  int32_t fixed_partition_ = RD_KAFKA_PARTITION_UA;
  rd_kafka_t* rk_ = nullptr;
  std::map<std::string, rd_kafka_topic_t*, std::less<>> topics_;
};

void RegisterKafkaOutput(Registry& registry);

}  // namespace ark
