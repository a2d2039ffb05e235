#include "codec/csv_decoder.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>

#include "base/strings.h"
#include "base/time.h"
#include "codec/json_decoder.h"
#include "codec/json_text.h"
#include "core/batch.h"
#include "core/column_builder.h"

namespace ark {
namespace {

struct CsvField {
  const char* data;
  size_t size;
  bool quoted;
  bool escaped;  // holds doubled quotes
};

struct CsvRecord {
  size_t first_field;
  size_t num_fields;
  int64_t line;
  int64_t byte_offset;
  int64_t message_index;
  std::string_view raw;
};

// Splits text into records and fields (see the syntax in csv_decoder.h).
class Tokenizer {
 public:
  Tokenizer(char delimiter, char quote, size_t max_record_bytes)
      : delim_(delimiter), quote_(quote), max_(max_record_bytes) {}

  void Run(std::string_view text, int64_t first_line, int64_t byte_offset, int64_t message_index,
           std::vector<CsvField>* fields, std::vector<CsvRecord>* records,
           std::vector<RecordError>* errors) const {
    const char* begin = text.data();
    const char* p = begin;
    const char* end = begin + text.size();
    int64_t line = first_line;
    while (p < end) {
      if (*p == '\n') {  // empty line
        ++line;
        ++p;
        continue;
      }
      if (*p == '\r' && p + 1 < end && p[1] == '\n') {
        ++line;
        p += 2;
        continue;
      }
      const char* start = p;
      const int64_t record_line = line;
      const size_t first = fields->size();
      std::string error;
      bool done = false;
      while (!done) {
        if (p < end && *p == quote_) {
          const char* q = p + 1;
          const char* content = q;
          const char* close = nullptr;
          bool escaped = false;
          while (true) {
            const auto* f =
                static_cast<const char*>(std::memchr(q, quote_, static_cast<size_t>(end - q)));
            if (f == nullptr) break;
            line += std::count(q, f, '\n');
            if (f + 1 < end && f[1] == quote_) {
              escaped = true;
              q = f + 2;
              continue;
            }
            close = f;
            break;
          }
          if (close == nullptr) {
            line += std::count(q, end, '\n');
            error = "unterminated quoted field";
            p = end;
            break;
          }
          fields->push_back({content, static_cast<size_t>(close - content), true, escaped});
          p = close + 1;
          if (p == end) {
            done = true;
          } else if (*p == delim_) {
            ++p;
            if (p == end) {
              fields->push_back({p, 0, false, false});
              done = true;
            }
          } else if (*p == '\n') {
            ++p;
            ++line;
            done = true;
          } else if (*p == '\r' && (p + 1 == end || p[1] == '\n')) {
            p += p + 1 < end ? 2 : 1;
            ++line;
            done = true;
          } else {
            error = fmt::format("unexpected character '{}' after the closing quote of field {}", *p,
                                fields->size() - first);
            const auto* nl =
                static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
            if (nl != nullptr) {
              p = nl + 1;
              ++line;
            } else {
              p = end;
            }
            break;
          }
        } else {
          const char* s = p;
          while (p < end && *p != delim_ && *p != '\n') ++p;
          size_t n = static_cast<size_t>(p - s);
          if ((p == end || *p == '\n') && n > 0 && s[n - 1] == '\r') --n;
          fields->push_back({s, n, false, false});
          if (p < end && *p == delim_) {
            ++p;
            if (p == end) {
              fields->push_back({p, 0, false, false});
              done = true;
            }
          } else {
            if (p < end) {
              ++p;
              ++line;
            }
            done = true;
          }
        }
      }
      std::string_view raw(start, static_cast<size_t>(p - start));
      if (!raw.empty() && raw.back() == '\n') raw.remove_suffix(1);
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      if (error.empty() && raw.size() > max_) {
        error = fmt::format("record of {} bytes exceeds max_record_bytes {}", raw.size(), max_);
      }
      const int64_t offset = byte_offset + (start - begin);
      if (!error.empty()) {
        fields->resize(first);
        errors->push_back(RecordError{message_index, record_line, offset, std::move(error),
                                      TruncateRecordText(raw)});
        continue;
      }
      records->push_back(
          CsvRecord{first, fields->size() - first, record_line, offset, message_index, raw});
    }
  }

