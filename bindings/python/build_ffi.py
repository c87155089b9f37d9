"""The cffi build of `unleashed_signer._ffi`: the declarations generated from include/unleashed_signer.h,
compiled against that header in cffi's API (out-of-line) mode and linked with the `ffi` crate's static library.

setup.py names it in `cffi_modules` and runs `build_library()` (cargo) before the extension is linked.

The Rust workspace is the repository (two directories up) or, in the sdist, its `rust/` directory (the core and
ffi crates, the header and the lock file; setup.py's sdist command writes it). `CARGO_BUILD_TARGET` (cargo's own
variable) builds the library for another target, for a cross-built wheel (build-wheel.sh).
"""

import importlib.util
import os
import pathlib
import platform
import re
import subprocess
import sys

import cffi

HERE = pathlib.Path(__file__).resolve().parent
SDIST_WORKSPACE = "rust"
"""Where the sdist keeps the Rust workspace, beside this file."""
WORKSPACE = HERE / SDIST_WORKSPACE if (HERE / SDIST_WORKSPACE / "Cargo.toml").is_file() else HERE.parents[1]
HEADER = WORKSPACE / "include" / "unleashed_signer.h"


def _load_cdef_module():
    spec = importlib.util.spec_from_file_location("_cdef", HERE / "src" / "unleashed_signer" / "_cdef.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def target_dir() -> pathlib.Path:
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or WORKSPACE / "target")
    return target if target.is_absolute() else WORKSPACE / target


def static_library() -> pathlib.Path:
    name = "unleashed_signer_ffi.lib" if sys.platform == "win32" else "libunleashed_signer_ffi.a"
    cross_target = os.environ.get("CARGO_BUILD_TARGET")
    return target_dir() / (cross_target or "") / "release" / name


def native_libraries() -> list:
    """What Rust's standard library needs from the system when linked statically (`--print native-static-libs`)."""
    if sys.platform.startswith("linux"):
        return ["gcc_s", "util", "rt", "pthread", "m", "dl", "c"]
    if sys.platform == "darwin":
        return ["System", "c", "m"]
    if sys.platform == "win32":
        return ["kernel32", "advapi32", "ntdll", "userenv", "ws2_32", "bcrypt"]
    return []


def link_arguments() -> list:
    """Drop the parts of Rust's standard library the C API never reaches, and the symbol tables."""
    if sys.platform.startswith("linux"):
        return ["-Wl,--gc-sections", "-Wl,--strip-all"]
    if sys.platform == "darwin":
        return ["-Wl,-dead_strip"]
    return []


def missing_cargo_message(cargo: str) -> str:
    """What to do when cargo is not there: the sdist, like the repository, is built from Rust source."""
    if WORKSPACE == HERE / SDIST_WORKSPACE:
        where = (
            "no prebuilt wheel fits this machine (%s-%s, Python %d.%d; the wheels are for CPython 3.9 or later on "
            "Linux x86_64 and aarch64 with glibc, manylinux), so pip is building unleashed-signer from its source"
            % (sys.platform, platform.machine(), sys.version_info[0], sys.version_info[1])
        )
    else:
        where = "building unleashed-signer from the repository"
    message = (
        "unleashed-signer: %s, which needs Rust's cargo (Rust %s or later), but `%s` was not found. Install Rust "
        "with rustup (https://rustup.rs), make sure cargo is on PATH (or set CARGO to its path), then run pip "
        "again." % (where, rust_version(), cargo)
    )
    rustup_cargo = pathlib.Path.home() / ".cargo" / "bin" / "cargo"
    if rustup_cargo.is_file():
        message += " (%s is there: add %s to PATH.)" % (rustup_cargo, rustup_cargo.parent)
    return message


def rust_version() -> str:
    """`rust-version` of `[workspace.package]`: the oldest Rust that builds the crates."""
    found = re.search(r'^rust-version\s*=\s*"([^"]+)"', (WORKSPACE / "Cargo.toml").read_text(), re.M)
    return found.group(1) if found else "stable"


def build_library() -> None:
    """Runs `cargo build --release` for the ffi crate (a no-op when it is up to date)."""
    cargo = os.environ.get("CARGO", "cargo")
    command = [cargo, "build", "--release", "--locked", "-p", "unleashed-signer-ffi"]
    try:
        subprocess.run(command + ["--target-dir", str(target_dir())], cwd=WORKSPACE, check=True)
    except FileNotFoundError:
        sys.exit(missing_cargo_message(cargo))
    except subprocess.CalledProcessError as error:
        sys.exit("unleashed-signer: `%s` failed with status %d" % (" ".join(command), error.returncode))


if not HEADER.is_file():
    sys.exit("unleashed-signer: %s not found; build the wheel inside the repository" % HEADER)

ffibuilder = cffi.FFI()
ffibuilder.cdef(_load_cdef_module().cdef(HEADER.read_text(encoding="utf-8")))
ffibuilder.set_source(
    "unleashed_signer._ffi",
    '#include "unleashed_signer.h"',
    include_dirs=[str(HEADER.parent)],
    extra_objects=[str(static_library())],
    libraries=native_libraries(),
    extra_link_args=link_arguments(),
    py_limited_api=True,
)
