#!/usr/bin/python3
"""MQTT benchmarks, side by side in one run, against one mosquitto started here (see
docs/benchmarks.md, section MQTT):

1. QoS 1 throughput: mosquitto_pub -l publishes N 100-byte messages; mosquitto_sub -C N receives
   them. Baseline: both on the same topic. Through arkflow: pub → `in` → arkflow (mqtt input →
   mqtt output, QoS 1, acknowledged after output) → `out` → sub. Reported: messages/s from the
   start of the publisher to the exit of the subscriber, and arkflow's share of the baseline.
2. Latency at a fixed rate (default 10 000 msg/s): bench/mqtt_latency.cc timestamps each message;
   baseline pub → broker → sub vs pub → broker → arkflow → broker → sub. Reported: p50/p90/p99 of
   both and the difference (the latency arkflow adds).

The broker runs with max_inflight_messages 20 (--broker-inflight; mosquitto's default), which
bounds what it sends unacknowledged to the MQTT 3.1.1 clients (mosquitto_sub, the latency
subscriber). The arkflow input speaks MQTT 5 and asks for its own window (`receive_maximum`,
--receive-maximum; unset: the input's default): it acknowledges a message only after the output
published it, so that window bounds the messages in arkflow's pipeline. Besides the rates, each
throughput run reports the CPU time the broker and arkflow used (share of one core), and the
load average before the runs — the machine may be shared.

Usage: mqtt_bench.py ARKFLOW_BINARY [--count N] [--rate R] [--latency-count N] [--runs K]
                     [--broker-inflight N] [--output-inflight N] [--receive-maximum N]
                     [--protocol 5|3.1.1]
The latency tool is compiled next to the binary on first use (g++ -O2 ... -lmosquitto).
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "support"))
from mosquitto import Mosquitto  # noqa: E402


def wait_subscribed(broker, client_id, topic, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(line.endswith(f" {topic}") and f" {client_id} " in line
               for line in broker.log_text().splitlines()):
            return
        time.sleep(0.01)
    raise RuntimeError(f"{client_id} did not subscribe to {topic}")


def start_arkflow(binary, broker, tmp, qos=1, output_inflight=None, receive_maximum=None,
                  protocol="5"):
    window = f"\n      receive_maximum: {receive_maximum}" if receive_maximum else ""
    inflight = f"\n      max_inflight: {output_inflight}" if output_inflight else ""
    config = f"""logging: {{level: warn}}
health_check: {{enabled: false}}
streams:
  - input:
      type: mqtt
      host: 127.0.0.1
      port: {broker.port}
      client_id: bench-in
      topics: [in]
      qos: {qos}
      protocol: "{protocol}"{window}
    output:
      type: mqtt
      host: 127.0.0.1
      port: {broker.port}
      client_id: bench-out
      topic: out
      qos: {qos}{inflight}
"""
    path = os.path.join(tmp, "bench.yaml")
    with open(path, "w") as f:
        f.write(config)
    proc = subprocess.Popen([binary, "run", "-c", path, "--no-progress", "--no-summary"],
                            stderr=open(os.path.join(tmp, "arkflow.stderr"), "wb"),
                            start_new_session=True)
    wait_subscribed(broker, "bench-in", "in")
    return proc


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def cpu_seconds(pid):
    """User + system CPU time of process `pid` (all its threads) so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(share):
    return f"{100 * share:.0f} %"


def throughput(broker, pub_topic, sub_topic, payload_file, count, tag, watch=()):
    """Messages/s, and the CPU share (of one core) each process in `watch` used meanwhile."""
    before = [cpu_seconds(pid) for pid in watch]
    sub = subprocess.Popen(["mosquitto_sub"] + broker.client_args() +
                           ["-t", sub_topic, "-q", "1", "-C", str(count), "-i", f"sub-{tag}"],
                           stdout=subprocess.DEVNULL)
    wait_subscribed(broker, f"sub-{tag}", sub_topic)
    start = time.monotonic()
    with open(payload_file, "rb") as f:
        subprocess.run(["mosquitto_pub"] + broker.client_args() +
                       ["-t", pub_topic, "-q", "1", "-l", "-i", f"pub-{tag}"], stdin=f, check=True)
    sub.wait(120)
    elapsed = time.monotonic() - start
    return count / elapsed, [(cpu_seconds(pid) - b) / elapsed for pid, b in zip(watch, before)]


