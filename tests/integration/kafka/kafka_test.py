#!/usr/bin/python3
"""The kafka input and output, tested with the real `arkflow` binary against librdkafka's mock
cluster (tests/support/kafka_mock, its own process) and npm kafkajs as the independent client on
both sides (kafka_client.mjs).

  kafka_test.py ARKFLOW KAFKA_MOCK TEST

TEST is one of:

pass_through    kafkajs produces 3000 keyed messages with a header to `in` (4 partitions); arkflow
                copies them raw to `out` with `key: __meta_key` and the headers forwarded;
                kafkajs reads `out`: exactly the same (key, value, header) multiset.
expressions     the same messages decoded with `codec: json`; the output routes each row by an SQL
                expression on a field (`even`/`odd` topic), sets the key by expression and adds an
                expression header from a metadata column; exact contents of both topics.
group_split     arkflow A alone in a group copies 2000 messages; arkflow B joins while 2000 more
                are produced (a rebalance with data in flight); then 2000 more. A and B end with
                two partitions each (disjoint); nothing is lost; phases 1 and 3 are copied exactly
                once; messages after the split were copied by the owner of their partition.
                (Phase 2 may repeat what A acknowledged while the join was pending: the mock
                refuses offset commits in its joining state, unlike Kafka.)
broker_down_up  while 4000 messages are produced in small steps, the broker goes down
                (rd_kafka_mock_broker_set_down) for 3 s and comes back; `out` ends with exactly the
                multiset of `in` (no loss, no duplicate).
kill_restart    arkflow (one message per batch, so it is slow) is killed with SIGKILL once its
                metrics show 300 messages written, and started again; `out` holds every one of
                the 20000 messages (no loss); the
                duplicates are fewer than the messages that were in flight at the kill, bounded by
                the pipeline's queues (so the restart resumed from the committed offsets, not from
                the beginning).

Every process started here is killed and every temporary directory removed, also on failure.
"""
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "support", "kafka_mock"))
from kafka_mock import KafkaMock  # noqa: E402

CLIENT = os.path.join(HERE, "kafka_client.mjs")
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
NODE = "/usr/bin/node"
DEADLINE_S = 45


class TestFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def node_env():
    env = dict(os.environ)
    env["NODE_PATH"] = os.path.join(REPO, "node_modules")
    return env


def produce(bootstrap, topic, first, count, *flags):
    r = subprocess.run([NODE, CLIENT, "produce", bootstrap, topic, str(first), str(count), *flags],
                       cwd=REPO, env=node_env(), capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"kafkajs produce failed: {r.stderr}")


def consume(bootstrap, topic, count, timeout_ms=30000):
    r = subprocess.run([NODE, CLIENT, "consume", bootstrap, topic, str(count), str(timeout_ms)],
                       cwd=REPO, env=node_env(), capture_output=True, text=True,
                       timeout=timeout_ms / 1000 + 60)
    check(r.returncode == 0, f"kafkajs consume failed: {r.stderr}")
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def payload(i):
    head = '{"n":%d,"pad":"' % i
    return head + "x" * (100 - len(head) - 2) + '"}'


class Arkflow:
    """One `arkflow run` process with its log collected."""

    def __init__(self, binary, config_text, workdir, name):
        self.path = os.path.join(workdir, f"{name}.yaml")
        with open(self.path, "w") as f:
            f.write(config_text)
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary, "run", "-c", self.path, "--no-progress",
                                      "--no-summary"], stdout=subprocess.DEVNULL,
                                     stderr=self.log, start_new_session=True)

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def assignment(self):
        """Partitions of the last "assigned" log line, after the last "revoked" one."""
        assigned = set()
        for line in self.text().splitlines():
            if "kafka input: assigned" in line:
                assigned = set(line.split("kafka input: assigned ", 1)[1].split(", "))
            elif "kafka input: revoked" in line or "kafka input: lost" in line:
                assigned = set()
        assigned.discard("none")
        return assigned

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()
        return self.proc.returncode


def wait_for(predicate, what, deadline_s=DEADLINE_S):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise TestFailure(f"timed out waiting for {what}")


# The mock waits session.timeout.ms - 1 s for members to rejoin during a rebalance, and a killed
# member stays in the group for session.timeout.ms: keep it short.
SHORT_SESSION = ("      properties:\n        session.timeout.ms: '6000'\n"
                 "        heartbeat.interval.ms: '500'\n")


