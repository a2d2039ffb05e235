#!/usr/bin/python3
"""The "external service" baseline of bench/ml_bench: the same models run by a plain Python
consumer loop — one library call per batch on a numpy array, one thread — with Debian's
python3-torch (the TorchScript MLP) and python3-xgboost (the 100-tree model). There is no ONNX
runtime for Python in Debian (python3-onnx 1.12 has no evaluator, and OpenCV's Python module is
not installed), so the ONNX file has no Python row.

Usage: ml_bench_python.py MODEL_DIR [seconds-per-case]      (one JSON object per case)
"""
import json
import sys
import time

import numpy as np


def measure(name, backend, predict, seconds):
    rng = np.random.default_rng(42)
    for batch in (1, 64, 8192):
        # Distinct batches cycled through, as in bench/ml_bench.cc.
        xs = [rng.normal(size=(batch, 16)).astype(np.float32)
              for _ in range(max(8, 65536 // batch))]
        for x in xs[:20]:
            predict(x)
        times = []
        rows = 0
        cpu0 = time.process_time()
        t0 = now = time.perf_counter()
        while now - t0 < seconds or len(times) < 50:
            x = xs[len(times) % len(xs)]
            b0 = time.perf_counter()
            predict(x)
            now = time.perf_counter()
            times.append((now - b0) * 1e6)
            rows += batch
        wall = now - t0
        cpu = time.process_time() - cpu0
        times.sort()
        pct = lambda p: times[min(len(times) - 1, int(p * len(times)))]
        print(json.dumps({"contender": "python loop", "model": name, "backend": backend,
                          "batch": batch, "rows_per_s": round(rows / wall),
                          "rows_per_cpu_s": round(rows / cpu), "p50_us": round(pct(0.5), 2),
                          "p99_us": round(pct(0.99), 2)}), flush=True)


def main():
    out = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    import torch
    torch.set_num_threads(1)
    module = torch.jit.load(f"{out}/mlp.pt").eval()

    def torch_predict(x):
        with torch.inference_mode():
            return module(torch.from_numpy(x)).numpy()

    measure("mlp_torchscript", "torch", torch_predict, seconds)

    import xgboost as xgb
    booster = xgb.Booster(model_file=f"{out}/xgb_bench.json")
    booster.set_param({"nthread": 1})
    measure("xgb_100x6", "xgboost", lambda x: booster.inplace_predict(x), seconds)


if __name__ == "__main__":
    main()
