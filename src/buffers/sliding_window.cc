#include "buffers/sliding_window.h"

#include <vector>

namespace ark {

SlidingWindow::SlidingWindow(int64_t window_size, std::chrono::nanoseconds interval,
                             int64_t slide_size)
    : window_size_(window_size), interval_(interval), slide_size_(slide_size) {
  ARK_CHECK(window_size_ >= 1 && slide_size_ >= 1 && interval_.count() > 0,
            "sliding window sizes and interval must be positive");
}

void SlidingWindow::ReleaseWindow(std::vector<StreamMessage>* out) {
  size_t n = std::min(queue_.size(), static_cast<size_t>(window_size_));
  std::vector<HeldBatch> window;
  window.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    HeldBatch& h = queue_[i];
    h.released = true;
    window.push_back(HeldBatch{h.batch, h.acks.Fork(), h.created_us, true});
  }
  ReleaseBatches(window, AckRelease::kMove, out);
  size_t slid = 0;
  for (int64_t i = 0; i < slide_size_ && !queue_.empty(); ++i, ++slid) {
    // Leaving for good: this holder is done; the forks in released windows keep the ack pending
    // until those are written.
    queue_.front().acks.Done();
    queue_.pop_front();
  }
  done_ = std::max<uint64_t>(done_, front_seq_ + std::max(n, slid));
  front_seq_ += slid;
  watermarks_.Release(done_, out);
}

Status SlidingWindow::Push(StreamMessage msg, Clock::time_point now,
                           std::vector<StreamMessage>* out) {
  ARK_RETURN_IF_ERROR(Poll(now, out));
  if (msg.kind == MessageKind::kWatermark) {
    watermarks_.Add(std::move(msg), added_);
    watermarks_.Release(done_, out);
    return Status::OK();
  }
  if (!msg.is_data()) {
    // Order is kept: a barrier or end of stream passes after everything queued was released.
    ARK_RETURN_IF_ERROR(Flush(out));
    out->push_back(std::move(msg));
    return Status::OK();
  }
  if (!next_tick_) next_tick_ = now + interval_;
  ++added_;
  queue_.push_back(HeldBatch{std::move(msg.batch), std::move(msg.acks), msg.created_us, false});
  return Status::OK();
}

std::optional<StreamBuffer::Clock::time_point> SlidingWindow::NextDeadline() const {
  if (!next_tick_ || queue_.size() < static_cast<size_t>(window_size_)) return std::nullopt;
  return next_tick_;
}

Status SlidingWindow::Poll(Clock::time_point now, std::vector<StreamMessage>* out) {
  if (!next_tick_ || now < *next_tick_) return Status::OK();
  // The next tick after `now` on the grid; missed ticks release nothing more (ArkFlow's timer
  // does not catch up either).
  auto missed = (now - *next_tick_) / interval_;
  *next_tick_ += (missed + 1) * interval_;
  if (queue_.size() >= static_cast<size_t>(window_size_)) ReleaseWindow(out);
  return Status::OK();
}

Status SlidingWindow::Flush(std::vector<StreamMessage>* out) {
  while (queue_.size() >= static_cast<size_t>(window_size_)) ReleaseWindow(out);
  bool unreleased = false;
  for (const auto& h : queue_) unreleased = unreleased || !h.released;
  if (unreleased) ReleaseWindow(out);
  for (auto& h : queue_) h.acks.Done();
  front_seq_ += queue_.size();
  queue_.clear();
  done_ = added_;
  watermarks_.Release(done_, out);
  return Status::OK();
}

void RegisterSlidingWindow(Registry& registry) {
  ConfigSpec spec(
      "Overlapping windows counted in input batches: every `interval`, if `window_size` batches "
      "are queued, the first `window_size` are released as one batch and the window slides by "
      "`slide_size` batches, so a batch can be released in several windows. A batch is "
      "acknowledged once it has left the window for good and every window holding it was "
      "written. At end of stream the rest is released.");
  spec.Int("window_size", "Input batches in each released window.").Required().Min(1);
  spec.Duration("interval", "Time between window releases, e.g. 1s.").Required();
  spec.Int("slide_size", "Input batches the window advances after each release.").Required().Min(1);
  registry.AddBuffer({.name = "sliding_window",
                      .summary = "Overlapping windows of input batches, released at an interval.",
                      .spec = std::move(spec),
                      .example = "buffer:\n  type: sliding_window\n  window_size: 100\n  interval: "
                                 "1s\n  slide_size: 10\n"},
                     [](const ComponentConfig& cfg,
                        const ComponentContext&) -> Result<std::unique_ptr<StreamBuffer>> {
                       auto interval = cfg.GetDuration("interval");
                       if (interval.count() <= 0) {
                         return cfg.NodeOf("interval").Error("`interval` must be longer than 0");
                       }
                       return std::make_unique<SlidingWindow>(cfg.GetInt("window_size"), interval,
                                                              cfg.GetInt("slide_size"));
                     });
}

}  // namespace ark
