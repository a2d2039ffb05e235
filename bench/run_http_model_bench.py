#!/usr/bin/python3
"""Throughput of the `http_model` processor (openai_embeddings) against a fast local server.

Starts bench/embeddings_server.mjs (Node; `--dim` numbers per embedding, optional `--delay-ms`
before each answer to stand for the model's own time), writes ROWS short texts as NDJSON, and runs
the real `arkflow` binary once per case over them: file input (256 rows per batch) → json_to_arrow
→ http_model → drop. Each case varies `batch_size` (rows per request) and `max_concurrency`
(requests in flight). Reported: rows/s and requests/s over the whole run (wall clock, start-up
included, measured around the process), the engine's CPU seconds, and the same pipeline without
http_model as the floor. The engine's start-up (loading the model runtimes' libraries) takes
about a second, so rows/s is computed over the time the run took beyond that floor run (the
time http_model added); requests/s likewise. On a busy machine wall-clock time says more about
the other processes than about the engine: the engine's CPU time per row beyond the floor run is
the steadier figure. Both processes share the machine (the server takes
one core when busy).

Usage: run_http_model_bench.py --arkflow build-ml-rel/arkflow [--rows 20000] [--dim 384]
                               [--delay-ms 0] [--cases 1x1,1x4,16x1,16x4,64x4,256x4]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CONFIG = """logging: {{level: warn}}
health_check: {{enabled: false}}
streams:
  - input:
      type: file
      path: {data}
      batch_size: 256
    pipeline:
      processors:
        - type: json_to_arrow
{processor}
    output:
      type: drop
"""

PROCESSOR = """        - type: http_model
          api: openai_embeddings
          url: http://127.0.0.1:{port}/v1/embeddings
          model: bench
          input: text
          output: embedding
          batch_size: {batch}
          max_concurrency: {concurrency}
"""


def run_case(binary, tmp, data, processor):
    path = os.path.join(tmp, "bench.yaml")
    with open(path, "w") as f:
        f.write(CONFIG.format(data=data, processor=processor))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    done = subprocess.run([binary, "run", "-c", path, "--no-progress", "--no-summary"],
                          capture_output=True, text=True)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or done.stderr.strip():
        sys.exit(f"arkflow failed ({done.returncode}): {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def server_cpu(pid):
    """CPU seconds the server process used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stats(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as r:
        return json.load(r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arkflow", required=True)
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--delay-ms", type=float, default=0)
    ap.add_argument("--cases", default="1x1,1x4,16x1,16x4,64x4,256x4")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="arkflow-http-bench-")
    data = os.path.join(tmp, "texts.ndjson")
    with open(data, "w") as f:
        for i in range(args.rows):
            f.write(json.dumps({"id": i, "text": f"review {i}: the pump arrived on time and works"})
                    + "\n")
    server = subprocess.Popen(["node", os.path.join(ROOT, "bench", "embeddings_server.mjs"),
                               "--dim", str(args.dim), "--delay-ms", str(args.delay_ms)],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        if not line.startswith("PORT "):
            sys.exit(f"the server did not start: {line!r}")
        port = int(line.split()[1])
        print(f"{args.rows} rows, {args.dim}-number embeddings, server delay {args.delay_ms} ms, "
              f"`uptime`: {os.getloadavg()[0]:.1f} load", flush=True)
        print("| case | batch_size | max_concurrency | requests | run s | added s | rows/s | "
              "requests/s | engine CPU-s | engine CPU µs per row added | server CPU-s |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        floor, floor_cpu = min(run_case(args.arkflow, tmp, data, "") for _ in range(3))
        print(f"| without http_model | | | 0 | {floor:.2f} | | | | {floor_cpu:.2f} | | |",
              flush=True)
        for case in args.cases.split(","):
            batch, concurrency = (int(v) for v in case.split("x"))
            s0 = stats(port)
            c0 = server_cpu(server.pid)
            wall, cpu = run_case(args.arkflow, tmp, data,
                                 PROCESSOR.format(port=port, batch=batch,
                                                  concurrency=concurrency))
            s1 = stats(port)
            server_s = server_cpu(server.pid) - c0
            requests = s1["requests"] - s0["requests"]
            if s1["rows"] - s0["rows"] != args.rows:
                sys.exit(f"the server embedded {s1['rows'] - s0['rows']} rows, not {args.rows}")
            added = max(wall - floor, 1e-3)
            print(f"| embeddings | {batch} | {concurrency} | {requests} | {wall:.2f} | "
                  f"{added:.2f} | {args.rows / added:,.0f} | {requests / added:,.0f} | {cpu:.2f} | "
                  f"{(cpu - floor_cpu) / args.rows * 1e6:.1f} | {server_s:.2f} |",
                  flush=True)
    finally:
        server.kill()
        server.wait()
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
