#!/usr/bin/env python3
"""Counts what is left of a key in a process's memory after the key is cleared, on every entry point.

Each run starts a program (residue/c/residue.c over the C ABI, linked lazily and with -z now; the in-place Rust
API; and, as anchors, OpenSSL's HMAC_CTX and RustCrypto's hmac), hands it a secret on stdin, and waits until it
has run one path, cleared the key and wiped its own copy of the secret. Then this script reads every writable
mapping of that process through /proc/PID/mem (the whole mapping, so the dead stack below the stack pointer is
read too) and counts the pieces of 16 bytes or more of each secret it finds:
  key text, decoded key (base64 keys), SHA-256 of a long key, the key-derived part of the ipad and opad blocks,
  and HMAC's inner and outer chaining values as native u32 words, in digest (big-endian) order and in the
  SHA-NI register layout (ABEF and CDGH).
The secrets are computed here, independently of the library, with a from-scratch SHA-256 compression checked
against hashlib. No needle is ever in the scanned process: the scanner is another process.

A control run keeps the key alive: it must be found, so the scanner can never be silently blind.

Usage: scan.py --lib-dir target/release --bin-dir target/release [--check] [--markdown FILE] [--only ours|anchors]
  --check: exit 1 if any path of ours leaves a piece, or a control run finds nothing.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent

# Made up, in the shapes that matter: a real key's 86 characters (longer than a block: hashed first), a short
# text key (padded, not hashed), and a base64 key whose decoded bytes are the HMAC key.
KEYS = {
    "text-86": ("text", b"ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY=="),
    "text-short": ("text", b"made-up-short-key-2026xy"),
    "base64": ("base64", base64.b64encode(bytes((i * 37 + 11) % 256 for i in range(48)))),
}
PATHS = [
    "init-clear", "sign", "sign-query", "sign-url", "verify", "verify-url", "query-sign", "build-query", "headers"
]
# Paths only the C program runs: the Rust program (residue/src) does not run their core counterparts.
C_ONLY_PATHS = ("build-query", "headers")
STORAGES = ["static", "stack", "heap"]
MIN_PIECE = 16

# ---------------------------------------------------------------------------------------------------------------
# SHA-256 from scratch (FIPS 180-4), for the chaining values hashlib does not expose.

_K = [
    0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1, 0x923F82A4, 0xAB1C5ED5,
    0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3, 0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174,
    0xE49B69C1, 0xEFBE4786, 0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
    0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147, 0x06CA6351, 0x14292967,
    0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13, 0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85,
    0xA2BFE8A1, 0xA81A664B, 0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
    0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A, 0x5B9CCA4F, 0x682E6FF3,
    0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208, 0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
]
IV = [0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19]


def _rotr(x: int, n: int) -> int:
    return ((x >> n) | (x << (32 - n))) & 0xFFFFFFFF


def compress(state: list[int], block: bytes) -> list[int]:
    """One SHA-256 compression of a 64-byte block into the 8-word state."""
    w = list(struct.unpack(">16I", block))
    for t in range(16, 64):
        s0 = _rotr(w[t - 15], 7) ^ _rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
        s1 = _rotr(w[t - 2], 17) ^ _rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
        w.append((w[t - 16] + s0 + w[t - 7] + s1) & 0xFFFFFFFF)
    a, b, c, d, e, f, g, h = state
    for t in range(64):
        t1 = (h + (_rotr(e, 6) ^ _rotr(e, 11) ^ _rotr(e, 25)) + ((e & f) ^ (~e & g)) + _K[t] + w[t]) & 0xFFFFFFFF
        t2 = ((_rotr(a, 2) ^ _rotr(a, 13) ^ _rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) & 0xFFFFFFFF
        a, b, c, d, e, f, g, h = (t1 + t2) & 0xFFFFFFFF, a, b, c, (d + t1) & 0xFFFFFFFF, e, f, g
    return [(x + y) & 0xFFFFFFFF for x, y in zip(state, [a, b, c, d, e, f, g, h])]


def sha256(message: bytes) -> bytes:
    padded = message + b"\x80" + b"\x00" * ((55 - len(message)) % 64) + struct.pack(">Q", len(message) * 8)
    state = IV
    for i in range(0, len(padded), 64):
        state = compress(state, padded[i : i + 64])
    return struct.pack(">8I", *state)


def self_check() -> None:
    """The from-scratch SHA-256 and the HMAC built from its chaining values agree with hashlib and hmac."""
    import hmac

    for n in (0, 1, 55, 56, 63, 64, 65, 119, 200):
        data = bytes(range(256))[:n]
        assert sha256(data) == hashlib.sha256(data).digest(), n
    for format_name, text in KEYS.values():
        key = base64.b64decode(text) if format_name == "base64" else text
        inner, outer = chaining_values(key)
        message = b"customerCode=ACME"
        # The inner hash goes on from the inner chaining value, after the one block of key already absorbed.
        tail = message + b"\x80" + b"\x00" * ((55 - len(message)) % 64) + struct.pack(">Q", (64 + len(message)) * 8)
        state = inner
        for i in range(0, len(tail), 64):
            state = compress(state, tail[i : i + 64])
        digest = struct.pack(">8I", *state)
        tail = digest + b"\x80" + b"\x00" * 23 + struct.pack(">Q", (64 + 32) * 8)
        mac = struct.pack(">8I", *compress(outer, tail))
        assert mac == hmac.new(key, message, hashlib.sha256).digest()


# ---------------------------------------------------------------------------------------------------------------
# The secrets of one key, as the byte strings whose pieces must not survive.


def key_block(hmac_key: bytes) -> bytes:
    short = hashlib.sha256(hmac_key).digest() if len(hmac_key) > 64 else hmac_key
    return short + b"\x00" * (64 - len(short))


def chaining_values(hmac_key: bytes) -> tuple[list[int], list[int]]:
    block = key_block(hmac_key)
    inner = compress(IV, bytes(b ^ 0x36 for b in block))
    outer = compress(IV, bytes(b ^ 0x5C for b in block))
    return inner, outer


def secrets_of(format_name: str, text: bytes) -> dict[str, bytes]:
    hmac_key = base64.b64decode(text, validate=True) if format_name == "base64" else text
    derived_len = 32 if len(hmac_key) > 64 else len(hmac_key)  # the key-derived bytes of the padded block
    block = key_block(hmac_key)
    inner, outer = chaining_values(hmac_key)
    found = {"key-text": text}
    if hmac_key != text:
        found["decoded-key"] = hmac_key
    if len(hmac_key) > 64:
        found["hashed-key"] = hashlib.sha256(hmac_key).digest()
    found["ipad-block"] = bytes(b ^ 0x36 for b in block[:derived_len])
    found["opad-block"] = bytes(b ^ 0x5C for b in block[:derived_len])
    for name, cv in (("inner", inner), ("outer", outer)):
        a, b, c, d, e, f, g, h = cv
        found[f"{name}-native"] = struct.pack("=8I", *cv)
        found[f"{name}-digest-order"] = struct.pack(">8I", *cv)
        found[f"{name}-shani-abef"] = struct.pack("<4I", f, e, b, a)
        found[f"{name}-shani-cdgh"] = struct.pack("<4I", h, g, d, c)
    for name, value in found.items():
        assert len(value) >= MIN_PIECE, f"{name} is shorter than a piece: make the test key longer"
    return found


# ---------------------------------------------------------------------------------------------------------------
# Reading a process's memory and counting pieces.


def writable_mappings(pid: int):
    """(start, end) of each writable mapping of a process, but the kernel's [vvar], [vsyscall] and [vvar_vclock]."""
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            name = fields[5] if len(fields) > 5 else ""
            if "w" in fields[1] and name not in ("[vvar]", "[vsyscall]", "[vvar_vclock]"):
                yield start, end


