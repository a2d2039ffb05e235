// Parser: SQL text → AST (ast.h). A hand-written lexer and a recursive-descent parser for a
// PostgreSQL-flavoured grammar. Errors carry line:column, a caret under the offending token and
// what was expected ("syntax error at or near \"FORM\"; expected FROM, WHERE, GROUP BY, ..."),
// rendered by sql_error.h with code ParseError.
//
//   ARK_ASSIGN_OR_RETURN(std::vector<StatementPtr> stmts, ParseSql("SELECT 1; SELECT 2"));
//   ARK_ASSIGN_OR_RETURN(StatementPtr stmt, ParseStatement("SELECT a FROM flow"));
//
// Identifiers: unquoted ones are folded to lower case, "quoted" ones keep their case and may hold
// any character ("" escapes a quote). Strings: 'text' with '' escapes, E'\n' escapes, $$dollar$$
// quoting. Comments: -- to end of line and /* nested */. Keywords are case-insensitive;
// non-reserved keywords may be used as names (PostgreSQL's rules, simplified).
//
// Limits: nesting deeper than 1000 (expressions or subqueries) is an error, not a stack overflow.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/ast.h"

namespace ark::sql {

// Every statement of a script, separated by semicolons (empty statements are skipped).
Result<std::vector<StatementPtr>> ParseSql(std::string_view sql);

// Exactly one statement (a trailing semicolon is allowed).
Result<StatementPtr> ParseStatement(std::string_view sql);

// One expression (for config options that take an SQL expression, e.g. an output's `key`).
Result<ExprPtr> ParseExpression(std::string_view sql);

}  // namespace ark::sql
