#include "sql/parser.h"

#include <pthread.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sql/ast_printer.h"
#include "sql/sql_error.h"

namespace ark::sql {
namespace {

// One statement as an S-expression, or "ERROR <message>".
std::string P(std::string_view sql) {
  auto r = ParseStatement(sql);
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << r.status().ToString();
    return "ERROR " + r.status().message();
  }
  return StatementToString(**r);
}

// One expression as an S-expression, or "ERROR <message>".
std::string E(std::string_view sql) {
  auto r = ParseExpression(sql);
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << r.status().ToString();
    return "ERROR " + r.status().message();
  }
  return ExprToString(**r);
}

// The message of a statement that must not parse.
std::string Err(std::string_view sql) {
  auto r = ParseStatement(sql);
  if (r.ok()) return "parsed: " + StatementToString(**r);
  EXPECT_EQ(r.status().code(), StatusCode::kParseError);
  return r.status().message();
}

const SelectStatement& Select(const StatementPtr& stmt) {
  return *static_cast<const SelectStmt&>(*stmt).select;
}

TEST(ParserTest, BriefExample) {
  EXPECT_EQ(P("SELECT a, b + 1 FROM flow"),
            "(select (items (col a) (+ (col b) (lit 1))) (from (table flow)))");
}

TEST(ParserTest, SelectList) {
  EXPECT_EQ(P("SELECT a AS x, b y, c AS \"Mixed Case\", d AS from, 1"),
            "(select (items (as (col a) x) (as (col b) y) (as (col c) \"Mixed Case\") "
            "(as (col d) from) (lit 1)))");
  EXPECT_EQ(P("SELECT *, t.*, s.t.* FROM t"), "(select (items * t.* s.t.*) (from (table t)))");
  EXPECT_EQ(P("SELECT * EXCEPT (a, b), t.* EXCLUDE (c) FROM t"),
            "(select (items (* (except a b)) (t.* (except c))) (from (table t)))");
  EXPECT_EQ(P("SELECT DISTINCT a FROM t"), "(select distinct (items (col a)) (from (table t)))");
  EXPECT_EQ(P("SELECT ALL a FROM t"), "(select (items (col a)) (from (table t)))");
  EXPECT_EQ(P("SELECT DISTINCT ON (a, b + 1) a, c FROM t"),
            "(select distinct (distinct_on (col a) (+ (col b) (lit 1))) (items (col a) (col c)) "
            "(from (table t)))");
  EXPECT_EQ(P("SELECT 1"), "(select (items (lit 1)))");
  // * EXCEPT followed by a query is the set operation.
  EXPECT_EQ(P("SELECT * FROM t EXCEPT (SELECT * FROM u)"),
            "(except (select (items *) (from (table t))) (select (items *) (from (table u))))");
}

TEST(ParserTest, CaseFoldingAndQuoting) {
  EXPECT_EQ(P("SeLeCt Price, \"Price\", \"a\"\"b\" FrOm Flow"),
            "(select (items (col price) (col \"Price\") (col \"a\"\"b\")) (from (table flow)))");
  EXPECT_EQ(P("SELECT T.A FROM S.T"), "(select (items (col t.a)) (from (table s.t)))");
  EXPECT_EQ(P("SELECT \"select\" FROM \"from\""),
            "(select (items (col select)) (from (table from)))");
  EXPECT_EQ(P("SELECT UPPER(x), \"MyFn\"(y) FROM t"),
            "(select (items (call upper (col x)) (call \"MyFn\" (col y))) (from (table t)))");
}

TEST(ParserTest, UnreservedKeywordsAsNames) {
  EXPECT_EQ(P("SELECT date, type, value, key, timestamp, window, first, last, rows, range, "
              "interval, position FROM t"),
            "(select (items (col date) (col type) (col value) (col key) (col timestamp) "
            "(col window) (col first) (col last) (col rows) (col range) (col interval) "
            "(col position)) (from (table t)))");
  EXPECT_EQ(P("SELECT t.from, t.select FROM t"),
            "(select (items (col t.from) (col t.select)) (from (table t)))");
  EXPECT_EQ(P("SELECT value FROM window AS date WHERE key = 1"),
            "(select (items (col value)) (from (table window (alias date))) "
            "(where (= (col key) (lit 1))))");
  EXPECT_EQ(P("SELECT a value, b key FROM t"),
            "(select (items (as (col a) value) (as (col b) key)) (from (table t)))");
  // WINDOW and QUALIFY start clauses, so they are never bare aliases.
  EXPECT_EQ(P("SELECT sum(a) OVER w FROM t window w AS (ORDER BY b)"),
            "(select (items (call sum (col a) (over w))) (from (table t)) "
            "(window (w (spec (order (asc (col b)))))))");
  EXPECT_EQ(Err("SELECT select FROM t"),
            "1:8: syntax error at or near \"select\"; expected an expression\n"
            "  SELECT select FROM t\n"
            "         ^^^^^^");
  EXPECT_EQ(Err("SELECT left FROM t"),
            "1:8: syntax error at or near \"left\"; expected an expression\n"
            "  SELECT left FROM t\n"
            "         ^^^^");
}

TEST(ParserTest, FromAndJoins) {
  EXPECT_EQ(P("SELECT * FROM a, b, c"),
            "(select (items *) (from (join cross (join cross (table a) (table b)) (table c))))");
  EXPECT_EQ(P("SELECT * FROM a JOIN b ON a.x = b.x LEFT JOIN c USING (x, y) "
              "RIGHT OUTER JOIN d ON true FULL JOIN e ON false CROSS JOIN f INNER JOIN g ON 1 = 1"),
            "(select (items *) (from (join inner (join cross (join full (join right (join left "
            "(join inner (table a) (table b) (on (= (col a.x) (col b.x)))) (table c) "
            "(using x y)) (table d) (on (lit true))) (table e) (on (lit false))) (table f)) "
            "(table g) (on (= (lit 1) (lit 1))))))");
  EXPECT_EQ(P("SELECT * FROM a NATURAL JOIN b NATURAL LEFT JOIN c NATURAL FULL OUTER JOIN d"),
            "(select (items *) (from (join natural_full (join natural_left (join natural_inner "
            "(table a) (table b)) (table c)) (table d))))");
  EXPECT_EQ(P("SELECT * FROM a LEFT SEMI JOIN b ON a.x = b.x ANTI JOIN c ON true"),
            "(select (items *) (from (join anti (join semi (table a) (table b) "
            "(on (= (col a.x) (col b.x)))) (table c) (on (lit true)))))");
  // JOIN binds tighter than the comma.
  EXPECT_EQ(P("SELECT * FROM a, b JOIN c ON true"),
            "(select (items *) (from (join cross (table a) (join inner (table b) (table c) "
            "(on (lit true))))))");
  EXPECT_EQ(P("SELECT * FROM (a JOIN b ON true) AS j, ((c))"),
            "(select (items *) (from (join cross (join inner (table a) (table b) (on (lit true)) "
            "(alias j)) (table c))))");
  EXPECT_EQ(P("SELECT * FROM flow f, s.t AS u (x, y)"),
            "(select (items *) (from (join cross (table flow (alias f)) (table s.t "
            "(alias u x y)))))");
}

