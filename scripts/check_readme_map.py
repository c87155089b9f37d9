#!/usr/bin/env python3
"""Checks the root README's map against the READMEs it points to.

The root README's "## Runtimes" table has, per runtime, three lines of its example and a link to the README that
holds the whole example (where that runtime's own test runs it). Every example line must stand in that README,
so the map cannot drift from what is tested:

- each code span of the example cell is one line; `…` in it stands for text left out, so the pieces around it must
  appear in that order within one line of the linked README;
- the linked README, and every `.ci/steps/*.sh` named in the tests cell, must exist.

usage: scripts/check_readme_map.py [--root DIR]    (exit 0 when the map holds, 1 with one line per problem)

Standard library only.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

CODE_SPAN = re.compile(r"`([^`]+)`")
LINK = re.compile(r"\[[^\]]*\]\(([^)#]+)\)")


def table_rows(readme: str, heading: str = "## Runtimes") -> list[list[str]]:
    """The body rows of the first table after `heading`, each as its list of cells."""
    start = readme.find(f"\n{heading}\n")
    if start < 0:
        raise ValueError(f"no '{heading}' section")
    rows: list[list[str]] = []
    in_table = False
    for line in readme[start + 1 :].splitlines()[1:]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            in_table = True
            cells = [cell.strip() for cell in re.split(r"\|(?=(?:[^`]*`[^`]*`)*[^`]*$)", line.strip().strip("|"))]
            if not all(set(cell) <= set("-: ") for cell in cells):
                rows.append(cells)
        elif in_table:
            break
    return rows[1:]  # the header row is not a runtime


def line_has(line: str, span: str) -> bool:
    """Whether the pieces of `span` around each `…` stand in `line` in that order."""
    at = 0
    for piece in span.split("…"):
        found = line.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def check(root: Path) -> list[str]:
    problems: list[str] = []
    readme = (root / "README.md").read_text(encoding="utf-8")
    try:
        rows = table_rows(readme)
    except ValueError as error:
        return [f"README.md: {error}"]
    if not rows:
        return ["README.md: the Runtimes table has no rows"]
    for cells in rows:
        if len(cells) != 5:
            problems.append(f"README.md: a Runtimes row has {len(cells)} cells, not 5: {cells[0]}")
            continue
        runtime, _install, example, tests, details = cells
        links = LINK.findall(details)
        if len(links) != 1:
            problems.append(f"README.md: {runtime}: the details cell must link one README")
            continue
        target = root / links[0]
        if not target.is_file():
            problems.append(f"README.md: {runtime}: {links[0]} does not exist")
            continue
        lines = target.read_text(encoding="utf-8").splitlines()
        spans = CODE_SPAN.findall(example)
        if len(spans) != 3:
            problems.append(f"README.md: {runtime}: the example has {len(spans)} lines, not 3")
        for span in spans:
            if not any(line_has(line, span) for line in lines):
                problems.append(f"README.md: {runtime}: the example line `{span}` is not in {links[0]}")
        for step in re.findall(r"\.ci/steps/[\w.-]+\.sh", tests):
            if not (root / step).is_file():
                problems.append(f"README.md: {runtime}: {step} does not exist")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    problems = check(args.root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("README map: every example line stands in its README")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
