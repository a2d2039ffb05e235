// Errors in SQL text, PostgreSQL style: what went wrong, where (line:column), the offending line
// with a caret under the token, and a hint when there is one.
//
//   ERROR:  column "prise" does not exist; did you mean "price"?
//   LINE 1: SELECT prise FROM flow
//                  ^^^^^
//
// SqlError renders that text into a Status message (code ParseError for lexer/parser errors,
// InvalidArgument/TypeError/NotFound for binder errors) so every layer reports positions the same
// way: "1:8: column \"prise\" does not exist; did you mean \"price\"?\n  SELECT prise FROM flow\n
// ^^^^^"
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "sql/ast.h"

namespace ark::sql {

// "<line>:<column>: <message>\n  <source line>\n  <spaces>^^^" — the caret spans `loc.length`
// bytes (at least one), tabs in the prefix are kept so the caret lines up.
std::string FormatSqlError(std::string_view sql, const SourceLocation& loc,
                           std::string_view message);

// A Status with `code` and the formatted message.
Status SqlError(StatusCode code, std::string_view sql, const SourceLocation& loc,
                std::string_view message);

}  // namespace ark::sql
