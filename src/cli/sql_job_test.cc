#include "cli/sql_job.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/builtin_components.h"
#include "config/engine_config.h"

namespace ark::cli {
namespace {

using ::testing::HasSubstr;

const Registry& Builtins() {
  static const Registry* registry = [] {
    auto* r = new Registry();
    RegisterBuiltinComponents(*r);
    return r;
  }();
  return *registry;
}

std::string Compile(std::string_view sql) {
  EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "BROKERS") return "127.0.0.1:9092,127.0.0.1:9093";
    return std::nullopt;
  };
  Result<ConfigValue> r = CompileSqlJob(sql, "job.sql", Builtins(), env);
  if (!r.ok()) return "ERROR " + r.status().message();
  // Everything a YAML file would give must also parse as an engine configuration.
  Result<EngineConfig> parsed = ParseEngineConfig(*r);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return r->ToString();
}

constexpr const char* kBids =
    "CREATE SOURCE bids (auction BIGINT, price BIGINT, ts TIMESTAMP,\n"
    "  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)\n"
    "WITH (connector = 'kafka', topic = 'bids', properties.bootstrap.server = '${BROKERS}',\n"
    "      properties.security.protocol = 'plaintext')\n"
    "FORMAT PLAIN ENCODE JSON;\n";

TEST(SqlJobTest, ASinkBecomesAStreamFromItsSourceThroughStreamSqlToItsConnector) {
  EXPECT_EQ(
      Compile(std::string(kBids) +
              "SET logging.level = 'warn';\n"
              "SET parallelism = 2;\n"
              "CREATE SINK top AS SELECT window_start, max(price) AS top\n"
              "  FROM TUMBLE(bids, ts, INTERVAL '10' SECOND) GROUP BY window_start, window_end\n"
              "WITH (connector = 'kafka', topic = 'top', properties.bootstrap.servers = "
              "'h:1') FORMAT PLAIN ENCODE JSON"),
      "{logging: {level: \"warn\"}, streams: [{id: \"top\", input: {type: \"kafka\", topics: "
      "[\"bids\"], brokers: [\"127.0.0.1:9092\", \"127.0.0.1:9093\"], properties: "
      "{security.protocol: \"plaintext\"}, consumer_group: \"arkflow-bids\", codec: {type: "
      "\"json\", schema: {auction: \"BIGINT\", price: \"BIGINT\", ts: \"TIMESTAMP\"}}, event_time: "
      "{column: \"ts\", max_delay: \"2s\"}}, pipeline: {processors: [{type: stream_sql, query: "
      "\"SELECT window_start, max(price) AS top\\n  FROM TUMBLE(bids, ts, INTERVAL '10' SECOND) "
      "GROUP BY window_start, window_end\", table_name: \"bids\", parallelism: 2}]}, output: "
      "{type: \"kafka\", topic: \"top\", brokers: [\"h:1\"], codec: {type: \"json\"}}}]}");
}

TEST(SqlJobTest, ViewsBecomeWithQueriesAndFlinkTablesAreSourcesAndSinks) {
  EXPECT_EQ(Compile("CREATE TABLE src (a INT) WITH ('connector' = 'file', 'path' = 'in.csv', "
                    "'format' = 'csv');\n"
                    "CREATE TABLE dst (a INT) WITH ('connector' = 'stdout');\n"
                    "CREATE VIEW big AS SELECT a FROM src WHERE a > 10;\n"
                    "CREATE VIEW bigger AS SELECT a FROM big WHERE a > 100;\n"
                    "INSERT INTO dst WITH x AS (SELECT a FROM bigger) SELECT a FROM x"),
            "{streams: [{id: \"dst\", input: {type: \"file\", path: \"in.csv\", codec: {type: "
            "\"csv\", schema: {a: \"INT\"}}}, pipeline: {processors: [{type: stream_sql, query: "
            "\"WITH \\\"big\\\" AS (SELECT a FROM src WHERE a > 10), \\\"bigger\\\" AS (SELECT a "
            "FROM big WHERE a > 100), x AS (SELECT a FROM bigger) SELECT a FROM x\", table_name: "
            "\"src\"}]}, output: {type: \"stdout\"}}]}");
}

TEST(SqlJobTest, EveryInsertIsAStreamOfItsOwn) {
  std::string out = Compile(
      "CREATE TABLE t (a INT) WITH ('connector' = 'stdin', 'format' = 'json');\n"
      "CREATE TABLE u (a INT) WITH ('connector' = 'stdout');\n"
      "INSERT INTO u SELECT a FROM t WHERE a > 0;\n"
      "INSERT INTO u SELECT a FROM t WHERE a < 0");
  EXPECT_THAT(out, HasSubstr("id: \"u\""));
  EXPECT_THAT(out, HasSubstr("id: \"u-2\""));
}

