// SortOperator: ORDER BY — buffers its whole input, then emits it sorted by several keys (ASC/DESC,
// NULLS FIRST/LAST), stably (rows with equal keys keep their input order), in batches of at most
// kOutputBatchRows rows.
//
// Rows are compared through normalized keys (SortKeyEncoder): every row's sort keys are encoded
// once, column at a time, into a byte string whose memcmp order is the ORDER BY order. The sort
// itself then compares an 8-byte prefix held inline in the sort entry and only reads the rest of
// the key on a prefix tie — no per-comparison type switch, virtual call or NULL check.
//
// Ordering follows PostgreSQL: NULLs per NULLS FIRST/LAST (default: last for ASC, first for DESC,
// which the binder fills in); NaN sorts above every other float and -0.0 equals 0.0; strings and
// binary compare bytewise (C collation); intervals by their span (1 month = 30 days); lists element
// by element (a NULL element above any value, a shorter list first), structs field by field.
//
//   SortOperator sort(std::move(keys), input_schema);
//   for (const Batch& b : input) ARK_RETURN_IF_ERROR(sort.Push(0, b, &out));  // emits nothing
//   ARK_RETURN_IF_ERROR(sort.Finish(0, &out));                                // emits everything
//
// Thread-safety: an operator instance is used by one thread at a time (operator.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sql/expr/evaluator.h"
#include "sql/operators/gather.h"
#include "sql/operators/operator.h"

namespace ark::sql {

// Encoded sort keys of a run of rows: row r is bytes[offsets[r], offsets[r + 1]).
struct EncodedKeys {
  std::vector<uint8_t> bytes;
  std::vector<uint64_t> offsets{0};

  int64_t rows() const { return static_cast<int64_t>(offsets.size()) - 1; }
  const uint8_t* key(int64_t r) const { return bytes.data() + offsets[r]; }
  size_t size(int64_t r) const { return offsets[r + 1] - offsets[r]; }
  void Clear() {
    bytes.clear();
    offsets.assign(1, 0);
  }
};

// Order-preserving binary encoding of ORDER BY keys. Encodings are prefix-free: no row's encoding
// is a proper prefix of another's, so memcmp over the common length decides unless equal.
class SortKeyEncoder {
 public:
  struct Key {
    DataType type;
    bool descending = false;
    bool nulls_first = false;
    // False only when the caller knows the key column holds no NULL (saves a byte per key).
    bool null_byte = true;
  };

  explicit SortKeyEncoder(std::vector<Key> keys);

  // Appends the encodings of `rows` rows of `columns` (one column per key, in key order) to `out`.
  // REQUIRES: columns match the keys in count and type, each with at least `rows` rows.
  void Encode(std::span<const ColumnPtr> columns, int64_t rows, EncodedKeys* out) const;

  // Width of every encoding when all keys are fixed width (no string, binary, list, struct);
  // 0 otherwise.
  int64_t fixed_width() const { return fixed_width_; }
  const std::vector<Key>& keys() const { return keys_; }

 private:
  std::vector<Key> keys_;
  int64_t fixed_width_ = 0;
};

// The first 8 bytes of an encoded key as a big-endian integer (zero-padded), so that comparing two
// prefixes as integers orders them like memcmp.
uint64_t SortKeyPrefix(const uint8_t* key, size_t size);

// Three-way comparison of two encoded keys whose 8-byte prefixes are equal.
int CompareSortKeyTails(const uint8_t* a, size_t a_size, const uint8_t* b, size_t b_size);

// "price DESC NULLS FIRST, name" for EXPLAIN.
std::string SortKeysToString(std::span<const SortKey> keys, const Schema& schema);

class SortOperator final : public Operator {
 public:
  // `schema` is the input schema, which is also the output schema.
  // `ctx` (may be null: defaults) is read at every Push/Finish, so it may change between
  // executions (statement time, parameters); it must outlive the operator.
  SortOperator(std::vector<SortKey> keys, SchemaPtr schema, const KernelContext* ctx = nullptr);

  Status Push(int port, const Batch& batch, std::vector<Batch>* out) override;
  Status Finish(int port, std::vector<Batch>* out) override;
  void Reset() override;
  std::string Explain() const override;
  size_t StateBytes() const override;

 private:
  std::vector<SortKey> keys_;
  const KernelContext* ctx_;
  ExpressionEvaluator eval_;
  std::vector<Batch> batches_;                    // the buffered input, non-empty batches only
  std::vector<std::vector<ColumnPtr>> key_cols_;  // per buffered batch, one column per key
  int64_t rows_ = 0;
  size_t bytes_ = 0;
};

}  // namespace ark::sql
