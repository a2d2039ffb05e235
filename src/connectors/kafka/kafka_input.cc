#include "connectors/kafka/kafka_input.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "base/time.h"
#include "connectors/common/codec_option.h"
#include "connectors/common/input_util.h"
#include "connectors/kafka/offset_tracker.h"
#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {

inline constexpr std::string_view kMetaHeaders = "__meta_headers";

// ---------------------------------------------------------------------------------------------
// State shared with the acknowledgement callbacks, which may outlive the input.

struct KafkaInput::Shared {
  OffsetTracker tracker;
  std::mutex commit_mu;      // serializes commits, so that positions go out in order
  rd_kafka_t* rk = nullptr;  // GUARDED_BY(commit_mu) for commits; null once the consumer closed
  std::atomic<bool> recommit{false};  // a commit failed: commit every acknowledged position again

  // Commits `positions`. REQUIRES: commit_mu held.
  rd_kafka_resp_err_t CommitLocked(const std::vector<OffsetTracker::Position>& positions,
                                   bool async) {
    if (positions.empty() || rk == nullptr) return RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_topic_partition_list_t* list =
        rd_kafka_topic_partition_list_new(static_cast<int>(positions.size()));
    for (const auto& p : positions) {
      rd_kafka_topic_partition_list_add(list, p.topic.c_str(), p.partition.value())->offset =
          p.offset.value();
    }
    rd_kafka_resp_err_t err = rd_kafka_commit(rk, list, async ? 1 : 0);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
      spdlog::warn("kafka input: committing offsets failed: {}; will retry", KafkaErrorText(err));
      recommit.store(true);
    }
    return err;
  }

  // Commits what the acknowledgements made committable.
  void CommitAcked() {
    std::lock_guard lock(commit_mu);
    CommitLocked(tracker.TakeCommittable(), /*async=*/true);
  }
};

namespace {

// One batch's share of the tracker: its ranges, settled when the batch is acknowledged, or
// abandoned when the runtime drops the token unwritten.
struct BatchAck {
  std::shared_ptr<KafkaInput::Shared> shared;
  std::vector<OffsetTracker::Ticket> tickets;
  bool acked = false;

  ~BatchAck() {
    if (!acked) shared->tracker.Abandon(tickets);
  }
  void Ack() {
    acked = true;
    shared->tracker.Ack(tickets);
    shared->CommitAcked();
  }
};

DataType HeadersType() {
  return DataType::List(DataType::Struct(
      {Field("key", DataType::String(), false), Field("value", DataType::Binary())}));
}

SchemaPtr MetaSchema() {
  return Schema::Make({Field(std::string(kMetaSource), DataType::String()),
                       Field(std::string(kMetaPartition), DataType::Int32()),
                       Field(std::string(kMetaOffset), DataType::Int64()),
                       Field(std::string(kMetaKey), DataType::Binary()),
                       Field(std::string(kMetaTimestamp), DataType::Timestamp()),
                       Field(std::string(kMetaIngestTime), DataType::Timestamp()),
                       Field(std::string(kMetaHeaders), HeadersType())});
}

// The columns of one batch under construction.
struct RowBuilder {
  BinaryBuilder values;
  StringBuilder topics;
  Int32Builder partitions{DataType::Int32()};
  Int64Builder offsets{DataType::Int64()};
  BinaryBuilder keys;
  Int64Builder timestamps{DataType::Timestamp()};
  Int64Builder ingest{DataType::Timestamp()};
  ListBuilder headers{HeadersType()};
  int64_t rows = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// The reader thread's state.

struct KafkaInput::Reader {
  KafkaInput* input = nullptr;
  rd_kafka_t* rk = nullptr;
  rd_kafka_queue_t* queue = nullptr;
  bool closed = false;
  SchemaPtr meta_schema = MetaSchema();
  SchemaPtr raw_schema;
  std::unique_ptr<Decoder> decoder;
  std::string error_component;

  // The batch under construction.
  std::unique_ptr<RowBuilder> rows;
  std::vector<const OffsetTracker::Partition*> row_partition;
  struct Span {
    OffsetTracker::PartitionPtr partition;
    int64_t first;
    int64_t last;
  };
  std::vector<Span> spans;
  // Partitions revoked while the batch was being built: their rows are dropped.
  std::vector<const OffsetTracker::Partition*> revoked_in_batch;

