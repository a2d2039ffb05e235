#include "connectors/mqtt/mqtt_codec.h"

#include <fmt/format.h>

namespace ark::mqtt {

namespace {

void AppendU16(uint16_t v, std::string* out) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}

void AppendU32(uint32_t v, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void AppendString(std::string_view s, std::string* out) {
  AppendU16(static_cast<uint16_t>(s.size()), out);
  out->append(s);
}

// Fixed header + `body`.
void AppendPacket(uint8_t first_byte, std::string_view body, std::string* out) {
  out->push_back(static_cast<char>(first_byte));
  AppendVarInt(static_cast<uint32_t>(body.size()), out);
  out->append(body);
}

// "PUBLISH packet", "packet of reserved type 0".
std::string PacketLabel(uint8_t type) {
  if (type == 0 || type > 15) return fmt::format("packet of reserved type {}", type);
  return PacketTypeName(type) + " packet";
}

// Reads the fields of one packet's body, tracking the offset from the start of the packet for
// error messages.
class Reader {
 public:
  Reader(std::string_view body, size_t base, uint8_t type)
      : body_(body), base_(base), type_(type) {}

  size_t left() const { return body_.size() - pos_; }
  size_t offset() const { return base_ + pos_; }

  Status Error(std::string_view what) const { return ErrorAt(offset(), what); }
  Status ErrorAt(size_t offset, std::string_view what) const {
    return Status::ParseError("malformed {}: at byte {}: {}", PacketLabel(type_), offset, what);
  }

  Status Need(size_t n, std::string_view field) const {
    if (left() >= n) return Status::OK();
    return Error(
        fmt::format("the packet ends inside the {} ({} bytes needed, {} left)", field, n, left()));
  }
  Result<uint8_t> U8(std::string_view field) {
    ARK_RETURN_IF_ERROR(Need(1, field));
    return static_cast<uint8_t>(body_[pos_++]);
  }
  Result<uint16_t> U16(std::string_view field) {
    ARK_RETURN_IF_ERROR(Need(2, field));
    auto v = static_cast<uint16_t>((static_cast<uint8_t>(body_[pos_]) << 8) |
                                   static_cast<uint8_t>(body_[pos_ + 1]));
    pos_ += 2;
    return v;
  }
  Result<uint32_t> U32(std::string_view field) {
    ARK_RETURN_IF_ERROR(Need(4, field));
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(body_[pos_ + i]);
    pos_ += 4;
    return v;
  }
  Result<uint32_t> Var(std::string_view field) {
    const size_t at = offset();
    auto v = DecodeVarInt(body_.substr(pos_));
    if (!v.ok()) return ErrorAt(at, fmt::format("the {} is longer than 4 bytes", field));
    if (!v->has_value()) return Error(fmt::format("the packet ends inside the {}", field));
    pos_ += (*v)->size;
    return (*v)->value;
  }
  Result<std::string_view> Bytes(size_t n, std::string_view field) {
    ARK_RETURN_IF_ERROR(Need(n, field));
    std::string_view v = body_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  // A two-byte length and that many bytes (UTF-8 string or binary data).
  Result<std::string_view> LengthPrefixed(std::string_view field) {
    const size_t at = offset();
    ARK_ASSIGN_OR_RETURN(uint16_t n, U16(fmt::format("length of the {}", field)));
    if (left() < n) {
      return ErrorAt(
          at, fmt::format("the {} is {} bytes long but only {} bytes are left", field, n, left()));
    }
    return Bytes(n, field);
  }
  std::string_view Rest() {
    std::string_view v = body_.substr(pos_);
    pos_ = body_.size();
    return v;
  }

 private:
  std::string_view body_;
  size_t base_;
  size_t pos_ = 0;
  uint8_t type_;
};

// MQTT 5 properties: a variable byte integer length and that many bytes of properties.
Status ReadProperties(Reader& r, Properties* props) {
  const size_t start = r.offset();
  ARK_ASSIGN_OR_RETURN(uint32_t length, r.Var("property length"));
  if (length > r.left()) {
    return r.ErrorAt(
        start, fmt::format("the properties are {} bytes long but only {} bytes are left", length,
                           r.left()));
  }
  const size_t end = r.offset() + length;
  while (r.offset() < end) {
    const size_t at = r.offset();
    ARK_ASSIGN_OR_RETURN(uint32_t id, r.Var("property identifier"));
    auto u8 = [&](std::optional<uint8_t>* into) -> Status {
      ARK_ASSIGN_OR_RETURN(uint8_t v, r.U8(fmt::format("property 0x{:02x}", id)));
      if (into != nullptr) *into = v;
      return Status::OK();
    };
    auto u16 = [&](std::optional<uint16_t>* into) -> Status {
      ARK_ASSIGN_OR_RETURN(uint16_t v, r.U16(fmt::format("property 0x{:02x}", id)));
      if (into != nullptr) *into = v;
      return Status::OK();
    };
    auto u32 = [&](std::optional<uint32_t>* into) -> Status {
      ARK_ASSIGN_OR_RETURN(uint32_t v, r.U32(fmt::format("property 0x{:02x}", id)));
      if (into != nullptr) *into = v;
      return Status::OK();
    };
    auto str = [&](std::optional<std::string_view>* into) -> Status {
      ARK_ASSIGN_OR_RETURN(std::string_view v,
                           r.LengthPrefixed(fmt::format("property 0x{:02x}", id)));
      if (into != nullptr) *into = v;
      return Status::OK();
    };
    switch (id) {
      case 0x01:  // payload format indicator
      case 0x17:  // request problem information
      case 0x19:  // request response information
      case 0x25:  // retain available
      case 0x28:  // wildcard subscription available
      case 0x29:  // subscription identifier available
      case 0x2A:  // shared subscription available
        ARK_RETURN_IF_ERROR(u8(nullptr));
        break;
      case 0x24:
        ARK_RETURN_IF_ERROR(u8(&props->maximum_qos));
        break;
      case 0x13:
        ARK_RETURN_IF_ERROR(u16(&props->server_keep_alive));
        break;
      case 0x21:
        ARK_RETURN_IF_ERROR(u16(&props->receive_maximum));
        break;
      case 0x22:  // topic alias maximum
        ARK_RETURN_IF_ERROR(u16(nullptr));
        break;
      case 0x23:
        ARK_RETURN_IF_ERROR(u16(&props->topic_alias));
        break;
      case 0x02:  // message expiry interval
      case 0x18:  // will delay interval
        ARK_RETURN_IF_ERROR(u32(nullptr));
        break;
      case 0x11:
        ARK_RETURN_IF_ERROR(u32(&props->session_expiry_interval));
        break;
      case 0x27:
        ARK_RETURN_IF_ERROR(u32(&props->maximum_packet_size));
        break;
      case 0x0B:  // subscription identifier
        ARK_RETURN_IF_ERROR(r.Var("subscription identifier").status());
        break;
      case 0x03:  // content type
      case 0x08:  // response topic
      case 0x09:  // correlation data
      case 0x15:  // authentication method
      case 0x16:  // authentication data
      case 0x1A:  // response information
      case 0x1C:  // server reference
        ARK_RETURN_IF_ERROR(str(nullptr));
        break;
      case 0x12:
        ARK_RETURN_IF_ERROR(str(&props->assigned_client_identifier));
        break;
      case 0x1F:
        ARK_RETURN_IF_ERROR(str(&props->reason_string));
        break;
      case 0x26:  // user property: a name and a value
        ARK_RETURN_IF_ERROR(str(nullptr));
        ARK_RETURN_IF_ERROR(str(nullptr));
        break;
      default:
        return r.ErrorAt(at, fmt::format("unknown property identifier 0x{:02x}", id));
    }
    if (r.offset() > end) {
      return r.ErrorAt(at, fmt::format("property 0x{:02x} runs past the end of the properties "
                                       "(which end at byte {})",
                                       id, end));
    }
  }
  return Status::OK();
}

Status ExpectEnd(const Reader& r) {
  if (r.left() == 0) return Status::OK();
  return r.Error(fmt::format("{} unexpected bytes after the last field", r.left()));
}

}  // namespace

std::string PacketTypeName(uint8_t type) {
  static constexpr const char* kNames[] = {nullptr,     "CONNECT",  "CONNACK",     "PUBLISH",
                                           "PUBACK",    "PUBREC",   "PUBREL",      "PUBCOMP",
                                           "SUBSCRIBE", "SUBACK",   "UNSUBSCRIBE", "UNSUBACK",
                                           "PINGREQ",   "PINGRESP", "DISCONNECT",  "AUTH"};
  if (type == 0 || type > 15) return fmt::format("reserved type {}", type);
  return kNames[type];
}

void AppendVarInt(uint32_t value, std::string* out) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out->push_back(static_cast<char>(byte));
  } while (value != 0);
}

