#include "sql/binder.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <string>

#include "sql/parser.h"

namespace ark::sql {
namespace {

class BinderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(catalog_
                    .AddTable("flow", Schema::Make({
                                          Field("id", DataType::Int64()),
                                          Field("channel", DataType::String()),
                                          Field("price", DataType::Int64()),
                                          Field("ts", DataType::Timestamp()),
                                          Field("tags", DataType::List(DataType::String())),
                                          Field("info", DataType::Struct({
                                                            Field("a", DataType::Int64()),
                                                            Field("b", DataType::String()),
                                                        })),
                                      }))
                    .ok());
    ASSERT_TRUE(catalog_
                    .AddTable("users", Schema::Make({
                                           Field("id", DataType::Int64()),
                                           Field("name", DataType::String()),
                                           Field("channel", DataType::String()),
                                       }))
                    .ok());
  }

  Result<LogicalPlan> Bind(const std::string& sql) {
    ARK_ASSIGN_OR_RETURN(StatementPtr stmt, ParseStatement(sql));
    if (stmt->kind != StatementKind::kSelect) return Status::InvalidArgument("not a SELECT");
    return BindQuery(*static_cast<const SelectStmt&>(*stmt).select, catalog_, sql);
  }

  // The unoptimized plan text, or the error message.
  std::string Plan(const std::string& sql) {
    Result<LogicalPlan> plan = Bind(sql);
    if (!plan.ok()) return "ERROR " + plan.status().message();
    return plan->ToString();
  }

  std::string ErrorOf(const std::string& sql) {
    Result<LogicalPlan> plan = Bind(sql);
    if (plan.ok()) return "no error; plan:\n" + plan->ToString();
    return plan.status().message();
  }

  StatusCode CodeOf(const std::string& sql) { return Bind(sql).status().code(); }

  Catalog catalog_;
};

// --- names ----------------------------------------------------------------------------------

TEST_F(BinderTest, UnknownColumnSuggestsTheClosestName) {
  EXPECT_EQ(ErrorOf("SELECT prise FROM flow"),
            "1:8: column \"prise\" does not exist; did you mean \"price\"?\n"
            "  SELECT prise FROM flow\n"
            "         ^^^^^");
  EXPECT_EQ(CodeOf("SELECT prise FROM flow"), StatusCode::kNotFound);
}

TEST_F(BinderTest, UnknownColumnWithoutCloseNameHasNoSuggestion) {
  EXPECT_EQ(ErrorOf("SELECT zzzzzz FROM flow"),
            "1:8: column \"zzzzzz\" does not exist\n"
            "  SELECT zzzzzz FROM flow\n"
            "         ^^^^^^");
}

TEST_F(BinderTest, UnknownQualifiedColumn) {
  EXPECT_EQ(ErrorOf("SELECT f.prise FROM flow f"),
            "1:8: column f.prise does not exist; did you mean \"price\"?\n"
            "  SELECT f.prise FROM flow f\n"
            "         ^^^^^^^");
}

TEST_F(BinderTest, MissingFromClauseEntry) {
  EXPECT_EQ(ErrorOf("SELECT flw.id FROM flow"),
            "1:8: missing FROM-clause entry for table \"flw\"; did you mean \"flow\"?\n"
            "  SELECT flw.id FROM flow\n"
            "         ^^^^^^");
}

TEST_F(BinderTest, AmbiguousColumnListsCandidates) {
  EXPECT_EQ(ErrorOf("SELECT id FROM flow JOIN users ON flow.id = users.id"),
            "1:8: column reference \"id\" is ambiguous; it could refer to \"flow.id\" or "
            "\"users.id\"\n"
            "  SELECT id FROM flow JOIN users ON flow.id = users.id\n"
            "         ^^");
}

TEST_F(BinderTest, UnknownTableSuggestsTheClosestName) {
  EXPECT_EQ(ErrorOf("SELECT * FROM flw"),
            "1:15: relation \"flw\" does not exist; did you mean \"flow\"?\n"
            "  SELECT * FROM flw\n"
            "                ^^^");
  EXPECT_EQ(CodeOf("SELECT * FROM flw"), StatusCode::kNotFound);
}