  // (topic handle, partition) → current assignment, rebuilt after every rebalance.
  absl::flat_hash_map<std::pair<const rd_kafka_topic_t*, int32_t>, OffsetTracker::PartitionPtr>
      assignment;

  Shared& shared() { return *input->shared_; }

  OffsetTracker::PartitionPtr Lookup(const rd_kafka_message_t* m) {
    auto key = std::make_pair(static_cast<const rd_kafka_topic_t*>(m->rkt), m->partition);
    auto it = assignment.find(key);
    if (it != assignment.end()) return it->second;
    OffsetTracker::PartitionPtr p =
        shared().tracker.Find(rd_kafka_topic_name(m->rkt), PartitionId(m->partition));
    if (p != nullptr) assignment.emplace(key, p);
    return p;
  }

  void Rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts);
  void Append(const rd_kafka_message_t* m, const OffsetTracker::PartitionPtr& p);
  Result<InputBatch> Finish();
};

namespace {

std::string PartitionsText(const rd_kafka_topic_partition_list_t* parts) {
  std::string out;
  for (int i = 0; i < parts->cnt; ++i) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}[{}]", parts->elems[i].topic, parts->elems[i].partition);
  }
  return out.empty() ? "none" : out;
}

void RebalanceCallback(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                       void* opaque) {
  static_cast<KafkaInput::Reader*>(opaque)->Rebalance(err, parts);
}

void CommitCallback(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t*,
                    void* opaque) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  spdlog::warn("kafka input: an offset commit failed: {}; will retry", KafkaErrorText(err));
  static_cast<KafkaInput::Reader*>(opaque)->shared().recommit.store(true);
}

}  // namespace

void KafkaInput::Reader::Rebalance(rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* parts) {
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  assignment.clear();
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < parts->cnt; ++i) {
      shared().tracker.Assign(parts->elems[i].topic, PartitionId(parts->elems[i].partition));
    }
    spdlog::info("kafka input: assigned {}", PartitionsText(parts));
    rd_kafka_error_t* error = nullptr;
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (cooperative) {
      error = rd_kafka_incremental_assign(rk, parts);
    } else {
      e = rd_kafka_assign(rk, parts);
    }
    if (error != nullptr) {
      spdlog::error("kafka input: assigning partitions: {}", rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    } else if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::error("kafka input: assigning partitions: {}", KafkaErrorText(e));
    }
    return;
  }
  // Revoked (or lost): drop what was not handed out, wait for what is in flight, commit it.
  const bool lost = rd_kafka_assignment_lost(rk) != 0;
  std::vector<OffsetTracker::PartitionPtr> revoked;
  for (int i = 0; i < parts->cnt; ++i) {
    OffsetTracker::PartitionPtr p =
        shared().tracker.Find(parts->elems[i].topic, PartitionId(parts->elems[i].partition));
    if (p == nullptr) continue;
    revoked.push_back(p);
    if (rows != nullptr && rows->rows > 0) revoked_in_batch.push_back(p.get());
  }
  bool settled = true;
  if (!lost) {
    settled = shared().tracker.WaitSettled(
        revoked, std::chrono::steady_clock::now() + input->options_.revoke_timeout);
  }
  std::vector<OffsetTracker::Position> positions;
  int64_t unacked = 0;
  for (const auto& p : revoked) {
    OffsetTracker::Revocation r = shared().tracker.Revoke(p->topic(), p->partition());
    unacked += r.unacked;
    if (r.commit >= 0) positions.push_back({r.topic, r.partition, Offset(r.commit)});
  }
  if (!lost && !positions.empty()) {
    std::lock_guard lock(shared().commit_mu);
    shared().CommitLocked(positions, /*async=*/false);
  }
  spdlog::info("kafka input: {} {}{}", lost ? "lost" : "revoked", PartitionsText(parts),
               unacked > 0 ? fmt::format(" ({} batch(es) not acknowledged{}: delivered again by "
                                         "the next owner)",
                                         unacked, settled ? "" : " in time")
                           : "");
  if (cooperative) {
    rd_kafka_error_t* error = rd_kafka_incremental_unassign(rk, parts);
    if (error != nullptr) {
      spdlog::error("kafka input: unassigning partitions: {}", rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    }
  } else {
    rd_kafka_assign(rk, nullptr);
  }
}

