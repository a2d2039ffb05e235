#!/usr/bin/python3
"""Integration tests of the `http` input and output with the real `arkflow` binary and independent
peers: curl and wrk as clients of the input, Python's http.server (tests/support/http_receiver.py)
as the server of the output, openssl for a certificate made at test time.

Usage: http_test.py ARKFLOW_BINARY CASE
Cases: ingest, codec_meta, errors, backpressure, tls, output_retry, wrk_smoke, example
"""
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
RECEIVER = os.path.join(ROOT, "tests", "support", "http_receiver.py")
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from engine_proc import (expect_eq, fail, free_port, run_cases, start_engine,  # noqa: E402
                         stop_engine, wait_port)


class Engine:
    """`arkflow run` on a config (tests/support/engine_proc.py); standard output collected line by
    line."""

    def __init__(self, procs, binary, config):
        self.proc = start_engine(procs, binary, config)
        self.lines = []
        self.err = []
        self.cv = threading.Condition()
        self.t_out = threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines))
        self.t_err = threading.Thread(target=self._pump, args=(self.proc.stderr, self.err))
        self.t_out.start()
        self.t_err.start()

    def _pump(self, stream, into):
        for line in stream:
            with self.cv:
                into.append(line.decode().rstrip("\n"))
                self.cv.notify_all()

    def wait_lines(self, n, timeout=30):
        with self.cv:
            if not self.cv.wait_for(lambda: len(self.lines) >= n, timeout):
                fail(f"engine printed {len(self.lines)} lines, want {n}; stderr: {self.err}")

    def stop(self, timeout=30):
        code = stop_engine(self.proc, timeout)
        self.t_out.join()
        self.t_err.join()
        return code


def curl(url, *args, data=None, timeout=30):
    """Runs curl; returns (status, headers dict (lower-case), body)."""
    cmd = ["curl", "-s", "-S", "-i", "--max-time", str(timeout), *args]
    if data is not None:
        cmd += ["--data-binary", "@-"]
    cmd.append(url)
    p = subprocess.run(cmd, input=data.encode() if isinstance(data, str) else data,
                       capture_output=True)
    if p.returncode != 0:
        return 0, {}, p.stderr.decode()
    raw = p.stdout.decode(errors="replace")
    while True:
        head, _, rest = raw.partition("\r\n\r\n")
        if head.startswith("HTTP/1.1 100"):
            raw = rest
            continue
        break
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, rest


def http_input_config(port, extra="", processors="", output="type: stdout"):
    return f"""
logging:
  level: warn
health_check:
  enabled: false
streams:
  - input:
      type: http
      address: 127.0.0.1:{port}
      path: /ingest
{extra}
{processors}
    output:
      {output}
"""


# ---------------------------------------------------------------------------------------------

def case_ingest(binary, procs):
    """An object, an array and NDJSON become one raw message per object, in order."""
    port = free_port()
    eng = Engine(procs, binary, http_input_config(port))
    wait_port(port, eng.proc)
    url = f"http://127.0.0.1:{port}/ingest"
    got = curl(url, data='{"id": 1, "name": "a"}')
    expect_eq("object answer", (got[0], got[2]), (200, '{"accepted":1}'))
    expect_eq("content type", got[1]["content-type"], "application/json")
    got = curl(url, data='[{"id": 2}, {"id": 3, "tags": ["x", "y"]}]')
    expect_eq("array answer", (got[0], got[2]), (200, '{"accepted":2}'))
    got = curl(url, "-X", "PUT", data='{"id":4}\n{"id":5}\r\n\n{"id":6}\n')
    expect_eq("ndjson answer", (got[0], got[2]), (200, '{"accepted":3}'))
    got = curl(url, data='{\n  "id": 7,\n  "nested": {"k": "v"}\n}\n')
    expect_eq("multi-line object answer", (got[0], got[2]), (200, '{"accepted":1}'))
    got = curl(url, data='')
    expect_eq("empty body answer", (got[0], got[2]), (200, '{"accepted":0}'))
    eng.wait_lines(7)
    expect_eq("exit code", eng.stop(), 0)
    expect_eq("rows", eng.lines, [
        '{"id": 1, "name": "a"}', '{"id":2}', '{"id":3,"tags":["x","y"]}', '{"id":4}',
        '{"id":5}', '{"id":6}', '{"id":7,"nested":{"k":"v"}}'])


