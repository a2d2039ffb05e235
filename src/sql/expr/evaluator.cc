#include "sql/expr/evaluator.h"

#include <absl/container/flat_hash_set.h>

#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "sql/expr/cast.h"
#include "sql/functions/scalar_compare.h"
#include "sql/functions/scalar_kernel.h"
#include "sql/operators/gather.h"

namespace ark::sql {

namespace {

// The rows an expression is evaluated over: the whole batch, or a subset of its rows gathered
// into `columns` (only the columns the expression reads; the others are null).
struct Input {
  const std::vector<ColumnPtr>* columns;
  int64_t rows;
};

// A boolean Datum as bitmaps from bit 0: values and validity (validity null = no nulls).
struct BoolBits {
  BufferPtr values;
  BufferPtr validity;
};

BoolBits ToBoolBits(const Datum& d, int64_t n) {
  BoolBits b;
  if (d.is_scalar()) {
    const Value& v = d.scalar();
    if (v.is_null()) {
      b.values = FilledBitmap(n, false);
      b.validity = FilledBitmap(n, false);
    } else {
      b.values = FilledBitmap(n, v.bool_value());
    }
    return b;
  }
  const Column& c = *d.column();
  if (c.type_id() == TypeId::kNull) {
    b.values = FilledBitmap(n, false);
    b.validity = FilledBitmap(n, false);
    return b;
  }
  b.values = c.offset() == 0 ? c.buffer(1) : CopyBitmap(c.buffer(1)->data(), c.offset(), n);
  b.validity = AlignedValidity(c);
  return b;
}

void CollectColumns(const BoundExpr& e, std::vector<int>* out) {
  if (e.kind == BoundExprKind::kColumn) out->push_back(e.column_index);
  for (const BoundExprPtr& c : e.children) CollectColumns(*c, out);
}

// Where each output row comes from: branch src[r] at position pos[r] of the branch's value, or
// NULL when src[r] < 0. The same mapping per branch (rows[b][j] takes position positions[b][j])
// lets fixed-width results be scattered branch by branch.
struct RowSources {
  std::vector<int32_t> src;
  std::vector<int64_t> pos;
  std::vector<std::vector<int64_t>> rows;
  std::vector<std::vector<int64_t>> positions;

  explicit RowSources(int64_t n)
      : src(static_cast<size_t>(n), -1), pos(static_cast<size_t>(n), 0) {}