TEST(ParserTest, SubqueriesValuesAndTableFunctionsInFrom) {
  EXPECT_EQ(P("SELECT * FROM (SELECT a FROM t) AS s(x)"),
            "(select (items *) (from (subquery (select (items (col a)) (from (table t))) "
            "(alias s x))))");
  EXPECT_EQ(P("SELECT * FROM (SELECT 1) s"),
            "(select (items *) (from (subquery (select (items (lit 1))) (alias s))))");
  EXPECT_EQ(P("SELECT * FROM (SELECT 1)"),
            "(select (items *) (from (subquery (select (items (lit 1))))))");
  EXPECT_EQ(P("SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.a = t.a) s"),
            "(select (items *) (from (join cross (table t) (subquery lateral (select (items *) "
            "(from (table u)) (where (= (col u.a) (col t.a)))) (alias s)))))");
  EXPECT_EQ(P("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(x, y)"),
            "(select (items *) (from (values (row (lit 1) (lit 'a')) (row (lit 2) (lit 'b')) "
            "(alias t x y))))");
  EXPECT_EQ(P("SELECT * FROM VALUES (1), (2) v(x)"),
            "(select (items *) (from (values (row (lit 1)) (row (lit 2)) (alias v x))))");
  // With ORDER BY the VALUES list stays a query.
  EXPECT_EQ(P("SELECT * FROM (VALUES (2), (1) ORDER BY 1) v"),
            "(select (items *) (from (subquery (values (row (lit 2)) (row (lit 1)) "
            "(order_by (asc (lit 1)))) (alias v))))");
  EXPECT_EQ(P("SELECT * FROM TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)"),
            "(select (items *) (from (tvf tumble (table bids) (descriptor ts) "
            "(interval '10' second))))");
  EXPECT_EQ(P("SELECT * FROM TUMBLE(bids, DESCRIPTOR(ts), INTERVAL '10' SECOND) AS w"),
            "(select (items *) (from (tvf tumble (table bids) (descriptor ts) "
            "(interval '10' second) (alias w))))");
  EXPECT_EQ(P("SELECT * FROM HOP(TABLE s.bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, "
              "INTERVAL '10' SECOND)"),
            "(select (items *) (from (tvf hop (table s.bids) (descriptor ts) "
            "(interval '5' second) (interval '10' second))))");
  EXPECT_EQ(P("SELECT * FROM generate_series(1, 10) g(x)"),
            "(select (items *) (from (tvf generate_series (lit 1) (lit 10) (alias g x))))");
  // Only window functions take a bare table name; elsewhere a name is a column.
  EXPECT_EQ(P("SELECT * FROM unnest(a)"), "(select (items *) (from (tvf unnest (col a))))");
  EXPECT_EQ(P("SELECT * FROM o JOIN r FOR SYSTEM_TIME AS OF o.ts AS rr ON o.k = rr.k"),
            "(select (items *) (from (join inner (table o) (table r (system_time (col o.ts)) "
            "(alias rr)) (on (= (col o.k) (col rr.k))))))");
}

TEST(ParserTest, Clauses) {
  EXPECT_EQ(P("SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a, 2 HAVING count(*) > 3 "
              "ORDER BY 2 DESC NULLS FIRST, a ASC NULLS LAST, b LIMIT 10 OFFSET 5"),
            "(select (items (col a) (call count *)) (from (table t)) (where (> (col b) (lit 1))) "
            "(group_by (col a) (lit 2)) (having (> (call count *) (lit 3))) (order_by (desc "
            "(lit 2) nulls_first) (asc (col a) nulls_last) (asc (col b))) (limit (lit 10)) "
            "(offset (lit 5)))");
  EXPECT_EQ(P("SELECT a FROM t GROUP BY ALL"),
            "(select (items (col a)) (from (table t)) group_by_all)");
  EXPECT_EQ(P("SELECT a FROM t OFFSET 2 ROWS LIMIT ALL"),
            "(select (items (col a)) (from (table t)) (offset (lit 2)))");
  EXPECT_EQ(P("SELECT a FROM t OFFSET 1 ROW FETCH FIRST 3 ROWS ONLY"),
            "(select (items (col a)) (from (table t)) (limit (lit 3)) (offset (lit 1)))");
  EXPECT_EQ(P("SELECT a FROM t FETCH NEXT ROW ONLY"),
            "(select (items (col a)) (from (table t)) (limit (lit 1)))");
  EXPECT_EQ(P("SELECT a, row_number() OVER w AS rn FROM t WINDOW w AS (PARTITION BY b), "
              "w2 AS (w ORDER BY c) QUALIFY rn = 1"),
            "(select (items (col a) (as (call row_number (over w)) rn)) (from (table t)) "
            "(window (w (spec (partition (col b)))) (w2 (spec w (order (asc (col c)))))) "
            "(qualify (= (col rn) (lit 1))))");
}

TEST(ParserTest, CommonTableExpressions) {
  EXPECT_EQ(P("WITH a AS (SELECT 1), b(x, y) AS MATERIALIZED (SELECT 1, 2), "
              "c AS NOT MATERIALIZED (VALUES (3)) SELECT * FROM a, b"),
            "(with (cte a (select (items (lit 1)))) (cte b (x y) (select (items (lit 1) "
            "(lit 2)))) (cte c (values (row (lit 3)))) (select (items *) (from (join cross "
            "(table a) (table b)))))");
  EXPECT_EQ(P("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) "
              "SELECT * FROM r"),
            "(with recursive (cte r (n) (union_all (select (items (lit 1))) (select (items "
            "(+ (col n) (lit 1))) (from (table r)) (where (< (col n) (lit 10)))))) "
            "(select (items *) (from (table r))))");
  EXPECT_EQ(P("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) s"),
            "(select (items *) (from (subquery (with (cte x (select (items (lit 1)))) (select "
            "(items *) (from (table x)))) (alias s))))");
  EXPECT_EQ(Err("WITH a AS (SELECT 1) (WITH b AS (SELECT 2) SELECT 3)"),
            "1:1: multiple WITH clauses are not allowed\n"
            "  WITH a AS (SELECT 1) (WITH b AS (SELECT 2) SELECT 3)\n"
            "  ^^^^");
}

TEST(ParserTest, SetOperations) {
  // INTERSECT binds tighter than UNION and EXCEPT, which associate to the left.
  EXPECT_EQ(P("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT ALL SELECT 4 "
              "ORDER BY 1 LIMIT 10"),
            "(except_all (union (select (items (lit 1))) (intersect (select (items (lit 2))) "
            "(select (items (lit 3))))) (select (items (lit 4))) (order_by (asc (lit 1))) "
            "(limit (lit 10)))");
  EXPECT_EQ(P("SELECT 1 UNION DISTINCT SELECT 2 INTERSECT ALL SELECT 3"),
            "(union (select (items (lit 1))) (intersect_all (select (items (lit 2))) "
            "(select (items (lit 3)))))");
  EXPECT_EQ(P("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3"),
            "(intersect (union (select (items (lit 1))) (select (items (lit 2)))) "
            "(select (items (lit 3))))");
  EXPECT_EQ(P("(SELECT 1 ORDER BY 1 LIMIT 1) UNION ALL (SELECT 2) ORDER BY 1"),
            "(union_all (select (items (lit 1)) (order_by (asc (lit 1))) (limit (lit 1))) "
            "(select (items (lit 2))) (order_by (asc (lit 1))))");
  EXPECT_EQ(P("((SELECT a FROM t)) ORDER BY a"),
            "(select (items (col a)) (from (table t)) (order_by (asc (col a))))");
  // Outer clauses over a parenthesized query that has its own apply after it.
  EXPECT_EQ(P("(SELECT a FROM t ORDER BY a LIMIT 5) ORDER BY a DESC LIMIT 2"),
            "(select (items *) (from (subquery (select (items (col a)) (from (table t)) "
            "(order_by (asc (col a))) (limit (lit 5))))) (order_by (desc (col a))) "
            "(limit (lit 2)))");
  EXPECT_EQ(P("VALUES (1, 'a'), (2, 'b') ORDER BY 1"),
            "(values (row (lit 1) (lit 'a')) (row (lit 2) (lit 'b')) (order_by (asc (lit 1))))");
  EXPECT_EQ(P("VALUES (1) UNION ALL SELECT 2"),
            "(union_all (values (row (lit 1))) (select (items (lit 2))))");
}

