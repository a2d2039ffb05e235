// Saving and restoring aggregate states (AggregateFunction::Serialize/Deserialize): every
// registered aggregate, for every argument type it binds to here, gives the same result from a
// restored state as from the original, and both go on alike after more rows.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sql/functions/builtin_functions.h"
#include "sql/operators/test_batches.h"

namespace ark::sql {
namespace {

using testing::BoolCol;
using testing::Float64Col;
using testing::Int64Col;
using testing::StrCol;

const FunctionRegistry& Registry() {
  static const FunctionRegistry* r = [] {
    auto* reg = new FunctionRegistry();
    RegisterAggregateFunctions(*reg);
    return reg;
  }();
  return *r;
}

// Per-group states in one aligned block.
class States {
 public:
  States(const AggregateFunction& f, int64_t n) : f_(f), mem_(static_cast<size_t>(n) * 64 + 8) {
    const size_t size = (f.state_size() + 7) & ~size_t{7};
    mem_.resize(static_cast<size_t>(n) * size / 8 + 1);
    for (int64_t g = 0; g < n; ++g) {
      ptrs_.push_back(reinterpret_cast<uint8_t*>(mem_.data()) + g * size);
      f_.Init(ptrs_.back());
    }
  }
  ~States() {
    for (uint8_t* p : ptrs_) f_.Destroy(p);
  }
  uint8_t* operator[](int64_t g) const { return ptrs_[static_cast<size_t>(g)]; }
  const std::vector<uint8_t*>& ptrs() const { return ptrs_; }

