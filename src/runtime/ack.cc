#include "runtime/ack.h"

namespace ark {

AckToken AckToken::Make(std::function<void()> on_ack) {
  auto s = std::make_shared<State>();
  s->on_ack = std::move(on_ack);
  return AckToken(std::move(s));
}

AckToken AckToken::Fork() const {
  if (!state_) return AckToken();
  state_->pending.fetch_add(1, std::memory_order_relaxed);
  return AckToken(state_);
}

void AckToken::Done() {
  if (!state_) return;
  std::shared_ptr<State> s = std::move(state_);
  if (s->pending.fetch_sub(1, std::memory_order_acq_rel) == 1 && s->on_ack) s->on_ack();
}

}  // namespace ark