TEST_F(BinderTest, TableNamedTwice) {
  EXPECT_EQ(ErrorOf("SELECT 1 FROM flow, flow"),
            "1:21: table name \"flow\" specified more than once\n"
            "  SELECT 1 FROM flow, flow\n"
            "                      ^^^^");
}

TEST_F(BinderTest, StarAndQualifiedStarAndExcept) {
  EXPECT_EQ(Plan("SELECT u.*, f.id FROM users u, flow f"),
            "Project [id, name, channel, id]\n"
            "  Join INNER\n"
            "    Scan users [id, name, channel]\n"
            "    Scan flow [id, channel, price, ts, tags, info]\n");
  EXPECT_EQ(Plan("SELECT * EXCEPT (ts, tags, info) FROM flow"),
            "Project [id, channel, price]\n"
            "  Scan flow [id, channel, price, ts, tags, info]\n");
  EXPECT_EQ(ErrorOf("SELECT * EXCEPT (nope) FROM flow"),
            "1:8: column \"nope\" in EXCEPT list does not exist\n"
            "  SELECT * EXCEPT (nope) FROM flow\n"
            "         ^");
  EXPECT_EQ(ErrorOf("SELECT *"),
            "1:8: SELECT * with no tables specified is not valid\n"
            "  SELECT *\n"
            "         ^");
}

TEST_F(BinderTest, UsingMergesTheJoinColumns) {
  // The merged column comes first and once; t.* still has each side's own column.
  EXPECT_EQ(Plan("SELECT * FROM flow JOIN users USING (id, channel) WHERE id > 1"),
            "Project [id, channel, price, ts, tags, info, name]\n"
            "  Filter id > 1\n"
            "    Join INNER ON (id = id) AND (channel = channel)\n"
            "      Scan flow [id, channel, price, ts, tags, info]\n"
            "      Scan users [id, name, channel]\n");
  EXPECT_EQ(Plan("SELECT users.id, id FROM flow FULL JOIN users USING (id)"),
            "Project [id, id]\n"
            "  Project [coalesce(id, id) AS id, id, channel, price, ts, tags, info, id, name, "
            "channel]\n"
            "    Join FULL ON id = id\n"
            "      Scan flow [id, channel, price, ts, tags, info]\n"
            "      Scan users [id, name, channel]\n");
  EXPECT_EQ(ErrorOf("SELECT 1 FROM flow JOIN users USING (price)"),
            "1:20: column \"price\" specified in USING clause does not exist in right table\n"
            "  SELECT 1 FROM flow JOIN users USING (price)\n"
            "                     ^^^^");
}

TEST_F(BinderTest, StructFieldsAndListSubscripts) {
  EXPECT_EQ(Plan("SELECT info.a, flow.info.b, tags[1] FROM flow"),
            "Project [struct_extract(info, 'a') AS a, struct_extract(info, 'b') AS b, "
            "list_element(tags, 1) AS ?column?]\n"
            "  Scan flow [id, channel, price, ts, tags, info]\n");
  EXPECT_EQ(ErrorOf("SELECT info.c FROM flow"),
            "1:8: field \"c\" does not exist in struct<a: int64, b: string>; did you mean "
            "\"a\"?\n"
            "  SELECT info.c FROM flow\n"
            "         ^^^^^^");
  EXPECT_EQ(ErrorOf("SELECT price.a FROM flow"),
            "1:8: cannot access field \"a\" of type int64, which is not a struct\n"
            "  SELECT price.a FROM flow\n"
            "         ^^^^^^^");
}

// --- types ----------------------------------------------------------------------------------

TEST_F(BinderTest, OperatorWithoutMatchingTypes) {
  EXPECT_EQ(ErrorOf("SELECT channel + price FROM flow"),
            "1:16: operator does not exist: string + int64\n"
            "  SELECT channel + price FROM flow\n"
            "                 ^");
  EXPECT_EQ(CodeOf("SELECT channel + price FROM flow"), StatusCode::kTypeError);
  EXPECT_EQ(ErrorOf("SELECT id FROM flow WHERE channel = price"),
            "1:35: operator does not exist: string = int64\n"
            "  SELECT id FROM flow WHERE channel = price\n"
            "                                    ^");
}

