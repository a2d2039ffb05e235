#include "sql/functions/user_functions.h"

#include <algorithm>
#include <map>
#include <mutex>

#include <fmt/format.h>

namespace ark::sql {
namespace {

struct Installed {
  std::map<std::string, ScalarBinder, std::less<>> binders;
};

std::mutex g_mu;

// Never destroyed, and every set ever installed is kept: queries bound against a set hold
// pointers to its binders (FindUserFunction's contract).
std::shared_ptr<const Installed>& Current() {  // REQUIRES: g_mu held
  static auto* current = new std::shared_ptr<const Installed>(std::make_shared<Installed>());
  return *current;
}
std::vector<std::shared_ptr<const Installed>>& Retired() {  // REQUIRES: g_mu held
  static auto* retired = new std::vector<std::shared_ptr<const Installed>>();
  return *retired;
}

// Lower case: names are matched the way unquoted SQL identifiers are (folded to lower case).
bool IsIdentifier(std::string_view name) {
  auto lower = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
  if (name.empty() || !lower(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return lower(c) || (c >= '0' && c <= '9'); });
}

ScalarBinder MakeBinder(std::shared_ptr<const UserFunction> function) {
  return [function](std::span<const DataType> arg_types,
                    std::span<const std::optional<Value>>) -> Result<BoundScalarFunction> {
    ARK_ASSIGN_OR_RETURN(DataType result, function->Bind(arg_types));
    BoundScalarFunction f;
    f.name = function->name();
    f.arg_types.assign(arg_types.begin(), arg_types.end());
    f.return_type = result;
    f.deterministic = false;  // never run at plan time (constant folding)
    f.kernel = [function, result](KernelContext&, std::span<const Datum> args,
                                  int64_t rows) -> Result<Datum> {
      if (rows == 0) return Datum(Column::MakeNull(result, 0));
      std::vector<ColumnPtr> columns;
      columns.reserve(args.size());
      for (const Datum& a : args) columns.push_back(a.ToColumn(rows));
      ARK_ASSIGN_OR_RETURN(ColumnPtr out, function->Call(columns, rows));
      return Datum(std::move(out));
    };
    return f;
  };
}

}  // namespace

Status CheckUserFunctionName(std::string_view name) {
  if (!IsIdentifier(name)) {
    return Status::InvalidArgument(
        "user function name \"{}\" is not a lower-case SQL identifier (a-z, 0-9 and _, not "
        "starting with a digit)",
        name);
  }
  // Doc() knows every built-in scalar, aggregate and window function and alias, and no user
  // function (FindScalar would find the installed ones).
  if (FunctionRegistry::Builtins().Doc(name) != nullptr || name == "coalesce" || name == "nullif" ||
      name == "greatest" || name == "least") {
    return Status::AlreadyExists(
        "user function \"{}\": a built-in SQL function has that name; choose another", name);
  }
  return Status::OK();
}

Status InstallUserFunctions(std::vector<std::shared_ptr<const UserFunction>> functions) {
  auto next = std::make_shared<Installed>();
  for (const std::shared_ptr<const UserFunction>& f : functions) {
    ARK_RETURN_IF_ERROR(CheckUserFunctionName(f->name()));
    if (!next->binders.emplace(f->name(), MakeBinder(f)).second) {
      return Status::AlreadyExists("user function \"{}\" is declared twice", f->name());
    }
  }
  std::lock_guard lock(g_mu);
  Retired().push_back(std::move(Current()));
  Current() = std::move(next);
  return Status::OK();
}

const ScalarBinder* FindUserFunction(std::string_view name) {
  std::lock_guard lock(g_mu);
  const Installed& current = *Current();
  auto it = current.binders.find(name);
  return it == current.binders.end() ? nullptr : &it->second;
}

std::vector<std::string> UserFunctionNames() {
  std::lock_guard lock(g_mu);
  std::vector<std::string> names;
  for (const auto& [name, binder] : Current()->binders) names.push_back(name);
  return names;
}

}  // namespace ark::sql