  // Output rows `r` take positions `p` of branch `b`'s value.
  void Assign(int32_t b, std::vector<int64_t> r, std::vector<int64_t> p) {
    for (size_t j = 0; j < r.size(); ++j) {
      src[static_cast<size_t>(r[j])] = b;
      pos[static_cast<size_t>(r[j])] = p[j];
    }
    if (rows.size() <= static_cast<size_t>(b)) {
      rows.resize(static_cast<size_t>(b) + 1);
      positions.resize(static_cast<size_t>(b) + 1);
    }
    rows[static_cast<size_t>(b)] = std::move(r);
    positions[static_cast<size_t>(b)] = std::move(p);
  }
};

std::vector<int64_t> Iota(size_t n) {
  std::vector<int64_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<int64_t>(i);
  return v;
}

// Fixed-width results are scattered branch by branch: tight loops without a per-row choice.
template <typename T>
ColumnPtr MergeFixed(const DataType& type, const std::vector<Datum>& branches, const RowSources& rs,
                     int64_t n) {
  auto values = Buffer::AllocateZeroed(static_cast<size_t>(n) * sizeof(T));
  std::shared_ptr<Buffer> validity = FilledBitmap(n, false);
  T* out = reinterpret_cast<T*>(values->mutable_data());
  uint8_t* ok = validity->mutable_data();
  for (size_t b = 0; b < branches.size() && b < rs.rows.size(); ++b) {
    const Datum& d = branches[b];
    const std::vector<int64_t>& rows = rs.rows[b];
    if (d.is_scalar()) {
      if (d.scalar().is_null()) continue;
      const T v = NumReader<T>(d).scalar();
      for (int64_t r : rows) {
        out[r] = v;
        bit_util::SetBit(ok, r);
      }
      continue;
    }
    const Column& c = *d.column();
    const T* in = c.data<T>();
    BufferPtr cv = AlignedValidity(c);
    const std::vector<int64_t>& positions = rs.positions[b];
    for (size_t j = 0; j < rows.size(); ++j) {
      const int64_t r = rows[j];
      const int64_t p = positions[j];
      out[r] = in[p];
      if (cv == nullptr || bit_util::GetBit(cv->data(), p)) bit_util::SetBit(ok, r);
    }
  }
  const int64_t valid = bit_util::CountSetBits(ok, 0, n);
  return Column::Make(type, n, {valid == n ? nullptr : std::move(validity), std::move(values)}, {},
                      n - valid);
}

template <typename Writer, typename Reader>
ColumnPtr MergeTyped(const DataType& type, const std::vector<Datum>& branches, const RowSources& rs,
                     int64_t n) {
  std::vector<Reader> readers;
  std::vector<const Column*> columns;
  std::vector<bool> null_scalar;
  readers.reserve(branches.size());
  for (const Datum& d : branches) {
    readers.emplace_back(d);
    columns.push_back(d.is_column() ? d.column().get() : nullptr);
    null_scalar.push_back(d.is_scalar() && d.scalar().is_null());
  }
  Writer out(type, n);
  for (int64_t r = 0; r < n; ++r) {
    const int32_t b = rs.src[static_cast<size_t>(r)];
    const int64_t p = rs.pos[static_cast<size_t>(r)];
    if (b < 0 || null_scalar[static_cast<size_t>(b)] ||
        (columns[static_cast<size_t>(b)] && columns[static_cast<size_t>(b)]->IsNull(p))) {
      out.PutNull(r);
    } else {
      out.Put(r, readers[static_cast<size_t>(b)][p]);
    }
  }
  return out.Finish();
}

ColumnPtr MergeNested(const DataType& type, const std::vector<Datum>& branches,
                      const RowSources& rs, int64_t n) {
  std::unique_ptr<ColumnBuilder> builder = MakeBuilder(type);
  builder->Reserve(n);
  for (int64_t r = 0; r < n; ++r) {
    const int32_t b = rs.src[static_cast<size_t>(r)];
    if (b < 0) {
      builder->AppendNull();
      continue;
    }
    const Datum& d = branches[static_cast<size_t>(b)];
    if (d.is_scalar()) {
      d.scalar().AppendTo(*builder);
    } else {
      builder->AppendFrom(*d.column(), rs.pos[static_cast<size_t>(r)]);
    }
  }
  return builder->Finish();
}

ColumnPtr Merge(const DataType& type, const std::vector<Datum>& branches, const RowSources& rs,
                int64_t n) {
  switch (type.id()) {
    case TypeId::kNull:
      return Column::MakeNull(type, n);
    case TypeId::kBool:
      return MergeTyped<BoolWriter, BoolReader>(type, branches, rs, n);
    case TypeId::kInt32:
    case TypeId::kDate:
      return MergeFixed<int32_t>(type, branches, rs, n);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return MergeFixed<int64_t>(type, branches, rs, n);
    case TypeId::kFloat32:
      return MergeFixed<float>(type, branches, rs, n);
    case TypeId::kFloat64:
      return MergeFixed<double>(type, branches, rs, n);
    case TypeId::kInterval:
      return MergeFixed<IntervalValue>(type, branches, rs, n);
    case TypeId::kString:
    case TypeId::kBinary:
      return MergeTyped<StringWriter, StrReader>(type, branches, rs, n);
    case TypeId::kList:
    case TypeId::kStruct:
      return MergeNested(type, branches, rs, n);
  }
  return Column::MakeNull(type, n);
}

// True when evaluating `e` may fail on some row (division by zero, overflow, a cast of bad
// text, invalid JSON, ...). Operands that cannot fail may be evaluated on rows whose result is
// already decided (cheaper than gathering the undecided ones) without changing the outcome.
bool CanFail(const BoundExpr& e) {
  switch (e.kind) {
    case BoundExprKind::kColumn:
    case BoundExprKind::kConstant:
    case BoundExprKind::kParameter:
      return false;
    case BoundExprKind::kCast: {
      if (e.try_cast || e.children.empty()) break;
      const DataType& from = e.children[0]->type;
      if (!CanImplicitlyCast(from, e.type) || from.is_nested()) return true;
      break;
    }
    case BoundExprKind::kCall: {
      if (!e.function) return true;
      static const absl::flat_hash_set<std::string_view> kTotal = {"=",
                                                                   "<>",
                                                                   "<",
                                                                   "<=",
                                                                   ">",
                                                                   ">=",
                                                                   "like",
                                                                   "ilike",
                                                                   "similar_to",
                                                                   "regexp_like",
                                                                   "regexp_ilike",
                                                                   "starts_with",
                                                                   "ends_with",
                                                                   "contains",
                                                                   "length",
                                                                   "octet_length",
                                                                   "lower",
                                                                   "upper",
                                                                   "list_element",
                                                                   "array_length",
                                                                   "cardinality",
                                                                   "list_contains",
                                                                   "struct_extract"};
      const std::string& name = e.function->name;
      const bool float_arith = (name == "+" || name == "-" || name == "*") && e.type.is_floating();
      if (!kTotal.contains(name) && !float_arith) return true;
      // Pattern functions compile a non-constant pattern per row, which may fail.
      if (name == "like" || name == "ilike" || name == "similar_to" || name == "regexp_like" ||
          name == "regexp_ilike") {
        for (size_t i = 1; i < e.children.size(); ++i) {
          if (e.children[i]->kind != BoundExprKind::kConstant) return true;
        }
      }
      break;
    }
    case BoundExprKind::kCase:
    case BoundExprKind::kCoalesce:
    case BoundExprKind::kAnd:
    case BoundExprKind::kOr:
    case BoundExprKind::kNot:
    case BoundExprKind::kIsNull:
    case BoundExprKind::kIsDistinct:
    case BoundExprKind::kInList:
      break;
  }
  for (const BoundExprPtr& c : e.children) {
    if (CanFail(*c)) return true;
  }
  return false;
}

// A bool column from value bits and validity (null = all valid).
ColumnPtr BoolColumn(int64_t n, BufferPtr values, BufferPtr validity) {
  return Column::Make(DataType::Bool(), n, {std::move(validity), std::move(values)}, {}, -1);
}

class Evaluation {
 public:
  explicit Evaluation(KernelContext& ctx) : ctx_(ctx) {}

