#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/time.h>

#include <atomic>
#include <sstream>
#include <thread>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "config/yaml_loader.h"
#include "connectors/common/test_util.h"
#include "core/column_builder.h"
#include "processors/sql.h"
#include "runtime/builtin_codecs.h"

namespace ark {
namespace {

using testing::TempDir;
using testing::WriteFile;

// A batch like json_to_arrow makes: sensor readings plus a __meta_* column.
Batch Readings(std::vector<std::tuple<std::string, int64_t, double>> rows) {
  StringBuilder sensor;
  Int64Builder value(DataType::Int64());
  Float64Builder temp(DataType::Float64());
  StringBuilder source;
  for (const auto& [s, v, t] : rows) {
    sensor.Append(s);
    value.Append(v);
    temp.Append(t);
    source.Append("topic-a");
  }
  auto schema = Schema::Make({Field("sensor", DataType::String()),
                              Field("value", DataType::Int64()), Field("temp", DataType::Float64()),
                              Field("__meta_source", DataType::String())});
  return Batch(schema, {sensor.Finish(), value.Finish(), temp.Finish(), source.Finish()},
               static_cast<int64_t>(rows.size()));
}

class SqlProcessorTest : public ::testing::Test {
 protected:
  SqlProcessorTest() {
    RegisterCodecs(registry_);
    RegisterSqlProcessor(registry_);
  }

  Result<std::unique_ptr<Processor>> Make(std::string_view yaml) {
    ARK_ASSIGN_OR_RETURN(ConfigValue node, LoadYamlString(yaml, "test.yaml"));
    return registry_.MakeProcessor(
        node, {.stream_id = "s", .label = "processor[1]", .registry = &registry_});
  }

  // Runs one batch; the single output batch as text (or the error).
  std::string Run(Processor& p, const Batch& in) {
    ProcessOutput out;
    Status st = p.Process(in, &out);
    if (!st.ok()) return "ERROR " + st.ToString();
    std::string text;
    for (const Batch& b : out.batches) text += b.ToString();
    return text;
  }