def config(bootstrap, group, output, extra_input="", level="info"):
    return f"""logging:
  level: {level}
health_check:
  enabled: false
streams:
  - input:
      type: kafka
      brokers: ["{bootstrap}"]
      topics: [in]
      consumer_group: {group}
      client_id: arkflow-test
{extra_input}{SHORT_SESSION if "properties" not in extra_input else ""}    output:
{output}
"""


RAW_OUTPUT = """      type: kafka
      brokers: ["{bootstrap}"]
      topic: {{type: value, value: out}}
      key: {{type: expr, expr: "__meta_key"}}
"""


def multiset(messages):
    return collections.Counter((m["k"], m["v"], json.dumps(m["h"], sort_keys=True))
                               for m in messages)


def test_pass_through(ctx):
    with KafkaMock(ctx.mock, {"in": 4, "out": 4}) as mock:
        produce(mock.bootstrap, "in", 0, 3000, "--key", "--header")
        a = ctx.start(config(mock.bootstrap, "g1", RAW_OUTPUT.format(bootstrap=mock.bootstrap)),
                      "a")
        got = consume(mock.bootstrap, "out", 3000)
        check(a.proc.poll() is None, f"arkflow exited: {a.text()}")
        expected = collections.Counter(
            (f"k{i}", payload(i), json.dumps({"trace": f"t{i}"})) for i in range(3000))
        check(len(got) == 3000, f"expected 3000 messages, got {len(got)}")
        check(multiset(got) == expected, "the copied messages differ from the originals")
        # Each key stays on one partition (librdkafka's partitioner hashes the key).
        by_key = {}
        for m in got:
            check(by_key.setdefault(m["k"], m["p"]) == m["p"], f"key {m['k']} on two partitions")
        check(a.stop() == 0, f"arkflow did not exit 0 after SIGTERM: {a.text()}")


def test_expressions(ctx):
    with KafkaMock(ctx.mock, {"in": 4, "even": 2, "odd": 2}) as mock:
        produce(mock.bootstrap, "in", 0, 1000, "--key", "--header")
        output = f"""      type: kafka
      brokers: ["{mock.bootstrap}"]
      topic: {{type: expr, expr: "CASE WHEN n % 2 = 0 THEN 'even' ELSE 'odd' END"}}
      key: {{type: expr, expr: "'n' || CAST(n * 10 AS string)"}}
      headers:
        from: {{type: expr, expr: "__meta_source || '/' || CAST(__meta_partition AS string)"}}
        app: arkflow
      codec: {{type: json}}
"""
        a = ctx.start(config(mock.bootstrap, "g2", output,
                             extra_input="      codec: {type: json}\n"), "a")
        even = consume(mock.bootstrap, "even", 500)
        odd = consume(mock.bootstrap, "odd", 500)
        check(len(even) == 500 and len(odd) == 500, f"got {len(even)} even, {len(odd)} odd")
        seen = set()
        for topic, msgs, parity in (("even", even, 0), ("odd", odd, 1)):
            for m in msgs:
                row = json.loads(m["v"])
                n = row["n"]
                check(n % 2 == parity, f"{n} in topic {topic}")
                check(row == json.loads(payload(n)), f"row {row} differs from the original")
                check(m["k"] == f"n{n * 10}", f"key {m['k']} for n={n}")
                check(m["h"]["app"] == "arkflow", f"headers {m['h']}")
                check(m["h"]["trace"] == f"t{n}", f"forwarded header missing: {m['h']}")
                check(m["h"]["from"].startswith("in/"), f"headers {m['h']}")
                seen.add(n)
        check(seen == set(range(1000)), "messages missing")
        check(a.stop() == 0, f"arkflow did not exit 0: {a.text()}")


