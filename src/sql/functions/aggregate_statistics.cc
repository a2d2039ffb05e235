// Variance and standard deviation (Welford's online algorithm, merged with Chan et al.'s formula
// so that partial states combine exactly), and exact percentiles (percentile_cont,
// percentile_disc, median) over numeric inputs. All return float64; NULL inputs are skipped.

#include <cmath>

#include "sql/functions/aggregate_internal.h"

namespace ark::sql::agg {
namespace {

template <typename T>
const T* NumericData(const Column& c) {
  return c.data<T>();
}

// Calls make.template operator()<T>() with the C++ type of a numeric type id (null otherwise).
template <typename Make>
AggregateFunctionPtr DispatchNumeric(TypeId id, Make&& make) {
  switch (id) {
    case TypeId::kInt32:
      return make.template operator()<int32_t>();
    case TypeId::kInt64:
      return make.template operator()<int64_t>();
    case TypeId::kFloat32:
      return make.template operator()<float>();
    case TypeId::kFloat64:
      return make.template operator()<double>();
    default:
      return nullptr;
  }
}

// ---- variance family ----------------------------------------------------------------------------

struct WelfordState {
  int64_t n;
  double mean;
  double m2;  // sum of squared differences from the mean
};

enum class VarianceKind { kVarSamp, kVarPop, kStddevSamp, kStddevPop };

template <typename T>
class Variance final : public TypedAggregate<Variance<T>, WelfordState> {
 public:
  Variance(std::string name, VarianceKind kind)
      : TypedAggregate<Variance, WelfordState>(std::move(name), DataType::Float64()), kind_(kind) {}
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    if (args[0]->type_id() == TypeId::kNull) return Status::OK();
    const T* v = NumericData<T>(*args[0]);
    ForEachValid(*args[0], rows, [&](int64_t r) {
      WelfordState* s = at(r);
      const double x = static_cast<double>(v[r]);
      ++s->n;
      const double d = x - s->mean;
      s->mean += d / static_cast<double>(s->n);
      s->m2 += d * (x - s->mean);
    });
    return Status::OK();
  }
  void CombineStates(WelfordState& t, const WelfordState& s) const {
    if (s.n == 0) return;
    if (t.n == 0) {
      t = s;
      return;
    }
    const double na = static_cast<double>(t.n), nb = static_cast<double>(s.n), n = na + nb;
    const double d = s.mean - t.mean;
    t.mean += d * nb / n;
    t.m2 += s.m2 + d * d * na * nb / n;
    t.n += s.n;
  }
  Status FinalizeState(const WelfordState& s, ColumnBuilder& out) const {
    const bool sample = kind_ == VarianceKind::kVarSamp || kind_ == VarianceKind::kStddevSamp;
    if (s.n == 0 || (sample && s.n < 2)) {
      out.AppendNull();
      return Status::OK();
    }
    double var = std::max(0.0, s.m2) / static_cast<double>(sample ? s.n - 1 : s.n);
    if (kind_ == VarianceKind::kStddevSamp || kind_ == VarianceKind::kStddevPop) {
      var = std::sqrt(var);
    }
    static_cast<Float64Builder&>(out).Append(var);
    return Status::OK();
  }

 private:
  VarianceKind kind_;
};

AggregateBinder VarianceBinder(std::string name, VarianceKind kind) {
  return [name, kind](std::span<const DataType> types,
                      std::span<const std::optional<Value>>) -> Result<AggregateFunctionPtr> {
    if (types.size() == 1) {
      AggregateFunctionPtr f = DispatchNumeric(types[0].id(), [&]<typename T>() {
        return AggregateFunctionPtr(std::make_shared<Variance<T>>(name, kind));
      });
      if (f) return f;
      if (types[0].id() == TypeId::kNull) {
        return AggregateFunctionPtr(std::make_shared<Variance<double>>(name, kind));
      }
    }
    return NoAggregateOverload(
        name, types, {name + "(int32)", name + "(int64)", name + "(float32)", name + "(float64)"});
  };
}

// ---- exact percentiles --------------------------------------------------------------------------

struct ValuesState {
  std::vector<double>* values;  // every non-NULL input, converted to float64
};

enum class PercentileKind { kCont, kDisc };

template <typename T>
class Percentile final : public TypedAggregate<Percentile<T>, ValuesState> {
 public:
  Percentile(std::string name, PercentileKind kind, double fraction)
      : TypedAggregate<Percentile, ValuesState>(std::move(name), DataType::Float64()),
        kind_(kind),
        fraction_(fraction) {}
  template <typename At>
  Status UpdateRows(At at, std::span<const ColumnPtr> args, int64_t rows) const {
    if (args[0]->type_id() == TypeId::kNull) return Status::OK();
    const T* v = NumericData<T>(*args[0]);
    ForEachValid(*args[0], rows, [&](int64_t r) {
      ValuesState* s = at(r);
      if (s->values == nullptr) s->values = new std::vector<double>();
      s->values->push_back(static_cast<double>(v[r]));
    });
    return Status::OK();
  }
  void CombineStates(ValuesState& t, const ValuesState& s) const {
    if (s.values == nullptr || s.values->empty()) return;
    if (t.values == nullptr) t.values = new std::vector<double>();
    t.values->insert(t.values->end(), s.values->begin(), s.values->end());
  }
  Status FinalizeState(const ValuesState& s, ColumnBuilder& out) const {
    if (s.values == nullptr || s.values->empty()) {
      out.AppendNull();
      return Status::OK();
    }
    // The state owns the vector through a pointer, so reordering it here is allowed (the values
    // stay the same multiset).
    std::vector<double>& v = *s.values;
    const size_t n = v.size();
    auto nth = [&](size_t k) {
      std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(k), v.end(), NanLast);
      return v[k];
    };
    double result;
    if (kind_ == PercentileKind::kDisc) {
      // PostgreSQL: the first value whose cumulative distribution reaches the fraction.
      double pos = std::ceil(fraction_ * static_cast<double>(n));
      size_t k = pos < 1 ? 0 : static_cast<size_t>(pos) - 1;
      result = nth(std::min(k, n - 1));
    } else {
      const double pos = fraction_ * static_cast<double>(n - 1);
      const size_t lo = static_cast<size_t>(std::floor(pos));
      const double lo_value = nth(lo);
      if (pos == static_cast<double>(lo) || lo + 1 >= n) {
        result = lo_value;
      } else {
        // After nth_element(lo), the next order statistic is the minimum of the upper part.
        double hi_value =
            *std::min_element(v.begin() + static_cast<ptrdiff_t>(lo) + 1, v.end(), NanLast);
        result = lo_value + (pos - static_cast<double>(lo)) * (hi_value - lo_value);
      }
    }
    static_cast<Float64Builder&>(out).Append(result);
    return Status::OK();
  }
  void DestroyState(ValuesState& s) const {
    delete s.values;
    s.values = nullptr;
  }
  void SerializeState(const ValuesState& s, std::string* out) const {
    PutPod(out, s.values != nullptr);
    if (s.values != nullptr) PutVector(out, *s.values);
  }
  Status DeserializeState(StateReader& in, ValuesState& s) const {
    bool has = false;
    ARK_RETURN_IF_ERROR(in.Pod(&has));
    if (!has) return Status::OK();
    s.values = new std::vector<double>();
    return in.Vector(s.values);
  }

