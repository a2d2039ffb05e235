#!/usr/bin/python3
"""MQTT benchmarks, side by side in one run, against one mosquitto started here (see
docs/benchmarks.md, section MQTT). Three paths carry the same messages:

- direct: mosquitto_pub → broker → mosquitto_sub (one broker crossing; the upper bound);
- relay: mosquitto_pub → broker → `mosquitto_sub | mosquitto_pub -l` → broker → mosquitto_sub —
  the same pass-through as arkflow's, built from mosquitto's own clients (two broker crossings);
- arkflow: mosquitto_pub → broker → arkflow (mqtt input → mqtt output, QoS 1, each message
  acknowledged only after the output published it) → broker → mosquitto_sub.

1. QoS 1 throughput: mosquitto_pub -l publishes N 100-byte messages; mosquitto_sub -C N receives
   them. Reported: messages/s from the start of the publisher to the exit of the subscriber, and
   arkflow's share of the relay (the like-for-like peer) and of direct.
2. Latency at a fixed rate (default 10 000 msg/s): bench/mqtt_latency.cc timestamps each message;
   reported: p50/p90/p99 of each path and what arkflow adds over direct and over the relay.

The broker runs with max_inflight_messages 20 (--broker-inflight; mosquitto's default), which
bounds what it sends unacknowledged to the MQTT 3.1.1 clients (mosquitto_sub, the latency
subscriber). The arkflow input speaks MQTT 5 and asks for its own window (`receive_maximum`,
--receive-maximum; unset: the input's default): it acknowledges a message only after the output
published it, so that window bounds the messages in arkflow's pipeline. The relay's mosquitto_sub
acknowledges on receipt (it cannot know whether mosquitto_pub sent the line) and writes line
buffered (stdbuf -oL) so that no message waits in a pipe buffer. Besides the rates, each
throughput run reports the CPU time the broker and the pass-through used (share of one core), and
the load average before the runs — the machine may be shared.

Usage: mqtt_bench.py ARKFLOW_BINARY [--count N] [--rate R] [--latency-count N] [--runs K]
                     [--broker-inflight N] [--output-inflight N] [--receive-maximum N]
                     [--protocol 5|3.1.1] [--output-protocol 5|3.1.1] [--linger D]
                     [--latency-only]
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
                  protocol="5", output_protocol="5", linger=None):
    window = f"\n      receive_maximum: {receive_maximum}" if receive_maximum else ""
    window += f"\n      linger: {linger}" if linger else ""
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
      protocol: "{output_protocol}"
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


def start_relay(broker):
    """mosquitto_sub on `rin`, piped line by line into mosquitto_pub -l on `rout`."""
    sub = subprocess.Popen(["stdbuf", "-oL", "mosquitto_sub"] + broker.client_args() +
                           ["-t", "rin", "-q", "1", "-i", "relay-sub"], stdout=subprocess.PIPE,
                           start_new_session=True)
    pub = subprocess.Popen(["mosquitto_pub"] + broker.client_args() +
                           ["-t", "rout", "-q", "1", "-l", "-i", "relay-pub"], stdin=sub.stdout,
                           start_new_session=True)
    sub.stdout.close()
    wait_subscribed(broker, "relay-sub", "rin")
    return sub, pub


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


def report_throughput(count, runs, rates, cpus):
    best = {name: max(r) for name, r in rates.items()}
    print(f"throughput QoS 1, {count} x 100 B, best of {runs}: direct {best['direct']:,.0f} "
          f"msg/s; relay (mosquitto_sub | mosquitto_pub) {best['relay']:,.0f} msg/s; arkflow "
          f"{best['arkflow']:,.0f} msg/s = {100 * best['arkflow'] / best['relay']:.0f} % of the "
          f"relay, {100 * best['arkflow'] / best['direct']:.0f} % of direct")
    runs_text = ", ".join(f"{n} {[round(x) for x in r]}" for n, r in rates.items())
    print(f"  all runs: {runs_text}")
    print(f"  CPU (share of one core): direct: broker {[pct(c[0]) for c in cpus['direct']]}; "
          f"relay: broker {[pct(c[0]) for c in cpus['relay']]}, mosquitto_sub + mosquitto_pub "
          f"{[pct(c[1] + c[2]) for c in cpus['relay']]}; arkflow: broker "
          f"{[pct(c[0]) for c in cpus['arkflow']]}, arkflow {[pct(c[1]) for c in cpus['arkflow']]}")


def latency(tool, broker, pub_topic, sub_topic, rate, count, watch=()):
    """Percentiles of the latency tool, and the CPU share (of one core) each process in `watch`
    and the tool itself used meanwhile."""
    before = [cpu_seconds(pid) for pid in watch]
    start = time.monotonic()
    proc = subprocess.Popen([tool, str(broker.port), pub_topic, sub_topic, str(rate), str(count),
                             "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tool_cpu = 0.0
    while proc.poll() is None:  # the tool's own CPU time, read while it still exists
        try:
            tool_cpu = cpu_seconds(proc.pid)
        except OSError:
            break
        time.sleep(0.05)
    stdout, stderr = proc.communicate(timeout=120)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError(f"mqtt_latency failed: {stdout} {stderr}")
    result = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", stdout)}
    result["cpu"] = [(cpu_seconds(pid) - b) / elapsed for pid, b in zip(watch, before)]
    result["tool_cpu"] = tool_cpu / elapsed
    return result


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
    p.add_argument("--linger", default=None,
                   help="the mqtt input's linger (e.g. 500us; unset: its default)")
    p.add_argument("--latency-only", action="store_true", help="skip the throughput runs")
    p.add_argument("--protocol", default="5", choices=["5", "3.1.1"],
                   help="the mqtt input's protocol")
    p.add_argument("--output-protocol", default="5", choices=["5", "3.1.1"],
                   help="the mqtt output's protocol (MQTT 5: the broker's Receive Maximum — "
                        "mosquitto announces its max_inflight_messages — bounds its window)")
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
                            receive_maximum=args.receive_maximum, protocol=args.protocol,
                            output_protocol=args.output_protocol,
                            linger=args.linger)
        relay_sub, relay_pub = start_relay(broker)
        try:
            rates = {"direct": [], "relay": [], "arkflow": []}
            cpus = {"direct": [], "relay": [], "arkflow": []}
            paths = {"direct": ("direct", "direct", [broker.proc.pid]),
                     "relay": ("rin", "rout", [broker.proc.pid, relay_sub.pid, relay_pub.pid]),
                     "arkflow": ("in", "out", [broker.proc.pid, ark.pid])}
            for run in range(0 if args.latency_only else args.runs):
                for name, (pub_topic, sub_topic, watch) in paths.items():
                    rate, cpu = throughput(broker, pub_topic, sub_topic, payload_file, args.count,
                                           f"{name[0]}{run}", watch=watch)
                    rates[name].append(rate)
                    cpus[name].append(cpu)
            if not args.latency_only:
                report_throughput(args.count, args.runs, rates, cpus)
            lat = {name: latency(tool, broker, "ldirect" if name == "direct" else pub_topic,
                                 "ldirect" if name == "direct" else sub_topic, args.rate,
                                 args.latency_count, watch)
                   for name, (pub_topic, sub_topic, watch) in paths.items()}
            print(f"latency QoS 1 at {args.rate} msg/s, {args.latency_count} messages "
                  f"(first 5 % warm-up), in µs:")
            print(f"  {'':>5} {'direct':>9} {'relay':>9} {'arkflow':>9} {'arkflow-direct':>15} "
                  f"{'relay-direct':>13} {'arkflow-relay':>14}")
            for key in ("p50_us", "p90_us", "p99_us", "p999_us", "max_us"):
                d, r, a = lat["direct"][key], lat["relay"][key], lat["arkflow"][key]
                print(f"  {key[:-3]:>5} {d:9.1f} {r:9.1f} {a:9.1f} {a - d:15.1f} {r - d:13.1f} "
                      f"{a - r:14.1f}")
            cpu = "; ".join(f"{n}: " + ", ".join(f"{pct(c)}" for c in v["cpu"]) +
                            f", tool {pct(v['tool_cpu'])}" for n, v in lat.items())
            print(f"  CPU (share of one core; broker first, then the pass-through): {cpu}")
            received = ', '.join(f"{n} {int(v['received'])}" for n, v in lat.items())
            print(f"  received: {received}")
        finally:
            stop(relay_sub)
            stop(relay_pub)
            stop(ark)
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
