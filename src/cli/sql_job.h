// SQL jobs: `arkflow run job.sql`. A job file declares its sources, views and sinks in SQL, the
// way RisingWave and Flink SQL do, and is compiled into the configuration tree a YAML file gives
// — one stream per sink, whose input is the source the sink's query reads, whose processor is a
// `stream_sql` running that query, and whose output is the sink's connector. Everything after
// that (validation against the component specs, building, running) is shared with YAML, and a
// bad option is reported at its line and column in the .sql file.
//
//   CREATE SOURCE bids (auction BIGINT, price BIGINT, ts TIMESTAMP,
//                       WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
//   WITH (connector = 'kafka', topic = 'bids', properties.bootstrap.server = '127.0.0.1:9092')
//   FORMAT PLAIN ENCODE JSON;
//   CREATE SINK top AS
//     SELECT window_start, auction, max(price) AS top
//     FROM TUMBLE(bids, ts, INTERVAL '10' SECOND) GROUP BY window_start, window_end, auction
//   WITH (connector = 'stdout');
//
// Statements: CREATE SOURCE, CREATE TABLE ... WITH (connector ...) (Flink: a source when read, a
// sink when inserted into), CREATE VIEW (a named query, inlined where it is used), CREATE SINK
// {AS query | FROM relation}, INSERT INTO table query. `connector` names the component type; the
// other WITH options are that component's options (dotted keys nest: `codec.type`), plus the
// usual RisingWave/Flink spellings for Kafka and MQTT (see docs/sql-jobs.md). Columns of a
// source become the schema its codec decodes; WATERMARK FOR becomes its `event_time`.
//
// Thread-safety: a pure function of its arguments.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "config/config_value.h"
#include "config/yaml_loader.h"
#include "runtime/registry.h"

namespace ark::cli {

// The configuration tree of the job in `sql` (read from `file`, for error positions). ${VAR}
// in option values is replaced from the environment, as in YAML.
Result<ConfigValue> CompileSqlJob(std::string_view sql, const std::string& file,
                                  const Registry& registry, const EnvLookup& env = {});

Result<ConfigValue> LoadSqlJobFile(const std::string& path, const Registry& registry);

// Whether `path` names a SQL job (ends in .sql) rather than a YAML configuration.
bool IsSqlJobPath(std::string_view path);

}  // namespace ark::cli