Result<std::optional<VarInt>> DecodeVarInt(std::string_view data) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (i >= data.size()) return std::optional<VarInt>();
    const auto byte = static_cast<uint8_t>(data[i]);
    value |= static_cast<uint32_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return std::optional<VarInt>(VarInt{value, i + 1});
  }
  return Status::ParseError("variable byte integer longer than 4 bytes");
}

void EncodeConnect(const ConnectOptions& o, std::string* out) {
  std::string body;
  AppendString("MQTT", &body);
  body.push_back(static_cast<char>(o.version));
  uint8_t flags = 0;
  if (o.clean_start) flags |= 0x02;
  if (o.password) flags |= 0x40;
  if (o.username) flags |= 0x80;
  body.push_back(static_cast<char>(flags));
  AppendU16(o.keep_alive_s, &body);
  if (o.version == Version::k5) {
    std::string props;
    if (o.session_expiry_interval) {
      props.push_back(0x11);
      AppendU32(*o.session_expiry_interval, &props);
    }
    if (o.receive_maximum) {
      props.push_back(0x21);
      AppendU16(*o.receive_maximum, &props);
    }
    AppendVarInt(static_cast<uint32_t>(props.size()), &body);
    body += props;
  }
  AppendString(o.client_id, &body);
  if (o.username) AppendString(*o.username, &body);
  if (o.password) AppendString(*o.password, &body);
  AppendPacket(0x10, body, out);
}

