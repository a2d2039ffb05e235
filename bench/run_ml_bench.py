#!/usr/bin/python3
"""Runs the inference benchmark side by side: bench/ml_bench (the `model` processor over each
native backend) and bench/ml_bench_python.py (the same models in a plain Python loop), on models
made by tests/support/make_models.py; prints one markdown table.

Usage: run_ml_bench.py --ml-bench build-ml-rel/bench/ml_bench [--seconds 2] [--models DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ml-bench", required=True)
    ap.add_argument("--seconds", default="2")
    ap.add_argument("--models")
    args = ap.parse_args()
    models = args.models or tempfile.mkdtemp(prefix="arkflow-ml-bench-")
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests/support/make_models.py"),
                    models, "bench"], check=True)
    rows = run([args.ml_bench, models, args.seconds])
    rows += run(["/usr/bin/python3", os.path.join(ROOT, "bench/ml_bench_python.py"), models,
                 args.seconds])
    print("| model | contender | batch | rows/s | rows per CPU-s | p50 µs/batch | p99 µs/batch |")
    print("|---|---|---:|---:|---:|---:|---:|")
    order = {"mlp_onnx": 0, "mlp_torchscript": 1, "xgb_100x6": 2}
    for r in sorted(rows, key=lambda r: (order.get(r["model"], 9), r["batch"],
                                         {"arkflow model processor": 0, "packing only": 1,
                                          "model call only": 2, "xgboost C API": 3,
                                          "OpenCV DNN": 3, "arkflow python processor": 4,
                                          "python loop": 5}.get(r["contender"], 6))):
        who = f'{r["contender"]} ({r["backend"]})'
        print(f'| {r["model"]} | {who} | {r["batch"]} | {r["rows_per_s"] / 1e6:.3f} M | '
              f'{r["rows_per_cpu_s"] / 1e6:.3f} M | {r["p50_us"]:.1f} | {r["p99_us"]:.1f} |')
    sys.stdout.flush()


if __name__ == "__main__":
    main()
