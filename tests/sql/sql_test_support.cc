#include "sql_test_support.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "base/time.h"
#include "codec/json_decoder.h"
#include "core/type_parser.h"
#include "core/value.h"
#include "sql/expr/cast.h"
#include "sql/expr/datum.h"

namespace ark::sqltest {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Consumes `word` (case-insensitive) followed by a space or the end; true when it was there.
bool ConsumeWord(std::string_view& s, std::string_view word) {
  s = Trim(s);
  if (s.size() < word.size() || Lower(s.substr(0, word.size())) != word) return false;
  if (s.size() > word.size() && !std::isspace(static_cast<unsigned char>(s[word.size()])) &&
      s[word.size()] != '(') {
    return false;
  }
  s.remove_prefix(word.size());
  s = Trim(s);
  return true;
}

// An identifier at the front of `s` (lower-cased), or "".
std::string ConsumeName(std::string_view& s) {
  s = Trim(s);
  size_t n = 0;
  while (n < s.size() && (std::isalnum(static_cast<unsigned char>(s[n])) || s[n] == '_')) ++n;
  std::string name = Lower(s.substr(0, n));
  s.remove_prefix(n);
  s = Trim(s);
  return name;
}

std::string EscapeText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FormatFloat(double v, int digits) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", digits, v);
  return buf;
}

std::string FormatFraction(int64_t value, int width) {
  // value < 10^width; trailing zeros dropped; "" when zero.
  if (value == 0) return "";
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%0*" PRId64, width, value);
  std::string s(buf);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return "." + s;
}

std::string FormatTimestamp(int64_t micros) {
  int64_t days = micros / 86400000000;
  int64_t rem = micros % 86400000000;
  if (rem < 0) {
    rem += 86400000000;
    --days;
  }
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  int64_t secs = rem / 1000000;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04" PRId64 "-%02u-%02u %02" PRId64 ":%02" PRId64 ":%02" PRId64,
                year, month, day, secs / 3600, secs / 60 % 60, secs % 60);
  return buf + FormatFraction(rem % 1000000, 6);
}

std::string FormatDateDays(int32_t days) {
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04" PRId64 "-%02u-%02u", year, month, day);
  return buf;
}

// PostgreSQL's interval output (IntervalStyle = postgres).
std::string FormatInterval(const IntervalValue& v) {
  std::string out;
  bool is_before = false;
  bool is_zero = true;
  auto part = [&](int64_t value, const char* unit) {
    if (value == 0) return;
    out += fmt::format("{}{}{} {}{}", is_zero ? "" : " ", (is_before && value > 0) ? "+" : "",
                       value, unit, value != 1 ? "s" : "");
    is_before = value < 0;
    is_zero = false;
  };
  part(v.months / 12, "year");
  part(v.months % 12, "mon");
  part(v.days, "day");
  int64_t nanos = v.nanos;
  if (is_zero || nanos != 0) {
    bool minus = nanos < 0;
    uint64_t n = minus ? static_cast<uint64_t>(-(nanos + 1)) + 1 : static_cast<uint64_t>(nanos);
    uint64_t secs = n / 1000000000;
    uint64_t frac = n % 1000000000;
    std::string fraction = frac % 1000 == 0 ? FormatFraction(static_cast<int64_t>(frac / 1000), 6)
                                            : FormatFraction(static_cast<int64_t>(frac), 9);
    out += fmt::format("{}{}{:02}:{:02}:{:02}{}", is_zero ? "" : " ",
                       minus ? "-" : (is_before ? "+" : ""), secs / 3600, secs / 60 % 60, secs % 60,
                       fraction);
  }
  return out;
}

std::string RenderNested(const Column& c, int64_t row, const RenderOptions& options) {
  if (c.IsNull(row)) return "NULL";
  if (c.type_id() == TypeId::kString) {
    std::string_view s = c.GetView(row);
    return s.empty() ? "\"\"" : EscapeText(s);
  }
  return RenderValue(c, row, options);
}

}  // namespace

