"""Builds the wheel: compiles the repository's `ffi` crate with cargo, and `unleashed_signer._ffi` with cffi
(API mode, against include/unleashed_signer.h, linked with the crate's static library; see build_ffi.py).

The wheel holds the Python package and that one extension, which contains the library: it needs no Rust, no
repository and no environment variable. It uses CPython's stable ABI, so it is tagged cp39-abi3-<platform>.
It is built from the repository (the Rust workspace two directories up), so there is no sdist:
`pip install ./bindings/python`, `pip wheel ./bindings/python` or `python -m build --wheel bindings/python`.
"""

import pathlib
import re
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.sdist import sdist

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import build_ffi  # noqa: E402 - found through the path set just above


def workspace_version() -> str:
    """`version` of `[workspace.package]` in the workspace's Cargo.toml: every package's version."""
    manifest = build_ffi.WORKSPACE / "Cargo.toml"
    section = re.search(r"^\[workspace\.package\]\n(.*?)(?=^\[)", manifest.read_text(), re.M | re.S)
    version = section and re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.M)
    if not version:
        sys.exit("unleashed-signer: no [workspace.package] version in %s" % manifest)
    return version.group(1)


class BuildExtWithLibrary(build_ext):
    """Builds the ffi crate's static library before the cffi extension is linked with it."""

    def finalize_options(self) -> None:
        super().finalize_options()
        # Always recompile and relink: setuptools cannot see that the Rust library changed, and a build/ left
        # by an earlier build would otherwise put a stale library in the wheel.
        self.force = True

    def run(self) -> None:
        build_ffi.build_library()
        super().run()


class NoSdist(sdist):
    def run(self) -> None:
        sys.exit(
            "unleashed-signer has no sdist: the wheel is built from the repository's Rust workspace. "
            "Run `pip install ./bindings/python` or `python -m build --wheel bindings/python` from the repository."
        )


setup(
    version=workspace_version(),
    cffi_modules=["build_ffi.py:ffibuilder"],
    cmdclass={"build_ext": BuildExtWithLibrary, "sdist": NoSdist},
    options={"bdist_wheel": {"py_limited_api": "cp39"}},
)