TEST_F(BinderTest, StringLiteralsTakeTheOtherSidesType) {
  EXPECT_EQ(Plan("SELECT id FROM flow WHERE ts >= '2024-01-01' AND price < '100'"),
            "Project [id]\n"
            "  Filter (ts >= TIMESTAMP '2024-01-01 00:00:00') AND (price < 100)\n"
            "    Scan flow [id, channel, price, ts, tags, info]\n");
  EXPECT_EQ(ErrorOf("SELECT id + 'x' FROM flow"),
            "1:13: invalid input syntax for type int64: \"x\"\n"
            "  SELECT id + 'x' FROM flow\n"
            "              ^^^");
}

TEST_F(BinderTest, IntegerLiteralsAreInt32UnlessTheyDoNotFit) {
  Result<LogicalPlan> plan = Bind("SELECT 1, 2147483648, -2147483648, 1.5");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const LogicalOp& project = *plan->root;
  ASSERT_EQ(project.exprs.size(), 4u);
  EXPECT_EQ(project.exprs[0]->type, DataType::Int32());
  EXPECT_EQ(project.exprs[1]->type, DataType::Int64());
  EXPECT_EQ(project.exprs[2]->type, DataType::Int32());
  EXPECT_EQ(project.exprs[3]->type, DataType::Float64());
}

TEST_F(BinderTest, ImplicitCastsAreExplicitNodes) {
  EXPECT_EQ(Plan("SELECT price * 1.5, price + 1 FROM flow"),
            "Project [CAST(price AS float64) * 1.5 AS ?column?, price + 1 AS ?column?]\n"
            "  Scan flow [id, channel, price, ts, tags, info]\n");
}

TEST_F(BinderTest, WhereMustBeBoolean) {
  EXPECT_EQ(ErrorOf("SELECT id FROM flow WHERE price"),
            "1:27: argument of WHERE must be type bool, not type int64\n"
            "  SELECT id FROM flow WHERE price\n"
            "                            ^^^^^");
}

TEST_F(BinderTest, CaseBranchesMustShareAType) {
  EXPECT_EQ(ErrorOf("SELECT CASE WHEN id > 1 THEN id ELSE channel END FROM flow"),
            "1:8: CASE types int64 and string cannot be matched\n"
            "  SELECT CASE WHEN id > 1 THEN id ELSE channel END FROM flow\n"
            "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^");
}

TEST_F(BinderTest, SpecialForms) {
  EXPECT_EQ(Plan("SELECT id BETWEEN 1 AND 3, price IS NOT DISTINCT FROM 5, channel NOT LIKE 'g%', "
                 "nullif(id, 2), coalesce(price, 0), id IN (1, 2), info IS NULL, "
                 "id > 1 IS TRUE FROM flow"),
            "Project [(id >= 1) AND (id <= 3) AS ?column?, price IS NOT DISTINCT FROM 5 AS "
            "?column?, NOT (channel LIKE 'g%') AS ?column?, CASE WHEN id = 2 THEN NULL ELSE id END "
            "AS nullif, coalesce(price, 0) AS coalesce, id IN (1, 2) AS ?column?, info IS NULL AS "
            "?column?, (id > 1) IS NOT DISTINCT FROM true AS ?column?]\n"
            "  Scan flow [id, channel, price, ts, tags, info]\n");
}

TEST_F(BinderTest, UnknownFunctionSuggestsTheClosestName) {
  EXPECT_EQ(ErrorOf("SELECT lowr(channel) FROM flow"),
            "1:8: function lowr(string) does not exist; did you mean \"lower\"?\n"
            "  SELECT lowr(channel) FROM flow\n"
            "         ^^^^^^^^^^^^^");
}

// --- aggregates -------------------------------------------------------------------------------

