#!/usr/bin/env python3
"""Checks that every version in the repository equals the workspace version, the single source.

The workspace version is `[workspace.package] version` in the root `Cargo.toml`. Every other place that states
it must agree:

- the header's `UNLEASHED_VERSION_MAJOR`, `_MINOR` and `_PATCH` macros (`include/unleashed_signer.h`);
- the workspace's requirement on the core crate (`=X.Y.Z`: the published crates are released together);
- each crate that declares a version of its own instead of `version.workspace = true`;
- `CHANGELOG.md`, which must have a `## [X.Y.Z]` section;
- each runtime package under `bindings/`, read as RUNTIMES below says. A `bindings/<runtime>/` directory with no
  entry in RUNTIMES, or where no version is found, is an error too: a new package must be checked, not skipped.

usage: scripts/check_versions.py [--root DIR]    (exit 0 when all agree, 1 with one line per problem)

Standard library only (Python 3.11+ for tomllib).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# Reads one version from a file's text; None when the file does not state one.
Reader = Callable[[str], "str | None"]


def toml_value(*keys: str) -> Reader:
    """The string at `keys` in a TOML document, e.g. toml_value("project", "version")."""

    def read(text: str) -> str | None:
        value: object = tomllib.loads(text)
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value if isinstance(value, str) else None

    return read


def json_value(key: str) -> Reader:
    """The top-level string `key` of a JSON object, e.g. json_value("version") for package.json."""

    def read(text: str) -> str | None:
        value = json.loads(text)
        found = value.get(key) if isinstance(value, dict) else None
        return found if isinstance(found, str) else None

    return read


def xml_element(tag: str, *, top_level: bool = False) -> Reader:
    """The text of the first `<tag>` element (any XML namespace), or only a child of the root with top_level.

    top_level suits Maven's pom.xml, where `<version>` also appears inside dependencies and plugins.
    """

    def read(text: str) -> str | None:
        root = ElementTree.fromstring(text)
        elements = root if top_level else root.iter()
        for element in elements:
            if element.tag.rsplit("}", 1)[-1] == tag and element.text and element.text.strip():
                return element.text.strip()
        return None

    return read


def pattern(regex: str) -> Reader:
    """Group 1 of the first match of a multi-line regular expression."""
    compiled = re.compile(regex, re.MULTILINE)

    def read(text: str) -> str | None:
        match = compiled.search(text)
        return match.group(1) if match else None

    return read


# What `toml_dynamic` returns: the package takes the workspace version at build time instead of stating one.
DERIVED = "<derived at build time>"


def toml_dynamic(*keys: str) -> Reader:
    """DERIVED when the list at `keys` names "version", e.g. toml_dynamic("project", "dynamic") for PEP 621."""

    def read(text: str) -> str | None:
        value: object = tomllib.loads(text)
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return DERIVED if isinstance(value, list) and "version" in value else None

    return read


def whole_file(text: str) -> str | None:
    """A file that holds nothing but the version (surrounding whitespace ignored)."""
    return text.strip() or None


@dataclass(frozen=True)
class Source:
    """Where a runtime package states its version: files matching `glob` under its directory, and how to read it."""

    glob: str
    read: Reader
    what: str
    # For a DERIVED version: the file (under the runtime's directory) that reads Cargo.toml to set it. It must exist
    # and mention Cargo.toml; what it computes is checked by that runtime's own build, not here.
    derived_by: str | None = None


# One row per runtime: the directory under bindings/, then every place its version may be stated. At least one
# must be found; every one found must equal the workspace version. Adjust the paths here as packages move.
RUNTIMES: dict[str, list[Source]] = {
    "python": [
        Source("pyproject.toml", toml_value("project", "version"), "[project] version"),
        Source("pyproject.toml", toml_dynamic("project", "dynamic"), "[project] dynamic version", "setup.py"),
    ],
    "node": [Source("package.json", json_value("version"), '"version"')],
    "dotnet": [Source("**/*.csproj", xml_element("Version"), "<Version>")],
    "php": [
        Source("composer.json", json_value("version"), '"version"'),
        Source("src/**/*.php", pattern(r"""const\s+(?:string\s+)?HEADER_VERSION\s*=\s*['"]([^'"]+)['"]"""),
               "HEADER_VERSION"),
    ],
    "java": [
        Source("MANIFEST.MF", pattern(r"^Implementation-Version:\s*(\S+)\s*$"), "Implementation-Version"),
        Source("pom.xml", xml_element("version", top_level=True), "<project><version>"),
        Source("build.gradle*", pattern(r"""^\s*version\s*=\s*['"]([^'"]+)['"]"""), "version ="),
        Source("gradle.properties", pattern(r"^\s*version\s*=\s*(\S+)"), "version="),
        Source("version", whole_file, "the whole file"),
        Source("VERSION", whole_file, "the whole file"),
        Source("**/*.java", pattern(r"""\bString\s+VERSION\s*=\s*"([^"]+)"\s*;"""), "String VERSION"),
    ],
    "go": [Source("**/*.go", pattern(r"""^\s*(?:const\s+)?Version\s*=\s*"([^"]+)"\s*$"""), "const Version")],
}

# Directories under bindings/ that hold no runtime package (shared test data, say): none yet.
NOT_RUNTIMES: set[str] = set()


