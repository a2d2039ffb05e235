#!/usr/bin/python3
"""Runs one pipeline test case with the real `arkflow` binary and compares its outputs exactly.

A case is a folder under tests/pipeline/ holding:
  config.yaml         the pipeline; ${CASE_DIR} is the case folder, ${OUT_DIR} a fresh temp folder
  expected/<file>     every file the run must leave in OUT_DIR, compared byte for byte
  expected_stdout     (optional) exact standard output
  expected_stderr     (optional) lines that must each appear in standard error
  expected_exit_code  (optional) the exit code, default 0
  args                (optional) the arkflow arguments, default: run -c config.yaml --no-progress --no-summary
  stdin               (optional) fed to standard input
Usage: run_case.py ARKFLOW_BINARY CASE_DIR
"""
import difflib
import os
import shutil
import subprocess
import sys
import tempfile


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def show_diff(name, expected, actual):
    diff = difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                fromfile=f"expected/{name}", tofile=f"actual/{name}")
    sys.stderr.writelines(list(diff)[:200])


def main():
    binary, case = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    out_dir = tempfile.mkdtemp(prefix="arkflow-pipeline-")
    try:
        env = dict(os.environ, CASE_DIR=case, OUT_DIR=out_dir)
        args_file = os.path.join(case, "args")
        if os.path.exists(args_file):
            with open(args_file) as f:
                args = [a.replace("${CASE_DIR}", case).replace("${OUT_DIR}", out_dir) for a in f.read().split()]
        else:
            args = ["run", "-c", os.path.join(case, "config.yaml"), "--no-progress", "--no-summary"]
        stdin_path = os.path.join(case, "stdin")
        stdin = open(stdin_path, "rb") if os.path.exists(stdin_path) else subprocess.DEVNULL
        proc = subprocess.run([binary] + args, cwd=case, env=env, stdin=stdin, capture_output=True,
                              timeout=120)
        stdout, stderr = proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")

        want_code = 0
        code_file = os.path.join(case, "expected_exit_code")
        if os.path.exists(code_file):
            with open(code_file) as f:
                want_code = int(f.read().strip())
        if proc.returncode != want_code:
            sys.stderr.write(stderr)
            fail(f"exit code {proc.returncode}, expected {want_code}")

        stdout_file = os.path.join(case, "expected_stdout")
        if os.path.exists(stdout_file):
            with open(stdout_file) as f:
                want = f.read().replace("${CASE_DIR}", case)
            if stdout != want:
                show_diff("stdout", want, stdout)
                fail("standard output differs")

        stderr_file = os.path.join(case, "expected_stderr")
        if os.path.exists(stderr_file):
            with open(stderr_file) as f:
                for line in f.read().replace("${CASE_DIR}", case).splitlines():
                    if line and line not in stderr:
                        sys.stderr.write(stderr)
                        fail(f"standard error lacks: {line}")

        expected_dir = os.path.join(case, "expected")
        if os.path.isdir(expected_dir):
            for name in sorted(os.listdir(expected_dir)):
                with open(os.path.join(expected_dir, name), "rb") as f:
                    want = f.read()
                got_path = os.path.join(out_dir, name)
                if not os.path.exists(got_path):
                    fail(f"output {name} was not written (have: {sorted(os.listdir(out_dir))})")
                with open(got_path, "rb") as f:
                    got = f.read()
                if got != want:
                    show_diff(name, want.decode(errors="replace"), got.decode(errors="replace"))
                    fail(f"output {name} differs")
            extra = set(os.listdir(out_dir)) - set(os.listdir(expected_dir))
            if extra:
                fail(f"unexpected output files: {sorted(extra)}")
        print(f"ok: {os.path.basename(case)}")
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
