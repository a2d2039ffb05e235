// The file of one state table in a snapshot directory (DESIGN §5: versioned, self-describing).
//
// Layout (integers little-endian):
//
//   "ARKSTATE"                         8 bytes of magic
//   u32 format version                 kSnapshotFormatVersion
//   u32 + bytes  operator id           "2" (the operator's index in the plan)
//   u32 + bytes  operator description  its EXPLAIN line: the fingerprint checked at load
//   i32 shard
//   u64 entry count
//   entries, in key order: u32 key length, key, u32 value length, value
//   u64 checksum                       XXH3-64 of every byte before it
//
// A reader refuses another magic or version, a file cut short, bytes after the checksum, and a
// checksum that does not match, with the file name and the byte offset where it went wrong.
//
// Thread-safety: free functions; no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "state/state_table.h"

namespace ark::state {

inline constexpr std::string_view kSnapshotMagic = "ARKSTATE";
inline constexpr uint32_t kSnapshotFormatVersion = 1;

// "op-2.shard-0.state": the operator id with every byte outside [A-Za-z0-9_-] as %XX.
std::string TableFileName(std::string_view operator_id, int shard);

// The bytes of `table`'s file.
std::string EncodeTableFile(const StateTable& table);

struct TableFile {
  std::string operator_id;
  std::string description;
  int shard = 0;
  std::vector<std::pair<std::string, std::string>> entries;  // in key order
};

// Parses a table file's bytes; `name` (the file's path) goes into every error message.
Result<TableFile> DecodeTableFile(std::string_view bytes, std::string_view name);

// Writes `bytes` to `path` through `path`.tmp: written, fsynced, renamed over `path`.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace ark::state