std::string RenderValue(const Column& c, int64_t row, const RenderOptions& options) {
  if (c.IsNull(row)) return "NULL";
  switch (c.type_id()) {
    case TypeId::kNull:
      return "NULL";
    case TypeId::kBool:
      return c.GetBool(row) ? "true" : "false";
    case TypeId::kInt32:
      return std::to_string(c.data<int32_t>()[row]);
    case TypeId::kInt64:
      return std::to_string(c.data<int64_t>()[row]);
    case TypeId::kFloat32: {
      // The shortest text that reads back as the same float, laid out as PostgreSQL's float4
      // output does (100, 0.1, 1e+06); %g with fewer digits when float_digits asks for less.
      float v = c.data<float>()[row];
      if (options.float_digits >= 9) return FormatSqlFloat32(v);
      for (int digits = 1; digits < options.float_digits; ++digits) {
        std::string text = FormatFloat(v, digits);
        if (std::strtof(text.c_str(), nullptr) == v) return FormatSqlFloat32(v);
      }
      return FormatFloat(v, options.float_digits);
    }
    case TypeId::kFloat64:
      return FormatFloat(c.data<double>()[row], options.float_digits);
    case TypeId::kString: {
      std::string_view s = c.GetView(row);
      return s.empty() ? "(empty)" : EscapeText(s);
    }
    case TypeId::kBinary: {
      std::string_view s = c.GetView(row);
      std::string out = "\\x";
      static const char* kHex = "0123456789abcdef";
      for (unsigned char ch : s) {
        out += kHex[ch >> 4];
        out += kHex[ch & 15];
      }
      return out;
    }
    case TypeId::kTimestamp:
      return FormatTimestamp(c.data<int64_t>()[row]);
    case TypeId::kDate:
      return FormatDateDays(c.data<int32_t>()[row]);
    case TypeId::kInterval:
      return FormatInterval(c.data<IntervalValue>()[row]);
    case TypeId::kList: {
      const Column& items = *c.list_values();
      std::string out = "[";
      int64_t start = c.list_start(row);
      int64_t n = c.list_length(row);
      for (int64_t i = 0; i < n; ++i) {
        if (i) out += ", ";
        out += RenderNested(items, start + i, options);
      }
      return out + "]";
    }
    case TypeId::kStruct: {
      std::string out = "{";
      const auto& fields = c.type().fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ", ";
        ColumnPtr f = c.struct_field(static_cast<int>(i));
        out += fields[i].name + ": " + RenderNested(*f, row, options);
      }
      return out + "}";
    }
  }
  return "?";
}

std::vector<std::vector<std::string>> RenderRows(const std::vector<Batch>& batches,
                                                 const RenderOptions& options) {
  std::vector<std::vector<std::string>> rows;
  for (const Batch& b : batches) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      std::vector<std::string> row;
      row.reserve(b.num_columns());
      for (int c = 0; c < b.num_columns(); ++c)
        row.push_back(RenderValue(*b.column(c), r, options));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

char TypeLetter(const DataType& type) {
  switch (type.id()) {
    case TypeId::kInt32:
    case TypeId::kInt64:
      return 'I';
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return 'R';
    case TypeId::kString:
      return 'T';
    case TypeId::kBool:
      return 'B';
    case TypeId::kDate:
      return 'D';
    case TypeId::kTimestamp:
      return 'S';
    case TypeId::kInterval:
      return 'V';
    case TypeId::kBinary:
      return 'Y';
    case TypeId::kList:
      return 'L';
    case TypeId::kStruct:
      return 'X';
    case TypeId::kNull:
      return 'N';
  }
  return '?';
}

bool Harness::HasTable(std::string_view name) const { return tables_.count(Lower(name)) > 0; }

std::vector<Batch> Harness::Rebatch(const Table& t) const {
  if (batch_size_ <= 0 && t.batches.size() <= 1) return t.batches;
  Result<Batch> all =
      t.batches.empty() ? Result<Batch>(Batch::Empty(t.schema)) : ConcatBatches(t.batches);
  if (!all.ok()) return t.batches;
  if (batch_size_ <= 0) return {*all};
  std::vector<Batch> out;
  for (int64_t off = 0; off < all->num_rows(); off += batch_size_) {
    out.push_back(all->Slice(off, std::min(batch_size_, all->num_rows() - off)));
  }
  return out;
}

Status Harness::CreateTable(std::string_view name, std::string_view columns) {
  columns = Trim(columns);
  if (columns.size() < 2 || columns.front() != '(' || columns.back() != ')') {
    return Status::InvalidArgument("CREATE TABLE {}: expected (name type, ...)", name);
  }
  columns = columns.substr(1, columns.size() - 2);
  std::vector<Field> fields;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= columns.size(); ++i) {
    if (i < columns.size()) {
      char c = columns[i];
      if (c == '<' || c == '(') ++depth;
      if (c == '>' || c == ')') --depth;
      if (c != ',' || depth > 0) continue;
    }
    std::string_view def = Trim(columns.substr(start, i - start));
    start = i + 1;
    std::string col = ConsumeName(def);
    if (col.empty() || def.empty()) {
      return Status::InvalidArgument("CREATE TABLE {}: bad column definition \"{}\"", name, def);
    }
    ARK_ASSIGN_OR_RETURN(DataType type, ParseDataType(def));
    fields.emplace_back(col, type);
  }
  Table t;
  t.schema = Schema::Make(std::move(fields));
  tables_[std::string(name)] = std::move(t);
  return Status::OK();
}

