#!/usr/bin/python3
"""Nexmark benchmark (issue [streaming]): events/s per core for each query of examples/nexmark, with
peak RSS, and DuckDB computing the same results over the same events in the same run.

Ours: for each query, `arkflow run` of the pipeline tests/nexmark/nexmark.py builds — the
`nexmark` input (in-process generator, the query's table, --events events of the model stream) →
the `sql` processor (stateless queries) or the `stream_sql` processor (the others, with event
time; several tables as views over the `all` stream) with examples/nexmark/QUERY.sql → `drop` —
under /usr/bin/time -v. Reported:
wall time, CPU time (user + system, every thread of the process: generator, worker, writer),
events/s of wall clock and per CPU second ("per core"), and the peak RSS. Events are the events
of the model stream (bids, auctions and people) as Nexmark counts them, although a bid query only
reads the 92 % that are bids.

DuckDB: the same events are dumped once by our engine to NDJSON (`nexmark` → `file` json), loaded
by tests/nexmark/oracle.mjs into in-memory tables (load time reported apart), and each query's
batch equivalent (tests/nexmark/oracle/QUERY.sql, else the same text) runs with one thread into a
materialized table: events/s = events / query time. Its row count is printed; that both engines
give the same rows is what the ctests nexmark.qN check (tests/nexmark/nexmark.py check).

Every timing is the best of --runs runs (the machine is shared; the best run is the least
disturbed one).

Usage: bench/nexmark_bench.py --arkflow build-nexmark-rel/arkflow [--events 10000000]
                              [--queries q0,q1,q2] [--runs 3] [--skip-duckdb] [--json OUT]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "nexmark"))
import nexmark  # noqa: E402  (tests/nexmark/nexmark.py: the configs and the oracle runner)

# Events/s per core the issue asks for (DESIGN §10); the other queries are reported without one.
# DESIGN §10 / issue [streaming]: events/s per core.
GOALS = {"q0": 3_000_000, "q1": 3_000_000, "q2": 3_000_000,
         "q5": 1_000_000, "q7": 1_000_000, "q8": 1_000_000, "q11": 1_000_000,
         "q3": 300_000, "q4": 300_000, "q9": 300_000, "q20": 300_000}


def time_run(arkflow, config_path):
    """(wall_s, cpu_s, peak_rss_kib) of one `arkflow run`."""
    proc = subprocess.run(["/usr/bin/time", "-v", arkflow, "run", "-c", config_path,
                           "--no-progress", "--no-summary"], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"arkflow failed on {config_path}:\n{proc.stderr}")
    fields = {}
    for line in proc.stderr.splitlines():
        key, _, value = line.strip().rpartition(": ")
        fields[key] = value
    wall = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"]
    parts = [float(p) for p in wall.split(":")]
    wall_s = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    cpu_s = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    return wall_s, cpu_s, int(fields["Maximum resident set size (kbytes)"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arkflow", required=True, help="a Release build of arkflow")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--queries", default="q0,q1,q2")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--skip-duckdb", action="store_true")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    queries = args.queries.split(",")
    work = tempfile.mkdtemp(prefix="nexmark-bench-")
    results = []
    try:
        for q in queries:
            sql = nexmark.query_text(os.path.join(nexmark.QUERIES, f"{q}.sql"))
            path = os.path.join(work, f"{q}.yaml")
            with open(path, "w") as f:
                f.write(nexmark.engine_config(sql, args.events, args.seed, None,
                                              batch_size=args.batch_size))
            best = None
            for _ in range(args.runs):
                run = time_run(args.arkflow, path)
                if best is None or run[1] < best[1]:
                    best = run
            wall_s, cpu_s, rss = best
            r = {"query": q, "events": args.events, "wall_s": wall_s, "cpu_s": cpu_s,
                 "events_per_s": args.events / wall_s, "events_per_cpu_s": args.events / cpu_s,
                 "peak_rss_mib": rss / 1024}
            goal = ""
            if q in GOALS:
                met = "met" if r["events_per_cpu_s"] >= GOALS[q] else "NOT met"
                goal = f" (goal {GOALS[q] / 1e6:g} M: {met})"
            print(f"arkflow {q}: {args.events} events in {wall_s:.2f} s wall, {cpu_s:.2f} s CPU: "
                  f"{r['events_per_s'] / 1e6:.2f} M events/s, {r['events_per_cpu_s'] / 1e6:.2f} M "
                  f"events/s per core{goal}, peak RSS {r['peak_rss_mib']:.0f} MiB", flush=True)
            results.append(r)

        if not args.skip_duckdb:
            tables = sorted({t for q in queries for t in nexmark.tables_of(
                nexmark.query_text(os.path.join(nexmark.QUERIES, f"{q}.sql")))})
            dump = os.path.join(work, "dump.yaml")
            with open(dump, "w") as f:
                f.write(nexmark.dump_config(work, args.events, args.seed, tables))
            wall_s, _, _ = time_run(args.arkflow, dump)
            size = sum(os.path.getsize(os.path.join(work, f"{t}.ndjson")) for t in tables)
            print(f"dump: {args.events} events to NDJSON ({size / 2**20:.0f} MiB) in {wall_s:.1f} s",
                  flush=True)
            for r in results:
                _, best = nexmark.run_oracle(work, nexmark.oracle_query_path(r["query"]),
                                             threads=1, materialize=True, repeat=args.runs)
                r["duckdb_load_s"] = best["load_s"]
                r["duckdb_query_s"] = best["query_s"]
                r["duckdb_rows"] = best["rows"]
                r["duckdb_events_per_s"] = args.events / best["query_s"]
                print(f"duckdb  {r['query']}: load {best['load_s']:.1f} s, query "
                      f"{best['query_s']:.2f} s ({r['duckdb_events_per_s'] / 1e6:.2f} M events/s, "
                      f"1 thread, {best['rows']} rows)", flush=True)
    finally:
        shutil.rmtree(work)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
