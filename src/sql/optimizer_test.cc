#include "sql/optimizer.h"

#include <gtest/gtest.h>

#include "sql/binder.h"
#include "sql/parser.h"

namespace ark::sql {
namespace {

class OptimizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(catalog_
                    .AddTable("flow", Schema::Make({
                                          Field("id", DataType::Int64()),
                                          Field("channel", DataType::String()),
                                          Field("price", DataType::Int64()),
                                          Field("qty", DataType::Int32()),
                                      }))
                    .ok());
    ASSERT_TRUE(catalog_
                    .AddTable("users", Schema::Make({
                                           Field("id", DataType::Int64()),
                                           Field("name", DataType::String()),
                                       }))
                    .ok());
  }

  LogicalPlan Bind(const std::string& sql) {
    Result<StatementPtr> stmt = ParseStatement(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status().message();
    Result<LogicalPlan> plan =
        BindQuery(*static_cast<const SelectStmt&>(**stmt).select, catalog_, sql);
    EXPECT_TRUE(plan.ok()) << plan.status().message();
    return std::move(plan).value();
  }

  // Plan text after `rule`.
  std::string After(const std::string& sql, void (*rule)(LogicalPlan*)) {
    LogicalPlan plan = Bind(sql);
    rule(&plan);
    return plan.ToString();
  }

  std::string Optimized(const std::string& sql) {
    LogicalPlan plan = Bind(sql);
    EXPECT_TRUE(Optimize(&plan).ok());
    return plan.ToString();
  }

  Catalog catalog_;
};

// --- constant folding -------------------------------------------------------------------------

TEST_F(OptimizerTest, FoldsConstantSubtrees) {
  const char* sql =
      "SELECT id + (1 + 2) * 3, lower('ABC') FROM flow WHERE 1 = 1 AND price > 2 * 50";
  EXPECT_EQ(Bind(sql).ToString(),
            "Project [id + CAST((1 + 2) * 3 AS int64) AS ?column?, lower('ABC') AS lower]\n"
            "  Filter (1 = 1) AND (price > CAST(2 * 50 AS int64))\n"
            "    Scan flow [id, channel, price, qty]\n");
  EXPECT_EQ(After(sql, FoldConstants),
            "Project [id + 9 AS ?column?, 'abc' AS lower]\n"
            "  Filter price > 100\n"
            "    Scan flow [id, channel, price, qty]\n");
}

TEST_F(OptimizerTest, KeepsNonDeterministicAndFailingExpressions) {
  EXPECT_EQ(After("SELECT random() < 2.0, 1 / 0 FROM flow", FoldConstants),
            "Project [random() < 2 AS ?column?, 1 / 0 AS ?column?]\n"
            "  Scan flow [id, channel, price, qty]\n");
}

TEST_F(OptimizerTest, SimplifiesAndOrAndDropsTrivialFilters) {
  EXPECT_EQ(After("SELECT id FROM flow WHERE price > 1 OR 2 > 1", FoldConstants),
            "Project [id]\n"
            "  Scan flow [id, channel, price, qty]\n");
  EXPECT_EQ(After("SELECT id FROM flow WHERE price > 1 AND 1 > 2", FoldConstants),
            "Project [id]\n"
            "  Values rows=0 [id, channel, price, qty]\n");
  EXPECT_EQ(After("SELECT id FROM flow WHERE NULL", FoldConstants),
            "Project [id]\n"
            "  Values rows=0 [id, channel, price, qty]\n");
}

// --- filter push-down -------------------------------------------------------------------------

TEST_F(OptimizerTest, PushesThroughProjectionsBySubstitution) {
  const char* sql = "SELECT * FROM (SELECT id, price * 2 AS p FROM flow) t WHERE p > 10";
  EXPECT_EQ(Bind(sql).ToString(),
            "Project [id, p]\n"
            "  Filter p > 10\n"
            "    Project [id, price * 2 AS p]\n"
            "      Scan flow [id, channel, price, qty]\n");
  EXPECT_EQ(After(sql, PushDownFilters),
            "Project [id, p]\n"
            "  Project [id, price * 2 AS p]\n"
            "    Filter (price * 2) > 10\n"
            "      Scan flow [id, channel, price, qty]\n");
}

TEST_F(OptimizerTest, PushesIntoInnerJoinSidesAndCondition) {
  EXPECT_EQ(After("SELECT f.id FROM flow f, users u WHERE f.id = u.id AND f.price > 1 AND "
                  "u.name = 'x'",
                  PushDownFilters),
            "Project [id]\n"
            "  Join INNER ON id = id\n"
            "    Filter price > 1\n"
            "      Scan flow [id, channel, price, qty]\n"
            "    Filter name = 'x'\n"
            "      Scan users [id, name]\n");
}

TEST_F(OptimizerTest, OuterJoinsKeepConditionsOnTheNullableSide) {
  EXPECT_EQ(After("SELECT f.id FROM flow f LEFT JOIN users u ON f.id = u.id AND u.name = 'x' AND "
                  "f.price > 5 WHERE f.qty > 1 AND u.name IS NULL",
                  PushDownFilters),
            "Project [id]\n"
            "  Filter name IS NULL\n"
            "    Join LEFT ON (id = id) AND (price > 5)\n"
            "      Filter qty > 1\n"
            "        Scan flow [id, channel, price, qty]\n"
            "      Filter name = 'x'\n"
            "        Scan users [id, name]\n");
  EXPECT_EQ(After("SELECT f.id FROM flow f FULL JOIN users u ON f.id = u.id WHERE f.qty > 1",
                  PushDownFilters),
            "Project [id]\n"
            "  Filter qty > 1\n"
            "    Join FULL ON id = id\n"
            "      Scan flow [id, channel, price, qty]\n"
            "      Scan users [id, name]\n");
}

TEST_F(OptimizerTest, PushesBelowAggregatesOnlyOnGroupKeys) {
  EXPECT_EQ(After("SELECT * FROM (SELECT channel, count(*) AS c FROM flow GROUP BY channel) t "
                  "WHERE channel = 'a' AND c > 1",
                  PushDownFilters),
            "Project [channel, c]\n"
            "  Project [channel, count(*) AS c]\n"
            "    Filter count(*) > 1\n"
            "      Aggregate keys=[channel] aggs=[count(*)]\n"
            "        Filter channel = 'a'\n"
            "          Scan flow [id, channel, price, qty]\n");
}

TEST_F(OptimizerTest, PushesIntoEachUnionInputButNotThroughLimit) {
  EXPECT_EQ(After("SELECT * FROM (SELECT id FROM flow UNION ALL SELECT id FROM users) t "
                  "WHERE id > 3",
                  PushDownFilters),
            "Project [id]\n"
            "  UnionAll\n"
            "    Project [id]\n"
            "      Filter id > 3\n"
            "        Scan flow [id, channel, price, qty]\n"
            "    Project [id]\n"
            "      Filter id > 3\n"
            "        Scan users [id, name]\n");
  EXPECT_EQ(After("SELECT * FROM (SELECT id FROM flow LIMIT 5) t WHERE id > 3", PushDownFilters),
            "Project [id]\n"
            "  Filter id > 3\n"
            "    Limit 5\n"
            "      Project [id]\n"
            "        Scan flow [id, channel, price, qty]\n");
}

// Regression (sql_parser fuzzer, tests/fuzz/corpus/sql_parser/flow03.sql): pushing into a set
// operation read a branch's columns after moving the branch out — a null dereference whenever
// the compiler evaluates the call's arguments left to right (clang).
TEST_F(OptimizerTest, PushesIntoSetOperationBranches) {
  EXPECT_EQ(
      After("SELECT * FROM (SELECT id, channel FROM flow EXCEPT SELECT id, name FROM users) t "
            "WHERE id > 3",
            PushDownFilters),
      "Project [id, channel]\n"
      "  Except\n"
      "    Project [id, channel]\n"
      "      Filter id > 3\n"
      "        Scan flow [id, channel, price, qty]\n"
      "    Project [id, name]\n"
      "      Filter id > 3\n"
      "        Scan users [id, name]\n");
  const char* fuzz_input =
      "WITH x AS (SELECT id, channel FROM flow WHERE price > 1.5) SELECT * FROM x WHERE id IN "
      "(SELECT id FROM flow) UNION ALL SELECT id, channel FROM flow EXCEPT SELECT 1, 'z'";
  EXPECT_EQ(Optimized(fuzz_input),
            "Except\n"
            "  UnionAll\n"
            "    Project [id, channel]\n"
            "      Join SEMI ON id = id\n"
            "        Project [id, channel]\n"
            "          Filter CAST(price AS float64) > 1.5\n"
            "            Scan flow [id, channel, price]\n"
            "        Project [id]\n"
            "          Scan flow [id]\n"
            "    Project [id, channel]\n"
            "      Scan flow [id, channel]\n"
            "  Project [1 AS ?column?, 'z' AS ?column?]\n"
            "    Values rows=1 []\n");
}

TEST_F(OptimizerTest, PushesIntoSubqueryPlans) {
  EXPECT_EQ(After("SELECT id FROM flow WHERE price > (SELECT max(p) FROM (SELECT price AS p FROM "
                  "flow) t WHERE p < 100)",
                  PushDownFilters),
            "Project [id]\n"
            "  Filter price > $subquery1\n"
            "    Scan flow [id, channel, price, qty]\n"
            "Subquery $subquery1 (scalar):\n"
            "  Limit 2\n"
            "    Project [max(p) AS max]\n"
            "      Aggregate keys=[] aggs=[max(p)]\n"
            "        Project [price AS p]\n"
            "          Filter price < 100\n"
            "            Scan flow [id, channel, price, qty]\n");
}

// --- projection push-down ---------------------------------------------------------------------

TEST_F(OptimizerTest, PrunesUnreadColumnsEverywhere) {
  EXPECT_EQ(After("SELECT c FROM (SELECT channel AS c, count(*) AS n, sum(price) AS s FROM flow "
                  "GROUP BY channel) t",
                  PruneColumns),
            "Project [c]\n"
            "  Project [channel AS c]\n"
            "    Aggregate keys=[channel] aggs=[]\n"
            "      Scan flow [channel]\n");
  EXPECT_EQ(After("SELECT f.id FROM flow f JOIN users u ON f.id = u.id", PruneColumns),
            "Project [id]\n"
            "  Join INNER ON id = id\n"
            "    Scan flow [id]\n"
            "    Scan users [id]\n");
  EXPECT_EQ(After("SELECT a FROM (SELECT id AS a, price AS b FROM flow UNION ALL SELECT id, "
                  "length(name) FROM users) t",
                  PruneColumns),
            "Project [a]\n"
            "  UnionAll\n"
            "    Project [id AS a]\n"
            "      Scan flow [id]\n"
            "    Project [id]\n"
            "      Project [id]\n"
            "        Scan users [id]\n");
  EXPECT_EQ(After("SELECT count(*) FROM flow", PruneColumns),
            "Project [count(*) AS count]\n"
            "  Aggregate keys=[] aggs=[count(*)]\n"
            "    Scan flow []\n");
}

TEST_F(OptimizerTest, DistinctKeepsEveryColumn) {
  EXPECT_EQ(After("SELECT id FROM (SELECT DISTINCT id, channel FROM flow) t", PruneColumns),
            "Project [id]\n"
            "  Distinct\n"
            "    Project [id, channel]\n"
            "      Scan flow [id, channel]\n");
}

// --- simplifications --------------------------------------------------------------------------

TEST_F(OptimizerTest, LimitOverSortBecomesTopN) {
  EXPECT_EQ(After("SELECT id FROM flow ORDER BY price DESC LIMIT 3 OFFSET 1", SimplifyPlan),
            "Project [id]\n"
            "  TopN 3 OFFSET 1 [price DESC]\n"
            "    Project [id, price]\n"
            "      Scan flow [id, channel, price, qty]\n");
}

TEST_F(OptimizerTest, MergesProjectionsUnlessWorkWouldRepeat) {
  EXPECT_EQ(After("SELECT p + 1 AS q FROM (SELECT price * 2 AS p FROM flow) t", SimplifyPlan),
            "Project [(price * 2) + 1 AS q]\n"
            "  Scan flow [id, channel, price, qty]\n");
  EXPECT_EQ(After("SELECT p + p AS q FROM (SELECT price * 2 AS p FROM flow) t", SimplifyPlan),
            "Project [p + p AS q]\n"
            "  Project [price * 2 AS p]\n"
            "    Scan flow [id, channel, price, qty]\n");
}

TEST_F(OptimizerTest, AllRulesTogether) {
  EXPECT_EQ(Optimized("SELECT channel, count(*) AS cnt FROM (SELECT * FROM flow) f WHERE price > "
                      "10 * 10 GROUP BY channel ORDER BY cnt DESC LIMIT 10"),
            "TopN 10 [cnt DESC]\n"
            "  Project [channel, count(*) AS cnt]\n"
            "    Aggregate keys=[channel] aggs=[count(*)]\n"
            "      Project [channel]\n"
            "        Filter price > 100\n"
            "          Scan flow [channel, price]\n");
}

}  // namespace
}  // namespace ark::sql
