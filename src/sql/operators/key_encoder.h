// Normalized keys of SQL rows for hashing and equality: the one place that decides when two rows
// have "the same key" — shared by GROUP BY (hash aggregate), DISTINCT, hash joins and set
// operations.
//
// Two pieces:
//
//  - KeyEncoder turns the key columns of one batch into one normalized key per row plus a 64-bit
//    hash of it. Equal normalized keys ⇔ equal SQL keys:
//      * floats: -0.0 equals 0.0 and every NaN equals every other NaN (PostgreSQL sorts NaN as one
//        value above all numbers);
//      * strings and binary compare by bytes; lists and structs element by element;
//      * intervals by their span with 30-day months, like PostgreSQL's `=` ('1 mon' = '30 days');
//        a stored key comes back as days + time ('1 mon' → '30 days');
//      * NULL: per key, either equal to NULL (GROUP BY, DISTINCT, IS NOT DISTINCT FROM, INTERSECT)
//        or never equal to anything (join `=`): rows with a NULL in such a key are flagged
//        `unmatchable`.
//    The layout depends only on the key types (so every batch of a table encodes alike):
//      kFixed64   every key fixed-width, packed into one uint64 (one int64 key, two int32 keys...)
//      kFixed128  every key fixed-width, packed into 128 bits (two int64 keys, int64 + date...)
//      kBytes     exactly one string/binary key: the value's own bytes, no copy
//      kVariable  anything else (several strings, lists, structs, > 16 bytes of fixed keys): a
//                 self-delimiting byte encoding, per key `0x00` for NULL or `0x01` + payload
//                 (fixed-width bytes; strings/binary: uint32 length + bytes; lists: uint32 count +
//                 elements; structs: fields), so that byte equality is key equality.
//    In the fixed layouts and kBytes, NULLs are not part of the packed word: a per-row bit mask
//    says which keys are NULL (their packed bytes are zero).
//    Hashes are deterministic across processes and runs (XXH3 for bytes, a multiply-fold mixer
//    for fixed words), so they may route rows to shards or partitions.
//
//  - KeyTable maps keys to dense group ids 0, 1, 2, ... in order of first appearance
//    (absl::flat_hash_map underneath) and keeps one copy of each key so that the key columns can
//    be rebuilt for output. Hash aggregation uses FindOrInsert; a hash join inserts its build side
//    with FindOrInsert and probes with Find; DISTINCT keeps the rows whose id is new.
//
//   KeyTable table({DataType::String(), DataType::Int64()});
//   std::vector<int32_t> ids(batch.num_rows());
//   ARK_RETURN_IF_ERROR(table.FindOrInsert(key_columns, batch.num_rows(), ids.data()));
//   ...
//   std::vector<ColumnPtr> keys = table.KeyColumns(0, table.size());   // one row per group
//
// Thread-safety: a KeyEncoder or KeyTable is used by one thread at a time (both keep scratch
// buffers that Encode/Find reuse for every batch).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/column.h"
#include "core/column_builder.h"
#include "core/types.h"

namespace ark::sql {

// How NULL key values compare, per key column.
enum class NullEquality : uint8_t {
  kNullsEqual,       // NULL = NULL (grouping, DISTINCT, IS NOT DISTINCT FROM, set operations)
  kNullsNeverEqual,  // SQL `=`: a row with a NULL in this key matches no row, not even itself
};

enum class KeyLayout : uint8_t { kFixed64, kFixed128, kBytes, kVariable };

struct Key128 {
  uint64_t lo = 0;
  uint64_t hi = 0;
  friend bool operator==(const Key128&, const Key128&) = default;
};

// The keys of one batch in normalized form. Pointers refer to memory owned by the KeyEncoder
// (and, for the no-copy paths, by the key columns): valid until the encoder's next Encode while
// the columns live. Exactly one of fixed64 / fixed128 / bytes is set, by layout.
struct NormalizedKeys {
  KeyLayout layout = KeyLayout::kFixed64;
  int64_t rows = 0;
  const uint64_t* hashes = nullptr;         // hash of each row's whole key (NULL mask included)
  const uint64_t* fixed64 = nullptr;        // kFixed64: the packed keys
  const Key128* fixed128 = nullptr;         // kFixed128: the packed keys
  const std::string_view* bytes = nullptr;  // kBytes, kVariable: the normalized key bytes
  // kFixed64, kFixed128, kBytes: bit k is set when key k is NULL in that row. Null when no row of
  // the batch has a NULL key. (kVariable: the NULLs are inside the bytes; always null.)
  const uint16_t* null_masks = nullptr;
  // 1 for each row with a NULL in a kNullsNeverEqual key; null when there is no such row.
  const uint8_t* unmatchable = nullptr;
};

class KeyEncoder {
 public:
  // `null_equality` has one entry per key or is empty (every key kNullsEqual). Every type can be a
  // key (the null type too: always NULL).
  explicit KeyEncoder(std::vector<DataType> key_types,
                      std::vector<NullEquality> null_equality = {});

  KeyLayout layout() const { return layout_; }
  const std::vector<DataType>& key_types() const { return key_types_; }
  const std::vector<NullEquality>& null_equality() const { return null_equality_; }
  int num_keys() const { return static_cast<int>(key_types_.size()); }

