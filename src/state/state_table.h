// StateTable: the key-value state of one stateful operator in one shard (DESIGN §5) — what an
// operator sees of the state store. Keys and values are byte strings; keys are kept in byte order,
// so a Scan over a prefix visits, in order, every key that starts with it (operators lay out their
// keys so that the prefixes they scan by — a window, a group key — come first).
//
//   StateTable& t = ...;                          // StateBackend::OpenTable
//   t.Put("w\x80...", states);
//   std::optional<std::string_view> v = t.Get(key);
//   ARK_RETURN_IF_ERROR(t.Scan("w", [&](std::string_view key, std::string_view value) {
//     return Status::OK();                        // an error stops the scan and is returned
//   }));
//
// Operators keep their hot state in memory and write it here when asked to save it (at a
// checkpoint barrier), and read it back at recovery (stream_operator.h: SaveState/LoadState).
//
// Thread-safety: a table is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ark::state {

class StateTable {
 public:
  using ScanFn = std::function<Status(std::string_view key, std::string_view value)>;

  virtual ~StateTable() = default;

  // Which operator and shard the table belongs to. `description` identifies what the operator is
  // (its EXPLAIN line): state is never loaded into an operator with another description.
  virtual const std::string& operator_id() const = 0;
  virtual const std::string& description() const = 0;
  virtual int shard() const = 0;

  // The value of `key`, nullopt when absent. The view is valid until the table is next changed.
  virtual std::optional<std::string_view> Get(std::string_view key) const = 0;
  virtual void Put(std::string_view key, std::string_view value) = 0;
  // True when the key was there.
  virtual bool Delete(std::string_view key) = 0;
  // Calls fn for every key starting with `prefix` (every key for an empty prefix), in key order
  // (bytes compared as unsigned). The table must not be changed from fn.
  virtual Status Scan(std::string_view prefix, const ScanFn& fn) const = 0;
  // Removes every key.
  virtual void Clear() = 0;

  // For metrics: the number of keys, and the bytes of keys and values.
  virtual int64_t keys() const = 0;
  virtual int64_t bytes() const = 0;
};

}  // namespace ark::state
