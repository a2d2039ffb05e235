// Arrow interop proof for ArkFlow C++: our IPC writer and reader against npm apache-arrow, an
// independent implementation of the format.
//
//   node interop.mjs <path-to-arrow_interop_tool> <scratch-dir>
//
// (a) `arrow_interop_tool write` writes a fixed batch set as an IPC stream and file; apache-arrow
//     reads both and every value is compared with the table EXPECTED_OURS below.
// (b) apache-arrow writes tables of known values (stream and file, several batches, and types we
//     convert on import: small and unsigned ints, other timestamp units, date64, other interval
//     units); `arrow_interop_tool check` prints them and the text is compared with EXPECTED_THEIRS.
// (c) dictionary-encoded data written by apache-arrow is rejected with a clear error.
// (d) our files, read and rewritten by apache-arrow, read back to exactly what we wrote.
//
// Works in a fresh directory under <scratch-dir> and removes it (and <scratch-dir> when that is
// left empty) at the end. Exits non-zero on any mismatch, printing what differed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import * as arrow from 'apache-arrow';

const { Field, makeData, makeVector, vectorFromArray } = arrow;

const [tool, scratch] = process.argv.slice(2);
if (!tool || !scratch) {
  console.error('usage: node interop.mjs <arrow_interop_tool> <scratch-dir>');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function run(...args) {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runOk(...args) {
  const r = run(...args);
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// Validity bitmap (LSB first) from an array where null/undefined marks a null slot.
function bitmapOf(values) {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) bits[i >> 3] |= 1 << (i & 7);
  });
  return bits;
}

function nullCount(values) {
  return values.filter((v) => v === null).length;
}

// A vector from exact raw values: `data` is the values buffer (a typed array), `values` says which
// slots are null.
function rawVector(type, values, data) {
  return makeVector(
    makeData({ type, length: values.length, nullCount: nullCount(values), nullBitmap: bitmapOf(values), data }),
  );
}

function int64Vector(type, values) {
  return rawVector(type, values, BigInt64Array.from(values, (v) => v ?? 0n));
}

// The raw value of slot i of a (possibly chunked) vector: exact, unlike get() for timestamps.
function rawAt(vec, i) {
  for (const d of vec.data) {
    if (i < d.length) return d.values[d.offset + i];
    i -= d.length;
  }
  throw new Error(`index ${i} out of range`);
}

// Slot i of `vec` as a plain JS value we can compare exactly.
function norm(vec, i) {
  if (!vec.isValid(i)) return null;
  const t = vec.type;
  switch (t.typeId) {
    case arrow.Type.Null:
      return null;
    case arrow.Type.Int:
      return t.bitWidth === 64 ? BigInt(vec.get(i)) : vec.get(i);
    case arrow.Type.Float:
    case arrow.Type.Bool:
    case arrow.Type.Utf8:
      return vec.get(i);
    case arrow.Type.Binary:
      return Buffer.from(vec.get(i)).toString('hex');
    case arrow.Type.Timestamp:
      return BigInt(rawAt(vec, i));
    case arrow.Type.Date:
      return rawAt(vec, i);
    case arrow.Type.Interval: {
      const v = vec.get(i);  // Int32Array [months, days, nanos low, nanos high]
      const nanos = BigInt.asIntN(64, (BigInt(v[3]) << 32n) | BigInt(v[2] >>> 0));
      return [v[0], v[1], nanos];
    }
    case arrow.Type.List: {
      const child = vec.get(i);
      return Array.from({ length: child.length }, (_, k) => norm(child, k));
    }
    case arrow.Type.Struct: {
      const out = {};
      t.children.forEach((f, j) => {
        out[f.name] = norm(vec.getChildAt(j), i);
      });
      return out;
    }
    default:
      throw new Error(`unexpected type ${t}`);
  }
}

let failures = 0;
function check(name, fn) {
  try {
    fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.error(`FAIL ${name}\n${e.stack || e}`);
  }
}

// ---------------------------------------------------------------------------------------------
// (a) What arrow_interop_tool writes, as apache-arrow must read it.

const EXPECTED_OURS_SCHEMA = [
  ['i32', 'Int32', true],
  ['i64', 'Int64', false],
  ['f32', 'Float32', true],
  ['f64', 'Float64', true],
  ['flag', 'Bool', true],
  ['s', 'Utf8', true],
  ['bin', 'Binary', true],
  ['ts', 'Timestamp<MICROSECOND, UTC>', true],
  ['day', 'Date32<DAY>', true],
  ['span', 'Interval<MONTH_DAY_NANO>', true],
  ['ints', 'List<Int64>', true],
  ['rec', 'Struct<{a:Int32, b:Utf8}>', true],
  ['points', 'List<Struct<{x:Float64, tags:List<Utf8>}>>', true],
  ['n', 'Null', true],
];

