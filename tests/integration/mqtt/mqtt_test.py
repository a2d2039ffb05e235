#!/usr/bin/python3
"""The `mqtt` input and output against a real mosquitto, with mosquitto_pub / mosquitto_sub as the
independent client on the other side. Each case starts its own broker (tests/support/mosquitto.py)
on a free port, runs the real `arkflow` binary as a separate process and asserts exact contents.

Cases:
  input           mosquitto_pub → mqtt input (wildcard filters `sensors/+/temp`, `alerts/#`) → stdout:
                  exactly the matching messages in order, with their topic (`__meta_source`), UTF-8
                  and an empty payload intact; the non-matching topics absent.
  output          file input → mqtt output (QoS 2, retain; MQTT 5 and 3.1.1) → mosquitto_sub: every
                  line, in order, each with one PUBLISH/PUBREC/PUBREL/PUBCOMP exchange in the
                  broker's log; a late subscriber gets the last line as the retained message.
  output_window   QoS 2 with `max_inflight: 5`: the broker's log shows 5 of the output's publishes
                  incomplete at a time, never more; QoS 0: every message, each sent once.
  stalled         the broker stops answering (SIGSTOP) longer than the output's `timeout`: the
                  write is retried, and each message arrives exactly once (none sent twice).
  refused         an MQTT 5 broker refuses one publish (ACL): its batch goes to error_output with
                  the row and the reason code; the other messages are published.
  topic_expr      file input (json codec) → mqtt output with `topic: {type: expr}` → mosquitto_sub
                  on `rooms/#`: each row arrives on the topic built from its `room` field; the batch
                  with a NULL room goes whole to error_output with the reason naming the row.
  broker_restart  QoS 1 with `clean_session: false`: the broker is restarted in the middle of a
                  stream (with persistence); every message published before, during and after
                  reaches the file output — none lost (duplicates allowed: at-least-once).
  relay_restart   mqtt input → mqtt output (QoS 1, persistent sessions) with the broker restarted
                  twice mid-stream: a persistent subscriber gets every message, first arrivals
                  in order.
  held            MQTT 5 `receive_maximum`: with the pipeline holding every batch (a window that
                  does not close during the test) the broker sends the input all 300 messages —
                  far beyond mosquitto's window of 20 for 3.1.1 clients — and the broker log shows
                  no acknowledgement from the input; the engine is then killed, and a new one
                  gets all 300 again (nothing was acknowledged before the output wrote it).
  qos2            QoS 2 into the input, MQTT 5 and 3.1.1: every message once, in order, and the
                  broker's log shows the whole exchange (PUBREC, PUBREL, PUBCOMP) once per message.
  tls             both directions over TLS with a CA made at test time; without the CA the engine
                  exits non-zero with the certificate verification error.
  auth            a broker with a password file: wrong password → exit code 1 and a message naming
                  the broker and the refusal (MQTT 5 reason code, and with `protocol: "3.1.1"`
                  the 3.1.1 return code); right password → messages flow.
  example         runs examples/connectors/mqtt.yaml (driver of the example test) and compares
                  what it publishes with examples/connectors/mqtt.expected.

Usage: mqtt_test.py ARKFLOW_BINARY CASE
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from mosquitto import Mosquitto  # noqa: E402

DEADLINE_S = 30  # upper bound for anything we wait for; a healthy run needs far less


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def wait_until(pred, what, timeout=DEADLINE_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.02)
    raise Failure(f"timed out after {timeout} s waiting for {what}")


class Arkflow:
    """The engine as a separate process; stdout/stderr go to files in `tmp`."""

    def __init__(self, binary, tmp, name, config):
        self.path = os.path.join(tmp, f"{name}.yaml")
        with open(self.path, "w") as f:
            f.write(config)
        self.out_path = os.path.join(tmp, f"{name}.stdout")
        self.err_path = os.path.join(tmp, f"{name}.stderr")
        self.out = open(self.out_path, "wb")
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen([binary, "run", "-c", self.path, "--no-progress",
                                      "--no-summary"], stdout=self.out, stderr=self.err,
                                     start_new_session=True)

    def stdout(self):
        with open(self.out_path, "rb") as f:
            return f.read()

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait(self, timeout=DEADLINE_S):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Failure(f"arkflow did not exit within {timeout} s; stderr:\n{self.stderr()}")

    def stop(self):
        """SIGTERM (drain and exit); returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait()

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self.out.close()
        self.err.close()


