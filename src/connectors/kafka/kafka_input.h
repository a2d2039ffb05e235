// `kafka` input: a librdkafka consumer in a consumer group, read in batches.
//
// Subscribes to `topics` (names, or regular expressions starting with '^', which librdkafka
// matches against the cluster's topics and re-checks as topics appear) in `consumer_group`.
// Read() gathers up to `batch_size` messages (and at most 64 MiB of payload), waiting at most
// `linger` after the first one, into one batch.
//
// Without a codec every message is a raw row: `__value__` (binary; null for a tombstone),
// `__meta_source` (the topic), `__meta_partition`, `__meta_offset`, `__meta_key` (binary, null
// when the message has none), `__meta_timestamp` (the message's timestamp, null when it has none),
// `__meta_ingest_time` and `__meta_headers` (list<struct<key: string, value: binary>>, in the
// message's order, duplicates kept; an empty list when there are none). With a codec each payload
// is decoded (DecodeMessages) and the metadata columns follow the decoded rows; payloads the codec
// rejects go to error_output with their topic, partition and offset.
//
// Delivery (DESIGN §3): offsets are committed by the input itself (enable.auto.commit and
// enable.auto.offset.store are off) and only for acknowledged batches, in order per partition
// (OffsetTracker): a batch written before an earlier one of the same partition waits for it, and
// a batch dropped unwritten stops the partition's commits until it moves. Each acknowledgement
// commits at once (asynchronously); a failed commit is retried by the reader. When the group
// takes partitions away (rebalance), the input drops the revoked partitions' messages it has not
// handed out yet, waits up to `revoke_timeout` for the batches in flight from them, commits what
// was acknowledged (synchronously) and then lets them go: the next owner resumes after the last
// acknowledged message, and only what was still unacknowledged is delivered twice. Eager and
// cooperative (partition.assignment.strategy=cooperative-sticky) rebalancing are both handled.
//
// Shutdown: Close() leaves the consumer in the group so that batches still in the pipeline can be
// acknowledged and committed; the destructor waits (up to `revoke_timeout`) for them, commits,
// and leaves the group.
//
// Thread-safety: Connect/Read/Close from the reader thread; acknowledgements from any thread.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "config/config_value.h"
#include "connectors/kafka/kafka_common.h"
#include "runtime/input.h"
#include "runtime/registry.h"

namespace ark {

struct KafkaInputOptions {
  KafkaSettings settings;            // librdkafka configuration (bootstrap, group, properties...)
  std::vector<std::string> topics;   // names or '^' regular expressions
  std::optional<ConfigValue> codec;  // unset: raw rows
  int64_t batch_size = 8192;
  std::chrono::nanoseconds linger = std::chrono::milliseconds(5);
  std::chrono::nanoseconds revoke_timeout = std::chrono::seconds(30);
};

class KafkaInput final : public Input {
 public:
  KafkaInput(KafkaInputOptions options, ComponentContext ctx);
  // Waits for the batches in flight (up to revoke_timeout), commits, leaves the group.
  ~KafkaInput() override;

  // Creates the consumer and subscribes (the group is joined by the first Read).
  Status Connect() override;
  Result<InputBatch> Read(std::stop_token stop) override;
  Status Close() override;

  struct Shared;  // state shared with acknowledgement callbacks (kafka_input.cc)
  struct Reader;  // the reader thread's state (kafka_input.cc)

 private:
  KafkaInputOptions options_;
  ComponentContext ctx_;
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<Reader> reader_;
};

void RegisterKafkaInput(Registry& registry);

}  // namespace ark