def writable_regions(pid: int) -> list[tuple[int, bytes]]:
    regions = []
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for start, end in writable_mappings(pid):
            try:
                mem.seek(start)
                regions.append((start, mem.read(end - start)))
            except OSError:
                continue
    return regions


def pieces(regions: list[tuple[int, bytes]], secret: bytes) -> set[int]:
    """Addresses where a run of at least MIN_PIECE bytes of `secret` starts.

    Any such run contains one of the 8-byte anchors at offsets 0, 8, 16, ... (and the last 8 bytes) of the
    secret, so each anchor is searched for and every hit is grown both ways as far as it matches.
    """
    anchors = sorted(set(list(range(0, len(secret) - 7, 8)) + [len(secret) - 8]))
    starts = set()
    for base, data in regions:
        for j in anchors:
            needle = secret[j : j + 8]
            at = data.find(needle)
            while at != -1:
                left = 0
                while left < j and at - left - 1 >= 0 and data[at - left - 1] == secret[j - left - 1]:
                    left += 1
                right = 8
                while j + right < len(secret) and at + right < len(data) and data[at + right] == secret[j + right]:
                    right += 1
                if left + right >= MIN_PIECE:
                    starts.add(base + at - left)
                at = data.find(needle, at + 1)
    return starts


@dataclass
class Run:
    program: str  # c-lazy, c-now, rust, openssl-lazy, openssl-now, hmac
    path: str
    storage: str
    key: str
    found: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.found.values())