def wait_subscribed(broker, client_id, topic, count=1):
    """The broker logs `<client_id> <qos> <topic>` for each SUBSCRIBE (log_type subscribe)."""
    def seen():
        return sum(1 for line in broker.log_text().splitlines()
                   if line.endswith(f" {topic}") and f" {client_id} " in line) >= count
    wait_until(seen, f"{client_id} to subscribe to {topic}")


def publish(broker, topic, lines=None, message=None, empty=False, qos=1, user=None, extra=()):
    args = ["mosquitto_pub"] + broker.client_args(user=user) + ["-t", topic, "-q", str(qos),
                                                              *extra]
    data = None
    if lines is not None:
        args.append("-l")
        data = "".join(line + "\n" for line in lines).encode()
    elif empty:
        args.append("-n")
    else:
        args += ["-m", message]
    proc = subprocess.run(args, input=data, capture_output=True, timeout=DEADLINE_S)
    check(proc.returncode == 0, f"mosquitto_pub failed: {proc.stderr.decode(errors='replace')}")


class Subscriber:
    """mosquitto_sub collecting `count` messages of `topic` (payload per line)."""

    def __init__(self, broker, topic, count, client_id, qos=1, fmt=None, user=None, extra=()):
        args = ["mosquitto_sub"] + broker.client_args(user=user) + [
            "-t", topic, "-q", str(qos), "-C", str(count), "-i", client_id, *extra]
        if fmt:
            args += ["-F", fmt]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_subscribed(broker, client_id, topic)

    def lines(self, timeout=DEADLINE_S):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise Failure(f"mosquitto_sub got only: {out.decode(errors='replace')!r}")
        check(self.proc.returncode == 0, f"mosquitto_sub failed: {err.decode(errors='replace')}")
        return out.decode().splitlines()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


class FileSubscriber:
    """mosquitto_sub writing every message of `topic` to a file, for as long as the case runs;
    `lines()` is what arrived so far (while the engine still runs)."""

    def __init__(self, broker, topic, client_id, path, extra=()):
        self.path = path
        self.out = open(path, "wb")
        self.proc = subprocess.Popen(["mosquitto_sub"] + broker.client_args() +
                                     ["-t", topic, "-q", "1", "-i", client_id, *extra],
                                     stdout=self.out, stderr=subprocess.DEVNULL)
        wait_subscribed(broker, client_id, topic)

    def lines(self):
        with open(self.path) as f:
            return f.read().splitlines()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.out.close()


def connection(broker, client_id, extra=""):
    text = f"host: 127.0.0.1\n      port: {broker.port}\n      client_id: {client_id}\n"
    if extra:
        text += "      " + extra.strip().replace("\n", "\n      ") + "\n"
    return text


HEAD = "logging: {level: warn}\nhealth_check: {enabled: false}\nstreams:\n"


def rows_by_topic_config(data, conn, topic_expr):
    """JSON lines of `data` in batches of 3 → mqtt output (QoS 1) with the topic expression
    `topic_expr`; error_output on stdout."""
    return HEAD + f"""  - input:
      type: file
      path: {data}
      batch_size: 3
      codec: {{type: json}}
    output:
      type: mqtt
      {conn}      topic: {{type: expr, expr: "{topic_expr}"}}
      qos: 1
    error_output:
      type: stdout
"""


# -------------------------------------------------------------------------------------------------


