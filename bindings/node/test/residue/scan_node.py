#!/usr/bin/env python3
"""residue/scan.py over the Node package: what is left of a key in a Node process after SigningKey.dispose().

Runs driver.cjs (next to this file) with every path, for the short text key of residue/scan.py (24 bytes, so a
Uint8Array holding it lives in V8's own heap, the case where V8 used to leave a copy behind), scans the process's
writable memory with residue/scan.py's own scanner and secrets, and prints one JSON object per run:
{"path", "key", "storage", "found": {secret: pieces}, "baseline": {secret: pieces}}.

The baseline is the same process with the same secret, filled into and wiped from the same Uint8Array, that
never gives it to the binding (path "baseline"): what V8 itself may have copied. A copy the binding makes and
leaves adds a piece beyond it.

Usage: scan_node.py SCAN_DIR   (the directory holding residue/scan.py)
"""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, sys.argv[1])

import scan  # noqa: E402 - residue/scan.py, found through the path above

PATHS = ["init-clear", "sign", "sign-url", "build-query", "headers", "control"]


def main() -> None:
    scan.self_check()
    argv = ["node", str(HERE / "driver.cjs")]
    for key_name in ("text-short",):
        for storage in ("uint8array",):
            baseline = scan.scan_one(argv, "node", "baseline", storage, key_name).found
            for path in PATHS:
                run = scan.scan_one(argv, "node", path, storage, key_name)
                record = {"path": path, "key": key_name, "storage": storage, "found": run.found, "baseline": baseline}
                print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
