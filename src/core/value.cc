#include "core/value.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "base/status.h"
#include "base/time.h"

namespace ark {

Value Value::Null(DataType type) {
  Value v;
  v.type_ = std::move(type);
  return v;
}

Value Value::Bool(bool b) {
  Value v;
  v.type_ = DataType::Bool();
  v.v_ = b;
  return v;
}

Value Value::Int32(int32_t i) {
  Value v;
  v.type_ = DataType::Int32();
  v.v_ = int64_t{i};
  return v;
}

Value Value::Int64(int64_t i) {
  Value v;
  v.type_ = DataType::Int64();
  v.v_ = i;
  return v;
}

Value Value::Float32(float f) {
  Value v;
  v.type_ = DataType::Float32();
  v.v_ = double{f};
  return v;
}

Value Value::Float64(double f) {
  Value v;
  v.type_ = DataType::Float64();
  v.v_ = f;
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.type_ = DataType::String();
  v.v_ = std::move(s);
  return v;
}

Value Value::Binary(std::string s) {
  Value v;
  v.type_ = DataType::Binary();
  v.v_ = std::move(s);
  return v;
}

Value Value::Timestamp(int64_t micros) {
  Value v;
  v.type_ = DataType::Timestamp();
  v.v_ = micros;
  return v;
}

Value Value::Date(int32_t days) {
  Value v;
  v.type_ = DataType::Date();
  v.v_ = int64_t{days};
  return v;
}

Value Value::Interval(IntervalValue i) {
  Value v;
  v.type_ = DataType::Interval();
  v.v_ = i;
  return v;
}

Value Value::List(DataType element, std::vector<Value> items) {
  Value v;
  v.type_ = DataType::List(std::move(element));
  v.v_ = std::move(items);
  return v;
}

Value Value::Struct(DataType type, std::vector<Value> fields) {
  ARK_CHECK(type.id() == TypeId::kStruct, "Value::Struct needs a struct type");
  ARK_CHECK(type.fields().size() == fields.size(), "Value::Struct: field count mismatch");
  Value v;
  v.type_ = std::move(type);
  v.v_ = std::move(fields);
  return v;
}

Value Value::FromColumn(const Column& column, int64_t i) {
  const DataType& type = column.type();
  if (column.IsNull(i)) return Null(type);
  switch (type.id()) {
    case TypeId::kNull:
      return Null(type);
    case TypeId::kBool:
      return Bool(column.GetBool(i));
    case TypeId::kInt32:
      return Int32(column.data<int32_t>()[i]);
    case TypeId::kInt64:
      return Int64(column.data<int64_t>()[i]);
    case TypeId::kFloat32:
      return Float32(column.data<float>()[i]);
    case TypeId::kFloat64:
      return Float64(column.data<double>()[i]);
    case TypeId::kString:
      return String(std::string(column.GetView(i)));
    case TypeId::kBinary:
      return Binary(std::string(column.GetView(i)));
    case TypeId::kTimestamp:
      return Timestamp(column.data<int64_t>()[i]);
    case TypeId::kDate:
      return Date(column.data<int32_t>()[i]);
    case TypeId::kInterval:
      return Interval(column.data<IntervalValue>()[i]);
    case TypeId::kList: {
      std::vector<Value> items;
      const int64_t start = column.list_start(i), n = column.list_length(i);
      items.reserve(static_cast<size_t>(n));
      for (int64_t k = 0; k < n; ++k) items.push_back(FromColumn(*column.list_values(), start + k));
      Value v;
      v.type_ = type;
      v.v_ = std::move(items);
      return v;
    }
    case TypeId::kStruct: {
      std::vector<Value> fields;
      fields.reserve(column.children().size());
      for (const ColumnPtr& child : column.children()) {
        fields.push_back(FromColumn(*child, column.offset() + i));
      }
      Value v;
      v.type_ = type;
      v.v_ = std::move(fields);
      return v;
    }
  }
  return Null(type);
}

int64_t Value::int_value() const {
  if (const auto* d = std::get_if<double>(&v_)) return static_cast<int64_t>(*d);
  return std::get<int64_t>(v_);
}

double Value::float_value() const {
  if (const auto* i = std::get_if<int64_t>(&v_)) return static_cast<double>(*i);
  return std::get<double>(v_);
}

namespace {

template <typename T>
ColumnPtr RepeatFixed(const DataType& type, T v, int64_t rows) {
  auto values = Buffer::Allocate(static_cast<size_t>(rows) * sizeof(T));
  T* out = reinterpret_cast<T*>(values->mutable_data());
  for (int64_t i = 0; i < rows; ++i) out[i] = v;
  return Column::Make(type, rows, {nullptr, std::move(values)}, {}, 0);
}

ColumnPtr RepeatBool(bool v, int64_t rows) {
  const size_t bytes = static_cast<size_t>(bit_util::BytesForBits(rows));
  auto values = Buffer::Allocate(bytes);
  if (bytes) std::memset(values->mutable_data(), v ? 0xff : 0, bytes);
  return Column::Make(DataType::Bool(), rows, {nullptr, std::move(values)}, {}, 0);
}

ColumnPtr RepeatBinary(const DataType& type, std::string_view s, int64_t rows) {
  auto offsets = Buffer::Allocate(static_cast<size_t>(rows + 1) * sizeof(int32_t));
  auto data = Buffer::Allocate(s.size() * static_cast<size_t>(rows));
  int32_t* o = reinterpret_cast<int32_t*>(offsets->mutable_data());
  uint8_t* d = data->mutable_data();
  const int32_t len = static_cast<int32_t>(s.size());
  o[0] = 0;
  for (int64_t i = 0; i < rows; ++i) {
    if (len) std::memcpy(d + i * len, s.data(), s.size());
    o[i + 1] = static_cast<int32_t>((i + 1) * len);
  }
  return Column::Make(type, rows, {nullptr, std::move(offsets), std::move(data)}, {}, 0);
}

// Appends `s` as a single-quoted SQL string literal ('' escapes a quote).
void AppendQuoted(std::string& out, std::string_view s) {
  out += '\'';
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
}

// Shortest round-trip digits of `v` laid out the PostgreSQL way: fixed notation when the decimal
// exponent is in [-4, max_fixed_exp), scientific ("1e+20", "1.5e-05") otherwise.
template <typename F>
std::string FormatSqlFloat(F v, int max_fixed_exp) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  // sci: [-]d[.ddd]e(+|-)XX
  const size_t e = sci.find('e');
  const int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  if (exp < -4 || exp >= max_fixed_exp) return std::string(sci);
  std::string_view mant = sci.substr(0, e);
  std::string out;
  if (mant[0] == '-') {
    out += '-';
    mant.remove_prefix(1);
  }
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits += c;
  }
  if (exp < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exp - 1), '0');
    out += digits;
  } else {
    const size_t int_digits = static_cast<size_t>(exp) + 1;
    if (digits.size() <= int_digits) {
      out += digits;
      out.append(int_digits - digits.size(), '0');
    } else {
      out += digits.substr(0, int_digits);
      out += '.';
      out += digits.substr(int_digits);
    }
  }
  return out;
}

}  // namespace

