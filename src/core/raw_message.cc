#include "core/raw_message.h"

#include "base/time.h"

namespace ark {

RawBatchBuilder::RawBatchBuilder(unsigned columns) : columns_(columns) {}

void RawBatchBuilder::Reserve(int64_t rows, size_t bytes) {
  value_.Reserve(rows);
  value_.ReserveData(bytes);
}

void RawBatchBuilder::Add(std::string_view value, const RawMeta& meta) {
  value_.Append(value);
  if (columns_ & kSource) source_.Append(meta.source);
  if (columns_ & kPartition) partition_.Append(meta.partition);
  if (columns_ & kOffset) offset_.Append(meta.offset);
  if (columns_ & kKey) {
    if (meta.key) {
      key_.Append(*meta.key);
    } else {
      key_.AppendNull();
    }
  }
  if (columns_ & kTimestamp) timestamp_.Append(meta.timestamp_us);
  if (columns_ & kIngestTime) {
    if (ingest_now_us_ == 0) ingest_now_us_ = NowMicros();
    ingest_.Append(ingest_now_us_);
  }
}

Batch RawBatchBuilder::Finish() {
  std::vector<Field> fields;
  std::vector<ColumnPtr> cols;
  int64_t rows = value_.length();
  fields.emplace_back(std::string(kValueColumn), DataType::Binary());
  cols.push_back(value_.Finish());
  auto add = [&](unsigned flag, std::string_view name, ColumnBuilder& b) {
    if (columns_ & flag) {
      fields.emplace_back(std::string(name), b.type());
      cols.push_back(b.Finish());
    }
  };
  add(kSource, kMetaSource, source_);
  add(kPartition, kMetaPartition, partition_);
  add(kOffset, kMetaOffset, offset_);
  add(kKey, kMetaKey, key_);
  add(kTimestamp, kMetaTimestamp, timestamp_);
  add(kIngestTime, kMetaIngestTime, ingest_);
  ingest_now_us_ = 0;
  return Batch(Schema::Make(std::move(fields)), std::move(cols), rows);
}

namespace {
template <typename S>
Batch MakeRaw(std::span<const S> payloads) {
  RawBatchBuilder b;
  size_t bytes = 0;
  for (const auto& p : payloads) bytes += p.size();
  b.Reserve(static_cast<int64_t>(payloads.size()), bytes);
  for (const auto& p : payloads) b.Add(p);
  return b.Finish();
}
}  // namespace

Batch MakeRawBatch(std::span<const std::string_view> payloads) { return MakeRaw(payloads); }
Batch MakeRawBatch(std::span<const std::string> payloads) { return MakeRaw(payloads); }

}  // namespace ark
