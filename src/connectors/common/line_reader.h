// LineReader: frames a byte stream (a file, standard input) into lines for the line-oriented inputs
// (`file`, `stdin`), with exact stream positions for every line and a hard bound on line length.
//
// Bytes come in through Fill() (one read(2) call) or Append(); lines go out either one at a time
// (NextLine, for raw messages) or as chunks of whole lines (NextChunk, for a codec's DecodeChunk).
// A line longer than `max_line_bytes` is never returned as data: it is reported once as too long
// (with its position and first bytes) and the rest of it is skipped, so one bad line can neither
// exhaust memory nor stop the stream. Memory stays bounded by max_line_bytes + read_bytes.
//
// Line framing: a line ends at '\n'; NextLine strips one '\r' before it (CRLF files); the last line
// of the stream may lack its '\n'. Offsets are stream byte offsets of a line's first byte; line
// numbers are 1-based. Views returned by NextLine/NextChunk stay valid until the next Fill, Append
// or Reset.
//
//   LineReader reader({.read_bytes = 4 << 20, .max_line_bytes = 16 << 20});
//   LineReader::Line line;
//   while (true) {
//     if (reader.NextLine(&line)) { use(line); continue; }
//     if (reader.eof()) break;
//     ARK_RETURN_IF_ERROR(reader.Fill(fd, "data.ndjson").status());
//   }
//
// Thread-safety: used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "codec/codec.h"

namespace ark {

class LineReader {
 public:
  // Where records end, for formats whose records may hold newlines (CSV quoted fields): the
  // length of the longest prefix of `data` that ends on a record boundary, 0 when none. Used by
  // NextChunk instead of "after the last newline"; the format's decoder then bounds record length
  // itself, and max_line_bytes only bounds a run of bytes without any boundary.
  using RecordBoundary = std::function<size_t(std::string_view data)>;

  struct Options {
    size_t read_bytes = size_t{4} << 20;       // bytes asked of each read(2)
    size_t max_line_bytes = size_t{16} << 20;  // longer lines are reported and skipped
    RecordBoundary record_boundary;            // unset: records are lines
  };

  struct Line {
    std::string_view text;  // without '\n' (NextLine also strips a trailing '\r'); for a too long
                            // line, its first kPreviewBytes bytes
    int64_t offset = 0;     // stream offset of the line's first byte
    int64_t number = 0;     // 1-based line number
    bool too_long = false;  // longer than max_line_bytes; skipped
  };

  enum class ChunkKind {
    kNone,     // no complete line buffered: Fill() more, or the stream is done
    kLines,    // `text` holds whole lines (the last may lack its '\n' at the end of the stream)
    kTooLong,  // `line` describes a line longer than max_line_bytes, which is skipped
  };

  // How many leading bytes of a too long line are kept for the error record (fewer only when the
  // line is shorter).
  static constexpr size_t kPreviewBytes = 256;

  explicit LineReader(Options options);

  // Forgets everything buffered; the next byte is stream offset 0 on line 1 (a new file).
  void Reset();

  // One read(2) from `fd` of at most read_bytes (EINTR retried). Returns the number of bytes read;
  // 0 means end of stream and sets eof(). `what` names the source in error messages.
  Result<size_t> Fill(int fd, std::string_view what);
  // Appends bytes as if read (tests, in-memory sources).
  void Append(std::string_view bytes);
  // No more bytes will come.
  void MarkEof() { eof_ = true; }

  bool eof() const { return eof_; }
  // Bytes buffered but not yet returned.
  size_t buffered() const { return end_ - pos_; }
  // Stream offset of the next unreturned byte.
  int64_t offset() const { return base_offset_ + static_cast<int64_t>(pos_); }

  // The next line. False when no complete line is buffered (Fill more) or, at eof(), when
  // everything was returned.
  bool NextLine(Line* line) {
    if (!discarding_) {
      const char* begin = buf_.get() + pos_;
      size_t avail = end_ - pos_;
      const void* nl = avail ? std::memchr(begin, '\n', avail) : nullptr;
      if (nl != nullptr) {
        size_t len = static_cast<size_t>(static_cast<const char*>(nl) - begin);
        if (len <= options_.max_line_bytes) {
          line->offset = offset();
          line->number = line_number_++;
          line->too_long = false;
          if (len > 0 && begin[len - 1] == '\r') --len;
          line->text = std::string_view(begin, len);
          pos_ += static_cast<size_t>(static_cast<const char*>(nl) - begin) + 1;
          return true;
        }
      }
    }
    return NextLineSlow(line);
  }

  // Everything buffered up to and including the last '\n' (or to the end at eof) as one chunk,
  // with its position for DecodeChunk; too long lines are split out and reported as kTooLong.
  ChunkKind NextChunk(std::string_view* text, ChunkPosition* pos, Line* line);

  // Every buffered byte as one chunk, with no framing (binary formats such as Arrow IPC, whose
  // decoder accepts a stream cut anywhere). False when nothing is buffered.
  bool NextBytes(std::string_view* text, ChunkPosition* pos);

  // The error record for a too long `line`: its line, offset and first bytes.
  RecordError TooLongError(const Line& line) const;

 private:
  bool NextLineSlow(Line* line);
  // NextChunk with options_.record_boundary.
  ChunkKind NextRecords(std::string_view* text, ChunkPosition* pos, Line* line);
  // Returns the next `len` buffered bytes as a chunk.
  ChunkKind TakeChunk(size_t len, std::string_view* text, ChunkPosition* pos);
  // Skips the rest of a too long line; true when its end was found (or the stream ended).
  bool SkipDiscarded();
  // Whether an unfinished line of `avail` bytes so far is known to be too long and its preview
  // complete.
  bool ReportUnfinished(size_t avail) const {
    return avail > options_.max_line_bytes && avail >= kPreviewBytes;
  }
  // Reports the line starting at pos_ of `len` bytes (so far) as too long and consumes it.
  void TakeTooLong(size_t len, bool complete, Line* line);
  // Moves the unreturned bytes to the front and makes room for `need` more.
  void MakeRoom(size_t need);

  Options options_;
  std::unique_ptr<char[]> buf_;
  size_t capacity_ = 0;
  size_t pos_ = 0;           // first unreturned byte
  size_t end_ = 0;           // end of the buffered bytes
  int64_t base_offset_ = 0;  // stream offset of buf_[0]
  int64_t line_number_ = 1;  // number of the line starting at pos_
  bool eof_ = false;
  bool discarding_ = false;  // inside a too long line that was already reported
  std::string preview_;      // first bytes of the last too long line
};

}  // namespace ark
