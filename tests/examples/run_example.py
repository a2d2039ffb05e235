#!/usr/bin/python3
"""Runs one example configuration with the real `arkflow` binary; compares its outputs exactly.

For examples/<kind>/<name>.yaml (or examples/demo.yaml), next to it:
  <name>.expected          exact standard output (required)
  <name>.expected.<file>   exact content of <file>, which the example writes under ${OUT_DIR}
  <name>.stdin             (optional) fed to standard input; otherwise standard input is empty
  <name>.run               (optional) "key: value" lines for configs copied unchanged from elsewhere
                           (examples/arkflow/): `stop_after_lines: N` sends SIGINT once N lines were
                           printed and compares only those N lines (for inputs that never end);
                           (the SIGINT notice on standard error is expected then);
                           `stderr: log` lets standard error hold log lines below warn;
                           `kafka_mock: TOPIC:PARTITIONS ...` starts librdkafka's mock cluster
                           (tests/support/kafka_mock, built beside the binary) for the run and
                           sets KAFKA_BROKERS to its address;
                           `setup: <script> <args>` runs `/usr/bin/python3 <script> DIR <args>`
                           first, DIR being a fresh temporary directory the example reads as
                           ${SETUP_DIR} (the models of examples/processors/model_*.yaml, made by
                           tests/support/make_models.py);
                           `driver: <script> <args>` hands the example to a test script that
                           starts the peer it needs (a server on a free port) and checks it
                           (run as `/usr/bin/python3 <script> ARKFLOW_BINARY <args>`)
The example runs from the repository root (its paths are relative to it) as
`arkflow run -c examples/<kind>/<name>.yaml --no-progress --no-summary`, with OUT_DIR set to a fresh
temporary directory. It must exit 0, print nothing on standard error (examples log at `warn`, so any
line there is a warning or an error), write exactly the files it has expected.<file> for, and leave
nothing else (such as a .tmp file) in OUT_DIR.
Usage: run_example.py ARKFLOW_BINARY REPO_ROOT EXAMPLE_YAML
"""
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def show_diff(name, expected, actual):
    diff = difflib.unified_diff(expected.decode(errors="replace").splitlines(keepends=True),
                                actual.decode(errors="replace").splitlines(keepends=True),
                                fromfile=f"expected {name}", tofile=f"actual {name}")
    sys.stderr.writelines(list(diff)[:200])


def read(path):
    with open(path, "rb") as f:
        return f.read()


def read_run_options(path):
    """The <name>.run sidecar: {key: value}."""
    options = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    key, _, value = line.partition(":")
                    options[key.strip()] = value.strip()
    unknown = set(options) - {"stop_after_lines", "stderr", "kafka_mock", "driver", "setup"}
    if unknown:
        fail(f"{path}: unknown keys {sorted(unknown)}")
    return options


def run_until_lines(args, cwd, env, stdin, lines):
    """Runs until `lines` lines were printed, then SIGINT; returns (code, stdout, stderr)."""
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    err = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()))
    reader.start()
    timer = threading.Timer(120, proc.kill)
    timer.start()
    out = b""
    count = 0
    while count < lines:
        line = proc.stdout.readline()
        if not line:
            break
        out += line
        count += 1
    proc.send_signal(signal.SIGINT)
    proc.stdout.read()  # what the drain still prints is not compared
    code = proc.wait()
    timer.cancel()
    reader.join()
    if count < lines:
        fail(f"the example printed {count} lines, expected at least {lines}")
    return code, out, err[0] if err else b""


