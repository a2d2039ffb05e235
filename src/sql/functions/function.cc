#include "sql/functions/function.h"

#include <algorithm>
#include <cstring>

#include "sql/functions/user_functions.h"

namespace ark::sql {

// ---------------------------------------------------------------------------------------------
// AggregateFunction defaults

Status AggregateFunction::UpdateSingle(uint8_t* state, std::span<const ColumnPtr> args,
                                       int64_t rows) const {
  std::vector<uint8_t*> states(static_cast<size_t>(rows), state);
  return Update(states.data(), args, rows);
}

Status AggregateFunction::Retract(uint8_t* const* states, std::span<const ColumnPtr> args,
                                  int64_t rows) const {
  (void)states;
  (void)args;
  (void)rows;
  return Status::Unimplemented("aggregate function {} cannot retract rows", name());
}

void AggregateFunction::Serialize(const uint8_t* state, std::string* out) const {
  out->append(reinterpret_cast<const char*>(state), state_size());
}

Status AggregateFunction::Deserialize(std::string_view bytes, uint8_t* state) const {
  if (bytes.size() != state_size()) {
    return Status::InvalidArgument("aggregate {}: a saved state of {} bytes, expected {}", name(),
                                   bytes.size(), state_size());
  }
  std::memcpy(state, bytes.data(), bytes.size());
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// FunctionRegistry

void FunctionRegistry::AddScalar(std::string name, ScalarBinder binder, FunctionDoc doc) {
  ARK_CHECK(!scalars_.contains(name), "scalar function registered twice: " + name);
  docs_.emplace(name, std::move(doc));
  scalars_.emplace(std::move(name), std::move(binder));
}

void FunctionRegistry::AddAggregate(std::string name, AggregateBinder binder, FunctionDoc doc) {
  ARK_CHECK(!aggregates_.contains(name), "aggregate function registered twice: " + name);
  docs_.emplace(name, std::move(doc));
  aggregates_.emplace(std::move(name), std::move(binder));
}

void FunctionRegistry::AddWindow(std::string name, WindowBinder binder, FunctionDoc doc) {
  ARK_CHECK(!windows_.contains(name), "window function registered twice: " + name);
  docs_.emplace(name, std::move(doc));
  windows_.emplace(std::move(name), std::move(binder));
}

void FunctionRegistry::AddAlias(std::string alias, std::string target) {
  ARK_CHECK(scalars_.contains(target) || aggregates_.contains(target) || windows_.contains(target),
            "alias " + alias + " for an unknown function " + target);
  aliases_[std::move(alias)] = std::move(target);
}

std::string FunctionRegistry::Resolve(std::string_view name) const {
  auto it = aliases_.find(name);
  return it == aliases_.end() ? std::string(name) : it->second;
}

const ScalarBinder* FunctionRegistry::FindScalar(std::string_view name) const {
  auto it = scalars_.find(name);
  if (it == scalars_.end()) it = scalars_.find(Resolve(name));
  // Then the functions the configuration declares (`udfs:`, user_functions.h).
  return it == scalars_.end() ? FindUserFunction(name) : &it->second;
}

const AggregateBinder* FunctionRegistry::FindAggregate(std::string_view name) const {
  auto it = aggregates_.find(name);
  if (it == aggregates_.end()) it = aggregates_.find(Resolve(name));
  return it == aggregates_.end() ? nullptr : &it->second;
}

const WindowBinder* FunctionRegistry::FindWindow(std::string_view name) const {
  auto it = windows_.find(name);
  if (it == windows_.end()) it = windows_.find(Resolve(name));
  return it == windows_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, _] : scalars_) names.push_back(name);
  for (const auto& [name, _] : aggregates_) names.push_back(name);
  for (const auto& [name, _] : windows_) names.push_back(name);
  for (const auto& [name, _] : aliases_) names.push_back(name);
  for (std::string& name : UserFunctionNames()) names.push_back(std::move(name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

const FunctionDoc* FunctionRegistry::Doc(std::string_view name) const {
  auto it = docs_.find(name);
  if (it == docs_.end()) it = docs_.find(Resolve(name));
  return it == docs_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------------------------
// Operators

std::string_view OperatorFunctionName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSubtract:
      return "-";
    case BinaryOp::kMultiply:
      return "*";
    case BinaryOp::kDivide:
      return "/";
    case BinaryOp::kModulo:
      return "%";
    case BinaryOp::kPower:
      return "^";
    case BinaryOp::kEqual:
      return "=";
    case BinaryOp::kNotEqual:
      return "<>";
    case BinaryOp::kLess:
      return "<";
    case BinaryOp::kLessEqual:
      return "<=";
    case BinaryOp::kGreater:
      return ">";
    case BinaryOp::kGreaterEqual:
      return ">=";
    case BinaryOp::kConcat:
      return "||";
    case BinaryOp::kJsonGet:
      return "->";
    case BinaryOp::kJsonGetText:
      return "->>";
    // The negated forms are the same function under a NOT the binder adds.
    case BinaryOp::kLike:
    case BinaryOp::kNotLike:
      return "like";
    case BinaryOp::kILike:
    case BinaryOp::kNotILike:
      return "ilike";
    case BinaryOp::kSimilarTo:
    case BinaryOp::kNotSimilarTo:
      return "similar_to";
    case BinaryOp::kRegexMatch:
    case BinaryOp::kRegexNotMatch:
      return "regexp_like";
    case BinaryOp::kRegexIMatch:
    case BinaryOp::kRegexNotIMatch:
      return "regexp_ilike";
    case BinaryOp::kAnd:
    case BinaryOp::kOr:
      return "";  // expression kinds of their own (BoundExprKind::kAnd/kOr)
  }
  return "";
}

}  // namespace ark::sql
