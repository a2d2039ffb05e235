// How streaming operators lay out their state in a StateTable (state/state_table.h): the pieces
// every operator's SaveState/LoadState shares.
//
//  - StateKeyCodec: group and partition keys as KeyEncoder's normalized keys (key_encoder.h), as
//    bytes: for the fixed layouts and kBytes a 2-byte NULL mask (big-endian) then the packed word
//    (big-endian) or the value's bytes; for kVariable its self-delimiting encoding. Equal SQL
//    keys give equal bytes, so an operator puts them after its own prefix (a window's end, a
//    side) and one prefix scan finds a window's or a key's entries. Decode rebuilds the values
//    (intervals come back as days and time, as from a KeyTable).
//  - Rows (join sides, top-N lists, buffered windows) as Arrow IPC streams (core/arrow_ipc.h).
//  - Plain values and byte strings with state/state_codec.h.
//
// Thread-safety: a codec is used by one thread (it keeps the encoder's scratch).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/batch.h"
#include "core/column_builder.h"
#include "sql/operators/key_encoder.h"
#include "state/state_codec.h"
#include "state/state_table.h"

namespace ark::sql {

class StateKeyCodec {
 public:
  explicit StateKeyCodec(std::vector<DataType> key_types);

  const std::vector<DataType>& key_types() const { return encoder_.key_types(); }
  // Appends the key bytes of row r of `keys` to (*out)[r] for r in [0, rows).
  // REQUIRES: out->size() >= rows.
  Status Encode(std::span<const ColumnPtr> keys, int64_t rows, std::vector<std::string>* out);
  // The key columns of `keys` (each as Encode wrote it), one row per key.
  Result<std::vector<ColumnPtr>> Decode(std::span<const std::string_view> keys) const;

 private:
  KeyEncoder encoder_;
};

// Batches as the bytes of one Arrow IPC stream, and back (the schema of the first batch; none
// for no batches).
Result<std::string> EncodeBatches(std::span<const Batch> batches);
Result<std::vector<Batch>> DecodeBatches(std::string_view bytes, std::string_view what);

// "operator 2 (RankTopN ...)": the context of errors about a table's contents.
std::string StateContext(const state::StateTable& table);

}  // namespace ark::sql
