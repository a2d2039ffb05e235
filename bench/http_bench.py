#!/usr/bin/python3
"""HTTP input benchmark: wrk posting to `arkflow run` (http input → drop output) on loopback.

Three runs, each on a fresh engine:
  single raw          one JSON object per request (~40 bytes), keep-alive connections: requests/s
  batched raw         an NDJSON body of --rows objects per request: rows/s (requests/s × rows)
  batched codec json  the same, decoded into columns by the json codec
wrk counts answers, and the input answers 200 only once the rows were handed to the pipeline, so
answers × rows per request is the ingested row count. "per CPU-s" divides by the user + system CPU
time the engine process used during the run (all threads): the per-core figure, which stays
meaningful on a shared, loaded machine where wall-clock rates do not.

Usage: bench/http_bench.py [--arkflow build/arkflow] [--duration 10] [--connections 32]
                           [--threads 1] [--rows 1000]
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc):
    for _ in range(400):
        if proc.poll() is not None:
            sys.exit(f"arkflow exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit("arkflow does not listen")


def cpu_seconds(pid):
    """User + system CPU time of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args, tmp, name, body, codec):
    port = free_port()
    config = os.path.join(tmp, f"{name}.yaml")
    with open(config, "w") as f:
        f.write(f"""
logging:
  level: warn
health_check:
  enabled: false
streams:
  - input:
      type: http
      address: 127.0.0.1:{port}
      path: /ingest
{codec}
    output:
      type: drop
""")
    body_file = os.path.join(tmp, f"{name}.body")
    with open(body_file, "w") as f:
        f.write(body)
    script = os.path.join(tmp, f"{name}.lua")
    with open(script, "w") as f:
        f.write(f"""
local f = io.open("{body_file}", "rb")
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-ndjson"
""")
    eng = subprocess.Popen([args.arkflow, "run", "-c", config, "--no-progress", "--no-summary"],
                           stderr=subprocess.DEVNULL)
    try:
        wait_port(port, eng)
        cpu_before = cpu_seconds(eng.pid)
        p = subprocess.run(["wrk", f"-t{args.threads}", f"-c{args.connections}",
                            f"-d{args.duration}s", "--latency", "-s", script,
                            f"http://127.0.0.1:{port}/ingest"], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"wrk failed: {p.stderr}")
        if "Non-2xx" in p.stdout or "Socket errors" in p.stdout:
            print(p.stdout)
            sys.exit("wrk saw errors")
        cpu = cpu_seconds(eng.pid) - cpu_before
        m = re.search(r"(\d+) requests in ([\d.]+)s", p.stdout)
        requests, secs = int(m.group(1)), float(m.group(2))
        p50 = re.search(r"50%\s+(\S+)", p.stdout).group(1)
        p99 = re.search(r"99%\s+(\S+)", p.stdout).group(1)
        return requests / secs, requests / cpu, p50, p99
    finally:
        eng.send_signal(signal.SIGINT)
        try:
            eng.wait(timeout=30)
        except subprocess.TimeoutExpired:
            eng.kill()
            eng.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arkflow", default=os.path.join(ROOT, "build", "arkflow"))
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rows", type=int, default=1000)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="ark-http-bench-")
    try:
        row = '{"sensor":"s-%04d","value":%d,"ok":true}'
        single = row % (1, 42)
        batched = "".join(row % (i, i) + "\n" for i in range(args.rows))
        print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, loopback, "
              f"{os.cpu_count()} CPUs")
        print(f"{'run':<20} {'requests/s':>11} {'rows/s':>11} {'req/CPU-s':>11} "
              f"{'rows/CPU-s':>11} {'p50':>9} {'p99':>9}")
        for name, body, codec, rows in [
                ("single raw", single, "", 1),
                ("batched raw", batched, "", args.rows),
                ("batched codec json", batched, "      codec:\n        type: json", args.rows)]:
            rps, per_cpu, p50, p99 = run(args, tmp, name.replace(" ", "_"), body, codec)
            print(f"{name:<20} {rps:>11,.0f} {rps * rows:>11,.0f} {per_cpu:>11,.0f} "
                  f"{per_cpu * rows:>11,.0f} {p50:>9} {p99:>9}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
