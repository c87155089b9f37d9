"""Tests for check_versions.py on temporary repository trees: `python3 -m unittest discover -s scripts -v`."""

from __future__ import annotations

import contextlib
import io
import tempfile
import unittest
from pathlib import Path

import check_versions

HEADER = """#define UNLEASHED_VERSION_MAJOR {major}
#define UNLEASHED_VERSION_MINOR {minor}
#define UNLEASHED_VERSION_PATCH {patch}
"""

# One package file per runtime in RUNTIMES, each stating {version}.
RUNTIME_FILES = {
    "python": ("pyproject.toml", '[project]\nname = "unleashed-signer"\nversion = "{version}"\n'),
    "node": ("package.json", '{{"name": "unleashed-signer", "version": "{version}"}}\n'),
    "dotnet": (
        "src/Unleashed.Signer/Unleashed.Signer.csproj",
        '<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup>\n    <Version>{version}</Version>\n'
        "  </PropertyGroup>\n</Project>\n",
    ),
    "php": ("composer.json", '{{"name": "acme/unleashed-signer", "version": "{version}"}}\n'),
    "java": (
        "pom.xml",
        '<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <artifactId>unleashed-signer</artifactId>\n'
        "  <version>{version}</version>\n  <dependencies><dependency><version>5.10.0</version></dependency>"
        "</dependencies>\n</project>\n",
    ),
    "go": ("unleashed.go", 'package unleashed\n\n// Version is the library version.\nconst Version = "{version}"\n'),
}