void KafkaInput::Reader::Append(const rd_kafka_message_t* m, const OffsetTracker::PartitionPtr& p) {
  RowBuilder& b = *rows;
  if (m->payload == nullptr) {
    b.values.AppendNull();
  } else {
    b.values.Append({static_cast<const char*>(m->payload), m->len});
  }
  b.topics.Append(p->topic());
  b.partitions.Append(m->partition);
  b.offsets.Append(m->offset);
  if (m->key == nullptr) {
    b.keys.AppendNull();
  } else {
    b.keys.Append({static_cast<const char*>(m->key), m->key_len});
  }
  rd_kafka_timestamp_type_t ts_type;
  int64_t ts = rd_kafka_message_timestamp(m, &ts_type);
  if (ts_type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || ts < 0) {
    b.timestamps.AppendNull();
  } else {
    b.timestamps.Append(ts * 1000);
  }
  b.ingest.Append(NowMicros());
  b.headers.Append();
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs != nullptr) {
    auto& items = static_cast<StructBuilder&>(b.headers.values());
    auto& names = static_cast<BinaryBuilder&>(items.field(0));
    auto& values = static_cast<BinaryBuilder&>(items.field(1));
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0;
         rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      items.Append();
      names.Append(name);
      if (value == nullptr) {
        values.AppendNull();
      } else {
        values.Append({static_cast<const char*>(value), size});
      }
    }
  }
  ++b.rows;
  row_partition.push_back(p.get());
  if (!spans.empty() && spans.back().partition.get() == p.get()) {
    spans.back().last = m->offset;
    return;
  }
  for (Span& s : spans) {
    if (s.partition.get() == p.get()) {
      s.last = m->offset;
      return;
    }
  }
  spans.push_back({p, m->offset, m->offset});
}

