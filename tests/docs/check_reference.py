#!/usr/bin/python3
"""Fails when docs/reference/ differs from what `arkflow docs` generates from the config specs.

Usage: check_reference.py ARKFLOW_BINARY DOCS_REFERENCE_DIR
Fix a failure by regenerating: build/arkflow docs docs/reference
"""
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    binary, committed = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="arkflow-docs-")
    try:
        subprocess.run([binary, "docs", tmp], check=True)
        generated = sorted(os.listdir(tmp))
        have = sorted(os.listdir(committed)) if os.path.isdir(committed) else []
        if generated != have:
            sys.exit(f"docs/reference holds {have}, the generator writes {generated}; "
                     f"run: arkflow docs docs/reference")
        stale = [f for f in generated if not filecmp.cmp(os.path.join(tmp, f), os.path.join(committed, f),
                                                          shallow=False)]
        if stale:
            sys.exit(f"docs/reference is out of date ({', '.join(stale)}); run: arkflow docs docs/reference")
        print(f"docs/reference is up to date ({len(generated)} files)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
