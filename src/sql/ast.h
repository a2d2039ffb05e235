// The abstract syntax tree the parser produces (DESIGN §4: lexer → parser → binder → ...).
//
// A faithful, unresolved image of the text: names are strings, types are names, nothing is
// checked. Every node carries the SourceLocation of its first token so that the binder's errors
// can point at it (line:column and a caret, see sql_error.h). Nodes own their children through
// std::unique_ptr; a tree is built once per statement and read-only afterwards.
//
// The grammar is PostgreSQL-flavoured, with the streaming extensions (window table functions,
// WATERMARK, CREATE SOURCE/SINK/MATERIALIZED VIEW, EMIT) added by later issues as new node kinds.
//
// Thread-safety: immutable after parsing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ark::sql {

struct SourceLocation {
  int line = 0;        // 1-based
  int column = 0;      // 1-based, in bytes
  int32_t offset = 0;  // byte offset in the statement text
  int32_t length = 0;  // bytes covered by the token (for the caret underline); 0 = unknown
};

struct SelectStatement;

// ---------------------------------------------------------------------------------------------
// Expressions

enum class ExprKind {
  kLiteral,         // LiteralExpr
  kColumnRef,       // ColumnRefExpr: a, t.a, s.t.a
  kStar,            // StarExpr: * or t.*  (select list, count(*))
  kParameter,       // ParameterExpr: $1 (prepared statements, pgwire)
  kUnary,           // UnaryExpr: -x, +x, NOT x
  kBinary,          // BinaryExpr: arithmetic, comparison, AND, OR, ||, ->, ->>, LIKE family
  kFunctionCall,    // FunctionCallExpr: f(args) [FILTER (WHERE ...)] [OVER (...)]
  kCase,            // CaseExpr
  kCast,            // CastExpr: CAST(x AS t), x::t, TYPE 'literal' (typed literal)
  kIsNull,          // IsNullExpr: x IS [NOT] NULL
  kIsDistinctFrom,  // IsDistinctFromExpr: x IS [NOT] DISTINCT FROM y
  kIsBool,          // IsBoolExpr: x IS [NOT] TRUE/FALSE/UNKNOWN
  kBetween,         // BetweenExpr: x [NOT] BETWEEN a AND b
  kInList,          // InListExpr: x [NOT] IN (a, b, c)
  kInSubquery,      // InSubqueryExpr: x [NOT] IN (SELECT ...)
  kExists,          // ExistsExpr: [NOT] EXISTS (SELECT ...)
  kSubquery,        // SubqueryExpr: (SELECT ...) as a scalar
  kFieldAccess,     // FieldAccessExpr: (expr).field  — struct field
  kSubscript,       // SubscriptExpr: expr[index]      — list element (1-based) or map/JSON key
  kArray,           // ArrayExpr: ARRAY[a, b] or [a, b]
  kInterval,        // IntervalExpr: INTERVAL '5' SECOND, INTERVAL '1 day 2 hours'
};

struct Expr {
  explicit Expr(ExprKind k, SourceLocation l) : kind(k), loc(l) {}
  virtual ~Expr() = default;
  ExprKind kind;
  SourceLocation loc;
};
using ExprPtr = std::unique_ptr<Expr>;

enum class LiteralKind { kNull, kBool, kInteger, kFloat, kString };

struct LiteralExpr : Expr {
  explicit LiteralExpr(SourceLocation l) : Expr(ExprKind::kLiteral, l) {}
  LiteralKind literal_kind = LiteralKind::kNull;
  bool bool_value = false;
  std::string text;  // kInteger/kFloat: the digits as written; kString: the unescaped string
};

struct ColumnRefExpr : Expr {
  explicit ColumnRefExpr(SourceLocation l) : Expr(ExprKind::kColumnRef, l) {}
  // Identifier parts, already case-folded: unquoted identifiers are lower-cased, "Quoted" kept.
  std::vector<std::string> parts;
};

struct StarExpr : Expr {
  explicit StarExpr(SourceLocation l) : Expr(ExprKind::kStar, l) {}
  std::string qualifier;            // "t" for t.*, empty for *
  std::vector<std::string> except;  // SELECT * EXCEPT (a, b) (DuckDB/BigQuery); empty = none
};

