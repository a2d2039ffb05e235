// The kafka input and output through the registry: option errors, and the input's commits against
// librdkafka's mock cluster (a Kafka-protocol broker in this process), read back with an
// independent consumer's rd_kafka_committed().
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
// rdkafka_mock.h requires rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>

#include <thread>

#include "config/yaml_loader.h"
#include "connectors/connectors.h"
#include "core/raw_message.h"

namespace ark {
namespace {

class KafkaConnectorTest : public ::testing::Test {
 protected:
  KafkaConnectorTest() {
    RegisterConnectors(registry_);
    ctx_.stream_id = "stream-0";
    ctx_.label = "input";
    ctx_.registry = &registry_;
  }
  ~KafkaConnectorTest() override {
    if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
    if (host_ != nullptr) rd_kafka_destroy(host_);
  }

  ConfigValue Yaml(std::string_view text) {
    auto v = LoadYamlString(text, "test.yaml");
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ConfigValue();
  }

  std::string InputError(std::string_view yaml) {
    auto r = registry_.MakeInput(Yaml(yaml), ctx_);
    return r.ok() ? "ok" : r.status().message();
  }
  std::string OutputError(std::string_view yaml) {
    auto r = registry_.MakeOutput(Yaml(yaml), ctx_);
    return r.ok() ? "ok" : r.status().message();
  }

  // Starts a mock cluster with `topic` of `partitions` partitions holding `count` messages
  // "m<i>"; returns the bootstrap address.
  std::string StartCluster(const char* topic, int partitions, int count) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
    host_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    cluster_ = rd_kafka_mock_cluster_new(host_, 1);
    rd_kafka_mock_topic_create(cluster_, topic, partitions, 1);
    std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster_);
    conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err));
    rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    for (int i = 0; i < count; ++i) {
      std::string v = "m" + std::to_string(i);
      rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(i % partitions),
                        RD_KAFKA_V_VALUE(v.data(), v.size()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    }
    rd_kafka_flush(p, 10000);
    rd_kafka_destroy(p);
    return bootstrap;
  }

  // The group's committed offset of topic[partition] (-1001: none).
  int64_t Committed(const std::string& bootstrap, const char* group, const char* topic,
                    int partition) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err));
    rd_kafka_conf_set(conf, "group.id", group, err, sizeof(err));
    rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, topic, partition);
    rd_kafka_committed(c, l, 10000);
    int64_t off = l->elems[0].offset;
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(c);
    return off;
  }

  Registry registry_;
  ComponentContext ctx_;
  rd_kafka_t* host_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

TEST_F(KafkaConnectorTest, RefusesOptionsTheInputManages) {
  EXPECT_EQ(InputError("type: kafka\nbrokers: [a:1]\ntopics: [t]\nconsumer_group: g\n"
                       "properties:\n  enable.auto.commit: 'true'\n"),
            "test.yaml:6:3: properties: property \"enable.auto.commit\" cannot be set "
            "here: the input commits the offsets of acknowledged batches itself");
  EXPECT_NE(InputError("type: kafka\nbrokers: [a:1]\ntopics: [t]\nconsumer_group: g\n"
                       "properties:\n  no.such.property: x\n")
                .find("librdkafka property \"no.such.property\" = \"x\": No such configuration "
                      "property"),
            std::string::npos);
  EXPECT_EQ(InputError("type: kafka\nbrokers: [a:1]\ntopics: [t]\nconsumer_group: g\n"), "ok");
}

TEST_F(KafkaConnectorTest, OutputOptionErrors) {
  EXPECT_EQ(OutputError("type: kafka\nbrokers: [a:1]\ntopic: {type: value, value: t}\n"), "ok");
  EXPECT_NE(OutputError("type: kafka\nbrokers: [a:1]\ntopic: {type: sql, expr: x}\n")
                .find("unknown type \"sql\"; expected value or expr"),
            std::string::npos);
  EXPECT_NE(OutputError("type: kafka\nbrokers: [a:1]\ntopic: t\nacks: '1'\n")
                .find("acks: 1 needs `idempotence: false`"),
            std::string::npos);
  EXPECT_EQ(OutputError("type: kafka\nbrokers: [a:1]\ntopic: t\nacks: '1'\nidempotence: false\n"),
            "ok");
  EXPECT_NE(OutputError("type: kafka\nbrokers: [a:1]\ntopic: t\npartition: -1\n")
                .find("expected a partition number (0 or more), got \"-1\""),
            std::string::npos);
  EXPECT_NE(OutputError("type: kafka\nbrokers: [a:1]\ntopic: t\nexactly_once: true\n")
                .find("not supported yet"),
            std::string::npos);
}

// Batches acknowledged out of order commit only the acknowledged prefix; the commit is visible
// to another client of the group.
TEST_F(KafkaConnectorTest, CommitsOnlyAcknowledgedPrefixes) {
  std::string bootstrap = StartCluster("t", 1, 30);
  auto input = registry_.MakeInput(Yaml("type: kafka\nbrokers: [\"" + bootstrap +
                                        "\"]\ntopics: [t]\nconsumer_group: g\n"
                                        "batch_size: 10\nlinger: 1s\n"),
                                   ctx_);
  ASSERT_TRUE(input.ok()) << input.status().ToString();
  ASSERT_TRUE((*input)->Connect().ok());
  std::stop_source stop;
  std::vector<InputBatch> batches;
  int64_t rows = 0;
  while (rows < 30) {
    auto b = (*input)->Read(stop.get_token());
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    rows += b->batch.num_rows();
    if (b->batch.num_rows() > 0) batches.push_back(std::move(*b));
  }
  ASSERT_EQ(batches.size(), 3u);
  const Batch& first = batches[0].batch;
  EXPECT_EQ(first.schema()->ToString(),
            "__value__: binary, __meta_source: string, __meta_partition: int32, __meta_offset: "
            "int64, __meta_key: binary, __meta_timestamp: timestamp, __meta_ingest_time: "
            "timestamp, __meta_headers: list<struct<key: string, value: binary>>");
  EXPECT_EQ(first.column(0)->GetView(0), "m0");
  EXPECT_EQ(first.column(1)->GetView(9), "t");
  EXPECT_EQ(first.column(3)->data<int64_t>()[9], 9);
  EXPECT_TRUE(first.column(4)->IsNull(0));
  batches[1].ack.Done();  // offsets 10..19: waits for the first batch
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Committed(bootstrap, "g", "t", 0), RD_KAFKA_OFFSET_INVALID);
  batches[0].ack.Done();  // 0..19 written
  int64_t committed = -1;
  for (int i = 0; i < 100 && committed != 20; ++i) {
    committed = Committed(bootstrap, "g", "t", 0);
    if (committed != 20) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(committed, 20);
  batches.clear();  // the third batch is dropped unwritten: never committed
  ASSERT_TRUE((*input)->Close().ok());
  input->reset();
  EXPECT_EQ(Committed(bootstrap, "g", "t", 0), 20);
}

}  // namespace
}  // namespace ark
