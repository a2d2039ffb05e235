#!/usr/bin/python3
"""Runs one example configuration with the real `arkflow` binary; compares its outputs exactly.

For examples/<kind>/<name>.yaml (or examples/demo.yaml), next to it:
  <name>.expected          exact standard output (required)
  <name>.expected.<file>   exact content of <file>, which the example writes under ${OUT_DIR}
  <name>.stdin             (optional) fed to standard input; otherwise standard input is empty
The example runs from the repository root (its paths are relative to it) as
`arkflow run -c examples/<kind>/<name>.yaml --no-progress --no-summary`, with OUT_DIR set to a fresh
temporary directory. It must exit 0, print nothing on standard error (examples log at `warn`, so any
line there is a warning or an error), write exactly the files it has expected.<file> for, and leave
nothing else (such as a .tmp file) in OUT_DIR.
Usage: run_example.py ARKFLOW_BINARY REPO_ROOT EXAMPLE_YAML
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
    diff = difflib.unified_diff(expected.decode(errors="replace").splitlines(keepends=True),
                                actual.decode(errors="replace").splitlines(keepends=True),
                                fromfile=f"expected {name}", tofile=f"actual {name}")
    sys.stderr.writelines(list(diff)[:200])


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    if len(sys.argv) != 4:
        fail(f"usage: {sys.argv[0]} ARKFLOW_BINARY REPO_ROOT EXAMPLE_YAML")
    binary, root, example = (os.path.abspath(a) for a in sys.argv[1:4])
    stem = example[: -len(".yaml")]
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

    out_dir = tempfile.mkdtemp(prefix="arkflow-example-")
    try:
        env = dict(os.environ, OUT_DIR=out_dir)
        stdin_path = stem + ".stdin"
        args = [binary, "run", "-c", os.path.relpath(example, root), "--no-progress",
                "--no-summary"]
        if not os.path.exists(stdin_path):
            stdin_path = os.devnull
        with open(stdin_path, "rb") as stdin:
            try:
                proc = subprocess.run(args, cwd=root, env=env, stdin=stdin, capture_output=True,
                                      timeout=120)
            except subprocess.TimeoutExpired:
                fail("the example did not end within 120 s (examples must be finite)")
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr.decode(errors="replace"))
            fail(f"exit code {proc.returncode}, expected 0")
        if proc.stderr:
            sys.stderr.write(proc.stderr.decode(errors="replace"))
            fail("standard error is not empty")

        want = read(expected_stdout)
        if proc.stdout != want:
            show_diff("stdout", want, proc.stdout)
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
        shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
