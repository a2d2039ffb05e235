#!/usr/bin/python3
"""SQL engine benchmark, side by side with DuckDB in one run (issue [sql]).

Both sides build the same Nexmark-bid-like rows in memory, before any timing, from the same
formulas (see bench/sql_bench.cc), run the same SQL text (`sql_bench --list`), single thread, and
time only the query:
  arkflow  bench/sql_bench (a Release build): the query over the whole table in 64k-row batches, and
           for stateless queries also batch by batch (the `sql` processor's path)
  duckdb   bench/sql_bench_duckdb.mjs (npm @duckdb/node-api, threads=1): the query through
           connection.run(), its result materialized inside DuckDB, never converted to JS
Queries: filter, project with expressions, GROUP BY with 10 and 1 M groups, hash join against a
100 k-row table, ORDER BY ... LIMIT 10.

Every timing is the best of --runs runs inside one process, and the two engines run --rounds
times alternately (ours, DuckDB, ours, DuckDB, ...), keeping the best of all: the machine is shared,
so the best run is the one least disturbed. Rows/s is input rows per second of wall clock and per
CPU second (process user + system time; both engines run the query on one thread).

Identity checks: a data checksum over the whole input (sums, distinct count, min/max timestamp),
and per query a checksum statement over its result (row count and column sums) — run untimed,
same SQL on both engines, compared exactly. A mismatch is reported and makes the exit status 1.

Usage: bench/run_sql_bench.py --bench build-release/bench/sql_bench [--rows 10000000] [--runs 5]
                              [--rounds 2] [--only NAME] [--skip-duckdb] [--json OUT]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Issue [sql]: filter/project at least at DuckDB's speed, group-by and join within 1.5x.
GOALS = {
    "filter": 1.0,
    "project": 1.0,
    "group_by_10": 1 / 1.5,
    "group_by_1m": 1 / 1.5,
    "hash_join_100k": 1 / 1.5,
}


def run_lines(cmd):
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def keep_best(table, key, r):
    """Keeps, per (query, engine/mode), the record with the best wall time (and best CPU time)."""
    old = table.get(key)
    if old is None or "error" in old:
        table[key] = dict(r)
        return
    if "error" in r:
        return
    if r["seconds"] < old["seconds"]:
        old["seconds"], old["rows_per_sec"] = r["seconds"], r["rows_per_sec"]
    if r.get("cpu_seconds", 1e18) < old.get("cpu_seconds", 1e18):
        old["cpu_seconds"], old["rows_per_cpu_sec"] = r["cpu_seconds"], r["rows_per_cpu_sec"]
    if r.get("checksum") != old.get("checksum"):
        old["checksum_unstable"] = True


def rate(r, field="rows_per_sec"):
    if r is None:
        return "—"
    if "error" in r:
        return "error"
    return f"{r[field] / 1e6:.1f} M/s"


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", "--arkflow-bench", required=True,
                    help="path of the sql_bench binary (Release build)")
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=5, help="runs per query inside one process")
    ap.add_argument("--rounds", type=int, default=2, help="alternating process rounds per engine")
    ap.add_argument("--only", help="one query")
    ap.add_argument("--skip-duckdb", action="store_true")
    ap.add_argument("--json", help="also write the merged records here")
    args = ap.parse_args()

    bench = os.path.abspath(args.bench)
    common = ["--rows", str(args.rows), "--runs", str(args.runs)]
    if args.only:
        common += ["--only", args.only]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write(subprocess.run([bench, "--list"], check=True, capture_output=True,
                               text=True).stdout)
        queries_file = f.name
    order = [json.loads(line)["query"] for line in open(queries_file)
             if '"query"' in line]

    best = {}
    data = {}
    version = "?"
    try:
        for _ in range(max(1, args.rounds)):
            for r in run_lines([bench] + common):
                if "data_checksum" in r:
                    data["arkflow"] = r["data_checksum"]
                else:
                    keep_best(best, (r["query"], r.get("mode", "table")), r)
            if args.skip_duckdb:
                continue
            for r in run_lines(["/usr/bin/node", os.path.join(HERE, "sql_bench_duckdb.mjs"),
                                "--queries", queries_file] + common):
                if "engine" in r:
                    version = r["version"]
                elif "data_checksum" in r:
                    data["duckdb"] = r["data_checksum"]
                else:
                    keep_best(best, (r["query"], "duckdb"), r)
    finally:
        os.unlink(queries_file)

    problems = []
    if not args.skip_duckdb and data.get("arkflow") != data.get("duckdb"):
        problems.append(f"data checksums differ: arkflow {data.get('arkflow')}, "
                        f"DuckDB {data.get('duckdb')}")

    print(f"== SQL engine vs DuckDB {version}: {args.rows:,} rows in 64k batches, 1 thread, "
          f"best of {args.runs} runs x {args.rounds} alternating rounds")
    print(f"== {machine()}")
    print("| query | arkflow | arkflow per batch | DuckDB | arkflow / DuckDB | "
          "arkflow CPU | DuckDB CPU | CPU ratio | goal | result checksum |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in order:
        if args.only and name != args.only:
            continue
        t, b, d = best.get((name, "table")), best.get((name, "per_batch")), best.get((name, "duckdb"))
        ratio = cpu_ratio = "—"
        verdict = ""
        same = "—"
        if t and d and "error" not in t and "error" not in d:
            ratio_v = t["rows_per_sec"] / d["rows_per_sec"]
            cpu_v = t["rows_per_cpu_sec"] / d["rows_per_cpu_sec"]
            ratio, cpu_ratio = f"{ratio_v:.2f}×", f"{cpu_v:.2f}×"
            goal = GOALS.get(name)
            if goal is not None:
                verdict = f"≥ {goal:.2f}× {'met' if min(ratio_v, cpu_v) >= goal else 'NOT met'}"
            if t.get("checksum") == d.get("checksum") and t["result_rows"] == d["result_rows"]:
                same = "equal"
            else:
                same = "DIFFERENT"
                problems.append(f"{name}: checksum {t.get('checksum')} ({t['result_rows']} rows), "
                                f"DuckDB {d.get('checksum')} ({d['result_rows']} rows)")
        for r in (t, b, d):
            if r and "error" in r:
                problems.append(f"{name}: {r['error']}")
        print(f"| {name} | {rate(t)} | {rate(b)} | {rate(d)} | {ratio} | "
              f"{rate(t, 'rows_per_cpu_sec')} | {rate(d, 'rows_per_cpu_sec')} | {cpu_ratio} | "
              f"{verdict} | {same} |")
    if data.get("arkflow") == data.get("duckdb") and data.get("arkflow"):
        print(f"data checksum equal on both engines: {data['arkflow']}")
    for p in problems:
        print(f"PROBLEM: {p}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": args.rows, "data": data,
                       "records": [dict(v, engine=k[1]) for k, v in best.items()]}, f, indent=1)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
