#!/usr/bin/python3
"""Runs the Nexmark queries of examples/nexmark/ on our engine and checks them against DuckDB.

  nexmark.py check QUERY --arkflow BIN [--events N] [--seed S] [--keep DIR]
      Generates N events (default 100000) with the `nexmark` input, runs examples/nexmark/QUERY.sql
      on them with the engine, dumps the same events to NDJSON with the engine, runs the DuckDB
      oracle (tests/nexmark/oracle.mjs) over the dump with tests/nexmark/oracle/QUERY.sql when that
      exists (the batch equivalent, where DuckDB's SQL differs) or else the same query file, and
      compares both results exactly after canonicalisation (rows sorted; numbers by value, so 908
      and 908.0 agree; timestamps with six fraction digits). Exit status 1 with a diff on a
      mismatch.
  nexmark.py run QUERY --arkflow BIN [--events N] [--seed S]
      Runs the query on our engine and prints its rows (NDJSON) to standard output.

QUERY is a name such as q1 (examples/nexmark/q1.sql). A stateless query over one table (bid,
auction or person) runs on the `sql` processor, batch by batch. A query that keeps state (GROUP
BY, joins, window table functions, OVER, DISTINCT) runs on the `stream_sql` processor with
event time from date_time: over its one table, or, when it reads several, over the `all` stream
with the tables as views of it (as Flink's Nexmark defines person, auction and bid over its
datagen table). A result with an `__op` column is a changelog: the rows it leaves, once applied,
are what DuckDB's batch result is compared with.

The YAML configs are built by engine_config() and dump_config(), which bench/nexmark_bench.py
reuses.
"""
import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUERIES = os.path.join(ROOT, "examples", "nexmark")
ORACLE_QUERIES = os.path.join(ROOT, "tests", "nexmark", "oracle")
ORACLE = os.path.join(ROOT, "tests", "nexmark", "oracle.mjs")
TABLES = ("bid", "auction", "person")


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def query_text(path):
    """The query of a .sql file without comments and the final semicolon."""
    with open(path) as f:
        text = re.sub(r"--[^\n]*", "", f.read()).strip()
    return text[:-1].rstrip() if text.endswith(";") else text


def tables_of(sql):
    """The Nexmark tables a query reads: after FROM, JOIN, TABLE (Flink's window functions), the
    comma of `FROM t1 a, t2 b`, or a window function's parenthesis (RisingWave's TUMBLE(bid,
    ...)), in order of first use."""
    patterns = [
        r"(?:\bfrom|\bjoin|\btable|\b(?:tumble|hop|cumulate|session)\s*\()\s*"
        r"(bid|auction|person)\b(?!\s*\.)",
        r"\bfrom\s+\w+(?:\s+(?:as\s+)?\w+)?\s*,\s*(bid|auction|person)\b",
    ]
    hits = sorted((m.start(1), m.group(1).lower()) for p in patterns
                  for m in re.finditer(p, sql, re.IGNORECASE))
    found = []
    for _, name in hits:
        if name not in found:
            found.append(name)
    return found


STATEFUL = re.compile(r"\b(group\s+by|join|tumble|hop|cumulate|session|over|distinct)\b",
                      re.IGNORECASE)

# Columns of each table inside the `all` stream's struct column of the same name.
COLUMNS = {
    "person": ["id", "name", "email_address", "credit_card", "city", "state", "date_time",
               "extra"],
    "auction": ["id", "item_name", "description", "initial_bid", "reserve", "date_time",
                "expires", "seller", "category", "extra"],
    "bid": ["auction", "bidder", "price", "channel", "url", "date_time", "extra"],
}
EVENT_TYPE = {"person": 0, "auction": 1, "bid": 2}


def is_streaming(sql):
    """Whether the query keeps state across batches (runs on stream_sql) or not (sql)."""
    return len(tables_of(sql)) > 1 or STATEFUL.search(sql) is not None


