#include "connectors/common/line_reader.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>

namespace ark {

LineReader::LineReader(Options options) : options_(options) {
  if (options_.read_bytes == 0) options_.read_bytes = 1;
}

void LineReader::Reset() {
  pos_ = end_ = 0;
  base_offset_ = 0;
  line_number_ = 1;
  eof_ = false;
  discarding_ = false;
}

void LineReader::MakeRoom(size_t need) {
  if (pos_ > 0 && capacity_ - end_ < need) {
    size_t keep = end_ - pos_;
    if (keep > 0) std::memmove(buf_.get(), buf_.get() + pos_, keep);
    base_offset_ += static_cast<int64_t>(pos_);
    pos_ = 0;
    end_ = keep;
  }
  if (capacity_ - end_ < need) {
    size_t capacity = std::max(end_ + need, capacity_ + capacity_ / 2);
    std::unique_ptr<char[]> grown(new char[capacity]);
    if (end_ > pos_) std::memcpy(grown.get() + pos_, buf_.get() + pos_, end_ - pos_);
    buf_ = std::move(grown);
    capacity_ = capacity;
  }
}

Result<size_t> LineReader::Fill(int fd, std::string_view what) {
  MakeRoom(options_.read_bytes);
  ssize_t n;
  do {
    n = ::read(fd, buf_.get() + end_, options_.read_bytes);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Status::FromErrno(errno, fmt::format("reading {}", what));
  if (n == 0) eof_ = true;
  end_ += static_cast<size_t>(n);
  return static_cast<size_t>(n);
}

void LineReader::Append(std::string_view bytes) {
  MakeRoom(bytes.size());
  if (!bytes.empty()) std::memcpy(buf_.get() + end_, bytes.data(), bytes.size());
  end_ += bytes.size();
}

RecordError LineReader::TooLongError(const Line& line) const {
  RecordError e;
  e.line = line.number;
  e.byte_offset = line.offset;
  e.message = fmt::format("line is longer than max_line_bytes ({} bytes); skipped",
                          options_.max_line_bytes);
  e.raw = std::string(line.text);
  return e;
}

bool LineReader::SkipDiscarded() {
  const char* begin = buf_.get() + pos_;
  size_t avail = end_ - pos_;
  const void* nl = avail ? std::memchr(begin, '\n', avail) : nullptr;
  if (nl != nullptr) {
    pos_ += static_cast<size_t>(static_cast<const char*>(nl) - begin) + 1;
    discarding_ = false;
    return true;
  }
  pos_ = end_;
  if (eof_) {
    discarding_ = false;
    return true;
  }
  return false;
}

void LineReader::TakeTooLong(size_t len, bool has_newline, Line* line) {
  const char* begin = buf_.get() + pos_;
  preview_.assign(begin, std::min(len, kPreviewBytes));
  line->text = preview_;
  line->offset = offset();
  line->number = line_number_++;
  line->too_long = true;
  pos_ += len + (has_newline ? 1 : 0);
  discarding_ = !has_newline && !eof_;
}

bool LineReader::NextLineSlow(Line* line) {
  if (discarding_ && !SkipDiscarded()) return false;
  const char* begin = buf_.get() + pos_;
  size_t avail = end_ - pos_;
  const char* nl = avail ? static_cast<const char*>(std::memchr(begin, '\n', avail)) : nullptr;
  size_t len = nl != nullptr ? static_cast<size_t>(nl - begin) : avail;
  if (nl == nullptr && !eof_) {
    // An unfinished line: too long once it exceeds the limit and the preview is complete.
    if (ReportUnfinished(avail)) {
      TakeTooLong(avail, false, line);
      return true;
    }
    return false;
  }
  if (len > options_.max_line_bytes) {
    TakeTooLong(len, nl != nullptr, line);
    return true;
  }
  if (nl == nullptr && avail == 0) return false;
  line->offset = offset();
  line->number = line_number_++;
  line->too_long = false;
  pos_ += len + (nl != nullptr ? 1 : 0);
  if (len > 0 && begin[len - 1] == '\r') --len;
  line->text = std::string_view(begin, len);
  return true;
}

LineReader::ChunkKind LineReader::NextChunk(std::string_view* text, ChunkPosition* pos,
                                            Line* line) {
  if (discarding_ && !SkipDiscarded()) return ChunkKind::kNone;
  const char* begin = buf_.get() + pos_;
  size_t avail = end_ - pos_;
  if (avail == 0) return ChunkKind::kNone;
  if (options_.record_boundary) return NextRecords(text, pos, line);
  const void* last_nl = memrchr(begin, '\n', avail);
  size_t region = 0;
  if (last_nl != nullptr) {
    region = static_cast<size_t>(static_cast<const char*>(last_nl) - begin) + 1;
  } else if (eof_) {
    region = avail;
  } else {
    if (ReportUnfinished(avail)) {
      TakeTooLong(avail, false, line);
      return ChunkKind::kTooLong;
    }
    return ChunkKind::kNone;
  }
  // A too long line can only hide in a region longer than the limit (plus its newline).
  if (region > options_.max_line_bytes + 1) {
    const char* p = begin;
    const char* stop = begin + region;
    while (p < stop) {
      const char* nl =
          static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(stop - p)));
      const char* line_end = nl != nullptr ? nl : stop;
      size_t len = static_cast<size_t>(line_end - p);
      if (len > options_.max_line_bytes) {
        if (p == begin) {
          TakeTooLong(len, nl != nullptr, line);
          return ChunkKind::kTooLong;
        }
        region = static_cast<size_t>(p - begin);
        break;
      }
      p = line_end + 1;
    }
  }
  return TakeChunk(region, text, pos);
}

bool LineReader::NextBytes(std::string_view* text, ChunkPosition* pos) {
  if (pos_ == end_) return false;
  *text = std::string_view(buf_.get() + pos_, end_ - pos_);
  pos->first_line = 1;
  pos->byte_offset = offset();
  pos_ = end_;
  return true;
}

LineReader::ChunkKind LineReader::TakeChunk(size_t len, std::string_view* text,
                                            ChunkPosition* pos) {
  const char* begin = buf_.get() + pos_;
  *text = std::string_view(begin, len);
  pos->first_line = line_number_;
  pos->byte_offset = offset();
  line_number_ += std::count(begin, begin + len, '\n');
  if (begin[len - 1] != '\n') ++line_number_;
  pos_ += len;
  return ChunkKind::kLines;
}

LineReader::ChunkKind LineReader::NextRecords(std::string_view* text, ChunkPosition* pos,
                                              Line* line) {
  const char* begin = buf_.get() + pos_;
  size_t avail = end_ - pos_;
  size_t region = options_.record_boundary(std::string_view(begin, avail));
  if (region == 0) {
    if (eof_) return TakeChunk(avail, text, pos);
    // No record ends within the limit (an unterminated quote, say): report it and resume after
    // the next newline, where the stream most likely continues.
    if (ReportUnfinished(avail)) {
      TakeTooLong(avail, false, line);
      return ChunkKind::kTooLong;
    }
    return ChunkKind::kNone;
  }
  return TakeChunk(region, text, pos);
}

}  // namespace ark
