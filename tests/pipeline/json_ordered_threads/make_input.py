#!/usr/bin/python3
"""Writes input.ndjson and expected/out.ndjson of this case: 3000 JSON lines numbered 0..2999
(with spaces, as a producer might write them) and the same rows in the compact form arrow_to_json
writes. Deterministic; rerun after changing it:  /usr/bin/python3 make_input.py
"""
import os

WORDS = ["kq", "Zürich", "x y", "tab\\tsep", "", "long-" + "w" * 12, "q\\\"uote"]


def rows():
    state = 12345
    for i in range(3000):
        state = (state * 1103515245 + 12345) % (1 << 31)  # a fixed LCG: same file every time
        v = (state % 100000) / 8  # exact in binary: repr() is the shortest round-trip text
        yield i, v, WORDS[state % len(WORDS)], state % 3 == 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "input.ndjson"), "w", encoding="utf-8", newline="\n") as spaced, \
         open(os.path.join(here, "expected", "out.ndjson"), "w", encoding="utf-8",
              newline="\n") as compact:
        for i, v, s, b in rows():
            flag = "true" if b else "false"
            spaced.write(f'{{"i": {i}, "v": {v!r}, "s": "{s}", "b": {flag}}}\n')
            compact.write(f'{{"i":{i},"v":{v!r},"s":"{s}","b":{flag}}}\n')


if __name__ == "__main__":
    main()
