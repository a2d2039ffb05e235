// The MQTT packet codec: exact bytes of what the client encodes (checked against the MQTT 3.1.1
// and 5.0 specifications' layouts), packets decoded from exact bytes, incomplete input, and
// malformed packets reported with their type and offset.
#include "connectors/mqtt/mqtt_codec.h"

#include <gtest/gtest.h>

namespace ark::mqtt {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

std::string VarIntBytes(uint32_t v) {
  std::string s;
  AppendVarInt(v, &s);
  return s;
}

TEST(MqttCodecTest, VariableByteIntegers) {
  // The boundaries from MQTT 5 §1.5.5.
  EXPECT_EQ(VarIntBytes(0), Bytes({0x00}));
  EXPECT_EQ(VarIntBytes(127), Bytes({0x7f}));
  EXPECT_EQ(VarIntBytes(128), Bytes({0x80, 0x01}));
  EXPECT_EQ(VarIntBytes(16383), Bytes({0xff, 0x7f}));
  EXPECT_EQ(VarIntBytes(16384), Bytes({0x80, 0x80, 0x01}));
  EXPECT_EQ(VarIntBytes(2097151), Bytes({0xff, 0xff, 0x7f}));
  EXPECT_EQ(VarIntBytes(2097152), Bytes({0x80, 0x80, 0x80, 0x01}));
  EXPECT_EQ(VarIntBytes(268435455), Bytes({0xff, 0xff, 0xff, 0x7f}));
  for (uint32_t v : {0u, 1u, 127u, 128u, 300u, 16384u, 268435455u}) {
    auto d = DecodeVarInt(VarIntBytes(v) + "tail");
    ASSERT_TRUE(d.ok() && d->has_value()) << v;
    EXPECT_EQ((*d)->value, v);
    EXPECT_EQ((*d)->size, VarIntBytes(v).size());
  }
  auto incomplete = DecodeVarInt(Bytes({0x80, 0x80}));
  ASSERT_TRUE(incomplete.ok());
  EXPECT_FALSE(incomplete->has_value());
  auto too_long = DecodeVarInt(Bytes({0x80, 0x80, 0x80, 0x80, 0x01}));
  EXPECT_EQ(too_long.status().code(), StatusCode::kParseError);
  EXPECT_EQ(too_long.status().message(), "variable byte integer longer than 4 bytes");
}

TEST(MqttCodecTest, ConnectV5) {
  ConnectOptions o;
  o.version = Version::k5;
  o.client_id = "ab";
  o.username = "u";
  o.password = "pw";
  o.keep_alive_s = 60;
  o.clean_start = false;
  o.session_expiry_interval = 0xffffffff;
  o.receive_maximum = 1000;
  std::string out;
  EncodeConnect(o, &out);
  EXPECT_EQ(out, Bytes({0x10, 30,                                 // CONNECT, remaining length
                        0x00, 0x04, 'M',  'Q',  'T',  'T', 0x05,  // protocol name, level 5
                        0xc0,                                     // user name, password
                        0x00, 0x3c,                               // keep alive 60
                        0x08,                                     // properties: 8 bytes
                        0x11, 0xff, 0xff, 0xff, 0xff,             // session expiry
                        0x21, 0x03, 0xe8,                         // receive maximum 1000
                        0x00, 0x02, 'a',  'b',                    // client id
                        0x00, 0x01, 'u',                          // user name
                        0x00, 0x02, 'p',  'w'}));                 // password
}

TEST(MqttCodecTest, ConnectV311) {
  ConnectOptions o;
  o.version = Version::k311;
  o.client_id = "c";
  o.keep_alive_s = 5;
  o.clean_start = true;
  // Properties do not exist in 3.1.1: ignored.
  o.receive_maximum = 10;
  std::string out;
  EncodeConnect(o, &out);
  EXPECT_EQ(out, Bytes({0x10, 13, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x05, 0x00,
                        0x01, 'c'}));
}

TEST(MqttCodecTest, Subscribe) {
  const std::vector<std::string> filters = {"a/#", "b/+"};
  std::string v5;
  EncodeSubscribe(Version::k5, 7, filters, 1, &v5);
  EXPECT_EQ(v5, Bytes({0x82, 15, 0x00, 0x07, 0x00,  // packet id 7, no properties
                       0x00, 0x03, 'a', '/', '#', 0x01, 0x00, 0x03, 'b', '/', '+', 0x01}));
  std::string v311;
  EncodeSubscribe(Version::k311, 0x0102, filters, 2, &v311);
  EXPECT_EQ(v311, Bytes({0x82, 14, 0x01, 0x02, 0x00, 0x03, 'a', '/', '#', 0x02, 0x00, 0x03, 'b',
                         '/', '+', 0x02}));
}

TEST(MqttCodecTest, AcknowledgementsPingDisconnect) {
  std::string out;
  EncodeAck(PacketType::kPuback, 0x1234, &out);
  EncodeAck(PacketType::kPubrec, 1, &out);
  EncodeAck(PacketType::kPubrel, 2, &out);
  EncodeAck(PacketType::kPubcomp, 0xffff, &out);
  EncodePingreq(&out);
  EncodeDisconnect(&out);
  EXPECT_EQ(out, Bytes({0x40, 0x02, 0x12, 0x34, 0x50, 0x02, 0x00, 0x01, 0x62, 0x02,
                        0x00, 0x02, 0x70, 0x02, 0xff, 0xff, 0xc0, 0x00, 0xe0, 0x00}));
}

Packet Decode(std::string_view bytes, Version version) {
  size_t size = 0;
  auto p = DecodePacket(bytes, version, &size);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok() || !p->has_value()) {
    ADD_FAILURE() << "incomplete";
    return Packet();
  }
  EXPECT_EQ(size, bytes.size());
  return **p;
}