  Registry registry_;
};

TEST_F(SqlProcessorTest, RunsTheQueryOverEachBatchAsFlow) {
  auto p = Make(
      "type: sql\n"
      "query: SELECT sensor, value * 2 AS doubled FROM flow WHERE value >= 10 ORDER BY sensor\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Run(**p, Readings({{"b", 10, 1.5}, {"a", 12, 2.5}, {"c", 3, 0.5}})),
            "sensor | doubled\na | 24\nb | 20\n");
  // Nothing is kept between batches.
  EXPECT_EQ(Run(**p, Readings({{"z", 11, 0.0}})), "sensor | doubled\nz | 22\n");
}

TEST_F(SqlProcessorTest, AggregatesWithinABatch) {
  auto p = Make(
      "type: sql\n"
      "query: |\n"
      "  SELECT sensor, count(*) AS n, sum(value) AS total\n"
      "  FROM flow GROUP BY sensor ORDER BY sensor\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Run(**p, Readings({{"a", 1, 0}, {"b", 2, 0}, {"a", 3, 0}})),
            "sensor | n | total\na | 2 | 4\nb | 1 | 2\n");
}

TEST_F(SqlProcessorTest, MetaColumnsAreOrdinaryColumns) {
  auto p = Make("type: sql\nquery: SELECT __meta_source, count(*) AS n FROM flow GROUP BY 1\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Run(**p, Readings({{"a", 1, 0}, {"b", 2, 0}})), "__meta_source | n\ntopic-a | 2\n");
}

TEST_F(SqlProcessorTest, TableNameOption) {
  auto p = Make("type: sql\ntable_name: Readings\nquery: SELECT max(value) AS m FROM readings\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Run(**p, Readings({{"a", 1, 0}, {"b", 7, 0}})), "m\n7\n");
}

TEST_F(SqlProcessorTest, EmptyBatchesAndEmptyResultsProduceNothing) {
  auto p = Make("type: sql\nquery: SELECT count(*) AS n FROM flow\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ProcessOutput out;
  ASSERT_TRUE((*p)->Process(Readings({}), &out).ok());
  EXPECT_TRUE(out.batches.empty());

  auto filter = Make("type: sql\nquery: SELECT sensor FROM flow WHERE value > 100\n");
  ASSERT_TRUE(filter.ok()) << filter.status().ToString();
  ASSERT_TRUE((*filter)->Process(Readings({{"a", 1, 0}}), &out).ok());
  EXPECT_TRUE(out.batches.empty());
}

TEST_F(SqlProcessorTest, SyntaxErrorIsAConfigErrorAtTheQueryOption) {
  auto p = Make("type: sql\nquery: SELECT * FORM flow\n");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kConfigError);
  const std::string m = p.status().message();
  EXPECT_EQ(m.rfind("test.yaml:2:8: query: 1:10: syntax error at or near \"FORM\"", 0), 0u) << m;
  EXPECT_NE(m.find("\n  SELECT * FORM flow\n           ^^^^"), std::string::npos) << m;
}

TEST_F(SqlProcessorTest, UnknownTableIsAConfigError) {
  auto p = Make("type: sql\nquery: SELECT * FROM flwo\n");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(p.status().message(),
            "test.yaml:2:8: query: 1:15: relation \"flwo\" does not exist; did you mean "
            "\"flow\"?\n  SELECT * FROM flwo\n                ^^^^");
  // CTE names and lookup tables are tables too; subqueries are looked into.
  EXPECT_TRUE(Make("type: sql\nquery: WITH t AS (SELECT * FROM flow) SELECT * FROM t\n").ok());
  auto sub = Make("type: sql\nquery: SELECT 1 FROM flow WHERE value IN (SELECT v FROM other)\n");
  ASSERT_FALSE(sub.ok());
  EXPECT_NE(sub.status().message().find("relation \"other\" does not exist (tables: flow)"),
            std::string::npos)
      << sub.status().message();
}

TEST_F(SqlProcessorTest, NotAQuery) {
  auto two = Make("type: sql\nquery: SELECT 1; SELECT 2\n");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().code(), StatusCode::kConfigError);
  auto insert = Make("type: sql\nquery: INSERT INTO flow VALUES (1)\n");
  ASSERT_FALSE(insert.ok());
  EXPECT_EQ(insert.status().message(),
            "test.yaml:2:8: query: 1:1: the sql processor runs queries (SELECT, VALUES, EXPLAIN) "
            "only\n  INSERT INTO flow VALUES (1)\n  ^^^^^^")
      << insert.status().message();
}

TEST_F(SqlProcessorTest, UnknownFunctionIsAConfigError) {
  auto p = Make(
      "type: sql\n"
      "query: |\n"
      "  SELECT sensor,\n"
      "         cuont(*) AS n\n"
      "  FROM flow GROUP BY sensor\n");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(p.status().message(),
            "test.yaml:2:8: query: 2:8: function cuont does not exist; did you mean \"count\"?\n"
            "         cuont(*) AS n\n"
            "         ^^^^^")
      << p.status().message();
  // Calls the binder resolves itself, and the functions SQL syntax maps to, are known.
  auto ok = Make(
      "type: sql\n"
      "query: |\n"
      "  SELECT coalesce(sensor, 'x'), nullif(value, 0), greatest(value, 1), least(value, 2),\n"
      "         extract(year FROM now()), position('a' IN sensor), substring(sensor FROM 1 FOR "
      "1),\n"
      "         trim(sensor), row_number() OVER (ORDER BY value), max(value) OVER ()\n"
      "  FROM flow\n");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST_F(SqlProcessorTest, BindErrorsFailTheBatchAndArePlannedOncePerSchema) {
  auto made = SqlProcessor::Make({.query = "SELECT sensr FROM flow"});
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  SqlProcessor& p = **made;
  ProcessOutput out;
  Status st = p.Process(Readings({{"a", 1, 0}}), &out);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(),
            "1:8: column \"sensr\" does not exist; did you mean \"sensor\"?\n  SELECT sensr "
            "FROM flow\n         ^^^^^");
  EXPECT_FALSE(p.Process(Readings({{"b", 2, 0}}), &out).ok());
  EXPECT_EQ(p.plans_built(), 1);
}

TEST_F(SqlProcessorTest, OnePlanPerDistinctSchema) {
  auto made = SqlProcessor::Make({.query = "SELECT count(*) AS n FROM flow"});
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  SqlProcessor& p = **made;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Run(p, Readings({{"a", i, 0}})), "n\n1\n");
  EXPECT_EQ(p.plans_built(), 1);
  Int32Builder other(DataType::Int32());
  other.Append(5);
  Batch b(Schema::Make({Field("x", DataType::Int32())}), {other.Finish()}, 1);
  EXPECT_EQ(Run(p, b), "n\n1\n");
  EXPECT_EQ(p.plans_built(), 2);
  EXPECT_EQ(Run(p, Readings({{"a", 1, 0}})), "n\n1\n");
  EXPECT_EQ(p.plans_built(), 2);
}

TEST_F(SqlProcessorTest, RuntimeErrorFailsTheBatch) {
  auto p = Make("type: sql\nquery: SELECT 100 / value AS r FROM flow\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Run(**p, Readings({{"a", 4, 0}})), "r\n25\n");
  std::string failed = Run(**p, Readings({{"a", 4, 0}, {"b", 0, 0}}));
  EXPECT_NE(failed.find("division by zero"), std::string::npos) << failed;
  // The processor goes on with the next batch.
  EXPECT_EQ(Run(**p, Readings({{"a", 50, 0}})), "r\n2\n");
}

TEST_F(SqlProcessorTest, ConcurrentCallsFromWorkers) {
  auto p = Make(
      "type: sql\nquery: SELECT sensor, sum(value) AS s FROM flow GROUP BY sensor ORDER BY "
      "sensor\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string got = Run(**p, Readings({{"a", t, 0}, {"b", i, 0}, {"a", 1, 0}}));
        if (got == fmt::format("sensor | s\na | {}\nb | {}\n", t + 1, i)) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 200);
}

// ---------------------------------------------------------------------------------------------
// Lookup tables

TEST_F(SqlProcessorTest, JoinsALookupTableFromCsv) {
  TempDir dir;
  WriteFile(dir / "sensors.csv", "id,room\na,kitchen\nb,garage\n");
  auto p = Make(fmt::format(
      "type: sql\n"
      "query: |\n"
      "  SELECT f.sensor, s.room, f.value FROM flow f LEFT JOIN sensor_info s ON f.sensor = s.id\n"
      "  ORDER BY f.sensor\n"
      "temporary_list:\n"
      "  - name: sensors\n"
      "    table_name: sensor_info\n"
      "    path: {}\n"
      "    key: {{type: expr, expr: sensor}}\n",
      dir / "sensors.csv"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Run(**p, Readings({{"b", 1, 0}, {"a", 2, 0}, {"x", 3, 0}})),
            "sensor | room | value\na | kitchen | 2\nb | garage | 1\nx | NULL | 3\n");
}

TEST_F(SqlProcessorTest, LookupFormatsFromTheExtensionOrCodec) {
  TempDir dir;
  WriteFile(dir / "rooms.ndjson", "{\"id\": \"a\", \"floor\": 1}\n{\"id\": \"b\", \"floor\": 2}\n");
  WriteFile(dir / "rooms.txt", "id;floor\na;3\n");
  auto p = Make(fmt::format(
      "type: sql\n"
      "query: SELECT r.floor, t.floor AS f2 FROM flow JOIN rooms r ON flow.sensor = r.id JOIN "
      "txt t ON flow.sensor = t.id\n"
      "temporary_list:\n"
      "  - {{name: rooms, path: {}}}\n"
      "  - {{name: txt, path: {}, codec: {{type: csv, delimiter: \";\"}}}}\n",
      dir / "rooms.ndjson", dir / "rooms.txt"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Run(**p, Readings({{"a", 1, 0}})), "floor | f2\n1 | 3\n");

  auto unknown =
      Make(fmt::format("type: sql\nquery: SELECT 1\ntemporary_list:\n  - {{name: x, path: {}}}\n",
                       dir / "rooms.txt"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("cannot tell the format of"), std::string::npos)
      << unknown.status().message();
}

TEST_F(SqlProcessorTest, LookupErrorsAtBuildTime) {
  TempDir dir;
  auto missing = Make(fmt::format(
      "type: sql\nquery: SELECT 1\ntemporary_list:\n  - name: t\n    path: {}\n", dir / "no.csv"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kConfigError);
  EXPECT_NE(missing.status().message().find("test.yaml:5:11: temporary_list[0].path: cannot read "
                                            "lookup file"),
            std::string::npos)
      << missing.status().message();

  WriteFile(dir / "bad.ndjson", "{\"a\": 1}\n{\"a\": oops}\n");
  auto bad =
      Make(fmt::format("type: sql\nquery: SELECT 1\ntemporary_list:\n  - {{name: t, path: {}}}\n",
                       dir / "bad.ndjson"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2, byte 9"), std::string::npos)
      << bad.status().message();

  auto redis = Make(
      "type: sql\nquery: SELECT 1\ntemporary_list:\n  - name: user_profiles\n    type: redis\n");
  ASSERT_FALSE(redis.ok());
  EXPECT_NE(redis.status().message().find(
                "temporary \"user_profiles\": type \"redis\" is not available yet"),
            std::string::npos)
      << redis.status().message();

  auto arkflow_shape = Make(
      "type: sql\nquery: SELECT 1\ntemporary_list:\n  - name: user_profiles\n"
      "    table_name: profiles\n    key: {type: expr, expr: user_id}\n");
  ASSERT_FALSE(arkflow_shape.ok());
  EXPECT_NE(arkflow_shape.status().message().find("missing `path`"), std::string::npos)
      << arkflow_shape.status().message();

  WriteFile(dir / "t.csv", "a\n1\n");
  auto twice = Make(
      fmt::format("type: sql\nquery: SELECT 1\ntemporary_list:\n  - {{name: flow, path: {}}}\n",
                  dir / "t.csv"));
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("table name \"flow\" is used twice"), std::string::npos)
      << twice.status().message();
}

void SetMtime(const std::string& path, int64_t seconds) {
  struct timeval times[2] = {{seconds, 0}, {seconds, 0}};
  ASSERT_EQ(utimes(path.c_str(), times), 0);
}

// Captures what is logged while it lives.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string Take() {
    std::string s = text_.str();
    text_.str("");
    return s;
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(SqlProcessorTest, ReloadsTheLookupWhenTheFileChanges) {
  LogCapture log;
  TempDir dir;
  std::string path = dir / "rooms.csv";
  WriteFile(path, "id,room\na,kitchen\n");
  SetMtime(path, 1000);
  auto p =
      Make(fmt::format("type: sql\n"
                       "query: SELECT r.room FROM flow JOIN rooms r ON flow.sensor = r.id\n"
                       "temporary_list:\n  - {{name: rooms, path: {}, reload_interval: 0s}}\n",
                       path));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Run(**p, Readings({{"a", 1, 0}})), "room\nkitchen\n");
  WriteFile(path, "id,room\na,attic\n");
  SetMtime(path, 2000);
  EXPECT_EQ(Run(**p, Readings({{"a", 1, 0}})), "room\nattic\n");
  EXPECT_EQ(log.Take(),
            fmt::format("info sql: lookup table \"rooms\" reloaded from {}: 1 row\n", path));
  // A file that no longer decodes keeps the previous contents, and says why once.
  WriteFile(path, "id,room\na,\"broken\n");
  SetMtime(path, 3000);
  EXPECT_EQ(Run(**p, Readings({{"a", 1, 0}})), "room\nattic\n");
  EXPECT_EQ(Run(**p, Readings({{"a", 1, 0}})), "room\nattic\n");
  std::string logged = log.Take();
  EXPECT_EQ(logged.rfind(fmt::format("error sql: lookup table \"rooms\": reloading {} failed, "
                                     "keeping the 1 row loaded before: lookup file \"{}\": line 2",
                                     path, path),
                         0),
            0u)
      << logged;
  EXPECT_EQ(std::count(logged.begin(), logged.end(), '\n'), 1) << logged;
  // A file that is gone: the same.
  std::string moved = dir / "moved.csv";
  ASSERT_EQ(std::rename(path.c_str(), moved.c_str()), 0);
  EXPECT_EQ(Run(**p, Readings({{"a", 1, 0}})), "room\nattic\n");
  EXPECT_EQ(Run(**p, Readings({{"a", 1, 0}})), "room\nattic\n");
  EXPECT_EQ(
      log.Take(),
      fmt::format("error sql: lookup table \"rooms\": cannot read lookup file \"{}\": No such "
                  "file or directory; keeping the 1 row loaded before\n",
                  path));
  ASSERT_EQ(std::rename(moved.c_str(), path.c_str()), 0);
  // New rows of the same schema reuse the plan; a new schema (another column) is planned anew.
  auto* sql = dynamic_cast<SqlProcessor*>(p->get());
  ASSERT_NE(sql, nullptr);
  EXPECT_EQ(sql->plans_built(), 1);
  WriteFile(path, "id,room,floor\na,cellar,-1\n");
  SetMtime(path, 4000);
  EXPECT_EQ(Run(**p, Readings({{"a", 1, 0}})), "room\ncellar\n");
  EXPECT_EQ(sql->plans_built(), 2);
}

TEST(FileLookupTableTest, ChecksAtMostOncePerInterval) {
  TempDir dir;
  std::string path = dir / "t.csv";
  WriteFile(path, "a\n1\n");
  SetMtime(path, 1000);
  auto now = FileLookupTable::Clock::time_point() + std::chrono::hours(1);
  int loads = 0;
  auto load = [&](const std::string& file) -> Result<Batch> {
    ++loads;
    Int64Builder b(DataType::Int64());
    b.Append(static_cast<int64_t>(testing::ReadFile(file).size()));
    return Batch(Schema::Make({Field("size", DataType::Int64())}), {b.Finish()}, 1);
  };
  auto t = FileLookupTable::Open("t", path, std::chrono::seconds(10), load, [&] { return now; });
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(loads, 1);
  WriteFile(path, "a\n1\n2\n");
  SetMtime(path, 2000);
  now += std::chrono::seconds(9);
  EXPECT_EQ((*t)->Current()->batches[0].column(0)->data<int64_t>()[0], 4);
  EXPECT_EQ(loads, 1);
  now += std::chrono::seconds(1);
  EXPECT_EQ((*t)->Current()->batches[0].column(0)->data<int64_t>()[0], 6);
  EXPECT_EQ(loads, 2);
  EXPECT_EQ((*t)->loads(), 2);
  // Unchanged file: stat only, no load.
  now += std::chrono::seconds(60);
  (*t)->Current();
  EXPECT_EQ(loads, 2);
}

TEST(ReferencedNamesTest, CollectsTablesOutsideCtesAndFunctions) {
  auto t = ReferencedNames(
      "WITH a AS (SELECT * FROM flow), b AS (SELECT * FROM a JOIN lookup ON true) "
      "SELECT * FROM b WHERE EXISTS (SELECT 1 FROM other) UNION ALL SELECT * FROM a");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  std::vector<std::string> names;
  for (const auto& r : t->tables) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"flow", "lookup", "other"}));
  EXPECT_TRUE(t->functions.empty());
  auto e = ReferencedNames("EXPLAIN SELECT upper(s), count(*) FILTER (WHERE abs(v) > 1) FROM x");
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->tables.size(), 1u);
  EXPECT_EQ(e->tables[0].name, "x");
  EXPECT_EQ(e->tables[0].loc.column, 66);
  std::vector<std::string> functions;
  for (const auto& r : e->functions) functions.push_back(r.name);
  EXPECT_EQ(functions, (std::vector<std::string>{"upper", "count", "abs"}));
}

}  // namespace
}  // namespace ark
