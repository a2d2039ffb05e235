#!/usr/bin/python3
"""A model API for tests of the `http_model` processor: Python's stdlib http.server answering like
an OpenAI-compatible embeddings / chat service or a generic JSON model.

Prints "PORT <n>" on standard output once listening on 127.0.0.1 (port 0 = any free port).
Endpoints (POST, JSON body):
  /v1/embeddings        {"input": [texts]} -> {"data": [{"index": i, "embedding": [len(text), i]}]}
                        (entries listed in reverse order, so that clients must use "index")
  /v1/chat/completions  {"messages": [...]} -> choices[0].message.content =
                        "echo: " + the last message's content
  /json                 {"inputs": [texts]} -> [{"result": {"score": len(text) / 10,
                                                            "label": text.upper()}}]
Query parameters on any POST path:
  fail=N      answer the first N requests to this exact path and query with HTTP 500
  delay=S     sleep S seconds before answering
  status=C    always answer HTTP C with body "model unavailable"
GET /stats -> {"requests": [{"path", "body", "auth"}], "max_in_flight": n} (the most requests to one
path and query answered at once); GET /reset clears them.
Runs until killed.
Usage: model_server.py [--port N]
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    lock = threading.Lock()
    state = {"requests": [], "in_flight": {}, "max_in_flight": 0, "seen": {}}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, code, body):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_GET(self):
            with lock:
                if self.path == "/stats":
                    body = {"requests": state["requests"], "max_in_flight": state["max_in_flight"]}
                elif self.path == "/reset":
                    state.update(requests=[], max_in_flight=0, seen={})
                    body = {}
                else:
                    body = None
            self.answer(200 if body is not None else 404, body if body is not None else b"")

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            with lock:
                # Per path and query: requests of an earlier test still running (timed out by
                # the client) do not count for the next one.
                in_flight = state["in_flight"].get(self.path, 0) + 1
                state["in_flight"][self.path] = in_flight
                state["max_in_flight"] = max(state["max_in_flight"], in_flight)
                seen = state["seen"].get(self.path, 0)
                state["seen"][self.path] = seen + 1
                state["requests"].append({"path": self.path, "body": raw.decode(),
                                          "auth": self.headers.get("Authorization", "")})
            try:
                code, body = self.respond(url.path, query, seen, raw)
            finally:
                # Counted out before the answer is sent: a client may start its next request as
                # soon as it has read this answer.
                with lock:
                    state["in_flight"][self.path] -= 1
            self.answer(code, body)

        def respond(self, path, query, seen, raw):
            """(status, body) of one POST."""
            if "delay" in query:
                time.sleep(float(query["delay"]))
            if "status" in query:
                return int(query["status"]), b"model unavailable"
            if seen < int(query.get("fail", "0")):
                return 500, b"overloaded, try again"
            req = json.loads(raw)
            if path == "/v1/embeddings":
                data = [{"object": "embedding", "index": i, "embedding": [float(len(t)), i]}
                        for i, t in enumerate(req["input"])]
                return 200, {"object": "list", "data": data[::-1]}
            if path == "/v1/chat/completions":
                content = "echo: " + req["messages"][-1]["content"]
                return 200, {"choices": [
                    {"index": 0, "message": {"role": "assistant", "content": content}}]}
            if path == "/json":
                return 200, [{"result": {"score": len(t) / 10, "label": t.upper()}}
                             for t in req["inputs"]]
            return 404, b"no such endpoint"

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
