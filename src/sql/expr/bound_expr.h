// BoundExpr: an expression after binding — every name resolved to an input column index, every
// type known, every implicit coercion an explicit Cast node, every operator and function call a
// BoundScalarFunction. This is what the optimizer rewrites and the evaluator runs.
//
// Special forms that are not plain functions (three-valued AND/OR/NOT, short-circuiting CASE and
// COALESCE, IS NULL, IN lists) have kinds of their own so that the evaluator can treat NULLs and
// laziness correctly.
//
// Thread-safety: immutable once built; shared by the threads running a plan.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/types.h"
#include "core/value.h"
#include "sql/functions/function.h"

namespace ark::sql {

enum class BoundExprKind {
  kColumn,      // input column `column_index`
  kConstant,    // `constant`
  kCall,        // `function` over children
  kCast,        // children[0] cast to `type` (`try_cast`: NULL instead of an error)
  kAnd,         // children[0..n): three-valued AND
  kOr,          // three-valued OR
  kNot,         // NOT children[0]
  kIsNull,      // children[0] IS NULL (`negated`: IS NOT NULL)
  kIsDistinct,  // children[0] IS DISTINCT FROM children[1] (`negated`: IS NOT DISTINCT FROM)
  kCase,        // children: when0, then0, when1, then1, ..., [else]; `has_else`
  kCoalesce,    // first non-NULL of children
  kInList,      // children[0] IN (children[1..]) (`negated`: NOT IN), SQL NULL semantics
  kParameter,   // statement parameter `parameter_index` (prepared statements)
};

struct BoundExpr;
using BoundExprPtr = std::unique_ptr<BoundExpr>;

struct BoundExpr {
  BoundExprKind kind = BoundExprKind::kConstant;
  DataType type;

  int column_index = -1;                                // kColumn
  Value constant;                                       // kConstant
  std::shared_ptr<const BoundScalarFunction> function;  // kCall
  bool try_cast = false;                                // kCast
  bool negated = false;                                 // kIsNull, kIsDistinct, kInList
  bool has_else = false;                                // kCase
  int parameter_index = 0;                              // kParameter
  std::vector<BoundExprPtr> children;

  // For EXPLAIN and messages: "(price > 100) AND (lower(channel) = 'google')", columns shown
  // by `column_names` when given, else as #index.
  std::string ToString(const std::vector<std::string>* column_names = nullptr) const;
  BoundExprPtr Clone() const;
  // True when the expression reads no column and calls only deterministic functions.
  bool IsConstant() const;

  static BoundExprPtr Column(int index, DataType type);
  static BoundExprPtr Constant(Value v);
  static BoundExprPtr Call(std::shared_ptr<const BoundScalarFunction> fn,
                           std::vector<BoundExprPtr> args);
  static BoundExprPtr Cast(BoundExprPtr operand, DataType to, bool try_cast = false);
};

}  // namespace ark::sql
