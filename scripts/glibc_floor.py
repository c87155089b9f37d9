#!/usr/bin/env python3
"""The oldest glibc a Linux library can load with: the newest GLIBC_x.y symbol version it needs.

A library linked against a newer glibc than its users have fails to load ("version `GLIBC_2.34' not found"), so the
floor is a property of every native we ship, like its architecture. The libraries linked on Debian 12 need 2.34:
Rust's std calls pthread_key_create, whose symbol moved into libc.so.6 in glibc 2.34. The README's Platforms table
states the floor; this script keeps it true.

    scripts/glibc_floor.py [--max 2.34] LIBRARY...

prints each library's floor and the symbols that set it, and fails when one needs a newer glibc than --max.
Reads the dynamic symbol table with `objdump -T` (binutils; any architecture's objdump reads any ELF file's
table, so the host's reads the aarch64 libraries too).
"""

import argparse
import re
import subprocess
import sys

# An objdump -T line of an undefined symbol with a glibc version: "... *UND* ... (GLIBC_2.34) pthread_key_create".
UNDEFINED = re.compile(r"\*UND\*.*\((GLIBC_[0-9.]+)\)\s+(\S+)\s*$")


def parse_version(text):
    """`2.34` or `GLIBC_2.34` as a tuple that compares like versions: (2, 34)."""
    text = text.removeprefix("GLIBC_")
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", text):
        raise ValueError(f"'{text}' is not a glibc version such as 2.34")
    return tuple(int(part) for part in text.split("."))


def floor(objdump_output):
    """The newest glibc version the symbols in `objdump -T` output need, and those symbols (sorted).

    (0,) and no symbols when the output names no glibc version: a library that needs none.
    """
    needed = {}
    for line in objdump_output.splitlines():
        match = UNDEFINED.search(line)
        if match:
            needed.setdefault(parse_version(match.group(1)), set()).add(match.group(2))
    if not needed:
        return (0,), []
    newest = max(needed)
    return newest, sorted(needed[newest])


def show(version):
    return ".".join(str(part) for part in version)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", default="2.34", help="the newest glibc a library may need (default 2.34)")
    parser.add_argument("libraries", nargs="+", metavar="LIBRARY")
    args = parser.parse_args(argv)
    limit = parse_version(args.max)
    failed = False
    for library in args.libraries:
        result = subprocess.run(["objdump", "-T", library], capture_output=True, text=True)
        if result.returncode != 0:
            print(f"{library}: objdump cannot read it: {result.stderr.strip()}", file=sys.stderr)
            failed = True
            continue
        version, symbols = floor(result.stdout)
        if version == (0,):
            print(f"{library}: needs no versioned glibc symbol")
            continue
        print(f"{library}: needs glibc {show(version)} or later ({', '.join(symbols)})")
        if version > limit:
            print(
                f"{library} needs glibc {show(version)}, newer than the {show(limit)} the README promises: "
                f"link it against an older glibc, or raise the floor in README.md's Platforms table and --max",
                file=sys.stderr,
            )
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