def case_codec_meta(binary, procs):
    """With codec json, rows are decoded; metadata columns carry path, client and headers."""
    port = free_port()
    extra = """      codec:
        type: json
      metadata_headers: [X-Device-Id]"""
    processors = """    pipeline:
      processors:
        - type: sql
          query: >-
            SELECT id, v, __meta_source AS src, __meta_header_x_device_id AS dev,
            __meta_remote_addr LIKE '127.0.0.1:%' AS local FROM flow"""
    eng = Engine(procs, binary, http_input_config(port, extra, processors))
    wait_port(port, eng.proc)
    url = f"http://127.0.0.1:{port}/ingest?ignored=1"
    got = curl(url, "-H", "X-Device-Id: dev-7", data='{"id": 1, "v": 1.5}\n{"id": 2, "v": 2}')
    expect_eq("ndjson answer", (got[0], got[2]), (200, '{"accepted":2}'))
    got = curl(url, data='[{"id": 3, "v": 0.25}]')
    expect_eq("array answer", (got[0], got[2]), (200, '{"accepted":1}'))
    eng.wait_lines(3)
    expect_eq("exit code", eng.stop(), 0)
    expect_eq("rows", eng.lines, [
        '{"id":1,"v":1.5,"src":"/ingest","dev":"dev-7","local":true}',
        '{"id":2,"v":2.0,"src":"/ingest","dev":"dev-7","local":true}',
        '{"id":3,"v":0.25,"src":"/ingest","dev":null,"local":true}'])


def case_errors(binary, procs):
    """401 for bad credentials, 400 with the parse position, 404, 405, 413; nothing is queued."""
    port = free_port()
    extra = """      auth:
        type: bearer
        token: s3cret
      max_body_bytes: 200B
      cors_enabled: true"""
    eng = Engine(procs, binary, http_input_config(port, extra))
    wait_port(port, eng.proc)
    url = f"http://127.0.0.1:{port}/ingest"
    auth = ["-H", "Authorization: Bearer s3cret"]
    st, hdr, body = curl(url, data='{"a":1}')
    expect_eq("no credentials", (st, body), (401, '{"error":"missing or wrong credentials"}'))
    expect_eq("WWW-Authenticate", hdr["www-authenticate"], 'Bearer realm="arkflow"')
    st, _, _ = curl(url, "-H", "Authorization: Bearer s3creT", data='{"a":1}')
    expect_eq("wrong token", st, 401)
    st, _, _ = curl(url, "-H", "Authorization: Bearer s3cret2", data='{"a":1}')
    expect_eq("longer token", st, 401)
    st, _, body = curl(url, *auth, data='{"a":1}\n{"a":}\n')
    expect_eq("bad body", (st, body), (400, '{"error":"line 2, byte 8: The JSON document has an '
                                             'improper structure: missing or superfluous commas, '
                                             'braces, missing keys, etc."}'))
    st, _, body = curl(url, *auth, data='[{"a":1}, "x"]')
    expect_eq("bad element", (st, body),
              (400, '{"error":"line 1, byte 0: array element 1: expected a JSON object, got '
                    'string"}'))
    st, _, body = curl(url, *auth, data='{"a":1}\n{"a":2')
    expect_eq("truncated", (st, body),
              (400, '{"error":"line 2, byte 8: incomplete JSON document at the end of the '
                    'body"}'))
    st, _, body = curl(url, *auth, data='{"a":"' + "x" * 300 + '"}')
    expect_eq("too large", (st, body),
              (413, '{"error":"the body is longer than max_body_bytes (200 bytes)"}'))
    st, _, body = curl(f"http://127.0.0.1:{port}/other", *auth, data='{"a":1}')
    expect_eq("other path", (st, body), (404, '{"error":"no such path; POST to /ingest"}'))
    st, hdr, _ = curl(url, *auth)
    expect_eq("GET", (st, hdr["allow"]), (405, "POST, PUT, OPTIONS"))
    st, hdr, _ = curl(url, "-X", "OPTIONS", "-H", "Origin: http://example.com",
                      "-H", "Access-Control-Request-Method: POST",
                      "-H", "Access-Control-Request-Headers: authorization, content-type")
    expect_eq("preflight", (st, hdr["access-control-allow-origin"],
                            hdr["access-control-allow-headers"]),
              (204, "*", "authorization, content-type"))
    st, hdr, body = curl(url, *auth, data='{"ok":true}')
    expect_eq("good request", (st, body, hdr["access-control-allow-origin"]),
              (200, '{"accepted":1}', "*"))
    eng.wait_lines(1)
    expect_eq("exit code", eng.stop(), 0)
    expect_eq("rows", eng.lines, ['{"ok":true}'])