Result<InputBatch> KafkaInput::Reader::Finish() {
  RowBuilder& b = *rows;
  const int64_t n = b.rows;
  ColumnPtr values = b.values.Finish();
  std::vector<ColumnPtr> meta = {b.topics.Finish(), b.partitions.Finish(), b.offsets.Finish(),
                                 b.keys.Finish(),   b.timestamps.Finish(), b.ingest.Finish(),
                                 b.headers.Finish()};
  rows.reset();
  std::vector<Span> batch_spans = std::move(spans);
  spans.clear();
  // Drop the rows of partitions revoked meanwhile (they were never handed out).
  const bool filter = !revoked_in_batch.empty();
  std::vector<int64_t> keep;
  if (filter) {
    auto revoked = [&](const OffsetTracker::Partition* p) {
      return std::find(revoked_in_batch.begin(), revoked_in_batch.end(), p) !=
             revoked_in_batch.end();
    };
    for (int64_t i = 0; i < n; ++i) {
      if (!revoked(row_partition[i])) keep.push_back(i);
    }
    std::erase_if(batch_spans, [&](const Span& s) { return revoked(s.partition.get()); });
    revoked_in_batch.clear();
  }
  row_partition.clear();
  auto ack = std::make_shared<BatchAck>();
  ack->shared = input->shared_;
  for (const Span& s : batch_spans) {
    ack->tickets.push_back(shared().tracker.Add(s.partition, Offset(s.first), Offset(s.last)));
  }
  InputBatch out;
  out.ack = AckToken::Make([ack] { ack->Ack(); });
  Batch meta_batch(meta_schema, std::move(meta), n);
  if (filter) {
    if (keep.empty()) return out;  // every row belonged to a revoked partition
    values = TakeColumn(*values, keep);
    meta_batch = TakeRows(meta_batch, keep);
  }
  if (n == 0) return out;
  const int64_t rows_out = meta_batch.num_rows();
  if (decoder == nullptr) {
    std::vector<ColumnPtr> columns;
    columns.reserve(8);
    columns.push_back(std::move(values));
    for (const ColumnPtr& c : meta_batch.columns()) columns.push_back(c);
    out.batch = Batch(raw_schema, std::move(columns), rows_out);
    return out;
  }
  ARK_ASSIGN_OR_RETURN(DecodeResult decoded, decoder->DecodeMessages(*values));
  Batch rows_batch = decoded.batch;
  Batch meta_rows =
      decoded.source_index.empty() ? meta_batch : TakeRows(meta_batch, decoded.source_index);
  if (meta_rows.num_rows() != rows_batch.num_rows()) {
    return Status::Internal("kafka input: the codec returned {} rows for {} source indices",
                            rows_batch.num_rows(), meta_rows.num_rows());
  }
  for (int i = 0; i < meta_rows.num_columns(); ++i) {
    ARK_ASSIGN_OR_RETURN(rows_batch,
                         rows_batch.SetColumn(meta_rows.schema()->field(i), meta_rows.column(i)));
  }
  out.batch = std::move(rows_batch);
  if (!decoded.errors.empty()) {
    // Name where each rejected payload came from.
    for (RecordError& e : decoded.errors) {
      if (e.message_index >= 0 && e.message_index < rows_out) {
        e.message =
            fmt::format("{}[{}] offset {}: {}", meta_batch.column(0)->GetView(e.message_index),
                        meta_batch.column(1)->data<int32_t>()[e.message_index],
                        meta_batch.column(2)->data<int64_t>()[e.message_index], e.message);
      }
    }
    out.errors = MakeInputErrorBatch(decoded.errors, error_component);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

KafkaInput::KafkaInput(KafkaInputOptions options, ComponentContext ctx)
    : options_(std::move(options)),
      ctx_(std::move(ctx)),
      shared_(std::make_shared<Shared>()),
      reader_(std::make_unique<Reader>()) {
  if (options_.batch_size < 1) options_.batch_size = 1;
  reader_->input = this;
  reader_->error_component = InputErrorComponent(ctx_, "kafka");
  std::vector<Field> fields = {Field(std::string(kValueColumn), DataType::Binary())};
  for (const Field& f : reader_->meta_schema->fields()) fields.push_back(f);
  reader_->raw_schema = Schema::Make(std::move(fields));
}

KafkaInput::~KafkaInput() {
  Reader& r = *reader_;
  if (r.rk == nullptr) return;
  // Everything the pipeline still held was written or dropped by now (the stream has stopped);
  // wait anyway, bounded, for acknowledgements on their way.
  if (!shared_->tracker.WaitAllSettled(std::chrono::steady_clock::now() +
                                       options_.revoke_timeout)) {
    spdlog::warn(
        "kafka input: {} batch(es) still unacknowledged at shutdown; they will be "
        "delivered again",
        shared_->tracker.InFlight());
  }
  {
    std::lock_guard lock(shared_->commit_mu);
    shared_->CommitLocked(shared_->tracker.AllCommittable(), /*async=*/false);
  }
  // Leaves the group (the revoke callback commits nothing new) and stops acknowledgements from
  // committing through a destroyed handle.
  rd_kafka_resp_err_t err = rd_kafka_consumer_close(r.rk);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("kafka input: leaving the consumer group: {}", KafkaErrorText(err));
  }
  {
    std::lock_guard lock(shared_->commit_mu);
    shared_->rk = nullptr;
  }
  if (r.queue != nullptr) rd_kafka_queue_destroy(r.queue);
  rd_kafka_destroy(r.rk);
}

Status KafkaInput::Connect() {
  Reader& r = *reader_;
  if (r.rk != nullptr) return Status::OK();
  if (options_.codec) {
    ARK_ASSIGN_OR_RETURN(r.decoder, MakeCodecDecoder(*options_.codec, ctx_));
  }
  ARK_ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, NewKafkaConf(options_.settings, "kafka input"));
  rd_kafka_conf_set_opaque(conf, &r);
  rd_kafka_conf_set_rebalance_cb(conf, RebalanceCallback);
  rd_kafka_conf_set_offset_commit_cb(conf, CommitCallback);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument("kafka input: cannot create the consumer: {}", errstr);
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics =
      rd_kafka_topic_partition_list_new(static_cast<int>(options_.topics.size()));
  for (const std::string& t : options_.topics) {
    rd_kafka_topic_partition_list_add(topics, t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_destroy(rk);
    return Status::InvalidArgument("kafka input: cannot subscribe to {}: {}",
                                   fmt::join(options_.topics, ", "), KafkaErrorText(err));
  }
  r.rk = rk;
  std::lock_guard lock(shared_->commit_mu);
  shared_->rk = rk;
  return Status::OK();
}

Result<InputBatch> KafkaInput::Read(std::stop_token stop) {
  ARK_RETURN_IF_ERROR(Connect());
  Reader& r = *reader_;
  if (r.closed) return Status::Cancelled("kafka input closed");
  r.rows = std::make_unique<RowBuilder>();
  r.rows->values.Reserve(std::min<int64_t>(options_.batch_size, 65536));
  const auto linger = options_.linger;
  std::chrono::steady_clock::time_point deadline{};
  while (true) {
    if (shared_->recommit.exchange(false)) {
      std::lock_guard lock(shared_->commit_mu);
      shared_->CommitLocked(shared_->tracker.AllCommittable(), /*async=*/true);
    }
    if (!r.revoked_in_batch.empty()) break;  // a rebalance cut the batch short
    int timeout_ms = 100;
    if (r.rows->rows > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      timeout_ms = static_cast<int>(std::min<int64_t>(left.count(), 100));
    } else if (stop.stop_requested()) {
      r.rows.reset();
      return Status::Cancelled("kafka input stopped");
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(r.rk, timeout_ms);
    if (m == nullptr) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::string text = m->rkt != nullptr ? fmt::format("{}[{}]: {}", rd_kafka_topic_name(m->rkt),
                                                         m->partition, rd_kafka_message_errstr(m))
                                           : std::string(rd_kafka_message_errstr(m));
      rd_kafka_resp_err_t err = m->err;
      rd_kafka_message_destroy(m);
      if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      char fatal[512];
      if (rd_kafka_fatal_error(r.rk, fatal, sizeof(fatal)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return Status::Internal("kafka input: fatal consumer error: {}", fatal);
      }
      spdlog::warn("kafka input: {}", text);
      continue;
    }
    OffsetTracker::PartitionPtr p = r.Lookup(m);
    if (p != nullptr) {
      r.Append(m, p);
      if (r.rows->rows == 1) deadline = std::chrono::steady_clock::now() + linger;
    }
    rd_kafka_message_destroy(m);
    if (r.rows->rows >= options_.batch_size || r.rows->values.data_size() >= kMaxRawBatchBytes) {
      break;
    }
  }
  return r.Finish();
}

Status KafkaInput::Close() {
  // The consumer stays in the group until the destructor, so that the batches still in the
  // pipeline can be acknowledged and committed.
  reader_->closed = true;
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------

namespace {

ConfigSpec KafkaInputSpec() {
  ConfigSpec spec(
      "Consumes Kafka topics in a consumer group, in batches. Without a codec each message is a "
      "row of `__value__` (binary) and the metadata columns `__meta_source` (the topic), "
      "`__meta_partition`, `__meta_offset`, `__meta_key`, `__meta_timestamp`, "
      "`__meta_ingest_time` and `__meta_headers` (list of {key, value}); with a codec the "
      "payloads are decoded and the metadata columns are added to the decoded rows. Offsets are "
      "committed only for batches every output has written, in order per partition, also across "
      "rebalances (at-least-once).");
  spec.StringList("brokers", "Bootstrap broker addresses (host:port).").Required().Min(1);
  spec.StringList("topics",
                  "Topics to subscribe to; a name starting with '^' is a regular expression "
                  "matched against the cluster's topics (new matches are picked up).")
      .Required()
      .Min(1);
  spec.String("consumer_group", "Consumer group id (group.id).").Required();
  spec.String("client_id", "Client id shown in broker logs and metrics (client.id).");
  spec.Bool("start_from_latest",
            "Where a partition without a committed offset starts: true = the end (only new "
            "messages), false = the beginning (auto.offset.reset). Committed offsets always win.")
      .Default("false");
  spec.Int("fetch_min_bytes", "fetch.min.bytes: least data a fetch response waits for.").Min(1);
  spec.Int("fetch_max_bytes", "fetch.max.bytes: most data per fetch response.").Min(1);
  spec.Int("fetch_max_partition_bytes",
           "max.partition.fetch.bytes: most data per partition per fetch.")
      .Min(1);
  spec.Int("fetch_wait_max_ms", "fetch.wait.max.ms: longest a broker holds a fetch.").Min(0);
  spec.StringMap("properties",
                 "librdkafka consumer properties, passed as given (security.protocol, "
                 "sasl.mechanisms, sasl.username, ssl.ca.location, "
                 "partition.assignment.strategy, ...). enable.auto.commit, "
                 "enable.auto.offset.store, group.id and bootstrap.servers are managed by the "
                 "input.");
  spec.Int("batch_size", "Most messages per batch.").Default("8192").Min(1);
  spec.Duration("linger",
                "Longest wait for more messages once a batch has its first one; a batch ends "
                "at batch_size messages, 64 MiB of payload or this wait.")
      .Default("5ms");
  spec.Duration("revoke_timeout",
                "On a rebalance (and at shutdown), the longest wait for the batches in flight "
                "from the partitions given up before their offsets are committed; what is "
                "still unacknowledged then is delivered again by the next owner.")
      .Default("30s");
  AddCodecOption(spec,
                 "Decodes each message payload ({type: json|csv|arrow, ...}); unset: raw rows.");
  return spec;
}

Result<std::unique_ptr<Input>> MakeKafkaInput(const ComponentConfig& cfg,
                                              const ComponentContext& ctx) {
  KafkaInputOptions o;
  ARK_ASSIGN_OR_RETURN(std::string bootstrap, KafkaBootstrap(cfg));
  std::string group = cfg.GetString("consumer_group");
  if (group.empty())
    return cfg.NodeOf("consumer_group").Error("`consumer_group` must not be empty");
  o.topics = cfg.GetStringList("topics");
  for (const std::string& t : o.topics) {
    if (t.empty()) return cfg.NodeOf("topics").Error("a topic name must not be empty");
  }
  KafkaSettings& s = o.settings;
  s.emplace_back("bootstrap.servers", bootstrap);
  s.emplace_back("group.id", group);
  if (cfg.Has("client_id")) s.emplace_back("client.id", cfg.GetString("client_id"));
  s.emplace_back("enable.auto.commit", "false");
  s.emplace_back("enable.auto.offset.store", "false");
  s.emplace_back("auto.offset.reset", cfg.GetBool("start_from_latest") ? "latest" : "earliest");
  if (cfg.Has("fetch_min_bytes")) {
    s.emplace_back("fetch.min.bytes", std::to_string(cfg.GetInt("fetch_min_bytes")));
  }
  if (cfg.Has("fetch_max_bytes")) {
    s.emplace_back("fetch.max.bytes", std::to_string(cfg.GetInt("fetch_max_bytes")));
  }
  if (cfg.Has("fetch_max_partition_bytes")) {
    s.emplace_back("max.partition.fetch.bytes",
                   std::to_string(cfg.GetInt("fetch_max_partition_bytes")));
  }
  if (cfg.Has("fetch_wait_max_ms")) {
    s.emplace_back("fetch.wait.max.ms", std::to_string(cfg.GetInt("fetch_wait_max_ms")));
  }
  const std::map<std::string, std::string> reserved = {
      {"enable.auto.commit", "the input commits the offsets of acknowledged batches itself"},
      {"enable.auto.offset.store", "the input commits the offsets of acknowledged batches itself"},
      {"group.id", "use `consumer_group`"},
      {"bootstrap.servers", "use `brokers`"},
      {"metadata.broker.list", "use `brokers`"},
  };
  ARK_RETURN_IF_ERROR(AddKafkaProperties(cfg, reserved, &s));
  o.batch_size = cfg.GetInt("batch_size");
  o.linger = cfg.GetDuration("linger");
  o.revoke_timeout = cfg.GetDuration("revoke_timeout");
  if (const ConfigValue* codec = CodecNode(cfg)) {
    o.codec = *codec;
    ARK_RETURN_IF_ERROR(MakeCodecDecoder(*codec, ctx).status());
  }
  // Refuse bad properties now, with the option's position, rather than at the first connect.
  Result<rd_kafka_conf_t*> conf = NewKafkaConf(o.settings, "kafka input");
  if (!conf.ok()) return cfg.NodeOf("properties").Error(conf.status().message());
  rd_kafka_conf_destroy(*conf);
  return std::make_unique<KafkaInput>(std::move(o), ctx);
}

}  // namespace

void RegisterKafkaInput(Registry& registry) {
  registry.AddInput({.name = "kafka",
                     .summary = "Consumes Kafka topics in a consumer group (at-least-once).",
                     .spec = KafkaInputSpec(),
                     .example = "input:\n  type: kafka\n  brokers: [localhost:9092]\n"
                                "  topics: [events]\n  consumer_group: arkflow\n"},
                    MakeKafkaInput);
}

}  // namespace ark