Status Harness::CreateTableAs(std::string_view name, std::string_view query,
                              const RenderOptions& options) {
  ARK_ASSIGN_OR_RETURN(StatementResult r, RunQuery(query, options));
  Table t;
  t.schema = r.schema;
  for (Batch& b : r.batches) {
    if (b.num_rows() > 0) t.batches.push_back(std::move(b));
  }
  tables_[std::string(name)] = std::move(t);
  return Status::OK();
}

Status Harness::Insert(std::string_view name, std::string_view query,
                       const RenderOptions& options) {
  auto it = tables_.find(name);
  if (it == tables_.end()) return Status::NotFound("INSERT INTO {}: no such table", name);
  Table& t = it->second;
  ARK_ASSIGN_OR_RETURN(StatementResult r, RunQuery(query, options));
  if (r.schema->num_fields() != t.schema->num_fields()) {
    return Status::InvalidArgument("INSERT INTO {}: {} values for {} columns", name,
                                   r.schema->num_fields(), t.schema->num_fields());
  }
  for (const Batch& b : r.batches) {
    if (b.num_rows() == 0) continue;
    std::vector<ColumnPtr> cols;
    for (int c = 0; c < b.num_columns(); ++c) {
      ARK_ASSIGN_OR_RETURN(
          sql::Datum d,
          sql::CastDatum(sql::Datum(b.column(c)), t.schema->field(c).type, false, b.num_rows()));
      cols.push_back(d.ToColumn(b.num_rows()));
    }
    ARK_ASSIGN_OR_RETURN(Batch cast, Batch::Make(t.schema, std::move(cols)));
    t.batches.push_back(std::move(cast));
  }
  return Status::OK();
}

Status Harness::InsertJson(std::string_view name, std::string_view ndjson) {
  auto it = tables_.find(name);
  if (it == tables_.end()) return Status::NotFound("INSERT INTO {}: no such table", name);
  Table& t = it->second;
  JsonDecoderOptions opts;
  opts.schema = t.schema->fields();
  ARK_ASSIGN_OR_RETURN(std::unique_ptr<JsonDecoder> decoder, JsonDecoder::Make(opts));
  ARK_ASSIGN_OR_RETURN(DecodeResult r, decoder->DecodeChunk(ndjson, ChunkPosition{}));
  if (!r.errors.empty()) {
    return Status::ParseError("INSERT INTO {} FORMAT JSON: line {}: {}", name, r.errors[0].line,
                              r.errors[0].message);
  }
  if (r.batch.num_rows() > 0) {
    ARK_ASSIGN_OR_RETURN(Batch b, Batch::Make(t.schema, r.batch.columns()));
    t.batches.push_back(std::move(b));
  }
  return Status::OK();
}

