"""Builds the wheel: compiles the repository's `ffi` crate with cargo, and `unleashed_signer._ffi` with cffi
(API mode, against include/unleashed_signer.h, linked with the crate's static library; see build_ffi.py).

The wheel holds the Python package and that one extension, which contains the library: it needs no Rust, no
repository and no environment variable. It uses CPython's stable ABI, so it is tagged cp39-abi3-<platform>.
From the repository: `pip install ./bindings/python`, `pip wheel ./bindings/python` or `python -m build
bindings/python`; build-wheel.sh builds the manylinux wheels we ship (x86_64 and aarch64).

The sdist (`python -m build --sdist bindings/python`) carries, in `rust/`, what cargo needs to build the library:
the workspace's Cargo.toml reduced to the core and ffi crates, their sources, the header and the lock file pruned
to them. pip builds a wheel from it where no wheel fits (another platform), which needs Rust's cargo.
"""

import os
import pathlib
import re
import shutil
import subprocess
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


CRATES = {
    "core": ["Cargo.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE", "src"],
    "ffi": ["Cargo.toml", "build.rs", "cbindgen.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE", "src"],
}
"""The crates that build the library, and their files the build reads (each crate's `include` in its Cargo.toml)."""


def write_rust_workspace(destination: pathlib.Path) -> None:
    """Writes the sdist's Rust workspace: the core and ffi crates, the header, the root Cargo.toml with only those
    two members, and the lock file pruned to them by cargo (so `cargo build --locked` accepts it)."""
    source = build_ffi.WORKSPACE
    destination.mkdir(parents=True)
    manifest = (source / "Cargo.toml").read_text()
    manifest, members = re.subn(r"^members = \[[^\]]*\]$", 'members = ["core", "ffi"]', manifest, flags=re.M)
    manifest = re.sub(r"^exclude = \[[^\]]*\]\n", "", manifest, flags=re.M)
    if members != 1:
        sys.exit("unleashed-signer: no `members = [...]` line in %s" % (source / "Cargo.toml"))
    (destination / "Cargo.toml").write_text(manifest)
    shutil.copy2(source / "Cargo.lock", destination / "Cargo.lock")
    for crate, names in CRATES.items():
        for name in names:
            path = source / crate / name
            if path.is_dir():
                shutil.copytree(path, destination / crate / name, ignore=shutil.ignore_patterns("*.orig", "*.rs.bk"))
            else:
                (destination / crate).mkdir(exist_ok=True)
                shutil.copy2(path, destination / crate / name)
    (destination / "include").mkdir()
    shutil.copy2(build_ffi.HEADER, destination / "include" / build_ffi.HEADER.name)
    cargo = os.environ.get("CARGO", "cargo")
    try:
        # Resolving the reduced workspace rewrites the lock file without the other members' dependencies; the
        # versions stay those of the repository's lock file.
        subprocess.run(
            [cargo, "metadata", "--format-version", "1", "--offline"],
            cwd=destination,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        sys.exit(build_ffi.missing_cargo_message(cargo))
    except subprocess.CalledProcessError as error:
        sys.exit("unleashed-signer: `cargo metadata` failed with status %d in %s" % (error.returncode, destination))


class SdistWithRustWorkspace(sdist):
    """The sdist: the Python package, plus the Rust workspace that builds the library in `rust/`."""

    def make_release_tree(self, base_dir, files) -> None:
        super().make_release_tree(base_dir, files)
        write_rust_workspace(pathlib.Path(base_dir) / build_ffi.SDIST_WORKSPACE)


setup(
    version=workspace_version(),
    cffi_modules=["build_ffi.py:ffibuilder"],
    cmdclass={"build_ext": BuildExtWithLibrary, "sdist": SdistWithRustWorkspace},
    options={"bdist_wheel": {"py_limited_api": "cp39"}},
)
