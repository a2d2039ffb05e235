// Recursive-descent parser over the token vector of lexer.h. Expressions use precedence climbing
// with PostgreSQL's levels (lowest first):
//   OR < AND < NOT < IS/ISNULL/NOTNULL < comparison < BETWEEN/IN/LIKE/ILIKE/SIMILAR
//   < other operators (|| -> ->> ~ ...) < + - < * / % < ^ < AT TIME ZONE < unary - + < :: < [] .
// Comparison and the BETWEEN/IN/LIKE level are non-associative (a < b < c is an error), the rest
// associate to the left (2 ^ 3 ^ 2 = 64 as in PostgreSQL).
//
// Two limits keep every later recursive walk of the tree (binder, printer, destructors) safe: the
// parser's own recursion and the height of the tree it builds are both at most kMaxDepth, so a
// chain of a million ORs is an error rather than a stack overflow. A third guard watches the
// thread's stack itself, for threads with small stacks and for sanitizer builds, whose frames are
// several times larger.
#include "sql/parser.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <utility>

#include "sql/lexer.h"
#include "sql/sql_error.h"
#include "sql/stack_guard.h"

namespace ark::sql {

namespace {

constexpr int kMaxDepth = 1000;
// Stack kept free below the deepest parse frame: room for building the error and unwinding (a
// quarter of the stack when that is less).
constexpr uintptr_t kStackReserve = 128 << 10;

// The lowest stack address this thread may parse at (stack_guard.h).
uintptr_t ParserStackFloor() { return StackFloor(kStackReserve); }

// Binding strength of operators, lowest first.
enum Prec : int {
  kPrecNone = 0,
  kPrecOr,
  kPrecAnd,
  kPrecNot,
  kPrecIs,
  kPrecCmp,
  kPrecLike,  // BETWEEN, IN, LIKE, ILIKE, SIMILAR TO
  kPrecOther,
  kPrecAdd,
  kPrecMul,
  kPrecPow,
  kPrecAt,
  kPrecUnary,
  kPrecCast,
  kPrecPostfix,
};

// Clauses of one SELECT block, in order; the parser remembers how far the last block got to say
// what could have come next.
enum class Stage { kSelectList, kFrom, kWhere, kGroupBy, kHaving, kWindow, kQualify };

bool IsWindowTableFunction(std::string_view name) {
  return name == "tumble" || name == "hop" || name == "session" || name == "cumulate";
}

// Interval units accepted after INTERVAL '...': singular or plural, normalized to singular.
std::string_view IntervalUnit(std::string_view word) {
  static constexpr std::string_view kUnits[] = {
      "year", "month", "week", "day", "hour", "minute", "second", "millisecond", "microsecond"};
  for (std::string_view unit : kUnits) {
    if (word == unit) return unit;
    if (word.size() == unit.size() + 1 && word.back() == 's' &&
        word.substr(0, unit.size()) == unit) {
      return unit;
    }
  }
  return {};
}

std::string JoinParts(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back('.');
    out += parts[i];
  }
  return out;
}

// The token text for "syntax error at or near ...": at most 40 bytes, cut on a UTF-8 boundary.
// "name" with inner quotes doubled: reads back as exactly `name`.
std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

std::string Shorten(std::string_view raw) {
  constexpr size_t kMax = 40;
  if (raw.size() <= kMax) return std::string(raw);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(raw[cut]) & 0xC0) == 0x80) --cut;
  return std::string(raw.substr(0, cut)) + "...";
}

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens) : sql_(sql), tokens_(std::move(tokens)) {}

  Result<std::vector<StatementPtr>> ParseScript() {
    std::vector<StatementPtr> out;
    while (true) {
      while (AcceptOp(";")) {
      }
      if (AtEnd()) break;
      ARK_ASSIGN_OR_RETURN(StatementPtr stmt, ParseStatement());
      ARK_RETURN_IF_ERROR(ExpectStatementEnd());
      out.push_back(std::move(stmt));
    }
    return out;
  }

  Result<StatementPtr> ParseSingleStatement() {
    while (AcceptOp(";")) {
    }
    ARK_ASSIGN_OR_RETURN(StatementPtr stmt, ParseStatement());
    ARK_RETURN_IF_ERROR(ExpectStatementEnd());
    while (AcceptOp(";")) {
    }
    if (!AtEnd()) {
      return ErrorAt(Cur(), "only one statement is allowed here");
    }
    return stmt;
  }

  Result<ExprPtr> ParseSingleExpression() {
    ARK_ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr());
    if (!AtEnd()) return SyntaxError(Cur(), "end of expression");
    return expr;
  }

 private:
  // ---------------------------------------------------------------------------------------
  // Tokens

  const Token& Cur() const { return tokens_[pos_]; }
  const Token& Peek(size_t ahead) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool AtEnd() const { return Cur().kind == TokenKind::kEnd; }
  const Token& Consume() {
    const Token& t = tokens_[pos_];
    if (t.kind != TokenKind::kEnd) {
      prev_end_ = t.loc.offset + t.loc.length;
      ++pos_;
    }
    return t;
  }
  static bool IsOp(const Token& t, std::string_view op) {
    return t.kind == TokenKind::kOperator && t.text == op;
  }
  // An unquoted word (keyword or identifier) spelled `word` in lower case.
  static bool IsWord(const Token& t, std::string_view word) {
    return (t.kind == TokenKind::kKeyword || t.kind == TokenKind::kIdentifier) && t.text == word;
  }
  bool AcceptOp(std::string_view op) {
    if (!IsOp(Cur(), op)) return false;
    Consume();
    return true;
  }
  bool AcceptWord(std::string_view word) {
    if (!IsWord(Cur(), word)) return false;
    Consume();
    return true;
  }
  Status ExpectOp(std::string_view op) {
    if (AcceptOp(op)) return Status::OK();
    return ExpectedOpError(op);
  }
  Status ExpectWord(std::string_view word) {
    if (AcceptWord(word)) return Status::OK();
    return ExpectedWordError(word);
  }
  // The closing bracket of `open` ("(" or "[").
  Status ExpectClose(const Token& open) {
    std::string_view close = open.text == "[" ? "]" : ")";
    if (AcceptOp(close)) return Status::OK();
    return UnclosedError(fmt::format("\"{}\"", close), fmt::format("\"{}\"", open.text), open.loc);
  }

  // Errors are built out of line (and marked cold): inlined into the recursive parse functions,
  // their formatting buffers would multiply every frame of a deeply nested statement.
  [[gnu::noinline, gnu::cold]] Status ExpectedOpError(std::string_view op) const {
    return SyntaxError(Cur(), fmt::format("\"{}\"", op));
  }
  // `word` is written upper case in the message (a keyword).
  [[gnu::noinline, gnu::cold]] Status ExpectedWordError(std::string_view word) const {
    return SyntaxError(Cur(), AsciiUpper(word));
  }
  // "... expected <closer> to close <opener> at L:C" at the current token.
  [[gnu::noinline, gnu::cold]] Status UnclosedError(std::string_view closer,
                                                    std::string_view opener,
                                                    SourceLocation at) const {
    return SyntaxError(Cur(),
                       fmt::format("{} to close {} at {}:{}", closer, opener, at.line, at.column));
  }
  [[gnu::noinline, gnu::cold]] Status ErrorAt(const Token& t, std::string_view message) const {
    return SqlError(StatusCode::kParseError, sql_, t.loc, message);
  }
  [[gnu::noinline, gnu::cold]] Status SyntaxError(const Token& t,
                                                  std::string_view expected = {}) const {
    std::string message = t.kind == TokenKind::kEnd
                              ? std::string("syntax error at end of input")
                              : fmt::format("syntax error at or near \"{}\"", Shorten(t.raw));
    if (!expected.empty()) {
      message += "; expected ";
      message += expected;
    }
    return ErrorAt(t, message);
  }

  // The location of `start` stretched to the end of the last consumed token.
  SourceLocation Span(SourceLocation start) const {
    if (prev_end_ > start.offset) start.length = prev_end_ - start.offset;
    return start;
  }

  // ---------------------------------------------------------------------------------------
  // Limits

  class DepthGuard {
   public:
    explicit DepthGuard(Parser* p) : p_(p) { ++p_->depth_; }
    ~DepthGuard() { --p_->depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser* p_;
  };

  [[gnu::noinline, gnu::cold]] Status TooDeep(const Token& at) const {
    return ErrorAt(at, fmt::format("nesting depth exceeds the limit of {}", kMaxDepth));
  }
  Status CheckDepth() const {
    if (depth_ > kMaxDepth) return TooDeep(Cur());
    if (reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < stack_floor_) {
      return ErrorAt(Cur(), "statement is nested too deeply for the stack of this thread");
    }
    return Status::OK();
  }
  // Records the height of the node just built (1 + its tallest child).
  Status SetHeight(int h) {
    height_ = h;
    if (h > kMaxDepth) return TooDeep(tokens_[pos_ > 0 ? pos_ - 1 : 0]);
    return Status::OK();
  }

  // ---------------------------------------------------------------------------------------
  // Names

  // A name usable for a column, table, CTE or window: an identifier, a quoted identifier or an
  // unreserved keyword.
  static bool IsColId(const Token& t) {
    if (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier) return true;
    return t.kind == TokenKind::kKeyword && LookupKeyword(t.text) == KeywordClass::kUnreserved;
  }
  // Any word: after AS in a select list and after a dot.
  static bool IsColLabel(const Token& t) {
    return t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier ||
           t.kind == TokenKind::kKeyword;
  }
  // An alias without AS: a ColId that does not start a clause.
  bool IsBareAlias(const Token& t, bool table) const {
    if (!IsColId(t)) return false;
    if (t.kind == TokenKind::kQuotedIdentifier) return true;
    if (t.text == "window" || t.text == "qualify") return false;
    if (table && (t.text == "semi" || t.text == "anti") && IsWord(Peek(1), "join")) return false;
    return true;
  }
  Result<std::string> ParseColId(std::string_view what) {
    if (!IsColId(Cur())) return SyntaxError(Cur(), what);
    return Consume().text;
  }
  Result<std::string> ParseColLabel(std::string_view what) {
    if (!IsColLabel(Cur())) return SyntaxError(Cur(), what);
    return Consume().text;
  }
  // '(' name {, name} ')'
  Result<std::vector<std::string>> ParseNameList(std::string_view what) {
    const Token& open = Cur();
    ARK_RETURN_IF_ERROR(ExpectOp("("));
    std::vector<std::string> names;
    do {
      ARK_ASSIGN_OR_RETURN(std::string name, ParseColId(what));
      names.push_back(std::move(name));
    } while (AcceptOp(","));
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    return names;
  }

  // True when the tokens at pos_ + ahead start a query: SELECT, WITH, VALUES (, or (with
  // `through_parens`) any number of "(" before one of those.
  bool QueryStartsAt(size_t ahead, bool through_parens) const {
    if (through_parens) {
      // More parentheses than the nesting limit fail in the query parser either way.
      for (int i = 0; IsOp(Peek(ahead), "("); ++i) {
        if (i > kMaxDepth) return true;
        ++ahead;
      }
    }
    const Token& t = Peek(ahead);
    return IsWord(t, "select") || IsWord(t, "with") ||
           (IsWord(t, "values") && IsOp(Peek(ahead + 1), "("));
  }

  // ---------------------------------------------------------------------------------------
  // Statements

  Result<StatementPtr> ParseStatement() {
    const Token& t = Cur();
    if (IsWord(t, "explain")) {
      Consume();
      auto stmt = std::make_unique<ExplainStmt>(t.loc);
      if (IsOp(Cur(), "(")) {
        ARK_RETURN_IF_ERROR(ParseExplainOptions(*stmt));
      } else {
        if (AcceptWord("analyze") || AcceptWord("analyse")) stmt->analyze = true;
        if (AcceptWord("verbose")) stmt->verbose = true;
      }
      if (!QueryStartsAt(0, true)) return SyntaxError(Cur(), "SELECT, VALUES or WITH");
      ARK_ASSIGN_OR_RETURN(stmt->statement, ParseSelectStmt());
      return StatementPtr(std::move(stmt));
    }
    if (QueryStartsAt(0, true)) return ParseSelectStmt();
    if (IsWord(t, "create")) return ParseCreate();
    if (IsWord(t, "insert")) return ParseInsert();
    if (IsWord(t, "set")) {
      auto stmt = std::make_unique<SetStmt>(Consume().loc);
      ARK_RETURN_IF_ERROR(ParseOption(&stmt->option, /*allow_to=*/true));
      return StatementPtr(std::move(stmt));
    }
    return SyntaxError(t, "SELECT, VALUES, WITH, EXPLAIN, CREATE, INSERT or SET");
  }

  // ---------------------------------------------------------------------------------------
  // Jobs: CREATE SOURCE / TABLE / SINK / VIEW, INSERT INTO

  // The text of what was consumed since `start` (a token's location).
  std::string TextSince(SourceLocation start) const {
    return std::string(sql_.substr(static_cast<size_t>(start.offset),
                                   static_cast<size_t>(prev_end_ - start.offset)));
  }

  // A query, and its text as written.
  Status ParseQueryWithText(std::unique_ptr<SelectStatement>* query, std::string* text,
                            SourceLocation* loc) {
    if (!QueryStartsAt(0, true)) return SyntaxError(Cur(), "a query (SELECT, VALUES or WITH)");
    *loc = Cur().loc;
    ARK_ASSIGN_OR_RETURN(*query, ParseQuery());
    *text = TextSince(*loc);
    loc->length = prev_end_ - loc->offset;
    return Status::OK();
  }

  bool AcceptIfNotExists() {
    if (!IsWord(Cur(), "if") || !IsWord(Peek(1), "not") || !IsWord(Peek(2), "exists")) {
      return false;
    }
    Consume();
    Consume();
    Consume();
    return true;
  }

  Result<StatementPtr> ParseCreate() {
    const Token& create = Consume();
    bool or_replace = false;
    if (IsWord(Cur(), "or") && IsWord(Peek(1), "replace")) {
      Consume();
      Consume();
      or_replace = true;
    }
    if (AcceptWord("view")) {
      auto stmt = std::make_unique<CreateViewStmt>(create.loc);
      stmt->or_replace = or_replace;
      stmt->name_loc = Cur().loc;
      ARK_ASSIGN_OR_RETURN(stmt->name, ParseColId("a view name"));
      ARK_RETURN_IF_ERROR(ExpectWord("as"));
      ARK_RETURN_IF_ERROR(ParseQueryWithText(&stmt->query, &stmt->query_text, &stmt->query_loc));
      return StatementPtr(std::move(stmt));
    }
    if (or_replace) return SyntaxError(Cur(), "VIEW (OR REPLACE is only for views)");
    if (IsWord(Cur(), "source") || IsWord(Cur(), "table")) {
      auto stmt = std::make_unique<CreateSourceStmt>(create.loc);
      stmt->is_table = Consume().text == "table";
      stmt->if_not_exists = AcceptIfNotExists();
      stmt->name_loc = Cur().loc;
      ARK_ASSIGN_OR_RETURN(stmt->name,
                           ParseColId(stmt->is_table ? "a table name" : "a source name"));
      if (IsOp(Cur(), "(")) ARK_RETURN_IF_ERROR(ParseColumnDefs(*stmt));
      if (!IsWord(Cur(), "with")) {
        return SyntaxError(Cur(), stmt->is_table
                                      ? "WITH ('connector' = ...): tables of a job are connectors"
                                      : "WITH (connector = ...)");
      }
      ARK_RETURN_IF_ERROR(ParseWithOptions(&stmt->with));
      ARK_RETURN_IF_ERROR(ParseFormat(&stmt->format));
      return StatementPtr(std::move(stmt));
    }
    if (AcceptWord("sink")) {
      auto stmt = std::make_unique<CreateSinkStmt>(create.loc);
      stmt->if_not_exists = AcceptIfNotExists();
      stmt->name_loc = Cur().loc;
      ARK_ASSIGN_OR_RETURN(stmt->name, ParseColId("a sink name"));
      if (AcceptWord("from")) {
        const Token& rel = Cur();
        ARK_ASSIGN_OR_RETURN(std::string relation, ParseColId("a source or view name"));
        stmt->query_text = "SELECT * FROM " + QuoteIdentifier(relation);
        stmt->query_loc = rel.loc;
        ARK_ASSIGN_OR_RETURN(StatementPtr parsed, ::ark::sql::ParseStatement(stmt->query_text));
        stmt->query = std::move(static_cast<SelectStmt&>(*parsed).select);
      } else {
        ARK_RETURN_IF_ERROR(ExpectWord("as"));
        ARK_RETURN_IF_ERROR(ParseQueryWithText(&stmt->query, &stmt->query_text, &stmt->query_loc));
      }
      if (!IsWord(Cur(), "with")) return SyntaxError(Cur(), "WITH (connector = ...)");
      ARK_RETURN_IF_ERROR(ParseWithOptions(&stmt->with));
      ARK_RETURN_IF_ERROR(ParseFormat(&stmt->format));
      return StatementPtr(std::move(stmt));
    }
    if (IsWord(Cur(), "materialized") || IsWord(Cur(), "function") || IsWord(Cur(), "model")) {
      return ErrorAt(Cur(),
                     fmt::format("CREATE {} is not supported in jobs yet", AsciiUpper(Cur().text)));
    }
    return SyntaxError(Cur(), "SOURCE, TABLE, SINK or VIEW");
  }

  // (name type [NOT NULL], ..., [WATERMARK FOR column AS expression])
  Status ParseColumnDefs(CreateSourceStmt& stmt) {
    const Token& open = Consume();
    do {
      if (IsWord(Cur(), "watermark")) {
        const Token& w = Consume();
        if (stmt.watermark) return ErrorAt(w, "a source has at most one WATERMARK");
        ARK_RETURN_IF_ERROR(ExpectWord("for"));
        WatermarkDef def;
        def.loc = w.loc;
        ARK_ASSIGN_OR_RETURN(def.column, ParseColId("the event-time column"));
        ARK_RETURN_IF_ERROR(ExpectWord("as"));
        ARK_ASSIGN_OR_RETURN(def.expr, ParseExpr());
        def.loc = Span(def.loc);
        stmt.watermark = std::move(def);
        continue;
      }
      if (IsWord(Cur(), "primary") || IsWord(Cur(), "constraint")) {
        return ErrorAt(Cur(), "keys are not supported in source definitions yet");
      }
      ColumnDef col;
      col.loc = Cur().loc;
      ARK_ASSIGN_OR_RETURN(col.name, ParseColId("a column name or WATERMARK FOR"));
      col.type_loc = Cur().loc;
      ARK_ASSIGN_OR_RETURN(col.type, ParseTypeName());
      col.type_loc = Span(col.type_loc);
      if (IsWord(Cur(), "not") && IsWord(Peek(1), "null")) {
        Consume();
        Consume();
        col.not_null = true;
      } else {
        AcceptWord("null");
      }
      stmt.columns.push_back(std::move(col));
    } while (AcceptOp(","));
    return ExpectClose(open);
  }

  // WITH (key = value, ...)
  Status ParseWithOptions(std::vector<ConnectorOption>* out) {
    Consume();  // WITH
    return ParseOptionList(out);
  }

  Status ParseOptionList(std::vector<ConnectorOption>* out) {
    const Token& open = Cur();
    ARK_RETURN_IF_ERROR(ExpectOp("("));
    do {
      ConnectorOption opt;
      ARK_RETURN_IF_ERROR(ParseOption(&opt, /*allow_to=*/false));
      out->push_back(std::move(opt));
    } while (AcceptOp(","));
    return ExpectClose(open);
  }

  // key = value: keys are words joined by dots (properties.bootstrap.server) or strings
  // ('connector'); values are strings, numbers, true/false or words. `allow_to`: SET's
  // "key TO value".
  Status ParseOption(ConnectorOption* opt, bool allow_to) {
    const Token& k = Cur();
    opt->key_loc = k.loc;
    if (k.kind == TokenKind::kString) {
      opt->key = Consume().text;
    } else {
      ARK_ASSIGN_OR_RETURN(opt->key, ParseColLabel("an option name"));
      while (IsOp(Cur(), ".")) {
        Consume();
        ARK_ASSIGN_OR_RETURN(std::string part, ParseColLabel("an option name after \".\""));
        opt->key += "." + part;
      }
    }
    opt->key_loc = Span(opt->key_loc);
    if (!(allow_to && AcceptWord("to"))) ARK_RETURN_IF_ERROR(ExpectOp("="));
    const Token& v = Cur();
    opt->value_loc = v.loc;
    if (v.kind == TokenKind::kString) {
      opt->value = Consume().text;
      opt->quoted = true;
    } else if (v.kind == TokenKind::kInteger || v.kind == TokenKind::kFloat) {
      opt->value = Consume().text;
    } else if (IsOp(v, "-") &&
               (Peek(1).kind == TokenKind::kInteger || Peek(1).kind == TokenKind::kFloat)) {
      Consume();
      opt->value = "-" + Consume().text;
    } else if (IsColLabel(v)) {
      opt->value = Consume().text;
    } else {
      return SyntaxError(v, "a value (a string, a number or a word)");
    }
    return Status::OK();
  }

  // [FORMAT word ENCODE word [(options)]]
  Status ParseFormat(std::optional<FormatClause>* out) {
    if (!IsWord(Cur(), "format")) return Status::OK();
    FormatClause f;
    f.loc = Consume().loc;
    ARK_ASSIGN_OR_RETURN(f.format, ParseColLabel("a format (PLAIN)"));
    ARK_RETURN_IF_ERROR(ExpectWord("encode"));
    ARK_ASSIGN_OR_RETURN(f.encode, ParseColLabel("an encoding (JSON, CSV)"));
    if (IsOp(Cur(), "(")) ARK_RETURN_IF_ERROR(ParseOptionList(&f.options));
    f.loc = Span(f.loc);
    *out = std::move(f);
    return Status::OK();
  }

  // INSERT INTO table query
  Result<StatementPtr> ParseInsert() {
    auto stmt = std::make_unique<InsertStmt>(Consume().loc);
    ARK_RETURN_IF_ERROR(ExpectWord("into"));
    stmt->table_loc = Cur().loc;
    ARK_ASSIGN_OR_RETURN(stmt->table, ParseColId("a table name"));
    if (IsOp(Cur(), "(")) {
      return ErrorAt(Cur(),
                     "INSERT INTO with a column list is not supported; the query's "
                     "columns are written as they are named");
    }
    ARK_RETURN_IF_ERROR(ParseQueryWithText(&stmt->query, &stmt->query_text, &stmt->query_loc));
    return StatementPtr(std::move(stmt));
  }

  Result<StatementPtr> ParseSelectStmt() {
    auto stmt = std::make_unique<SelectStmt>(Cur().loc);
    ARK_ASSIGN_OR_RETURN(stmt->select, ParseQuery());
    return StatementPtr(std::move(stmt));
  }

  // EXPLAIN (ANALYZE [bool], VERBOSE [bool], ...)
  Status ParseExplainOptions(ExplainStmt& stmt) {
    const Token& open = Consume();
    do {
      const Token& name = Cur();
      bool* flag = nullptr;
      if (IsWord(name, "analyze") || IsWord(name, "analyse")) {
        flag = &stmt.analyze;
      } else if (IsWord(name, "verbose")) {
        flag = &stmt.verbose;
      } else if (IsColLabel(name)) {
        return ErrorAt(name, fmt::format("unrecognized EXPLAIN option \"{}\"", name.text));
      } else {
        return SyntaxError(name, "ANALYZE or VERBOSE");
      }
      Consume();
      bool value = true;
      const Token& v = Cur();
      if (IsWord(v, "true") || IsWord(v, "on") ||
          (v.kind == TokenKind::kInteger && v.text == "1")) {
        Consume();
      } else if (IsWord(v, "false") || IsWord(v, "off") ||
                 (v.kind == TokenKind::kInteger && v.text == "0")) {
        Consume();
        value = false;
      }
      *flag = value;
    } while (AcceptOp(","));
    return ExpectClose(open);
  }

  Status ExpectStatementEnd() {
    if (AtEnd() || IsOp(Cur(), ";")) return Status::OK();
    return SyntaxError(Cur(), end_hint_);
  }

  // ---------------------------------------------------------------------------------------
  // Queries

  // [WITH ...] body [ORDER BY ...] [LIMIT ...] [OFFSET ...] [FETCH ...]. `bare_paren` is set
  // when the query is nothing but one parenthesized query (which can also start an expression:
  // "((SELECT 1) + 1)").
  Result<std::unique_ptr<SelectStatement>> ParseQuery(bool* bare_paren = nullptr) {
    DepthGuard guard(this);
    ARK_RETURN_IF_ERROR(CheckDepth());
    const Token& start = Cur();
    std::vector<CommonTableExpr> ctes;
    bool recursive = false;
    int h = 0;
    if (AcceptWord("with")) {
      recursive = AcceptWord("recursive");
      do {
        ARK_ASSIGN_OR_RETURN(CommonTableExpr cte, ParseCte());
        h = std::max(h, height_);
        ctes.push_back(std::move(cte));
      } while (AcceptOp(","));
    }
    bool paren = false;
    ARK_ASSIGN_OR_RETURN(std::unique_ptr<SelectStatement> body, ParseSetExpr(&paren));
    h = std::max(h, height_);
    bool body_is_core = body->core != nullptr && !paren;
    if (!ctes.empty()) {
      if (!body->ctes.empty()) return ErrorAt(start, "multiple WITH clauses are not allowed");
      body->ctes = std::move(ctes);
      body->recursive = recursive;
      body->loc = start.loc;
    }
    bool tail = false;
    ARK_RETURN_IF_ERROR(ParseOrderLimit(body, &tail, &h));
    if (bare_paren != nullptr) *bare_paren = paren && start.text == "(" && !tail;

    // What could have followed, for the error at the end of the statement.
    std::vector<std::string_view> next;
    if (body_is_core && !tail) {
      static constexpr std::pair<Stage, std::string_view> kClauses[] = {
          {Stage::kFrom, "FROM"},
          {Stage::kWhere, "WHERE"},
          {Stage::kGroupBy, "GROUP BY"},
          {Stage::kHaving, "HAVING"}};
      for (const auto& [stage, name] : kClauses) {
        if (last_stage_ < stage) next.push_back(name);
      }
    }
    if (body->order_by.empty() && body->limit == nullptr && body->offset == nullptr) {
      next.push_back("ORDER BY");
    }
    if (body->limit == nullptr && body->offset == nullptr) {
      next.push_back("LIMIT");
    } else if (body->offset == nullptr) {
      next.push_back("OFFSET");
    }
    end_hint_.clear();
    for (std::string_view n : next) {
      end_hint_ += n;
      end_hint_ += ", ";
    }
    if (!end_hint_.empty()) end_hint_.resize(end_hint_.size() - 2);
    end_hint_ += end_hint_.empty() ? "end of statement" : " or end of statement";

    ARK_RETURN_IF_ERROR(SetHeight(h + 1));
    return body;
  }

  Result<CommonTableExpr> ParseCte() {
    CommonTableExpr cte;
    cte.loc = Cur().loc;
    ARK_ASSIGN_OR_RETURN(cte.name, ParseColId("a name for the WITH query"));
    if (IsOp(Cur(), "(")) {
      ARK_ASSIGN_OR_RETURN(cte.column_aliases, ParseNameList("a column name"));
    }
    ARK_RETURN_IF_ERROR(ExpectWord("as"));
    if (IsWord(Cur(), "not") && IsWord(Peek(1), "materialized")) {
      Consume();
      Consume();
    } else {
      AcceptWord("materialized");
    }
    const Token& open = Cur();
    ARK_RETURN_IF_ERROR(ExpectOp("("));
    ARK_ASSIGN_OR_RETURN(cte.query, ParseQuery());
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    return cte;
  }

  // UNION / EXCEPT over INTERSECT terms (INTERSECT binds tighter), left-associative.
  Result<std::unique_ptr<SelectStatement>> ParseSetExpr(bool* paren) {
    ARK_ASSIGN_OR_RETURN(std::unique_ptr<SelectStatement> left, ParseSetTerm(paren));
    int h = height_;
    while (IsWord(Cur(), "union") || IsWord(Cur(), "except")) {
      const Token& op = Consume();
      *paren = false;
      bool all = ParseSetQuantifier();
      bool ignored = false;
      ARK_ASSIGN_OR_RETURN(std::unique_ptr<SelectStatement> right, ParseSetTerm(&ignored));
      h = std::max(h, height_) + 1;
      ARK_RETURN_IF_ERROR(SetHeight(h));
      left = MakeSetOp(op.text == "union" ? SetOpKind::kUnion : SetOpKind::kExcept, all,
                       std::move(left), std::move(right), op.loc);
    }
    height_ = h;
    return left;
  }

  Result<std::unique_ptr<SelectStatement>> ParseSetTerm(bool* paren) {
    ARK_ASSIGN_OR_RETURN(std::unique_ptr<SelectStatement> left, ParseSetPrimary(paren));
    int h = height_;
    while (IsWord(Cur(), "intersect")) {
      const Token& op = Consume();
      *paren = false;
      bool all = ParseSetQuantifier();
      bool ignored = false;
      ARK_ASSIGN_OR_RETURN(std::unique_ptr<SelectStatement> right, ParseSetPrimary(&ignored));
      h = std::max(h, height_) + 1;
      ARK_RETURN_IF_ERROR(SetHeight(h));
      left = MakeSetOp(SetOpKind::kIntersect, all, std::move(left), std::move(right), op.loc);
    }
    height_ = h;
    return left;
  }

  bool ParseSetQuantifier() {
    if (AcceptWord("all")) return true;
    AcceptWord("distinct");
    return false;
  }

  static std::unique_ptr<SelectStatement> MakeSetOp(SetOpKind kind, bool all,
                                                    std::unique_ptr<SelectStatement> left,
                                                    std::unique_ptr<SelectStatement> right,
                                                    SourceLocation loc) {
    auto s = std::make_unique<SelectStatement>();
    s->set_op = kind;
    s->set_all = all;
    s->left = std::move(left);
    s->right = std::move(right);
    s->loc = loc;
    return s;
  }

  // SELECT ... | VALUES ... | ( query )
  Result<std::unique_ptr<SelectStatement>> ParseSetPrimary(bool* paren) {
    DepthGuard guard(this);
    ARK_RETURN_IF_ERROR(CheckDepth());
    const Token& t = Cur();
    *paren = false;
    if (IsWord(t, "select")) {
      auto s = std::make_unique<SelectStatement>();
      s->loc = t.loc;
      ARK_ASSIGN_OR_RETURN(s->core, ParseSelectCore());
      ARK_RETURN_IF_ERROR(SetHeight(height_ + 1));
      return s;
    }
    if (IsWord(t, "values")) {
      auto s = std::make_unique<SelectStatement>();
      s->loc = t.loc;
      ARK_ASSIGN_OR_RETURN(s->values, ParseValues());
      ARK_RETURN_IF_ERROR(SetHeight(height_ + 1));
      return s;
    }
    if (IsOp(t, "(")) {
      Consume();
      ARK_ASSIGN_OR_RETURN(std::unique_ptr<SelectStatement> q, ParseQuery());
      ARK_RETURN_IF_ERROR(ExpectClose(t));
      *paren = true;
      return q;
    }
    return SyntaxError(t, "SELECT, VALUES or \"(\"");
  }

  // ORDER BY / LIMIT / OFFSET / FETCH after a query body. A parenthesized body that has its own
  // ORDER BY or LIMIT is wrapped (SELECT * FROM (body)) so the outer clauses apply after it.
  [[gnu::noinline]] Status ParseOrderLimit(std::unique_ptr<SelectStatement>& s, bool* tail,
                                           int* h) {
    auto wrap_if_needed = [&]() {
      if (s->order_by.empty() && s->limit == nullptr && s->offset == nullptr) return;
      SourceLocation loc = s->loc;
      auto sub = std::make_unique<SubqueryRef>(loc);
      sub->subquery = std::move(s);
      auto core = std::make_unique<SelectCore>();
      core->loc = loc;
      SelectItem star;
      star.expr = std::make_unique<StarExpr>(loc);
      star.loc = loc;
      core->select_list.push_back(std::move(star));
      core->from = std::move(sub);
      s = std::make_unique<SelectStatement>();
      s->loc = loc;
      s->core = std::move(core);
      *h += 3;
    };
    if (IsWord(Cur(), "order")) {
      Consume();
      ARK_RETURN_IF_ERROR(ExpectWord("by"));
      wrap_if_needed();
      *tail = true;
      ARK_ASSIGN_OR_RETURN(s->order_by, ParseOrderItems());
      *h = std::max(*h, height_);
    }
    bool seen_limit = false;
    bool seen_offset = false;
    while (true) {
      const Token& t = Cur();
      if (IsWord(t, "limit") || IsWord(t, "fetch")) {
        if (seen_limit) return ErrorAt(t, "multiple LIMIT clauses are not allowed");
        seen_limit = true;
        if (!*tail) wrap_if_needed();
        *tail = true;
        Consume();
        if (t.text == "limit") {
          if (AcceptWord("all")) continue;
          ARK_ASSIGN_OR_RETURN(s->limit, ParseExpr());
        } else {
          // FETCH {FIRST | NEXT} [n] {ROW | ROWS} ONLY
          if (!AcceptWord("first") && !AcceptWord("next")) {
            return SyntaxError(Cur(), "FIRST or NEXT");
          }
          if (IsWord(Cur(), "row") || IsWord(Cur(), "rows")) {
            auto one = std::make_unique<LiteralExpr>(t.loc);
            one->literal_kind = LiteralKind::kInteger;
            one->text = "1";
            s->limit = std::move(one);
            height_ = 1;
          } else {
            ARK_ASSIGN_OR_RETURN(s->limit, ParseExprPrec(kPrecAdd));
          }
          if (!AcceptWord("row") && !AcceptWord("rows")) return SyntaxError(Cur(), "ROW or ROWS");
          if (IsWord(Cur(), "with") && IsWord(Peek(1), "ties")) {
            return ErrorAt(Cur(), "FETCH ... WITH TIES is not supported");
          }
          ARK_RETURN_IF_ERROR(ExpectWord("only"));
        }
        *h = std::max(*h, height_);
      } else if (IsWord(t, "offset")) {
        if (seen_offset) return ErrorAt(t, "multiple OFFSET clauses are not allowed");
        seen_offset = true;
        if (!*tail) wrap_if_needed();
        *tail = true;
        Consume();
        ARK_ASSIGN_OR_RETURN(s->offset, ParseExpr());
        *h = std::max(*h, height_);
        if (!AcceptWord("row")) AcceptWord("rows");
      } else {
        break;
      }
    }
    return Status::OK();
  }

  Result<std::vector<OrderItem>> ParseOrderItems() {
    std::vector<OrderItem> items;
    int h = 0;
    do {
      OrderItem item;
      ARK_ASSIGN_OR_RETURN(item.expr, ParseExpr());
      h = std::max(h, height_);
      if (AcceptWord("desc")) {
        item.direction = OrderDirection::kDesc;
      } else {
        AcceptWord("asc");
      }
      if (IsWord(Cur(), "nulls")) {
        Consume();
        if (AcceptWord("first")) {
          item.nulls = NullsOrder::kFirst;
        } else if (AcceptWord("last")) {
          item.nulls = NullsOrder::kLast;
        } else {
          return SyntaxError(Cur(), "FIRST or LAST");
        }
      }
      items.push_back(std::move(item));
    } while (AcceptOp(","));
    height_ = h;
    return items;
  }

  // VALUES (a, b), (c, d): every row the same length.
  [[gnu::noinline]] Result<std::unique_ptr<ValuesRef>> ParseValues() {
    const Token& values = Consume();
    auto ref = std::make_unique<ValuesRef>(values.loc);
    int h = 0;
    do {
      const Token& open = Cur();
      ARK_RETURN_IF_ERROR(ExpectOp("("));
      std::vector<ExprPtr> row;
      do {
        ARK_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
        h = std::max(h, height_);
        row.push_back(std::move(e));
      } while (AcceptOp(","));
      ARK_RETURN_IF_ERROR(ExpectClose(open));
      if (!ref->rows.empty() && row.size() != ref->rows.front().size()) {
        return ValuesLengthError(open, ref->rows.front().size(), row.size());
      }
      ref->rows.push_back(std::move(row));
    } while (AcceptOp(","));
    ARK_RETURN_IF_ERROR(SetHeight(h + 1));
    return ref;
  }

  [[gnu::noinline, gnu::cold]] Status ValuesLengthError(const Token& open, size_t first,
                                                        size_t got) const {
    return SqlError(StatusCode::kParseError, sql_, Span(open.loc),
                    fmt::format("VALUES lists must all be the same length (the first has {}, "
                                "this one {})",
                                first, got));
  }

  [[gnu::noinline]] Result<std::unique_ptr<SelectCore>> ParseSelectCore() {
    const Token& select = Consume();
    auto core = std::make_unique<SelectCore>();
    core->loc = select.loc;
    int h = 0;
    if (AcceptWord("all")) {
    } else if (AcceptWord("distinct")) {
      core->distinct = true;
      if (AcceptWord("on")) {
        const Token& open = Cur();
        ARK_RETURN_IF_ERROR(ExpectOp("("));
        ARK_ASSIGN_OR_RETURN(core->distinct_on, ParseExprList(&h));
        ARK_RETURN_IF_ERROR(ExpectClose(open));
      }
    }
    do {
      ARK_ASSIGN_OR_RETURN(SelectItem item, ParseSelectItem());
      h = std::max(h, height_);
      core->select_list.push_back(std::move(item));
    } while (AcceptOp(","));
    Stage stage = Stage::kSelectList;
    if (AcceptWord("from")) {
      ARK_ASSIGN_OR_RETURN(core->from, ParseFromList());
      h = std::max(h, height_);
      stage = Stage::kFrom;
    }
    if (AcceptWord("where")) {
      ARK_ASSIGN_OR_RETURN(core->where, ParseExpr());
      h = std::max(h, height_);
      stage = Stage::kWhere;
    }
    if (IsWord(Cur(), "group")) {
      Consume();
      ARK_RETURN_IF_ERROR(ExpectWord("by"));
      if (AcceptWord("all")) {
        core->group_by_all = true;
      } else {
        ARK_ASSIGN_OR_RETURN(core->group_by, ParseExprList(&h));
      }
      stage = Stage::kGroupBy;
    }
    if (AcceptWord("having")) {
      ARK_ASSIGN_OR_RETURN(core->having, ParseExpr());
      h = std::max(h, height_);
      stage = Stage::kHaving;
    }
    if (AcceptWord("window")) {
      do {
        NamedWindow w;
        ARK_ASSIGN_OR_RETURN(w.name, ParseColId("a window name"));
        ARK_RETURN_IF_ERROR(ExpectWord("as"));
        ARK_RETURN_IF_ERROR(ParseWindowSpecBody(w.spec, &h));
        core->windows.push_back(std::move(w));
      } while (AcceptOp(","));
      stage = Stage::kWindow;
    }
    if (AcceptWord("qualify")) {
      ARK_ASSIGN_OR_RETURN(core->qualify, ParseExpr());
      h = std::max(h, height_);
      stage = Stage::kQualify;
    }
    last_stage_ = stage;
    ARK_RETURN_IF_ERROR(SetHeight(h + 1));
    return core;
  }

  Result<std::vector<ExprPtr>> ParseExprList(int* h) {
    std::vector<ExprPtr> list;
    do {
      ARK_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
      *h = std::max(*h, height_);
      list.push_back(std::move(e));
    } while (AcceptOp(","));
    return list;
  }

  Result<SelectItem> ParseSelectItem() {
    SelectItem item;
    const Token& t = Cur();
    if (IsOp(t, "*")) {
      Consume();
      auto star = std::make_unique<StarExpr>(t.loc);
      ARK_RETURN_IF_ERROR(ParseStarExcept(*star));
      item.loc = Span(t.loc);
      item.expr = std::move(star);
      height_ = 1;
      return item;
    }
    ARK_ASSIGN_OR_RETURN(item.expr, ParseExpr());
    item.loc = item.expr->loc;
    if (item.expr->kind == ExprKind::kStar) {
      ARK_RETURN_IF_ERROR(ParseStarExcept(static_cast<StarExpr&>(*item.expr)));
      return item;
    }
    if (AcceptWord("as")) {
      ARK_ASSIGN_OR_RETURN(item.alias, ParseColLabel("an alias"));
    } else if (IsBareAlias(Cur(), /*table=*/false)) {
      item.alias = Consume().text;
    }
    return item;
  }

  // * EXCEPT (a, b) / * EXCLUDE (a, b)
  Status ParseStarExcept(StarExpr& star) {
    if ((IsWord(Cur(), "except") || IsWord(Cur(), "exclude")) && IsOp(Peek(1), "(") &&
        !QueryStartsAt(2, true)) {
      Consume();
      ARK_ASSIGN_OR_RETURN(star.except, ParseNameList("a column name"));
    }
    return Status::OK();
  }

  // ---------------------------------------------------------------------------------------
  // FROM

  // a, b JOIN c ON ... — commas are cross joins, JOIN binds tighter.
  Result<TableRefPtr> ParseFromList() {
    ARK_ASSIGN_OR_RETURN(TableRefPtr left, ParseTableRef());
    int h = height_;
    while (IsOp(Cur(), ",")) {
      const Token& comma = Consume();
      ARK_ASSIGN_OR_RETURN(TableRefPtr right, ParseTableRef());
      auto join = std::make_unique<JoinRef>(comma.loc);
      join->join_type = JoinType::kCross;
      join->left = std::move(left);
      join->right = std::move(right);
      h = std::max(h, height_) + 1;
      ARK_RETURN_IF_ERROR(SetHeight(h));
      left = std::move(join);
    }
    height_ = h;
    return left;
  }

  Result<TableRefPtr> ParseTableRef() {
    ARK_ASSIGN_OR_RETURN(TableRefPtr left, ParseTablePrimary());
    int h = height_;
    while (true) {
      const Token& start = Cur();
      bool natural = false;
      JoinType type = JoinType::kInner;
      if (IsWord(start, "natural")) {
        Consume();
        natural = true;
      }
      const Token& t = Cur();
      if (IsWord(t, "cross") && !natural) {
        Consume();
        type = JoinType::kCross;
      } else if (IsWord(t, "inner")) {
        Consume();
      } else if (IsWord(t, "left") || IsWord(t, "right") || IsWord(t, "full")) {
        Consume();
        type = t.text == "left" ? JoinType::kLeft
                                : (t.text == "right" ? JoinType::kRight : JoinType::kFull);
        if (!AcceptWord("outer") && t.text == "left" && !natural) {
          if (AcceptWord("semi")) {
            type = JoinType::kSemi;
          } else if (AcceptWord("anti")) {
            type = JoinType::kAnti;
          }
        }
      } else if ((IsWord(t, "semi") || IsWord(t, "anti")) && IsWord(Peek(1), "join") && !natural) {
        Consume();
        type = t.text == "semi" ? JoinType::kSemi : JoinType::kAnti;
      } else if (!IsWord(t, "join")) {
        if (natural) return SyntaxError(t, "JOIN");
        break;
      }
      ARK_RETURN_IF_ERROR(ExpectWord("join"));
      SourceLocation join_loc = Span(start.loc);
      ARK_ASSIGN_OR_RETURN(TableRefPtr right, ParseTablePrimary());
      h = std::max(h, height_);
      auto join = std::make_unique<JoinRef>(join_loc);
      join->join_type = type;
      join->natural = natural;
      join->left = std::move(left);
      join->right = std::move(right);
      if (type != JoinType::kCross && !natural) {
        if (AcceptWord("on")) {
          ARK_ASSIGN_OR_RETURN(join->on, ParseExpr());
          h = std::max(h, height_);
        } else if (AcceptWord("using")) {
          ARK_ASSIGN_OR_RETURN(join->using_columns, ParseNameList("a column name"));
        } else {
          return SyntaxError(Cur(), "ON or USING");
        }
      }
      h += 1;
      ARK_RETURN_IF_ERROR(SetHeight(h));
      left = std::move(join);
    }
    height_ = h;
    return left;
  }

  // [AS] alias [(col, ...)]
  Status ParseTableAlias(TableRef& ref) {
    if (AcceptWord("as")) {
      ARK_ASSIGN_OR_RETURN(ref.alias, ParseColId("an alias"));
    } else if (IsBareAlias(Cur(), /*table=*/true)) {
      ref.alias = Consume().text;
    } else {
      return Status::OK();
    }
    if (IsOp(Cur(), "(")) {
      ARK_ASSIGN_OR_RETURN(ref.column_aliases, ParseNameList("a column name"));
    }
    return Status::OK();
  }

  Result<TableRefPtr> ParseTablePrimary() {
    DepthGuard guard(this);
    ARK_RETURN_IF_ERROR(CheckDepth());
    const Token& start = Cur();
    bool lateral = AcceptWord("lateral");
    const Token& t = Cur();
    if (IsOp(t, "(")) {
      if (QueryStartsAt(1, true)) {
        Consume();
        ARK_ASSIGN_OR_RETURN(std::unique_ptr<SelectStatement> q, ParseQuery());
        ARK_RETURN_IF_ERROR(ExpectClose(t));
        int h = height_;
        TableRefPtr ref;
        if (!lateral && q->values != nullptr && q->ctes.empty() && q->order_by.empty() &&
            q->limit == nullptr && q->offset == nullptr) {
          // (VALUES ...) AS t(a, b): the values list itself.
          std::unique_ptr<ValuesRef> values = std::move(q->values);
          values->loc = start.loc;
          ref = std::move(values);
        } else {
          auto sub = std::make_unique<SubqueryRef>(start.loc);
          sub->subquery = std::move(q);
          sub->lateral = lateral;
          ref = std::move(sub);
          h += 1;
        }
        ARK_RETURN_IF_ERROR(ParseTableAlias(*ref));
        ARK_RETURN_IF_ERROR(SetHeight(h + 1));
        return ref;
      }
      if (lateral) return SyntaxError(Cur(), "a subquery or a function after LATERAL");
      Consume();
      ARK_ASSIGN_OR_RETURN(TableRefPtr ref, ParseFromList());
      int h = height_;
      ARK_RETURN_IF_ERROR(ExpectClose(t));
      ARK_RETURN_IF_ERROR(ParseTableAlias(*ref));
      height_ = h;
      return ref;
    }
    if (IsWord(t, "values") && IsOp(Peek(1), "(")) {
      if (lateral) return SyntaxError(t, "a subquery or a function after LATERAL");
      ARK_ASSIGN_OR_RETURN(std::unique_ptr<ValuesRef> values, ParseValues());
      int h = height_;
      ARK_RETURN_IF_ERROR(ParseTableAlias(*values));
      height_ = h;
      return TableRefPtr(std::move(values));
    }
    if (IsWord(t, "table") && IsOp(Peek(1), "(")) {
      // Flink's TABLE(f(...)) around a table function, e.g. TABLE(TUMBLE(TABLE t, ...)).
      if (lateral) return SyntaxError(t, "a subquery or a function after LATERAL");
      Consume();
      const Token& open = Consume();
      const Token& fname = Cur();
      if (!IsColId(fname) || !IsOp(Peek(1), "(")) {
        return SyntaxError(fname, "a table function call inside TABLE(...)");
      }
      std::vector<std::string> name{Consume().text};
      ARK_ASSIGN_OR_RETURN(TableRefPtr fn, ParseTableFunction(std::move(name), start.loc));
      if (!fn->alias.empty()) {
        return SyntaxError(Cur(), "\")\" closing TABLE( before the alias");
      }
      ARK_RETURN_IF_ERROR(ExpectClose(open));
      int h = height_;
      ARK_RETURN_IF_ERROR(ParseTableAlias(*fn));
      height_ = h;
      return fn;
    }
    bool function_name = t.kind == TokenKind::kKeyword &&
                         LookupKeyword(t.text) == KeywordClass::kTypeFunc && IsOp(Peek(1), "(");
    if (!IsColId(t) && !function_name) {
      return SyntaxError(t, lateral ? "a subquery or a function after LATERAL"
                                    : "a table name, a subquery or a table function");
    }
    std::vector<std::string> name;
    name.push_back(Consume().text);
    while (IsOp(Cur(), ".")) {
      Consume();
      ARK_ASSIGN_OR_RETURN(std::string part, ParseColLabel("a name after \".\""));
      name.push_back(std::move(part));
    }
    if (IsOp(Cur(), "(")) return ParseTableFunction(std::move(name), start.loc);
    if (lateral) return SyntaxError(Cur(), "\"(\" after a function name");
    auto table = std::make_unique<BaseTableRef>(Span(t.loc));
    table->name = std::move(name);
    int h = 0;
    if (IsWord(Cur(), "for") && IsWord(Peek(1), "system_time")) {
      Consume();
      Consume();
      ARK_RETURN_IF_ERROR(ExpectWord("as"));
      ARK_RETURN_IF_ERROR(ExpectWord("of"));
      ARK_ASSIGN_OR_RETURN(table->system_time, ParseExpr());
      h = height_;
    }
    ARK_RETURN_IF_ERROR(ParseTableAlias(*table));
    ARK_RETURN_IF_ERROR(SetHeight(h + 1));
    return TableRefPtr(std::move(table));
  }

  // f(args) in FROM. TABLE t and DESCRIPTOR(c, ...) arguments are kept apart from scalar ones;
  // the first argument of a window function (TUMBLE, HOP, SESSION, CUMULATE) may also be a
  // bare table name.
  [[gnu::noinline]] Result<TableRefPtr> ParseTableFunction(std::vector<std::string> name,
                                                           SourceLocation loc) {
    auto fn = std::make_unique<TableFunctionRef>(loc);
    fn->name = JoinParts(name);
    const Token& open = Consume();
    int h = 0;
    if (!IsOp(Cur(), ")")) {
      bool first = true;
      do {
        const Token& t = Cur();
        if (IsWord(t, "table") ||
            (first && IsWindowTableFunction(fn->name) && IsColId(t) && IsTableNameArgument())) {
          if (t.text == "table" && t.kind == TokenKind::kKeyword) Consume();
          const Token& name_start = Cur();
          auto table = std::make_unique<BaseTableRef>(name_start.loc);
          ARK_ASSIGN_OR_RETURN(std::string part, ParseColId("a table name"));
          table->name.push_back(std::move(part));
          while (AcceptOp(".")) {
            ARK_ASSIGN_OR_RETURN(part, ParseColLabel("a name after \".\""));
            table->name.push_back(std::move(part));
          }
          table->loc = Span(name_start.loc);
          fn->table_args.push_back(std::move(table));
          h = std::max(h, 1);
        } else if (IsWord(t, "descriptor") && IsOp(Peek(1), "(")) {
          Consume();
          ARK_ASSIGN_OR_RETURN(std::vector<std::string> columns, ParseNameList("a column name"));
          for (std::string& c : columns) fn->descriptor.push_back(std::move(c));
        } else {
          ARK_ASSIGN_OR_RETURN(ExprPtr arg, ParseExpr());
          h = std::max(h, height_);
          fn->args.push_back(std::move(arg));
        }
        first = false;
      } while (AcceptOp(","));
    }
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    fn->loc = Span(loc);
    ARK_RETURN_IF_ERROR(ParseTableAlias(*fn));
    ARK_RETURN_IF_ERROR(SetHeight(h + 1));
    return TableRefPtr(std::move(fn));
  }

  // name {. name} followed by "," or ")".
  bool IsTableNameArgument() const {
    size_t i = 0;
    while (true) {
      if (!IsColLabel(Peek(i))) return false;
      const Token& next = Peek(i + 1);
      if (IsOp(next, ",") || IsOp(next, ")")) return true;
      if (!IsOp(next, ".")) return false;
      i += 2;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Expressions

  Result<ExprPtr> ParseExpr() { return ParseExprPrec(kPrecOr); }

  // An expression whose operators all bind at least as tightly as `min_prec`.
  Result<ExprPtr> ParseExprPrec(int min_prec) {
    DepthGuard guard(this);
    ARK_RETURN_IF_ERROR(CheckDepth());
    ARK_ASSIGN_OR_RETURN(ExprPtr left, ParsePrefix());
    return ParseInfixLoop(std::move(left), height_, min_prec);
  }

  // The precedence of the infix/postfix operator at the current token, or kPrecNone.
  int InfixPrec() const {
    const Token& t = Cur();
    if (t.kind == TokenKind::kOperator) {
      const std::string& op = t.text;
      if (op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" ||
          op == ">=") {
        return kPrecCmp;
      }
      if (op == "||" || op == "->" || op == "->>" || op == "~" || op == "!~" || op == "~*" ||
          op == "!~*") {
        return kPrecOther;
      }
      if (op == "+" || op == "-") return kPrecAdd;
      if (op == "*" || op == "/" || op == "%") return kPrecMul;
      if (op == "^") return kPrecPow;
      if (op == "::") return kPrecCast;
      if (op == "[" || op == ".") return kPrecPostfix;
      return kPrecNone;
    }
    if (t.kind != TokenKind::kKeyword && t.kind != TokenKind::kIdentifier) return kPrecNone;
    const std::string& w = t.text;
    if (w == "or") return kPrecOr;
    if (w == "and") return kPrecAnd;
    if (w == "is" || w == "isnull" || w == "notnull") return kPrecIs;
    if (w == "between" || w == "in" || w == "like" || w == "ilike" || w == "similar") {
      return kPrecLike;
    }
    if (w == "not") {
      const Token& n = Peek(1);
      if (IsWord(n, "between") || IsWord(n, "in") || IsWord(n, "like") || IsWord(n, "ilike") ||
          IsWord(n, "similar")) {
        return kPrecLike;
      }
      return kPrecNone;
    }
    if (w == "at" && IsWord(Peek(1), "time") && IsWord(Peek(2), "zone")) return kPrecAt;
    return kPrecNone;
  }

  Result<ExprPtr> ParseInfixLoop(ExprPtr left, int h, int min_prec) {
    SourceLocation start = left->loc;
    int last_nonassoc = kPrecNone;
    while (true) {
      int prec = InfixPrec();
      if (prec == kPrecNone || prec < min_prec) break;
      const Token& op = Cur();
      if ((prec == kPrecCmp || prec == kPrecLike) && prec == last_nonassoc) {
        return SyntaxError(op);
      }
      int child_h = 0;
      ARK_ASSIGN_OR_RETURN(left, ParseInfix(std::move(left), prec, start, &child_h));
      h = std::max(h, child_h) + 1;
      ARK_RETURN_IF_ERROR(SetHeight(h));
      last_nonassoc = prec;
    }
    height_ = h;
    return left;
  }

  template <typename T>
  static std::unique_ptr<T> Make(SourceLocation loc) {
    return std::make_unique<T>(loc);
  }

  // One infix or postfix operator applied to `left`; `*child_h` gets the tallest new child.
  [[gnu::noinline]] Result<ExprPtr> ParseInfix(ExprPtr left, int prec, SourceLocation start,
                                               int* child_h) {
    const Token& op = Consume();
    switch (prec) {
      case kPrecOr:
      case kPrecAnd:
      case kPrecCmp:
      case kPrecOther:
      case kPrecAdd:
      case kPrecMul:
      case kPrecPow: {
        ARK_ASSIGN_OR_RETURN(ExprPtr right, ParseExprPrec(prec + 1));
        *child_h = height_;
        auto e = Make<BinaryExpr>(Span(start));
        e->op = BinaryOpFor(op);
        e->left = std::move(left);
        e->right = std::move(right);
        return ExprPtr(std::move(e));
      }
      case kPrecIs:
        return ParseIs(std::move(left), op, start, child_h);
      case kPrecLike:
        return ParseLikeLevel(std::move(left), op, start, child_h);
      case kPrecAt: {
        Consume();  // TIME
        Consume();  // ZONE
        ARK_ASSIGN_OR_RETURN(ExprPtr zone, ParseExprPrec(kPrecAt + 1));
        *child_h = height_;
        auto call = Make<FunctionCallExpr>(Span(start));
        call->name = "timezone";
        call->args.push_back(std::move(zone));
        call->args.push_back(std::move(left));
        return ExprPtr(std::move(call));
      }
      case kPrecCast: {
        auto cast = Make<CastExpr>(start);
        ARK_ASSIGN_OR_RETURN(cast->type, ParseTypeName());
        cast->operand = std::move(left);
        cast->loc = Span(start);
        return ExprPtr(std::move(cast));
      }
      default:
        break;
    }
    // kPrecPostfix
    if (op.text == "[") return ParseSubscript(std::move(left), op, start, child_h);
    // .field
    if (!IsColLabel(Cur())) return SyntaxError(Cur(), "a field name after \".\"");
    auto field = Make<FieldAccessExpr>(start);
    field->field = Consume().text;
    field->operand = std::move(left);
    field->loc = Span(start);
    return ExprPtr(std::move(field));
  }

  static BinaryOp BinaryOpFor(const Token& op) {
    const std::string& s = op.text;
    if (s == "or") return BinaryOp::kOr;
    if (s == "and") return BinaryOp::kAnd;
    if (s == "=") return BinaryOp::kEqual;
    if (s == "<>" || s == "!=") return BinaryOp::kNotEqual;
    if (s == "<") return BinaryOp::kLess;
    if (s == "<=") return BinaryOp::kLessEqual;
    if (s == ">") return BinaryOp::kGreater;
    if (s == ">=") return BinaryOp::kGreaterEqual;
    if (s == "||") return BinaryOp::kConcat;
    if (s == "->") return BinaryOp::kJsonGet;
    if (s == "->>") return BinaryOp::kJsonGetText;
    if (s == "~") return BinaryOp::kRegexMatch;
    if (s == "!~") return BinaryOp::kRegexNotMatch;
    if (s == "~*") return BinaryOp::kRegexIMatch;
    if (s == "!~*") return BinaryOp::kRegexNotIMatch;
    if (s == "+") return BinaryOp::kAdd;
    if (s == "-") return BinaryOp::kSubtract;
    if (s == "*") return BinaryOp::kMultiply;
    if (s == "/") return BinaryOp::kDivide;
    if (s == "%") return BinaryOp::kModulo;
    return BinaryOp::kPower;
  }

  // IS [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM x; ISNULL; NOTNULL
  [[gnu::noinline]] Result<ExprPtr> ParseIs(ExprPtr left, const Token& op, SourceLocation start,
                                            int* child_h) {
    if (op.text == "isnull" || op.text == "notnull") {
      auto e = Make<IsNullExpr>(Span(start));
      e->operand = std::move(left);
      e->negated = op.text == "notnull";
      return ExprPtr(std::move(e));
    }
    bool negated = AcceptWord("not");
    const Token& what = Cur();
    if (IsWord(what, "null")) {
      Consume();
      auto e = Make<IsNullExpr>(Span(start));
      e->operand = std::move(left);
      e->negated = negated;
      return ExprPtr(std::move(e));
    }
    if (IsWord(what, "true") || IsWord(what, "false") || IsWord(what, "unknown")) {
      Consume();
      auto e = Make<IsBoolExpr>(Span(start));
      e->operand = std::move(left);
      e->negated = negated;
      if (what.text != "unknown") e->value = what.text == "true";
      return ExprPtr(std::move(e));
    }
    if (IsWord(what, "distinct")) {
      Consume();
      ARK_RETURN_IF_ERROR(ExpectWord("from"));
      ARK_ASSIGN_OR_RETURN(ExprPtr right, ParseExprPrec(kPrecIs + 1));
      *child_h = height_;
      auto e = Make<IsDistinctFromExpr>(Span(start));
      e->left = std::move(left);
      e->right = std::move(right);
      e->negated = negated;
      return ExprPtr(std::move(e));
    }
    return SyntaxError(what, "NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS");
  }

  // [NOT] BETWEEN / IN / LIKE / ILIKE / SIMILAR TO
  [[gnu::noinline]] Result<ExprPtr> ParseLikeLevel(ExprPtr left, const Token& first,
                                                   SourceLocation start, int* child_h) {
    bool negated = first.text == "not";
    const Token& op = negated ? Consume() : first;
    if (op.text == "between") {
      auto e = Make<BetweenExpr>(start);
      e->negated = negated;
      if (AcceptWord("symmetric")) {
        e->symmetric = true;
      } else {
        AcceptWord("asymmetric");
      }
      ARK_ASSIGN_OR_RETURN(e->low, ParseExprPrec(kPrecOther));
      *child_h = height_;
      ARK_RETURN_IF_ERROR(ExpectWord("and"));
      ARK_ASSIGN_OR_RETURN(e->high, ParseExprPrec(kPrecOther));
      *child_h = std::max(*child_h, height_);
      e->operand = std::move(left);
      e->loc = Span(start);
      return ExprPtr(std::move(e));
    }
    if (op.text == "in") {
      const Token& open = Cur();
      ARK_RETURN_IF_ERROR(ExpectOp("("));
      if (QueryStartsAt(0, false)) {
        auto e = Make<InSubqueryExpr>(start);
        ARK_ASSIGN_OR_RETURN(e->subquery, ParseQuery());
        *child_h = height_;
        ARK_RETURN_IF_ERROR(ExpectClose(open));
        e->operand = std::move(left);
        e->negated = negated;
        e->loc = Span(start);
        return ExprPtr(std::move(e));
      }
      auto e = Make<InListExpr>(start);
      ARK_ASSIGN_OR_RETURN(e->list, ParseExprList(child_h));
      ARK_RETURN_IF_ERROR(ExpectClose(open));
      e->operand = std::move(left);
      e->negated = negated;
      e->loc = Span(start);
      return ExprPtr(std::move(e));
    }
    BinaryOp bop;
    if (op.text == "like") {
      bop = negated ? BinaryOp::kNotLike : BinaryOp::kLike;
    } else if (op.text == "ilike") {
      bop = negated ? BinaryOp::kNotILike : BinaryOp::kILike;
    } else {
      ARK_RETURN_IF_ERROR(ExpectWord("to"));
      bop = negated ? BinaryOp::kNotSimilarTo : BinaryOp::kSimilarTo;
    }
    auto e = Make<BinaryExpr>(start);
    e->op = bop;
    ARK_ASSIGN_OR_RETURN(e->right, ParseExprPrec(kPrecOther));
    *child_h = height_;
    if (AcceptWord("escape")) {
      ARK_ASSIGN_OR_RETURN(e->escape, ParseExprPrec(kPrecOther));
      *child_h = std::max(*child_h, height_);
    }
    e->left = std::move(left);
    e->loc = Span(start);
    return ExprPtr(std::move(e));
  }

  // x[i], x[a:b], x[:b], x[a:]
  [[gnu::noinline]] Result<ExprPtr> ParseSubscript(ExprPtr left, const Token& open,
                                                   SourceLocation start, int* child_h) {
    auto e = Make<SubscriptExpr>(start);
    if (!IsOp(Cur(), ":")) {
      ARK_ASSIGN_OR_RETURN(e->index, ParseExpr());
      *child_h = height_;
    }
    if (AcceptOp(":")) {
      e->is_slice = true;
      if (!IsOp(Cur(), "]")) {
        ARK_ASSIGN_OR_RETURN(e->slice_end, ParseExpr());
        *child_h = std::max(*child_h, height_);
      }
    }
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    e->operand = std::move(left);
    e->loc = Span(start);
    return ExprPtr(std::move(e));
  }

  // NOT x, -x, +x, or a primary.
  Result<ExprPtr> ParsePrefix() {
    const Token& t = Cur();
    if (IsWord(t, "not")) {
      Consume();
      ARK_ASSIGN_OR_RETURN(ExprPtr operand, ParseExprPrec(kPrecNot));
      if (operand->kind == ExprKind::kExists && !static_cast<ExistsExpr&>(*operand).negated) {
        // NOT EXISTS (...)
        static_cast<ExistsExpr&>(*operand).negated = true;
        operand->loc = Span(t.loc);
        return operand;
      }
      auto e = Make<UnaryExpr>(Span(t.loc));
      e->op = UnaryOp::kNot;
      e->operand = std::move(operand);
      ARK_RETURN_IF_ERROR(SetHeight(height_ + 1));
      return ExprPtr(std::move(e));
    }
    if (IsOp(t, "-") || IsOp(t, "+")) {
      Consume();
      ARK_ASSIGN_OR_RETURN(ExprPtr operand, ParseExprPrec(kPrecUnary));
      if (t.text == "-" && operand->kind == ExprKind::kLiteral) {
        auto& lit = static_cast<LiteralExpr&>(*operand);
        if ((lit.literal_kind == LiteralKind::kInteger ||
             lit.literal_kind == LiteralKind::kFloat) &&
            lit.text[0] != '-') {
          // -9223372036854775808 must be one literal: its digits alone do not fit an int64.
          lit.text.insert(0, "-");
          lit.loc = Span(t.loc);
          return operand;
        }
      }
      auto e = Make<UnaryExpr>(Span(t.loc));
      e->op = t.text == "-" ? UnaryOp::kNegate : UnaryOp::kPlus;
      e->operand = std::move(operand);
      ARK_RETURN_IF_ERROR(SetHeight(height_ + 1));
      return ExprPtr(std::move(e));
    }
    return ParsePrimary();
  }

  Result<ExprPtr> ParsePrimary() {
    const Token& t = Cur();
    height_ = 1;
    switch (t.kind) {
      case TokenKind::kInteger:
      case TokenKind::kFloat:
      case TokenKind::kString: {
        Consume();
        auto lit = Make<LiteralExpr>(t.loc);
        lit->literal_kind =
            t.kind == TokenKind::kInteger
                ? LiteralKind::kInteger
                : (t.kind == TokenKind::kFloat ? LiteralKind::kFloat : LiteralKind::kString);
        lit->text = t.text;
        return ExprPtr(std::move(lit));
      }
      case TokenKind::kParameter: {
        Consume();
        auto p = Make<ParameterExpr>(t.loc);
        std::from_chars(t.text.data(), t.text.data() + t.text.size(), p->index);
        return ExprPtr(std::move(p));
      }
      case TokenKind::kOperator:
        if (t.text == "(") return ParseParenthesized();
        if (t.text == "[") {
          Consume();
          return ParseArrayElements(t, t.loc);
        }
        return SyntaxError(t, "an expression");
      case TokenKind::kQuotedIdentifier:
        return ParseNameExpr();
      case TokenKind::kEnd:
        return SyntaxError(t, "an expression");
      case TokenKind::kIdentifier:
      case TokenKind::kKeyword:
        break;
    }
    return ParseWordPrimary();
  }

  // A primary that starts with a word: literals, special forms, typed literals, names, calls.
  [[gnu::noinline]] Result<ExprPtr> ParseWordPrimary() {
    const Token& t = Cur();
    const std::string& w = t.text;
    const Token& next = Peek(1);
    bool call = IsOp(next, "(");
    if (w == "null" || w == "true" || w == "false") {
      Consume();
      auto lit = Make<LiteralExpr>(t.loc);
      if (w == "null") {
        lit->literal_kind = LiteralKind::kNull;
      } else {
        lit->literal_kind = LiteralKind::kBool;
        lit->bool_value = w == "true";
      }
      return ExprPtr(std::move(lit));
    }
    if (w == "case") return ParseCase();
    if ((w == "cast" || w == "try_cast") && call) return ParseCast();
    if (w == "array") {
      Consume();
      const Token& open = Cur();
      if (!IsOp(open, "[")) return SyntaxError(open, "\"[\" after ARRAY");
      Consume();
      return ParseArrayElements(open, t.loc);
    }
    if (w == "exists" && call) return ParseExists();
    if (w == "interval" && (next.kind == TokenKind::kString || next.kind == TokenKind::kInteger)) {
      return ParseInterval();
    }
    if (call && t.kind == TokenKind::kKeyword) {
      if (w == "extract") return ParseExtract();
      if (w == "position") return ParsePosition();
      if (w == "substring") return ParseSubstring();
      if (w == "trim") return ParseTrim();
    }
    if (w == "current_date" || w == "current_time" || w == "current_timestamp" ||
        w == "localtime" || w == "localtimestamp") {
      Consume();
      auto fn = Make<FunctionCallExpr>(t.loc);
      fn->name = w;
      return ExprPtr(std::move(fn));
    }
    KeywordClass cls = t.kind == TokenKind::kKeyword ? LookupKeyword(w) : KeywordClass::kNone;
    if (cls == KeywordClass::kReserved || (cls == KeywordClass::kTypeFunc && !call)) {
      return SyntaxError(t, "an expression");
    }
    // Typed literals: DATE '2024-01-01', TIMESTAMP WITH TIME ZONE '...', name 'text'.
    if (next.kind == TokenKind::kString) return ParseTypedLiteral();
    if ((w == "timestamp" || w == "time") && (IsWord(next, "with") || IsWord(next, "without")) &&
        IsWord(Peek(2), "time") && IsWord(Peek(3), "zone") && Peek(4).kind == TokenKind::kString) {
      return ParseTypedLiteral();
    }
    if (w == "double" && IsWord(next, "precision") && Peek(2).kind == TokenKind::kString) {
      return ParseTypedLiteral();
    }
    return ParseNameExpr();
  }

  // A type name, then a string.
  [[gnu::noinline]] Result<ExprPtr> ParseTypedLiteral() {
    const Token& t = Cur();
    auto cast = Make<CastExpr>(t.loc);
    ARK_ASSIGN_OR_RETURN(cast->type, ParseTypeName());
    const Token& s = Cur();
    if (s.kind != TokenKind::kString) return SyntaxError(s, "a string after the type name");
    Consume();
    auto lit = Make<LiteralExpr>(s.loc);
    lit->literal_kind = LiteralKind::kString;
    lit->text = s.text;
    cast->operand = std::move(lit);
    cast->loc = Span(t.loc);
    return SetHeightAndReturn(std::move(cast), 2);
  }

  Result<ExprPtr> SetHeightAndReturn(ExprPtr e, int h) {
    ARK_RETURN_IF_ERROR(SetHeight(h));
    return e;
  }

  // a, a.b.c, t.*, f(...), schema.f(...)
  [[gnu::noinline]] Result<ExprPtr> ParseNameExpr() {
    const Token& first = Consume();
    std::vector<std::string> parts;
    parts.push_back(first.text);
    while (IsOp(Cur(), ".")) {
      const Token& after = Peek(1);
      if (IsOp(after, "*")) {
        Consume();
        Consume();
        auto star = Make<StarExpr>(Span(first.loc));
        star->qualifier = JoinParts(parts);
        return ExprPtr(std::move(star));
      }
      if (!IsColLabel(after)) {
        Consume();
        return SyntaxError(Cur(), "a name or \"*\" after \".\"");
      }
      Consume();
      parts.push_back(Consume().text);
    }
    if (IsOp(Cur(), "(")) return ParseFunctionCall(JoinParts(parts), first.loc);
    auto col = Make<ColumnRefExpr>(Span(first.loc));
    col->parts = std::move(parts);
    return ExprPtr(std::move(col));
  }

  // name( [DISTINCT] args [ORDER BY ...] [IGNORE NULLS] ) [FILTER (WHERE ...)] [OVER ...]
  Result<ExprPtr> ParseFunctionCall(std::string name, SourceLocation start) {
    const Token& open = Consume();
    return ParseFunctionCallRest(std::move(name), start, open, nullptr, 0);
  }

  // After "(": the arguments and what follows the call. `first_arg` (of height `first_h`) was
  // already parsed when not null (POSITION and SUBSTRING without their special syntax).
  [[gnu::noinline]] Result<ExprPtr> ParseFunctionCallRest(std::string name, SourceLocation start,
                                                          const Token& open, ExprPtr first_arg,
                                                          int first_h) {
    auto fn = Make<FunctionCallExpr>(start);
    fn->name = std::move(name);
    int h = first_h;
    if (first_arg != nullptr) {
      fn->args.push_back(std::move(first_arg));
      if (AcceptOp(",")) {
        ARK_ASSIGN_OR_RETURN(std::vector<ExprPtr> rest, ParseExprList(&h));
        for (ExprPtr& e : rest) fn->args.push_back(std::move(e));
      }
    }
    if (first_arg == nullptr && !IsOp(Cur(), ")")) {
      if (AcceptWord("distinct")) {
        fn->distinct = true;
      } else {
        AcceptWord("all");
      }
      if (IsOp(Cur(), "*") && IsOp(Peek(1), ")") && !fn->distinct) {
        fn->args.push_back(Make<StarExpr>(Consume().loc));
        h = 1;
      } else {
        ARK_ASSIGN_OR_RETURN(fn->args, ParseExprList(&h));
      }
    }
    if (!fn->args.empty()) {
      if (IsWord(Cur(), "order")) {
        Consume();
        ARK_RETURN_IF_ERROR(ExpectWord("by"));
        ARK_ASSIGN_OR_RETURN(fn->order_by, ParseOrderItems());
        h = std::max(h, height_);
      }
      ParseNullTreatment(*fn);
    }
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    ParseNullTreatment(*fn);
    if (IsWord(Cur(), "filter") && IsOp(Peek(1), "(")) {
      Consume();
      const Token& fopen = Consume();
      ARK_RETURN_IF_ERROR(ExpectWord("where"));
      ARK_ASSIGN_OR_RETURN(fn->filter, ParseExpr());
      h = std::max(h, height_);
      ARK_RETURN_IF_ERROR(ExpectClose(fopen));
    }
    ParseNullTreatment(*fn);
    if (AcceptWord("over")) {
      fn->over = std::make_unique<WindowSpec>();
      if (IsOp(Cur(), "(")) {
        ARK_RETURN_IF_ERROR(ParseWindowSpecBody(*fn->over, &h));
      } else {
        ARK_ASSIGN_OR_RETURN(fn->over->name, ParseColId("a window name or \"(\" after OVER"));
      }
    }
    fn->loc = Span(start);
    return SetHeightAndReturn(std::move(fn), h + 1);
  }

  // IGNORE NULLS / RESPECT NULLS
  void ParseNullTreatment(FunctionCallExpr& fn) {
    if ((IsWord(Cur(), "ignore") || IsWord(Cur(), "respect")) && IsWord(Peek(1), "nulls")) {
      fn.ignore_nulls = Consume().text == "ignore";
      Consume();
    }
  }

  // ( [name] [PARTITION BY ...] [ORDER BY ...] [frame] )
  [[gnu::noinline]] Status ParseWindowSpecBody(WindowSpec& spec, int* h) {
    const Token& open = Cur();
    ARK_RETURN_IF_ERROR(ExpectOp("("));
    const Token& t = Cur();
    if (IsColId(t) && !IsWord(t, "partition") && !IsWord(t, "order") && !IsWord(t, "rows") &&
        !IsWord(t, "range") && !IsWord(t, "groups")) {
      spec.name = Consume().text;
    }
    if (IsWord(Cur(), "partition")) {
      Consume();
      ARK_RETURN_IF_ERROR(ExpectWord("by"));
      ARK_ASSIGN_OR_RETURN(spec.partition_by, ParseExprList(h));
    }
    if (IsWord(Cur(), "order")) {
      Consume();
      ARK_RETURN_IF_ERROR(ExpectWord("by"));
      ARK_ASSIGN_OR_RETURN(spec.order_by, ParseOrderItems());
      *h = std::max(*h, height_);
    }
    const Token& unit = Cur();
    if (IsWord(unit, "rows") || IsWord(unit, "range") || IsWord(unit, "groups")) {
      Consume();
      WindowFrame frame;
      frame.unit = unit.text == "rows"    ? FrameUnit::kRows
                   : unit.text == "range" ? FrameUnit::kRange
                                          : FrameUnit::kGroups;
      frame.end.kind = FrameBoundKind::kCurrentRow;
      bool between = AcceptWord("between");
      const Token& start_tok = Cur();
      if (between) {
        ARK_RETURN_IF_ERROR(ParseFrameBound(frame.start, h));
        ARK_RETURN_IF_ERROR(ExpectWord("and"));
        const Token& end_tok = Cur();
        ARK_RETURN_IF_ERROR(ParseFrameBound(frame.end, h));
        if (frame.end.kind == FrameBoundKind::kUnboundedPreceding) {
          return ErrorAt(end_tok, "frame end cannot be UNBOUNDED PRECEDING");
        }
      } else {
        ARK_RETURN_IF_ERROR(ParseFrameBound(frame.start, h));
      }
      if (frame.start.kind == FrameBoundKind::kUnboundedFollowing) {
        return ErrorAt(start_tok, "frame start cannot be UNBOUNDED FOLLOWING");
      }
      spec.frame = std::move(frame);
    }
    return ExpectClose(open);
  }

  Status ParseFrameBound(FrameBound& bound, int* h) {
    if (IsWord(Cur(), "unbounded")) {
      Consume();
      if (AcceptWord("preceding")) {
        bound.kind = FrameBoundKind::kUnboundedPreceding;
      } else if (AcceptWord("following")) {
        bound.kind = FrameBoundKind::kUnboundedFollowing;
      } else {
        return SyntaxError(Cur(), "PRECEDING or FOLLOWING");
      }
      return Status::OK();
    }
    if (IsWord(Cur(), "current") && IsWord(Peek(1), "row")) {
      Consume();
      Consume();
      bound.kind = FrameBoundKind::kCurrentRow;
      return Status::OK();
    }
    ARK_ASSIGN_OR_RETURN(bound.offset, ParseExpr());
    *h = std::max(*h, height_);
    if (AcceptWord("preceding")) {
      bound.kind = FrameBoundKind::kPreceding;
    } else if (AcceptWord("following")) {
      bound.kind = FrameBoundKind::kFollowing;
    } else {
      return SyntaxError(Cur(), "PRECEDING or FOLLOWING");
    }
    return Status::OK();
  }

  // "(" → a parenthesized expression or a scalar subquery.
  [[gnu::noinline]] Result<ExprPtr> ParseParenthesized() {
    const Token& open = Consume();
    const Token& inner = Cur();
    if (QueryStartsAt(0, true)) {
      bool bare = false;
      ARK_ASSIGN_OR_RETURN(std::unique_ptr<SelectStatement> q, ParseQuery(&bare));
      int h = height_ + 1;
      auto sub = Make<SubqueryExpr>(open.loc);
      sub->subquery = std::move(q);
      if (AcceptOp(")")) {
        sub->loc = Span(open.loc);
        return SetHeightAndReturn(std::move(sub), h);
      }
      if (!bare) return ExpectClose(open);
      // ((SELECT 1) + 1): the query was the first operand of an expression.
      sub->loc = Span(inner.loc);
      ARK_RETURN_IF_ERROR(SetHeight(h));
      ARK_ASSIGN_OR_RETURN(ExprPtr e, ParseInfixLoop(std::move(sub), h, kPrecOr));
      int eh = height_;
      ARK_RETURN_IF_ERROR(ExpectClose(open));
      height_ = eh;
      return e;
    }
    ARK_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
    int h = height_;
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    height_ = h;
    return e;
  }

  // After "[" (or ARRAY "["): elements and "]".
  [[gnu::noinline]] Result<ExprPtr> ParseArrayElements(const Token& open, SourceLocation start) {
    auto arr = Make<ArrayExpr>(start);
    int h = 0;
    if (!IsOp(Cur(), "]")) {
      ARK_ASSIGN_OR_RETURN(arr->elements, ParseExprList(&h));
    }
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    arr->loc = Span(start);
    return SetHeightAndReturn(std::move(arr), h + 1);
  }

  // CASE [x] WHEN ... THEN ... [ELSE ...] END
  [[gnu::noinline]] Result<ExprPtr> ParseCase() {
    const Token& kw = Consume();
    auto e = Make<CaseExpr>(kw.loc);
    int h = 0;
    if (IsWord(Cur(), "then") || IsWord(Cur(), "else") || IsWord(Cur(), "end")) {
      return SyntaxError(Cur(), "WHEN");
    }
    if (!IsWord(Cur(), "when")) {
      ARK_ASSIGN_OR_RETURN(e->operand, ParseExpr());
      h = height_;
    }
    while (AcceptWord("when")) {
      CaseExpr::When when;
      ARK_ASSIGN_OR_RETURN(when.condition, ParseExpr());
      h = std::max(h, height_);
      ARK_RETURN_IF_ERROR(ExpectWord("then"));
      ARK_ASSIGN_OR_RETURN(when.result, ParseExpr());
      h = std::max(h, height_);
      e->whens.push_back(std::move(when));
    }
    if (e->whens.empty()) return SyntaxError(Cur(), "WHEN");
    if (AcceptWord("else")) {
      ARK_ASSIGN_OR_RETURN(e->else_result, ParseExpr());
      h = std::max(h, height_);
    }
    if (!AcceptWord("end")) return UnclosedError("WHEN, ELSE or END", "CASE", kw.loc);
    e->loc = Span(kw.loc);
    return SetHeightAndReturn(std::move(e), h + 1);
  }

  // CAST(x AS type), TRY_CAST(x AS type)
  [[gnu::noinline]] Result<ExprPtr> ParseCast() {
    const Token& kw = Consume();
    const Token& open = Consume();
    auto e = Make<CastExpr>(kw.loc);
    e->try_cast = kw.text == "try_cast";
    ARK_ASSIGN_OR_RETURN(e->operand, ParseExpr());
    int h = height_;
    ARK_RETURN_IF_ERROR(ExpectWord("as"));
    ARK_ASSIGN_OR_RETURN(e->type, ParseTypeName());
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    e->loc = Span(kw.loc);
    return SetHeightAndReturn(std::move(e), h + 1);
  }

  // EXISTS (query)
  [[gnu::noinline]] Result<ExprPtr> ParseExists() {
    const Token& kw = Consume();
    const Token& open = Consume();
    auto e = Make<ExistsExpr>(kw.loc);
    if (!QueryStartsAt(0, true)) return SyntaxError(Cur(), "a subquery after EXISTS (");
    ARK_ASSIGN_OR_RETURN(e->subquery, ParseQuery());
    int h = height_;
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    e->loc = Span(kw.loc);
    return SetHeightAndReturn(std::move(e), h + 1);
  }

  // INTERVAL '5' SECOND, INTERVAL '1 day', INTERVAL '1' DAY TO SECOND, INTERVAL 5 MINUTES
  [[gnu::noinline]] Result<ExprPtr> ParseInterval() {
    const Token& kw = Consume();
    auto e = Make<IntervalExpr>(kw.loc);
    e->value = Consume().text;
    if (IsColLabel(Cur()) && Cur().kind != TokenKind::kQuotedIdentifier) {
      std::string_view unit = IntervalUnit(Cur().text);
      if (!unit.empty()) {
        Consume();
        e->unit = std::string(unit);
        if (AcceptWord("to")) {
          std::string_view to = Cur().kind == TokenKind::kQuotedIdentifier
                                    ? std::string_view()
                                    : IntervalUnit(Cur().text);
          if (to.empty()) return SyntaxError(Cur(), "an interval unit after TO");
          Consume();
          e->unit += " to ";
          e->unit += to;
        }
      }
    }
    e->loc = Span(kw.loc);
    return ExprPtr(std::move(e));
  }

  static ExprPtr StringLiteral(std::string text, SourceLocation loc) {
    auto lit = std::make_unique<LiteralExpr>(loc);
    lit->literal_kind = LiteralKind::kString;
    lit->text = std::move(text);
    return lit;
  }

  // EXTRACT(field FROM x) → date_part('field', x)
  [[gnu::noinline]] Result<ExprPtr> ParseExtract() {
    const Token& kw = Consume();
    const Token& open = Consume();
    auto fn = Make<FunctionCallExpr>(kw.loc);
    fn->name = "date_part";
    const Token& field = Cur();
    if (field.kind == TokenKind::kString || IsColLabel(field)) {
      std::string name = field.text;
      if (field.kind != TokenKind::kKeyword && field.kind != TokenKind::kIdentifier) {
        for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      }
      Consume();
      fn->args.push_back(StringLiteral(std::move(name), field.loc));
    } else {
      return SyntaxError(field, "a field name (YEAR, MONTH, DAY, EPOCH, ...)");
    }
    ARK_RETURN_IF_ERROR(ExpectWord("from"));
    ARK_ASSIGN_OR_RETURN(ExprPtr source, ParseExpr());
    int h = height_;
    fn->args.push_back(std::move(source));
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    fn->loc = Span(kw.loc);
    return SetHeightAndReturn(std::move(fn), h + 1);
  }

  // POSITION(a IN b) → position(b, a) (the argument order of strpos); position(x, y) as written.
  [[gnu::noinline]] Result<ExprPtr> ParsePosition() {
    const Token& kw = Consume();
    const Token& open = Consume();
    ARK_ASSIGN_OR_RETURN(ExprPtr needle, ParseExprPrec(kPrecOther));
    int h = height_;
    if (!AcceptWord("in")) {
      // Not the special form: the first argument of a plain call continues.
      ARK_ASSIGN_OR_RETURN(ExprPtr first, ParseInfixLoop(std::move(needle), h, kPrecOr));
      return ParseFunctionCallRest(kw.text, kw.loc, open, std::move(first), height_);
    }
    ARK_ASSIGN_OR_RETURN(ExprPtr haystack, ParseExprPrec(kPrecOther));
    h = std::max(h, height_);
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    auto fn = Make<FunctionCallExpr>(Span(kw.loc));
    fn->name = "position";
    fn->args.push_back(std::move(haystack));
    fn->args.push_back(std::move(needle));
    return SetHeightAndReturn(std::move(fn), h + 1);
  }

  // SUBSTRING(x FROM a [FOR b]) / SUBSTRING(x FOR b) → substr(x, a [, b]); with commas it is
  // a plain call of "substring".
  [[gnu::noinline]] Result<ExprPtr> ParseSubstring() {
    const Token& kw = Consume();
    const Token& open = Consume();
    ARK_ASSIGN_OR_RETURN(ExprPtr source, ParseExpr());
    int h = height_;
    if (!IsWord(Cur(), "from") && !IsWord(Cur(), "for")) {
      return ParseFunctionCallRest(kw.text, kw.loc, open, std::move(source), h);
    }
    ExprPtr from;
    ExprPtr count;
    while (IsWord(Cur(), "from") || IsWord(Cur(), "for")) {
      const Token& which = Consume();
      ExprPtr& slot = which.text == "from" ? from : count;
      if (slot != nullptr) return SyntaxError(which, "\")\"");
      ARK_ASSIGN_OR_RETURN(slot, ParseExpr());
      h = std::max(h, height_);
    }
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    auto fn = Make<FunctionCallExpr>(Span(kw.loc));
    fn->name = "substr";
    fn->args.push_back(std::move(source));
    if (from == nullptr) {
      auto one = Make<LiteralExpr>(kw.loc);
      one->literal_kind = LiteralKind::kInteger;
      one->text = "1";
      from = std::move(one);
    }
    fn->args.push_back(std::move(from));
    if (count != nullptr) fn->args.push_back(std::move(count));
    return SetHeightAndReturn(std::move(fn), h + 1);
  }

  // TRIM([LEADING | TRAILING | BOTH] [chars] FROM s), TRIM(s [, chars]) → ltrim/rtrim/btrim.
  [[gnu::noinline]] Result<ExprPtr> ParseTrim() {
    const Token& kw = Consume();
    const Token& open = Consume();
    std::string name = "btrim";
    if (AcceptWord("leading")) {
      name = "ltrim";
    } else if (AcceptWord("trailing")) {
      name = "rtrim";
    } else {
      AcceptWord("both");
    }
    ExprPtr chars;
    ExprPtr source;
    int h = 0;
    if (AcceptWord("from")) {
      ARK_ASSIGN_OR_RETURN(source, ParseExpr());
      h = height_;
    } else {
      ARK_ASSIGN_OR_RETURN(ExprPtr first, ParseExpr());
      h = height_;
      if (AcceptWord("from")) {
        chars = std::move(first);
        ARK_ASSIGN_OR_RETURN(source, ParseExpr());
        h = std::max(h, height_);
      } else {
        source = std::move(first);
        if (AcceptOp(",")) {
          ARK_ASSIGN_OR_RETURN(chars, ParseExpr());
          h = std::max(h, height_);
        }
      }
    }
    ARK_RETURN_IF_ERROR(ExpectClose(open));
    auto fn = Make<FunctionCallExpr>(Span(kw.loc));
    fn->name = std::move(name);
    fn->args.push_back(std::move(source));
    if (chars != nullptr) fn->args.push_back(std::move(chars));
    return SetHeightAndReturn(std::move(fn), h + 1);
  }

  // ---------------------------------------------------------------------------------------
  // Types

  // int, varchar(10), double precision, timestamp(3) with time zone, int[], int ARRAY,
  // struct<a int, b text>, map<text, int>, list<int> / array<int> (= int[]).
  [[gnu::noinline]] Result<TypeName> ParseTypeName() {
    DepthGuard guard(this);
    ARK_RETURN_IF_ERROR(CheckDepth());
    const Token& t = Cur();
    TypeName type;
    type.loc = t.loc;
    bool angle = false;
    if (IsWord(t, "array") && IsOp(Peek(1), "<")) {
      angle = true;
    } else if (!IsColId(t) && !(t.kind == TokenKind::kKeyword &&
                                LookupKeyword(t.text) == KeywordClass::kTypeFunc)) {
      return SyntaxError(t, "a type name");
    }
    Consume();
    const std::string& w = t.text;
    if ((w == "struct" || w == "row") && (IsOp(Cur(), "<") || IsOp(Cur(), "("))) {
      const Token& open = Consume();
      std::string_view close = open.text == "<" ? ">" : ")";
      type.name = "struct";
      do {
        ARK_ASSIGN_OR_RETURN(std::string field, ParseColLabel("a field name"));
        ARK_ASSIGN_OR_RETURN(TypeName field_type, ParseTypeName());
        type.fields.emplace_back(std::move(field), std::move(field_type));
      } while (AcceptOp(","));
      if (!AcceptOp(close)) {
        return UnclosedError(open.text == "<" ? "\">\"" : "\")\"",
                             open.text == "<" ? "\"<\"" : "\"(\"", open.loc);
      }
    } else if ((w == "map" || w == "list" || angle) && IsOp(Cur(), "<")) {
      const Token& open = Consume();
      ARK_ASSIGN_OR_RETURN(TypeName first, ParseTypeName());
      if (w == "map") {
        type.name = "map";
        ARK_RETURN_IF_ERROR(ExpectOp(","));
        ARK_ASSIGN_OR_RETURN(TypeName second, ParseTypeName());
        type.fields.emplace_back("key", std::move(first));
        type.fields.emplace_back("value", std::move(second));
      } else {
        SourceLocation loc = type.loc;
        type = std::move(first);
        type.loc = loc;
        type.array_depth += 1;
      }
      if (!AcceptOp(">")) return UnclosedError("\">\"", "\"<\"", open.loc);
    } else {
      type.name = w;
      if (w == "double" && AcceptWord("precision")) {
        type.name = "double precision";
      } else if ((w == "character" || w == "char") && AcceptWord("varying")) {
        type.name = w + " varying";
      }
      if (IsOp(Cur(), "(")) {
        const Token& open = Consume();
        do {
          const Token& m = Cur();
          if (m.kind != TokenKind::kInteger) return SyntaxError(m, "an integer type modifier");
          int64_t value = 0;
          auto [ptr, ec] = std::from_chars(m.text.data(), m.text.data() + m.text.size(), value);
          if (ec != std::errc() || ptr != m.text.data() + m.text.size()) {
            return ErrorAt(m, "type modifier out of range");
          }
          Consume();
          type.modifiers.push_back(value);
        } while (AcceptOp(","));
        ARK_RETURN_IF_ERROR(ExpectClose(open));
      }
      if ((w == "timestamp" || w == "time") &&
          (IsWord(Cur(), "with") || IsWord(Cur(), "without")) && IsWord(Peek(1), "time") &&
          IsWord(Peek(2), "zone")) {
        type.name += Consume().text == "with" ? " with time zone" : " without time zone";
        Consume();
        Consume();
      }
    }
    // Array suffixes: [] [3] ARRAY ARRAY[3]
    while (true) {
      if (IsOp(Cur(), "[") &&
          (IsOp(Peek(1), "]") || (Peek(1).kind == TokenKind::kInteger && IsOp(Peek(2), "]")))) {
        Consume();
        if (!IsOp(Cur(), "]")) Consume();
        Consume();
        type.array_depth += 1;
      } else if (IsWord(Cur(), "array") && !IsOp(Peek(1), "<")) {
        Consume();
        if (IsOp(Cur(), "[") && Peek(1).kind == TokenKind::kInteger && IsOp(Peek(2), "]")) {
          Consume();
          Consume();
          Consume();
        }
        type.array_depth += 1;
      } else {
        break;
      }
    }
    return type;
  }

  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int32_t prev_end_ = 0;  // byte offset just past the last consumed token
  int depth_ = 0;         // active recursive parse functions
  uintptr_t stack_floor_ = ParserStackFloor();
  int height_ = 0;  // height of the node the last Parse* call built
  Stage last_stage_ = Stage::kSelectList;
  std::string end_hint_ = "end of statement";
};

}  // namespace

Result<std::vector<StatementPtr>> ParseSql(std::string_view sql) {
  ARK_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  return Parser(sql, std::move(tokens)).ParseScript();
}

Result<StatementPtr> ParseStatement(std::string_view sql) {
  ARK_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  return Parser(sql, std::move(tokens)).ParseSingleStatement();
}

Result<ExprPtr> ParseExpression(std::string_view sql) {
  ARK_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  return Parser(sql, std::move(tokens)).ParseSingleExpression();
}

}  // namespace ark::sql
