#include "codec/arrow_codec.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include <fmt/format.h>

namespace ark {
namespace {

// Raw bytes shown with a RecordError: the start of the failing message, bounded.
constexpr size_t kMaxRawBytes = 64;

std::string RawAt(std::string_view bytes, int64_t at) {
  if (at < 0 || static_cast<size_t>(at) >= bytes.size()) return std::string();
  return std::string(bytes.substr(static_cast<size_t>(at), kMaxRawBytes));
}

// One batch out of the decoded ones. Batches whose schema differs from the first one's cannot share
// the result and become errors (`error_at` gives their RecordError position).
template <typename ErrorAt>
Batch Combine(std::vector<Batch> batches, const SchemaPtr& fallback_schema,
              std::vector<RecordError>* errors, ErrorAt error_at) {
  if (batches.empty()) return fallback_schema ? Batch::Empty(fallback_schema) : Batch();
  const SchemaPtr& schema = batches.front().schema();
  std::vector<Batch> same;
  same.reserve(batches.size());
  for (size_t i = 0; i < batches.size(); ++i) {
    const Batch& b = batches[i];
    if (b.schema() == schema || b.schema()->Equals(*schema)) {
      same.push_back(b);
      continue;
    }
    RecordError e = error_at(i);
    e.message = fmt::format(
        "a record batch with schema ({}) follows batches with schema ({}); one decoded batch holds "
        "one schema, so its {} rows are dropped",
        b.schema()->ToString(), schema->ToString(), b.num_rows());
    errors->push_back(std::move(e));
  }
  if (same.size() == 1) return same.front();
  Result<Batch> all = ConcatBatches(same);
  // The schemas are equal, so concatenation cannot fail.
  ARK_CHECK(all.ok(), "concatenating batches of one schema failed");
  return std::move(all).value();
}

// Every batch of one payload, which holds a whole IPC stream or file.
Result<std::vector<Batch>> ReadPayload(BufferPtr bytes) {
  if (bytes->view().starts_with(kArrowFileMagic)) {
    ARK_ASSIGN_OR_RETURN(auto reader, IpcFileReader::Open(std::move(bytes)));
    return reader->ReadAll();
  }
  ARK_ASSIGN_OR_RETURN(auto reader, IpcStreamReader::Open(std::move(bytes)));
  return reader->ReadAll();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// ArrowDecoder

Result<DecodeResult> ArrowDecoder::DecodeChunk(std::string_view chunk, const ChunkPosition& pos) {
  if (stream_ == nullptr) stream_ = std::make_unique<IpcStreamDecoder>(pos.byte_offset);
  DecodeResult result;
  std::vector<Batch> batches;
  Status st = stream_->Consume(chunk, &batches);
  if (!st.ok()) {
    const int64_t at = stream_->error_offset();
    result.errors.push_back(RecordError{.message_index = -1,
                                        .line = pos.first_line,
                                        .byte_offset = at,
                                        .message = st.message(),
                                        .raw = RawAt(chunk, at - pos.byte_offset)});
    // What follows belongs to the broken stream or to a new one: start over with the next chunk.
    stream_.reset();
  }
  const SchemaPtr schema = stream_ ? stream_->schema() : nullptr;
  result.batch = Combine(std::move(batches), schema, &result.errors, [&](size_t) {
    return RecordError{.message_index = -1, .line = pos.first_line, .byte_offset = pos.byte_offset};
  });
  return result;
}

Result<DecodeResult> ArrowDecoder::DecodeMessages(const Column& payloads) {
  if (!payloads.type().is_binary_like()) {
    return Status::TypeError("arrow codec: payloads must be binary or string, not {}",
                             payloads.type().ToString());
  }
  DecodeResult result;
  std::vector<Batch> batches;
  std::vector<int64_t> batch_payload;
  SchemaPtr schema;
  const BufferPtr& data = payloads.buffer(2);
  for (int64_t i = 0; i < payloads.length(); ++i) {
    auto fail = [&](std::string message, std::string_view raw) {
      result.errors.push_back(RecordError{.message_index = i,
                                          .line = 1,
                                          .byte_offset = 0,
                                          .message = std::move(message),
                                          .raw = std::string(raw.substr(0, kMaxRawBytes))});
    };
    if (payloads.IsNull(i)) {
      fail("the payload is null", "");
      continue;
    }
    const std::string_view view = payloads.GetView(i);
    // Zero-copy: the columns keep the payload column's data buffer alive.
    BufferPtr bytes =
        Buffer::Wrap(reinterpret_cast<const uint8_t*>(view.data()), view.size(), data);
    Result<std::vector<Batch>> read = ReadPayload(std::move(bytes));
    if (!read.ok()) {
      fail(read.status().message(), view);
      continue;
    }
    if (read->empty()) continue;
    const SchemaPtr& payload_schema = read->front().schema();
    if (schema == nullptr) schema = payload_schema;
    if (payload_schema != schema && !payload_schema->Equals(*schema)) {
      fail(
          fmt::format("the payload's schema ({}) differs from the schema of the messages before it "
                      "({}); one decoded batch holds one schema",
                      payload_schema->ToString(), schema->ToString()),
          view);
      continue;
    }
    for (Batch& b : *read) {
      result.source_index.insert(result.source_index.end(), static_cast<size_t>(b.num_rows()), i);
      batches.push_back(std::move(b));
    }
  }
  // All batches share one schema here, so Combine reports nothing.
  result.batch =
      Combine(std::move(batches), schema, &result.errors, [](size_t) { return RecordError{}; });
  return result;
}

// ---------------------------------------------------------------------------------------------
// ArrowEncoder

ArrowEncoder::~ArrowEncoder() = default;

Status ArrowEncoder::EncodeStream(const Batch& batch, std::string* out) {
  if (schema_ != nullptr && batch.schema() != schema_ && !batch.schema()->Equals(*schema_)) {
    if (options_.format == ArrowIpcFormat::kFile) {
      return Status::InvalidArgument(
          "arrow codec (format: file): the batch has schema ({}) but the file has schema ({}); a "
          "file holds one schema (format: stream starts a new stream instead)",
          batch.schema()->ToString(), schema_->ToString());
    }
    ARK_RETURN_IF_ERROR(FinishStream(out));
  }
  if (schema_ == nullptr) {
    schema_ = batch.schema();
    if (options_.format == ArrowIpcFormat::kFile) {
      file_writer_ = std::make_unique<IpcFileWriter>(out, schema_);
    } else {
      stream_writer_ = std::make_unique<IpcStreamWriter>(out, schema_);
    }
  }
  if (file_writer_ != nullptr) {
    file_writer_->set_output(out);
    return file_writer_->Write(batch);
  }
  stream_writer_->set_output(out);
  return stream_writer_->Write(batch);
}

Status ArrowEncoder::FinishStream(std::string* out) {
  if (schema_ == nullptr) return Status::OK();
  Status st;
  if (file_writer_ != nullptr) {
    file_writer_->set_output(out);
    st = file_writer_->Finish();
  } else {
    stream_writer_->set_output(out);
    st = stream_writer_->Finish();
  }
  schema_.reset();
  file_writer_.reset();
  stream_writer_.reset();
  return st;
}

Result<ColumnPtr> ArrowEncoder::EncodeMessages(const Batch& batch) {
  if (batch.num_rows() == 0) return Column::MakeNull(DataType::Binary(), 0);
  auto bytes = std::make_shared<std::string>();
  if (options_.format == ArrowIpcFormat::kFile) {
    IpcFileWriter writer(bytes.get(), batch.schema());
    ARK_RETURN_IF_ERROR(writer.Write(batch));
    ARK_RETURN_IF_ERROR(writer.Finish());
  } else {
    IpcStreamWriter writer(bytes.get(), batch.schema());
    ARK_RETURN_IF_ERROR(writer.Write(batch));
    ARK_RETURN_IF_ERROR(writer.Finish());
  }
  if (bytes->size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::OutOfRange(
        "arrow codec: the encoded batch is {} bytes, more than one binary payload can hold (2 "
        "GiB); "
        "use smaller batches",
        bytes->size());
  }
  const auto size = static_cast<int32_t>(bytes->size());
  auto offsets = Buffer::Allocate(8);
  const int32_t ends[2] = {0, size};
  std::memcpy(offsets->mutable_data(), ends, sizeof(ends));
  // The payload references the encoded string without another copy.
  BufferPtr data =
      Buffer::Wrap(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size(), bytes);
  return Column::Make(DataType::Binary(), 1, {nullptr, std::move(offsets), std::move(data)}, {}, 0);
}

// ---------------------------------------------------------------------------------------------
// Configuration

const ConfigSpec& ArrowCodecSpec() {
  static const ConfigSpec spec = [] {
    ConfigSpec s(
        "Apache Arrow IPC. Decoding reads the stream and the file format alike (a file is "
        "recognised by its magic bytes); encoding writes `format`.");
    s.String("format",
             "IPC format to write: `stream` (a schema message, record batches, an end-of-stream "
             "marker) or `file` (the same between magic bytes, plus a footer indexing the "
             "batches; one schema per file).")
        .Default("stream")
        .OneOf({"stream", "file"});
    return s;
  }();
  return spec;
}

ArrowCodecOptions ArrowCodecOptionsFrom(const ComponentConfig& cfg) {
  ArrowCodecOptions options;
  options.format =
      cfg.GetString("format") == "file" ? ArrowIpcFormat::kFile : ArrowIpcFormat::kStream;
  return options;
}

Result<std::unique_ptr<Decoder>> MakeArrowDecoder(const ComponentConfig& cfg) {
  (void)cfg;  // `format` only steers encoding
  return std::unique_ptr<Decoder>(std::make_unique<ArrowDecoder>());
}

Result<std::unique_ptr<Encoder>> MakeArrowEncoder(const ComponentConfig& cfg) {
  return std::unique_ptr<Encoder>(std::make_unique<ArrowEncoder>(ArrowCodecOptionsFrom(cfg)));
}

}  // namespace ark
