#include "sql/query.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/column_builder.h"
#include "core/value.h"

namespace ark::sql {
namespace {

// A column of `type` from values (std::nullopt = NULL).
ColumnPtr Column(const DataType& type, const std::vector<std::optional<Value>>& values) {
  std::unique_ptr<ColumnBuilder> b = MakeBuilder(type);
  for (const auto& v : values) {
    if (v) {
      v->AppendTo(*b);
    } else {
      b->AppendNull();
    }
  }
  return b->Finish();
}

std::optional<Value> I(int64_t v) { return Value::Int64(v); }
std::optional<Value> I32(int32_t v) { return Value::Int32(v); }
std::optional<Value> S(const char* v) { return Value::String(v); }
const std::nullopt_t N = std::nullopt;

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    flow_schema_ =
        Schema::Make({Field("id", DataType::Int64()), Field("channel", DataType::String()),
                      Field("price", DataType::Int64()), Field("qty", DataType::Int32())});
    // Two batches, to exercise operators across batch boundaries.
    flow_.push_back(Batch(flow_schema_,
                          {Column(DataType::Int64(), {I(1), I(2), I(3)}),
                           Column(DataType::String(), {S("google"), S("bing"), S("google")}),
                           Column(DataType::Int64(), {I(120), I(80), I(300)}),
                           Column(DataType::Int32(), {I32(1), I32(2), N})},
                          3));
    flow_.push_back(Batch(flow_schema_,
                          {Column(DataType::Int64(), {I(4), I(5), I(6)}),
                           Column(DataType::String(), {S("direct"), S("bing"), N}),
                           Column(DataType::Int64(), {I(50), I(150), N}),
                           Column(DataType::Int32(), {I32(1), I32(3), I32(2)})},
                          3));
    users_schema_ = Schema::Make({Field("id", DataType::Int64()), Field("name", DataType::String()),
                                  Field("channel", DataType::String())});
    users_.push_back(Batch(users_schema_,
                           {Column(DataType::Int64(), {I(1), I(2), I(3)}),
                            Column(DataType::String(), {S("ann"), S("bob"), S("cid")}),
                            Column(DataType::String(), {S("google"), S("bing"), N})},
                           3));
    ASSERT_TRUE(catalog_.AddTable("flow", flow_schema_).ok());
    ASSERT_TRUE(catalog_.AddTable("users", users_schema_).ok());
  }

  QueryInputs Inputs() const {
    QueryInputs in;
    in.tables["flow"] = flow_;
    in.tables["users"] = users_;
    return in;
  }

  // Rows as "a | b" strings, or the error.
  std::vector<std::string> Rows(const std::string& sql, KernelContext ctx = {}) {
    Result<std::unique_ptr<PreparedQuery>> q = PreparedQuery::Prepare(sql, catalog_);
    if (!q.ok()) return {"PREPARE ERROR: " + q.status().message()};
    Result<std::vector<Batch>> r = (*q)->Execute(Inputs(), std::move(ctx));
    if (!r.ok()) return {"ERROR: " + r.status().message()};
    return ToRows(*r);
  }

  static std::vector<std::string> ToRows(const std::vector<Batch>& batches) {
    std::vector<std::string> rows;
    for (const Batch& b : batches) {
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        std::string line;
        for (int c = 0; c < b.num_columns(); ++c) {
          if (c) line += " | ";
          line += b.column(c)->ValueToString(r);
        }
        rows.push_back(std::move(line));
      }
    }
    return rows;
  }

  using V = std::vector<std::string>;

  SchemaPtr flow_schema_, users_schema_;
  std::vector<Batch> flow_, users_;
  Catalog catalog_;
};

TEST_F(QueryTest, FilterAndProject) {
  EXPECT_EQ(Rows("SELECT id, price * 2 AS p FROM flow WHERE price > 100"),
            (V{"1 | 240", "3 | 600", "5 | 300"}));
  auto q = PreparedQuery::Prepare("SELECT id, price * 2 AS p, qty FROM flow", catalog_);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)->output_schema()->ToString(), "id: int64, p: int64, qty: int32");
}

