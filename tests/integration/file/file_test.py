#!/usr/bin/python3
"""The `file` connector's follow, gzip, rolling and codec features, tested on the real binary.

  file_test.py ARKFLOW_BINARY TEST

where TEST is one of:

follow       `follow: true` on a log file while this script appends to it, rotates it (renames it,
             writes once more to the renamed file, recreates the name) and truncates it; standard
             output must hold every line exactly once, in order; the truncation is logged.
gzip         A glob over .gz files made by the gzip(1) tool, a plain file, a file that is not gzip
             and a gzip file whose CRC is damaged, read in name order: exact lines on the output,
             exact error records (file, line, byte, compressed byte) on error_output.
roll_size    `max_size` with a {stream}-{n:2} template: exact files, exact contents, no .tmp.
roll_time    `roll_interval` on a followed input: each file is completed (renamed) after the
             interval without more data; exact files and contents; the last one is completed at
             shutdown; no .tmp.
codec_sql    json file → sql → arrow file; arrow file → sql → csv on stdout; csv on stdin → sql →
             json on stdout; memory (json) → sql → csv on stdout; generate (json) → sql → json
             file: codecs on inputs and outputs, no json_to_arrow anywhere.

Every process started here is killed and every temporary directory removed, also on failure. Waits
have generous deadlines only so that a hang fails instead of blocking; nothing asserts timing.
"""
import contextlib
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

DEADLINE_S = 30
POLL_S = 0.01


class TestFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def wait_for(predicate, what):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(POLL_S)
    raise TestFailure(f"timed out waiting for {what}")


def write(path, data, mode="w"):
    with open(path, mode + ("b" if isinstance(data, bytes) else "")) as f:
        f.write(data)


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def gzip_file(path):
    """Compresses path to path.gz with the gzip tool (an independent producer), removing path."""
    subprocess.run(["gzip", "-nf", path], check=True)
    return path + ".gz"


CONFIG_HEAD = """logging:
  level: warn
health_check:
  enabled: false
streams:
"""