TEST(ParserTest, Explain) {
  EXPECT_EQ(P("EXPLAIN SELECT 1"), "(explain (select (items (lit 1))))");
  EXPECT_EQ(P("EXPLAIN ANALYZE SELECT 1"), "(explain analyze (select (items (lit 1))))");
  EXPECT_EQ(P("explain analyse verbose select 1"),
            "(explain analyze verbose (select (items (lit 1))))");
  EXPECT_EQ(P("EXPLAIN (ANALYZE, VERBOSE false) SELECT 1"),
            "(explain analyze (select (items (lit 1))))");
  EXPECT_EQ(P("EXPLAIN (VERBOSE on) VALUES (1)"), "(explain verbose (values (row (lit 1))))");
  EXPECT_EQ(Err("EXPLAIN (COSTS) SELECT 1"),
            "1:10: unrecognized EXPLAIN option \"costs\"\n"
            "  EXPLAIN (COSTS) SELECT 1\n"
            "           ^^^^^");
  EXPECT_EQ(Err("EXPLAIN DELETE FROM t"),
            "1:9: syntax error at or near \"DELETE\"; expected SELECT, VALUES or WITH\n"
            "  EXPLAIN DELETE FROM t\n"
            "          ^^^^^^");
}

TEST(ParserTest, JobStatements) {
  EXPECT_EQ(P("CREATE SOURCE IF NOT EXISTS bids (auction BIGINT, price DOUBLE PRECISION NOT NULL, "
              "ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) "
              "WITH (connector = 'kafka', topic = 'bids', properties.bootstrap.server = 'h:9092', "
              "fetch_max_bytes = 1024, start_from_latest = true) FORMAT PLAIN ENCODE JSON"),
            "(create_source bids (column auction bigint) (column price double precision not_null) "
            "(column ts timestamp) (watermark ts (- (col ts) (interval '5' second))) (with "
            "(connector 'kafka') (topic 'bids') (properties.bootstrap.server 'h:9092') "
            "(fetch_max_bytes 1024) (start_from_latest true)) (format plain json))");
  EXPECT_EQ(P("CREATE TABLE t (a INT) WITH ('connector' = 'file', 'path' = 'x.csv', 'format' = "
              "'csv')"),
            "(create_table t (column a int) (with (connector 'file') (path 'x.csv') "
            "(format 'csv')))");
  EXPECT_EQ(P("CREATE SINK out AS SELECT a FROM t WITH (connector = 'stdout') FORMAT PLAIN ENCODE "
              "CSV (header = false)"),
            "(create_sink out (select (items (col a)) (from (table t))) (with (connector "
            "'stdout')) (format plain csv (header false)))");
  EXPECT_EQ(P("CREATE SINK out FROM v WITH (connector = 'drop')"),
            "(create_sink out (select (items *) (from (table v))) (with (connector 'drop')))");
  EXPECT_EQ(P("CREATE VIEW v AS SELECT a FROM t WHERE a > 1"),
            "(create_view v (select (items (col a)) (from (table t)) (where (> (col a) (lit "
            "1)))))");
  EXPECT_EQ(P("SET logging.level = 'warn'"), "(set logging.level 'warn')");
  EXPECT_EQ(P("SET parallelism TO 2"), "(set parallelism 2)");
  EXPECT_EQ(P("INSERT INTO out SELECT * FROM t"),
            "(insert out (select (items *) (from (table t))))");
  EXPECT_EQ(Err("CREATE MATERIALIZED VIEW m AS SELECT 1"),
            "1:8: CREATE MATERIALIZED is not supported in jobs yet\n"
            "  CREATE MATERIALIZED VIEW m AS SELECT 1\n"
            "         ^^^^^^^^^^^^");
  EXPECT_EQ(Err("CREATE SOURCE s (a INT, WATERMARK FOR a AS a, WATERMARK FOR a AS a) WITH (x = 1)"),
            "1:47: a source has at most one WATERMARK\n"
            "  CREATE SOURCE s (a INT, WATERMARK FOR a AS a, WATERMARK FOR a AS a) WITH (x = 1)\n"
            "                                                ^^^^^^^^^");
  EXPECT_EQ(Err("CREATE SINK s AS SELECT 1 WITH (connector 'x')"),
            "1:43: syntax error at or near \"'x'\"; expected \"=\"\n"
            "  CREATE SINK s AS SELECT 1 WITH (connector 'x')\n"
            "                                            ^^^");
}

TEST(ParserTest, Precedence) {
  struct Case {
    const char* sql;
    const char* tree;
  };
  const Case cases[] = {
      {"a OR b AND c", "(or (col a) (and (col b) (col c)))"},
      {"a AND b OR c", "(or (and (col a) (col b)) (col c))"},
      {"NOT a AND b", "(and (not (col a)) (col b))"},
      {"NOT a = b", "(not (= (col a) (col b)))"},
      {"NOT NOT a", "(not (not (col a)))"},
      {"a = b IS NULL", "(is_null (= (col a) (col b)))"},
      {"NOT a IS NULL", "(not (is_null (col a)))"},
      {"a < b + 1", "(< (col a) (+ (col b) (lit 1)))"},
      {"a = b AND c <> d", "(and (= (col a) (col b)) (<> (col c) (col d)))"},
      {"a != b", "(<> (col a) (col b))"},
      {"a LIKE b = c", "(= (like (col a) (col b)) (col c))"},
      {"a BETWEEN 1 AND 2 AND c", "(and (between (col a) (lit 1) (lit 2)) (col c))"},
      {"a IN (1) = b", "(= (in (col a) (lit 1)) (col b))"},
      {"a || b LIKE c || d", "(like (|| (col a) (col b)) (|| (col c) (col d)))"},
      {"a + b || c", "(|| (+ (col a) (col b)) (col c))"},
      {"a || b + c", "(|| (col a) (+ (col b) (col c)))"},
      {"a -> 'k' ->> 'j'", "(->> (-> (col a) (lit 'k')) (lit 'j'))"},
      {"a ~ b || c", "(|| (~ (col a) (col b)) (col c))"},
      {"1 + 2 * 3", "(+ (lit 1) (* (lit 2) (lit 3)))"},
      {"1 - 2 - 3", "(- (- (lit 1) (lit 2)) (lit 3))"},
      {"8 / 4 % 3 * 2", "(* (% (/ (lit 8) (lit 4)) (lit 3)) (lit 2))"},
      {"2 * 3 ^ 2", "(* (lit 2) (^ (lit 3) (lit 2)))"},
      {"2 ^ 3 ^ 2", "(^ (^ (lit 2) (lit 3)) (lit 2))"},
      {"-2 ^ 2", "(^ (lit -2) (lit 2))"},
      {"-a ^ 2", "(^ (neg (col a)) (lit 2))"},
      {"2 ^ -a", "(^ (lit 2) (neg (col a)))"},
      {"-a * b", "(* (neg (col a)) (col b))"},
      {"- -1", "(neg (lit -1))"},
      {"+a", "(pos (col a))"},
      {"-a::int", "(neg (cast (col a) int))"},
      {"-a[1]", "(neg (index (col a) (lit 1)))"},
      {"a::int + b::int", "(+ (cast (col a) int) (cast (col b) int))"},
      {"a[1]::text", "(cast (index (col a) (lit 1)) text)"},
      {"(a + b) * c", "(* (+ (col a) (col b)) (col c))"},
      {"a AT TIME ZONE 'UTC' + b", "(+ (call timezone (lit 'UTC') (col a)) (col b))"},
      {"-9223372036854775808", "(lit -9223372036854775808)"},
      {"-1.5e3", "(lit -1.5e3)"},
  };
  for (const Case& c : cases) EXPECT_EQ(E(c.sql), c.tree) << c.sql;
}

