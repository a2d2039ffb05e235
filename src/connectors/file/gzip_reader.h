// GzipReader: stream-decompresses a gzip file (RFC 1952) from a file descriptor, for the `file`
// input's `compression: gzip`.
//
// Memory is bounded (one 256 KiB buffer of compressed bytes plus the caller's output buffer): the
// file is never held whole. Concatenated gzip members (`cat a.gz b.gz`, what `gzip` produces when
// appending) are read as one stream, as gzip(1) does. Corrupt or truncated data is an error naming
// the file and the offset of the compressed byte where zlib stopped:
//   "gzip data of logs/a.gz is corrupt at compressed byte 1234: invalid block type"
//   "gzip data of logs/a.gz ends early at compressed byte 812 (the file is truncated)"
//
//   GzipReader gz("logs/a.gz");
//   ARK_RETURN_IF_ERROR(gz.Init());
//   while (true) {
//     ARK_ASSIGN_OR_RETURN(size_t n, gz.Read(fd, out, sizeof(out)));
//     if (n == 0) break;  // end of the last member
//     use(out, n);
//   }
//
// Thread-safety: used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"

namespace ark {

class GzipReader {
 public:
  // `what` names the file in error messages.
  explicit GzipReader(std::string what);
  ~GzipReader();
  GzipReader(const GzipReader&) = delete;
  GzipReader& operator=(const GzipReader&) = delete;

  // Prepares zlib; call once before Read.
  Status Init();

  // Decompresses up to `capacity` bytes into `out`, reading compressed bytes from `fd` as needed.
  // Returns 0 only at the clean end of the data (after the last member's trailer).
  Result<size_t> Read(int fd, char* out, size_t capacity);

  // Compressed bytes consumed from `fd` so far.
  int64_t compressed_offset() const { return consumed_; }
  // Compressed bytes read from `fd` so far (consumed or buffered).
  int64_t compressed_read() const { return read_; }

 private:
  struct State;
  // Reads more compressed bytes into the input buffer; false at end of file.
  Result<bool> FillInput(int fd);

  std::string what_;
  std::unique_ptr<State> state_;
  int64_t consumed_ = 0;
  int64_t read_ = 0;
  bool file_eof_ = false;
  bool member_done_ = false;  // the last member ended; more input means another member
  bool done_ = false;
  Status error_;  // damage found after some bytes were returned: the next Read's answer
};

}  // namespace ark
