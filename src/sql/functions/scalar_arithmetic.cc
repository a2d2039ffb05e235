// Arithmetic operators: + - * / % ^ and unary minus on numbers, and the date/time arithmetic of
// PostgreSQL (timestamp ± interval, timestamp − timestamp, date ± days, date − date, interval
// arithmetic). Integer overflow and division by zero are errors.
//
// The numeric kernels are plain loops over the value buffers (NULL slots are computed too and
// masked by the validity bitmap, which is the AND of the inputs'); overflow is accumulated as a
// flag the compiler can vectorize, and only when it is raised are the valid rows re-checked to
// name the offending values.

#include <cmath>
#include <limits>
#include <type_traits>

#include <fmt/format.h>

#include "sql/expr/datetime.h"
#include "sql/functions/scalar_kernel.h"

namespace ark::sql {

namespace {

template <typename T>
constexpr std::string_view TypeName() {
  if constexpr (std::is_same_v<T, int32_t>) return "int32";
  if constexpr (std::is_same_v<T, int64_t>) return "int64";
  if constexpr (std::is_same_v<T, float>) return "float32";
  return "float64";
}

template <typename T>
DataType TypeOf() {
  if constexpr (std::is_same_v<T, int32_t>) return DataType::Int32();
  if constexpr (std::is_same_v<T, int64_t>) return DataType::Int64();
  if constexpr (std::is_same_v<T, float>) return DataType::Float32();
  return DataType::Float64();
}

template <typename T>
Status OutOfRange(T a, std::string_view op, T b) {
  return Status::OutOfRange("{} out of range: {} {} {}", TypeName<T>(), a, op, b);
}

Status DivisionByZero() { return Status::InvalidArgument("division by zero"); }

// Each operation: Do(a, b, acc) computes the result (anything for failing inputs) and ORs a
// failure indication into acc; Failed(acc) says whether any row may have failed; Check(a, b)
// gives the exact status of one row.
template <typename T>
struct Add {
  using Acc = T;
  static constexpr std::string_view kSymbol = "+";
  static T Do(T a, T b, Acc& acc) {
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      const T r = static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
      acc |= (a ^ r) & (b ^ r);
      return r;
    } else {
      return a + b;
    }
  }
  static bool Failed(Acc acc) {
    if constexpr (std::is_integral_v<T>) return acc < 0;
    return false;
  }
  static Status Check(T a, T b) {
    T r;
    if constexpr (std::is_integral_v<T>) {
      if (__builtin_add_overflow(a, b, &r)) return OutOfRange(a, kSymbol, b);
    }
    return Status::OK();
  }
};

template <typename T>
struct Sub {
  using Acc = T;
  static constexpr std::string_view kSymbol = "-";
  static T Do(T a, T b, Acc& acc) {
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      const T r = static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
      acc |= (a ^ b) & (a ^ r);
      return r;
    } else {
      return a - b;
    }
  }
  static bool Failed(Acc acc) {
    if constexpr (std::is_integral_v<T>) return acc < 0;
    return false;
  }
  static Status Check(T a, T b) {
    T r;
    if constexpr (std::is_integral_v<T>) {
      if (__builtin_sub_overflow(a, b, &r)) return OutOfRange(a, kSymbol, b);
    }
    return Status::OK();
  }
};

template <typename T>
struct Mul {
  using Acc = int64_t;
  static constexpr std::string_view kSymbol = "*";
  static T Do(T a, T b, Acc& acc) {
    if constexpr (std::is_same_v<T, int32_t>) {
      const int64_t r = static_cast<int64_t>(a) * b;
      acc |= static_cast<int64_t>(r != static_cast<int32_t>(r));
      return static_cast<int32_t>(r);
    } else if constexpr (std::is_same_v<T, int64_t>) {
      T r;
      acc |= static_cast<int64_t>(__builtin_mul_overflow(a, b, &r));
      return r;
    } else {
      return a * b;
    }
  }
  static bool Failed(Acc acc) { return acc != 0; }
  static Status Check(T a, T b) {
    T r;
    if constexpr (std::is_integral_v<T>) {
      if (__builtin_mul_overflow(a, b, &r)) return OutOfRange(a, kSymbol, b);
    }
    return Status::OK();
  }
};

