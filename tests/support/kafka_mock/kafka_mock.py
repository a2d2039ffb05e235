"""Launcher for tests/support/kafka_mock (librdkafka's mock Kafka cluster in its own process).

    with KafkaMock(binary, {"in": 4, "out": 4}, brokers=1) as mock:
        mock.bootstrap            # "127.0.0.1:port"
        mock.command("down 1")    # raises on an "error: ..." reply
        mock.command("up 1")

The cluster listens on ephemeral loopback ports chosen by the kernel; stop() (or leaving the
`with` block, also on an exception) ends the process: end of input first, SIGKILL if it lingers.
Standard library only.
"""
import os
import select
import subprocess
import time


class KafkaMock:
    def __init__(self, binary, topics, brokers=1, timeout=10.0):
        args = [binary, "--brokers", str(brokers)]
        args += [f"{name}:{partitions}" for name, partitions in topics.items()]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        try:
            self.bootstrap = self._readline(timeout)
        except Exception:
            self.stop()
            raise
        if not self.bootstrap.startswith("127.0.0.1:"):
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            self.stop()
            raise RuntimeError(f"kafka_mock did not print its address: {self.bootstrap!r} {err}")

    def _readline(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("kafka_mock did not answer")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                line = self.proc.stdout.readline()
                if not line:
                    raise RuntimeError(f"kafka_mock exited (code {self.proc.poll()})")
                return line.strip()

    def command(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self._readline(10.0)
        if reply != "ok":
            raise RuntimeError(f"kafka_mock: {line!r} -> {reply}")

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False
