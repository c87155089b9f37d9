#!/usr/bin/env python3
"""What is left of a key after clear in the Windows build, run under Wine: residue/scan.py's measurement for
unleashed_signer.dll.

A Windows program under Wine is an ordinary Linux process (the one `wine64 program.exe` starts: Wine loads the PE
image into it, no separate emulator process), its heap, stacks and image sections are anonymous or file-backed
writable mappings listed in /proc/PID/maps, so scan.py's reader and its needles (the key text, the decoded key, the
hashed key, the ipad/opad key bytes, HMAC's chaining values in each layout) apply unchanged. residue/c/residue.c is
cross-compiled with MinGW, linked against the DLL and statically, and every path runs on every key and storage;
the control run (key alive) must find the key, so a blind scan cannot pass.

Usage: scan_wine.py --dist DIR [--wine WINE] [--linkage dll|static|both] [--check] [--markdown FILE]
  --dist: scripts/build-windows.sh's output (unleashed_signer.dll, libunleashed_signer.dll.a, libunleashed_signer.a)
  WINEPREFIX must name a prefix in which Rust programs start (see .ci/steps/33-windows.sh).
"""

from __future__ import annotations

import argparse
import pathlib
import shutil
import subprocess
import sys
import tempfile

import scan

HERE = pathlib.Path(__file__).resolve().parent

# scan.py's 86-character key spells out 0-9, a-z and A-Z, and Wine keeps writable character tables holding those
# runs (measured: 16 "pieces" of it on every path, with or without our library touching it, all inside runs like
# "abcdefghijklmnopqrstuvwxyz\0\0\0\0\0\0ABCDEFGHIJKLMNOPQRSTUVWXYZ"). Here that key has the same shape (84
# base64 characters and "==") and no such run; the other keys are scan.py's.
scan.KEYS = dict(scan.KEYS)
scan.KEYS["text-86"] = (
    "text",
    b"qT7wZ2mR9xLc4VbN0sKd8HfJ3gPa6YeU1oWi5EtQr+M/yXnB2lCvA7hG4zSjD9kF0uI3pO6wR8qT1mL5xZKp==",
)
STATIC_LIBS = ["-lkernel32", "-lntdll", "-luserenv", "-lws2_32", "-ldbghelp"]


def build(dist: pathlib.Path, out: pathlib.Path) -> dict[str, pathlib.Path]:
    """residue.c for Windows x64: against the DLL (copied beside it) and the static library."""
    shutil.copy(dist / "unleashed_signer.dll", out)
    common = ["x86_64-w64-mingw32-gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror",
              f"-I{scan.REPO / 'include'}", str(HERE / "c/residue.c")]
    programs = {"c-dll": out / "residue-dll.exe", "c-static": out / "residue-static.exe"}
    subprocess.run(common + ["-DUNLEASHED_SHARED", str(dist / "libunleashed_signer.dll.a"), "-o",
                             str(programs["c-dll"])], check=True)
    subprocess.run(common + [str(dist / "libunleashed_signer.a"), *STATIC_LIBS, "-o", str(programs["c-static"])],
                   check=True)
    return programs


def scan_once_more_on_failure(argv: list[str], program: str, path: str, storage: str, key_name: str) -> scan.Run:
    """scan.scan_one, run again once if the program did not start or stop cleanly: one of about 500 Wine starts
    here exited 1 before running main() and printed nothing; a program that really fails, fails twice."""
    try:
        return scan.scan_one(argv, program, path, storage, key_name)
    except RuntimeError as error:
        print(f"scan_wine.py: {error}; running it once more", file=sys.stderr)
        return scan.scan_one(argv, program, path, storage, key_name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=pathlib.Path, required=True)
    parser.add_argument("--wine", default=shutil.which("wine64") or "/usr/lib/wine/wine64")
    parser.add_argument("--linkage", choices=["dll", "static", "both"], default="both")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--markdown", type=pathlib.Path)
    args = parser.parse_args()
    scan.self_check()

    runs: list[scan.Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        programs = build(args.dist.resolve(), pathlib.Path(tmp))
        if args.linkage != "both":
            programs = {f"c-{args.linkage}": programs[f"c-{args.linkage}"]}
        for key_name in scan.KEYS:
            for program, exe in programs.items():
                for storage in scan.STORAGES:
                    for path in scan.PATHS + ["control"]:
                        runs.append(scan_once_more_on_failure([args.wine, str(exe)], program, path, storage, key_name))

    names = {"c-dll": "C ABI, DLL (Wine)", "c-static": "C ABI, static (Wine)"}
    lines = ["| path | " + " | ".join(names[p] for p in programs) + " |", "|---" * (len(programs) + 1) + "|"]
    for path in scan.PATHS + ["control"]:
        cells = []
        for program in programs:
            worst = max((r for r in runs if r.program == program and r.path == path), key=lambda r: r.total)
            what = ", ".join(sorted(worst.found)) if worst.total and path != "control" else ""
            cells.append(f"{worst.total}" + (f" ({what})" if what else ""))
        label = "control: key alive, must be found" if path == "control" else path
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", f"{len(runs)} runs: keys {', '.join(scan.KEYS)}; storage {', '.join(scan.STORAGES)}; the most "
              "pieces found over the keys and storages of each cell."]
    report = "\n".join(lines)
    return scan.verdict(runs, report, args.markdown, args.check)


if __name__ == "__main__":
    sys.exit(main())