  Result<Datum> Eval(const BoundExpr& e, const Input& in) {
    switch (e.kind) {
      case BoundExprKind::kColumn: {
        if (e.column_index < 0 || static_cast<size_t>(e.column_index) >= in.columns->size() ||
            (*in.columns)[static_cast<size_t>(e.column_index)] == nullptr) {
          return Status::Internal("expression reads column #{} of an input with {} columns",
                                  e.column_index, in.columns->size());
        }
        return Datum((*in.columns)[static_cast<size_t>(e.column_index)]);
      }
      case BoundExprKind::kConstant:
        return Datum(e.constant);
      case BoundExprKind::kParameter: {
        if (e.parameter_index < 1 ||
            static_cast<size_t>(e.parameter_index) > ctx_.parameters.size()) {
          return Status::InvalidArgument("there is no parameter ${}", e.parameter_index);
        }
        const Value& v = ctx_.parameters[static_cast<size_t>(e.parameter_index - 1)];
        if (v.type() == e.type || e.type.id() == TypeId::kNull) return Datum(v);
        ARK_ASSIGN_OR_RETURN(Value cast, CastValue(v, e.type));
        return Datum(std::move(cast));
      }
      case BoundExprKind::kCall:
        return EvalCall(e, in);
      case BoundExprKind::kCast: {
        ARK_ASSIGN_OR_RETURN(Datum v, Eval(*e.children.at(0), in));
        return CastDatum(v, e.type, e.try_cast, in.rows);
      }
      case BoundExprKind::kAnd:
        return EvalAndOr(e, in, /*is_and=*/true);
      case BoundExprKind::kOr:
        return EvalAndOr(e, in, /*is_and=*/false);
      case BoundExprKind::kNot:
        return EvalNot(e, in);
      case BoundExprKind::kIsNull:
        return EvalIsNull(e, in);
      case BoundExprKind::kIsDistinct:
        return EvalIsDistinct(e, in);
      case BoundExprKind::kCase:
        return EvalCase(e, in);
      case BoundExprKind::kCoalesce:
        return EvalCoalesce(e, in);
      case BoundExprKind::kInList:
        return EvalInList(e, in);
    }
    return Status::Internal("unknown expression kind");
  }

 private:
  // `e` over the rows `sel` of `in` (ascending); the result has sel.size() rows.
  Result<Datum> EvalRows(const BoundExpr& e, const Input& in, const std::vector<int64_t>& sel) {
    if (static_cast<int64_t>(sel.size()) == in.rows) return Eval(e, in);
    std::vector<int> used;
    CollectColumns(e, &used);
    auto columns = std::make_unique<std::vector<ColumnPtr>>(in.columns->size());
    for (int c : used) {
      if (c < 0 || static_cast<size_t>(c) >= in.columns->size()) continue;
      ColumnPtr& slot = (*columns)[static_cast<size_t>(c)];
      if (slot == nullptr && (*in.columns)[static_cast<size_t>(c)] != nullptr) {
        ARK_ASSIGN_OR_RETURN(slot, GatherColumn(*(*in.columns)[static_cast<size_t>(c)], sel));
      }
    }
    Input sub{columns.get(), static_cast<int64_t>(sel.size())};
    return Eval(e, sub);
  }

  Status CheckResult(const BoundExpr& e, const Datum& d, int64_t rows) {
    if (d.is_column() && d.column()->length() != rows) {
      return Status::Internal("function {} returned {} rows for {}",
                              e.function ? e.function->name : "?", d.column()->length(), rows);
    }
    return Status::OK();
  }

  Result<Datum> EvalCall(const BoundExpr& e, const Input& in) {
    if (!e.function || !e.function->kernel) return Status::Internal("call without a function");
    std::vector<Datum> args;
    args.reserve(e.children.size());
    for (const BoundExprPtr& c : e.children) {
      ARK_ASSIGN_OR_RETURN(Datum d, Eval(*c, in));
      args.push_back(std::move(d));
    }
    ARK_ASSIGN_OR_RETURN(Datum result, e.function->kernel(ctx_, args, in.rows));
    ARK_RETURN_IF_ERROR(CheckResult(e, result, in.rows));
    return result;
  }

  // Three-valued AND/OR. `decided` holds the rows whose answer is known (FALSE for AND, TRUE
  // for OR); `unknown` the rows where some operand was NULL. Each operand is evaluated only on
  // the rows not decided yet.
  Result<Datum> EvalAndOr(const BoundExpr& e, const Input& in, bool is_and) {
    const int64_t n = in.rows;
    if (e.children.empty()) return Datum(Value::Bool(is_and));
    if (n == 0) return Datum(BoolColumn(0, FilledBitmap(0, false), nullptr));
    std::shared_ptr<Buffer> decided = FilledBitmap(n, false);
    std::shared_ptr<Buffer> unknown = FilledBitmap(n, false);
    uint8_t* dec = decided->mutable_data();
    uint8_t* unk = unknown->mutable_data();
    const int64_t bytes = bit_util::BytesForBits(n);
    int64_t decided_count = 0;
    std::vector<int64_t> sel;
    for (const BoundExprPtr& child : e.children) {
      if (decided_count == n) break;
      // An operand that cannot fail runs on every row (bitwise combine, no gather) unless few
      // rows are left; one that can fail (division, casts) runs only on the undecided rows.
      const int64_t undecided = n - decided_count;
      if (decided_count == 0 || (!CanFail(*child) && undecided * 8 >= n)) {
        ARK_ASSIGN_OR_RETURN(Datum d, Eval(*child, in));
        if (d.is_scalar()) {
          const Value& v = d.scalar();
          if (v.is_null()) {
            std::memset(unk, 0xff, static_cast<size_t>(bytes));
          } else if (v.bool_value() != is_and) {
            std::memset(dec, 0xff, static_cast<size_t>(bytes));
            decided_count = n;
          }
          continue;
        }
        BoolBits b = ToBoolBits(d, n);
        const uint8_t* val = b.values->data();
        const uint8_t* valid = b.validity ? b.validity->data() : nullptr;
        for (int64_t k = 0; k < bytes; ++k) {
          const uint8_t ok = valid ? valid[k] : 0xff;
          const uint8_t decisive =
              is_and ? static_cast<uint8_t>(ok & ~val[k]) : static_cast<uint8_t>(ok & val[k]);
          dec[k] |= decisive;
          unk[k] |= static_cast<uint8_t>(~ok);
        }
        decided_count = bit_util::CountSetBits(dec, 0, n);
        continue;
      }
      // Evaluate on the undecided rows only.
      sel.clear();
      for (int64_t r = 0; r < n; ++r) {
        if (!bit_util::GetBit(dec, r)) sel.push_back(r);
      }
      ARK_ASSIGN_OR_RETURN(Datum d, EvalRows(*child, in, sel));
      const int64_t m = static_cast<int64_t>(sel.size());
      if (d.is_scalar()) {
        const Value& v = d.scalar();
        for (int64_t j = 0; j < m; ++j) {
          if (v.is_null()) {
            bit_util::SetBit(unk, sel[static_cast<size_t>(j)]);
          } else if (v.bool_value() != is_and) {
            bit_util::SetBit(dec, sel[static_cast<size_t>(j)]);
          }
        }
      } else {
        const Column& c = *d.column();
        for (int64_t j = 0; j < m; ++j) {
          const int64_t r = sel[static_cast<size_t>(j)];
          if (c.IsNull(j)) {
            bit_util::SetBit(unk, r);
          } else if (c.GetBool(j) != is_and) {
            bit_util::SetBit(dec, r);
          }
        }
      }
      decided_count = bit_util::CountSetBits(dec, 0, n);
    }
    // decided → FALSE (AND) / TRUE (OR); else unknown → NULL; else TRUE (AND) / FALSE (OR).
    auto values = Buffer::Allocate(static_cast<size_t>(bytes));
    auto validity = Buffer::Allocate(static_cast<size_t>(bytes));
    uint8_t* out = values->mutable_data();
    uint8_t* ok = validity->mutable_data();
    bool any_null = false;
    for (int64_t k = 0; k < bytes; ++k) {
      ok[k] = static_cast<uint8_t>(dec[k] | ~unk[k]);
      out[k] = is_and ? static_cast<uint8_t>(~dec[k] & ~unk[k]) : dec[k];
    }
    any_null = bit_util::CountSetBits(ok, 0, n) != n;
    return Datum(BoolColumn(n, std::move(values), any_null ? std::move(validity) : nullptr));
  }