 private:
  const AggregateFunction& f_;
  std::vector<uint64_t> mem_;
  std::vector<uint8_t*> ptrs_;
};

constexpr int64_t kGroups = 4;  // group 3 gets no rows

// n rows of `type` (some NULL), deterministic in `seed`.
ColumnPtr Column(const DataType& type, int64_t n, int seed) {
  switch (type.id()) {
    case TypeId::kInt64: {
      std::vector<std::optional<int64_t>> v;
      for (int64_t i = 0; i < n; ++i) {
        if ((i + seed) % 7 == 3) {
          v.push_back(std::nullopt);
        } else {
          v.push_back((i * 37 + seed * 11) % 1001 - 300);
        }
      }
      return Int64Col(v);
    }
    case TypeId::kFloat64: {
      std::vector<std::optional<double>> v;
      for (int64_t i = 0; i < n; ++i) {
        if ((i + seed) % 9 == 4) {
          v.push_back(std::nullopt);
        } else {
          v.push_back(static_cast<double>((i * 53 + seed) % 997) / 7.0);
        }
      }
      return Float64Col(v);
    }
    case TypeId::kString: {
      std::vector<std::optional<std::string>> v;
      for (int64_t i = 0; i < n; ++i) {
        if ((i + seed) % 5 == 2) {
          v.push_back(std::nullopt);
        } else {
          v.push_back("s" + std::to_string((i * 31 + seed) % 613));
        }
      }
      return StrCol(v);
    }
    case TypeId::kBool: {
      std::vector<std::optional<bool>> v;
      for (int64_t i = 0; i < n; ++i) {
        if ((i + seed) % 6 == 1) {
          v.push_back(std::nullopt);
        } else {
          v.push_back((i * 3 + seed) % 4 != 0);
        }
      }
      return BoolCol(v);
    }
    case TypeId::kList: {
      auto b = MakeBuilder(type);
      auto& lb = static_cast<ListBuilder&>(*b);
      for (int64_t i = 0; i < n; ++i) {
        if ((i + seed) % 8 == 5) {
          lb.AppendNull();
          continue;
        }
        lb.Append();
        for (int64_t k = 0; k < (i + seed) % 3; ++k) {
          static_cast<Int64Builder&>(lb.values()).Append(i * 10 + k);
        }
      }
      return b->Finish();
    }
    default:
      return nullptr;
  }
}

std::vector<std::string> Finalized(const AggregateFunction& f, const States& s) {
  auto b = MakeBuilder(f.return_type());
  Status st = f.Finalize(s.ptrs().data(), kGroups, *b);
  EXPECT_TRUE(st.ok()) << f.name() << ": " << st.ToString();
  ColumnPtr c = b->Finish();
  std::vector<std::string> out;
  for (int64_t i = 0; i < c->length(); ++i) out.push_back(c->ValueToString(i));
  return out;
}

// Adds `n` rows (seeded) to groups 0..2 of `s`.
void Feed(const AggregateFunction& f, const std::vector<DataType>& types, const States& s,
          int64_t n, int seed) {
  std::vector<ColumnPtr> args;
  for (size_t i = 0; i < types.size(); ++i) {
    args.push_back(Column(types[i], n, seed + static_cast<int>(i) * 3));
  }
  std::vector<uint8_t*> at;
  for (int64_t r = 0; r < n; ++r) at.push_back(s[(r * 5 + seed) % 3]);
  Status st = f.Update(at.data(), args, n);
  ASSERT_TRUE(st.ok()) << f.name() << ": " << st.ToString();
}

struct Signature {
  std::vector<DataType> types;
  std::vector<std::optional<Value>> consts;
};

std::vector<Signature> Signatures() {
  const DataType list = DataType::List(DataType::Int64());
  return {
      {{}, {}},
      {{DataType::Int64()}, {std::nullopt}},
      {{DataType::Float64()}, {std::nullopt}},
      {{DataType::String()}, {std::nullopt}},
      {{DataType::Bool()}, {std::nullopt}},
      {{list}, {std::nullopt}},
      {{DataType::String(), DataType::String()}, {std::nullopt, std::nullopt}},
      {{DataType::Int64(), DataType::Float64()}, {std::nullopt, Value::Float64(0.3)}},
      {{DataType::Float64(), DataType::Float64()}, {std::nullopt, Value::Float64(0.9)}},
  };
}

TEST(AggregateSerialize, EveryAggregateRoundTrips) {
  int tested = 0;
  for (const std::string& name : Registry().Names()) {
    const AggregateBinder* binder = Registry().FindAggregate(name);
    ASSERT_NE(binder, nullptr) << name;
    int bound = 0;
    for (const Signature& sig : Signatures()) {
      Result<AggregateFunctionPtr> r = (*binder)(sig.types, sig.consts);
      if (!r.ok()) continue;
      const AggregateFunction& f = **r;
      ++bound;
      SCOPED_TRACE(name + " over " + std::to_string(sig.types.size()) + " args, first " +
                   (sig.types.empty() ? std::string("-") : sig.types[0].ToString()));
      // Small inputs (sparse sketches, exact t-digest buffers) and large ones (dense HLL,
      // compressed t-digest).
      for (int64_t rows : {int64_t{10}, int64_t{9000}}) {
        States original(f, kGroups);
        Feed(f, sig.types, original, rows, 1);
        States restored(f, kGroups);
        std::vector<std::string> saved;
        for (int64_t g = 0; g < kGroups; ++g) {
          std::string bytes;
          f.Serialize(original[g], &bytes);
          Status st = f.Deserialize(bytes, restored[g]);
          ASSERT_TRUE(st.ok()) << st.ToString();
          std::string again;
          f.Serialize(restored[g], &again);
          EXPECT_EQ(again, bytes) << "group " << g;
          saved.push_back(std::move(bytes));
        }
        EXPECT_EQ(Finalized(f, restored), Finalized(f, original));
        // Both go on alike.
        Feed(f, sig.types, original, 7, 2);
        Feed(f, sig.types, restored, 7, 2);
        EXPECT_EQ(Finalized(f, restored), Finalized(f, original));
        // A cut-short state is an error that names the function (plain states: a size error).
        if (!saved[0].empty()) {
          States broken(f, 1);
          Status st =
              f.Deserialize(std::string_view(saved[0]).substr(0, saved[0].size() - 1), broken[0]);
          EXPECT_FALSE(st.ok());
          EXPECT_NE(st.message().find("aggregate " + f.name() + ": "), std::string::npos)
              << st.ToString();
        }
      }
      ++tested;
    }
    EXPECT_GT(bound, 0) << name << " binds to none of the test signatures";
  }
  EXPECT_GE(tested, 40);
}

TEST(AggregateSerialize, ExactErrors) {
  const AggregateBinder* count = Registry().FindAggregate("count");
  AggregateFunctionPtr f = (*count)({}, {}).value();
  States s(*f, 1);
  EXPECT_EQ(f->Deserialize("abc", s[0]).ToString(),
            "InvalidArgument: aggregate count: a saved state of 3 bytes, expected 8");
  const AggregateBinder* agg = Registry().FindAggregate("string_agg");
  std::vector<DataType> types = {DataType::String()};
  std::vector<std::optional<Value>> consts = {std::nullopt};
  AggregateFunctionPtr sa = (*agg)(types, consts).value();
  States t(*sa, 1);
  // has = true, first_sep, then a text length of 100 with 2 bytes behind it.
  std::string bytes(1, '\1');
  bytes += std::string("\1\0\0\0", 4);
  bytes += std::string("\x64\0\0\0\0\0\0\0", 8);
  bytes += "ab";
  EXPECT_EQ(sa->Deserialize(bytes, t[0]).ToString(),
            "InvalidArgument: aggregate string_agg: the saved state is cut short: 100 more bytes "
            "expected at byte 13 of 15");
  States u(*sa, 1);
  EXPECT_EQ(sa->Deserialize(std::string(1, '\0') + "x", u[0]).ToString(),
            "InvalidArgument: aggregate string_agg: 1 bytes left over after its saved state");
}

}  // namespace
}  // namespace ark::sql
