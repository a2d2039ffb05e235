// The mqtt connector without a broker: topic validation, options and their errors, and what
// connecting to a closed port reports. The traffic itself (ack after output, reconnects, TLS,
// authentication, wildcards) is tested against a real mosquitto in tests/integration/mqtt.
#include <gtest/gtest.h>
#include <mqtt_protocol.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/yaml_loader.h"
#include "connectors/connectors.h"
#include "connectors/mqtt/mqtt_connection.h"
#include "connectors/mqtt/mqtt_topic.h"
#include "core/batch.h"
#include "core/column_builder.h"

namespace ark {
namespace {

TEST(MqttTopicTest, SubscriptionFilters) {
  for (const char* ok : {"a", "a/b", "+", "#", "a/+/c", "a/#", "+/+/#", "/leading", "a//b"}) {
    EXPECT_TRUE(CheckSubscriptionFilter(ok).ok()) << ok;
  }
  EXPECT_EQ(CheckSubscriptionFilter("a/#/c").message(),
            "topic filter 'a/#/c' has '#' before the last level");
  EXPECT_EQ(CheckSubscriptionFilter("a/b+").message(),
            "topic filter 'a/b+' has a wildcard '+' that does not fill a whole level (in 'b+')");
  EXPECT_EQ(CheckSubscriptionFilter("a#").message(),
            "topic filter 'a#' has a wildcard '#' that does not fill a whole level (in 'a#')");
  EXPECT_EQ(CheckSubscriptionFilter("").message(), "topic filter '' is empty");
  EXPECT_EQ(CheckSubscriptionFilter("bad\xff").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckSubscriptionFilter("bad\xff").message(),
            "topic filter 'bad\xff' is not valid UTF-8");
}

TEST(MqttTopicTest, PublishTopics) {
  EXPECT_TRUE(CheckPublishTopic("sensors/kitchen/temp").ok());
  EXPECT_EQ(CheckPublishTopic("sensors/#").message(),
            "topic 'sensors/#' contains the wildcard '#' (wildcards are for subscriptions; "
            "publish to a concrete topic)");
  EXPECT_EQ(CheckPublishTopic("a/+/b").message(),
            "topic 'a/+/b' contains the wildcard '+' (wildcards are for subscriptions; publish "
            "to a concrete topic)");
}

class MqttConfigTest : public ::testing::Test {
 protected:
  MqttConfigTest() {
    RegisterConnectors(registry_);
    ctx_.stream_id = "stream-0";
    ctx_.label = "input";
    ctx_.registry = &registry_;
  }
  ConfigValue Yaml(std::string_view text) {
    auto v = LoadYamlString(text, "test.yaml");
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ConfigValue();
  }
  Status InputError(std::string_view yaml) {
    auto in = registry_.MakeInput(Yaml(yaml), ctx_);
    return in.ok() ? Status::OK() : in.status();
  }
  Status OutputError(std::string_view yaml) {
    auto out = registry_.MakeOutput(Yaml(yaml), ctx_);
    return out.ok() ? Status::OK() : out.status();
  }

  // What Connect says for the input and the output (in that order) with the connection options
  // `common`; both are closed again.
  std::vector<Status> ConnectBoth(const std::string& common) {
    std::vector<Status> got;
    auto connect = [&](auto made) {
      EXPECT_TRUE(made.ok()) << made.status().ToString();
      if (!made.ok()) return;
      got.push_back((*made)->Connect());
      EXPECT_TRUE((*made)->Close().ok());
    };
    ctx_.label = "input";
    connect(registry_.MakeInput(Yaml("type: mqtt\n" + common + "topics: [t]\n"), ctx_));
    ctx_.label = "output";
    connect(registry_.MakeOutput(Yaml("type: mqtt\n" + common + "topic: t\n"), ctx_));
    return got;
  }