def main():
    if len(sys.argv) != 4:
        fail(f"usage: {sys.argv[0]} ARKFLOW_BINARY REPO_ROOT EXAMPLE_YAML")
    binary, root, example = (os.path.abspath(a) for a in sys.argv[1:4])
    stem = os.path.splitext(example)[0]  # .yaml, or .sql for a SQL job
    name = os.path.basename(stem)
    folder = os.path.dirname(example)
    expected_stdout = stem + ".expected"
    if not os.path.exists(expected_stdout):
        fail(f"{os.path.relpath(expected_stdout, root)} is missing: every example needs its output")
    expected_files = {}
    prefix = name + ".expected."
    for entry in sorted(os.listdir(folder)):
        if entry.startswith(prefix):
            expected_files[entry[len(prefix):]] = os.path.join(folder, entry)

    driver = read_run_options(stem + ".run").get("driver")
    if driver:
        script, *driver_args = driver.split()
        sys.exit(subprocess.run(["/usr/bin/python3", os.path.join(root, script), binary,
                                 *driver_args], cwd=root).returncode)

    out_dir = tempfile.mkdtemp(prefix="arkflow-example-")
    setup_dir = None  # what a `setup:` script made
    kafka = None  # the mock Kafka cluster of a `kafka_mock:` example
    try:
        env = dict(os.environ, OUT_DIR=out_dir)
        setup = read_run_options(stem + ".run").get("setup")
        if setup:
            script, *setup_args = setup.split()
            setup_dir = tempfile.mkdtemp(prefix="arkflow-example-setup-")
            done = subprocess.run(["/usr/bin/python3", os.path.join(root, script), setup_dir,
                                   *setup_args], cwd=root, capture_output=True, text=True)
            if done.returncode != 0:
                sys.stderr.write(done.stderr)
                fail(f"setup {setup!r} exited with {done.returncode}")
            env["SETUP_DIR"] = setup_dir
        stdin_path = stem + ".stdin"
        args = [binary, "run", "-c", os.path.relpath(example, root), "--no-progress",
                "--no-summary"]
        if not os.path.exists(stdin_path):
            stdin_path = os.devnull
        run_options = read_run_options(stem + ".run")
        if "kafka_mock" in run_options:
            sys.path.insert(0, os.path.join(root, "tests", "support", "kafka_mock"))
            from kafka_mock import KafkaMock
            topics = dict((t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1]))
                          for t in run_options["kafka_mock"].split())
            kafka = KafkaMock(os.path.join(os.path.dirname(binary), "tests", "support",
                                           "kafka_mock", "kafka_mock"), topics)
            env["KAFKA_BROKERS"] = kafka.bootstrap
        with open(stdin_path, "rb") as stdin:
            if "stop_after_lines" in run_options:
                code, stdout, stderr = run_until_lines(args, root, env, stdin,
                                                       int(run_options["stop_after_lines"]))
            else:
                try:
                    proc = subprocess.run(args, cwd=root, env=env, stdin=stdin,
                                          capture_output=True, timeout=120)
                except subprocess.TimeoutExpired:
                    fail("the example did not end within 120 s (examples must be finite)")
                code, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
        if code != 0:
            sys.stderr.write(stderr.decode(errors="replace"))
            fail(f"exit code {code}, expected 0")
        # The SIGINT we sent is reported at warn level; that one line is expected.
        stop_notice = re.compile(rb"^\d{4}-\d\d-\d\dT[\d:.]+ warn(ing)? SIGINT received: ")
        if "stop_after_lines" in run_options:
            stderr = b"".join(l for l in stderr.splitlines(keepends=True)
                              if not stop_notice.match(l))
        if run_options.get("stderr") == "log":
            log_line = re.compile(rb"^\d{4}-\d\d-\d\dT[\d:.]+ (trace|debug|info) ")
            bad = [l for l in stderr.splitlines() if not log_line.match(l)]
            if bad:
                sys.stderr.write(stderr.decode(errors="replace"))
                fail("standard error holds more than info log lines")
        elif stderr:
            sys.stderr.write(stderr.decode(errors="replace"))
            fail("standard error is not empty")

        want = read(expected_stdout)
        if stdout != want:
            show_diff("stdout", want, stdout)
            fail(f"standard output differs from {os.path.relpath(expected_stdout, root)}")

        for file_name, expected_path in expected_files.items():
            got_path = os.path.join(out_dir, file_name)
            if not os.path.exists(got_path):
                have = sorted(os.listdir(out_dir))
                fail(f"{file_name} was not written to OUT_DIR (have: {have})")
            want, got = read(expected_path), read(got_path)
            if got != want:
                show_diff(file_name, want, got)
                fail(f"{file_name} differs from {os.path.relpath(expected_path, root)}")
        extra = sorted(set(os.listdir(out_dir)) - set(expected_files))
        if extra:
            fail(f"unexpected files in OUT_DIR (add {name}.expected.<file> for each): {extra}")
        print(f"ok: {os.path.relpath(example, root)}")
    finally:
        if kafka is not None:
            kafka.stop()
        shutil.rmtree(out_dir, ignore_errors=True)
        if setup_dir is not None:
            shutil.rmtree(setup_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