  Result<Datum> EvalNot(const BoundExpr& e, const Input& in) {
    ARK_ASSIGN_OR_RETURN(Datum d, Eval(*e.children.at(0), in));
    if (d.is_scalar()) {
      if (d.scalar().is_null()) return Datum(Value::Null(DataType::Bool()));
      return Datum(Value::Bool(!d.scalar().bool_value()));
    }
    const int64_t n = in.rows;
    BoolBits b = ToBoolBits(d, n);
    const int64_t bytes = bit_util::BytesForBits(n);
    auto values = Buffer::Allocate(static_cast<size_t>(bytes));
    for (int64_t k = 0; k < bytes; ++k) {
      values->mutable_data()[k] = static_cast<uint8_t>(~b.values->data()[k]);
    }
    return Datum(BoolColumn(n, std::move(values), std::move(b.validity)));
  }

  Result<Datum> EvalIsNull(const BoundExpr& e, const Input& in) {
    ARK_ASSIGN_OR_RETURN(Datum d, Eval(*e.children.at(0), in));
    if (d.is_scalar()) return Datum(Value::Bool(d.scalar().is_null() != e.negated));
    const int64_t n = in.rows;
    const Column& c = *d.column();
    BufferPtr validity = AlignedValidity(c);
    if (validity == nullptr) return Datum(Value::Bool(e.negated));
    const int64_t bytes = bit_util::BytesForBits(n);
    auto values = Buffer::Allocate(static_cast<size_t>(bytes));
    for (int64_t k = 0; k < bytes; ++k) {
      const uint8_t v = validity->data()[k];
      values->mutable_data()[k] = e.negated ? v : static_cast<uint8_t>(~v);
    }
    return Datum(BoolColumn(n, std::move(values), nullptr));
  }

  // Both operands cast to a common type (the binder normally did that already).
  Status Unify(Datum& a, Datum& b, int64_t rows) {
    if (a.type() == b.type()) return Status::OK();
    std::optional<DataType> common = CommonSuperType(a.type(), b.type());
    if (!common) {
      return Status::TypeError("cannot compare {} with {}", a.type().ToString(),
                               b.type().ToString());
    }
    ARK_ASSIGN_OR_RETURN(a, CastDatum(a, *common, false, rows));
    ARK_ASSIGN_OR_RETURN(b, CastDatum(b, *common, false, rows));
    return Status::OK();
  }

  Result<Datum> EvalIsDistinct(const BoundExpr& e, const Input& in) {
    ARK_ASSIGN_OR_RETURN(Datum a, Eval(*e.children.at(0), in));
    ARK_ASSIGN_OR_RETURN(Datum b, Eval(*e.children.at(1), in));
    ARK_RETURN_IF_ERROR(Unify(a, b, in.rows));
    const bool scalar = a.is_scalar() && b.is_scalar();
    const int64_t n = scalar ? 1 : in.rows;
    const bool a_null_scalar = a.is_scalar() && a.scalar().is_null();
    const bool b_null_scalar = b.is_scalar() && b.scalar().is_null();
    // Comparing with a NULL scalar: distinct exactly where the other side is valid.
    if (a_null_scalar || b_null_scalar) {
      const Datum& other = a_null_scalar ? b : a;
      if (other.is_scalar()) {
        const bool distinct =
            !other.scalar().is_null() || a.scalar().is_null() != b.scalar().is_null();
        return Datum(Value::Bool(distinct != e.negated));
      }
      BufferPtr valid = AlignedValidity(*other.column());
      const int64_t bytes = bit_util::BytesForBits(n);
      auto values = FilledBitmap(n, !e.negated);
      if (valid) {
        for (int64_t k = 0; k < bytes; ++k) {
          values->mutable_data()[k] =
              e.negated ? static_cast<uint8_t>(~valid->data()[k]) : valid->data()[k];
        }
      }
      return Datum(BoolColumn(n, std::move(values), nullptr));
    }
    ARK_ASSIGN_OR_RETURN(Datum eq, CompareDatums(CompareOp::kEq, a, b, n));
    BoolBits eqb = ToBoolBits(eq, n);
    BufferPtr va = a.is_column() ? AlignedValidity(*a.column()) : nullptr;
    BufferPtr vb = b.is_column() ? AlignedValidity(*b.column()) : nullptr;
    const int64_t bytes = bit_util::BytesForBits(n);
    auto values = Buffer::Allocate(static_cast<size_t>(bytes));
    for (int64_t k = 0; k < bytes; ++k) {
      const uint8_t x = va ? va->data()[k] : 0xff;
      const uint8_t y = vb ? vb->data()[k] : 0xff;
      const uint8_t distinct = static_cast<uint8_t>((x & y & ~eqb.values->data()[k]) | (x ^ y));
      values->mutable_data()[k] = e.negated ? static_cast<uint8_t>(~distinct) : distinct;
    }
    ColumnPtr col = BoolColumn(n, std::move(values), nullptr);
    return ToDatum(std::move(col), scalar);
  }