TEST_F(BinderTest, ColumnMustBeGroupedOrAggregated) {
  EXPECT_EQ(ErrorOf("SELECT channel, price FROM flow GROUP BY channel"),
            "1:17: column \"flow.price\" must appear in the GROUP BY clause or be used in an "
            "aggregate function\n"
            "  SELECT channel, price FROM flow GROUP BY channel\n"
            "                  ^^^^^");
  EXPECT_EQ(ErrorOf("SELECT count(*) FROM flow HAVING price > 1"),
            "1:34: column \"flow.price\" must appear in the GROUP BY clause or be used in an "
            "aggregate function\n"
            "  SELECT count(*) FROM flow HAVING price > 1\n"
            "                                   ^^^^^");
}

TEST_F(BinderTest, AggregatesWhereTheyAreNotAllowed) {
  EXPECT_EQ(ErrorOf("SELECT id FROM flow WHERE count(*) > 1"),
            "1:27: aggregate functions are not allowed in WHERE\n"
            "  SELECT id FROM flow WHERE count(*) > 1\n"
            "                            ^^^^^^^^");
  EXPECT_EQ(ErrorOf("SELECT sum(max(price)) FROM flow"),
            "1:12: aggregate function calls cannot be nested\n"
            "  SELECT sum(max(price)) FROM flow\n"
            "             ^^^^^^^^^^");
  EXPECT_EQ(ErrorOf("SELECT count(*) FROM flow GROUP BY sum(price)"),
            "1:36: aggregate functions are not allowed in GROUP BY\n"
            "  SELECT count(*) FROM flow GROUP BY sum(price)\n"
            "                                     ^^^^^^^^^^");
  EXPECT_EQ(ErrorOf("SELECT id FROM flow JOIN users u ON count(*) > 0"),
            "1:37: aggregate functions are not allowed in JOIN conditions\n"
            "  SELECT id FROM flow JOIN users u ON count(*) > 0\n"
            "                                      ^^^^^^^^");
}

TEST_F(BinderTest, GroupByOrdinalsAliasesAndExpressions) {
  EXPECT_EQ(Plan("SELECT lower(channel) AS c, count(*), sum(price) + 1 FROM flow GROUP BY c"),
            "Project [lower(channel) AS c, count(*) AS count, sum(price) + 1 AS ?column?]\n"
            "  Aggregate keys=[lower(channel)] aggs=[count(*), sum(price)]\n"
            "    Scan flow [id, channel, price, ts, tags, info]\n");
  EXPECT_EQ(Plan("SELECT channel, count(*) FROM flow GROUP BY 1 ORDER BY 2 DESC"),
            "Sort [count DESC]\n"
            "  Project [channel, count(*) AS count]\n"
            "    Aggregate keys=[channel] aggs=[count(*)]\n"
            "      Scan flow [id, channel, price, ts, tags, info]\n");
  EXPECT_EQ(ErrorOf("SELECT channel FROM flow GROUP BY 2"),
            "1:35: GROUP BY position 2 is not in select list\n"
            "  SELECT channel FROM flow GROUP BY 2\n"
            "                                    ^");
}

TEST_F(BinderTest, IdenticalAggregatesAreComputedOnce) {
  EXPECT_EQ(Plan("SELECT count(*), count(*) * 2, sum(price) FILTER (WHERE id > 1) FROM flow"),
            "Project [count(*) AS count, count(*) * 2 AS ?column?, sum(price) FILTER (WHERE id > "
            "1) AS sum]\n"
            "  Aggregate keys=[] aggs=[count(*), sum(price) FILTER (WHERE id > 1)]\n"
            "    Scan flow [id, channel, price, ts, tags, info]\n");
}

// --- windows --------------------------------------------------------------------------------