TEST(ParserTest, NonAssociativeComparison) {
  EXPECT_EQ(E("a = b = c"), "ERROR 1:7: syntax error at or near \"=\"\n  a = b = c\n        ^");
  EXPECT_EQ(E("a < b > c"), "ERROR 1:7: syntax error at or near \">\"\n  a < b > c\n        ^");
  EXPECT_EQ(E("a LIKE b LIKE c"),
            "ERROR 1:10: syntax error at or near \"LIKE\"\n  a LIKE b LIKE c\n           ^^^^");
  EXPECT_EQ(E("(a = b) = c"), "(= (= (col a) (col b)) (col c))");
}

TEST(ParserTest, Predicates) {
  EXPECT_EQ(E("x IS NULL"), "(is_null (col x))");
  EXPECT_EQ(E("x IS NOT NULL"), "(is_not_null (col x))");
  EXPECT_EQ(E("x ISNULL OR y NOTNULL"), "(or (is_null (col x)) (is_not_null (col y)))");
  EXPECT_EQ(E("x IS TRUE"), "(is_true (col x))");
  EXPECT_EQ(E("x IS NOT FALSE"), "(is_not_false (col x))");
  EXPECT_EQ(E("x IS UNKNOWN"), "(is_unknown (col x))");
  EXPECT_EQ(E("x IS DISTINCT FROM y + 1"), "(is_distinct_from (col x) (+ (col y) (lit 1)))");
  EXPECT_EQ(E("x IS NOT DISTINCT FROM y"), "(is_not_distinct_from (col x) (col y))");
  EXPECT_EQ(E("x BETWEEN a AND b"), "(between (col x) (col a) (col b))");
  EXPECT_EQ(E("x NOT BETWEEN SYMMETRIC a + 1 AND b * 2"),
            "(not_between_symmetric (col x) (+ (col a) (lit 1)) (* (col b) (lit 2)))");
  EXPECT_EQ(E("x BETWEEN ASYMMETRIC 1 AND 2"), "(between (col x) (lit 1) (lit 2))");
  EXPECT_EQ(E("x IN (1, 2, 3)"), "(in (col x) (lit 1) (lit 2) (lit 3))");
  EXPECT_EQ(E("x NOT IN ('a')"), "(not_in (col x) (lit 'a'))");
  EXPECT_EQ(E("x IN (SELECT y FROM t)"), "(in (col x) (select (items (col y)) (from (table t))))");
  EXPECT_EQ(E("x NOT IN (VALUES (1))"), "(not_in (col x) (values (row (lit 1))))");
  EXPECT_EQ(E("x IN ((SELECT 1), 2)"), "(in (col x) (subquery (select (items (lit 1)))) (lit 2))");
  EXPECT_EQ(E("EXISTS (SELECT 1)"), "(exists (select (items (lit 1))))");
  EXPECT_EQ(E("NOT EXISTS (SELECT 1)"), "(not_exists (select (items (lit 1))))");
  EXPECT_EQ(E("NOT EXISTS (SELECT 1) = false"),
            "(not (= (exists (select (items (lit 1)))) (lit false)))");
  EXPECT_EQ(E("x LIKE 'a%'"), "(like (col x) (lit 'a%'))");
  EXPECT_EQ(E("x NOT LIKE 'a!%' ESCAPE '!'"), "(not_like (col x) (lit 'a!%') (escape (lit '!')))");
  EXPECT_EQ(E("x ILIKE y"), "(ilike (col x) (col y))");
  EXPECT_EQ(E("x NOT ILIKE y"), "(not_ilike (col x) (col y))");
  EXPECT_EQ(E("x SIMILAR TO 'a|b'"), "(similar_to (col x) (lit 'a|b'))");
  EXPECT_EQ(E("x NOT SIMILAR TO 'a' ESCAPE '#'"),
            "(not_similar_to (col x) (lit 'a') (escape (lit '#')))");
  EXPECT_EQ(E("x ~ 'a' AND x !~ 'b' AND x ~* 'c' AND x !~* 'd'"),
            "(and (and (and (~ (col x) (lit 'a')) (!~ (col x) (lit 'b'))) (~* (col x) "
            "(lit 'c'))) (!~* (col x) (lit 'd')))");
}

TEST(ParserTest, Literals) {
  EXPECT_EQ(E("NULL"), "(lit null)");
  EXPECT_EQ(E("TRUE AND false"), "(and (lit true) (lit false))");
  EXPECT_EQ(E("1.5e10 + .5 + 1. + 0x1F"), "(+ (+ (+ (lit 1.5e10) (lit .5)) (lit 1.)) (lit 31))");
  EXPECT_EQ(E("'it''s'"), "(lit 'it''s')");
  EXPECT_EQ(E("E'a\\tb'"), "(lit 'a\tb')");
  EXPECT_EQ(E("$$x$$ || $t$y$t$"), "(|| (lit 'x') (lit 'y'))");
  EXPECT_EQ(E("'a'\n'b'"), "(lit 'ab')");
  EXPECT_EQ(E("$1 + $12"), "(+ $1 $12)");
  EXPECT_EQ(E("TIMESTAMP '2024-01-01 00:00:00'"), "(cast (lit '2024-01-01 00:00:00') timestamp)");
  EXPECT_EQ(E("DATE '2024-01-01'"), "(cast (lit '2024-01-01') date)");
  EXPECT_EQ(E("TIME '12:00'"), "(cast (lit '12:00') time)");
  EXPECT_EQ(E("TIMESTAMP WITH TIME ZONE '2024-01-01 00:00:00+00'"),
            "(cast (lit '2024-01-01 00:00:00+00') timestamp with time zone)");
  EXPECT_EQ(E("timestamptz '2024-01-01'"), "(cast (lit '2024-01-01') timestamptz)");
  EXPECT_EQ(E("double precision '1.5'"), "(cast (lit '1.5') double precision)");
  EXPECT_EQ(E("INTERVAL '5' SECOND"), "(interval '5' second)");
  EXPECT_EQ(E("INTERVAL '1 day 2 hours'"), "(interval '1 day 2 hours')");
  EXPECT_EQ(E("INTERVAL '1' DAY TO SECOND"), "(interval '1' day to second)");
  EXPECT_EQ(E("INTERVAL '10' MINUTES"), "(interval '10' minute)");
  EXPECT_EQ(E("INTERVAL 3 hours"), "(interval '3' hour)");
  EXPECT_EQ(E("interval + 1"), "(+ (col interval) (lit 1))");
  EXPECT_EQ(E("ARRAY[1, 2, 3]"), "(array (lit 1) (lit 2) (lit 3))");
  EXPECT_EQ(E("ARRAY[]"), "(array)");
  EXPECT_EQ(E("[1, [2, 3], []]"), "(array (lit 1) (array (lit 2) (lit 3)) (array))");
}

