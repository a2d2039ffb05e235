#!/usr/bin/env node
// Differential test of the SQL engine against DuckDB (ctest sql.differential).
//
// Generates tables (integers with NULLs, floats, strings, timestamps) and a few hundred random
// queries from a fixed seed, restricted to where this engine's (PostgreSQL) semantics and DuckDB's
// coincide: filters, projections with arithmetic, comparisons, CASE, COALESCE, string functions
// both have, GROUP BY with count/sum/min/max/avg, ORDER BY with explicit NULLS FIRST/LAST over keys
// that decide the order, joins, DISTINCT, UNION ALL. Left out on purpose: integer division (DuckDB's
// "/" is float division), LIKE escapes, DESC without NULLS (DuckDB sorts NULLs last), implicit
// string casts, rounding of ties.
//
// Both engines run the same setup statements; our side runs through the golden-test runner
// (`sql_logic_test --print`, which renders results the way the golden files do) and DuckDB through
// npm @duckdb/node-api with one thread. Results are compared exactly, except floats (relative
// tolerance 1e-9) and row order (sorted unless the query's ORDER BY decides every row's place).
// On a mismatch the query and both results are printed; the exit status is 1.
//
// Usage: node differential.mjs --runner PATH/sql_logic_test [--seed 42] [--queries 300]
//                              [--keep DIR] (keep the generated .test file and our output)
//        node differential.mjs --check-generator 1   runs DuckDB only: every generated query must run
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { duckConnect, duckLetter, renderDuck } from '../tools/render.mjs';

const args = process.argv.slice(2);
const opt = { seed: 42, queries: 300, runner: null, keep: null };
for (let i = 0; i < args.length; i++) {
  const k = args[i].replace(/^--/, '');
  opt[k] = args[++i];
}
const numQueries = Number(opt.queries);

// mulberry32: a small deterministic PRNG.
let state = Number(opt.seed) >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const chance = (p) => rand() < p;

// ---------------------------------------------------------------------------------------------
// Data

const words = ['apple', 'Apple', 'banana', 'cherry', 'date', 'elder', 'fig', '', 'grape x', 'kiwi-1'];
const pad2 = (n) => String(n).padStart(2, '0');
function timestamp() {
  const day = int(1, 3);
  return `2024-03-${pad2(day)} ${pad2(int(0, 23))}:${pad2(int(0, 59))}:${pad2(int(0, 59))}`;
}
// Floats are multiples of 0.25 so sums are exact; printed with a decimal point.
const float = () => (int(-400, 400) / 4).toFixed(2);
const sqlString = (s) => `'${s.replace(/'/g, "''")}'`;
const orNull = (p, f) => (chance(p) ? 'NULL' : f());

const t1 = [];
for (let id = 1; id <= 240; id++) {
  t1.push([String(id), orNull(0.15, () => String(int(-50, 50))), orNull(0.1, () => String(int(0, 12))),
    orNull(0.15, float), orNull(0.1, () => sqlString(pick(words))), orNull(0.1, () => sqlString(timestamp()))]);
}
const t2 = [];
for (let k = 0; k < 60; k++) {
  t2.push([orNull(0.05, () => String(int(0, 15))), orNull(0.1, () => sqlString(pick(words))), orNull(0.1, float)]);
}
// The first row of each table has no NULLs, so VALUES types every column from it.
t1[0] = ['1', '7', '3', '1.50', "'apple'", "'2024-03-01 10:00:00'"];
t2[0] = ['3', "'fig'", '2.25'];

function insert(table, rows) {
  const out = [];
  for (let i = 0; i < rows.length; i += 60) {
    out.push(`INSERT INTO ${table} VALUES\n` + rows.slice(i, i + 60).map((r) => `  (${r.join(', ')})`).join(',\n'));
  }
  return out;
}
const setup = [
  'CREATE TABLE t1 (id bigint, a bigint, b bigint, f double, s varchar, ts timestamp)',
  ...insert('t1', t1),
  'CREATE TABLE t2 (k bigint, name varchar, w double)',
  ...insert('t2', t2),
];

// ---------------------------------------------------------------------------------------------
// Queries

