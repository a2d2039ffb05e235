#include "buffers/tumbling_window.h"

#include "buffers/window_join.h"

namespace ark {

TumblingWindow::TumblingWindow(std::chrono::nanoseconds interval) : interval_(interval) {
  ARK_CHECK(interval_.count() > 0, "tumbling window interval must be positive");
}

Status TumblingWindow::Push(StreamMessage msg, Clock::time_point now,
                            std::vector<StreamMessage>* out) {
  ARK_RETURN_IF_ERROR(Poll(now, out));
  if (!msg.is_data()) {
    PushControl(std::move(msg), out);
    return Status::OK();
  }
  if (held_.empty()) {
    if (!origin_) origin_ = now;
    auto elapsed = now - *origin_;
    window_end_ = *origin_ + (elapsed / interval_ + 1) * interval_;
  }
  held_.Add(std::move(msg));
  return Status::OK();
}

std::optional<StreamBuffer::Clock::time_point> TumblingWindow::NextDeadline() const {
  if (held_.empty()) return std::nullopt;
  return window_end_;
}

Status TumblingWindow::Poll(Clock::time_point now, std::vector<StreamMessage>* out) {
  if (!held_.empty() && now >= window_end_) ReleaseAll(out);
  return Status::OK();
}

void RegisterTumblingWindow(Registry& registry) {
  ConfigSpec spec(
      "Groups batches into fixed, non-overlapping processing-time windows of `interval`, "
      "aligned to the first batch's arrival; at the end of each window its batches are released "
      "as one (per schema). An empty window releases nothing; end of stream releases the open "
      "window.");
  spec.Duration("interval", "Length of each window, e.g. 1s, 5m.").Required();
  AddUnsupportedJoinOption(spec);
  registry.AddBuffer({.name = "tumbling_window",
                      .summary = "Fixed, non-overlapping processing-time windows.",
                      .spec = std::move(spec),
                      .example = "buffer:\n  type: tumbling_window\n  interval: 1s\n"},
                     [](const ComponentConfig& cfg,
                        const ComponentContext&) -> Result<std::unique_ptr<StreamBuffer>> {
                       ARK_RETURN_IF_ERROR(RejectJoin(cfg));
                       auto interval = cfg.GetDuration("interval");
                       if (interval.count() <= 0) {
                         return cfg.NodeOf("interval").Error("`interval` must be longer than 0");
                       }
                       return std::make_unique<TumblingWindow>(interval);
                     });
}

}  // namespace ark