def case_input(binary, tmp, cleanup):
    broker = cleanup(Mosquitto()).start()
    config = HEAD + f"""  - input:
      type: mqtt
      {connection(broker, "ark-in")}      topics: ["sensors/+/temp", "alerts/#"]
      qos: 1
      batch_size: 7
    pipeline:
      processors:
        - type: sql
          query: "SELECT __meta_source AS topic, CAST(__value__ AS VARCHAR) AS payload FROM flow"
    output:
      type: stdout
"""
    ark = cleanup(Arkflow(binary, tmp, "input", config))
    wait_subscribed(broker, "ark-in", "alerts/#")
    expected = []
    lines = [f"reading {i:03d}" for i in range(40)]
    publish(broker, "sensors/kitchen/temp", lines=lines)
    expected += [("sensors/kitchen/temp", line) for line in lines]
    publish(broker, "sensors/kitchen/humidity", message="not subscribed")
    publish(broker, "sensors/temp", message="'+' needs a level here")
    publish(broker, "alerts", message="température 21.5 °C — \"quoted\"")
    expected.append(("alerts", "température 21.5 °C — \"quoted\""))
    publish(broker, "alerts/fire/hall", empty=True)
    expected.append(("alerts/fire/hall", ""))
    publish(broker, "other/x", message="not subscribed")
    publish(broker, "sensors/hall/temp", message="last")
    expected.append(("sensors/hall/temp", "last"))
    want = "".join('{"topic":"%s","payload":"%s"}\n' % (t, p.replace('"', '\\"'))
                   for t, p in expected).encode()
    wait_until(lambda: ark.stdout().count(b"\n") >= len(expected), f"{len(expected)} lines")
    check(ark.stop() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")
    got = ark.stdout()
    check(got == want, f"stdout differs:\n--- want\n{want.decode()}\n--- got\n{got.decode()}")
    check(ark.stderr().strip().endswith("(send it again to exit at once)"),
          f"unexpected stderr: {ark.stderr()}")


def case_output(binary, tmp, cleanup):
    # log_type debug: the broker logs each packet of the QoS 2 exchange with the output.
    broker = cleanup(Mosquitto(extra_conf="log_type debug")).start()
    data = os.path.join(tmp, "lines.txt")
    lines = [f'{{"id": {i}, "name": "item-{i}", "price": {i * 1.25}}}' for i in range(500)]
    with open(data, "w") as f:
        f.write("\n".join(lines) + "\n")
    for protocol in ["5", "3.1.1"]:
        client_id = f"ark-out-{protocol}"
        topic = f"out/items/{protocol}"
        sub = cleanup(Subscriber(broker, topic, len(lines), f"check-sub-{protocol}", qos=2))
        config = HEAD + f"""  - input:
      type: file
      path: {data}
      batch_size: 64
    output:
      type: mqtt
      {connection(broker, client_id, f'protocol: "{protocol}"')}      topic: {{type: value, value: "{topic}"}}
      qos: 2
      retain: true
"""
        ark = cleanup(Arkflow(binary, tmp, f"output_{protocol}", config))
        got = sub.lines()
        check(ark.wait() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")
        check(got == lines, f"mosquitto_sub got {len(got)} lines; first difference at "
              f"{next((i for i, (a, b) in enumerate(zip(got, lines)) if a != b), min(len(got), len(lines)))}")
        check(ark.stderr() == "", f"unexpected stderr: {ark.stderr()}")
        # Each message crossed once, with the whole QoS 2 exchange (nothing sent twice).
        log = broker.log_text()
        n = len(lines)
        for text in [f"Received PUBLISH from {client_id} (d0, q2, r1", f"Sending PUBREC to {client_id}",
                     f"Received PUBREL from {client_id}", f"Sending PUBCOMP to {client_id}"]:
            check(log.count(text) == n, f"broker log has {log.count(text)} x {text!r}, want {n}")
        check(f"Received PUBLISH from {client_id} (d1" not in log, "a message was sent twice")
        late = cleanup(Subscriber(broker, topic, 1, f"late-sub-{protocol}"))
        check(late.lines() == [lines[-1]], "the retained message is not the last line")


def max_outstanding(log, client_id):
    """The most QoS 2 publishes of `client_id` the broker had received and not yet completed
    (PUBCOMP) at one time, from its debug log."""
    outstanding, most = set(), 0
    for line in log.splitlines():
        if f"Received PUBLISH from {client_id} (" in line:
            outstanding.add(re.search(r", m(\d+),", line).group(1))
            most = max(most, len(outstanding))
        elif f"Sending PUBCOMP to {client_id} (m" in line:
            outstanding.discard(re.search(r"\(m(\d+)\)", line).group(1))
    return most


def case_output_window(binary, tmp, cleanup):
    """QoS 2 with `max_inflight: 5`: every message arrives, and the broker never holds more than
    5 of the output's publishes incomplete — the window is used and kept (mosquitto answers each
    QoS 1 publish before it reads the next, so QoS 2 is where a window shows); QoS 0: every
    message arrives, sent once."""
    broker = cleanup(Mosquitto(extra_conf="log_type debug")).start()
    data = os.path.join(tmp, "lines.txt")
    lines = [f"line {i}" for i in range(400)]
    with open(data, "w") as f:
        f.write("\n".join(lines) + "\n")
    for qos, extra in [(2, "max_inflight: 5"), (0, "")]:
        client_id = f"ark-window-q{qos}"
        topic = f"window/{qos}"
        sub = cleanup(Subscriber(broker, topic, len(lines), f"window-sub-{qos}", qos=qos))
        config = HEAD + f"""  - input:
      type: file
      path: {data}
      batch_size: 100
    output:
      type: mqtt
      {connection(broker, client_id, extra)}      topic: "{topic}"
      qos: {qos}
"""
        ark = cleanup(Arkflow(binary, tmp, f"window_{qos}", config))
        got = sub.lines()
        check(ark.wait() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")
        check(got == lines, f"QoS {qos}: mosquitto_sub got {len(got)} lines")
        log = broker.log_text()
        sent = log.count(f"Received PUBLISH from {client_id} (d0, q{qos}")
        check(sent == len(lines), f"QoS {qos}: the broker received {sent} publishes")
        if qos == 2:
            most = max_outstanding(log, client_id)
            check(most == 5, f"at most {most} publishes unacknowledged; want the window, 5")


def case_stalled(binary, tmp, cleanup):
    """The broker stops answering (SIGSTOP) mid-stream for longer than the output's `timeout`:
    the write fails as retryable, the retry waits for the same messages, and once the broker
    answers again each message arrives exactly once (QoS 1, nothing published twice)."""
    broker = cleanup(Mosquitto(extra_conf="log_type debug")).start()
    got = cleanup(FileSubscriber(broker, "stalled", "stalled-sub",
                                 os.path.join(tmp, "stalled.txt"))).lines

    n = 300
    config = HEAD + f"""  - input:
      type: generate
      context: "tick"
      batch_size: 1
      interval: 10ms
      count: {n}
    output:
      type: mqtt
      {connection(broker, "ark-stalled")}      topic: stalled
      qos: 1
      timeout: 300ms
"""
    ark = cleanup(Arkflow(binary, tmp, "stalled", config))
    wait_until(lambda: len(got()) >= 50, "the first messages")
    broker.proc.send_signal(signal.SIGSTOP)
    time.sleep(1.5)
    broker.proc.send_signal(signal.SIGCONT)
    check(ark.wait() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")
    wait_until(lambda: len(got()) >= n, f"all {n} messages")
    time.sleep(0.3)  # a duplicate would arrive right behind
    check(len(got()) == n, f"the subscriber got {len(got())} messages; want {n}")
    log = broker.log_text()
    check(log.count("Received PUBLISH from ark-stalled (d0") == n, "not every message once")
    check("Received PUBLISH from ark-stalled (d1" not in log, "a message was published twice")
    err = ark.stderr()
    check("not acknowledged by the broker in time; will retry" in err,
          f"the stall did not make a write wait past its timeout: {err}")


def case_refused(binary, tmp, cleanup):
    """An MQTT 5 broker refuses a publish (its ACL): the batch goes to error_output with the row
    and the broker's reason; the other batches are published and the stream goes on."""
    acl = os.path.join(tmp, "acl")
    with open(acl, "w") as f:
        f.write("user alice\ntopic readwrite ok/#\n")
    broker = cleanup(Mosquitto(users={"alice": "s3cret"}, extra_conf=f"acl_file {acl}")).start()
    data = os.path.join(tmp, "rows.jsonl")
    topics = ["ok/a", "ok/b", "ok/c", "ok/d", "denied/e", "ok/f", "ok/g", "ok/h", "ok/i"]
    with open(data, "w") as f:
        for i, topic in enumerate(topics):
            f.write(json.dumps({"topic": topic, "v": i}) + "\n")
    published = [t for t in topics if t.startswith("ok/")]
    sub = cleanup(Subscriber(broker, "ok/#", len(published), "refused-sub", fmt="%t",
                             user="alice"))
    config = rows_by_topic_config(
        data, connection(broker, "ark-refused", "username: alice\npassword: s3cret"), "topic")
    ark = cleanup(Arkflow(binary, tmp, "refused", config))
    got = sub.lines()
    check(ark.wait() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")
    # The batch with the refused row is published apart from that row (at-least-once: it also
    # goes to error_output whole).
    check(got == published, f"published {got}; want {published}")
    errors = [json.loads(line) for line in ark.stdout().decode().splitlines()]
    check([e["v"] for e in errors] == [3, 4, 5], f"error_output rows: {errors}")
    reason = (f"mqtt output (mqtt://127.0.0.1:{broker.port}): 1 of 3 messages not published; "
              "row 1: the broker refused it: Not authorized (reason code 135)")
    for e in errors:
        check(e["__error__"] == reason, f"error reason {e['__error__']!r}; want {reason!r}")


def case_topic_expr(binary, tmp, cleanup):
    """`topic: {type: expr}`: each row is published to the topic built from its `room` field; a
    batch with a NULL topic goes to error_output whole, with the reason naming the row."""
    broker = cleanup(Mosquitto()).start()
    data = os.path.join(tmp, "rows.jsonl")
    rooms = ["kitchen", "hall", "kitchen", "attic", "hall", "cellar", "bath", None, "bath"]
    with open(data, "w") as f:
        for i, room in enumerate(rooms):
            f.write(json.dumps({"room": room, "v": i}) + "\n")
    good = 6  # batches of 3: rows 0-5 are published; rows 6-8 hold the NULL room
    sub = cleanup(Subscriber(broker, "rooms/#", good, "check-sub", fmt="%t %p"))
    config = rows_by_topic_config(data, connection(broker, "ark-out"), "'rooms/' || room")
    ark = cleanup(Arkflow(binary, tmp, "topic_expr", config))
    got = sub.lines()
    check(ark.wait() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")
    arrived = []
    for line in got:
        topic, payload = line.split(" ", 1)
        row = json.loads(payload)
        arrived.append((topic, row["room"], row["v"]))
    want = [(f"rooms/{rooms[i]}", rooms[i], i) for i in range(good)]
    check(arrived == want, f"messages differ:\n want {want}\n got  {arrived}")
    errors = [json.loads(line) for line in ark.stdout().decode().splitlines()]
    check([(e["room"], e["v"]) for e in errors] == [("bath", 6), (None, 7), ("bath", 8)],
          f"error_output rows: {errors}")
    reason = (f"mqtt output (mqtt://127.0.0.1:{broker.port}): row 1: the topic expression "
              "\"'rooms/' || room\" is NULL")
    for e in errors:
        check(e["__error__"] == reason, f"error reason {e['__error__']!r}; want {reason!r}")


def case_broker_restart(binary, tmp, cleanup):
    broker = cleanup(Mosquitto(persistence=True)).start()
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    durable = connection(broker, "ark-durable",
                         "clean_session: false\nreconnect_min: 50ms\nreconnect_max: 500ms\n"
                         "receive_maximum: 20")
    config = HEAD + f"""  - input:
      type: mqtt
      {durable}      topics: ["stream/#"]
      qos: 1
      batch_size: 50
    # Holding each batch for 50 ms keeps messages unacknowledged in the engine (the broker sends
    # it at most receive_maximum = 20 at a time), so the restarts surely fall mid-stream, with
    # messages in flight.
    buffer:
      type: tumbling_window
      interval: 50ms
    output:
      type: file
      path: {out}/received.txt
"""
    ark = cleanup(Arkflow(binary, tmp, "restart", config))
    wait_subscribed(broker, "ark-durable", "stream/#")
    n = 3000
    messages = [f"m{i:05d}" for i in range(n)]
    received = os.path.join(out, "received.txt")

    def got_lines():
        # The file output writes to a temporary name until it closes; read whichever exists.
        for name in sorted(os.listdir(out)):
            with open(os.path.join(out, name)) as f:
                return f.read().splitlines()
        return []

    publish(broker, "stream/a", lines=messages[:1000])
    wait_until(lambda: len(got_lines()) >= 100, "the first messages in the output")
    # In the middle of the stream: the broker goes away (saving the session and what is queued
    # and unacknowledged for it) and comes back on the same port.
    at_restart = [len(got_lines())]
    broker.restart()
    publish(broker, "stream/b", lines=messages[1000:2000])
    wait_until(lambda: len(set(got_lines())) >= 1500, "messages after the restart")
    at_restart.append(len(got_lines()))
    broker.restart()
    publish(broker, "stream/c", lines=messages[2000:])
    wait_until(lambda: len(set(got_lines())) >= n, f"all {n} messages", timeout=45)
    check(ark.stop() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")
    got = open(received).read().splitlines()
    missing = sorted(set(messages) - set(got))
    unexpected = sorted(set(got) - set(messages))
    check(not missing, f"{len(missing)} messages lost, e.g. {missing[:5]}")
    check(not unexpected, f"unexpected lines {unexpected[:5]}")
    # Per publisher, order is kept apart from redelivered duplicates.
    firsts = list(dict.fromkeys(got))
    check(firsts == messages, "messages out of order")
    print(f"broker_restart: {len(got)} lines for {n} messages "
          f"({len(got) - n} redelivered duplicates); output lines at the restarts: {at_restart}")


def case_relay_restart(binary, tmp, cleanup):
    """mqtt input → mqtt output, both QoS 1 with `clean_session: false`, through a broker that is
    restarted twice in the middle of the stream (with persistence): a persistent mosquitto_sub
    gets every message — none lost, duplicates allowed, first arrivals in order."""
    broker = cleanup(Mosquitto(persistence=True)).start()
    n = 15000
    messages = [f"r{i:05d}" for i in range(n)]
    # A persistent subscriber writing to a file: its session (and what is queued for it while it
    # reconnects after a restart) survives the restarts.
    got = cleanup(FileSubscriber(broker, "relayed", "relay-sub", os.path.join(tmp, "relayed.txt"),
                                 extra=["-c"])).lines

    durable = "clean_session: false\nreconnect_min: 50ms\nreconnect_max: 500ms\n"
    config = HEAD + f"""  - input:
      type: mqtt
      {connection(broker, "ark-relay-in", durable + "receive_maximum: 20")}      topics: ["relay/#"]
      qos: 1
      batch_size: 10
    output:
      type: mqtt
      {connection(broker, "ark-relay-out", durable)}      topic: relayed
      qos: 1
"""
    ark = cleanup(Arkflow(binary, tmp, "relay_restart", config))
    wait_subscribed(broker, "ark-relay-in", "relay/#")
    at_restart = []
    for part, (start, end) in enumerate([(0, 5000), (5000, 10000), (10000, n)]):
        publish(broker, f"relay/{part}", lines=messages[start:end])
        if end == n:
            break
        # Mid-stream: the relay has passed some of this part on, not all.
        wait_until(lambda: len(got()) >= start + 500, f"{start + 500} messages relayed")
        at_restart.append(len(got()))
        broker.restart()
    wait_until(lambda: len(set(got())) >= n, f"all {n} messages", timeout=60)
    check(ark.stop() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")
    lines = got()
    missing = sorted(set(messages) - set(lines))
    check(not missing, f"{len(missing)} messages lost, e.g. {missing[:5]}")
    check(list(dict.fromkeys(lines)) == messages, "messages out of order")
    err = ark.stderr()
    check(any("mqtt output" in line and "lost the connection" in line
              for line in err.splitlines()),
          f"the output did not notice the restarts: {err}")
    print(f"relay_restart: {len(lines)} lines for {n} messages ({len(lines) - n} redelivered "
          f"duplicates); relayed at the restarts: {at_restart}")


def case_held(binary, tmp, cleanup):
    # log_type debug: the broker logs each PUBLISH it sends and each PUBACK it receives.
    broker = cleanup(Mosquitto(extra_conf="log_type debug")).start()
    durable = connection(broker, "ark-held", "clean_session: false\nreceive_maximum: 1000")

    def config(interval, out):
        os.mkdir(out)
        return HEAD + f"""  - input:
      type: mqtt
      {durable}      topics: ["held/#"]
      qos: 1
    buffer:
      type: tumbling_window
      interval: {interval}
    output:
      type: file
      path: {out}/received.txt
"""

    def lines_in(out):
        # The file output writes to a temporary name until it closes; read whatever exists.
        lines = []
        for name in sorted(os.listdir(out)):
            with open(os.path.join(out, name)) as f:
                lines += f.read().splitlines()
        return lines

    def log_count(text):
        return broker.log_text().count(text)

    first = os.path.join(tmp, "first")
    ark = cleanup(Arkflow(binary, tmp, "held", config("1h", first)))
    wait_subscribed(broker, "ark-held", "held/#")
    n = 300
    messages = [f"h{i:04d}" for i in range(n)]
    publish(broker, "held/a", lines=messages)
    wait_until(lambda: log_count("Sending PUBLISH to ark-held") >= n,
               f"the broker to send all {n} messages to the input")
    ark.kill()  # SIGKILL: the window never closed, nothing was written
    check(log_count("Received PUBACK from ark-held") == 0,
          "the input acknowledged messages its output never wrote")
    check(lines_in(first) == [], f"unexpected output {lines_in(first)[:5]}")

    again = os.path.join(tmp, "again")
    ark = cleanup(Arkflow(binary, tmp, "held_again", config("100ms", again)))
    wait_until(lambda: len(lines_in(again)) >= n, f"all {n} messages redelivered")
    check(ark.stop() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")
    got = lines_in(again)
    check(got == messages, f"redelivered {len(got)} lines; want the {n} messages in order")


def case_qos2(binary, tmp, cleanup):
    # log_type debug: the broker logs each packet of the QoS 2 exchange with the input.
    broker = cleanup(Mosquitto(extra_conf="log_type debug")).start()
    for protocol in ["5", "3.1.1"]:
        client_id = f"ark-q2-{protocol}"
        config = HEAD + f"""  - input:
      type: mqtt
      {connection(broker, client_id, f'protocol: "{protocol}"')}      topics: ["q2/{protocol}"]
      qos: 2
    output:
      type: stdout
      codec: {{type: json}}
"""
        ark = cleanup(Arkflow(binary, tmp, f"qos2_{protocol}", config))
        wait_subscribed(broker, client_id, f"q2/{protocol}")
        n = 50
        lines = [f"exactly {i:02d}" for i in range(n)]
        publish(broker, f"q2/{protocol}", lines=lines, qos=2)
        wait_until(lambda: ark.stdout().count(b"\n") >= n, f"{n} lines")
        wait_until(lambda: broker.log_text().count(f"Received PUBCOMP from {client_id}") >= n,
                   f"the input to complete all {n} QoS 2 exchanges")
        check(ark.stop() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")
        got = [json.loads(line)["__value__"] for line in ark.stdout().decode().splitlines()]
        check(got == lines, f"stdout differs: {got[:5]}...")
        log = broker.log_text()
        for text in [f"Sending PUBLISH to {client_id} (d0, q2", f"Received PUBREC from {client_id}",
                     f"Sending PUBREL to {client_id}", f"Received PUBCOMP from {client_id}"]:
            check(log.count(text) == n, f"broker log has {log.count(text)} x {text!r}, want {n}")
        check(f"Received PUBACK from {client_id}" not in log, "a PUBACK for a QoS 2 message")


def case_tls(binary, tmp, cleanup):
    broker = cleanup(Mosquitto(tls=True)).start()
    sub = cleanup(Subscriber(broker, "tls/out", 3, "tls-sub"))
    tls = f"tls: {{ca_file: {broker.ca_file}}}"
    config = HEAD + f"""  - input:
      type: mqtt
      {connection(broker, "tls-in", tls)}      topics: ["tls/in"]
    output:
      type: mqtt
      {connection(broker, "tls-out", tls)}      topic: tls/out
"""
    ark = cleanup(Arkflow(binary, tmp, "tls", config))
    wait_subscribed(broker, "tls-in", "tls/in")
    publish(broker, "tls/in", lines=["secret one", "secret two", "secret three"])
    check(sub.lines() == ["secret one", "secret two", "secret three"], "wrong messages over TLS")
    check(ark.stop() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")

    # Without our CA the broker's certificate cannot be verified: a clear error, exit 1.
    config = HEAD + f"""  - input:
      type: mqtt
      {connection(broker, "tls-bad", "tls: {enabled: true}")}      topics: ["tls/in"]
    output:
      type: drop
"""
    bad = cleanup(Arkflow(binary, tmp, "tls_bad", config))
    check(bad.wait() == 1, f"exit code {bad.proc.returncode}, expected 1")
    err = bad.stderr()
    check(f"mqtt input (mqtts://127.0.0.1:{broker.port}): TLS with mqtts://127.0.0.1:"
          f"{broker.port} failed" in err and "certificate verify failed" in err,
          f"unexpected error: {err}")


def case_auth(binary, tmp, cleanup):
    broker = cleanup(Mosquitto(users={"alice": "s3cret"})).start()
    # The input speaks MQTT 5 (a reason code) unless told 3.1.1 (a return code).
    for protocol, refusal in [
            ("5", "Not authorized (CONNACK reason code 135)"),
            ("3.1.1", "Connection Refused: not authorised. (CONNACK code 5)")]:
        wrong = connection(broker, "auth-in",
                           f"username: alice\npassword: wrong\nprotocol: \"{protocol}\"")
        config = HEAD + f"""  - input:
      type: mqtt
      {wrong}      topics: ["a/#"]
    output:
      type: drop
"""
        bad = cleanup(Arkflow(binary, tmp, f"auth_bad_{protocol}", config))
        check(bad.wait() == 1, f"exit code {bad.proc.returncode}, expected 1")
        err = bad.stderr()
        want = (f"mqtt input (mqtt://127.0.0.1:{broker.port}): the broker at mqtt://127.0.0.1:"
                f"{broker.port} refused the connection: {refusal}; check `username` and "
                "`password`")
        check(want in err, f"stderr lacks {want!r}:\n{err}")

    sub = cleanup(Subscriber(broker, "a-out", 2, "auth-sub", user="alice"))
    good_in = connection(broker, "auth-in", "username: alice\npassword: s3cret")
    good_out = connection(broker, "auth-out", "username: alice\npassword: s3cret")
    config = HEAD + f"""  - input:
      type: mqtt
      {good_in}      topics: ["a/#"]
    output:
      type: mqtt
      {good_out}      topic: a-out
"""
    ark = cleanup(Arkflow(binary, tmp, "auth_good", config))
    wait_subscribed(broker, "auth-in", "a/#")
    publish(broker, "a/1", lines=["x", "y"], user="alice")
    check(sub.lines() == ["x", "y"], "wrong messages with authentication")
    check(ark.stop() == 0, f"arkflow exit code {ark.proc.returncode}: {ark.stderr()}")


def case_example(binary, tmp, cleanup):
    example = os.path.join(ROOT, "examples", "connectors", "mqtt.yaml")
    expected = open(os.path.join(ROOT, "examples", "connectors", "mqtt.expected")).read()
    want = expected.splitlines()
    broker = cleanup(Mosquitto()).start()
    sub = cleanup(Subscriber(broker, "alerts/#", len(want), "example-check", fmt="%t %p"))
    env = dict(os.environ, MQTT_PORT=str(broker.port))
    proc = subprocess.Popen([binary, "run", "-c", example, "--no-progress", "--no-summary"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    cleanup(lambda: proc.poll() is None and os.killpg(proc.pid, signal.SIGKILL))
    wait_subscribed(broker, "arkflow-example-in", "sensors/+/temperature")
    for room, celsius in [("kitchen", 21.5), ("cellar", 12.0), ("attic", 31.0), ("hall", 25.0)]:
        publish(broker, f"sensors/{room}/temperature",
                message=f'{{"sensor": "{room}", "celsius": {celsius}}}')
    got = sub.lines()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=DEADLINE_S)
    check(got == want, f"published:\n{chr(10).join(got)}\nexpected:\n{expected}")
    check(proc.returncode == 0, f"exit code {proc.returncode}: {err.decode()}")
    check(out == b"", f"unexpected stdout {out!r}")
    err_lines = [line for line in err.decode().splitlines() if "SIGINT received" not in line]
    check(not err_lines, f"unexpected stderr: {err.decode()}")
    print("ok: examples/connectors/mqtt.yaml")


CASES = {"input": case_input, "output": case_output, "output_window": case_output_window,
         "stalled": case_stalled, "refused": case_refused,
         "topic_expr": case_topic_expr, "relay_restart": case_relay_restart,
         "broker_restart": case_broker_restart, "held": case_held, "qos2": case_qos2,
         "tls": case_tls, "auth": case_auth, "example": case_example}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print(f"usage: {sys.argv[0]} ARKFLOW_BINARY {{{'|'.join(CASES)}}}", file=sys.stderr)
        return 2
    binary, case = os.path.abspath(sys.argv[1]), sys.argv[2]
    tmp = tempfile.mkdtemp(prefix=f"arkflow-mqtt-{case}-")
    resources = []

    def cleanup(thing):
        resources.append(thing)
        return thing

    code = 0
    try:
        CASES[case](binary, tmp, cleanup)
        print(f"ok: mqtt {case}")
    except Failure as e:
        print(f"FAIL: mqtt {case}: {e}", file=sys.stderr)
        for r in resources:
            if isinstance(r, Mosquitto) and r.dir:
                print(f"--- broker log:\n{r.log_text()[-3000:]}", file=sys.stderr)
            if isinstance(r, Arkflow):
                print(f"--- {r.path} stderr:\n{r.stderr()[-3000:]}", file=sys.stderr)
        code = 1
    finally:
        for r in reversed(resources):
            if isinstance(r, (Arkflow, Subscriber, FileSubscriber)):
                r.kill() if isinstance(r, Arkflow) else r.close()
            elif isinstance(r, Mosquitto):
                r.close()
            elif callable(r):
                r()
        shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