TEST_F(QueryTest, GroupByWithOrderBy) {
  EXPECT_EQ(Rows("SELECT channel, count(*) AS cnt, sum(price) AS total FROM flow GROUP BY "
                 "channel ORDER BY channel NULLS FIRST"),
            (V{"NULL | 1 | NULL", "bing | 2 | 230", "direct | 1 | 50", "google | 2 | 420"}));
  EXPECT_EQ(Rows("SELECT channel, count(*) FROM flow GROUP BY 1 HAVING sum(qty) > 2 ORDER BY 1"),
            (V{"bing | 2"}));
}

TEST_F(QueryTest, AggregateOverNoRowsGivesOneRow) {
  EXPECT_EQ(Rows("SELECT count(*), sum(price), max(channel) FROM flow WHERE price > 1000"),
            (V{"0 | NULL | NULL"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM flow"), (V{"6"}));
}

TEST_F(QueryTest, Joins) {
  EXPECT_EQ(Rows("SELECT u.name, f.id FROM users u JOIN flow f ON f.channel = u.channel "
                 "ORDER BY 1, 2"),
            (V{"ann | 1", "ann | 3", "bob | 2", "bob | 5"}));
  EXPECT_EQ(Rows("SELECT u.name, f.id FROM users u LEFT JOIN flow f ON f.channel = u.channel "
                 "ORDER BY 1, 2"),
            (V{"ann | 1", "ann | 3", "bob | 2", "bob | 5", "cid | NULL"}));
  EXPECT_EQ(Rows("SELECT channel, name, id FROM users JOIN flow USING (id, channel) ORDER BY id"),
            (V{"google | ann | 1", "bing | bob | 2"}));
  EXPECT_EQ(
      Rows("SELECT f.id, u.name FROM flow f FULL JOIN users u ON f.id = u.id + 4 "
           "ORDER BY f.id NULLS LAST, u.name"),
      (V{"1 | NULL", "2 | NULL", "3 | NULL", "4 | NULL", "5 | ann", "6 | bob", "NULL | cid"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM flow a, flow b WHERE a.price < b.price"), (V{"10"}));
}

TEST_F(QueryTest, InAndNotInFollowSqlNullRules) {
  EXPECT_EQ(Rows("SELECT id FROM flow WHERE channel IN (SELECT channel FROM users) ORDER BY id"),
            (V{"1", "2", "3", "5"}));
  // users.channel holds a NULL: NOT IN is never true.
  EXPECT_EQ(Rows("SELECT id FROM flow WHERE channel NOT IN (SELECT channel FROM users)"), V{});
  EXPECT_EQ(Rows("SELECT id FROM flow WHERE channel NOT IN (SELECT channel FROM users WHERE "
                 "channel IS NOT NULL) ORDER BY id"),
            (V{"4"}));
  EXPECT_EQ(Rows("SELECT id, channel IN (SELECT channel FROM users) FROM flow ORDER BY id"),
            (V{"1 | true", "2 | true", "3 | true", "4 | NULL", "5 | true", "6 | NULL"}));
  EXPECT_EQ(Rows("SELECT id, channel NOT IN (SELECT channel FROM users WHERE id < 3) FROM flow "
                 "ORDER BY id"),
            (V{"1 | false", "2 | false", "3 | false", "4 | true", "5 | false", "6 | NULL"}));
}

TEST_F(QueryTest, ExistsAndCorrelatedSubqueries) {
  EXPECT_EQ(Rows("SELECT name FROM users u WHERE EXISTS (SELECT 1 FROM flow f WHERE f.channel = "
                 "u.channel AND f.price > 100) ORDER BY name"),
            (V{"ann", "bob"}));
  EXPECT_EQ(Rows("SELECT name FROM users u WHERE NOT EXISTS (SELECT 1 FROM flow f WHERE "
                 "f.channel = u.channel AND f.price > 200)"),
            (V{"bob", "cid"}));
  EXPECT_EQ(Rows("SELECT name, (SELECT count(*) FROM flow f WHERE f.channel = u.channel) AS n, "
                 "(SELECT max(price) FROM flow f WHERE f.channel = u.channel) AS m FROM users u "
                 "ORDER BY name"),
            (V{"ann | 2 | 300", "bob | 2 | 150", "cid | 0 | NULL"}));
  EXPECT_EQ(Rows("SELECT EXISTS (SELECT 1 FROM flow WHERE price > 250), NOT EXISTS (SELECT 1 FROM "
                 "users WHERE id > 5)"),
            (V{"true | true"}));
  // A correlated EXISTS inside an expression.
  EXPECT_EQ(Rows("SELECT id FROM flow f WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = f.id) OR "
                 "f.id = 6 ORDER BY id"),
            (V{"1", "2", "3", "6"}));
}

TEST_F(QueryTest, CorrelatedScalarValueOfOneRow) {
  EXPECT_EQ(
      Rows("SELECT f.id, (SELECT name FROM users u WHERE u.id = f.id) FROM flow f ORDER BY 1"),
      (V{"1 | ann", "2 | bob", "3 | cid", "4 | NULL", "5 | NULL", "6 | NULL"}));
  // bing matches two flow rows.
  EXPECT_EQ(Rows("SELECT name, (SELECT id FROM flow f WHERE f.channel = u.channel) FROM users u"),
            (V{"ERROR: more than one row returned by a subquery used as an expression"}));
}

TEST_F(QueryTest, ScalarSubqueries) {
  EXPECT_EQ(Rows("SELECT id FROM flow WHERE price > (SELECT avg(price) FROM flow) ORDER BY id"),
            (V{"3", "5"}));
  EXPECT_EQ(Rows("SELECT (SELECT name FROM users WHERE id = 7)"), (V{"NULL"}));
  EXPECT_EQ(Rows("SELECT (SELECT name FROM users)"),
            (V{"ERROR: more than one row returned by a subquery used as an expression"}));
}

TEST_F(QueryTest, WindowFunctions) {
  EXPECT_EQ(Rows("SELECT id, row_number() OVER (PARTITION BY channel ORDER BY price DESC) AS rn "
                 "FROM flow WHERE channel IS NOT NULL ORDER BY id"),
            (V{"1 | 2", "2 | 2", "3 | 1", "4 | 1", "5 | 1"}));
  EXPECT_EQ(Rows("SELECT id FROM flow WHERE channel IS NOT NULL QUALIFY rank() OVER (PARTITION BY "
                 "channel ORDER BY price) = 1 ORDER BY id"),
            (V{"1", "2", "4"}));
  EXPECT_EQ(Rows("SELECT DISTINCT ON (channel) channel, id FROM flow ORDER BY channel, price DESC"),
            (V{"bing | 5", "direct | 4", "google | 3", "NULL | 6"}));
}

TEST_F(QueryTest, SetOperationsAndValues) {
  EXPECT_EQ(Rows("SELECT channel FROM flow UNION SELECT channel FROM users ORDER BY 1"),
            (V{"bing", "direct", "google", "NULL"}));
  EXPECT_EQ(Rows("SELECT id FROM flow INTERSECT SELECT id + 3 FROM users ORDER BY 1"),
            (V{"4", "5", "6"}));
  EXPECT_EQ(Rows("SELECT id FROM flow EXCEPT SELECT id FROM users ORDER BY 1"), (V{"4", "5", "6"}));
  EXPECT_EQ(Rows("SELECT x * 10, y FROM (VALUES (1, 'a'), (2, NULL)) AS v(x, y) UNION ALL "
                 "SELECT id, name FROM users WHERE id = 3"),
            (V{"10 | a", "20 | NULL", "3 | cid"}));
  EXPECT_EQ(Rows("SELECT sum(g) FROM generate_series(1, 100) AS g"), (V{"5050"}));
}

TEST_F(QueryTest, OrderByLimitAndOffset) {
  EXPECT_EQ(Rows("SELECT id FROM flow LIMIT 3 OFFSET 2"), (V{"3", "4", "5"}));
  EXPECT_EQ(Rows("SELECT id, price FROM flow ORDER BY price DESC NULLS LAST LIMIT 2"),
            (V{"3 | 300", "5 | 150"}));
  EXPECT_EQ(Rows("SELECT id FROM flow ORDER BY qty, id DESC LIMIT 10 OFFSET 4"), (V{"5", "3"}));
  EXPECT_EQ(Rows("SELECT DISTINCT qty FROM flow ORDER BY qty"), (V{"1", "2", "3", "NULL"}));
}

TEST_F(QueryTest, CtesAndDerivedTables) {
  EXPECT_EQ(Rows("WITH big AS (SELECT id, channel FROM flow WHERE price >= 120) SELECT a.id, b.id "
                 "FROM big a JOIN big b ON a.channel = b.channel AND a.id < b.id"),
            (V{"1 | 3"}));
  EXPECT_EQ(Rows("SELECT c, n FROM (SELECT channel AS c, count(*) AS n FROM flow GROUP BY "
                 "channel) t WHERE n > 1 ORDER BY c"),
            (V{"bing | 2", "google | 2"}));
}

TEST_F(QueryTest, Parameters) {
  KernelContext ctx;
  ctx.parameters = {Value::Int64(100)};
  EXPECT_EQ(Rows("SELECT id FROM flow WHERE price > $1 ORDER BY id", ctx), (V{"1", "3", "5"}));
  ctx.parameters = {Value::String("150")};
  EXPECT_EQ(Rows("SELECT id FROM flow WHERE price >= $1 ORDER BY id", ctx), (V{"3", "5"}));
  EXPECT_EQ(Rows("SELECT id FROM flow WHERE price > $1"),
            (V{"ERROR: the statement has 1 parameters but 0 values were supplied"}));
}

TEST_F(QueryTest, RuntimeErrors) {
  EXPECT_EQ(Rows("SELECT price / (qty - 1) FROM flow"), (V{"ERROR: division by zero"}));
  // Folding leaves failing constants for run time; CASE guards them.
  EXPECT_EQ(Rows("SELECT CASE WHEN id > 10 THEN 1 / 0 ELSE id END FROM flow WHERE id = 1"),
            (V{"1"}));
}

TEST_F(QueryTest, InputBatchesAreCheckedAgainstThePreparedSchema) {
  auto q = PreparedQuery::Prepare("SELECT price FROM flow", catalog_);
  ASSERT_TRUE(q.ok());
  SchemaPtr wrong =
      Schema::Make({Field("id", DataType::Int64()), Field("price", DataType::String())});
  QueryInputs in;
  in.tables["flow"] = {
      Batch(wrong, {Column(DataType::Int64(), {I(1)}), Column(DataType::String(), {S("x")})}, 1)};
  Result<std::vector<Batch>> r = (*q)->Execute(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTypeError);
  EXPECT_EQ(r.status().message(),
            "table \"flow\": column \"price\" is string in the input batch, but the query was "
            "prepared for int64");
  // Extra columns and another order are fine: columns are found by name.
  SchemaPtr reordered =
      Schema::Make({Field("extra", DataType::Bool()), Field("price", DataType::Int64())});
  in.tables["flow"] = {
      Batch(reordered,
            {Column(DataType::Bool(), {Value::Bool(true)}), Column(DataType::Int64(), {I(7)})}, 1)};
  r = (*q)->Execute(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToRows(*r), (V{"7"}));
}

TEST_F(QueryTest, MissingTablesAreEmpty) {
  auto q = PreparedQuery::Prepare("SELECT count(*) FROM flow, users", catalog_);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)->input_tables(), (std::vector<std::string>{"flow", "users"}));
  QueryInputs in;
  in.tables["flow"] = flow_;
  Result<std::vector<Batch>> r = (*q)->Execute(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToRows(*r), (V{"0"}));
}

TEST_F(QueryTest, ExecutionsAreReusableAndIndependent) {
  auto q = PreparedQuery::Prepare(
      "SELECT channel, count(*) FROM flow WHERE price > (SELECT min(price) FROM flow) GROUP BY "
      "channel ORDER BY 1 LIMIT 2",
      catalog_);
  ASSERT_TRUE(q.ok()) << q.status().message();
  std::unique_ptr<QueryExecution> exec = (*q)->NewExecution();
  QueryInputs first;
  first.tables["flow"] = flow_;
  QueryInputs second;
  second.tables["flow"] = {flow_[0]};
  for (int round = 0; round < 2; ++round) {
    Result<std::vector<Batch>> a = exec->Run(first);
    ASSERT_TRUE(a.ok()) << a.status().message();
    EXPECT_EQ(ToRows(*a), (V{"bing | 2", "google | 2"}));
    Result<std::vector<Batch>> b = exec->Run(second);
    ASSERT_TRUE(b.ok()) << b.status().message();
    EXPECT_EQ(ToRows(*b), (V{"google | 2"}));
  }
  auto plain = PreparedQuery::Prepare("SELECT sum(qty) FROM flow", catalog_);
  ASSERT_TRUE(plain.ok());
  std::unique_ptr<QueryExecution> exec2 = (*plain)->NewExecution();
  for (int round = 0; round < 3; ++round) {
    Result<std::vector<Batch>> r = exec2->Run(first);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(ToRows(*r), (V{"9"}));
  }
}

TEST_F(QueryTest, ExecuteFromSeveralThreads) {
  auto q = PreparedQuery::Prepare(
      "SELECT u.name, sum(f.price) FROM flow f JOIN users u USING (channel) GROUP BY u.name "
      "ORDER BY 1",
      catalog_);
  ASSERT_TRUE(q.ok()) << q.status().message();
  std::vector<std::vector<std::string>> results(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        Result<std::vector<Batch>> r = (*q)->Execute(Inputs());
        results[t] = r.ok() ? ToRows(*r) : V{r.status().message()};
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& r : results) EXPECT_EQ(r, (V{"ann | 420", "bob | 230"}));
}

TEST_F(QueryTest, ExplainShowsTheOptimizedPlan) {
  auto q = PreparedQuery::Prepare(
      "EXPLAIN SELECT channel, count(*) AS cnt FROM flow WHERE price > 100 GROUP BY channel",
      catalog_);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_TRUE((*q)->is_explain());
  const std::string plan =
      "Project [channel, count(*) AS cnt]\n"
      "  HashAggregate keys=[channel] aggs=[count(*)]\n"
      "    Filter (price > 100)\n"
      "      Scan flow [channel, price]\n";
  EXPECT_EQ((*q)->Explain(), plan);
  EXPECT_EQ((*q)->output_schema()->ToString(), "plan: string not null");
  Result<std::vector<Batch>> r = (*q)->Execute({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToRows(*r), (V{"Project [channel, count(*) AS cnt]",
                           "  HashAggregate keys=[channel] aggs=[count(*)]",
                           "    Filter (price > 100)", "      Scan flow [channel, price]"}));
}

TEST_F(QueryTest, ExplainJoinsAndSubqueries) {
  auto q = PreparedQuery::Prepare(
      "SELECT f.id FROM flow f LEFT JOIN users u ON f.id = u.id AND f.price > u.id WHERE f.qty > "
      "(SELECT min(qty) FROM flow) ORDER BY f.price DESC LIMIT 2",
      catalog_);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ((*q)->Explain(),
            "Project [id]\n"
            "  TopN 2 [price DESC]\n"
            "    Project [id, price]\n"
            "      HashJoin LEFT keys=[id = id] residual=(price > id)\n"
            "        Filter (qty > $subquery1)\n"
            "          Scan flow [id, price, qty]\n"
            "        Scan users [id]\n"
            "Subquery $subquery1 (scalar):\n"
            "  Limit 2\n"
            "    Project [min(qty) AS min]\n"
            "      HashAggregate keys=[] aggs=[min(qty)]\n"
            "        Scan flow [qty]\n");
}

TEST_F(QueryTest, PrepareErrorsPointIntoTheText) {
  EXPECT_EQ(Rows("SELECT prise FROM flow"),
            (V{"PREPARE ERROR: 1:8: column \"prise\" does not exist; did you mean \"price\"?\n"
               "  SELECT prise FROM flow\n"
               "         ^^^^^"}));
  auto q = PreparedQuery::Prepare("SELEC 1", catalog_);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), StatusCode::kParseError);
}

TEST_F(QueryTest, StructAndListColumns) {
  Catalog catalog;
  DataType info = DataType::Struct({Field("a", DataType::Int64()), Field("b", DataType::String())});
  SchemaPtr schema =
      Schema::Make({Field("tags", DataType::List(DataType::String())), Field("info", info)});
  ASSERT_TRUE(catalog.AddTable("events", schema).ok());
  Value row_tags = Value::List(DataType::String(), {Value::String("x"), Value::String("y")});
  Value row_info = Value::Struct(info, {Value::Int64(7), Value::String("seven")});
  Batch batch(schema, {Column(schema->field(0).type, {row_tags}), Column(info, {row_info})}, 1);
  auto q = PreparedQuery::Prepare("SELECT info.a + 1, events.info.b, tags[2], tags[5] FROM events",
                                  catalog);
  ASSERT_TRUE(q.ok()) << q.status().message();
  QueryInputs in;
  in.tables["events"] = {batch};
  Result<std::vector<Batch>> r = (*q)->Execute(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToRows(*r), (V{"8 | seven | y | NULL"}));
}

}  // namespace
}  // namespace ark::sql
