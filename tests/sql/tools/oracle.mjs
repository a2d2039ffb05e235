#!/usr/bin/env node
// Checks (or fills) the expected results of a golden file against a reference engine: PostgreSQL
// (through psql, for PostgreSQL semantics) or DuckDB (npm @duckdb/node-api). A development tool
// for writing tests/sql/*.test — not a ctest: the golden files hold the expected values themselves.
//
//   node tests/sql/tools/oracle.mjs --engine pg|duckdb [--fill] FILE.test
//     PostgreSQL: psql must reach a server (PGHOST, PGPORT, PGUSER; a scratch server is enough);
//     each file gets its own schema, dropped first.
//
// A comment line right before a record steers it:
//   # oracle: none | pg | duckdb    which engine the record may be checked against (default: both)
//   # pg: <sql>                     the statement as PostgreSQL spells it
//   # duckdb: <sql>                 the statement as DuckDB spells it
// --fill replaces an expected block that is exactly "FILL" (a placeholder written while drafting a
// record) with the engine's result.
// Exit status 1 when a record disagrees.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { duckConnect, duckLetter, escapeText, formatG, renderDuck, toDuckSql } from './render.mjs';

const args = process.argv.slice(2);
let engine = 'pg';
let fill = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--engine') engine = args[++i];
  else if (args[i] === '--fill') fill = true;
  else files.push(args[i]);
}

