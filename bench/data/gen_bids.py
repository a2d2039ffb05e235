#!/usr/bin/python3
"""Writes Nexmark-bid-like NDJSON rows (~115 bytes each) until the file reaches a size.

Deterministic for a given seed. Usage: gen_bids.py OUT_PATH SIZE_MB [SEED]
Row shape (the Nexmark Bid event):
  {"auction":1007,"bidder":2041,"price":4523,"channel":"Google","url":"https://nx.io/yjqe","date_time":"2024-01-01T00:00:00.001Z"}
"""
import random
import sys

CHANNELS = ["Google", "Facebook", "Baidu", "Apple"]


def main():
    path, size_mb = sys.argv[1], float(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 42)
    target = int(size_mb * 1024 * 1024)
    letters = "abcdefghijklmnopqrstuvwxyz"
    # Pre-build a pool of URLs so generation is fast.
    urls = ["https://nx.io/%s" % "".join(rng.choice(letters) for _ in range(4)) for _ in range(1024)]
    written = 0
    ms = 0
    rows = []
    with open(path, "w") as f:
        while written < target:
            for _ in range(10000):
                ms += rng.randint(0, 3)
                s, frac = divmod(ms, 1000)
                m, s = divmod(s, 60)
                h, m = divmod(m, 60)
                d, h = divmod(h, 24)
                row = ('{"auction":%d,"bidder":%d,"price":%d,"channel":"%s","url":"%s",'
                       '"date_time":"2024-01-%02dT%02d:%02d:%02d.%03dZ"}\n') % (
                    1000 + rng.randint(0, 999), 2000 + rng.randint(0, 9999), rng.randint(100, 100000),
                    CHANNELS[rng.randint(0, 3)], urls[rng.randint(0, 1023)], 1 + d % 28, h, m, s, frac)
                rows.append(row)
                written += len(row)
                if written >= target:
                    break
            f.write("".join(rows))
            rows.clear()


if __name__ == "__main__":
    main()
