"""Tests for check_dependency_msrv.py on made-up `cargo metadata` output."""

from __future__ import annotations

import unittest

import check_dependency_msrv as check

NORMAL = [{"kind": None, "target": None}]
BUILD = [{"kind": "build", "target": None}]
DEV = [{"kind": "dev", "target": None}]


def metadata(deps: dict[str, list[tuple[str, list[dict]]]], rust_versions: dict[str, str | None]) -> dict:
    """Packages named by `rust_versions`, edges by `deps` (name -> [(dependency, kinds)])."""
    return {
        "packages": [
            {"id": f"id-{name}", "name": name, "version": "1.0.0", "rust_version": rv}
            for name, rv in rust_versions.items()
        ],
        "workspace_members": [f"id-{name}" for name in rust_versions if name.startswith("unleashed-signer")],
        "resolve": {
            "nodes": [
                {
                    "id": f"id-{name}",
                    "deps": [{"pkg": f"id-{dep}", "dep_kinds": kinds} for dep, kinds in deps.get(name, [])],
                }
                for name in rust_versions
            ]
        },
    }


def workspace(**extra: str | None) -> dict[str, str | None]:
    return {"unleashed-signer": "1.88", "unleashed-signer-ffi": "1.88", "unleashed-signer-cli": "1.88", **extra}


class DependencyMsrvTest(unittest.TestCase):
    def test_dependencies_at_or_below_the_msrv_pass(self) -> None:
        tree = {"unleashed-signer": [("sha2", NORMAL)], "sha2": [("cpufeatures", NORMAL)]}
        msrv, problems = check.too_new(metadata(tree, workspace(sha2="1.88.0", cpufeatures=None)))
        self.assertEqual((msrv, problems), ("1.88", []))

    def test_a_newer_transitive_dependency_fails(self) -> None:
        tree = {"unleashed-signer-cli": [("clap", NORMAL)], "clap": [("clap_derive", BUILD)]}
        _, problems = check.too_new(metadata(tree, workspace(clap="1.74", clap_derive="1.89")))
        self.assertEqual(len(problems), 1)
        self.assertIn("clap_derive 1.0.0 needs Rust 1.89, above rust-version 1.88", problems[0])

    def test_dev_dependencies_are_not_checked(self) -> None:
        tree = {"unleashed-signer": [("proptest", DEV)], "proptest": [("rand", NORMAL)]}
        _, problems = check.too_new(metadata(tree, workspace(proptest="1.95", rand="1.95")))
        self.assertEqual(problems, [])

    def test_versions_compare_numerically(self) -> None:
        self.assertGreater(check.version_key("1.100"), check.version_key("1.88.0"))
        self.assertEqual(check.version_key("1.88"), check.version_key("1.88.0"))

    def test_published_crates_must_share_one_rust_version(self) -> None:
        with self.assertRaises(SystemExit):
            check.too_new(metadata({}, workspace(**{"unleashed-signer-cli": "1.90"})))


if __name__ == "__main__":
    unittest.main()
