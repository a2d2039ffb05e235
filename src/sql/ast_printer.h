// A compact S-expression rendering of the AST (ast.h), for parser tests, debugging and EXPLAIN of
// the statement text. One line, no locations:
//
//   SELECT a, b + 1 FROM flow WHERE c > 2
//   → (select (items (col a) (+ (col b) (lit 1))) (from (table flow)) (where (> (col c) (lit 2))))
//
// Names that are not plain lower-case identifiers are printed in double quotes; strings in single
// quotes with '' doubling. docs in ast_printer.cc list the form of every node.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "sql/ast.h"

namespace ark::sql {

std::string ExprToString(const Expr& expr);
std::string TableRefToString(const TableRef& ref);
std::string SelectToString(const SelectStatement& select);
std::string StatementToString(const Statement& statement);
// "int", "varchar(10)", "double precision", "int[][]", "struct<a int, b text>".
std::string TypeNameToString(const TypeName& type);

}  // namespace ark::sql
