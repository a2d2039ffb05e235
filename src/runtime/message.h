// StreamMessage: what travels through the queues between stages — data batches and, in band and
// in order with them, the control messages later features depend on (DESIGN §3): watermarks,
// checkpoint barriers and end-of-stream. A stage handles each control message explicitly and
// forwards the ones it does not understand.
//
// Thread-safety: a message is owned by one stage at a time (moved through queues).
#pragma once

#include <cstdint>
#include <string>

#include "base/strong_type.h"
#include "core/batch.h"
#include "runtime/ack.h"

namespace ark {

enum class MessageKind : uint8_t {
  kData,         // batch + acks
  kWatermark,    // event time has advanced to watermark_us; no later row is older (modulo lateness)
  kBarrier,      // checkpoint barrier `epoch`
  kEndOfStream,  // the input is drained; flush and finish
};

struct StreamMessage {
  MessageKind kind = MessageKind::kData;
  Batch batch;
  AckSet acks;
  int64_t watermark_us = 0;
  Epoch epoch{0};
  // Set by the runtime: the order in which the message entered the processor stage, used to
  // restore input order after parallel workers.
  uint64_t seq = 0;
  // Microseconds (steady clock) when the input produced it, for the latency histogram.
  int64_t created_us = 0;

  static StreamMessage Data(Batch b, AckSet acks) {
    StreamMessage m;
    m.batch = std::move(b);
    m.acks = std::move(acks);
    return m;
  }
  static StreamMessage EndOfStream() {
    StreamMessage m;
    m.kind = MessageKind::kEndOfStream;
    return m;
  }
  static StreamMessage Watermark(int64_t us) {
    StreamMessage m;
    m.kind = MessageKind::kWatermark;
    m.watermark_us = us;
    return m;
  }
  static StreamMessage Barrier(Epoch e) {
    StreamMessage m;
    m.kind = MessageKind::kBarrier;
    m.epoch = e;
    return m;
  }
  bool is_data() const { return kind == MessageKind::kData; }
  // Bytes for queue accounting.
  size_t bytes() const { return is_data() ? batch.ByteSize() : 0; }
};

std::string_view MessageKindName(MessageKind k);

}  // namespace ark
