// `stdin` input: reads lines from standard input until end of file.
//
// Without a codec every line is a raw `__value__` message (newline removed, a CRLF's '\r' too).
// With a codec the input is decoded in chunks of whole lines (json), whole records (csv) or bytes
// as read (arrow IPC stream), with line numbers and offsets; rejected records go to error_output. A
// line longer than `max_line_bytes` becomes an error record and is skipped.
//
// A read returns at most `batch_size` lines but never waits for a full batch: as soon as reading
// more would block, it returns what it has, so interactive input flows line by line. While nothing
// is buffered it waits with poll() in short slices, so a stop request is honoured promptly.
//
// Thread-safety: one reader thread (Input contract).
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>

#include "codec/codec.h"
#include "connectors/common/codec_option.h"
#include "connectors/common/line_reader.h"
#include "runtime/input.h"
#include "runtime/registry.h"

namespace ark {

struct StdinOptions {
  int64_t batch_size = 1024;  // most lines per batch
  size_t max_line_bytes = size_t{16} << 20;
  size_t read_bytes = size_t{1} << 20;        // bytes per read(2)
  std::chrono::milliseconds poll_slice{100};  // how often a wait checks for stop
  int fd = STDIN_FILENO;                      // tests pass a pipe
  // With a decoder: how the bytes are cut for it (connectors/common/codec_option.h).
  CodecFraming framing = CodecFraming::kLines;
  LineReader::RecordBoundary record_boundary;  // for kCsvRecords
};

class StdinInput final : public Input {
 public:
  StdinInput(StdinOptions options, std::unique_ptr<Decoder> decoder = nullptr,
             std::string error_component = "input \"stdin\"");

  Result<InputBatch> Read(std::stop_token stop) override;

 private:
  // Whether fd has data (or end of file) within `timeout`.
  Result<bool> Readable(std::chrono::milliseconds timeout) const;
  // Waits until fd is readable; false when stopped first.
  Result<bool> WaitReadable(const std::stop_token& stop) const;
  Status Fill();
  Result<InputBatch> ReadRaw(const std::stop_token& stop);
  Result<InputBatch> ReadDecoded(const std::stop_token& stop);

  StdinOptions options_;
  std::unique_ptr<Decoder> decoder_;
  std::string error_component_;
  LineReader reader_;
  std::deque<InputBatch> pending_;
};

void RegisterStdinInput(Registry& registry);

}  // namespace ark
