// Date and time functions: now/current_timestamp, current_date, date_trunc, date_part/extract,
// to_timestamp (epoch seconds, or text with a format), to_char, epoch conversions (epoch,
// epoch_ms, epoch_us), make_date, make_timestamp, age.
//
// Everything is UTC (DESIGN §2). Formats for to_char/to_timestamp are PostgreSQL's template
// patterns: YYYY YYY YY Y MM DD DDD D ID HH HH12 HH24 MI SS MS US AM PM Mon MON mon Month MONTH
// month Dy DY dy Day DAY day Q WW IW TZ tz OF, the FM prefix (no padding), the TH/th suffix
// (ordinal), "quoted text" and \-escaped characters; anything else is copied (to_char) or matches
// a separator (to_timestamp).

#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "base/time.h"
#include "sql/expr/datetime.h"
#include "sql/functions/scalar_kernel.h"

namespace ark::sql {

namespace {

const DataType kStr = DataType::String();
const DataType kTs = DataType::Timestamp();
const DataType kDate = DataType::Date();
const DataType kIv = DataType::Interval();
const DataType kI32 = DataType::Int32();
const DataType kI64 = DataType::Int64();
const DataType kF64 = DataType::Float64();

constexpr const char* kMonthNames[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
constexpr const char* kDayNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int64_t StatementTime(const KernelContext& ctx) {
  return ctx.statement_time_us != 0 ? ctx.statement_time_us : NowMicros();
}

int DayOfYear(const CivilTime& t) {
  return static_cast<int>(
             DaysFromCivil(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day)) -
             DaysFromCivil(t.year, 1, 1)) +
         1;
}

// ISO 8601 week number and week-numbering year.
void IsoWeek(const CivilTime& t, int* week, int64_t* iso_year) {
  const int64_t days =
      DaysFromCivil(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day));
  const int iso_dow = (DayOfWeek(days) + 6) % 7 + 1;  // Monday = 1
  const int64_t thursday = days - iso_dow + 4;        // the Thursday of this week
  int64_t y;
  unsigned m, d;
  CivilFromDays(thursday, &y, &m, &d);
  *iso_year = y;
  *week = static_cast<int>((thursday - DaysFromCivil(y, 1, 1)) / 7 + 1);
}

// PostgreSQL shows years before 1 AD as negative (1 BC = -1).
int64_t DisplayYear(int64_t year) { return year > 0 ? year : year - 1; }

// ---------------------------------------------------------------------------------------------
// date_part / extract

enum class Part {
  kMicroseconds,
  kMilliseconds,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
  kDow,
  kIsoDow,
  kDoy,
  kEpoch,
  kIsoYear,
};

Result<Part> ParsePart(std::string_view text, std::string_view function) {
  const std::string s = Lower(text);
  struct Entry {
    std::string_view name;
    Part part;
  };
  static constexpr Entry kParts[] = {
      {"microsecond", Part::kMicroseconds},
      {"microseconds", Part::kMicroseconds},
      {"us", Part::kMicroseconds},
      {"millisecond", Part::kMilliseconds},
      {"milliseconds", Part::kMilliseconds},
      {"ms", Part::kMilliseconds},
      {"second", Part::kSecond},
      {"seconds", Part::kSecond},
      {"sec", Part::kSecond},
      {"s", Part::kSecond},
      {"minute", Part::kMinute},
      {"minutes", Part::kMinute},
      {"min", Part::kMinute},
      {"m", Part::kMinute},
      {"hour", Part::kHour},
      {"hours", Part::kHour},
      {"h", Part::kHour},
      {"day", Part::kDay},
      {"days", Part::kDay},
      {"d", Part::kDay},
      {"week", Part::kWeek},
      {"weeks", Part::kWeek},
      {"month", Part::kMonth},
      {"months", Part::kMonth},
      {"mon", Part::kMonth},
      {"quarter", Part::kQuarter},
      {"year", Part::kYear},
      {"years", Part::kYear},
      {"y", Part::kYear},
      {"decade", Part::kDecade},
      {"decades", Part::kDecade},
      {"century", Part::kCentury},
      {"centuries", Part::kCentury},
      {"millennium", Part::kMillennium},
      {"millennia", Part::kMillennium},
      {"dow", Part::kDow},
      {"dayofweek", Part::kDow},
      {"isodow", Part::kIsoDow},
      {"doy", Part::kDoy},
      {"dayofyear", Part::kDoy},
      {"epoch", Part::kEpoch},
      {"isoyear", Part::kIsoYear},
  };
  for (const Entry& e : kParts) {
    if (e.name == s) return e.part;
  }
  return Status::InvalidArgument("{}: unit \"{}\" not recognized", function, text);
}

double TimestampPart(Part part, int64_t ts) {
  const CivilTime t = ToCivil(ts);
  const int64_t year = DisplayYear(t.year);
  switch (part) {
    case Part::kMicroseconds:
      return t.second * 1e6 + t.micros;
    case Part::kMilliseconds:
      return t.second * 1e3 + t.micros / 1e3;
    case Part::kSecond:
      return t.second + t.micros / 1e6;
    case Part::kMinute:
      return t.minute;
    case Part::kHour:
      return t.hour;
    case Part::kDay:
      return t.day;
    case Part::kWeek: {
      int week;
      int64_t iy;
      IsoWeek(t, &week, &iy);
      return week;
    }
    case Part::kMonth:
      return t.month;
    case Part::kQuarter:
      return (t.month - 1) / 3 + 1;
    case Part::kYear:
      return static_cast<double>(year);
    case Part::kDecade:
      return static_cast<double>(year >= 0 ? year / 10 : -((8 - (year - 1)) / 10));
    case Part::kCentury:
      return static_cast<double>(year > 0 ? (year + 99) / 100 : -((99 - (year - 1)) / 100));
    case Part::kMillennium:
      return static_cast<double>(year > 0 ? (year + 999) / 1000 : -((999 - (year - 1)) / 1000));
    case Part::kDow:
      return DayOfWeek(TimestampDays(ts));
    case Part::kIsoDow:
      return (DayOfWeek(TimestampDays(ts)) + 6) % 7 + 1;
    case Part::kDoy:
      return DayOfYear(t);
    case Part::kEpoch:
      return static_cast<double>(ts) / 1e6;
    case Part::kIsoYear: {
      int week;
      int64_t iy;
      IsoWeek(t, &week, &iy);
      return static_cast<double>(DisplayYear(iy));
    }
  }
  return 0;
}

Result<double> IntervalPart(Part part, const IntervalValue& v) {
  const int64_t micros = v.nanos / kNanosPerMicro;
  const int64_t secs = micros / kMicrosPerSecond;
  const double sec_frac = static_cast<double>(micros % kMicrosPerMinute) / 1e6;
  switch (part) {
    case Part::kMicroseconds:
      return static_cast<double>(micros % kMicrosPerMinute);
    case Part::kMilliseconds:
      return static_cast<double>(micros % kMicrosPerMinute) / 1e3;
    case Part::kSecond:
      return sec_frac;
    case Part::kMinute:
      return static_cast<double>((secs / 60) % 60);
    case Part::kHour:
      return static_cast<double>(secs / 3600);
    case Part::kDay:
      return v.days;
    case Part::kMonth:
      return v.months % 12;
    case Part::kQuarter:
      return (v.months % 12) / 3 + 1;
    case Part::kYear:
      return v.months / 12;
    case Part::kDecade:
      return v.months / 120;
    case Part::kCentury:
      return v.months / 1200;
    case Part::kMillennium:
      return v.months / 12000;
    case Part::kEpoch:
      return static_cast<double>(v.nanos) / 1e9 + 365.25 * 86400 * (v.months / 12) +
             30.0 * 86400 * (v.months % 12) + 86400.0 * v.days;
    default:
      break;
  }
  return Status::InvalidArgument("interval units are not supported for this field");
}

// date_part(field, ts|date|interval): the field constant is parsed once.
Signature DatePartSignature(const DataType& arg) {
  Signature sig;
  sig.args = {kStr, arg};
  sig.return_type = kF64;
  const TypeId id = arg.id();
  sig.factory = [id](std::span<const std::optional<Value>> constants) -> Result<ScalarKernel> {
    std::optional<Part> fixed;
    if (!constants.empty() && constants[0] && !constants[0]->is_null()) {
      ARK_ASSIGN_OR_RETURN(Part p, ParsePart(constants[0]->string_value(), "date_part"));
      if (id == TypeId::kInterval && (p == Part::kDow || p == Part::kIsoDow || p == Part::kDoy ||
                                      p == Part::kWeek || p == Part::kIsoYear)) {
        return Status::InvalidArgument("date_part: unit \"{}\" not supported for type interval",
                                       constants[0]->string_value());
      }
      fixed = p;
    }
    return ScalarKernel(
        [fixed, id](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
          StrReader field(args[0]);
          IntReader ints(id == TypeId::kInterval ? ZeroInt64Datum() : args[1]);
          NumReader<IntervalValue> ivs(id == TypeId::kInterval ? args[1] : ZeroIntervalDatum());
          return MapRows<FixedWriter<double>>(
              kF64, args, rows, [&](int64_t i, FixedWriter<double>& out) -> Status {
                Part p;
                if (fixed) {
                  p = *fixed;
                } else {
                  ARK_ASSIGN_OR_RETURN(p, ParsePart(field[i], "date_part"));
                }
                double v;
                if (id == TypeId::kInterval) {
                  ARK_ASSIGN_OR_RETURN(v, IntervalPart(p, ivs[i]));
                } else if (id == TypeId::kDate) {
                  v = TimestampPart(p, ints[i] * kMicrosPerDay);
                } else {
                  v = TimestampPart(p, ints[i]);
                }
                out.Put(i, v);
                return Status::OK();
              });
        });
  };
  return sig;
}

// ---------------------------------------------------------------------------------------------
// date_trunc

enum class TruncUnit {
  kMicroseconds,
  kMilliseconds,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
};

Result<TruncUnit> ParseTruncUnit(std::string_view text) {
  Result<Part> p = ParsePart(text, "date_trunc");
  if (!p.ok()) return p.status();
  switch (*p) {
    case Part::kMicroseconds:
      return TruncUnit::kMicroseconds;
    case Part::kMilliseconds:
      return TruncUnit::kMilliseconds;
    case Part::kSecond:
      return TruncUnit::kSecond;
    case Part::kMinute:
      return TruncUnit::kMinute;
    case Part::kHour:
      return TruncUnit::kHour;
    case Part::kDay:
      return TruncUnit::kDay;
    case Part::kWeek:
      return TruncUnit::kWeek;
    case Part::kMonth:
      return TruncUnit::kMonth;
    case Part::kQuarter:
      return TruncUnit::kQuarter;
    case Part::kYear:
      return TruncUnit::kYear;
    case Part::kDecade:
      return TruncUnit::kDecade;
    case Part::kCentury:
      return TruncUnit::kCentury;
    case Part::kMillennium:
      return TruncUnit::kMillennium;
    default:
      break;
  }
  return Status::InvalidArgument("date_trunc: unit \"{}\" not supported", text);
}

inline int64_t FloorTo(int64_t v, int64_t unit) {
  int64_t r = v % unit;
  if (r < 0) r += unit;
  return v - r;
}

Result<int64_t> TruncTimestamp(TruncUnit unit, int64_t ts) {
  switch (unit) {
    case TruncUnit::kMicroseconds:
      return ts;
    case TruncUnit::kMilliseconds:
      return FloorTo(ts, 1000);
    case TruncUnit::kSecond:
      return FloorTo(ts, kMicrosPerSecond);
    case TruncUnit::kMinute:
      return FloorTo(ts, kMicrosPerMinute);
    case TruncUnit::kHour:
      return FloorTo(ts, kMicrosPerHour);
    case TruncUnit::kDay:
      return FloorTo(ts, kMicrosPerDay);
    case TruncUnit::kWeek: {
      const int64_t days = TimestampDays(ts);
      const int iso_dow = (DayOfWeek(days) + 6) % 7;  // Monday = 0
      return (days - iso_dow) * kMicrosPerDay;
    }
    default:
      break;
  }
  CivilTime t = ToCivil(ts);
  t.day = 1;
  t.hour = t.minute = t.second = t.micros = 0;
  const int64_t year = DisplayYear(t.year);
  auto set_year = [&](int64_t display) { t.year = display > 0 ? display : display + 1; };
  switch (unit) {
    case TruncUnit::kMonth:
      break;
    case TruncUnit::kQuarter:
      t.month = (t.month - 1) / 3 * 3 + 1;
      break;
    case TruncUnit::kYear:
      t.month = 1;
      break;
    case TruncUnit::kDecade:
      t.month = 1;
      t.year = FloorTo(t.year, 10);
      break;
    case TruncUnit::kCentury:
      t.month = 1;
      set_year(year > 0 ? (year - 1) / 100 * 100 + 1 : -((-year - 1) / 100 * 100 + 100));
      break;
    case TruncUnit::kMillennium:
      t.month = 1;
      set_year(year > 0 ? (year - 1) / 1000 * 1000 + 1 : -((-year - 1) / 1000 * 1000 + 1000));
      break;
    default:
      break;
  }
  return FromCivil(t);
}

IntervalValue TruncInterval(TruncUnit unit, IntervalValue v) {
  auto trunc_nanos = [&](int64_t unit_ns) { v.nanos = v.nanos / unit_ns * unit_ns; };
  switch (unit) {
    case TruncUnit::kMicroseconds:
      trunc_nanos(kNanosPerMicro);
      break;
    case TruncUnit::kMilliseconds:
      trunc_nanos(1000 * kNanosPerMicro);
      break;
    case TruncUnit::kSecond:
      trunc_nanos(kMicrosPerSecond * kNanosPerMicro);
      break;
    case TruncUnit::kMinute:
      trunc_nanos(kMicrosPerMinute * kNanosPerMicro);
      break;
    case TruncUnit::kHour:
      trunc_nanos(kMicrosPerHour * kNanosPerMicro);
      break;
    case TruncUnit::kDay:
    case TruncUnit::kWeek:
      v.nanos = 0;
      break;
    case TruncUnit::kMonth:
      v.nanos = 0, v.days = 0;
      break;
    case TruncUnit::kQuarter:
      v = {v.months / 3 * 3, 0, 0};
      break;
    case TruncUnit::kYear:
      v = {v.months / 12 * 12, 0, 0};
      break;
    case TruncUnit::kDecade:
      v = {v.months / 120 * 120, 0, 0};
      break;
    case TruncUnit::kCentury:
      v = {v.months / 1200 * 1200, 0, 0};
      break;
    case TruncUnit::kMillennium:
      v = {v.months / 12000 * 12000, 0, 0};
      break;
  }
  return v;
}

Signature DateTruncSignature(const DataType& arg) {
  Signature sig;
  sig.args = {kStr, arg};
  sig.return_type = arg;
  const bool interval = arg.id() == TypeId::kInterval;
  sig.factory =
      [interval](std::span<const std::optional<Value>> constants) -> Result<ScalarKernel> {
    std::optional<TruncUnit> fixed;
    if (!constants.empty() && constants[0] && !constants[0]->is_null()) {
      ARK_ASSIGN_OR_RETURN(fixed, ParseTruncUnit(constants[0]->string_value()));
    }
    return ScalarKernel([fixed, interval](KernelContext&, std::span<const Datum> args,
                                          int64_t rows) -> Result<Datum> {
      StrReader unit(args[0]);
      if (interval) {
        NumReader<IntervalValue> v(args[1]);
        return MapRows<FixedWriter<IntervalValue>>(
            kIv, args, rows, [&](int64_t i, FixedWriter<IntervalValue>& out) -> Status {
              TruncUnit u;
              if (fixed) {
                u = *fixed;
              } else {
                ARK_ASSIGN_OR_RETURN(u, ParseTruncUnit(unit[i]));
              }
              out.Put(i, TruncInterval(u, v[i]));
              return Status::OK();
            });
      }
      // A fixed unit up to a day over a column without nulls: one vectorizable loop.
      if (fixed && *fixed <= TruncUnit::kDay && args[1].is_column()) {
        static constexpr int64_t kUnits[] = {
            1, 1000, kMicrosPerSecond, kMicrosPerMinute, kMicrosPerHour, kMicrosPerDay};
        const int64_t u = kUnits[static_cast<int>(*fixed)];
        const Column& c = *args[1].column();
        const int64_t* in = c.data<int64_t>();
        FixedWriter<int64_t> out(kTs, rows);
        int64_t* o = out.data();
        for (int64_t i = 0; i < rows; ++i) o[i] = FloorTo(in[i], u);
        ColumnPtr res = out.Finish();
        return Datum(
            Column::Make(kTs, rows, {AlignedValidity(c), res->buffer(1)}, {}, c.null_count()));
      }
      NumReader<int64_t> ts(args[1]);
      return MapRows<FixedWriter<int64_t>>(
          kTs, args, rows, [&](int64_t i, FixedWriter<int64_t>& out) -> Status {
            TruncUnit u;
            if (fixed) {
              u = *fixed;
            } else {
              ARK_ASSIGN_OR_RETURN(u, ParseTruncUnit(unit[i]));
            }
            ARK_ASSIGN_OR_RETURN(int64_t r, TruncTimestamp(u, ts[i]));
            out.Put(i, r);
            return Status::OK();
          });
    });
  };
  return sig;
}

// ---------------------------------------------------------------------------------------------
// Template patterns (to_char, to_timestamp)

enum class Tok {
  kLiteral,
  kYYYY,
  kYYY,
  kYY,
  kY,
  kMM,
  kDD,
  kDDD,
  kD,
  kID,
  kHH24,
  kHH12,
  kMI,
  kSS,
  kMS,
  kUS,
  kAM,
  kPM,
  kAMlow,
  kPMlow,
  kAMdot,
  kPMdot,
  kAMdotLow,
  kPMdotLow,
  kMonthU,
  kMonthC,
  kMonthL,
  kMonU,
  kMonC,
  kMonL,
  kDayU,
  kDayC,
  kDayL,
  kDyU,
  kDyC,
  kDyL,
  kQ,
  kWW,
  kIW,
  kTZ,
  kTZlow,
  kOF,
};

struct FormatItem {
  Tok tok = Tok::kLiteral;
  std::string literal;
  bool fill_mode = false;  // FM prefix
  int ordinal = 0;         // TH suffix: 1 = "TH", 2 = "th"
};

std::vector<FormatItem> ParseFormat(std::string_view f) {
  struct Pattern {
    std::string_view text;
    Tok tok;
  };
  // Longest first where one is a prefix of another.
  static constexpr Pattern kPatterns[] = {
      {"HH24", Tok::kHH24},     {"HH12", Tok::kHH12},     {"HH", Tok::kHH12},
      {"MI", Tok::kMI},         {"SS", Tok::kSS},         {"MS", Tok::kMS},
      {"US", Tok::kUS},         {"YYYY", Tok::kYYYY},     {"YYY", Tok::kYYY},
      {"YY", Tok::kYY},         {"Y", Tok::kY},           {"MONTH", Tok::kMonthU},
      {"Month", Tok::kMonthC},  {"month", Tok::kMonthL},  {"MON", Tok::kMonU},
      {"Mon", Tok::kMonC},      {"mon", Tok::kMonL},      {"MM", Tok::kMM},
      {"DAY", Tok::kDayU},      {"Day", Tok::kDayC},      {"day", Tok::kDayL},
      {"DY", Tok::kDyU},        {"Dy", Tok::kDyC},        {"dy", Tok::kDyL},
      {"DDD", Tok::kDDD},       {"DD", Tok::kDD},         {"D", Tok::kD},
      {"ID", Tok::kID},         {"IW", Tok::kIW},         {"WW", Tok::kWW},
      {"Q", Tok::kQ},           {"A.M.", Tok::kAMdot},    {"P.M.", Tok::kPMdot},
      {"a.m.", Tok::kAMdotLow}, {"p.m.", Tok::kPMdotLow}, {"AM", Tok::kAM},
      {"PM", Tok::kPM},         {"am", Tok::kAMlow},      {"pm", Tok::kPMlow},
      {"TZ", Tok::kTZ},         {"tz", Tok::kTZlow},      {"OF", Tok::kOF},
  };
  std::vector<FormatItem> items;
  size_t i = 0;
  bool fm = false;
  auto add_literal = [&](char c) {
    if (items.empty() || items.back().tok != Tok::kLiteral) items.push_back({});
    items.back().literal += c;
  };
  while (i < f.size()) {
    if (f.compare(i, 2, "FM") == 0) {
      fm = true;
      i += 2;
      continue;
    }
    if (f[i] == '"') {
      ++i;
      while (i < f.size() && f[i] != '"') {
        if (f[i] == '\\' && i + 1 < f.size()) ++i;
        add_literal(f[i++]);
      }
      ++i;
      continue;
    }
    if (f[i] == '\\' && i + 1 < f.size()) {
      add_literal(f[i + 1]);
      i += 2;
      continue;
    }
    bool matched = false;
    for (const Pattern& p : kPatterns) {
      if (f.compare(i, p.text.size(), p.text) == 0) {
        FormatItem item;
        item.tok = p.tok;
        item.fill_mode = fm;
        i += p.text.size();
        if (f.compare(i, 2, "TH") == 0) {
          item.ordinal = 1;
          i += 2;
        } else if (f.compare(i, 2, "th") == 0) {
          item.ordinal = 2;
          i += 2;
        }
        items.push_back(std::move(item));
        matched = true;
        break;
      }
    }
    fm = false;
    if (!matched) add_literal(f[i++]);
  }
  return items;
}

std::string OrdinalSuffix(int64_t n, bool upper) {
  const int64_t m100 = n % 100, m10 = n % 10;
  std::string s = (m100 >= 11 && m100 <= 13) ? "th"
                  : m10 == 1                 ? "st"
                  : m10 == 2                 ? "nd"
                  : m10 == 3                 ? "rd"
                                             : "th";
  if (upper) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return s;
}

std::string CaseName(std::string_view name, int mode) {  // 0 upper, 1 capitalized, 2 lower
  std::string s(name);
  for (size_t k = 0; k < s.size(); ++k) {
    const auto c = static_cast<unsigned char>(s[k]);
    s[k] = static_cast<char>(mode == 0              ? std::toupper(c)
                             : (mode == 2 || k > 0) ? std::tolower(c)
                                                    : c);
  }
  return s;
}

void FormatTimestamp(const std::vector<FormatItem>& items, int64_t ts, std::string& out) {
  const CivilTime t = ToCivil(ts);
  const int64_t year = t.year > 0 ? t.year : 1 - t.year;
  const int dow = DayOfWeek(TimestampDays(ts));
  for (const FormatItem& it : items) {
    auto num = [&](int64_t v, int width) {
      out += it.fill_mode ? fmt::format("{}", v) : fmt::format("{:0{}}", v, width);
      if (it.ordinal) out += OrdinalSuffix(v, it.ordinal == 1);
    };
    auto name = [&](std::string_view n, int mode, bool pad) {
      std::string s = CaseName(n, mode);
      if (pad && !it.fill_mode && s.size() < 9) s.append(9 - s.size(), ' ');
      out += s;
    };
    const int hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
    switch (it.tok) {
      case Tok::kLiteral:
        out += it.literal;
        break;
      case Tok::kYYYY:
        num(year, 4);
        break;
      case Tok::kYYY:
        num(year % 1000, 3);
        break;
      case Tok::kYY:
        num(year % 100, 2);
        break;
      case Tok::kY:
        num(year % 10, 1);
        break;
      case Tok::kMM:
        num(t.month, 2);
        break;
      case Tok::kDD:
        num(t.day, 2);
        break;
      case Tok::kDDD:
        num(DayOfYear(t), 3);
        break;
      case Tok::kD:
        num(dow + 1, 1);
        break;
      case Tok::kID:
        num((dow + 6) % 7 + 1, 1);
        break;
      case Tok::kHH24:
        num(t.hour, 2);
        break;
      case Tok::kHH12:
        num(hour12, 2);
        break;
      case Tok::kMI:
        num(t.minute, 2);
        break;
      case Tok::kSS:
        num(t.second, 2);
        break;
      case Tok::kMS:
        num(t.micros / 1000, 3);
        break;
      case Tok::kUS:
        num(t.micros, 6);
        break;
      case Tok::kAM:
      case Tok::kPM:
        out += t.hour < 12 ? "AM" : "PM";
        break;
      case Tok::kAMlow:
      case Tok::kPMlow:
        out += t.hour < 12 ? "am" : "pm";
        break;
      case Tok::kAMdot:
      case Tok::kPMdot:
        out += t.hour < 12 ? "A.M." : "P.M.";
        break;
      case Tok::kAMdotLow:
      case Tok::kPMdotLow:
        out += t.hour < 12 ? "a.m." : "p.m.";
        break;
      case Tok::kMonthU:
        name(kMonthNames[t.month - 1], 0, true);
        break;
      case Tok::kMonthC:
        name(kMonthNames[t.month - 1], 1, true);
        break;
      case Tok::kMonthL:
        name(kMonthNames[t.month - 1], 2, true);
        break;
      case Tok::kMonU:
        name(std::string_view(kMonthNames[t.month - 1]).substr(0, 3), 0, false);
        break;
      case Tok::kMonC:
        name(std::string_view(kMonthNames[t.month - 1]).substr(0, 3), 1, false);
        break;
      case Tok::kMonL:
        name(std::string_view(kMonthNames[t.month - 1]).substr(0, 3), 2, false);
        break;
      case Tok::kDayU:
        name(kDayNames[dow], 0, true);
        break;
      case Tok::kDayC:
        name(kDayNames[dow], 1, true);
        break;
      case Tok::kDayL:
        name(kDayNames[dow], 2, true);
        break;
      case Tok::kDyU:
        name(std::string_view(kDayNames[dow]).substr(0, 3), 0, false);
        break;
      case Tok::kDyC:
        name(std::string_view(kDayNames[dow]).substr(0, 3), 1, false);
        break;
      case Tok::kDyL:
        name(std::string_view(kDayNames[dow]).substr(0, 3), 2, false);
        break;
      case Tok::kQ:
        num((t.month - 1) / 3 + 1, 1);
        break;
      case Tok::kWW:
        num((DayOfYear(t) - 1) / 7 + 1, 2);
        break;
      case Tok::kIW: {
        int week;
        int64_t iy;
        IsoWeek(t, &week, &iy);
        num(week, 2);
        break;
      }
      case Tok::kTZ:
        out += "UTC";
        break;
      case Tok::kTZlow:
        out += "utc";
        break;
      case Tok::kOF:
        out += "+00";
        break;
    }
  }
  if (t.year <= 0) out += " BC";
}

Status BadValue(std::string_view value, std::string_view field, std::string_view text) {
  return Status::InvalidArgument("to_timestamp: invalid value \"{}\" for \"{}\" in \"{}\"", value,
                                 field, text);
}

// Parses `text` with the template into a timestamp.
Result<int64_t> ParseWithFormat(const std::vector<FormatItem>& items, std::string_view text) {
  CivilTime t;
  t.year = 1;
  int64_t year = 1;
  int hour12 = -1;
  int pm = -1;  // -1 unknown, 0 AM, 1 PM
  int64_t tz_offset_secs = 0;
  int64_t doy = -1;
  size_t pos = 0;
  auto skip_spaces = [&] {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  };
  // As in PostgreSQL, a numeric field followed by a separator (a non-digit literal, a non-numeric
  // field, the end of the template), or written with FM or TH, takes every digit there is
  // ("2024" for HH24 in to_timestamp('2024-03-05', 'HH24:MI') — then out of range); otherwise
  // it takes at most its width, so 'YYYYMMDD' splits '20240305'.
  bool slurp = false;
  auto read_int = [&](int max_digits, std::string_view field, int64_t* out,
                      int* digits_read = nullptr) -> Status {
    skip_spaces();
    bool neg = false;
    if (pos < text.size() && text[pos] == '-' && field == "YYYY") {
      neg = true;
      ++pos;
    }
    const size_t start = pos;
    int64_t v = 0;
    int n = 0;
    const bool all = slurp && digits_read == nullptr;  // fractions (MS, US) keep their width
    while (pos < text.size() && (all || n < max_digits) &&
           std::isdigit(static_cast<unsigned char>(text[pos]))) {
      v = v * 10 + (text[pos] - '0');
      ++pos;
      ++n;
      if (v > std::numeric_limits<int32_t>::max()) {
        return Status::InvalidArgument(
            "to_timestamp: value for \"{}\" in source string is out of range: \"{}\"", field, text);
      }
    }
    if (n == 0) {
      return BadValue(text.substr(start, std::min<size_t>(text.size() - start, max_digits)), field,
                      text);
    }
    if (digits_read) *digits_read = n;
    *out = neg ? -v : v;
    return Status::OK();
  };
  auto match_name = [&](const char* const* names, int count, bool abbrev, std::string_view field,
                        int* index) -> Status {
    skip_spaces();
    for (int k = 0; k < count; ++k) {
      std::string_view full = names[k];
      for (size_t len : {full.size(), size_t{3}}) {
        if (abbrev && len != 3) continue;
        if (text.size() - pos >= len &&
            Lower(text.substr(pos, len)) == Lower(full.substr(0, len))) {
          *index = k;
          pos += len;
          return Status::OK();
        }
      }
    }
    return BadValue(text.substr(pos, std::min<size_t>(text.size() - pos, 9)), field, text);
  };
  auto is_numeric = [](Tok tok) {
    switch (tok) {
      case Tok::kYYYY:
      case Tok::kYYY:
      case Tok::kYY:
      case Tok::kY:
      case Tok::kMM:
      case Tok::kDD:
      case Tok::kDDD:
      case Tok::kD:
      case Tok::kID:
      case Tok::kQ:
      case Tok::kWW:
      case Tok::kIW:
      case Tok::kHH24:
      case Tok::kHH12:
      case Tok::kMI:
      case Tok::kSS:
      case Tok::kMS:
      case Tok::kUS:
        return true;
      default:
        return false;
    }
  };
  for (size_t index = 0; index < items.size(); ++index) {
    const FormatItem& it = items[index];
    if (it.fill_mode || it.ordinal != 0 || index + 1 == items.size()) {
      slurp = true;
    } else {
      const FormatItem& next = items[index + 1];
      slurp =
          next.tok == Tok::kLiteral
              ? next.literal.empty() || !std::isdigit(static_cast<unsigned char>(next.literal[0]))
              : !is_numeric(next.tok);
    }
    int64_t v = 0;
    int digits = 0;
    switch (it.tok) {
      case Tok::kLiteral:
        for (char c : it.literal) {
          if (std::isspace(static_cast<unsigned char>(c))) {
            skip_spaces();
          } else if (pos < text.size() &&
                     (text[pos] == c || !std::isalnum(static_cast<unsigned char>(text[pos])))) {
            ++pos;
          } else if (std::isalnum(static_cast<unsigned char>(c))) {
            return BadValue(text.substr(pos, 1), it.literal, text);
          }
        }
        break;
      case Tok::kYYYY:
        ARK_RETURN_IF_ERROR(read_int(4, "YYYY", &year));
        break;
      case Tok::kYYY:
        ARK_RETURN_IF_ERROR(read_int(3, "YYY", &v));
        year = v + 2000;
        break;
      case Tok::kYY:
        ARK_RETURN_IF_ERROR(read_int(2, "YY", &v));
        year = v < 70 ? 2000 + v : 1900 + v;
        break;
      case Tok::kY:
        ARK_RETURN_IF_ERROR(read_int(1, "Y", &v));
        year = 2000 + v;
        break;
      case Tok::kMM:
        ARK_RETURN_IF_ERROR(read_int(2, "MM", &v));
        t.month = static_cast<int>(v);
        break;
      case Tok::kDD:
        ARK_RETURN_IF_ERROR(read_int(2, "DD", &v));
        t.day = static_cast<int>(v);
        break;
      case Tok::kDDD:
        ARK_RETURN_IF_ERROR(read_int(3, "DDD", &doy));
        break;
      case Tok::kD:
      case Tok::kID:
      case Tok::kQ:
        ARK_RETURN_IF_ERROR(read_int(1, "D", &v));  // parsed and ignored, like PostgreSQL
        break;
      case Tok::kWW:
      case Tok::kIW:
        ARK_RETURN_IF_ERROR(read_int(2, "WW", &v));
        break;
      case Tok::kHH24:
        ARK_RETURN_IF_ERROR(read_int(2, "HH24", &v));
        t.hour = static_cast<int>(v);
        break;
      case Tok::kHH12:
        ARK_RETURN_IF_ERROR(read_int(2, "HH12", &v));
        hour12 = static_cast<int>(v);
        break;
      case Tok::kMI:
        ARK_RETURN_IF_ERROR(read_int(2, "MI", &v));
        t.minute = static_cast<int>(v);
        break;
      case Tok::kSS:
        ARK_RETURN_IF_ERROR(read_int(2, "SS", &v));
        t.second = static_cast<int>(v);
        break;
      case Tok::kMS:
        ARK_RETURN_IF_ERROR(read_int(3, "MS", &v, &digits));
        for (int d = digits; d < 3; ++d) v *= 10;
        t.micros = static_cast<int>(v * 1000);
        break;
      case Tok::kUS:
        ARK_RETURN_IF_ERROR(read_int(6, "US", &v, &digits));
        for (int d = digits; d < 6; ++d) v *= 10;
        t.micros = static_cast<int>(v);
        break;
      case Tok::kAM:
      case Tok::kPM:
      case Tok::kAMlow:
      case Tok::kPMlow:
      case Tok::kAMdot:
      case Tok::kPMdot:
      case Tok::kAMdotLow:
      case Tok::kPMdotLow: {
        skip_spaces();
        const bool dotted = it.tok == Tok::kAMdot || it.tok == Tok::kPMdot ||
                            it.tok == Tok::kAMdotLow || it.tok == Tok::kPMdotLow;
        const size_t len = dotted ? 4 : 2;
        const std::string s = Lower(text.substr(pos, std::min(len, text.size() - pos)));
        if (s == (dotted ? "a.m." : "am")) {
          pm = 0;
        } else if (s == (dotted ? "p.m." : "pm")) {
          pm = 1;
        } else {
          return BadValue(s, "AM/PM", text);
        }
        pos += len;
        break;
      }
      case Tok::kMonthU:
      case Tok::kMonthC:
      case Tok::kMonthL: {
        int m;
        ARK_RETURN_IF_ERROR(match_name(kMonthNames, 12, false, "Month", &m));
        t.month = m + 1;
        break;
      }
      case Tok::kMonU:
      case Tok::kMonC:
      case Tok::kMonL: {
        int m;
        ARK_RETURN_IF_ERROR(match_name(kMonthNames, 12, true, "Mon", &m));
        t.month = m + 1;
        break;
      }
      case Tok::kDayU:
      case Tok::kDayC:
      case Tok::kDayL: {
        int d;
        ARK_RETURN_IF_ERROR(match_name(kDayNames, 7, false, "Day", &d));
        break;
      }
      case Tok::kDyU:
      case Tok::kDyC:
      case Tok::kDyL: {
        int d;
        ARK_RETURN_IF_ERROR(match_name(kDayNames, 7, true, "Dy", &d));
        break;
      }
      case Tok::kTZ:
      case Tok::kTZlow:
      case Tok::kOF: {
        skip_spaces();
        if (text.size() - pos >= 3 &&
            (Lower(text.substr(pos, 3)) == "utc" || Lower(text.substr(pos, 3)) == "gmt")) {
          pos += 3;
        } else if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
          ++pos;
        } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
          const bool neg = text[pos] == '-';
          ++pos;
          int64_t h = 0, m = 0;
          ARK_RETURN_IF_ERROR(read_int(2, "OF", &h));
          if (pos < text.size() && text[pos] == ':') ++pos;
          if (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
            ARK_RETURN_IF_ERROR(read_int(2, "OF", &m));
          }
          tz_offset_secs = (h * 3600 + m * 60) * (neg ? -1 : 1);
        } else {
          return BadValue(text.substr(pos, std::min<size_t>(text.size() - pos, 6)), "TZ", text);
        }
        break;
      }
    }
  }
  if (hour12 >= 0) {
    if (hour12 < 1 || hour12 > 12) {
      return Status::InvalidArgument(
          "to_timestamp: hour \"{}\" is invalid for the 12-hour clock in \"{}\"", hour12, text);
    }
    t.hour = hour12 % 12 + (pm == 1 ? 12 : 0);
  } else if (pm == 1 && t.hour < 12) {
    t.hour += 12;
  }
  t.year = year > 0 ? year : year + 1;
  if (doy > 0) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(DaysFromCivil(t.year, 1, 1) + doy - 1, &y, &m, &d);
    t.month = static_cast<int>(m);
    t.day = static_cast<int>(d);
  }
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > DaysInMonth(t.year, t.month) ||
      t.hour > 23 || t.minute > 59 || t.second > 59) {
    return Status::InvalidArgument("date/time field value out of range: \"{}\"", text);
  }
  ARK_ASSIGN_OR_RETURN(int64_t ts, FromCivil(t));
  return ts - tz_offset_secs * kMicrosPerSecond;
}