TEST(ParserTest, CastsAndTypes) {
  EXPECT_EQ(E("CAST(a AS int)"), "(cast (col a) int)");
  EXPECT_EQ(E("TRY_CAST(a AS varchar(10))"), "(try_cast (col a) varchar(10))");
  EXPECT_EQ(E("CAST(a AS double precision)"), "(cast (col a) double precision)");
  EXPECT_EQ(E("CAST(a AS NUMERIC(10, 2))"), "(cast (col a) numeric(10,2))");
  EXPECT_EQ(E("a::timestamp(3) with time zone"), "(cast (col a) timestamp(3) with time zone)");
  EXPECT_EQ(E("a::time without time zone"), "(cast (col a) time without time zone)");
  EXPECT_EQ(E("a::character varying(10)::int[]::text"),
            "(cast (cast (cast (col a) character varying(10)) int[]) text)");
  EXPECT_EQ(E("a::char varying"), "(cast (col a) char varying)");
  EXPECT_EQ(E("a::int[][3]"), "(cast (col a) int[][])");
  EXPECT_EQ(E("CAST(a AS int ARRAY)"), "(cast (col a) int[])");
  EXPECT_EQ(E("a::struct<a int, \"B\" struct<c text>>"),
            "(cast (col a) struct<a int, \"B\" struct<c text>>)");
  EXPECT_EQ(E("CAST(a AS STRUCT(x bigint, y text[]))"),
            "(cast (col a) struct<x bigint, y text[]>)");
  EXPECT_EQ(E("a::map<text, int>"), "(cast (col a) map<text, int>)");
  EXPECT_EQ(E("a::list<int>"), "(cast (col a) int[])");
  EXPECT_EQ(E("a::array<list<int>>"), "(cast (col a) int[][])");
  EXPECT_EQ(E("a::\"MyType\""), "(cast (col a) MyType)");

  auto r = ParseExpression("CAST(x AS Timestamp(6) WITH TIME ZONE[])");
  ASSERT_TRUE(r.ok());
  const auto& cast = static_cast<const CastExpr&>(**r);
  EXPECT_EQ(cast.type.name, "timestamp with time zone");
  EXPECT_EQ(cast.type.modifiers, std::vector<int64_t>{6});
  EXPECT_EQ(cast.type.array_depth, 1);
  EXPECT_EQ(cast.type.loc.column, 11);
}

TEST(ParserTest, CaseExpressions) {
  EXPECT_EQ(E("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"),
            "(case (when (col a) (lit 1)) (when (col b) (lit 2)) (else (lit 3)))");
  EXPECT_EQ(E("CASE x + 1 WHEN 1 THEN 'a' END"),
            "(case (+ (col x) (lit 1)) (when (lit 1) (lit 'a')))");
  EXPECT_EQ(E("CASE WHEN a THEN CASE WHEN b THEN 1 END END"),
            "(case (when (col a) (case (when (col b) (lit 1)))))");
}

TEST(ParserTest, FunctionCalls) {
  EXPECT_EQ(E("f()"), "(call f)");
  EXPECT_EQ(E("count(*)"), "(call count *)");
  EXPECT_EQ(E("count(DISTINCT a)"), "(call count distinct (col a))");
  EXPECT_EQ(E("count(ALL a)"), "(call count (col a))");
  EXPECT_EQ(E("string_agg(b, ',' ORDER BY c DESC NULLS LAST, d)"),
            "(call string_agg (col b) (lit ',') (order_by (desc (col c) nulls_last) "
            "(asc (col d))))");
  EXPECT_EQ(E("sum(x) FILTER (WHERE y > 0)"), "(call sum (col x) (filter (> (col y) (lit 0))))");
  EXPECT_EQ(E("lag(x) IGNORE NULLS OVER (ORDER BY t)"),
            "(call lag (col x) ignore_nulls (over (order (asc (col t)))))");
  EXPECT_EQ(E("lag(x IGNORE NULLS) OVER w"), "(call lag (col x) ignore_nulls (over w))");
  EXPECT_EQ(E("first_value(x) RESPECT NULLS OVER w"), "(call first_value (col x) (over w))");
  EXPECT_EQ(E("s.f(x)"), "(call s.f (col x))");
  EXPECT_EQ(E("left(s, 2) || right(s, 1)"),
            "(|| (call left (col s) (lit 2)) (call right (col s) (lit 1)))");
  EXPECT_EQ(E("COALESCE(a, b, 0) + NULLIF(a, 0) + GREATEST(a, b) + LEAST(a, b)"),
            "(+ (+ (+ (call coalesce (col a) (col b) (lit 0)) (call nullif (col a) (lit 0))) "
            "(call greatest (col a) (col b))) (call least (col a) (col b)))");
  EXPECT_EQ(E("CURRENT_TIMESTAMP"), "(call current_timestamp)");
  EXPECT_EQ(E("CURRENT_DATE"), "(call current_date)");
  EXPECT_EQ(E("NOW()"), "(call now)");
}

TEST(ParserTest, WindowSpecs) {
  EXPECT_EQ(E("count(*) OVER ()"), "(call count * (over))");
  EXPECT_EQ(E("sum(x) OVER (PARTITION BY a, b ORDER BY c ROWS BETWEEN 1 PRECEDING AND 2 "
              "FOLLOWING)"),
            "(call sum (col x) (over (partition (col a) (col b)) (order (asc (col c))) "
            "(rows (preceding (lit 1)) (following (lit 2)))))");
  EXPECT_EQ(E("sum(x) OVER (ROWS UNBOUNDED PRECEDING)"),
            "(call sum (col x) (over (rows unbounded_preceding current_row)))");
  EXPECT_EQ(E("sum(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND "
              "CURRENT ROW)"),
            "(call sum (col x) (over (order (asc (col ts))) (range (preceding (interval '1' "
            "hour)) current_row)))");
  EXPECT_EQ(E("sum(x) OVER (GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)"),
            "(call sum (col x) (over (groups current_row unbounded_following)))");
  EXPECT_EQ(E("rank() OVER (w ORDER BY x)"), "(call rank (over w (order (asc (col x)))))");
  EXPECT_EQ(E("sum(x) OVER (ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW)"),
            "ERROR 1:27: frame start cannot be UNBOUNDED FOLLOWING\n"
            "  sum(x) OVER (ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW)\n"
            "                            ^^^^^^^^^");
  EXPECT_EQ(E("sum(x) OVER (ROWS BETWEEN CURRENT ROW AND UNBOUNDED PRECEDING)"),
            "ERROR 1:43: frame end cannot be UNBOUNDED PRECEDING\n"
            "  sum(x) OVER (ROWS BETWEEN CURRENT ROW AND UNBOUNDED PRECEDING)\n"
            "                                            ^^^^^^^^^");

  auto r = ParseExpression("sum(x) OVER (ROWS 3 PRECEDING)");
  ASSERT_TRUE(r.ok());
  const auto& fn = static_cast<const FunctionCallExpr&>(**r);
  ASSERT_NE(fn.over, nullptr);
  ASSERT_TRUE(fn.over->frame.has_value());
  EXPECT_EQ(fn.over->frame->unit, FrameUnit::kRows);
  EXPECT_EQ(fn.over->frame->start.kind, FrameBoundKind::kPreceding);
  EXPECT_EQ(fn.over->frame->end.kind, FrameBoundKind::kCurrentRow);
}

