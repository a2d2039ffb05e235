// MemoryStateBackend: StateTables held in memory, each an ordered map (DESIGN §5), with snapshots
// written as files — one file per table (snapshot_file.h) in a directory.
//
//   MemoryStateBackend backend;
//   ... operators save their state into backend.OpenTable(...) ...
//   ARK_RETURN_IF_ERROR(backend.WriteSnapshot("/var/lib/arkflow/ckpt-7"));
//
//   MemoryStateBackend restored;
//   ARK_RETURN_IF_ERROR(restored.ReadSnapshot("/var/lib/arkflow/ckpt-7"));
//   ... operators load their state from restored.OpenTable(...) (same descriptions) ...
//
// Thread-safety: one thread at a time (state_backend.h).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/state_backend.h"

namespace ark::state {

class MemoryStateTable final : public StateTable {
 public:
  MemoryStateTable(std::string operator_id, std::string description, int shard);

  const std::string& operator_id() const override { return operator_id_; }
  const std::string& description() const override { return description_; }
  int shard() const override { return shard_; }
  std::optional<std::string_view> Get(std::string_view key) const override;
  void Put(std::string_view key, std::string_view value) override;
  bool Delete(std::string_view key) override;
  Status Scan(std::string_view prefix, const ScanFn& fn) const override;
  void Clear() override;
  int64_t keys() const override { return static_cast<int64_t>(map_.size()); }
  int64_t bytes() const override { return bytes_; }

 private:
  const std::string operator_id_;
  const std::string description_;
  const int shard_;
  // std::string compares bytes as unsigned char (char_traits<char>::compare is memcmp).
  std::map<std::string, std::string, std::less<>> map_;
  int64_t bytes_ = 0;
};

class MemoryStateBackend final : public StateBackend {
 public:
  Result<StateTable*> OpenTable(std::string_view operator_id, std::string_view description,
                                int shard) override;
  StateTable* FindTable(std::string_view operator_id, int shard) const override;
  std::vector<StateTable*> tables() const override;

  // Writes every table to `dir` (created when missing), one file per table named
  // snapshot_file.h's TableFileName; each is written to a temporary name, synced, then renamed,
  // so a crash leaves either the old file or the new one. Files of tables this backend does not
  // have are left alone.
  Status WriteSnapshot(const std::filesystem::path& dir) const;
  // Reads every table file of `dir` (*.state) into this backend, replacing tables of the same
  // operator and shard. Errors name the file and the byte offset (snapshot_file.h).
  Status ReadSnapshot(const std::filesystem::path& dir);

 private:
  std::map<std::pair<std::string, int>, std::unique_ptr<MemoryStateTable>, std::less<>> tables_;
};

}  // namespace ark::state
