// Math functions: abs, ceil, floor, round, trunc, sign, sqrt, cbrt, exp, ln, log, log10, log2,
// power, mod, pi, degrees, radians, trigonometry, random, greatest, least.
//
// Domain errors follow PostgreSQL ("cannot take square root of a negative number", "cannot take
// logarithm of zero"). round() rounds half away from zero (PostgreSQL's numeric rounding; our
// numeric is float64), on the decimal digits of the shortest representation of the value so that
// round(2.675, 2) is 2.68 as written rather than 2.67 of its binary approximation.

#include <charconv>
#include <cmath>
#include <limits>
#include <random>

#include <fmt/format.h>

#include "sql/expr/cast.h"
#include "sql/functions/scalar_compare.h"
#include "sql/functions/scalar_kernel.h"

namespace ark::sql {

namespace {

const DataType kI32 = DataType::Int32();
const DataType kI64 = DataType::Int64();
const DataType kF32 = DataType::Float32();
const DataType kF64 = DataType::Float64();

template <typename T>
DataType TypeOf() {
  if constexpr (std::is_same_v<T, int32_t>) return DataType::Int32();
  if constexpr (std::is_same_v<T, int64_t>) return DataType::Int64();
  if constexpr (std::is_same_v<T, float>) return DataType::Float32();
  return DataType::Float64();
}

// A kernel applying fn(T) -> Result<R> row by row.
template <typename T, typename R, typename Fn>
ScalarKernel Unary(Fn fn) {
  return [fn](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
    NumReader<T> a(args[0]);
    return MapRows<FixedWriter<R>>(TypeOf<R>(), args, rows,
                                   [&](int64_t i, FixedWriter<R>& out) -> Status {
                                     ARK_ASSIGN_OR_RETURN(R r, fn(a[i]));
                                     out.Put(i, r);
                                     return Status::OK();
                                   });
  };
}

// A kernel applying fn(A, B) -> Result<R> row by row.
template <typename A, typename B, typename R, typename Fn>
ScalarKernel Binary(Fn fn) {
  return [fn](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
    NumReader<A> a(args[0]);
    NumReader<B> b(args[1]);
    return MapRows<FixedWriter<R>>(TypeOf<R>(), args, rows,
                                   [&](int64_t i, FixedWriter<R>& out) -> Status {
                                     ARK_ASSIGN_OR_RETURN(R r, fn(a[i], b[i]));
                                     out.Put(i, r);
                                     return Status::OK();
                                   });
  };
}

// A float64 → float64 function with a domain check.
template <typename Fn>
Signature F64(Fn fn) {
  return {{kF64}, kF64, Unary<double, double>([fn](double x) -> Result<double> { return fn(x); })};
}

Status Overflow() { return Status::OutOfRange("value out of range: overflow"); }

Result<double> Checked(double r) {
  if (std::isinf(r)) return Overflow();
  return r;
}

template <typename T>
Result<T> AbsValue(T v) {
  if constexpr (std::is_integral_v<T>) {
    if (v == std::numeric_limits<T>::min()) {
      return Status::OutOfRange("{} out of range: abs({})", TypeOf<T>().ToString(), v);
    }
    return v < 0 ? -v : v;
  } else {
    return std::fabs(v);
  }
}

// Rounds half away from zero at `digits` decimal places (negative: left of the point).
double RoundDecimal(double x, int64_t digits) {
  if (!std::isfinite(x)) return x;
  if (digits > 300) return x;
  if (digits < -300) return 0;
  const double scale = std::pow(10.0, static_cast<double>(digits));
  const double scaled = x * scale;
  if (!std::isfinite(scaled)) return x;
  const double frac = std::fabs(scaled - std::trunc(scaled));
  if (std::fabs(frac - 0.5) > 1e-6) return std::round(scaled) / scale;
  // Close to a tie: decide on the shortest decimal digits of x, as they were written.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  const size_t e = sci.find('e');
  const int exp = std::stoi(std::string(sci.substr(e + 1)));
  std::string digs;
  for (char c : sci.substr(0, e)) {
    if (c >= '0' && c <= '9') digs += c;
  }
  // Value = 0.d1d2d3... × 10^(exp+1); keep (exp + 1 + digits) digits.
  const int64_t keep = exp + 1 + digits;
  if (keep < 0) return 0;
  if (static_cast<size_t>(keep) >= digs.size()) return x;
  const bool up = digs[static_cast<size_t>(keep)] >= '5';
  std::string kept = digs.substr(0, static_cast<size_t>(keep));
  double mant = kept.empty() ? 0 : std::stod(kept);
  if (up) mant += 1;
  const double r = mant * std::pow(10.0, static_cast<double>(exp + 1 - keep));
  return x < 0 ? -r : r;
}

double TruncDecimal(double x, int64_t digits) {
  if (!std::isfinite(x)) return x;
  const double scale = std::pow(10.0, static_cast<double>(digits));
  const double scaled = x * scale;
  if (!std::isfinite(scaled)) return x;
  return std::trunc(scaled) / scale;
}

template <typename T>
Signature Identity(DataType t) {
  return {{t}, t, [](KernelContext&, std::span<const Datum> args, int64_t) -> Result<Datum> {
            return args[0];
          }};
}

Result<Datum> RandomKernel(KernelContext&, std::span<const Datum>, int64_t rows) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  FixedWriter<double> out(kF64, rows);
  for (int64_t i = 0; i < rows; ++i) out.Put(i, dist(gen));
  return Datum(out.Finish());
}

// greatest/least: the largest/smallest non-NULL argument (NULL when all are NULL).
ScalarBinder ExtremeBinder(std::string name, bool greatest) {
  return [name, greatest](
             std::span<const DataType> types,
             std::span<const std::optional<Value>> constants) -> Result<BoundScalarFunction> {
    if (types.empty()) {
      return Status::TypeError("function {}() needs at least one argument", name);
    }
    DataType common = types[0];
    bool literal = IsStringLiteral(constants, 0);
    for (size_t i = 1; i < types.size(); ++i) {
      const bool lit_i = IsStringLiteral(constants, i);
      std::optional<DataType> t = CommonSuperType(common, types[i], literal, lit_i);
      if (!t) {
        return Status::TypeError("{} types {} and {} cannot be matched", name, common.ToString(),
                                 types[i].ToString());
      }
      literal = literal && lit_i;
      common = *t;
    }
    ScalarKernel kernel = [common, greatest](KernelContext&, std::span<const Datum> args,
                                             int64_t rows) -> Result<Datum> {
      const bool scalar = AllScalar(args);
      const int64_t n = scalar ? 1 : rows;
      std::vector<ColumnPtr> cols;
      for (const Datum& d : args)
        cols.push_back(d.is_scalar() ? d.scalar().ToColumn(1) : d.column());
      BuilderWriter out(common, n);
      for (int64_t i = 0; i < n; ++i) {
        int best = -1;
        int64_t best_row = 0;
        for (size_t k = 0; k < cols.size(); ++k) {
          const int64_t r = args[k].is_scalar() ? 0 : i;
          if (cols[k]->IsNull(r)) continue;
          if (best < 0) {
            best = static_cast<int>(k);
            best_row = r;
            continue;
          }
          const int c = CompareValues(*cols[k], r, *cols[static_cast<size_t>(best)], best_row);
          if (greatest ? c > 0 : c < 0) {
            best = static_cast<int>(k);
            best_row = r;
          }
        }
        if (best < 0) {
          out.PutNull(i);
        } else {
          out.builder().AppendFrom(*cols[static_cast<size_t>(best)], best_row);
        }
      }
      return ToDatum(out.Finish(), scalar);
    };
    return MakeBound(name, std::vector<DataType>(types.size(), common), common, kernel);
  };
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& registry) {
  registry.AddScalar(
      "abs",
      OverloadBinder("abs", {{{kI32}, kI32, Unary<int32_t, int32_t>(AbsValue<int32_t>)},
                             {{kI64}, kI64, Unary<int64_t, int64_t>(AbsValue<int64_t>)},
                             {{kF32}, kF32, Unary<float, float>(AbsValue<float>)},
                             {{kF64}, kF64, Unary<double, double>(AbsValue<double>)}}),
      {"math", "abs(x number) → number", "Absolute value.", "abs(-17.4) → 17.4"});

  auto rounding = [](std::string name, double (*fn)(double), float (*fn32)(float)) {
    return OverloadBinder(
        name,
        {Identity<int32_t>(kI32),
         Identity<int64_t>(kI64),
         {{kF32}, kF32, Unary<float, float>([fn32](float x) -> Result<float> { return fn32(x); })},
         {{kF64}, kF64, Unary<double, double>([fn](double x) -> Result<double> {
            return fn(x);
          })}});
  };
  registry.AddScalar("ceil",
                     rounding("ceil", static_cast<double (*)(double)>(std::ceil),
                              static_cast<float (*)(float)>(std::ceil)),
                     {"math", "ceil(x number) → number",
                      "Nearest integer greater than or equal to x.", "ceil(-42.8) → -42"});
  registry.AddAlias("ceiling", "ceil");
  registry.AddScalar("floor",
                     rounding("floor", static_cast<double (*)(double)>(std::floor),
                              static_cast<float (*)(float)>(std::floor)),
                     {"math", "floor(x number) → number",
                      "Nearest integer less than or equal to x.", "floor(-42.8) → -43"});

  registry.AddScalar(
      "round",
      OverloadBinder("round",
                     {Identity<int32_t>(kI32),
                      Identity<int64_t>(kI64),
                      {{kF32}, kF32, Unary<float, float>([](float x) -> Result<float> {
                         return static_cast<float>(RoundDecimal(x, 0));
                       })},
                      {{kF64}, kF64, Unary<double, double>([](double x) -> Result<double> {
                         return RoundDecimal(x, 0);
                       })},
                      {{kF64, kI32},
                       kF64,
                       Binary<double, int32_t, double>([](double x, int32_t d) -> Result<double> {
                         return RoundDecimal(x, d);
                       })}}),
      {"math", "round(x number [, digits int32]) → number",
       "Rounds to the nearest integer, or to `digits` decimal places; halves round away from "
       "zero.",
       "round(42.4382, 2) → 42.44"});

  registry.AddScalar(
      "trunc",
      OverloadBinder("trunc",
                     {Identity<int32_t>(kI32),
                      Identity<int64_t>(kI64),
                      {{kF32}, kF32, Unary<float, float>([](float x) -> Result<float> {
                         return std::trunc(x);
                       })},
                      {{kF64}, kF64, Unary<double, double>([](double x) -> Result<double> {
                         return std::trunc(x);
                       })},
                      {{kF64, kI32},
                       kF64,
                       Binary<double, int32_t, double>([](double x, int32_t d) -> Result<double> {
                         return TruncDecimal(x, d);
                       })}}),
      {"math", "trunc(x number [, digits int32]) → number",
       "Truncates toward zero (to `digits` decimal places).", "trunc(42.4382, 2) → 42.43"});

  auto sign = [](auto x) -> Result<decltype(x)> {
    using T = decltype(x);
    return static_cast<T>(x > 0 ? 1 : x < 0 ? -1 : 0);
  };
  registry.AddScalar("sign",
                     OverloadBinder("sign", {{{kI32}, kI32, Unary<int32_t, int32_t>(sign)},
                                             {{kI64}, kI64, Unary<int64_t, int64_t>(sign)},
                                             {{kF32}, kF32, Unary<float, float>(sign)},
                                             {{kF64}, kF64, Unary<double, double>(sign)}}),
                     {"math", "sign(x number) → number", "Sign of the argument (-1, 0, or +1).",
                      "sign(-8.4) → -1"});

  registry.AddScalar(
      "sqrt", OverloadBinder("sqrt", {F64([](double x) -> Result<double> {
                               if (x < 0) {
                                 return Status::InvalidArgument(
                                     "cannot take square root of a negative number");
                               }
                               return std::sqrt(x);
                             })}),
      {"math", "sqrt(x float64) → float64", "Square root.", "sqrt(2) → 1.4142135623730951"});
  registry.AddScalar(
      "cbrt",
      OverloadBinder("cbrt", {F64([](double x) -> Result<double> { return std::cbrt(x); })}),
      {"math", "cbrt(x float64) → float64", "Cube root.", "cbrt(64) → 4"});
  registry.AddScalar(
      "exp",
      OverloadBinder("exp", {F64([](double x) -> Result<double> { return Checked(std::exp(x)); })}),
      {"math", "exp(x float64) → float64", "Exponential (e raised to x).",
       "exp(1) → 2.718281828459045"});

  auto log_of = [](double (*fn)(double)) {
    return [fn](double x) -> Result<double> {
      if (x == 0) return Status::InvalidArgument("cannot take logarithm of zero");
      if (x < 0) return Status::InvalidArgument("cannot take logarithm of a negative number");
      return fn(x);
    };
  };
  registry.AddScalar(
      "ln", OverloadBinder("ln", {F64(log_of(std::log))}),
      {"math", "ln(x float64) → float64", "Natural logarithm.", "ln(2) → 0.6931471805599453"});
  registry.AddScalar(
      "log",
      OverloadBinder(
          "log", {F64(log_of(std::log10)),
                  {{kF64, kF64},
                   kF64,
                   Binary<double, double, double>([](double b, double x) -> Result<double> {
                     if (b == 0 || x == 0) {
                       return Status::InvalidArgument("cannot take logarithm of zero");
                     }
                     if (b < 0 || x < 0) {
                       return Status::InvalidArgument("cannot take logarithm of a negative number");
                     }
                     if (b == 1) return Status::InvalidArgument("division by zero");
                     return std::log(x) / std::log(b);
                   })}}),
      {"math", "log(x float64) → float64 | log(b float64, x float64) → float64",
       "Base 10 logarithm, or logarithm of x to base b.", "log(2, 64) → 6"});
  registry.AddScalar(
      "log10", OverloadBinder("log10", {F64(log_of(std::log10))}),
      {"math", "log10(x float64) → float64", "Base 10 logarithm.", "log10(1000) → 3"});
  registry.AddScalar("log2", OverloadBinder("log2", {F64(log_of(std::log2))}),
                     {"math", "log2(x float64) → float64", "Base 2 logarithm.", "log2(8) → 3"});

  registry.AddScalar(
      "power",
      OverloadBinder("power",
                     {{{kF64, kF64},
                       kF64,
                       Binary<double, double, double>([](double a, double b) -> Result<double> {
                         if (a == 0 && b < 0) {
                           return Status::InvalidArgument(
                               "zero raised to a negative power is undefined");
                         }
                         if (a < 0 && std::floor(b) != b) {
                           return Status::InvalidArgument(
                               "a negative number raised to a non-integer power yields "
                               "a complex result");
                         }
                         return Checked(std::pow(a, b));
                       })}}),
      {"math", "power(a float64, b float64) → float64", "a raised to the power of b.",
       "power(9, 3) → 729"});
  registry.AddAlias("pow", "power");

  auto mod = [](auto a, auto b) -> Result<decltype(a)> {
    using T = decltype(a);
    if (b == 0) return Status::InvalidArgument("division by zero");
    if constexpr (std::is_integral_v<T>) {
      if (b == -1) return T{0};
      return static_cast<T>(a % b);
    } else {
      return static_cast<T>(std::fmod(a, b));
    }
  };
  registry.AddScalar(
      "mod",
      OverloadBinder("mod", {{{kI32, kI32}, kI32, Binary<int32_t, int32_t, int32_t>(mod)},
                             {{kI64, kI64}, kI64, Binary<int64_t, int64_t, int64_t>(mod)},
                             {{kF64, kF64}, kF64, Binary<double, double, double>(mod)}}),
      {"math", "mod(a number, b number) → number", "Remainder of a / b (sign of a).",
       "mod(9, 4) → 1"});

  registry.AddScalar(
      "pi",
      OverloadBinder("pi", {{{},
                             kF64,
                             [](KernelContext&, std::span<const Datum>, int64_t) -> Result<Datum> {
                               return Datum(Value::Float64(M_PI));
                             }}}),
      {"math", "pi() → float64", "The constant π.", "pi() → 3.141592653589793"});
  registry.AddScalar(
      "degrees",
      OverloadBinder("degrees", {F64([](double x) -> Result<double> { return x * 180.0 / M_PI; })}),
      {"math", "degrees(x float64) → float64", "Radians to degrees.",
       "degrees(0.5) → 28.64788975654116"});
  registry.AddScalar(
      "radians",
      OverloadBinder("radians", {F64([](double x) -> Result<double> { return x * M_PI / 180.0; })}),
      {"math", "radians(x float64) → float64", "Degrees to radians.",
       "radians(45) → 0.7853981633974483"});

  struct Trig {
    const char* name;
    double (*fn)(double);
    bool unit_domain;  // asin/acos: input in [-1, 1]
    const char* example;
  };
  static const Trig kTrig[] = {
      {"sin", std::sin, false, "sin(1) → 0.8414709848078965"},
      {"cos", std::cos, false, "cos(0) → 1"},
      {"tan", std::tan, false, "tan(1) → 1.5574077246549023"},
      {"asin", std::asin, true, "asin(1) → 1.5707963267948966"},
      {"acos", std::acos, true, "acos(1) → 0"},
      {"atan", std::atan, false, "atan(1) → 0.7853981633974483"},
  };
  for (const Trig& t : kTrig) {
    auto fn = t.fn;
    const bool unit = t.unit_domain;
    registry.AddScalar(t.name,
                       OverloadBinder(t.name, {F64([fn, unit](double x) -> Result<double> {
                                        if (unit && (x < -1 || x > 1)) {
                                          return Status::InvalidArgument("input is out of range");
                                        }
                                        return fn(x);
                                      })}),
                       {"math", std::string(t.name) + "(x float64) → float64",
                        "Trigonometric function (radians).", t.example});
  }
  registry.AddScalar(
      "atan2",
      OverloadBinder(
          "atan2", {{{kF64, kF64},
                     kF64,
                     Binary<double, double, double>(
                         [](double y, double x) -> Result<double> { return std::atan2(y, x); })}}),
      {"math", "atan2(y float64, x float64) → float64", "Inverse tangent of y/x.",
       "atan2(1, 0) → 1.5707963267948966"});

  registry.AddScalar(
      "random", OverloadBinder("random", {{{}, kF64, RandomKernel}}, false),
      {"math", "random() → float64", "A random value in [0, 1), different for every row and call.",
       "random() → 0.897124072839091"});

  registry.AddScalar("greatest", ExtremeBinder("greatest", true),
                     {"math", "greatest(a, b, ...) → same type",
                      "The largest argument, ignoring NULLs (NULL only when all are NULL).",
                      "greatest(1, NULL, 3) → 3"});
  registry.AddScalar("least", ExtremeBinder("least", false),
                     {"math", "least(a, b, ...) → same type",
                      "The smallest argument, ignoring NULLs (NULL only when all are NULL).",
                      "least(1, NULL, 3) → 1"});
}

}  // namespace ark::sql