class CheckVersionsTest(unittest.TestCase):
    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.root = Path(tmp.name)
        self.write(
            "Cargo.toml",
            '[workspace]\nmembers = ["core"]\n\n[workspace.package]\nversion = "1.2.3"\n\n'
            '[workspace.dependencies]\nunleashed-signer = { version = "=1.2.3", path = "core" }\n',
        )
        self.write("core/Cargo.toml", '[package]\nname = "unleashed-signer"\nversion.workspace = true\n')
        self.write("include/unleashed_signer.h", HEADER.format(major=1, minor=2, patch=3))
        self.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [1.2.3] - 2030-01-01\n")
        for runtime, (name, text) in RUNTIME_FILES.items():
            self.write(f"bindings/{runtime}/{name}", text.format(version="1.2.3"))

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def problems(self) -> list[str]:
        return check_versions.check(self.root).problems

    def test_the_table_and_the_fixture_name_the_same_runtimes(self) -> None:
        self.assertEqual(sorted(RUNTIME_FILES), sorted(check_versions.RUNTIMES))

    def test_all_equal_passes_and_every_runtime_is_read(self) -> None:
        checker = check_versions.check(self.root)
        self.assertEqual(checker.problems, [])
        for runtime, (name, _) in RUNTIME_FILES.items():
            self.assertIn(f"bindings/{runtime}/{name}", "\n".join(checker.checked))
        with contextlib.redirect_stdout(io.StringIO()) as out:
            self.assertEqual(check_versions.main(["--root", str(self.root)]), 0)
        self.assertIn("all 9 versions are 1.2.3", out.getvalue())

    def test_a_drift_in_each_runtime_names_the_file_and_both_versions(self) -> None:
        for runtime, (name, text) in RUNTIME_FILES.items():
            with self.subTest(runtime=runtime):
                path = self.write(f"bindings/{runtime}/{name}", text.format(version="1.2.4"))
                self.assertEqual(len(self.problems()), 1)
                problem = self.problems()[0]
                self.assertIn(f"bindings/{runtime}/{name}", problem)
                self.assertIn("1.2.4", problem)
                self.assertIn("1.2.3", problem)
                path.write_text(text.format(version="1.2.3"), encoding="utf-8")
                self.assertEqual(self.problems(), [])

    def test_a_runtime_directory_without_a_version_fails(self) -> None:
        (self.root / "bindings/java/pom.xml").unlink()
        self.write("bindings/java/src/main/java/Signer.java", "class Signer {}\n")
        problems = self.problems()
        self.assertEqual(len(problems), 1)
        self.assertIn("bindings/java/: no package version found", problems[0])
        self.assertIn("pom.xml", problems[0])

    def test_a_package_file_without_a_version_field_fails(self) -> None:
        self.write("bindings/node/package.json", '{"name": "unleashed-signer"}\n')
        self.assertIn("bindings/node/: no package version found", "\n".join(self.problems()))

    def test_an_unknown_runtime_directory_fails(self) -> None:
        self.write("bindings/ruby/unleashed.gemspec", "spec.version = '1.2.3'\n")
        problems = self.problems()
        self.assertEqual(len(problems), 1)
        self.assertIn("bindings/ruby/", problems[0])
        self.assertIn("RUNTIMES", problems[0])

    def test_the_other_sources_of_a_runtime_are_read_too(self) -> None:
        self.write("bindings/java/gradle.properties", "group=com.example\nversion=1.3.0\n")
        self.write("bindings/go/internal/v.go", 'package internal\n\nconst Version = "1.2.3"\n')
        problems = self.problems()
        self.assertEqual(len(problems), 1)
        self.assertIn("bindings/java/gradle.properties", problems[0])
        self.assertIn("1.3.0", problems[0])

    def test_a_version_derived_from_cargo_toml_passes_only_with_its_reader(self) -> None:
        self.write("bindings/python/pyproject.toml", '[project]\nname = "unleashed-signer"\ndynamic = ["version"]\n')
        missing_reader = "bindings/python/setup.py that should read it from Cargo.toml is missing"
        self.assertIn(missing_reader, "\n".join(self.problems()))
        setup = self.write("bindings/python/setup.py", "setup(version=read('Cargo.toml'))\n")
        checker = check_versions.check(self.root)
        self.assertEqual(checker.problems, [])
        self.assertIn("taken from Cargo.toml by bindings/python/setup.py", "\n".join(checker.checked))
        setup.write_text("setup(version='1.2.3')\n", encoding="utf-8")
        self.assertIn("does not read Cargo.toml", "\n".join(self.problems()))

    def test_an_unreadable_package_file_fails(self) -> None:
        self.write("bindings/node/package.json", '{"version": ')
        self.assertIn("bindings/node/package.json: cannot read", "\n".join(self.problems()))

    def test_header_drift_fails(self) -> None:
        self.write("include/unleashed_signer.h", HEADER.format(major=1, minor=3, patch=0))
        problems = self.problems()
        self.assertEqual(len(problems), 1)
        self.assertIn("include/unleashed_signer.h", problems[0])
        self.assertIn("1.3.0", problems[0])

    def test_core_requirement_and_member_version_drift_fail(self) -> None:
        manifest = self.root / "Cargo.toml"
        manifest.write_text(manifest.read_text().replace('"=1.2.3"', '"=1.2.2"'))
        self.write("core/Cargo.toml", '[package]\nname = "unleashed-signer"\nversion = "1.2.0"\n')
        problems = "\n".join(self.problems())
        self.assertIn("Cargo.toml: [workspace.dependencies] unleashed-signer is 1.2.2", problems)
        self.assertIn("core/Cargo.toml: [package] version is 1.2.0", problems)

    def test_a_version_without_a_changelog_section_fails(self) -> None:
        self.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [1.2.2] - 2029-01-01\n")
        self.assertEqual(len(self.problems()), 1)
        self.assertIn("CHANGELOG.md", self.problems()[0])

    def test_main_exits_1_and_reports_on_stderr(self) -> None:
        self.write("bindings/go/unleashed.go", 'package unleashed\n\nconst Version = "9.9.9"\n')
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            self.assertEqual(check_versions.main(["--root", str(self.root)]), 1)
        self.assertIn("FAIL bindings/go/unleashed.go: const Version is 9.9.9", err.getvalue())


if __name__ == "__main__":
    unittest.main()