TEST_F(BinderTest, WindowFunctions) {
  EXPECT_EQ(Plan("SELECT id, rank() OVER w, sum(price) OVER (w ROWS BETWEEN 1 PRECEDING AND "
                 "CURRENT ROW) FROM flow WINDOW w AS (PARTITION BY channel ORDER BY price DESC)"),
            "Project [id, rank() OVER (PARTITION BY channel ORDER BY price DESC) AS rank, "
            "sum(price) OVER (PARTITION BY channel ORDER BY price DESC ROWS BETWEEN 1 PRECEDING "
            "AND CURRENT ROW) AS sum]\n"
            "  Window [rank() OVER (PARTITION BY channel ORDER BY price DESC), sum(price) OVER "
            "(PARTITION BY channel ORDER BY price DESC ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)]\n"
            "    Scan flow [id, channel, price, ts, tags, info]\n");
  EXPECT_EQ(ErrorOf("SELECT id FROM flow WHERE rank() OVER (ORDER BY id) = 1"),
            "1:27: window functions are not allowed in WHERE\n"
            "  SELECT id FROM flow WHERE rank() OVER (ORDER BY id) = 1\n"
            "                            ^^^^^^^^^^^^^^^^^^^^^^^^^");
  EXPECT_EQ(ErrorOf("SELECT rank() OVER v FROM flow"),
            "1:8: window \"v\" does not exist\n"
            "  SELECT rank() OVER v FROM flow\n"
            "         ^^^^^^^^^^^^^");
}

TEST_F(BinderTest, QualifyFiltersOnWindowResults) {
  EXPECT_EQ(Plan("SELECT id FROM flow QUALIFY rank() OVER (PARTITION BY channel ORDER BY id) = 1"),
            "Project [id]\n"
            "  Filter rank() OVER (PARTITION BY channel ORDER BY id) = 1\n"
            "    Window [rank() OVER (PARTITION BY channel ORDER BY id)]\n"
            "      Scan flow [id, channel, price, ts, tags, info]\n");
}

// --- ORDER BY, LIMIT, DISTINCT ----------------------------------------------------------------

TEST_F(BinderTest, OrderByAliasOrdinalAndHiddenExpression) {
  EXPECT_EQ(Plan("SELECT channel AS c FROM flow ORDER BY c, price * 2 DESC NULLS LAST LIMIT 3"),
            "Project [c]\n"
            "  Limit 3\n"
            "    Sort [c, price * 2 DESC NULLS LAST]\n"
            "      Project [channel AS c, price * 2]\n"
            "        Scan flow [id, channel, price, ts, tags, info]\n");
  EXPECT_EQ(ErrorOf("SELECT DISTINCT channel FROM flow ORDER BY price"),
            "1:44: for SELECT DISTINCT, ORDER BY expressions must appear in select list\n"
            "  SELECT DISTINCT channel FROM flow ORDER BY price\n"
            "                                             ^^^^^");
  EXPECT_EQ(ErrorOf("SELECT id FROM flow ORDER BY 2"),
            "1:30: ORDER BY position 2 is not in select list\n"
            "  SELECT id FROM flow ORDER BY 2\n"
            "                               ^");
}

TEST_F(BinderTest, LimitMustBeANonNegativeConstant) {
  EXPECT_EQ(ErrorOf("SELECT id FROM flow LIMIT -1"),
            "1:27: LIMIT must not be negative\n"
            "  SELECT id FROM flow LIMIT -1\n"
            "                            ^^");
  EXPECT_EQ(ErrorOf("SELECT id FROM flow LIMIT id"),
            "1:27: argument of LIMIT must not contain variables\n"
            "  SELECT id FROM flow LIMIT id\n"
            "                            ^^");
  EXPECT_EQ(Plan("SELECT id FROM flow LIMIT 2 + 3 OFFSET 1"),
            "Limit 5 OFFSET 1\n"
            "  Project [id]\n"
            "    Scan flow [id, channel, price, ts, tags, info]\n");
}

TEST_F(BinderTest, DistinctOnKeepsTheFirstRowPerKey) {
  EXPECT_EQ(Plan("SELECT DISTINCT ON (channel) channel, id FROM flow ORDER BY channel, price"),
            "Project [channel, id]\n"
            "  Sort [channel, price]\n"
            "    Filter row_number = 1\n"
            "      Window [row_number() OVER (DISTINCT ON)]\n"
            "        Project [channel, id, price]\n"
            "          Scan flow [id, channel, price, ts, tags, info]\n");
}

// --- set operations, VALUES, CTEs -------------------------------------------------------------