// A kernel using a format argument at index 1, parsed once when constant.
template <typename Body>
Signature FormatSignature(std::vector<DataType> args, DataType ret, Body body) {
  Signature sig;
  sig.args = std::move(args);
  sig.return_type = ret;
  sig.factory = [body,
                 ret](std::span<const std::optional<Value>> constants) -> Result<ScalarKernel> {
    std::shared_ptr<const std::vector<FormatItem>> fixed;
    if (constants.size() > 1 && constants[1] && !constants[1]->is_null()) {
      fixed = std::make_shared<const std::vector<FormatItem>>(
          ParseFormat(constants[1]->string_value()));
    }
    return ScalarKernel([fixed, body, ret](KernelContext&, std::span<const Datum> args,
                                           int64_t rows) -> Result<Datum> {
      StrReader format(args[1]);
      std::vector<FormatItem> items;
      std::string last;
      bool have = false;
      auto items_for = [&](int64_t i) -> const std::vector<FormatItem>& {
        if (fixed) return *fixed;
        if (!have || format[i] != last) {
          items = ParseFormat(format[i]);
          last.assign(format[i]);
          have = true;
        }
        return items;
      };
      return body(args, rows, items_for);
    });
  };
  return sig;
}

// Checked seconds → microseconds.
Result<int64_t> SecondsToMicros(double s) {
  if (std::isnan(s)) return Status::InvalidArgument("timestamp cannot be NaN");
  const double us = std::round(s * 1e6);
  if (!(us >= -9.2e18 && us <= 9.2e18)) return Status::OutOfRange("timestamp out of range");
  return static_cast<int64_t>(us);
}