class Engine:
    """An `arkflow run` in the background; standard output collected line by line."""

    def __init__(self, binary, cwd, config, stdin=None):
        path = os.path.join(cwd, "config.yaml")
        write(path, CONFIG_HEAD + config)
        self.proc = subprocess.Popen(
            [binary, "run", "-c", path, "--no-progress", "--no-summary"], cwd=cwd,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines = []
        self.err = b""
        self.lock = threading.Lock()
        self.out_thread = threading.Thread(target=self._read_out)
        self.err_thread = threading.Thread(target=self._read_err)
        self.out_thread.start()
        self.err_thread.start()
        if stdin is not None:
            self.proc.stdin.write(stdin)
            self.proc.stdin.close()

    def _read_out(self):
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append(line.decode())

    def _read_err(self):
        self.err = self.proc.stderr.read()

    def output(self):
        with self.lock:
            return list(self.lines)

    def wait_lines(self, n):
        wait_for(lambda: len(self.output()) >= n, f"{n} lines of output (have {self.output()})")

    def stop(self):
        """SIGINT (graceful drain); returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.wait()

    def wait(self):
        try:
            code = self.proc.wait(timeout=DEADLINE_S)
        except subprocess.TimeoutExpired:
            raise TestFailure("the engine did not exit")
        self.out_thread.join()
        self.err_thread.join()
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.out_thread.join()
        self.err_thread.join()


@contextlib.contextmanager
def engine(binary, cwd, config, stdin=None):
    e = Engine(binary, cwd, config, stdin)
    try:
        yield e
    finally:
        e.kill()


def test_follow(binary, tmp):
    log = os.path.join(tmp, "app.log")
    write(log, "l1\nl2\n")
    config = f"""  - id: tail
    input:
      type: file
      path: {log}
      follow: true
      poll_interval: 20ms
    output:
      type: stdout
"""
    with engine(binary, tmp, config) as e:
        e.wait_lines(2)
        write(log, "l3\nl4\n", "a")
        e.wait_lines(4)
        write(log, "l5", "a")  # waits for its newline
        write(log, "\n", "a")
        e.wait_lines(5)
        # Rotation: renamed away, written once more under the old name, the name recreated.
        os.rename(log, log + ".1")
        write(log + ".1", "l6\nl7", "a")  # the old file's last line has no newline
        write(log, "l8\n")
        e.wait_lines(8)
        write(log, "l9\nl10\n", "a")
        e.wait_lines(10)
        # Truncation: the file is shorter than what was read (10 bytes).
        write(log, "l11\n")
        e.wait_lines(11)
        write(log, "l12\n", "a")
        e.wait_lines(12)
        code = e.stop()
        check(code == 0, f"exit code {code}; stderr: {e.err!r}")
        want = [f"l{i}\n" for i in range(1, 13)]
        check(e.output() == want, f"output {e.output()}, want {want}")
        # "now 0 bytes" when the engine looked between the truncation and the write.
        check(re.search(rb"app\.log was truncated \(now [04] bytes, 10 were read\); reading it "
                        rb"again from the start", e.err), f"no truncation warning in {e.err!r}")


def test_gzip(binary, tmp):
    logs = os.path.join(tmp, "logs")
    os.mkdir(logs)
    write(os.path.join(logs, "a.log"), "a1\na2\n")
    gzip_file(os.path.join(logs, "a.log"))
    write(os.path.join(logs, "b.log"), "b1\n")
    write(os.path.join(logs, "c.log.gz"), "this is not gzip\n")
    d_lines = "".join(f"d{i}\n" for i in range(1000))
    write(os.path.join(logs, "d.log"), d_lines)
    d = gzip_file(os.path.join(logs, "d.log"))
    data = bytearray(read(d, "rb"))
    data[-8] ^= 0x55  # the CRC of the data
    write(d, bytes(data))
    write(os.path.join(logs, "e.log"), "e1\n")
    gzip_file(os.path.join(logs, "e.log"))
    config = f"""  - id: gz
    input:
      type: file
      path: logs/*
    output:
      type: file
      path: out.txt
    error_output:
      type: file
      path: errors.ndjson
      codec:
        type: json
"""
    with engine(binary, tmp, config) as e:
        code = e.wait()
        check(code == 0, f"exit code {code}; stderr: {e.err!r}")
    want = "a1\na2\nb1\n" + d_lines + "e1\n"
    got = read(os.path.join(tmp, "out.txt"))
    check(got == want, f"out.txt: {got[:200]!r}...")
    errors = [json.loads(l) for l in read(os.path.join(tmp, "errors.ndjson")).splitlines()]
    want_errors = [
        {"__value__": "", "__error__": "line 1, byte 0: gzip data of logs/c.log.gz is corrupt at "
         "compressed byte 2: incorrect header check; the rest of the file is skipped",
         "__error_component": "input file"},
        {"__value__": "", "__error__": f"line 1001, byte {len(d_lines)}: gzip data of "
         f"logs/d.log.gz is corrupt at compressed byte {len(data) - 4}: incorrect data check; the "
         "rest of the file is skipped", "__error_component": "input file"},
    ]
    check(errors == want_errors, f"errors {errors}")
    check(sorted(os.listdir(tmp)) == ["config.yaml", "errors.ndjson", "logs", "out.txt"],
          f"files {sorted(os.listdir(tmp))}")


def test_roll_size(binary, tmp):
    write(os.path.join(tmp, "in.txt"), "".join(f"r{i:03}\n" for i in range(1, 8)))
    os.mkdir(os.path.join(tmp, "out"))
    config = f"""  - id: rs
    input:
      type: file
      path: in.txt
      batch_size: 2
    output:
      type: file
      path: out/{{stream}}-{{n:2}}.txt
      max_size: 20B
"""
    with engine(binary, tmp, config) as e:
        code = e.wait()
        check(code == 0, f"exit code {code}; stderr: {e.err!r}")
    out = os.path.join(tmp, "out")
    names = sorted(os.listdir(out))
    check(names == ["rs-00.txt", "rs-01.txt"], f"files {names}")
    check(read(os.path.join(out, "rs-00.txt")) == "r001\nr002\nr003\nr004\n", "rs-00.txt")
    check(read(os.path.join(out, "rs-01.txt")) == "r005\nr006\nr007\n", "rs-01.txt")


def test_roll_time(binary, tmp):
    log = os.path.join(tmp, "in.log")
    write(log, "")
    out = os.path.join(tmp, "out")
    config = f"""  - id: rt
    input:
      type: file
      path: in.log
      follow: true
      poll_interval: 20ms
    output:
      type: file
      path: out/{{date}}/t-{{n}}.txt
      roll_interval: 300ms
"""

    def files():
        found = []
        for root, _, names in os.walk(out):
            found += [os.path.relpath(os.path.join(root, n), out) for n in names]
        return sorted(found)

    with engine(binary, tmp, config) as e:
        write(log, "t1\nt2\n", "a")
        wait_for(lambda: any(f.endswith("/t-0.txt") for f in files()), "t-0.txt")
        write(log, "t3\n", "a")
        wait_for(lambda: any(f.endswith("/t-1.txt") for f in files()), "t-1.txt")
        write(log, "t4\n", "a")
        wait_for(lambda: len(files()) == 3, "the third file")
        code = e.stop()
        check(code == 0, f"exit code {code}; stderr: {e.err!r}")
    got = files()
    check(len(got) == 3 and all(not f.endswith(".tmp") for f in got), f"files {got}")
    day = got[0].split("/")[0]
    check(got == [f"{day}/t-0.txt", f"{day}/t-1.txt", f"{day}/t-2.txt"], f"files {got}")
    contents = [read(os.path.join(out, f)) for f in got]
    check(contents == ["t1\nt2\n", "t3\n", "t4\n"], f"contents {contents}")


def test_codec_sql(binary, tmp):
    write(os.path.join(tmp, "in.ndjson"),
          '{"id":1,"name":"a","v":1.5}\n{"id":2,"name":"b","v":2.5}\n{"id":3,"name":"c","v":4}\n')
    config = """  - id: to_arrow
    input:
      type: file
      path: in.ndjson
      codec:
        type: json
    pipeline:
      processors:
        - type: sql
          query: SELECT id, upper(name) AS name, v * 2 AS v2 FROM flow WHERE id > 1
    output:
      type: file
      path: mid.arrow
      codec:
        type: arrow
"""
    with engine(binary, tmp, config) as e:
        code = e.wait()
        check(code == 0, f"exit code {code}; stderr: {e.err!r}")
    # An Arrow IPC stream: it starts with a continuation marker.
    check(read(os.path.join(tmp, "mid.arrow"), "rb")[:4] == b"\xff\xff\xff\xff",
          "mid.arrow is not an Arrow IPC stream")
    config = """  - id: from_arrow
    input:
      type: file
      path: mid.arrow
      codec:
        type: arrow
    pipeline:
      processors:
        - type: sql
          query: SELECT name, v2 + id AS total FROM flow ORDER BY id DESC
    output:
      type: stdout
      codec:
        type: csv
"""
    with engine(binary, tmp, config) as e:
        code = e.wait()
        check(code == 0, f"exit code {code}; stderr: {e.err!r}")
        got = "".join(e.output())
        check(got == "name,total\nC,11.0\nB,7.0\n", f"csv output {got!r}")
    config = """  - id: from_stdin
    input:
      type: stdin
      codec:
        type: csv
    pipeline:
      processors:
        - type: sql
          query: SELECT name, total * 10 AS t10 FROM flow
    output:
      type: stdout
      codec:
        type: json
"""
    with engine(binary, tmp, config, stdin=got.encode()) as e:
        code = e.wait()
        check(code == 0, f"exit code {code}; stderr: {e.err!r}")
        got = "".join(e.output())
        check(got == '{"name":"C","t10":110.0}\n{"name":"B","t10":70.0}\n', f"json output {got!r}")
    config = """  - id: from_memory
    input:
      type: memory
      messages: ['{"k":"x","n":1}', '{"k":"y","n":2}']
      codec:
        type: json
    pipeline:
      processors:
        - type: sql
          query: SELECT k, n + 10 AS m FROM flow
    output:
      type: stdout
      codec:
        type: csv
  - id: from_generate
    input:
      type: generate
      context: '{"g":7}'
      interval: 0s
      count: 2
      codec:
        type: json
    pipeline:
      processors:
        - type: sql
          query: SELECT g * 3 AS g3 FROM flow
    output:
      type: file
      path: gen.ndjson
      codec:
        type: json
"""
    with engine(binary, tmp, config) as e:
        code = e.wait()
        check(code == 0, f"exit code {code}; stderr: {e.err!r}")
        got = "".join(e.output())
        check(got == "k,m\nx,11\ny,12\n", f"memory output {got!r}")
    got = read(os.path.join(tmp, "gen.ndjson"))
    check(got == '{"g3":21}\n{"g3":21}\n', f"generate output {got!r}")


TESTS = {
    "follow": test_follow,
    "gzip": test_gzip,
    "roll_size": test_roll_size,
    "roll_time": test_roll_time,
    "codec_sql": test_codec_sql,
}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in TESTS:
        print(f"usage: {sys.argv[0]} ARKFLOW_BINARY {{{'|'.join(TESTS)}}}", file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="arkflow-file-test-")
    try:
        TESTS[sys.argv[2]](binary, tmp)
    except TestFailure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ok: {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