// Batch 0 has 4 rows, batch 1 has 3 (written from a slice of a larger batch).
const EXPECTED_OURS_BATCH_ROWS = [4, 3];
const EXPECTED_OURS = {
  i32: [1, null, -2147483648, 2147483647, 11, null, 31],
  i64: [-9007199254740993n, 0n, 9223372036854775807n, -9223372036854775808n, 12n, 22n, 32n],
  f32: [1.5, null, 3.25, 1024.125, 13.5, null, 33.5],
  f64: [0.1, -2.25, null, 1e300, 14.25, null, 34.25],
  flag: [true, false, null, true, false, null, true],
  s: ['h\u00e9llo', '', null, 'multi\nline "q"', 'b1', null, 'b3'],
  bin: ['0001ff', '', null, 'ff', 'b1', null, 'b3'],
  ts: [1700000000123456n, null, -1n, 0n, 1000000n, null, 3000000n],
  day: [19000, -1, null, 0, 1, null, 3],
  span: [[1, 2, 3000000000n], null, [-1, -2, -3n], [0, 0, 0n], [1, 0, 0n], null, [3, 3, 3n]],
  ints: [[1n, 2n, 3n], [], null, [4n, null, 6n], [10n], null, [30n, 31n]],
  rec: [{ a: 7, b: 'x' }, null, { a: null, b: 'yz' }, { a: 0, b: '' }, { a: 1, b: 'one' }, null,
    { a: 3, b: 'three' }],
  points: [
    [{ x: 0.5, tags: ['a', 'b'] }],
    [],
    null,
    [{ x: null, tags: null }, null, { x: 0.001, tags: [] }],
    [{ x: 2, tags: ['t'] }],
    null,
    [{ x: 3, tags: [] }, { x: 4, tags: ['u', 'v'] }],
  ],
  n: [null, null, null, null, null, null, null],
};

function checkOurFile(file) {
  const table = arrow.tableFromIPC(fs.readFileSync(file));
  assert.deepEqual(
    table.schema.fields.map((f) => [f.name, String(f.type), f.nullable]),
    EXPECTED_OURS_SCHEMA,
  );
  assert.deepEqual(table.batches.map((b) => b.numRows), EXPECTED_OURS_BATCH_ROWS);
  for (const [name, expected] of Object.entries(EXPECTED_OURS)) {
    const vec = table.getChild(name);
    const got = Array.from({ length: table.numRows }, (_, i) => norm(vec, i));
    assert.deepEqual(got, expected, `column ${name}`);
  }
}

// ---------------------------------------------------------------------------------------------
// (b) What apache-arrow writes, as arrow_interop_tool must print it.