const intCols = ['a', 'b', 'id'];
function intExpr(depth = 0) {
  const r = rand();
  if (depth > 1 || r < 0.35) return pick(intCols);
  if (r < 0.45) return String(int(-9, 9));
  if (r < 0.6) return `(${intExpr(depth + 1)} + ${intExpr(depth + 1)})`;
  if (r < 0.7) return `(${intExpr(depth + 1)} - ${intExpr(depth + 1)})`;
  if (r < 0.8) return `(${intExpr(depth + 1)} * ${int(-3, 3)})`;
  if (r < 0.87) return `(${pick(intCols)} % ${pick([2, 3, 5, 7])})`;
  if (r < 0.93) return `abs(${intExpr(depth + 1)})`;
  return `COALESCE(${pick(['a', 'b'])}, ${int(-5, 5)})`;
}
function floatExpr() {
  return pick(['f', `(f * 2)`, `(f + a)`, `(f - 0.5)`, `(f / 4.0)`, `COALESCE(f, 0.0)`, `abs(f)`,
    `(CAST(a AS double) + f)`]);
}
function strExpr() {
  return pick(['s', 'lower(s)', 'upper(s)', "s || '!'", "concat(s, '-', b)", "replace(s, 'a', 'A')",
    'substr(s, 2, 3)', 'trim(s)', "COALESCE(s, 'none')", "lpad(s, 8, '*')", "split_part(s, '-', 1)",
    'reverse(s)', 'left(s, 2)', 'right(s, 3)']);
}
function predicate(depth = 0) {
  const r = rand();
  if (depth < 2 && r < 0.18) return `(${predicate(depth + 1)} AND ${predicate(depth + 1)})`;
  if (depth < 2 && r < 0.3) return `(${predicate(depth + 1)} OR ${predicate(depth + 1)})`;
  if (depth < 2 && r < 0.35) return `NOT (${predicate(depth + 1)})`;
  const k = rand();
  if (k < 0.25) return `${intExpr(1)} ${pick(['=', '<>', '<', '<=', '>', '>='])} ${int(-20, 20)}`;
  if (k < 0.35) return `${pick(intCols)} ${pick(['=', '<', '>='])} ${pick(intCols)}`;
  if (k < 0.45) return `f ${pick(['<', '>', '<=', '>='])} ${float()}`;
  if (k < 0.52) return `${pick(['a', 'b', 'f', 's', 'ts'])} IS ${pick(['', 'NOT '])}NULL`;
  if (k < 0.6) return `a BETWEEN ${int(-30, 0)} AND ${int(0, 30)}`;
  if (k < 0.68) return `b ${pick(['', 'NOT '])}IN (${[int(0, 12), int(0, 12), int(0, 12)].join(', ')})`;
  if (k < 0.76) return `s ${pick(['', 'NOT '])}LIKE '${pick(['a%', '%e', '%an%', '_i%', 'apple'])}'`;
  if (k < 0.82) return `s ${pick(['=', '<>', '<', '>'])} ${sqlString(pick(words))}`;
  if (k < 0.9) return `ts ${pick(['<', '>='])} TIMESTAMP '${timestamp()}'`;
  if (k < 0.95) return `length(s) ${pick(['>', '<='])} ${int(0, 6)}`;
  return `starts_with(s, '${pick(['a', 'b', 'k'])}')`;
}
function caseExpr() {
  return `CASE WHEN ${predicate(1)} THEN ${intExpr(1)} WHEN ${predicate(1)} THEN ${int(0, 9)} ELSE ${pick(['NULL', intExpr(1)])} END`;
}

