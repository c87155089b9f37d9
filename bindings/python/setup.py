"""Builds the wheel: compiles the repository's `ffi` crate with cargo and puts its shared library in the package.

The wheel holds the pure-Python package plus that one library, loaded with ctypes, so it is tagged
py3-none-<platform>: any Python 3 on the platform it was built for. It is built from the repository (the Rust
workspace two directories up), so there is no sdist: `pip install ./bindings/python`, `pip wheel
./bindings/python` or `python -m build --wheel bindings/python`.
"""

import os
import pathlib
import re
import subprocess
import sys

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = pathlib.Path(__file__).resolve().parent
WORKSPACE = HERE.parents[1]


def library_name() -> str:
    if sys.platform == "win32":
        return "unleashed_signer_ffi.dll"
    if sys.platform == "darwin":
        return "libunleashed_signer_ffi.dylib"
    return "libunleashed_signer_ffi.so"


def workspace_version() -> str:
    """`version` of `[workspace.package]` in the workspace's Cargo.toml: every package's version."""
    manifest = WORKSPACE / "Cargo.toml"
    if not manifest.is_file():
        sys.exit("unleashed-signer: %s not found; build the wheel inside the repository" % manifest)
    section = re.search(r"^\[workspace\.package\]\n(.*?)(?=^\[)", manifest.read_text(), re.M | re.S)
    version = section and re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.M)
    if not version:
        sys.exit("unleashed-signer: no [workspace.package] version in %s" % manifest)
    return version.group(1)


def build_library() -> pathlib.Path:
    """Runs `cargo build --release` for the ffi crate (a no-op when it is up to date) and returns the library."""
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or WORKSPACE / "target")
    if not target.is_absolute():
        target = WORKSPACE / target
    command = [os.environ.get("CARGO", "cargo"), "build", "--release", "--locked", "-p", "unleashed-signer-ffi"]
    try:
        subprocess.run(command + ["--target-dir", str(target)], cwd=WORKSPACE, check=True)
    except FileNotFoundError:
        sys.exit("unleashed-signer: building the wheel needs Rust's cargo (https://rustup.rs) on PATH")
    except subprocess.CalledProcessError as error:
        sys.exit("unleashed-signer: `%s` failed with status %d" % (" ".join(command), error.returncode))
    return target / "release" / library_name()


class BuildPyWithLibrary(build_py):
    """Copies the freshly built library into the package, next to `_native.py`, which loads it."""

    def run(self) -> None:
        super().run()
        library = build_library()
        self.copy_file(str(library), os.path.join(self.build_lib, "unleashed_signer", library.name))


class BinaryDistribution(Distribution):
    """Marks the distribution as platform-specific: it holds a native library."""

    def has_ext_modules(self) -> bool:
        return True


class PlatformWheel(bdist_wheel):
    """Tags the wheel py3-none-<platform>: it holds a native library but no Python extension module."""

    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


class NoSdist(sdist):
    def run(self) -> None:
        sys.exit(
            "unleashed-signer has no sdist: the wheel is built from the repository's Rust workspace. "
            "Run `pip install ./bindings/python` or `python -m build --wheel bindings/python` from the repository."
        )


setup(
    distclass=BinaryDistribution,
    version=workspace_version(),
    cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel, "sdist": NoSdist},
)
