#!/usr/bin/env python3
"""residue/scan.py over the PHP binding: what is left of a key in a PHP process after SigningKey::clear().

Runs tests/residue/driver.php for every key of residue/scan.py and every path (and a control run that keeps the
key alive), scans the process's writable memory with residue/scan.py's own scanner and secrets, and prints one
JSON object per run: {"path", "key", "found": {secret: pieces}, "baseline": {secret: pieces}}.

The baseline is a PHP process that never read the secret (path "blank"): PHP's own tables hold runs of 16 or more
bytes of the made-up 86-character key ("0123456789abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), so a
piece counts only beyond what that process holds. A copy of a secret left anywhere adds at least one piece.
"""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[3]
sys.path.insert(0, str(REPO / "residue"))

import scan  # noqa: E402 - residue/scan.py, found through the path above

PATHS = ["init-clear", "sign", "sign-query", "sign-url", "verify", "verify-url", "build-query", "control"]


def main() -> None:
    scan.self_check()
    argv = ["php", str(HERE / "driver.php")]
    for key_name in scan.KEYS:
        baseline = scan.scan_one(argv, "php", "blank", "ffi", key_name).found
        for path in PATHS:
            run = scan.scan_one(argv, "php", path, "ffi", key_name)
            print(json.dumps({"path": run.path, "key": run.key, "found": run.found, "baseline": baseline}), flush=True)


if __name__ == "__main__":
    main()
