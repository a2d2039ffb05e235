#include "buffers/memory_buffer.h"

namespace ark {

MemoryBuffer::MemoryBuffer(int64_t capacity, std::chrono::nanoseconds timeout)
    : capacity_(capacity), timeout_(timeout) {}

Status MemoryBuffer::Push(StreamMessage msg, Clock::time_point now,
                          std::vector<StreamMessage>* out) {
  if (!msg.is_data()) {
    PushControl(std::move(msg), out);
    return Status::OK();
  }
  if (held_.empty()) first_ = now;
  held_.Add(std::move(msg));
  if (held_.rows() >= capacity_ || now >= first_ + timeout_) ReleaseAll(out);
  return Status::OK();
}

std::optional<StreamBuffer::Clock::time_point> MemoryBuffer::NextDeadline() const {
  if (held_.empty()) return std::nullopt;
  return first_ + timeout_;
}

Status MemoryBuffer::Poll(Clock::time_point now, std::vector<StreamMessage>* out) {
  if (!held_.empty() && now >= first_ + timeout_) ReleaseAll(out);
  return Status::OK();
}

void RegisterMemoryBuffer(Registry& registry) {
  ConfigSpec spec(
      "Holds incoming batches and releases them as one concatenated batch when `capacity` "
      "messages (rows) are held or `timeout` has passed since the first held batch, and at end "
      "of stream. Batches of different schemas are released as separate batches.");
  spec.Int("capacity",
           "Messages (rows, as ArkFlow counts them) to hold before releasing them together.")
      .Required()
      .Min(1);
  spec.Duration("timeout",
                "Longest time a batch is held, counted from the first held batch, e.g. 1ms, 1s.")
      .Required();
  registry.AddBuffer(
      {.name = "memory",
       .summary = "Accumulates batches up to a row count or a timeout, then releases them.",
       .spec = std::move(spec),
       .example = "buffer:\n  type: memory\n  capacity: 100\n  timeout: 1s\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext&) -> Result<std::unique_ptr<StreamBuffer>> {
        return std::make_unique<MemoryBuffer>(cfg.GetInt("capacity"), cfg.GetDuration("timeout"));
      });
}

}  // namespace ark