def start_receiver(procs, *args):
    record = procs.path(f"received-{len(procs.procs)}.ndjson")
    proc = procs.add(subprocess.Popen(["/usr/bin/python3", RECEIVER, "--record", record, *args],
                                      stdout=subprocess.PIPE, text=True))
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        fail(f"receiver did not start: {line!r}")
    return int(line.split()[1]), record


def read_records(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def case_backpressure(binary, procs):
    """A slow output fills the queues: the input answers 429 with Retry-After instead of growing;
    requests still waiting at shutdown get 503. Exactly the accepted rows reach the receiver."""
    rport, record = start_receiver(procs, "--delay", "0.02")
    port = free_port()
    extra = """      batch_size: 1
      max_buffered_bytes: 1KiB
      retry_after: 2s"""
    output = f"""type: http
      url: http://127.0.0.1:{rport}/sink
      max_in_flight: 1"""
    eng = Engine(procs, binary, http_input_config(port, extra, output=output))
    wait_port(port, eng.proc)
    url = f"http://127.0.0.1:{port}/ingest"
    results = []
    lock = threading.Lock()

    def worker(w):
        for i in range(25):
            body = json.dumps({"w": w, "i": i, "pad": "p" * 200})
            st, hdr, answer = curl(url, data=body)
            with lock:
                results.append((st, hdr.get("retry-after"), answer, body))

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(12)]
    for t in threads:
        t.start()
    # Stop the engine while requests are still being sent and some wait in the queue.
    deadline = time.time() + 40
    while time.time() < deadline:
        with lock:
            if sum(1 for r in results if r[0] == 429) >= 5 and len(results) >= 120:
                break
        time.sleep(0.05)
    expect_eq("exit code", eng.stop(timeout=60), 0)
    for t in threads:
        t.join()
    codes = {}
    for st, retry, answer, _ in results:
        codes[st] = codes.get(st, 0) + 1
        if st == 429:
            expect_eq("429 answer", (retry, answer), (
                "2", '{"error":"the pipeline is behind; retry after the Retry-After delay"}'))
        elif st == 503:
            expect_eq("503 Retry-After", retry, "2")
        elif st == 200:
            expect_eq("200 answer", answer, '{"accepted":1}')
    unexpected = set(codes) - {200, 429, 503, 0}
    if unexpected or codes.get(429, 0) == 0:
        fail(f"answers {codes}: want 200s and 429s (and maybe 503s or refused connections)")
    accepted = sorted(r[3] for r in results if r[0] == 200)
    received = sorted(r["body"] for r in read_records(record))
    expect_eq("received = accepted", received, accepted)
    print(f"answers: {codes}")


