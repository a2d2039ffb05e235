#!/usr/bin/env bash
# Runs every end-to-end benchmark against a Release build. Usage: bench/run_all.sh BUILD_DIR
set -euo pipefail
build=${1:-build-release}
here=$(cd "$(dirname "$0")" && pwd)
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== micro benchmarks"
for b in "$build"/bench/*_bench; do
  # sql_bench is the side-by-side run with DuckDB below, not a Google Benchmark binary.
  [ "$(basename "$b")" = sql_bench ] && continue
  [ -x "$b" ] && "$b" --benchmark_min_time=0.5
done
echo "== NDJSON pass-through"
/usr/bin/python3 "$here/run_json_bench.py" --arkflow "$build/arkflow" --size-mb "${BENCH_SIZE_MB:-1024}"
echo "== SQL engine vs DuckDB (single thread)"
/usr/bin/python3 "$here/run_sql_bench.py" --bench "$build/bench/sql_bench" \
  --rows "${BENCH_SQL_ROWS:-10000000}" --runs 5 --rounds 3
echo "== Nexmark q0-q2 vs DuckDB"
/usr/bin/python3 "$here/nexmark_bench.py" --arkflow "$build/arkflow" --events "${BENCH_NEXMARK_EVENTS:-10000000}"
