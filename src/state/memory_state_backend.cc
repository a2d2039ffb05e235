#include "state/memory_state_backend.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "state/snapshot_file.h"

namespace ark::state {

Status OperatorChanged(std::string_view operator_id, std::string_view saved,
                       std::string_view running) {
  return Status::InvalidArgument(
      "state of operator {} was saved by another plan: operator {} changed from `{}` to `{}`; "
      "state is only loaded into the operator that saved it",
      operator_id, operator_id, saved, running);
}

MemoryStateTable::MemoryStateTable(std::string operator_id, std::string description, int shard)
    : operator_id_(std::move(operator_id)), description_(std::move(description)), shard_(shard) {}

std::optional<std::string_view> MemoryStateTable::Get(std::string_view key) const {
  auto it = map_.find(key);
  if (it == map_.end()) return std::nullopt;
  return std::string_view(it->second);
}

void MemoryStateTable::Put(std::string_view key, std::string_view value) {
  auto it = map_.find(key);
  if (it == map_.end()) {
    map_.emplace(std::string(key), std::string(value));
    bytes_ += static_cast<int64_t>(key.size() + value.size());
    return;
  }
  bytes_ += static_cast<int64_t>(value.size()) - static_cast<int64_t>(it->second.size());
  it->second.assign(value);
}

bool MemoryStateTable::Delete(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end()) return false;
  bytes_ -= static_cast<int64_t>(it->first.size() + it->second.size());
  map_.erase(it);
  return true;
}

Status MemoryStateTable::Scan(std::string_view prefix, const ScanFn& fn) const {
  for (auto it = map_.lower_bound(prefix); it != map_.end(); ++it) {
    if (std::string_view(it->first).substr(0, prefix.size()) != prefix) break;
    ARK_RETURN_IF_ERROR(fn(it->first, it->second));
  }
  return Status::OK();
}

void MemoryStateTable::Clear() {
  map_.clear();
  bytes_ = 0;
}

Result<StateTable*> MemoryStateBackend::OpenTable(std::string_view operator_id,
                                                  std::string_view description, int shard) {
  auto it = tables_.find(std::make_pair(std::string(operator_id), shard));
  if (it != tables_.end()) {
    if (it->second->description() != description) {
      return OperatorChanged(operator_id, it->second->description(), description);
    }
    return it->second.get();
  }
  auto table =
      std::make_unique<MemoryStateTable>(std::string(operator_id), std::string(description), shard);
  StateTable* t = table.get();
  tables_.emplace(std::make_pair(std::string(operator_id), shard), std::move(table));
  return t;
}

StateTable* MemoryStateBackend::FindTable(std::string_view operator_id, int shard) const {
  auto it = tables_.find(std::make_pair(std::string(operator_id), shard));
  return it == tables_.end() ? nullptr : it->second.get();
}

std::vector<StateTable*> MemoryStateBackend::tables() const {
  std::vector<StateTable*> all;
  for (const auto& [id, t] : tables_) all.push_back(t.get());
  return all;
}

Status MemoryStateBackend::WriteSnapshot(const std::filesystem::path& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Status::IoError("cannot create the state snapshot directory {}: {}", dir.string(),
                           ec.message());
  }
  for (const auto& [id, table] : tables_) {
    ARK_RETURN_IF_ERROR(WriteFileAtomically(
        dir / TableFileName(table->operator_id(), table->shard()), EncodeTableFile(*table)));
  }
  // The renames are durable once the directory is synced.
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, fmt::format("cannot open {}", dir.string()));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno(err, fmt::format("cannot sync {}", dir.string()));
  return Status::OK();
}

Status MemoryStateBackend::ReadSnapshot(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    return Status::NotFound("cannot read the state snapshot directory {}: {}", dir.string(),
                            ec.message());
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : it) {
    if (entry.is_regular_file() && entry.path().extension() == ".state") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::IoError("cannot open state snapshot {}", path.string());
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string bytes = buf.str();
    ARK_ASSIGN_OR_RETURN(TableFile file, DecodeTableFile(bytes, path.string()));
    auto table = std::make_unique<MemoryStateTable>(file.operator_id, file.description, file.shard);
    for (auto& [key, value] : file.entries) table->Put(key, value);
    tables_[std::make_pair(file.operator_id, file.shard)] = std::move(table);
  }
  return Status::OK();
}

}  // namespace ark::state