function theirTable(rows) {
  // rows: 0 = first batch (3 rows), 1 = second batch (2 rows)
  const pick = (a, b) => (rows === 0 ? a : b);
  const utf8 = () => new Field('item', new arrow.Utf8(), true);
  const cols = {
    i8: vectorFromArray(pick([-128, null, 127], [1, -1]), new arrow.Int8()),
    u8: vectorFromArray(pick([0, 255, null], [7, 8]), new arrow.Uint8()),
    i16: vectorFromArray(pick([-32768, 32767, null], [2, -2]), new arrow.Int16()),
    u16: vectorFromArray(pick([65535, null, 1], [3, 4]), new arrow.Uint16()),
    i32: vectorFromArray(pick([null, -5, 2147483647], [5, 6]), new arrow.Int32()),
    u32: vectorFromArray(pick([4294967295, 0, null], [9, 10]), new arrow.Uint32()),
    i64: vectorFromArray(pick([-(2n ** 63n), 2n ** 63n - 1n, null], [11n, -12n]), new arrow.Int64()),
    f32: vectorFromArray(pick([0.5, null, -1.25], [2.5, 3.5]), new arrow.Float32()),
    f64: vectorFromArray(pick([null, 3.141592653589793, 1e-7], [4.5, -5.5]), new arrow.Float64()),
    b: vectorFromArray(pick([true, null, false], [false, true]), new arrow.Bool()),
    s: vectorFromArray(pick(['\u00fcn\u00ef', '', null], ['p', 'q']), new arrow.Utf8()),
    bin: vectorFromArray(
      pick([new Uint8Array([1, 2]), null, new Uint8Array([])], [new Uint8Array([255]), null]),
      new arrow.Binary(),
    ),
    ts_s: int64Vector(new arrow.TimestampSecond(), pick([1700000000n, -1n, null], [0n, 1n])),
    ts_ms: int64Vector(new arrow.TimestampMillisecond(), pick([1700000000123n, -1n, null], [0n, 2n])),
    ts_us: int64Vector(new arrow.TimestampMicrosecond('UTC'), pick([1700000000123456n, null, -1n], [0n, 3n])),
    ts_ns: int64Vector(
      new arrow.TimestampNanosecond('Europe/Paris'),
      pick([1700000000123456789n, -1n, null], [0n, 4999n]),
    ),
    d: vectorFromArray(pick([19000 * 86400000, null, -719162 * 86400000], [0, 86400000]), new arrow.DateDay()),
    dms: int64Vector(new arrow.DateMillisecond(), pick([19000n * 86400000n, -1n, null], [0n, 86400001n])),
    iv: (() => {
      const v = pick([[1, 2, 3n], null, [-1, -2, -3n]], [[0, 0, 0n], [12, 30, 1n << 40n]]);
      const data = new Int32Array(v.length * 4);
      v.forEach((x, i) => {
        if (!x) return;
        const n = BigInt.asUintN(64, x[2]);
        data.set([x[0], x[1], Number(n & 0xffffffffn) | 0, Number(n >> 32n) | 0], i * 4);
      });
      return rawVector(new arrow.IntervalMonthDayNano(), v, data);
    })(),
    iv_ym: (() => {
      const v = pick([14, null, -1], [0, 25]);
      return rawVector(new arrow.IntervalYearMonth(), v, Int32Array.from(v, (x) => x ?? 0));
    })(),
    iv_dt: (() => {
      const v = pick([[3, 1500], null, [-1, -2]], [[0, 0], [1, 1]]);
      return rawVector(new arrow.IntervalDayTime(), v, Int32Array.from(v.flatMap((x) => x ?? [0, 0])));
    })(),
    l: vectorFromArray(pick([[1, null], null, []], [[2], [3, 4]]), new arrow.List(new Field('item', new arrow.Int32(), true))),
    ll: vectorFromArray(
      pick([[['a'], []], [], null], [[['b', 'c']], [null]]),
      new arrow.List(new Field('item', new arrow.List(utf8()), true)),
    ),
    st: vectorFromArray(
      pick([{ a: 1, b: 'x' }, null, { a: null, b: 'z' }], [{ a: 2, b: 'y' }, { a: 3, b: null }]),
      new arrow.Struct([new Field('a', new arrow.Int32(), true), new Field('b', new arrow.Utf8(), true)]),
    ),
    ls: vectorFromArray(
      pick([[{ x: 1.5 }, null], null, []], [[{ x: null }], [{ x: 2 }]]),
      new arrow.List(new Field('item', new arrow.Struct([new Field('x', new arrow.Float64(), true)]), true)),
    ),
    n: vectorFromArray(pick([null, null, null], [null, null]), new arrow.Null()),
  };
  return new arrow.Table(cols);
}