TEST(ParserTest, SpecialFunctionSyntax) {
  EXPECT_EQ(E("EXTRACT(YEAR FROM ts)"), "(call date_part (lit 'year') (col ts))");
  EXPECT_EQ(E("extract(epoch from ts + INTERVAL '1' DAY)"),
            "(call date_part (lit 'epoch') (+ (col ts) (interval '1' day)))");
  EXPECT_EQ(E("EXTRACT('Month' FROM ts)"), "(call date_part (lit 'month') (col ts))");
  EXPECT_EQ(E("POSITION('a' IN s)"), "(call position (col s) (lit 'a'))");
  EXPECT_EQ(E("position(s, 'a' || 'b')"), "(call position (col s) (|| (lit 'a') (lit 'b')))");
  EXPECT_EQ(E("position(a = b, c)"), "(call position (= (col a) (col b)) (col c))");
  EXPECT_EQ(E("SUBSTRING(s FROM 2 FOR 3)"), "(call substr (col s) (lit 2) (lit 3))");
  EXPECT_EQ(E("SUBSTRING(s FROM 2)"), "(call substr (col s) (lit 2))");
  EXPECT_EQ(E("SUBSTRING(s FOR 3)"), "(call substr (col s) (lit 1) (lit 3))");
  EXPECT_EQ(E("SUBSTRING(s FOR 3 FROM 2)"), "(call substr (col s) (lit 2) (lit 3))");
  EXPECT_EQ(E("substring(s, 1, 2)"), "(call substring (col s) (lit 1) (lit 2))");
  EXPECT_EQ(E("TRIM(s)"), "(call btrim (col s))");
  EXPECT_EQ(E("TRIM(s, 'x')"), "(call btrim (col s) (lit 'x'))");
  EXPECT_EQ(E("TRIM(BOTH 'x' FROM s)"), "(call btrim (col s) (lit 'x'))");
  EXPECT_EQ(E("TRIM('x' FROM s)"), "(call btrim (col s) (lit 'x'))");
  EXPECT_EQ(E("TRIM(LEADING FROM s)"), "(call ltrim (col s))");
  EXPECT_EQ(E("TRIM(LEADING 'x' FROM s)"), "(call ltrim (col s) (lit 'x'))");
  EXPECT_EQ(E("TRIM(TRAILING s)"), "(call rtrim (col s))");
  EXPECT_EQ(E("a AT TIME ZONE 'UTC'"), "(call timezone (lit 'UTC') (col a))");
}

TEST(ParserTest, SubscriptsFieldsAndNames) {
  EXPECT_EQ(E("x[1]"), "(index (col x) (lit 1))");
  EXPECT_EQ(E("x['key']"), "(index (col x) (lit 'key'))");
  EXPECT_EQ(E("x[1:2]"), "(slice (col x) (lit 1) (lit 2))");
  EXPECT_EQ(E("x[:2]"), "(slice (col x) _ (lit 2))");
  EXPECT_EQ(E("x[2:]"), "(slice (col x) (lit 2) _)");
  EXPECT_EQ(E("x[1][2]"), "(index (index (col x) (lit 1)) (lit 2))");
  EXPECT_EQ(E("(x).f"), "(field (col x) f)");
  EXPECT_EQ(E("x.f"), "(col x.f)");
  EXPECT_EQ(E("t.x.f.g"), "(col t.x.f.g)");
  EXPECT_EQ(E("(x[1]).a.b"), "(field (field (index (col x) (lit 1)) a) b)");
  EXPECT_EQ(E("x[1].a"), "(field (index (col x) (lit 1)) a)");
  EXPECT_EQ(E("f(x).a"), "(field (call f (col x)) a)");
  EXPECT_EQ(E("(x).\"Field\""), "(field (col x) \"Field\")");
}

TEST(ParserTest, Subqueries) {
  EXPECT_EQ(E("(SELECT max(a) FROM t) + 1"),
            "(+ (subquery (select (items (call max (col a))) (from (table t)))) (lit 1))");
  EXPECT_EQ(E("((SELECT 1) + 1)"), "(+ (subquery (select (items (lit 1)))) (lit 1))");
  EXPECT_EQ(E("((SELECT 1))"), "(subquery (select (items (lit 1))))");
  EXPECT_EQ(E("((SELECT 1) UNION (SELECT 2))"),
            "(subquery (union (select (items (lit 1))) (select (items (lit 2)))))");
}

TEST(ParserTest, Locations) {
  auto r = ParseStatement("SELECT price + 1 AS p,\n  upper(name)\nFROM flow f");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const SelectStatement& s = Select(*r);
  ASSERT_NE(s.core, nullptr);
  const SelectCore& core = *s.core;
  EXPECT_EQ(core.loc.line, 1);
  EXPECT_EQ(core.loc.column, 1);
  ASSERT_EQ(core.select_list.size(), 2u);
  const Expr& plus = *core.select_list[0].expr;
  EXPECT_EQ(plus.loc.column, 8);
  EXPECT_EQ(plus.loc.length, 9);  // "price + 1"
  const Expr& price = *static_cast<const BinaryExpr&>(plus).left;
  EXPECT_EQ(price.loc.offset, 7);
  EXPECT_EQ(price.loc.length, 5);
  const Expr& call = *core.select_list[1].expr;
  EXPECT_EQ(call.loc.line, 2);
  EXPECT_EQ(call.loc.column, 3);
  EXPECT_EQ(call.loc.length, 11);  // "upper(name)"
  ASSERT_NE(core.from, nullptr);
  EXPECT_EQ(core.from->loc.line, 3);
  EXPECT_EQ(core.from->loc.column, 6);
  EXPECT_EQ(core.from->loc.length, 4);  // the table name
  // The binder renders its errors with these locations.
  EXPECT_EQ(FormatSqlError("SELECT price + 1 AS p,\n  upper(name)\nFROM flow f", price.loc,
                           "column \"price\" does not exist"),
            "1:8: column \"price\" does not exist\n"
            "  SELECT price + 1 AS p,\n"
            "         ^^^^^");
}

TEST(ParserTest, JoinLocationIsTheJoinKeywords) {
  auto r = ParseStatement("SELECT * FROM a LEFT OUTER JOIN b ON true");
  ASSERT_TRUE(r.ok());
  const TableRef& join = *Select(*r).core->from;
  EXPECT_EQ(join.kind, TableRefKind::kJoin);
  EXPECT_EQ(join.loc.column, 17);
  EXPECT_EQ(join.loc.length, 15);  // "LEFT OUTER JOIN"
}