  // Encodes rows [0, rows) of `keys` (one column per key type, each of at least `rows` values).
  // A column of another type than declared is an internal error. `with_hashes = false` skips the
  // hashes of the fixed layouts (`hashes` is then null for them; kBytes/kVariable always hash).
  Result<NormalizedKeys> Encode(std::span<const ColumnPtr> keys, int64_t rows,
                                bool with_hashes = true);

  // Bytes of scratch memory held between batches.
  size_t MemoryBytes() const;
  // Frees the scratch memory (it grows again on the next Encode).
  void FreeScratch();

  // Decoding, for rebuilding key columns: appends one value to each of `builders` (one per key,
  // of the key types) from a normalized key of this encoder's layout.
  void DecodeFixed64(uint64_t word, uint16_t null_mask,
                     std::span<ColumnBuilder* const> builders) const;
  void DecodeFixed128(const Key128& word, uint16_t null_mask,
                      std::span<ColumnBuilder* const> builders) const;
  // kBytes (the value, or NULL when null_mask is 1) and kVariable (null_mask unused).
  void DecodeBytes(std::string_view key, uint16_t null_mask,
                   std::span<ColumnBuilder* const> builders) const;

 private:
  Status CheckColumns(std::span<const ColumnPtr> keys, int64_t rows) const;
  void EncodeFixed(std::span<const ColumnPtr> keys, int64_t rows, bool with_hashes,
                   NormalizedKeys* out);
  void EncodeVariable(std::span<const ColumnPtr> keys, int64_t rows, NormalizedKeys* out);
  void ComputeUnmatchable(std::span<const ColumnPtr> keys, int64_t rows, NormalizedKeys* out);

  std::vector<DataType> key_types_;
  std::vector<NullEquality> null_equality_;
  KeyLayout layout_ = KeyLayout::kFixed64;
  std::vector<int> byte_offsets_;  // fixed layouts: where each key starts in the packed word
  std::vector<int> byte_widths_;   // fixed layouts: bytes of each key (bool 1, null type 0)

  // Scratch reused for every batch.
  std::vector<uint64_t> hashes_;
  std::vector<uint64_t> fixed64_;
  std::vector<Key128> fixed128_;
  std::vector<std::string_view> views_;
  std::vector<uint16_t> null_masks_;
  std::vector<uint8_t> unmatchable_;
  std::vector<uint32_t> sizes_;
  std::vector<char> buffer_;
};

// A map from keys to dense group ids, with the keys kept for output.
class KeyTable {
 public:
  static constexpr int32_t kNoGroup = -1;
  // Group ids are int32: a table holds at most this many keys.
  static constexpr int64_t kMaxGroups = 2147483647;

  explicit KeyTable(std::vector<DataType> key_types, std::vector<NullEquality> null_equality = {});
  ~KeyTable();
  KeyTable(KeyTable&&) noexcept;
  KeyTable& operator=(KeyTable&&) noexcept;

  const std::vector<DataType>& key_types() const { return encoder_.key_types(); }
  KeyLayout layout() const { return encoder_.layout(); }
  // Number of distinct keys inserted so far; ids are [0, size()).
  int64_t size() const { return static_cast<int64_t>(group_count_); }

  // Writes the group id of each row's key to group_ids[0, rows), inserting keys not seen before
  // with the next ids. The keys new in this call therefore have exactly the ids >= size() before
  // the call, numbered in the order of their first row. Rows with a NULL in a kNullsNeverEqual key
  // get kNoGroup and insert nothing. ResourceExhausted past kMaxGroups keys.
  Status FindOrInsert(std::span<const ColumnPtr> keys, int64_t rows, int32_t* group_ids);
  // Writes the group id of each row's key, or kNoGroup when the key is not in the table (or has a
  // NULL in a kNullsNeverEqual key).
  Status Find(std::span<const ColumnPtr> keys, int64_t rows, int32_t* group_ids);

  // The keys of groups [start, start + count), one column per key type.
  // REQUIRES: 0 <= start, start + count <= size().
  std::vector<ColumnPtr> KeyColumns(int64_t start, int64_t count) const;

  // The keys of the last FindOrInsert/Find batch. Its `hashes` are null for the fixed layouts
  // (the table hashes those words itself); use a KeyEncoder for per-row hashes.
  const NormalizedKeys& last_encoded() const { return last_; }

  // A table of just the keys of groups `keep` (ascending ids), renumbered 0, 1, ... in that
  // order: what an operator keeps when it forgets the other groups (state TTL).
  Result<KeyTable> Subset(std::span<const int64_t> keep) const;

  // Bytes held: hash map, stored keys, scratch.
  size_t MemoryBytes() const;
  // Forgets every key and frees the memory; ids start at 0 again.
  void Clear();

 private:
  struct Maps;
  template <bool kInsert>
  Status Lookup(std::span<const ColumnPtr> keys, int64_t rows, int32_t* group_ids);

  KeyEncoder encoder_;
  NormalizedKeys last_;
  std::unique_ptr<Maps> maps_;
  uint32_t group_count_ = 0;
};

// The hash mixer behind KeyEncoder's fixed-width hashes (exposed for callers that hash one
// fixed-width value the same way, e.g. to combine a group id with a hash).
uint64_t MixHash64(uint64_t x);

}  // namespace ark::sql
