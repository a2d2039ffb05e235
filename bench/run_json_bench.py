#!/usr/bin/python3
"""NDJSON pass-through benchmark: file → decode → encode → file, side by side in one run.

Contenders on the same generated file of Nexmark-bid-like rows:
  arkflow   file → json_to_arrow → arrow_to_json → file   (bench/e2e/json_passthrough.yaml)
  python    json.loads / json.dumps loop, Debian /usr/bin/python3   (bench/e2e/json_python_peer.py)
  duckdb    COPY (SELECT * FROM read_json(...)) TO ... (FORMAT json), threads=1  (npm @duckdb/node-api)
Also: generate → drop rows/s, and arkflow's peak RSS as the input size doubles.

Each timing is the median of --runs runs of the whole process, measured with /usr/bin/time -v
(elapsed wall time and maximum resident set size). Usage:
  bench/run_json_bench.py --arkflow build-release/arkflow [--size-mb 1024] [--runs 3] [--tmp DIR]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def timed(cmd, env=None, remove=None):
    """Runs cmd under /usr/bin/time -v; returns (wall seconds, max_rss_kib, cpu seconds). `remove` is
    deleted first, so no run pays for freeing the previous run's output pages."""
    if remove and os.path.isfile(remove):
        os.remove(remove)
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", proc.stderr).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", proc.stderr).group(1))
    return seconds, rss, user + system


def median_run(cmd, runs, env=None, remove=None):
    """(median wall seconds, max peak RSS KiB, median CPU seconds) over `runs` runs."""
    results = [timed(cmd, env, remove) for _ in range(runs)]
    return (statistics.median(r[0] for r in results), max(r[1] for r in results),
            statistics.median(r[2] for r in results))


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            n += chunk.count(b"\n")
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arkflow", required=True)
    ap.add_argument("--size-mb", type=float, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    # tmpfs by default: the VM's disk writes a new file at ~380 MB/s, which would measure the disk.
    ap.add_argument("--tmp", default="/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir())
    ap.add_argument("--skip-peers", action="store_true")
    args = ap.parse_args()
    arkflow = os.path.abspath(args.arkflow)

    work = tempfile.mkdtemp(prefix="arkflow-bench-", dir=args.tmp)
    data = os.path.join(work, "bids.ndjson")
    out = os.path.join(work, "out.ndjson")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "data/gen_bids.py"), data, str(args.size_mb)],
                   check=True)
    size = os.path.getsize(data)
    rows = count_lines(data)
    mb = size / 1e6
    print(f"input: {size / 2**20:.0f} MiB, {rows} rows, {size / rows:.0f} bytes/row")

    def contenders(output):
        env = dict(os.environ, BENCH_INPUT=data, BENCH_OUTPUT=output)
        cfg = os.path.join(HERE, "e2e/json_passthrough.yaml")
        results = []
        for threads in (1, 2):
            r = median_run([arkflow, "run", "-c", cfg, "--no-progress", "--no-summary"], args.runs,
                           dict(env, BENCH_THREADS=str(threads)), output)
            if output != os.devnull and count_lines(output) != rows:
                raise SystemExit(f"arkflow wrote {count_lines(output)} rows, expected {rows}")
            results.append((f"arkflow (thread_num={threads})",) + r)
        if not args.skip_peers:
            for threads in (1, 2):
                r = median_run(["node", os.path.join(HERE, "e2e/json_duckdb_peer.mjs"), data, output,
                                str(threads)], args.runs, remove=output)
                results.append((f"duckdb (threads={threads})",) + r)
            r = median_run(["/usr/bin/python3", os.path.join(HERE, "e2e/json_python_peer.py"), data,
                            output], 1, remove=output)
            results.append(("python json loop",) + r)
        return results

    def table(title, results):
        print()
        print(title)
        print()
        print("| contender | wall s | MB/s | rows/s | CPU s | MB per CPU-s | peak RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, t, rss, cpu in results:
            print(f"| {name} | {t:.2f} | {mb / t:.0f} | {rows / t / 1e6:.2f} M | {cpu:.2f} | "
                  f"{mb / cpu:.0f} | {rss / 1024:.0f} MiB |")

    print("MB/s is wall-clock throughput; MB per CPU-second (user+sys over all threads) is the "
          "per-core figure.")
    table(f"NDJSON file → file ({args.tmp}):", contenders(out))
    table("NDJSON file → /dev/null (the processing without the kernel's page-cache writes):",
          contenders(os.devnull))

    # Flat memory: the same pipeline with the input doubled.
    double = os.path.join(work, "double.ndjson")
    with open(double, "wb") as dst:
        for _ in range(2):
            with open(data, "rb") as src:
                while chunk := src.read(1 << 24):
                    dst.write(chunk)
    env = dict(os.environ, BENCH_INPUT=data, BENCH_OUTPUT=out, BENCH_THREADS="1")
    cfg = os.path.join(HERE, "e2e/json_passthrough.yaml")
    rss_one = median_run([arkflow, "run", "-c", cfg, "--no-progress", "--no-summary"], 1, env, out)[1]
    rss_two = median_run([arkflow, "run", "-c", cfg, "--no-progress", "--no-summary"], 1,
                         dict(env, BENCH_INPUT=double), out)[1]
    os.remove(double)
    print()
    print(f"peak RSS, arkflow thread_num=1, file → file: {size / 2**20:.0f} MiB input → "
          f"{rss_one / 1024:.0f} MiB; {2 * size / 2**20:.0f} MiB input → {rss_two / 1024:.0f} MiB")

    # generate → drop
    count = 200_000_000
    genv = dict(os.environ, BENCH_COUNT=str(count), BENCH_BATCH="8192")
    t, rss, cpu = median_run([arkflow, "run", "-c", os.path.join(HERE, "e2e/generate_drop.yaml"), "--no-progress",
                              "--no-summary"], args.runs, genv)
    print(f"generate → drop: {count / t / 1e6:.1f} M rows/s ({count} rows in {t:.2f} s, {cpu:.2f} CPU s, "
          f"peak RSS {rss / 1024:.0f} MiB)")

    for p in (data, out):
        if os.path.exists(p):
            os.remove(p)
    os.rmdir(work)


if __name__ == "__main__":
    main()
