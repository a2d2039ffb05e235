#include "state/snapshot_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ark::state {
namespace {

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutBytes(std::string* out, std::string_view v) {
  PutU32(out, static_cast<uint32_t>(v.size()));
  out->append(v);
}

// Reads the fields of a table file in order; every error says where.
class Reader {
 public:
  Reader(std::string_view bytes, std::string_view name) : bytes_(bytes), name_(name) {}
  size_t offset() const { return pos_; }
  size_t left() const { return bytes_.size() - pos_; }

  Status Error(size_t at, std::string_view what) const {
    return Status::ParseError("state snapshot {}: at byte offset {}: {}", name_, at, what);
  }
  Result<std::string_view> Take(size_t n, std::string_view what) {
    if (left() < n) {
      return Error(pos_, fmt::format("the file is truncated: expected {} bytes of {}, {} left", n,
                                     what, left()));
    }
    std::string_view v = bytes_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  Result<uint64_t> Fixed(size_t width, std::string_view what) {
    ARK_ASSIGN_OR_RETURN(std::string_view b, Take(width, what));
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v |= uint64_t{static_cast<uint8_t>(b[i])} << (8 * i);
    return v;
  }
  Result<std::string_view> Bytes(std::string_view what) {
    ARK_ASSIGN_OR_RETURN(uint64_t n, Fixed(4, fmt::format("the length of {}", what)));
    return Take(static_cast<size_t>(n), what);
  }

 private:
  std::string_view bytes_;
  std::string_view name_;
  size_t pos_ = 0;
};

}  // namespace

std::string TableFileName(std::string_view operator_id, int shard) {
  std::string name = "op-";
  for (char c : operator_id) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-';
    if (plain) {
      name.push_back(c);
    } else {
      name += fmt::format("%{:02X}", static_cast<unsigned>(static_cast<uint8_t>(c)));
    }
  }
  return fmt::format("{}.shard-{}.state", name, shard);
}

std::string EncodeTableFile(const StateTable& table) {
  std::string out(kSnapshotMagic);
  PutU32(&out, kSnapshotFormatVersion);
  PutBytes(&out, table.operator_id());
  PutBytes(&out, table.description());
  PutU32(&out, static_cast<uint32_t>(table.shard()));
  PutU64(&out, static_cast<uint64_t>(table.keys()));
  Status scanned = table.Scan("", [&](std::string_view key, std::string_view value) {
    PutBytes(&out, key);
    PutBytes(&out, value);
    return Status::OK();
  });
  ARK_CHECK(scanned.ok(), "a scan that cannot fail failed");
  PutU64(&out, XXH3_64bits(out.data(), out.size()));
  return out;
}

Result<TableFile> DecodeTableFile(std::string_view bytes, std::string_view name) {
  Reader in(bytes, name);
  ARK_ASSIGN_OR_RETURN(std::string_view magic, in.Take(kSnapshotMagic.size(), "the magic"));
  if (magic != kSnapshotMagic) {
    return in.Error(
        0, fmt::format("not a state snapshot file: it does not start with \"{}\"", kSnapshotMagic));
  }
  const size_t version_at = in.offset();
  ARK_ASSIGN_OR_RETURN(uint64_t version, in.Fixed(4, "the format version"));
  if (version != kSnapshotFormatVersion) {
    return in.Error(version_at, fmt::format("format version {} is not supported (this build "
                                            "reads version {})",
                                            version, kSnapshotFormatVersion));
  }
  TableFile file;
  ARK_ASSIGN_OR_RETURN(std::string_view id, in.Bytes("the operator id"));
  ARK_ASSIGN_OR_RETURN(std::string_view description, in.Bytes("the operator description"));
  ARK_ASSIGN_OR_RETURN(uint64_t shard, in.Fixed(4, "the shard"));
  ARK_ASSIGN_OR_RETURN(uint64_t count, in.Fixed(8, "the entry count"));
  file.operator_id = std::string(id);
  file.description = std::string(description);
  file.shard = static_cast<int32_t>(static_cast<uint32_t>(shard));
  // Each entry takes at least 8 bytes: a count beyond that is damage, not a reason to allocate.
  if (count > in.left() / 8) {
    return in.Error(in.offset() - 8, fmt::format("the entry count {} is more than the {} bytes "
                                                 "left can hold",
                                                 count, in.left()));
  }
  file.entries.reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    const size_t at = in.offset();
    ARK_ASSIGN_OR_RETURN(std::string_view key, in.Bytes(fmt::format("the key of entry {}", i)));
    ARK_ASSIGN_OR_RETURN(std::string_view value, in.Bytes(fmt::format("the value of entry {}", i)));
    if (!file.entries.empty() && !(file.entries.back().first < key)) {
      return in.Error(at, fmt::format("entry {} is out of key order", i));
    }
    file.entries.emplace_back(std::string(key), std::string(value));
  }
  const size_t checksum_at = in.offset();
  ARK_ASSIGN_OR_RETURN(uint64_t stored, in.Fixed(8, "the checksum"));
  if (in.left() != 0) {
    return in.Error(in.offset(), fmt::format("{} unexpected bytes after the checksum", in.left()));
  }
  const uint64_t computed = XXH3_64bits(bytes.data(), checksum_at);
  if (stored != computed) {
    return in.Error(checksum_at, fmt::format("checksum mismatch (stored {:016x}, computed {:016x} "
                                             "over bytes 0 to {}): the file is damaged",
                                             stored, computed, checksum_at));
  }
  return file;
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::string tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(errno, fmt::format("cannot create {}", tmp));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Status::FromErrno(errno, fmt::format("cannot write {}", tmp));
      ::close(fd);
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status s = Status::FromErrno(errno, fmt::format("cannot sync {}", tmp));
    ::close(fd);
    return s;
  }
  if (::close(fd) != 0) return Status::FromErrno(errno, fmt::format("cannot close {}", tmp));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::FromErrno(errno, fmt::format("cannot rename {} to {}", tmp, path.string()));
  }
  return Status::OK();
}

}  // namespace ark::state