Status DecodeError(std::string_view bytes, Version version) {
  size_t size = 0;
  auto p = DecodePacket(bytes, version, &size);
  if (p.ok()) return Status::OK();
  EXPECT_EQ(p.status().code(), StatusCode::kParseError);
  return p.status();
}

TEST(MqttCodecTest, ConnackV5WithProperties) {
  const std::string bytes = Bytes({0x20, 16, 0x01, 0x00, 13,  // session present, success, 13 bytes
                                   0x21, 0x00, 0x14,          // receive maximum 20
                                   0x13, 0x00, 0x1e,          // server keep alive 30
                                   0x1f, 0x00, 0x02, 'o', 'k',  // reason string
                                   0x25, 0x01});                // retain available (skipped)
  Packet p = Decode(bytes, Version::k5);
  EXPECT_EQ(p.type, PacketType::kConnack);
  EXPECT_TRUE(p.session_present);
  EXPECT_EQ(p.reason_code, 0);
  EXPECT_EQ(p.properties.receive_maximum, 20);
  EXPECT_EQ(p.properties.server_keep_alive, 30);
  EXPECT_EQ(p.properties.reason_string, "ok");
}

TEST(MqttCodecTest, ConnackRefusals) {
  Packet v311 = Decode(Bytes({0x20, 0x02, 0x00, 0x05}), Version::k311);
  EXPECT_FALSE(v311.session_present);
  EXPECT_EQ(v311.reason_code, 5);
  // A 3.1.1 broker answers an MQTT 5 CONNECT with a 3.1.1 CONNACK (no properties).
  Packet old = Decode(Bytes({0x20, 0x02, 0x00, 0x01}), Version::k5);
  EXPECT_EQ(old.reason_code, 1);
  Packet v5 = Decode(Bytes({0x20, 0x03, 0x00, 0x87, 0x00}), Version::k5);
  EXPECT_EQ(v5.reason_code, 0x87);
}

TEST(MqttCodecTest, PublishQos1V5) {
  const std::string bytes = Bytes({0x3b, 17,                   // PUBLISH, dup, qos 1, retain
                                   0x00, 0x03, 'a', '/', 'b',  // topic
                                   0x00, 0x2a,                 // packet id 42
                                   0x05, 0x01, 0x01,           // payload format indicator
                                   0x0b, 0x81, 0x01,           // subscription id 129
                                   'h', 'e', 'y', '!'});
  Packet p = Decode(bytes, Version::k5);
  EXPECT_EQ(p.type, PacketType::kPublish);
  EXPECT_EQ(p.publish.topic, "a/b");
  EXPECT_EQ(p.publish.payload, "hey!");
  EXPECT_EQ(p.publish.qos, 1);
  EXPECT_TRUE(p.publish.dup);
  EXPECT_TRUE(p.publish.retain);
  EXPECT_EQ(p.publish.packet_id, 42);
  EXPECT_EQ(p.packet_id, 42);
}

