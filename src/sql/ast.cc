#include "sql/ast.h"

namespace ark::sql {

const char* BinaryOpName(BinaryOp op) {
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
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kConcat:
      return "||";
    case BinaryOp::kJsonGet:
      return "->";
    case BinaryOp::kJsonGetText:
      return "->>";
    case BinaryOp::kLike:
      return "LIKE";
    case BinaryOp::kNotLike:
      return "NOT LIKE";
    case BinaryOp::kILike:
      return "ILIKE";
    case BinaryOp::kNotILike:
      return "NOT ILIKE";
    case BinaryOp::kSimilarTo:
      return "SIMILAR TO";
    case BinaryOp::kNotSimilarTo:
      return "NOT SIMILAR TO";
    case BinaryOp::kRegexMatch:
      return "~";
    case BinaryOp::kRegexNotMatch:
      return "!~";
    case BinaryOp::kRegexIMatch:
      return "~*";
    case BinaryOp::kRegexNotIMatch:
      return "!~*";
  }
  return "?";
}

}  // namespace ark::sql
