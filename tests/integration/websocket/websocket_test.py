#!/usr/bin/python3
"""Integration tests of the `websocket` input and output with the real `arkflow` binary against an
independent server: npm `ws` (tests/support/ws_peer.mjs).

Usage: websocket_test.py ARKFLOW_BINARY CASE
Cases: input_reconnect, output, example
"""
import os
import queue
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
PEER = os.path.join(ROOT, "tests", "support", "ws_peer.mjs")
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from engine_proc import expect_eq, fail, free_port, run_cases, start_engine  # noqa: E402


class Lines:
    """Lines of a process's output, collected by a thread."""

    def __init__(self, stream):
        self.q = queue.Queue()
        self.all = []
        self.t = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self.t.start()

    def _pump(self, stream):
        for line in stream:
            self.q.put(line.rstrip("\n"))

    def next(self, timeout=20):
        try:
            line = self.q.get(timeout=timeout)
        except queue.Empty:
            fail(f"no line within {timeout} s (have {self.all})")
        self.all.append(line)
        return line

    def expect(self, want, timeout=20):
        got = self.next(timeout)
        expect_eq("line", got, want)


class Peer:
    def __init__(self, procs, port=0):
        self.proc = procs.add(subprocess.Popen(["/usr/bin/node", PEER, str(port)], cwd=ROOT,
                                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                               text=True, bufsize=1))
        self.out = Lines(self.proc.stdout)
        line = self.out.next()
        if not line.startswith("PORT "):
            fail(f"ws peer did not start: {line!r}")
        self.port = int(line.split()[1])

    def send(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def stop(self):
        self.proc.kill()
        self.proc.wait(timeout=10)


def engine(procs, binary, config, env=None):
    p = start_engine(procs, binary, config, env=env, text=True)
    return p, Lines(p.stdout)


def case_input_reconnect(binary, procs):
    """Messages reach the pipeline with the handshake headers sent; after the server goes away
    and comes back on the same port, the input reconnects and goes on."""
    peer = Peer(procs)
    port = peer.port
    config = f"""
logging:
  level: error
health_check:
  enabled: false
streams:
  - input:
      type: websocket
      url: ws://127.0.0.1:{port}/feed
      headers:
        Authorization: Bearer abc
      reconnect_backoff: 50ms
      max_reconnect_backoff: 500ms
    output:
      type: stdout
"""
    eng, out = engine(procs, binary, config)
    peer.out.expect("CONNECT Bearer abc")
    for i in range(1, 4):
        peer.send(f'SEND {{"n":{i}}}')
    for i in range(1, 4):
        out.expect(f'{{"n":{i}}}')
    # The server goes away; a new one listens on the same port a little later.
    peer.stop()
    time.sleep(0.5)
    peer = Peer(procs, port)
    peer.out.expect("CONNECT Bearer abc", timeout=30)
    for i in range(4, 7):
        peer.send(f'SEND {{"n":{i}}}')
    for i in range(4, 7):
        out.expect(f'{{"n":{i}}}')
    eng.send_signal(signal.SIGINT)
    expect_eq("exit code", eng.wait(timeout=30), 0)
    expect_eq("rows", out.all, [f'{{"n":{i}}}' for i in range(1, 7)])


def case_output(binary, procs):
    """Rows go out one message per row, and a batch as one NDJSON message; the output waits (and
    retries) until the server is up."""
    port = free_port()
    config = f"""
logging:
  level: error
health_check:
  enabled: false
streams:
  - input:
      type: memory
      codec:
        type: json
      messages:
        - '{{"id": 1, "name": "a"}}'
        - '{{"id": 2, "name": "b"}}'
        - '{{"id": 3, "name": "c"}}'
    output:
      type: websocket
      url: ws://127.0.0.1:{port}/rows
  - input:
      type: memory
      messages: ['one', 'two']
    output:
      type: websocket
      url: ws://127.0.0.1:{port}/batches
      batch_format: ndjson
      message_type: binary
"""
    eng, _ = engine(procs, binary, config)
    time.sleep(1.0)  # the engine starts first: its outputs cannot connect yet
    peer = Peer(procs, port)
    got = []
    while len(got) < 4:
        line = peer.out.next(timeout=30)
        if not line.startswith("CONNECT"):
            got.append(line)
    expect_eq("exit code", eng.wait(timeout=30), 0)
    rows = [l for l in got if l.startswith("MSG")]
    expect_eq("row messages", rows, ['MSG {"id":1,"name":"a"}', 'MSG {"id":2,"name":"b"}',
                                     'MSG {"id":3,"name":"c"}'])
    bins = [l for l in got if l.startswith("BIN")]
    expect_eq("batch message", bins, ["BIN one\\ntwo\\n"])


def case_example(binary, procs):
    """examples/connectors/websocket.yaml against the ws peer on a port chosen now."""
    peer = Peer(procs)
    env = dict(os.environ, WS_EXAMPLE_URL=f"ws://127.0.0.1:{peer.port}/ticks")
    eng, out = engine(procs, binary, open(os.path.join(ROOT, "examples", "connectors",
                                                        "websocket.yaml")).read(), env=env)
    peer.out.expect("CONNECT -")
    for text in ['{"symbol":"ABC","price":10.5}', '{"symbol":"XYZ","price":7.25}']:
        peer.send("SEND " + text)
    with open(os.path.join(ROOT, "examples", "connectors", "websocket.expected")) as f:
        want = f.read().splitlines()
    for w in want:
        out.expect(w)
    eng.send_signal(signal.SIGINT)
    expect_eq("exit code", eng.wait(timeout=30), 0)


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    sys.exit(run_cases(CASES, "ark-ws-test-"))