void EncodeSubscribe(Version version, uint16_t packet_id, std::span<const std::string> filters,
                     uint8_t qos, std::string* out) {
  std::string body;
  AppendU16(packet_id, &body);
  if (version == Version::k5) body.push_back(0);  // no properties
  for (const std::string& f : filters) {
    AppendString(f, &body);
    body.push_back(static_cast<char>(qos & 0x03));
  }
  AppendPacket(0x82, body, out);
}

size_t PublishRemainingLength(Version version, const Publish& p) {
  return 2 + p.topic.size() + (p.qos > 0 ? 2 : 0) + (version == Version::k5 ? 1 : 0) +
         p.payload.size();
}

size_t PacketSize(size_t remaining_length) {
  size_t length_bytes = 1;
  for (size_t v = remaining_length >> 7; v != 0; v >>= 7) ++length_bytes;
  return 1 + length_bytes + remaining_length;
}

void EncodePublish(Version version, const Publish& p, std::string* out) {
  // Straight into `out` (no body copy): the output's hot path.
  const uint8_t first = 0x30 | (p.dup ? 0x08 : 0) | ((p.qos & 0x03) << 1) | (p.retain ? 1 : 0);
  out->push_back(static_cast<char>(first));
  AppendVarInt(static_cast<uint32_t>(PublishRemainingLength(version, p)), out);
  AppendString(p.topic, out);
  if (p.qos > 0) AppendU16(p.packet_id, out);
  if (version == Version::k5) out->push_back(0);
  out->append(p.payload);
}

void EncodeAck(PacketType type, uint16_t packet_id, std::string* out) {
  auto first = static_cast<uint8_t>(static_cast<uint8_t>(type) << 4);
  if (type == PacketType::kPubrel) first |= 0x02;
  out->push_back(static_cast<char>(first));
  out->push_back(2);
  AppendU16(packet_id, out);
}

void EncodePingreq(std::string* out) { out->append("\xc0\x00", 2); }

void EncodeDisconnect(std::string* out) { out->append("\xe0\x00", 2); }

