#!/usr/bin/python3
"""Driver of example.processors.iot_anomaly: runs examples/processors/iot_anomaly.yaml against a
real mosquitto and compares the anomalies it publishes with examples/processors/iot_anomaly.expected.

Steps: make the autoencoder (tests/support/make_models.py, in a temporary directory given to the
engine as SETUP_DIR), start a broker on a free port (tests/support/mosquitto.py; MQTT_HOST and
MQTT_PORT point the example at it), subscribe to `anomalies/#` with mosquitto_sub, start the real
`arkflow` binary, wait until the broker logs its subscription, publish each reading of
examples/data/iot_readings.ndjson in file order to `sensors/<device>/readings` (QoS 1, one
mosquitto_pub per reading, so the broker has each one before the next), then wait for the expected
number of anomalies and compare them exactly (topic and JSON payload, in order: each window closes
when a later reading moves the watermark past it). The engine must then stop on SIGINT with exit
code 0 and nothing on standard error; its standard output (the example's error_output) must be
exactly the one truncated reading (7 values) the model processor rejects, with its reason — the
model path (a temporary directory) and the row number (its position in the batch the MQTT input
made, which depends on timing) normalised. Every process and temporary directory is removed at the
end, on failure too.

Usage: iot_anomaly_test.py ARKFLOW_BINARY
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from mosquitto import Mosquitto  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "processors", "iot_anomaly.yaml")
EXPECTED = os.path.join(ROOT, "examples", "processors", "iot_anomaly.expected")
READINGS = os.path.join(ROOT, "examples", "data", "iot_readings.ndjson")
# The reading the model processor rejects, as error_output prints it (MODEL_PATH, ROW: see above).
REJECTED = (
    '{"device":"pump-3","ts":"2024-01-01T10:00:07Z",'
    '"readings":[0.29,0.563,-0.732,0.087,-0.656,0.477,-0.464],'
    '"__error__":"model \\"autoencoder\\" (onnx, MODEL_PATH): column \\"readings\\" holds 7 '
    'values at row ROW, expected 8 (the model takes 8 features per row); every row of a list input '
    'must hold the model\'s number of features","__error_component":"processor[0] model"}\n')
DEADLINE_S = 60  # upper bound for anything we wait for; a healthy run needs a few seconds


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def wait_subscribed(broker, client_id, topic):
    """The broker logs `<client_id> <qos> <topic>` for each SUBSCRIBE (log_type subscribe)."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if any(line.endswith(f" {topic}") and f" {client_id} " in line
               for line in broker.log_text().splitlines()):
            return
        time.sleep(0.02)
    raise Failure(f"timed out waiting for {client_id} to subscribe to {topic}")


def run(binary, tmp, cleanup):
    setup = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "support",
                                                             "make_models.py"), tmp, "autoencoder"],
                           capture_output=True, text=True, timeout=300)
    check(setup.returncode == 0, f"make_models.py failed: {setup.stderr}")
    with open(EXPECTED) as f:
        want = f.read().splitlines()
    broker = cleanup(Mosquitto()).start()
    sub = subprocess.Popen(["mosquitto_sub"] + broker.client_args() + [
        "-t", "anomalies/#", "-q", "1", "-C", str(len(want)), "-i", "iot-anomaly-check",
        "-F", "%t %p"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cleanup(lambda: sub.poll() is None and (sub.kill(), sub.communicate()))
    wait_subscribed(broker, "iot-anomaly-check", "anomalies/#")

    env = dict(os.environ, SETUP_DIR=tmp, MQTT_HOST="127.0.0.1", MQTT_PORT=str(broker.port))
    out_path, err_path = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        engine = subprocess.Popen([binary, "run", "-c", EXAMPLE, "--no-progress", "--no-summary"],
                                  cwd=ROOT, env=env, stdout=out, stderr=err,
                                  start_new_session=True)

    def stop_engine():
        if engine.poll() is None:
            os.killpg(engine.pid, signal.SIGKILL)
            engine.wait()

    cleanup(stop_engine)

    def engine_text(path):
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")

    try:
        wait_subscribed(broker, "arkflow-iot-anomaly-in", "sensors/+/readings")
    except Failure as e:
        raise Failure(f"{e}; engine stderr:\n{engine_text(err_path)}")

    with open(READINGS) as f:
        readings = [line.strip() for line in f if line.strip()]
    for line in readings:
        device = json.loads(line)["device"]
        pub = subprocess.run(["mosquitto_pub"] + broker.client_args() + [
            "-t", f"sensors/{device}/readings", "-q", "1", "-m", line],
            capture_output=True, timeout=DEADLINE_S)
        check(pub.returncode == 0, f"mosquitto_pub failed: {pub.stderr.decode(errors='replace')}")

    try:
        got, sub_err = sub.communicate(timeout=DEADLINE_S)
    except subprocess.TimeoutExpired:
        sub.kill()
        got, sub_err = sub.communicate()
        raise Failure(f"mosquitto_sub got only:\n{got.decode(errors='replace')}\nengine stderr:\n"
                      f"{engine_text(err_path)}")
    got = got.decode().splitlines()
    check(got == want, "anomalies published:\n" + "\n".join(got) + "\nexpected:\n" + "\n".join(want))

    engine.send_signal(signal.SIGINT)
    try:
        code = engine.wait(DEADLINE_S)
    except subprocess.TimeoutExpired:
        raise Failure(f"arkflow did not exit within {DEADLINE_S} s of SIGINT")
    stderr_lines = [line for line in engine_text(err_path).splitlines()
                    if "SIGINT received" not in line]
    check(code == 0, f"arkflow exited with {code}: {engine_text(err_path)}")
    rejected = engine_text(out_path).replace(os.path.join(tmp, "autoencoder.onnx"), "MODEL_PATH")
    rejected = re.sub(r"at row [0-9]+,", "at row ROW,", rejected)
    check(rejected == REJECTED, f"error_output (stdout):\n{rejected}\nexpected:\n{REJECTED}")
    check(not stderr_lines, "unexpected stderr:\n" + "\n".join(stderr_lines))


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} ARKFLOW_BINARY", file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="arkflow-iot-anomaly-")
    resources = []

    def cleanup(thing):
        resources.append(thing)
        return thing

    code = 0
    try:
        run(binary, tmp, cleanup)
        print("ok: examples/processors/iot_anomaly.yaml")
    except Failure as e:
        print(f"FAIL: iot_anomaly: {e}", file=sys.stderr)
        for r in resources:
            if isinstance(r, Mosquitto) and r.dir:
                print(f"--- broker log:\n{r.log_text()[-3000:]}", file=sys.stderr)
        code = 1
    finally:
        for r in reversed(resources):
            if isinstance(r, Mosquitto):
                r.close()
            else:
                r()
        shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
