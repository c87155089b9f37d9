"""The cffi build of `unleashed_signer._ffi`: the declarations generated from include/unleashed_signer.h,
compiled against that header in cffi's API (out-of-line) mode and linked with the `ffi` crate's static library.

setup.py names it in `cffi_modules` and runs `build_library()` (cargo) before the extension is linked.
"""

import importlib.util
import os
import pathlib
import subprocess
import sys

import cffi

HERE = pathlib.Path(__file__).resolve().parent
WORKSPACE = HERE.parents[1]
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
    return target_dir() / "release" / name


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


def build_library() -> None:
    """Runs `cargo build --release` for the ffi crate (a no-op when it is up to date)."""
    command = [os.environ.get("CARGO", "cargo"), "build", "--release", "--locked", "-p", "unleashed-signer-ffi"]
    try:
        subprocess.run(command + ["--target-dir", str(target_dir())], cwd=WORKSPACE, check=True)
    except FileNotFoundError:
        sys.exit("unleashed-signer: building the wheel needs Rust's cargo (https://rustup.rs) on PATH")
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