const EXPECTED_THEIRS = `schema: i8: int32, u8: int32, i16: int32, u16: int32, i32: int32, u32: int64, \
i64: int64, f32: float32, f64: float64, b: bool, s: string, bin: binary, ts_s: timestamp, \
ts_ms: timestamp, ts_us: timestamp, ts_ns: timestamp, d: date, dms: date, iv: interval, \
iv_ym: interval, iv_dt: interval, l: list<int32>, ll: list<list<string>>, \
st: struct<a: int32, b: string>, ls: list<struct<x: float64>>, n: null not null
batch 0: 3 rows
  0: i8=-128, u8=0, i16=-32768, u16=65535, i32=null, u32=4294967295, i64=-9223372036854775808, \
f32=0.5, f64=null, b=true, s="\u00fcn\u00ef", bin=0x0102, ts_s=1700000000000000, ts_ms=1700000000123000, \
ts_us=1700000000123456, ts_ns=1700000000123456, d=19000, dms=19000, iv=1m2d3ns, iv_ym=14m0d0ns, \
iv_dt=0m3d1500000000ns, l=[1, null], ll=[["a"], []], st={a: 1, b: "x"}, ls=[{x: 1.5}, null], n=null
  1: i8=null, u8=255, i16=32767, u16=null, i32=-5, u32=0, i64=9223372036854775807, f32=null, \
f64=3.141592653589793, b=null, s="", bin=null, ts_s=-1000000, ts_ms=-1000, ts_us=null, ts_ns=-1, \
d=null, dms=-1, iv=null, iv_ym=null, iv_dt=null, l=null, ll=[], st=null, ls=null, n=null
  2: i8=127, u8=null, i16=null, u16=1, i32=2147483647, u32=null, i64=null, f32=-1.25, f64=1e-07, \
b=false, s=null, bin=0x, ts_s=null, ts_ms=null, ts_us=-1, ts_ns=null, d=-719162, dms=null, \
iv=-1m-2d-3ns, iv_ym=-1m0d0ns, iv_dt=0m-1d-2000000ns, l=[], ll=null, st={a: null, b: "z"}, ls=[], n=null
batch 1: 2 rows
  0: i8=1, u8=7, i16=2, u16=3, i32=5, u32=9, i64=11, f32=2.5, f64=4.5, b=false, s="p", bin=0xff, \
ts_s=0, ts_ms=0, ts_us=0, ts_ns=0, d=0, dms=0, iv=0m0d0ns, iv_ym=0m0d0ns, iv_dt=0m0d0ns, l=[2], \
ll=[["b", "c"]], st={a: 2, b: "y"}, ls=[{x: null}], n=null
  1: i8=-1, u8=8, i16=-2, u16=4, i32=6, u32=10, i64=-12, f32=3.5, f64=-5.5, b=true, s="q", bin=null, \
ts_s=1000000, ts_ms=2000, ts_us=3, ts_ns=4, d=1, dms=1, iv=12m30d1099511627776ns, iv_ym=25m0d0ns, \
iv_dt=0m1d1000000ns, l=[3, 4], ll=[null], st={a: 3, b: null}, ls=[{x: 2}], n=null
`;

// ---------------------------------------------------------------------------------------------
// The run

fs.mkdirSync(scratch, { recursive: true });
const dir = fs.mkdtempSync(path.join(scratch, 'arrow-interop-'));
try {
  runOk('write', dir);
  const ourStream = path.join(dir, 'ark_stream.arrows');
  const ourFile = path.join(dir, 'ark_file.arrow');

  check('(a) apache-arrow reads our IPC stream', () => checkOurFile(ourStream));
  check('(a) apache-arrow reads our IPC file', () => checkOurFile(ourFile));

  const theirs = theirTable(0).concat(theirTable(1));
  for (const format of ['stream', 'file']) {
    check(`(b) we read apache-arrow's IPC ${format}`, () => {
      const file = path.join(dir, `theirs.${format}`);
      fs.writeFileSync(file, arrow.tableToIPC(theirs, format));
      assert.equal(runOk('check', file), EXPECTED_THEIRS);
    });
  }

  const dictionary = new arrow.Table({
    colour: vectorFromArray(['red', 'green', 'red'], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
  });
  const dictionaryErrors = {
    stream: 'error: Unimplemented: IPC message at byte offset 0: field "colour" is dictionary-encoded; ' +
      'dictionary-encoded fields are not supported\n',
    file: 'error: Unimplemented: Arrow IPC file footer: field "colour" is dictionary-encoded; ' +
      'dictionary-encoded fields are not supported\n',
  };
  for (const format of ['stream', 'file']) {
    check(`(c) dictionary-encoded ${format} is rejected`, () => {
      const file = path.join(dir, `dictionary.${format}`);
      fs.writeFileSync(file, arrow.tableToIPC(dictionary, format));
      const r = run('check', file);
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, dictionaryErrors[format]);
    });
  }

  check('(d) our data rewritten by apache-arrow reads back unchanged', () => {
    const ours = runOk('check', ourStream);
    assert.equal(runOk('check', ourFile), ours);
    const table = arrow.tableFromIPC(fs.readFileSync(ourStream));
    for (const format of ['stream', 'file']) {
      const file = path.join(dir, `rewritten.${format}`);
      fs.writeFileSync(file, arrow.tableToIPC(table, format));
      assert.equal(runOk('check', file), ours, `rewritten as ${format}`);
    }
  });
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.rmdirSync(scratch);  // only when empty: another run may be using it
  } catch {
    // not empty or already gone
  }
}

if (failures > 0) {
  console.error(`${failures} interop check(s) failed`);
  process.exit(1);
}
console.log('all interop checks passed');
