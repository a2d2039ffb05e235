#include "connectors/file/gzip_reader.h"

#include <errno.h>
#include <unistd.h>
#include <zlib.h>

namespace ark {

namespace {
constexpr size_t kInputBytes = size_t{256} << 10;
}  // namespace

struct GzipReader::State {
  z_stream zs{};
  bool initialized = false;
  std::unique_ptr<unsigned char[]> in{new unsigned char[kInputBytes]};
};

GzipReader::GzipReader(std::string what) : what_(std::move(what)), state_(new State) {}

GzipReader::~GzipReader() {
  if (state_->initialized) inflateEnd(&state_->zs);
}

Status GzipReader::Init() {
  if (state_->initialized) return Status::OK();
  // 15 + 16: the largest window, gzip wrapper only.
  if (inflateInit2(&state_->zs, 15 + 16) != Z_OK) {
    return Status::Internal("cannot initialize zlib for {}", what_);
  }
  state_->initialized = true;
  return Status::OK();
}

Result<bool> GzipReader::FillInput(int fd) {
  ssize_t n;
  do {
    n = ::read(fd, state_->in.get(), kInputBytes);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Status::FromErrno(errno, fmt::format("reading {}", what_));
  if (n == 0) {
    file_eof_ = true;
    return false;
  }
  state_->zs.next_in = state_->in.get();
  state_->zs.avail_in = static_cast<uInt>(n);
  read_ += n;
  return true;
}

Result<size_t> GzipReader::Read(int fd, char* out, size_t capacity) {
  if (!error_.ok()) return error_;
  if (done_ || capacity == 0) return size_t{0};
  z_stream& zs = state_->zs;
  zs.next_out = reinterpret_cast<unsigned char*>(out);
  zs.avail_out = static_cast<uInt>(std::min<size_t>(capacity, uInt{1} << 30));
  const uInt want = zs.avail_out;
  while (zs.avail_out == want) {
    if (zs.avail_in == 0) {
      if (!file_eof_) ARK_RETURN_IF_ERROR(FillInput(fd).status());
      if (zs.avail_in == 0) {
        // End of the file: clean after a complete member (or for an empty file).
        if (member_done_ || read_ == 0) {
          done_ = true;
          return size_t{0};
        }
        return Status::ParseError(
            "gzip data of {} ends early at compressed byte {} (the file is "
            "truncated)",
            what_, consumed_);
      }
    }
    if (member_done_) {
      // More bytes after a member: the next member of a concatenated gzip file.
      inflateReset(&zs);
      member_done_ = false;
    }
    int rc = inflate(&zs, Z_NO_FLUSH);
    consumed_ = read_ - static_cast<int64_t>(zs.avail_in);
    if (rc == Z_STREAM_END) {
      member_done_ = true;
      continue;
    }
    if (rc == Z_OK || (rc == Z_BUF_ERROR && zs.avail_in == 0)) continue;
    const char* why = zs.msg != nullptr ? zs.msg : "unreadable data";
    if (rc == Z_NEED_DICT) why = "needs a preset dictionary";
    Status error = Status::ParseError("gzip data of {} is corrupt at compressed byte {}: {}", what_,
                                      consumed_, why);
    if (zs.avail_out == want) return error;
    // The bytes decompressed before the damage was found come first; the error next time.
    error_ = std::move(error);
    break;
  }
  return static_cast<size_t>(want - zs.avail_out);
}

}  // namespace ark