TEST_F(BinderTest, SetOperationsUnifyTypes) {
  EXPECT_EQ(Plan("SELECT id FROM flow UNION SELECT 1 INTERSECT SELECT 2"),
            "Distinct\n"
            "  UnionAll\n"
            "    Project [id]\n"
            "      Scan flow [id, channel, price, ts, tags, info]\n"
            "    Project [CAST(?column? AS int64) AS ?column?]\n"
            "      Intersect\n"
            "        Project [1 AS ?column?]\n"
            "          Values rows=1 []\n"
            "        Project [2 AS ?column?]\n"
            "          Values rows=1 []\n");
  EXPECT_EQ(ErrorOf("SELECT id FROM flow UNION SELECT id, price FROM flow"),
            "1:27: each UNION query must have the same number of columns\n"
            "  SELECT id FROM flow UNION SELECT id, price FROM flow\n"
            "                            ^^^^^^");
  EXPECT_EQ(ErrorOf("SELECT id FROM flow EXCEPT SELECT channel FROM flow"),
            "1:28: EXCEPT types int64 and string cannot be matched\n"
            "  SELECT id FROM flow EXCEPT SELECT channel FROM flow\n"
            "                             ^^^^^^");
}

TEST_F(BinderTest, ValuesAndColumnAliases) {
  EXPECT_EQ(Plan("SELECT x, y FROM (VALUES (1, 'a'), (2.5, NULL)) AS v(x, y)"),
            "Project [x, y]\n"
            "  Values rows=2 [x, y]\n");
  EXPECT_EQ(ErrorOf("SELECT * FROM (VALUES (1), (2, 3)) v"),
            "1:28: VALUES lists must all be the same length (the first has 1, this one 2)\n"
            "  SELECT * FROM (VALUES (1), (2, 3)) v\n"
            "                             ^^^^^^");
}

TEST_F(BinderTest, CtesAreInlinedPerReference) {
  EXPECT_EQ(Plan("WITH c AS (SELECT channel FROM flow) SELECT * FROM c a, c b"),
            "Project [channel, channel]\n"
            "  Join INNER\n"
            "    Project [channel]\n"
            "      Scan flow [id, channel, price, ts, tags, info]\n"
            "    Project [channel]\n"
            "      Scan flow [id, channel, price, ts, tags, info]\n");
  EXPECT_EQ(ErrorOf("WITH RECURSIVE c AS (SELECT 1) SELECT * FROM c"),
            "1:1: WITH RECURSIVE is not supported yet\n"
            "  WITH RECURSIVE c AS (SELECT 1) SELECT * FROM c\n"
            "  ^^^^");
}

TEST_F(BinderTest, GenerateSeriesAndUnsupportedTableFunctions) {
  EXPECT_EQ(Plan("SELECT g FROM generate_series(1, 10, 3) AS g"),
            "Project [g]\n"
            "  Values rows=4 [g]\n");
  EXPECT_EQ(Plan("SELECT window_end FROM tumble(TABLE flow, DESCRIPTOR(ts), INTERVAL '1' MINUTE)"),
            "Project [window_end]\n"
            "  WindowTvf TUMBLE(ts, size=1m)\n"
            "    Scan flow [id, channel, price, ts, tags, info]\n");
  EXPECT_EQ(CodeOf("SELECT * FROM unnest(ARRAY[1, 2])"), StatusCode::kUnimplemented);
}

// --- subqueries -------------------------------------------------------------------------------

TEST_F(BinderTest, ScalarSubqueryMustReturnOneColumn) {
  EXPECT_EQ(ErrorOf("SELECT (SELECT id, price FROM flow)"),
            "1:8: subquery must return only one column\n"
            "  SELECT (SELECT id, price FROM flow)\n"
            "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^");
  EXPECT_EQ(ErrorOf("SELECT 1 FROM flow WHERE id IN (SELECT id, price FROM flow)"),
            "1:33: subquery has too many columns\n"
            "  SELECT 1 FROM flow WHERE id IN (SELECT id, price FROM flow)\n"
            "                                  ^^^^^^");
}