def case_tls(binary, procs):
    """HTTPS with a certificate made by openssl now; curl verifies it; plain HTTP is refused."""
    cert, key = procs.path("cert.pem"), procs.path("key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    port = free_port()
    extra = f"""      tls:
        cert_file: {cert}
        key_file: {key}
      auth:
        type: basic
        username: ann
        password: "p:w"
"""
    eng = Engine(procs, binary, http_input_config(port, extra))
    wait_port(port, eng.proc)
    url = f"https://127.0.0.1:{port}/ingest"
    st, _, body = curl(url, "--cacert", cert, "-u", "ann:p:w", data='{"secure":1}')
    expect_eq("https", (st, body), (200, '{"accepted":1}'))
    st, _, _ = curl(url, "--cacert", cert, "-u", "ann:wrong", data='{"secure":2}')
    expect_eq("wrong password", st, 401)
    st, _, err = curl(url, data='{"secure":3}')
    expect_eq("unknown CA refused by curl", st, 0)
    st, _, _ = curl(f"http://127.0.0.1:{port}/ingest", data='{"secure":4}')
    expect_eq("plain http to the https port", st, 0)
    eng.wait_lines(1)
    expect_eq("exit code", eng.stop(), 0)
    expect_eq("rows", eng.lines, ['{"secure":1}'])


def case_output_retry(binary, procs):
    """The http output retries 503s with backoff, templates URLs from rows, batches NDJSON, and
    sends a 4xx-refused batch to error_output; every row is received exactly once."""
    rport, record = start_receiver(procs, "--fail-first", "3", "--reject-path", "/devices/bad")
    config = f"""
logging:
  level: error
health_check:
  enabled: false
streams:
  - input:
      type: memory
      batch_size: 3
      codec:
        type: json
      messages:
        - '{{"device": "a/1", "v": 1}}'
        - '{{"device": "b", "v": 2}}'
        - '{{"device": "a/1", "v": 3}}'
        - '{{"device": "c", "v": 4}}'
        - '{{"device": "bad", "v": 5}}'
    output:
      type: http
      url: http://127.0.0.1:{rport}/devices/{{device}}?x={{{{y}}}}
      method: PUT
      batch_format: ndjson
      retry_count: 5
      retry_backoff: 10ms
      headers:
        X-Test: yes
      auth:
        type: bearer
        token: tok
    error_output:
      type: stdout
"""
    eng = Engine(procs, binary, config)
    code = eng.proc.wait(timeout=60)
    eng.t_out.join()
    eng.t_err.join()
    expect_eq("exit code", code, 0)
    got = sorted((r["method"], r["path"], r["body"], r["headers"]["content-type"],
                  r["headers"]["authorization"], r["headers"]["x-test"])
                 for r in read_records(record))
    want = sorted([
        ("PUT", "/devices/a%2F1?x={y}", '{"device":"a/1","v":1}\n{"device":"a/1","v":3}\n',
         "application/x-ndjson", "Bearer tok", "yes"),
        ("PUT", "/devices/b?x={y}", '{"device":"b","v":2}\n', "application/x-ndjson",
         "Bearer tok", "yes"),
        ("PUT", "/devices/c?x={y}", '{"device":"c","v":4}\n', "application/x-ndjson",
         "Bearer tok", "yes"),
    ])
    expect_eq("received", got, want)
    expect_eq("error_output rows", len(eng.lines), 2)
    errs = [json.loads(l) for l in eng.lines]
    expect_eq("error rows", sorted((e["device"], e["v"]) for e in errs), [("bad", 5), ("c", 4)])
    want_error = (f"http output: PUT http://127.0.0.1:{rport}/devices/bad?x={{y}} answered HTTP "
                  "400 after 1 attempt: bad device")
    for e in errs:
        expect_eq("error reason", e["__error__"], want_error)


def case_wrk_smoke(binary, procs):
    """wrk posts for two seconds over keep-alive connections: no error, no non-2xx answer, and the
    output got at least as many rows as wrk counted answers."""
    port = free_port()
    out = procs.path("out.ndjson")
    output = f"""type: file
      path: {out}"""
    eng = Engine(procs, binary, http_input_config(port, output=output))
    wait_port(port, eng.proc)
    script = procs.path("post.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = \'{"sensor":"s1","value":42}\'\n'
                'wrk.headers["Content-Type"] = "application/json"\n')
    p = subprocess.run(["wrk", "-t1", "-c8", "-d2s", "-s", script,
                        f"http://127.0.0.1:{port}/ingest"], capture_output=True, text=True,
                       timeout=60)
    expect_eq("wrk exit code", p.returncode, 0)
    if "Non-2xx" in p.stdout or "Socket errors" in p.stdout:
        fail(f"wrk saw errors:\n{p.stdout}")
    requests = int(p.stdout.split(" requests in ")[0].split()[-1])
    expect_eq("exit code", eng.stop(), 0)
    with open(out) as f:
        rows = f.read().splitlines()
    if requests == 0 or len(rows) < requests:
        fail(f"wrk counted {requests} answers, the output has {len(rows)} rows")
    expect_eq("row content", set(rows), {'{"sensor":"s1","value":42}'})
    print(f"wrk: {requests} requests, {len(rows)} rows")


def case_example(binary, procs):
    """examples/connectors/http.yaml (a server stream and a client stream) on a free port."""
    port = free_port()
    with open(os.path.join(ROOT, "examples", "connectors", "http.expected")) as f:
        want = f.read().splitlines()
    os.environ["HTTP_EXAMPLE_PORT"] = str(port)
    with open(os.path.join(ROOT, "examples", "connectors", "http.yaml")) as f:
        eng = Engine(procs, binary, f.read())
    eng.wait_lines(len(want))
    expect_eq("exit code", eng.stop(), 0)
    expect_eq("stdout", eng.lines, want)


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    sys.exit(run_cases(CASES, "ark-http-test-"))