  Result<Datum> EvalCase(const BoundExpr& e, const Input& in) {
    if (!CanFail(e)) return EvalCaseEverywhere(e, in);
    const int64_t n = in.rows;
    const size_t pairs = (e.children.size() - (e.has_else ? 1 : 0)) / 2;
    std::vector<Datum> branches;
    RowSources rs(n);
    std::vector<int64_t> remaining = Iota(static_cast<size_t>(n));
    std::vector<int64_t> matched, rest;
    for (size_t k = 0; k < pairs && !remaining.empty(); ++k) {
      ARK_ASSIGN_OR_RETURN(Datum cond, EvalRows(*e.children[2 * k], in, remaining));
      matched.clear();
      rest.clear();
      if (cond.is_scalar()) {
        if (cond.scalar().is_null() || !cond.scalar().bool_value()) continue;
        matched.swap(remaining);
      } else {
        const int64_t m = static_cast<int64_t>(remaining.size());
        BoolBits b = ToBoolBits(cond, m);
        const uint8_t* val = b.values->data();
        const uint8_t* ok = b.validity ? b.validity->data() : nullptr;
        // Branch-free partition of the remaining rows into matched and rest.
        matched.resize(remaining.size());
        rest.resize(remaining.size());
        size_t mi = 0, ri = 0;
        for (int64_t j = 0; j < m; ++j) {
          const size_t hit = bit_util::GetBit(val, j) & (ok == nullptr || bit_util::GetBit(ok, j));
          const int64_t r = remaining[static_cast<size_t>(j)];
          matched[mi] = r;
          rest[ri] = r;
          mi += hit;
          ri += 1 - hit;
        }
        matched.resize(mi);
        rest.resize(ri);
        remaining.swap(rest);
      }
      if (matched.empty()) continue;
      ARK_ASSIGN_OR_RETURN(Datum value, EvalRows(*e.children[2 * k + 1], in, matched));
      if (static_cast<int64_t>(matched.size()) == n && value.type() == e.type) return value;
      ARK_RETURN_IF_ERROR(AddBranch(e.type, std::move(value), std::move(matched), &branches, &rs));
      matched = {};
    }
    if (!remaining.empty() && e.has_else) {
      ARK_ASSIGN_OR_RETURN(Datum value, EvalRows(*e.children.back(), in, remaining));
      if (static_cast<int64_t>(remaining.size()) == n && value.type() == e.type) return value;
      ARK_RETURN_IF_ERROR(
          AddBranch(e.type, std::move(value), std::move(remaining), &branches, &rs));
    } else if (static_cast<int64_t>(remaining.size()) == n) {
      return Datum(Value::Null(e.type));
    }
    return Datum(Merge(e.type, branches, rs, n));
  }

  // CASE whose parts cannot fail: every part runs on all rows (no gathers), then each row
  // takes the value of its first TRUE branch.
  Result<Datum> EvalCaseEverywhere(const BoundExpr& e, const Input& in) {
    switch (e.type.id()) {
      case TypeId::kInt32:
      case TypeId::kDate:
        return CaseEverywhereFixed<int32_t>(e, in);
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        return CaseEverywhereFixed<int64_t>(e, in);
      case TypeId::kFloat32:
        return CaseEverywhereFixed<float>(e, in);
      case TypeId::kFloat64:
        return CaseEverywhereFixed<double>(e, in);
      default:
        break;
    }
    const int64_t n = in.rows;
    const size_t pairs = (e.children.size() - (e.has_else ? 1 : 0)) / 2;
    std::vector<Datum> branches;
    RowSources rs(n);
    std::vector<uint8_t> assigned(static_cast<size_t>(n), 0);
    int64_t remaining = n;
    for (size_t k = 0; k < pairs && remaining > 0; ++k) {
      ARK_ASSIGN_OR_RETURN(Datum cond, Eval(*e.children[2 * k], in));
      BoolBits b = ToBoolBits(cond, n);
      const uint8_t* val = b.values->data();
      const uint8_t* ok = b.validity ? b.validity->data() : nullptr;
      std::vector<int64_t> taken;
      for (int64_t r = 0; r < n; ++r) {
        const bool hit = bit_util::GetBit(val, r) && (ok == nullptr || bit_util::GetBit(ok, r));
        if (hit && !assigned[static_cast<size_t>(r)]) {
          assigned[static_cast<size_t>(r)] = 1;
          taken.push_back(r);
        }
      }
      if (taken.empty()) continue;
      remaining -= static_cast<int64_t>(taken.size());
      ARK_ASSIGN_OR_RETURN(Datum value, Eval(*e.children[2 * k + 1], in));
      if (static_cast<int64_t>(taken.size()) == n && value.type() == e.type) return value;
      ARK_RETURN_IF_ERROR(
          AddBranchEverywhere(e.type, std::move(value), std::move(taken), n, &branches, &rs));
    }
    if (remaining > 0 && e.has_else) {
      ARK_ASSIGN_OR_RETURN(Datum value, Eval(*e.children.back(), in));
      if (remaining == n && value.type() == e.type) return value;
      std::vector<int64_t> rows;
      rows.reserve(static_cast<size_t>(remaining));
      for (int64_t r = 0; r < n; ++r) {
        if (!assigned[static_cast<size_t>(r)]) rows.push_back(r);
      }
      ARK_RETURN_IF_ERROR(
          AddBranchEverywhere(e.type, std::move(value), std::move(rows), n, &branches, &rs));
    } else if (remaining == n) {
      return Datum(Value::Null(e.type));
    }
    return Datum(Merge(e.type, branches, rs, n));
  }

