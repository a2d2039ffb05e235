// DuckDB doing the same job as the engine's JSON pass-through: read NDJSON, write NDJSON.
// Usage: node json_duckdb_peer.mjs IN OUT [THREADS]
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output, threads] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads ?? 1) });
const conn = await db.connect();
const q = (s) => s.replaceAll("'", "''");
await conn.run(`COPY (SELECT * FROM read_json('${q(input)}', format = 'newline_delimited'))
                TO '${q(output)}' (FORMAT json)`);