def scan_one(argv: list[str], program: str, path: str, storage: str, key_name: str, *, secrets_for=secrets_of,
             regions_of=writable_regions) -> Run:
    """Runs one path of one program and counts the pieces of each secret (`secrets_for(format, text)`) in the
    memory `regions_of(pid)` reads. `argv` may start with an emulator that runs the program in its own process
    (`qemu-aarch64 -L /`): the scanned process is then the emulator, whose memory holds the guest's."""
    format_name, text = KEYS[key_name]
    secrets = secrets_for(format_name, text)
    child = subprocess.Popen(argv + [path, storage], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert child.stdin and child.stdout
        child.stdin.write(f"{format_name} {len(text)}\n".encode() + text)
        child.stdin.flush()
        line = child.stdout.readline()
        if line != b"ready\n":
            raise RuntimeError(f"{' '.join(argv)} {path} {storage}: said {line!r}, exit {child.wait(10)}")
        regions = regions_of(child.pid)
        found = {name: len(pieces(regions, secret)) for name, secret in secrets.items()}
        child.stdin.write(b"x")
        child.stdin.close()
        if child.wait(30) != 0:
            raise RuntimeError(f"{' '.join(argv)} {path} {storage}: exit {child.returncode}")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return Run(program, path, storage, key_name, {k: v for k, v in found.items() if v})


def build_c(lib_dir: pathlib.Path, out: pathlib.Path, cc: str = "gcc", anchors: bool = True) -> dict[str, list[str]]:
    """Compiles the C driver against the shared library with `cc`, linked lazily and with -z now, and (with
    `anchors`) the OpenSSL anchor."""
    # Installed as scripts/install.sh does: the soname the library carries, and the name the linker looks for.
    soname = re.search(rb"libunleashed_signer\.so\.[0-9.]+", (lib_dir / "libunleashed_signer_ffi.so").read_bytes())
    assert soname, "the shared library carries no libunleashed_signer.so.* soname"
    shutil.copy(lib_dir / "libunleashed_signer_ffi.so", out / soname.group().decode())
    (out / "libunleashed_signer.so").symlink_to(soname.group().decode())
    programs = {}
    for binding in ("lazy", "now"):
        exe = out / f"residue-{binding}"
        subprocess.run(
            [cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", f"-I{REPO / 'include'}", str(HERE / "c/residue.c"),
             f"-L{out}", "-lunleashed_signer", f"-Wl,-rpath,{out}", f"-Wl,-z,{binding}", "-o", str(exe)],
            check=True,
        )
        programs[f"c-{binding}"] = [str(exe)]
        if not anchors:
            continue
        exe = out / f"openssl-{binding}"
        subprocess.run(
            ["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", str(HERE / "c/openssl_anchor.c"), "-lcrypto",
             f"-Wl,-z,{binding}", "-o", str(exe)],
            check=True,
        )
        programs[f"openssl-{binding}"] = [str(exe)]
    return programs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib-dir", type=pathlib.Path, default=REPO / "target/release")
    parser.add_argument("--bin-dir", type=pathlib.Path, default=REPO / "target/release")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--markdown", type=pathlib.Path)
    parser.add_argument("--only", choices=["ours", "anchors"])
    args = parser.parse_args()
    self_check()

    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        programs = build_c(args.lib_dir.resolve(), pathlib.Path(tmp))
        programs["rust"] = [str(args.bin_dir / "rust-inplace")]
        programs["hmac"] = [str(args.bin_dir / "hmac-anchor")]
        for key_name in KEYS:
            for program in ("c-lazy", "c-now", "rust"):
                if args.only == "anchors":
                    continue
                for storage in STORAGES:
                    for path in PATHS + ["control"]:
                        if program == "rust" and path in C_ONLY_PATHS:
                            continue
                        runs.append(scan_one(programs[program], program, path, storage, key_name))
            # The anchors are given the key text as their HMAC key, which is what base64 keys are not.
            if args.only != "ours" and KEYS[key_name][0] == "text":
                for program in ("openssl-lazy", "openssl-now", "hmac"):
                    for path in ("sign", "control"):
                        runs.append(scan_one(programs[program], program, path, "heap", key_name))

    return verdict(runs, table(runs), args.markdown, args.check, ours=("c-lazy", "c-now", "rust"))


def verdict(
    runs: list[Run], report: str, markdown: pathlib.Path | None, check: bool, ours: tuple[str, ...] | None = None
) -> int:
    """Prints the report (and writes it to `markdown`), then every failure: a control run that found nothing, or
    a piece left by one of our programs (`ours`; every program when None). The exit code: 1 on a failure with
    `check`, else 0."""
    print(report)
    if markdown:
        markdown.write_text(report + "\n")
    failures = []
    for run in runs:
        if run.path == "control" and run.total == 0:
            failures.append(f"control run found nothing: {run}")
        elif (ours is None or run.program in ours) and run.path != "control" and run.total:
            failures.append(f"residue left: {run.program} {run.path} {run.storage} {run.key}: {run.found}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if check and failures else 0


def table(runs: list[Run]) -> str:
    """Pieces found after clear, per path and program: the most found over the keys and storages of that cell."""
    programs = [p for p in ("c-lazy", "c-now", "rust", "openssl-lazy", "openssl-now", "hmac") if any(r.program == p for r in runs)]
    paths = [p for p in PATHS + ["control"] if any(r.path == p for r in runs)]
    names = {"c-lazy": "C ABI, lazy binding", "c-now": "C ABI, `-z now`", "rust": "Rust in place",
             "openssl-lazy": "OpenSSL `HMAC_CTX`, lazy", "openssl-now": "OpenSSL `HMAC_CTX`, `-z now`",
             "hmac": "RustCrypto `hmac` + `zeroize`"}
    lines = ["| path | " + " | ".join(names[p] for p in programs) + " |", "|---" * (len(programs) + 1) + "|"]
    for path in paths:
        cells = []
        for program in programs:
            cell = [r for r in runs if r.program == program and r.path == path]
            if not cell:
                cells.append("")
                continue
            worst = max(cell, key=lambda r: r.total)
            what = ", ".join(sorted(worst.found)) if worst.total else ""
            cells.append(f"{worst.total}" + (f" ({what})" if what and path != "control" else ""))
        label = "control: key alive, must be found" if path == "control" else path
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    runs_count = len(runs)
    lines.append("")
    lines.append(f"{runs_count} runs: keys {', '.join(KEYS)}; storage {', '.join(STORAGES)} (anchors: heap).")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
