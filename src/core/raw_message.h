// Raw messages: the batch shape an input produces when it has no codec (DESIGN §2) — one binary
// column `__value__` plus the metadata columns the input knows (ArkFlow's names). An output
// without a codec writes `__value__`.
//
//   RawBatchBuilder b(RawBatchBuilder::kSource | RawBatchBuilder::kOffset);
//   b.Add(payload, {.source = "events.ndjson", .offset = 120});
//   Batch batch = b.Finish();
//
// Thread-safety: RawBatchBuilder is used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/batch.h"
#include "core/column_builder.h"

namespace ark {

inline constexpr std::string_view kValueColumn = "__value__";
inline constexpr std::string_view kMetaSource = "__meta_source";
inline constexpr std::string_view kMetaPartition = "__meta_partition";
inline constexpr std::string_view kMetaOffset = "__meta_offset";
inline constexpr std::string_view kMetaKey = "__meta_key";
inline constexpr std::string_view kMetaTimestamp = "__meta_timestamp";
inline constexpr std::string_view kMetaIngestTime = "__meta_ingest_time";
inline constexpr std::string_view kMetaPrefix = "__meta_";
// The changelog column of streaming SQL results (DESIGN §2).
inline constexpr std::string_view kOpColumn = "__op";

// Columns describing why a row was routed to error_output.
inline constexpr std::string_view kErrorColumn = "__error__";
inline constexpr std::string_view kErrorComponentColumn = "__error_component";

// True for `__meta_*` column names.
inline bool IsMetaColumn(std::string_view name) { return name.substr(0, 7) == kMetaPrefix; }

struct RawMeta {
  std::string_view source;
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string_view> key;
  int64_t timestamp_us = 0;
};

class RawBatchBuilder {
 public:
  enum Columns : unsigned {
    kNone = 0,
    kSource = 1,
    kPartition = 2,
    kOffset = 4,
    kKey = 8,
    kTimestamp = 16,
    kIngestTime = 32,
  };
  explicit RawBatchBuilder(unsigned columns = kNone);

  // Appends one message. `ingest_time_us` defaults to now when the column is enabled.
  void Add(std::string_view value, const RawMeta& meta = {});
  void Reserve(int64_t rows, size_t bytes);
  int64_t num_rows() const { return value_.length(); }
  size_t value_bytes() const { return value_.data_size(); }
  Batch Finish();

 private:
  unsigned columns_;
  int64_t ingest_now_us_ = 0;
  BinaryBuilder value_;
  StringBuilder source_;
  Int32Builder partition_{DataType::Int32()};
  Int64Builder offset_{DataType::Int64()};
  BinaryBuilder key_;
  Int64Builder timestamp_{DataType::Timestamp()};
  Int64Builder ingest_{DataType::Timestamp()};
};

// A batch with only `__value__`, one row per payload.
Batch MakeRawBatch(std::span<const std::string_view> payloads);
Batch MakeRawBatch(std::span<const std::string> payloads);

}  // namespace ark