struct ParameterExpr : Expr {
  explicit ParameterExpr(SourceLocation l) : Expr(ExprKind::kParameter, l) {}
  int index = 0;  // $1 → 1
};

enum class UnaryOp { kNegate, kPlus, kNot };

struct UnaryExpr : Expr {
  explicit UnaryExpr(SourceLocation l) : Expr(ExprKind::kUnary, l) {}
  UnaryOp op = UnaryOp::kNot;
  ExprPtr operand;
};

enum class BinaryOp {
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kPower,  // + - * / % ^
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kAnd,
  kOr,
  kConcat,       // ||
  kJsonGet,      // ->   (JSON object field or array element, result JSON text)
  kJsonGetText,  // ->>  (result text)
  kLike,
  kNotLike,
  kILike,
  kNotILike,  // right: pattern; escape in BinaryExpr::escape
  kSimilarTo,
  kNotSimilarTo,
  kRegexMatch,
  kRegexNotMatch,
  kRegexIMatch,
  kRegexNotIMatch,  // ~ !~ ~* !~*
};

struct BinaryExpr : Expr {
  explicit BinaryExpr(SourceLocation l) : Expr(ExprKind::kBinary, l) {}
  BinaryOp op = BinaryOp::kAdd;
  ExprPtr left;
  ExprPtr right;
  ExprPtr escape;  // LIKE ... ESCAPE 'c'; null otherwise
};

enum class OrderDirection { kAsc, kDesc };
enum class NullsOrder { kDefault, kFirst, kLast };  // default: NULLS LAST for ASC, FIRST for DESC

struct OrderItem {
  ExprPtr expr;  // may be an integer literal: ordinal of the select list
  OrderDirection direction = OrderDirection::kAsc;
  NullsOrder nulls = NullsOrder::kDefault;
};

enum class FrameUnit { kRows, kRange, kGroups };
enum class FrameBoundKind {
  kUnboundedPreceding,
  kPreceding,
  kCurrentRow,
  kFollowing,
  kUnboundedFollowing
};
struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kUnboundedPreceding;
  ExprPtr offset;  // kPreceding/kFollowing: N (or an interval for RANGE)
};
struct WindowFrame {
  FrameUnit unit = FrameUnit::kRange;
  FrameBound start;
  FrameBound end;  // BETWEEN start AND end; a single bound means end = CURRENT ROW
};

struct WindowSpec {
  std::string name;  // OVER w (a named window from WINDOW w AS (...)); may be empty
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::optional<WindowFrame> frame;
};

struct FunctionCallExpr : Expr {
  explicit FunctionCallExpr(SourceLocation l) : Expr(ExprKind::kFunctionCall, l) {}
  std::string name;                  // lower-cased; "schema.fn" keeps the dot
  std::vector<ExprPtr> args;         // count(*): one StarExpr
  bool distinct = false;             // count(DISTINCT x)
  std::vector<OrderItem> order_by;   // string_agg(x, ',' ORDER BY y), array_agg(x ORDER BY y)
  ExprPtr filter;                    // FILTER (WHERE ...)
  std::unique_ptr<WindowSpec> over;  // OVER (...) or OVER w
  bool ignore_nulls = false;         // lag(x) IGNORE NULLS
};

struct CaseExpr : Expr {
  explicit CaseExpr(SourceLocation l) : Expr(ExprKind::kCase, l) {}
  ExprPtr operand;  // CASE x WHEN ...; null for searched CASE WHEN cond ...
  struct When {
    ExprPtr condition;
    ExprPtr result;
  };
  std::vector<When> whens;
  ExprPtr else_result;  // null: ELSE NULL
};

// A type as written: name (lower-cased, multi-word names joined by one space: "double precision",
// "timestamp with time zone"), modifiers (varchar(10) → {10}), and array suffixes (int[] → list).
struct TypeName {
  // Declared here and defaulted after the class: `fields` holds pairs of this type, and clang
  // with libstdc++ rejects instantiating them while the class is incomplete.
  TypeName();
  ~TypeName();
  TypeName(const TypeName&);
  TypeName(TypeName&&) noexcept;
  TypeName& operator=(const TypeName&);
  TypeName& operator=(TypeName&&) noexcept;

