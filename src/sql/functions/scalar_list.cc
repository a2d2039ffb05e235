// List and struct functions: list_element (subscript, 1-based, NULL when out of range),
// list_slice (list[a:b], inclusive, clamped; a NULL bound is open), array_length / cardinality,
// list_contains, array_position, list_value (the ARRAY[...] constructor), list_concat,
// array_append, array_prepend, the || operator on lists, and struct_extract (the binder's a.b).

#include <fmt/format.h>

#include "base/strings.h"
#include "core/batch.h"
#include "sql/expr/cast.h"
#include "sql/functions/scalar_compare.h"
#include "sql/functions/scalar_kernel.h"

namespace ark::sql {

namespace {

const DataType kI32 = DataType::Int32();
const DataType kI64 = DataType::Int64();
const DataType kBool = DataType::Bool();
const DataType kStr = DataType::String();

// The list type of argument i, or an error naming the function.
Result<DataType> ListArg(std::string_view name, std::span<const DataType> types, size_t i) {
  if (i < types.size() && types[i].id() == TypeId::kList) return types[i];
  if (i < types.size() && types[i].id() == TypeId::kNull) return DataType::List(DataType::Null());
  return NoMatchingOverload(name, types, {});
}

bool IsNullAt(const Datum& d, int64_t i) {
  return d.is_scalar() ? d.scalar().is_null() : d.column()->IsNull(i);
}

// A column of `n` rows taking element `idx[r]` of `values` (idx < 0: NULL).
ColumnPtr TakeOrNull(const Column& values, const std::vector<int64_t>& idx) {
  const int64_t n = static_cast<int64_t>(idx.size());
  std::unique_ptr<ColumnBuilder> b = MakeBuilder(values.type());
  b->Reserve(n);
  for (int64_t r = 0; r < n; ++r) {
    if (idx[static_cast<size_t>(r)] < 0) {
      b->AppendNull();
    } else {
      b->AppendFrom(values, idx[static_cast<size_t>(r)]);
    }
  }
  return b->Finish();
}

// Fixed-width elements are gathered directly; other types through a builder.
template <typename T>
ColumnPtr TakeFixed(const Column& values, const std::vector<int64_t>& idx) {
  const int64_t n = static_cast<int64_t>(idx.size());
  FixedWriter<T> out(values.type(), n);
  const T* v = values.data<T>();
  for (int64_t r = 0; r < n; ++r) {
    const int64_t k = idx[static_cast<size_t>(r)];
    if (k < 0 || values.IsNull(k)) {
      out.PutNull(r);
    } else {
      out.Put(r, v[k]);
    }
  }
  return out.Finish();
}

ColumnPtr Gather(const Column& values, const std::vector<int64_t>& idx) {
  switch (values.type_id()) {
    case TypeId::kInt32:
    case TypeId::kDate:
      return TakeFixed<int32_t>(values, idx);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return TakeFixed<int64_t>(values, idx);
    case TypeId::kFloat32:
      return TakeFixed<float>(values, idx);
    case TypeId::kFloat64:
      return TakeFixed<double>(values, idx);
    default:
      return TakeOrNull(values, idx);
  }
}

Result<Datum> ListElementKernel(KernelContext&, std::span<const Datum> args, int64_t rows) {
  const DataType& element = args[0].type().element();
  if (HasNullScalar(args)) return Datum(Value::Null(element));
  const bool scalar = AllScalar(args);
  const int64_t n = scalar ? 1 : rows;
  ListReader list(args[0]);
  IntReader index(args[1]);
  std::vector<int64_t> idx(static_cast<size_t>(n), -1);
  for (int64_t i = 0; i < n; ++i) {
    if (IsNullAt(args[0], i) || IsNullAt(args[1], i)) continue;
    const int64_t k = index[i];
    if (k >= 1 && k <= list.length(i)) idx[static_cast<size_t>(i)] = list.start(i) + k - 1;
  }
  return ToDatum(Gather(list.values(), idx), scalar);
}

Result<BoundScalarFunction> BindListElement(std::span<const DataType> types,
                                            std::span<const std::optional<Value>> constants) {
  const std::string name = "list_element";
  if (types.size() != 2) return NoMatchingOverload(name, types, {});
  ARK_ASSIGN_OR_RETURN(DataType list, ListArg(name, types, 0));
  if (ImplicitCastCost(types[1], kI64, IsStringLiteral(constants, 1)) < 0) {
    return Status::TypeError("array subscript must have type integer, not {}", types[1].ToString());
  }
  return MakeBound(name, {list, kI64}, list.element(), ListElementKernel);
}

Result<Datum> ListSliceKernel(KernelContext&, std::span<const Datum> args, int64_t rows) {
  const DataType& type = args[0].type();
  if (args[0].is_scalar() && args[0].scalar().is_null()) return Datum(Value::Null(type));
  const bool scalar = AllScalar(args);
  const int64_t n = scalar ? 1 : rows;
  ListReader list(args[0]);
  IntReader lo(args[1]), hi(args[2]);
  ListBuilder out(type);
  for (int64_t i = 0; i < n; ++i) {
    if (IsNullAt(args[0], i)) {
      out.AppendNull();
      continue;
    }
    const int64_t len = list.length(i);
    const int64_t a = IsNullAt(args[1], i) ? 1 : std::max<int64_t>(lo[i], 1);
    const int64_t b = IsNullAt(args[2], i) ? len : std::min<int64_t>(hi[i], len);
    out.Append();
    if (a <= b) out.values().AppendRange(list.values(), list.start(i) + a - 1, b - a + 1);
  }
  return ToDatum(out.Finish(), scalar);
}

Result<BoundScalarFunction> BindListSlice(std::span<const DataType> types,
                                          std::span<const std::optional<Value>> constants) {
  const std::string name = "list_slice";
  if (types.size() != 3) return NoMatchingOverload(name, types, {});
  ARK_ASSIGN_OR_RETURN(DataType list, ListArg(name, types, 0));
  for (size_t i = 1; i < 3; ++i) {
    if (ImplicitCastCost(types[i], kI64, IsStringLiteral(constants, i)) < 0) {
      return Status::TypeError("array subscript must have type integer, not {}",
                               types[i].ToString());
    }
  }
  return MakeBound(name, {list, kI64, kI64}, list, ListSliceKernel);
}

// array_length(list [, dim]) / cardinality(list).
ScalarBinder LengthBinder(std::string name, bool with_dimension_null_for_empty) {
  return [name, with_dimension_null_for_empty](
             std::span<const DataType> types,
             std::span<const std::optional<Value>>) -> Result<BoundScalarFunction> {
    if (types.empty() || types.size() > 2) return NoMatchingOverload(name, types, {});
    ARK_ASSIGN_OR_RETURN(DataType list, ListArg(name, types, 0));
    if (types.size() == 2 && !types[1].is_integer() && types[1].id() != TypeId::kNull) {
      return NoMatchingOverload(name, types, {});
    }
    const bool two = types.size() == 2;
    ScalarKernel kernel = [two, with_dimension_null_for_empty](KernelContext&,
                                                               std::span<const Datum> args,
                                                               int64_t rows) -> Result<Datum> {
      ListReader l(args[0]);
      std::optional<IntReader> dim;
      if (two) dim.emplace(args[1]);
      return MapRows<FixedWriter<int32_t>>(
          kI32, args, rows, [&](int64_t i, FixedWriter<int32_t>& out) -> Status {
            const int64_t len = l.length(i);
            // PostgreSQL: array_length(a, 1) is NULL for an empty array and for other
            // dimensions.
            if (two && ((*dim)[i] != 1 || (with_dimension_null_for_empty && len == 0))) {
              out.PutNull(i);
            } else {
              out.Put(i, static_cast<int32_t>(len));
            }
            return Status::OK();
          });
    };
    std::vector<DataType> args = {list};
    if (two) args.push_back(kI64);
    return MakeBound(name, std::move(args), kI32, kernel);
  };
}

// (list<T>, T) functions: the element is coerced to the list's element type (or both widened).
Result<std::pair<DataType, DataType>> ListAndElement(std::string_view name,
                                                     std::span<const DataType> types,
                                                     std::span<const std::optional<Value>> c,
                                                     size_t list_arg) {
  if (types.size() != 2) return NoMatchingOverload(name, types, {});
  ARK_ASSIGN_OR_RETURN(DataType list, ListArg(name, types, list_arg));
  const size_t e = 1 - list_arg;
  std::optional<DataType> common =
      CommonSuperType(list.element(), types[e], false, IsStringLiteral(c, e));
  if (!common) {
    return Status::TypeError("function {}: element type {} does not match list type {}", name,
                             types[e].ToString(), list.ToString());
  }
  return std::make_pair(DataType::List(*common), *common);
}

ScalarBinder ContainsBinder(std::string name, bool position) {
  return [name, position](
             std::span<const DataType> types,
             std::span<const std::optional<Value>> constants) -> Result<BoundScalarFunction> {
    ARK_ASSIGN_OR_RETURN(auto le, ListAndElement(name, types, constants, 0));
    ScalarKernel kernel = [position](KernelContext&, std::span<const Datum> args,
                                     int64_t rows) -> Result<Datum> {
      ListReader l(args[0]);
      ColumnPtr elem = args[1].is_scalar() ? args[1].scalar().ToColumn(1) : args[1].column();
      const bool elem_scalar = args[1].is_scalar();
      auto find = [&](int64_t i) -> int64_t {
        const int64_t e = elem_scalar ? 0 : i;
        for (int64_t k = 0; k < l.length(i); ++k) {
          if (!l.values().IsNull(l.start(i) + k) &&
              CompareValues(l.values(), l.start(i) + k, *elem, e) == 0) {
            return k + 1;
          }
        }
        return 0;
      };
      if (position) {
        return MapRows<FixedWriter<int32_t>>(kI32, args, rows,
                                             [&](int64_t i, FixedWriter<int32_t>& out) {
                                               const int64_t p = find(i);
                                               if (p == 0) {
                                                 out.PutNull(i);
                                               } else {
                                                 out.Put(i, static_cast<int32_t>(p));
                                               }
                                               return Status::OK();
                                             });
      }
      return MapRows<BoolWriter>(kBool, args, rows, [&](int64_t i, BoolWriter& out) {
        out.Put(i, find(i) != 0);
        return Status::OK();
      });
    };
    return MakeBound(name, {le.first, le.second}, position ? kI32 : kBool, kernel);
  };
}

// Builds each row's list from pieces: every argument is a list (spliced) or an element.
Result<Datum> BuildLists(const DataType& type, std::span<const Datum> args, int64_t rows,
                         const std::vector<bool>& is_list, bool null_if_any_list_null) {
  const bool scalar = AllScalar(args);
  const int64_t n = scalar ? 1 : rows;
  std::vector<std::optional<ListReader>> lists;
  std::vector<ColumnPtr> elems;
  for (size_t k = 0; k < args.size(); ++k) {
    if (is_list[k]) {
      lists.emplace_back(std::in_place, args[k]);
      elems.push_back(nullptr);
    } else {
      lists.emplace_back();
      elems.push_back(args[k].is_scalar() ? args[k].scalar().ToColumn(1) : args[k].column());
    }
  }
  ListBuilder out(type);
  for (int64_t i = 0; i < n; ++i) {
    bool null_row = false;
    if (null_if_any_list_null) {
      for (size_t k = 0; k < args.size(); ++k) {
        if (is_list[k] && IsNullAt(args[k], i)) null_row = true;
      }
    }
    if (null_row) {
      out.AppendNull();
      continue;
    }
    out.Append();
    for (size_t k = 0; k < args.size(); ++k) {
      if (is_list[k]) {
        if (IsNullAt(args[k], i)) continue;
        out.values().AppendRange(lists[k]->values(), lists[k]->start(i), lists[k]->length(i));
      } else {
        out.values().AppendFrom(*elems[k], args[k].is_scalar() ? 0 : i);
      }
    }
  }
  return ToDatum(out.Finish(), scalar);
}

Result<BoundScalarFunction> BindListValue(std::span<const DataType> types,
                                          std::span<const std::optional<Value>> constants) {
  DataType element = DataType::Null();
  bool literal = true;
  for (size_t i = 0; i < types.size(); ++i) {
    const bool lit = IsStringLiteral(constants, i);
    std::optional<DataType> t = CommonSuperType(element, types[i], literal, lit);
    if (!t) {
      return Status::TypeError("ARRAY types {} and {} cannot be matched", element.ToString(),
                               types[i].ToString());
    }
    element = *t;
    literal = literal && lit;
  }
  if (types.empty()) element = DataType::Null();
  const DataType list = DataType::List(element);
  ScalarKernel kernel = [list](KernelContext&, std::span<const Datum> args,
                               int64_t rows) -> Result<Datum> {
    return BuildLists(list, args, rows, std::vector<bool>(args.size(), false), false);
  };
  return MakeBound("list_value", std::vector<DataType>(types.size(), element), list, kernel);
}

Result<BoundScalarFunction> BindConcatLike(std::string name, std::span<const DataType> types,
                                           std::span<const std::optional<Value>> constants,
                                           int mode) {  // 0 list||list, 1 append, 2 prepend
  if (types.size() != 2) return NoMatchingOverload(name, types, {});
  DataType list;
  std::vector<bool> is_list;
  std::vector<DataType> args;
  if (mode == 0) {
    ARK_ASSIGN_OR_RETURN(DataType a, ListArg(name, types, 0));
    ARK_ASSIGN_OR_RETURN(DataType b, ListArg(name, types, 1));
    std::optional<DataType> common = CommonSuperType(a, b);
    if (!common) {
      return Status::TypeError("cannot concatenate {} and {}", a.ToString(), b.ToString());
    }
    list = *common;
    is_list = {true, true};
    args = {list, list};
  } else {
    const size_t list_arg = mode == 1 ? 0 : 1;
    ARK_ASSIGN_OR_RETURN(auto le, ListAndElement(name, types, constants, list_arg));
    list = le.first;
    is_list = {mode == 1, mode == 2};
    args = mode == 1 ? std::vector<DataType>{le.first, le.second}
                     : std::vector<DataType>{le.second, le.first};
  }
  // A NULL list counts as empty (PostgreSQL's array_cat / ||); NULL only when both are NULL.
  ScalarKernel kernel = [list, is_list](KernelContext&, std::span<const Datum> args,
                                        int64_t rows) -> Result<Datum> {
    const bool both_lists = is_list[0] && is_list[1];
    if (both_lists && args[0].is_scalar() && args[0].scalar().is_null() && args[1].is_scalar() &&
        args[1].scalar().is_null()) {
      return Datum(Value::Null(list));
    }
    return BuildLists(list, args, rows, is_list, false);
  };
  return MakeBound(name, std::move(args), list, kernel);
}

Result<BoundScalarFunction> BindStructExtract(std::span<const DataType> types,
                                              std::span<const std::optional<Value>> constants) {
  const std::string name = "struct_extract";
  if (types.size() != 2 || types[0].id() != TypeId::kStruct) {
    return NoMatchingOverload(name, types,
                              std::vector<std::string>{"struct_extract(struct, string)"});
  }
  if (constants.size() < 2 || !constants[1] || constants[1]->is_null() ||
      !constants[1]->type().is_binary_like()) {
    return Status::InvalidArgument("struct_extract: the field name must be a constant string");
  }
  const std::string& field = constants[1]->string_value();
  const auto& fields = types[0].fields();
  int index = -1;
  for (size_t f = 0; f < fields.size(); ++f) {
    if (fields[f].name == field) {
      index = static_cast<int>(f);
      break;
    }
  }
  if (index < 0) {
    // Unquoted identifiers arrive lower-cased: accept a case-insensitive unique match.
    for (size_t f = 0; f < fields.size(); ++f) {
      std::string lower = fields[f].name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == field) {
        if (index >= 0) {
          index = -2;
          break;
        }
        index = static_cast<int>(f);
      }
    }
  }
  if (index < 0) {
    std::vector<std::string> names;
    for (const Field& f : fields) names.push_back(f.name);
    return Status::NotFound("struct has no field \"{}\"{}", field, DidYouMean(field, names));
  }
  const DataType out_type = fields[static_cast<size_t>(index)].type;
  ScalarKernel kernel = [index, out_type](KernelContext&, std::span<const Datum> args,
                                          int64_t) -> Result<Datum> {
    if (args[0].is_scalar()) {
      const Value& v = args[0].scalar();
      if (v.is_null()) return Datum(Value::Null(out_type));
      return Datum(v.children()[static_cast<size_t>(index)]);
    }
    const Column& s = *args[0].column();
    ColumnPtr child = s.struct_field(index);
    if (s.null_count() == 0) return Datum(child);
    // A NULL struct row makes its fields NULL too.
    BufferPtr parent = AlignedValidity(s);
    BufferPtr own = AlignedValidity(*child);
    std::shared_ptr<Buffer> validity = CopyBitmap(parent->data(), 0, s.length());
    if (own) AndBitmapInto(validity->mutable_data(), own->data(), 0, s.length());
    if (child->offset() != 0) {
      // Rebase the child so the new validity starts at bit 0.
      std::unique_ptr<ColumnBuilder> b = MakeBuilder(out_type);
      b->AppendRange(*child, 0, child->length());
      child = b->Finish();
    }
    std::vector<BufferPtr> buffers = child->buffers();
    if (buffers.empty()) return Datum(Column::MakeNull(out_type, s.length()));
    buffers[0] = validity;
    return Datum(Column::Make(out_type, s.length(), std::move(buffers), child->children(), -1, 0));
  };
  return MakeBound(name, {types[0], kStr}, out_type, kernel);
}

}  // namespace

