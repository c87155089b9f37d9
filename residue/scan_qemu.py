#!/usr/bin/env python3
"""The residue scan of scan.py for Linux arm64: aarch64 builds of the same programs, run under qemu-user.

qemu-aarch64 runs the guest program inside its own process: the guest's memory is mapped there, and the guest's
register file (the NEON v registers and the general registers, in qemu's CPUARMState) lives in qemu's heap. So
scanning the qemu process from outside, after the guest has cleared the key, sees both the guest's memory (dead
stack included) and its registers at that moment, which a scan of a native process cannot.

The needles are scan.py's (scan.secrets_of) plus the SHA-256 working states that sha2's aarch64 backend leaves in
registers:
  - chaining values: sha2's aarch64 backend keeps A-D and E-H as little-endian u32 lanes of two v registers,
    which are the two 16-byte halves of scan.py's `*-native` layout on this little-endian target: each half is a
    piece by itself, so `inner-native` and `outer-native` find them;
  - `outer-final-work`: the working state after the last compression of HMAC's outer hash, before the chaining
    value is added back. Lane by lane it is MAC - outer chaining value, so with the public signature it gives the
    outer chaining value: as secret as the key. Computed for every message the programs sign;
  - `inner-final-work`: the same for the inner hash's last compression (the inner digest minus the chaining value
    that compression started from);
  - `inner-keying-work`, `outer-keying-work`: the working state of the compression that prepares the key (the
    chaining value minus the public IV).
Each as eight little-endian u32 (ABCD then EFGH, the registers' layout).

Only pages present in memory are read (through /proc/PID/pagemap): qemu reserves 128 MiB for translated code and
8 MiB stacks, almost all never touched, and a page never touched reads as zeros.

Usage: scan_qemu.py --lib-dir target/aarch64-unknown-linux-gnu/release --bin-dir ... [--check] [--markdown FILE]
  --check: exit 1 if any path leaves a piece, or a control run finds nothing.
The OpenSSL and RustCrypto anchors are measured on x86_64 only (scan.py).
"""

from __future__ import annotations

import argparse
import pathlib
import struct
import sys
import tempfile
import urllib.parse

import scan

QEMU = ["qemu-aarch64", "-L", "/"]  # `-L /usr/aarch64-linux-gnu` hangs programs that start a thread
CC = "aarch64-linux-gnu-gcc"

# What the programs sign (residue/c/residue.c and residue/src/bin/rust-inplace.rs; checked against both sources by
# self_check): the query as it is (`sign`, `verify`), decoded (`sign-query`), a URL's query decoded (`sign-url`, `headers`,
# `verify-url`), and the builder's query decoded (`query-sign`, `build-query`).
QUERY = b"customerName=Acme%20Sons&modifiedSince=2024-01-01T00:00:00"
URL_QUERY = b"customerName=Acme%20Sons"
BUILT_QUERY = b"customerName=Acme%20Sons&startDate=2024-01-01"
MESSAGES = [QUERY, urllib.parse.unquote_to_bytes(QUERY), urllib.parse.unquote_to_bytes(URL_QUERY),
            urllib.parse.unquote_to_bytes(BUILT_QUERY)]


def minus(a: list[int], b: list[int]) -> list[int]:
    return [(x - y) & 0xFFFFFFFF for x, y in zip(a, b)]


def final_work(state: list[int], message: bytes, absorbed: int) -> tuple[list[int], list[int]]:
    """Hashes `message` on from `state` (after `absorbed` bytes): the digest words, and the working state of the
    last compression (the digest minus the chaining value that compression started from)."""
    padded = message + b"\x80" + b"\x00" * ((55 - len(message)) % 64) + struct.pack(">Q", (absorbed + len(message)) * 8)
    before = state
    for i in range(0, len(padded), 64):
        before, state = state, scan.compress(state, padded[i : i + 64])
    return state, minus(state, before)


