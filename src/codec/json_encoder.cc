#include "codec/json_encoder.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/raw_message.h"

namespace ark {
namespace {

using json_text::TextBuffer;

enum class OutKind : uint8_t {
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kBool,
  kString,
  kTimestamp,
  kDate,
  kGeneric,  // binary, interval, null, list, struct: json_text::AppendJsonValue
};

struct OutColumn {
  const Column* column;
  OutKind kind;
  std::string prefix;  // `"name":`, with a leading ',' after the first column
};

OutKind KindOf(TypeId id) {
  switch (id) {
    case TypeId::kInt32:
      return OutKind::kInt32;
    case TypeId::kInt64:
      return OutKind::kInt64;
    case TypeId::kFloat32:
      return OutKind::kFloat32;
    case TypeId::kFloat64:
      return OutKind::kFloat64;
    case TypeId::kBool:
      return OutKind::kBool;
    case TypeId::kString:
      return OutKind::kString;
    case TypeId::kTimestamp:
      return OutKind::kTimestamp;
    case TypeId::kDate:
      return OutKind::kDate;
    default:
      return OutKind::kGeneric;
  }
}

// Writes `prefix` and `null`.
inline void WriteNull(TextBuffer* out, const std::string& prefix) {
  char* p = out->Reserve(prefix.size() + 4);
  std::memcpy(p, prefix.data(), prefix.size());
  std::memcpy(p + prefix.size(), "null", 4);
  out->Commit(p + prefix.size() + 4);
}

// Reserves room for the prefix plus `value_bytes`, writes the prefix, returns where the value
// goes.
inline char* Begin(TextBuffer* out, const std::string& prefix, size_t value_bytes) {
  char* p = out->Reserve(prefix.size() + value_bytes);
  std::memcpy(p, prefix.data(), prefix.size());
  return p + prefix.size();
}

void WriteCell(TextBuffer* out, const OutColumn& c, int64_t row) {
  const Column& col = *c.column;
  if (!col.IsValid(row)) {
    WriteNull(out, c.prefix);
    return;
  }
  switch (c.kind) {
    case OutKind::kInt64: {
      char* p = Begin(out, c.prefix, json_text::kMaxNumberSize);
      out->Commit(json_text::WriteInt(p, col.data<int64_t>()[row]));
      return;
    }
    case OutKind::kInt32: {
      char* p = Begin(out, c.prefix, json_text::kMaxNumberSize);
      out->Commit(json_text::WriteInt(p, col.data<int32_t>()[row]));
      return;
    }
    case OutKind::kFloat64: {
      double v = col.data<double>()[row];
      if (!std::isfinite(v)) break;
      char* p = Begin(out, c.prefix, json_text::kMaxNumberSize);
      out->Commit(json_text::WriteDouble(p, v));
      return;
    }
    case OutKind::kFloat32: {
      float v = col.data<float>()[row];
      if (!std::isfinite(v)) break;
      char* p = Begin(out, c.prefix, json_text::kMaxNumberSize);
      out->Commit(json_text::WriteFloat(p, v));
      return;
    }
    case OutKind::kBool: {
      bool v = col.GetBool(row);
      char* p = Begin(out, c.prefix, 5);
      std::memcpy(p, v ? "true" : "false", v ? 4 : 5);
      out->Commit(p + (v ? 4 : 5));
      return;
    }
    case OutKind::kString: {
      std::string_view s = col.GetView(row);
      char* p = Begin(out, c.prefix, json_text::MaxStringSize(s.size()));
      out->Commit(json_text::WriteString(p, s));
      return;
    }
    case OutKind::kTimestamp: {
      char* p = Begin(out, c.prefix, json_text::kMaxTimestampSize + 2);
      *p++ = '"';
      p = json_text::WriteTimestamp(p, col.data<int64_t>()[row]);
      *p++ = '"';
      out->Commit(p);
      return;
    }
    case OutKind::kDate: {
      char* p = Begin(out, c.prefix, json_text::kMaxTimestampSize + 2);
      *p++ = '"';
      p = json_text::WriteDate(p, col.data<int32_t>()[row]);
      *p++ = '"';
      out->Commit(p);
      return;
    }
    case OutKind::kGeneric:
      out->Append(c.prefix);
      json_text::AppendJsonValue(out, col, row);
      return;
  }
  WriteNull(out, c.prefix);  // non-finite floats
}

}  // namespace

std::vector<int> EncodedColumns(const Schema& schema, bool include_meta,
                                const std::vector<std::string>& fields) {
  std::vector<int> out;
  for (int i = 0; i < schema.num_fields(); ++i) {
    const std::string& name = schema.field(i).name;
    if (!fields.empty()) {
      if (std::find(fields.begin(), fields.end(), name) != fields.end()) out.push_back(i);
    } else if (include_meta || !IsMetaColumn(name)) {
      out.push_back(i);
    }
  }
  return out;
}

void JsonEncoder::WriteRows(const Batch& batch, TextBuffer* out, char separator,
                            std::vector<size_t>* row_ends) const {
  std::vector<OutColumn> cols;
  for (int i : EncodedColumns(*batch.schema(), options_.include_meta, options_.fields)) {
    const std::string& name = batch.schema()->field(i).name;
    std::string prefix(json_text::MaxStringSize(name.size()) + 2, '\0');
    char* p = prefix.data();
    if (!cols.empty()) *p++ = ',';
    p = json_text::WriteString(p, name);
    *p++ = ':';
    prefix.resize(static_cast<size_t>(p - prefix.data()));
    cols.push_back({batch.column(i).get(), KindOf(batch.column(i)->type_id()), std::move(prefix)});
  }
  const int64_t rows = batch.num_rows();
  if (row_ends) row_ends->reserve(row_ends->size() + static_cast<size_t>(rows));
  for (int64_t row = 0; row < rows; ++row) {
    out->Push('{');
    for (const OutColumn& c : cols) WriteCell(out, c, row);
    out->Push('}');
    if (row_ends) row_ends->push_back(out->size());
    if (separator != '\0') out->Push(separator);
  }
}

Status JsonEncoder::EncodeStream(const Batch& batch, std::string* out) {
  buffer_.Clear();
  WriteRows(batch, &buffer_, '\n', nullptr);
  out->append(buffer_.data(), buffer_.size());
  return Status::OK();
}

Result<ColumnPtr> JsonEncoder::EncodeMessages(const Batch& batch) {
  json_text::TextBuffer out;
  out.Reserve(last_messages_bytes_);
  std::vector<size_t> ends;
  WriteRows(batch, &out, '\0', &ends);
  last_messages_bytes_ = out.size();
  Result<ColumnPtr> column = json_text::TakeRowsAsBinaryColumn(&out, ends);
  if (!column.ok()) return column.status().WithContext("json encoder");
  return column;
}

}  // namespace ark