  std::string name;
  std::vector<int64_t> modifiers;
  int array_depth = 0;
  std::vector<std::pair<std::string, TypeName>> fields;  // struct<a int, b text> / ROW(...)
  SourceLocation loc;
};
inline TypeName::TypeName() = default;
inline TypeName::~TypeName() = default;
inline TypeName::TypeName(const TypeName&) = default;
inline TypeName::TypeName(TypeName&&) noexcept = default;
inline TypeName& TypeName::operator=(const TypeName&) = default;
inline TypeName& TypeName::operator=(TypeName&&) noexcept = default;

struct CastExpr : Expr {
  explicit CastExpr(SourceLocation l) : Expr(ExprKind::kCast, l) {}
  ExprPtr operand;
  TypeName type;
  bool try_cast = false;  // TRY_CAST: NULL instead of an error
};

struct IsNullExpr : Expr {
  explicit IsNullExpr(SourceLocation l) : Expr(ExprKind::kIsNull, l) {}
  ExprPtr operand;
  bool negated = false;
};

struct IsDistinctFromExpr : Expr {
  explicit IsDistinctFromExpr(SourceLocation l) : Expr(ExprKind::kIsDistinctFrom, l) {}
  ExprPtr left;
  ExprPtr right;
  bool negated = false;  // IS NOT DISTINCT FROM
};

struct IsBoolExpr : Expr {
  explicit IsBoolExpr(SourceLocation l) : Expr(ExprKind::kIsBool, l) {}
  ExprPtr operand;
  std::optional<bool> value;  // true, false, or nullopt = UNKNOWN
  bool negated = false;
};

struct BetweenExpr : Expr {
  explicit BetweenExpr(SourceLocation l) : Expr(ExprKind::kBetween, l) {}
  ExprPtr operand;
  ExprPtr low;
  ExprPtr high;
  bool negated = false;
  bool symmetric = false;
};

struct InListExpr : Expr {
  explicit InListExpr(SourceLocation l) : Expr(ExprKind::kInList, l) {}
  ExprPtr operand;
  std::vector<ExprPtr> list;
  bool negated = false;
};

struct InSubqueryExpr : Expr {
  explicit InSubqueryExpr(SourceLocation l) : Expr(ExprKind::kInSubquery, l) {}
  ExprPtr operand;
  std::unique_ptr<SelectStatement> subquery;
  bool negated = false;
};

struct ExistsExpr : Expr {
  explicit ExistsExpr(SourceLocation l) : Expr(ExprKind::kExists, l) {}
  std::unique_ptr<SelectStatement> subquery;
  bool negated = false;
};

struct SubqueryExpr : Expr {
  explicit SubqueryExpr(SourceLocation l) : Expr(ExprKind::kSubquery, l) {}
  std::unique_ptr<SelectStatement> subquery;
};

struct FieldAccessExpr : Expr {
  explicit FieldAccessExpr(SourceLocation l) : Expr(ExprKind::kFieldAccess, l) {}
  ExprPtr operand;
  std::string field;
};

struct SubscriptExpr : Expr {
  explicit SubscriptExpr(SourceLocation l) : Expr(ExprKind::kSubscript, l) {}
  ExprPtr operand;
  ExprPtr index;      // list[i] (1-based, PostgreSQL) or slice bounds below
  ExprPtr slice_end;  // list[a:b]; null when not a slice
  bool is_slice = false;
};

struct ArrayExpr : Expr {
  explicit ArrayExpr(SourceLocation l) : Expr(ExprKind::kArray, l) {}
  std::vector<ExprPtr> elements;
};

struct IntervalExpr : Expr {
  explicit IntervalExpr(SourceLocation l) : Expr(ExprKind::kInterval, l) {}
  std::string value;  // '5' or '1 day 2 hours'
  std::string unit;   // "second", "minute", ..., "day to second"; empty when the string has units
};

// ---------------------------------------------------------------------------------------------
// FROM clause

enum class TableRefKind { kBaseTable, kSubquery, kJoin, kValues, kTableFunction };

struct TableRef {
  explicit TableRef(TableRefKind k, SourceLocation l) : kind(k), loc(l) {}
  virtual ~TableRef() = default;
  TableRefKind kind;
  SourceLocation loc;
  std::string alias;                        // AS t
  std::vector<std::string> column_aliases;  // AS t(a, b)
};
using TableRefPtr = std::unique_ptr<TableRef>;