def latency(tool, broker, pub_topic, sub_topic, rate, count):
    out = subprocess.run([tool, str(broker.port), pub_topic, sub_topic, str(rate), str(count), "1"],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"mqtt_latency failed: {out.stdout} {out.stderr}")
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", out.stdout)}


def build_tool(binary):
    tool = os.path.join(os.path.dirname(binary), "mqtt_latency")
    src = os.path.join(HERE, "mqtt_latency.cc")
    if not os.path.exists(tool) or os.path.getmtime(tool) < os.path.getmtime(src):
        subprocess.run(["g++", "-O2", "-std=c++20", "-Wall", "-Wextra", "-Werror", "-o", tool, src,
                        "-lmosquitto", "-pthread"], check=True)
    return tool


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--count", type=int, default=100000)
    p.add_argument("--rate", type=int, default=10000)
    p.add_argument("--latency-count", type=int, default=100000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--broker-inflight", type=int, default=20,
                   help="mosquitto max_inflight_messages (QoS 1/2 sent to a client, unacknowledged)")
    p.add_argument("--output-inflight", type=int, default=None,
                   help="the mqtt output's max_inflight (QoS 1 publishes awaiting PUBACK; "
                        "unset: its default)")
    p.add_argument("--receive-maximum", type=int, default=None,
                   help="the mqtt input's receive_maximum (unset: its default)")
    p.add_argument("--protocol", default="5", choices=["5", "3.1.1"],
                   help="the mqtt input's protocol")
    args = p.parse_args()
    binary = os.path.abspath(args.binary)
    tool = build_tool(binary)
    tmp = tempfile.mkdtemp(prefix="arkflow-mqtt-bench-")
    payload_file = os.path.join(tmp, "payload.txt")
    with open(payload_file, "w") as f:
        for i in range(args.count):
            f.write(f'{{"id": {i:08d}, "sensor": "temp_1", "value": 21.5}}'.ljust(99, " ") + "\n")
    print(f"load average before the runs: {' '.join(open('/proc/loadavg').read().split()[:3])}")
    with Mosquitto(extra_conf=f"max_inflight_messages {args.broker_inflight}") as broker:
        ark = start_arkflow(binary, broker, tmp, output_inflight=args.output_inflight,
                            receive_maximum=args.receive_maximum, protocol=args.protocol)
        try:
            base, through, cpu_base, cpu_through = [], [], [], []
            for run in range(args.runs):
                rate, cpu = throughput(broker, "direct", "direct", payload_file, args.count,
                                       f"b{run}", watch=[broker.proc.pid])
                base.append(rate)
                cpu_base.append(cpu)
                rate, cpu = throughput(broker, "in", "out", payload_file, args.count, f"a{run}",
                                       watch=[broker.proc.pid, ark.pid])
                through.append(rate)
                cpu_through.append(cpu)
            b, a = max(base), max(through)
            print(f"throughput QoS 1, {args.count} x 100 B, best of {args.runs}: "
                  f"mosquitto_pub→mosquitto_sub {b:,.0f} msg/s; via arkflow {a:,.0f} msg/s "
                  f"({100 * a / b:.0f} %)  [all runs: base {[round(x) for x in base]}, "
                  f"arkflow {[round(x) for x in through]}]")
            print("  CPU (share of one core): direct: broker "
                  f"{[pct(c[0]) for c in cpu_base]}; via arkflow: broker "
                  f"{[pct(c[0]) for c in cpu_through]}, arkflow {[pct(c[1]) for c in cpu_through]}")
            lb = latency(tool, broker, "ldirect", "ldirect", args.rate, args.latency_count)
            la = latency(tool, broker, "in", "out", args.rate, args.latency_count)
            print(f"latency QoS 1 at {args.rate} msg/s, {args.latency_count} messages "
                  f"(first 5 % warm-up):")
            for key in ("p50_us", "p90_us", "p99_us", "p999_us", "max_us"):
                print(f"  {key[:-3]:>5}: direct {lb[key]:8.1f} us   via arkflow {la[key]:8.1f} us"
                      f"   added {la[key] - lb[key]:8.1f} us")
            print(f"  received: direct {int(lb['received'])}, via arkflow {int(la['received'])}")
        finally:
            stop(ark)
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
