// Fuzz target: the Arrow IPC readers (src/core/arrow_ipc.h) over arbitrary bytes: ReadIpcStream,
// ReadIpcFile and IpcStreamDecoder fed in chunks. Every batch a reader accepts must be readable
// to its last value and must survive a write/read round trip unchanged; nothing may crash, leak
// or hit undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/arrow_ipc.h"

namespace {

constexpr int64_t kMaxRowsToPrint = 4096;

void Check(const std::vector<ark::Batch>& batches) {
  for (const ark::Batch& batch : batches) {
    if (batch.num_rows() > kMaxRowsToPrint) continue;
    std::string text = batch.ToString();
    // Round trip: what was accepted can be written, and reads back the same.
    std::string bytes;
    ark::IpcStreamWriter writer(&bytes);
    if (!writer.Write(batch).ok() || !writer.Finish().ok()) continue;  // a type we do not write
    auto again = ark::ReadIpcStream(bytes);
    if (!again.ok() || again->size() != 1 || (*again)[0].ToString() != text) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  auto stream = ark::ReadIpcStream(bytes);
  if (stream.ok()) Check(*stream);

  auto file = ark::ReadIpcFile(bytes);
  if (file.ok()) Check(*file);

  // Incremental decoding in chunks of 1..16 bytes (the size cycles with the input's first byte).
  ark::IpcStreamDecoder decoder;
  std::vector<ark::Batch> batches;
  size_t step = size > 0 ? 1 + data[0] % 16 : 1;
  bool ok = true;
  for (size_t pos = 0; pos < size && ok; pos += step) {
    ok = decoder.Consume(bytes.substr(pos, step), &batches).ok();
  }
  if (ok) {
    (void)decoder.Finish();
    Check(batches);
  }
  return 0;
}