def secrets_of(format_name: str, text: bytes) -> dict[str, bytes]:
    """scan.py's secrets of one key, plus the working states aarch64's registers keep (see the module's doc)."""
    found = scan.secrets_of(format_name, text)
    hmac_key = scan.base64.b64decode(text, validate=True) if format_name == "base64" else text
    inner, outer = scan.chaining_values(hmac_key)
    found["inner-keying-work"] = struct.pack("<8I", *minus(inner, scan.IV))
    found["outer-keying-work"] = struct.pack("<8I", *minus(outer, scan.IV))
    for i, message in enumerate(MESSAGES):
        digest, inner_work = final_work(inner, message, 64)
        _, outer_work = final_work(outer, struct.pack(">8I", *digest), 64)
        found[f"inner-final-work-{i}"] = struct.pack("<8I", *inner_work)
        found[f"outer-final-work-{i}"] = struct.pack("<8I", *outer_work)
    return found


def self_check() -> None:
    """scan.py's check, the messages against the programs' sources, and the working states against HMAC."""
    import hashlib
    import hmac

    scan.self_check()
    c_source = (scan.HERE / "c/residue.c").read_text()
    rust_source = (scan.HERE / "src/bin/rust-inplace.rs").read_text()
    for needle, where in ((QUERY, c_source), (QUERY, rust_source), (URL_QUERY, c_source), (URL_QUERY, rust_source)):
        assert needle.decode() in where, f"{needle!r} is no longer what the residue programs sign: update MESSAGES"
    assert '"customerName", 12, "Acme Sons", 9}, {"startDate", 9, "2024-01-01"' in c_source, "build-query changed"
    assert 'push("customerName", "Acme Sons").and_then(|q| q.push("startDate", "2024-01-01"))' in rust_source
    for format_name, text in scan.KEYS.values():
        key = scan.base64.b64decode(text) if format_name == "base64" else text
        inner, outer = scan.chaining_values(key)
        for message in MESSAGES:
            digest, inner_work = final_work(inner, message, 64)
            mac, outer_work = final_work(outer, struct.pack(">8I", *digest), 64)
            assert struct.pack(">8I", *mac) == hmac.new(key, message, hashlib.sha256).digest()
            # What makes the outer working state secret: with the public MAC it gives the outer chaining value.
            assert minus(mac, outer_work) == outer


def resident_regions(pid: int) -> list[tuple[int, bytes]]:
    """The present (or swapped) pages of every writable mapping, as runs of consecutive pages."""
    page = 4096
    regions = []
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem, open(f"/proc/{pid}/pagemap", "rb", buffering=0) as pagemap:
        for start, end in scan.writable_mappings(pid):
            pagemap.seek(start // page * 8)
            entries = pagemap.read((end - start) // page * 8)
            flags = [(e >> 62) & 3 for e in struct.unpack(f"<{len(entries) // 8}Q", entries)]
            i = 0
            while i < len(flags):
                if not flags[i]:
                    i += 1
                    continue
                j = i
                while j < len(flags) and flags[j]:
                    j += 1
                try:
                    mem.seek(start + i * page)
                    regions.append((start + i * page, mem.read((j - i) * page)))
                except OSError:
                    pass
                i = j
    return regions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = scan.REPO / "target/aarch64-unknown-linux-gnu/release"
    parser.add_argument("--lib-dir", type=pathlib.Path, default=default)
    parser.add_argument("--bin-dir", type=pathlib.Path, default=default)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--markdown", type=pathlib.Path)
    args = parser.parse_args()
    self_check()

    runs: list[scan.Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        programs = scan.build_c(args.lib_dir.resolve(), pathlib.Path(tmp), cc=CC, anchors=False)
        programs["rust"] = [str(args.bin_dir.resolve() / "rust-inplace")]
        for key_name in scan.KEYS:
            for program in ("c-lazy", "c-now", "rust"):
                for storage in scan.STORAGES:
                    for path in scan.PATHS + ["control"]:
                        if program == "rust" and path in scan.C_ONLY_PATHS:
                            continue
                        runs.append(scan.scan_one(QEMU + programs[program], program, path, storage, key_name,
                                                  secrets_for=secrets_of, regions_of=resident_regions))

    report = "aarch64 under qemu-user (scan_qemu.py):\n\n" + scan.table(runs)
    return scan.verdict(runs, report, args.markdown, args.check)


if __name__ == "__main__":
    sys.exit(main())