// Each generator returns {sql, ordered} — ordered when ORDER BY fixes every row's place.
const generators = [
  // Filter + projection.
  () => ({ sql: `SELECT id, ${intExpr()}, ${floatExpr()}, ${strExpr()} FROM t1 WHERE ${predicate()}`, ordered: false }),
  () => ({ sql: `SELECT id, ${caseExpr()} AS c FROM t1 WHERE ${predicate()}`, ordered: false }),
  () => ({ sql: `SELECT ${strExpr()} AS x, ${intExpr()} AS y FROM t1 WHERE ${predicate()} ORDER BY id LIMIT ${int(1, 30)}`, ordered: true }),
  () => ({ sql: `SELECT id, a, b FROM t1 WHERE ${predicate()} ORDER BY ${pick(['a', 'b'])} ${pick(['ASC', 'DESC'])} NULLS ${pick(['FIRST', 'LAST'])}, id ${pick(['ASC', 'DESC'])} LIMIT ${int(1, 40)} OFFSET ${int(0, 10)}`, ordered: true }),
  () => ({ sql: `SELECT id, ${pick(['a', 'b'])} ${pick(['=', '<', '<>'])} ${pick(['a', 'b', String(int(-5, 5))])}, ${predicate(1)} FROM t1`, ordered: false }),
  () => ({ sql: `SELECT id, ts, ts + INTERVAL '${int(1, 48)} hours', date_trunc('${pick(['hour', 'day'])}', ts) FROM t1 WHERE ${predicate()}`, ordered: false }),
  () => ({ sql: `SELECT id, GREATEST(a, b, ${int(-5, 5)}), LEAST(a, b), NULLIF(b, ${int(0, 12)}) FROM t1 WHERE ${predicate()}`, ordered: false }),
  // Aggregation.
  () => {
    const key = pick(['s', 'b', `(a % 3)`, 'date_trunc(\'day\', ts)', 's, b']);
    const aggs = [];
    for (let i = int(1, 4); i > 0; i--) {
      aggs.push(pick(['count(*)', 'count(a)', 'sum(a)', 'min(a)', 'max(b)', 'avg(f)', 'sum(f)', 'min(s)',
        'max(s)', 'count(DISTINCT b)', 'avg(a)', 'max(ts)', `sum(${intExpr(1)})`]));
    }
    return { sql: `SELECT ${key}, ${aggs.join(', ')} FROM t1 WHERE ${predicate()} GROUP BY ${key}`, ordered: false };
  },
  () => ({ sql: `SELECT count(*), sum(a), min(f), max(f), avg(b) FROM t1 WHERE ${predicate()}`, ordered: false }),
  () => ({ sql: `SELECT b, count(*) AS n FROM t1 GROUP BY b HAVING count(*) ${pick(['>', '<'])} ${int(10, 25)}`, ordered: false }),
  () => ({ sql: `SELECT s, sum(a) AS total FROM t1 WHERE ${predicate()} GROUP BY s ORDER BY s NULLS FIRST`, ordered: true }),
  // Joins.
  () => ({ sql: `SELECT t1.id, t2.name, t1.a + t2.k FROM t1 JOIN t2 ON t1.b = t2.k WHERE ${predicate()}`, ordered: false }),
  () => ({ sql: `SELECT t1.id, t2.name, t2.w FROM t1 LEFT JOIN t2 ON t1.b = t2.k AND t2.w ${pick(['<', '>'])} ${float()} WHERE t1.id % ${int(2, 9)} = 0`, ordered: false }),
  () => ({ sql: `SELECT t2.k, count(t1.id), sum(t1.a) FROM t2 LEFT JOIN t1 ON t1.b = t2.k GROUP BY t2.k`, ordered: false }),
  () => ({ sql: `SELECT t1.s, t2.name FROM t1 JOIN t2 ON t1.s = t2.name WHERE ${predicate()}`, ordered: false }),
  () => ({ sql: `SELECT t1.id, t2.k FROM t1 ${pick(['RIGHT', 'FULL'])} JOIN t2 ON t1.b = t2.k AND t1.a > ${int(-20, 20)}`, ordered: false }),
  // DISTINCT and UNION ALL.
  () => ({ sql: `SELECT DISTINCT ${pick(['s', 'b', 's, b', 'a % 4', 'lower(s)'])} FROM t1 WHERE ${predicate()}`, ordered: false }),
  () => ({ sql: `SELECT a FROM t1 WHERE ${predicate()} UNION ALL SELECT k FROM t2 WHERE w ${pick(['<', '>'])} ${float()}`, ordered: false }),
  () => ({ sql: `SELECT s, count(*) FROM (SELECT s FROM t1 WHERE ${predicate()} UNION ALL SELECT name FROM t2) AS u GROUP BY s`, ordered: false }),
  // Subqueries both engines agree on.
  () => ({ sql: `SELECT id FROM t1 WHERE b IN (SELECT k FROM t2 WHERE w ${pick(['<', '>'])} ${float()})`, ordered: false }),
  () => ({ sql: `SELECT id, a FROM t1 WHERE a > (SELECT avg(a) FROM t1) AND ${predicate()}`, ordered: false }),
];

const queries = [];
for (let i = 0; i < numQueries; i++) queries.push(generators[i % generators.length]());