 private:
  static bool NanLast(double a, double b) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
    return a < b;
  }
  PercentileKind kind_;
  double fraction_;
};

AggregateBinder PercentileBinder(std::string name, PercentileKind kind,
                                 std::optional<double> fixed_fraction) {
  return [name, kind, fixed_fraction](
             std::span<const DataType> types,
             std::span<const std::optional<Value>> consts) -> Result<AggregateFunctionPtr> {
    const size_t want = fixed_fraction ? 1 : 2;
    if (types.size() == want && (types[0].is_numeric() || types[0].id() == TypeId::kNull)) {
      double fraction;
      if (fixed_fraction) {
        fraction = *fixed_fraction;
      } else {
        if (!types[1].is_numeric()) {
          return NoAggregateOverload(name, types, {name + "(numeric, fraction float64)"});
        }
        ARK_ASSIGN_OR_RETURN(fraction, ConstantFraction(name, consts, 1));
      }
      TypeId id = types[0].id() == TypeId::kNull ? TypeId::kFloat64 : types[0].id();
      return DispatchNumeric(id, [&]<typename T>() {
        return AggregateFunctionPtr(std::make_shared<Percentile<T>>(name, kind, fraction));
      });
    }
    return NoAggregateOverload(
        name, types, {fixed_fraction ? name + "(numeric)" : name + "(numeric, fraction float64)"});
  };
}

}  // namespace

void RegisterStatisticAggregates(FunctionRegistry& registry) {
  struct Entry {
    const char* name;
    VarianceKind kind;
    const char* description;
  };
  for (const Entry& e : {
           Entry{"var_samp", VarianceKind::kVarSamp,
                 "Sample variance of the non-NULL values; NULL for fewer than two."},
           Entry{"var_pop", VarianceKind::kVarPop,
                 "Population variance of the non-NULL values; NULL over no values."},
           Entry{"stddev_samp", VarianceKind::kStddevSamp,
                 "Sample standard deviation; NULL for fewer than two values."},
           Entry{"stddev_pop", VarianceKind::kStddevPop,
                 "Population standard deviation; NULL over no values."},
       }) {
    registry.AddAggregate(
        e.name, VarianceBinder(e.name, e.kind),
        {"aggregate", std::string(e.name) + "(x numeric) → float64", e.description,
         std::string(e.name) + "(x) over 1, 2, 3, 4 → " +
             (e.kind == VarianceKind::kVarSamp      ? "1.6666666666666667"
              : e.kind == VarianceKind::kVarPop     ? "1.25"
              : e.kind == VarianceKind::kStddevSamp ? "1.2909944487358056"
                                                    : "1.118033988749895")});
  }
  registry.AddAlias("variance", "var_samp");
  registry.AddAlias("stddev", "stddev_samp");

  registry.AddAggregate(
      "percentile_cont", PercentileBinder("percentile_cont", PercentileKind::kCont, std::nullopt),
      {"aggregate", "percentile_cont(x numeric, fraction float64) → float64",
       "Exact percentile with linear interpolation between the two nearest values (PostgreSQL's "
       "percentile_cont(fraction) WITHIN GROUP (ORDER BY x)). Keeps every value in memory.",
       "percentile_cont(x, 0.25) over 1, 2, 3, 4 → 1.75"});
  registry.AddAlias("quantile_cont", "percentile_cont");
  registry.AddAggregate(
      "percentile_disc", PercentileBinder("percentile_disc", PercentileKind::kDisc, std::nullopt),
      {"aggregate", "percentile_disc(x numeric, fraction float64) → float64",
       "Exact percentile: the first value whose cumulative distribution reaches the fraction.",
       "percentile_disc(x, 0.5) over 1, 2, 3, 4 → 2"});
  registry.AddAlias("quantile_disc", "percentile_disc");
  registry.AddAggregate("median", PercentileBinder("median", PercentileKind::kCont, 0.5),
                        {"aggregate", "median(x numeric) → float64", "percentile_cont(x, 0.5).",
                         "median(x) over 1, 2, 3, 4 → 2.5"});
}

}  // namespace ark::sql::agg
