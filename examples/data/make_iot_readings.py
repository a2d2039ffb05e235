#!/usr/bin/python3
"""Writes examples/data/iot_readings.ndjson, the sensor readings of examples/processors/iot_anomaly.yaml.

Three pumps report the 8 values of their sensors every 2 seconds from 10:00:00 to 10:00:28, then
each sends one last reading at 10:00:32 (it closes the window 10:00:20–10:00:30). The values
follow the relation the autoencoder of tests/support/make_models.py learned (two hidden factors
plus noise), except:
  - pump-2 from 10:00:10 to 10:00:18: a fault, every reading off that relation;
  - pump-1 from 10:00:22 on: a drifting sensor (its 6th value 0.9 too high);
  - pump-3 at 10:00:04: one spike in one reading (a single outlier, averaged out by its window);
  - pump-3 at 10:00:07: a truncated frame of 7 values, which the model processor rejects.
Run from the repository root: /usr/bin/python3 examples/data/make_iot_readings.py
"""
import json
import os
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from make_models import sensor_data  # noqa: E402

DEVICES = ["pump-1", "pump-2", "pump-3"]


def main():
    seconds = list(range(0, 30, 2)) + [32]
    normal = sensor_data(len(seconds) * len(DEVICES), 11)
    fault = np.array([0.9, -0.8, 0.7, -0.9, 0.8, 0.9, 0.6, -0.7], dtype=np.float32)
    lines = []
    i = 0
    for s in seconds:
        for device in DEVICES:
            values = normal[i].copy()
            i += 1
            if device == "pump-2" and 10 <= s < 20:
                values += fault
            if device == "pump-1" and s >= 22:
                values[5] += np.float32(0.9)
            if device == "pump-3" and s == 4:
                values[2] += np.float32(1.2)
            lines.append(json.dumps({"device": device, "ts": f"2024-01-01T10:00:{s:02d}Z",
                                     "readings": [round(float(v), 3) for v in values]},
                                    separators=(",", ":")))
            if device == "pump-3" and s == 6:
                # A truncated frame: 7 values. The model cannot score it; it goes to error_output.
                lines.append(json.dumps({"device": device, "ts": "2024-01-01T10:00:07Z",
                                         "readings": [round(float(v), 3) for v in values[:7]]},
                                        separators=(",", ":")))
    with open(os.path.join(ROOT, "examples", "data", "iot_readings.ndjson"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
