// `memory` input: emits the messages listed in the configuration (ArkFlow's `memory`: `messages`),
// then ends the stream — for tests and examples.
//
// Without `batch_size` all messages form one batch; with it, batches of at most `batch_size`
// messages, in order. Each message is a raw `__value__`, or with a codec the rows it decodes to
// (undecodable messages go to error_output). ArkFlow emits one message per read; a batch of several
// rows is equivalent downstream except for processors that count batches (`batch`).
//
// Thread-safety: one reader thread (Input contract).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "runtime/input.h"
#include "runtime/registry.h"

namespace ark {

struct MemoryInputOptions {
  std::vector<std::string> messages;
  std::optional<int64_t> batch_size;  // unset: all messages in one batch
};

class MemoryInput final : public Input {
 public:
  // `error_component` names this input in error batches.
  explicit MemoryInput(MemoryInputOptions options, std::unique_ptr<Decoder> decoder = nullptr,
                       std::string error_component = "input \"memory\"");

  Result<InputBatch> Read(std::stop_token stop) override;

 private:
  MemoryInputOptions options_;
  std::unique_ptr<Decoder> decoder_;
  std::string error_component_;
  size_t next_ = 0;
};

void RegisterMemoryInput(Registry& registry);

}  // namespace ark