template <typename T>
struct Div {
  using Acc = int64_t;
  static constexpr std::string_view kSymbol = "/";
  static T Do(T a, T b, Acc& acc) {
    if constexpr (std::is_integral_v<T>) {
      if (b == 0 || (b == -1 && a == std::numeric_limits<T>::min())) {
        acc = 1;
        return 0;
      }
      return a / b;  // truncates toward zero, like PostgreSQL
    } else {
      acc |= static_cast<int64_t>(b == 0);
      return a / b;
    }
  }
  static bool Failed(Acc acc) { return acc != 0; }
  static Status Check(T a, T b) {
    if (b == 0) return DivisionByZero();
    if constexpr (std::is_integral_v<T>) {
      if (b == -1 && a == std::numeric_limits<T>::min()) return OutOfRange(a, kSymbol, b);
    }
    return Status::OK();
  }
};

template <typename T>
struct Mod {
  using Acc = int64_t;
  static constexpr std::string_view kSymbol = "%";
  static T Do(T a, T b, Acc& acc) {
    if constexpr (std::is_integral_v<T>) {
      if (b == 0) {
        acc = 1;
        return 0;
      }
      if (b == -1) return 0;  // INT_MIN % -1 would trap; the answer is 0
      return a % b;           // sign of the dividend, like PostgreSQL
    } else {
      acc |= static_cast<int64_t>(b == 0);
      return std::fmod(a, b);
    }
  }
  static bool Failed(Acc acc) { return acc != 0; }
  static Status Check(T, T b) {
    if (b == 0) return DivisionByZero();
    return Status::OK();
  }
};

template <typename T>
struct Pow {
  using Acc = int64_t;
  static constexpr std::string_view kSymbol = "^";
  static T Do(T a, T b, Acc& acc) {
    acc |= static_cast<int64_t>((a == 0 && b < 0) || (a < 0 && std::floor(b) != b));
    return std::pow(a, b);
  }
  static bool Failed(Acc acc) { return acc != 0; }
  static Status Check(T a, T b) {
    if (a == 0 && b < 0) {
      return Status::InvalidArgument("zero raised to a negative power is undefined");
    }
    if (a < 0 && std::floor(b) != b) {
      return Status::InvalidArgument(
          "a negative number raised to a non-integer power yields a complex result");
    }
    return Status::OK();
  }
};

// out[i] = a[i] * b with the overflow test as bounds on a[i] (computed once for b).
void MulByConstant(const int64_t* __restrict a, int64_t b, int64_t n, int64_t* __restrict out,
                   int64_t& acc) {
  if (b == 0 || b == 1) {
    for (int64_t i = 0; i < n; ++i) out[i] = b == 0 ? 0 : a[i];
    return;
  }
  // a * b fits exactly when lo <= a <= hi.
  int64_t lo, hi;
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (b > 0) {
    lo = kMin / b;  // truncation toward zero rounds these bounds inward
    hi = kMax / b;
  } else if (b == -1) {
    lo = -kMax;
    hi = kMax;
  } else {
    lo = kMax / b;
    hi = kMin / b;
  }
  int64_t bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t v = a[i];
    bad |= static_cast<int64_t>(v < lo) | static_cast<int64_t>(v > hi);
    out[i] = static_cast<int64_t>(static_cast<uint64_t>(v) * static_cast<uint64_t>(b));
  }
  acc |= bad;
}