 private:
  char delim_;
  char quote_;
  size_t max_;
};

// ---------------------------------------------------------------------------------------------
// Value parsing.

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool ParseFloat(std::string_view s, double* out) {
  if (s.empty() || std::none_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool EqualsNoCase(std::string_view s, std::string_view word) {
  if (s.size() != word.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

bool ParseBool(std::string_view s, bool* out) {
  if (EqualsNoCase(s, "true")) {
    *out = true;
    return true;
  }
  if (EqualsNoCase(s, "false")) {
    *out = false;
    return true;
  }
  return false;
}

bool IsUtf8(std::string_view s) {
  uint64_t high = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    high |= x;
  }
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  return (high & 0x8080808080808080ULL) == 0 || json_text::IsValidUtf8(s);
}

// A value as shown in messages: at most 64 bytes (cut on a UTF-8 boundary), then "…".
std::string Shown(std::string_view s) {
  if (s.size() <= 64) return std::string(s);
  size_t n = 64;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "\xE2\x80\xA6";
}

Status CheckCsvType(const Field& f) {
  switch (f.type.id()) {
    case TypeId::kBool:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kTimestamp:
    case TypeId::kDate:
      return Status::OK();
    default:
      return Status::InvalidArgument(
          "csv schema: column \"{}\": type {} is not supported by the "
          "csv codec",
          f.name, f.type.ToString());
  }
}

enum InferFlags : uint8_t { kSawInt = 1, kSawFloat = 2, kSawBool = 4, kSawString = 8 };

DataType InferredType(uint8_t flags) {
  if ((flags & kSawString) || ((flags & kSawBool) && (flags & (kSawInt | kSawFloat)))) {
    return DataType::String();
  }
  if (flags & kSawBool) return DataType::Bool();
  if (flags & kSawFloat) return DataType::Float64();
  if (flags & kSawInt) return DataType::Int64();
  return DataType::String();
}

}  // namespace

size_t CsvRecordBoundary(std::string_view data, char delimiter, char quote) {
  size_t last = 0;
  bool field_start = true;
  bool in_quotes = false;
  for (size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    if (in_quotes) {
      if (c == quote) {
        if (i + 1 < data.size() && data[i + 1] == quote) {
          ++i;
        } else {
          in_quotes = false;
        }
      }
      continue;
    }
    if (c == quote && field_start) {
      in_quotes = true;
      field_start = false;
    } else if (c == '\n') {
      last = i + 1;
      field_start = true;
    } else {
      field_start = c == delimiter;
    }
  }
  return last;
}

// ---------------------------------------------------------------------------------------------

struct CsvDecoder::Impl {
  CsvDecoderOptions options;
  Tokenizer tokenizer;
  bool header_done = false;
  std::vector<std::string> names;  // the file's columns, once known
  bool fixed = false;              // output columns and types known
  std::vector<Field> out_fields;
  std::vector<size_t> source;  // output column → file column
  SchemaPtr schema;

  std::vector<CsvField> fields;
  std::vector<CsvRecord> records;
  std::string unescaped;

  explicit Impl(CsvDecoderOptions o)
      : options(std::move(o)),
        tokenizer(options.delimiter, options.quote, options.max_record_bytes) {}

  std::string_view Text(const CsvField& f) {
    if (!f.escaped) return {f.data, f.size};
    unescaped.clear();
    for (size_t i = 0; i < f.size; ++i) {
      unescaped += f.data[i];
      if (f.data[i] == options.quote) ++i;  // the second quote of a doubled pair
    }
    return unescaped;
  }

  void Fix(std::vector<Field> fields_out, std::vector<size_t> source_columns) {
    out_fields = std::move(fields_out);
    source = std::move(source_columns);
    schema = Schema::Make(out_fields);
    fixed = true;
  }

  // Called once the file's column names are known.
  Status SetupColumns() {
    if (!options.schema) return Status::OK();
    std::vector<size_t> src;
    for (const Field& f : *options.schema) {
      auto it = std::find(names.begin(), names.end(), f.name);
      if (it == names.end()) {
        return Status::InvalidArgument("csv: declared column \"{}\" is not in the header ({}){}",
                                       f.name, JoinStrings(names, ", "), DidYouMean(f.name, names));
      }
      src.push_back(static_cast<size_t>(it - names.begin()));
    }
    Fix(*options.schema, std::move(src));
    return Status::OK();
  }

  Result<DecodeResult> Decode(std::vector<RecordError> errors, bool messages);

  template <typename F>
  void ConvertColumn(size_t col, std::span<const size_t> rows, std::vector<std::string>* row_errors,
                     F&& convert) {
    for (size_t i = 0; i < rows.size(); ++i) {
      const CsvRecord& r = records[rows[i]];
      const CsvField& f = fields[r.first_field + source[col]];
      if (!f.quoted && f.size == 0) {
        convert.Null();
        continue;
      }
      std::string_view text = Text(f);
      if (!convert(text)) {
        convert.Null();
        if ((*row_errors)[i].empty()) {
          (*row_errors)[i] = convert.Error(out_fields[col], text);
        }
      }
    }
  }
};

namespace {

// Converters: operator() appends a value (false when it does not fit), Null() appends a null,
// Error() explains a misfit.
template <typename Builder>
struct ConverterBase {
  Builder* b;
  void Null() { b->AppendNull(); }
  std::string Error(const Field& f, std::string_view text) const {
    return fmt::format("column \"{}\": expected {}, got \"{}\"", f.name, f.type.ToString(),
                       Shown(text));
  }
};

struct Int64Converter : ConverterBase<Int64Builder> {
  bool operator()(std::string_view s) {
    int64_t v;
    if (!ParseInt(s, &v)) return false;
    b->Append(v);
    return true;
  }
};

struct Int32Converter : ConverterBase<Int32Builder> {
  bool operator()(std::string_view s) {
    int64_t v;
    if (!ParseInt(s, &v) || v < std::numeric_limits<int32_t>::min() ||
        v > std::numeric_limits<int32_t>::max()) {
      return false;
    }
    b->Append(static_cast<int32_t>(v));
    return true;
  }
};

struct Float64Converter : ConverterBase<Float64Builder> {
  bool operator()(std::string_view s) {
    double v;
    if (!ParseFloat(s, &v)) return false;
    b->Append(v);
    return true;
  }
};

struct Float32Converter : ConverterBase<Float32Builder> {
  bool operator()(std::string_view s) {
    double v;
    if (!ParseFloat(s, &v)) return false;
    b->Append(static_cast<float>(v));
    return true;
  }
};

struct BoolConverter : ConverterBase<BoolBuilder> {
  bool operator()(std::string_view s) {
    bool v;
    if (!ParseBool(s, &v)) return false;
    b->Append(v);
    return true;
  }
};

struct StringConverter : ConverterBase<BinaryBuilder> {
  bool check_utf8;
  bool operator()(std::string_view s) {
    if (check_utf8 && !IsUtf8(s)) return false;
    b->Append(s);
    return true;
  }
  std::string Error(const Field& f, std::string_view) const {
    return fmt::format("column \"{}\": invalid UTF-8", f.name);
  }
};

struct TimestampConverter : ConverterBase<Int64Builder> {
  bool operator()(std::string_view s) {
    int64_t v;
    if (!ParseInt(s, &v)) {
      Result<int64_t> ts = ParseTimestampMicros(s);
      if (!ts.ok()) return false;
      v = *ts;
    }
    b->Append(v);
    return true;
  }
};

struct DateConverter : ConverterBase<Int32Builder> {
  bool operator()(std::string_view s) {
    int64_t v;
    if (ParseInt(s, &v)) {
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        return false;
      }
      b->Append(static_cast<int32_t>(v));
      return true;
    }
    Result<int32_t> d = ParseDate(s);
    if (!d.ok()) return false;
    b->Append(*d);
    return true;
  }
};

}  // namespace

Result<DecodeResult> CsvDecoder::Impl::Decode(std::vector<RecordError> errors, bool messages) {
  size_t next = 0;
  if (options.header && !header_done && !records.empty()) {
    const CsvRecord& h = records[0];
    for (size_t i = 0; i < h.num_fields; ++i) {
      std::string name(Text(fields[h.first_field + i]));
      if (name.empty()) name = fmt::format("c{}", i);
      names.push_back(std::move(name));
    }
    header_done = true;
    next = 1;
    ARK_RETURN_IF_ERROR(SetupColumns());
  }
  if (!options.header && names.empty() && next < records.size()) {
    for (size_t i = 0; i < records[next].num_fields; ++i) names.push_back(fmt::format("c{}", i));
  }

  // Field counts.
  std::vector<size_t> rows;
  rows.reserve(records.size());
  for (size_t r = next; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    if (rec.num_fields != names.size()) {
      errors.push_back(
          RecordError{rec.message_index, rec.line, rec.byte_offset,
                      fmt::format("expected {} fields, got {}", names.size(), rec.num_fields),
                      TruncateRecordText(rec.raw)});
      continue;
    }
    rows.push_back(r);
  }

  // Inference on the first data.
  if (!fixed && !rows.empty()) {
    std::vector<Field> out;
    std::vector<size_t> src;
    for (size_t c = 0; c < names.size(); ++c) {
      uint8_t flags = 0;
      for (size_t r : rows) {
        const CsvField& f = fields[records[r].first_field + c];
        if (f.size == 0) {
          if (f.quoted) flags |= kSawString;
          continue;
        }
        std::string_view s = Text(f);
        int64_t i;
        double d;
        bool b;
        if (ParseInt(s, &i)) {
          flags |= kSawInt;
        } else if (ParseFloat(s, &d)) {
          flags |= kSawFloat;
        } else if (ParseBool(s, &b)) {
          flags |= kSawBool;
        } else {
          flags |= kSawString;
          break;
        }
      }
      out.emplace_back(names[c], InferredType(flags));
      src.push_back(c);
    }
    Fix(std::move(out), std::move(src));
  }

  DecodeResult result;
  if (!fixed) {
    result.batch = Batch(Schema::Make({}), {}, 0);
  } else {
    std::vector<std::string> row_errors(rows.size());
    std::vector<ColumnPtr> columns;
    for (size_t c = 0; c < out_fields.size(); ++c) {
      std::unique_ptr<ColumnBuilder> builder = MakeBuilder(out_fields[c].type);
      builder->Reserve(static_cast<int64_t>(rows.size()));
      ColumnBuilder* b = builder.get();
      switch (out_fields[c].type.id()) {
        case TypeId::kInt64:
          ConvertColumn(c, rows, &row_errors, Int64Converter{{static_cast<Int64Builder*>(b)}});
          break;
        case TypeId::kInt32:
          ConvertColumn(c, rows, &row_errors, Int32Converter{{static_cast<Int32Builder*>(b)}});
          break;
        case TypeId::kFloat64:
          ConvertColumn(c, rows, &row_errors, Float64Converter{{static_cast<Float64Builder*>(b)}});
          break;
        case TypeId::kFloat32:
          ConvertColumn(c, rows, &row_errors, Float32Converter{{static_cast<Float32Builder*>(b)}});
          break;
        case TypeId::kBool:
          ConvertColumn(c, rows, &row_errors, BoolConverter{{static_cast<BoolBuilder*>(b)}});
          break;
        case TypeId::kString:
        case TypeId::kBinary:
          ConvertColumn(c, rows, &row_errors,
                        StringConverter{{static_cast<BinaryBuilder*>(b)},
                                        out_fields[c].type.id() == TypeId::kString});
          break;
        case TypeId::kTimestamp:
          ConvertColumn(c, rows, &row_errors, TimestampConverter{{static_cast<Int64Builder*>(b)}});
          break;
        case TypeId::kDate:
          ConvertColumn(c, rows, &row_errors, DateConverter{{static_cast<Int32Builder*>(b)}});
          break;
        default:
          return Status::Internal("csv decoder: unsupported column type {}",
                                  out_fields[c].type.ToString());
      }
      columns.push_back(builder->Finish());
    }
    result.batch = Batch(schema, std::move(columns), static_cast<int64_t>(rows.size()));
    std::vector<int64_t> keep;
    for (size_t i = 0; i < rows.size(); ++i) {
      const CsvRecord& rec = records[rows[i]];
      if (!row_errors[i].empty()) {
        errors.push_back(RecordError{rec.message_index, rec.line, rec.byte_offset,
                                     std::move(row_errors[i]), TruncateRecordText(rec.raw)});
        continue;
      }
      keep.push_back(static_cast<int64_t>(i));
      if (messages) result.source_index.push_back(rec.message_index);
    }
    if (keep.size() != rows.size()) result.batch = TakeRows(result.batch, keep);
  }
  std::stable_sort(errors.begin(), errors.end(), [](const RecordError& a, const RecordError& b) {
    return a.message_index != b.message_index ? a.message_index < b.message_index
                                              : a.byte_offset < b.byte_offset;
  });
  result.errors = std::move(errors);
  return result;
}

Result<std::unique_ptr<CsvDecoder>> CsvDecoder::Make(CsvDecoderOptions options) {
  if (options.delimiter == options.quote) {
    return Status::InvalidArgument("csv: delimiter and quote must differ (both are '{}')",
                                   options.delimiter);
  }
  if (options.delimiter == '\n' || options.delimiter == '\r' || options.quote == '\n' ||
      options.quote == '\r') {
    return Status::InvalidArgument("csv: delimiter and quote cannot be a line break");
  }
  if (options.max_record_bytes == 0) {
    return Status::InvalidArgument("csv: max_record_bytes must be at least 1");
  }
  if (options.schema) {
    std::vector<std::string> seen;
    for (const Field& f : *options.schema) {
      ARK_RETURN_IF_ERROR(CheckCsvType(f));
      if (std::find(seen.begin(), seen.end(), f.name) != seen.end()) {
        return Status::InvalidArgument("csv schema: duplicate column \"{}\"", f.name);
      }
      seen.push_back(f.name);
    }
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  if (!impl->options.header && impl->options.schema) {
    std::vector<size_t> src;
    for (const Field& f : *impl->options.schema) {
      src.push_back(impl->names.size());
      impl->names.push_back(f.name);
    }
    impl->Fix(*impl->options.schema, std::move(src));
  }
  return std::unique_ptr<CsvDecoder>(new CsvDecoder(std::move(impl)));
}

CsvDecoder::CsvDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvDecoder::~CsvDecoder() = default;

SchemaPtr CsvDecoder::schema() const { return impl_->fixed ? impl_->schema : nullptr; }

Result<DecodeResult> CsvDecoder::DecodeChunk(std::string_view chunk, const ChunkPosition& pos) {
  Impl& s = *impl_;
  s.fields.clear();
  s.records.clear();
  std::vector<RecordError> errors;
  s.tokenizer.Run(chunk, pos.first_line, pos.byte_offset, -1, &s.fields, &s.records, &errors);
  return s.Decode(std::move(errors), /*messages=*/false);
}

Result<DecodeResult> CsvDecoder::DecodeMessages(const Column& payloads) {
  if (!payloads.type().is_binary_like()) {
    return Status::TypeError("csv decoder: the payload column must be binary or string, not {}",
                             payloads.type().ToString());
  }
  Impl& s = *impl_;
  s.fields.clear();
  s.records.clear();
  std::vector<RecordError> errors;
  for (int64_t i = 0; i < payloads.length(); ++i) {
    if (payloads.IsNull(i)) {
      errors.push_back(RecordError{i, 1, 0, "null payload", ""});
      continue;
    }
    s.tokenizer.Run(payloads.GetView(i), 1, 0, i, &s.fields, &s.records, &errors);
  }
  ARK_ASSIGN_OR_RETURN(DecodeResult result, s.Decode(std::move(errors), /*messages=*/true));
  bool identity = result.source_index.size() == static_cast<size_t>(payloads.length());
  for (size_t i = 0; i < result.source_index.size() && identity; ++i) {
    identity = result.source_index[i] == static_cast<int64_t>(i);
  }
  if (identity) result.source_index.clear();
  return result;
}

}  // namespace ark
