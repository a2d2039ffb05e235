#include "ml/python/python_udf.h"

#include <fmt/format.h>

#include "core/type_parser.h"
#include "ml/python/python_function.h"
#include "sql/expr/cast.h"
#include "sql/expr/datum.h"

namespace ark::ml {
namespace {

class PythonUdf final : public sql::UserFunction {
 public:
  PythonUdf(std::string name, DataType return_type, std::unique_ptr<PythonFunction> function)
      : name_(std::move(name)),
        label_(fmt::format("udf \"{}\"", name_)),
        return_type_(std::move(return_type)),
        function_(std::move(function)) {}

  const std::string& name() const override { return name_; }

  Result<DataType> Bind(std::span<const DataType> arg_types) const override {
    for (size_t i = 0; i < arg_types.size(); ++i) {
      const DataType& t = arg_types[i];
      if (t.id() == TypeId::kNull) {
        return Status::TypeError(
            "{}: argument {} is an untyped NULL; CAST it to the type the function expects, e.g. "
            "CAST(NULL AS double)",
            label_, i + 1);
      }
      if (!IsPythonType(t.id())) {
        return Status::TypeError(
            "{}: argument {} is {}; Python UDFs take {} arguments (CAST it first, e.g. to string)",
            label_, i + 1, t.ToString(), kPythonTypes);
      }
    }
    return return_type_;
  }

  Result<ColumnPtr> Call(std::span<const ColumnPtr> args, int64_t rows) const override {
    ARK_ASSIGN_OR_RETURN(ColumnPtr out, function_->CallColumns(args, label_));
    if (out->length() != rows) {
      return Status::InvalidArgument(
          "{} returned {} value{} for a batch of {} row{}; it must return one value per row",
          label_, out->length(), out->length() == 1 ? "" : "s", rows, rows == 1 ? "" : "s");
    }
    return ToReturnType(std::move(out));
  }

 private:
  Result<ColumnPtr> ToReturnType(ColumnPtr c) const {
    if (c->type() == return_type_) return c;
    const int64_t n = c->length();
    if (c->null_count() == n) return Column::MakeNull(return_type_, n);
    if (c->type().is_numeric() && return_type_.is_numeric()) {
      Result<sql::Datum> d = sql::CastDatum(sql::Datum(c), return_type_, false, n);
      if (!d.ok()) {
        return Status::InvalidArgument("{}: a returned value does not fit return_type {}: {}",
                                       label_, return_type_.ToString(), d.status().message());
      }
      return d->ToColumn(n);
    }
    return Status::TypeError(
        "{} returned {} values; its return_type is {} (numbers convert to any numeric type; "
        "bools, strings and bytes only to their own)",
        label_, c->type().ToString(), return_type_.ToString());
  }

  std::string name_;
  std::string label_;  // udf "fahrenheit"
  DataType return_type_;
  std::unique_ptr<PythonFunction> function_;
};

Result<std::shared_ptr<const sql::UserFunction>> Load(const UdfConfig& udf) {
  const ConfigValue* rt_node = udf.node.Get("return_type");
  const ConfigValue& rt_at = rt_node != nullptr ? *rt_node : udf.node;
  Result<DataType> rt = ParseDataType(udf.return_type);
  if (!rt.ok()) {
    return rt_at.Error(fmt::format("udf \"{}\": {}", udf.name, rt.status().message()));
  }
  if (!IsPythonType(rt->id())) {
    return rt_at.Error(fmt::format(
        "udf \"{}\": return_type {} is not supported; Python UDFs return {} (return strings and "
        "CAST them in SQL for other types)",
        udf.name, rt->ToString(), kPythonTypes));
  }
  PythonFunctionOptions options{.script = udf.script,
                                .module = udf.module,
                                .function = udf.function,
                                .python_path = udf.python_path};
  Result<std::unique_ptr<PythonFunction>> f = PythonFunction::Load(options);
  if (!f.ok()) {
    return udf.node.Error(fmt::format("udf \"{}\": {}", udf.name, f.status().message()));
  }
  return std::shared_ptr<const sql::UserFunction>(
      std::make_shared<PythonUdf>(udf.name, std::move(rt).value(), std::move(f).value()));
}

}  // namespace

Result<std::vector<std::shared_ptr<const sql::UserFunction>>> LoadPythonUdfs(
    const std::vector<UdfConfig>& udfs) {
  std::vector<std::shared_ptr<const sql::UserFunction>> out;
  for (const UdfConfig& udf : udfs) {
    ARK_ASSIGN_OR_RETURN(std::shared_ptr<const sql::UserFunction> f, Load(udf));
    out.push_back(std::move(f));
  }
  return out;
}

Status InstallPythonUdfs(const std::vector<UdfConfig>& udfs) {
  // Names first: a refused name needs no interpreter.
  for (const UdfConfig& udf : udfs) {
    Status st = sql::CheckUserFunctionName(udf.name);
    if (!st.ok()) {
      const ConfigValue* name = udf.node.Get("name");
      return (name != nullptr ? *name : udf.node).Error(st.message());
    }
  }
  ARK_ASSIGN_OR_RETURN(std::vector<std::shared_ptr<const sql::UserFunction>> functions,
                       LoadPythonUdfs(udfs));
  return sql::InstallUserFunctions(std::move(functions));
}

}  // namespace ark::ml