// PostgreSQL's age(): years, months and days between two timestamps, symbolic.
Result<IntervalValue> Age(int64_t a, int64_t b) {
  const CivilTime t1 = ToCivil(a), t2 = ToCivil(b);
  int64_t fsec = t1.micros - t2.micros;
  int64_t sec = t1.second - t2.second, min = t1.minute - t2.minute, hour = t1.hour - t2.hour;
  int64_t mday = t1.day - t2.day, mon = t1.month - t2.month, year = t1.year - t2.year;
  const bool flip = a < b;
  if (flip) {
    fsec = -fsec, sec = -sec, min = -min, hour = -hour, mday = -mday, mon = -mon, year = -year;
  }
  while (fsec < 0) fsec += kMicrosPerSecond, --sec;
  while (sec < 0) sec += 60, --min;
  while (min < 0) min += 60, --hour;
  while (hour < 0) hour += 24, --mday;
  while (mday < 0) {
    const CivilTime& ref = flip ? t1 : t2;
    mday += DaysInMonth(ref.year, ref.month);
    --mon;
  }
  while (mon < 0) mon += 12, --year;
  if (flip) {
    fsec = -fsec, sec = -sec, min = -min, hour = -hour, mday = -mday, mon = -mon, year = -year;
  }
  const __int128 months = static_cast<__int128>(year) * 12 + mon;
  if (months > std::numeric_limits<int32_t>::max() ||
      months < std::numeric_limits<int32_t>::min()) {
    return Status::OutOfRange("interval out of range");
  }
  const int64_t micros = ((hour * 60 + min) * 60 + sec) * kMicrosPerSecond + fsec;
  return IntervalValue{static_cast<int32_t>(months), static_cast<int32_t>(mday),
                       micros * kNanosPerMicro};
}

