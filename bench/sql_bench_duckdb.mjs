#!/usr/bin/env node
// The DuckDB side of the SQL benchmark (bench/run_sql_bench.py): the same rows as bench/sql_bench.cc
// (built from the same formulas with range() into in-memory DuckDB tables, before any timing),
// DuckDB limited to one thread, the same SQL text (the queries `sql_bench --list` prints, passed
// in a file with --queries).
//
// Only the query is timed: each runs through connection.run(), which executes it to completion
// and materializes the result inside DuckDB (a column-data collection of data chunks, as ours
// is materialized into batches); the result is never converted to JS values. Each timing is the
// best of --runs runs, by wall clock and by process CPU time (user + system: DuckDB's one worker
// thread, the JS thread only awaits). After timing, the query's checksum statement runs untimed,
// and a data checksum over the whole input shows both engines hold identical rows.
// Prints one JSON object per line, like sql_bench.
//
// Usage: node bench/sql_bench_duckdb.mjs --queries FILE [--rows 10000000] [--runs 5] [--only NAME]
import { readFileSync } from 'node:fs';
import duckdb from '@duckdb/node-api';

const args = process.argv.slice(2);
const opt = { rows: 10000000, runs: 5, only: null, queries: null };
for (let i = 0; i + 1 < args.length; i += 2) opt[args[i].replace(/^--/, '')] = args[i + 1];
if (!opt.queries) {
  console.error('usage: sql_bench_duckdb.mjs --queries FILE (the output of sql_bench --list)');
  process.exit(2);
}
const rows = Number(opt.rows);
const runs = Math.max(1, Number(opt.runs));
let dataChecksum = null;
const queries = [];
for (const line of readFileSync(opt.queries, 'utf8').split('\n')) {
  if (!line.startsWith('{')) continue;
  const o = JSON.parse(line);
  if (o.data_checksum) dataChecksum = o.data_checksum;
  else queries.push(o);
}

const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
const con = await instance.connect();
await con.run(`CREATE TABLE bids AS SELECT
    (i * 7919) % 100000 AS auction,
    (i * 104729 + 13) % 1000000 AS bidder,
    100 + (i * 31337) % 99900 AS price,
    'channel-' || ((i * 7) % 10) AS channel,
    make_timestamp(1704067200000000 + i * 1000) AS date_time
  FROM range(${rows}) t(i) ORDER BY i`);
await con.run(`CREATE TABLE auctions AS SELECT i AS id, i % 50 AS category, (i * 13) % 1000 AS reserve
  FROM range(100000) t(i) ORDER BY i`);

// The single row of `sql`'s result as strings (NULL as "NULL").
async function checksum(sql) {
  const reader = await con.runAndReadAll(sql);
  const out = [];
  for (const row of reader.getRows()) {
    for (const v of row) out.push(v === null ? 'NULL' : String(v));
  }
  return out;
}

const version = (await checksum('SELECT version()'))[0];
console.log(JSON.stringify({ engine: 'duckdb', version, threads: (await checksum(
  "SELECT current_setting('threads')"))[0] }));
if (dataChecksum) console.log(JSON.stringify({ data_checksum: await checksum(dataChecksum) }));

for (const q of queries) {
  if (opt.only && opt.only !== q.query) continue;
  let best = Infinity;
  let bestCpu = Infinity;
  let resultRows = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      let result = await con.run(q.sql);
      const t1 = process.hrtime.bigint();
      const c1 = process.cpuUsage(c0);
      resultRows = Number(result.rowCount);
      result = null;
      best = Math.min(best, Number(t1 - t0) / 1e9);
      bestCpu = Math.min(bestCpu, (c1.user + c1.system) / 1e6);
    }
    const sum = await checksum(q.checksum);
    console.log(JSON.stringify({ query: q.query, mode: 'table', rows, result_rows: resultRows,
      seconds: Number(best.toFixed(6)), rows_per_sec: Math.round(rows / best),
      cpu_seconds: Number(bestCpu.toFixed(6)), rows_per_cpu_sec: Math.round(rows / bestCpu),
      checksum: sum }));
  } catch (e) {
    console.log(JSON.stringify({ query: q.query, error: String(e.message) }));
  }
}