// The vectorized binary kernel over (column|scalar, column|scalar).
template <typename T, typename Op>
Result<Datum> BinaryArith(KernelContext&, std::span<const Datum> args, int64_t rows) {
  if (HasNullScalar(args)) return Datum(Value::Null(TypeOf<T>()));
  NumReader<T> ra(args[0]), rb(args[1]);
  const bool scalar = ra.is_scalar() && rb.is_scalar();
  const int64_t n = scalar ? 1 : rows;
  auto values = Buffer::Allocate(static_cast<size_t>(n) * sizeof(T));
  T* out = reinterpret_cast<T*>(values->mutable_data());
  typename Op::Acc acc{};
  if (!ra.is_scalar() && !rb.is_scalar()) {
    const T* __restrict a = ra.data();
    const T* __restrict b = rb.data();
    for (int64_t i = 0; i < n; ++i) out[i] = Op::Do(a[i], b[i], acc);
  } else if (!ra.is_scalar()) {
    const T* __restrict a = ra.data();
    const T b = rb.scalar();
    if constexpr (std::is_same_v<Op, Mul<int64_t>>) {
      // By a constant: overflow is a range check on the other side, which vectorizes.
      MulByConstant(a, b, n, out, acc);
    } else {
      for (int64_t i = 0; i < n; ++i) out[i] = Op::Do(a[i], b, acc);
    }
  } else if (!rb.is_scalar()) {
    const T a = ra.scalar();
    const T* __restrict b = rb.data();
    if constexpr (std::is_same_v<Op, Mul<int64_t>>) {
      MulByConstant(b, a, n, out, acc);
    } else {
      for (int64_t i = 0; i < n; ++i) out[i] = Op::Do(a, b[i], acc);
    }
  } else {
    out[0] = Op::Do(ra.scalar(), rb.scalar(), acc);
  }
  int64_t nulls = 0;
  BufferPtr validity = scalar ? nullptr : CombinedValidity(args, n, &nulls);
  if (Op::Failed(acc)) {
    for (int64_t i = 0; i < n; ++i) {
      if (BitmapGet(validity, i)) ARK_RETURN_IF_ERROR(Op::Check(ra[i], rb[i]));
    }
  }
  ColumnPtr col = Column::Make(TypeOf<T>(), n, {std::move(validity), std::move(values)}, {}, nulls);
  return ToDatum(std::move(col), scalar);
}

template <typename T>
Result<Datum> Negate(KernelContext&, std::span<const Datum> args, int64_t rows) {
  if (HasNullScalar(args)) return Datum(Value::Null(TypeOf<T>()));
  NumReader<T> ra(args[0]);
  const bool scalar = ra.is_scalar();
  const int64_t n = scalar ? 1 : rows;
  auto values = Buffer::Allocate(static_cast<size_t>(n) * sizeof(T));
  T* out = reinterpret_cast<T*>(values->mutable_data());
  bool overflow = false;
  if (scalar) {
    out[0] = ra.scalar();
  } else {
    std::memcpy(out, ra.data(), static_cast<size_t>(n) * sizeof(T));
  }
  if constexpr (std::is_integral_v<T>) {
    int acc = 0;
    for (int64_t i = 0; i < n; ++i) {
      acc |= out[i] == std::numeric_limits<T>::min();
      out[i] = static_cast<T>(-static_cast<std::make_unsigned_t<T>>(out[i]));
    }
    overflow = acc != 0;
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = -out[i];
  }
  int64_t nulls = 0;
  BufferPtr validity = scalar ? nullptr : CombinedValidity(args, n, &nulls);
  if (overflow) {
    for (int64_t i = 0; i < n; ++i) {
      if (BitmapGet(validity, i) && ra[i] == std::numeric_limits<T>::min()) {
        return Status::OutOfRange("{} out of range: -({})", TypeName<T>(), ra[i]);
      }
    }
  }
  ColumnPtr col = Column::Make(TypeOf<T>(), n, {std::move(validity), std::move(values)}, {}, nulls);
  return ToDatum(std::move(col), scalar);
}

template <template <typename> class Op>
std::vector<Signature> NumericSignatures() {
  return {
      {{DataType::Int32(), DataType::Int32()},
       DataType::Int32(),
       BinaryArith<int32_t, Op<int32_t>>},
      {{DataType::Int64(), DataType::Int64()},
       DataType::Int64(),
       BinaryArith<int64_t, Op<int64_t>>},
      {{DataType::Float32(), DataType::Float32()},
       DataType::Float32(),
       BinaryArith<float, Op<float>>},
      {{DataType::Float64(), DataType::Float64()},
       DataType::Float64(),
       BinaryArith<double, Op<double>>},
  };
}

// ---------------------------------------------------------------------------------------------
// Date and time arithmetic

