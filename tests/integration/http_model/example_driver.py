#!/usr/bin/python3
"""Runs examples/processors/http_model.yaml (ctest example.processors.http_model) against the
model server tests/support/model_server.py, started on a free port for the run and killed after.
The example's standard output must equal examples/processors/http_model.expected and its standard
error must be empty (examples log at `warn`).

Usage: example_driver.py ARKFLOW_BINARY
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SERVER = os.path.join(ROOT, "tests", "support", "model_server.py")
EXAMPLE = os.path.join("examples", "processors", "http_model.yaml")


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} ARKFLOW_BINARY", file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    server = subprocess.Popen(["/usr/bin/python3", SERVER, "--port", "0"], stdout=subprocess.PIPE,
                              text=True)
    try:
        line = server.stdout.readline()
        if not line.startswith("PORT "):
            print(f"FAIL: model_server.py printed {line!r}, expected 'PORT <n>'", file=sys.stderr)
            return 1
        env = dict(os.environ, MODEL_SERVER=f"http://127.0.0.1:{line.split()[1]}")
        done = subprocess.run([binary, "run", "-c", EXAMPLE, "--no-progress", "--no-summary"],
                              cwd=ROOT, env=env, capture_output=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    finally:
        server.kill()
        server.wait()
    with open(os.path.join(ROOT, "examples", "processors", "http_model.expected"), "rb") as f:
        expected = f.read()
    ok = True
    if done.returncode != 0:
        print(f"FAIL: arkflow exited with {done.returncode}", file=sys.stderr)
        ok = False
    if done.stderr:
        print(f"FAIL: standard error is not empty:\n{done.stderr.decode(errors='replace')}",
              file=sys.stderr)
        ok = False
    if done.stdout != expected:
        print("FAIL: standard output differs from http_model.expected:\n"
              f"{done.stdout.decode(errors='replace')}", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