def with_views(sql, tables):
    """`sql` reading the tables as views over the one `events` stream (`table: all`), as Flink's
    Nexmark defines person/auction/bid over its datagen table."""
    views = []
    for t in tables:
        cols = ", ".join("date_time" if c == "date_time" else f"{t}.{c} AS {c}"
                         for c in COLUMNS[t])
        views.append(f"{t} AS (SELECT {cols} FROM events WHERE event_type = {EVENT_TYPE[t]})")
    m = re.match(r"\s*with\s+", sql, re.IGNORECASE)
    if m:
        return "WITH " + ",\n     ".join(views) + ",\n" + sql[m.end():]
    return "WITH " + ",\n     ".join(views) + "\n" + sql


def apply_changelog(objects):
    """The rows a changelog leaves: +I/+U add a row, -U/-D remove one equal row."""
    kept = {}
    for obj in objects:
        op = obj.pop("__op", None)
        key = json.dumps(obj, sort_keys=False)
        if op in (None, "+I", "+U"):
            kept[key] = kept.get(key, 0) + 1
        elif kept.get(key, 0) > 0:
            kept[key] -= 1
        else:
            fail(f"the changelog retracts a row it never emitted: {key}")
    return [json.loads(k) for k, n in kept.items() for _ in range(n)]


def indent(text, spaces):
    return "\n".join(" " * spaces + line if line else line for line in text.splitlines())


def input_yaml(table, events, seed, batch_size=8192):
    return (f"      type: nexmark\n      table: {table}\n      event_count: {events}\n"
            f"      seed: {seed}\n      batch_size: {batch_size}\n")


def output_yaml(path):
    """A json file output, or `drop` when path is None."""
    if path is None:
        return "      type: drop\n"
    return f"      type: file\n      path: {path}\n      codec:\n        type: json\n"


HEADER = "logging:\n  level: warn\nhealth_check:\n  enabled: false\n"


def engine_config(sql, events, seed, output_path, thread_num=None, batch_size=8192):
    """A config running `sql` over `events` generated events into output_path: the sql processor
    for a stateless query over one table, stream_sql (with event time) otherwise."""
    tables = tables_of(sql)
    if not tables:
        fail("the query reads no Nexmark table (bid, auction or person)")
    threads = f"      thread_num: {thread_num}\n" if thread_num else ""
    if not is_streaming(sql):
        if len(tables) != 1:
            fail(f"the query reads {tables}: a stateless query reads one table")
        table, processor, query = tables[0], "sql", sql
        event_time = ""
    else:
        processor = "stream_sql"
        event_time = "          event_time: {column: date_time}\n"
        if len(tables) == 1:
            table, query = tables[0], sql
        else:
            table, query = "all", with_views(sql, tables)
    name = "events" if table == "all" else table
    return (HEADER + "streams:\n  - id: nexmark\n    input:\n" +
            input_yaml(table, events, seed, batch_size) +
            "    pipeline:\n" + threads + f"      processors:\n        - type: {processor}\n" +
            f"          table_name: {name}\n" + event_time + "          query: |\n" +
            indent(query, 12) + "\n" + "    output:\n" + output_yaml(output_path))


def dump_config(directory, events, seed, tables=TABLES):
    """A config writing the events of each table to DIR/<table>.ndjson."""
    streams = "".join(
        f"  - id: dump_{t}\n    input:\n" + input_yaml(t, events, seed) + "    output:\n" +
        output_yaml(os.path.join(directory, f"{t}.ndjson")) for t in tables)
    return HEADER + "streams:\n" + streams


def run_engine(arkflow, config_text, directory, name):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(config_text)
    proc = subprocess.run([arkflow, "run", "-c", path, "--no-progress", "--no-summary"],
                          capture_output=True, text=True)
    if proc.returncode != 0 or proc.stderr.strip():
        fail(f"arkflow run -c {path} exited {proc.returncode}:\n{proc.stderr}")


TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$")