Result<BoundScalarFunction> BindListConcat(std::string name, std::span<const DataType> types,
                                           std::span<const std::optional<Value>> constants) {
  if (types.size() != 2) return NoMatchingOverload(name, types, {});
  const bool a = types[0].id() == TypeId::kList;
  const bool b = types[1].id() == TypeId::kList;
  if (a && b) return BindConcatLike(name, types, constants, 0);
  if (a) return BindConcatLike(name, types, constants, 1);
  return BindConcatLike(name, types, constants, 2);
}

void RegisterListFunctions(FunctionRegistry& registry) {
  registry.AddScalar("list_element", BindListElement,
                     {"list", "list_element(l list<T>, i int64) → T",
                      "Element i (1-based) of the list, NULL when out of range; l[i] is the "
                      "same.",
                      "list_element([10, 20, 30], 2) → 20"});
  registry.AddAlias("list_extract", "list_element");
  registry.AddAlias("array_extract", "list_element");
  registry.AddScalar("list_slice", BindListSlice,
                     {"list", "list_slice(l list<T>, from int64, to int64) → list<T>",
                      "Elements from..to (1-based, inclusive, clamped to the list; a NULL bound "
                      "is open); l[from:to] is the same.",
                      "list_slice([1, 2, 3, 4], 2, 3) → [2, 3]"});
  registry.AddAlias("array_slice", "list_slice");
  registry.AddScalar("array_length", LengthBinder("array_length", true),
                     {"list", "array_length(l list [, dimension int32]) → int32",
                      "Number of elements. With a dimension (PostgreSQL), NULL for an empty "
                      "list or a dimension other than 1.",
                      "array_length([1, 2, 3]) → 3"});
  registry.AddAlias("list_length", "array_length");
  registry.AddAlias("len", "array_length");
  registry.AddScalar("cardinality", LengthBinder("cardinality", false),
                     {"list", "cardinality(l list) → int32", "Number of elements (0 when empty).",
                      "cardinality([1, 2]) → 2"});
  registry.AddScalar("list_contains", ContainsBinder("list_contains", false),
                     {"list", "list_contains(l list<T>, x T) → bool",
                      "True when x is an element of l (NULL elements never match).",
                      "list_contains([1, 2, 3], 2) → true"});
  registry.AddAlias("array_contains", "list_contains");
  registry.AddAlias("list_has", "list_contains");
  registry.AddScalar("array_position", ContainsBinder("array_position", true),
                     {"list", "array_position(l list<T>, x T) → int32",
                      "Position (1-based) of the first x in l, NULL when absent.",
                      "array_position(['a', 'b'], 'b') → 2"});
  registry.AddAlias("list_position", "array_position");
  registry.AddScalar("list_value", BindListValue,
                     {"list", "list_value(a T, b T, ...) → list<T>",
                      "A list of the arguments; ARRAY[a, b] and [a, b] are the same.",
                      "list_value(1, 2, 3) → [1, 2, 3]"});
  registry.AddScalar(
      "list_concat",
      [](std::span<const DataType> types, std::span<const std::optional<Value>> constants) {
        return BindConcatLike("list_concat", types, constants, 0);
      },
      {"list", "list_concat(a list<T>, b list<T>) → list<T>",
       "The elements of a then b (a NULL list counts as empty).",
       "list_concat([1, 2], [3]) → [1, 2, 3]"});
  registry.AddAlias("array_cat", "list_concat");
  registry.AddScalar(
      "array_append",
      [](std::span<const DataType> types, std::span<const std::optional<Value>> constants) {
        return BindConcatLike("array_append", types, constants, 1);
      },
      {"list", "array_append(l list<T>, x T) → list<T>", "l with x added at the end.",
       "array_append([1, 2], 3) → [1, 2, 3]"});
  registry.AddAlias("list_append", "array_append");
  registry.AddScalar(
      "array_prepend",
      [](std::span<const DataType> types, std::span<const std::optional<Value>> constants) {
        return BindConcatLike("array_prepend", types, constants, 2);
      },
      {"list", "array_prepend(x T, l list<T>) → list<T>", "l with x added at the start.",
       "array_prepend(0, [1, 2]) → [0, 1, 2]"});
  registry.AddAlias("list_prepend", "array_prepend");
  registry.AddScalar(
      "struct_extract", BindStructExtract,
      {"struct", "struct_extract(s struct, field string) → field type",
       "The named field of a struct; s.field is the same.", "struct_extract({'a': 1}, 'a') → 1"});
}

}  // namespace ark::sql
