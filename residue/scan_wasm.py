#!/usr/bin/env python3
"""What is left of a key after dispose() in the Node package's WebAssembly backend: in the module's linear memory,
and anywhere in the Node process.

For each key of scan.py (KEYS) and each path, residue/node/wasm_driver.cjs runs the installed package forced to
wasm, disposes of the key and waits. This script counts the pieces of 16 bytes or more of every key-derived secret
(scan.py's secrets_of: key text, decoded and hashed key, ipad/opad blocks, inner and outer chaining values in every
layout) in every writable mapping of the live Node process (/proc/PID/mem, which holds the linear memory too), then
has the driver write the module's linear memory to a file and counts them there. The needles are computed here, never in the
scanned process. A control run keeps the key alive: it must be found in both, or the scan is blind.

Node's own writable memory holds public tables that match 16 bytes or more of scan.py's text-86 key, which spells
out 0123456789abcdef... and ABCDEFGHIJKLMNOPQRSTUVWXYZ (libc's hex digits, ASCII ranges). A baseline run, given
zeros and never a key, finds those; a piece counts only when the bytes it matched were not matched in the baseline.

Usage: scan_wasm.py PACKAGE_DIR [--check] [--markdown FILE]
  PACKAGE_DIR: the built package (bindings/node after `npm run build`, or an installed node_modules/unleashed-signer).
  --check: exit 1 if any path leaves a piece, or a control run finds nothing.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import scan  # noqa: E402  (the needles and the reader are scan.py's, not copies)

PATHS = ["init-clear", "sign", "sign-query", "sign-url", "verify", "verify-url", "build-query", "headers"]


def matched(regions: list[tuple[int, bytes]], secret: bytes) -> set[bytes]:
    """The bytes of each piece of `secret` found (scan.pieces gives where each starts), grown as far as they match."""
    found = set()
    for start in scan.pieces(regions, secret):
        for base, data in regions:
            if base <= start < base + len(data):
                at = start - base
                j = secret.find(data[at : at + scan.MIN_PIECE])
                length = scan.MIN_PIECE
                while j + length < len(secret) and at + length < len(data) and data[at + length] == secret[j + length]:
                    length += 1
                found.add(data[at : at + length])
    return found


def run_one(
    package: pathlib.Path, path: str, key_name: str, tmp: pathlib.Path, baseline: dict[str, set[bytes]] | None = None
) -> tuple[dict[str, int], dict[str, int], dict[str, set[bytes]]]:
    """Counts per secret in the linear memory and in the process (minus the baseline's matches), and the matches."""
    format_name, text = scan.KEYS[key_name]
    secrets = scan.secrets_of(format_name, text)
    given = bytes(len(text)) if path == "baseline" else text
    dump = tmp / "memory.bin"
    env = {**os.environ, "UNLEASHED_SIGNER_BACKEND": "wasm"}
    child = subprocess.Popen(
        ["node", str(HERE / "node/wasm_driver.cjs"), str(package), path, str(dump)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
    )
    try:
        assert child.stdin and child.stdout
        child.stdin.write(f"{format_name} {len(text)}\n".encode() + given)
        child.stdin.flush()
        line = child.stdout.readline()
        if line != b"ready\n":
            raise RuntimeError(f"driver {path} {key_name}: said {line!r}, exit {child.wait(30)}")
        public = baseline or {}
        # The process first, while the driver only waits; its memory dump is written afterwards.
        regions = scan.writable_regions(child.pid)
        matches = {name: matched(regions, secret) for name, secret in secrets.items()}
        in_process = {name: len(found - public.get(name, set())) for name, found in matches.items()}
        del regions
        child.stdin.write(b"d")
        child.stdin.flush()
        line = child.stdout.readline()
        if line != b"dumped\n":
            raise RuntimeError(f"driver {path} {key_name}: said {line!r}, exit {child.wait(30)}")
        memory = [(0, dump.read_bytes())]
        in_memory = {name: len(matched(memory, secret) - public.get(name, set())) for name, secret in secrets.items()}
        child.stdin.write(b"x")
        child.stdin.close()
        if child.wait(30) != 0:
            raise RuntimeError(f"driver {path} {key_name}: exit {child.returncode}")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        dump.unlink(missing_ok=True)
    return {k: v for k, v in in_memory.items() if v}, {k: v for k, v in in_process.items() if v}, matches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=pathlib.Path)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--markdown", type=pathlib.Path)
    args = parser.parse_args()
    scan.self_check()
    package = args.package.resolve()

    rows, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        baselines = {key_name: run_one(package, "baseline", key_name, pathlib.Path(tmp))[2] for key_name in scan.KEYS}
        public = {key_name: sum(len(m) for m in found.values()) for key_name, found in baselines.items()}
        for path in PATHS + ["control"]:
            worst_memory, worst_process = {}, {}
            for key_name in scan.KEYS:
                memory, process, _ = run_one(package, path, key_name, pathlib.Path(tmp), baselines[key_name])
                if sum(memory.values()) >= sum(worst_memory.values()):
                    worst_memory = memory
                if sum(process.values()) >= sum(worst_process.values()):
                    worst_process = process
                if path == "control" and (not memory or not process):
                    failures.append(f"control run found nothing: {key_name}: memory {memory}, process {process}")
                elif path != "control" and (memory or process):
                    failures.append(f"residue left: {path} {key_name}: memory {memory}, process {process}")
            rows.append((path, worst_memory, worst_process))

    def cell(found: dict[str, int], control: bool) -> str:
        total = sum(found.values())
        return f"{total}" + (f" ({', '.join(sorted(found))})" if total and not control else "")

    lines = ["| path | module's linear memory | whole Node process |", "|---|---|---|"]
    for path, memory, process in rows:
        label = "control: key alive, must be found" if path == "control" else path
        lines.append(f"| {label} | {cell(memory, path == 'control')} | {cell(process, path == 'control')} |")
    lines += ["", f"Public matches in the baseline (not counted): {public}.",
              f"{len(rows) * len(scan.KEYS)} runs: keys {', '.join(scan.KEYS)} (given as a Uint8Array, wiped by "
              "the caller after new SigningKey); the most pieces of 16 bytes or more over the keys."]
    report = "\n".join(lines)
    print(report)
    if args.markdown:
        args.markdown.write_text(report + "\n")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