TEST(SqlJobTest, ASourceWithoutACodecGetsItsColumnTypesByACast) {
  EXPECT_EQ(Compile("CREATE SOURCE n (auction BIGINT, price DOUBLE PRECISION) WITH (connector = "
                    "'nexmark', table = 'bid', event_count = 10);\n"
                    "CREATE SINK s FROM n WITH (connector = 'blackhole')"),
            "{streams: [{id: \"s\", input: {type: \"nexmark\", table: \"bid\", event_count: 10}, "
            "pipeline: {processors: [{type: stream_sql, query: \"WITH \\\"n\\\" AS (SELECT "
            "CAST(\\\"auction\\\" AS BIGINT) AS \\\"auction\\\", CAST(\\\"price\\\" AS DOUBLE "
            "PRECISION) AS \\\"price\\\" FROM \\\"__source_n\\\")\\nSELECT * FROM \\\"n\\\"\", "
            "table_name: \"__source_n\"}]}, output: {type: \"drop\"}}]}");
}

TEST(SqlJobTest, MistakesAreReportedAtTheirLineAndColumn) {
  EXPECT_EQ(Compile(""), "ERROR job.sql:1:1: the job is empty");
  EXPECT_EQ(Compile(kBids),
            "ERROR job.sql:1:1: the job has no sink: add CREATE SINK name AS SELECT ... WITH "
            "(connector = ...), or INSERT INTO a table created WITH a connector");
  EXPECT_EQ(Compile("CREATE SOURCE s (a INT) WITH (connector = 'kafak')"),
            "ERROR job.sql:1:43: source s: there is no input connector \"kafak\"; source "
            "connectors: file, generate, http, kafka, memory, mqtt, nexmark, stdin, websocket");
  EXPECT_EQ(Compile("CREATE SOURCE s (a INT) WITH (path = 'x')"),
            "ERROR job.sql:1:1: source s: WITH (...) needs connector = '<type>', one of: file, "
            "generate, http, kafka, memory, mqtt, nexmark, stdin, websocket");
  EXPECT_EQ(Compile(std::string(kBids) + "CREATE SINK s AS SELECT * FROM bidz WITH (connector = "
                                         "'stdout')"),
            "ERROR job.sql:6:32: \"bidz\" is not a source or view declared before this statement");
  EXPECT_EQ(Compile(std::string(kBids) + "CREATE SOURCE bids (a INT) WITH (connector = 'stdin')"),
            "ERROR job.sql:6:15: \"bids\" is already declared in this job");
  EXPECT_EQ(Compile("CREATE SOURCE s (a INT, WATERMARK FOR a AS a + INTERVAL '1' SECOND) WITH "
                    "(connector = 'stdin')"),
            "ERROR job.sql:1:44: WATERMARK FOR a AS a - INTERVAL '5' SECOND (or AS a): the "
            "watermark trails the column by a constant interval");
  EXPECT_EQ(Compile("CREATE SOURCE s (a INT, WATERMARK FOR b AS b) WITH (connector = 'stdin')"),
            "ERROR job.sql:1:25: WATERMARK FOR b: the source has no column b");
  EXPECT_EQ(
      Compile("SET foo = 1"),
      "ERROR job.sql:1:5: SET foo: a job sets logging.*, health_check.*, metrics.* (as in a "
      "YAML config), error_output.* (of every sink's stream), parallelism, state_ttl or emit");
  EXPECT_EQ(Compile("SELECT 1"),
            "ERROR job.sql:1:1: a job runs CREATE SOURCE/TABLE/VIEW/SINK and INSERT INTO "
            "statements; a bare query has nowhere to send its rows (write CREATE SINK name AS "
            "<query> WITH (connector = 'stdout'))");
  EXPECT_EQ(
      Compile(std::string(kBids) +
              "CREATE SINK s FROM bids WITH (connector = 'stdout') FORMAT UPSERT ENCODE JSON"),
      "ERROR job.sql:6:53: FORMAT upsert: only FORMAT PLAIN is supported (upsert and changelog "
      "formats are not yet)");
  EXPECT_EQ(Compile("CREATE SOURCE a (x INT) WITH (connector = 'stdin') FORMAT PLAIN ENCODE "
                    "JSON;\nCREATE SOURCE b (x INT) WITH (connector = 'stdin') FORMAT PLAIN "
                    "ENCODE JSON;\nCREATE SINK s AS SELECT * FROM a JOIN b ON a.x = b.x WITH "
                    "(connector = 'stdout')"),
            "ERROR job.sql:3:39: the query of sink s reads the sources a and b: a sink reads one "
            "source in this version (join streams that arrive in one source, as the nexmark "
            "connector's `table: all` does)");
  EXPECT_EQ(Compile("CREATE SOURCE s (a INT) WITH (connector = 'stdin' FORMAT"),
            "ERROR job.sql:1:51: syntax error at or near \"FORMAT\"; expected \")\" to close \"(\" "
            "at 1:30\n  CREATE SOURCE s (a INT) WITH (connector = 'stdin' FORMAT\n                 "
            "                                   ^^^^^^");
}

}  // namespace
}  // namespace ark::cli