Result<StatementResult> Harness::Run(std::string_view sql, const RenderOptions& options) {
  std::string_view s = Trim(sql);
  while (!s.empty() && s.back() == ';') s = Trim(s.substr(0, s.size() - 1));
  std::string_view rest = s;
  if (ConsumeWord(rest, "create") && ConsumeWord(rest, "table")) {
    std::string name = ConsumeName(rest);
    if (name.empty()) return Status::InvalidArgument("CREATE TABLE: missing table name");
    if (!rest.empty() && rest.front() == '(') {
      ARK_RETURN_IF_ERROR(CreateTable(name, rest));
    } else if (ConsumeWord(rest, "as")) {
      ARK_RETURN_IF_ERROR(CreateTableAs(name, rest, options));
    } else {
      return Status::InvalidArgument("CREATE TABLE {}: expected (columns) or AS query", name);
    }
    return StatementResult{};
  }
  rest = s;
  if (ConsumeWord(rest, "insert") && ConsumeWord(rest, "into")) {
    std::string name = ConsumeName(rest);
    std::string_view json = rest;
    if (ConsumeWord(json, "format") && ConsumeWord(json, "json")) {
      ARK_RETURN_IF_ERROR(InsertJson(name, json));
      return StatementResult{};
    }
    ARK_RETURN_IF_ERROR(Insert(name, rest, options));
    return StatementResult{};
  }
  rest = s;
  if (ConsumeWord(rest, "drop") && ConsumeWord(rest, "table")) {
    std::string name = ConsumeName(rest);
    if (tables_.erase(name) == 0) return Status::NotFound("DROP TABLE {}: no such table", name);
    return StatementResult{};
  }
  return RunQuery(s, options);
}

Result<StatementResult> Harness::RunQuery(std::string_view sql, const RenderOptions& options) {
  sql::Catalog catalog;
  for (const auto& [name, t] : tables_) ARK_RETURN_IF_ERROR(catalog.AddTable(name, t.schema));
  ARK_ASSIGN_OR_RETURN(std::unique_ptr<sql::PreparedQuery> query,
                       sql::PreparedQuery::Prepare(sql, catalog));
  sql::QueryInputs inputs;
  for (const std::string& name : query->input_tables()) {
    auto it = tables_.find(name);
    if (it != tables_.end()) inputs.tables[name] = Rebatch(it->second);
  }
  sql::KernelContext ctx;
  ctx.statement_time_us = kStatementTimeMicros;

  Result<std::vector<Batch>> first = query->Execute(inputs, ctx);
  std::unique_ptr<sql::QueryExecution> execution = query->NewExecution();
  std::string first_text;
  if (first.ok()) {
    for (const Batch& b : *first) {
      if (!b.schema()->Equals(*query->output_schema())) {
        return Status::Internal(
            "harness: an output batch's schema ({}) differs from output_schema() ({})",
            b.schema()->ToString(), query->output_schema()->ToString());
      }
    }
    for (const auto& row : RenderRows(*first, options)) {
      for (const auto& v : row) first_text += v + "\t";
      first_text += "\n";
    }
  }
  for (int run = 1; run <= 2; ++run) {
    Result<std::vector<Batch>> again = execution->Run(inputs, ctx);
    if (first.ok() != again.ok() ||
        (!first.ok() && first.status().message() != again.status().message())) {
      return Status::Internal(
          "harness: PreparedQuery::Execute and QueryExecution::Run #{} disagree:\n  Execute: {}\n  "
          "Run: {}",
          run, first.ok() ? "OK" : first.status().ToString(),
          again.ok() ? "OK" : again.status().ToString());
    }
    if (!first.ok()) break;
    std::string text;
    for (const auto& row : RenderRows(*again, options)) {
      for (const auto& v : row) text += v + "\t";
      text += "\n";
    }
    if (text != first_text) {
      return Status::Internal(
          "harness: QueryExecution::Run #{} returned other rows than Execute:\n--- Execute\n{}--- "
          "Run\n{}",
          run, first_text, text);
    }
    if (run == 1 && !first.ok()) break;
  }
  if (!first.ok()) return first.status();
  StatementResult r;
  r.is_query = true;
  r.schema = query->output_schema();
  r.batches = std::move(first).value();
  return r;
}

}  // namespace ark::sqltest
