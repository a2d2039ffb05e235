#include "codec/csv_encoder.h"

#include <cmath>

#include "base/strings.h"
#include "codec/json_encoder.h"

namespace ark {

void CsvEncoder::WriteField(std::string_view text, bool is_string) {
  const char d = options_.delimiter, q = options_.quote;
  bool needs_quotes = is_string && text.empty();
  for (char c : text) {
    if (c == d || c == q || c == '\n' || c == '\r') {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) {
    buffer_.Append(text);
    return;
  }
  char* p = buffer_.Reserve(2 * text.size() + 2);
  *p++ = q;
  for (char c : text) {
    if (c == q) *p++ = q;
    *p++ = c;
  }
  *p++ = q;
  buffer_.Commit(p);
}

void CsvEncoder::WriteRows(const Batch& batch, const std::vector<int>& columns, char separator,
                           std::vector<size_t>* row_ends) {
  // Numbers never need quotes unless the delimiter or quote could appear in them.
  constexpr std::string_view kNumberChars = "0123456789-+.eE";
  const bool numbers_plain = kNumberChars.find(options_.delimiter) == std::string_view::npos &&
                             kNumberChars.find(options_.quote) == std::string_view::npos;
  const int64_t rows = batch.num_rows();
  for (int64_t row = 0; row < rows; ++row) {
    bool first = true;
    for (int c : columns) {
      if (!first) buffer_.Push(options_.delimiter);
      first = false;
      const Column& col = *batch.column(c);
      if (col.IsNull(row)) continue;
      switch (col.type_id()) {
        case TypeId::kString:
          WriteField(col.GetView(row), true);
          continue;
        case TypeId::kInt64:
          if (numbers_plain) {
            char* p = buffer_.Reserve(json_text::kMaxNumberSize);
            buffer_.Commit(json_text::WriteInt(p, col.data<int64_t>()[row]));
            continue;
          }
          break;
        case TypeId::kInt32:
          if (numbers_plain) {
            char* p = buffer_.Reserve(json_text::kMaxNumberSize);
            buffer_.Commit(json_text::WriteInt(p, col.data<int32_t>()[row]));
            continue;
          }
          break;
        case TypeId::kFloat64: {
          double v = col.data<double>()[row];
          if (!std::isfinite(v)) continue;
          if (numbers_plain) {
            char* p = buffer_.Reserve(json_text::kMaxNumberSize);
            buffer_.Commit(json_text::WriteDouble(p, v));
            continue;
          }
          break;
        }
        default:
          break;
      }
      scratch_.Clear();
      json_text::AppendPlainValue(&scratch_, col, row);
      WriteField(scratch_.view(), col.type_id() == TypeId::kBinary);
    }
    if (row_ends) row_ends->push_back(buffer_.size());
    if (separator != '\0') buffer_.Push(separator);
  }
}

Status CsvEncoder::EncodeStream(const Batch& batch, std::string* out) {
  std::vector<int> columns = EncodedColumns(*batch.schema(), options_.include_meta, {});
  std::vector<std::string> names;
  for (int c : columns) names.push_back(batch.schema()->field(c).name);
  buffer_.Clear();
  if (!header_written_) {
    header_written_ = true;
    header_ = names;
    if (options_.header) {
      for (size_t i = 0; i < names.size(); ++i) {
        if (i) buffer_.Push(options_.delimiter);
        WriteField(names[i], false);
      }
      buffer_.Push('\n');
    }
  } else if (names != header_) {
    return Status::InvalidArgument(
        "csv encoder: the batch has columns ({}) but the stream started with ({}); CSV cannot "
        "change its columns mid-stream",
        JoinStrings(names, ", "), JoinStrings(header_, ", "));
  }
  WriteRows(batch, columns, '\n', nullptr);
  out->append(buffer_.data(), buffer_.size());
  return Status::OK();
}

Result<ColumnPtr> CsvEncoder::EncodeMessages(const Batch& batch) {
  std::vector<int> columns = EncodedColumns(*batch.schema(), options_.include_meta, {});
  buffer_.Clear();
  std::vector<size_t> ends;
  ends.reserve(static_cast<size_t>(batch.num_rows()));
  WriteRows(batch, columns, '\0', &ends);
  Result<ColumnPtr> column = json_text::TakeRowsAsBinaryColumn(&buffer_, ends);
  if (!column.ok()) return column.status().WithContext("csv encoder");
  return column;
}

}  // namespace ark
