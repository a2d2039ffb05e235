#!/usr/bin/python3
"""Starts a real mosquitto broker for tests and benchmarks, and stops it.

    from mosquitto import Mosquitto
    with Mosquitto(tls=True, users={"alice": "secret"}, persistence=True) as broker:
        broker.port, broker.ca_file          # where it listens, the CA that signed its cert
        broker.client_args(user="alice")     # arguments for mosquitto_pub / mosquitto_sub
        broker.restart()                     # same port, same persistence directory

The broker listens on 127.0.0.1 on a free port picked at start, with a configuration generated in
a fresh temporary directory: optional TLS (a CA and a server certificate for 127.0.0.1/localhost
made by `openssl` right there), optional users (a password file made by `mosquitto_passwd`;
anonymous access is then refused), optional persistence (sessions and queued messages survive a
restart). `start` returns once the port accepts connections. `close` (also on leaving the `with`
block, and at interpreter exit) stops the broker — SIGTERM, then SIGKILL after 10 s — and removes
the directory. Standard library only; run with /usr/bin/python3.

Run alone to get a broker for manual work: `mosquitto.py [--tls] [--user NAME:PASSWORD]` prints
the port and waits for Ctrl-C.
"""
import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args, cwd):
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")


class Mosquitto:
    def __init__(self, tls=False, users=None, persistence=False, extra_conf="", port=None):
        self.tls = tls
        self.users = dict(users or {})
        self.persistence = persistence
        self.extra_conf = extra_conf
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="arkflow-mosquitto-")
        self.proc = None
        self.ca_file = None
        self._log = None
        atexit.register(self.close)
        if tls:
            self._make_certificates()
        if self.users:
            self._make_password_file()

    # -- setup ---------------------------------------------------------------------------------

    def _make_certificates(self):
        d = self.dir
        _run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
              "-subj", "/CN=arkflow test CA", "-keyout", "ca.key", "-out", "ca.crt"], d)
        _run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
              "-keyout", "server.key", "-out", "server.csr"], d)
        with open(os.path.join(d, "san.ext"), "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        _run(["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
              "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt"], d)
        self.ca_file = os.path.join(d, "ca.crt")

    def _make_password_file(self):
        path = os.path.join(self.dir, "passwords")
        first = True
        for user, password in self.users.items():
            _run(["mosquitto_passwd", "-b"] + (["-c"] if first else []) + [path, user, password],
                 self.dir)
            first = False
        os.chmod(path, 0o600)

    def _write_config(self):
        d = self.dir
        lines = [f"listener {self.port} 127.0.0.1",
                 # We run as root in CI containers; stay root so the temp files stay readable.
                 "user root",
                 f"allow_anonymous {'false' if self.users else 'true'}",
                 f"log_dest file {os.path.join(d, 'mosquitto.log')}",
                 "log_type error", "log_type warning", "log_type notice",
                 "log_type information", "log_type subscribe",
                 "max_queued_messages 0",
                 "max_queued_bytes 0"]
        if self.users:
            lines.append(f"password_file {os.path.join(d, 'passwords')}")
        if self.tls:
            lines += [f"cafile {os.path.join(d, 'ca.crt')}",
                      f"certfile {os.path.join(d, 'server.crt')}",
                      f"keyfile {os.path.join(d, 'server.key')}"]
        if self.persistence:
            lines += ["persistence true", f"persistence_location {d}/",
                      "autosave_interval 0"]
        if self.extra_conf:
            lines.append(self.extra_conf)
        path = os.path.join(d, "mosquitto.conf")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, timeout=10.0):
        fixed = self.port is not None
        for _ in range(5):
            if not fixed:
                self.port = free_port()
            conf = self._write_config()
            self._log = open(os.path.join(self.dir, "stderr.log"), "ab")
            self.proc = subprocess.Popen([MOSQUITTO, "-c", conf], stdout=self._log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
            if self._wait_accepting(timeout):
                return self
            self._kill()
            if fixed:
                break
        raise RuntimeError(f"mosquitto did not start on port {self.port}: {self.log_text()}")

    def _wait_accepting(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.02)
        return False

    def stop(self):
        """Stops the broker gracefully (it saves its persistence file), keeping the directory."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self._kill()
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None

    def restart(self):
        """Stops and starts again on the same port with the same persistence directory."""
        self.stop()
        fixed_port = self.port
        deadline = time.monotonic() + 20
        while True:
            try:
                self.port = fixed_port
                return self.start()
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def _kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()

    def close(self):
        self.stop()
        if self.dir and os.path.isdir(self.dir):
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # -- helpers -------------------------------------------------------------------------------

    def log_text(self):
        out = []
        for name in ("mosquitto.log", "stderr.log"):
            path = os.path.join(self.dir or "", name)
            if self.dir and os.path.exists(path):
                with open(path, errors="replace") as f:
                    out.append(f.read())
        return "\n".join(out)

    def client_args(self, user=None, password=None):
        """Connection arguments for mosquitto_pub / mosquitto_sub."""
        args = ["-h", "127.0.0.1", "-p", str(self.port)]
        if self.tls:
            args += ["--cafile", self.ca_file]
        if user is not None:
            args += ["-u", user, "-P", password if password is not None else self.users[user]]
        return args


def main():
    import argparse
    parser = argparse.ArgumentParser(description="Runs a test mosquitto until Ctrl-C.")
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--user", action="append", default=[], help="NAME:PASSWORD")
    parser.add_argument("--persistence", action="store_true")
    args = parser.parse_args()
    users = dict(u.split(":", 1) for u in args.user)
    with Mosquitto(tls=args.tls, users=users, persistence=args.persistence) as broker:
        print(f"port {broker.port}" + (f" ca {broker.ca_file}" if broker.tls else ""), flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    sys.exit(main())