if (opt['check-generator']) {
  const duck = await duckConnect();
  await duck.run("SET TimeZone = 'UTC'");
  for (const s of setup) await duck.run(s);
  let bad = 0;
  let rows = 0;
  for (const q of queries) {
    try {
      rows += (await duck.runAndReadAll(q.sql)).getRows().length;
    } catch (e) {
      bad++;
      console.log(`${q.sql}\n  ${String(e.message).split('\n')[0]}`);
    }
  }
  console.log(`${queries.length} queries, ${bad} rejected by DuckDB, ${rows} rows in all`);
  process.exit(bad ? 1 : 0);
}
if (!opt.runner) {
  console.error('usage: differential.mjs --runner PATH/sql_logic_test [--seed N] [--queries N]');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Run ours

const dir = opt.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sql-differential-'));
fs.mkdirSync(dir, { recursive: true });
const testFile = path.join(dir, 'differential.test');
let text = '';
const lineOf = [];
let line = 1;
const emit = (s) => {
  text += s;
  line += (s.match(/\n/g) || []).length;
};
for (const s of setup) emit(`statement ok\n${s}\n\n`);
for (const q of queries) {
  lineOf.push(line);
  emit(`query ? nosort\n${q.sql}\n----\n\n`);
}
fs.writeFileSync(testFile, text);
const run = spawnSync(opt.runner, ['--print', '--float-digits', '17', testFile], { encoding: 'utf8', maxBuffer: 1 << 28 });
if (run.status !== 0 && !run.stdout) {
  console.error(`the runner failed: ${run.stderr}`);
  process.exit(1);
}
fs.writeFileSync(path.join(dir, 'ours.txt'), run.stdout);
const ours = new Map();
let current = null;
for (const l of run.stdout.split('\n')) {
  const m = l.match(/^### (\d+)$/);
  if (m) {
    current = { rows: [], error: null, types: null };
    ours.set(Number(m[1]), current);
  } else if (current && l.startsWith('ERROR ')) {
    current.error = l.slice(6);
  } else if (current && l.startsWith('TYPES ')) {
    current.types = l.slice(6);
  } else if (current && l !== '') {
    // Never blank: an empty string renders as "(empty)".
    current.rows.push(l.split('\t'));
  }
}

// ---------------------------------------------------------------------------------------------
// Run DuckDB and compare

const duck = await duckConnect();
await duck.run("SET TimeZone = 'UTC'");
for (const s of setup) await duck.run(s);

const isNum = (v) => /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(v) || ['NaN', 'Infinity', '-Infinity'].includes(v);
function sameCell(x, y) {
  if (x === y) return true;
  if (!isNum(x) || !isNum(y)) return false;
  const a = Number(x);
  const b = Number(y);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}
// A sort key that tolerates float noise.
const sortKey = (row) => row.map((v) => (isNum(v) && /[.e]/i.test(v) ? Number(v).toPrecision(9) : v)).join('\u0001');
const sorted = (rows) => [...rows].sort((p, q) => (sortKey(p) < sortKey(q) ? -1 : sortKey(p) > sortKey(q) ? 1 : 0));

let failures = 0;
let compared = 0;
for (let i = 0; i < queries.length; i++) {
  const q = queries[i];
  const mine = ours.get(lineOf[i]);
  let theirs;
  try {
    const reader = await duck.runAndReadAll(q.sql);
    const types = reader.columnTypes();
    theirs = { rows: reader.getRows().map((r) => r.map((v, c) => renderDuck(v, types[c], 17))),
      types: types.map(duckLetter).join('') };
  } catch (e) {
    theirs = { error: String(e.message).split('\n')[0] };
  }
  const report = (why) => {
    failures++;
    const show = (r) => (r.error ? `    ERROR ${r.error}` : r.rows.map((x) => '    ' + x.join('\t')).join('\n') || '    (no rows)');
    console.log(`MISMATCH (${why}) in query ${i + 1}:\n  ${q.sql}\n  ours${mine?.types ? ' [' + mine.types + ']' : ''}:\n${show(mine)}\n  duckdb [${theirs.types ?? ''}]:\n${show(theirs)}\n`);
  };
  if (!mine) {
    report('no result from our runner');
    continue;
  }
  compared++;
  if (mine.error || theirs.error) {
    if (!(mine.error && theirs.error)) report(mine.error ? 'only ours failed' : 'only DuckDB failed');
    continue;
  }
  const a = q.ordered ? mine.rows : sorted(mine.rows);
  const b = q.ordered ? theirs.rows : sorted(theirs.rows);
  if (a.length !== b.length) {
    report(`${a.length} rows vs ${b.length}`);
    continue;
  }
  let bad = null;
  for (let r = 0; r < a.length && !bad; r++) {
    if (a[r].length !== b[r].length) bad = `row ${r + 1} has ${a[r].length} columns vs ${b[r].length}`;
    for (let c = 0; c < a[r].length && !bad; c++) {
      if (!sameCell(a[r][c], b[r][c])) bad = `row ${r + 1} column ${c + 1}: ${a[r][c]} vs ${b[r][c]}`;
    }
  }
  if (!bad && mine.types) {
    for (let c = 0; c < mine.types.length && !bad; c++) {
      const x = mine.types[c];
      const y = theirs.types[c];
      if (x !== y && x !== 'N' && y !== 'N') bad = `column ${c + 1} type ${x} vs ${y}`;
    }
  }
  if (bad) report(bad);
}
if (!opt.keep) fs.rmSync(dir, { recursive: true, force: true });
console.log(`${compared} queries compared with DuckDB, ${failures} mismatch(es)`);
process.exit(failures ? 1 : 0);