def test_group_split(ctx):
    with KafkaMock(ctx.mock, {"in": 4, "out": 4}) as mock:
        def output(who):
            return f"""      type: kafka
      brokers: ["{mock.bootstrap}"]
      topic: {{type: value, value: out}}
      key: {{type: expr, expr: "__meta_key"}}
      headers:
        by: {who}
        src: {{type: expr, expr: "CAST(__meta_partition AS string)"}}
"""
        # A short session timeout keeps the mock's rebalances short (it waits session.timeout.ms
        # - 1 s for members to rejoin).
        extra = ("      batch_size: 50\n      linger: 1ms\n      properties:\n"
                 "        session.timeout.ms: '6000'\n        heartbeat.interval.ms: '500'\n")
        a = ctx.start(config(mock.bootstrap, "g3", output("A"), extra_input=extra), "a")
        wait_for(lambda: len(a.assignment()) == 4, "A to get all 4 partitions")
        # Phase 1: A alone copies 2000 messages (and commits them).
        produce(mock.bootstrap, "in", 0, 2000, "--key")
        check(len(consume(mock.bootstrap, "out", 2000)) == 2000, "A did not copy phase 1")
        # Phase 2: B joins while 2000 more are being produced: a rebalance with data in flight.
        b = ctx.start(config(mock.bootstrap, "g3", output("B"), extra_input=extra), "b")
        produce(mock.bootstrap, "in", 2000, 2000, "--key")
        wait_for(lambda: len(a.assignment()) == 2 and len(b.assignment()) == 2,
                 "A and B to share the partitions")
        check(not (a.assignment() & b.assignment()), f"overlap: {a.assignment()} {b.assignment()}")
        # Phase 3: 2000 more once the partitions are split.
        produce(mock.bootstrap, "in", 4000, 2000, "--key")
        got = consume(mock.bootstrap, "out", 6000)
        keys = collections.Counter(m["k"] for m in got)
        missing = [i for i in range(6000) if keys[f"k{i}"] == 0]
        check(not missing, f"{len(missing)} messages lost, e.g. {missing[:5]}")
        for phase, first in ((1, 0), (3, 4000)):
            dups = [i for i in range(first, first + 2000) if keys[f"k{i}"] > 1]
            check(not dups, f"phase {phase}: {len(dups)} messages duplicated, e.g. {dups[:5]}")
        # Phase 2 may repeat what A acknowledged while the join was pending: the mock refuses
        # offset commits then (Kafka accepts them until the group's join phase completes).
        phase2_dups = sum(keys[f"k{i}"] - 1 for i in range(2000, 4000))
        b_parts = {int(p.split("[")[1].rstrip("]")) for p in b.assignment()}
        a_parts = {int(p.split("[")[1].rstrip("]")) for p in a.assignment()}
        check(a_parts | b_parts == {0, 1, 2, 3}, f"assignments {a_parts} {b_parts}")
        # Messages produced after the split were copied by the owner of their partition.
        for m in got:
            n = int(m["k"][1:])
            if n >= 4000:
                owner = "A" if int(m["h"]["src"]) in a_parts else "B"
                check(m["h"]["by"] == owner, f"k{n} from partition {m['h']['src']} copied by "
                                             f"{m['h']['by']}, owned by {owner}")
        check(any(m["h"]["by"] == "B" for m in got), "B copied nothing")
        print(f"group_split: A {sorted(a_parts)}, B {sorted(b_parts)}; {phase2_dups} duplicates "
              "in the rebalance phase")
        check(a.stop() == 0 and b.stop() == 0, "arkflow did not exit 0")


def test_broker_down_up(ctx):
    with KafkaMock(ctx.mock, {"in": 4, "out": 4}) as mock:
        # librdkafka's default session timeout (45 s) outlasts the 3 s outage: the group keeps
        # its members and nothing is delivered twice. (With a session shorter than the outage the
        # partitions are lost and what was unacknowledged is delivered again.)
        extra = ("      batch_size: 100\n      properties:\n"
                 "        session.timeout.ms: '45000'\n")
        a = ctx.start(config(mock.bootstrap, "g4", RAW_OUTPUT.format(bootstrap=mock.bootstrap),
                             extra_input=extra), "a")
        wait_for(lambda: len(a.assignment()) == 4, "the assignment")
        errors = []

        def producer():
            try:
                for step in range(8):
                    produce(mock.bootstrap, "in", step * 500, 500, "--key")
            except Exception as e:  # reported by the main thread
                errors.append(e)

        t = threading.Thread(target=producer)
        t.start()
        try:
            time.sleep(2)
            mock.command("down 1")
            time.sleep(3)
            mock.command("up 1")
        finally:
            t.join()
        check(not errors, f"producing failed: {errors}")
        source = consume(mock.bootstrap, "in", 4000)
        got = consume(mock.bootstrap, "out", len(source))
        src = collections.Counter(m["k"] for m in source)
        out = collections.Counter(m["k"] for m in got)
        check(set(src) == {f"k{i}" for i in range(4000)}, "the source is incomplete")
        lost = src - out
        extra_msgs = out - src
        check(not lost, f"{sum(lost.values())} messages lost, e.g. {list(lost)[:5]}")
        check(not extra_msgs, f"{sum(extra_msgs.values())} duplicates, e.g. {list(extra_msgs)[:5]}")
        check(a.stop() == 0, f"arkflow did not exit 0: {a.text()}")


