// Writes examples/data/bids.arrow, the input of examples/codecs/arrow.yaml, with Apache Arrow JS
// (npm apache-arrow, an implementation independent of ArkFlow's): the bids of bids.ndjson as an
// Arrow IPC *file* with typed columns (auction, bidder, price: Int64; channel: Utf8, not
// dictionary-encoded; date_time: Timestamp<MICROSECOND, UTC>), in two record batches.
//
//   node examples/data/make_bids_arrow.mjs        (from the repository root, after `npm install`)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as arrow from 'apache-arrow';

const here = path.dirname(fileURLToPath(import.meta.url));
const bids = fs
  .readFileSync(path.join(here, 'bids.ndjson'), 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line));

function int64(type, values) {
  return arrow.makeVector(
    arrow.makeData({ type, length: values.length, nullCount: 0, data: BigInt64Array.from(values) }),
  );
}

function batchOf(rows) {
  const table = new arrow.Table({
    auction: int64(new arrow.Int64(), rows.map((b) => BigInt(b.auction))),
    bidder: int64(new arrow.Int64(), rows.map((b) => BigInt(b.bidder))),
    price: int64(new arrow.Int64(), rows.map((b) => BigInt(b.price))),
    channel: arrow.vectorFromArray(rows.map((b) => b.channel), new arrow.Utf8()),
    date_time: int64(
      new arrow.TimestampMicrosecond('UTC'),
      rows.map((b) => BigInt(Date.parse(b.date_time)) * 1000n),
    ),
  });
  return table.batches;
}

const table = new arrow.Table([...batchOf(bids.slice(0, 4)), ...batchOf(bids.slice(4))]);
fs.writeFileSync(path.join(here, 'bids.arrow'), arrow.tableToIPC(table, 'file'));
const { numRows, batches } = table;
console.log(`wrote ${path.join(here, 'bids.arrow')}: ${numRows} rows in ${batches.length} batches`);