  // EvalCaseEverywhere for a fixed-width result: no row lists. Per branch, the rows it takes are
  // a bitmap (condition TRUE and no earlier branch taken), and the branch's value (a scalar or a
  // column over all n rows) is written straight into the result at those rows.
  template <typename T>
  Result<Datum> CaseEverywhereFixed(const BoundExpr& e, const Input& in) {
    const int64_t n = in.rows;
    const size_t pairs = (e.children.size() - (e.has_else ? 1 : 0)) / 2;
    const int64_t bytes = bit_util::BytesForBits(n);
    // Bits past n in the last byte stay clear in `taken` and `hit`.
    const uint8_t last_mask =
        (n & 7) == 0 ? uint8_t{0xff} : static_cast<uint8_t>((1u << (n & 7)) - 1);
    std::vector<uint8_t> taken(static_cast<size_t>(bytes), 0);
    std::vector<uint8_t> hit(static_cast<size_t>(bytes), 0);
    std::shared_ptr<Buffer> values = Buffer::AllocateZeroed(static_cast<size_t>(n) * sizeof(T));
    std::shared_ptr<Buffer> validity = FilledBitmap(n, false);
    T* out = reinterpret_cast<T*>(values->mutable_data());
    uint8_t* ok = validity->mutable_data();
    int64_t remaining = n;
    bool any_branch = false;  // some rows took a value (a non-NULL one or not)

    // Rows set in `hit` take `value` (n rows or a scalar).
    auto write = [&](Datum value) -> Status {
      if (value.type() != e.type) {
        ARK_ASSIGN_OR_RETURN(value, CastDatum(value, e.type, false, n));
      }
      if (value.is_scalar()) {
        if (value.scalar().is_null()) return Status::OK();
        const T v = NumReader<T>(value).scalar();
        for (int64_t k = 0; k < bytes; ++k) {
          const uint8_t h = hit[static_cast<size_t>(k)];
          if (h == 0) continue;
          ok[k] |= h;
          T* o = out + k * 8;
          for (int j = 0; j < 8; ++j) {
            if (h & (1u << j)) o[j] = v;
          }
        }
        return Status::OK();
      }
      const Column& c = *value.column();
      const T* src = c.data<T>();
      BufferPtr cv = AlignedValidity(c);
      const uint8_t* valid = cv ? cv->data() : nullptr;
      for (int64_t k = 0; k < bytes; ++k) {
        const uint8_t h = hit[static_cast<size_t>(k)];
        if (h == 0) continue;
        ok[k] |= valid ? static_cast<uint8_t>(h & valid[k]) : h;
        T* o = out + k * 8;
        const T* in_values = src + k * 8;
        if (h == 0xff) {
          for (int j = 0; j < 8; ++j) o[j] = in_values[j];
          continue;
        }
        for (int j = 0; j < 8; ++j) {
          if (h & (1u << j)) o[j] = in_values[j];
        }
      }
      return Status::OK();
    };

    for (size_t k = 0; k < pairs && remaining > 0; ++k) {
      ARK_ASSIGN_OR_RETURN(Datum cond, Eval(*e.children[2 * k], in));
      BoolBits b = ToBoolBits(cond, n);
      const uint8_t* val = b.values->data();
      const uint8_t* cok = b.validity ? b.validity->data() : nullptr;
      int64_t count = 0;
      for (int64_t i = 0; i < bytes; ++i) {
        uint8_t h = static_cast<uint8_t>(val[i] & ~taken[static_cast<size_t>(i)]);
        if (cok != nullptr) h &= cok[i];
        if (i == bytes - 1) h &= last_mask;
        hit[static_cast<size_t>(i)] = h;
        taken[static_cast<size_t>(i)] |= h;
        count += std::popcount(h);
      }
      if (count == 0) continue;
      remaining -= count;
      ARK_ASSIGN_OR_RETURN(Datum value, Eval(*e.children[2 * k + 1], in));
      if (count == n && value.type() == e.type) return value;
      any_branch = true;
      ARK_RETURN_IF_ERROR(write(std::move(value)));
    }
    if (remaining > 0 && e.has_else) {
      ARK_ASSIGN_OR_RETURN(Datum value, Eval(*e.children.back(), in));
      if (remaining == n && value.type() == e.type) return value;
      for (int64_t i = 0; i < bytes; ++i) {
        uint8_t h = static_cast<uint8_t>(~taken[static_cast<size_t>(i)]);
        if (i == bytes - 1) h &= last_mask;
        hit[static_cast<size_t>(i)] = h;
      }
      any_branch = true;
      ARK_RETURN_IF_ERROR(write(std::move(value)));
    } else if (!any_branch) {
      return Datum(Value::Null(e.type));
    }
    const int64_t valid_rows = bit_util::CountSetBits(ok, 0, n);
    return Datum(Column::Make(e.type, n,
                              {valid_rows == n ? nullptr : std::move(validity), std::move(values)},
                              {}, n - valid_rows));
  }

