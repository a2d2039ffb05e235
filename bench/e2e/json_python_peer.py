#!/usr/bin/python3
"""The hand-written consumer a user would write instead of an engine: read NDJSON, json.loads each
line, json.dumps it back, write NDJSON. Usage: json_python_peer.py IN OUT"""
import json
import sys


def main():
    loads, dumps = json.loads, json.dumps
    with open(sys.argv[1], "rb") as src, open(sys.argv[2], "w", buffering=1 << 20) as dst:
        write = dst.write
        for line in src:
            if line.strip():
                write(dumps(loads(line), separators=(",", ":")))
                write("\n")


if __name__ == "__main__":
    main()