  Registry registry_;
  ComponentContext ctx_;
};

TEST_F(MqttConfigTest, ArkFlowInputOptionsBuild) {
  EXPECT_TRUE(InputError("type: mqtt\nhost: localhost\nport: 1883\nclient_id: my_client\n"
                         "username: user\npassword: pass\ntopics: [sensors/temperature, "
                         "sensors/humidity]\nqos: 1\nclean_session: true\nkeep_alive: 60\n")
                  .ok());
}

TEST_F(MqttConfigTest, InvalidFilterNamesTheItem) {
  Status st = InputError(
      "type: mqtt\nhost: localhost\nport: 1883\nclient_id: c\ntopics: [ok/#, bad/#/x]\n");
  EXPECT_EQ(st.code(), StatusCode::kConfigError);
  EXPECT_EQ(st.message(),
            "test.yaml:5:9: topics: topics[1]: topic filter 'bad/#/x' has '#' before the last "
            "level");
}

TEST_F(MqttConfigTest, PasswordNeedsUsername) {
  Status st =
      InputError("type: mqtt\nhost: h\nport: 1883\nclient_id: c\npassword: p\ntopics: [t]\n");
  EXPECT_EQ(st.message(),
            "test.yaml:5:11: password: is set without `username` (MQTT 3.1.1 sends a password "
            "only with a user name)");
}

TEST_F(MqttConfigTest, QosIsBounded) {
  Status st = InputError("type: mqtt\nhost: h\nport: 1883\nclient_id: c\ntopics: [t]\nqos: 3\n");
  EXPECT_EQ(st.code(), StatusCode::kConfigError);
  EXPECT_NE(st.message().find("qos"), std::string::npos) << st.message();
}

TEST_F(MqttConfigTest, ProtocolAndReceiveMaximum) {
  const std::string base = "type: mqtt\nhost: h\nport: 1883\nclient_id: c\ntopics: [t]\n";
  EXPECT_TRUE(InputError(base + "protocol: \"3.1.1\"\nreceive_maximum: 20\n").ok());
  EXPECT_TRUE(InputError(base + "protocol: \"5\"\nreceive_maximum: 65535\n").ok());
  Status st = InputError(base + "protocol: \"4\"\n");
  EXPECT_EQ(st.code(), StatusCode::kConfigError);
  EXPECT_NE(st.message().find("protocol"), std::string::npos) << st.message();
  st = InputError(base + "receive_maximum: 0\n");
  EXPECT_EQ(st.code(), StatusCode::kConfigError);
  EXPECT_NE(st.message().find("receive_maximum"), std::string::npos) << st.message();
  st = InputError(base + "receive_maximum: 65536\n");
  EXPECT_EQ(st.code(), StatusCode::kConfigError);
  EXPECT_NE(st.message().find("receive_maximum"), std::string::npos) << st.message();
}

// CONNACK refusals of MQTT 3.1.1 (return codes 1-5) and MQTT 5 (reason codes >= 128).
TEST(MqttConnackTest, RefusalsMapToStatus) {
  const std::string what = "mqtt input (mqtt://h:1883)";
  Status st = ConnackStatus(5, what, "mqtt://h:1883");
  EXPECT_EQ(st.code(), StatusCode::kConfigError);
  EXPECT_EQ(st.message(), what +
                              ": the broker at mqtt://h:1883 refused the connection: Connection "
                              "Refused: not authorised. (CONNACK code 5); check `username` and "
                              "`password`");
  st = ConnackStatus(MQTT_RC_NOT_AUTHORIZED, what, "mqtt://h:1883");
  EXPECT_EQ(st.code(), StatusCode::kConfigError);
  EXPECT_EQ(st.message(), what +
                              ": the broker at mqtt://h:1883 refused the connection: Not "
                              "authorized (CONNACK reason code 135); check `username` and "
                              "`password`");
  EXPECT_EQ(ConnackStatus(3, what, "mqtt://h:1883").code(), StatusCode::kUnavailable);
  EXPECT_EQ(ConnackStatus(MQTT_RC_SERVER_BUSY, what, "mqtt://h:1883").code(),
            StatusCode::kUnavailable);
  st = ConnackStatus(MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION, what, "mqtt://h:1883");
  EXPECT_EQ(st.code(), StatusCode::kConfigError);
  EXPECT_NE(st.message().find("set `protocol: \"3.1.1\"`"), std::string::npos) << st.message();
  st = ConnackStatus(1, what, "mqtt://h:1883");
  EXPECT_NE(st.message().find("set `protocol: \"3.1.1\"`"), std::string::npos) << st.message();
}

TEST_F(MqttConfigTest, MissingTlsFileIsReported) {
  Status st = InputError(
      "type: mqtt\nhost: h\nport: 8883\nclient_id: c\ntopics: [t]\n"
      "tls: {ca_file: /nonexistent/ca.crt}\n");
  EXPECT_EQ(st.message(), "test.yaml:6:16: tls.ca_file: file /nonexistent/ca.crt does not exist");
}

TEST_F(MqttConfigTest, OutputTopicForms) {
  const std::string base = "type: mqtt\nhost: h\nport: 1883\nclient_id: c\n";
  EXPECT_TRUE(OutputError(base + "topic: {type: value, value: out/t}\nqos: 2\nretain: true\n"
                                 "value_field: message\n")
                  .ok());
  EXPECT_TRUE(OutputError(base + "topic: out/t\n").ok());
  EXPECT_EQ(OutputError(base + "topic: out/#\n").message(),
            "test.yaml:5:8: topic: topic 'out/#' contains the wildcard '#' (wildcards are for "
            "subscriptions; publish to a concrete topic)");
  EXPECT_TRUE(OutputError(base + "topic: {type: expr, expr: \"concat('s/', id)\"}\n").ok());
  EXPECT_EQ(OutputError(base + "topic: {type: expr}\n").message(),
            "test.yaml:5:8: topic: `type: expr` needs `expr: <SQL expression>`");
  EXPECT_EQ(OutputError(base + "topic: {type: value}\n").message(),
            "test.yaml:5:8: topic: `type: value` needs `value: <topic>`");
}

// A TCP socket bound to a free loopback port; *port receives the port.
int BoundSocket(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

// A port nobody listens on.
int ClosedPort() {
  int port = 0;
  close(BoundSocket(&port));
  return port;
}

TEST_F(MqttConfigTest, UnreachableBrokerIsRetryable) {
  const int port = ClosedPort();
  std::vector<Status> st =
      ConnectBoth(fmt::format("host: 127.0.0.1\nport: {}\nclient_id: c\n", port));
  ASSERT_EQ(st.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(st[i].code(), StatusCode::kUnavailable);
    EXPECT_EQ(st[i].message(), fmt::format("mqtt {0} (mqtt://127.0.0.1:{1}): connecting to "
                                           "mqtt://127.0.0.1:{1}: Connection refused",
                                           i == 0 ? "input" : "output", port));
  }
}

// A peer that takes the TCP connection and never answers the CONNECT (the kernel accepts into
// the listen backlog): the attempt ends at connect_timeout, as retryable.
TEST_F(MqttConfigTest, SilentBrokerTimesOut) {
  int port = 0;
  const int fd = BoundSocket(&port);
  ASSERT_EQ(listen(fd, 8), 0);
  std::vector<Status> st = ConnectBoth(
      fmt::format("host: 127.0.0.1\nport: {}\nclient_id: c\nconnect_timeout: 200ms\n", port));
  ASSERT_EQ(st.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(st[i].code(), StatusCode::kUnavailable);
    EXPECT_EQ(st[i].message(), fmt::format("mqtt {0} (mqtt://127.0.0.1:{1}): mqtt://127.0.0.1:{1} "
                                           "did not answer within 200ms",
                                           i == 0 ? "input" : "output", port));
  }
  close(fd);
}

// A topic expression is evaluated per row before anything is published (or a broker is needed):
// a NULL or invalid topic rejects the whole batch for good (InvalidArgument → error_output),
// naming the row; an expression that does not bind is rejected the same way.
TEST_F(MqttConfigTest, TopicExpressionRejectsBadRows) {
  int port = ClosedPort();
  ctx_.label = "output";
  auto make = [&](std::string_view expr) {
    auto out = registry_.MakeOutput(
        Yaml(fmt::format("type: mqtt\nhost: 127.0.0.1\nport: {}\nclient_id: c\n"
                         "value_field: v\ntopic: {{type: expr, expr: \"{}\"}}\n",
                         port, expr)),
        ctx_);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return std::move(out).value();
  };
  StringBuilder ids;
  ids.Append("a");
  ids.AppendNull();
  ids.Append("c/#");
  StringBuilder values;
  for (const char* v : {"1", "2", "3"}) values.Append(v);
  SchemaPtr schema =
      Schema::Make({Field("id", DataType::String()), Field("v", DataType::String())});
  auto full = Batch::Make(schema, {ids.Finish(), values.Finish()});
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  const std::string what = fmt::format("mqtt output (mqtt://127.0.0.1:{})", port);

  auto out = make("concat('s/', id)");  // concat skips NULLs: row 1 is 's/'; row 2 is 's/c/#'
  Status st = out->Write(*full);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            what +
                ": row 2: the topic expression \"concat('s/', id)\" gave an invalid topic: "
                "topic 's/c/#' contains the wildcard '#' (wildcards are for subscriptions; "
                "publish to a concrete topic)");

  out = make("'s/' || id");  // || is NULL for a NULL operand
  st = out->Write(*full);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), what + ": row 1: the topic expression \"'s/' || id\" is NULL");

  // Valid topics on every row: the batch gets as far as connecting (nobody listens: retryable).
  st = out->Write(full->Slice(0, 1));
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();

  out = make("'s/' || missing");
  st = out->Write(*full);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message().rfind(what + ": topic expression: ", 0), 0u) << st.message();
  EXPECT_NE(st.message().find("missing"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace ark