def output_rows(proc):
    """The engine's `arkflow_messages_out_total` of its output (0 before its admin port is up)."""
    m = re.search(r"health check listening on port (\d+)", proc.text())
    if m is None:
        return 0
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{m.group(1)}/metrics", timeout=5) as r:
            body = r.read().decode()
    except OSError:
        return 0
    m = re.search(r'^arkflow_messages_out_total\{[^}]*component="output"\} (\d+)$', body,
                  re.MULTILINE)
    return int(m.group(1)) if m else 0


def test_kill_restart(ctx):
    total = 20000
    with KafkaMock(ctx.mock, {"in": 4, "out": 4}) as mock:
        produce(mock.bootstrap, "in", 0, total, "--key")
        # One message per batch, each written (delivery report awaited) before the next: slow, so
        # the kill lands mid-stream; the admin endpoint tells how far it got.
        slow = config(mock.bootstrap, "g5", RAW_OUTPUT.format(bootstrap=mock.bootstrap),
                      extra_input="      batch_size: 1\n      linger: 0ms\n")
        slow = slow.replace("health_check:\n  enabled: false",
                            'health_check:\n  address: "127.0.0.1:0"')
        a = ctx.start(slow, "a")
        wait_for(lambda: output_rows(a) >= 300, "the first run to copy 300 messages")
        a.kill()
        before = consume(mock.bootstrap, "out", total, timeout_ms=6000)
        check(0 < len(before) < total, f"the kill was not mid-stream: {len(before)} copied")
        # The second run resumes from the committed offsets (default batching: fast).
        b = ctx.start(config(mock.bootstrap, "g5", RAW_OUTPUT.format(bootstrap=mock.bootstrap)),
                      "b")
        got = consume(mock.bootstrap, "out", total + 1, timeout_ms=40000)
        keys = collections.Counter(m["k"] for m in got)
        missing = [i for i in range(total) if keys[f"k{i}"] == 0]
        dups = sum(c - 1 for c in keys.values())
        check(not missing, f"{len(missing)} messages lost, e.g. {missing[:5]}")
        # What is copied twice is what was in flight (read, not acknowledged) at the kill: at most
        # the pipeline's queues of one-message batches — far fewer than the messages copied.
        check(dups < len(before), f"{dups} duplicates for {len(before)} copied before the kill: "
                                  "the restart did not resume from the committed offsets")
        check(dups <= 200, f"{dups} duplicates: more than the pipeline can hold in flight")
        print(f"kill_restart: {len(before)} copied before the kill, {dups} duplicates after it")
        check(b.stop() == 0, f"arkflow did not exit 0: {b.text()}")


class Context:
    def __init__(self, arkflow, mock, workdir):
        self.arkflow = arkflow
        self.mock = mock
        self.workdir = workdir
        self.procs = []

    def start(self, config_text, name):
        p = Arkflow(self.arkflow, config_text, self.workdir, name)
        self.procs.append(p)
        return p


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    arkflow, mock, name = sys.argv[1:]
    tests = {
        "pass_through": test_pass_through,
        "expressions": test_expressions,
        "group_split": test_group_split,
        "broker_down_up": test_broker_down_up,
        "kill_restart": test_kill_restart,
    }
    if name not in tests:
        print(f"unknown test {name}; one of {sorted(tests)}", file=sys.stderr)
        return 2
    workdir = tempfile.mkdtemp(prefix="kafka_test.")
    ctx = Context(arkflow, mock, workdir)
    try:
        tests[name](ctx)
        print(f"PASS {name}")
        return 0
    except TestFailure as e:
        print(f"FAIL {name}: {e}", file=sys.stderr)
        for p in ctx.procs:
            lines = [l for l in p.text().splitlines() if "librdkafka" not in l]
            print(f"--- {p.path} log (last 40 lines):", file=sys.stderr)
            print("\n".join(lines[-40:]), file=sys.stderr)
        return 1
    finally:
        for p in ctx.procs:
            p.kill()
            if not p.log.closed:
                p.log.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
