#!/usr/bin/env bash
# Runs every end-to-end benchmark against a Release build. Usage: bench/run_all.sh BUILD_DIR
set -euo pipefail
build=${1:-build-release}
here=$(cd "$(dirname "$0")" && pwd)
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== micro benchmarks"
for b in "$build"/bench/*_bench; do
  [ -x "$b" ] && "$b" --benchmark_min_time=0.5
done
echo "== NDJSON pass-through"
/usr/bin/python3 "$here/run_json_bench.py" --arkflow "$build/arkflow" --size-mb "${BENCH_SIZE_MB:-1024}"
