#include "connectors/common/batch_writer.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>

#include "connectors/common/codec_option.h"
#include "core/raw_message.h"

namespace ark {

ColumnPtr RawValueColumn(const Batch& batch) {
  ColumnPtr value;
  for (int i = 0; i < batch.num_columns(); ++i) {
    const std::string& name = batch.schema()->field(i).name;
    if (name == kValueColumn && value == nullptr) {
      value = batch.column(i);
    } else if (!IsMetaColumn(name)) {
      return nullptr;
    }
  }
  return value;
}

BatchFormatter::BatchFormatter(std::unique_ptr<Encoder> encoder, bool append_newline,
                               ComponentContext ctx)
    : encoder_(std::move(encoder)), append_newline_(append_newline), ctx_(std::move(ctx)) {}

Status BatchFormatter::AppendPayloads(const Column& payloads, std::string* out) const {
  if (!payloads.type().is_binary_like()) {
    return Status::TypeError("column {} has type {}; expected binary or string", kValueColumn,
                             payloads.type().ToString());
  }
  const int64_t n = payloads.length();
  if (n == 0) return Status::OK();
  const int32_t* offsets = payloads.offsets();
  const char* data = payloads.string_data();
  const size_t newline = append_newline_ ? 1 : 0;
  size_t total = static_cast<size_t>(offsets[n] - offsets[0]) + newline * static_cast<size_t>(n);
  size_t at = out->size();
  out->resize(at + total);
  char* p = out->data() + at;
  if (!payloads.has_nulls() && !append_newline_) {
    std::memcpy(p, data + offsets[0], total);
    return Status::OK();
  }
  const bool nulls = payloads.has_nulls();
  for (int64_t i = 0; i < n; ++i) {
    if (!nulls || payloads.IsValid(i)) {
      size_t len = static_cast<size_t>(offsets[i + 1] - offsets[i]);
      std::memcpy(p, data + offsets[i], len);
      p += len;
    }
    if (append_newline_) *p++ = '\n';
  }
  // Null slots may reference bytes that are not written.
  out->resize(static_cast<size_t>(p - out->data()));
  return Status::OK();
}

Status BatchFormatter::Append(const Batch& batch, std::string* out) {
  if (encoder_ != nullptr) return encoder_->EncodeStream(batch, out);
  if (batch.num_rows() == 0) return Status::OK();
  if (ColumnPtr value = RawValueColumn(batch)) return AppendPayloads(*value, out);
  if (json_encoder_ == nullptr) {
    ConfigValue node =
        MakeCodecNode("json", ConfigValue::Null(SourcePos{"<builtin>", 0, 0}, "output.codec"));
    auto encoder = MakeCodecEncoder(node, ctx_);
    if (!encoder.ok()) {
      return encoder.status().WithContext(
          "writing rows as JSON (set a codec to choose the "
          "format)");
    }
    json_encoder_ = std::move(encoder).value();
  }
  ARK_ASSIGN_OR_RETURN(ColumnPtr payloads, json_encoder_->EncodeMessages(batch));
  return AppendPayloads(*payloads, out);
}

Status BatchFormatter::Finish(std::string* out) {
  if (encoder_ != nullptr) return encoder_->FinishStream(out);
  return Status::OK();
}

Status WriteFully(int fd, std::string_view data, size_t* written, std::string_view what) {
  *written = 0;
  while (*written < data.size()) {
    ssize_t n = ::write(fd, data.data() + *written, data.size() - *written);
    if (n >= 0) {
      *written += static_cast<size_t>(n);
      continue;
    }
    int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK) {
      // A non-blocking descriptor (a terminal or pipe set up by someone else): wait until writable.
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, -1) < 0 && errno != EINTR) {
        return Status::FromErrno(errno, fmt::format("waiting to write to {}", what));
      }
      continue;
    }
    if (err == EPIPE) {
      return Status::Cancelled("writing to {}: the reader closed it (broken pipe)", what);
    }
    if (err == ENOSPC || err == EDQUOT) {
      return Status::ResourceExhausted("writing to {}: {} ({} of {} bytes written; will retry)",
                                       what, std::strerror(err), *written, data.size());
    }
    return Status::FromErrno(err, fmt::format("writing to {}", what));
  }
  return Status::OK();
}

BatchWriter::BatchWriter(BatchFormatter formatter, std::string what)
    : formatter_(std::move(formatter)), what_(std::move(what)) {}

Status BatchWriter::WritePending(int fd) {
  size_t written = 0;
  Status s = WriteFully(fd, std::string_view(pending_).substr(pending_pos_), &written, what_);
  pending_pos_ += written;
  bytes_written_ += static_cast<int64_t>(written);
  if (s.ok()) {
    pending_.clear();
    pending_pos_ = 0;
  }
  return s;
}

Status BatchWriter::Write(int fd, const Batch& batch) {
  if (pending_pos_ < pending_.size()) {
    // The remainder of a batch whose write failed: finish it first.
    ARK_RETURN_IF_ERROR(WritePending(fd));
    bool same = failed_rows_ == batch.num_rows() && failed_columns_ == batch.columns();
    failed_columns_.clear();
    failed_rows_ = -1;
    if (same) return Status::OK();
  }
  failed_columns_.clear();
  failed_rows_ = -1;
  pending_.clear();
  pending_pos_ = 0;
  Status encoded = formatter_.Append(batch, &pending_);
  if (!encoded.ok()) {
    pending_.clear();
    return encoded;
  }
  Status s = WritePending(fd);
  if (!s.ok()) {
    failed_columns_ = batch.columns();
    failed_rows_ = batch.num_rows();
  }
  return s;
}

Status BatchWriter::Finish(int fd) {
  if (pending_pos_ < pending_.size()) ARK_RETURN_IF_ERROR(WritePending(fd));
  if (finished_) return Status::OK();
  pending_.clear();
  pending_pos_ = 0;
  Status encoded = formatter_.Finish(&pending_);
  if (!encoded.ok()) {
    pending_.clear();
    return encoded;
  }
  finished_ = true;
  return WritePending(fd);
}

}  // namespace ark