struct BaseTableRef : TableRef {
  explicit BaseTableRef(SourceLocation l) : TableRef(TableRefKind::kBaseTable, l) {}
  std::vector<std::string> name;  // schema.table parts, case-folded
  // FOR SYSTEM_TIME AS OF <expr> (temporal/lookup joins, [streaming]); null otherwise.
  ExprPtr system_time;
};

struct SubqueryRef : TableRef {
  explicit SubqueryRef(SourceLocation l) : TableRef(TableRefKind::kSubquery, l) {}
  std::unique_ptr<SelectStatement> subquery;
  bool lateral = false;
};

enum class JoinType { kInner, kLeft, kRight, kFull, kCross, kSemi, kAnti };

struct JoinRef : TableRef {
  explicit JoinRef(SourceLocation l) : TableRef(TableRefKind::kJoin, l) {}
  JoinType join_type = JoinType::kInner;
  TableRefPtr left;
  TableRefPtr right;
  ExprPtr on;  // ON ...; null for USING/NATURAL/CROSS
  std::vector<std::string> using_columns;
  bool natural = false;
};

struct ValuesRef : TableRef {
  explicit ValuesRef(SourceLocation l) : TableRef(TableRefKind::kValues, l) {}
  std::vector<std::vector<ExprPtr>> rows;
};

// f(args) in FROM: TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND), generate_series(...).
struct TableFunctionRef : TableRef {
  explicit TableFunctionRef(SourceLocation l) : TableRef(TableRefKind::kTableFunction, l) {}
  std::string name;
  std::vector<ExprPtr> args;            // scalar arguments
  std::vector<TableRefPtr> table_args;  // TABLE t arguments (Flink style) or a bare table name
  std::vector<std::string> descriptor;  // DESCRIPTOR(ts) columns
};

// ---------------------------------------------------------------------------------------------
// SELECT

struct SelectItem {
  ExprPtr expr;       // may be a StarExpr
  std::string alias;  // empty when none
  SourceLocation loc;
};

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_aliases;
  std::unique_ptr<SelectStatement> query;
  SourceLocation loc;
};

struct NamedWindow {
  std::string name;
  WindowSpec spec;
};

// One SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ... block.
struct SelectCore {
  bool distinct = false;
  std::vector<ExprPtr> distinct_on;  // DISTINCT ON (...) (PostgreSQL)
  std::vector<SelectItem> select_list;
  TableRefPtr from;  // null: SELECT without FROM; several comma-separated tables → cross joins
  ExprPtr where;
  std::vector<ExprPtr> group_by;  // may hold integer literals: ordinals of the select list
  bool group_by_all = false;      // GROUP BY ALL
  ExprPtr having;
  std::vector<NamedWindow> windows;  // WINDOW w AS (...)
  ExprPtr qualify;                   // QUALIFY (filter on window functions)
  SourceLocation loc;
};

enum class SetOpKind { kNone, kUnion, kIntersect, kExcept };

// A query: WITH, a body that is either one SelectCore, a VALUES list, or a set operation over
// two queries, then ORDER BY / LIMIT / OFFSET.
struct SelectStatement {
  std::vector<CommonTableExpr> ctes;
  bool recursive = false;

  SetOpKind set_op = SetOpKind::kNone;
  bool set_all = false;                   // UNION ALL
  std::unique_ptr<SelectStatement> left;  // set operation operands
  std::unique_ptr<SelectStatement> right;
  std::unique_ptr<SelectCore> core;   // when set_op == kNone and !values
  std::unique_ptr<ValuesRef> values;  // a bare VALUES (...), (...) query

  std::vector<OrderItem> order_by;
  ExprPtr limit;  // LIMIT n / FETCH FIRST n ROWS ONLY; null = none (LIMIT ALL)
  ExprPtr offset;
  SourceLocation loc;
};

// ---------------------------------------------------------------------------------------------
// Statements

enum class StatementKind {
  kSelect,
  kExplain,
  kCreateSource,  // CREATE SOURCE / CREATE TABLE ... WITH (connector = ...)
  kCreateSink,    // CREATE SINK
  kCreateView,    // CREATE VIEW
  kInsert,        // INSERT INTO table query
  kSet,           // SET name = value
  // Later issues add: kCreateMaterializedView, kCreateFunction, kCreateModel, kDrop, kShow ...
};

