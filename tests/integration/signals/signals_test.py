#!/usr/bin/python3
"""Signal handling and the admin HTTP server of a running `arkflow run`, tested on the real binary.

  signals_test.py ARKFLOW_BINARY TEST

where TEST is one of:

sigterm_drain    An endless generate → arrow_to_json (2 workers) → file pipeline gets SIGTERM once
                 its output file has data. It must exit 0; the output is published (renamed from
                 .tmp); the file's row count equals both "rows out" and "rows in" of the summary
                 line on standard error (nothing read is lost); every row is intact.
sigkill_then_rerun
                 A run killed with SIGKILL leaves its data in <path>.tmp (it was written before it
                 was acknowledged) and publishes nothing; the next run on the same path moves that
                 file aside to <path>.partial-<µs>, intact, with a warning, and writes its own.
double_sigint    A pipeline whose output is stuck (standard output is a pipe nobody reads, so the
                 writer blocks) gets SIGINT twice: the first asks for a drain that cannot finish
                 (the process must still run once it has logged the notice), the second must exit
                 at once with code 130, without the summary line.
admin_endpoints  With `health_check: {address: "127.0.0.1:0"}` the engine logs the port it bound;
                 /health, /liveness, /ready, /readiness and /metrics answer 200 (/metrics with the
                 stream's counters), an unknown path 404; after SIGTERM the run exits 0 and the port
                 is closed.

Every process started here is killed and every temporary directory removed, also on failure. The
waits have generous deadlines only so that a hang fails instead of blocking; nothing asserts timing.
"""
import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import termios
import time
import urllib.error
import urllib.request

DEADLINE_S = 60  # upper bound for anything we wait for; a healthy run needs far less
POLL_S = 0.02
SUMMARY_RE = re.compile(
    r"^arkflow: (\d+) rows in \([^)]*\), (\d+) rows out \([^)]*\), (\d+) error rows, "
    r"[0-9.]+ s, [0-9]+ rows/s$", re.MULTILINE)


class TestFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def wait_for(predicate, what):
    """Polls `predicate` until it returns a true value (returned) or the deadline passes (fails)."""
    end = time.monotonic() + DEADLINE_S
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise TestFailure(f"gave up after {DEADLINE_S} s waiting for {what}")
        time.sleep(POLL_S)


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


@contextlib.contextmanager
def running(binary, config, stdout_pipe=False, tmp=None, name="run"):
    """Starts `arkflow run -c <config>` in `tmp` (also its OUT_DIR; default: a fresh temp dir,
    removed on exit); yields (process, temp_dir, stderr_path). The process is killed on exit.
    `name` prefixes the config, stdout and stderr files written in `tmp`."""
    own_tmp = tmp is None
    if own_tmp:
        tmp = tempfile.mkdtemp(prefix="arkflow-signals-")
    proc = None
    stdout_file = stderr_file = None
    try:
        config_path = os.path.join(tmp, f"{name}.yaml")
        with open(config_path, "w", encoding="utf-8") as f:
            f.write(config)
        stderr_path = os.path.join(tmp, f"{name}.stderr")
        stderr_file = open(stderr_path, "wb")
        if stdout_pipe:
            stdout_file = subprocess.PIPE
        else:
            stdout_file = open(os.path.join(tmp, f"{name}.stdout"), "wb")
        proc = subprocess.Popen([binary, "run", "-c", config_path, "--no-progress"], cwd=tmp,
                                env=dict(os.environ, OUT_DIR=tmp), stdin=subprocess.DEVNULL,
                                stdout=stdout_file, stderr=stderr_file)
        yield proc, tmp, stderr_path
    finally:
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        for f in (stdout_file, stderr_file):
            if f is not None and f is not subprocess.PIPE:
                f.close()
        if own_tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def check_running(proc, stderr_path):
    check(proc.poll() is None,
          f"arkflow ended early ({proc.returncode}):\n{read_text(stderr_path)}")


def wait_exit(proc, stderr_path, what):
    try:
        return proc.wait(timeout=DEADLINE_S)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"arkflow did not exit within {DEADLINE_S} s after {what}; "
                          f"stderr:\n{read_text(stderr_path)}")