TEST_F(BinderTest, UncorrelatedSubqueriesBecomeSlots) {
  EXPECT_EQ(Plan("SELECT id FROM flow WHERE price > (SELECT max(price) FROM users, flow f)"),
            "Project [id]\n"
            "  Filter price > $subquery1\n"
            "    Scan flow [id, channel, price, ts, tags, info]\n"
            "Subquery $subquery1 (scalar):\n"
            "  Limit 2\n"
            "    Project [max(price) AS max]\n"
            "      Aggregate keys=[] aggs=[max(price)]\n"
            "        Join INNER\n"
            "          Scan users [id, name, channel]\n"
            "          Scan flow [id, channel, price, ts, tags, info]\n");
}

TEST_F(BinderTest, InAndExistsBecomeSemiAndAntiJoins) {
  EXPECT_EQ(Plan("SELECT id FROM flow WHERE id IN (SELECT id FROM users) AND NOT EXISTS "
                 "(SELECT 1 FROM users u WHERE u.channel = flow.channel)"),
            "Project [id]\n"
            "  Join ANTI ON channel = channel\n"
            "    Join SEMI ON id = id\n"
            "      Scan flow [id, channel, price, ts, tags, info]\n"
            "      Project [id]\n"
            "        Scan users [id, name, channel]\n"
            "    Project [1 AS ?column?, channel]\n"
            "      Scan users [id, name, channel]\n");
  EXPECT_EQ(Plan("SELECT id FROM flow WHERE id NOT IN (SELECT id FROM users)"),
            "Project [id]\n"
            "  Join ANTI (NOT IN) ON id = id\n"
            "    Scan flow [id, channel, price, ts, tags, info]\n"
            "    Project [id]\n"
            "      Scan users [id, name, channel]\n");
}

TEST_F(BinderTest, CorrelatedScalarAggregateBecomesALeftJoin) {
  EXPECT_EQ(Plan("SELECT name, (SELECT count(*) FROM flow f WHERE f.channel = u.channel) AS n "
                 "FROM users u"),
            "Project [name, CASE WHEN channel IS NULL THEN 0 ELSE count END AS n]\n"
            "  Join LEFT ON channel = channel\n"
            "    Scan users [id, name, channel]\n"
            "    Project [count(*) AS count, channel]\n"
            "      Aggregate keys=[channel] aggs=[count(*)]\n"
            "        Scan flow [id, channel, price, ts, tags, info]\n");
}

TEST_F(BinderTest, CorrelatedScalarValueIsCheckedForOneRowPerKey) {
  EXPECT_EQ(Plan("SELECT (SELECT f.price FROM flow f WHERE f.id = u.id) FROM users u"),
            "Project [price]\n"
            "  Join LEFT ON id = id\n"
            "    Scan users [id, name, channel]\n"
            "    Project [any_value(price) AS price, id]\n"
            "      Assert count(*) <= 1\n"
            "        Aggregate keys=[id] aggs=[any_value(price), count(*)]\n"
            "          Scan flow [id, channel, price, ts, tags, info]\n");
}

TEST_F(BinderTest, UnsupportedCorrelations) {
  EXPECT_EQ(ErrorOf("SELECT (SELECT max(f.price) FROM flow f WHERE f.id > u.id) FROM users u"),
            "1:54: correlated subquery of this form is not supported: a correlated scalar "
            "subquery may only use equality (outer = inner)\n"
            "  SELECT (SELECT max(f.price) FROM flow f WHERE f.id > u.id) FROM users u\n"
            "                                                       ^^^^");
  EXPECT_EQ(ErrorOf("SELECT (SELECT f.price FROM flow f WHERE f.id = u.id LIMIT 1) FROM users u"),
            "1:49: correlated subquery of this form is not supported: ORDER BY, LIMIT and OFFSET "
            "cannot be combined with a reference to the outer query\n"
            "  SELECT (SELECT f.price FROM flow f WHERE f.id = u.id LIMIT 1) FROM users u\n"
            "                                                  ^^^^");
  EXPECT_EQ(ErrorOf("SELECT (SELECT u.name) FROM users u"),
            "1:16: correlated subquery of this form is not supported: the reference to "
            "\"u.name\" from the enclosing query must be in a condition of the subquery's WHERE "
            "clause\n"
            "  SELECT (SELECT u.name) FROM users u\n"
            "                 ^^^^^^");
  EXPECT_EQ(CodeOf("SELECT (SELECT u.name) FROM users u"), StatusCode::kUnimplemented);
}