Result<int32_t> MakeDate(int64_t y, int64_t m, int64_t d) {
  if (y == 0 || m < 1 || m > 12 || d < 1 || y > 5874897 || y < -4713 ||
      d > DaysInMonth(y > 0 ? y : y + 1, static_cast<int>(m))) {
    return Status::InvalidArgument("date field value out of range: {}-{:02}-{:02}", y, m, d);
  }
  return static_cast<int32_t>(
      DaysFromCivil(y > 0 ? y : y + 1, static_cast<unsigned>(m), static_cast<unsigned>(d)));
}

}  // namespace

void RegisterDatetimeFunctions(FunctionRegistry& registry) {
  registry.AddScalar(
      "now",
      OverloadBinder("now",
                     {{{},
                       kTs,
                       [](KernelContext& ctx, std::span<const Datum>, int64_t) -> Result<Datum> {
                         return Datum(Value::Timestamp(StatementTime(ctx)));
                       }}},
                     /*deterministic=*/false),
      {"datetime", "now() → timestamp",
       "The time the current statement (batch) started, the same for every row.",
       "now() → 2024-05-01 12:00:00.123456"});
  registry.AddAlias("current_timestamp", "now");
  registry.AddAlias("localtimestamp", "now");
  registry.AddScalar(
      "current_date",
      OverloadBinder("current_date",
                     {{{},
                       kDate,
                       [](KernelContext& ctx, std::span<const Datum>, int64_t) -> Result<Datum> {
                         return Datum(
                             Value::Date(static_cast<int32_t>(TimestampDays(StatementTime(ctx)))));
                       }}},
                     /*deterministic=*/false),
      {"datetime", "current_date() → date", "Today's date (UTC) at the start of the statement.",
       "current_date → 2024-05-01"});

  registry.AddScalar(
      "date_trunc",
      OverloadBinder("date_trunc", {DateTruncSignature(kTs), DateTruncSignature(kIv)}),
      {"datetime", "date_trunc(unit string, t timestamp) → timestamp",
       "Truncates to the start of the unit: microseconds, milliseconds, second, minute, hour, "
       "day, week (Monday), month, quarter, year, decade, century, millennium. Also for "
       "intervals.",
       "date_trunc('hour', TIMESTAMP '2024-05-01 12:34:56') → 2024-05-01 12:00:00"});

  registry.AddScalar(
      "date_part",
      OverloadBinder("date_part",
                     {DatePartSignature(kTs), DatePartSignature(kDate), DatePartSignature(kIv)}),
      {"datetime", "date_part(field string, t timestamp|date|interval) → float64",
       "A field of a timestamp, date or interval: year, quarter, month, week (ISO), day, dow "
       "(0 = Sunday), isodow, doy, hour, minute, second (with fraction), milliseconds, "
       "microseconds, epoch, decade, century, millennium, isoyear. EXTRACT(field FROM t) is the "
       "same.",
       "date_part('hour', TIMESTAMP '2024-05-01 12:34:56') → 12"});
  registry.AddAlias("extract", "date_part");

  registry.AddScalar(
      "to_char",
      OverloadBinder(
          "to_char",
          {FormatSignature({kTs, kStr}, kStr,
                           [](std::span<const Datum> args, int64_t rows, auto& items_for) {
                             NumReader<int64_t> ts(args[0]);
                             std::string scratch;
                             return MapRows<StringWriter>(
                                 kStr, args, rows, [&](int64_t i, StringWriter& out) -> Status {
                                   scratch.clear();
                                   FormatTimestamp(items_for(i), ts[i], scratch);
                                   out.Put(i, scratch);
                                   return Status::OK();
                                 });
                           })}),
      {"datetime", "to_char(t timestamp, format string) → string",
       "Formats a timestamp with a PostgreSQL template (YYYY MM DD HH24 HH12 MI SS MS US AM Mon "
       "Month Dy Day TZ ...; FM suppresses padding).",
       "to_char(TIMESTAMP '2024-05-01 15:04:05', 'YYYY-MM-DD HH12:MI:SS PM') → "
       "'2024-05-01 03:04:05 PM'"});

  registry.AddScalar(
      "to_timestamp",
      OverloadBinder(
          "to_timestamp",
          {{{kF64},
            kTs,
            [](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
              NumReader<double> s(args[0]);
              return MapRows<FixedWriter<int64_t>>(
                  kTs, args, rows, [&](int64_t i, FixedWriter<int64_t>& out) -> Status {
                    ARK_ASSIGN_OR_RETURN(int64_t us, SecondsToMicros(s[i]));
                    out.Put(i, us);
                    return Status::OK();
                  });
            }},
           FormatSignature({kStr, kStr}, kTs,
                           [](std::span<const Datum> args, int64_t rows, auto& items_for) {
                             StrReader text(args[0]);
                             return MapRows<FixedWriter<int64_t>>(
                                 kTs, args, rows,
                                 [&](int64_t i, FixedWriter<int64_t>& out) -> Status {
                                   ARK_ASSIGN_OR_RETURN(int64_t ts,
                                                        ParseWithFormat(items_for(i), text[i]));
                                   out.Put(i, ts);
                                   return Status::OK();
                                 });
                           })}),
      {"datetime",
       "to_timestamp(seconds float64) → timestamp | to_timestamp(s string, format string) → "
       "timestamp",
       "Seconds since the Unix epoch to a timestamp, or text parsed with a PostgreSQL "
       "template.",
       "to_timestamp('05 Dec 2000', 'DD Mon YYYY') → 2000-12-05 00:00:00"});

  auto epoch_scaled = [](int64_t per) {
    return [per](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
      NumReader<int64_t> ts(args[0]);
      return MapRows<FixedWriter<int64_t>>(kI64, args, rows,
                                           [&](int64_t i, FixedWriter<int64_t>& out) -> Status {
                                             const int64_t v = ts[i];
                                             int64_t q = v / per;
                                             if ((v % per != 0) && (v < 0)) --q;
                                             out.Put(i, q);
                                             return Status::OK();
                                           });
    };
  };
  auto from_epoch = [](int64_t per) {
    return [per](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
      NumReader<int64_t> v(args[0]);
      return MapRows<FixedWriter<int64_t>>(kTs, args, rows,
                                           [&](int64_t i, FixedWriter<int64_t>& out) -> Status {
                                             int64_t r;
                                             if (__builtin_mul_overflow(v[i], per, &r)) {
                                               return Status::OutOfRange("timestamp out of range");
                                             }
                                             out.Put(i, r);
                                             return Status::OK();
                                           });
    };
  };
  registry.AddScalar("epoch_ms",
                     OverloadBinder("epoch_ms", {{{kTs}, kI64, epoch_scaled(1000)},
                                                 {{kI64}, kTs, from_epoch(1000)}}),
                     {"datetime", "epoch_ms(t timestamp) → int64 | epoch_ms(ms int64) → timestamp",
                      "Milliseconds since the Unix epoch, in either direction.",
                      "epoch_ms(1714564800000) → 2024-05-01 12:00:00"});
  registry.AddScalar(
      "epoch_us",
      OverloadBinder("epoch_us", {{{kTs}, kI64, epoch_scaled(1)}, {{kI64}, kTs, from_epoch(1)}}),
      {"datetime", "epoch_us(t timestamp) → int64 | epoch_us(us int64) → timestamp",
       "Microseconds since the Unix epoch, in either direction.",
       "epoch_us(TIMESTAMP '1970-01-01 00:00:01') → 1000000"});
  registry.AddScalar("epoch",
                     OverloadBinder("epoch", {{{kTs},
                                               kF64,
                                               [](KernelContext&, std::span<const Datum> args,
                                                  int64_t rows) -> Result<Datum> {
                                                 NumReader<int64_t> ts(args[0]);
                                                 return MapRows<FixedWriter<double>>(
                                                     kF64, args, rows,
                                                     [&](int64_t i, FixedWriter<double>& out) {
                                                       out.Put(i, static_cast<double>(ts[i]) / 1e6);
                                                       return Status::OK();
                                                     });
                                               }}}),
                     {"datetime", "epoch(t timestamp) → float64", "Seconds since the Unix epoch.",
                      "epoch(TIMESTAMP '1970-01-01 00:00:01.5') → 1.5"});

  registry.AddScalar(
      "make_date",
      OverloadBinder(
          "make_date",
          {{{kI32, kI32, kI32},
            kDate,
            [](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
              IntReader y(args[0]), m(args[1]), d(args[2]);
              return MapRows<FixedWriter<int32_t>>(
                  kDate, args, rows, [&](int64_t i, FixedWriter<int32_t>& out) -> Status {
                    ARK_ASSIGN_OR_RETURN(int32_t days, MakeDate(y[i], m[i], d[i]));
                    out.Put(i, days);
                    return Status::OK();
                  });
            }}}),
      {"datetime", "make_date(year int32, month int32, day int32) → date",
       "A date from its fields (negative years are BC).", "make_date(2024, 2, 29) → 2024-02-29"});
  registry.AddScalar(
      "make_timestamp",
      OverloadBinder(
          "make_timestamp",
          {{{kI32, kI32, kI32, kI32, kI32, kF64},
            kTs,
            [](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
              IntReader y(args[0]), mo(args[1]), d(args[2]), h(args[3]), mi(args[4]);
              NumReader<double> s(args[5]);
              return MapRows<FixedWriter<int64_t>>(
                  kTs, args, rows, [&](int64_t i, FixedWriter<int64_t>& out) -> Status {
                    ARK_ASSIGN_OR_RETURN(int32_t days, MakeDate(y[i], mo[i], d[i]));
                    const double sec = s[i];
                    if (h[i] < 0 || h[i] > 23 || mi[i] < 0 || mi[i] > 59 || !(sec >= 0) ||
                        sec >= 60) {
                      return Status::InvalidArgument(
                          "time field value out of range: {}:{:02}:{:02}", h[i], mi[i], sec);
                    }
                    out.Put(i, days * kMicrosPerDay + h[i] * kMicrosPerHour +
                                   mi[i] * kMicrosPerMinute +
                                   static_cast<int64_t>(std::llround(sec * 1e6)));
                    return Status::OK();
                  });
            }},
           {{kI64}, kTs, from_epoch(1)}}),
      {"datetime",
       "make_timestamp(year, month, day, hour, minute int32, second float64) → timestamp | "
       "make_timestamp(us int64) → timestamp",
       "A timestamp from its fields, or from microseconds since the epoch.",
       "make_timestamp(2024, 5, 1, 12, 30, 15.5) → 2024-05-01 12:30:15.5"});

  ScalarBinder age_overloads = OverloadBinder(
      "age", {{{kTs, kTs},
               kIv,
               [](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
                 NumReader<int64_t> a(args[0]), b(args[1]);
                 return MapRows<FixedWriter<IntervalValue>>(
                     kIv, args, rows, [&](int64_t i, FixedWriter<IntervalValue>& out) -> Status {
                       ARK_ASSIGN_OR_RETURN(IntervalValue v, Age(a[i], b[i]));
                       out.Put(i, v);
                       return Status::OK();
                     });
               }},
              {{kTs},
               kIv,
               [](KernelContext& ctx, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
                 NumReader<int64_t> b(args[0]);
                 const int64_t today = FloorTo(StatementTime(ctx), kMicrosPerDay);
                 return MapRows<FixedWriter<IntervalValue>>(
                     kIv, args, rows, [&](int64_t i, FixedWriter<IntervalValue>& out) -> Status {
                       ARK_ASSIGN_OR_RETURN(IntervalValue v, Age(today, b[i]));
                       out.Put(i, v);
                       return Status::OK();
                     });
               }}});
  // age(t) reads the clock; age(a, b) does not.
  ScalarBinder age =
      [age_overloads](
          std::span<const DataType> types,
          std::span<const std::optional<Value>> constants) -> Result<BoundScalarFunction> {
    ARK_ASSIGN_OR_RETURN(BoundScalarFunction f, age_overloads(types, constants));
    f.deterministic = types.size() != 1;
    return f;
  };
  registry.AddScalar(
      "age", age,
      {"datetime", "age(a timestamp [, b timestamp]) → interval",
       "a - b in years, months and days (b defaults to today's midnight: age(t) is then the "
       "age of t).",
       "age(TIMESTAMP '2001-04-10', TIMESTAMP '1957-06-13') → 43 years 9 mons 27 days"});
}

}  // namespace ark::sql
