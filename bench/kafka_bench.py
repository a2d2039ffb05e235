#!/usr/bin/python3
"""Kafka → Kafka pass-through of 100-byte JSON messages through librdkafka's mock cluster: the
engine (`kafka` input → `kafka` output, raw messages) against librdkafka's own consume-and-produce
loop (bench/kafka_peer.cc `passthrough`), side by side in one run on the same cluster.

  bench/kafka_bench.py --build BUILD_DIR [--messages N] [--rounds R]

For each round and each contender: a fresh mock cluster (tests/support/kafka_mock) with topics
`in` and `out` of 128 partitions each, `in` loaded with
N messages by kafka_peer, then the contender copies `in` to `out` while `kafka_peer count` reads
`out` and reports the seconds between the first and the N-th message arriving there — the same
measurement for both, excluding process start and the group join. The best round counts.
Standard library only.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "support", "kafka_mock"))
from kafka_mock import KafkaMock  # noqa: E402

# The mock keeps a bounded log per partition and drops its oldest messages past it, also those a
# lagging reader has not read yet: with 32 partitions, 300 000 messages already lost ~27 000 on
# their way to `kafka_peer count` (for librdkafka's own loop as much as for the engine). With 128
# partitions, 500 000 messages arrive whole.
PARTITIONS = 128


def run_round(build, contender, messages):
    mock_bin = os.path.join(build, "tests", "support", "kafka_mock", "kafka_mock")
    peer = os.path.join(build, "bench", "kafka_peer")
    with KafkaMock(mock_bin, {"in": PARTITIONS, "out": PARTITIONS}) as mock:
        subprocess.run([peer, "produce", mock.bootstrap, "in", str(messages)], check=True,
                       stdout=subprocess.DEVNULL)
        counter = subprocess.Popen([peer, "count", mock.bootstrap, "out", str(messages)],
                                   stdout=subprocess.PIPE, text=True)
        with tempfile.TemporaryDirectory() as tmp:
            if contender == "librdkafka":
                proc = subprocess.Popen([peer, "passthrough", mock.bootstrap, "in", "out", "g",
                                         str(messages)], stdout=subprocess.DEVNULL)
            else:
                cfg = os.path.join(tmp, "kafka.yaml")
                with open(cfg, "w") as f:
                    f.write(f"""logging:
  level: warn
health_check:
  enabled: false
streams:
  - input:
      type: kafka
      brokers: ["{mock.bootstrap}"]
      topics: [in]
      consumer_group: g
    output:
      type: kafka
      brokers: ["{mock.bootstrap}"]
      topic: {{type: value, value: out}}
""")
                proc = subprocess.Popen([os.path.join(build, "arkflow"), "run", "-c", cfg,
                                         "--no-progress", "--no-summary"],
                                        stdout=subprocess.DEVNULL, start_new_session=True)
            try:
                out, _ = counter.communicate(timeout=600)
                if counter.returncode != 0:
                    raise RuntimeError(f"{contender}: the output topic did not get {messages} "
                                       "messages")
            finally:
                if proc.poll() is None:
                    if contender == "arkflow":
                        os.killpg(proc.pid, signal.SIGTERM)
                    try:
                        proc.wait(timeout=60)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
                if counter.poll() is None:
                    counter.kill()
                    counter.wait()
        return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--messages", type=int, default=500000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    print(f"machine: {os.cpu_count()} cores, {cpu}; load average {os.getloadavg()[0]:.1f}")
    best = {}
    for r in range(args.rounds):
        for contender in ("librdkafka", "arkflow"):
            res = run_round(args.build, contender, args.messages)
            print(f"round {r + 1} {contender:10s} {res['messages']} msgs in {res['seconds']:.3f} s "
                  f"= {res['rate']:.0f} msg/s", flush=True)
            best[contender] = max(best.get(contender, 0), res["rate"])
    ratio = best["arkflow"] / best["librdkafka"]
    print(f"best: librdkafka loop {best['librdkafka']:.0f} msg/s, arkflow {best['arkflow']:.0f} "
          f"msg/s = {ratio * 100:.0f} % of the librdkafka loop")


if __name__ == "__main__":
    main()