struct Statement {
  explicit Statement(StatementKind k, SourceLocation l) : kind(k), loc(l) {}
  virtual ~Statement() = default;
  StatementKind kind;
  SourceLocation loc;
};
using StatementPtr = std::unique_ptr<Statement>;

struct SelectStmt : Statement {
  explicit SelectStmt(SourceLocation l) : Statement(StatementKind::kSelect, l) {}
  std::unique_ptr<SelectStatement> select;
};

struct ExplainStmt : Statement {
  explicit ExplainStmt(SourceLocation l) : Statement(StatementKind::kExplain, l) {}
  StatementPtr statement;
  bool analyze = false;  // EXPLAIN ANALYZE: run and report rows/time per operator
  bool verbose = false;
};

// key = value in WITH (...) of CREATE SOURCE/SINK/TABLE, and in ENCODE JSON (...).
struct ConnectorOption {
  std::string key;    // as written (case kept), quotes removed: properties.bootstrap.server
  std::string value;  // string literals unquoted; numbers and words as written
  bool quoted = false;
  SourceLocation key_loc;
  SourceLocation value_loc;
};

// FORMAT PLAIN ENCODE JSON [(options)] (RisingWave) — how a connector's payloads are encoded.
struct FormatClause {
  std::string format;  // "plain", "upsert", "debezium" ... (lower case)
  std::string encode;  // "json", "csv" ... (lower case)
  std::vector<ConnectorOption> options;
  SourceLocation loc;
};

struct ColumnDef {
  std::string name;
  TypeName type;
  bool not_null = false;
  SourceLocation loc;
  SourceLocation type_loc;
};

// WATERMARK FOR column AS expression.
struct WatermarkDef {
  std::string column;
  ExprPtr expr;
  SourceLocation loc;
};

// CREATE SOURCE name (columns) WITH (...) [FORMAT ... ENCODE ...], and Flink's CREATE TABLE
// name (columns) WITH ('connector' = ...), which is a source when read and a sink when inserted
// into.
struct CreateSourceStmt : Statement {
  explicit CreateSourceStmt(SourceLocation l) : Statement(StatementKind::kCreateSource, l) {}
  bool is_table = false;  // written CREATE TABLE
  bool if_not_exists = false;
  std::string name;
  SourceLocation name_loc;
  std::vector<ColumnDef> columns;
  std::optional<WatermarkDef> watermark;
  std::vector<ConnectorOption> with;
  std::optional<FormatClause> format;
};

// CREATE SINK name {FROM relation | AS query} WITH (...) [FORMAT ... ENCODE ...].
struct CreateSinkStmt : Statement {
  explicit CreateSinkStmt(SourceLocation l) : Statement(StatementKind::kCreateSink, l) {}
  bool if_not_exists = false;
  std::string name;
  SourceLocation name_loc;
  std::unique_ptr<SelectStatement> query;  // FROM relation is read as SELECT * FROM relation
  std::string query_text;                  // the query as written (or "SELECT * FROM relation")
  SourceLocation query_loc;
  std::vector<ConnectorOption> with;
  std::optional<FormatClause> format;
};

// CREATE VIEW name AS query.
struct CreateViewStmt : Statement {
  explicit CreateViewStmt(SourceLocation l) : Statement(StatementKind::kCreateView, l) {}
  bool or_replace = false;
  std::string name;
  SourceLocation name_loc;
  std::unique_ptr<SelectStatement> query;
  std::string query_text;
  SourceLocation query_loc;
};

// INSERT INTO table query (Flink: the table is a CREATE TABLE ... WITH (connector ...)).
struct InsertStmt : Statement {
  explicit InsertStmt(SourceLocation l) : Statement(StatementKind::kInsert, l) {}
  std::string table;
  SourceLocation table_loc;
  std::unique_ptr<SelectStatement> query;
  std::string query_text;
  SourceLocation query_loc;
};

// SET name = value (or SET name TO value); the name may be dotted (logging.level).
struct SetStmt : Statement {
  explicit SetStmt(SourceLocation l) : Statement(StatementKind::kSet, l) {}
  ConnectorOption option;
};

// Readable names for messages ("+", "LIKE", "IS DISTINCT FROM", ...).
const char* BinaryOpName(BinaryOp op);

}  // namespace ark::sql
