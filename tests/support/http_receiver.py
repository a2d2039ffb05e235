#!/usr/bin/python3
"""An HTTP receiver for tests of HTTP clients (the `http` output): Python's stdlib http.server.

Prints "PORT <n>" on standard output once listening on 127.0.0.1 (port 0 = any free port), then
for every request it accepted (answered 2xx) appends one JSON line {"method", "path", "headers",
"body"} to --record. Options:
  --fail-first N     answer the first N requests 503 with "Retry-After: 0" (not recorded)
  --reject-path P    answer requests whose path starts with P with 400 (not recorded)
  --delay S          sleep S seconds before answering each request
Runs until killed.
Usage: http_receiver.py --record FILE [--port N] [--fail-first N] [--reject-path P] [--delay S]
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--record", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--reject-path", default=None)
    ap.add_argument("--delay", type=float, default=0.0)
    args = ap.parse_args()
    lock = threading.Lock()
    state = {"seen": 0}
    record = open(args.record, "a", buffering=1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, code, body=b"", extra=()):
            self.send_response(code)
            for k, v in extra:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if args.delay:
                time.sleep(args.delay)
            with lock:
                state["seen"] += 1
                n = state["seen"]
            if n <= args.fail_first:
                return self.answer(503, b"try later", [("Retry-After", "0")])
            if args.reject_path and self.path.startswith(args.reject_path):
                return self.answer(400, b"bad device")
            with lock:
                record.write(json.dumps({
                    "method": self.command, "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", "replace")}) + "\n")
            self.answer(200, b"ok")

        do_POST = do_PUT = do_PATCH = do_DELETE = do_GET = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
