// The SQL lexer: statement text → tokens, each with its SourceLocation (parser.h describes the
// accepted syntax; the parser is the only caller outside tests).
//
//   ARK_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize("SELECT a FROM flow"));
//   // kKeyword "select", kIdentifier "a", kKeyword "from", kIdentifier "flow", kEnd
//
// Words: unquoted words are folded to lower case (ASCII only; UTF-8 letters are kept) and become
// kKeyword when they are in the keyword table (LookupKeyword), kIdentifier otherwise. "Quoted"
// identifiers keep their case ("" stands for one "); an empty one is an error.
// Numbers: 1 → kInteger; 1.5, .5, 1., 1e10, 2.5E-3 → kFloat (text as written); 0x1F → kInteger
// with text "31". A number directly followed by a letter is an error ("trailing junk").
// Strings: 'it''s'; E'\n\t\\\'\x41\101\u00e9\U0001F600' (C-style escapes); $$dollar$$ and
// $tag$...$tag$ (no escapes at all). Two quoted strings separated only by whitespace that holds a
// newline are one string (standard SQL). Parameters: $1, $2, ...
// Operators (kOperator, text = the symbol): + - * / % ^ = <> != < <= > >= || :: -> ->> ~ !~ ~*
// !~* [ ] ( ) , . ; :
// Comments: -- to the end of the line, /* ... */ (nested). Whitespace separates tokens.
// The input must be valid UTF-8.
//
// Errors are Status ParseError rendered by FormatSqlError: "1:8: unterminated string literal"
// plus the line and a caret.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/ast.h"

namespace ark::sql {

enum class TokenKind {
  kEnd,               // end of input; its location is just past the last token
  kIdentifier,        // a word that is not a keyword, folded to lower case
  kQuotedIdentifier,  // "Name": text without the quotes, case kept
  kKeyword,           // a word of the keyword table, folded to lower case
  kInteger,           // digits as written (hex converted to decimal)
  kFloat,             // as written
  kString,            // the unescaped value
  kParameter,         // $n: text holds the digits
  kOperator,          // punctuation and operators: text is the symbol
};

// "identifier", "keyword", ... for tests and messages.
const char* TokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;      // see TokenKind
  std::string_view raw;  // the token as written in the statement text (empty for kEnd)
  SourceLocation loc;
};

// How freely a keyword may be used as a name (PostgreSQL's classes, simplified).
enum class KeywordClass {
  kNone,        // not a keyword
  kUnreserved,  // any use: column, table, function, type name and alias
  kTypeFunc,    // function or type name only (LEFT, RIGHT, JOIN, LIKE, IS ...)
  kReserved,    // only as a column label after AS, after a dot, or quoted
};

// The class of a lower-case word.
KeywordClass LookupKeyword(std::string_view lower_word);

// Every token of `sql`, ending with one kEnd token.
Result<std::vector<Token>> Tokenize(std::string_view sql);

}  // namespace ark::sql