function parse(text) {
  const lines = text.split('\n');
  const records = [];
  let i = 0;
  const blank = (k) => lines[k].trim() === '';
  let comments = [];
  while (i < lines.length) {
    if (blank(i)) { comments = []; i++; continue; }
    if (lines[i].startsWith('#')) { comments.push(lines[i]); i++; continue; }
    const r = { start: i, header: lines[i], comments, sqlLines: [], expected: null };
    comments = [];
    const w = lines[i].split(/\s+/);
    r.kind = w[0] === 'control' ? 'control' : w[0] === 'query' ? 'query' : w[1] === 'ok' ? 'ok' : 'error';
    if (r.kind === 'query') {
      r.types = w[1];
      r.rowsort = w.includes('rowsort');
      r.colnames = w.includes('colnames');
    }
    i++;
    if (r.kind === 'control') { r.end = i; records.push(r); continue; }
    while (i < lines.length && !blank(i) && lines[i] !== '----') {
      if (!lines[i].startsWith('#')) r.sqlLines.push(lines[i]);
      i++;
    }
    if (i < lines.length && lines[i] === '----') {
      r.dashes = i;
      i++;
      r.expected = [];
      while (i < lines.length && !blank(i)) r.expected.push(lines[i++]);
    }
    r.end = i;
    r.sql = r.sqlLines.join('\n');
    for (const c of r.comments) {
      let m;
      if ((m = c.match(/^#\s*oracle:\s*(\w+)/))) r.oracle = m[1];
      if ((m = c.match(/^#\s*pg:\s*(.*)$/))) r.pgSql = m[1];
      if ((m = c.match(/^#\s*duckdb:\s*(.*)$/))) r.duckSql = m[1];
    }
    records.push(r);
  }
  return { lines, records };
}

function pgType(t) {
  t = t.trim().toLowerCase();
  const m = t.match(/^list<(.*)>$/);
  if (m) return pgType(m[1]) + '[]';
  return { int64: 'bigint', int32: 'integer', float64: 'double precision', float32: 'real',
    string: 'text', bool: 'boolean', binary: 'bytea' }[t] ?? t;
}

function toPgSql(sql) {
  const m = sql.match(/^\s*create\s+table\s+(\w+)\s*\(([\s\S]*)\)\s*;?\s*$/i);
  if (m) {
    const cols = m[2].split(',').map((c) => {
      const [name, ...type] = c.trim().split(/\s+/);
      return `${name} ${pgType(type.join(' '))}`;
    });
    return `CREATE TABLE ${m[1]} (${cols.join(', ')})`;
  }
  return sql.replace(/\bint64\b/gi, 'bigint').replace(/\bint32\b/gi, 'integer')
    .replace(/\bfloat64\b/gi, 'double precision').replace(/\bfloat32\b/gi, 'real')
    .replace(/::string\b/gi, '::text').replace(/\bAS string\)/gi, 'AS text)');
}

const schema = (file) => 'sqlt_' + path.basename(file, '.test').replace(/\W/g, '_');

function psql(file, sql) {
  const env = { ...process.env, PGOPTIONS: `-c search_path=${schema(file)} -c TimeZone=UTC -c extra_float_digits=1` };
  const p = spawnSync('psql', ['-X', '-q', '-A', '-P', 'footer=off', '-F', '\x1f', '-R', '\x1e', '-P', 'null=\x01NULL',
    '-v', 'ON_ERROR_STOP=1'], { input: sql + ';\n', env, encoding: 'utf8' });
  if (p.status !== 0) return { error: (p.stderr || 'psql failed').trim().split('\n')[0] };
  const out = p.stdout.replace(/\n$/, '');
  const rows = out === '' ? [] : out.split('\x1e').map((r) => r.replace(/^\n/, '').split('\x1f'));
  return { names: rows[0] ?? [], rows: rows.slice(1) };
}

function renderPg(v, letter) {
  if (v === '\x01NULL') return 'NULL';
  switch (letter) {
    case 'B': return v === 't' ? 'true' : v === 'f' ? 'false' : v;
    case 'R': return formatG(Number(v === 'Infinity' || v === '-Infinity' || v === 'NaN' ? Number(v) : v), 12);
    case 'I': return v;
    case 'S': return v.replace(/\+00$/, '');
    case '?': return /^-?\d+\.\d+$/.test(v) ? formatG(Number(v), 12) : v;
    case 'L': {
      if (v === '{}') return '[]';
      return '[' + v.slice(1, -1).split(',').map((x) => (x === 'NULL' ? 'NULL' : x.replace(/^"(.*)"$/, '$1'))).join(', ') + ']';
    }
    case 'T': return v === '' ? '(empty)' : escapeText(v);
    default: return v;
  }
}

async function runFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  const { lines, records } = parse(text);
  let duck = null;
  if (engine === 'pg') {
    const s = schema(file);
    const r = psql(file, `DROP SCHEMA IF EXISTS ${s} CASCADE; CREATE SCHEMA ${s}`);
    if (r.error) throw new Error(r.error);
  } else {
    duck = await duckConnect();
    await duck.run("SET TimeZone='UTC'");
  }
  let bad = 0;
  const fills = [];
  for (const r of records) {
    if (r.kind === 'control') continue;
    if (r.oracle && r.oracle !== engine && r.oracle !== 'both') continue;
    let sql = engine === 'pg' ? (r.pgSql ?? toPgSql(r.sql)) : (r.duckSql ?? toDuckSql(r.sql));
    sql = sql.replace(/;\s*$/, '');
    let got;
    if (engine === 'pg') {
      const res = psql(file, sql);
      if (res.error) got = { error: res.error };
      else if (r.kind === 'query') {
        got = { rows: res.rows.map((row) => row.map((v, c) => renderPg(v, r.types[c] ?? 'T')).join('\t')),
          names: res.names };
      } else got = { rows: [] };
    } else {
      try {
        const reader = await duck.runAndReadAll(sql);
        const types = reader.columnTypes();
        got = { rows: reader.getRows().map((row) => row.map((v, c) => renderDuck(v, types[c], 12)).join('\t')),
          letters: types.map(duckLetter).join(''), names: reader.columnNames() };
      } catch (e) {
        got = { error: String(e.message).split('\n')[0] };
      }
    }
    const where = `${file}:${r.start + 1}`;
    if (r.kind === 'ok') {
      if (got.error) { bad++; console.log(`${where}: ${engine} failed: ${got.error}\n  ${sql}`); }
      continue;
    }
    if (r.kind === 'error') {
      if (!got.error) { bad++; console.log(`${where}: ${engine} succeeded where an error is expected\n  ${sql}`); }
      continue;
    }
    if (got.error) { bad++; console.log(`${where}: ${engine} failed: ${got.error}\n  ${sql}`); continue; }
    let rows = got.rows;
    if (r.rowsort) rows = [...rows].sort();
    if (r.colnames) rows = [got.names ? got.names.join('\t') : '(names)', ...rows];
    if (fill && r.expected && r.expected.length === 1 && r.expected[0] === 'FILL') {
      fills.push({ r, rows });
      continue;
    }
    let want = r.expected ?? [];
    if (r.rowsort) want = r.colnames ? [want[0], ...want.slice(1).sort()] : [...want].sort();
    if (r.colnames && !got.names) { rows = rows.slice(1); want = want.slice(1); }
    if (JSON.stringify(rows) !== JSON.stringify(want)) {
      bad++;
      console.log(`${where}: differs from ${engine}\n  ${sql}\n  expected:\n${want.map((x) => '    ' + x).join('\n')}\n  ${engine}:\n${rows.map((x) => '    ' + x).join('\n')}`);
    }
    if (got.letters && got.letters !== r.types && !/[?N]/.test(r.types)) {
      console.log(`${where}: note: ${engine} types ${got.letters}, file says ${r.types}`);
    }
  }
  if (fills.length) {
    for (const { r, rows } of fills.reverse()) {
      lines.splice(r.dashes + 1, 1, ...rows);
    }
    fs.writeFileSync(file, lines.join('\n'));
    console.log(`${file}: filled ${fills.length} records from ${engine}`);
  }
  return bad;
}

let bad = 0;
for (const f of files) bad += await runFile(f);
console.log(`${bad} disagreement(s)`);
process.exit(bad ? 1 : 0);
