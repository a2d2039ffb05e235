#include "buffers/session_window.h"

#include "buffers/window_join.h"

namespace ark {

SessionWindow::SessionWindow(std::chrono::nanoseconds gap) : gap_(gap) {}

Status SessionWindow::Push(StreamMessage msg, Clock::time_point now,
                           std::vector<StreamMessage>* out) {
  ARK_RETURN_IF_ERROR(Poll(now, out));
  if (!msg.is_data()) {
    PushControl(std::move(msg), out);
    return Status::OK();
  }
  held_.Add(std::move(msg));
  last_ = now;
  return Status::OK();
}

std::optional<StreamBuffer::Clock::time_point> SessionWindow::NextDeadline() const {
  if (held_.empty()) return std::nullopt;
  return last_ + gap_;
}

Status SessionWindow::Poll(Clock::time_point now, std::vector<StreamMessage>* out) {
  if (!held_.empty() && now >= last_ + gap_) ReleaseAll(out);
  return Status::OK();
}

void RegisterSessionWindow(Registry& registry) {
  ConfigSpec spec(
      "Groups batches into sessions: a session stays open while batches keep arriving less than "
      "`gap` apart; once `gap` passes without one, its batches are released as one (per schema). "
      "End of stream releases the open session.");
  spec.Duration("gap", "Idle time that closes a session, e.g. 500ms, 5s.").Required();
  AddUnsupportedJoinOption(spec);
  registry.AddBuffer({.name = "session_window",
                      .summary = "Processing-time sessions closed by a gap of inactivity.",
                      .spec = std::move(spec),
                      .example = "buffer:\n  type: session_window\n  gap: 5s\n"},
                     [](const ComponentConfig& cfg,
                        const ComponentContext&) -> Result<std::unique_ptr<StreamBuffer>> {
                       ARK_RETURN_IF_ERROR(RejectJoin(cfg));
                       return std::make_unique<SessionWindow>(cfg.GetDuration("gap"));
                     });
}

}  // namespace ark