TEST(ParserTest, Scripts) {
  auto r = ParseSql("SELECT 1; ; SELECT 2;\n-- done\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(StatementToString(*(*r)[1]), "(select (items (lit 2)))");
  auto empty = ParseSql("  ;; -- nothing\n");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(P("SELECT 1;"), "(select (items (lit 1)))");
  EXPECT_EQ(Err("SELECT 1; SELECT 2"),
            "1:11: only one statement is allowed here\n  SELECT 1; SELECT 2\n            ^^^^^^");
  EXPECT_EQ(Err(""),
            "1:1: syntax error at end of input; expected SELECT, VALUES, WITH, EXPLAIN, CREATE, "
            "INSERT or SET\n"
            "  \n"
            "  ^");
  EXPECT_EQ(E("a + 1 b"),
            "ERROR 1:7: syntax error at or near \"b\"; expected end of expression\n"
            "  a + 1 b\n"
            "        ^");
}

TEST(ParserTest, SyntaxErrors) {
  EXPECT_EQ(Err("SELECT * FORM t"),
            "1:10: syntax error at or near \"FORM\"; expected FROM, WHERE, GROUP BY, HAVING, "
            "ORDER BY, LIMIT or end of statement\n"
            "  SELECT * FORM t\n"
            "           ^^^^");
  EXPECT_EQ(Err("SELECT a FROM t WHERE a > 1 GROUP BY a HAVING a > 1 b"),
            "1:53: syntax error at or near \"b\"; expected ORDER BY, LIMIT or end of statement\n"
            "  SELECT a FROM t WHERE a > 1 GROUP BY a HAVING a > 1 b\n"
            "                                                      ^");
  EXPECT_EQ(Err("SELECT a FROM t LIMIT 1 x"),
            "1:25: syntax error at or near \"x\"; expected OFFSET or end of statement\n"
            "  SELECT a FROM t LIMIT 1 x\n"
            "                          ^");
  EXPECT_EQ(Err("SELECT a FROM t WHERE"),
            "1:22: syntax error at end of input; expected an expression\n"
            "  SELECT a FROM t WHERE\n"
            "                       ^");
  EXPECT_EQ(Err("SELECT (1 + 2"),
            "1:14: syntax error at end of input; expected \")\" to close \"(\" at 1:8\n"
            "  SELECT (1 + 2\n"
            "               ^");
  EXPECT_EQ(Err("SELECT f(a,\n  b FROM t"),
            "2:5: syntax error at or near \"FROM\"; expected \")\" to close \"(\" at 1:9\n"
            "    b FROM t\n"
            "      ^^^^");
  EXPECT_EQ(Err("SELECT x[1 FROM t"),
            "1:12: syntax error at or near \"FROM\"; expected \"]\" to close \"[\" at 1:9\n"
            "  SELECT x[1 FROM t\n"
            "             ^^^^");
  EXPECT_EQ(Err("SELECT CASE WHEN a THEN 1 FROM t"),
            "1:27: syntax error at or near \"FROM\"; expected WHEN, ELSE or END to close CASE at "
            "1:8\n"
            "  SELECT CASE WHEN a THEN 1 FROM t\n"
            "                            ^^^^");
  EXPECT_EQ(Err("SELECT CASE END"),
            "1:13: syntax error at or near \"END\"; expected WHEN\n"
            "  SELECT CASE END\n"
            "              ^^^");
  EXPECT_EQ(Err("SELECT CAST(a int)"),
            "1:15: syntax error at or near \"int\"; expected AS\n"
            "  SELECT CAST(a int)\n"
            "                ^^^");
  EXPECT_EQ(Err("SELECT * FROM"),
            "1:14: syntax error at end of input; expected a table name, a subquery or a table "
            "function\n"
            "  SELECT * FROM\n"
            "               ^");
  EXPECT_EQ(Err("SELECT * FROM a JOIN b"),
            "1:23: syntax error at end of input; expected ON or USING\n"
            "  SELECT * FROM a JOIN b\n"
            "                        ^");
  EXPECT_EQ(Err("SELECT * FROM a NATURAL b"),
            "1:25: syntax error at or near \"b\"; expected JOIN\n"
            "  SELECT * FROM a NATURAL b\n"
            "                          ^");
  EXPECT_EQ(Err("SELECT a FROM t ORDER a"),
            "1:23: syntax error at or near \"a\"; expected BY\n"
            "  SELECT a FROM t ORDER a\n"
            "                        ^");
  EXPECT_EQ(Err("SELECT a IS 5"),
            "1:13: syntax error at or near \"5\"; expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT "
            "FROM after IS\n"
            "  SELECT a IS 5\n"
            "              ^");
  EXPECT_EQ(Err("SELECT a. + 1"),
            "1:11: syntax error at or near \"+\"; expected a name or \"*\" after \".\"\n"
            "  SELECT a. + 1\n"
            "            ^");
  // After a dot any word is a name, as in PostgreSQL.
  EXPECT_EQ(P("SELECT a. FROM t"), "(select (items (as (col a.from) t)))");
  EXPECT_EQ(Err("SELECT a::"),
            "1:11: syntax error at end of input; expected a type name\n"
            "  SELECT a::\n"
            "            ^");
  EXPECT_EQ(Err("SELECT a::varchar(x)"),
            "1:19: syntax error at or near \"x\"; expected an integer type modifier\n"
            "  SELECT a::varchar(x)\n"
            "                    ^");
  EXPECT_EQ(Err("SELECT a::struct<b int"),
            "1:23: syntax error at end of input; expected \">\" to close \"<\" at 1:17\n"
            "  SELECT a::struct<b int\n"
            "                        ^");
  EXPECT_EQ(Err("SELECT ARRAY(1)"),
            "1:13: syntax error at or near \"(\"; expected \"[\" after ARRAY\n"
            "  SELECT ARRAY(1)\n"
            "              ^");
  EXPECT_EQ(Err("SELECT INTERVAL '1' DAY TO x"),
            "1:28: syntax error at or near \"x\"; expected an interval unit after TO\n"
            "  SELECT INTERVAL '1' DAY TO x\n"
            "                             ^");
  EXPECT_EQ(Err("SELECT EXTRACT(1 FROM ts)"),
            "1:16: syntax error at or near \"1\"; expected a field name (YEAR, MONTH, DAY, EPOCH, "
            "...)\n"
            "  SELECT EXTRACT(1 FROM ts)\n"
            "                 ^");
  EXPECT_EQ(Err("SELECT EXISTS (1)"),
            "1:16: syntax error at or near \"1\"; expected a subquery after EXISTS (\n"
            "  SELECT EXISTS (1)\n"
            "                 ^");
  EXPECT_EQ(Err("SELECT count(*) OVER"),
            "1:21: syntax error at end of input; expected a window name or \"(\" after OVER\n"
            "  SELECT count(*) OVER\n"
            "                      ^");
  EXPECT_EQ(Err("SELECT a FROM t LIMIT 1 LIMIT 2"),
            "1:25: multiple LIMIT clauses are not allowed\n"
            "  SELECT a FROM t LIMIT 1 LIMIT 2\n"
            "                          ^^^^^");
  EXPECT_EQ(Err("SELECT a FROM t FETCH FIRST 1 ROWS WITH TIES"),
            "1:36: FETCH ... WITH TIES is not supported\n"
            "  SELECT a FROM t FETCH FIRST 1 ROWS WITH TIES\n"
            "                                     ^^^^");
  EXPECT_EQ(Err("VALUES (1, 2), (3)"),
            "1:16: VALUES lists must all be the same length (the first has 2, this one 1)\n"
            "  VALUES (1, 2), (3)\n"
            "                 ^^^");
  EXPECT_EQ(Err("CREATE TABLE t (a int)"),
            "1:23: syntax error at end of input; expected WITH ('connector' = ...): tables of a "
            "job are connectors\n"
            "  CREATE TABLE t (a int)\n"
            "                        ^");
  EXPECT_EQ(Err("DELETE FROM t"),
            "1:1: syntax error at or near \"DELETE\"; expected SELECT, VALUES, WITH, EXPLAIN, "
            "CREATE, INSERT or SET\n"
            "  DELETE FROM t\n"
            "  ^^^^^^");
  const std::string kLong = "'a very long string literal that goes on and on and on'";
  EXPECT_EQ(Err("SELECT " + kLong + " x y"),
            "1:66: syntax error at or near \"y\"; expected FROM, WHERE, GROUP BY, HAVING, ORDER "
            "BY, LIMIT or end of statement\n"
            "  SELECT " +
                kLong + " x y\n" + std::string(2 + 65, ' ') + "^");
  // A long token is cut in the message; the caret still covers all of it.
  EXPECT_EQ(Err("SELECT 1 " + kLong),
            "1:10: syntax error at or near \"'a very long string literal that goes on...\"; "
            "expected FROM, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT or end of statement\n"
            "  SELECT 1 " +
                kLong + "\n" + std::string(2 + 9, ' ') + std::string(kLong.size(), '^'));
}

TEST(ParserTest, LexerErrorsComeThrough) {
  EXPECT_EQ(Err("SELECT a FROM t WHERE b = 'x"),
            "1:27: unterminated string literal\n"
            "  SELECT a FROM t WHERE b = 'x\n"
            "                            ^");
  EXPECT_EQ(Err("SELECT a @ b"), "1:10: unexpected character '@'\n  SELECT a @ b\n           ^");
}

TEST(ParserTest, ErrorCaretUnderMultibyteAndTabs) {
  EXPECT_EQ(Err("SELECT 'é', *\tFORM t"),
            "1:16: syntax error at or near \"FORM\"; expected FROM, WHERE, GROUP BY, HAVING, "
            "ORDER BY, LIMIT or end of statement\n"
            "  SELECT 'é', *\tFORM t\n"
            "               \t^^^^");
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(ParserTest, NestingLimit) {
  // Nesting within the limit parses.
  std::string ok = "SELECT " + Repeat("(", 990) + "1" + Repeat(")", 990);
  EXPECT_TRUE(ParseStatement(ok).ok());
  std::string chain = "SELECT " + Repeat("1 + ", 990) + "1";
  EXPECT_TRUE(ParseStatement(chain).ok());

  auto too_deep = [](const std::string& sql) {
    auto r = ParseSql(sql);
    if (r.ok()) return std::string("parsed");
    std::string m = r.status().message();
    return m.substr(m.find(' ') + 1, m.find('\n') - m.find(' ') - 1);
  };
  const std::string kMessage = "nesting depth exceeds the limit of 1000";
  EXPECT_EQ(too_deep("SELECT " + Repeat("(", 1000) + "1" + Repeat(")", 1000)), kMessage);
  EXPECT_EQ(too_deep("SELECT " + Repeat("(", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT " + Repeat("1 + ", 1000) + "1"), kMessage);
  EXPECT_EQ(too_deep("SELECT " + Repeat("a OR ", 100000) + "a"), kMessage);
  EXPECT_EQ(too_deep("SELECT " + Repeat("NOT ", 100000) + "1"), kMessage);
  EXPECT_EQ(too_deep("SELECT " + Repeat("- ", 100000) + "1"), kMessage);
  EXPECT_EQ(too_deep("SELECT " + Repeat("f(", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT " + Repeat("CASE WHEN ", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT " + Repeat("(SELECT ", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT " + Repeat("[", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT x" + Repeat("[1]", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT x" + Repeat("::int", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT 1::" + Repeat("struct<a ", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT * FROM " + Repeat("(", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT * FROM a" + Repeat(" JOIN a ON true", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT * FROM a" + Repeat(", a", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT 1" + Repeat(" UNION SELECT 1", 100000)), kMessage);
  EXPECT_EQ(too_deep("SELECT 1" + Repeat(" INTERSECT SELECT 1", 100000)), kMessage);
  EXPECT_EQ(too_deep(Repeat("(", 100000) + "SELECT 1"), kMessage);
  EXPECT_EQ(too_deep("WITH " + Repeat("a AS (WITH ", 100000)), kMessage);
}

// Parses `sql` on a thread with a `stack_bytes` stack; returns the status message ("" when OK).
std::string ParseOnSmallStack(const std::string& sql, size_t stack_bytes) {
  struct Job {
    const std::string* sql;
    std::string message;
  } job{&sql, ""};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t thread;
  auto run = [](void* arg) -> void* {
    auto* j = static_cast<Job*>(arg);
    auto r = ParseSql(*j->sql);
    if (!r.ok()) j->message = r.status().message();
    return nullptr;
  };
  EXPECT_EQ(pthread_create(&thread, &attr, run, &job), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  return job.message;
}

TEST(ParserTest, SmallThreadStacksGetAnErrorNotACrash) {
  std::string deep = "SELECT " + Repeat("a IN (", 990) + "1" + Repeat(")", 990);
  std::string message = ParseOnSmallStack(deep, 256 << 10);
  EXPECT_EQ(message.substr(message.find(' ') + 1, message.find('\n') - message.find(' ') - 1),
            "statement is nested too deeply for the stack of this thread");
  EXPECT_EQ(ParseOnSmallStack("SELECT " + Repeat("(", 20) + "1" + Repeat(")", 20), 256 << 10), "");
}

TEST(ParserTest, EveryNodeKindIsProduced) {
  // One statement that holds every expression and table reference kind.
  auto r = ParseStatement(
      "WITH c AS (SELECT 1) "
      "SELECT 1, a, *, $1, -a, a + 1, f(a), CASE WHEN a THEN 1 END, a::int, a IS NULL, "
      "a IS DISTINCT FROM b, a IS TRUE, a BETWEEN 1 AND 2, a IN (1), a IN (SELECT 1), "
      "EXISTS (SELECT 1), (SELECT 1), (a).f, a[1], ARRAY[1], INTERVAL '1' DAY "
      "FROM t JOIN (SELECT 1) s ON true, (VALUES (1)) v, generate_series(1, 2) g");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const SelectCore& core = *Select(*r).core;
  std::vector<ExprKind> kinds;
  for (const auto& item : core.select_list) kinds.push_back(item.expr->kind);
  EXPECT_EQ(kinds, (std::vector<ExprKind>{
                       ExprKind::kLiteral,      ExprKind::kColumnRef,      ExprKind::kStar,
                       ExprKind::kParameter,    ExprKind::kUnary,          ExprKind::kBinary,
                       ExprKind::kFunctionCall, ExprKind::kCase,           ExprKind::kCast,
                       ExprKind::kIsNull,       ExprKind::kIsDistinctFrom, ExprKind::kIsBool,
                       ExprKind::kBetween,      ExprKind::kInList,         ExprKind::kInSubquery,
                       ExprKind::kExists,       ExprKind::kSubquery,       ExprKind::kFieldAccess,
                       ExprKind::kSubscript,    ExprKind::kArray,          ExprKind::kInterval}));
  const auto& outer = static_cast<const JoinRef&>(*core.from);
  const auto& inner = static_cast<const JoinRef&>(*outer.left);
  EXPECT_EQ(outer.kind, TableRefKind::kJoin);
  EXPECT_EQ(outer.right->kind, TableRefKind::kTableFunction);
  EXPECT_EQ(inner.right->kind, TableRefKind::kValues);
  const auto& first = static_cast<const JoinRef&>(*inner.left);
  EXPECT_EQ(first.left->kind, TableRefKind::kBaseTable);
  EXPECT_EQ(first.right->kind, TableRefKind::kSubquery);
}

TEST(ParserTest, BinaryOpNames) {
  EXPECT_STREQ(BinaryOpName(BinaryOp::kAdd), "+");
  EXPECT_STREQ(BinaryOpName(BinaryOp::kNotEqual), "<>");
  EXPECT_STREQ(BinaryOpName(BinaryOp::kAnd), "AND");
  EXPECT_STREQ(BinaryOpName(BinaryOp::kConcat), "||");
  EXPECT_STREQ(BinaryOpName(BinaryOp::kJsonGetText), "->>");
  EXPECT_STREQ(BinaryOpName(BinaryOp::kNotILike), "NOT ILIKE");
  EXPECT_STREQ(BinaryOpName(BinaryOp::kNotSimilarTo), "NOT SIMILAR TO");
  EXPECT_STREQ(BinaryOpName(BinaryOp::kRegexNotIMatch), "!~*");
}

TEST(SqlErrorTest, Format) {
  SourceLocation loc;
  loc.line = 2;
  loc.column = 3;
  loc.offset = 8;
  loc.length = 4;
  EXPECT_EQ(FormatSqlError("SELECT\r\n  prise FROM t", loc, "column \"prise\" does not exist"),
            "2:3: column \"prise\" does not exist\n    prise FROM t\n    ^^^^");
  // An unknown location gives the message alone; a caret never runs past the line.
  EXPECT_EQ(FormatSqlError("x", SourceLocation{}, "oops"), "oops");
  loc.line = 1;
  loc.column = 1;
  loc.length = 100;
  EXPECT_EQ(FormatSqlError("ab\ncd", loc, "m"), "1:1: m\n  ab\n  ^^");
  loc.line = 5;
  EXPECT_EQ(FormatSqlError("ab\ncd", loc, "m"), "5:1: m");
  Status s = SqlError(StatusCode::kNotFound, "SELECT a", SourceLocation{1, 8, 7, 1}, "no a");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "1:8: no a\n  SELECT a\n         ^");
}

}  // namespace
}  // namespace ark::sql