  // Rows `rows` take their values from `value`, evaluated over exactly those rows.
  Status AddBranch(const DataType& type, Datum value, std::vector<int64_t> rows,
                   std::vector<Datum>* branches, RowSources* rs) {
    if (value.type() != type) {
      ARK_ASSIGN_OR_RETURN(value, CastDatum(value, type, false, static_cast<int64_t>(rows.size())));
    }
    const int32_t b = static_cast<int32_t>(branches->size());
    branches->push_back(std::move(value));
    std::vector<int64_t> positions = Iota(rows.size());
    rs->Assign(b, std::move(rows), std::move(positions));
    return Status::OK();
  }

  // Rows `rows` take their values from `value`, evaluated over all n rows.
  Status AddBranchEverywhere(const DataType& type, Datum value, std::vector<int64_t> rows,
                             int64_t n, std::vector<Datum>* branches, RowSources* rs) {
    if (value.type() != type) {
      ARK_ASSIGN_OR_RETURN(value, CastDatum(value, type, false, n));
    }
    const int32_t b = static_cast<int32_t>(branches->size());
    branches->push_back(std::move(value));
    std::vector<int64_t> positions = rows;
    rs->Assign(b, std::move(rows), std::move(positions));
    return Status::OK();
  }

  Result<Datum> EvalCoalesce(const BoundExpr& e, const Input& in) {
    const int64_t n = in.rows;
    if (e.children.empty()) return Datum(Value::Null(e.type));
    // The first operand runs on every row; each next one only where all before were NULL.
    ARK_ASSIGN_OR_RETURN(Datum first, Eval(*e.children[0], in));
    if (first.type() != e.type) {
      ARK_ASSIGN_OR_RETURN(first, CastDatum(first, e.type, false, n));
    }
    if (first.is_scalar() ? !first.scalar().is_null() : first.column()->null_count() == 0) {
      return first;
    }
    std::vector<Datum> branches;
    RowSources rs(n);
    std::vector<int64_t> remaining;
    if (first.is_scalar()) {
      remaining = Iota(static_cast<size_t>(n));
    } else {
      const Column& c = *first.column();
      std::vector<int64_t> taken;
      for (int64_t r = 0; r < n; ++r) (c.IsValid(r) ? taken : remaining).push_back(r);
      std::vector<int64_t> positions = taken;
      branches.push_back(std::move(first));
      rs.Assign(0, std::move(taken), std::move(positions));
    }
    for (size_t k = 1; k < e.children.size() && !remaining.empty(); ++k) {
      const int64_t m = static_cast<int64_t>(remaining.size());
      ARK_ASSIGN_OR_RETURN(Datum value, EvalRows(*e.children[k], in, remaining));
      if (value.type() != e.type) {
        ARK_ASSIGN_OR_RETURN(value, CastDatum(value, e.type, false, m));
      }
      if (value.is_scalar()) {
        if (value.scalar().is_null()) continue;
        ARK_RETURN_IF_ERROR(
            AddBranch(e.type, std::move(value), std::move(remaining), &branches, &rs));
        remaining.clear();
        break;
      }
      const Column& c = *value.column();
      std::vector<int64_t> taken, positions, rest;
      for (int64_t j = 0; j < m; ++j) {
        const int64_t r = remaining[static_cast<size_t>(j)];
        if (c.IsValid(j)) {
          taken.push_back(r);
          positions.push_back(j);
        } else {
          rest.push_back(r);
        }
      }
      const int32_t b = static_cast<int32_t>(branches.size());
      branches.push_back(std::move(value));
      rs.Assign(b, std::move(taken), std::move(positions));
      remaining.swap(rest);
    }
    if (branches.empty()) return Datum(Value::Null(e.type));
    return Datum(Merge(e.type, branches, rs, n));
  }

  Result<Datum> EvalInList(const BoundExpr& e, const Input& in) {
    const int64_t n = in.rows;
    ARK_ASSIGN_OR_RETURN(Datum x, Eval(*e.children.at(0), in));
    const size_t items = e.children.size() - 1;
    // A long list of constants: one hash lookup per row.
    bool all_constant = items >= 8;
    for (size_t k = 1; k <= items && all_constant; ++k) {
      all_constant = e.children[k]->kind == BoundExprKind::kConstant;
    }
    const TypeId tid = x.type().id();
    const bool hashable = tid == TypeId::kInt32 || tid == TypeId::kInt64 || tid == TypeId::kDate ||
                          tid == TypeId::kTimestamp || tid == TypeId::kString ||
                          tid == TypeId::kBinary;
    if (all_constant && hashable && !x.is_scalar()) return InListHashed(e, x, n);
    // Otherwise: x = item_1 OR x = item_2 ..., three-valued.
    std::shared_ptr<Buffer> found = FilledBitmap(n, false);
    std::shared_ptr<Buffer> unknown = FilledBitmap(n, false);
    const int64_t bytes = bit_util::BytesForBits(n);
    for (size_t k = 1; k <= items; ++k) {
      ARK_ASSIGN_OR_RETURN(Datum item, Eval(*e.children[k], in));
      Datum lhs = x;
      ARK_RETURN_IF_ERROR(Unify(lhs, item, n));
      ARK_ASSIGN_OR_RETURN(Datum eq, CompareDatums(CompareOp::kEq, lhs, item, n));
      BoolBits b = ToBoolBits(eq, n);
      for (int64_t i = 0; i < bytes; ++i) {
        const uint8_t ok = b.validity ? b.validity->data()[i] : 0xff;
        found->mutable_data()[i] |= static_cast<uint8_t>(ok & b.values->data()[i]);
        unknown->mutable_data()[i] |= static_cast<uint8_t>(~ok);
      }
    }
    return InListResult(e.negated, n, found, unknown, x.is_scalar());
  }