ColumnPtr Value::ToColumn(int64_t rows) const {
  if (is_null()) return Column::MakeNull(type_, rows);
  switch (type_.id()) {
    case TypeId::kBool:
      return RepeatBool(bool_value(), rows);
    case TypeId::kInt32:
    case TypeId::kDate:
      return RepeatFixed<int32_t>(type_, static_cast<int32_t>(int_value()), rows);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return RepeatFixed<int64_t>(type_, int_value(), rows);
    case TypeId::kFloat32:
      return RepeatFixed<float>(type_, static_cast<float>(float_value()), rows);
    case TypeId::kFloat64:
      return RepeatFixed<double>(type_, float_value(), rows);
    case TypeId::kInterval:
      return RepeatFixed<IntervalValue>(type_, interval_value(), rows);
    case TypeId::kString:
    case TypeId::kBinary:
      return RepeatBinary(type_, string_value(), rows);
    default:
      break;
  }
  std::unique_ptr<ColumnBuilder> builder = MakeBuilder(type_);
  builder->Reserve(rows);
  for (int64_t i = 0; i < rows; ++i) AppendTo(*builder);
  return builder->Finish();
}

void Value::AppendTo(ColumnBuilder& builder) const {
  if (is_null()) {
    builder.AppendNull();
    return;
  }
  switch (type_.id()) {
    case TypeId::kNull:
      builder.AppendNull();
      return;
    case TypeId::kBool:
      static_cast<BoolBuilder&>(builder).Append(bool_value());
      return;
    case TypeId::kInt32:
    case TypeId::kDate:
      static_cast<Int32Builder&>(builder).Append(static_cast<int32_t>(int_value()));
      return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      static_cast<Int64Builder&>(builder).Append(int_value());
      return;
    case TypeId::kFloat32:
      static_cast<Float32Builder&>(builder).Append(static_cast<float>(float_value()));
      return;
    case TypeId::kFloat64:
      static_cast<Float64Builder&>(builder).Append(float_value());
      return;
    case TypeId::kString:
    case TypeId::kBinary:
      static_cast<BinaryBuilder&>(builder).Append(string_value());
      return;
    case TypeId::kInterval:
      static_cast<IntervalBuilder&>(builder).Append(interval_value());
      return;
    case TypeId::kList: {
      auto& list = static_cast<ListBuilder&>(builder);
      list.Append();
      for (const Value& item : children()) item.AppendTo(list.values());
      return;
    }
    case TypeId::kStruct: {
      auto& st = static_cast<StructBuilder&>(builder);
      const auto& fields = children();
      for (int f = 0; f < st.num_fields(); ++f)
        fields[static_cast<size_t>(f)].AppendTo(st.field(f));
      st.Append();
      return;
    }
  }
}