def workspace_version(root: Path) -> str:
    manifest = tomllib.loads((root / "Cargo.toml").read_text(encoding="utf-8"))
    try:
        version = manifest["workspace"]["package"]["version"]
    except KeyError:
        raise SystemExit(f"{root / 'Cargo.toml'}: no [workspace.package] version, the single source") from None
    if not re.fullmatch(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?", version):
        raise SystemExit(f"{root / 'Cargo.toml'}: [workspace.package] version {version!r} is not MAJOR.MINOR.PATCH")
    return version


class Checker:
    """Collects one line per disagreement, and the places that agree."""

    def __init__(self, root: Path, expected: str) -> None:
        self.root = root
        self.expected = expected
        self.problems: list[str] = []
        self.checked: list[str] = []

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def compare(self, path: Path, what: str, found: str) -> None:
        if found == self.expected:
            self.checked.append(f"{self.rel(path)} ({what}): {found}")
        else:
            self.problems.append(
                f"{self.rel(path)}: {what} is {found}, but the workspace version (Cargo.toml) is {self.expected}"
            )

    def header(self) -> None:
        path = self.root / "include/unleashed_signer.h"
        text = path.read_text(encoding="utf-8")
        parts = []
        for part in ("MAJOR", "MINOR", "PATCH"):
            match = re.search(rf"^#define UNLEASHED_VERSION_{part} (\d+)\s*$", text, re.MULTILINE)
            if not match:
                self.problems.append(f"{self.rel(path)}: no #define UNLEASHED_VERSION_{part}")
                return
            parts.append(match.group(1))
        self.compare(path, "UNLEASHED_VERSION_MAJOR.MINOR.PATCH", ".".join(parts))

    def cargo(self) -> None:
        path = self.root / "Cargo.toml"
        manifest = tomllib.loads(path.read_text(encoding="utf-8"))
        core = manifest.get("workspace", {}).get("dependencies", {}).get("unleashed-signer")
        if isinstance(core, dict) and "version" in core:
            self.compare(path, "[workspace.dependencies] unleashed-signer", core["version"].removeprefix("="))
        else:
            self.problems.append(f"{self.rel(path)}: [workspace.dependencies] unleashed-signer has no version")
        for member in manifest.get("workspace", {}).get("members", []):
            member_path = self.root / member / "Cargo.toml"
            version = tomllib.loads(member_path.read_text(encoding="utf-8")).get("package", {}).get("version")
            if isinstance(version, str):
                self.compare(member_path, "[package] version", version)

    def changelog(self) -> None:
        path = self.root / "CHANGELOG.md"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if re.search(rf"^## \[{re.escape(self.expected)}\]", text, re.MULTILINE):
            self.checked.append(f"{self.rel(path)} (## [{self.expected}])")
        else:
            self.problems.append(f"CHANGELOG.md: no '## [{self.expected}]' section for the workspace version")

    def derived(self, directory: Path, path: Path, source: Source) -> None:
        by = directory / source.derived_by if source.derived_by else None
        if by is None or not by.is_file():
            self.problems.append(
                f"{self.rel(path)}: {source.what} is set at build time, but "
                f"{self.rel(by) if by else 'no file'} that should read it from Cargo.toml is missing"
            )
        elif "Cargo.toml" not in by.read_text(encoding="utf-8"):
            self.problems.append(
                f"{self.rel(path)}: {source.what} is set at build time by {self.rel(by)}, "
                "which does not read Cargo.toml"
            )
        else:
            self.checked.append(f"{self.rel(path)} ({source.what}): taken from Cargo.toml by {self.rel(by)}")

    def runtimes(self) -> None:
        bindings = self.root / "bindings"
        if not bindings.is_dir():
            return
        for directory in sorted(p for p in bindings.iterdir() if p.is_dir() and p.name not in NOT_RUNTIMES):
            sources = RUNTIMES.get(directory.name)
            if sources is None:
                self.problems.append(
                    f"{self.rel(directory)}/: a runtime that scripts/check_versions.py does not know: "
                    "add a row to RUNTIMES saying where its package version is"
                )
                continue
            found = 0
            for source in sources:
                for path in sorted(directory.glob(source.glob)):
                    if not path.is_file() or "node_modules" in path.parts:
                        continue
                    try:
                        version = source.read(path.read_text(encoding="utf-8"))
                    except (ValueError, ElementTree.ParseError) as error:
                        self.problems.append(f"{self.rel(path)}: cannot read {source.what}: {error}")
                        continue
                    if version == DERIVED:
                        found += 1
                        self.derived(directory, path, source)
                    elif version is not None:
                        found += 1
                        self.compare(path, source.what, version)
            if not found:
                places = ", ".join(f"{s.glob} ({s.what})" for s in sources)
                self.problems.append(
                    f"{self.rel(directory)}/: no package version found; expected one of: {places} "
                    "(or update RUNTIMES in scripts/check_versions.py)"
                )


def check(root: Path) -> Checker:
    """Runs every check under `root`; the result's `problems` is empty when all versions agree."""
    checker = Checker(root, workspace_version(root))
    checker.header()
    checker.cargo()
    checker.changelog()
    checker.runtimes()
    return checker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    checker = check(args.root.resolve())
    for line in checker.checked:
        print(f"ok   {line}")
    for line in checker.problems:
        print(f"FAIL {line}", file=sys.stderr)
    if checker.problems:
        print(f"{len(checker.problems)} version(s) differ from {checker.expected}", file=sys.stderr)
        return 1
    print(f"all {len(checker.checked)} versions are {checker.expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