Result<Datum> TimestampPlusInterval(std::span<const Datum> args, int64_t rows, bool subtract,
                                    int ts_arg) {
  const Datum& ts = args[static_cast<size_t>(ts_arg)];
  const Datum& iv = args[static_cast<size_t>(1 - ts_arg)];
  // Fast path: a constant interval without months is a constant number of microseconds.
  if (iv.is_scalar() && ts.is_column() && !iv.scalar().is_null() &&
      iv.scalar().interval_value().months == 0) {
    const IntervalValue v = iv.scalar().interval_value();
    const __int128 d128 = static_cast<__int128>(v.days) * kMicrosPerDay + v.nanos / kNanosPerMicro;
    const __int128 delta128 = subtract ? -d128 : d128;
    if (delta128 > std::numeric_limits<int64_t>::max() ||
        delta128 < std::numeric_limits<int64_t>::min()) {
      return Status::OutOfRange("timestamp out of range");
    }
    const int64_t delta = static_cast<int64_t>(delta128);
    const Column& c = *ts.column();
    const int64_t* in = c.data<int64_t>();
    auto values = Buffer::Allocate(static_cast<size_t>(rows) * sizeof(int64_t));
    int64_t* out = reinterpret_cast<int64_t*>(values->mutable_data());
    int64_t acc = 0;
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t r =
          static_cast<int64_t>(static_cast<uint64_t>(in[i]) + static_cast<uint64_t>(delta));
      acc |= (in[i] ^ r) & (delta ^ r);
      out[i] = r;
    }
    BufferPtr validity = AlignedValidity(c);
    if (acc < 0) {
      for (int64_t i = 0; i < rows; ++i) {
        int64_t r;
        if (BitmapGet(validity, i) && __builtin_add_overflow(in[i], delta, &r)) {
          return Status::OutOfRange("timestamp out of range");
        }
      }
    }
    return Datum(Column::Make(DataType::Timestamp(), rows, {std::move(validity), std::move(values)},
                              {}, c.null_count()));
  }
  NumReader<int64_t> t(ts);
  NumReader<IntervalValue> v(iv);
  return MapRows<FixedWriter<int64_t>>(DataType::Timestamp(), args, rows,
                                       [&](int64_t i, FixedWriter<int64_t>& out) -> Status {
                                         IntervalValue d = v[i];
                                         if (subtract) {
                                           ARK_ASSIGN_OR_RETURN(d, NegateInterval(d));
                                         }
                                         ARK_ASSIGN_OR_RETURN(int64_t r, AddInterval(t[i], d));
                                         out.Put(i, r);
                                         return Status::OK();
                                       });
}

Result<Datum> DatePlusInterval(std::span<const Datum> args, int64_t rows, bool subtract,
                               int date_arg) {
  NumReader<int32_t> d(args[static_cast<size_t>(date_arg)]);
  NumReader<IntervalValue> v(args[static_cast<size_t>(1 - date_arg)]);
  return MapRows<FixedWriter<int64_t>>(
      DataType::Timestamp(), args, rows, [&](int64_t i, FixedWriter<int64_t>& out) -> Status {
        IntervalValue iv = v[i];
        if (subtract) {
          ARK_ASSIGN_OR_RETURN(iv, NegateInterval(iv));
        }
        ARK_ASSIGN_OR_RETURN(int64_t r, AddInterval(d[i] * kMicrosPerDay, iv));
        out.Put(i, r);
        return Status::OK();
      });
}

template <typename I>
Result<Datum> DatePlusDays(std::span<const Datum> args, int64_t rows, bool subtract, int date_arg) {
  NumReader<int32_t> d(args[static_cast<size_t>(date_arg)]);
  NumReader<I> n(args[static_cast<size_t>(1 - date_arg)]);
  return MapRows<FixedWriter<int32_t>>(
      DataType::Date(), args, rows, [&](int64_t i, FixedWriter<int32_t>& out) -> Status {
        const int64_t r =
            subtract ? static_cast<int64_t>(d[i]) - n[i] : static_cast<int64_t>(d[i]) + n[i];
        if (r > std::numeric_limits<int32_t>::max() || r < std::numeric_limits<int32_t>::min()) {
          return Status::OutOfRange("date out of range");
        }
        out.Put(i, static_cast<int32_t>(r));
        return Status::OK();
      });
}