  // TRUE where found; else NULL where unknown; else FALSE — then NOT for NOT IN.
  static Datum InListResult(bool negated, int64_t n, const std::shared_ptr<Buffer>& found,
                            const std::shared_ptr<Buffer>& unknown, bool scalar) {
    const int64_t bytes = bit_util::BytesForBits(n);
    auto values = Buffer::Allocate(static_cast<size_t>(bytes));
    auto validity = Buffer::Allocate(static_cast<size_t>(bytes));
    for (int64_t i = 0; i < bytes; ++i) {
      const uint8_t f = found->data()[i];
      validity->mutable_data()[i] = static_cast<uint8_t>(f | ~unknown->data()[i]);
      values->mutable_data()[i] = negated ? static_cast<uint8_t>(~f) : f;
    }
    const bool any_null = bit_util::CountSetBits(validity->data(), 0, n) != n;
    if (scalar && n >= 1) {
      if (!bit_util::GetBit(validity->data(), 0)) return Datum(Value::Null(DataType::Bool()));
      return Datum(Value::Bool(bit_util::GetBit(values->data(), 0)));
    }
    return Datum(BoolColumn(n, std::move(values), any_null ? std::move(validity) : nullptr));
  }

  Result<Datum> InListHashed(const BoundExpr& e, const Datum& x, int64_t n) {
    const DataType& type = x.type();
    bool has_null = false;
    std::vector<Value> values;
    for (size_t k = 1; k < e.children.size(); ++k) {
      const Value& v = e.children[k]->constant;
      if (v.is_null()) {
        has_null = true;
        continue;
      }
      if (v.type() == type) {
        values.push_back(v);
      } else {
        ARK_ASSIGN_OR_RETURN(Value cast, CastValue(v, type));
        values.push_back(std::move(cast));
      }
    }
    std::shared_ptr<Buffer> found = FilledBitmap(n, false);
    std::shared_ptr<Buffer> unknown = FilledBitmap(n, false);
    const Column& c = *x.column();
    uint8_t* f = found->mutable_data();
    uint8_t* u = unknown->mutable_data();
    auto probe = [&](auto& set, auto get) {
      for (int64_t r = 0; r < n; ++r) {
        if (c.IsNull(r)) {
          bit_util::SetBit(u, r);
        } else if (set.contains(get(r))) {
          bit_util::SetBit(f, r);
        } else if (has_null) {
          bit_util::SetBit(u, r);
        }
      }
    };
    if (type.is_binary_like()) {
      absl::flat_hash_set<absl::string_view> set;
      for (const Value& v : values) set.insert(absl::string_view(v.string_value()));
      probe(set, [&](int64_t r) {
        std::string_view s = c.GetView(r);
        return absl::string_view(s.data(), s.size());
      });
    } else if (type.byte_width() == 4) {
      absl::flat_hash_set<int32_t> set;
      for (const Value& v : values) set.insert(static_cast<int32_t>(v.int_value()));
      const int32_t* d = c.data<int32_t>();
      probe(set, [&](int64_t r) { return d[r]; });
    } else {
      absl::flat_hash_set<int64_t> set;
      for (const Value& v : values) set.insert(v.int_value());
      const int64_t* d = c.data<int64_t>();
      probe(set, [&](int64_t r) { return d[r]; });
    }
    return InListResult(e.negated, n, found, unknown, false);
  }

  KernelContext& ctx_;
};

}  // namespace

Result<Datum> ExpressionEvaluator::Evaluate(const BoundExpr& expr, const Batch& input) {
  Evaluation eval(ctx_);
  Input in{&input.columns(), input.num_rows()};
  return eval.Eval(expr, in);
}

Result<ColumnPtr> ExpressionEvaluator::EvaluateColumn(const BoundExpr& expr, const Batch& input) {
  ARK_ASSIGN_OR_RETURN(Datum d, Evaluate(expr, input));
  if (d.is_scalar() && d.scalar().type() != expr.type && expr.type.id() != TypeId::kNull &&
      d.scalar().is_null()) {
    return Column::MakeNull(expr.type, input.num_rows());
  }
  return d.ToColumn(input.num_rows());
}

namespace {

// Appends the rows of `d` (n rows) that are TRUE.
Status AppendTrueRows(const Datum& d, int64_t n, std::vector<int64_t>* rows) {
  if (d.type().id() != TypeId::kBool && d.type().id() != TypeId::kNull) {
    return Status::TypeError("argument of WHERE must be type bool, not type {}",
                             d.type().ToString());
  }
  if (d.is_scalar()) {
    if (!d.scalar().is_null() && d.scalar().bool_value()) {
      rows->resize(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) (*rows)[static_cast<size_t>(i)] = i;
    }
    return Status::OK();
  }
  if (d.column()->type_id() == TypeId::kNull) return Status::OK();
  BoolBits b = ToBoolBits(d, n);
  const uint8_t* bits = b.values->data();
  std::shared_ptr<Buffer> masked;
  if (b.validity) {
    masked = CopyBitmap(bits, 0, n);
    AndBitmapInto(masked->mutable_data(), b.validity->data(), 0, n);
    bits = masked->data();
  }
  AppendSetBitIndices(bits, 0, n, rows);
  return Status::OK();
}

}  // namespace

Result<std::vector<int64_t>> ExpressionEvaluator::SelectRows(const BoundExpr& predicate,
                                                             const Batch& input) {
  ARK_ASSIGN_OR_RETURN(Datum d, Evaluate(predicate, input));
  std::vector<int64_t> rows;
  ARK_RETURN_IF_ERROR(AppendTrueRows(d, input.num_rows(), &rows));
  return rows;
}

}  // namespace ark::sql
