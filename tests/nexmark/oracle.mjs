#!/usr/bin/env node
// The DuckDB oracle of the Nexmark tests and benchmark: loads the events our `nexmark` input dumped
// (DIR/bid.ndjson, DIR/auction.ndjson, DIR/person.ndjson, written by the `file` output with the
// json codec) as tables bid, auction and person, runs one query file, and prints the result.
//
//   node tests/nexmark/oracle.mjs --data DIR --query FILE.sql [--threads 1] [--materialize]
//                                 [--repeat N]
//
// Output (standard output): one JSON object per result row, keys in column order, in the form our
// json encoder writes — integers exact, doubles as JavaScript's shortest round-trip text,
// timestamps as "YYYY-MM-DDTHH:MM:SS.ffffffZ" — unsorted: the driver (nexmark.py) canonicalises and
// sorts both sides. With --materialize the result is stored in a table instead of printed and
// only its row count is printed; --repeat N runs it N times and reports the fastest. Timings go to standard error as one JSON line
// {"load_s": …, "query_s": …, "rows": …}.
import duckdb from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = { data: null, query: null, threads: '1', materialize: false, repeat: '1' };
for (let i = 0; i < args.length; i++) {
  const k = args[i].replace(/^--/, '');
  if (k === 'materialize') opt.materialize = true;
  else if (k in opt) opt[k] = args[++i];
  else {
    console.error(`oracle.mjs: unknown option ${args[i]}`);
    process.exit(2);
  }
}
if (!opt.data || !opt.query) {
  console.error('usage: oracle.mjs --data DIR --query FILE.sql [--threads N] [--materialize] ' +
    '[--repeat N]');
  process.exit(2);
}

// The columns of each table, as the nexmark input declares them (nexmark_model.cc).
const TABLES = {
  bid: {
    auction: 'BIGINT', bidder: 'BIGINT', price: 'BIGINT', channel: 'VARCHAR', url: 'VARCHAR',
    date_time: 'TIMESTAMP', extra: 'VARCHAR',
  },
  auction: {
    id: 'BIGINT', item_name: 'VARCHAR', description: 'VARCHAR', initial_bid: 'BIGINT',
    reserve: 'BIGINT', date_time: 'TIMESTAMP', expires: 'TIMESTAMP', seller: 'BIGINT',
    category: 'BIGINT', extra: 'VARCHAR',
  },
  person: {
    id: 'BIGINT', name: 'VARCHAR', email_address: 'VARCHAR', credit_card: 'VARCHAR', city: 'VARCHAR',
    state: 'VARCHAR', date_time: 'TIMESTAMP', extra: 'VARCHAR',
  },
};

const sqlString = (s) => `'${s.replace(/'/g, "''")}'`;

function pad(n, w) {
  return String(n).padStart(w, '0');
}

// Our json encoder's timestamp form, always with six fraction digits (the driver pads ours).
function isoTimestamp(micros) {
  const day = 86400000000n;
  let days = micros / day;
  let rem = micros % day;
  if (rem < 0n) {
    rem += day;
    days -= 1n;
  }
  const d = new Date(Number(days) * 86400000);
  const secs = Number(rem / 1000000n);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T` +
    `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}.` +
    `${pad(rem % 1000000n, 6)}Z`;
}

// One value as JSON text.
function jsonValue(v, type) {
  if (v === null || v === undefined) return 'null';
  const T = duckdb.DuckDBTypeId;
  switch (type.typeId) {
    case T.BOOLEAN:
      return v ? 'true' : 'false';
    case T.TINYINT: case T.SMALLINT: case T.INTEGER: case T.BIGINT: case T.HUGEINT:
    case T.UTINYINT: case T.USMALLINT: case T.UINTEGER: case T.UBIGINT:
      return String(v);
    case T.FLOAT: case T.DOUBLE:
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case T.DECIMAL:
      return JSON.stringify(v.toDouble());
    case T.VARCHAR:
      return JSON.stringify(v);
    case T.TIMESTAMP: case T.TIMESTAMP_TZ:
      return JSON.stringify(isoTimestamp(v.micros));
    default:
      throw new Error(`oracle.mjs: no JSON form for DuckDB type ${type.typeId}`);
  }
}

const inst = await duckdb.DuckDBInstance.create(':memory:', { threads: String(opt.threads) });
const con = await inst.connect();

let t0 = performance.now();
for (const [table, columns] of Object.entries(TABLES)) {
  const file = path.join(opt.data, `${table}.ndjson`);
  if (!fs.existsSync(file)) continue;
  const spec = Object.entries(columns).map(([k, t]) => `${k}: '${t}'`).join(', ');
  await con.run(`CREATE TABLE ${table} AS SELECT * FROM read_json(${sqlString(file)}, ` +
    `format = 'newline_delimited', columns = {${spec}})`);
}
const loadSeconds = (performance.now() - t0) / 1000;

const query = fs.readFileSync(opt.query, 'utf8').replace(/--[^\n]*/g, '').trim().replace(/;$/, '');
t0 = performance.now();
let rows = 0;
if (opt.materialize) {
  let querySeconds = Infinity;
  for (let i = 0; i < Number(opt.repeat); i++) {
    await con.run('DROP TABLE IF EXISTS result');
    t0 = performance.now();
    await con.run(`CREATE TABLE result AS ${query}`);
    querySeconds = Math.min(querySeconds, (performance.now() - t0) / 1000);
  }
  const count = await con.runAndReadAll('SELECT count(*) FROM result');
  rows = Number(count.getRows()[0][0]);
  console.log(rows);
  console.error(JSON.stringify({ load_s: loadSeconds, query_s: querySeconds, rows }));
} else {
  const result = await con.runAndReadAll(query);
  const querySeconds = (performance.now() - t0) / 1000;
  const names = result.columnNames();
  const types = result.columnTypes();
  const out = [];
  for (const row of result.getRows()) {
    out.push('{' + row.map((v, i) => `${JSON.stringify(names[i])}:${jsonValue(v, types[i])}`).join(',') + '}');
    rows++;
    if (out.length >= 10000) {
      fs.writeSync(1, out.join('\n') + '\n');
      out.length = 0;
    }
  }
  if (out.length > 0) fs.writeSync(1, out.join('\n') + '\n');
  console.error(JSON.stringify({ load_s: loadSeconds, query_s: querySeconds, rows }));
}