TEST_F(BinderTest, ParametersAreTypedByTheirContext) {
  Result<LogicalPlan> plan = Bind("SELECT id FROM flow WHERE price > $1 AND channel = $2");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->num_parameters, 2);
  EXPECT_EQ(plan->ToString(),
            "Project [id]\n"
            "  Filter (price > CAST($1 AS int64)) AND (channel = CAST($2 AS string))\n"
            "    Scan flow [id, channel, price, ts, tags, info]\n");
  EXPECT_EQ(ErrorOf("SELECT $1"),
            "1:8: could not determine the data type of a parameter; add a cast ($1::int64)\n"
            "  SELECT $1\n"
            "         ^^");
}

TEST_F(BinderTest, ScalarExpressionOverASchema) {
  Result<ExprPtr> expr = ParseExpression("upper(channel) || '-' || CAST(id AS string)");
  ASSERT_TRUE(expr.ok());
  Schema schema({Field("id", DataType::Int64()), Field("channel", DataType::String())});
  Result<BoundExprPtr> bound = BindScalarExpression(**expr, schema, FunctionRegistry::Builtins(),
                                                    "upper(channel) || '-' || CAST(id AS string)");
  ASSERT_TRUE(bound.ok()) << bound.status().message();
  EXPECT_EQ((*bound)->ToString(), "(upper(#1) || '-') || CAST(#0 AS string)");
}

// Runs `fn` on a thread with a `stack_bytes` stack.
void RunWithStack(size_t stack_bytes, void (*fn)(void*), void* arg) {
  struct Call {
    void (*fn)(void*);
    void* arg;
  } call{fn, arg};
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, stack_bytes), 0);
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* p) -> void* {
                  auto* c = static_cast<Call*>(p);
                  c->fn(c->arg);
                  return nullptr;
                },
                &call),
            0);
  pthread_attr_destroy(&attr);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
}

// Regression (sql_parser fuzzer): 800 nested unary + parsed fine but overflowed the stack in the
// binder, whose frames are larger than the parser's (a sanitizer build has an 8 MiB stack worth
// only ~800 levels). The binder now stops at its stack floor with an error at the expression.
TEST_F(BinderTest, DeepNestingIsAnErrorNotAStackOverflow) {
  const std::string sql = "SELECT " + std::string(990, '+') + "price FROM flow";
  Result<StatementPtr> stmt = ParseStatement(sql);  // on this thread: the parser accepts it
  ASSERT_TRUE(stmt.ok()) << stmt.status().message();
  struct Args {
    const SelectStatement* select;
    const Catalog* catalog;
    const std::string* sql;
    Status deep;
    Status shallow;
  } args{static_cast<const SelectStmt&>(**stmt).select.get(), &catalog_, &sql, {}, {}};
  RunWithStack(
      128 << 10,
      [](void* p) {
        auto* a = static_cast<Args*>(p);
        a->deep = BindQuery(*a->select, *a->catalog, *a->sql).status();
        const std::string small = "SELECT " + std::string(20, '+') + "price FROM flow";
        Result<StatementPtr> s = ParseStatement(small);
        a->shallow =
            s.ok() ? BindQuery(*static_cast<const SelectStmt&>(**s).select, *a->catalog, small)
                         .status()
                   : s.status();
      },
      &args);
  EXPECT_EQ(args.deep.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(args.deep.message().find(
                "stack depth limit exceeded: the statement is nested too deeply\n  SELECT +++"),
            std::string::npos)
      << args.deep.message();
  EXPECT_TRUE(args.shallow.ok()) << args.shallow.message();
  // With the whole stack of this thread it binds.
  EXPECT_TRUE(Bind(sql).ok());
}

}  // namespace
}  // namespace ark::sql