TEST(MqttCodecTest, PublishQos0V311AndEmptyPayload) {
  Packet p = Decode(Bytes({0x30, 0x05, 0x00, 0x01, 't', 'x', 'y'}), Version::k311);
  EXPECT_EQ(p.publish.topic, "t");
  EXPECT_EQ(p.publish.payload, "xy");
  EXPECT_EQ(p.publish.qos, 0);
  Packet empty = Decode(Bytes({0x34, 0x06, 0x00, 0x01, 't', 0x00, 0x09, 0x00}), Version::k5);
  EXPECT_EQ(empty.publish.qos, 2);
  EXPECT_EQ(empty.publish.packet_id, 9);
  EXPECT_EQ(empty.publish.payload, "");
}

TEST(MqttCodecTest, PublishRoundTripWithLongPayload) {
  for (Version v : {Version::k311, Version::k5}) {
    const std::string payload(200000, 'p');
    Publish in{.topic = "sensors/x", .payload = payload, .qos = 2, .packet_id = 65535};
    std::string bytes;
    EncodePublish(v, in, &bytes);
    Packet out = Decode(bytes, v);
    EXPECT_EQ(out.publish.topic, "sensors/x");
    EXPECT_EQ(out.publish.payload, payload);
    EXPECT_EQ(out.publish.qos, 2);
    EXPECT_EQ(out.publish.packet_id, 65535);
  }
}

// The size a broker's Maximum Packet Size compares with is exactly what EncodePublish writes, for
// remaining lengths of each varint width (1, 2, 3 and 4 bytes).
TEST(MqttCodecTest, PublishPacketSizeIsWhatIsEncoded) {
  for (Version v : {Version::k311, Version::k5}) {
    for (size_t payload_size : {0, 100, 127, 200, 16383, 20000, 2097151, 2100000}) {
      const std::string payload(payload_size, 'p');
      Publish p{.topic = "t", .payload = payload, .qos = 1, .packet_id = 7};
      std::string bytes;
      EncodePublish(v, p, &bytes);
      EXPECT_EQ(PacketSize(PublishRemainingLength(v, p)), bytes.size())
          << "payload " << payload_size;
    }
  }
  EXPECT_EQ(PacketSize(127), 129u);
  EXPECT_EQ(PacketSize(128), 131u);
  EXPECT_EQ(PacketSize(16384), 16388u);
  EXPECT_EQ(PacketSize(2097152), 2097157u);
}

TEST(MqttCodecTest, AcksSubackPingrespDisconnect) {
  Packet pubrel = Decode(Bytes({0x62, 0x02, 0x00, 0x07}), Version::k311);
  EXPECT_EQ(pubrel.type, PacketType::kPubrel);
  EXPECT_EQ(pubrel.packet_id, 7);
  Packet puback = Decode(Bytes({0x40, 0x04, 0x00, 0x08, 0x10, 0x00}), Version::k5);
  EXPECT_EQ(puback.packet_id, 8);
  EXPECT_EQ(puback.reason_code, 0x10);
  Packet suback = Decode(Bytes({0x90, 0x05, 0x00, 0x03, 0x00, 0x01, 0x87}), Version::k5);
  EXPECT_EQ(suback.type, PacketType::kSuback);
  EXPECT_EQ(suback.packet_id, 3);
  EXPECT_EQ(suback.reason_codes, (std::vector<uint8_t>{0x01, 0x87}));
  Packet suback311 = Decode(Bytes({0x90, 0x03, 0x00, 0x03, 0x80}), Version::k311);
  EXPECT_EQ(suback311.reason_codes, (std::vector<uint8_t>{0x80}));
  EXPECT_EQ(Decode(Bytes({0xd0, 0x00}), Version::k5).type, PacketType::kPingresp);
  Packet disconnect = Decode(Bytes({0xe0, 0x01, 0x8b}), Version::k5);
  EXPECT_EQ(disconnect.type, PacketType::kDisconnect);
  EXPECT_EQ(disconnect.reason_code, 0x8b);
}