def test_sigterm_drain(binary):
    row = '{"sensor":"temp_1","value":21.5}'
    config = f"""
logging: {{level: warn}}
health_check: {{enabled: false}}
streams:
  - id: ticks
    input:
      type: generate
      context: '{row}'
      codec: {{type: json}}
      interval: 1ms
      batch_size: 100
      count: 1000000000
    pipeline:
      thread_num: 2
      processors:
        - type: arrow_to_json
    output:
      type: file
      path: ${{OUT_DIR}}/ticks.ndjson
"""
    with running(binary, config) as (proc, tmp, stderr_path):
        out = os.path.join(tmp, "ticks.ndjson")
        wait_for(lambda: os.path.exists(out + ".tmp") and os.path.getsize(out + ".tmp") > 0
                 or proc.poll() is not None, "ticks.ndjson.tmp to hold data")
        check_running(proc, stderr_path)
        proc.send_signal(signal.SIGTERM)
        code = wait_exit(proc, stderr_path, "SIGTERM")
        stderr = read_text(stderr_path)
        check(code == 0, f"exit code {code} after SIGTERM, expected 0; stderr:\n{stderr}")
        notice = "TERM received: stopping inputs and draining (send it again to exit at once)"
        check(notice in stderr, f"no shutdown notice on stderr:\n{stderr}")
        summaries = SUMMARY_RE.findall(stderr)
        check(len(summaries) == 1, f"expected one summary line on stderr, got:\n{stderr}")
        rows_in, rows_out, error_rows = (int(v) for v in summaries[0])
        files = sorted(os.listdir(tmp))
        check(files == ["run.stderr", "run.stdout", "run.yaml", "ticks.ndjson"],
              f"expected the published ticks.ndjson and no .tmp/.partial file, have {files}")
        with open(out, "rb") as f:
            data = f.read()
        check(data.endswith(b"\n"), "the output does not end with a complete line")
        lines = data.decode("utf-8").split("\n")[:-1]
        check(len(lines) == rows_out,
              f"the file holds {len(lines)} rows but the summary says {rows_out} rows out")
        check(rows_in == rows_out, f"{rows_in} rows in but {rows_out} rows out: rows were lost")
        check(error_rows == 0, f"{error_rows} error rows, expected 0")
        check(0 < rows_out < 1000000000,
              f"{rows_out} rows out: the stop did not interrupt the input")
        bad = [i for i, line in enumerate(lines) if line != row]
        check(not bad, f"{len(bad)} damaged rows, the first (row {bad[0] if bad else 0}): "
                       f"{lines[bad[0]] if bad else ''!r}")
        print(f"ok: SIGTERM drained {rows_out} rows, all written")