def canonical_value(v):
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    if isinstance(v, str):
        m = TIMESTAMP.match(v)
        if m:
            return f"{m.group(1)}.{(m.group(2) or '').ljust(6, '0')}Z"
    return v


def canonical_rows(lines):
    """Sorted canonical text of NDJSON rows: [[column, value], ...] per row. A changelog (rows
    with `__op`) is applied first: the rows it leaves."""
    objects = [json.loads(line) for line in lines if line.strip()]
    if any("__op" in o for o in objects):
        objects = apply_changelog(objects)
    rows = []
    for obj in objects:
        rows.append(json.dumps([[k, canonical_value(v)] for k, v in obj.items()],
                               ensure_ascii=False))
    rows.sort()
    return rows


def oracle_query_path(name):
    special = os.path.join(ORACLE_QUERIES, f"{name}.sql")
    return special if os.path.exists(special) else os.path.join(QUERIES, f"{name}.sql")


def run_oracle(data_dir, query_path, threads=1, materialize=False, repeat=1):
    """(stdout, timings) of the DuckDB oracle."""
    args = ["/usr/bin/node", ORACLE, "--data", data_dir, "--query", query_path,
            "--threads", str(threads)]
    if materialize:
        args += ["--materialize", "--repeat", str(repeat)]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        fail(f"the DuckDB oracle failed on {query_path}:\n{proc.stderr}")
    return proc.stdout, json.loads(proc.stderr.strip().splitlines()[-1])


def check(args):
    sql = query_text(os.path.join(QUERIES, f"{args.query}.sql"))
    work = args.keep or tempfile.mkdtemp(prefix=f"nexmark-{args.query}-")
    os.makedirs(work, exist_ok=True)
    try:
        ours_path = os.path.join(work, "result.ndjson")
        run_engine(args.arkflow, engine_config(sql, args.events, args.seed, ours_path), work,
                   "query.yaml")
        run_engine(args.arkflow, dump_config(work, args.events, args.seed, tables_of(sql)), work,
                   "dump.yaml")
        with open(ours_path) as f:
            ours = canonical_rows(f)
        text, timing = run_oracle(work, oracle_query_path(args.query))
        theirs = canonical_rows(text.splitlines())
        if ours != theirs:
            diff = difflib.unified_diff(theirs, ours, fromfile=f"DuckDB ({len(theirs)} rows)",
                                        tofile=f"arkflow ({len(ours)} rows)", lineterm="", n=1)
            for i, line in enumerate(diff):
                if i >= 60:
                    print("... (diff cut at 60 lines)", file=sys.stderr)
                    break
                print(line, file=sys.stderr)
            fail(f"{args.query}: our result differs from DuckDB's (files kept in {work})")
        print(f"{args.query}: {len(ours)} rows from {args.events} events (seed {args.seed}) "
              f"equal DuckDB's")
    finally:
        if not args.keep and os.path.isdir(work):
            shutil.rmtree(work)


def run(args):
    sql = query_text(os.path.join(QUERIES, f"{args.query}.sql"))
    work = tempfile.mkdtemp(prefix=f"nexmark-{args.query}-")
    try:
        out = os.path.join(work, "result.ndjson")
        run_engine(args.arkflow, engine_config(sql, args.events, args.seed, out), work,
                   "query.yaml")
        with open(out) as f:
            shutil.copyfileobj(f, sys.stdout)
    finally:
        shutil.rmtree(work)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["check", "run"])
    parser.add_argument("query", help="q0, q1, ... (examples/nexmark/<query>.sql)")
    parser.add_argument("--arkflow", required=True, help="the arkflow binary")
    parser.add_argument("--events", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", help="work in this directory and keep it")
    args = parser.parse_args()
    if not os.path.exists(os.path.join(QUERIES, f"{args.query}.sql")):
        fail(f"no query {args.query}: examples/nexmark/{args.query}.sql does not exist")
    check(args) if args.command == "check" else run(args)


if __name__ == "__main__":
    main()
