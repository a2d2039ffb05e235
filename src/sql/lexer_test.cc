#include "sql/lexer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ark::sql {
namespace {

// "kind:text" per token (kEnd left out), space separated.
std::string Kinds(std::string_view sql) {
  auto r = Tokenize(sql);
  if (!r.ok()) return "ERROR " + r.status().message();
  std::string out;
  for (const Token& t : *r) {
    if (t.kind == TokenKind::kEnd) break;
    if (!out.empty()) out += ' ';
    out += TokenKindName(t.kind);
    out += ':';
    out += t.text;
  }
  return out;
}

std::string Error(std::string_view sql) {
  auto r = Tokenize(sql);
  if (r.ok()) return "OK";
  EXPECT_EQ(r.status().code(), StatusCode::kParseError);
  return r.status().message();
}

TEST(LexerTest, WordsAreFoldedAndKeywordsRecognized) {
  EXPECT_EQ(Kinds("SELECT Price FROM Flow"),
            "keyword:select identifier:price keyword:from identifier:flow");
  EXPECT_EQ(Kinds("sElEcT"), "keyword:select");
  EXPECT_EQ(Kinds("_x1 a$b Größe"), "identifier:_x1 identifier:a$b identifier:größe");
  EXPECT_EQ(Kinds("ÉTÉ"), "identifier:ÉtÉ");  // only ASCII letters are folded
}

TEST(LexerTest, QuotedIdentifiersKeepCase) {
  EXPECT_EQ(Kinds("\"Price\" \"a\"\"b\" \"select\" \"two words\""),
            "quoted identifier:Price quoted identifier:a\"b quoted identifier:select "
            "quoted identifier:two words");
}

TEST(LexerTest, Numbers) {
  EXPECT_EQ(Kinds("1 42 1.5 .5 1. 1e10 2.5E-3 7e+2 0x1F 0XfF"),
            "integer:1 integer:42 float:1.5 float:.5 float:1. float:1e10 float:2.5E-3 "
            "float:7e+2 integer:31 integer:255");
  EXPECT_EQ(Kinds("99999999999999999999"), "integer:99999999999999999999");
  EXPECT_EQ(Kinds("0x7FFFFFFFFFFFFFFF"), "integer:9223372036854775807");
  // "1..2" is not a number followed by junk: the dot after "1" stays an operator.
  EXPECT_EQ(Kinds("x[1:2]"), "identifier:x operator:[ integer:1 operator:: integer:2 operator:]");
  EXPECT_EQ(Kinds("t.a"), "identifier:t operator:. identifier:a");
}

TEST(LexerTest, Strings) {
  EXPECT_EQ(Kinds("'it''s' ''"), "string:it's string:");
  EXPECT_EQ(Kinds("E'a\\nb\\tc\\\\d\\'e' e'\\x41\\101\\u00e9\\U0001F600'"),
            "string:a\nb\tc\\d'e string:AAé😀");
  EXPECT_EQ(Kinds("'\\n'"), "string:\\n");  // no escapes in a standard string
  EXPECT_EQ(Kinds("$$it's $1$$ $tag$a $$ b$tag$ $_t1$x$_t1$"),
            "string:it's $1 string:a $$ b string:x");
  // Adjacent strings separated by a newline are one string; on one line they are two tokens.
  EXPECT_EQ(Kinds("'ab'\n  'cd'"), "string:abcd");
  EXPECT_EQ(Kinds("'ab' 'cd'"), "string:ab string:cd");
}

TEST(LexerTest, ParametersOperatorsAndComments) {
  EXPECT_EQ(Kinds("$1 $23"), "parameter:1 parameter:23");
  EXPECT_EQ(Kinds("+ - * / % ^ = <> != < <= > >= || :: -> ->> ~ !~ ~* !~* [ ] ( ) , . ; :"),
            "operator:+ operator:- operator:* operator:/ operator:% operator:^ operator:= "
            "operator:<> operator:!= operator:< operator:<= operator:> operator:>= operator:|| "
            "operator::: operator:-> operator:->> operator:~ operator:!~ operator:~* operator:!~* "
            "operator:[ operator:] operator:( operator:) operator:, operator:. operator:; "
            "operator::");
  EXPECT_EQ(Kinds("a>=b<>c"), "identifier:a operator:>= identifier:b operator:<> identifier:c");
  EXPECT_EQ(Kinds("a -- comment\n/* block /* nested */ still */ b"), "identifier:a identifier:b");
  EXPECT_EQ(Kinds("1--2"), "integer:1");
  EXPECT_EQ(Kinds("a/**/b"), "identifier:a identifier:b");
}

TEST(LexerTest, Locations) {
  auto r = Tokenize("SELECT a,\n  \"B\" -- x\n\tFROM 'q'");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::vector<Token>& t = *r;
  ASSERT_EQ(t.size(), 7u);
  auto loc = [](const Token& tok) {
    return std::to_string(tok.loc.line) + ":" + std::to_string(tok.loc.column) + "@" +
           std::to_string(tok.loc.offset) + "+" + std::to_string(tok.loc.length);
  };
  EXPECT_EQ(loc(t[0]), "1:1@0+6");   // SELECT
  EXPECT_EQ(loc(t[1]), "1:8@7+1");   // a
  EXPECT_EQ(loc(t[2]), "1:9@8+1");   // ,
  EXPECT_EQ(loc(t[3]), "2:3@12+3");  // "B"
  EXPECT_EQ(t[3].raw, "\"B\"");
  EXPECT_EQ(loc(t[4]), "3:2@22+4");  // FROM after a tab
  EXPECT_EQ(loc(t[5]), "3:7@27+3");  // 'q'
  EXPECT_EQ(t[6].kind, TokenKind::kEnd);
  EXPECT_EQ(loc(t[6]), "3:10@30+0");  // just past the last token
}

TEST(LexerTest, EndLocationIgnoresTrailingSpace) {
  auto r = Tokenize("SELECT 1  \n\n  -- done\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->back().loc.line, 1);
  EXPECT_EQ(r->back().loc.column, 9);
  auto empty = Tokenize("");
  ASSERT_TRUE(empty.ok());
  ASSERT_EQ(empty->size(), 1u);
  EXPECT_EQ(empty->back().loc.line, 1);
  EXPECT_EQ(empty->back().loc.column, 1);
}

TEST(LexerTest, Errors) {
  EXPECT_EQ(Error("SELECT 'abc"),
            "1:8: unterminated string literal\n"
            "  SELECT 'abc\n"
            "         ^");
  EXPECT_EQ(Error("SELECT a,\n  \"Abc FROM t"),
            "2:3: unterminated quoted identifier\n"
            "    \"Abc FROM t\n"
            "    ^");
  EXPECT_EQ(Error("SELECT @ FROM t"),
            "1:8: unexpected character '@'\n"
            "  SELECT @ FROM t\n"
            "         ^");
  EXPECT_EQ(Error("a # b"), "1:3: unexpected character '#'\n  a # b\n    ^");
  EXPECT_EQ(Error("a \x01"), "1:3: unexpected character U+0001\n  a \x01\n    ^");
  EXPECT_EQ(Error("x\t$ y"), "1:3: unexpected character '$'\n  x\t$ y\n   \t^");
  EXPECT_EQ(Error("SELECT E'abc"), "1:8: unterminated string literal\n  SELECT E'abc\n         ^");
  EXPECT_EQ(Error("SELECT $$abc"),
            "1:8: unterminated dollar-quoted string\n  SELECT $$abc\n         ^^");
  EXPECT_EQ(Error("SELECT $q$abc$$"),
            "1:8: unterminated dollar-quoted string\n  SELECT $q$abc$$\n         ^^^");
  EXPECT_EQ(Error("a /* x /* y */"), "1:3: unterminated /* comment\n  a /* x /* y */\n    ^^");
  EXPECT_EQ(Error("SELECT \"\""), "1:8: zero-length quoted identifier\n  SELECT \"\"\n         ^^");
  EXPECT_EQ(Error("SELECT 123abc"),
            "1:8: trailing junk after numeric literal\n  SELECT 123abc\n         ^^^^^^");
  EXPECT_EQ(Error("SELECT 1e"),
            "1:8: trailing junk after numeric literal\n  SELECT 1e\n         ^^");
  EXPECT_EQ(Error("SELECT 0x10000000000000000"),
            "1:8: hexadecimal integer literal out of range\n"
            "  SELECT 0x10000000000000000\n"
            "         ^^^^^^^^^^^^^^^^^^^");
  EXPECT_EQ(Error("SELECT $0"),
            "1:8: invalid parameter number (expected $1 to $2147483647)\n  SELECT $0\n         ^^");
  EXPECT_EQ(Error("SELECT $99999999999"),
            "1:8: invalid parameter number (expected $1 to $2147483647)\n"
            "  SELECT $99999999999\n"
            "         ^^^^^^^^^^^^");
  EXPECT_EQ(Error("SELECT E'\\xZZ'"),
            "1:10: invalid escape \\x: expected a hexadecimal digit\n"
            "  SELECT E'\\xZZ'\n"
            "           ^^");
  EXPECT_EQ(Error("SELECT E'\\u12'"),
            "1:10: invalid Unicode escape: expected \\u and 4 hex digits\n"
            "  SELECT E'\\u12'\n"
            "           ^^^^");
  EXPECT_EQ(Error("SELECT E'\\uD800'"),
            "1:10: invalid Unicode escape value\n  SELECT E'\\uD800'\n           ^^^^^^");
  EXPECT_EQ(Error("SELECT E'\\0'"),
            "1:10: invalid escape: NUL is not allowed in a string\n"
            "  SELECT E'\\0'\n"
            "           ^^");
  EXPECT_EQ(Error("SELECT E'\\xff'"),
            "1:10: invalid escape: byte value above 0x7F is not valid UTF-8 (use \\u)\n"
            "  SELECT E'\\xff'\n"
            "           ^^^^");
}

TEST(LexerTest, InvalidUtf8) {
  EXPECT_EQ(Error("SELECT 'a\xff'"),
            "1:10: invalid UTF-8 byte sequence\n  SELECT 'a\xff'\n           ^");
  EXPECT_EQ(Error("x\n\xc3("), "2:1: invalid UTF-8 byte sequence\n  \xc3(\n  ^");
  EXPECT_EQ(Error("\xed\xa0\x80"), "1:1: invalid UTF-8 byte sequence\n  \xed\xa0\x80\n  ^");
}

TEST(LexerTest, KeywordTable) {
  EXPECT_EQ(LookupKeyword("select"), KeywordClass::kReserved);
  EXPECT_EQ(LookupKeyword("left"), KeywordClass::kTypeFunc);
  EXPECT_EQ(LookupKeyword("window"), KeywordClass::kUnreserved);
  EXPECT_EQ(LookupKeyword("price"), KeywordClass::kNone);
  EXPECT_EQ(LookupKeyword("SELECT"), KeywordClass::kNone);  // lower case only
  // Every keyword is found (the table is sorted) and tokenizes as a keyword.
  for (std::string_view w :
       {"all",      "analyze",   "and",    "array",   "between",     "by",    "case",
        "cross",    "current",   "desc",   "except",  "filter",      "first", "for",
        "full",     "ilike",     "is",     "join",    "lateral",     "nulls", "over",
        "qualify",  "range",     "rows",   "semi",    "system_time", "ties",  "trim",
        "try_cast", "unbounded", "values", "verbose", "when",        "with",  "without"}) {
    EXPECT_NE(LookupKeyword(w), KeywordClass::kNone) << w;
    EXPECT_EQ(Kinds(w), "keyword:" + std::string(w));
  }
}

}  // namespace
}  // namespace ark::sql