def test_sigkill_then_rerun(binary):
    endless = """
logging: {level: warn}
health_check: {enabled: false}
streams:
  - input: {type: generate, context: 'tick', interval: 1ms, batch_size: 100}
    output: {type: file, path: "${OUT_DIR}/ticks.txt"}
"""
    finite = """
logging: {level: warn}
health_check: {enabled: false}
streams:
  - input: {type: memory, messages: [new 1, new 2]}
    output: {type: file, path: "${OUT_DIR}/ticks.txt"}
"""
    tmp = tempfile.mkdtemp(prefix="arkflow-signals-")
    try:
        out = os.path.join(tmp, "ticks.txt")
        with running(binary, endless, tmp=tmp, name="killed") as (proc, _, stderr_path):
            wait_for(lambda: os.path.exists(out + ".tmp") and os.path.getsize(out + ".tmp") > 0
                     or proc.poll() is not None, "ticks.txt.tmp to hold data")
            check_running(proc, stderr_path)
            proc.kill()
            code = wait_exit(proc, stderr_path, "SIGKILL")
            check(code == -signal.SIGKILL, f"exit status {code} after SIGKILL")
        check(not os.path.exists(out), "a killed run published its output")
        with open(out + ".tmp", "rb") as f:
            left = f.read()
        check(len(left) > 0, "the killed run left an empty ticks.txt.tmp")

        with running(binary, finite, tmp=tmp, name="rerun") as (proc, _, stderr_path):
            code = wait_exit(proc, stderr_path, "the end of its input")
            stderr = read_text(stderr_path)
            check(code == 0, f"the rerun exited {code}, expected 0; stderr:\n{stderr}")
        partials = [f for f in os.listdir(tmp) if re.fullmatch(r"ticks\.txt\.partial-\d+", f)]
        check(len(partials) == 1, f"expected one ticks.txt.partial-<µs>, have {os.listdir(tmp)}")
        check(f"file output: {out}.tmp was left by an interrupted run; moved it to "
              f"{os.path.join(tmp, partials[0])}" in stderr, f"no notice of the move:\n{stderr}")
        with open(os.path.join(tmp, partials[0]), "rb") as f:
            check(f.read() == left, "the .partial file does not hold what the killed run wrote")
        with open(out, "rb") as f:
            got = f.read()
        check(got == b"new 1\nnew 2\n", f"the rerun wrote {got!r}")
        check(not os.path.exists(out + ".tmp"), "ticks.txt.tmp is left after the rerun")
        print(f"ok: {len(left)} bytes of the killed run kept in {partials[0]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def writer_blocked_probe(pid, pipe_fd):
    """Returns a predicate that is true once the stream's writer thread is blocked writing to the
    full stdout pipe. Uses the kernel's wait channel of the thread named ark-writer; where the
    kernel hides wait channels, falls back to: the pipe holds data and has not grown for 1 s while
    the input is endless."""
    task_dir = f"/proc/{pid}/task"

    def wchans():
        out = {}
        for tid in os.listdir(task_dir):
            comm = read_text(f"{task_dir}/{tid}/comm").strip()
            out.setdefault(comm, []).append(read_text(f"{task_dir}/{tid}/wchan").strip())
        return out

    state = {"size": -1, "since": time.monotonic()}

    def by_pipe_size():
        buf = bytearray(4)
        fcntl.ioctl(pipe_fd, termios.FIONREAD, buf)
        size = int.from_bytes(buf, sys.byteorder)
        now = time.monotonic()
        if size != state["size"]:
            state["size"], state["since"] = size, now
            return False
        return size > 0 and now - state["since"] >= 1.0

    def probe():
        channels = wchans()
        if any(w not in ("", "0") for ws in channels.values() for w in ws):
            return any("pipe_write" in w for w in channels.get("ark-writer", []))
        return by_pipe_size()

    return probe


def test_double_sigint(binary):
    config = """
logging: {level: warn}
health_check: {enabled: false}
streams:
  - id: stuck
    input: {type: generate, context: 'a line that fills the pipe', interval: 0s, batch_size: 1000}
    output: {type: stdout}
"""
    with running(binary, config, stdout_pipe=True) as (proc, tmp, stderr_path):
        wait_for(writer_blocked_probe(proc.pid, proc.stdout.fileno()),
                 "the writer to block on the unread standard output")
        check_running(proc, stderr_path)
        # First SIGINT: a graceful stop, whose drain cannot finish (standard output is full).
        proc.send_signal(signal.SIGINT)
        # A second SIGINT sent while the first is still pending would merge with it (standard
        # signals do not queue), so wait until the engine has logged the first one.
        wait_for(lambda: "INT received: stopping inputs and draining" in read_text(stderr_path)
                 or proc.poll() is not None, "the notice of the first SIGINT")
        check(proc.poll() is None,
              f"arkflow ended after one SIGINT ({proc.returncode}):\n{read_text(stderr_path)}")
        proc.send_signal(signal.SIGINT)  # second signal: exit at once
        code = wait_exit(proc, stderr_path, "the second SIGINT")
        stderr = read_text(stderr_path)
        check(code == 130, f"exit code {code} after two SIGINTs, expected 130; stderr:\n{stderr}")
        check(not SUMMARY_RE.search(stderr),
              f"a summary was printed, so it did not exit at once:\n{stderr}")
        print("ok: the second SIGINT exited with 130")


def http_get(port, path):
    """Returns (status, content type, body text) of GET http://127.0.0.1:port/path."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8")


def test_admin_endpoints(binary):
    config = """
logging: {level: info}
health_check: {enabled: true, address: "127.0.0.1:0"}
streams:
  - id: admin_probe
    input: {type: generate, context: '{"a": 1}', interval: 10ms, batch_size: 10}
    output: {type: drop}
"""
    with running(binary, config) as (proc, tmp, stderr_path):
        match = wait_for(lambda: re.search(r"health check listening on port (\d+)\n",
                                           read_text(stderr_path)) or proc.poll() is not None,
                         "the 'health check listening on port N' log line")
        check_running(proc, stderr_path)
        port = int(match.group(1))
        check(0 < port < 65536, f"bad port {port}")

        # Readiness turns 200 once the stream's input and output are connected.
        wait_for(lambda: http_get(port, "/ready")[0] == 200, "/ready to answer 200")
        for path in ("/ready", "/readiness"):
            status, ctype, body = http_get(port, path)
            check(status == 200, f"{path}: status {status}, expected 200: {body}")
            check(ctype == "application/json", f"{path}: content type {ctype!r}")
            ready = json.loads(body)
            check(ready == {"ready": True, "streams": [
                {"id": "admin_probe", "state": "running", "input_connected": True,
                 "output_connected": True}]}, f"{path}: unexpected body {body}")
        for path in ("/health", "/liveness"):
            status, ctype, body = http_get(port, path)
            check((status, ctype, body) == (200, "application/json", '{"status":"ok"}'),
                  f"{path}: got {status} {ctype!r} {body!r}")

        # Counters grow while the endless input runs: wait for the input to have counted rows.
        in_re = re.compile(r'^arkflow_messages_in_total\{stream="admin_probe",component="input"\} '
                           r'(\d+)$', re.MULTILINE)

        def metrics_with_rows():
            status, ctype, body = http_get(port, "/metrics")
            check(status == 200, f"/metrics: status {status}")
            check(ctype.startswith("text/plain"), f"/metrics: content type {ctype!r}")
            m = in_re.search(body)
            check(m is not None, f"/metrics lacks arkflow_messages_in_total for the input:\n{body}")
            return body if int(m.group(1)) > 0 else None

        body = wait_for(metrics_with_rows, "/metrics to count input rows")
        check('arkflow_messages_in_total{stream="admin_probe",' in body, "no stream label")
        check("# TYPE arkflow_messages_in_total counter" in body, "no TYPE line for the counter")
        check(re.search(r'^arkflow_stream_up\{stream="admin_probe"\} 1$', body, re.MULTILINE),
              f"arkflow_stream_up is not 1:\n{body}")
        check(re.search(r'^arkflow_error_rows_total\{stream="admin_probe",component="input"\} 0$',
                        body, re.MULTILINE), f"unexpected input error rows:\n{body}")
        rows_seen = int(in_re.search(body).group(1))

        status, ctype, body404 = http_get(port, "/no-such-endpoint")
        check((status, body404) == (404, '{"error":"not found"}'),
              f"unknown path: {status} {body404!r}")

        proc.send_signal(signal.SIGTERM)
        code = wait_exit(proc, stderr_path, "SIGTERM")
        stderr = read_text(stderr_path)
        check(code == 0, f"exit code {code} after SIGTERM, expected 0; stderr:\n{stderr}")
        summaries = SUMMARY_RE.findall(stderr)
        check(len(summaries) == 1, f"expected one summary line on stderr, got:\n{stderr}")
        rows_in, rows_out, _ = (int(v) for v in summaries[0])
        check(rows_in >= rows_seen and rows_in == rows_out,
              f"summary {rows_in} in / {rows_out} out, but /metrics had counted {rows_seen}")
        with socket.socket() as s:
            check(s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still accepts connections")
        print(f"ok: admin endpoints on port {port}")


TESTS = {
    "sigterm_drain": test_sigterm_drain,
    "sigkill_then_rerun": test_sigkill_then_rerun,
    "double_sigint": test_double_sigint,
    "admin_endpoints": test_admin_endpoints,
}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in TESTS:
        print(f"usage: {sys.argv[0]} ARKFLOW_BINARY {'|'.join(TESTS)}", file=sys.stderr)
        return 2
    try:
        TESTS[sys.argv[2]](os.path.abspath(sys.argv[1]))
    except TestFailure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
