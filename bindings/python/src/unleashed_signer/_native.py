"""The C ABI of unleashed-signer through cffi: ``ffi`` and ``lib``, the constants, and the status numbers.

The declarations are generated from ``include/unleashed_signer.h`` (see ``_cdef.py``), the one contract between
this package and the library. In the wheel, ``_ffi`` is a cffi extension compiled against that header in API
mode and linked with the ``ffi`` crate's library. For development from the repository only, the
``UNLEASHED_SIGNER_LIB`` environment variable names a built ``libunleashed_signer_ffi`` to load instead (cffi's
ABI mode, with the declarations generated from the repository's header at import).

Each wheel is for one platform (cp39-abi3-manylinux_..._x86_64 or ..._aarch64): pip installs the one that fits.
When the compiled part is for another machine (a package directory copied between machines, a container of
another architecture sharing a volume), the import fails with an error that names both machines and the platforms
there are wheels for, rather than the loader's "cannot open shared object file".

The few names cffi cannot take from the header (the status numbers as a Python enum, the header-name strings)
are written here and checked against the header by the tests.
"""

from __future__ import annotations

import enum
import os
import pathlib
import platform
import sys

WHEEL_PLATFORMS = ("linux-x86_64", "linux-aarch64")
"""The platforms there are wheels for (manylinux, glibc); elsewhere pip builds the sdist, which needs cargo."""

_ELF_MACHINES = {
    3: "i686",
    8: "mips",
    20: "ppc",
    21: "ppc64",
    22: "s390x",
    40: "arm",
    62: "x86_64",
    183: "aarch64",
    243: "riscv64",
    258: "loongarch64",
}
"""ELF's e_machine numbers, by the name platform.machine() gives the machine on Linux."""
_MACHINE_ALIASES = {"amd64": "x86_64", "arm64": "aarch64", "armv7l": "arm", "armv8l": "arm", "i386": "i686",
                    "i586": "i686", "ppc64le": "ppc64"}


def _elf_machine(path: pathlib.Path):
    """The machine an ELF file is for (e_machine, by its name where known), or None for another kind of file."""
    with open(path, "rb") as file:
        header = file.read(20)
    if len(header) < 20 or header[:4] != b"\x7fELF":
        return None
    number = int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")
    return _ELF_MACHINES.get(number, "ELF machine %d" % number)


def this_platform() -> str:
    """This Python's platform as the wheel names it: `linux-x86_64`, `linux-aarch64`, ..."""
    machine = platform.machine().lower()
    return "%s-%s" % (sys.platform, _MACHINE_ALIASES.get(machine, machine))


def _wrong_machine_error(error: ImportError):
    """An ImportError that says which machine the installed compiled part is for, when it is not this one's; None
    when that is not what went wrong."""
    here = this_platform()
    for compiled in sorted(pathlib.Path(__file__).resolve().parent.glob("_ffi.*")):
        machine = _elf_machine(compiled)
        if machine is None or "-".join((sys.platform, machine)) == here:
            continue
        return ImportError(
            "unleashed_signer was installed for %s-%s (%s), " % (sys.platform, machine, compiled)
            + "but this Python runs on %s. There are wheels for %s; " % (here, ", ".join(WHEEL_PLATFORMS))
            + "on this machine, reinstall it with its own pip "
            + "(`pip install --force-reinstall unleashed-signer`), which picks the wheel for %s " % here
            + "or, where there is none, builds the package from its source with Rust's cargo (%s)" % error
        )
    return None


def _development_library():
    path = os.environ["UNLEASHED_SIGNER_LIB"]
    header = pathlib.Path(__file__).resolve().parents[4] / "include" / "unleashed_signer.h"
    if not header.is_file():
        raise ImportError(
            "UNLEASHED_SIGNER_LIB is for development in the repository, but %s is not there: " % header
            + "unset it to use the library compiled into the installed package"
        )
    import cffi

    from . import _cdef

    development_ffi = cffi.FFI()
    development_ffi.cdef(_cdef.cdef(header.read_text(encoding="utf-8")))
    try:
        return development_ffi, development_ffi.dlopen(path), path
    except OSError as error:
        raise ImportError(
            "UNLEASHED_SIGNER_LIB=%s cannot be loaded (%s): point it at a built " % (path, error)
            + "libunleashed_signer_ffi, or unset it"
        ) from None


if os.environ.get("UNLEASHED_SIGNER_LIB"):
    ffi, lib, path = _development_library()
else:
    try:
        from . import _ffi as _compiled  # type: ignore[attr-defined]  # built by build_ffi.py
    except ImportError as error:
        wrong_machine = _wrong_machine_error(error)
        if wrong_machine is not None:
            raise wrong_machine from None
        raise ImportError(
            "unleashed_signer cannot load its compiled part (%s): install the package with pip, which also " % error
            + "installs cffi (from the repository: `pip install ./bindings/python`), rather than using the source tree"
        ) from None
    ffi, lib, path = _compiled.ffi, _compiled.lib, _compiled.__file__  # type: ignore[has-type]

VERSION = "%d.%d.%d" % (lib.UNLEASHED_VERSION_MAJOR, lib.UNLEASHED_VERSION_MINOR, lib.UNLEASHED_VERSION_PATCH)
"""The version of the header the declarations were generated from (``UNLEASHED_VERSION``)."""
SIGNATURE_LEN = lib.UNLEASHED_SIGNATURE_LEN
SIGNATURE_BUFFER_LEN = lib.UNLEASHED_SIGNATURE_BUFFER_LEN
KEY_FORMAT_TEXT = lib.UNLEASHED_KEY_FORMAT_TEXT
KEY_FORMAT_BASE64 = lib.UNLEASHED_KEY_FORMAT_BASE64
KEY_FORMAT_RAW = lib.UNLEASHED_KEY_FORMAT_RAW
SIGNED_FORM_DECODED = lib.UNLEASHED_SIGNED_FORM_DECODED
SIGNED_FORM_WIRE = lib.UNLEASHED_SIGNED_FORM_WIRE
HEADER_API_AUTH_ID = "api-auth-id"
HEADER_API_AUTH_SIGNATURE = "api-auth-signature"
HEADER_CLIENT_TYPE = "client-type"


class Status(enum.IntEnum):
    """The C ``unleashed_status`` numbers (``UNLEASHED_<NAME>``); they never change."""

    OK = 0
    PANIC = 1
    NULL_POINTER = 2
    INVALID_LENGTH = 3
    MISALIGNED_POINTER = 4
    BUFFER_TOO_SMALL = 5
    OVERLAPPING_BUFFERS = 6
    KEY_NOT_INITIALISED = 10
    INVALID_KEY_FORMAT = 11
    INVALID_SIGNED_FORM = 12
    QUERY_NOT_INITIALISED = 13
    EMPTY_KEY = 20
    KEY_WHITESPACE = 21
    KEY_CONTROL_CHARACTER = 22
    KEY_NOT_UTF8 = 23
    INVALID_BASE64 = 24
    BASE64_KEY_TOO_LONG = 25
    INVALID_KEY = 26
    MALFORMED_ESCAPE = 30
    EMPTY_PARAMETER_NAME = 31
    SIGNATURE_MISMATCH = 40
    INVALID_API_ID = 50
    INVALID_CLIENT_TYPE = 51


_linked = ffi.string(lib.unleashed_version()).decode("ascii")
if _linked != VERSION:
    raise ImportError(
        "the unleashed-signer library (%s) is version %s but this package needs %s: " % (path, _linked, VERSION)
        + "reinstall the package (or fix UNLEASHED_SIGNER_LIB)"
    )
