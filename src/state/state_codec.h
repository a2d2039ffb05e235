// Bytes of saved state values: plain values, length-prefixed byte strings and vectors, appended to
// a std::string and read back in the same order by a StateReader — the encoding operators and
// aggregate functions use for what they put into a StateTable (little-endian, this build's
// layout of plain types: snapshots are read by the build that wrote them, guarded by the plan
// fingerprint; snapshot_file.h versions the file around them).
//
//   std::string v;
//   PutPod<int64_t>(&v, count);
//   PutBytes(&v, key);
//   StateReader in(v, "operator 2");
//   ARK_RETURN_IF_ERROR(in.Pod(&count));
//   ARK_RETURN_IF_ERROR(in.Bytes(&key));
//   ARK_RETURN_IF_ERROR(in.End());
//
// Also: int64 keys in an order-preserving form (big-endian with the sign bit flipped), so that
// a table's byte order is their numeric order.
//
// Thread-safety: a StateReader is used by one thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/status.h"

namespace ark::state {

template <typename T>
void PutPod(std::string* out, const T& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}
inline void PutBytes(std::string* out, std::string_view v) {
  PutPod<uint64_t>(out, v.size());
  out->append(v);
}
template <typename T>
void PutVector(std::string* out, const std::vector<T>& v) {
  PutPod<uint64_t>(out, v.size());
  if (!v.empty()) out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// 8 bytes that sort (as unsigned bytes) like the numbers.
inline void PutOrderedInt64(std::string* out, int64_t v) {
  uint64_t u = static_cast<uint64_t>(v) ^ (uint64_t{1} << 63);
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((u >> (8 * i)) & 0xFF));
}
// REQUIRES: b.size() >= 8.
inline int64_t ReadOrderedInt64(std::string_view b) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(b[static_cast<size_t>(i)]);
  return static_cast<int64_t>(u ^ (uint64_t{1} << 63));
}

// Reads what the Put* functions wrote; errors start with `context` ("aggregate sum").
class StateReader {
 public:
  StateReader(std::string_view bytes, std::string_view context)
      : bytes_(bytes), context_(context) {}

  size_t left() const { return bytes_.size() - pos_; }

  template <typename T>
  Status Pod(T* v) {
    static_assert(std::is_trivially_copyable_v<T>);
    ARK_RETURN_IF_ERROR(Need(sizeof(T)));
    std::memcpy(v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return Status::OK();
  }
  Status Bytes(std::string_view* v) {
    uint64_t n = 0;
    ARK_RETURN_IF_ERROR(Pod(&n));
    ARK_RETURN_IF_ERROR(Need(n));
    *v = bytes_.substr(pos_, n);
    pos_ += n;
    return Status::OK();
  }
  template <typename T>
  Status Vector(std::vector<T>* v) {
    uint64_t n = 0;
    ARK_RETURN_IF_ERROR(Pod(&n));
    if (n > left() / sizeof(T)) return Need(n * sizeof(T));
    v->resize(n);
    if (n > 0) std::memcpy(v->data(), bytes_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return Status::OK();
  }
  // Every byte was read.
  Status End() const {
    if (pos_ == bytes_.size()) return Status::OK();
    return Status::InvalidArgument("{}: {} bytes left over after its saved state", context_,
                                   left());
  }

 private:
  Status Need(uint64_t n) const {
    if (n <= left()) return Status::OK();
    return Status::InvalidArgument(
        "{}: the saved state is cut short: {} more bytes expected at byte {} of {}", context_, n,
        pos_, bytes_.size());
  }
  std::string_view bytes_;
  std::string_view context_;
  size_t pos_ = 0;
};

}  // namespace ark::state