Result<Datum> DateMinusDate(KernelContext&, std::span<const Datum> args, int64_t rows) {
  NumReader<int32_t> a(args[0]), b(args[1]);
  return MapRows<FixedWriter<int32_t>>(
      DataType::Int32(), args, rows, [&](int64_t i, FixedWriter<int32_t>& out) -> Status {
        const int64_t r = static_cast<int64_t>(a[i]) - b[i];
        if (r > std::numeric_limits<int32_t>::max() || r < std::numeric_limits<int32_t>::min()) {
          return Status::OutOfRange("int32 out of range: {} - {}", a[i], b[i]);
        }
        out.Put(i, static_cast<int32_t>(r));
        return Status::OK();
      });
}

Result<Datum> TimestampMinusTimestamp(KernelContext&, std::span<const Datum> args, int64_t rows) {
  NumReader<int64_t> a(args[0]), b(args[1]);
  return MapRows<FixedWriter<IntervalValue>>(
      DataType::Interval(), args, rows, [&](int64_t i, FixedWriter<IntervalValue>& out) -> Status {
        ARK_ASSIGN_OR_RETURN(IntervalValue r, TimestampDifference(a[i], b[i]));
        out.Put(i, r);
        return Status::OK();
      });
}

Result<Datum> IntervalPlusInterval(std::span<const Datum> args, int64_t rows, bool subtract) {
  NumReader<IntervalValue> a(args[0]), b(args[1]);
  return MapRows<FixedWriter<IntervalValue>>(
      DataType::Interval(), args, rows, [&](int64_t i, FixedWriter<IntervalValue>& out) -> Status {
        IntervalValue rhs = b[i];
        if (subtract) {
          ARK_ASSIGN_OR_RETURN(rhs, NegateInterval(rhs));
        }
        ARK_ASSIGN_OR_RETURN(IntervalValue r, AddIntervals(a[i], rhs));
        out.Put(i, r);
        return Status::OK();
      });
}

Result<Datum> IntervalTimesNumber(std::span<const Datum> args, int64_t rows, int interval_arg,
                                  bool divide) {
  NumReader<IntervalValue> v(args[static_cast<size_t>(interval_arg)]);
  NumReader<double> f(args[static_cast<size_t>(1 - interval_arg)]);
  return MapRows<FixedWriter<IntervalValue>>(
      DataType::Interval(), args, rows, [&](int64_t i, FixedWriter<IntervalValue>& out) -> Status {
        double factor = f[i];
        if (divide) {
          if (factor == 0) return DivisionByZero();
          factor = 1 / factor;
        }
        ARK_ASSIGN_OR_RETURN(IntervalValue r, MultiplyInterval(v[i], factor));
        out.Put(i, r);
        return Status::OK();
      });
}

Result<Datum> NegateIntervalKernel(KernelContext&, std::span<const Datum> args, int64_t rows) {
  NumReader<IntervalValue> v(args[0]);
  return MapRows<FixedWriter<IntervalValue>>(
      DataType::Interval(), args, rows, [&](int64_t i, FixedWriter<IntervalValue>& out) -> Status {
        ARK_ASSIGN_OR_RETURN(IntervalValue r, NegateInterval(v[i]));
        out.Put(i, r);
        return Status::OK();
      });
}

}  // namespace