TEST(MqttCodecTest, IncompleteInputWaitsForMore) {
  const std::string payload(300, 'x');
  std::string bytes;
  EncodePublish(Version::k5, {.topic = "a", .payload = payload, .qos = 1, .packet_id = 1}, &bytes);
  // Every proper prefix (including one that ends inside the two-byte remaining length).
  for (size_t n = 0; n < bytes.size(); ++n) {
    size_t size = 0;
    auto p = DecodePacket(std::string_view(bytes).substr(0, n), Version::k5, &size);
    ASSERT_TRUE(p.ok()) << n << ": " << p.status().ToString();
    EXPECT_FALSE(p->has_value()) << n;
  }
  // Two packets back to back: the first is decoded, its size says where the next starts.
  std::string two = bytes + Bytes({0xd0, 0x00});
  size_t size = 0;
  auto p = DecodePacket(two, Version::k5, &size);
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ(size, bytes.size());
  EXPECT_EQ((*DecodePacket(std::string_view(two).substr(size), Version::k5, &size))->type,
            PacketType::kPingresp);
}

TEST(MqttCodecTest, MalformedPacketsNameTypeAndOffset) {
  EXPECT_EQ(DecodeError(Bytes({0x30, 0x05, 0x01, 0x2c, 't', 'x', 'y'}), Version::k311).message(),
            "malformed PUBLISH packet: at byte 2: the topic name is 300 bytes long but only 3 "
            "bytes are left");
  EXPECT_EQ(DecodeError(Bytes({0x32, 0x04, 0x00, 0x01, 't', 0x00}), Version::k311).message(),
            "malformed PUBLISH packet: at byte 5: the packet ends inside the packet identifier "
            "(2 bytes needed, 1 left)");
  EXPECT_EQ(DecodeError(Bytes({0x32, 0x05, 0x00, 0x01, 't', 0x00, 0x00}), Version::k311).message(),
            "malformed PUBLISH packet: at byte 5: packet identifier 0");
  EXPECT_EQ(DecodeError(Bytes({0x36, 0x03, 0x00, 0x01, 't'}), Version::k5).message(),
            "malformed PUBLISH packet: at byte 0: QoS 3 in the fixed header (only 0, 1, 2 exist)");
  EXPECT_EQ(DecodeError(Bytes({0x60, 0x02, 0x00, 0x01}), Version::k5).message(),
            "malformed PUBREL packet: at byte 0: fixed header flags 0x0, expected 0x2");
  EXPECT_EQ(DecodeError(Bytes({0x20, 0x05, 0x00, 0x00, 0x02, 0x42, 0x00}), Version::k5).message(),
            "malformed CONNACK packet: at byte 5: unknown property identifier 0x42");
  EXPECT_EQ(DecodeError(Bytes({0x20, 0x04, 0x00, 0x00, 0x05, 0x21}), Version::k5).message(),
            "malformed CONNACK packet: at byte 4: the properties are 5 bytes long but only 1 "
            "bytes are left");
  EXPECT_EQ(
      DecodeError(Bytes({0x20, 0x06, 0x00, 0x00, 0x02, 0x21, 0x00, 0x01}), Version::k5).message(),
      "malformed CONNACK packet: at byte 5: property 0x21 runs past the end of the "
      "properties (which end at byte 7)");
  EXPECT_EQ(DecodeError(Bytes({0x20, 0x03, 0x02, 0x00, 0x00}), Version::k5).message(),
            "malformed CONNACK packet: at byte 2: acknowledge flags 0x02 set reserved bits");
  EXPECT_EQ(DecodeError(Bytes({0x20, 0x03, 0x00, 0x00, 0x07}), Version::k311).message(),
            "malformed CONNACK packet: at byte 4: 1 unexpected bytes after the last field");
  EXPECT_EQ(DecodeError(Bytes({0x90, 0x02, 0x00, 0x01}), Version::k311).message(),
            "malformed SUBACK packet: at byte 4: no return code (one per topic filter)");
  EXPECT_EQ(DecodeError(Bytes({0xd0, 0x80, 0x80, 0x80, 0x80, 0x01}), Version::k5).message(),
            "malformed PINGRESP packet: at byte 1: the remaining length is longer than 4 bytes");
  EXPECT_EQ(DecodeError(Bytes({0x10, 0x00}), Version::k5).message(),
            "malformed CONNECT packet: at byte 0: sent by the server, but only a client sends it");
  EXPECT_EQ(DecodeError(Bytes({0x00, 0x00}), Version::k5).message(),
            "malformed packet of reserved type 0: at byte 0: not an MQTT packet type");
  EXPECT_EQ(DecodeError(Bytes({0xe0, 0x00}), Version::k311).message(),
            "malformed DISCONNECT packet: at byte 0: sent by the server, which MQTT 3.1.1 does not "
            "allow");
}

}  // namespace
}  // namespace ark::mqtt