Result<std::optional<Packet>> DecodePacket(std::string_view data, Version version, size_t* size) {
  if (data.empty()) return std::optional<Packet>();
  const auto first = static_cast<uint8_t>(data[0]);
  const uint8_t type = first >> 4;
  const uint8_t flags = first & 0x0f;
  auto length = DecodeVarInt(data.substr(1));
  if (!length.ok()) {
    return Status::ParseError(
        "malformed {} packet: at byte 1: the remaining length is longer "
        "than 4 bytes",
        PacketTypeName(type));
  }
  if (!length->has_value()) return std::optional<Packet>();
  const size_t header = 1 + (*length)->size;
  const size_t total = header + (*length)->value;
  if (data.size() < total) return std::optional<Packet>();
  *size = total;

  Reader r(data.substr(header, (*length)->value), header, type);
  Packet p;
  p.type = static_cast<PacketType>(type);
  p.flags = flags;
  const bool v5 = version == Version::k5;
  auto bad_flags = [&](uint8_t want) -> Status {
    if (flags == want) return Status::OK();
    return r.ErrorAt(0, fmt::format("fixed header flags 0x{:x}, expected 0x{:x}", flags, want));
  };
  switch (type) {
    case 2: {  // CONNACK
      ARK_RETURN_IF_ERROR(bad_flags(0));
      ARK_ASSIGN_OR_RETURN(uint8_t ack_flags, r.U8("acknowledge flags"));
      if ((ack_flags & 0xfe) != 0) {
        return r.ErrorAt(header,
                         fmt::format("acknowledge flags 0x{:02x} set reserved bits", ack_flags));
      }
      p.session_present = (ack_flags & 1) != 0;
      ARK_ASSIGN_OR_RETURN(p.reason_code, r.U8(v5 ? "reason code" : "return code"));
      if (v5 && r.left() > 0) ARK_RETURN_IF_ERROR(ReadProperties(r, &p.properties));
      ARK_RETURN_IF_ERROR(ExpectEnd(r));
      break;
    }
    case 3: {  // PUBLISH
      Publish& pub = p.publish;
      pub.qos = (flags >> 1) & 0x03;
      pub.dup = (flags & 0x08) != 0;
      pub.retain = (flags & 0x01) != 0;
      if (pub.qos == 3) return r.ErrorAt(0, "QoS 3 in the fixed header (only 0, 1, 2 exist)");
      if (pub.qos == 0 && pub.dup) return r.ErrorAt(0, "DUP flag set on a QoS 0 message");
      ARK_ASSIGN_OR_RETURN(pub.topic, r.LengthPrefixed("topic name"));
      if (pub.qos > 0) {
        const size_t at = r.offset();
        ARK_ASSIGN_OR_RETURN(pub.packet_id, r.U16("packet identifier"));
        if (pub.packet_id == 0) return r.ErrorAt(at, "packet identifier 0");
        p.packet_id = pub.packet_id;
      }
      if (v5) ARK_RETURN_IF_ERROR(ReadProperties(r, &p.properties));
      pub.payload = r.Rest();
      break;
    }
    case 4:    // PUBACK
    case 5:    // PUBREC
    case 6:    // PUBREL
    case 7: {  // PUBCOMP
      ARK_RETURN_IF_ERROR(bad_flags(type == 6 ? 2 : 0));
      ARK_ASSIGN_OR_RETURN(p.packet_id, r.U16("packet identifier"));
      if (v5 && r.left() > 0) {
        ARK_ASSIGN_OR_RETURN(p.reason_code, r.U8("reason code"));
        if (r.left() > 0) ARK_RETURN_IF_ERROR(ReadProperties(r, &p.properties));
      }
      ARK_RETURN_IF_ERROR(ExpectEnd(r));
      break;
    }
    case 9:     // SUBACK
    case 11: {  // UNSUBACK
      ARK_RETURN_IF_ERROR(bad_flags(0));
      ARK_ASSIGN_OR_RETURN(p.packet_id, r.U16("packet identifier"));
      if (v5) ARK_RETURN_IF_ERROR(ReadProperties(r, &p.properties));
      if (type == 9 && r.left() == 0) return r.Error("no return code (one per topic filter)");
      std::string_view codes = r.Rest();
      p.reason_codes.assign(codes.begin(), codes.end());
      break;
    }
    case 13:  // PINGRESP
      ARK_RETURN_IF_ERROR(bad_flags(0));
      ARK_RETURN_IF_ERROR(ExpectEnd(r));
      break;
    case 14:    // DISCONNECT
    case 15: {  // AUTH
      ARK_RETURN_IF_ERROR(bad_flags(0));
      if (!v5) return r.ErrorAt(0, "sent by the server, which MQTT 3.1.1 does not allow");
      if (r.left() > 0) {
        ARK_ASSIGN_OR_RETURN(p.reason_code, r.U8("reason code"));
        if (r.left() > 0) ARK_RETURN_IF_ERROR(ReadProperties(r, &p.properties));
      }
      ARK_RETURN_IF_ERROR(ExpectEnd(r));
      break;
    }
    case 1:
    case 8:
    case 10:
    case 12:
      return r.ErrorAt(0, "sent by the server, but only a client sends it");
    default:
      return Status::ParseError("malformed {}: at byte 0: not an MQTT packet type",
                                PacketLabel(type));
  }
  return std::optional<Packet>(std::move(p));
}

}  // namespace ark::mqtt
