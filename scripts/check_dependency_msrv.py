#!/usr/bin/env python3
"""Checks that no dependency of the published crates needs a newer Rust than the workspace's `rust-version`.

Clippy's `incompatible_msrv` lint (on by default, an error under `-D warnings`) catches standard-library APIs in
our own code that are newer than `rust-version`. It cannot see our dependencies, whose own `rust-version` may be
newer: the MSRV-aware resolver (`resolver = "3"`) prefers versions that fit but falls back to newer ones without
an error. This script reads `cargo metadata` and fails when a normal or build dependency of a published crate
(on Linux x86_64) declares a `rust-version` above ours. Dev-dependencies are not checked: users never build them.

usage: scripts/check_dependency_msrv.py [--metadata FILE]   (default: runs `cargo metadata --locked`)

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

PUBLISHED = ("unleashed-signer", "unleashed-signer-ffi", "unleashed-signer-cli")
TARGET = "x86_64-unknown-linux-gnu"


def version_key(version: str) -> tuple[int, ...]:
    """`1.85` and `1.85.0` compare equal; missing parts are 0."""
    parts = [int(part) for part in version.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def too_new(metadata: dict, published: tuple[str, ...] = PUBLISHED) -> tuple[str, list[str]]:
    """The workspace MSRV and one line per dependency (reachable without dev edges) that needs a newer Rust."""
    packages = {package["id"]: package for package in metadata["packages"]}
    roots = [pid for pid in metadata["workspace_members"] if packages[pid]["name"] in published]
    missing = set(published) - {packages[pid]["name"] for pid in roots}
    if missing:
        raise SystemExit(f"not workspace members: {sorted(missing)}")
    msrvs = {packages[pid]["rust_version"] for pid in roots}
    if len(msrvs) != 1 or None in msrvs:
        raise SystemExit(f"the published crates must share one rust-version, found {sorted(map(str, msrvs))}")
    msrv = msrvs.pop()
    nodes = {node["id"]: node for node in metadata["resolve"]["nodes"]}
    seen, stack, problems = set(roots), list(roots), []
    while stack:
        node = nodes[stack.pop()]
        for dep in node["deps"]:
            kinds = {kind["kind"] for kind in dep["dep_kinds"]}
            if kinds <= {"dev"} or dep["pkg"] in seen:
                continue
            seen.add(dep["pkg"])
            stack.append(dep["pkg"])
            package = packages[dep["pkg"]]
            needed = package.get("rust_version")
            if needed and version_key(needed) > version_key(msrv):
                problems.append(
                    f"{package['name']} {package['version']} needs Rust {needed}, above rust-version {msrv} "
                    "(Cargo.toml): pin an older version, or raise rust-version"
                )
    return msrv, sorted(problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--metadata", type=Path, help="cargo metadata JSON instead of running cargo")
    args = parser.parse_args(argv)
    if args.metadata:
        metadata = json.loads(args.metadata.read_text(encoding="utf-8"))
    else:
        command = ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", TARGET]
        metadata = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    msrv, problems = too_new(metadata)
    for line in problems:
        print(f"FAIL {line}", file=sys.stderr)
    if problems:
        return 1
    print(f"every normal and build dependency of {', '.join(PUBLISHED)} builds with Rust {msrv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