void RegisterArithmeticFunctions(FunctionRegistry& registry) {
  const DataType ts = DataType::Timestamp();
  const DataType iv = DataType::Interval();
  const DataType date = DataType::Date();
  const DataType i32 = DataType::Int32();
  const DataType i64 = DataType::Int64();
  const DataType f64 = DataType::Float64();

  std::vector<Signature> add = NumericSignatures<Add>();
  add.push_back({{ts, iv}, ts, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return TimestampPlusInterval(a, rows, false, 0);
                 }});
  add.push_back({{iv, ts}, ts, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return TimestampPlusInterval(a, rows, false, 1);
                 }});
  add.push_back({{date, i32}, date, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return DatePlusDays<int32_t>(a, rows, false, 0);
                 }});
  add.push_back({{i32, date}, date, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return DatePlusDays<int32_t>(a, rows, false, 1);
                 }});
  add.push_back({{date, i64}, date, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return DatePlusDays<int64_t>(a, rows, false, 0);
                 }});
  add.push_back({{date, iv}, ts, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return DatePlusInterval(a, rows, false, 0);
                 }});
  add.push_back({{iv, date}, ts, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return DatePlusInterval(a, rows, false, 1);
                 }});
  add.push_back({{iv, iv}, iv, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return IntervalPlusInterval(a, rows, false);
                 }});
  registry.AddScalar("+", OverloadBinder("+", std::move(add)),
                     {"operator", "a + b",
                      "Addition of numbers (integer overflow is an error), timestamp + interval, "
                      "date + integer days, date + interval, interval + interval.",
                      "TIMESTAMP '2024-01-31 10:00' + INTERVAL '1 month' → 2024-02-29 10:00:00"});

  std::vector<Signature> sub = NumericSignatures<Sub>();
  sub.push_back({{ts, iv}, ts, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return TimestampPlusInterval(a, rows, true, 0);
                 }});
  sub.push_back({{ts, ts}, iv, TimestampMinusTimestamp});
  sub.push_back({{date, date}, i32, DateMinusDate});
  sub.push_back({{date, i32}, date, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return DatePlusDays<int32_t>(a, rows, true, 0);
                 }});
  sub.push_back({{date, i64}, date, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return DatePlusDays<int64_t>(a, rows, true, 0);
                 }});
  sub.push_back({{date, iv}, ts, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return DatePlusInterval(a, rows, true, 0);
                 }});
  sub.push_back({{iv, iv}, iv, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return IntervalPlusInterval(a, rows, true);
                 }});
  registry.AddScalar("-", OverloadBinder("-", std::move(sub)),
                     {"operator", "a - b",
                      "Subtraction of numbers, timestamp - interval, timestamp - timestamp "
                      "(an interval of days and time), date - date (days), date - integer.",
                      "DATE '2024-03-01' - DATE '2024-02-01' → 29"});

  std::vector<Signature> mul = NumericSignatures<Mul>();
  mul.push_back({{iv, f64}, iv, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return IntervalTimesNumber(a, rows, 0, false);
                 }});
  mul.push_back({{f64, iv}, iv, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return IntervalTimesNumber(a, rows, 1, false);
                 }});
  registry.AddScalar("*", OverloadBinder("*", std::move(mul)),
                     {"operator", "a * b",
                      "Multiplication of numbers (integer overflow is an error) and of an "
                      "interval by a number.",
                      "INTERVAL '1 hour' * 1.5 → 01:30:00"});

  std::vector<Signature> div = NumericSignatures<Div>();
  div.push_back({{iv, f64}, iv, [](KernelContext&, std::span<const Datum> a, int64_t rows) {
                   return IntervalTimesNumber(a, rows, 0, true);
                 }});
  registry.AddScalar("/", OverloadBinder("/", std::move(div)),
                     {"operator", "a / b",
                      "Division; integer division truncates toward zero. Division by zero is an "
                      "error.",
                      "7 / 2 → 3"});

  registry.AddScalar(
      "%", OverloadBinder("%", NumericSignatures<Mod>()),
      {"operator", "a % b", "Remainder, with the sign of the dividend. Modulo zero is an error.",
       "-7 % 3 → -1"});

  registry.AddScalar("^",
                     OverloadBinder("^", {{{f64, f64}, f64, BinaryArith<double, Pow<double>>}}),
                     {"operator", "a ^ b → float64",
                      "Exponentiation (as float64, like PostgreSQL's ^).", "2 ^ 10 → 1024"});

  registry.AddScalar(
      "negate",
      OverloadBinder("negate", {{{i32}, i32, Negate<int32_t>},
                                {{i64}, i64, Negate<int64_t>},
                                {{DataType::Float32()}, DataType::Float32(), Negate<float>},
                                {{f64}, f64, Negate<double>},
                                {{iv}, iv, NegateIntervalKernel}}),
      {"operator", "- a", "Unary minus.", "-(5) → -5"});
}

}  // namespace ark::sql