std::string Value::ToString() const {
  if (is_null()) return "NULL";
  std::string out;
  switch (type_.id()) {
    case TypeId::kNull:
      return "NULL";
    case TypeId::kBool:
      return bool_value() ? "true" : "false";
    case TypeId::kInt32:
    case TypeId::kInt64:
      return fmt::format("{}", int_value());
    case TypeId::kFloat32: {
      std::string s = FormatSqlFloat32(static_cast<float>(float_value()));
      return std::isfinite(float_value()) ? s : "'" + s + "'::float32";
    }
    case TypeId::kFloat64: {
      std::string s = FormatSqlFloat64(float_value());
      return std::isfinite(float_value()) ? s : "'" + s + "'::float64";
    }
    case TypeId::kString:
      AppendQuoted(out, string_value());
      return out;
    case TypeId::kBinary: {
      out = "X'";
      for (unsigned char c : string_value()) out += fmt::format("{:02x}", c);
      return out + "'";
    }
    case TypeId::kTimestamp:
      out = "TIMESTAMP ";
      AppendQuoted(out, FormatSqlTimestamp(int_value()));
      return out;
    case TypeId::kDate:
      out = "DATE ";
      AppendQuoted(out, FormatSqlDate(static_cast<int32_t>(int_value())));
      return out;
    case TypeId::kInterval:
      out = "INTERVAL ";
      AppendQuoted(out, FormatSqlInterval(interval_value()));
      return out;
    case TypeId::kList: {
      out = "[";
      const auto& items = children();
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += items[i].ToString();
      }
      return out + "]";
    }
    case TypeId::kStruct: {
      out = "{";
      const auto& fields = children();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ", ";
        AppendQuoted(out, type_.fields()[i].name);
        out += ": ";
        out += fields[i].ToString();
      }
      return out + "}";
    }
  }
  return "?";
}

bool operator==(const Value& a, const Value& b) {
  if (a.type_ != b.type_) return false;
  const double* da = std::get_if<double>(&a.v_);
  const double* db = std::get_if<double>(&b.v_);
  if (da && db && std::isnan(*da) && std::isnan(*db)) return true;
  return a.v_ == b.v_;
}

std::string FormatSqlFloat64(double v) { return FormatSqlFloat(v, 15); }
std::string FormatSqlFloat32(float v) { return FormatSqlFloat(v, 6); }

std::string FormatSqlDate(int32_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y <= 0) return fmt::format("{:04}-{:02}-{:02} BC", 1 - y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

namespace {

// Appends ".ffffff" with trailing zeros trimmed (nothing for a zero fraction); `frac` < 10^digits.
void AppendFraction(std::string& out, int64_t frac, int digits) {
  if (frac == 0) return;
  std::string f = fmt::format("{:0{}}", frac, digits);
  while (!f.empty() && f.back() == '0') f.pop_back();
  out += '.';
  out += f;
}

}  // namespace

std::string FormatSqlTimestamp(int64_t micros) {
  constexpr int64_t kDay = 86400000000LL;
  int64_t days = micros / kDay;
  int64_t rem = micros % kDay;
  if (rem < 0) {
    rem += kDay;
    --days;
  }
  int64_t y;
  unsigned mo, d;
  CivilFromDays(days, &y, &mo, &d);
  const int64_t secs = rem / 1000000;
  std::string out = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", y <= 0 ? 1 - y : y, mo, d,
                                secs / 3600, (secs / 60) % 60, secs % 60);
  AppendFraction(out, rem % 1000000, 6);
  if (y <= 0) out += " BC";
  return out;
}

std::string FormatSqlInterval(const IntervalValue& v) {
  std::string out;
  bool is_zero = true, is_before = false;
  auto add_part = [&](int64_t value, std::string_view unit) {
    if (value == 0) return;
    out += fmt::format("{}{}{} {}{}", is_zero ? "" : " ", is_before && value > 0 ? "+" : "", value,
                       unit, value != 1 ? "s" : "");
    is_before = value < 0;
    is_zero = false;
  };
  add_part(v.months / 12, "year");
  add_part(v.months % 12, "mon");
  add_part(v.days, "day");
  if (is_zero || v.nanos != 0) {
    const bool minus = v.nanos < 0;
    // |nanos| without overflow for INT64_MIN.
    const uint64_t abs_ns =
        minus ? static_cast<uint64_t>(-(v.nanos + 1)) + 1 : static_cast<uint64_t>(v.nanos);
    const uint64_t secs = abs_ns / 1000000000ULL;
    const uint64_t frac_ns = abs_ns % 1000000000ULL;
    out +=
        fmt::format("{}{}{:02}:{:02}:{:02}", is_zero ? "" : " ",
                    minus ? "-" : (is_before ? "+" : ""), secs / 3600, (secs / 60) % 60, secs % 60);
    if (frac_ns % 1000 == 0) {
      AppendFraction(out, static_cast<int64_t>(frac_ns / 1000), 6);
    } else {
      AppendFraction(out, static_cast<int64_t>(frac_ns), 9);
    }
  }
  return out;
}

}  // namespace ark
