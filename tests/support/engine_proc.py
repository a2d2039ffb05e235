#!/usr/bin/python3
"""Process handling shared by the integration tests that drive the real `arkflow` binary
(tests/integration/http/http_test.py, tests/integration/websocket/websocket_test.py):

    from engine_proc import (Procs, expect_eq, fail, free_port, run_cases, start_engine,
                             stop_engine, wait_port)

    def case_ingest(binary, procs):
        port = free_port()
        proc = start_engine(procs, binary, config_text)   # `arkflow run`, stdout/stderr piped
        wait_port(port, proc)                              # the engine listens
        ...
        expect_eq("exit code", stop_engine(proc), 0)       # SIGINT, then the exit code

    CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}
    sys.exit(run_cases(CASES, "ark-http-test-"))           # usage: test.py ARKFLOW_BINARY CASE

Every process a case starts goes into its `Procs`, which kills what still runs and removes the
case's temporary directory at the end, also when the case fails. A failed check raises
AssertionError (`fail`, `expect_eq`); `run_cases` prints it as `FAIL: ...` and returns 1.
Standard library only; run with /usr/bin/python3.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def fail(msg):
    raise AssertionError(msg)


def expect_eq(what, got, want):
    if got != want:
        fail(f"{what}: got {got!r}, want {want!r}")


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=20):
    """Returns once something accepts connections on 127.0.0.1:`port`; fails if `proc` exits
    first or nothing listens within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            fail(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    fail(f"nothing listens on port {port} after {timeout} s")


class Procs:
    """Every process a case starts, and the case's temporary directory."""

    def __init__(self, prefix="ark-test-"):
        self.procs = []
        self.tmp = tempfile.mkdtemp(prefix=prefix)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def add(self, proc):
        self.procs.append(proc)
        return proc

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def start_engine(procs, binary, config, env=None, text=False):
    """Writes `config` to a file in the case's directory and starts `arkflow run` on it, with
    standard output and error piped (bytes, or line-buffered text when `text`). Returns the
    Popen, registered with `procs`."""
    path = procs.path(f"config-{len(procs.procs)}.yaml")
    with open(path, "w") as f:
        f.write(config)
    extra = {"text": True, "bufsize": 1} if text else {}
    return procs.add(subprocess.Popen(
        [binary, "run", "-c", path, "--no-progress", "--no-summary"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, **extra))


def stop_engine(proc, timeout=30):
    """SIGINT (the engine drains and exits); returns the exit code."""
    proc.send_signal(signal.SIGINT)
    return proc.wait(timeout=timeout)


def run_cases(cases, prefix):
    """The `main` of a test script: `script ARKFLOW_BINARY CASE` runs cases[CASE](binary, procs).
    Returns the process exit code (0 ok, 1 failed, 2 usage)."""
    if len(sys.argv) != 3 or sys.argv[2] not in cases:
        print(f"usage: {sys.argv[0]} ARKFLOW_BINARY {{{','.join(cases)}}}", file=sys.stderr)
        return 2
    procs = Procs(prefix)
    try:
        cases[sys.argv[2]](os.path.abspath(sys.argv[1]), procs)
    except AssertionError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    finally:
        procs.cleanup()
    print(f"ok: {sys.argv[2]}")
    return 0
