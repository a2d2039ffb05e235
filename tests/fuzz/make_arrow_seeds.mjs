// Writes small Arrow IPC seeds for the arrow_ipc fuzz target with Apache Arrow JS (an
// implementation independent of ours): a stream and a file over many column types with nulls,
// and a stream with a dictionary-encoded column (which our reader rejects with an error).
//
//   node tests/fuzz/make_arrow_seeds.mjs        (from the repository root, after `npm install`)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as arrow from 'apache-arrow';

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus', 'arrow_ipc');

const table = arrow.tableFromArrays({
  i8: arrow.vectorFromArray([1, null, -3], new arrow.Int8()),
  i16: arrow.vectorFromArray([300, 2, null], new arrow.Int16()),
  u32: arrow.vectorFromArray([1, 4000000000, 3], new arrow.Uint32()),
  f32: arrow.vectorFromArray([1.5, null, -0.25], new arrow.Float32()),
  b: arrow.vectorFromArray([true, false, null], new arrow.Bool()),
  s: arrow.vectorFromArray(['a', null, 'ccc'], new arrow.Utf8()),
  l: arrow.vectorFromArray([[1, 2], null, []], new arrow.List(new arrow.Field('item', new arrow.Int32()))),
  st: arrow.vectorFromArray(
    [{ x: 1, y: 'p' }, null, { x: null, y: 'q' }],
    new arrow.Struct([new arrow.Field('x', new arrow.Int32()), new arrow.Field('y', new arrow.Utf8())]),
  ),
  d: arrow.vectorFromArray([0, 19000, null], new arrow.DateDay()),
  ts: arrow.vectorFromArray([0, 1700000000000, null], new arrow.TimestampMillisecond()),
});
fs.writeFileSync(path.join(out, 'types.arrows'), arrow.tableToIPC(table, 'stream'));
fs.writeFileSync(path.join(out, 'types.arrow'), arrow.tableToIPC(table, 'file'));

const dict = arrow.tableFromArrays({
  c: arrow.vectorFromArray(['x', 'y', 'x'], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
});
fs.writeFileSync(path.join(out, 'dictionary.arrows'), arrow.tableToIPC(dict, 'stream'));
