// MQTT packet codec (MQTT 3.1.1 and 5) for the client side of a connection: encodes what a
// client sends (CONNECT, SUBSCRIBE, PUBLISH, PUBACK/PUBREC/PUBREL/PUBCOMP, PINGREQ, DISCONNECT)
// and decodes what a broker sends (CONNACK, PUBLISH, the acknowledgements, SUBACK, UNSUBACK,
// PINGRESP, DISCONNECT, AUTH). No I/O: bytes in, packets out. Used by MqttConnection
// (mqtt_connection.h), under the `mqtt` input's subscriber and the `mqtt` output's publisher.
//
//   std::string out;
//   mqtt::EncodeAck(mqtt::PacketType::kPuback, packet_id, &out);
//   size_t used = 0;
//   ARK_ASSIGN_OR_RETURN(std::optional<mqtt::Packet> p, mqtt::DecodePacket(buf, version, &used));
//   if (!p) { /* need more bytes */ }
//
// A malformed packet is a ParseError naming the packet type and the byte offset (from the start
// of the packet) where decoding failed. Decoded packets point into the caller's buffer
// (string_view members): they are valid while that buffer is unchanged.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ark::mqtt {

enum class Version : uint8_t { k311 = 4, k5 = 5 };

enum class PacketType : uint8_t {
  kConnect = 1,
  kConnack = 2,
  kPublish = 3,
  kPuback = 4,
  kPubrec = 5,
  kPubrel = 6,
  kPubcomp = 7,
  kSubscribe = 8,
  kSuback = 9,
  kUnsubscribe = 10,
  kUnsuback = 11,
  kPingreq = 12,
  kPingresp = 13,
  kDisconnect = 14,
  kAuth = 15,
};

// "CONNACK", "PUBLISH", ...; "reserved type 0" for 0.
std::string PacketTypeName(uint8_t type);

// Appends `value` (< 2^28) as an MQTT variable byte integer.
void AppendVarInt(uint32_t value, std::string* out);

struct VarInt {
  uint32_t value = 0;
  size_t size = 0;  // bytes it took (1-4)
};
// Decodes a variable byte integer at the start of `data`; nullopt when `data` ends before it
// does. More than 4 bytes is a ParseError.
Result<std::optional<VarInt>> DecodeVarInt(std::string_view data);

// The MQTT 5 properties a client cares about; the others are checked and skipped.
struct Properties {
  std::optional<uint32_t> session_expiry_interval;             // 0x11
  std::optional<uint16_t> receive_maximum;                     // 0x21
  std::optional<uint16_t> server_keep_alive;                   // 0x13
  std::optional<uint32_t> maximum_packet_size;                 // 0x27
  std::optional<uint16_t> topic_alias;                         // 0x23
  std::optional<uint8_t> maximum_qos;                          // 0x24
  std::optional<std::string_view> reason_string;               // 0x1F
  std::optional<std::string_view> assigned_client_identifier;  // 0x12
};

struct ConnectOptions {
  Version version = Version::k5;
  std::string_view client_id;
  std::optional<std::string_view> username;
  std::optional<std::string_view> password;
  uint16_t keep_alive_s = 60;
  bool clean_start = true;  // MQTT 3.1.1: clean session
  // MQTT 5 only: sent when set.
  std::optional<uint32_t> session_expiry_interval;
  std::optional<uint16_t> receive_maximum;
};
void EncodeConnect(const ConnectOptions& options, std::string* out);

// SUBSCRIBE of `filters`, each with the maximum QoS `qos`.
void EncodeSubscribe(Version version, uint16_t packet_id, std::span<const std::string> filters,
                     uint8_t qos, std::string* out);

struct Publish {
  std::string_view topic;
  std::string_view payload;
  uint8_t qos = 0;
  bool dup = false;
  bool retain = false;
  uint16_t packet_id = 0;  // QoS 1/2 only
};
// The largest remaining length a packet can have (the variable byte integer's range).
constexpr size_t kMaxRemainingLength = 268'435'455;
// The remaining length of `publish`'s PUBLISH packet (no properties). Above kMaxRemainingLength
// it cannot be sent.
size_t PublishRemainingLength(Version version, const Publish& publish);
// The whole packet with that remaining length: the first byte, the 1-4 bytes of the length, the
// rest (what a broker's Maximum Packet Size limits).
size_t PacketSize(size_t remaining_length);
// REQUIRES: PublishRemainingLength(version, publish) <= kMaxRemainingLength.
void EncodePublish(Version version, const Publish& publish, std::string* out);

// PUBACK, PUBREC, PUBREL or PUBCOMP with reason "success" (the short form of both versions).
void EncodeAck(PacketType type, uint16_t packet_id, std::string* out);
void EncodePingreq(std::string* out);
// DISCONNECT, normal disconnection.
void EncodeDisconnect(std::string* out);

struct Packet {
  PacketType type = PacketType::kPingresp;
  uint8_t flags = 0;  // low nibble of the fixed header
  // CONNACK
  bool session_present = false;
  // CONNACK (3.1.1: the return code), PUBACK..PUBCOMP, DISCONNECT, AUTH: the reason code.
  uint8_t reason_code = 0;
  // PUBLISH (packet_id also for PUBACK..PUBCOMP, SUBACK, UNSUBACK)
  Publish publish;
  uint16_t packet_id = 0;
  // SUBACK / UNSUBACK: one code per filter (SUBACK: the granted QoS, or >= 0x80 refused)
  std::vector<uint8_t> reason_codes;
  Properties properties;
};

// Decodes the packet at the start of `data`, as sent by a broker to a client speaking `version`.
// nullopt: `data` does not hold the whole packet yet. On success `*size` is the packet's length
// in bytes (fixed header included).
Result<std::optional<Packet>> DecodePacket(std::string_view data, Version version, size_t* size);

}  // namespace ark::mqtt
