"""Tests for check_readme_map.py on temporary trees: `python3 -m unittest discover -s scripts -v`."""

from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

import check_readme_map

ROOT_README = """# x

## Runtimes

| runtime | install | example | tests | details |
|---|---|---|---|---|
| Py | `pip install .` | `import x`<br>`k = Key(…, "b")`<br>`print(k)` | `bash .ci/steps/70-py.sh` | [py/README.md](py/README.md) |

## Next
"""

PY_README = """# py
    import x
    k = Key("a", "b")
    print(k)
"""


class CheckReadmeMapTest(unittest.TestCase):
    def tree(self, root_readme: str = ROOT_README, py_readme: str | None = PY_README, step: bool = True) -> Path:
        root = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (root / "README.md").write_text(root_readme)
        if py_readme is not None:
            (root / "py").mkdir()
            (root / "py" / "README.md").write_text(py_readme)
        if step:
            (root / ".ci" / "steps").mkdir(parents=True)
            (root / ".ci" / "steps" / "70-py.sh").write_text("")
        return root

    def test_a_map_that_holds(self) -> None:
        self.assertEqual(check_readme_map.check(self.tree()), [])

    def test_an_example_line_missing_from_the_linked_readme(self) -> None:
        problems = check_readme_map.check(self.tree(py_readme=PY_README.replace("print(k)", "print(k.x)\n")))
        self.assertEqual(problems, ["README.md: Py: the example line `print(k)` is not in py/README.md"])

    def test_pieces_must_keep_their_order(self) -> None:
        problems = check_readme_map.check(self.tree(py_readme=PY_README.replace('Key("a", "b")', '"b", Key("a")')))
        self.assertEqual(problems, ['README.md: Py: the example line `k = Key(…, "b")` is not in py/README.md'])

    def test_a_missing_readme_or_step(self) -> None:
        self.assertEqual(check_readme_map.check(self.tree(py_readme=None)),
                         ["README.md: Py: py/README.md does not exist"])
        self.assertEqual(check_readme_map.check(self.tree(step=False)),
                         ["README.md: Py: .ci/steps/70-py.sh does not exist"])

    def test_an_example_of_two_lines(self) -> None:
        root = self.tree(ROOT_README.replace("<br>`print(k)`", ""))
        self.assertEqual(check_readme_map.check(root), ["README.md: Py: the example has 2 lines, not 3"])

    def test_no_table(self) -> None:
        self.assertEqual(check_readme_map.check(self.tree("# x\n")), ["README.md: no '## Runtimes' section"])
        self.assertEqual(check_readme_map.check(self.tree("# x\n\n## Runtimes\n\ntext\n")),
                         ["README.md: the Runtimes table has no rows"])

    def test_line_has(self) -> None:
        self.assertTrue(check_readme_map.line_has("a(b, c)", "a(…)"))
        self.assertFalse(check_readme_map.line_has("a)b(", "a(…)"))
        self.assertTrue(check_readme_map.line_has("exact", "exact"))


if __name__ == "__main__":
    unittest.main()
